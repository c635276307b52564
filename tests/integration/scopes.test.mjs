// Per-test scopes: x-test-id on requests, "test_id" on rules, and the control
// API's ?test_id= on the journal, the rules and reset. Sixteen tests run at
// once against one server, each with its own faults, and see only their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const json = (res) => res.json();
const control = (srv, path, init = {}) => fetch(`${srv.url}/__control${path}`, init);
const addRule = async (srv, rule) => json(await control(srv, '/faults', { method: 'POST', body: JSON.stringify(rule) }));

async function embed(srv, testId, key = 'Bearer k') {
  const res = await fetch(`${srv.url}/v1/embeddings`, { method: 'POST',
    headers: { authorization: key, 'content-type': 'application/json', 'x-test-id': testId },
    body: JSON.stringify({ model: 'text-embedding-3-small', input: `from ${testId}` }) });
  await res.arrayBuffer();
  return res.status;
}

test('16 tests at once on one server each see only their own faults and journal', async () => {
  const oa = await startServer('mock_openai');
  try {
    const N = 16;
    const ids = Array.from({ length: N }, (_, i) => `test-${i}`);
    // Each test i: its first i % 4 calls fail with 50i+500 (a status of its own), then succeed.
    await Promise.all(ids.map((id, i) => (i % 4
      ? addRule(oa, { test_id: id, path: '/v1/embeddings', status: 500 + i, times: i % 4 })
      : null)));
    const seen = await Promise.all(ids.map(async (id) => {
      const statuses = [];
      for (let k = 0; k < 5; k++) statuses.push(await embed(oa, id));
      return statuses;
    }));
    for (let i = 0; i < N; i++) {
      const fails = i % 4;
      assert.deepEqual(seen[i], [...Array(fails).fill(500 + i), ...Array(5 - fails).fill(200)], ids[i]);
      const { requests } = await json(await control(oa, `/requests?test_id=${ids[i]}`));
      assert.equal(requests.length, 5, ids[i]);
      assert.ok(requests.every((r) => r.test_id === ids[i] && r.headers['x-test-id'] === ids[i]));
    }
    assert.equal((await embed(oa, 'no-rules-here')), 200, 'a request of no test with rules is never faulted');
  } finally {
    await oa.stop();
  }
});

test('?test_id= on rules, journal and reset acts on that test only', async () => {
  const oa = await startServer('mock_openai');
  try {
    await addRule(oa, { test_id: 'a', status: 503 });
    await addRule(oa, { test_id: 'b', status: 504 });
    await addRule(oa, { path: '/v1/models', status: 502 }); // everyone's
    assert.equal((await json(await control(oa, '/faults?test_id=a'))).faults.length, 1);
    assert.equal((await json(await control(oa, '/faults'))).faults.length, 3);
    assert.equal(await embed(oa, 'a'), 503);
    assert.equal(await embed(oa, 'b'), 504);
    assert.equal((await control(oa, '/reset?test_id=a', { method: 'POST' })).status, 204);
    assert.equal(await embed(oa, 'a'), 200, "a's rule is gone");
    assert.equal(await embed(oa, 'b'), 504, "b's rule stays");
    const rules = (await json(await control(oa, '/faults'))).faults.map((r) => r.test_id ?? null);
    assert.deepEqual(rules, ['b', null]);
    const all = (await json(await control(oa, '/requests'))).requests.map((r) => r.test_id);
    assert.deepEqual(all, ['b', 'a', 'b'], "a's journal before its reset went with it");
    assert.equal((await control(oa, '/requests?test_id=b', { method: 'DELETE' })).status, 204);
    assert.deepEqual((await json(await control(oa, '/requests'))).requests.map((r) => r.test_id), ['a']);
    assert.equal((await control(oa, '/faults?test_id=b', { method: 'DELETE' })).status, 204);
    assert.deepEqual((await json(await control(oa, '/faults'))).faults.map((r) => r.path), ['/v1/models']);
  } finally {
    await oa.stop();
  }
});

test('rate-limit buckets are per (test, key), and a scoped reset refills only that test\'s', async () => {
  const oa = await startServer('mock_openai', ['--rpm', '1']);
  try {
    assert.equal(await embed(oa, 'a'), 200);
    assert.equal(await embed(oa, 'a'), 429);
    assert.equal(await embed(oa, 'b'), 200, 'the same key in another test has its own bucket');
    await control(oa, '/reset?test_id=a', { method: 'POST' });
    assert.equal(await embed(oa, 'a'), 200);
    assert.equal(await embed(oa, 'b'), 429, "b's bucket was not refilled");
  } finally {
    await oa.stop();
  }
});

test('mock_llamaparse: a test lists, and resets, only its own jobs and webhook log', async () => {
  const lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--webhook-retries', '0']);
  const headers = (id) => ({ authorization: 'Bearer llx', 'x-test-id': id });
  const upload = async (id) => {
    const form = new FormData();
    form.append('file', new Blob([`TITLE\n\nA document of ${id}.\n`]), `${id}.txt`);
    form.append('webhook_url', 'http://127.0.0.1:9/hook'); // refused at once: a log entry
    const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: form, headers: headers(id) });
    assert.equal(res.status, 200);
    return (await res.json()).id;
  };
  const list = async (id) => (await json(await fetch(`${lp.url}/api/v2/parse`, { headers: headers(id) }))).items.map((j) => j.id);
  try {
    const a = [await upload('a'), await upload('a')];
    const b = [await upload('b')];
    assert.deepEqual((await list('a')).sort(), [...a].sort());
    assert.deepEqual(await list('b'), b);
    const log = async () => (await json(await control(lp, '/webhooks'))).deliveries.map((d) => d.job_id);
    for (let i = 0; i < 100 && (await log()).length < 3; i++) await new Promise((r) => setTimeout(r, 30));
    assert.equal((await log()).length, 3);
    await control(lp, '/reset?test_id=a', { method: 'POST' });
    assert.deepEqual(await list('a'), []);
    assert.deepEqual(await list('b'), b);
    assert.deepEqual(await log(), b, "only b's delivery is left in the log");
    const gone = await fetch(`${lp.url}/api/v1/parsing/job/${a[0]}`, { headers: headers('a') });
    assert.equal(gone.status, 404);
  } finally {
    await lp.stop();
  }
});
