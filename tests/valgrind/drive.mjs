#!/usr/bin/env node
// A workload that touches every endpoint family of one mock server, for
// tests/valgrind/run.sh: the server runs under valgrind memcheck meanwhile,
// so every code path taken here is checked for leaks and memory errors.
//
//   node tests/valgrind/drive.mjs --server openai|llamaparse --url http://127.0.0.1:PORT [--pid PID]
//
// With --pid, the drive ends by sending SIGTERM to that process while one
// idle keep-alive connection is open and one request is held by a hang
// fault, so the shutdown path with live connections is checked too (the
// caller then waits for the exit status). Exit status 1 when an answer is
// not the expected one: valgrind's verdict means little if the workload
// did not reach what it was meant to.
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.join(here, '..', 'data');

const args = process.argv.slice(2);
const argOf = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : null;
};
const server = argOf('--server');
const base = argOf('--url');
const pid = argOf('--pid') ? Number(argOf('--pid')) : null;
if (!['openai', 'llamaparse'].includes(server) || !base) {
  console.error('usage: drive.mjs --server openai|llamaparse --url URL [--pid PID]');
  process.exit(2);
}

const TIMEOUT = 120_000; // valgrind is 20-50x slower
const AUTH = { authorization: server === 'openai' ? 'Bearer sk-valgrind' : 'Bearer llx-valgrind' };
let sent = 0;
const failures = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One request; returns { status (0 = no answer), text, json(), headers, error }.
async function req(method, p, { body, headers = {}, auth = true } = {}) {
  sent++;
  const h = { ...(auth ? AUTH : {}), ...headers };
  let b = body;
  if (b !== undefined && !(b instanceof FormData) && typeof b !== 'string' && !(b instanceof Uint8Array)) {
    b = JSON.stringify(b);
    h['content-type'] ??= 'application/json';
  }
  try {
    const res = await fetch(base + p, { method, headers: h, body: b, signal: AbortSignal.timeout(TIMEOUT) });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text), error: null };
  } catch (e) {
    return { status: 0, text: '', headers: new Headers(), json: () => null, error: e.cause?.code || e.cause?.message || e.message };
  }
}

// A request that must get `expect` (a status, or 0 for "no complete
// answer"); check(res) may add a condition. Returns the response.
// The Responses API's stored responses and conversations: a tool turn, its
// continuation, retrieve (and replay), items, background cancel, delete.
async function responsesStore() {
  const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }];
  const first = (await expect('responses tool call', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'look it up', tools, tool_choice: 'required' } })).json();
  const call = first.output?.[0] ?? {};
  const next = (await expect('responses continued', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', previous_response_id: first.id, tools,
    input: [{ type: 'function_call_output', call_id: call.call_id, output: 'found' }] } })).json();
  await expect('responses item references', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', tools,
    input: [{ role: 'user', content: 'look it up' }, { type: 'item_reference', id: call.id }, { type: 'function_call_output', call_id: call.call_id, output: 'found' }] } });
  await expect('responses get', 200, 'GET', `/v1/responses/${next.id}`);
  await expect('responses replay', 200, 'GET', `/v1/responses/${next.id}?stream=true&starting_after=2`);
  await expect('responses input_items', 200, 'GET', `/v1/responses/${next.id}/input_items?limit=1&order=asc`);
  const bg = (await expect('responses background', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'later', background: true } })).json();
  await expect('responses cancel', 200, 'POST', `/v1/responses/${bg.id}/cancel`);
  await expect('responses delete', 200, 'DELETE', `/v1/responses/${first.id}`);
  await expect('responses stream_error', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'hi', stream: true }, headers: { 'x-mock-fault': 'kind=stream_error;after_chunks=3' } });
  const conv = (await expect('conversation', 200, 'POST', '/v1/conversations', { body: { items: [{ role: 'user', content: 'hi' }] } })).json();
  await expect('responses in conversation', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'and?', conversation: conv.id } });
  await expect('conversation items', 200, 'GET', `/v1/conversations/${conv.id}/items`);
  await expect('conversation delete', 200, 'DELETE', `/v1/conversations/${conv.id}`);
}

async function expect(what, expectStatus, method, p, opts = {}, check = null) {
  const res = await req(method, p, opts);
  let ok = expectStatus === 0 ? (res.status === 0 || res.error !== null) : res.status === expectStatus;
  let why = ok ? null : `status ${res.status}${res.error ? ` (${res.error})` : ''}, want ${expectStatus}: ${res.text.slice(0, 200)}`;
  if (ok && check) {
    try {
      why = check(res) || null;
    } catch (e) {
      why = `check threw: ${e.message}`;
    }
    ok = !why;
  }
  if (!ok) failures.push(`${what}: ${method} ${p}: ${why}`);
  return res;
}

// A body cut short by a fault: the answer's status may arrive, the body must not be whole.
async function expectBroken(what, method, p, opts = {}) {
  sent++;
  try {
    const res = await fetch(base + p, { method, headers: { ...AUTH, ...(opts.headers ?? {}) }, body: opts.body, signal: AbortSignal.timeout(TIMEOUT) });
    const text = await res.text();
    if (opts.malformed) {
      try { JSON.parse(text); failures.push(`${what}: body is valid JSON`); } catch { /* expected */ }
    } else {
      failures.push(`${what}: got a whole answer (${res.status})`);
    }
  } catch { /* reset, cut, empty: expected */ }
}

