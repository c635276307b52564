// Reasoning models (the catalogue's) through the Responses API: a reasoning
// item (a summary when asked, encrypted content when included), the same
// reasoning tokens as chat completions for the same conversation, the
// effort echoed, the Responses API's own errors for settings the model
// refuses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };

describe('/v1/responses with reasoning models', () => {
  let s;
  const post = async (path, body) => {
    const r = await fetch(`${s.url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('a reasoning item, summary and encrypted content; usage as chat counts it', async () => {
    const { body: r } = await post('/v1/responses', { model: 'o4-mini', input: 'Why is the sky blue?', reasoning: { effort: 'high', summary: 'auto' }, include: ['reasoning.encrypted_content'] });
    assert.deepEqual(r.output.map((o) => o.type), ['reasoning', 'message']);
    assert.match(r.output[0].id, /^rs_/);
    assert.equal(r.output[0].summary[0].type, 'summary_text');
    assert.equal(typeof r.output[0].encrypted_content, 'string');
    assert.deepEqual(r.reasoning, { effort: 'high', summary: 'auto' });
    const chat = (await post('/v1/chat/completions', { model: 'o4-mini', messages: [{ role: 'user', content: 'Why is the sky blue?' }], reasoning_effort: 'high' })).body;
    assert.equal(r.usage.output_tokens_details.reasoning_tokens, chat.usage.completion_tokens_details.reasoning_tokens);
    assert.equal(r.model, chat.model);
    const plain = (await post('/v1/responses', { model: 'o4-mini', input: 'Why is the sky blue?' })).body;
    assert.equal(plain.output[0].type, 'reasoning');
    assert.deepEqual(plain.output[0].summary, []);
    assert.equal(plain.output[0].encrypted_content, undefined);
    assert.equal(typeof plain.reasoning.effort, 'string');
  });

  it('settings a model refuses, in the Responses API words', async () => {
    const e1 = await post('/v1/responses', { model: 'gpt-4o-mini', input: 'x', reasoning: { effort: 'high' } });
    assert.equal(e1.status, 400);
    assert.equal(e1.body.error.param, 'reasoning.effort');
    assert.match(e1.body.error.message, /'reasoning\.effort'/);
    const e2 = await post('/v1/responses', { model: 'o4-mini', input: 'x', temperature: 0.5 });
    assert.equal(e2.status, 400);
    assert.equal(e2.body.error.param, 'temperature');
  });

  it('a reasoning item passed back is accepted; a stream carries the summary events', async () => {
    const first = (await post('/v1/responses', { model: 'o4-mini', input: 'Why is the sky blue?', store: false, reasoning: { summary: 'auto' }, include: ['reasoning.encrypted_content'] })).body;
    const second = await post('/v1/responses', { model: 'o4-mini', store: false, input: [{ role: 'user', content: 'Why is the sky blue?' }, ...first.output, { role: 'user', content: 'And at sunset?' }] });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const res = await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'o4-mini', input: 'Why?', reasoning: { summary: 'auto' }, stream: true }) });
    const types = (await res.text()).split('\n').filter((l) => l.startsWith('event: ')).map((l) => l.slice(7));
    for (const t of ['response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done'])
      assert.ok(types.includes(t), t);
  });
});
