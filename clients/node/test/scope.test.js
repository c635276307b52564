// Per-test scopes and the report card (the servers' x-test-id scoping).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockLlamaParse, startMockOpenAI } from 'mockworks';

let oa;
let a;
let b;
before(async () => {
  oa = await startMockOpenAI();
  a = oa.scope('scope-a');
  b = oa.scope('scope-b');
});
after(() => oa.stop());
afterEach(async () => { await a.reset(); await b.reset(); });

const embed = (scope, retry = 0, input = 'hi') => fetch(`${scope.baseURL}/embeddings`, {
  method: 'POST',
  headers: { authorization: 'Bearer k', 'x-stainless-retry-count': String(retry), ...scope.headers },
  body: JSON.stringify({ model: 'text-embedding-3-small', input }),
}).then((r) => r.status);

test('headers and URLs; an empty id is refused', () => {
  assert.deepEqual(a.headers, { 'x-test-id': 'scope-a' });
  assert.equal(a.baseURL, oa.baseURL);
  assert.throws(() => oa.scope(''), TypeError);
});

test('a scoped rule acts only on its test\'s requests', async () => {
  const f = await a.fault({ path: '/v1/embeddings', status: 503 });
  assert.equal(f.rule.test_id, 'scope-a');
  assert.equal(await embed(b), 200);
  assert.equal(await embed(a), 503);
  assert.deepEqual((await a.faults()).map((r) => r.id), [f.id]);
  assert.deepEqual(await b.faults(), []);
});

test('requests are the test\'s own', async () => {
  await embed(a);
  await embed(b);
  await embed(b);
  assert.equal((await a.requests()).length, 1);
  assert.equal((await b.requests({ path: '/v1/embeddings' })).length, 2);
});

test('resetting one scope keeps the other\'s rules and requests', async () => {
  await a.fault({ path: '/v1/embeddings', status: 500 });
  const fb = await b.fault({ path: '/v1/embeddings', status: 502 });
  await embed(a);
  await embed(b);
  await a.reset();
  assert.deepEqual(await a.faults(), []);
  assert.deepEqual(await a.requests(), []);
  assert.deepEqual((await b.faults()).map((r) => r.id), [fb.id]);
  assert.equal((await b.requests()).length, 1);
});

test('a clean run reports clean', async () => {
  assert.equal(await embed(a), 200);
  const report = await a.report();
  assert.equal(report.test_id, 'scope-a');
  assert.equal(report.clean, true);
  assert.deepEqual(report.violations, []);
});

test('retrying a 400 is a violation, named in JSON and in the text', async () => {
  assert.equal(await embed(a, 0, ''), 400);
  assert.equal(await embed(a, 1, ''), 400);
  const report = await a.report();
  assert.equal(report.clean, false);
  assert.ok(report.violations.some((v) => v.kind === 'retried_non_retryable' && v.test_id === 'scope-a'));
  assert.equal(await embed(b), 200);
  assert.equal((await b.report()).clean, true); // a's violation is not b's
  const text = await a.report({ text: true });
  assert.equal(typeof text, 'string');
  assert.match(text, /retried_non_retryable/);
  assert.equal((await oa.report()).test_id, null);
});

test('mock_llamaparse scopes too', async () => {
  const lp = await startMockLlamaParse();
  try {
    const x = lp.scope('lp-a');
    await x.fault({ path: '/api/v1/parsing/upload', status: 500 });
    assert.equal((await x.faults()).length, 1);
    assert.deepEqual(await lp.scope('lp-b').faults(), []);
    await x.reset();
    assert.deepEqual(await lp.faults(), []);
  } finally {
    await lp.stop();
  }
});
