// Hardening, second round: races, fault parameters that must fit their
// kind, and bounds on what one request can make the server build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { exchange } from '../lib/raw.mjs';
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

async function upload(fields, headers = {}) {
  const form = new FormData();
  form.append('file', new Blob(['TITLE\n\nSome text.\n']), 'doc.txt');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: form,
    headers: { authorization: 'Bearer llx', ...headers } });
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

// A receiver that records when each webhook came; /slow answers after 2 s.
function receiver() {
  const calls = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      calls.push({ path: req.url, body, at: Date.now(), headers: req.headers });
      setTimeout(() => res.writeHead(200).end('ok'), req.url === '/slow' ? 2000 : 0);
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${srv.address().port}`, calls, close: () => { srv.closeAllConnections(); return new Promise((r) => srv.close(r)); },
  })));
}

test('a webhook delay, or a slow receiver, holds up only its own job\'s webhook', async () => {
  const recv = await receiver();
  try {
    const t0 = Date.now();
    const late = await upload({ webhook_url: `${recv.url}/late` }, { 'x-mock-fault': 'webhook=delay_ms=1500' });
    const slow = await upload({ webhook_url: `${recv.url}/slow` });
    const quick = await upload({ webhook_url: `${recv.url}/quick` });
    for (const r of [late, slow, quick]) assert.equal(r.status, 200);
    const seen = (path) => recv.calls.find((c) => c.path === path);
    for (let i = 0; i < 100 && !seen('/quick'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(seen('/quick'), 'the quick webhook came');
    assert.ok(seen('/quick').at - t0 < 1000, `it came ${seen('/quick').at - t0} ms after, behind neither the delay nor the slow receiver`);
    for (let i = 0; i < 150 && !seen('/late'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(seen('/late').at - t0 >= 1450, 'the delayed one still waited its delay');
  } finally {
    await recv.close();
  }
});

test('a configured Content-Type replaces the default instead of doubling it', async () => {
  const recv = await receiver();
  try {
    const confs = JSON.stringify([{ webhook_url: `${recv.url}/typed`, webhook_headers: { 'Content-Type': 'application/vnd.test+json' } }]);
    assert.equal((await upload({ webhook_configurations: confs })).status, 200);
    for (let i = 0; i < 100 && !recv.calls.some((c) => c.path === '/typed'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(recv.calls.find((c) => c.path === '/typed').headers['content-type'], 'application/vnd.test+json');
  } finally {
    await recv.close();
  }
});

// RFC 9112: heads a proxy could read differently from us, each of which let
// a second, hidden request through (here a GET /health after the first).
const SMUGGLED = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
const heads = {
  'Content-Length and Transfer-Encoding': 'POST /v1/models HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'two Content-Lengths': 'POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 30\r\n\r\n{}',
  'a Transfer-Encoding other than chunked': 'POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
  'whitespace in a header name': 'POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 2\r\n\r\n{}',
  'no Host on HTTP/1.1': 'GET /v1/models HTTP/1.1\r\n\r\n',
  'two Hosts': 'GET /v1/models HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
};
for (const [what, head] of Object.entries(heads)) {
  test(`protocol: ${what} is a 400, the connection closes, nothing after it is served`, async () => {
    const r = await exchange(oa.port, [head + SMUGGLED], { timeout: 3000 });
    assert.equal(r.how, 'closed', `${what}: ${r.how}`);
    assert.match(r.text, /^HTTP\/1\.1 400 /);
    assert.equal(r.text.match(/HTTP\/1\.1 \d{3}/g).length, 1, 'one answer only');
    assert.match(r.text, /"type":"invalid_request_error"/);
  });
}

test('protocol: an absolute-form target is served; 405 lists HEAD beside GET', async () => {
  const r = await exchange(oa.port, [`GET http://127.0.0.1:${oa.port}/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
  assert.match(r.text, /^HTTP\/1\.1 200 /);
  const res = await fetch(`${oa.url}/health`, { method: 'DELETE' });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'GET, HEAD');
});

