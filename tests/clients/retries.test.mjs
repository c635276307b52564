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

    it('succeeds after two 429s; the journal shows attempts 0, 1, 2', async () => {
      const rule = await addRule({ path: '/v1/embeddings', status: 429, times: 2, headers: { 'retry-after-ms': '10' } });
      const res = await client().embeddings.create({ model: MODEL, input: 'retry me' });
      assert.equal(res.data[0].embedding.length, 1536);
      assert.equal(await hits(rule.id), 2);
      const { requests } = await (await fetch(`${s.url}/__control/requests?path=/v1/embeddings`)).json();
      assert.deepEqual(requests.map((r) => [r.headers['x-stainless-retry-count'], r.status, r.fault]),
        [['0', 429, `rule ${rule.id}`], ['1', 429, `rule ${rule.id}`], ['2', 200, null]]);
    });

    // Rules can tell attempts apart by the SDK's retry-count header too.
    it('match_headers on x-stainless-retry-count picks one attempt', async () => {
      const quick = { 'retry-after-ms': '10' };
      await addRule({ path: '/v1/embeddings', match_headers: { 'x-stainless-retry-count': '0' }, status: 500, headers: quick });
      await addRule({ path: '/v1/embeddings', match_headers: { 'x-stainless-retry-count': '1' }, headers: { 'x-attempt': 'second' } });
      const res = await client().embeddings.create({ model: MODEL, input: 'retry me' }).withResponse();
      assert.equal(res.response.headers.get('x-attempt'), 'second');
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