async function addFault(rule, expectStatus = 201) {
  const r = await expect(`add fault ${JSON.stringify(rule)}`, expectStatus, 'POST', '/__control/faults', { body: rule, auth: false });
  return expectStatus === 201 ? r.json()?.id ?? r.json()?.[0]?.id : null;
}
const delFault = (id) => expect(`delete fault ${id}`, 204, 'DELETE', `/__control/faults/${id}`, { auth: false });
const file = (name) => new Blob([fs.readFileSync(path.join(DATA, name))]);
function form(fields, name, blob) {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  if (name) fd.append('file', blob ?? file(name), name);
  return fd;
}

// Clients that go away: before a delayed answer, in the middle of a dripped
// one, and in the middle of sending a body. The server must free what it
// held for each (the journal shows them with status 0).
async function goneClients(p, bodyPath) {
  const port = Number(new URL(base).port);
  const abortAfter = (ms, headers) => new Promise((ok) => {
    sent++;
    const rq = http.get({ host: '127.0.0.1', port, path: p, headers: { ...AUTH, ...headers } }, (r) => { r.on('data', () => {}); r.on('error', ok); r.on('end', ok); });
    rq.on('error', ok);
    rq.on('close', ok);
    setTimeout(() => rq.destroy(), ms);
  });
  await abortAfter(50, { 'x-mock-fault': 'delay_ms=400' });
  await abortAfter(300, { 'x-mock-fault': 'kind=drip;drip_bytes_per_s=50' });
  await new Promise((ok) => { // half a body, then gone
    sent++;
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write(`POST ${bodyPath} HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\n`
        + 'Content-Type: multipart/form-data; boundary=zz\r\nContent-Length: 100000\r\n\r\n'
        + '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n' + 'x'.repeat(5000));
      setTimeout(() => sock.destroy(), 200);
    });
    sock.on('error', ok);
    sock.on('close', ok);
  });
  await sleep(600); // let the delayed answer come due with nobody there
}

// --------------------------------------------------------------- shared: control API, journal, metrics
async function commonControl(probePath, probeOpts) {
  await expect('health', 200, 'GET', '/health', { auth: false });
  // rules: list, one, array, bad, every trigger field
  const a = await addFault({ path: probePath, status: 503, times: 1, headers: { 'x-extra': '1' } });
  await expect('503 from a rule', 503, probeOpts.method, probePath, probeOpts, (r) => (r.headers.get('x-extra') === '1' ? null : 'no x-extra'));
  await expect('rule used up', 200, probeOpts.method, probePath, probeOpts);
  await delFault(a);
  await expect('delete a missing rule', 404, 'DELETE', '/__control/faults/999999', { auth: false });
  await addFault({ path: probePath, status: 'x' }, 400);
  await addFault('not json', 400);
  const arr = await expect('add an array of rules', 201, 'POST', '/__control/faults', { auth: false, body: [
    { path: probePath, match_headers: { 'x-test-id': 't1' }, status: 429, body: { custom: true } },
    { path: probePath, method: 'GET', every: 2, after: 1, status: 500, body: 'plain text body' },
    { path: probePath, probability: 0.5, seed: 9, delay_ms: 20, jitter_ms: 10 },
    { path: probePath, duration_ms: 60000, match_headers: { 'x-test-id': 't2' }, status: 502 },
  ] });
  await expect('scoped 429', 429, probeOpts.method, probePath, { ...probeOpts, headers: { ...(probeOpts.headers ?? {}), 'x-test-id': 't1' } });
  await expect('scoped 502', 502, probeOpts.method, probePath, { ...probeOpts, headers: { ...(probeOpts.headers ?? {}), 'x-test-id': 't2' } });
  for (let i = 0; i < 4; i++) await req(probeOpts.method, probePath, probeOpts); // every/after/probability
  await expect('list faults', 200, 'GET', '/__control/faults', { auth: false }, (r) => (r.json().faults.length >= 4 ? null : 'rules missing'));
  await expect('delete all faults', 204, 'DELETE', '/__control/faults', { auth: false });
  void arr;
  // delivery kinds
  let id = await addFault({ path: probePath, kind: 'drip', drip_bytes_per_s: 20000, times: 1 });
  await expect('drip', 200, probeOpts.method, probePath, probeOpts);
  await delFault(id);
  id = await addFault({ path: probePath, kind: 'truncate', truncate_bytes: 10, times: 1 });
  await expectBroken('truncate', probeOpts.method, probePath, probeOpts);
  await delFault(id);
  id = await addFault({ path: probePath, kind: 'reset', times: 1 });
  await expectBroken('reset', probeOpts.method, probePath, probeOpts);
  await delFault(id);
  id = await addFault({ path: probePath, kind: 'hang', hang_ms: 300, times: 1 });
  await expectBroken('hang', probeOpts.method, probePath, probeOpts);
  await delFault(id);
  id = await addFault({ path: probePath, kind: 'empty', times: 1 });
  await expectBroken('empty', probeOpts.method, probePath, probeOpts);
  await delFault(id);
  id = await addFault({ path: probePath, kind: 'malformed', times: 1 });
  await expectBroken('malformed', probeOpts.method, probePath, { ...probeOpts, malformed: true });
  await delFault(id);
  id = await addFault({ path: probePath, delay_ms: 50, times: 2 });
  await Promise.all([expect('delayed', 200, probeOpts.method, probePath, probeOpts), expect('delayed', 200, probeOpts.method, probePath, probeOpts)]);
  await delFault(id);
  // the x-mock-fault header: valid and invalid
  await expect('x-mock-fault status', 418, probeOpts.method, probePath, { ...probeOpts, headers: { ...(probeOpts.headers ?? {}), 'x-mock-fault': 'status=418;delay_ms=5' } });
  await expectBroken('x-mock-fault truncate', probeOpts.method, probePath, { ...probeOpts, headers: { ...(probeOpts.headers ?? {}), 'x-mock-fault': 'kind=truncate' } });
  await expect('bad x-mock-fault', 400, probeOpts.method, probePath, { ...probeOpts, headers: { ...(probeOpts.headers ?? {}), 'x-mock-fault': 'status=abc;nope' } });
  // journal and metrics
  await expect('journal', 200, 'GET', '/__control/requests', { auth: false }, (r) => (r.json().requests.length ? null : 'empty journal'));
  await expect('journal filtered', 200, 'GET', `/__control/requests?path=${encodeURIComponent(probePath)}&method=${probeOpts.method}&status=200&limit=3`, { auth: false });
  await expect('journal glob', 200, 'GET', '/__control/requests?path=/*&status=503', { auth: false });
  await expect('journal bad filter', 400, 'GET', '/__control/requests?status=abc', { auth: false });
  await expect('journal clear', 204, 'DELETE', '/__control/requests', { auth: false });
  await expect('metrics', 200, 'GET', '/metrics', { auth: false }, (r) => (r.text.includes('mock_requests_total') ? null : 'no counters'));
  await expect('unknown control path', 404, 'GET', '/__control/nothing', { auth: false });
}

