#!/usr/bin/env node
// Soak: N mixed requests against one mock server, started here, with its RSS,
// open file descriptors and threads sampled from /proc every ~10,000
// requests. See bench/soak.sh (the usual entry point) and the "Soak" section
// of bench/RESULTS.md.
//
//   node bench/soak.mjs --server openai|llamaparse --bin PATH [--requests N]
//        [--concurrency C] [--sample-every N] [--warmup N] [--reset-every N]
//        [--malloc pinned|default] [--seed S] [--out DIR] [--svg FILE]
//        [-- extra server flags...]
//
// Writes DIR/soak-<server>.csv (the curve), DIR/soak-<server>.json (the
// summary), DIR/soak-<server>.md (a RESULTS.md fragment) and FILE (an SVG
// line chart). Exit status 0 when every check holds, 1 otherwise.
//
// How it drives the server: C workers share one keep-alive http.Agent
// (node:http sustains ~4x the rate of fetch here). Every HTTP request, control
// calls included, takes one ticket; exactly N tickets exist. Work comes in
// sequences (one request, or upload -> polls -> results); a worker starts a new
// sequence only while the current phase has tickets, so at each phase
// boundary (every min(sample-every, reset-every) requests, a few more when
// sequences run over) no request is in flight: the samples are taken on a
// quiet server, and /__control/reset is only sent then (no job disappears
// under a worker).
//
// Checks (exit status 1 if one fails): N requests sent and counted by the
// server; no unexpected failure; fault events = server's count; the end RSS
// (median of the last 5 samples, the last 50,000 requests) within 5 % of the
// plateau (median of the samples of the second half of the run); the
// server's fd count, with the client's sockets closed, the same at the end as
// after warm-up (the first 10 %), and never above that + C connections + 2
// while running; exit status 0 on SIGTERM.
//
// Failures. A request fails when it gets no complete answer, a status other
// than the expected one, or a body that does not check out. A failure is
// injected when the answer carries x-soak-injected (every fault rule the soak
// adds sets that header), when the request carried x-mock-fault and got that
// status, or when a request that carried x-soak-fault (the header the rules
// are scoped to) lost its connection before any answer (kind reset). Anything
// else is unexpected and fails the soak. As a cross-check, the fault events
// the client saw must equal the server's mock_faults_injected_total, and the
// server's mock_requests_total must equal N.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {
    server: null, bin: null, requests: 1_000_000, concurrency: 16, sampleEvery: 0, warmup: 0,
    resetEvery: 0, seed: 1, out: path.join(here, 'out'), svg: null, extra: [], timeoutMs: 30_000, malloc: 'pinned',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--') { o.extra = argv.slice(i + 1); break; }
    else if (a === '--server') o.server = next();
    else if (a === '--bin') o.bin = next();
    else if (a === '--requests') o.requests = Number(next());
    else if (a === '--concurrency') o.concurrency = Number(next());
    else if (a === '--sample-every') o.sampleEvery = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--reset-every') o.resetEvery = Number(next());
    else if (a === '--seed') o.seed = Number(next());
    else if (a === '--out') o.out = next();
    else if (a === '--svg') o.svg = next();
    else if (a === '--timeout-ms') o.timeoutMs = Number(next());
    else if (a === '--malloc') o.malloc = next();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!['openai', 'llamaparse'].includes(o.server)) throw new Error('--server openai|llamaparse');
  if (!o.bin) throw new Error('--bin PATH');
  if (!['pinned', 'default'].includes(o.malloc)) throw new Error('--malloc pinned|default');
  if (!(o.requests >= 1000)) throw new Error('--requests must be >= 1000');
  // ~10,000 requests per sample; smaller runs keep ~20 samples.
  if (!o.sampleEvery) o.sampleEvery = o.requests >= 200_000 ? 10_000 : Math.max(500, Math.round(o.requests / 20));
  // Warm-up: the first 10 % (at least one phase), rounded to whole phases.
  if (!o.warmup) o.warmup = Math.max(o.sampleEvery, Math.round(o.requests / 10 / o.sampleEvery) * o.sampleEvery);
  // /__control/reset (at quiet points only): for llamaparse every 2,000
  // requests, which keeps the job store at a few hundred jobs (it never
  // fills, so no upload can get the 429 of a full store, whatever the rate);
  // for openai every 10th sample (clears journal, rules and rate limits).
  if (!o.resetEvery) o.resetEvery = o.server === 'llamaparse' ? Math.min(2000, o.sampleEvery) : o.sampleEvery * 10;
  // quiet points come every min(sample, reset) requests: the larger must be a multiple
  const lo = Math.min(o.sampleEvery, o.resetEvery);
  if (o.sampleEvery % lo || o.resetEvery % lo) throw new Error('--sample-every and --reset-every: one must divide the other');
  if (!o.svg) o.svg = path.join(o.out, `soak-${o.server}.svg`);
  return o;
}

const opt = parseArgs(process.argv.slice(2));
const N = opt.requests;

// ---------------------------------------------------------------- helpers
// Seeded PRNG (mulberry32): the same seed gives the same mix on every run.
let rngState = opt.seed >>> 0 || 1;
function rand() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const chance = (p) => rand() < p;
function weighted(table) {
  const total = table.reduce((s, [, w]) => s + w, 0);
  return () => {
    let x = rand() * total;
    for (const [name, w] of table) {
      x -= w;
      if (x < 0) return name;
    }
    return table[table.length - 1][0];
  };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readProc(pid) {
  const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(st)?.[1] ?? NaN);
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(st)?.[1] ?? NaN);
  const threads = Number(/Threads:\s+(\d+)/.exec(st)?.[1] ?? NaN);
  const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
  // utime + stime, in clock ticks (100 per second on Linux)
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpu = (Number(stat[11]) + Number(stat[12])) / 100;
  return { rss, hwm, threads, fds, cpu };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------- the server
function startServer() {
  const base = ['--port', '0', '--log-level', 'warn'];
  const args = opt.server === 'llamaparse'
    ? [...base, '--job-delay-ms', '5', '--job-ms-per-page', '2', ...opt.extra]
    : [...base, ...opt.extra];
  const proc = spawn(opt.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv() });
  let errTail = '';
  proc.stderr.on('data', (d) => { errTail = (errTail + d).slice(-8000); });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${opt.bin} did not print its port`)), 15_000);
    proc.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`server exited early (${code ?? sig}): ${errTail}`)); });
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      resolve({ proc, port: Number(out.slice(0, nl)), args, errTail: () => errTail });
    });
  });
}

// --malloc pinned (the default): glibc's mmap and trim thresholds fixed at
// their start values (128 KiB). glibc otherwise raises both at run time,
// after the first large block (a 32-input float answer is ~600 KB) is
// freed; from then on freed large buffers stay in the heap and are given back
// to the kernel only now and then, so RSS wanders in a band (about +-10 % for
// mock_openai) unrelated to live memory: a 5 % check would measure the
// allocator. Pinned, RSS follows the live heap. --malloc default runs glibc
// as it comes.
const PINNED = 'glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072';
function serverEnv() {
  const env = { ...process.env };
  if (opt.malloc === 'pinned') env.GLIBC_TUNABLES = env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${PINNED}` : PINNED;
  return env;
}

