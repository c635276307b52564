// Webhooks from mock_llamaparse to a receiver in the test: payloads,
// sha256 and signatures, retries with backoff, the delivery log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { repoRoot, startServer } from '../lib/server.mjs';
import { until } from '../lib/wait.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');
const SECRET = 'whsec-test';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let lp;
let recv;

// Serves the sample documents on GET and records webhook POSTs; the
// first `failFirst` POSTs to /flaky get 503.
function receiver() {
  const calls = [];
  let failFirst = 0;
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (req.method === 'GET') {
        const file = path.join(DATA, path.basename(req.url));
        res.writeHead(fs.existsSync(file) ? 200 : 404).end(fs.existsSync(file) ? fs.readFileSync(file) : '');
        return;
      }
      calls.push({ path: req.url, headers: req.headers, body });
      if (req.url === '/flaky' && failFirst > 0) {
        failFirst--;
        res.writeHead(503).end('busy');
        return;
      }
      res.writeHead(req.url === '/refuse' ? 410 : 200).end('ok');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    base: `http://127.0.0.1:${srv.address().port}`,
    calls,
    failNext: (n) => { failFirst = n; },
    close: () => new Promise((r) => srv.close(r)),
  })));
}

before(async () => {
  recv = await receiver();
  lp = await startServer('mock_llamaparse', ['--job-delay-ms', '100', '--job-ms-per-page', '0',
    '--webhook-secret', SECRET, '--webhook-backoff-ms', '50', '--webhook-retries', '3']);
});
after(async () => { await lp.stop(); await recv.close(); });


const parse = (body) => fetch(`${lp.url}/parse`, { method: 'POST', body: JSON.stringify(body) });
const hmac = (body) => crypto.createHmac('sha256', SECRET).update(body).digest('hex');

test('old contract: the webhook carries the markdown artifact, its sha256 and a signature', async () => {
  const id = crypto.randomUUID();
  assert.equal((await parse({ job_id: id, source_url: `${recv.base}/policy-basic.txt`, webhook_url: `${recv.base}/hook` })).status, 200);
  const call = await until(() => recv.calls.find((c) => c.body.includes(id)), 'the webhook');
  const payload = JSON.parse(call.body);
  assert.equal(payload.job_id, id);
  assert.match(payload.document_id, UUID);
  assert.equal(payload.status, 'parsed');
  const [art] = payload.artifacts;
  assert.equal(art.type, 'markdown');
  assert.match(art.content, /^# ALDERWICK HEALTH MUTUAL/);
  assert.match(art.sha256, /^[a-f0-9]{64}$/);
  assert.equal(art.sha256, crypto.createHash('sha256').update(art.content).digest('hex'));
  assert.equal(art.bytes, Buffer.byteLength(art.content));
  assert.deepEqual(payload.meta, { parser_name: 'llamaparse', parser_version: '2025-08-01' });
  assert.equal(call.headers['x-webhook-signature'], hmac(call.body));
  assert.equal(call.headers['content-type'], 'application/json');
});

test('a failed job reports status failed with no artifacts', async () => {
  const id = crypto.randomUUID();
  await parse({ job_id: id, source_url: `${recv.base}/missing.pdf`, webhook_url: `${recv.base}/hook` });
  const call = await until(() => recv.calls.find((c) => c.body.includes(id)), 'the failure webhook');
  const payload = JSON.parse(call.body);
  assert.equal(payload.status, 'failed');
  assert.deepEqual(payload.artifacts, []);
});

test('5xx answers are retried with backoff; every attempt is in /__control/webhooks', async () => {
  recv.failNext(2);
  const id = crypto.randomUUID();
  await parse({ job_id: id, source_url: `${recv.base}/benefits.md`, webhook_url: `${recv.base}/flaky` });
  // the log entry is written once the receiver's answer is in
  const mine = await until(async () => {
    const { deliveries } = await (await fetch(`${lp.url}/__control/webhooks`)).json();
    const m = deliveries.filter((d) => d.job_id === id);
    return m.length === 3 && m;
  }, 'three logged attempts');
  assert.equal(recv.calls.filter((c) => c.body.includes(id)).length, 3);
  assert.deepEqual(mine.map((d) => [d.attempt, d.status, d.delivered]), [[1, 503, false], [2, 503, false], [3, 200, true]]);
  assert.equal(mine[0].error, 'HTTP 503');
});

test('a 4xx answer is final: no retry', async () => {
  const id = crypto.randomUUID();
  await parse({ job_id: id, source_url: `${recv.base}/benefits.md`, webhook_url: `${recv.base}/refuse` });
  await until(() => recv.calls.find((c) => c.body.includes(id)), 'the webhook');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(recv.calls.filter((c) => c.body.includes(id)).length, 1);
});

test('v1 upload with webhook_url: txt, md, json pages, signed in LC-Signature', async () => {
  const fd = new FormData();
  fd.append('webhook_url', `${recv.base}/v1hook`);
  fd.append('file', new Blob([fs.readFileSync(path.join(DATA, 'claims.csv'))]), 'claims.csv');
  const up = await (await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: fd })).json();
  const call = await until(() => recv.calls.find((c) => c.path === '/v1hook' && c.body.includes(up.id)), 'the v1 webhook');
  const payload = JSON.parse(call.body);
  assert.equal(payload.status, 'SUCCESS');
  assert.match(payload.md, /^\| claim_id \|/);
  assert.match(payload.txt, /claim_id/);
  assert.ok(payload.json.length >= 1 && payload.json[0].page === 1);
  assert.deepEqual(payload.images, []);
  assert.equal(call.headers['lc-signature'], `sha256=${hmac(call.body)}`);
});

