// Chat completions over raw HTTP: SSE framing, pacing, start-up checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { binaryPath, startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise the plan' }], stream: true, stream_options: { include_usage: true } };

test('SSE framing: data events, usage last, [DONE]; paced by ttft and tokens-per-s', async () => {
  const s = await startServer('mock_openai', ['--ttft-ms', '300', '--tokens-per-s', '40']);
  try {
    const t0 = Date.now();
    const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: AUTH, body: JSON.stringify(BODY) });
    assert.ok(Date.now() - t0 >= 290, 'time to first token');
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const text = await res.text();
    const elapsed = Date.now() - t0;
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const events = text.split('\n\n').filter(Boolean);
    for (const e of events) assert.match(e, /^data: /);
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage.completion_tokens > 0);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
    const content = chunks.filter((c) => c.choices[0]?.delta?.content).length;
    assert.ok(elapsed >= 300 + (content / 40) * 1000 * 0.8, `${content} tokens in ${elapsed} ms`);
  } finally {
    await s.stop();
  }
});

test('--replies: a bad file or pattern stops start-up with a message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-'));
  const file = path.join(dir, 'r.json');
  fs.writeFileSync(file, JSON.stringify([{ match: '(unclosed', reply: 'x' }]));
  const r = spawnSync(binaryPath('mock_openai'), ['--port', '0', '--replies', file], { encoding: 'utf8', timeout: 5000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /rule 0: invalid regular expression/);
  fs.rmSync(dir, { recursive: true });
});

test('/v1/models lists the chat models; responses needs input', async () => {
  const s = await startServer('mock_openai');
  try {
    const ids = (await (await fetch(`${s.url}/v1/models`, { headers: AUTH })).json()).data.map((m) => m.id);
    assert.ok(ids.includes('gpt-4o-mini') && ids.includes('text-embedding-3-small'));
    const r = await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'gpt-4o-mini' }) });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.param, 'input');
    for (const path of ['/v1/responses', '/v1/chat/completions', '/v1/embeddings']) {
      const bad = await fetch(`${s.url}${path}`, { method: 'POST', headers: AUTH, body: '{bad' });
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error.message, /^We could not parse the JSON body of your request\. \(HINT: /, path);
    }
    const e = await fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'gpt-4o-mini', input: 'x' }) });
    assert.equal(e.status, 404);
  } finally {
    await s.stop();
  }
});