function stopServer(proc, graceMs = 15_000) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve({ code: proc.exitCode, signal: proc.signalCode });
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.on('exit', (code, signal) => { clearTimeout(t); resolve({ code, signal }); });
    proc.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- HTTP
let server; // { proc, port }
let agent = newAgent();
function newAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: opt.concurrency, maxFreeSockets: opt.concurrency });
}

// Always resolves: { status (0 = no answer), headers, body, error }.
function send(method, p, { headers = {}, body = null, auth = true } = {}) {
  return new Promise((resolve) => {
    const h = { ...headers };
    if (auth && !h.authorization) h.authorization = opt.server === 'openai' ? 'Bearer sk-soak' : 'Bearer llx-soak';
    if (body) h['content-length'] = body.length;
    let settled = false;
    let gotResponse = false;
    const finish = (r) => { if (!settled) { settled = true; resolve(r); } };
    const req = http.request({ agent, host: '127.0.0.1', port: server.port, method, path: p, headers: h });
    req.setTimeout(opt.timeoutMs, () => req.destroy(new Error(`timeout after ${opt.timeoutMs} ms`)));
    req.on('error', (e) => {
      if (!gotResponse) finish({ status: 0, headers: {}, body: null, error: e.code || e.message });
    });
    req.on('response', (res) => {
      gotResponse = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', () => {});
      res.on('close', () => finish({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
        error: res.complete ? null : 'incomplete body',
      }));
    });
    req.end(body ?? undefined);
  });
}

// ---------------------------------------------------------------- tickets, stats
let issued = 0; // requests sent (or about to be), N at most
let phaseEnd = 0; // a new sequence starts only while issued < phaseEnd
const take = () => (issued < N ? (issued++, true) : false);

const stats = {
  ok: 0, expectedErrors: 0, injected: 0, unexpected: 0, faultEvents: 0, injectedJobFailures: 0,
  byOp: {}, injectedByKind: {}, unexpectedSamples: [], latencyMs: [],
};
function opStats(op) {
  return (stats.byOp[op] ??= { n: 0, ok: 0, expected_error: 0, injected: 0, unexpected: 0 });
}

// One request of a sequence: sends it (if a ticket is left), classifies the
// answer. check(res) returns null when the answer is right, or what is wrong.
// Returns { res, outcome: 'ok'|'expected'|'injected'|'unexpected' } or null
// when no ticket is left.
async function call(op, method, p, { headers = {}, body = null, auth = true, expect = 200, check = null, soakFault = false, mockFault = null } = {}) {
  if (!take()) return null;
  const h = { ...headers };
  if (soakFault) h['x-soak-fault'] = 'on';
  if (mockFault) h['x-mock-fault'] = mockFault.header;
  const t0 = performance.now();
  const res = await send(method, p, { headers: h, body, auth });
  const ms = performance.now() - t0;
  if ((issued & 63) === 0) stats.latencyMs.push(ms);
  const s = opStats(op);
  s.n++;
  const marker = res.headers['x-soak-injected'];
  if (marker) stats.faultEvents++;
  if (mockFault) stats.faultEvents++; // a header fault always fires
  let problem = null;
  if (res.error) problem = res.error;
  else if (res.status !== expect) problem = `status ${res.status}, expected ${expect}`;
  else if (check) {
    try { problem = check(res); } catch (e) { problem = `bad body: ${e.message}`; }
  }
  let outcome;
  if (!problem) {
    outcome = expect >= 400 ? 'expected' : 'ok';
  } else if (marker) {
    outcome = 'injected';
    const k = `rule:${marker}`;
    stats.injectedByKind[k] = (stats.injectedByKind[k] ?? 0) + 1;
  } else if (mockFault && res.status === mockFault.status) {
    outcome = 'injected';
    const k = `x-mock-fault:${mockFault.status}`;
    stats.injectedByKind[k] = (stats.injectedByKind[k] ?? 0) + 1;
  } else if (soakFault && res.status === 0) {
    outcome = 'injected'; // kind reset: no answer, so no marker
    stats.faultEvents++;
    stats.injectedByKind['rule:reset'] = (stats.injectedByKind['rule:reset'] ?? 0) + 1;
  } else {
    outcome = 'unexpected';
    if (stats.unexpectedSamples.length < 25) {
      stats.unexpectedSamples.push({ at: issued, op, method, path: p, status: res.status, problem,
        body: res.body ? res.body.subarray(0, 300).toString() : null });
    }
  }
  if (outcome === 'ok') { stats.ok++; s.ok++; }
  else if (outcome === 'expected') { stats.expectedErrors++; s.expected_error++; }
  else if (outcome === 'injected') { stats.injected++; s.injected++; }
  else { stats.unexpected++; s.unexpected++; }
  return { res, outcome, marker };
}

const json = (res) => JSON.parse(res.body.toString('utf8'));

// ---------------------------------------------------------------- fault toggling (both servers)
// One rule at a time, added and removed through /__control/faults; each rule
// acts only on requests that carry x-soak-fault: on, and marks its answers
// with x-soak-injected (except reset, which cannot answer).
const toggle = { busy: false, active: null, next: 0, adds: 0, deletes: 0 };
async function toggleFault(rules) {
  if (toggle.busy) return false;
  toggle.busy = true;
  try {
    if (toggle.active) {
      const id = toggle.active;
      const r = await call('control:fault-delete', 'DELETE', `/__control/faults/${id}`, { auth: false, expect: 204 });
      if (r?.outcome === 'ok') { toggle.active = null; toggle.deletes++; }
    } else {
      const rule = rules[toggle.next++ % rules.length];
      const r = await call('control:fault-add', 'POST', '/__control/faults', {
        auth: false, expect: 201, body: Buffer.from(JSON.stringify(rule)),
        headers: { 'content-type': 'application/json' },
        check: (res) => (Number.isInteger(json(res).id) ? null : 'no id'),
      });
      if (r?.outcome === 'ok') { toggle.active = json(r.res).id; toggle.adds++; }
    }
  } finally {
    toggle.busy = false;
  }
  return true;
}