test('webhook_configurations: events, output format, headers, per-configuration secret', async () => {
  const confs = [
    { webhook_url: `${recv.base}/cfg-all`, webhook_output_format: 'json', webhook_headers: { 'x-team': 'docs' }, webhook_signing_secret: 'per-hook' },
    { webhook_url: `${recv.base}/cfg-errors`, webhook_events: ['parse.error'] },
  ];
  const fd = new FormData();
  fd.append('webhook_configurations', JSON.stringify(confs));
  fd.append('file', new Blob([fs.readFileSync(path.join(DATA, 'benefits.md'))]), 'benefits.md');
  const up = await (await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: fd })).json();
  const mine = () => recv.calls.filter((c) => c.body.includes(up.id));
  await until(() => mine().filter((c) => c.path === '/cfg-all').length === 3, 'pending, running and success');
  const [pending, running, success] = mine().filter((c) => c.path === '/cfg-all').map((c) => ({ ...c, json: JSON.parse(c.body) }));
  assert.equal(pending.json.event, 'parse.pending');
  assert.equal(pending.json.data, null);
  assert.equal(running.json.event, 'parse.running');
  assert.equal(running.json.status, 'PENDING', 'v1 has no RUNNING status');
  assert.equal(success.json.event, 'parse.success');
  assert.equal(success.json.status, 'SUCCESS');
  assert.match(success.json.data.pages[0].md, /^# Silver Choice PPO 2500/);
  assert.equal(success.headers['x-team'], 'docs');
  assert.equal(success.headers['lc-signature'], `sha256=${crypto.createHmac('sha256', 'per-hook').update(success.body).digest('hex')}`);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(mine().filter((c) => c.path === '/cfg-errors').length, 0, 'not subscribed to success');

  const failing = new FormData();
  failing.append('webhook_configurations', JSON.stringify([{ webhook_url: `${recv.base}/cfg-errors`, webhook_events: ['parse.error'] }]));
  failing.append('file', new Blob(['x']), 'x.md');
  const bad = await (await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { authorization: 'Bearer k', 'x-mock-fault': 'job_status=ERROR' }, body: failing })).json();
  const err = await until(() => recv.calls.find((c) => c.path === '/cfg-errors' && c.body.includes(bad.id)), 'parse.error');
  const env = JSON.parse(JSON.parse(err.body)); // the default format: the envelope as a JSON string
  assert.equal(env.event, 'parse.error');
  assert.equal(env.data.error_code, 'ERROR_DURING_PROCESSING');
  assert.equal(err.headers['lc-signature'], `sha256=${hmac(err.body)}`, 'falls back to --webhook-secret');

  const invalid = new FormData();
  invalid.append('webhook_configurations', '[{"webhook_url":"ftp://x"}]');
  invalid.append('file', new Blob(['x']), 'x.md');
  const rejected = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: invalid });
  assert.equal(rejected.status, 422);
  assert.deepEqual((await rejected.json()).detail[0].loc, ['body', 'webhook_configurations']);
});

