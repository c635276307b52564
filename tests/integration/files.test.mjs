// mock_llamaparse's Files API over HTTP: /api/v1/beta/files (multipart with
// purpose, list with a cursor, retrieve, delete, presigned content), the
// /api/v1/files presigned PUT and upload_from_url flows, file_id in v2
// parse, projects, UUID checks, the store's bounds and reset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { repoRoot, startServer } from '../lib/server.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');
const AUTH = { authorization: 'Bearer llx-test' };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };
let lp;

before(async () => {
  lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0', '--max-files', '5']);
});
after(() => lp.stop());

async function betaCreate(name, bytes, fields = { purpose: 'parse' }, query = '') {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (bytes !== undefined) fd.append('file', new Blob([bytes]), name);
  const res = await fetch(`${lp.url}/api/v1/beta/files${query}`, { method: 'POST', headers: AUTH, body: fd });
  return { res, json: await res.json() };
}

const reset = () => fetch(`${lp.url}/__control/reset`, { method: 'POST' });

test('create, retrieve, download through the presigned URL, delete', async () => {
  await reset();
  const bytes = fs.readFileSync(path.join(DATA, 'benefits.md'));
  const { res, json } = await betaCreate('benefits.md', bytes, { purpose: 'parse', external_file_id: 'ext-1' });
  assert.equal(res.status, 200);
  assert.match(json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(json.name, 'benefits.md');
  assert.equal(json.purpose, 'parse');
  assert.equal(json.file_type, 'md');
  assert.equal(json.file_size, bytes.length);
  assert.equal(json.external_file_id, 'ext-1');
  assert.ok(Date.parse(json.expires_at) > Date.now());
  const got = await (await fetch(`${lp.url}/api/v1/beta/files/${json.id}`, { headers: AUTH })).json();
  assert.deepEqual(got, json);
  const content = await (await fetch(`${lp.url}/api/v1/beta/files/${json.id}/content`, { headers: AUTH })).json();
  assert.match(content.url, /\/__files\/[0-9a-f-]{36}\/[0-9a-f]{32}$/);
  const dl = await fetch(content.url);
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-type'), /^text\/markdown/);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), bytes);
  assert.equal((await fetch(content.url.replace(/[0-9a-f]{32}$/, '0'.repeat(32)))).status, 404, 'the token is checked');
  const del = await fetch(`${lp.url}/api/v1/beta/files/${json.id}`, { method: 'DELETE', headers: AUTH });
  assert.equal(del.status, 204);
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files/${json.id}`, { headers: AUTH })).status, 404);
  assert.equal((await fetch(content.url)).status, 404, 'a deleted file cannot be downloaded');
});

test('validation: purpose, file, UUID scope, auth', async () => {
  let r = await betaCreate('a.txt', 'x', {});
  assert.equal(r.res.status, 422);
  assert.deepEqual(r.json.detail[0].loc, ['body', 'purpose']);
  r = await betaCreate('a.txt', 'x', { purpose: 'nope' });
  assert.equal(r.res.status, 422);
  r = await betaCreate(undefined, undefined, { purpose: 'parse' });
  assert.equal(r.res.status, 422);
  assert.deepEqual(r.json.detail[0].loc, ['body', 'file']);
  r = await betaCreate('a.txt', 'x', { purpose: 'parse' }, '?project_id=not-a-uuid');
  assert.equal(r.res.status, 422);
  assert.deepEqual(r.json.detail[0].loc, ['query', 'project_id']);
  assert.equal(r.json.detail[0].type, 'uuid_parsing');
  const ok = await fetch(`${lp.url}/api/v1/beta/files?organization_id=00000000-0000-4000-8000-000000000002`, { headers: AUTH });
  assert.equal(ok.status, 200);
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files`)).status, 401);
});

