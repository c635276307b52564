// Both binaries as processes: flags, environment, port 0, logs, signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { binaryPath, startServer, stopProcess } from '../lib/server.mjs';

for (const name of ['mock_openai', 'mock_llamaparse']) {
  test(`${name} --help lists every flag with its environment variable`, () => {
    const r = spawnSync(binaryPath(name), ['--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    for (const [flag, env] of [['--host', 'MOCK_HOST'], ['--port', 'MOCK_PORT'], ['--threads', 'MOCK_THREADS'],
      ['--max-body', 'MOCK_MAX_BODY'], ['--log-format', 'MOCK_LOG_FORMAT'], ['--log-level', 'MOCK_LOG_LEVEL']]) {
      assert.match(r.stdout, new RegExp(`${flag} .* ${env} `));
    }
    assert.match(r.stdout, /default: 127\.0\.0\.1/);
  });

  test(`${name} --version and bad flags`, () => {
    const v = spawnSync(binaryPath(name), ['--version'], { encoding: 'utf8' });
    assert.equal(v.status, 0);
    assert.match(v.stdout, new RegExp(`^${name} \\d+\\.\\d+\\.\\d+\\n$`));
    const bad = spawnSync(binaryPath(name), ['--port', 'abc'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--port/);
    const unknown = spawnSync(binaryPath(name), ['--frobnicate'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
    const badEnv = spawnSync(binaryPath(name), [], { encoding: 'utf8', env: { ...process.env, MOCK_THREADS: 'many' } });
    assert.equal(badEnv.status, 2);
    assert.match(badEnv.stderr, /MOCK_THREADS/);
  });

  test(`${name} --man prints a man page with every flag, env var and default`, () => {
    const help = spawnSync(binaryPath(name), ['--help'], { encoding: 'utf8' }).stdout;
    const r = spawnSync(binaryPath(name), ['--man'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^\\.TH "${name}" 1 `));
    const flags = [...help.matchAll(/^  --([a-z-]+)/gm)].map((m) => m[1]);
    assert.ok(flags.length > 15);
    for (const f of flags) assert.ok(r.stdout.includes(`.B \\-\\-${f.replaceAll('-', '\\-')}`), f);
    assert.match(r.stdout, /Environment: \\fBMOCK_PORT\\fR\.\nDefault: 800[12]\./);
  });

  test(`${name} --healthcheck probes /health: 0 when it answers, 1 when nothing listens`, async () => {
    const s = await startServer(name);
    try {
      const up = spawnSync(binaryPath(name), ['--healthcheck', '--port', String(s.port)], { encoding: 'utf8' });
      assert.equal(up.status, 0, up.stderr);
      const viaEnv = spawnSync(binaryPath(name), ['--healthcheck'],
        { encoding: 'utf8', env: { ...process.env, MOCK_HOST: '0.0.0.0', MOCK_PORT: String(s.port) } });
      assert.equal(viaEnv.status, 0, viaEnv.stderr);
    } finally {
      await s.stop();
    }
    const down = spawnSync(binaryPath(name), ['--healthcheck', '--port', String(s.port)], { encoding: 'utf8' });
    assert.equal(down.status, 1);
    assert.match(down.stderr, /unhealthy/);
  });
}

test('--healthcheck is unhealthy when /health does not answer 200', async () => {
  const s = await startServer('mock_openai');
  try {
    const add = await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path: '/health', status: 503 }) });
    assert.equal(add.status, 201);
    const r = spawnSync(binaryPath('mock_openai'), ['--healthcheck', '--port', String(s.port)], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /HTTP\/1\.[01] 503/);
  } finally {
    await s.stop();
  }
});

test('environment configures the server (MOCK_PORT=0, MOCK_API_KEYS)', async () => {
  const s = await startServer('mock_openai', [], { MOCK_API_KEYS: 'k1,k2' });
  try {
    assert.ok(s.port > 0);
    const ok = await fetch(`${s.url}/v1/models`, { headers: { authorization: 'Bearer k2' } });
    assert.equal(ok.status, 200);
    const bad = await fetch(`${s.url}/v1/models`, { headers: { authorization: 'Bearer k3' } });
    assert.equal(bad.status, 401);
  } finally {
    await s.stop();
  }
});

test('a port in use is a clear start-up error', async () => {
  const s = await startServer('mock_llamaparse');
  try {
    const r = spawnSync(binaryPath('mock_llamaparse'), ['--port', String(s.port)], { encoding: 'utf8', timeout: 5000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot listen/);
  } finally {
    await s.stop();
  }
});

test('json log lines, one per request', async () => {
  const s = await startServer('mock_openai', ['--log-format', 'json', '--log-level', 'info']);
  await fetch(`${s.url}/health`);
  await fetch(`${s.url}/nope`);
  assert.equal(await s.stop(), 0);
  const lines = s.stderr().trim().split('\n').map((l) => JSON.parse(l));
  const reqs = lines.filter((l) => l.request_id);
  assert.equal(reqs.length, 2);
  assert.deepEqual(reqs.map((l) => [l.method, l.path, l.status]), [['GET', '/health', 200], ['GET', '/nope', 404]]);
  assert.match(reqs[0].request_id, /^req_[0-9a-f]{32}$/);
  assert.equal(typeof reqs[0].duration_ms, 'number');
});

// SIGTERM while a request body is still arriving: the request completes
// and the process then exits 0.
test('SIGTERM finishes the in-flight request, then exits 0', async () => {
  const s = await startServer('mock_openai');
  const body = JSON.stringify({ model: 'text-embedding-3-small', input: 'graceful' });
  const sock = net.connect(s.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let response = '';
  sock.on('data', (d) => { response += d; });
  const ended = new Promise((r) => sock.on('close', r));
  sock.write(`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
  await new Promise((r) => setTimeout(r, 200));
  const exited = stopProcess(s.proc);
  await new Promise((r) => setTimeout(r, 300));
  sock.write(body.slice(10));
  await ended;
  assert.match(response, /^HTTP\/1\.1 200/);
  assert.match(response, /"object":"embedding"/);
  assert.equal(await exited, 0);
});

test('mock_llamaparse health and errors use its own format', async () => {
  const s = await startServer('mock_llamaparse');
  try {
    const h = await fetch(`${s.url}/health`);
    const body = await h.json();
    assert.equal(body.status, 'healthy');
    assert.equal(body.service, 'mock-llamaparse');
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
    const nf = await fetch(`${s.url}/api/v1/nope`);
    assert.equal(nf.status, 404);
    assert.match(nf.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(Object.keys(await nf.json()), ['detail']);
  } finally {
    await s.stop();
  }
});