test('v2 source_url job with webhook_configurations in the body', async () => {
  const res = await fetch(`${lp.url}/api/v2/parse`, {
    method: 'POST', headers: { authorization: 'Bearer k' },
    body: JSON.stringify({ source_url: `${recv.base}/claims.csv`, tier: 'fast', webhook_configurations: [{ webhook_url: `${recv.base}/v2hook`, webhook_events: ['parse.success'] }] }),
  });
  const job = await res.json();
  const call = await until(() => recv.calls.find((c) => c.path === '/v2hook' && c.body.includes(job.id)), 'the v2 webhook');
  const env = JSON.parse(JSON.parse(call.body));
  assert.equal(env.event, 'parse.success');
  assert.equal(env.status, 'COMPLETED', 'v2 status names');
  assert.match(env.data.md, /^\| claim_id \|/);
});

test('webhook_output_format: string (the default) sends a JSON string, json an object; v2 jobs speak v2 names', async () => {
  const confs = [
    { webhook_url: `${recv.base}/fmt-string`, webhook_output_format: 'string', webhook_events: ['parse.success'] },
    { webhook_url: `${recv.base}/fmt-json`, webhook_output_format: 'json' },
  ];
  const fd = new FormData();
  fd.append('configuration', JSON.stringify({ tier: 'fast', version: 'latest', webhook_configurations: confs }));
  fd.append('file', new Blob([fs.readFileSync(path.join(DATA, 'benefits.md'))]), 'benefits.md');
  const job = await (await fetch(`${lp.url}/api/v2/parse/upload`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: fd })).json();
  const mine = (p) => recv.calls.filter((c) => c.path === p && c.body.includes(job.id));
  await until(() => mine('/fmt-json').length === 3 && mine('/fmt-string').length === 1, 'both formats');
  const asString = mine('/fmt-string')[0];
  const outer = JSON.parse(asString.body);
  assert.equal(typeof outer, 'string');
  const inner = JSON.parse(outer);
  assert.equal(inner.event, 'parse.success');
  assert.equal(inner.status, 'COMPLETED');
  assert.equal(asString.headers['lc-signature'], `sha256=${hmac(asString.body)}`, 'signed over the body as sent');
  const events = mine('/fmt-json').map((c) => JSON.parse(c.body));
  assert.deepEqual(events.map((e) => [e.event, e.status]), [['parse.pending', 'PENDING'], ['parse.running', 'RUNNING'], ['parse.success', 'COMPLETED']]);
  assert.equal(typeof events[2].data, 'object');
  assert.match(events[2].data.md, /^# Silver Choice PPO 2500/);
  assert.equal(events[2].data.pages[0].page, 1);
});

