// Page selection over HTTP: v1 target_pages (from 0, ranges), max_pages,
// page_prefix / page_suffix / page_separator with {pageNumber}; v2
// page_ranges (from 1); job_pages and credits count only the pages parsed;
// --fixtures documents are selected the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startServer } from '../lib/server.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');
const AUTH = { authorization: 'Bearer llx-test' };
const PDF = fs.readFileSync(path.join(DATA, 'policy-12pages.pdf'));
let lp;
let fixtures;

before(async () => {
  fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-pages-'));
  const pages = Array.from({ length: 5 }, (_, i) => ({ page: i + 1, md: `# Pinned ${i + 1}`, text: `Pinned ${i + 1}` }));
  fs.writeFileSync(path.join(fixtures, 'pinned.txt.json'), JSON.stringify({ pages }));
  lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0', '--fixtures', fixtures]);
});
after(() => {
  lp.stop();
  fs.rmSync(fixtures, { recursive: true, force: true });
});

async function v1(fields, bytes = PDF, name = 'policy-12pages.pdf') {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([bytes]), name);
  const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd });
  return { res, json: await res.json() };
}

const result = async (id, kind) => (await fetch(`${lp.url}/api/v1/parsing/job/${id}/result/${kind}`, { headers: AUTH })).json();

test('v1 target_pages with ranges; job_pages and credits count the pages parsed', async () => {
  const { json } = await v1({ target_pages: '0, 2-3,11', tier: 'agentic' });
  const js = await result(json.id, 'json');
  assert.deepEqual(js.pages.map((p) => p.page), [1, 3, 4, 12]);
  assert.match(js.pages[1].md, /^# Section 3:/);
  assert.equal(js.job_metadata.job_pages, 4);
  assert.equal(js.job_metadata.credits_used, 40);
  const all = await result((await v1({ tier: 'agentic' })).json.id, 'json');
  assert.equal(all.job_metadata.job_pages, 12);
  assert.deepEqual(js.pages[1].md, all.pages[2].md, 'a selected page is the same page');
});

test('v1 max_pages after target_pages; pages past the end are ignored', async () => {
  const { json } = await v1({ target_pages: '1-20', max_pages: '2' });
  assert.deepEqual((await result(json.id, 'json')).pages.map((p) => p.page), [2, 3]);
  const none = await v1({ target_pages: '50' });
  const st = await (await fetch(`${lp.url}/api/v1/parsing/job/${none.json.id}`, { headers: AUTH })).json();
  assert.equal(st.status, 'ERROR');
  assert.equal(st.error_code, 'NO_DATA_FOUND_IN_FILE');
});

test('v1 page_prefix, page_suffix and page_separator with {pageNumber}', async () => {
  const { json } = await v1({ target_pages: '0,4', page_prefix: '[{pageNumber}>', page_suffix: '<{pageNumber}]', page_separator: ' ~~{pageNumber}~~ ' });
  const md = (await result(json.id, 'markdown')).markdown;
  assert.match(md, /^\[1>#/);
  assert.match(md, /<1\] ~~5~~ \[5># Section 5:/);
  assert.match(md, /<5\]$/);
  const text = (await result(json.id, 'text')).text;
  assert.match(text, /^\[1>/);
});

test('bad target_pages are 422s', async () => {
  for (const bad of ['x', '1-', '3-1', '-1', '1;2', '99999']) {
    const { res, json } = await v1({ target_pages: bad });
    assert.equal(res.status, 422, bad);
    assert.deepEqual(json.detail[0].loc, ['body', 'target_pages']);
  }
});

test('v2 page_ranges: target_pages from 1, max_pages, duplicates rejected', async () => {
  const upload = async (conf) => {
    const fd = new FormData();
    fd.append('configuration', JSON.stringify({ tier: 'fast', version: 'latest', ...conf }));
    fd.append('file', new Blob([PDF]), 'policy-12pages.pdf');
    const res = await fetch(`${lp.url}/api/v2/parse/upload`, { method: 'POST', headers: AUTH, body: fd });
    return { res, json: await res.json() };
  };
  const get = async (id) => (await fetch(`${lp.url}/api/v2/parse/${id}?expand=markdown,job_metadata`, { headers: AUTH })).json();
  let r = await upload({ page_ranges: { target_pages: '2,4-5' } });
  let got = await get(r.json.id);
  assert.deepEqual(got.markdown.pages.map((p) => p.page_number), [2, 4, 5]);
  assert.equal(got.job_metadata.job_pages, 3);
  r = await upload({ page_ranges: { max_pages: 2 } });
  assert.deepEqual((await get(r.json.id)).markdown.pages.map((p) => p.page_number), [1, 2]);
  r = await upload({ page_ranges: { target_pages: '2,2' } });
  assert.equal(r.res.status, 422);
  r = await upload({ page_ranges: { target_pages: '0' } });
  assert.equal(r.res.status, 422, 'v2 counts from 1');
  r = await upload({ page_ranges: { max_pages: 0 } });
  assert.equal(r.res.status, 422);
});

test('--fixtures documents are selected the same way', async () => {
  const { json } = await v1({ target_pages: '1,3' }, 'anything', 'pinned.txt');
  const js = await result(json.id, 'json');
  assert.deepEqual(js.pages.map((p) => p.md), ['# Pinned 2', '# Pinned 4']);
  assert.deepEqual(js.pages.map((p) => p.page), [2, 4]);
});
