// Fault handles, the journal, reset, and the servers' error messages.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockworksError, startMockLlamaParse, startMockOpenAI } from 'mockworks';

let oa;
before(async () => { oa = await startMockOpenAI(); });
after(() => oa.stop());
beforeEach(() => oa.reset());

const embed = (headers = {}) => fetch(`${oa.baseURL}/embeddings`, {
  method: 'POST', headers: { authorization: 'Bearer k', ...headers },
  body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hi' }),
}).then((r) => r.status);

test('a fault acts and its handle counts hits', async () => {
  const f = await oa.fault({ path: '/v1/embeddings', status: 429, times: 2 });
  assert.equal(f.rule.remaining, 2);
  assert.deepEqual([await embed(), await embed(), await embed()], [429, 429, 200]);
  assert.equal(await f.hits(), 2);
  assert.equal((await f.info()).remaining, 0);
});

test('remove() deletes the rule; a rule already gone is fine', async () => {
  const f = await oa.fault({ path: '/v1/embeddings', status: 500 });
  assert.deepEqual((await oa.faults()).map((r) => r.id), [f.id]);
  await f.remove();
  assert.deepEqual(await oa.faults(), []);
  assert.equal(await embed(), 200);
  await f.remove();
});

test('a bad rule rejects with the server\'s message and status', async () => {
  await assert.rejects(oa.fault({ path: '/v1/embeddings', status: 99 }), (e) =>
    e instanceof MockworksError && e.status === 400 && /^POST \/__control\/faults failed with 400: .*status/.test(e.message));
});

test('LlamaParse errors are read from detail', async () => {
  const lp = await startMockLlamaParse();
  try {
    await assert.rejects(lp.fault({ kind: 'explode' }), (e) => /kind/.test(e.message) && !e.message.includes('{'));
  } finally {
    await lp.stop();
  }
});

test('the journal and its filters; clearing it', async () => {
  await oa.fault({ path: '/v1/embeddings', status: 503, times: 1 });
  await embed();
  await embed({ 'x-test-id': 't1' });
  const all = await oa.requests({ path: '/v1/embeddings' });
  assert.deepEqual(all.map((r) => r.status), [503, 200]);
  assert.equal(all[1].headers['x-test-id'], 't1');
  assert.deepEqual((await oa.requests({ status: 200 })).map((r) => r.status), [200]);
  assert.equal((await oa.requests({ limit: 1 })).length, 1);
  assert.deepEqual(await oa.requests({ method: 'GET' }), []);
  await oa.clearRequests();
  assert.deepEqual(await oa.requests(), []);
});

test('reset and clearFaults', async () => {
  await oa.fault({ path: '/v1/embeddings', status: 500 });
  await embed();
  await oa.reset();
  assert.deepEqual(await oa.faults(), []);
  assert.deepEqual(await oa.requests(), []);
  await oa.fault({ path: '/v1/models', status: 500 });
  await oa.clearFaults();
  assert.deepEqual(await oa.faults(), []);
});
