// Two scopes on one server at once: a fault in one never reaches the other.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockOpenAI } from 'mockworks';

let server;
before(async () => { server = await startMockOpenAI(); });
after(() => server.stop());

const embed = (scope) => fetch(`${scope.baseURL}/embeddings`, {
  method: 'POST',
  headers: { authorization: 'Bearer sk-test', ...scope.headers },
  body: JSON.stringify({ model: 'text-embedding-3-small', input: 'isolated' }),
}).then((r) => r.status);

test('a fault in one scope leaves another alone', async () => {
  const a = server.scope('isolation-a');
  const b = server.scope('isolation-b');
  try {
    await a.fault({ path: '/v1/embeddings', status: 503 });
    assert.deepEqual(await Promise.all([embed(a), embed(b), embed(a), embed(b)]), [503, 200, 503, 200]);
    assert.deepEqual((await b.requests()).map((r) => r.status), [200, 200]);
    assert.equal((await a.faults()).length, 1);
    assert.deepEqual(await b.faults(), []);
  } finally {
    await a.reset();
    await b.reset();
  }
});