// Decided by libmicrohttpd 0.9.75 before our code runs (README, Limits):
// pinned so that a change in the library shows here.
test('protocol, libmicrohttpd\'s own: an obs-folded header and a NUL in the target smuggle nothing', async () => {
  const folded = await exchange(oa.port, ['GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\nConnection: close\r\n\r\n' + SMUGGLED]);
  assert.equal((folded.text.match(/HTTP\/1\.1 \d{3}/g) || []).length, 1);
  const nul = await exchange(oa.port, ['GET /hea\0lth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  assert.match(nul.text, /^HTTP\/1\.1 404 /); /* the target ends at the NUL: /hea */
});

test('URL fetches run at once: a silent source holds up only its own job, and --fetch-timeout-ms ends it', async () => {
  const silent = http.createServer(() => {}); // never answers
  const docs = http.createServer((req, res) => res.writeHead(200).end('TITLE\n\nA document.\n'));
  await Promise.all([silent, docs].map((srv) => new Promise((r) => srv.listen(0, '127.0.0.1', r))));
  const lp2 = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--fetch-timeout-ms', '1500']);
  const job = async (url) => {
    const form = new FormData();
    form.append('input_url', url);
    const res = await fetch(`${lp2.url}/api/v1/parsing/upload`, { method: 'POST', body: form, headers: { authorization: 'Bearer llx' } });
    return (await res.json()).id;
  };
  const status = async (id) => (await (await fetch(`${lp2.url}/api/v1/parsing/job/${id}`, { headers: { authorization: 'Bearer llx' } })).json());
  try {
    const stuck = await Promise.all([1, 2, 3].map(() => job(`http://127.0.0.1:${silent.address().port}/doc.txt`)));
    const t0 = Date.now();
    const quick = await job(`http://127.0.0.1:${docs.address().port}/doc.txt`);
    let st;
    for (let i = 0; i < 50 && (st = await status(quick)).status === 'PENDING'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(st.status, 'SUCCESS');
    assert.ok(Date.now() - t0 < 1000, `the quick fetch took ${Date.now() - t0} ms behind three silent ones`);
    for (let i = 0; i < 150 && (st = await status(stuck[0])).status === 'PENDING'; i++) await new Promise((r) => setTimeout(r, 30));
    assert.equal(st.status, 'ERROR');
    assert.match(st.error_message, /timed out|Timeout/i);
  } finally {
    await lp2.stop();
    silent.closeAllConnections();
    await Promise.all([silent, docs].map((srv) => new Promise((r) => srv.close(r))));
  }
});

test('uploads: the document is the `file` field only, and an empty `file` is never filled from another part', async () => {
  const post = async (parts) => {
    const form = new FormData();
    for (const [name, value, filename] of parts) form.append(name, new Blob([value]), filename);
    const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: form, headers: { authorization: 'Bearer llx' } });
    return { status: res.status, body: await res.json() };
  };
  const result = async (id) => {
    for (let i = 0; i < 50; i++) {
      const j = await (await fetch(`${lp.url}/api/v1/parsing/job/${id}`, { headers: { authorization: 'Bearer llx' } })).json();
      if (j.status !== 'PENDING') return j;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('still pending');
  };
  const other = await post([['attachment', 'NOT THE DOCUMENT\n', 'a.txt'], ['file', 'THE DOCUMENT\n\nText.\n', 'doc.txt']]);
  assert.equal(other.status, 200);
  assert.equal((await result(other.body.id)).status, 'SUCCESS');
  const md = await (await fetch(`${lp.url}/api/v1/parsing/job/${other.body.id}/result/markdown`, { headers: { authorization: 'Bearer llx' } })).json();
  assert.match(md.markdown, /THE DOCUMENT/, JSON.stringify(md));
  assert.doesNotMatch(md.markdown, /NOT THE DOCUMENT/);
  const empty = await post([['file', '', 'empty.txt'], ['file', 'SOMEONE ELSE\n', 'other.txt']]);
  assert.equal(empty.status, 200);
  const job = await result(empty.body.id);
  assert.equal(job.status, 'ERROR');
  assert.equal(job.error_code, 'NO_DATA_FOUND_IN_FILE');
});

test('uploads: more than 1,000 form fields are refused with a clear error, quickly', async () => {
  const form = new FormData();
  form.append('file', new Blob(['TITLE\n\nText.\n']), 'doc.txt');
  for (let i = 0; i < 1200; i++) form.append(`f${i}`, 'x');
  const t0 = Date.now();
  const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: form, headers: { authorization: 'Bearer llx' } });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { detail: 'Too many fields. Maximum number of fields is 1000.' });
  const ok = new FormData();
  ok.append('file', new Blob(['TITLE\n\nText.\n']), 'doc.txt');
  for (let i = 0; i < 900; i++) ok.append(`f${i}`, 'x');
  assert.equal((await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: ok, headers: { authorization: 'Bearer llx' } })).status, 200);
  assert.ok(Date.now() - t0 < 5000);
});

