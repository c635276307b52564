// Fault injection against the real binaries: the control API, every kind
// over real sockets, triggers, per-request headers, start-up rules.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { binaryPath, startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const EMBED = JSON.stringify({ model: 'text-embedding-3-small', input: 'fault test', dimensions: 8 });
let oa;

before(async () => { oa = await startServer('mock_openai'); });
after(() => oa.stop());
beforeEach(async () => {
  const r = await fetch(`${oa.url}/__control/reset`, { method: 'POST' });
  assert.equal(r.status, 204);
});

const addRule = (rule, url = oa.url, headers = {}) =>
  fetch(`${url}/__control/faults`, { method: 'POST', headers, body: JSON.stringify(rule) });
const embed = (headers = {}) =>
  fetch(`${oa.url}/v1/embeddings`, { method: 'POST', headers: { ...AUTH, ...headers }, body: EMBED });

// Raw HTTP so the test sees exactly how the connection ends.
function rawExchange(port, extraHeaders = '') {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let data = '';
    let firstByteAt = null;
    sock.on('data', (d) => { if (firstByteAt === null) firstByteAt = Date.now() - started; data += d; });
    sock.on('error', (e) => resolve({ data, error: e.code, ms: Date.now() - started, firstByteAt }));
    sock.on('close', () => resolve({ data, error: null, ms: Date.now() - started, firstByteAt }));
    sock.write(`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${EMBED.length}\r\nConnection: close\r\n${extraHeaders}\r\n${EMBED}`);
  });
}
const bodyOf = (raw) => raw.slice(raw.indexOf('\r\n\r\n') + 4);
const declaredLength = (raw) => Number(/content-length: (\d+)/i.exec(raw)[1]);

test('a rule is stored, listed, read and deleted', async () => {
  const res = await addRule({ path: '/v1/embeddings', status: 429, times: 2 });
  assert.equal(res.status, 201);
  const rule = await res.json();
  assert.deepEqual(rule, { path: '/v1/embeddings', status: 429, times: 2, id: rule.id, hits: 0, remaining: 2 });
  const list = await (await fetch(`${oa.url}/__control/faults`)).json();
  assert.deepEqual(list.faults.map((r) => r.id), [rule.id]);
  assert.equal((await fetch(`${oa.url}/__control/faults/${rule.id}`)).status, 200);
  assert.equal((await fetch(`${oa.url}/__control/faults/${rule.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(`${oa.url}/__control/faults/${rule.id}`)).status, 404);
  assert.equal((await fetch(`${oa.url}/__control/faults/abc`, { method: 'DELETE' })).status, 404);
});

test('429 twice then success, with retry headers and the real envelope', async () => {
  await addRule({ path: '/v1/embeddings', status: 429, times: 2 });
  for (let i = 0; i < 2; i++) {
    const r = await embed();
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    const body = await r.json();
    assert.equal(body.error.code, 'rate_limit_exceeded');
    assert.equal(body.error.type, 'requests');
  }
  assert.equal((await embed()).status, 200);
  const [rule] = (await (await fetch(`${oa.url}/__control/faults`)).json()).faults;
  assert.equal(rule.hits, 2);
  assert.equal(rule.remaining, 0);
});

test('bad rules are 400 naming the field, and nothing is half-applied', async () => {
  const r1 = await addRule({ path: '/v1/*', statsu: 500 });
  assert.equal(r1.status, 400);
  assert.match((await r1.json()).error.message, /unknown field 'statsu'/);
  const r2 = await addRule([{ status: 500 }, { status: 'x' }]);
  assert.equal(r2.status, 400);
  assert.match((await r2.json()).error.message, /rule 1: invalid 'status'/);
  const r3 = await fetch(`${oa.url}/__control/faults`, { method: 'POST', body: '{nope' });
  assert.equal(r3.status, 400);
  const list = await (await fetch(`${oa.url}/__control/faults`)).json();
  assert.deepEqual(list.faults, []);
});

test('rules match on headers (test isolation), method, model and glob', async () => {
  await addRule({ path: '/v1/*', match_headers: { 'x-test-id': 't42' }, status: 503 });
  await addRule({ method: 'GET', path: '/v1/models', status: 500 });
  await addRule({ model: 'text-embedding-3-large', status: 502 });
  assert.equal((await embed({ 'x-test-id': 't42' })).status, 503);
  assert.equal((await embed({ 'x-test-id': 'other' })).status, 200);
  assert.equal((await fetch(`${oa.url}/v1/models`, { headers: AUTH })).status, 500);
  const large = await fetch(`${oa.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'text-embedding-3-large', input: 'x' }) });
  assert.equal(large.status, 502);
  assert.equal((await fetch(`${oa.url}/__control/faults`)).status, 200, 'the control API is never faulted');
});

test('first rule that fires wins; after/every shape the sequence', async () => {
  await addRule({ path: '/v1/embeddings', status: 500, after: 1, every: 2 });
  await addRule({ path: '/v1/embeddings', status: 503 });
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await embed()).status);
  // after 1: the first match passes; every 2: then every second one fires
  assert.deepEqual(statuses, [503, 503, 500, 503, 500]);
});