const controlReads = {
  'control:faults-list': () => call('control:faults-list', 'GET', '/__control/faults', {
    auth: false, check: (res) => (Array.isArray(json(res).faults) ? null : 'no faults array') }),
  'control:journal': () => call('control:journal', 'GET', '/__control/requests?limit=5', {
    auth: false, check: (res) => (Array.isArray(json(res).requests) ? null : 'no requests array') }),
  'metrics': () => call('metrics', 'GET', '/metrics', {
    auth: false, check: (res) => (res.body.includes('mock_requests_total') ? null : 'no counters') }),
  'health': () => call('health', 'GET', '/health', {
    auth: false, check: (res) => (json(res).status === 'healthy' ? null : 'not healthy') }),
};

// ================================================================ mock_openai
const WORDS = ('the plan covers claims members benefits deductible provider network policy coverage annual '
  + 'limit emergency care visit hospital pharmacy dental vision premium renewal document parse embedding '
  + 'vector search query answer quick brown fox jumps over lazy dog river mountain city winter summer').split(' ');
function sentence(n) {
  const w = [];
  for (let i = 0; i < n; i++) w.push(pick(WORDS));
  return w.join(' ');
}
const OA = {};
OA.sentences = Array.from({ length: 200 }, () => sentence(4 + Math.floor(rand() * 20)));
OA.models = [['text-embedding-3-small', 1536], ['text-embedding-3-large', 3072], ['text-embedding-ada-002', 1536]];
OA.keys = ['Bearer sk-soak-a', 'Bearer sk-soak-b', 'Bearer sk-soak-c', 'Bearer sk-soak-d'];
OA.rules = [
  { path: '/v1/*', match_headers: { 'x-soak-fault': 'on' }, status: 503, headers: { 'x-soak-injected': 'status503' } },
  { path: '/v1/embeddings', match_headers: { 'x-soak-fault': 'on' }, status: 429, times: 25, headers: { 'x-soak-injected': 'status429' } },
  { path: '/v1/*', match_headers: { 'x-soak-fault': 'on' }, status: 500, probability: 0.3, seed: 7, headers: { 'x-soak-injected': 'status500p' } },
  { path: '/v1/*', match_headers: { 'x-soak-fault': 'on' }, kind: 'reset', times: 10 },
  { path: '/v1/embeddings', match_headers: { 'x-soak-fault': 'on' }, kind: 'truncate', headers: { 'x-soak-injected': 'truncate' } },
  { path: '/v1/models', match_headers: { 'x-soak-fault': 'on' }, kind: 'drip', drip_bytes_per_s: 200000, headers: { 'x-soak-injected': 'drip' } },
  { path: '/v1/chat/completions', match_headers: { 'x-soak-fault': 'on' }, kind: 'stream_cut', after_chunks: 2, headers: { 'x-soak-injected': 'stream_cut' } },
  { path: '/v1/*', match_headers: { 'x-soak-fault': 'on' }, kind: 'malformed', headers: { 'x-soak-injected': 'malformed' } },
  { path: '/v1/*', match_headers: { 'x-soak-fault': 'on' }, delay_ms: 5, jitter_ms: 5, headers: { 'x-soak-injected': 'delay' } },
];
OA.pickOp = weighted([
  ['embed_float', 28], ['embed_base64', 15], ['embed_batch', 10], ['embed_tokens', 3], ['embed_dims', 4],
  ['chat', 12], ['chat_stream', 8], ['responses', 4], ['responses_stream', 2],
  ['models', 5], ['model_get', 2], ['health', 1], ['header_fault', 1], ['bad_request', 2],
]);

function checkEmbeddings(n, dims, b64) {
  return (res) => {
    const j = json(res);
    if (j.object !== 'list' || !Array.isArray(j.data) || j.data.length !== n) return `want ${n} embeddings`;
    for (const d of j.data) {
      const len = b64 ? Buffer.from(d.embedding, 'base64').length / 4 : d.embedding.length;
      if (len !== dims) return `embedding of ${len} dims, want ${dims}`;
    }
    return null;
  };
}
// Full JSON checks on 1 request in 16 and on every marked answer (a
// malformed body must be seen as one); else status and complete body only.
const deep = () => chance(1 / 16);
function maybe(check) {
  return (res) => (deep() || res.headers['x-soak-injected'] ? check(res) : null);
}

async function oaSequence(seq) {
  if (seq % 400 === 0 && await toggleFault(OA.rules)) return;
  if (seq % 4001 === 0) return controlReads['control:faults-list']();
  if (seq % 4003 === 0) return controlReads['control:journal']();
  if (seq % 9001 === 0) return controlReads.metrics();
  const op = OA.pickOp();
  const soakFault = !['header_fault', 'bad_request', 'health'].includes(op) && chance(0.1);
  const headers = { authorization: pick(OA.keys), 'content-type': 'application/json' };
  const body = (o) => Buffer.from(JSON.stringify(o));
  switch (op) {
    case 'embed_float':
    case 'embed_base64': {
      const [model, dims] = pick(OA.models);
      const b64 = op === 'embed_base64';
      return call(op, 'POST', '/v1/embeddings', { headers, soakFault,
        body: body({ model, input: pick(OA.sentences), ...(b64 ? { encoding_format: 'base64' } : {}) }),
        check: maybe(checkEmbeddings(1, dims, b64)) });
    }
    case 'embed_batch': {
      const n = 2 + Math.floor(rand() * 31);
      const b64 = chance(0.5);
      const input = Array.from({ length: n }, () => pick(OA.sentences));
      return call(op, 'POST', '/v1/embeddings', { headers, soakFault,
        body: body({ model: 'text-embedding-3-small', input, ...(b64 ? { encoding_format: 'base64' } : {}) }),
        check: maybe(checkEmbeddings(n, 1536, b64)) });
    }
    case 'embed_tokens': {
      const input = Array.from({ length: 1 + Math.floor(rand() * 4) },
        () => Array.from({ length: 2 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 100000)));
      return call(op, 'POST', '/v1/embeddings', { headers, soakFault,
        body: body({ model: 'text-embedding-3-small', input }), check: maybe(checkEmbeddings(input.length, 1536, false)) });
    }
    case 'embed_dims': {
      const dims = pick([64, 256, 512, 1024]);
      return call(op, 'POST', '/v1/embeddings', { headers, soakFault,
        body: body({ model: 'text-embedding-3-large', input: pick(OA.sentences), dimensions: dims, encoding_format: 'base64' }),
        check: maybe(checkEmbeddings(1, dims, true)) });
    }
    case 'chat':
      return call(op, 'POST', '/v1/chat/completions', { headers, soakFault,
        body: body({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: pick(OA.sentences) }],
          ...(chance(0.2) ? { max_tokens: 5 } : {}) }),
        check: maybe((res) => (typeof json(res).choices?.[0]?.message?.content === 'string' ? null : 'no message')) });
    case 'chat_stream':
      return call(op, 'POST', '/v1/chat/completions', { headers, soakFault,
        body: body({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: pick(OA.sentences) }], stream: true,
          stream_options: { include_usage: chance(0.5) } }),
        check: (res) => (res.body.toString().endsWith('data: [DONE]\n\n') ? null : 'stream without [DONE]') });
    case 'responses':
      return call(op, 'POST', '/v1/responses', { headers, soakFault,
        body: body({ model: 'gpt-4o-mini', input: pick(OA.sentences) }),
        check: maybe((res) => (json(res).object === 'response' ? null : 'not a response')) });
    case 'responses_stream':
      return call(op, 'POST', '/v1/responses', { headers, soakFault,
        body: body({ model: 'gpt-4o-mini', input: pick(OA.sentences), stream: true }),
        check: (res) => (res.body.includes('event: response.completed') ? null : 'stream without response.completed') });
    case 'models':
      return call(op, 'GET', '/v1/models', { headers, soakFault,
        check: maybe((res) => (json(res).data.length >= 3 ? null : 'few models')) });
    case 'model_get': {
      const id = pick(['text-embedding-3-small', 'text-embedding-ada-002', 'gpt-4o-mini']);
      return call(op, 'GET', `/v1/models/${id}`, { headers, soakFault,
        check: maybe((res) => (json(res).id === id ? null : 'wrong model')) });
    }
    case 'health':
      return controlReads.health();
    case 'header_fault': {
      const status = pick([429, 500, 502, 503]);
      return call(op, 'POST', '/v1/embeddings', { headers, mockFault: { header: `status=${status}`, status },
        body: body({ model: 'text-embedding-3-small', input: pick(OA.sentences) }) });
    }
    case 'bad_request': {
      const v = pick(['model', 'json', 'auth', 'path']);
      if (v === 'model') return call(op, 'POST', '/v1/embeddings', { headers, expect: 404, body: body({ model: 'nope', input: 'x' }) });
      if (v === 'json') return call(op, 'POST', '/v1/embeddings', { headers, expect: 400, body: Buffer.from('{"model":') });
      if (v === 'auth') return call(op, 'GET', '/v1/models', { auth: false, expect: 401 });
      return call(op, 'GET', '/v1/nothing-here', { headers, expect: 404 });
    }
  }
  throw new Error(`op ${op}`);
}

