// The old /parse contract as the document pipeline's own code expects it
// (../shared/reference/pipeline-compat.md): a webhook receiver written to its
// request model, its no-key smoke call to /v1/embeddings, and --fetch-allow
// to keep URL fetching on the machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { repoRoot, startServer } from '../lib/server.mjs';
import { until } from '../lib/wait.mjs';

const DATA = path.join(repoRoot, 'tests', 'data');
const SECRET = 'whsec-pipeline';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The pipeline's webhook model, field by field; returns [status, detail].
function validate(raw, headers) {
  const mac = crypto.createHmac('sha256', SECRET).update(raw).digest('hex');
  if (headers['x-webhook-signature'] !== mac) return [401, 'Invalid signature'];
  let p;
  try { p = JSON.parse(raw); } catch { return [422, 'body is not JSON']; }
  const errs = [];
  const str = (v) => typeof v === 'string';
  if (!str(p.job_id) || !UUID.test(p.job_id)) errs.push('job_id: not a UUID');
  if (!str(p.document_id) || !UUID.test(p.document_id)) errs.push('document_id: not a UUID');
  if (!str(p.parse_job_id)) errs.push('parse_job_id: missing');
  if (!['parsed', 'failed', 'processing'].includes(p.status)) errs.push('status: not allowed');
  if (!Array.isArray(p.artifacts)) errs.push('artifacts: not a list');
  for (const [i, a] of (p.artifacts || []).entries()) {
    if (!str(a.type) || !str(a.content)) errs.push(`artifacts[${i}]: type/content`);
    if (!str(a.sha256) || !/^[a-fA-F0-9]{64}$/.test(a.sha256)) errs.push(`artifacts[${i}].sha256`);
    if (!Number.isInteger(a.bytes) || a.bytes <= 0) errs.push(`artifacts[${i}].bytes`);
  }
  if (!p.meta || !str(p.meta.parser_name) || !str(p.meta.parser_version)) errs.push('meta');
  if (p.correlation_id !== undefined && p.correlation_id !== null && !str(p.correlation_id)) errs.push('correlation_id: not a string');
  if (errs.length) return [422, errs.join('; ')];
  if (!p.correlation_id) return [400, 'Missing correlation ID'];
  return [200, 'ok'];
}

// Serves documents (GET), validates webhooks (POST), redirects /to/<url>.
function pipeline() {
  const calls = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      if (req.url.startsWith('/to/')) {
        res.writeHead(302, { location: decodeURIComponent(req.url.slice(4)) }).end();
      } else if (req.method === 'GET') {
        const file = path.join(DATA, path.basename(req.url));
        const ok = fs.existsSync(file);
        res.writeHead(ok ? 200 : 404).end(ok ? fs.readFileSync(file) : '');
      } else {
        const raw = Buffer.concat(chunks).toString();
        const [status, detail] = validate(raw, req.headers);
        calls.push({ status, detail, headers: req.headers, body: raw ? JSON.parse(raw) : null });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ detail }));
      }
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    base: `http://127.0.0.1:${srv.address().port}`,
    port: srv.address().port,
    calls,
    close: () => new Promise((r) => srv.close(r)),
  })));
}

let lp;
let recv;
before(async () => {
  recv = await pipeline();
  lp = await startServer('mock_llamaparse', ['--job-delay-ms', '50', '--job-ms-per-page', '0',
    '--webhook-secret', SECRET, '--webhook-retries', '0']);
});
after(async () => { await lp.stop(); await recv.close(); });


