// The retry report card: each violation kind from a deliberately bad client,
// and no false violation for a client that behaves.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

let oa;
before(async () => { oa = await startServer('mock_openai'); });
after(() => oa.stop());
beforeEach(async () => { await fetch(`${oa.url}/__control/reset`, { method: 'POST' }); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rule = (r) => fetch(`${oa.url}/__control/faults`, { method: 'POST', body: JSON.stringify(r) });
const report = async (testId, accept) => {
  const res = await fetch(`${oa.url}/__control/report?test_id=${testId}`, accept ? { headers: { accept } } : {});
  return accept ? res.text() : res.json();
};

// One call of a client under test, in its test's scope.
async function call(testId, input = 'same request', key = 'Bearer sk-client-key-1234', extra = {}) {
  const res = await fetch(`${oa.url}/v1/embeddings`, { method: 'POST',
    headers: { authorization: key, 'content-type': 'application/json', 'x-test-id': testId, ...extra },
    body: JSON.stringify({ model: 'text-embedding-3-small', input }) });
  await res.arrayBuffer();
  return res;
}

// A client that does what the SDKs do: honour retry-after-ms, back off
// exponentially otherwise (by 3, so a busy machine's noise cannot hide the
// growth), never retry a 4xx other than 408/409/429.
// Like the SDKs, it numbers its attempts in x-stainless-retry-count.
async function goodClient(testId, input) {
  for (let attempt = 0, wait = 100; attempt < 5; attempt++, wait *= 3) {
    const res = await call(testId, input, undefined, { 'x-stainless-retry-count': String(attempt) });
    if (res.ok) return res.status;
    if (![408, 409, 429].includes(res.status) && res.status < 500) return res.status;
    const asked = Number(res.headers.get('retry-after-ms') ?? NaN);
    await sleep(Number.isFinite(asked) ? asked + 5 : wait);
  }
  return 0;
}

const kinds = (r) => r.violations.map((v) => v.kind).sort();

test('a client that behaves comes out clean: 429 honoured, 500s backed off, a 400 not retried', async () => {
  await rule({ test_id: 'good', status: 429, times: 2, headers: { 'retry-after-ms': '150' } });
  assert.equal(await goodClient('good', 'one'), 200);
  await rule({ test_id: 'good', status: 500, times: 2 });
  assert.equal(await goodClient('good', 'two'), 200);
  await rule({ test_id: 'good', status: 400, times: 1 });
  assert.equal(await goodClient('good', 'three'), 400);
  assert.equal(await goodClient('good', 'three'), 200, 'the same call made afresh (retry count 0) is a new request');
  const r = await report('good');
  assert.deepEqual(r.violations, [], JSON.stringify(r.violations));
  assert.equal(r.clean, true);
  assert.equal(r.summary.attempts, 8);
  assert.equal(r.summary.injected, 5);
  const first = r.requests.find((q) => q.attempts.length === 3 && q.attempts[0].status === 429);
  assert.ok(first.recovered);
  assert.equal(first.client, 'sk-cli***234');
  assert.equal(first.route, 'POST /v1/embeddings');
  assert.equal(first.attempts[0].asked_ms, 150);
  assert.ok(first.attempts[1].waited_ms >= 150, JSON.stringify(first.attempts));
  const text = await report('good', 'text/plain');
  assert.match(text, /^retry report for test good: 4 requests, 8 attempts, 5 injected failures, 0 violations: clean/);
});

test('early_retry: back at once after a 429 that asked for a second', async () => {
  await rule({ test_id: 'eager', status: 429, times: 1, headers: { 'retry-after-ms': '1000' } });
  assert.equal((await call('eager')).status, 429);
  assert.equal((await call('eager')).status, 200);
  const r = await report('eager');
  assert.deepEqual(kinds(r), ['early_retry']);
  assert.equal(r.violations[0].asked_ms, 1000);
  assert.ok(r.violations[0].waited_ms < 1000);
  assert.equal(r.clean, false);
  assert.match(await report('eager', 'text/plain'), /VIOLATION early_retry: POST \/v1\/embeddings sk-cli\*\*\*234: retried \d+ ms after a 429 that asked for 1000 ms/);
});

test('retried_non_retryable: a 400 sent again; x-should-retry: true makes it fine', async () => {
  await rule({ test_id: 'stubborn', status: 400, times: 1 });
  await call('stubborn');
  await call('stubborn');
  assert.deepEqual(kinds(await report('stubborn')), ['retried_non_retryable']);
  await rule({ test_id: 'told', status: 400, times: 1, headers: { 'x-should-retry': 'true' } });
  await call('told');
  await call('told');
  assert.deepEqual(kinds(await report('told')), []);
});

test('retry_storm: seven attempts inside a second', async () => {
  await rule({ test_id: 'storm', status: 503, times: 6 });
  for (let i = 0; i < 7; i++) await call('storm');
  assert.ok(kinds(await report('storm')).includes('retry_storm'));
});

test('no_backoff: shorter and shorter gaps after 500s', async () => {
  await rule({ test_id: 'flat', status: 500, times: 3 });
  for (const gap of [240, 120, 60, 0]) {
    await call('flat');
    await sleep(gap);
  }
  assert.deepEqual(kinds(await report('flat')), ['no_backoff']);
});

test('unrecovered: gave up on a 503', async () => {
  await rule({ test_id: 'quitter', status: 503, times: 1 });
  await call('quitter');
  const r = await report('quitter');
  assert.deepEqual(kinds(r), ['unrecovered']);
  assert.equal(r.requests[0].recovered, false);
});

test('reports are per test, and different keys are different clients', async () => {
  await rule({ test_id: 'x', status: 429, times: 1, headers: { 'retry-after-ms': '1000' } });
  await call('x', 'q', 'Bearer sk-first-key-0001');
  await call('x', 'q', 'Bearer sk-second-key-0002'); // another client: not a retry
  const r = await report('x');
  assert.deepEqual(kinds(r), ['unrecovered'], 'the first client gave up; the second one never failed');
  assert.equal(r.requests.length, 2);
  assert.deepEqual((await report('nobody')).summary, { requests: 0, attempts: 0, injected: 0, violations: 0 });
});