// --------------------------------------------------------------- mock_openai
async function openai() {
  const emb = (body, headers = {}) => ({ body, headers });
  await expect('embedding float', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'hello world' }),
    (r) => (r.json().data[0].embedding.length === 1536 ? null : 'wrong dims'));
  await expect('embedding base64 batch', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-large', input: ['first text', 'second text', 'third'], dimensions: 256, encoding_format: 'base64', user: 'u1' }),
    (r) => (Buffer.from(r.json().data[2].embedding, 'base64').length === 1024 ? null : 'wrong base64'));
  await expect('embedding token ids', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: [[9906, 1917], [1, 2, 3]] }));
  await expect('embedding token array', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-ada-002', input: [9906, 1917] }));
  await expect('embedding long text', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: fs.readFileSync(path.join(DATA, 'policy-basic.txt'), 'utf8') }));
  await expect('embedding unicode', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'Grüße aus Köln — 東京 🚀' }));
  // embeddings errors
  await expect('unknown model', 404, 'POST', '/v1/embeddings', emb({ model: 'nope', input: 'x' }));
  await expect('malformed json', 400, 'POST', '/v1/embeddings', { body: '{"model":', headers: { 'content-type': 'application/json' } });
  await expect('empty input', 400, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: '' }));
  await expect('wrong type', 400, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 5 }));
  await expect('unknown field', 400, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'x', bogus: 1 }));
  await expect('dimensions on ada', 400, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }));
  await expect('too many inputs', 400, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: Array(2049).fill('a') }));
  await expect('no key', 401, 'POST', '/v1/embeddings', { ...emb({ model: 'text-embedding-3-small', input: 'x' }), auth: false });
  await expect('wrong method', 405, 'GET', '/v1/embeddings');
  await expect('unknown path', 404, 'GET', '/v1/nothing');
  await expect('body over --max-body', 413, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'x'.repeat(300_000) }));
  // chat
  const msgs = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What does the plan cover?' }];
  await expect('chat', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs } },
    (r) => (r.json().choices[0].message.content.startsWith('Mock reply') ? null : 'no reply'));
  await expect('chat n=2, max_tokens, stop', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o', messages: msgs, n: 2, max_tokens: 5, stop: ['plan'] } });
  await expect('chat json_object', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4.1', messages: [...msgs, { role: 'user', content: 'Answer in JSON.' }], response_format: { type: 'json_object' } } });
  await expect('chat json_schema', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4.1-mini', messages: msgs, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' }, c: { type: 'string', enum: ['p', 'q'] }, d: { type: 'array', items: { type: 'number' } } } } } } } });
  await expect('chat json_schema with $defs, recursion, pattern, oneOf', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs, response_format: { type: 'json_schema', json_schema: { name: 'tree', strict: true, schema: { type: 'object', additionalProperties: false, required: ['root', 'code', 'shape'], properties: { root: { $ref: '#/$defs/node' }, code: { type: 'string', pattern: '^(?!0)[A-Z]{2}-\\d{3}$', format: 'hostname' }, shape: { oneOf: [{ type: 'number' }, { type: 'integer' }] } }, $defs: { node: { type: 'object', additionalProperties: false, required: ['v', 'kids'], properties: { v: { type: 'number', multipleOf: 0.1 }, kids: { type: 'array', items: { $ref: '#/$defs/node' }, uniqueItems: true } } } } } } } } });
  await expect('chat json_schema strict refused', 400, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs, response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } } } } } } });
  await expect('chat json_object without the word json', 400, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs, response_format: { type: 'json_object' } } });
  await expect('chat tool call', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs, tool_choice: 'required',
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } } } } }] } },
  (r) => (r.json().choices[0].message.tool_calls?.length ? null : 'no tool call'));
  const weather = [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  await expect('chat auto tool calls', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'weather in Oslo?' }], tools: weather, stream: true } });
  await expect('chat after a tool result', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', tools: weather, messages: [{ role: 'user', content: 'weather in Oslo?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }] } },
  (r) => (r.json().choices[0].message.content.includes('sunny') ? null : 'no quote'));
  await expect('chat logprobs, streamed', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs, logprobs: true, top_logprobs: 3, stream: true } });
  await expect('completions', 200, 'POST', '/v1/completions', { body: { model: 'gpt-3.5-turbo-instruct', prompt: ['Hello', [15339, 1917]], n: 2, echo: true, logprobs: 2 } });
  await expect('completions stream', 200, 'POST', '/v1/completions', { body: { model: 'davinci-002', prompt: 'Hello', stream: true, logprobs: 1, stream_options: { include_usage: true } } });
  await expect('completions chat model', 404, 'POST', '/v1/completions', { body: { model: 'gpt-4o-mini', prompt: 'x' } });
  await expect('chat stream', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs, stream: true, stream_options: { include_usage: true } } },
    (r) => (r.text.endsWith('data: [DONE]\n\n') ? null : 'no [DONE]'));
  await expect('chat stream paced', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-3.5-turbo', messages: msgs, stream: true }, headers: { 'x-mock-fault': 'delay_ms=10' } });
  await expect('chat bad role', 400, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'x' }] } });
  await expect('chat no messages', 400, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [] } });
  await expect('chat unknown model', 404, 'POST', '/v1/chat/completions', { body: { model: 'gpt-0', messages: msgs } });
  await expect('chat context too long', 400, 'POST', '/v1/chat/completions', { body: { model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'word '.repeat(20000) }] } });
  let id = await addFault({ path: '/v1/chat/completions', kind: 'stream_cut', after_chunks: 3, times: 1 });
  await expectBroken('stream_cut', 'POST', '/v1/chat/completions', { body: JSON.stringify({ model: 'gpt-4o-mini', messages: msgs, stream: true }), headers: { 'content-type': 'application/json' } });
  await delFault(id);
  id = await addFault({ path: '/v1/chat/completions', kind: 'stream_error', after_chunks: 2, times: 1 });
  await expect('stream_error', 200, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs, stream: true } },
    (r) => (r.text.includes('error') ? null : 'no error event'));
  await delFault(id);
  // responses
  await expect('responses', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'hi', instructions: 'Be brief.' } });
  await expect('responses messages', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: [{ role: 'user', content: 'hi there' }] } });
  await expect('responses stream', 200, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'hi', stream: true } },
    (r) => (r.text.includes('response.completed') ? null : 'no completed event'));
  await expect('responses bad', 400, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini' } });
  await responsesStore();
  // models
  await expect('models', 200, 'GET', '/v1/models');
  await expect('model', 200, 'GET', '/v1/models/text-embedding-ada-002');
  await expect('model missing', 404, 'GET', '/v1/models/nope');
  await azure(msgs);
  // rate limits and quota
  await expect('set rpm', 200, 'POST', '/__control/ratelimit', { auth: false, body: { rpm: 2, tpm: 100000 } });
  await expect('rl 1', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'a' }));
  await expect('rl 2', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'b' }));
  await expect('rl 429', 429, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'c' }),
    (r) => (r.headers.get('retry-after-ms') ? null : 'no retry-after-ms'));
  await expect('azure 429, the same key as api-key', 429, 'POST', azPath('text-embedding-3-small', 'embeddings'),
    { auth: false, headers: { 'api-key': 'sk-valgrind' }, body: { input: 'c' } }, (r) => (r.json().error.code === '429' ? null : 'not Azure\'s 429'));
  await expect('other key, own bucket', 200, 'POST', '/v1/embeddings', { ...emb({ model: 'text-embedding-3-small', input: 'd' }), headers: { authorization: 'Bearer sk-other' } });
  await expect('get ratelimit', 200, 'GET', '/__control/ratelimit', { auth: false });
  await expect('quota', 200, 'POST', '/__control/ratelimit', { auth: false, body: { rpm: 0, tpm: 0, quota_exhausted: true } });
  await expect('insufficient_quota', 429, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: msgs } });
  await expect('azure quota', 429, 'POST', azPath('gpt-4o-mini', 'chat/completions'), { ...AZ, body: { messages: msgs } });
  await expect('bad ratelimit', 400, 'POST', '/__control/ratelimit', { auth: false, body: { rpm: -1 } });
  await expect('quota back', 200, 'POST', '/__control/ratelimit', { auth: false, body: { quota_exhausted: false } });
  await expect('reset', 204, 'POST', '/__control/reset', { auth: false });
  // model-scoped rule
  id = await addFault({ path: '/v1/embeddings', model: 'text-embedding-3-large', status: 500, times: 1 });
  await expect('model rule misses small', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: 'x' }));
  await expect('model rule hits large', 500, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-large', input: 'x' }));
  await delFault(id);
  await commonControl('/v1/models', { method: 'GET' });
  await goneClients('/v1/models', '/v1/embeddings');
  // a few at once
  await Promise.all(Array.from({ length: 8 }, (_, i) => expect('parallel', 200, 'POST', '/v1/embeddings', emb({ model: 'text-embedding-3-small', input: `parallel ${i}`, encoding_format: i % 2 ? 'base64' : 'float' }))));
  await expect('reset', 204, 'POST', '/__control/reset', { auth: false });
}

