// mock_llamaparse's v1 parsing API over HTTP: uploads (multipart), jobs that
// follow the clock, deterministic results, errors in the API's own format.
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

function form(file, fields = {}, name = file) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    for (const one of [].concat(v)) fd.append(k, one);
  }
  if (file) fd.append('file', new Blob([fs.readFileSync(path.join(DATA, file))]), name);
  return fd;
}

async function upload(url, file, fields, prefix = '/api/v1/parsing') {
  const res = await fetch(`${url}${prefix}/upload`, { method: 'POST', headers: AUTH, body: form(file, fields) });
  return { res, json: await res.json() };
}

const get = (url, p) => fetch(`${url}/api/v1/parsing${p}`, { headers: AUTH });

test('upload, poll, and read markdown, text and json results', async () => {
  const { res, json } = await upload(lp.url, 'policy-basic.txt', { language: 'en' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.match(json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(Object.keys(json), ['id', 'status', 'error_code', 'error_message']);
  const status = await (await get(lp.url, `/job/${json.id}`)).json();
  assert.equal(status.status, 'SUCCESS');
  const md = await (await get(lp.url, `/job/${json.id}/result/markdown`)).json();
  assert.match(md.markdown, /^# ALDERWICK HEALTH MUTUAL\n/);
  assert.match(md.markdown, /END OF POLICY/);
  assert.ok(md.job_metadata.job_pages >= 3);
  assert.equal(md.job_metadata.credits_used, md.job_metadata.job_pages * 3);
  const pages = md.markdown.split('\n---\n');
  assert.equal(pages.length, md.job_metadata.job_pages);
  const text = await (await get(lp.url, `/job/${json.id}/result/text`)).json();
  assert.match(text.text, /^ALDERWICK HEALTH MUTUAL\n/);
  const js = await (await get(lp.url, `/job/${json.id}/result/json`)).json();
  assert.equal(js.pages.length, md.job_metadata.job_pages);
  const p1 = js.pages[0];
  assert.equal(p1.page, 1);
  assert.deepEqual([p1.width, p1.height, p1.status], [612, 792, 'OK']);
  assert.deepEqual(p1.items[0], { type: 'heading', lvl: 1, value: 'ALDERWICK HEALTH MUTUAL', md: '# ALDERWICK HEALTH MUTUAL', bBox: { x: 36, y: 36, w: 540, h: 12 } });
  const raw = await get(lp.url, `/job/${json.id}/result/raw/markdown`);
  assert.match(raw.headers.get('content-type'), /^text\/markdown/);
  assert.equal(await raw.text(), md.markdown);
});

test('csv becomes a markdown table; the json result has table items', async () => {
  const { json } = await upload(lp.url, 'claims.csv');
  const md = (await (await get(lp.url, `/job/${json.id}/result/markdown`)).json()).markdown;
  assert.match(md, /^\| claim_id \| member_id \| member_name \|/);
  assert.match(md, /\| Okafor, Chinedu \|/);
  assert.match(md, /Linked to sleep study claim \\\| prior auth PA-57319 pending/);
  const js = await (await get(lp.url, `/job/${json.id}/result/json`)).json();
  const table = js.pages[0].items.find((i) => i.type === 'table');
  assert.equal(table.rows[0][0], 'claim_id');
  assert.equal(table.rows[1][2], 'Okafor, Chinedu');
});

test('PDF page counts come from the file', async () => {
  for (const [file, pages] of [['policy-1page.pdf', 1], ['policy-12pages.pdf', 12], ['scanned.pdf', 2]]) {
    const { json } = await upload(lp.url, file);
    const md = await (await get(lp.url, `/job/${json.id}/result/markdown`)).json();
    assert.equal(md.job_metadata.job_pages, pages, file);
  }
});

test('results are byte-identical across restarts; a repeat is a cache hit', async () => {
  const other = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0']);
  try {
    for (const file of ['benefits.md', 'binary.bin', 'large-150k.txt']) {
      const a = (await upload(lp.url, file)).json;
      const b = (await upload(other.url, file)).json;
      const ja = await (await get(lp.url, `/job/${a.id}/result/json`)).text();
      const jb = await (await get(other.url, `/job/${b.id}/result/json`)).text();
      assert.equal(ja.replace(/"job_is_cache_hit":(true|false)/, ''), jb.replace(/"job_is_cache_hit":(true|false)/, ''), file);
    }
    const again = (await upload(other.url, 'benefits.md')).json;
    const meta = (await (await get(other.url, `/job/${again.id}/result/markdown`)).json()).job_metadata;
    assert.equal(meta.job_is_cache_hit, true);
  } finally {
    await other.stop();
  }
});

test('jobs follow the clock: PENDING, then SUCCESS; no result before', async () => {
  const slow = await startServer('mock_llamaparse', ['--job-delay-ms', '400']);
  try {
    const { json } = await upload(slow.url, 'small-10k.txt');
    assert.equal(json.status, 'PENDING');
    const early = await get(slow.url, `/job/${json.id}/result/markdown`);
    assert.equal(early.status, 400);
    assert.match((await early.json()).detail, /not finished/);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await (await get(slow.url, `/job/${json.id}`)).json()).status, 'SUCCESS');
  } finally {
    await slow.stop();
  }
});

test('legacy /api/parsing prefix, parameters, page_separator and max_pages', async () => {
  const { json } = await upload(lp.url, 'large-150k.txt', { language: ['en', 'fr'], page_separator: '<<PAGE>>', max_pages: '3', gpt4o_mode: 'false' }, '/api/parsing');
  const res = await fetch(`${lp.url}/api/parsing/job/${json.id}/result/markdown`, { headers: AUTH });
  const md = await res.json();
  assert.equal(md.job_metadata.job_pages, 3);
  assert.equal(md.markdown.split('<<PAGE>>').length, 3);
  const params = await (await get(lp.url, `/job/${json.id}/parameters`)).json();
  assert.deepEqual(params.language, ['en', 'fr']);
  assert.equal(params.gpt4o_mode, 'false');
  const ext = await (await get(lp.url, '/supported_file_extensions')).json();
  assert.ok(ext.includes('.pdf') && ext.includes('.csv'));
});

test('an empty file ends in ERROR with NO_DATA_FOUND_IN_FILE', async () => {
  const { json } = await upload(lp.url, 'empty.txt');
  const st = await (await get(lp.url, `/job/${json.id}`)).json();
  assert.equal(st.status, 'ERROR');
  assert.equal(st.error_code, 'NO_DATA_FOUND_IN_FILE');
  const r = await get(lp.url, `/job/${json.id}/result/text`);
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(await r.json()), ['detail']);
});

test('errors: 401, 404, 400, 422, 413 and 429, all as {"detail": ...}', async () => {
  const noKey = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: form('claims.csv') });
  assert.equal(noKey.status, 401);
  assert.equal((await get(lp.url, '/job/00000000-0000-4000-8000-000000000000')).status, 404);
  assert.equal((await get(lp.url, '/job/x/result/pdf')).status, 404);
  const noFile = await upload(lp.url, null, { language: 'en' });
  assert.equal(noFile.res.status, 400);
  assert.equal(noFile.json.detail, 'Either file or input_url must be provided.');
  const bad = await upload(lp.url, 'claims.csv', { do_not_cache: 'maybe' });
  assert.equal(bad.res.status, 422);
  assert.deepEqual(bad.json.detail[0].loc, ['body', 'do_not_cache']);
  const notForm = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}' });
  assert.equal(notForm.status, 400);
  const cut = await fetch(`${lp.url}/api/v1/parsing/upload`, {
    method: 'POST', headers: { ...AUTH, 'content-type': 'multipart/form-data; boundary=mwBoundary42' },
    body: '--mwBoundary42\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello',
  });
  assert.equal(cut.status, 400);
  assert.match((await cut.json()).detail, /incomplete/);

  const small = await startServer('mock_llamaparse', ['--max-upload', '10k', '--max-jobs', '2', '--job-delay-ms', '0', '--job-ms-per-page', '0']);
  try {
    assert.equal((await upload(small.url, 'large-150k.txt')).res.status, 413);
    assert.equal((await upload(small.url, 'benefits.md')).res.status, 200);
    assert.equal((await upload(small.url, 'benefits.md')).res.status, 200);
    const full = await upload(small.url, 'benefits.md');
    assert.equal(full.res.status, 429);
    assert.match(full.json.detail, /full/);
    await fetch(`${small.url}/__control/reset`, { method: 'POST' });
    assert.equal((await upload(small.url, 'benefits.md')).res.status, 200, 'reset empties the job store');
  } finally {
    await small.stop();
  }
});

