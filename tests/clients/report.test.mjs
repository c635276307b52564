// The official openai SDKs against the retry report card: they honour
// retry-after-ms, back off on 5xx, stop when told, so their report is clean.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI6 from 'openai6';
import OpenAI7 from 'openai7';
import { startServer } from '../lib/server.mjs';

const MODEL = 'text-embedding-3-small';

for (const [name, OpenAI] of [['openai v6', OpenAI6], ['openai v7', OpenAI7]]) {
  describe(`${name} and the retry report`, () => {
    let s;
    before(async () => { s = await startServer('mock_openai'); });
    after(() => s.stop());

    const scope = (testId) => new OpenAI({ apiKey: 'sk-report-test-key', baseURL: `${s.url}/v1`,
      defaultHeaders: { 'x-test-id': testId } });
    const addRule = (rule) => fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify(rule) });
    const report = async (testId) => (await fetch(`${s.url}/__control/report?test_id=${testId}`)).json();

    it('429s with retry-after-ms, then 5xx, then x-should-retry: false: a clean report', async () => {
      const t = `${name}-clean`;
      await addRule({ test_id: t, path: '/v1/embeddings', status: 429, times: 2, headers: { 'retry-after-ms': '200' } });
      await scope(t).embeddings.create({ model: MODEL, input: 'one' });
      await addRule({ test_id: t, path: '/v1/embeddings', status: 503, times: 2 });
      await scope(t).embeddings.create({ model: MODEL, input: 'two' });
      await addRule({ test_id: t, path: '/v1/embeddings', status: 429, times: 1, headers: { 'x-should-retry': 'false' } });
      await assert.rejects(scope(t).embeddings.create({ model: MODEL, input: 'three' }));
      const r = await report(t);
      assert.deepEqual(r.violations, [], JSON.stringify(r, null, 1));
      assert.equal(r.clean, true);
      assert.deepEqual(r.requests.map((q) => q.attempts.map((a) => a.status)), [[429, 429, 200], [503, 503, 200], [429]]);
      const waited = r.requests[0].attempts.slice(1).map((a) => a.waited_ms);
      assert.ok(waited.every((w) => w >= 190), `the SDK waited ${waited} ms where 200 were asked`);
    });

    it('with its retries off, a 503 it gives up on is reported unrecovered', async () => {
      const t = `${name}-noretry`;
      await addRule({ test_id: t, path: '/v1/embeddings', status: 503, times: 1 });
      const c = new OpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-test-id': t } });
      await assert.rejects(c.embeddings.create({ model: MODEL, input: 'x' }));
      assert.deepEqual((await report(t)).violations.map((v) => v.kind), ['unrecovered']);
    });
  });
}
