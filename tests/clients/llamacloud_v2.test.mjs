// The official v2 client (@llamaindex/llama-cloud, parsing.parse) against
// mock_llamaparse, unmodified: upload with a configuration, poll, expand.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import LlamaCloud from '@llamaindex/llama-cloud';
import { repoRoot, startServer } from '../lib/server.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');

describe('@llamaindex/llama-cloud parsing (v2)', () => {
  let lp;
  let client;
  before(async () => {
    lp = await startServer('mock_llamaparse', ['--job-delay-ms', '300', '--job-ms-per-page', '0']);
    client = new LlamaCloud({ apiKey: 'llx-test', baseURL: lp.url, maxRetries: 0 });
  });
  after(() => lp.stop());

  const file = (name) => new File([fs.readFileSync(path.join(DATA, name))], name);

  it('parse() uploads, polls to COMPLETED and returns text and markdown', async () => {
    const res = await client.parsing.parse(
      { upload_file: file('policy-12pages.pdf'), tier: 'fast', version: 'latest', expand: ['text', 'markdown'] },
      { pollingInterval: 0.1 },
    );
    assert.equal(res.job.status, 'COMPLETED');
    assert.equal(res.job.tier, 'fast');
    assert.equal(res.markdown.pages.length, 12);
    assert.equal(res.text.pages[11].page_number, 12);
    assert.match(res.markdown_full, /^# Section 1:/);
    const again = await client.parsing.get(res.job.id, { expand: ['markdown'] });
    assert.equal(again.markdown_full, res.markdown_full);
    assert.equal(again.text, undefined, 'only what was expanded');
  });

  it('lists, cancels and deletes jobs', async () => {
    const job = await client.parsing.create({ upload_file: file('benefits.md'), tier: 'cost_effective', version: 'latest' });
    assert.ok(['PENDING', 'RUNNING'].includes(job.status));
    const cancelled = await client.parsing.cancel(job.id);
    assert.equal(cancelled.status, 'CANCELLED');
    const ids = [];
    for await (const j of client.parsing.list()) ids.push(j.id);
    assert.ok(ids.includes(job.id));
    const deleted = await client.parsing.delete(job.id);
    assert.equal(deleted.id, job.id);
    await assert.rejects(client.parsing.get(job.id), (e) => e.status === 404);
  });

  it('a bad configuration is a 422', async () => {
    await assert.rejects(
      client.parsing.create({ upload_file: file('benefits.md'), tier: 'gold', version: 'latest' }),
      (e) => e.status === 422,
    );
  });

  it('an ERROR job makes parse() reject; a stuck job times out', async () => {
    await fetch(`${lp.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/api/v2/parse/upload', job_status: 'ERROR', job_error_message: 'the scanner jammed', times: 1 }) });
    await assert.rejects(
      client.parsing.parse({ upload_file: file('benefits.md'), tier: 'fast', version: 'latest', expand: ['markdown'] }, { pollingInterval: 0.1 }),
      /the scanner jammed|FAILED/,
    );
    await fetch(`${lp.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/api/v2/parse/upload', job_status: 'stuck', times: 1 }) });
    await assert.rejects(
      client.parsing.parse({ upload_file: file('benefits.md'), tier: 'fast', version: 'latest', expand: ['markdown'] }, { pollingInterval: 0.1, timeout: 1 }),
      (e) => e.name === 'PollingTimeoutError',
    );
  });
});