test('protocol, libmicrohttpd\'s own: 400 query arguments fill the connection\'s memory and get no answer; --idle-timeout ends it', async () => {
  const s = await startServer('mock_openai', ['--idle-timeout', '1']);
  try {
    const args = Array.from({ length: 400 }, (_, i) => `a${i}=${i}`).join('&');
    const r = await exchange(s.port, [`GET /health?${args} HTTP/1.1\r\nHost: x\r\n\r\n`], { timeout: 4000 });
    assert.equal(r.how, 'closed');
    assert.equal(r.text, '');
    assert.ok(r.ms >= 900, `closed after ${r.ms} ms`);
    const few = await exchange(s.port, ['GET /health?a=1&b=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    assert.match(few.text, /^HTTP\/1\.1 200 /);
  } finally {
    await s.stop();
  }
});

// One request may not cost more than a small multiple of its own size: the
// configurations of a job share one body per output format, so 20 of them
// hold as many webhook bytes as 2 (mock_webhook_payload_bytes counts the
// bodies held, each shared one once; the old sender built 20 copies).
test('webhook fan-out: 20 configurations hold no more webhook bytes than 2', async () => {
  const s = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0', '--webhook-retries', '0',
    '--webhook-timeout-ms', '5000']);
  const silent = net.createServer(() => {}); // holds every delivery open
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  const held = async () => Number(/^mock_webhook_payload_bytes (\d+)$/m.exec(await (await fetch(`${s.url}/metrics`)).text())[1]);
  const text = Array.from({ length: 9000 }, (_, i) => `Paragraph ${i} of a long document about claims and cover.\n`).join('\n');
  const upload = async (n) => {
    const form = new FormData();
    form.append('file', new Blob([text]), 'long.txt');
    const url = `http://127.0.0.1:${silent.address().port}/hook`;
    form.append('webhook_configurations', JSON.stringify(Array.from({ length: n }, (_, i) => ({
      webhook_url: url, webhook_output_format: i % 2 ? 'json' : 'string', webhook_events: ['parse.success'] }))));
    const res = await fetch(`${s.url}/api/v1/parsing/upload`, { method: 'POST', body: form, headers: { authorization: 'Bearer llx' } });
    assert.equal(res.status, 200);
  };
  // Past `above`, and the same twice 100 ms apart: every body of the job built.
  const settled = async (above) => {
    let last = -1;
    for (let i = 0; i < 50; i++) {
      const v = await held();
      if (v > above && v === last) return v;
      last = v;
      await new Promise((r) => setTimeout(r, 100));
    }
    return held();
  };
  try {
    assert.equal(await held(), 0);
    await upload(2);
    const two = await settled(0);
    assert.ok(two > text.length, `2 configurations hold ${two} bytes`);
    await upload(20);
    const twenty = (await settled(two)) - two;
    assert.ok(twenty > 0 && twenty <= two * 1.01, `20 configurations hold ${twenty} bytes, 2 hold ${two}`);
  } finally {
    await s.stop();
    silent.close();
  }
});
