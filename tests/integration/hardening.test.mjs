// Hardening, second round: races, fault parameters that must fit their
// kind, and bounds on what one request can make the server build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer } from '../lib/server.mjs';

let lp;
let oa;
before(async () => {
  lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0']);
  oa = await startServer('mock_openai');
});
after(async () => { await lp.stop(); await oa.stop(); });

test('one job_id posted by 16 clients at once: exactly one job, fifteen 409s, every round', async () => {
  for (let round = 0; round < 40; round++) {
    const id = crypto.randomUUID();
    const body = JSON.stringify({ job_id: id, source_url: 'http://127.0.0.1:9/doc.pdf' });
    const statuses = await Promise.all(Array.from({ length: 16 },
      () => fetch(`${lp.url}/parse`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
        .then(async (r) => { await r.arrayBuffer(); return r.status; })));
    assert.deepEqual(statuses.filter((s) => s === 200).length, 1, `round ${round}: ${statuses}`);
    assert.ok(statuses.every((s) => s === 200 || s === 409), `round ${round}: ${statuses}`);
  }
});

test('a fault parameter must fit its kind', async () => {
  const body = JSON.stringify({ model: 'text-embedding-3-small', input: 'x' });
  const call = (fault) => fetch(`${oa.url}/v1/embeddings`, { method: 'POST', body,
    headers: { authorization: 'Bearer k', 'content-type': 'application/json', 'x-mock-fault': fault } });
  for (const [fault, msg] of [
    ['kind=hang;drip_bytes_per_s=5', `'drip_bytes_per_s' needs "kind": "drip"`],
    ['kind=drip;hang_ms=5', `'hang_ms' needs "kind": "hang"`],
    ['kind=reset;truncate_bytes=5', `'truncate_bytes' needs "kind": "truncate"`],
  ]) {
    const res = await call(fault);
    assert.equal(res.status, 400, fault);
    assert.ok((await res.json()).error.message.includes(msg), fault);
  }
  const rule = await fetch(`${oa.url}/__control/faults`, { method: 'POST',
    body: JSON.stringify({ kind: 'hang', drip_bytes_per_s: 5 }) });
  assert.equal(rule.status, 400);
});

test('truncate_bytes=0 sends the headers and no byte of the body', async () => {
  const res = await fetch(`${oa.url}/v1/models`, { headers: { authorization: 'Bearer k',
    'x-mock-fault': 'kind=truncate;truncate_bytes=0' } });
  assert.equal(res.status, 200);
  await assert.rejects(res.text()); /* the declared length never arrives */
});

async function upload(fields) {
  const form = new FormData();
  form.append('file', new Blob(['TITLE\n\nSome text.\n']), 'doc.txt');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: form,
    headers: { authorization: 'Bearer llx' } });
  return { status: res.status, body: await res.json() };
}

test('webhook_configurations: at most 20 entries, and no header that frames the request', async () => {
  const entry = { webhook_url: 'http://127.0.0.1:9/hook' };
  const many = await upload({ webhook_configurations: JSON.stringify(Array(21).fill(entry)) });
  assert.equal(many.status, 422);
  assert.match(many.body.detail[0].msg, /at most 20 entries/);
  assert.equal((await upload({ webhook_configurations: JSON.stringify(Array(20).fill(entry)) })).status, 200);
  for (const name of ['Content-Length', 'transfer-encoding', 'Host', 'Connection']) {
    const bad = await upload({ webhook_configurations: JSON.stringify([{ ...entry, webhook_headers: { [name]: '1' } }]) });
    assert.equal(bad.status, 422, name);
    assert.match(bad.body.detail[0].msg, /frames the request/);
  }
});

test('page_separator is bounded (it is written between every two pages of every answer)', async () => {
  const long = await upload({ page_separator: 'x'.repeat(513) });
  assert.equal(long.status, 422);
  assert.equal(long.body.detail[0].type, 'string_too_long');
  assert.deepEqual(long.body.detail[0].loc, ['body', 'page_separator']);
  assert.equal((await upload({ page_separator: 'x'.repeat(512) })).status, 200);
});
