// The Responses API over raw HTTP: input items, function calls over several
// turns, errors in the Responses API's own words, the stored responses
// (retrieve, delete, input_items pages, previous_response_id), limits.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const MODEL = 'gpt-4o-mini';
const WEATHER = {
  type: 'function', name: 'get_weather', description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('/v1/responses', () => {
  let s;
  const post = async (body, path = '/v1/responses') => {
    const r = await fetch(`${s.url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  const get = async (path, method = 'GET') => {
    const r = await fetch(`${s.url}${path}`, { method, headers: AUTH });
    return { status: r.status, body: await r.json() };
  };
  const err = (r, status, param, message, code) => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error.param, param);
    if (message) assert.match(r.body.error.message, message);
    if (code !== undefined) assert.equal(r.body.error.code, code);
    assert.equal(r.body.error.type, 'invalid_request_error');
  };
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('a plain turn: the whole response object as the SDK types it', async () => {
    const { status, body: r } = await post({ model: MODEL, input: 'What does the plan cover?', instructions: 'Be brief.', metadata: { k: 'v' } });
    assert.equal(status, 200);
    assert.match(r.id, /^resp_[0-9a-f]{48}$/);
    for (const k of ['object', 'created_at', 'status', 'error', 'incomplete_details', 'instructions', 'max_output_tokens', 'model',
      'output', 'parallel_tool_calls', 'previous_response_id', 'reasoning', 'store', 'temperature', 'text', 'tool_choice', 'tools',
      'top_p', 'truncation', 'usage', 'user', 'metadata', 'background', 'service_tier']) assert.ok(k in r, k);
    assert.equal(r.object, 'response');
    assert.equal(r.status, 'completed');
    assert.equal(r.instructions, 'Be brief.');
    assert.deepEqual(r.metadata, { k: 'v' });
    assert.equal(r.store, true);
    assert.equal(r.tool_choice, 'auto');
    assert.deepEqual(r.text, { format: { type: 'text' }, verbosity: 'medium' });
    assert.equal(r.output.length, 1);
    const m = r.output[0];
    assert.match(m.id, /^msg_/);
    assert.equal(m.type, 'message');
    assert.equal(m.role, 'assistant');
    assert.equal(m.content[0].type, 'output_text');
    assert.match(m.content[0].text, /^Mock reply to: What does the plan cover\?/);
    const u = r.usage;
    assert.equal(u.total_tokens, u.input_tokens + u.output_tokens);
    assert.deepEqual(u.input_tokens_details, { cached_tokens: 0 });
    assert.deepEqual(u.output_tokens_details, { reasoning_tokens: 0 });
    // the same input, the same words; a new id
    const again = (await post({ model: MODEL, input: 'What does the plan cover?', instructions: 'Be brief.' })).body;
    assert.equal(again.output[0].content[0].text, m.content[0].text);
    assert.notEqual(again.id, r.id);
  });

  it('items: messages with and without type, every role, content parts', async () => {
    const { status, body: r } = await post({
      model: MODEL,
      input: [
        { role: 'developer', content: 'Answer in English.' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'Describe this image' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A cat.', annotations: [] }] },
        { role: 'user', content: [{ type: 'input_file', file_id: 'file-abc' }, { type: 'input_text', text: 'And this file?' }] },
      ],
    });
    assert.equal(status, 200, JSON.stringify(r));
    assert.match(r.output[0].content[0].text, /^Mock reply to: And this file\?/);
  });

  it('bad items are refused in the Responses API words, with input[...] paths', async () => {
    err(await post({ model: MODEL, input: [{ role: 'user', content: 'hi' }, { type: 'bogus' }] }), 400, 'input[1].type', /^Invalid value: 'bogus'\. Supported values are: /, 'invalid_value');
    err(await post({ model: MODEL, input: [{ role: 'robot', content: 'hi' }] }), 400, 'input[0].role',
      /^Invalid value: 'robot'\. Supported values are: 'assistant', 'system', 'developer', and 'user'\.$/, 'invalid_value');
    err(await post({ model: MODEL, input: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }), 400, 'input[0].content[0].type', /^Invalid value: 'text'\./, 'invalid_value');
    err(await post({ model: MODEL, input: [{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }] }), 400, 'input[0].content[0].type', /'output_text' and 'refusal'/);
    err(await post({ model: MODEL, input: [{ role: 'user' }] }), 400, 'input[0].content', /^Missing required parameter: 'input\[0\]\.content'\.$/, 'missing_required_parameter');
    err(await post({ model: MODEL, input: [{ type: 'function_call_output', output: 'x' }] }), 400, 'input[0].call_id', /Missing required parameter/);
    err(await post({ model: MODEL, input: [{ type: 'function_call', call_id: 'c', name: 'f' }] }), 400, 'input[0].arguments', /Missing required parameter/);
    err(await post({ model: MODEL, input: [{ type: 'item_reference', id: 'msg_nope' }] }), 404, 'input', /^Item with id 'msg_nope' not found\.$/);
    err(await post({ model: MODEL, input: [{ role: 'user', content: 'hi' }, { type: 'function_call_output', call_id: 'call_x', output: 'y' }] }), 400, 'input',
      /^No tool call found for function call output with call_id call_x\.$/);
    err(await post({ model: MODEL, input: [{ role: 'user', content: 'hi' }, { type: 'function_call', call_id: 'call_q', name: 'f', arguments: '{}' },
      { role: 'user', content: 'and?' }] }), 400, 'input', /^No tool output found for function call call_q\.$/);
    err(await post({ model: MODEL }), 400, 'input', /Missing required parameter: 'input'/);
    err(await post({ input: 'hi' }), 400, 'model', /Missing required parameter: 'model'/);
    err(await post({ model: MODEL, input: 'hi', messages: [] }), 400, 'messages', /^Unknown parameter: 'messages'\.$/, 'unknown_parameter');
    err(await post({ model: MODEL, input: 'hi', max_output_tokens: 5 }), 400, 'max_output_tokens',
      /^Invalid 'max_output_tokens': integer below minimum value\. Expected a value >= 16, but got 5 instead\.$/, 'integer_below_min_value');
    err(await post({ model: MODEL, input: 'hi', previous_response_id: 'resp_x' }), 404, 'previous_response_id',
      /^Previous response with id 'resp_x' not found\.$/, 'previous_response_not_found');
    err(await post({ model: MODEL, input: 'hi', tool_choice: 'sometimes' }), 400, 'tool_choice', /^Invalid value: 'sometimes'/);
    err(await post({ model: MODEL, input: 'hi', tools: [{ type: 'teleport' }] }), 400, 'tools[0].type', /^Invalid value: 'teleport'\. Supported values are: 'function'/, 'invalid_value');
    err(await post({ model: MODEL, input: 'hi', tools: [{ type: 'function', parameters: {} }] }), 400, 'tools[0].name', /^Missing required parameter: 'tools\[0\]\.name'\.$/);
    const nf = await post({ model: 'gpt-nope', input: 'hi' });
    assert.equal(nf.status, 404);
    assert.equal(nf.body.error.code, 'model_not_found');
    // never chat's paths
    for (const r of [await post({ model: MODEL, input: [{ role: 'tool', content: 'x' }] })]) assert.doesNotMatch(JSON.stringify(r.body), /messages\[/);
  });

  it('a tool loop over three turns with previous_response_id; the history counts', async () => {
    const first = (await post({ model: MODEL, input: 'What is the weather in Paris?', tools: [WEATHER], tool_choice: 'required' })).body;
    assert.equal(first.output.length, 1);
    const call = first.output[0];
    assert.equal(call.type, 'function_call');
    assert.match(call.id, /^fc_/);
    assert.match(call.call_id, /^call_/);
    assert.equal(call.name, 'get_weather');
    assert.equal(call.status, 'completed');
    assert.equal(typeof JSON.parse(call.arguments).city, 'string');
    assert.deepEqual(first.tools[0], { ...WEATHER });
    const second = (await post({
      model: MODEL, previous_response_id: first.id, tools: [WEATHER],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":21}' }],
    })).body;
    assert.equal(second.status, 'completed');
    assert.equal(second.previous_response_id, first.id);
    assert.equal(second.output[0].type, 'message');
    assert.ok(second.usage.input_tokens > first.usage.input_tokens, 'the history is part of the input');
    const third = (await post({ model: MODEL, previous_response_id: second.id, input: 'Thanks. And tomorrow?' })).body;
    assert.match(third.output[0].content[0].text, /^Mock reply to: Thanks\. And tomorrow\?/);
    assert.ok(third.usage.input_tokens > second.usage.input_tokens);
    // the same conversation fed back as items instead gives the same words
    const fed = (await post({
      model: MODEL, tools: [WEATHER],
      input: [{ role: 'user', content: 'What is the weather in Paris?' }, call,
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":21}' }],
    })).body;
    assert.equal(fed.output[0].content[0].text, second.output[0].content[0].text);
    assert.equal(fed.usage.input_tokens, second.usage.input_tokens);
    // item references resolve from the store
    const ref = (await post({
      model: MODEL, tools: [WEATHER],
      input: [{ role: 'user', content: 'What is the weather in Paris?' }, { type: 'item_reference', id: call.id },
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":21}' }],
    })).body;
    assert.equal(ref.output[0].content[0].text, second.output[0].content[0].text);
  });

  it('tool_choice forms: a named function, allowed_tools, none; parallel_tool_calls echoed', async () => {
    const other = { type: 'function', name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } };
    const named = (await post({ model: MODEL, input: 'Time in Paris?', tools: [WEATHER, other], tool_choice: { type: 'function', name: 'get_time' }, parallel_tool_calls: false })).body;
    assert.equal(named.output[0].type, 'function_call');
    assert.equal(named.output[0].name, 'get_time');
    assert.deepEqual(named.tool_choice, { type: 'function', name: 'get_time' });
    assert.equal(named.parallel_tool_calls, false);
    const allowed = (await post({
      model: MODEL, input: 'Time in Paris?', tools: [WEATHER, other],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'get_time' }] },
    })).body;
    assert.equal(allowed.output[0].name, 'get_time');
    const none = (await post({ model: MODEL, input: 'Time in Paris?', tools: [WEATHER], tool_choice: 'none' })).body;
    assert.equal(none.output[0].type, 'message');
    const missing = await post({ model: MODEL, input: 'x', tools: [WEATHER], tool_choice: { type: 'function', name: 'nope' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.param, 'tool_choice');
    const badSchema = await post({ model: MODEL, input: 'x', tools: [{ ...WEATHER, parameters: { type: 'object', properties: { a: { type: 'string' } } } }] });
    assert.equal(badSchema.status, 400);
    assert.equal(badSchema.body.error.param, 'tools[0].parameters');
  });

  it('text.format json_schema and json_object', async () => {
    const schema = { type: 'object', properties: { dish: { type: 'string' }, minutes: { type: 'integer' } }, required: ['dish', 'minutes'], additionalProperties: false };
    const r = (await post({ model: MODEL, input: 'A quick recipe', text: { format: { type: 'json_schema', name: 'recipe', schema, strict: true } } })).body;
    const json = JSON.parse(r.output[0].content[0].text);
    assert.equal(typeof json.dish, 'string');
    assert.ok(Number.isInteger(json.minutes));
    assert.equal(r.text.format.type, 'json_schema');
    err(await post({ model: MODEL, input: 'A recipe', text: { format: { type: 'json_object' } } }), 400, 'text.format', /^Response input messages must contain the word 'json'/);
    err(await post({ model: MODEL, input: 'A recipe', text: { format: { type: 'json_schema', schema } } }), 400, 'text.format.name',
      /^Missing required parameter: 'text\.format\.name'\.$/, 'missing_required_parameter');
  });

  it('max_output_tokens: status incomplete with its reason', async () => {
    const r = (await post({ model: MODEL, input: 'Tell me a long story about the plan', max_output_tokens: 16 })).body;
    assert.equal(r.status, 'incomplete');
    assert.deepEqual(r.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(r.output[0].status, 'incomplete');
    assert.equal(r.usage.output_tokens, 16);
    assert.equal(r.max_output_tokens, 16);
    // a reasoning model that spends the whole budget thinking: the reasoning item alone
    const o = (await post({ model: 'o4-mini', input: 'hi', max_output_tokens: 16, reasoning: { effort: 'high' } })).body;
    assert.equal(o.status, 'incomplete');
    assert.deepEqual(o.output.map((i) => i.type), ['reasoning']);
    assert.equal(o.usage.output_tokens_details.reasoning_tokens, 16);
    assert.equal(o.usage.output_tokens, 16);
  });

  it('past the context window: context_length_exceeded, or with truncation auto the oldest items go', async () => {
    const long = (i) => ({ role: 'user', content: `part ${i} ` + 'word '.repeat(5000) });
    const input = [long(0), long(1), long(2), long(3), { role: 'user', content: 'Now summarise.' }];
    err(await post({ model: 'gpt-3.5-turbo', input }), 400, 'input', /^Your input exceeds the context window of this model\./, 'context_length_exceeded');
    const r = await post({ model: 'gpt-3.5-turbo', input, truncation: 'auto' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.truncation, 'auto');
    assert.ok(r.body.usage.input_tokens <= 16385 && r.body.usage.input_tokens > 10000, String(r.body.usage.input_tokens));
    assert.match(r.body.output[0].content[0].text, /^Mock reply to: Now summarise\./);
  });

  it('echoes text.verbosity, top_logprobs, service_tier', async () => {
    const r = (await post({ model: MODEL, input: 'hi', text: { verbosity: 'low' }, top_logprobs: 2, service_tier: 'flex' })).body;
    assert.equal(r.text.verbosity, 'low');
    assert.equal(r.top_logprobs, 2);
    assert.equal(r.service_tier, 'flex');
    assert.equal((await post({ model: MODEL, input: 'hi', service_tier: 'auto' })).body.service_tier, 'default');
  });

  it('retrieve, input_items pages, delete; store:false keeps nothing', async () => {
    const input = Array.from({ length: 5 }, (_, i) => ({ role: 'user', content: `message ${i}` }));
    const r = (await post({ model: MODEL, input })).body;
    const got = await get(`/v1/responses/${r.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, r);
    const all = (await get(`/v1/responses/${r.id}/input_items?order=asc`)).body;
    assert.equal(all.object, 'list');
    assert.deepEqual(all.data.map((m) => m.content[0].text), ['message 0', 'message 1', 'message 2', 'message 3', 'message 4']);
    assert.ok(all.data.every((m) => /^msg_/.test(m.id) && m.type === 'message' && m.content[0].type === 'input_text'));
    assert.equal(all.first_id, all.data[0].id);
    assert.equal(all.last_id, all.data[4].id);
    assert.equal(all.has_more, false);
    const p1 = (await get(`/v1/responses/${r.id}/input_items?limit=2`)).body; // desc by default
    assert.deepEqual(p1.data.map((m) => m.content[0].text), ['message 4', 'message 3']);
    assert.equal(p1.has_more, true);
    const p2 = (await get(`/v1/responses/${r.id}/input_items?limit=2&after=${p1.last_id}`)).body;
    assert.deepEqual(p2.data.map((m) => m.content[0].text), ['message 2', 'message 1']);
    const p3 = (await get(`/v1/responses/${r.id}/input_items?limit=2&after=${p2.last_id}`)).body;
    assert.deepEqual(p3.data.map((m) => m.content[0].text), ['message 0']);
    assert.equal(p3.has_more, false);
    err(await get(`/v1/responses/${r.id}/input_items?limit=101`), 400, 'limit');
    const del = await get(`/v1/responses/${r.id}`, 'DELETE');
    assert.deepEqual(del.body, { id: r.id, object: 'response', deleted: true });
    err(await get(`/v1/responses/${r.id}`), 404, null, new RegExp(`^Response with id '${r.id}' not found\\.$`));
    err(await get(`/v1/responses/${r.id}`, 'DELETE'), 404, null);
    const unstored = (await post({ model: MODEL, input: 'hi', store: false })).body;
    assert.equal(unstored.store, false);
    assert.equal((await get(`/v1/responses/${unstored.id}`)).status, 404);
    err(await post({ model: MODEL, input: 'again', previous_response_id: unstored.id }), 404, 'previous_response_id');
    err(await post({}, `/v1/responses/${unstored.id}/cancel`), 404, null);
    const plain = (await post({ model: MODEL, input: 'hi' })).body;
    err(await post({}, `/v1/responses/${plain.id}/cancel`), 400, null, /^Cannot cancel a synchronous response\.$/);
  });

  it('many conversations at once: create, continue, read, delete in parallel', async () => {
    await Promise.all(Array.from({ length: 24 }, async (_, i) => {
      const a = (await post({ model: MODEL, input: `question ${i}` })).body;
      const b = (await post({ model: MODEL, input: `follow-up ${i}`, previous_response_id: a.id })).body;
      assert.match(b.output[0].content[0].text, new RegExp(`^Mock reply to: follow-up ${i}\\.`));
      assert.equal((await get(`/v1/responses/${b.id}/input_items`)).body.data.length, 1);
      assert.equal((await get(`/v1/responses/${a.id}`, 'DELETE')).status, 200);
      assert.equal((await get(`/v1/responses/${b.id}`)).status, 200);
    }));
  });

  it('/__control/reset clears the store, or one test\'s responses', async () => {
    const mine = await (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: { ...AUTH, 'x-test-id': 't1' }, body: JSON.stringify({ model: MODEL, input: 'hi' }) })).json();
    const theirs = await (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: { ...AUTH, 'x-test-id': 't2' }, body: JSON.stringify({ model: MODEL, input: 'hi' }) })).json();
    assert.equal((await fetch(`${s.url}/__control/reset?test_id=t1`, { method: 'POST' })).status, 204);
    assert.equal((await get(`/v1/responses/${mine.id}`)).status, 404);
    assert.equal((await get(`/v1/responses/${theirs.id}`)).status, 200);
    const r = (await post({ model: MODEL, input: 'hi' })).body;
    assert.equal((await get(`/v1/responses/${r.id}`)).status, 200);
    assert.equal((await fetch(`${s.url}/__control/reset`, { method: 'POST' })).status, 204);
    assert.equal((await get(`/v1/responses/${r.id}`)).status, 404);
  });

  it('built-in tools: web_search and file_search answer with their own items', async () => {
    const ws = (await post({ model: MODEL, input: 'News about the plan', tools: [{ type: 'web_search' }] })).body;
    assert.deepEqual(ws.output.map((o) => o.type), ['web_search_call', 'message']);
    assert.match(ws.output[0].id, /^ws_/);
    assert.deepEqual(ws.output[0].action, { type: 'search', query: 'News about the plan' });
    assert.equal(ws.output[1].content[0].annotations[0].type, 'url_citation');
    const fs = (await post({ model: MODEL, input: 'Find the copay', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }], include: ['file_search_call.results'] })).body;
    assert.deepEqual(fs.output.map((o) => o.type), ['file_search_call', 'message']);
    assert.deepEqual(fs.output[0].queries, ['Find the copay']);
    assert.equal(fs.output[0].results.length, 1);
    const noResults = (await post({ model: MODEL, input: 'Find the copay', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] })).body;
    assert.equal(noResults.output[0].results, null);
  });
});

