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

  it('items in the SDK types; page_ranges, user_metadata and usage', async () => {
    const res = await client.parsing.parse(
      { upload_file: file('policy-12pages.pdf'), tier: 'fast', version: 'latest', page_ranges: { target_pages: '2,5-6' }, user_metadata: { case: 'c-1' }, expand: ['items', 'usage', 'metadata'] },
      { pollingInterval: 0.1 },
    );
    assert.deepEqual(res.items.pages.map((p) => p.page_number), [2, 5, 6]);
    const page = res.items.pages[0];
    assert.equal(page.success, true);
    assert.equal(page.page_width, 612);
    const heading = page.items.find((i) => i.type === 'heading');
    assert.equal(heading.level, 1);
    assert.match(heading.value, /^Section 2:/);
    assert.equal(heading.bbox[0].w, 540);
    assert.deepEqual(res.job.user_metadata, { case: 'c-1' });
    assert.equal(res.job.usage.credits, 3);
    assert.deepEqual(res.metadata.pages.map((p) => p.page_number), [2, 5, 6]);
  });

  it('listVersions; a version it does not list is a 422', async () => {
    const versions = await client.parsing.listVersions();
    assert.ok(versions.agentic.length > 0);
    const job = await client.parsing.create({ upload_file: file('benefits.md'), tier: 'agentic', version: versions.agentic[0] });
    assert.equal(job.tier, 'agentic');
    await assert.rejects(client.parsing.create({ upload_file: file('benefits.md'), tier: 'fast', version: '1999-12-31' }), (e) => e.status === 422);
  });

  it('list pages through every job with page_size; filters by status and job_ids', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await client.parsing.create({ upload_file: file('benefits.md'), tier: 'fast', version: 'latest' })).id);
    const first = await client.parsing.list({ page_size: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.hasNextPage());
    const seen = [];
    for await (const j of client.parsing.list({ page_size: 2 })) seen.push(j.id);
    for (const id of made) assert.ok(seen.includes(id));
    assert.equal(new Set(seen).size, seen.length);
    const some = await client.parsing.list({ job_ids: [made[0], made[2]] });
    assert.deepEqual(some.items.map((j) => j.id), [made[0], made[2]]);
    const cancelled = await client.parsing.list({ status: 'CANCELLED' });
    assert.ok(cancelled.items.every((j) => j.status === 'CANCELLED'));
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
