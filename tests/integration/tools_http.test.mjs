// The tool policy over raw HTTP: calls in the answer and in the stream (id
// and name first with empty arguments, then the arguments in pieces), call
// ids, parallel calls, the text after a tool result, --replies acting once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const TOOLS = [
  { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'lookupLocalTime', parameters: { type: 'object', properties: { place: { type: 'string' } }, required: ['place'] } } },
];
const ASK = [{ role: 'user', content: 'Weather and local time in Oslo?' }];

describe('tool calls over HTTP', () => {
  let s;
  const post = async (body) => {
    const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'gpt-4o-mini', ...body }) });
    return body.stream ? res.text() : res.json();
  };
  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-tools-'));
    const replies = path.join(dir, 'replies.json');
    fs.writeFileSync(replies, JSON.stringify([
      { match: 'forecast', tool_call: { name: 'get_weather', arguments: { city: 'Rome' } } },
      { match: 'forecast', reply: 'Sunny in Rome, as scripted.' },
    ]));
    s = await startServer('mock_openai', ['--replies', replies]);
  });
  after(() => s.stop());

  it('auto: one call per tool the question names, ids unique and stable', async () => {
    const a = await post({ messages: ASK, tools: TOOLS });
    const b = await post({ messages: ASK, tools: TOOLS });
    const calls = a.choices[0].message.tool_calls;
    assert.equal(a.choices[0].finish_reason, 'tool_calls');
    assert.equal(a.choices[0].message.content, null);
    assert.deepEqual(calls.map((c) => c.function.name), ['get_weather', 'lookupLocalTime']);
    assert.ok(calls.every((c) => /^call_[A-Za-z0-9]{24}$/.test(c.id)));
    assert.notEqual(calls[0].id, calls[1].id);
    assert.deepEqual(b.choices[0].message.tool_calls, calls);
    assert.equal(typeof JSON.parse(calls[0].function.arguments).city, 'string');
    const one = await post({ messages: ASK, tools: TOOLS, parallel_tool_calls: false });
    assert.equal(one.choices[0].message.tool_calls.length, 1);
    const none = await post({ messages: ASK, tools: TOOLS, tool_choice: 'none' });
    assert.equal(none.choices[0].finish_reason, 'stop');
  });

  it('streams each call: id and name with empty arguments, then the arguments in pieces', async () => {
    const whole = await post({ messages: ASK, tools: TOOLS });
    const text = await post({ messages: ASK, tools: TOOLS, stream: true });
    const chunks = text.split('\n\n').filter((e) => e && e !== 'data: [DONE]').map((e) => JSON.parse(e.slice(6)));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    const firsts = deltas.filter((d) => d.id);
    assert.deepEqual(firsts.map((d) => d.function.arguments), ['', '']);
    assert.ok(deltas.length > 4, 'arguments in several pieces');
    whole.choices[0].message.tool_calls.forEach((call, k) => {
      const mine = deltas.filter((d) => d.index === k);
      assert.equal(mine[0].id, call.id);
      assert.equal(mine[0].function.name, call.function.name);
      assert.equal(mine.map((d) => d.function.arguments).join(''), call.function.arguments);
    });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  it('after the tool results, text that quotes them', async () => {
    const r = await post({ tools: TOOLS, messages: [...ASK,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { id: 'call_b', type: 'function', function: { name: 'lookupLocalTime', arguments: '{"place":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: '3C and snow' },
      { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '14:05' }] }] });
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.equal(r.choices[0].message.content, 'Based on the tool result: 3C and snow; 14:05.');
  });

  it('--replies: the scripted call once, then the next matching rule answers', async () => {
    const ask = [{ role: 'user', content: 'forecast please' }];
    const first = await post({ messages: ask, tools: TOOLS });
    const call = first.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Rome' });
    const second = await post({ tools: TOOLS, messages: [...ask, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }] });
    assert.equal(second.choices[0].message.content, 'Sunny in Rome, as scripted.');
  });

  it('refuses a tool_choice the API refuses', async () => {
    const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'gpt-4o-mini', messages: ASK, tools: TOOLS, tool_choice: 'sometimes' }) });
    assert.equal(res.status, 400);
    const { error } = await res.json();
    assert.equal(error.param, 'tool_choice');
    assert.equal(error.message, "Invalid value: 'sometimes'. Supported values are: 'none', 'auto', and 'required'.");
  });
});