describe('/v1/responses store limits', () => {
  it('--max-responses keeps the newest; --response-ttl forgets', async () => {
    const s = await startServer('mock_openai', ['--max-responses', '2', '--response-ttl', '1']);
    try {
      const create = async (input) => (await (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: MODEL, input }) })).json()).id;
      const status = async (id) => (await fetch(`${s.url}/v1/responses/${id}`, { headers: AUTH })).status;
      const [a, b, c] = [await create('one'), await create('two'), await create('three')];
      assert.deepEqual([await status(a), await status(b), await status(c)], [404, 200, 200]);
      await new Promise((ok) => setTimeout(ok, 1100));
      assert.equal(await status(c), 404);
    } finally {
      await s.stop();
    }
  });
});

describe('/v1/responses with --replies', () => {
  it('a scripted reply and a scripted tool call come out as a message and a function_call', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mw-responses-')), 'replies.json');
    fs.writeFileSync(file, JSON.stringify([
      { match: '^refund', reply: 'Refunds take 5 business days.' },
      { match: 'weather in', tool_call: { name: 'get_weather', arguments: { city: 'Paris' } } },
    ]));
    const s = await startServer('mock_openai', ['--replies', file]);
    try {
      const post = async (body) => (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) })).json();
      const text = await post({ model: MODEL, input: 'refund please' });
      assert.equal(text.output[0].content[0].text, 'Refunds take 5 business days.');
      const call = await post({ model: MODEL, input: 'What is the weather in Paris?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] });
      assert.equal(call.output[0].type, 'function_call');
      assert.equal(call.output[0].name, 'get_weather');
      assert.deepEqual(JSON.parse(call.output[0].arguments), { city: 'Paris' });
    } finally {
      await s.stop();
      fs.rmSync(path.dirname(file), { recursive: true });
    }
  });
});