// Azure OpenAI's paths: adapters in front of the same handlers.
const azPath = (d, op) => `/openai/deployments/${d}/${op}?api-version=2024-10-21`;
const AZ = { auth: false, headers: { 'api-key': 'k', 'x-ms-client-request-id': 'vg-1' } };
async function azure(msgs) {
  await expect('azure embeddings', 200, 'POST', azPath('text-embedding-3-small', 'embeddings'), { ...AZ, body: { input: ['a', 'b'], model: 'ignored' } },
    (r) => (r.headers.get('x-ms-client-request-id') === 'vg-1' ? null : 'no echoed request id'));
  await expect('azure chat', 200, 'POST', azPath('gpt-4o-mini', 'chat/completions'), { ...AZ, body: { model: 'gpt-4o', messages: msgs, n: 2 } },
    (r) => (r.json().prompt_filter_results && r.json().model === 'gpt-4o-mini-2024-07-18' ? null : 'not the deployment\'s answer'));
  await expect('azure chat stream', 200, 'POST', azPath('gpt-4o', 'chat/completions'), { ...AZ, body: { messages: msgs, stream: true } });
  await expect('azure responses', 200, 'POST', azPath('gpt-4o', 'responses'), { ...AZ, body: { input: 'hi', stream: true } });
  await expect('azure v1 chat', 200, 'POST', '/openai/v1/chat/completions', { auth: true, body: { model: 'gpt-4o-mini', messages: msgs } });
  await expect('azure bare embeddings', 200, 'POST', '/openai/embeddings', { ...AZ, body: { model: 'text-embedding-3-large', input: 'x' } });
  await expect('azure v1 models', 200, 'GET', '/openai/v1/models', AZ);
  await expect('azure v1 model', 200, 'GET', '/openai/v1/models/gpt-4o', AZ);
  await expect('azure no api-version', 404, 'POST', '/openai/deployments/gpt-4o/chat/completions', { ...AZ, body: { messages: msgs } });
  await expect('azure no deployment', 404, 'POST', azPath('nope', 'embeddings'), { ...AZ, body: { input: 'x' } });
  await expect('azure v1 no deployment', 404, 'POST', '/openai/v1/embeddings', { ...AZ, body: { model: 'nope', input: 'x' } });
  await expect('azure wrong operation', 400, 'POST', azPath('gpt-4o', 'embeddings'), { ...AZ, body: { input: 'x' } });
  await expect('azure no key', 401, 'POST', azPath('gpt-4o', 'chat/completions'), { auth: false, body: { messages: msgs } });
  await expect('azure bad body', 400, 'POST', azPath('gpt-4o', 'chat/completions'), { ...AZ, body: '{bad' });
  await expect('azure unknown path', 404, 'POST', azPath('gpt-4o', 'images/generations'), { ...AZ, body: {} });
  const id = await addFault({ path: '/openai/deployments/*/chat/completions', kind: 'content_filter', after_chunks: 2, times: 2 });
  await expect('azure content_filter', 400, 'POST', azPath('gpt-4o', 'chat/completions'), { ...AZ, body: { messages: msgs } },
    (r) => (r.json().error.code === 'content_filter' ? null : 'not content_filter'));
  await expect('azure content_filter stream', 200, 'POST', azPath('gpt-4o', 'chat/completions'), { ...AZ, body: { messages: msgs, stream: true } },
    (r) => (r.text.includes('"finish_reason":"content_filter"') ? null : 'no content_filter finish'));
  await delFault(id);
}

