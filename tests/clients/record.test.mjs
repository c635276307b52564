// Record once through the official clients, then replay to them from a
// fresh process with no upstream: the openai SDKs (chat, a stream, a tool
// call, embeddings in both encodings) and the LlamaParse reader. The
// upstream is another mockworks server: nothing reaches the internet.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI6 from 'openai6';
import OpenAI7 from 'openai7';
import { LlamaParseReader } from 'llama-cloud-services';
import { repoRoot, startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';
const ASK = [{ role: 'user', content: 'Which claims need pre-authorisation?' }];
const TOOLS = [{ type: 'function', function: { name: 'lookup_claim', parameters: { type: 'object', properties: { claim_id: { type: 'string' } }, required: ['claim_id'] } } }];
const EMBED = { model: 'text-embedding-3-small', input: ['first chunk', 'second chunk'] };

async function collect(stream) {
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

describe('openai SDKs against a replay of recorded answers', () => {
  let upstream, dir;
  const live = {};
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-clients-'));
    upstream = await startServer('mock_openai');
    const rec = await startServer('mock_openai', ['--record', dir, '--upstream', upstream.url]);
    const client = new OpenAI7({ apiKey: 'sk-client-key', baseURL: `${rec.url}/v1`, maxRetries: 0 });
    live.chat = await client.chat.completions.create({ model: MODEL, messages: ASK });
    live.stream = await collect(await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Stream the answer.' }], stream: true }));
    live.tool = await client.chat.completions.create({ model: MODEL, messages: ASK, tools: TOOLS, tool_choice: 'required' });
    live.embed = await client.embeddings.create({ ...EMBED, encoding_format: 'float' });
    await rec.stop();
  });
  after(() => upstream.stop());

  for (const [name, OpenAI] of [['openai v6', OpenAI6], ['openai v7', OpenAI7]]) {
    describe(name, () => {
      let replay, client;
      before(async () => {
        replay = await startServer('mock_openai', ['--record', dir, '--tokens-per-s', '500']);
        client = new OpenAI({ apiKey: 'sk-other-key', baseURL: `${replay.url}/v1`, maxRetries: 0 });
      });
      after(() => replay.stop());

      it('chat: the recorded answer', async () => {
        assert.deepEqual(await client.chat.completions.create({ model: MODEL, messages: ASK }), live.chat);
      });

      it('a recorded stream streams again, paced, with the same text', async () => {
        const text = await collect(await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Stream the answer.' }], stream: true }));
        assert.ok(text.length > 10);
        assert.equal(text, live.stream);
      });

      it('a recorded tool call, whole and streamed', async () => {
        const again = await client.chat.completions.create({ model: MODEL, messages: ASK, tools: TOOLS, tool_choice: 'required' });
        assert.deepEqual(again, live.tool);
        const call = again.choices[0].message.tool_calls[0];
        assert.equal(call.function.name, 'lookup_claim');
        const stream = await client.chat.completions.create({ model: MODEL, messages: ASK, tools: TOOLS, tool_choice: 'required', stream: true });
        let args = '';
        for await (const chunk of stream) args += chunk.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '';
        assert.deepEqual(JSON.parse(args), JSON.parse(call.function.arguments));
      });

      it('embeddings: the recorded vectors, as floats and through the SDK\'s default base64', async () => {
        assert.deepEqual(await client.embeddings.create({ ...EMBED, encoding_format: 'float' }), live.embed);
        const viaBase64 = await client.embeddings.create(EMBED);
        // The same float32 values (JSON prints them with 9 digits, base64 carries them exactly).
        assert.deepEqual(viaBase64.data.map((d) => d.embedding), live.embed.data.map((d) => d.embedding.map(Math.fround)));
      });

      it('not recorded: the SDK\'s NotFoundError with the code', async () => {
        await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'never asked' }] }),
          (e) => e.status === 404 && e.code === 'recording_not_found');
      });
    });
  }
});

describe('LlamaParse reader against a replay of a recorded parse', () => {
  const DATA = path.join(repoRoot, 'tests', 'data');
  let upstream, dir;
  const reader = (url) => new LlamaParseReader({ apiKey: 'llx-client', baseUrl: url, verbose: false, checkInterval: 0.1, resultType: 'markdown' });
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-clients-lp-'));
    upstream = await startServer('mock_llamaparse', ['--job-delay-ms', '200', '--job-ms-per-page', '0']);
  });
  after(() => upstream.stop());

  it('records through the reader, then a fresh process replays the same documents', async () => {
    const rec = await startServer('mock_llamaparse', ['--record', dir, '--upstream', upstream.url, '--upstream-poll-ms', '50', '--job-delay-ms', '0']);
    let live;
    try {
      live = await reader(rec.url).loadData(path.join(DATA, 'claims.csv'));
    } finally { await rec.stop(); }
    const direct = await reader(upstream.url).loadData(path.join(DATA, 'claims.csv'));
    assert.deepEqual(live.map((d) => d.text), direct.map((d) => d.text), 'the upstream\'s pages');
    const replay = await startServer('mock_llamaparse', ['--record', dir, '--job-delay-ms', '100']);
    try {
      const again = await reader(replay.url).loadData(path.join(DATA, 'claims.csv'));
      assert.ok(again.length >= 2);
      assert.deepEqual(again.map((d) => d.text), live.map((d) => d.text));
      // Not recorded: the reader gets the 404 (it reports it and returns no document).
      const none = await reader(replay.url).loadData(path.join(DATA, 'claims.tsv')).catch((e) => e);
      assert.ok(none instanceof Error ? /404|No recording/.test(String(none)) : none.length === 0, String(none));
      const { requests } = await (await fetch(`${replay.url}/__control/requests`)).json();
      assert.deepEqual(requests.filter((r) => r.path === '/api/v1/parsing/upload').map((r) => r.status), [200, 404]);
    } finally { await replay.stop(); }
  });
});
