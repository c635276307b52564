// Responses streams over raw HTTP: every event typed and numbered, function
// call argument events, response.incomplete; stream faults (stream_cut,
// stream_error) and --ttft-ms / --tokens-per-s pacing on /v1/responses;
// replaying a stored response's events; background responses on the clock.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { exchange } from '../lib/raw.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const MODEL = 'gpt-4o-mini';
const ASK = { model: MODEL, input: 'Summarise the plan for me', stream: true };

// "event: X\ndata: {...}" blocks, checked to agree with each other.
function parse(text) {
  return text.split('\n\n').filter(Boolean).map((block) => {
    const [ev, data] = block.split('\n');
    const body = JSON.parse(data.replace(/^data: /, ''));
    assert.equal(ev, `event: ${body.type}`);
    return body;
  });
}

describe('/v1/responses streams', () => {
  let s;
  const stream = async (body, headers = {}) => {
    const r = await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: { ...AUTH, ...headers }, body: JSON.stringify(body) });
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  };
  before(async () => { s = await startServer('mock_openai', ['--background-ms', '600']); });
  after(() => s.stop());

  it('a text stream: every event in order, numbered, deltas adding up', async () => {
    const r = await stream(ASK);
    assert.match(r.type, /^text\/event-stream/);
    const ev = parse(r.text);
    assert.deepEqual(ev.map((e) => e.sequence_number), ev.map((_, i) => i));
    const types = ev.map((e) => e.type);
    assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    assert.deepEqual(types.slice(-4), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    assert.equal(ev[0].response.status, 'in_progress');
    assert.deepEqual(ev[0].response.output, []);
    const deltas = ev.filter((e) => e.type === 'response.output_text.delta');
    assert.ok(deltas.length > 5);
    assert.ok(deltas.every((d) => Array.isArray(d.logprobs) && d.output_index === 0 && d.content_index === 0 && d.item_id === ev[2].item.id));
    const done = ev.find((e) => e.type === 'response.output_text.done');
    assert.equal(deltas.map((d) => d.delta).join(''), done.text);
    assert.deepEqual(done.logprobs, []);
    const final = ev.at(-1).response;
    assert.equal(final.status, 'completed');
    assert.equal(final.output[0].content[0].text, done.text);
    // the same as the plain answer
    const plain = await (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify({ ...ASK, stream: false }) })).json();
    assert.equal(plain.output[0].content[0].text, done.text);
    assert.deepEqual(plain.usage, final.usage);
  });

  it('a function call stream: arguments deltas then done', async () => {
    const tool = { type: 'function', name: 'lookup', parameters: { type: 'object', properties: { term: { type: 'string' } }, required: ['term'], additionalProperties: false }, strict: true };
    const ev = parse((await stream({ ...ASK, tools: [tool], tool_choice: 'required' })).text);
    const added = ev.find((e) => e.type === 'response.output_item.added');
    assert.equal(added.item.type, 'function_call');
    assert.equal(added.item.arguments, '');
    assert.equal(added.item.status, 'in_progress');
    const deltas = ev.filter((e) => e.type === 'response.function_call_arguments.delta');
    const done = ev.find((e) => e.type === 'response.function_call_arguments.done');
    assert.ok(deltas.length >= 1);
    assert.equal(deltas.map((d) => d.delta).join(''), done.arguments);
    assert.equal(done.item_id, added.item.id);
    assert.equal(typeof JSON.parse(done.arguments).term, 'string');
    assert.equal(ev.at(-1).type, 'response.completed');
    assert.equal(ev.at(-1).response.output[0].call_id, added.item.call_id);
  });

  it('max_output_tokens: the stream ends in response.incomplete', async () => {
    const ev = parse((await stream({ ...ASK, max_output_tokens: 16 })).text);
    assert.equal(ev.at(-1).type, 'response.incomplete');
    assert.deepEqual(ev.at(-1).response.incomplete_details, { reason: 'max_output_tokens' });
  });

  it('stream_cut drops the connection after N events', async () => {
    const body = JSON.stringify(ASK);
    const raw = await exchange(s.port, `POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nx-mock-fault: kind=stream_cut;after_chunks=3\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    const sse = raw.text.slice(raw.text.indexOf('\r\n\r\n') + 4);
    assert.match(sse, /event: response\.created/);
    assert.doesNotMatch(sse, /response\.completed/);
    assert.ok((sse.match(/^event: /gm) || []).length <= 4, sse);
    assert.notEqual(raw.how, 'timeout');
  });

  it('stream_error: an error event after N events, then the end', async () => {
    const r = await stream(ASK, { 'x-mock-fault': 'kind=stream_error;after_chunks=4' });
    const ev = parse(r.text);
    assert.equal(ev.length, 5);
    const last = ev.at(-1);
    assert.deepEqual(last, { type: 'error', code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!', param: null, sequence_number: 4 });
  });

  it('a stored rule acts on /v1/responses too, once', async () => {
    const add = await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/responses', kind: 'stream_error', after_chunks: 2, times: 1 }) });
    assert.equal(add.status, 201);
    const ev = parse((await stream(ASK)).text);
    assert.equal(ev.length, 3);
    assert.equal(ev[2].type, 'error');
    assert.equal(parse((await stream(ASK)).text).at(-1).type, 'response.completed');
  });

  it('response_status=failed: a failed response, and a stream ending in response.failed', async () => {
    const plain = await (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: { ...AUTH, 'x-mock-fault': 'response_status=failed' }, body: JSON.stringify({ ...ASK, stream: false }) })).json();
    assert.equal(plain.status, 'failed');
    assert.equal(plain.error.code, 'server_error');
    const ev = parse((await stream(ASK, { 'x-mock-fault': 'response_status=failed' })).text);
    assert.equal(ev.at(-1).type, 'response.failed');
  });

  it('GET ?stream=true replays the events, after starting_after', async () => {
    const created = parse((await stream(ASK)).text);
    const id = created[0].response.id;
    const replay = await fetch(`${s.url}/v1/responses/${id}?stream=true`, { headers: AUTH });
    const all = parse(await replay.text());
    assert.deepEqual(all.map((e) => e.type), created.map((e) => e.type));
    const later = parse(await (await fetch(`${s.url}/v1/responses/${id}?stream=true&starting_after=5`, { headers: AUTH })).text());
    assert.equal(later[0].sequence_number, 6);
    assert.equal(later.length, all.length - 6);
  });

  it('background: queued, in_progress, completed on the clock; cancel; faults', async () => {
    const post = async (body, headers = {}) => (await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: { ...AUTH, ...headers }, body: JSON.stringify(body) })).json();
    const get = async (id) => (await fetch(`${s.url}/v1/responses/${id}`, { headers: AUTH })).json();
    const cancel = async (id) => fetch(`${s.url}/v1/responses/${id}/cancel`, { method: 'POST', headers: AUTH });
    const t0 = Date.now();
    const r = await post({ model: MODEL, input: 'Summarise the plan', background: true });
    assert.equal(r.status, 'queued');
    assert.equal(r.background, true);
    assert.deepEqual(r.output, []);
    assert.equal(r.usage, null);
    const seen = new Set();
    let last;
    while (Date.now() - t0 < 3000) {
      last = await get(r.id);
      seen.add(last.status);
      if (last.status === 'completed') break;
      await new Promise((ok) => setTimeout(ok, 40));
    }
    assert.deepEqual([...seen].filter((x) => x !== 'queued'), ['in_progress', 'completed']);
    assert.ok(Date.now() - t0 >= 550, 'takes --background-ms');
    assert.equal(last.output[0].type, 'message');
    assert.ok(last.usage.output_tokens > 0);
    // a completed one stays completed when cancelled
    assert.equal((await (await cancel(r.id)).json()).status, 'completed');
    const c = await post({ model: MODEL, input: 'Summarise the plan', background: true });
    const cancelled = await (await cancel(c.id)).json();
    assert.equal(cancelled.status, 'cancelled');
    await new Promise((ok) => setTimeout(ok, 700));
    assert.equal((await get(c.id)).status, 'cancelled');
    const stuck = await post({ model: MODEL, input: 'x', background: true }, { 'x-mock-fault': 'response_status=stuck' });
    const failed = await post({ model: MODEL, input: 'x', background: true }, { 'x-mock-fault': 'response_status=failed' });
    await new Promise((ok) => setTimeout(ok, 700));
    assert.equal((await get(stuck.id)).status, 'in_progress');
    const f = await get(failed.id);
    assert.equal(f.status, 'failed');
    assert.equal(f.error.code, 'server_error');
    assert.equal((await (await cancel(stuck.id)).json()).status, 'cancelled');
    // store: false is allowed in background mode; it is still polled
    const unstored = await post({ model: MODEL, input: 'x', background: true, store: false });
    assert.equal(unstored.status, 'queued');
    assert.equal(unstored.store, false);
    await new Promise((ok) => setTimeout(ok, 700));
    assert.equal((await get(unstored.id)).status, 'completed');
    const bad = await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/responses', response_status: 'sideways' }) });
    assert.equal(bad.status, 400);
  });
});

describe('/v1/responses pacing', () => {
  it('--ttft-ms and --tokens-per-s pace the stream', async () => {
    const s = await startServer('mock_openai', ['--ttft-ms', '300', '--tokens-per-s', '40']);
    try {
      const t0 = Date.now();
      const res = await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: AUTH, body: JSON.stringify(ASK) });
      assert.ok(Date.now() - t0 >= 290, 'time to first token');
      const ev = parse(await res.text());
      const elapsed = Date.now() - t0;
      const deltas = ev.filter((e) => e.type === 'response.output_text.delta').length;
      assert.ok(elapsed >= 300 + (deltas / 40) * 1000 * 0.8, `${deltas} tokens in ${elapsed} ms`);
      assert.equal(ev.at(-1).type, 'response.completed');
    } finally {
      await s.stop();
    }
  });
});