const parse = (server, body, headers = {}) => fetch(`${server.url}/parse`,
  { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

async function delivered(jobId) {
  return until(() => recv.calls.find((c) => c.body && c.body.job_id === jobId), `the webhook of ${jobId}`);
}

for (const [name, extra, headers, expected] of [
  ['with correlation_id in the body', { correlation_id: 'corr-body-42' }, {}, 'corr-body-42'],
  ['with an x-correlation-id header', {}, { 'x-correlation-id': 'corr-header-7' }, 'corr-header-7'],
  ['without any correlation id (the job id is sent)', {}, {}, null],
]) {
  test(`the pipeline's receiver accepts the artifacts webhook ${name}`, async () => {
    const id = crypto.randomUUID();
    const res = await parse(lp, { job_id: id, source_url: `${recv.base}/policy-basic.txt`,
      webhook_url: `${recv.base}/webhooks/llamaparse`, ...extra }, headers);
    assert.equal(res.status, 200);
    const { parse_job_id: parseJobId } = await res.json();
    const call = await delivered(id);
    assert.equal(call.status, 200, call.detail);
    assert.equal(call.body.parse_job_id, parseJobId);
    assert.equal(call.body.correlation_id, expected ?? id);
    assert.equal(call.headers['x-correlation-id'], expected ?? id);
    assert.equal(call.body.status, 'parsed');
    const job = await (await fetch(`${lp.url}/jobs/${id}`)).json();
    assert.equal(job.correlation_id, expected ?? id);
    assert.equal(job.parse_job_id, parseJobId);
  });
}

test('a failed job still gives the receiver a valid webhook (status failed, no artifacts)', async () => {
  const id = crypto.randomUUID();
  const res = await parse(lp, { job_id: id, source_url: `${recv.base}/missing.pdf`,
    webhook_url: `${recv.base}/webhooks/llamaparse`, correlation_id: 'corr-fail' });
  assert.equal(res.status, 200);
  const call = await delivered(id);
  assert.equal(call.status, 200, call.detail);
  assert.equal(call.body.status, 'failed');
  assert.deepEqual(call.body.artifacts, []);
  assert.equal(call.body.correlation_id, 'corr-fail');
});

test('an unusable correlation_id is a 400, and no job is made', async () => {
  for (const bad of [42, '', 'x'.repeat(257), 'line\nbreak']) {
    const id = crypto.randomUUID();
    const res = await parse(lp, { job_id: id, source_url: `${recv.base}/benefits.md`, correlation_id: bad });
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.match((await res.json()).detail, /correlation_id/);
    assert.equal((await fetch(`${lp.url}/jobs/${id}`)).status, 404);
  }
});

test('the receiver model itself refuses a webhook without correlation_id (the test can fail)', () => {
  const body = JSON.stringify({ job_id: crypto.randomUUID(), document_id: crypto.randomUUID(), parse_job_id: 'p',
    status: 'parsed', artifacts: [], meta: { parser_name: 'x', parser_version: 'y' } });
  const sig = crypto.createHmac('sha256', SECRET).update(body).digest('hex');
  assert.deepEqual(validate(body, { 'x-webhook-signature': sig }), [400, 'Missing correlation ID']);
});

test('--allow-missing-key lets the smoke call without Authorization through; 401 stays the default', async () => {
  const body = JSON.stringify({ model: 'text-embedding-3-small', input: 'smoke' });
  const call = (srv, headers = {}) => fetch(`${srv.url}/v1/embeddings`,
    { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const strict = await startServer('mock_openai');
  const lenient = await startServer('mock_openai', ['--allow-missing-key']);
  const byEnv = await startServer('mock_openai', [], { MOCK_ALLOW_MISSING_KEY: 'true' });
  try {
    const refused = await call(strict);
    assert.equal(refused.status, 401);
    assert.match((await refused.json()).error.message, /didn't provide an API key/);
    for (const srv of [lenient, byEnv]) {
      const ok = await call(srv);
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).data[0].embedding.length, 1536);
      assert.equal((await call(srv, { authorization: 'Bearer' })).status, 401, 'an empty key is still refused');
      assert.equal((await call(srv, { authorization: 'Basic abc' })).status, 401, 'a malformed header is still refused');
    }
  } finally {
    await Promise.all([strict.stop(), lenient.stop(), byEnv.stop()]);
  }
});

test('--fetch-allow: an allowed host is fetched, any other ends the job in the API\'s own error', async () => {
  const fenced = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--fetch-allow', '127.0.0.1',
    '--webhook-secret', SECRET, '--webhook-retries', '0']);
  const auth = { authorization: 'Bearer llx-test' };
  const v1 = async (url) => {
    const form = new FormData();
    form.append('input_url', url);
    const res = await fetch(`${fenced.url}/api/v1/parsing/upload`, { method: 'POST', body: form, headers: auth });
    assert.equal(res.status, 200);
    const { id } = await res.json();
    return until(async () => {
      const j = await (await fetch(`${fenced.url}/api/v1/parsing/job/${id}`, { headers: auth })).json();
      return j.status !== 'PENDING' && j;
    }, 'the job to end');
  };
  try {
    assert.equal((await v1(`${recv.base}/benefits.md`)).status, 'SUCCESS');
    const refused = await v1(`http://localhost:${recv.port}/benefits.md`);
    assert.equal(refused.status, 'ERROR');
    assert.match(refused.error_message, /host localhost is not in --fetch-allow/);
    const redirected = await v1(`${recv.base}/to/${encodeURIComponent(`http://localhost:${recv.port}/benefits.md`)}`);
    assert.equal(redirected.status, 'ERROR', 'a redirect to another host is refused too');
    assert.match(redirected.error_message, /host localhost is not in --fetch-allow/);
    const id = crypto.randomUUID();
    assert.equal((await parse(fenced, { job_id: id, source_url: 'http://example.com/doc.pdf',
      webhook_url: `${recv.base}/webhooks/llamaparse` })).status, 200);
    const call = await delivered(id);
    assert.equal(call.body.status, 'failed');
    assert.equal((await (await fetch(`${fenced.url}/jobs/${id}`)).json()).status, 'failed');
  } finally {
    await fenced.stop();
  }
});
