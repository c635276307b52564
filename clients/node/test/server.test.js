// Starting, stopping and attaching; extra flags; the control token; errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attach, MockworksError, startMockLlamaParse, startMockOpenAI } from 'mockworks';

const isErr = (pattern, status) => (e) => e instanceof MockworksError && pattern.test(e.message) &&
  (status === undefined || e.status === status);

test('mock_openai on a free port, base URL /v1, stopped with exit 0', async () => {
  const oa = await startMockOpenAI();
  assert.match(oa.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(oa.baseURL, `${oa.url}/v1`);
  assert.equal((await oa.health()).service, 'mock-openai');
  const models = await (await fetch(`${oa.baseURL}/models`, { headers: { authorization: 'Bearer k' } })).json();
  assert.ok(models.data.some((m) => m.id === 'text-embedding-3-small'));
  const proc = oa.process.proc;
  assert.equal(await oa.stop(), undefined);
  assert.equal(proc.exitCode, 0);
  await oa.stop(); // twice is harmless
});

test('mock_llamaparse: base URL is the root', async () => {
  const lp = await startMockLlamaParse();
  assert.equal(lp.baseURL, lp.url);
  assert.equal((await lp.health()).status, 'healthy');
  await lp.stop();
});

test('extra args reach the binary', async () => {
  const oa = await startMockOpenAI({ args: ['--model', 'tiny-embedder:8'] });
  try {
    const res = await fetch(`${oa.baseURL}/embeddings`, {
      method: 'POST', headers: { authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'tiny-embedder', input: 'x' }),
    });
    assert.equal((await res.json()).data[0].embedding.length, 8);
  } finally {
    await oa.stop();
  }
});

test('a bad flag rejects with the server\'s words', async () => {
  await assert.rejects(startMockOpenAI({ args: ['--no-such-flag'] }), isErr(/exited with 2 before listening: .*no-such-flag/));
});

test('a missing binary, and one that dies at once, are clear errors', async () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'mockworks-fake-'));
  await assert.rejects(startMockOpenAI({ binary: path.join(d, 'nope') }), isErr(/cannot start .*nope/));
  const fake = path.join(d, 'mock_openai');
  writeFileSync(fake, "#!/bin/sh\necho 'cannot bind, out of luck' >&2\nexit 3\n");
  chmodSync(fake, 0o755);
  await assert.rejects(startMockOpenAI({ binary: fake }), isErr(/exited with 3 before listening: cannot bind, out of luck/));
});

test('attach by URL (kind from /health) leaves the server running', async () => {
  const owner = await startMockOpenAI();
  try {
    const a = await attach(`${owner.url}/`);
    assert.equal(a.kind, 'openai');
    assert.ok(a.attached);
    assert.equal(a.baseURL, `${owner.url}/v1`);
    await a.fault({ path: '/v1/models', status: 503 });
    assert.equal((await owner.faults()).length, 1);
    await a.stop();
    assert.equal((await owner.health()).status, 'healthy');
  } finally {
    await owner.stop();
  }
});

test('attach through the environment (flags are for a started server); flags with a url are refused', async () => {
  const owner = await startMockLlamaParse();
  process.env.MOCKWORKS_LLAMAPARSE_URL = owner.url;
  try {
    const a = await startMockLlamaParse();
    assert.ok(a.attached);
    assert.equal(a.url, owner.url);
    const b = await startMockLlamaParse({ args: ['--job-delay-ms', '0'] });
    assert.ok(b.attached);
    await assert.rejects(startMockLlamaParse({ url: owner.url, args: ['--job-delay-ms', '0'] }), isErr(/cannot pass/));
  } finally {
    delete process.env.MOCKWORKS_LLAMAPARSE_URL;
    await owner.stop();
  }
});

test('an unreachable server is a clear error', async () => {
  const oa = await startMockOpenAI();
  const url = oa.url;
  await oa.stop();
  await assert.rejects(attach(url), isErr(/cannot reach/));
  await assert.rejects((await attach(url, { kind: 'openai' })).faults(), isErr(/GET \/__control\/faults: cannot reach/));
});

test('the control token is sent, and required', async () => {
  const oa = await startMockOpenAI({ controlToken: 's3cret' });
  try {
    await oa.fault({ path: '/v1/models', status: 503 });
    assert.equal((await oa.faults()).length, 1);
    await assert.rejects((await attach(oa.url)).faults(), isErr(/failed with 401/, 401));
  } finally {
    await oa.stop();
  }
});

test('metrics are text', async () => {
  const oa = await startMockOpenAI();
  assert.match(await oa.metrics(), /mock_requests_total/);
  await oa.stop();
});

test('a server killed under us is reported by stop()', async () => {
  const oa = await startMockOpenAI();
  oa.process.proc.kill('SIGKILL');
  await assert.rejects(oa.stop(), isErr(/exited with SIGKILL/));
});
