// Rules added and removed while requests run (CI also runs this under TSan):
// every answer is either the real one or an injected one, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

test('rules churn under load; answers stay whole', async () => {
  const s = await startServer('mock_openai', ['--threads', '4']);
  try {
    const body = JSON.stringify({ model: 'text-embedding-3-small', input: 'churn', dimensions: 8 });
    let stop = false;
    const churn = (async () => {
      let n = 0;
      while (!stop) {
        const r = await fetch(`${s.url}/__control/faults`, {
          method: 'POST',
          body: JSON.stringify({ path: '/v1/embeddings', status: 503, probability: 0.5, seed: n++ }),
        });
        const { id } = await r.json();
        await fetch(`${s.url}/__control/faults/${id}`, { method: 'DELETE' });
        if (n % 7 === 0) await fetch(`${s.url}/__control/reset`, { method: 'POST' });
      }
      return n;
    })();
    const statuses = new Map();
    const worker = async () => {
      for (let i = 0; i < 60; i++) {
        const r = await fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: { authorization: 'Bearer k' }, body });
        const json = await r.json();
        if (r.status === 200) assert.equal(json.data[0].embedding.length, 8);
        else assert.equal(json.error.code, 'server_is_overloaded');
        statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    stop = true;
    const rounds = await churn;
    assert.ok(rounds > 5, `only ${rounds} add/delete rounds ran`);
    assert.deepEqual([...statuses.keys()].sort(), [200, 503].filter((k) => statuses.has(k)));
    assert.equal(statuses.get(200) + (statuses.get(503) || 0), 480);
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
  } finally {
    await s.stop();
  }
});
