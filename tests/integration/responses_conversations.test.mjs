// The Conversations API over raw HTTP, and responses made in a conversation:
// create with items and metadata, the items growing turn by turn (history
// counting in the reply and the usage), item pages, add/get/delete items,
// update, delete; errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const MODEL = 'gpt-4o-mini';

describe('/v1/conversations', () => {
  let s;
  const call = async (method, path, body) => {
    const r = await fetch(`${s.url}${path}`, { method, headers: AUTH, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('responses in a conversation: its items are the history, each turn is added', async () => {
    const conv = (await call('POST', '/v1/conversations', { items: [{ role: 'developer', content: 'Be brief.' }], metadata: { topic: 'plan' } })).body;
    assert.match(conv.id, /^conv_/);
    assert.equal(conv.object, 'conversation');
    assert.deepEqual(conv.metadata, { topic: 'plan' });
    assert.equal(typeof conv.created_at, 'number');
    const one = (await call('POST', '/v1/responses', { model: MODEL, input: 'What does the plan cover?', conversation: conv.id })).body;
    assert.deepEqual(one.conversation, { id: conv.id });
    const two = (await call('POST', '/v1/responses', { model: MODEL, input: 'And dental?', conversation: { id: conv.id }, store: false })).body;
    assert.match(two.output[0].content[0].text, /^Mock reply to: And dental\?/);
    assert.ok(two.usage.input_tokens > one.usage.input_tokens);
    const items = (await call('GET', `/v1/conversations/${conv.id}/items?order=asc`)).body;
    assert.deepEqual(items.data.map((i) => i.role), ['developer', 'user', 'assistant', 'user', 'assistant']);
    assert.equal(items.data[2].id, one.output[0].id);
    // the same turns as plain items give the same reply
    const fed = (await call('POST', '/v1/responses', { model: MODEL, input: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'What does the plan cover?' }, one.output[0], { role: 'user', content: 'And dental?' }] })).body;
    assert.equal(fed.output[0].content[0].text, two.output[0].content[0].text);
    const both = await call('POST', '/v1/responses', { model: MODEL, input: 'x', conversation: conv.id, previous_response_id: one.id });
    assert.equal(both.status, 400);
    assert.equal(both.body.error.code, 'mutually_exclusive_parameters');
  });

  it('items: pages, add, get, delete; update and delete the conversation', async () => {
    const conv = (await call('POST', '/v1/conversations', { items: Array.from({ length: 5 }, (_, i) => ({ role: 'user', content: `n${i}` })) })).body;
    const p1 = (await call('GET', `/v1/conversations/${conv.id}/items?limit=2`)).body; // newest first
    assert.deepEqual(p1.data.map((i) => i.content[0].text), ['n4', 'n3']);
    assert.equal(p1.has_more, true);
    const p2 = (await call('GET', `/v1/conversations/${conv.id}/items?limit=2&after=${p1.last_id}`)).body;
    assert.deepEqual(p2.data.map((i) => i.content[0].text), ['n2', 'n1']);
    const added = (await call('POST', `/v1/conversations/${conv.id}/items`, { items: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] }] })).body;
    assert.equal(added.object, 'list');
    assert.equal(added.data.length, 1);
    const id = added.data[0].id;
    assert.match(id, /^msg_/);
    assert.deepEqual((await call('GET', `/v1/conversations/${conv.id}/items/${id}`)).body, added.data[0]);
    const afterDelete = await call('DELETE', `/v1/conversations/${conv.id}/items/${id}`);
    assert.equal(afterDelete.body.id, conv.id);
    assert.equal((await call('GET', `/v1/conversations/${conv.id}/items/${id}`)).status, 404);
    const updated = (await call('POST', `/v1/conversations/${conv.id}`, { metadata: { a: 'b' } })).body;
    assert.deepEqual(updated.metadata, { a: 'b' });
    assert.deepEqual((await call('GET', `/v1/conversations/${conv.id}`)).body, updated);
    assert.deepEqual((await call('DELETE', `/v1/conversations/${conv.id}`)).body, { id: conv.id, object: 'conversation.deleted', deleted: true });
    const gone = await call('GET', `/v1/conversations/${conv.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.message, `Conversation with id '${conv.id}' not found.`);
    const noConv = await call('POST', '/v1/responses', { model: MODEL, input: 'x', conversation: conv.id });
    assert.equal(noConv.status, 404);
    assert.equal(noConv.body.error.param, 'conversation');
  });

  it('bad items say items[...]; a conversation is not a response', async () => {
    const bad = await call('POST', '/v1/conversations', { items: [{ role: 'robot', content: 'x' }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'items[0].role');
    const conv = (await call('POST', '/v1/conversations', {})).body;
    assert.equal((await call('GET', `/v1/responses/${conv.id}`)).status, 404);
    assert.equal((await call('POST', `/v1/conversations/${conv.id}/items`, {})).body.error.param, 'items');
  });
});
