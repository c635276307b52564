// The official openai SDKs' chat completions against mock_openai:
// plain, streamed, structured output, forced tool calls, a cut stream.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI6 from 'openai6';
import OpenAI7 from 'openai7';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';

const REPLIES = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mw-replies-')), 'replies.json');
fs.writeFileSync(REPLIES, JSON.stringify([
  { match: '^refund', reply: 'Refunds take 5 business days. END of answer.' },
  { match: 'weather in ([A-Z][a-z]+)', tool_call: { name: 'get_weather', arguments: { city: 'Paris' } } },
]));

const MODEL = 'gpt-4o-mini';
const ASK = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What does the plan cover for emergency care?' }];

for (const [name, OpenAI] of [['openai v6', OpenAI6], ['openai v7', OpenAI7]]) {
  describe(`${name} chat.completions`, () => {
    let s;
    let client;
    before(async () => {
      s = await startServer('mock_openai', ['--tokens-per-s', '200', '--replies', REPLIES]);
      client = new OpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
    });
    after(() => s.stop());

    it('answers, the same way every time', async () => {
      const a = await client.chat.completions.create({ model: MODEL, messages: ASK });
      const b = await client.chat.completions.create({ model: MODEL, messages: ASK });
      assert.equal(a.object, 'chat.completion');
      assert.equal(a.choices[0].finish_reason, 'stop');
      assert.match(a.choices[0].message.content, /^Mock reply to: What does the plan cover for emergency care\?/);
      assert.equal(a.choices[0].message.content, b.choices[0].message.content);
      assert.equal(a.usage.total_tokens, a.usage.prompt_tokens + a.usage.completion_tokens);
      const two = await client.chat.completions.create({ model: MODEL, messages: ASK, n: 2 });
      assert.equal(two.choices.length, 2);
      assert.notEqual(two.choices[0].message.content, two.choices[1].message.content);
    });

    it('streams deltas that add up to the same reply, with usage last', async () => {
      const plain = await client.chat.completions.create({ model: MODEL, messages: ASK });
      const stream = await client.chat.completions.create({ model: MODEL, messages: ASK, stream: true, stream_options: { include_usage: true } });
      let text = '';
      let finish = null;
      let usage = null;
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        if (chunk.choices[0]?.delta?.content) text += chunk.choices[0].delta.content;
        if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, plain.choices[0].message.content);
      assert.equal(finish, 'stop');
      assert.deepEqual(usage, plain.usage);
      assert.ok(chunks > 5);
    });

    it('max_tokens cuts the reply with finish_reason length', async () => {
      const r = await client.chat.completions.create({ model: MODEL, messages: ASK, max_tokens: 5 });
      assert.equal(r.choices[0].finish_reason, 'length');
      assert.ok(r.usage.completion_tokens <= 5);
    });

    it('structured output fits the JSON schema', async () => {
      const r = await client.chat.completions.create({
        model: MODEL, messages: ASK,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: {
          type: 'object', additionalProperties: false, required: ['summary', 'copay', 'covered'],
          properties: { summary: { type: 'string' }, copay: { type: 'number' }, covered: { type: 'boolean' } },
        } } },
      });
      const json = JSON.parse(r.choices[0].message.content);
      assert.equal(typeof json.summary, 'string');
      assert.equal(typeof json.copay, 'number');
      assert.equal(typeof json.covered, 'boolean');
    });

    it('a forced tool call', async () => {
      const r = await client.chat.completions.create({
        model: MODEL, messages: ASK,
        tools: [{ type: 'function', function: { name: 'lookup_benefit', parameters: { type: 'object', properties: { benefit: { type: 'string' }, year: { type: 'integer' } }, required: ['benefit'] } } }],
        tool_choice: { type: 'function', function: { name: 'lookup_benefit' } },
      });
      const call = r.choices[0].message.tool_calls[0];
      assert.equal(r.choices[0].finish_reason, 'tool_calls');
      assert.equal(call.function.name, 'lookup_benefit');
      assert.equal(typeof JSON.parse(call.function.arguments).benefit, 'string');
    });

    it('a stream cut mid-way makes the SDK raise', async () => {
      await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/chat/completions', kind: 'truncate', times: 1 }) });
      const stream = await client.chat.completions.create({ model: MODEL, messages: ASK, stream: true });
      await assert.rejects(async () => { for await (const chunk of stream) void chunk; });
    });

    it('--replies scripts answers and tool calls; stop cuts', async () => {
      const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'refund please' }] });
      assert.equal(r.choices[0].message.content, 'Refunds take 5 business days. END of answer.');
      const cut = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'refund please' }], stop: ['END'] });
      assert.equal(cut.choices[0].message.content, 'Refunds take 5 business days. ');
      const t = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'what is the weather in Paris?' }] });
      assert.equal(t.choices[0].finish_reason, 'tool_calls');
      assert.deepEqual(JSON.parse(t.choices[0].message.tool_calls[0].function.arguments), { city: 'Paris' });
    });

    it('stream faults: stream_cut drops the stream, stream_error sends an error event', async () => {
      await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/chat/completions', kind: 'stream_cut', after_chunks: 3, times: 1 }) });
      let seen = '';
      await assert.rejects(async () => {
        for await (const c of await client.chat.completions.create({ model: MODEL, messages: ASK, stream: true })) seen += c.choices[0]?.delta?.content ?? '';
      });
      assert.ok(seen.length > 0, 'some deltas came before the cut');
      await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/chat/completions', kind: 'stream_error', after_chunks: 2, times: 1 }) });
      await assert.rejects(async () => {
        for await (const c of await client.chat.completions.create({ model: MODEL, messages: ASK, stream: true })) void c;
      }, /server had an error/);
      const bad = await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ kind: 'stream_cut', after_chunks: 'many' }) });
      assert.equal(bad.status, 400);
    });

    it('responses.create, plain and streamed', async () => {
      const r = await client.responses.create({ model: MODEL, input: 'What does the plan cover?', instructions: 'Be brief.' });
      assert.equal(r.status, 'completed');
      assert.match(r.output_text, /^Mock reply to: What does the plan cover\?/);
      assert.ok(r.usage.total_tokens > 0);
      let text = '';
      let completed = null;
      for await (const ev of await client.responses.create({ model: MODEL, input: 'What does the plan cover?', instructions: 'Be brief.', stream: true })) {
        if (ev.type === 'response.output_text.delta') text += ev.delta;
        if (ev.type === 'response.completed') completed = ev.response;
      }
      assert.equal(text, r.output_text);
      assert.equal(completed.status, 'completed');
    });

    it('errors come in the real envelope', async () => {
      await assert.rejects(client.chat.completions.create({ model: 'gpt-nope', messages: ASK }), (e) => e.status === 404 && e.code === 'model_not_found');
      await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [] }), (e) => e.status === 400 && e.param === 'messages');
    });
  });
}