test('list pages with a cursor and filters; query does the same', async () => {
  await reset();
  const ids = [];
  for (const n of ['c.txt', 'a.txt', 'b.txt']) ids.push((await betaCreate(n, `text of ${n}`)).json.id);
  const p1 = await (await fetch(`${lp.url}/api/v1/beta/files?page_size=2`, { headers: AUTH })).json();
  assert.deepEqual(p1.items.map((f) => f.id), ids.slice(0, 2));
  assert.equal(p1.total_size, 3);
  assert.ok(p1.next_page_token);
  const p2 = await (await fetch(`${lp.url}/api/v1/beta/files?page_size=2&page_token=${p1.next_page_token}`, { headers: AUTH })).json();
  assert.deepEqual(p2.items.map((f) => f.id), ids.slice(2));
  assert.equal(p2.next_page_token, null);
  const byName = await (await fetch(`${lp.url}/api/v1/beta/files?order_by=name`, { headers: AUTH })).json();
  assert.deepEqual(byName.items.map((f) => f.name), ['a.txt', 'b.txt', 'c.txt']);
  const some = await (await fetch(`${lp.url}/api/v1/beta/files?file_ids=${ids[0]}&file_ids=${ids[2]}`, { headers: AUTH })).json();
  assert.deepEqual(some.items.map((f) => f.id), [ids[0], ids[2]]);
  const one = await (await fetch(`${lp.url}/api/v1/beta/files?file_name=b.txt`, { headers: AUTH })).json();
  assert.deepEqual(one.items.map((f) => f.id), [ids[2]]);
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files?order_by=size`, { headers: AUTH })).status, 422);
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files?page_size=0`, { headers: AUTH })).status, 422);
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files?page_token=zz`, { headers: AUTH })).status, 400);
  const q = await (await fetch(`${lp.url}/api/v1/beta/files/query`, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ filter: { file_ids: [ids[1]] }, page_size: 10 }) })).json();
  assert.deepEqual(q.items.map((f) => f.id), [ids[1]]);
});

test('the /api/v1/files presigned PUT flow, then v2 parse by file_id', async () => {
  await reset();
  const pre = await fetch(`${lp.url}/api/v1/files`, { method: 'PUT', headers: JSON_AUTH, body: JSON.stringify({ name: 'claims.csv' }) });
  assert.equal(pre.status, 200);
  const { url, file_id, expires_at } = await pre.json();
  assert.ok(url && file_id && expires_at);
  assert.equal((await (await fetch(`${lp.url}/api/v1/files/${file_id}`, { headers: AUTH })).json()).file_size, null);
  assert.equal((await fetch(`${lp.url}/api/v1/files/${file_id}/content`, { headers: AUTH })).status, 400, 'no bytes yet');
  const bytes = fs.readFileSync(path.join(DATA, 'claims.csv'));
  assert.equal((await fetch(url, { method: 'PUT', body: bytes })).status, 200);
  const file = await (await fetch(`${lp.url}/api/v1/files/${file_id}`, { headers: AUTH })).json();
  assert.equal(file.file_size, bytes.length);
  const dl = await (await fetch(`${lp.url}/api/v1/files/${file_id}/content`, { headers: AUTH })).json();
  assert.deepEqual(Buffer.from(await (await fetch(dl.url)).arrayBuffer()), bytes);
  const job = await (await fetch(`${lp.url}/api/v2/parse`, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ file_id, tier: 'fast', version: 'latest' }) })).json();
  const done = await (await fetch(`${lp.url}/api/v2/parse/${job.id}?expand=markdown`, { headers: AUTH })).json();
  assert.equal(done.job.status, 'COMPLETED');
  assert.equal(done.job.name, 'claims.csv');
  assert.match(done.markdown.pages[0].markdown, /^\| claim_id \|/);
  assert.equal((await fetch(`${lp.url}/api/v1/files`, { method: 'PUT', headers: JSON_AUTH, body: '{}' })).status, 422);
});

test('the v1 multipart create and upload_from_url', async () => {
  await reset();
  const fd = new FormData();
  fd.append('upload_file', new Blob(['# Hello\n']), 'hello.md');
  const made = await (await fetch(`${lp.url}/api/v1/files?external_file_id=x-9`, { method: 'POST', headers: AUTH, body: fd })).json();
  assert.equal(made.name, 'hello.md');
  assert.equal(made.external_file_id, 'x-9');
  assert.equal(made.file_size, 8);
  const docs = http.createServer((req, res) => res.end(fs.readFileSync(path.join(DATA, 'benefits.md'))));
  await new Promise((ok) => docs.listen(0, '127.0.0.1', ok));
  try {
    const r = await fetch(`${lp.url}/api/v1/files/upload_from_url`, { method: 'PUT', headers: JSON_AUTH, body: JSON.stringify({ url: `http://127.0.0.1:${docs.address().port}/docs/benefits.md` }) });
    const f = await r.json();
    assert.equal(f.name, 'benefits.md');
    let size = null;
    for (let i = 0; i < 50 && size === null; i++) {
      size = (await (await fetch(`${lp.url}/api/v1/files/${f.id}`, { headers: AUTH })).json()).file_size;
      if (size === null) await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.equal(size, fs.statSync(path.join(DATA, 'benefits.md')).size);
  } finally {
    docs.close();
  }
  const bad = await fetch(`${lp.url}/api/v1/files/upload_from_url`, { method: 'PUT', headers: JSON_AUTH, body: '{"url":"ftp://x"}' });
  assert.equal(bad.status, 422);
});

