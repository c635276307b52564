// The request journal and /metrics on the real binaries.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const EMBED = JSON.stringify({ model: 'text-embedding-3-small', input: 'journal', dimensions: 4 });
let s;

before(async () => { s = await startServer('mock_openai', ['--journal-size', '5']); });
after(() => s.stop());
beforeEach(async () => { await fetch(`${s.url}/__control/reset`, { method: 'POST' }); });

const embed = (headers = {}, query = '') =>
  fetch(`${s.url}/v1/embeddings${query}`, { method: 'POST', headers: { ...AUTH, ...headers }, body: EMBED });
const journal = async (q = '') => (await (await fetch(`${s.url}/__control/requests${q}`)).json()).requests;

test('the journal records requests with their headers, newest last', async () => {
  await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/embeddings', status: 429, times: 1 }) });
  await embed({ 'x-stainless-retry-count': '0', 'x-test-id': 't1' }, '?a=1');
  await embed({ 'x-stainless-retry-count': '1', 'x-test-id': 't1' });
  await fetch(`${s.url}/health`);
  const reqs = await journal();
  assert.equal(reqs.length, 2, 'health and control calls are not journaled');
  assert.deepEqual(reqs.map((r) => [r.status, r.headers['x-stainless-retry-count'], r.fault]),
    [[429, '0', 'rule 1'], [200, '1', null]]);
  assert.equal(reqs[0].query, 'a=1');
  assert.equal(reqs[0].headers['x-test-id'], 't1');
  assert.equal(reqs[0].body_bytes, EMBED.length);
  assert.match(reqs[0].request_id, /^req_[0-9a-f]{32}$/);
  assert.ok(!Number.isNaN(Date.parse(reqs[0].time)));
});

test('filters: path, method, status, limit; bad filters are 400', async () => {
  await embed();
  await fetch(`${s.url}/v1/models`, { headers: AUTH });
  await embed({ 'x-mock-fault': 'status=500' });
  assert.equal((await journal('?path=/v1/embeddings')).length, 2);
  assert.equal((await journal('?method=get')).length, 1);
  const failed = await journal('?status=500');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].fault, 'header');
  const last = await journal('?limit=1');
  assert.equal(last.length, 1);
  assert.equal(last[0].status, 500);
  assert.equal((await fetch(`${s.url}/__control/requests?limit=x`)).status, 400);
});

test('the journal is bounded by --journal-size and can be cleared', async () => {
  for (let i = 0; i < 8; i++) await embed({ 'x-test-id': `n${i}` });
  const reqs = await journal();
  assert.deepEqual(reqs.map((r) => r.headers['x-test-id']), ['n3', 'n4', 'n5', 'n6', 'n7']);
  assert.equal((await fetch(`${s.url}/__control/requests`, { method: 'DELETE' })).status, 204);
  assert.deepEqual(await journal(), []);
});

test('/metrics counts requests by route and status, latency and faults', async () => {
  await embed();
  await embed({ 'x-mock-fault': 'status=503' });
  await fetch(`${s.url}/nope`);
  const res = await fetch(`${s.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const value = (series) => {
    const line = text.split('\n').find((l) => l.startsWith(series + ' '));
    return line ? Number(line.split(' ')[1]) : 0;
  };
  assert.ok(value('mock_requests_total{route="/v1/embeddings",method="POST",status="200"}') >= 1);
  assert.ok(value('mock_requests_total{route="/v1/embeddings",method="POST",status="503"}') >= 1);
  assert.ok(value('mock_requests_total{route="unmatched",method="GET",status="404"}') >= 1);
  assert.ok(value('mock_faults_injected_total{rule="header",kind="status"}') >= 1);
  assert.equal(value('mock_request_duration_seconds_bucket{le="+Inf"}'), value('mock_request_duration_seconds_count'));
  assert.match(text, /# TYPE mock_request_duration_seconds histogram/);
});

test('/metrics names a server kind by its value: kind="stream_cut", not "kind"', async () => {
  const add = await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/chat/completions', kind: 'stream_cut', after_chunks: 1, times: 1 }) });
  assert.equal(add.status, 201);
  const { id } = await add.json();
  const chat = await fetch(`${s.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hello there' }] }),
  });
  await chat.text().catch(() => {}); // the cut stream may end in an error
  const text = await (await fetch(`${s.url}/metrics`)).text();
  assert.match(text, new RegExp(`^mock_faults_injected_total\\{rule="${id}",kind="stream_cut"\\} 1$`, 'm'));
  assert.doesNotMatch(text, /kind="kind"/);
});

test('mock_llamaparse has the journal and metrics too', async () => {
  const lp = await startServer('mock_llamaparse');
  try {
    await fetch(`${lp.url}/nope`);
    const reqs = (await (await fetch(`${lp.url}/__control/requests`)).json()).requests;
    assert.deepEqual(reqs.map((r) => [r.path, r.status]), [['/nope', 404]]);
    assert.match(await (await fetch(`${lp.url}/metrics`)).text(), /mock_requests_total\{route="unmatched",method="GET",status="404"\} 1/);
  } finally {
    await lp.stop();
  }
});