test('faults apply to uploads before any job is made', async () => {
  const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { ...AUTH, 'x-mock-fault': 'status=503' }, body: form('claims.csv') });
  assert.equal(res.status, 503);
  assert.deepEqual(Object.keys(await res.json()), ['detail']);
  const metrics = await (await fetch(`${lp.url}/metrics`)).text();
  assert.match(metrics, /mock_jobs\{state="SUCCESS"\} \d+/);
});

test('v2: upload with configuration, expand repeated or comma-separated, 404s', async () => {
  const fd = form('claims.csv');
  fd.append('configuration', JSON.stringify({ tier: 'agentic', version: 'latest' }));
  const up = await fetch(`${lp.url}/api/v2/parse/upload`, { method: 'POST', headers: AUTH, body: fd });
  assert.equal(up.status, 200);
  const job = await up.json();
  assert.deepEqual(Object.keys(job), ['id', 'project_id', 'status', 'created_at', 'updated_at', 'error_message', 'name', 'tier']);
  assert.equal(job.tier, 'agentic');
  const repeated = await (await fetch(`${lp.url}/api/v2/parse/${job.id}?expand=text&expand=markdown`, { headers: AUTH })).json();
  const comma = await (await fetch(`${lp.url}/api/v2/parse/${job.id}?expand=text,markdown`, { headers: AUTH })).json();
  assert.deepEqual(repeated, comma);
  assert.equal(repeated.job.status, 'COMPLETED');
  assert.match(repeated.markdown.pages[0].markdown, /^\| claim_id \|/);
  assert.equal(repeated.text.pages.length, repeated.markdown.pages.length);
  const bare = await (await fetch(`${lp.url}/api/v2/parse/${job.id}`, { headers: AUTH })).json();
  assert.deepEqual(Object.keys(bare), ['job']);
  assert.equal((await fetch(`${lp.url}/api/v2/parse/nope`, { headers: AUTH })).status, 404);
  const badConf = new FormData();
  badConf.append('configuration', '{not json');
  badConf.append('file', new Blob(['x']), 'a.txt');
  const bad = await fetch(`${lp.url}/api/v2/parse/upload`, { method: 'POST', headers: AUTH, body: badConf });
  assert.equal(bad.status, 422);
  assert.deepEqual((await bad.json()).detail[0].loc, ['body', 'configuration']);
  const byFileId = await fetch(`${lp.url}/api/v2/parse`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"file_id":"f-1"}' });
  assert.equal(byFileId.status, 404, 'a file_id the Files API never gave');
  assert.match((await byFileId.json()).detail, /File not found/);
});

