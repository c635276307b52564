// The 1,000-job load of issue 15: N concurrent uploads of a ~150 KB document,
// each with a webhook_url, against mock_llamaparse (--job-delay-ms 0). Two
// phases, each against a fresh server, one receiver (node:http) for both:
//
//   open   the receiver answers every webhook at once (the scenario):
//          upload rate, webhook arrival rate, how far the last webhook trails
//          the last upload, RSS idle / after (the jobs held) / peak.
//   gated  the receiver holds every webhook until all uploads are in, so the
//          whole backlog is queued in the mock; then it lets go. The drain
//          rate is the sender's own ceiling. Its baseline, in the same run:
//          node posting the same bodies to the same receiver, 64 at a time
//          (the mock's sender keeps at most 64 in flight too).
//
//   node bench/webhooks.mjs BIN [--jobs 1000] [--doc tests/data/large-150k.txt]
// Prints a Markdown report; bench/webhooks.sh runs it on a release build.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

const args = process.argv.slice(2);
const bin = args[0];
const opt = (name, dflt) => { const i = args.indexOf(name); return i > 0 ? args[i + 1] : dflt; };
const JOBS = Number(opt('--jobs', 1000));
const DOC = fs.readFileSync(opt('--doc', new URL('../tests/data/large-150k.txt', import.meta.url)));
const CONCURRENCY = 64;

const procStatus = (pid, key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const mb = (kb) => (kb / 1024).toFixed(0);

function startServer() {
  const proc = spawn(bin, ['--port', '0', '--log-level', 'warn', '--job-delay-ms', '0', '--job-ms-per-page', '0',
    '--max-jobs', String(JOBS * 2), '--webhook-queue', String(JOBS * 2), '--webhook-timeout-ms', '120000',
    '--max-connections', String(JOBS + 200)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.on('exit', (c) => reject(new Error(`mock_llamaparse exited (${c})`)));
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) { proc.removeAllListeners('exit'); resolve({ proc, port: Number(out.split('\n')[0]) }); }
    });
  });
}

const stop = (proc) => new Promise((resolve) => { proc.on('exit', resolve); proc.kill('SIGTERM'); });

// The receiver: records when each webhook arrived; while gated, holds its answer.
function receiver() {
  const r = { arrivals: [], bytes: 0, held: [], gated: false, waiters: [] };
  r.server = http.createServer((req, res) => {
    let n = 0;
    req.on('data', (c) => { n += c.length; });
    req.on('end', () => {
      r.arrivals.push(performance.now());
      r.bytes += n;
      const answer = () => res.end('ok');
      if (r.gated) r.held.push(answer); else answer();
      r.waiters = r.waiters.filter((w) => !w());
    });
  });
  r.server.keepAliveTimeout = 60_000;
  r.until = (count, ms) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${r.arrivals.length} of ${count} webhooks after ${ms} ms`)), ms);
    const check = () => (r.arrivals.length >= count ? (clearTimeout(t), resolve(), true) : false);
    if (!check()) r.waiters.push(check);
  });
  r.open = () => { r.gated = false; r.held.splice(0).forEach((a) => a()); };
  return new Promise((resolve) => r.server.listen(0, '127.0.0.1', () => { r.port = r.server.address().port; resolve(r); }));
}

async function upload(port, hook, i) {
  const form = new FormData();
  form.append('file', new Blob([`document ${i}\n`, DOC]), `doc-${i}.txt`);
  form.append('webhook_url', hook);
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/parsing/upload`, {
    method: 'POST', headers: { authorization: 'Bearer bench' }, body: form,
  });
  const body = await res.json();
  if (res.status !== 200 || !body.id) throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(body)}`);
}

async function uploadAll(port, hook) {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: JOBS }, (_, i) => upload(port, hook, i)));
  return { t0, t1: performance.now() };
}

function rssSampler(pid) {
  const s = { peak: 0 };
  s.timer = setInterval(() => { s.peak = Math.max(s.peak, procStatus(pid, 'VmRSS')); }, 20);
  return s;
}

async function openPhase(rx) {
  const { proc, port } = await startServer();
  const idle = procStatus(proc.pid, 'VmRSS');
  const sampler = rssSampler(proc.pid);
  rx.arrivals = [];
  rx.bytes = 0;
  const { t0, t1 } = await uploadAll(port, `http://127.0.0.1:${rx.port}/hook`);
  await rx.until(JOBS, 300_000);
  const first = rx.arrivals[0], last = rx.arrivals[JOBS - 1];
  await new Promise((r) => setTimeout(r, 500)); // the last answers settle
  const after = procStatus(proc.pid, 'VmRSS');
  clearInterval(sampler.timer);
  const peak = Math.max(sampler.peak, procStatus(proc.pid, 'VmHWM'));
  await stop(proc);
  return { t0, t1, first, last, idle, after, peak, bytes: rx.bytes };
}