test('seeded probability gives the same pattern every run', async () => {
  const run = async () => {
    await fetch(`${oa.url}/__control/reset`, { method: 'POST' });
    await addRule({ path: '/v1/embeddings', status: 500, probability: 0.5, seed: 1234 });
    const s = [];
    for (let i = 0; i < 16; i++) s.push((await embed()).status === 500 ? 1 : 0);
    return s.join('');
  };
  const a = await run();
  assert.equal(await run(), a);
  assert.match(a, /1/);
  assert.match(a, /0/);
});

test('delay_ms holds the answer back', async () => {
  await addRule({ path: '/v1/embeddings', delay_ms: 400, status: 500 });
  const t0 = Date.now();
  assert.equal((await embed()).status, 500);
  assert.ok(Date.now() - t0 >= 390);
});

test('kind reset resets the TCP connection', async () => {
  await addRule({ path: '/v1/embeddings', kind: 'reset' });
  const r = await rawExchange(oa.port);
  assert.equal(r.data, '');
  assert.equal(r.error, 'ECONNRESET');
});

test('kind hang answers nothing until hang_ms, then closes', async () => {
  await addRule({ path: '/v1/embeddings', kind: 'hang', hang_ms: 700 });
  const r = await rawExchange(oa.port);
  assert.equal(r.data, '');
  assert.ok(r.ms >= 650, `closed after ${r.ms} ms`);
});

test('kind empty sends headers only; truncate sends part of the body', async () => {
  await addRule({ path: '/v1/embeddings', kind: 'empty', times: 1 });
  await addRule({ path: '/v1/embeddings', kind: 'truncate', truncate_bytes: 20, times: 1 });
  const e = await rawExchange(oa.port);
  assert.match(e.data, /^HTTP\/1\.1 200/);
  assert.ok(declaredLength(e.data) > 0);
  assert.equal(bodyOf(e.data), '');
  const t = await rawExchange(oa.port);
  assert.equal(bodyOf(t.data), '{"object":"list","da');
  assert.ok(declaredLength(t.data) > 20);
});

test('kind drip paces the body; malformed is 200 with invalid JSON', async () => {
  await addRule({ path: '/v1/embeddings', kind: 'drip', drip_bytes_per_s: 400, times: 1 });
  await addRule({ path: '/v1/embeddings', kind: 'malformed', times: 1 });
  const d = await rawExchange(oa.port);
  const body = bodyOf(d.data);
  assert.equal(body.length, declaredLength(d.data));
  assert.ok(JSON.parse(body).data);
  assert.ok(d.ms >= (body.length / 400) * 1000 - 100, `${body.length} bytes in ${d.ms} ms`);
  const m = await embed();
  assert.equal(m.status, 200);
  const text = await m.text();
  assert.throws(() => JSON.parse(text));
});

test('x-mock-fault header: one request, no set-up', async () => {
  const r = await embed({ 'x-mock-fault': 'status=503' });
  assert.equal(r.status, 503);
  assert.equal((await r.json()).error.code, 'server_is_overloaded');
  const t0 = Date.now();
  const d = await embed({ 'x-mock-fault': 'delay_ms=300;status=429' });
  assert.equal(d.status, 429);
  assert.ok(Date.now() - t0 >= 290);
  assert.equal((await embed()).status, 200);
  const bad = await embed({ 'x-mock-fault': 'status=soon' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /^Invalid x-mock-fault header: invalid 'status'/);
});

test('mock_llamaparse uses its own error format for faults', async () => {
  const lp = await startServer('mock_llamaparse');
  try {
    await addRule({ path: '/health', status: 503 }, lp.url);
    const r = await fetch(`${lp.url}/health`);
    assert.equal(r.status, 503);
    assert.deepEqual(Object.keys(await r.json()), ['detail']);
  } finally {
    await lp.stop();
  }
});

test('start-up rules from --faults FILE and the old env knobs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-'));
  const file = path.join(dir, 'faults.json');
  fs.writeFileSync(file, JSON.stringify([{ path: '/v1/models', status: 418 }]));
  const s = await startServer('mock_openai', ['--faults', file], { MOCK_OPENAI_FAILURE_RATE: '1' });
  try {
    assert.equal((await fetch(`${s.url}/v1/models`, { headers: AUTH })).status, 418);
    const e = await fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: EMBED });
    assert.equal(e.status, 500);
    assert.equal((await e.json()).error.type, 'server_error');
  } finally {
    await s.stop();
  }
  const d = await startServer('mock_openai', [], { MOCK_OPENAI_DELAY: '0.3' });
  try {
    const t0 = Date.now();
    assert.equal((await fetch(`${d.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: EMBED })).status, 200);
    assert.ok(Date.now() - t0 >= 290);
  } finally {
    await d.stop();
  }
  fs.writeFileSync(file, '[{"status":"x"}]');
  const bad = spawnSync(binaryPath('mock_openai'), ['--port', '0', '--faults', file], { encoding: 'utf8', timeout: 5000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /rule 0: invalid 'status'/);
  fs.rmSync(dir, { recursive: true });
});

test('--control-token protects the control API', async () => {
  const s = await startServer('mock_openai', ['--control-token', 's3cret']);
  try {
    const denied = await addRule({ status: 500 }, s.url);
    assert.equal(denied.status, 401);
    assert.equal((await addRule({ path: '/nowhere', status: 500 }, s.url, { authorization: 'Bearer s3cret' })).status, 201);
    assert.equal((await fetch(`${s.url}/__control/faults`, { headers: { 'x-control-token': 's3cret' } })).status, 200);
  } finally {
    await s.stop();
  }
});