// A small file server for documents given by URL.
async function fileServer() {
  const http = await import('node:http');
  const srv = http.createServer((req, res) => {
    const file = path.join(DATA, path.basename(req.url.split('?')[0]));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end('missing');
      return;
    }
    res.writeHead(200).end(fs.readFileSync(file));
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => srv.close(r)) };
}

async function waitStatus(url, want, tries = 50) {
  for (let i = 0; i < tries; i++) {
    const st = await (await fetch(url, { headers: AUTH })).json();
    if (want.includes(st.status)) return st;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never reached ${want}`);
}

test('the old contract: POST /parse with source_url, GET /jobs/{id}, 400 for missing fields', async () => {
  const files = await fileServer();
  try {
    const jobId = '6f1c2a4e-1111-4222-8333-444455556666';
    const res = await fetch(`${lp.url}/parse`, { method: 'POST', body: JSON.stringify({ job_id: jobId, source_url: `${files.base}/policy-basic.txt`, webhook_url: 'http://127.0.0.1:9/hook' }) });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { parse_job_id: `mock-parse-${jobId}`, status: 'queued', estimated_completion: 0 });
    const done = await waitStatus(`${lp.url}/jobs/${jobId}`, ['completed', 'failed']);
    assert.equal(done.status, 'completed');
    assert.ok(!Number.isNaN(Date.parse(done.completed_at)));
    const md = await (await get(lp.url, `/job/${jobId}/result/markdown`)).json();
    assert.match(md.markdown, /^# ALDERWICK HEALTH MUTUAL/);
    assert.equal((await fetch(`${lp.url}/parse`, { method: 'POST', body: JSON.stringify({ job_id: jobId, source_url: `${files.base}/x.txt` }) })).status, 409);
    for (const body of ['{}', '{"job_id":"a"}', '{"source_url":"http://x/y"}', '{"job_id":"a","source_url":"ftp://x/y"}', 'not json']) {
      const bad = await fetch(`${lp.url}/parse`, { method: 'POST', body });
      assert.equal(bad.status, 400, body);
      assert.deepEqual(Object.keys(await bad.json()), ['detail']);
    }
    assert.equal((await fetch(`${lp.url}/jobs/unknown`)).status, 404);
  } finally {
    await files.close();
  }
});

test('URL jobs: v1 input_url and v2 source_url parse like uploads; bad URLs end in ERROR', async () => {
  const files = await fileServer();
  try {
    const up = await upload(lp.url, null, { input_url: `${files.base}/claims.csv` });
    assert.equal(up.res.status, 200);
    await waitStatus(`${lp.url}/api/v1/parsing/job/${up.json.id}`, ['SUCCESS']);
    const fromUrl = (await (await get(lp.url, `/job/${up.json.id}/result/markdown`)).json()).markdown;
    const direct = (await upload(lp.url, 'claims.csv')).json;
    assert.equal(fromUrl, (await (await get(lp.url, `/job/${direct.id}/result/markdown`)).json()).markdown);

    const v2 = await (await fetch(`${lp.url}/api/v2/parse`, { method: 'POST', headers: AUTH, body: JSON.stringify({ source_url: `${files.base}/benefits.md`, tier: 'fast' }) })).json();
    const got = await (async () => {
      for (let i = 0; i < 50; i++) {
        const r = await (await fetch(`${lp.url}/api/v2/parse/${v2.id}?expand=markdown`, { headers: AUTH })).json();
        if (r.job.status === 'COMPLETED') return r;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error('v2 URL job never completed');
    })();
    assert.match(got.markdown_full, /^# Silver Choice PPO 2500/);

    const missing = await upload(lp.url, null, { input_url: `${files.base}/nope.pdf` });
    const failed = await waitStatus(`${lp.url}/api/v1/parsing/job/${missing.json.id}`, ['ERROR']);
    assert.equal(failed.error_code, 'ERROR_DURING_PROCESSING');
    assert.match(failed.error_message, /HTTP 404/);
    const unreachable = await upload(lp.url, null, { input_url: 'http://127.0.0.1:9/x.pdf' });
    const down = await waitStatus(`${lp.url}/api/v1/parsing/job/${unreachable.json.id}`, ['ERROR']);
    assert.match(down.error_message, /^Failed to fetch http:\/\/127\.0\.0\.1:9\/x\.pdf: /);
    const notHttp = await upload(lp.url, null, { input_url: 'file:///etc/passwd' });
    assert.equal(notHttp.res.status, 422);
  } finally {
    await files.close();
  }
});

test('--fixtures pins results by file name or sha256, and never reads outside the folder', async () => {
  const os = await import('node:os');
  const crypto = await import('node:crypto');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-fix-'));
  fs.writeFileSync(path.join(dir, 'benefits.md.md'), '# Pinned page one\n---\n# Pinned page two\n');
  const bytes = fs.readFileSync(path.join(DATA, 'claims.csv'));
  const sum = crypto.createHash('sha256').update(bytes).digest('hex');
  fs.writeFileSync(path.join(dir, `${sum}.json`), JSON.stringify([{ md: '# From JSON', text: 'From JSON' }]));
  fs.writeFileSync(path.join(os.tmpdir(), 'outside.md.md'), '# must not be read\n');
  const s = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0', '--fixtures', dir]);
  try {
    const byName = (await upload(s.url, 'benefits.md')).json;
    const md = await (await get(s.url, `/job/${byName.id}/result/markdown`)).json();
    assert.equal(md.markdown, '# Pinned page one\n---\n# Pinned page two\n');
    assert.equal(md.job_metadata.job_pages, 2);
    const bySum = (await upload(s.url, 'claims.csv')).json;
    const text = await (await get(s.url, `/job/${bySum.id}/result/text`)).json();
    assert.equal(text.text, 'From JSON');
    const fd = new FormData();
    fd.append('file', new Blob(['plain']), '../outside.md');
    const sneaky = await (await fetch(`${s.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd })).json();
    const own = await (await get(s.url, `/job/${sneaky.id}/result/markdown`)).json();
    assert.equal(own.markdown.includes('must not be read'), false);
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(path.join(os.tmpdir(), 'outside.md.md'));
  }
});

test('a form with two files parses the first one only', async () => {
  const fd = new FormData();
  fd.append('file', new Blob(['# First\n\nthe document\n']), 'first.md');
  fd.append('language', 'en');
  fd.append('file', new Blob(['# Second\n']), 'second.md');
  const up = await (await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd })).json();
  const md = await (await get(lp.url, `/job/${up.id}/result/markdown`)).json();
  assert.equal(md.markdown, '# First\n\nthe document\n');
});