test('projects: one default project', async () => {
  const list = await (await fetch(`${lp.url}/api/v1/projects`, { headers: AUTH })).json();
  assert.equal(list.length, 1);
  assert.equal(list[0].is_default, true);
  const one = await fetch(`${lp.url}/api/v1/projects/${list[0].id}`, { headers: AUTH });
  assert.equal((await one.json()).organization_id, list[0].organization_id);
  assert.equal((await fetch(`${lp.url}/api/v1/projects?organization_id=xyz`, { headers: AUTH })).status, 422);
});

test('the store holds at most --max-file-bytes, by upload and by presigned PUT', async () => {
  // A server of its own: the shared one's 2 s TTL could free the bytes mid-test on a loaded machine.
  const own = await startServer('mock_llamaparse', ['--max-file-bytes', '200k']);
  try {
    const create = async (name, bytes) => {
      const fd = new FormData();
      fd.append('purpose', 'parse');
      fd.append('file', new Blob([bytes]), name);
      const res = await fetch(`${own.url}/api/v1/beta/files`, { method: 'POST', headers: AUTH, body: fd });
      return { res, json: await res.json() };
    };
    const big = 'x'.repeat(120 * 1024);
    assert.equal((await create('a.txt', big)).res.status, 200);
    const over = await create('b.txt', big);
    assert.equal(over.res.status, 429);
    assert.match(over.json.detail, /--max-file-bytes/);
    const pre = await (await fetch(`${own.url}/api/v1/files`, { method: 'PUT', headers: JSON_AUTH, body: '{"name":"c.txt"}' })).json();
    assert.equal((await fetch(pre.url, { method: 'PUT', body: big })).status, 429);
    assert.equal((await fetch(pre.url, { method: 'PUT', body: 'small' })).status, 200);
    const d = (await create('d.txt', 'x'.repeat(1000))).json;
    assert.equal(d.file_size, 1000);
    await fetch(`${own.url}/__control/reset`, { method: 'POST' });
    assert.equal((await create('e.txt', big)).res.status, 200, 'reset frees the bytes');
  } finally {
    await own.stop();
  }
});

test('the store is bounded (--max-files), files expire (--file-ttl), reset clears it', async () => {
  await reset();
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await betaCreate(`f${i}.txt`, 'x')).json.id);
  const full = await betaCreate('f5.txt', 'x');
  assert.equal(full.res.status, 429);
  assert.equal(full.res.headers.get('retry-after'), '1');
  await reset();
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files/${ids[0]}`, { headers: AUTH })).status, 404);
  // expiry on a server of its own, so the shared one's files never expire mid-test
  const short = await startServer('mock_llamaparse', ['--file-ttl', '1']);
  try {
    const fd = new FormData();
    fd.append('purpose', 'parse');
    fd.append('file', new Blob(['x']), 'short.txt');
    const made = await (await fetch(`${short.url}/api/v1/beta/files`, { method: 'POST', headers: AUTH, body: fd })).json();
    assert.ok(Date.parse(made.expires_at) - Date.parse(made.created_at) === 1000, 'expires_at is created_at + --file-ttl');
    await new Promise((ok) => setTimeout(ok, 1100));
    assert.equal((await fetch(`${short.url}/api/v1/beta/files/${made.id}`, { headers: AUTH })).status, 404, 'past its TTL');
  } finally {
    await short.stop();
  }
});

test('per-test scopes: a test lists and resets only its own files', async () => {
  await reset();
  const mine = (await betaCreate('mine.txt', 'x', { purpose: 'parse' })).json.id;
  const fd = new FormData();
  fd.append('purpose', 'parse');
  fd.append('file', new Blob(['y']), 'theirs.txt');
  const theirs = (await (await fetch(`${lp.url}/api/v1/beta/files`, { method: 'POST', headers: { ...AUTH, 'x-test-id': 't-files' }, body: fd })).json()).id;
  const scoped = await (await fetch(`${lp.url}/api/v1/beta/files`, { headers: { ...AUTH, 'x-test-id': 't-files' } })).json();
  assert.deepEqual(scoped.items.map((f) => f.id), [theirs]);
  const all = await (await fetch(`${lp.url}/api/v1/beta/files`, { headers: AUTH })).json();
  assert.deepEqual(all.items.map((f) => f.id), [mine, theirs]);
  await fetch(`${lp.url}/__control/reset?test_id=t-files`, { method: 'POST' });
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files/${theirs}`, { headers: AUTH })).status, 404);
  assert.equal((await fetch(`${lp.url}/api/v1/beta/files/${mine}`, { headers: AUTH })).status, 200);
});