// --------------------------------------------------------------- mock_llamaparse
// Serves tests/data on GET and records webhook POSTs; /flaky answers 503 once.
function receiver() {
  const calls = [];
  let flaky = 1;
  const srv = http.createServer((rq, rs) => {
    let body = '';
    rq.on('data', (d) => { body += d; });
    rq.on('end', () => {
      if (rq.method === 'GET') {
        const f = path.join(DATA, path.basename(rq.url));
        const ok = fs.existsSync(f);
        rs.writeHead(ok ? 200 : 404).end(ok ? fs.readFileSync(f) : '');
        return;
      }
      calls.push({ path: rq.url, headers: rq.headers, body });
      if (rq.url === '/flaky' && flaky > 0) {
        flaky--;
        rs.writeHead(503).end('busy');
        return;
      }
      rs.writeHead(rq.url === '/refuse' ? 410 : 200).end('ok');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    base: `http://127.0.0.1:${srv.address().port}`, calls, close: () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(r); }),
  })));
}

async function until(fn, what, ms = 90_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(100);
  }
  failures.push(`timed out waiting for ${what}`);
  return null;
}

// Polls a v1 job until it leaves PENDING; returns its status.
async function v1Done(id) {
  if (!id) return undefined; // the upload failed, already reported
  const r = await until(async () => {
    const s = await req('GET', `/api/v1/parsing/job/${id}`);
    return s.status === 200 && s.json().status !== 'PENDING' ? s.json() : null;
  }, `job ${id}`);
  return r?.status;
}

async function upload(name, fields = [], headers = {}, blob = undefined, p = '/api/v1/parsing/upload') {
  const r = await expect(`upload ${name}`, 200, 'POST', p, { body: form(fields, name, blob), headers });
  return r.json()?.id;
}

