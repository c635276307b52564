// The tool policy (oa_tool_policy.h) through the Responses API: auto picks
// the tools the question names (in parallel, or one with
// parallel_tool_calls false), a tool result is answered in text, call ids
// stay the same for the same conversation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const MODEL = 'gpt-4o-mini';
const fn = (name, description) => ({ type: 'function', name, description, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true });
const TOOLS = [fn('get_weather', 'Current weather in a city'), fn('get_time', 'Local time in a city'), fn('book_hotel', 'Book a hotel room')];

describe('/v1/responses with the tool policy', () => {
  let s;
  const post = async (body) => (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) })).json();
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('auto: a call per tool the question names, then text after the results', async () => {
    const r = await post({ model: MODEL, input: 'What is the weather and the time in Paris?', tools: TOOLS });
    assert.deepEqual(r.output.map((o) => o.name), ['get_weather', 'get_time']);
    const again = await post({ model: MODEL, input: 'What is the weather and the time in Paris?', tools: TOOLS });
    assert.deepEqual(again.output.map((o) => o.call_id), r.output.map((o) => o.call_id), 'call ids by conversation');
    const one = await post({ model: MODEL, input: 'What is the weather and the time in Paris?', tools: TOOLS, parallel_tool_calls: false });
    assert.deepEqual(one.output.map((o) => o.name), ['get_weather']);
    const answer = await post({
      model: MODEL, previous_response_id: r.id, tools: TOOLS,
      input: r.output.map((c) => ({ type: 'function_call_output', call_id: c.call_id, output: `{"${c.name}":"ok 21C"}` })),
    });
    assert.equal(answer.output.length, 1);
    assert.equal(answer.output[0].type, 'message');
    const plain = await post({ model: MODEL, input: 'Tell me a story', tools: TOOLS });
    assert.equal(plain.output[0].type, 'message', 'no tool named: text');
  });

  it('include message.output_text.logprobs: the same logprobs as chat, on the part, its done event and the deltas', async () => {
    const r = await post({ model: MODEL, input: 'Why is the sky blue?', include: ['message.output_text.logprobs'], top_logprobs: 2 });
    const chat = await (await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: AUTH,
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Why is the sky blue?' }], logprobs: true, top_logprobs: 2 }) })).json();
    const lp = r.output[0].content[0].logprobs;
    assert.deepEqual(lp, chat.choices[0].logprobs.content);
    assert.equal(lp.map((t) => t.token).join(''), r.output[0].content[0].text);
    const res = await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: MODEL, input: 'Why is the sky blue?', include: ['message.output_text.logprobs'], top_logprobs: 2, stream: true }) });
    const events = (await res.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    const fromDeltas = events.filter((e) => e.type === 'response.output_text.delta').flatMap((e) => e.logprobs);
    assert.deepEqual(fromDeltas, lp);
    assert.deepEqual(events.find((e) => e.type === 'response.output_text.done').logprobs, lp);
    const none = await post({ model: MODEL, input: 'Why is the sky blue?' });
    assert.deepEqual(none.output[0].content[0].logprobs, []);
  });
});