// ================================================================ mock_llamaparse
const LP = {};
const MIME = { txt: 'text/plain', csv: 'text/csv', tsv: 'text/tab-separated-values', html: 'text/html', md: 'text/markdown',
  json: 'application/json', xml: 'application/xml', pdf: 'application/pdf' };
LP.docs = ['policy-basic.txt', 'claims.csv', 'claims.tsv', 'summary.html', 'benefits.md', 'plan.json', 'plan.xml',
  'policy-1page.pdf', 'small-10k.txt'].map((name) => ({ name, data: fs.readFileSync(path.join(root, 'tests', 'data', name)) }));
function multipart(fields, file) {
  const boundary = `----soak${Math.floor(rand() * 1e12).toString(16)}`;
  const parts = [];
  for (const [k, v] of fields) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const ext = file.name.split('.').pop();
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n`
    + `Content-Type: ${MIME[ext] ?? 'application/octet-stream'}\r\n\r\n`));
  parts.push(file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}
// Bodies built once: several field sets per document.
LP.v1Bodies = LP.docs.flatMap((d) => [
  multipart([], d),
  multipart([['language', 'en'], ['language', 'fr'], ['parse_mode', 'parse_page_with_llm']], d),
  multipart([['page_separator', '\n===\n'], ['max_pages', '3']], d),
]);
LP.v2Bodies = LP.docs.flatMap((d) => [
  multipart([['configuration', JSON.stringify({ tier: 'fast', version: 'latest' })]], d),
  multipart([['configuration', JSON.stringify({ tier: 'agentic' })]], d),
]);
LP.rules = [
  { path: '/api/*', match_headers: { 'x-soak-fault': 'on' }, status: 503, headers: { 'x-soak-injected': 'status503' } },
  { path: '/api/v1/parsing/upload', match_headers: { 'x-soak-fault': 'on' }, status: 429, times: 20, headers: { 'x-soak-injected': 'status429' } },
  { path: '/api/v1/parsing/upload', match_headers: { 'x-soak-fault': 'on' }, job_status: 'ERROR', headers: { 'x-soak-injected': 'job_error' } },
  { path: '/api/*', match_headers: { 'x-soak-fault': 'on' }, kind: 'reset', times: 10 },
  { path: '/api/v1/parsing/job/*/result/*', match_headers: { 'x-soak-fault': 'on' }, kind: 'truncate', headers: { 'x-soak-injected': 'truncate' } },
  { path: '/api/*', match_headers: { 'x-soak-fault': 'on' }, status: 500, probability: 0.5, seed: 3, headers: { 'x-soak-injected': 'status500p' } },
  { path: '/api/*', match_headers: { 'x-soak-fault': 'on' }, delay_ms: 5, jitter_ms: 5, headers: { 'x-soak-injected': 'delay' } },
];
LP.pickSeq = weighted([
  ['v1', 55], ['v2', 17], ['v1_job_error', 3], ['v2_cancel', 3], ['extensions', 3], ['health', 3],
  ['bad_request', 3], ['header_fault', 2], ['v2_list', 0.3],
]);
const lpJob = (res) => {
  const j = json(res);
  if (typeof j.id !== 'string' || !j.status) throw new Error('no id/status');
  return null;
};

// A step of a sequence, retried (without x-soak-fault) after an injected
// failure, as a client with retries would. Null: give up the sequence.
async function step(op, method, p, o) {
  let soakFault = chance(0.08);
  for (let attempt = 0; attempt < 4; attempt++) {
    const r = await call(op, method, p, { ...o, soakFault });
    if (!r) return null;
    if (r.outcome === 'ok' || r.outcome === 'expected') return r;
    if (r.outcome === 'unexpected') return null;
    soakFault = false;
  }
  return null;
}

// Polls until the job leaves PENDING (a few ms); returns the final status.
async function poll(op, p, field, pending) {
  for (let i = 0; i < 500; i++) {
    const r = await step(op, 'GET', p, { check: (res) => (json(res)[field] ? null : `no ${field}`) });
    if (!r) return null;
    const st = field === 'job' ? json(r.res).job.status : json(r.res).status;
    if (!pending.includes(st)) return st;
    await sleep(1 + Math.floor(rand() * 4));
  }
  stats.unexpected++;
  stats.unexpectedSamples.push({ at: issued, op, path: p, problem: 'job still pending after 500 polls' });
  return null;
}

function jobEnd(op, st, want, injected) {
  if (st === null) return false;
  if (st === want) return true;
  if (injected && (st === 'ERROR' || st === 'FAILED')) { stats.injectedJobFailures++; return false; }
  stats.unexpected++;
  opStats(op).unexpected++;
  if (stats.unexpectedSamples.length < 25) stats.unexpectedSamples.push({ at: issued, op, problem: `job ended ${st}, want ${want}` });
  return false;
}

async function lpSequence(seq) {
  if (seq % 150 === 0 && await toggleFault(LP.rules)) return;
  if (seq % 1501 === 0) return controlReads['control:faults-list']();
  if (seq % 1503 === 0) return controlReads['control:journal']();
  if (seq % 3001 === 0) return controlReads.metrics();
  const kind = LP.pickSeq();
  switch (kind) {
    case 'v1':
    case 'v1_job_error': {
      const mp = pick(LP.v1Bodies);
      const o = { headers: { 'content-type': mp.type }, body: mp.body, check: lpJob };
      let up;
      if (kind === 'v1_job_error') {
        up = await call('v1:upload', 'POST', '/api/v1/parsing/upload', { ...o, mockFault: { header: 'job_status=ERROR', status: -1 } });
        if (!up || up.outcome !== 'ok') return;
      } else {
        up = await step('v1:upload', 'POST', '/api/v1/parsing/upload', o);
        if (!up) return;
      }
      const id = json(up.res).id;
      const injected = kind === 'v1_job_error' || up.marker === 'job_error';
      const st = await poll('v1:poll', `/api/v1/parsing/job/${id}`, 'status', ['PENDING']);
      if (!jobEnd('v1:poll', st, 'SUCCESS', injected)) return;
      const res = await step('v1:result-markdown', 'GET', `/api/v1/parsing/job/${id}/result/markdown`,
        { check: (r) => (typeof json(r).markdown === 'string' && json(r).markdown.length ? null : 'no markdown') });
      if (!res) return;
      if (chance(0.3)) await step('v1:result-text', 'GET', `/api/v1/parsing/job/${id}/result/text`,
        { check: (r) => (typeof json(r).text === 'string' ? null : 'no text') });
      if (chance(0.15)) await step('v1:result-json', 'GET', `/api/v1/parsing/job/${id}/result/json`,
        { check: (r) => (Array.isArray(json(r).pages) ? null : 'no pages') });
      if (chance(0.05)) await step('v1:result-raw', 'GET', `/api/v1/parsing/job/${id}/result/raw/markdown`,
        { check: (r) => (r.body.length ? null : 'empty') });
      if (chance(0.05)) await step('v1:details', 'GET', `/api/v1/parsing/job/${id}/details`, { check: (r) => (json(r) ? null : 'empty') });
      return;
    }
    case 'v2':
    case 'v2_cancel': {
      const mp = pick(LP.v2Bodies);
      const o = { headers: { 'content-type': mp.type }, body: mp.body, check: lpJob };
      let up;
      if (kind === 'v2_cancel') {
        // stuck = PENDING forever, so the cancel always finds it running
        up = await call('v2:upload', 'POST', '/api/v2/parse/upload', { ...o, mockFault: { header: 'job_status=stuck', status: -1 } });
        if (!up || up.outcome !== 'ok') return;
        const id = json(up.res).id;
        const c = await step('v2:cancel', 'POST', `/api/v2/parse/${id}/cancel`,
          { check: (r) => (json(r).status === 'CANCELLED' ? null : `status ${json(r).status}`) });
        if (!c) return;
        await step('v2:delete', 'DELETE', `/api/v2/parse/${id}`, { check: (r) => (json(r).id === id ? null : 'wrong id') });
        return;
      }
      up = await step('v2:upload', 'POST', '/api/v2/parse/upload', o);
      if (!up) return;
      const id = json(up.res).id;
      const st = await poll('v2:poll', `/api/v2/parse/${id}`, 'job', ['PENDING', 'RUNNING']);
      if (!jobEnd('v2:poll', st, 'COMPLETED', false)) return;
      const expand = pick(['markdown', 'text', 'markdown,text', 'items,job_metadata', 'markdown&expand=job_metadata']);
      const g = await step('v2:get-expanded', 'GET', `/api/v2/parse/${id}?expand=${expand}`,
        { check: (r) => (json(r).job?.id === id ? null : 'wrong job') });
      if (!g) return;
      if (chance(0.5)) await step('v2:delete', 'DELETE', `/api/v2/parse/${id}`, { check: (r) => (json(r).id === id ? null : 'wrong id') });
      return;
    }
    case 'v2_list':
      return step('v2:list', 'GET', '/api/v2/parse', { check: (r) => (Array.isArray(json(r).items) ? null : 'no items') });
    case 'extensions':
      return step('v1:extensions', 'GET', '/api/v1/parsing/supported_file_extensions',
        { check: (r) => (json(r) ? null : 'empty') });
    case 'health':
      return controlReads.health();
    case 'header_fault': {
      const status = pick([429, 500, 503]);
      return call('header_fault', 'GET', '/api/v1/parsing/supported_file_extensions', { mockFault: { header: `status=${status}`, status } });
    }
    case 'bad_request': {
      const v = pick(['job', 'result', 'v2', 'auth']);
      if (v === 'job') return call('bad_request', 'GET', '/api/v1/parsing/job/00000000-0000-4000-8000-000000000000', { expect: 404 });
      if (v === 'result') return call('bad_request', 'GET', '/api/v1/parsing/job/00000000-0000-4000-8000-000000000000/result/markdown', { expect: 404 });
      if (v === 'v2') return call('bad_request', 'GET', '/api/v2/parse/00000000-0000-4000-8000-000000000000', { expect: 404 });
      return call('bad_request', 'GET', '/api/v1/parsing/supported_file_extensions', { auth: false, expect: 401 });
    }
  }
  throw new Error(`sequence ${kind}`);
}

// ---------------------------------------------------------------- the run
const samples = []; // { requests, elapsed_s, rss_kb, fds, threads, note }
let seqNo = 0;
const sequence = opt.server === 'openai' ? oaSequence : lpSequence;

async function worker() {
  while (issued < phaseEnd) await sequence(++seqNo);
}

async function runPhase(end) {
  phaseEnd = end;
  await Promise.all(Array.from({ length: opt.concurrency }, worker));
}

// Closes the client's keep-alive sockets and waits until the server's fd
// count is steady (unchanged for 300 ms): the server's own fds, no client's.
async function quietFds() {
  agent.destroy();
  agent = newAgent();
  let last = -1;
  let same = 0;
  for (let i = 0; i < 300 && same < 15; i++) {
    await sleep(20);
    const n = readProc(server.proc.pid).fds;
    same = n === last ? same + 1 : 0;
    last = n;
  }
  return last;
}

function sample(note, t0) {
  const p = readProc(server.proc.pid);
  const s = { requests: issued, elapsed_s: (performance.now() - t0) / 1000, rss_kb: p.rss, hwm_kb: p.hwm, fds: p.fds, threads: p.threads, note };
  samples.push(s);
  return s;
}

function fmtMB(kb) { return `${(kb / 1024).toFixed(1)} MB`; }

async function scrapeMetrics() {
  const r = await send('GET', '/metrics', { auth: false });
  if (r.status !== 200) throw new Error(`metrics: ${r.status} ${r.error ?? ''}`);
  const text = r.body.toString();
  fs.writeFileSync(path.join(opt.out, `soak-${opt.server}-metrics.txt`), text);
  let requests = 0;
  let faults = 0;
  const faultsByKind = {};
  for (const line of text.split('\n')) {
    let m = /^mock_requests_total\{.*\} (\d+)$/.exec(line);
    if (m) requests += Number(m[1]);
    m = /^mock_faults_injected_total\{rule="[^"]*",kind="([^"]*)"\} (\d+)$/.exec(line);
    if (m) { faults += Number(m[2]); faultsByKind[m[1]] = (faultsByKind[m[1]] ?? 0) + Number(m[2]); }
  }
  return { requests, faults, faultsByKind };
}

async function main() {
  fs.mkdirSync(opt.out, { recursive: true });
  server = await startServer();
  const pid = server.proc.pid;
  let died = null;
  server.proc.on('exit', (code, sig) => { died ??= { code, sig }; });
  const start = readProc(pid);
  const t0 = performance.now();
  samples.push({ requests: 0, elapsed_s: 0, rss_kb: start.rss, hwm_kb: start.hwm, fds: start.fds, threads: start.threads, note: 'start' });
  const log = (s) => process.stderr.write(`soak ${opt.server}: ${s}\n`);
  log(`pid ${pid} port ${server.port}; ${N} requests, ${opt.concurrency} workers, sample every ${opt.sampleEvery}, warm-up ${opt.warmup}, reset every ${opt.resetEvery}, malloc ${opt.malloc}`);

  let fdWarm = null;
  let resets = 0;
  // At quiet points only (no job in use), so no job vanishes under a worker.
  async function reset() {
    if (!take()) return;
    const r = await send('POST', '/__control/reset', { auth: false });
    const st = opStats('control:reset');
    st.n++;
    if (r.status === 204) { stats.ok++; st.ok++; resets++; } else {
      stats.unexpected++; st.unexpected++;
      stats.unexpectedSamples.push({ at: issued, op: 'control:reset', status: r.status, problem: r.error });
    }
    toggle.active = null; // the reset removed the rule
  }
  let bound = 0;
  // Quiet points every `step` requests: a sample at each multiple of
  // sample-every, a reset at each multiple of reset-every.
  const step = Math.min(opt.sampleEvery, opt.resetEvery);
  while (bound < N) {
    bound = Math.min(N, bound + step);
    await runPhase(bound);
    if (died) break;
    const resetHere = issued < N && bound % opt.resetEvery === 0;
    if (bound % opt.sampleEvery !== 0 && bound !== N) {
      if (resetHere) await reset();
      continue;
    }
    const atWarm = fdWarm === null && issued >= opt.warmup;
    const s = sample(atWarm ? 'warm-up' : issued >= N ? 'end' : '', t0);
    if (atWarm) {
      fdWarm = await quietFds();
      s.fds_quiet = fdWarm;
    }
    if (samples.length % 10 === 1 || atWarm) {
      log(`${issued} requests, ${(issued / s.elapsed_s).toFixed(0)} req/s, RSS ${fmtMB(s.rss_kb)}, fds ${s.fds}, unexpected ${stats.unexpected}`);
    }
    if (resetHere) await reset();
  }
  const elapsed = (performance.now() - t0) / 1000;
  const end = samples[samples.length - 1];
  const serverCpu = died ? NaN : readProc(pid).cpu - start.cpu;
  const cu = process.cpuUsage();
  const clientCpu = (cu.user + cu.system) / 1e6;
  let fdEnd = null;
  let metrics = null;
  if (!died) {
    fdEnd = await quietFds();
    end.fds_quiet = fdEnd;
    metrics = await scrapeMetrics(); // one request after the N, not counted in them
  }
  agent.destroy();
  const diedEarly = died;
  const stop = diedEarly ?? await stopServer(server.proc);

  // ---- verdicts
  const second = samples.filter((s) => s.requests > N / 2 && s.note !== 'start');
  const plateau = median(second.map((s) => s.rss_kb));
  const warm = samples.find((s) => s.note === 'warm-up');
  // The end: the median of the last samples (5 in a full run: the last
  // 50,000 requests), so one sample that caught the allocator before it
  // trimmed does not decide; a leak moves all of them. The very last sample
  // is reported too.
  const endWindow = Math.max(1, Math.min(5, Math.floor(second.length / 4)));
  const endRss = median(samples.slice(-endWindow).map((s) => s.rss_kb));
  const drift = (endRss - plateau) / plateau;
  const lastDrift = (end.rss_kb - plateau) / plateau;
  // Slope of RSS over the second half (least squares), KB per 100k requests.
  const mx = second.reduce((a, s) => a + s.requests, 0) / second.length;
  const my = second.reduce((a, s) => a + s.rss_kb, 0) / second.length;
  const slope = second.reduce((a, s) => a + (s.requests - mx) * (s.rss_kb - my), 0)
    / (second.reduce((a, s) => a + (s.requests - mx) ** 2, 0) || 1) * 100_000;
  const maxFds = Math.max(...samples.filter((s) => s.requests >= opt.warmup).map((s) => s.fds));
  const checks = [
    ['server alive until SIGTERM', !diedEarly, diedEarly ? `died: ${JSON.stringify(diedEarly)}\n${server.errTail()}` : 'yes'],
    [`requests sent = ${N}`, issued === N, String(issued)],
    ['server counted the same (sum of mock_requests_total)', metrics?.requests === N, String(metrics?.requests)],
    ['unexpected failures = 0', stats.unexpected === 0, String(stats.unexpected)],
    ['fault events seen by the client = server mock_faults_injected_total', metrics?.faults === stats.faultEvents,
      `${stats.faultEvents} vs ${metrics?.faults}`],
    [`final RSS (median of the last ${endWindow} samples) within 5 % of the plateau`, Math.abs(drift) <= 0.05,
      `${fmtMB(endRss)} vs ${fmtMB(plateau)} (${(drift * 100).toFixed(2)} %; the very last sample ${fmtMB(end.rss_kb)}, ${(lastDrift * 100).toFixed(2)} %)`],
    ['fds at the end = fds after warm-up (client sockets closed)', fdEnd === fdWarm, `${fdEnd} vs ${fdWarm}`],
    [`fds never above warm-up + ${opt.concurrency} connections + 2`, maxFds <= fdWarm + opt.concurrency + 2, `max ${maxFds}`],
    ['exit status 0 on SIGTERM', stop.code === 0, `${stop.code ?? stop.signal}`],
  ];
  const pass = checks.every(([, ok]) => ok);
  const lat = [...stats.latencyMs].sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  const summary = {
    server: opt.server, binary: opt.bin, server_args: server.args, requests: N, concurrency: opt.concurrency,
    malloc: opt.malloc === 'pinned' ? `GLIBC_TUNABLES=${PINNED}` : 'glibc defaults',
    sample_every: opt.sampleEvery, warmup: opt.warmup, reset_every: opt.resetEvery, resets, seed: opt.seed,
    date: new Date().toISOString(), duration_s: elapsed, rate: N / elapsed, loadavg_end: os.loadavg(),
    cpu_s: { server: serverCpu, client: clientCpu }, cpus: os.cpus().length,
    latency_ms: { p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1] },
    rss_kb: { start: samples[0].rss_kb, warmup: warm?.rss_kb, plateau, end: endRss, end_window: endWindow, last: end.rss_kb,
      peak_hwm: end.hwm_kb, drift_pct: drift * 100, last_drift_pct: lastDrift * 100, slope_kb_per_100k: slope,
      second_half_min: Math.min(...second.map((x) => x.rss_kb)), second_half_max: Math.max(...second.map((x) => x.rss_kb)) },
    fds: { start: samples[0].fds, warmup_quiet: fdWarm, end_quiet: fdEnd, max_sampled: maxFds },
    threads: { start: samples[0].threads, end: end.threads },
    ok: stats.ok, expected_errors: stats.expectedErrors, injected: stats.injected,
    injected_job_failures: stats.injectedJobFailures, unexpected: stats.unexpected,
    fault_events_client: stats.faultEvents, server_metrics: metrics, injected_by_kind: stats.injectedByKind,
    fault_rules: { added: toggle.adds, deleted: toggle.deletes },
    by_op: stats.byOp, unexpected_samples: stats.unexpectedSamples, exit: stop,
    checks: checks.map(([name, ok, detail]) => ({ name, ok, detail })), pass,
  };
  const base = path.join(opt.out, `soak-${opt.server}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(summary, null, 2) + '\n');
  fs.writeFileSync(`${base}.csv`, 'requests,elapsed_s,rss_kb,vmhwm_kb,fds,fds_quiet,threads,note\n'
    + samples.map((s) => [s.requests, s.elapsed_s.toFixed(2), s.rss_kb, s.hwm_kb, s.fds, s.fds_quiet ?? '', s.threads, s.note].join(',')).join('\n') + '\n');
  fs.mkdirSync(path.dirname(opt.svg), { recursive: true });
  fs.writeFileSync(opt.svg, svgChart(summary, samples));
  fs.writeFileSync(`${base}.md`, markdown(summary, samples));
  for (const [name, ok, detail] of checks) log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
  if (stats.unexpectedSamples.length) log(`unexpected failures (first ${stats.unexpectedSamples.length}):\n${JSON.stringify(stats.unexpectedSamples, null, 1)}`);
  log(`cpu: server ${serverCpu.toFixed(1)} s, client ${clientCpu.toFixed(1)} s; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log(`${pass ? 'PASS' : 'FAIL'}: ${N} requests in ${elapsed.toFixed(1)} s (${(N / elapsed).toFixed(0)} req/s); RSS warm-up ${fmtMB(warm?.rss_kb ?? NaN)}, plateau ${fmtMB(plateau)}, end ${fmtMB(endRss)} (last ${fmtMB(end.rss_kb)}); fds ${fdWarm} -> ${fdEnd}; injected ${stats.injected} (+${stats.injectedJobFailures} job), unexpected ${stats.unexpected}`);
  process.exitCode = pass ? 0 : 1;
}

// ---------------------------------------------------------------- outputs
function svgChart(s, pts) {
  const W = 800, H = 420, L = 70, R = 70, T = 50, B = 60;
  const pw = W - L - R, ph = H - T - B;
  const xmax = s.requests;
  const rmax = Math.max(...pts.map((p) => p.rss_kb)) / 1024;
  const ytop = niceCeil(rmax * 1.15);
  const fmax = Math.max(...pts.map((p) => p.fds));
  const ftop = niceCeil(Math.max(fmax * 1.15, 10));
  const X = (r) => L + (r / xmax) * pw;
  const Y = (mb) => T + ph - (mb / ytop) * ph;
  const YF = (f) => T + ph - (f / ftop) * ph;
  const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(`mock_${s.server} soak: RSS and open fds over ${s.requests.toLocaleString('en-US')} requests`)}</text>`);
  out.push(`<text x="${W / 2}" y="39" text-anchor="middle" fill="#555">${esc(`${s.date.slice(0, 10)}, ${s.duration_s.toFixed(0)} s, ${s.rate.toFixed(0)} req/s, plateau ${(s.rss_kb.plateau / 1024).toFixed(2)} MB, end ${(s.rss_kb.end / 1024).toFixed(2)} MB (${s.rss_kb.drift_pct >= 0 ? '+' : ''}${s.rss_kb.drift_pct.toFixed(2)} %), malloc ${s.malloc.startsWith('GLIBC') ? 'pinned' : 'default'}`)}</text>`);
  // grid and axes
  for (let i = 0; i <= 5; i++) {
    const mb = (ytop / 5) * i;
    out.push(`<line x1="${L}" y1="${Y(mb).toFixed(1)}" x2="${L + pw}" y2="${Y(mb).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${L - 6}" y="${(Y(mb) + 4).toFixed(1)}" text-anchor="end">${+mb.toFixed(1)}</text>`);
    const f = (ftop / 5) * i;
    out.push(`<text x="${L + pw + 6}" y="${(YF(f) + 4).toFixed(1)}" fill="#d62728">${+f.toFixed(0)}</text>`);
    const r = (xmax / 5) * i;
    out.push(`<line x1="${X(r).toFixed(1)}" y1="${T + ph}" x2="${X(r).toFixed(1)}" y2="${T + ph + 5}" stroke="black"/>`);
    out.push(`<text x="${X(r).toFixed(1)}" y="${T + ph + 19}" text-anchor="middle">${(r / 1000).toLocaleString('en-US')}k</text>`);
  }
  out.push(`<line x1="${L}" y1="${T}" x2="${L}" y2="${T + ph}" stroke="black"/>`);
  out.push(`<line x1="${L}" y1="${T + ph}" x2="${L + pw}" y2="${T + ph}" stroke="black"/>`);
  out.push(`<line x1="${L + pw}" y1="${T}" x2="${L + pw}" y2="${T + ph}" stroke="#d62728"/>`);
  out.push(`<text x="${L + pw / 2}" y="${H - 18}" text-anchor="middle">requests sent</text>`);
  out.push(`<text transform="translate(18 ${T + ph / 2}) rotate(-90)" text-anchor="middle" fill="#1f77b4">RSS (MB, VmRSS)</text>`);
  out.push(`<text transform="translate(${W - 16} ${T + ph / 2}) rotate(90)" text-anchor="middle" fill="#d62728">open fds</text>`);
  // warm-up mark, second half, plateau
  out.push(`<line x1="${X(s.warmup).toFixed(1)}" y1="${T}" x2="${X(s.warmup).toFixed(1)}" y2="${T + ph}" stroke="#999" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${(X(s.warmup) + 4).toFixed(1)}" y="${T + 12}" fill="#777">end of warm-up</text>`);
  out.push(`<line x1="${X(xmax / 2).toFixed(1)}" y1="${Y(s.rss_kb.plateau / 1024).toFixed(1)}" x2="${X(xmax).toFixed(1)}" y2="${Y(s.rss_kb.plateau / 1024).toFixed(1)}" stroke="#2ca02c" stroke-dasharray="6 3"/>`);
  out.push(`<text x="${X(xmax / 2).toFixed(1)}" y="${(Y(s.rss_kb.plateau / 1024) - 6).toFixed(1)}" fill="#2ca02c">plateau: median of the second half</text>`);
  const line = (f, color) => `<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${pts.map((p) => `${X(p.requests).toFixed(1)},${f(p).toFixed(1)}`).join(' ')}"/>`;
  out.push(line((p) => YF(p.fds), '#d62728'));
  out.push(line((p) => Y(p.rss_kb / 1024), '#1f77b4'));
  // legend
  out.push(`<line x1="${L + 10}" y1="${T + ph - 30}" x2="${L + 30}" y2="${T + ph - 30}" stroke="#1f77b4" stroke-width="2"/><text x="${L + 35}" y="${T + ph - 26}">RSS</text>`);
  out.push(`<line x1="${L + 10}" y1="${T + ph - 14}" x2="${L + 30}" y2="${T + ph - 14}" stroke="#d62728" stroke-width="2"/><text x="${L + 35}" y="${T + ph - 10}">open fds (incl. ${s.concurrency} client connections)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function markdown(s, pts) {
  const mb = (kb) => (kb / 1024).toFixed(1);
  const lines = [];
  lines.push(`### mock_${s.server}`, '');
  lines.push(`${s.requests.toLocaleString('en-US')} requests in ${s.duration_s.toFixed(1)} s (${s.rate.toFixed(0)} req/s), `
    + `${s.concurrency} keep-alive workers, server flags \`${s.server_args.join(' ')}\`, malloc: ${s.malloc.startsWith('GLIBC') ? `\`${s.malloc}\`` : s.malloc}, `
    + `${s.resets} \`/__control/reset\` calls. `
    + `Latency over 1 request in 64: p50 ${s.latency_ms.p50.toFixed(2)} ms, p99 ${s.latency_ms.p99.toFixed(2)} ms. `
    + `CPU: server ${s.cpu_s.server.toFixed(0)} s, soak client ${s.cpu_s.client.toFixed(0)} s (${s.cpus} cores; load average ${s.loadavg_end.map((x) => x.toFixed(2)).join(' ')} at the end).`, '');
  lines.push(`| RSS start | after warm-up | plateau (median, 2nd half) | 2nd half min–max | end (median, last ${s.rss_kb.end_window}) | end vs plateau | last sample | slope, 2nd half | VmHWM | fds after warm-up → end (quiet) | max fds sampled | threads |`);
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  lines.push(`| ${mb(s.rss_kb.start)} MB | ${mb(s.rss_kb.warmup)} MB | ${mb(s.rss_kb.plateau)} MB | ${mb(s.rss_kb.second_half_min)}–${mb(s.rss_kb.second_half_max)} MB | ${mb(s.rss_kb.end)} MB | ${s.rss_kb.drift_pct.toFixed(2)} % | `
    + `${mb(s.rss_kb.last)} MB (${s.rss_kb.last_drift_pct.toFixed(2)} %) | ${s.rss_kb.slope_kb_per_100k.toFixed(0)} KB / 100k req | ${mb(s.rss_kb.peak_hwm)} MB | ${s.fds.warmup_quiet} → ${s.fds.end_quiet} | ${s.fds.max_sampled} | ${s.threads.start} → ${s.threads.end} |`, '');
  const kinds = Object.entries(s.injected_by_kind).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`Answers: ${s.ok.toLocaleString('en-US')} right, ${s.expected_errors.toLocaleString('en-US')} deliberate bad requests answered with the expected 4xx, `
    + `**${s.injected.toLocaleString('en-US')} injected failures** (${kinds})`
    + (s.server === 'llamaparse' ? ` plus ${s.injected_job_failures} jobs failed by an injected job fault` : '')
    + `, **${s.unexpected} unexpected**. Fault events: client ${s.fault_events_client}, server mock_faults_injected_total ${s.server_metrics?.faults}; `
    + `server mock_requests_total ${s.server_metrics?.requests?.toLocaleString('en-US')}. Fault rules added ${s.fault_rules.added}, deleted ${s.fault_rules.deleted} (the others went with a reset). Exit status on SIGTERM: ${s.exit.code ?? s.exit.signal}.`, '');
  lines.push('| check | result |', '| --- | --- |');
  for (const c of s.checks) lines.push(`| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'}: ${c.detail.replace(/\|/g, '\\|').split('\n')[0]} |`);
  lines.push('');
  // about a dozen points: start, warm-up, then evenly spaced, the end
  const want = new Set([0, pts.findIndex((p) => p.note === 'warm-up'), pts.length - 1]);
  for (let i = 1; i < 10; i++) want.add(Math.round((i * (pts.length - 1)) / 10));
  lines.push('| requests | elapsed | RSS | fds (live connections included) | threads |', '| ---: | ---: | ---: | ---: | ---: |');
  for (const i of [...want].filter((i) => i >= 0).sort((a, b) => a - b)) {
    const p = pts[i];
    lines.push(`| ${p.requests.toLocaleString('en-US')}${p.note ? ` (${p.note})` : ''} | ${p.elapsed_s.toFixed(0)} s | ${mb(p.rss_kb)} MB | ${p.fds}${p.fds_quiet != null ? ` (${p.fds_quiet} quiet)` : ''} | ${p.threads} |`);
  }
  lines.push('', '');
  return lines.join('\n');
}

main().catch((e) => {
  process.stderr.write(`soak ${opt.server}: error: ${e.stack || e}\n`);
  if (server?.proc && server.proc.exitCode === null) server.proc.kill('SIGTERM');
  process.exitCode = 2;
});