// The Files API (both), projects, presigned URLs, file_id jobs, page
// selection, every v2 expansion, versions, list filters, v1 validation.
async function filesAndPages(R) {
  await expect('projects', 200, 'GET', '/api/v1/projects');
  await expect('bad project_id', 422, 'GET', '/api/v1/beta/files?project_id=nope');
  const made = await expect('beta files create', 200, 'POST', '/api/v1/beta/files', { body: form([['purpose', 'parse']], 'policy-12pages.pdf') });
  const fid = made.json()?.id;
  await expect('beta files missing purpose', 422, 'POST', '/api/v1/beta/files', { body: form([], 'claims.csv') });
  await expect('beta files list', 200, 'GET', '/api/v1/beta/files?page_size=1&order_by=name');
  await expect('beta files query', 200, 'POST', '/api/v1/beta/files/query', { body: { filter: { file_ids: [fid] }, page_size: 5 } });
  await expect('beta files get', 200, 'GET', `/api/v1/beta/files/${fid}`);
  const link = await expect('beta files content', 200, 'GET', `/api/v1/beta/files/${fid}/content`);
  const dl = await req('GET', new URL(link.json()?.url ?? base).pathname, { auth: false });
  if (dl.status !== 200) failures.push(`presigned download: ${dl.status}`);
  const pre = await expect('v1 files presign', 200, 'PUT', '/api/v1/files', { body: { name: 'benefits.md' } });
  const put = await req('PUT', new URL(pre.json()?.url ?? base).pathname, { body: fs.readFileSync(path.join(DATA, 'benefits.md')).toString(), auth: false });
  if (put.status !== 200) failures.push(`presigned upload: ${put.status}`);
  await expect('v1 files from url', 200, 'PUT', '/api/v1/files/upload_from_url', { body: { url: `${R}/claims.csv` } });
  await expect('v1 files create', 200, 'POST', '/api/v1/files', { body: (() => { const fd = new FormData(); fd.append('upload_file', file('claims.csv'), 'claims.csv'); return fd; })() });
  const job = await expect('v2 by file_id', 200, 'POST', '/api/v2/parse',
    { body: { file_id: fid, tier: 'fast', version: 'latest', user_metadata: { k: 'v' }, page_ranges: { target_pages: '1,3-4' } } });
  const jid = job.json()?.id;
  await until(async () => (await req('GET', `/api/v2/parse/${jid}`)).json()?.job?.status === 'COMPLETED', `file_id job ${jid}`);
  const all = ['text', 'markdown', 'items', 'metadata', 'forms', 'job_metadata', 'usage', 'images_content_metadata',
    ...['text', 'markdown', 'items', 'metadata', 'forms', 'raw_words', 'xlsx', 'output_pdf'].map((k) => `${k}_content_metadata`)];
  const got = await expect('v2 every expansion', 200, 'GET', `/api/v2/parse/${jid}?expand=${all.join(',')}`);
  const url = got.json()?.result_content_metadata?.items?.presigned_url;
  if (url) await expect('v2 result presigned', 200, 'GET', new URL(url).pathname, { auth: false });
  await expect('v2 bad expansion', 422, 'GET', `/api/v2/parse/${jid}?expand=nope`);
  await expect('v2 versions', 200, 'GET', '/api/v2/parse/versions');
  await expect('v2 bad version', 422, 'POST', '/api/v2/parse', { body: { file_id: fid, tier: 'fast', version: 'x' } });
  await expect('v2 list filtered', 200, 'GET', `/api/v2/parse?page_size=1&status=COMPLETED&job_ids=${jid}&created_at_on_or_after=2000-01-01`);
  await expect('beta files delete', 204, 'DELETE', `/api/v1/beta/files/${fid}`);
  const sel = await upload('policy-12pages.pdf', [['target_pages', '0,2-4'], ['page_prefix', '<{pageNumber}>'], ['page_separator', '~{pageNumber}~']]);
  if (await v1Done(sel) !== 'SUCCESS') failures.push('target_pages job did not succeed');
  await expect('selected json', 200, 'GET', `/api/v1/parsing/job/${sel}/result/json`);
  await expect('selected markdown', 200, 'GET', `/api/v1/parsing/job/${sel}/result/markdown`);
  await expect('bad target_pages', 422, 'POST', '/api/v1/parsing/upload', { body: form([['target_pages', '3-1']], 'claims.csv') });
  await expect('bad language', 422, 'POST', '/api/v1/parsing/upload', { body: form([['language', 'xx']], 'claims.csv') });
}