async function gatedPhase(rx) {
  const { proc, port } = await startServer();
  rx.arrivals = [];
  rx.gated = true;
  await uploadAll(port, `http://127.0.0.1:${rx.port}/hook`);
  await rx.until(Math.min(JOBS, CONCURRENCY), 60_000); // the sender's first 64 are in and held
  const bodies = rx.arrivals.length;
  const t0 = performance.now();
  rx.arrivals = [];
  rx.open();
  await rx.until(JOBS - bodies, 300_000);
  const drain = performance.now() - t0;
  await stop(proc);
  return { drain, sent: JOBS - bodies };
}

// The receiver's ceiling for the same bodies: node posting them 64 at a time.
async function baselinePhase(rx, bodyBytes) {
  const body = Buffer.alloc(bodyBytes, 'x');
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  rx.arrivals = [];
  let next = 0;
  const post = () => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: rx.port, method: 'POST', path: '/hook', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
  const worker = async () => { while (next++ < JOBS) await post(); };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - t0;
  agent.destroy();
  return { ms };
}

const rx = await receiver();
const open = await openPhase(rx);
const avgBody = Math.round(open.bytes / JOBS);
const gated = await gatedPhase(rx);
const base = await baselinePhase(rx, avgBody);
rx.server.close();

const docBytes = JOBS * (DOC.length + 16);
const rate = (n, ms) => (n / (ms / 1000)).toFixed(0);
const webhookRate = rate(JOBS - 1, open.last - open.first);
const drainRate = rate(gated.sent, gated.drain);
const baseRate = rate(JOBS, base.ms);
const heldKB = open.after - open.idle, peakKB = open.peak - open.idle;
console.log(`# ${JOBS} uploads of ${(DOC.length / 1024).toFixed(0)} KB, each with a webhook_url (${new Date().toISOString().slice(0, 16)}Z)

\`node bench/webhooks.mjs BIN --jobs ${JOBS}\`: mock_llamaparse \`--job-delay-ms 0\`, ${JOBS} concurrent v1 uploads
(fetch + FormData), one webhook each (v1 \`webhook_url\`: job id, status, txt, md, json; ${(avgBody / 1024).toFixed(0)} KB on average).

| measure | value | goal |
| --- | ---: | ---: |
| uploads accepted | ${JOBS} in ${((open.t1 - open.t0) / 1000).toFixed(2)} s (${rate(JOBS, open.t1 - open.t0)}/s) | |
| webhooks, first to last (receiver answers at once) | ${((open.last - open.first) / 1000).toFixed(2)} s, **${webhookRate}/s** | ≥ 500/s |
| last webhook after the last upload was accepted | ${((open.last - open.t1) / 1000).toFixed(2)} s | |
| backlog of ${gated.sent} drained by the sender (receiver gated, then let go) | ${(gated.drain / 1000).toFixed(2)} s, **${drainRate}/s** | ≥ 500/s |
| the same receiver, node posting the same bodies 64 at a time (baseline) | ${(base.ms / 1000).toFixed(2)} s, ${baseRate}/s | |
| sender drain / baseline | **${(drainRate / baseRate).toFixed(2)}** | |
| documents uploaded | ${mb(docBytes / 1024)} MB | |
| RSS idle → with the ${JOBS} jobs held | ${mb(open.idle)} MB → ${mb(open.after)} MB: +${mb(heldKB)} MB, **${(heldKB * 1024 / docBytes).toFixed(2)}×** the documents | ≤ 1.5× |
| RSS peak during the run (above idle) | ${mb(open.peak)} MB (+${mb(peakKB)} MB, ${(peakKB * 1024 / docBytes).toFixed(2)}×) | |`);
