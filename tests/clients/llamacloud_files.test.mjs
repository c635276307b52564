// The official client (@llamaindex/llama-cloud) against mock_llamaparse,
// unmodified: its README's files-first flow (files.create then
// parsing.parse by file_id), and the rest of its Files API.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import LlamaCloud from '@llamaindex/llama-cloud';
import { repoRoot, startServer } from '../lib/server.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');

describe('@llamaindex/llama-cloud files', () => {
  let lp;
  let client;
  before(async () => {
    lp = await startServer('mock_llamaparse', ['--job-delay-ms', '200', '--job-ms-per-page', '0']);
    client = new LlamaCloud({ apiKey: 'llx-test', baseURL: lp.url, maxRetries: 0 });
  });
  after(() => lp.stop());

  it('files.create with a File, then parsing.parse({file_id})', async () => {
    const bytes = fs.readFileSync(path.join(DATA, 'policy-12pages.pdf'));
    const file = await client.files.create({ file: new File([bytes], 'policy-12pages.pdf'), purpose: 'parse' });
    assert.equal(file.name, 'policy-12pages.pdf');
    assert.equal(file.purpose, 'parse');
    assert.equal(file.file_type, 'pdf');
    const res = await client.parsing.parse(
      { file_id: file.id, tier: 'agentic', version: 'latest', expand: ['text', 'markdown'] },
      { pollingInterval: 0.1 },
    );
    assert.equal(res.job.status, 'COMPLETED');
    assert.equal(res.job.tier, 'agentic');
    assert.equal(res.markdown.pages.length, 12);
    assert.match(res.markdown_full, /^# Section 1:/);
  });

  it('files.create with a stream', async () => {
    const file = await client.files.create({ file: fs.createReadStream(path.join(DATA, 'claims.csv')), purpose: 'parse' });
    assert.equal(file.name, 'claims.csv');
    const res = await client.parsing.parse({ file_id: file.id, tier: 'fast', version: 'latest', expand: ['markdown'] }, { pollingInterval: 0.1 });
    assert.match(res.markdown.pages[0].markdown, /^\| claim_id \|/);
  });

  it('files.list pages through every file; retrieve, content and delete', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push((await client.files.create({ file: new File([`note ${i}\n`], `note-${i}.txt`), purpose: 'user_data' })).id);
    }
    const first = await client.files.list({ page_size: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.hasNextPage());
    const seen = [];
    for await (const f of client.files.list({ page_size: 2 })) seen.push(f.id);
    for (const id of made) assert.ok(seen.includes(id), id);
    assert.equal(new Set(seen).size, seen.length, 'no file twice');
    const one = await client.files.retrieve(made[3]);
    assert.equal(one.name, 'note-3.txt');
    const link = await client.files.content(made[3]);
    assert.ok(Date.parse(link.expires_at) > Date.now());
    assert.equal(await (await fetch(link.url)).text(), 'note 3\n');
    const byName = await client.files.list({ file_name: 'note-1.txt' });
    assert.deepEqual(byName.items.map((f) => f.id), [made[1]]);
    assert.equal(await client.files.delete(made[3]), null);
    await assert.rejects(client.files.retrieve(made[3]), (e) => e.status === 404);
    await assert.rejects(client.parsing.create({ file_id: made[3], tier: 'fast', version: 'latest' }), (e) => e.status === 404);
  });

  it('projects.list finds the default project; a bad project_id is a 422', async () => {
    const projects = await client.projects.list();
    assert.equal(projects.length, 1);
    assert.equal(projects[0].is_default, true);
    await assert.rejects(
      client.files.create({ file: new File(['x'], 'x.txt'), purpose: 'parse', project_id: 'not-a-uuid' }),
      (e) => e.status === 422,
    );
    const f = await client.files.create({ file: new File(['x'], 'x.txt'), purpose: 'parse', project_id: projects[0].id });
    assert.equal(f.project_id, projects[0].id);
  });
});