async function llamaparse() {
  const recv = await receiver();
  const R = recv.base;
  // v1 uploads of every kind of content, polled, every result kind
  const kinds = ['policy-basic.txt', 'policy-1page.pdf', 'policy-1page-uncompressed.pdf', 'policy-12pages.pdf', 'scanned.pdf',
    'claims.csv', 'claims.tsv', 'summary.html', 'benefits.md', 'plan.json', 'plan.xml', 'binary.bin', 'small-10k.txt'];
  for (const name of kinds) {
    const id = await upload(name, name.endsWith('.pdf') ? [['max_pages', '2']] : []);
    const st = await v1Done(id);
    if (st !== 'SUCCESS') failures.push(`${name}: job ended ${st}`);
    for (const k of ['markdown', 'text', 'json', 'raw/markdown', 'raw/text']) await expect(`${name} result ${k}`, 200, 'GET', `/api/v1/parsing/job/${id}/result/${k}`);
    if (name === 'policy-basic.txt') {
      await expect('details', 200, 'GET', `/api/v1/parsing/job/${id}/details`);
      await expect('parameters', 200, 'GET', `/api/v1/parsing/job/${id}/parameters`);
      await expect('unknown result kind', 404, 'GET', `/api/v1/parsing/job/${id}/result/pdf`);
      await expect('unknown raw kind', 404, 'GET', `/api/v1/parsing/job/${id}/result/raw/json`);
    }
  }
  const again = await upload('policy-basic.txt'); // a cache hit
  await v1Done(again);
  // the empty file ends in ERROR; its result is 400
  const empty = await upload('empty.txt');
  if (await v1Done(empty) !== 'ERROR') failures.push('empty.txt did not end in ERROR');
  await expect('result of a failed job', 400, 'GET', `/api/v1/parsing/job/${empty}/result/markdown`);
  // form fields, legacy path, validation
  const rich = await upload('benefits.md', [['language', 'en'], ['language', 'de'], ['parse_mode', 'parse_page_with_agent'], ['tier', 'agentic'],
    ['page_separator', '\n<<>>\n'], ['disable_ocr', 'true'], ['max_pages', '1'], ['webhook_url', `${R}/v1hook`], ['unknown_field', 'kept']]);
  await v1Done(rich);
  await expect('parameters', 200, 'GET', `/api/v1/parsing/job/${rich}/parameters`);
  await upload('claims.csv', [], {}, undefined, '/api/parsing/upload');
  await expect('bad boolean', 422, 'POST', '/api/v1/parsing/upload', { body: form([['disable_ocr', 'maybe']], 'claims.csv') });
  await expect('bad tier', 422, 'POST', '/api/v1/parsing/upload', { body: form([['tier', 'gold']], 'claims.csv') });
  await expect('no file', 400, 'POST', '/api/v1/parsing/upload', { body: form([['language', 'en']], null) });
  await expect('bad webhook_configurations', 422, 'POST', '/api/v1/parsing/upload', { body: form([['webhook_configurations', '[{"webhook_url":"ftp://x"}]']], 'claims.csv') });
  await expect('not multipart', 400, 'POST', '/api/v1/parsing/upload', { body: 'plain', headers: { 'content-type': 'text/plain' } });
  await expect('over --max-upload', 413, 'POST', '/api/v1/parsing/upload', { body: form([], 'large-150k.txt') });
  await expect('no key', 401, 'GET', '/api/v1/parsing/job/x', { auth: false });
  await expect('unknown job', 404, 'GET', '/api/v1/parsing/job/00000000-0000-4000-8000-000000000000');
  await expect('extensions', 200, 'GET', '/api/v1/parsing/supported_file_extensions');
  // by URL
  const byUrl = await expect('upload by input_url', 200, 'POST', '/api/v1/parsing/upload', { body: form([['input_url', `${R}/summary.html`]], null) });
  if (await v1Done(byUrl.json()?.id) !== 'SUCCESS') failures.push('input_url job did not succeed');
  const badUrl = await expect('upload by missing url', 200, 'POST', '/api/v1/parsing/upload', { body: form([['input_url', `${R}/missing.pdf`]], null) });
  if (await v1Done(badUrl.json()?.id) !== 'ERROR') failures.push('missing input_url did not end in ERROR');
  // webhook_configurations with every option
  const confs = [
    { webhook_url: `${R}/cfg-all`, webhook_output_format: 'json', webhook_headers: { 'x-team': 'docs' }, webhook_signing_secret: 'per-hook' },
    { webhook_url: `${R}/cfg-errors`, webhook_events: ['parse.error'], webhook_output_format: 'string' },
  ];
  const hooked = await upload('benefits.md', [['webhook_configurations', JSON.stringify(confs)]]);
  await until(() => recv.calls.filter((c) => c.path === '/cfg-all' && c.body.includes(hooked)).length >= 2, 'cfg-all webhooks');
  // job faults, by header and by rule
  for (const f of ['job_status=ERROR;job_error_code=BAD_THING;job_error_message=nope', 'job_status=PARTIAL_SUCCESS', 'job_status=CANCELLED',
    'job_status=EXPIRED', 'job_delay_ms=200', 'webhook=drop', 'webhook=duplicate', 'webhook=delay_ms=100', 'webhook=status=500']) {
    const id = await upload('policy-basic.txt', [['webhook_url', `${R}/jf`]], { 'x-mock-fault': f });
    await v1Done(id);
    await req('GET', `/api/v1/parsing/job/${id}/result/markdown`);
  }
  const jr = await addFault({ path: '/api/v1/parsing/upload', job_status: 'ERROR', job_error_message: 'rule says no', times: 1 });
  const jfail = await upload('claims.csv');
  if (await v1Done(jfail) !== 'ERROR') failures.push('job_status rule did not fail the job');
  await delFault(jr);
  await addFault({ path: '/api/*', job_status: 'sometimes' }, 400);
  // a stuck job: result 400, cancel through v2, then delete
  const stuck = await upload('claims.csv', [], { 'x-mock-fault': 'job_status=stuck' });
  await expect('result of a pending job', 400, 'GET', `/api/v1/parsing/job/${stuck}/result/markdown`);
  await expect('delete a running job', 400, 'DELETE', `/api/v2/parse/${stuck}`);
  await expect('cancel', 200, 'POST', `/api/v2/parse/${stuck}/cancel`, {}, (r) => (r.json().status === 'CANCELLED' ? null : r.text));
  await expect('cancel again', 400, 'POST', `/api/v2/parse/${stuck}/cancel`);
  await expect('delete', 200, 'DELETE', `/api/v2/parse/${stuck}`);
  await expect('delete again', 404, 'DELETE', `/api/v2/parse/${stuck}`);
  // v2: upload with configuration, by source_url with webhook_configurations, get with expand, list
  const v2a = await expect('v2 upload', 200, 'POST', '/api/v2/parse/upload',
    { body: form([['configuration', JSON.stringify({ tier: 'agentic', max_pages: 3, webhook_configurations: [{ webhook_url: `${R}/v2cfg` }] })]], 'summary.html') });
  const v2id = v2a.json()?.id;
  const v2b = await expect('v2 by url', 200, 'POST', '/api/v2/parse',
    { body: { source_url: `${R}/claims.csv`, tier: 'fast', webhook_configurations: [{ webhook_url: `${R}/v2hook`, webhook_events: ['parse.success'] }] } });
  await expect('v2 bad body', 400, 'POST', '/api/v2/parse', { body: '[1]', headers: { 'content-type': 'application/json' } });
  await expect('v2 bad tier', 422, 'POST', '/api/v2/parse', { body: { source_url: `${R}/claims.csv`, tier: 'gold' } });
  await expect('v2 bad configuration', 422, 'POST', '/api/v2/parse/upload', { body: form([['configuration', '{not json']], 'summary.html') });
  for (const id of [v2id, v2b.json()?.id]) {
    await until(async () => {
      const r = await req('GET', `/api/v2/parse/${id}`);
      return r.status === 200 && r.json().job.status === 'COMPLETED';
    }, `v2 job ${id}`);
    await expect('v2 get expanded', 200, 'GET', `/api/v2/parse/${id}?expand=text,markdown&expand=items&expand=job_metadata`);
  }
  await expect('v2 list', 200, 'GET', '/api/v2/parse', {}, (r) => (r.json().items.length >= 2 ? null : 'short list'));
  await expect('v2 unknown', 404, 'GET', '/api/v2/parse/00000000-0000-4000-8000-000000000000');
  await expect('v2 delete', 200, 'DELETE', `/api/v2/parse/${v2id}`);
  await filesAndPages(R);
  // the old contract, with its webhook, a failing source, a retried webhook, a refused one
  const jid = (n) => `6f1c2a4e-${String(n).padStart(4, '0')}-4222-8333-444455556666`;
  await expect('/parse', 200, 'POST', '/parse', { auth: false, body: { job_id: jid(1), source_url: `${R}/policy-basic.txt`, webhook_url: `${R}/hook` } });
  await expect('/parse again', 409, 'POST', '/parse', { auth: false, body: { job_id: jid(1), source_url: `${R}/policy-basic.txt`, webhook_url: `${R}/hook` } });
  await expect('/parse failing source', 200, 'POST', '/parse', { auth: false, body: { job_id: jid(2), source_url: `${R}/missing.pdf`, webhook_url: `${R}/hook` } });
  await expect('/parse flaky hook', 200, 'POST', '/parse', { auth: false, body: { job_id: jid(3), source_url: `${R}/benefits.md`, webhook_url: `${R}/flaky` } });
  await expect('/parse refused hook', 200, 'POST', '/parse', { auth: false, body: { job_id: jid(4), source_url: `${R}/benefits.md`, webhook_url: `${R}/refuse` } });
  await expect('/parse unreachable hook', 200, 'POST', '/parse', { auth: false, body: { job_id: jid(5), source_url: `${R}/benefits.md`, webhook_url: 'http://127.0.0.1:9/nobody' } });
  await expect('/parse bad', 400, 'POST', '/parse', { auth: false, body: { job_id: 'x' } });
  await until(() => recv.calls.some((c) => c.path === '/hook' && c.body.includes(jid(1))), 'the /parse webhook');
  await until(() => recv.calls.some((c) => c.path === '/hook' && c.body.includes(jid(2))), 'the failure webhook');
  await until(() => recv.calls.filter((c) => c.path === '/flaky').length >= 2, 'the retried webhook');
  await until(async () => {
    const r = await req('GET', '/__control/webhooks', { auth: false });
    return r.status === 200 && r.json().deliveries.some((d) => d.job_id?.includes(jid(5)) && d.attempt >= 3);
  }, 'the unreachable webhook given up');
  for (let n = 1; n <= 5; n++) await expect('/jobs/{id}', 200, 'GET', `/jobs/${jid(n)}`, { auth: false });
  await expect('/jobs unknown', 404, 'GET', '/jobs/nope', { auth: false });
  await expect('webhook log', 200, 'GET', '/__control/webhooks', { auth: false }, (r) => (r.json().deliveries.length >= 5 ? null : 'short log'));
  await until(() => recv.calls.some((c) => c.path === '/v2hook'), 'the v2 webhook');
  await commonControl('/api/v1/parsing/supported_file_extensions', { method: 'GET' });
  await goneClients('/api/v1/parsing/supported_file_extensions', '/api/v1/parsing/upload');
  // a few at once
  await Promise.all(['claims.csv', 'summary.html', 'benefits.md', 'plan.json'].map(async (n) => v1Done(await upload(n))));
  await expect('reset', 204, 'POST', '/__control/reset', { auth: false });
  await expect('jobs gone after reset', 404, 'GET', `/api/v1/parsing/job/${rich}`);
  // jobs and webhooks left in flight at shutdown: a slow job with a hook, a stuck one
  await upload('plan.xml', [['webhook_url', `${R}/late`]], { 'x-mock-fault': 'job_delay_ms=600000' });
  await upload('plan.json', [], { 'x-mock-fault': 'job_status=stuck' });
  return recv;
}

