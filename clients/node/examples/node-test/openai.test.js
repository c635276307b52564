// node:test: one mock_openai for the file, a scope per test (reset after it).
import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockOpenAI } from 'mockworks';
import { post } from '../retrying.js';

let server;
let mock; // this test's scope
before(async () => { server = await startMockOpenAI(); }); // or MOCKWORKS_OPENAI_URL: attaches
after(() => server.stop());
beforeEach((t) => { mock = server.scope(`openai.test.js > ${t.name}`); });
afterEach(() => mock.reset());

const embed = () => post(`${mock.baseURL}/embeddings`, { model: 'text-embedding-3-small', input: 'retry me' },
  { headers: { authorization: 'Bearer sk-test', ...mock.headers } });

test('a 429 is retried and the report is clean', async () => {
  await mock.fault({ path: '/v1/embeddings', status: 429, times: 1, headers: { 'retry-after-ms': '100', 'retry-after': '0' } });
  const res = await embed();
  assert.equal(res.status, 200);
  assert.equal((await res.json()).data[0].embedding.length, 1536);
  assert.deepEqual((await mock.requests({ path: '/v1/embeddings' })).map((r) => r.status), [429, 200]);
  const report = await mock.report();
  assert.ok(report.clean, await mock.report({ text: true }));
  assert.deepEqual(report.violations, []);
});

test('a rule left behind by one test does not reach the next', async () => {
  await mock.fault({ path: '/v1/embeddings', status: 503 }); // cleared by afterEach's reset
  assert.equal((await embed()).status, 503);
});

test('this test sees no rule', async () => {
  assert.equal((await embed()).status, 200);
  assert.deepEqual(await mock.faults(), []);
});
