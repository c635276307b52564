// The official SDK's retry behaviour against injected faults, end to end.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI6 from 'openai6';
import OpenAI7 from 'openai7';
import { startServer } from '../lib/server.mjs';

const MODEL = 'text-embedding-3-small';

for (const [name, OpenAI] of [['openai v6', OpenAI6], ['openai v7', OpenAI7]]) {
  describe(`${name} retries`, () => {
    let s;
    before(async () => { s = await startServer('mock_openai'); });
    after(() => s.stop());
    beforeEach(async () => { await fetch(`${s.url}/__control/reset`, { method: 'POST' }); });

    const client = (opts = {}) => new OpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, ...opts });
    const addRule = async (rule) => (await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify(rule) })).json();
    const hits = async (id) => (await (await fetch(`${s.url}/__control/faults/${id}`)).json()).hits;

    // One rule per attempt, told apart by the SDK's x-stainless-retry-count:
    // attempts 0 and 1 get 429, attempt 2 gets through.
    it('succeeds after two 429s, retrying with counts 0, 1, 2', async () => {
      const quick = { 'retry-after-ms': '10' };
      const r0 = await addRule({ path: '/v1/embeddings', match_headers: { 'x-stainless-retry-count': '0' }, status: 429, headers: quick });
      const r1 = await addRule({ path: '/v1/embeddings', match_headers: { 'x-stainless-retry-count': '1' }, status: 429, headers: quick });
      const r2 = await addRule({ path: '/v1/embeddings', match_headers: { 'x-stainless-retry-count': '2' }, headers: { 'x-attempt': 'third' } });
      const res = await client().embeddings.create({ model: MODEL, input: 'retry me' }).withResponse();
      assert.equal(res.data.data[0].embedding.length, 1536);
      assert.equal(res.response.headers.get('x-attempt'), 'third');
      assert.deepEqual([await hits(r0.id), await hits(r1.id), await hits(r2.id)], [1, 1, 1]);
    });

    it('gives up after maxRetries 429s with RateLimitError', async () => {
      const rule = await addRule({ path: '/v1/embeddings', status: 429, headers: { 'retry-after-ms': '5' } });
      await assert.rejects(client({ maxRetries: 2 }).embeddings.create({ model: MODEL, input: 'x' }), (e) => {
        assert.ok(e instanceof OpenAI.RateLimitError, e.constructor.name);
        assert.equal(e.status, 429);
        assert.equal(e.code, 'rate_limit_exceeded');
        return true;
      });
      assert.equal(await hits(rule.id), 3);
    });

    it('x-should-retry: false makes it fail at once', async () => {
      const rule = await addRule({ path: '/v1/embeddings', status: 503, headers: { 'x-should-retry': 'false' } });
      await assert.rejects(client().embeddings.create({ model: MODEL, input: 'x' }), (e) => {
        assert.ok(e instanceof OpenAI.InternalServerError, e.constructor.name);
        assert.equal(e.status, 503);
        return true;
      });
      assert.equal(await hits(rule.id), 1);
    });

    it('a reset connection is an APIConnectionError, retried', async () => {
      const rule = await addRule({ path: '/v1/embeddings', kind: 'reset', times: 1 });
      const res = await client({ maxRetries: 1 }).embeddings.create({ model: MODEL, input: 'x' });
      assert.equal(res.data.length, 1);
      assert.equal(await hits(rule.id), 1);
      await addRule({ path: '/v1/embeddings', kind: 'reset' });
      await assert.rejects(client({ maxRetries: 0 }).embeddings.create({ model: MODEL, input: 'x' }),
        (e) => e instanceof OpenAI.APIConnectionError);
    });

    it('a hang ends in a timeout error', async () => {
      await addRule({ path: '/v1/embeddings', kind: 'hang', hang_ms: 5000 });
      await assert.rejects(client({ maxRetries: 0, timeout: 300 }).embeddings.create({ model: MODEL, input: 'x' }),
        (e) => e instanceof OpenAI.APIConnectionTimeoutError);
    });
  });
}