// --------------------------------------------------------------- shutdown with live connections
async function shutdown() {
  const port = Number(new URL(base).port);
  const agent = new http.Agent({ keepAlive: true });
  // an idle keep-alive connection
  await new Promise((ok) => http.get({ host: '127.0.0.1', port, path: '/health', agent }, (r) => { r.resume(); r.on('end', ok); }));
  // a request held by a hang fault (longer than the run)
  const hang = new Promise((ok) => {
    const rq = http.get({ host: '127.0.0.1', port, path: '/health', headers: { 'x-mock-fault': 'kind=hang;hang_ms=600000' } }, (r) => { r.resume(); r.on('end', ok); r.on('error', ok); });
    rq.on('error', ok);
  });
  await sleep(500);
  process.kill(pid, 'SIGTERM');
  let timer;
  await Promise.race([hang, new Promise((r) => { timer = setTimeout(r, TIMEOUT); })]);
  clearTimeout(timer);
  agent.destroy();
}

const t0 = Date.now();
let recv = null;
if (server === 'openai') await openai();
else recv = await llamaparse();
if (pid) await shutdown();
if (recv) await recv.close();
const secs = ((Date.now() - t0) / 1000).toFixed(1);
if (failures.length) {
  console.error(`drive ${server}: ${failures.length} unexpected answers out of ${sent} requests:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.error(`drive ${server}: ${sent} requests, all answered as expected (${secs} s)`);
