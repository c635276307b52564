// The v2 parse API in the SDK's shapes over HTTP: expand=items as
// StructuredResultPage, every listed expansion, versions, list filters and
// cursor pages, user_metadata, version checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, startServer } from '../lib/server.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');
const AUTH = { authorization: 'Bearer llx-test' };
let lp;

before(async () => { lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0']); });
after(() => lp.stop());

async function upload(file, conf) {
  const fd = new FormData();
  fd.append('configuration', JSON.stringify({ tier: 'fast', version: 'latest', ...conf }));
  fd.append('file', new Blob([fs.readFileSync(path.join(DATA, file))]), file);
  const res = await fetch(`${lp.url}/api/v2/parse/upload`, { method: 'POST', headers: AUTH, body: fd });
  return { res, json: await res.json() };
}
const get = async (id, expand) => {
  const res = await fetch(`${lp.url}/api/v2/parse/${id}${expand ? `?expand=${expand}` : ''}`, { headers: AUTH });
  return { res, json: await res.json() };
};

test('expand=items is StructuredResultPage: page_number, sizes, success, typed items with bbox lists', async () => {
  const { json: job } = await upload('benefits.md');
  const { json } = await get(job.id, 'items');
  const page = json.items.pages[0];
  assert.deepEqual(Object.keys(page), ['page_number', 'page_width', 'page_height', 'success', 'items']);
  assert.deepEqual([page.page_number, page.page_width, page.page_height, page.success], [1, 612, 792, true]);
  const heading = page.items.find((i) => i.type === 'heading');
  assert.equal(typeof heading.level, 'number');
  assert.equal(heading.md, `${'#'.repeat(heading.level)} ${heading.value}`);
  assert.ok(Array.isArray(heading.bbox));
  assert.deepEqual(Object.keys(heading.bbox[0]), ['x', 'y', 'w', 'h']);
  const csv = await upload('claims.csv');
  const table = (await get(csv.json.id, 'items')).json.items.pages[0].items.find((i) => i.type === 'table');
  assert.equal(table.rows[1][2], 'Okafor, Chinedu');
  assert.match(table.csv, /^claim_id,member_id,member_name,/);
  assert.match(table.csv, /"Okafor, Chinedu"/);
  assert.match(table.html, /^<table><tr><td>claim_id<\/td>/);
});

test('every expansion the SDK lists; the content ones have presigned URLs the mock serves', async () => {
  const { json: job } = await upload('policy-basic.txt', { user_metadata: { team: 'claims' } });
  const all = ['text', 'markdown', 'items', 'metadata', 'forms', 'job_metadata', 'usage', 'images_content_metadata',
    ...['text', 'markdown', 'items', 'metadata', 'forms', 'raw_words', 'xlsx', 'output_pdf'].map((k) => `${k}_content_metadata`)];
  const { res, json } = await get(job.id, all.join(','));
  assert.equal(res.status, 200);
  assert.deepEqual(json.job.user_metadata, { team: 'claims' });
  const pages = json.text.pages.length;
  assert.equal(json.job.usage.credits, pages);
  assert.equal(json.metadata.pages.length, pages);
  assert.equal(json.metadata.pages[0].page_number, 1);
  assert.equal(json.forms.pages[0].success, true);
  assert.deepEqual(json.images_content_metadata, { images: [], total_count: 0 });
  assert.equal(json.job_metadata.job_pages, pages);
  const meta = json.result_content_metadata;
  assert.deepEqual(Object.keys(meta).sort(), ['forms', 'items', 'markdown', 'metadata', 'output_pdf', 'raw_words', 'text', 'xlsx']);
  assert.equal(meta.xlsx.exists, false);
  const body = await (await fetch(meta.markdown.presigned_url)).text();
  assert.equal(body.length, meta.markdown.size_bytes);
  assert.deepEqual(JSON.parse(body), json.markdown);
  const bad = await get(job.id, 'text,nope');
  assert.equal(bad.res.status, 422);
  assert.deepEqual(bad.json.detail[0].loc, ['query', 'expand']);
  const bare = await get(job.id);
  assert.deepEqual(Object.keys(bare.json), ['job']);
  assert.equal(bare.json.job.usage, undefined, 'usage only when expanded');
});

test('GET /api/v2/parse/versions; version and user_metadata are checked', async () => {
  const res = await fetch(`${lp.url}/api/v2/parse/versions`, { headers: AUTH });
  assert.equal(res.status, 200);
  const v = await res.json();
  assert.deepEqual(Object.keys(v), ['fast', 'cost_effective', 'agentic', 'agentic_plus']);
  const ok = await upload('benefits.md', { tier: 'agentic', version: v.agentic[0] });
  assert.equal(ok.res.status, 200);
  const bad = await upload('benefits.md', { version: 'yesterday' });
  assert.equal(bad.res.status, 422);
  assert.deepEqual(bad.json.detail[0].loc, ['body', 'version']);
  const meta = await upload('benefits.md', { user_metadata: { n: 1 } });
  assert.equal(meta.res.status, 422);
  const body = await fetch(`${lp.url}/api/v2/parse`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ source_url: 'http://127.0.0.1:9/x.pdf', tier: 'fast', version: '1900-01-01' }) });
  assert.equal(body.status, 422);
});

test('list: cursor pages, status, job_ids and date filters', async () => {
  await fetch(`${lp.url}/__control/reset`, { method: 'POST' });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await upload('benefits.md')).json.id);
  const list = async (q) => (await fetch(`${lp.url}/api/v2/parse?${q}`, { headers: AUTH })).json();
  const p1 = await list('page_size=2');
  assert.deepEqual(p1.items.map((j) => j.id), ids.slice(0, 2));
  assert.equal(p1.total_size, 5);
  const p2 = await list(`page_size=2&page_token=${p1.next_page_token}`);
  const p3 = await list(`page_size=2&page_token=${p2.next_page_token}`);
  assert.deepEqual([...p2.items, ...p3.items].map((j) => j.id), ids.slice(2));
  assert.equal(p3.next_page_token, null);
  assert.deepEqual((await list(`job_ids=${ids[1]}&job_ids=${ids[3]}`)).items.map((j) => j.id), [ids[1], ids[3]]);
  assert.equal((await list('status=COMPLETED')).items.length, 5);
  assert.equal((await list('status=FAILED')).items.length, 0);
  assert.equal((await list('created_at_on_or_after=2000-01-01')).items.length, 5);
  assert.equal((await list('created_at_on_or_before=2000-01-01T00:00:00Z')).items.length, 0);
  for (const q of ['status=DONE', 'page_size=0', 'created_at_on_or_after=soon']) {
    assert.equal((await fetch(`${lp.url}/api/v2/parse?${q}`, { headers: AUTH })).status, 422, q);
  }
  assert.equal((await fetch(`${lp.url}/api/v2/parse?page_token=x`, { headers: AUTH })).status, 400);
});
