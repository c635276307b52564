// Simulated rate limits on mock_openai: per-key buckets, the real 429s,
// live headers, the control endpoint, quota exhaustion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const body = (input) => JSON.stringify({ model: 'text-embedding-3-small', input, dimensions: 4 });
let s;
before(async () => { s = await startServer('mock_openai', ['--rpm', '3']); });
after(() => s.stop());

const embed = (key, input = 'hello there world') =>
  fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: body(input) });
const setLimits = (limits) => fetch(`${s.url}/__control/ratelimit`, { method: 'POST', body: JSON.stringify(limits) });

test('requests per minute: live headers count down, then the real 429', async () => {
  await fetch(`${s.url}/__control/reset`, { method: 'POST' });
  const remaining = [];
  for (let i = 0; i < 3; i++) {
    const r = await embed('key-a');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-ratelimit-limit-requests'), '3');
    remaining.push(r.headers.get('x-ratelimit-remaining-requests'));
    assert.match(r.headers.get('x-ratelimit-reset-requests'), /^\d+(\.\d+)?s$/);
  }
  assert.deepEqual(remaining, ['2', '1', '0']);
  const limited = await embed('key-a');
  assert.equal(limited.status, 429);
  const retryMs = Number(limited.headers.get('retry-after-ms'));
  assert.ok(retryMs > 15000 && retryMs <= 20000, `retry-after-ms ${retryMs}`);
  assert.equal(limited.headers.get('retry-after'), String(Math.ceil(retryMs / 1000)));
  const { error } = await limited.json();
  assert.match(error.message, /^Rate limit reached for text-embedding-3-small in organization org-mockworks on requests per min \(RPM\): Limit 3, Used 3, Requested 1\. Please try again in \d+(\.\d+)?s\. Visit https:\/\/platform\.openai\.com\/account\/rate-limits to learn more\.$/);
  assert.equal(error.type, 'requests');
  assert.equal(error.code, 'rate_limit_exceeded');
  assert.equal((await embed('key-b')).status, 200, 'buckets are per API key');
  assert.equal((await fetch(`${s.url}/__control/reset`, { method: 'POST' })).status, 204);
  assert.equal((await embed('key-a')).status, 200, 'reset refills the buckets');
});

test('tokens per minute, request too large, and the control endpoint', async () => {
  const set = await setLimits({ rpm: 0, tpm: 5 });
  assert.deepEqual(await set.json(), { rpm: 0, tpm: 5, quota_exhausted: false });
  const ok = await embed('key-t', 'hello there world');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('x-ratelimit-remaining-tokens'), '2');
  const tokens = await embed('key-t', 'hello there world');
  assert.equal(tokens.status, 429);
  const e1 = (await tokens.json()).error;
  assert.match(e1.message, /on tokens per min \(TPM\): Limit 5, Used 3, Requested 3\. Please try again in 1\d(\.\d+)?s\./); // one token at 5 per minute: ~12 s
  assert.equal(e1.type, 'tokens');
  const big = await embed('key-u', 'one two three four five six seven');
  assert.equal(big.status, 429);
  assert.match((await big.json()).error.message, /^Request too large for text-embedding-3-small .* Limit 5, Requested 7\./);
  assert.equal((await setLimits({ rpm: -1 })).status, 400);
  assert.deepEqual(await (await fetch(`${s.url}/__control/ratelimit`)).json(), { rpm: 0, tpm: 5, quota_exhausted: false });
  await setLimits({ rpm: 0, tpm: 0 });
  assert.equal((await embed('key-t')).headers.get('x-ratelimit-limit-tokens'), '1000000', 'nominal when unlimited');
});

test('quota exhausted answers insufficient_quota', async () => {
  await setLimits({ quota_exhausted: true });
  const r = await embed('key-q');
  assert.equal(r.status, 429);
  const { error } = await r.json();
  assert.equal(error.type, 'insufficient_quota');
  assert.equal(error.code, 'insufficient_quota');
  assert.match(error.message, /^You exceeded your current quota/);
  await setLimits({ quota_exhausted: false });
  assert.equal((await embed('key-q')).status, 200);
});