test('parse.running comes once the job is running, before it ends', async () => {
  const slow = await startServer('mock_llamaparse', ['--job-delay-ms', '900', '--job-ms-per-page', '0']);
  try {
    const fd = new FormData();
    fd.append('webhook_configurations', JSON.stringify([{ webhook_url: `${recv.base}/running`, webhook_output_format: 'json', webhook_events: ['parse.running'] }]));
    fd.append('file', new Blob(['# A\n']), 'a.md');
    const t0 = Date.now();
    const up = await (await fetch(`${slow.url}/api/v1/parsing/upload`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: fd })).json();
    const call = await until(() => recv.calls.find((c) => c.path === '/running' && c.body.includes(up.id)), 'parse.running');
    const waited = Date.now() - t0;
    assert.ok(waited >= 250 && waited < 900, `running after a third of the job's time (${waited} ms)`);
    const st = await (await fetch(`${slow.url}/api/v1/parsing/job/${up.id}`, { headers: { authorization: 'Bearer k' } })).json();
    assert.equal(st.status, 'PENDING', 'sent before the job ended');
    assert.equal(JSON.parse(call.body).event, 'parse.running');
  } finally {
    await slow.stop();
  }
});

test('--webhook-allow: only matching hosts get webhooks; the others are listed as not sent', async () => {
  const guarded = await startServer('mock_llamaparse', ['--job-delay-ms', '50', '--webhook-allow', '127.0.0.*',
    '--webhook-allow', 'hooks.example.test']);
  try {
    const port = new URL(recv.base).port;
    const ok = crypto.randomUUID();
    const refused = crypto.randomUUID();
    const post = (body) => fetch(`${guarded.url}/parse`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal((await post({ job_id: ok, source_url: `${recv.base}/policy-basic.txt`, webhook_url: `${recv.base}/allowed` })).status, 200);
    assert.equal((await post({ job_id: refused, source_url: `${recv.base}/policy-basic.txt`, webhook_url: `http://localhost:${port}/refused` })).status, 200);
    await until(() => recv.calls.find((c) => c.body.includes(ok)), 'the allowed webhook');
    const log = await until(async () => {
      const { deliveries } = await (await fetch(`${guarded.url}/__control/webhooks`)).json();
      return deliveries.find((d) => d.job_id === refused) && deliveries;
    }, 'the refusal in the log');
    const no = log.find((d) => d.job_id === refused);
    assert.equal(no.delivered, false);
    assert.equal(no.error, 'not sent: host localhost is not in --webhook-allow');
    assert.ok(!recv.calls.some((c) => c.body.includes(refused)), 'a refused webhook reached the receiver');
    // The job itself is kept and finished: only its report was withheld.
    assert.equal((await (await fetch(`${guarded.url}/jobs/${refused}`)).json()).status, 'completed');
  } finally {
    await guarded.stop();
  }
});

test('--webhook-queue: webhooks due past the limit are dropped and listed, the jobs are kept', async () => {
  // A receiver that holds its first answer, so the next jobs finish while the sender waits.
  let held = false;
  const slow = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const wait = held ? 0 : 600;
      held = true;
      setTimeout(() => res.writeHead(200).end('ok'), wait);
    });
  });
  await new Promise((r) => slow.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${slow.address().port}/hook`;
  const small = await startServer('mock_llamaparse', ['--job-delay-ms', '100', '--webhook-queue', '1']);
  try {
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const post = (id) => fetch(`${small.url}/parse`, { method: 'POST', body: JSON.stringify({ job_id: id, source_url: `${recv.base}/policy-basic.txt`, webhook_url: hook }) });
    await post(ids[0]);
    await new Promise((r) => setTimeout(r, 60));
    await Promise.all(ids.slice(1).map(post));
    const log = await until(async () => {
      const { deliveries } = await (await fetch(`${small.url}/__control/webhooks`)).json();
      return deliveries.length === 4 && deliveries;
    }, 'four webhook outcomes');
    const dropped = log.filter((d) => d.error === 'dropped: more webhooks were due than --webhook-queue');
    assert.ok(dropped.length >= 1, JSON.stringify(log));
    assert.equal(log.filter((d) => d.delivered).length + dropped.length, 4);
    for (const id of ids) assert.equal((await (await fetch(`${small.url}/jobs/${id}`)).json()).status, 'completed');
  } finally {
    await small.stop();
    await new Promise((r) => slow.close(r));
  }
});
