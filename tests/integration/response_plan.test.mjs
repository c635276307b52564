// The response path's merge rules and the one bearer-key reading, over HTTP
// against mock_openai: a fault's delay adds to --ttft-ms (it used to be
// overwritten), --ttft-ms applies streamed or not, the spellings of one key
// share one rate-limit bucket (they used to get fresh ones), and an injected
// 429 reports its request budget spent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const chatBody = (stream) => JSON.stringify({ model: 'gpt-4o-mini', stream,
  messages: [{ role: 'user', content: 'What does the plan cover?' }] });

async function timed(url, init) {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  return { res, text, ms: performance.now() - t0 };
}

test('a fault delay adds to --ttft-ms, streamed or not', async () => {
  const oa = await startServer('mock_openai', ['--ttft-ms', '300']);
  try {
    const url = `${oa.url}/v1/chat/completions`;
    const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };
    for (const stream of [true, false]) {
      const plain = await timed(url, { method: 'POST', headers, body: chatBody(stream) });
      assert.equal(plain.res.status, 200);
      assert.ok(plain.ms >= 290, `stream=${stream}: ttft alone took ${plain.ms} ms`);
      const both = await timed(url, { method: 'POST', headers: { ...headers, 'x-mock-fault': 'delay_ms=700' },
        body: chatBody(stream) });
      assert.equal(both.res.status, 200);
      assert.ok(both.ms >= 980, `stream=${stream}: delay 700 + ttft 300 took ${both.ms} ms`);
      if (stream) assert.match(both.text, /data: \[DONE\]/);
    }
  } finally {
    await oa.stop();
  }
});

const SPELLINGS = ['Bearer sk-a', 'Bearer  sk-a', 'Bearer sk-a x', 'bearer sk-a', 'BEARER\tsk-a'];

test('every spelling of one bearer key is one key for authentication', async () => {
  const oa = await startServer('mock_openai', ['--api-key', 'sk-a']);
  try {
    for (const authorization of SPELLINGS) {
      const res = await fetch(`${oa.url}/v1/models`, { headers: { authorization } });
      assert.equal(res.status, 200, authorization);
    }
    const other = await fetch(`${oa.url}/v1/models`, { headers: { authorization: 'Bearer sk-ax' } });
    assert.equal(other.status, 401);
    assert.equal((await other.json()).error.code, 'invalid_api_key');
  } finally {
    await oa.stop();
  }
});

test('every spelling of one bearer key shares one rate-limit bucket', async () => {
  const oa = await startServer('mock_openai', ['--rpm', '1']);
  try {
    const body = JSON.stringify({ model: 'text-embedding-3-small', input: 'x' });
    const call = (authorization) => fetch(`${oa.url}/v1/embeddings`,
      { method: 'POST', body, headers: { authorization, 'content-type': 'application/json' } });
    assert.equal((await call(SPELLINGS[0])).status, 200);
    for (const spelling of SPELLINGS) {
      const res = await call(spelling);
      assert.equal(res.status, 429, spelling);
      assert.equal((await res.json()).error.code, 'rate_limit_exceeded');
    }
    assert.equal((await call('Bearer sk-b')).status, 200, 'another key has its own bucket');
  } finally {
    await oa.stop();
  }
});

test('an injected 429 reports its request budget spent', async () => {
  const oa = await startServer('mock_openai');
  try {
    const ok = await fetch(`${oa.url}/v1/models`, { headers: { authorization: 'Bearer k' } });
    assert.notEqual(ok.headers.get('x-ratelimit-remaining-requests'), '0');
    const res = await fetch(`${oa.url}/v1/models`, { headers: { authorization: 'Bearer k', 'x-mock-fault': 'status=429' } });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('x-ratelimit-remaining-requests'), '0');
    assert.equal(res.headers.get('retry-after'), '1');
  } finally {
    await oa.stop();
  }
});
