// Stopping mock_llamaparse while its own outgoing transfers are in flight:
// a URL fetch and a webhook delivery to a peer that never answers. The stop
// signal must reach the main thread (never a worker thread, whose default
// action would kill the process with status 143), and the transfers must be
// aborted, so the process always exits 0 within --shutdown-grace-ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, stopProcess } from '../lib/server.mjs';

const GRACE_MS = 1500;
const ROUNDS = 8;

// A TCP peer that reads requests and never answers; resolves `seen(n)` once
// n requests have arrived (their first line is enough).
function silentPeer() {
  const socks = new Set();
  const lines = [];
  let waiters = [];
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    s.once('data', (d) => {
      lines.push(String(d).split('\r\n')[0]);
      waiters = waiters.filter((w) => (lines.length >= w.n ? (w.resolve(), false) : true));
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${srv.address().port}`,
    lines,
    seen: (n) => (lines.length >= n ? Promise.resolve() : new Promise((r) => { waiters.push({ n, resolve: r }); })),
    close: () => { for (const s of socks) s.destroy(); return new Promise((r) => srv.close(r)); },
  })));
}

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  assert.equal(res.status, 200, await res.text());
}

// One round: both transfers in flight, then the signal; the exit status and
// how long it took.
async function stopWithTransfersInFlight(signal) {
  const peer = await silentPeer();
  const lp = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--shutdown-grace-ms', String(GRACE_MS),
    '--webhook-timeout-ms', '60000', '--webhook-retries', '0']);
  try {
    await post(`${lp.url}/parse`, JSON.stringify({ job_id: '6f1c2a4e-1111-4222-8333-444455556666',
      source_url: `${peer.url}/doc.pdf`, webhook_url: `${peer.url}/never` }), { 'content-type': 'application/json' });
    const form = new FormData();
    form.append('file', new Blob(['HELLO\n\nA short document.\n']), 'note.txt');
    form.append('webhook_url', `${peer.url}/hook`);
    const res = await fetch(`${lp.url}/api/v1/parsing/upload`, { method: 'POST', body: form,
      headers: { authorization: 'Bearer llx-test' } });
    assert.equal(res.status, 200, await res.text());
    await peer.seen(2); // the GET of the document and the webhook POST, both unanswered
    assert.deepEqual(peer.lines.map((l) => l.split(' ')[0]).sort(), ['GET', 'POST']);
    const t0 = Date.now();
    const code = await stopProcess(lp.proc, signal);
    return { code, ms: Date.now() - t0, stderr: lp.stderr() };
  } finally {
    await peer.close();
  }
}

test(`SIGTERM with a URL fetch and a webhook in flight: exit 0 within the grace period, ${ROUNDS} times`, async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const r = await stopWithTransfersInFlight('SIGTERM');
    assert.equal(r.code, 0, `round ${i}: exit ${r.code}\n${r.stderr}`);
    assert.ok(r.ms < GRACE_MS + 1000, `round ${i}: took ${r.ms} ms`);
  }
});

for (const signal of ['SIGINT', 'SIGHUP']) {
  test(`${signal} stops it the same way`, async () => {
    const r = await stopWithTransfersInFlight(signal);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < GRACE_MS + 1000, `took ${r.ms} ms`);
  });
}
