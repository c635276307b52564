// Job-level faults on mock_llamaparse: through rules, per request with
// x-mock-fault, from the old mock's environment knobs.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k' };
let lp;
let hooks;

// A webhook receiver that counts what arrives.
function receiver() {
  const calls = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { calls.push({ at: Date.now(), body }); res.end('ok'); });
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${srv.address().port}/hook`, calls, close: () => new Promise((c) => srv.close(c)) })));
}

before(async () => {
  hooks = await receiver();
  lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0', '--webhook-backoff-ms', '50']);
});
after(async () => { await lp.stop(); await hooks.close(); });
beforeEach(async () => { await fetch(`${lp.url}/__control/reset`, { method: 'POST' }); });

function upload(headers = {}, fields = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob(['# Title\n\nSome text.\n']), 'doc.md');
  return fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { ...AUTH, ...headers }, body: fd }).then((r) => r.json());
}
const status = async (id) => (await fetch(`${lp.url}/api/v1/parsing/job/${id}`, { headers: AUTH })).json();
const rule = (r) => fetch(`${lp.url}/__control/faults`, { method: 'POST', body: JSON.stringify(r) });
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

test('job_status through a rule: ERROR with the given code and message, then normal jobs', async () => {
  assert.equal((await rule({ path: '/api/v1/parsing/upload', job_status: 'ERROR', job_error_code: 'NO_DATA_FOUND_IN_FILE', job_error_message: 'nothing here', times: 1 })).status, 201);
  const bad = await upload();
  const st = await status(bad.id);
  assert.deepEqual([st.status, st.error_code, st.error_message], ['ERROR', 'NO_DATA_FOUND_IN_FILE', 'nothing here']);
  const res = await fetch(`${lp.url}/api/v1/parsing/job/${bad.id}/result/markdown`, { headers: AUTH });
  assert.equal(res.status, 400);
  assert.equal((await status((await upload()).id)).status, 'SUCCESS');
});

test('per request: stuck stays PENDING; EXPIRED, PARTIAL_SUCCESS, CANCELLED; job_delay_ms', async () => {
  const stuck = await upload({ 'x-mock-fault': 'job_status=stuck' });
  await wait(200);
  assert.equal((await status(stuck.id)).status, 'PENDING');
  const expired = await status((await upload({ 'x-mock-fault': 'job_status=EXPIRED' })).id);
  assert.deepEqual([expired.status, expired.error_code], ['ERROR', 'EXPIRED']);
  const partial = await upload({ 'x-mock-fault': 'job_status=PARTIAL_SUCCESS' });
  assert.equal((await status(partial.id)).status, 'PARTIAL_SUCCESS');
  assert.equal((await fetch(`${lp.url}/api/v1/parsing/job/${partial.id}/result/markdown`, { headers: AUTH })).status, 200);
  assert.equal((await status((await upload({ 'x-mock-fault': 'job_status=CANCELLED' })).id)).status, 'CANCELLED');
  const slow = await upload({ 'x-mock-fault': 'job_delay_ms=400' });
  assert.equal((await status(slow.id)).status, 'PENDING');
  await wait(500);
  assert.equal((await status(slow.id)).status, 'SUCCESS');
  const bad = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { ...AUTH, 'x-mock-fault': 'job_status=LATE' }, body: new FormData() });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).detail, /invalid 'job_status'/);
});

test('webhook faults: drop, duplicate, delay, a pretended 503', async () => {
  const hooked = async (fault) => {
    const { id } = await upload({ 'x-mock-fault': `webhook=${fault}` }, { webhook_url: hooks.url });
    return id;
  };
  const count = (id) => hooks.calls.filter((c) => c.body.includes(id)).length;
  const dropped = await hooked('drop');
  const twice = await hooked('duplicate');
  const t0 = Date.now();
  const late = await hooked('delay_ms=400');
  const pretend = await hooked('status=503');
  await wait(900);
  assert.equal(count(dropped), 0);
  assert.equal(count(twice), 2);
  assert.equal(count(late), 1);
  assert.ok(hooks.calls.find((c) => c.body.includes(late)).at - t0 >= 390);
  assert.equal(count(pretend), 1, 'the pretended failure is retried for real');
  const { deliveries } = await (await fetch(`${lp.url}/__control/webhooks`)).json();
  assert.deepEqual(deliveries.filter((d) => d.job_id === pretend).map((d) => [d.attempt, d.status, d.delivered]), [[1, 503, false], [2, 200, true]]);
  assert.match(deliveries.find((d) => d.job_id === dropped).error, /dropped/);
  assert.equal((await rule({ webhook: 'sometimes' })).status, 400);
});

test('MOCK_LLAMAPARSE_FAILURE_RATE and MOCK_LLAMAPARSE_DELAY still work', async () => {
  const s = await startServer('mock_llamaparse', ['--job-ms-per-page', '0'], { MOCK_LLAMAPARSE_FAILURE_RATE: '1', MOCK_LLAMAPARSE_DELAY: '0.3' });
  try {
    const id = crypto.randomUUID();
    const r = await fetch(`${s.url}/parse`, { method: 'POST', body: JSON.stringify({ job_id: id, source_url: 'http://127.0.0.1:9/x.txt' }) });
    assert.equal((await r.json()).estimated_completion, 1);
    const fd = new FormData();
    fd.append('file', new Blob(['hello']), 'a.txt');
    const up = await (await fetch(`${s.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd })).json();
    assert.equal(up.status, 'PENDING');
    await wait(400);
    assert.equal((await (await fetch(`${s.url}/api/v1/parsing/job/${up.id}`, { headers: AUTH })).json()).status, 'ERROR');
  } finally {
    await s.stop();
  }
});
