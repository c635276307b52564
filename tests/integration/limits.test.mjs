// One test per limit: each drives a server into it and checks exactly what
// the client gets there. The configurable limits are the flags of README's
// Configuration table; the API's own fixed limits (README "Limits and errors")
// come last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer } from '../lib/server.mjs';
import { exchange } from '../lib/raw.mjs';

const AUTH = { authorization: 'Bearer mock_key_local_development' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const HEALTH = 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

function connected(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('connect', () => resolve(sock));
    sock.on('error', reject);
  });
}

function closedBy(sock) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    if (sock.destroyed) resolve(0);
    sock.on('close', () => resolve(Date.now() - t0));
    sock.on('error', () => {});
  });
}

function assertEnvelope(json, error) {
  assert.deepEqual(json, { error: { type: 'invalid_request_error', param: null, code: null, ...error } });
}

async function withServer(name, args, fn) {
  const s = await startServer(name, args);
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

// --max-connections: past the limit a request gets a 503 at once (in the
// API's format, the connection closed), except /health and /__control, which
// a reserve of connections keeps reachable: a test can always see the server
// and switch off the fault that filled it. Beyond the reserve too,
// connections wait in the kernel's listen backlog.
test('--max-connections 4: a 5th API request gets 503 at once; health and control still answer', async () => {
  await withServer('mock_openai', ['--max-connections', '4', '--idle-timeout', '30'], async (s) => {
    const held = await Promise.all([1, 2, 3, 4].map(() => connected(s.port)));
    for (const sock of held) {
      sock.on('data', () => {});
      sock.write(`GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nx-mock-fault: kind=hang;hang_ms=20000\r\n\r\n`);
    }
    await sleep(300);
    const over = await exchange(s.port, `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\n\r\n`, { timeout: 3000 });
    assert.equal(over.how, 'closed');
    assert.match(over.text, /^HTTP\/1\.1 503 /);
    assert.match(over.text, /"code":"server_is_overloaded"/); // the API's own 503
    const health = await exchange(s.port, HEALTH, { timeout: 3000 });
    assert.match(health.text, /^HTTP\/1\.1 200 OK/);
    const faults = await exchange(s.port, 'DELETE /__control/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { timeout: 3000 });
    assert.match(faults.text, /^HTTP\/1\.1 204 /);
    for (const sock of held) sock.destroy();
  });
});

// A client that leaves during a hold frees its connection within about a
// second, not when the hold would have ended: hangs nobody waits for cannot
// fill the server.
test('a client that hangs up during a 20 s hang frees its connection at once', async () => {
  await withServer('mock_openai', ['--max-connections', '2', '--idle-timeout', '30'], async (s) => {
    for (let round = 0; round < 3; round++) {
      const socks = await Promise.all([1, 2].map(() => connected(s.port)));
      for (const sock of socks) {
        sock.on('error', () => {});
        sock.write(`GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nx-mock-fault: kind=hang;hang_ms=20000\r\n\r\n`);
      }
      await sleep(200);
      for (const sock of socks) sock.destroy();
      await sleep(1500);
      const r = await exchange(s.port, `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nConnection: close\r\n\r\n`, { timeout: 3000 });
      assert.match(r.text, /^HTTP\/1\.1 200 OK/, `round ${round}: the slots were freed`);
      // the probe's own connection (Connection: close) must be gone before the
      // next round takes both slots, or its second hang is a 503 on a busy machine
      await sleep(500);
    }
    let requests = [];
    for (let i = 0; i < 50 && requests.filter((q) => q.status === 0).length < 6; i++) {
      ({ requests } = await (await fetch(`${s.url}/__control/requests?path=/v1/models`)).json());
      await sleep(100);
    }
    assert.ok(requests.filter((q) => q.status === 0).length >= 6,
      `the abandoned hangs are journaled with no answer: ${JSON.stringify(requests.map((q) => [q.status, q.fault]))}`);
  });
});

// --idle-timeout: a connection is closed once it has been idle that long, and
// a request head (request line and headers) must arrive within that time of
// its first byte, however steadily it trickles in (slowloris). Requests being
// served are not cut, however long their answer is held.
test('--idle-timeout 1: idle, kept-alive and trickling connections are closed after 1 s; held answers are not', async () => {
  await withServer('mock_openai', ['--idle-timeout', '1'], async (s) => {
    const silent = await connected(s.port);
    const kept = await connected(s.port);
    const keptText = [];
    kept.on('data', (d) => keptText.push(String(d)));
    kept.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const trickle = await connected(s.port);
    const head = `GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(200)}\r\n\r\n`;
    let sent = 0;
    const timer = setInterval(() => { if (sent < head.length) trickle.write(head[sent++]); }, 40);
    const [silentMs, keptMs, trickleMs] = await Promise.all([closedBy(silent), closedBy(kept), closedBy(trickle)]);
    clearInterval(timer);
    for (const ms of [silentMs, keptMs, trickleMs]) assert.ok(ms >= 900 && ms < 2500, `closed after ${ms} ms`);
    assert.match(keptText.join(''), /^HTTP\/1\.1 200 OK/);
    assert.ok(sent < head.length, 'the trickled head was never cut');

    const held = await fetch(`${s.url}/v1/models`, { headers: { ...AUTH, 'x-mock-fault': 'delay_ms=1800' } });
    assert.equal(held.status, 200);
    assert.equal((await held.json()).object, 'list');
  });
});

// The body must keep coming too: a client that trickles its body a byte at
// a time is cut off after --idle-timeout, while one that sends steadily (a
// few KB every half second, far slower than any real upload) is not.
test('--idle-timeout 2: a trickled body is cut off; a slow but steady one is served', async () => {
  await withServer('mock_openai', ['--idle-timeout', '2'], async (s) => {
    const head = (n) => `POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${n}\r\n\r\n`;
    const trickle = await connected(s.port);
    trickle.write(head(1000));
    const dribble = setInterval(() => trickle.write(' '), 300);
    const ms = await closedBy(trickle);
    clearInterval(dribble);
    assert.ok(ms >= 1900 && ms < 6000, `closed after ${ms} ms`);

    const body = JSON.stringify({ model: 'text-embedding-3-small', input: 'x'.repeat(22000) });
    const steady = await connected(s.port);
    const text = [];
    steady.on('data', (d) => text.push(String(d)));
    steady.write(head(body.length));
    for (let at = 0; at < body.length; at += 4500) {
      steady.write(body.slice(at, at + 4500));
      await new Promise((r) => setTimeout(r, 500));
    }
    for (let i = 0; i < 50 && !text.join('').includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(text.join(''), /^HTTP\/1\.1 200 OK/, `served although it took longer than the idle timeout in all: ${JSON.stringify(text.join('').slice(0, 200))}`);
    steady.destroy();
  });
});

// --connection-memory bounds the request head. libmicrohttpd 0.9.75 answers a
// head that does not fit with its own built-in HTML 431 page (414 when the
// request line alone does not fit): it offers no hook to answer in the API's
// format, so this pins what it sends.
test('--connection-memory 8k: a 6 KB header is served, a 9 KB header gets libmicrohttpd\'s HTML 431', async () => {
  await withServer('mock_openai', ['--connection-memory', '8k'], async (s) => {
    const ok = await exchange(s.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(6000)}\r\nConnection: close\r\n\r\n`);
    assert.match(ok.text, /^HTTP\/1\.1 200 OK/);
    const big = await exchange(s.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`);
    assert.equal(big.how, 'closed');
    assert.match(big.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(big.text, /\r\nConnection: close\r\n/);
    assert.ok(big.text.endsWith('\r\n\r\n<html><head><title>Request too big</title></head><body>Your HTTP header was too big for the memory constraints of this webserver.</body></html>'), big.text);
    const line = await exchange(s.port, `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(line.text, /^HTTP\/1\.1 414 URI Too Long\r\n/);
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
  });
  await assert.rejects(startServer('mock_openai', ['--connection-memory', '1k']), /invalid --connection-memory 1024: at least 4096 bytes/);
});

// --max-body: exactly at the limit is served, one byte over is 413 in each
// API's own error format.
test('--max-body 1k: 1024 bytes are served, 1025 get 413 (OpenAI envelope / {"detail"})', async () => {
  const body = (n) => {
    const b = '{"model":"text-embedding-3-small","input":"x","dimensions":2}';
    return b + ' '.repeat(n - b.length);
  };
  await withServer('mock_openai', ['--max-body', '1k'], async (s) => {
    const post = (b) => fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: b });
    assert.equal((await post(body(1024))).status, 200);
    const over = await post(body(1025));
    assert.equal(over.status, 413);
    assertEnvelope(await over.json(), { message: 'Request body too large: the limit is 1024 bytes.', code: 'request_too_large' });
  });
  await withServer('mock_llamaparse', ['--max-body', '1k'], async (s) => {
    const parse = (n) => {
      const b = `{"job_id":"j${n}","source_url":"http://127.0.0.1:9/x.txt"}`;
      return fetch(`${s.url}/parse`, { method: 'POST', body: b + ' '.repeat(n - b.length) });
    };
    assert.equal((await parse(1024)).status, 200);
    const over = await parse(1025);
    assert.equal(over.status, 413);
    assert.deepEqual(await over.json(), { detail: 'Request body too large: the limit is 1024 bytes.' });
  });
});

// --max-upload (mock_llamaparse): bounds a whole upload body (not --max-body),
// and a document fetched from a URL.
test('--max-upload 10k: a 10240-byte upload is served, 10241 bytes get 413; a larger URL document ends the job in ERROR', async () => {
  const files = http.createServer((req, res) => res.end('z'.repeat(20000)));
  await new Promise((r) => files.listen(0, '127.0.0.1', r));
  try {
    await withServer('mock_llamaparse', ['--max-upload', '10k', '--max-body', '1k', '--job-delay-ms', '0', '--job-ms-per-page', '0'], async (s) => {
      const boundary = 'mwLimit42';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n`;
      const tail = `\r\n--${boundary}--\r\n`;
      const upload = (n) => fetch(`${s.url}/api/v1/parsing/upload`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: head + 'q'.repeat(n - head.length - tail.length) + tail,
      });
      const ok = await upload(10240);
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).status, 'SUCCESS');
      const over = await upload(10241);
      assert.equal(over.status, 413);
      assert.deepEqual(await over.json(), { detail: 'Request body too large: the limit is 10240 bytes.' });

      const fd = new FormData();
      fd.append('input_url', `http://127.0.0.1:${files.address().port}/big.txt`);
      const job = await (await fetch(`${s.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd })).json();
      let st;
      for (let i = 0; i < 100; i++) {
        st = await (await fetch(`${s.url}/api/v1/parsing/job/${job.id}`, { headers: AUTH })).json();
        if (st.status !== 'PENDING') break;
        await sleep(20);
      }
      assert.deepEqual(st, {
        id: job.id, status: 'ERROR', error_code: 'ERROR_DURING_PROCESSING',
        error_message: `Failed to fetch http://127.0.0.1:${files.address().port}/big.txt: the document is larger than 10240 bytes`,
      });
    });
  } finally {
    await new Promise((r) => files.close(r));
  }
});

// --journal-size: the oldest entries are dropped first.
test('--journal-size 3: after 5 requests the journal holds the last 3, oldest first', async () => {
  await withServer('mock_openai', ['--journal-size', '3'], async (s) => {
    for (let i = 1; i <= 5; i++) {
      assert.equal((await fetch(`${s.url}/v1/models`, { headers: { ...AUTH, 'x-test-id': `r${i}` } })).status, 200);
    }
    const { requests } = await (await fetch(`${s.url}/__control/requests`)).json();
    assert.deepEqual(requests.map((e) => e.headers['x-test-id']), ['r3', 'r4', 'r5']);
  });
});

// --max-jobs: a store full of live (PENDING) jobs refuses new ones with 429 on
// every route that makes a job.
test('--max-jobs 2: full of live jobs, uploads, v2 and /parse get 429 {"detail"} with retry-after', async () => {
  await withServer('mock_llamaparse', ['--max-jobs', '2', '--job-delay-ms', '60000'], async (s) => {
    const upload = () => {
      const fd = new FormData();
      fd.append('file', new Blob(['hello world']), 'a.txt');
      return fetch(`${s.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd });
    };
    for (let i = 0; i < 2; i++) {
      const ok = await upload();
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).status, 'PENDING');
    }
    const full = { detail: 'Too many jobs: the job store is full (--max-jobs); try again later.' };
    const answers = [
      await upload(),
      await fetch(`${s.url}/api/v2/parse`, { method: 'POST', headers: AUTH, body: '{"source_url":"http://127.0.0.1:9/x"}' }),
      await fetch(`${s.url}/parse`, { method: 'POST', body: '{"job_id":"j1","source_url":"http://127.0.0.1:9/x"}' }),
    ];
    for (const r of answers) {
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.deepEqual(await r.json(), full);
    }
  });
});

// --job-ttl: finished jobs are kept (and count against --max-jobs) until their
// TTL has passed; then they are evicted to make room.
test('--job-ttl 1 with --max-jobs 2: finished jobs hold their place for 1 s, then make room', async () => {
  await withServer('mock_llamaparse', ['--max-jobs', '2', '--job-ttl', '1', '--job-delay-ms', '0', '--job-ms-per-page', '0'], async (s) => {
    const upload = async () => {
      const fd = new FormData();
      fd.append('file', new Blob(['hello world']), 'a.txt');
      const r = await fetch(`${s.url}/api/v1/parsing/upload`, { method: 'POST', headers: AUTH, body: fd });
      return { status: r.status, json: await r.json() };
    };
    const first = await upload();
    assert.equal(first.json.status, 'SUCCESS');
    assert.equal((await upload()).status, 200);
    const full = await upload();
    assert.equal(full.status, 429);
    assert.equal((await fetch(`${s.url}/api/v1/parsing/job/${first.json.id}`, { headers: AUTH })).status, 200);
    await sleep(1300);
    assert.equal((await upload()).status, 200);
    const gone = await fetch(`${s.url}/api/v1/parsing/job/${first.json.id}`, { headers: AUTH });
    assert.equal(gone.status, 404);
    assert.deepEqual(await gone.json(), { detail: 'Job not found.' });
  });
});

// --rpm / --tpm: the real 429s, with retry headers that match the bucket.
test('--rpm 2: the third call in a minute gets the real 429 (requests)', async () => {
  await withServer('mock_openai', ['--rpm', '2'], async (s) => {
    const call = () => fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: '{"model":"text-embedding-3-small","input":"x","dimensions":2}' });
    assert.equal((await call()).status, 200);
    assert.equal((await call()).status, 200);
    const r = await call();
    assert.equal(r.status, 429);
    const { error } = await r.json();
    assert.match(error.message, /^Rate limit reached for text-embedding-3-small in organization org-mockworks on requests per min \(RPM\): Limit 2, Used 2, Requested 1\. Please try again in (\d+(\.\d+)?)s\. Visit https:\/\/platform\.openai\.com\/account\/rate-limits to learn more\.$/);
    assert.deepEqual({ ...error, message: '' }, { message: '', type: 'requests', param: null, code: 'rate_limit_exceeded' });
    const wait = Number(error.message.match(/try again in ([\d.]+)s/)[1]);
    assert.ok(wait > 25 && wait <= 30, String(wait));
    assert.equal(r.headers.get('retry-after'), String(Math.ceil(wait)));
    assert.ok(Math.abs(Number(r.headers.get('retry-after-ms')) - wait * 1000) <= 1, r.headers.get('retry-after-ms'));
    assert.equal(r.headers.get('x-ratelimit-remaining-requests'), '0');
  });
});

test('--tpm 100: a call that no longer fits gets 429 (tokens); one over the whole limit "Request too large"', async () => {
  await withServer('mock_openai', ['--tpm', '100'], async (s) => {
    const call = (words) => fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hello '.repeat(words), dimensions: 2 }) });
    assert.equal((await call(60)).status, 200);
    const r = await call(60);
    assert.equal(r.status, 429);
    const { error } = await r.json();
    assert.match(error.message, /^Rate limit reached for text-embedding-3-small in organization org-mockworks on tokens per min \(TPM\): Limit 100, Used 61, Requested 61\. Please try again in [\d.]+m?s\./);
    assert.equal(error.type, 'tokens');
    assert.equal(error.code, 'rate_limit_exceeded');
    const huge = await call(200);
    assert.equal(huge.status, 429);
    assert.deepEqual(await huge.json(), {
      error: {
        message: 'Request too large for text-embedding-3-small in organization org-mockworks on tokens per min (TPM): Limit 100, Requested 201. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.',
        type: 'tokens', param: null, code: 'rate_limit_exceeded',
      },
    });
  });
});

// --shutdown-grace-ms: on SIGTERM, requests in flight get that long to finish.
// A held answer is released at once rather than dropped; a request that cannot
// finish (its body is still trickling in) is cut when the grace time is up.
test('--shutdown-grace-ms 500: a held answer still arrives; a never-ending upload is cut; exit 0 after the grace time', async () => {
  const s = await startServer('mock_llamaparse', ['--shutdown-grace-ms', '500']);
  const held = exchange(s.port, `GET /api/v1/parsing/supported_file_extensions HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nx-mock-fault: delay_ms=30000\r\nConnection: close\r\n\r\n`, { timeout: 10000 });
  const slow = await connected(s.port);
  slow.write(`POST /api/v1/parsing/upload HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.authorization}\r\nContent-Type: multipart/form-data; boundary=mwGrace1\r\nContent-Length: 100000\r\n\r\n--mwGrace1\r\n`);
  const trickle = setInterval(() => slow.write('x'), 50);
  const slowClosed = closedBy(slow);
  await sleep(200);
  const t0 = Date.now();
  try {
    assert.equal(await s.stop(), 0);
  } finally {
    clearInterval(trickle);
  }
  const took = Date.now() - t0;
  assert.ok(took >= 450 && took < 3000, `exit took ${took} ms`);
  await slowClosed;
  const r = await held;
  assert.match(r.text, /^HTTP\/1\.1 200 OK/);
  assert.match(r.text, /"\.pdf"/);
});

// --model NAME:DIMS: the size is bounded like the real models' (1..3072).
test('--model: DIMS above 3072 is refused at start-up; 3072 serves 3072-long vectors', async () => {
  await assert.rejects(startServer('mock_openai', ['--model', 'big:3073']), /invalid model 'big:3073': expected NAME:DIMS with DIMS in 1\.\.3072/);
  await withServer('mock_openai', ['--model', 'big:3072'], async (s) => {
    const r = await fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: '{"model":"big","input":"x"}' });
    assert.equal((await r.json()).data[0].embedding.length, 3072);
  });
});

// The API's fixed limits (README "Limits and errors"), with the real messages.
test('embeddings: 2048 inputs are served, 2049 get 400 array_above_max_length', async () => {
  await withServer('mock_openai', [], async (s) => {
    const call = (n) => fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'text-embedding-3-small', input: Array(n).fill('a'), dimensions: 2 }) });
    assert.equal((await call(2048)).status, 200);
    const r = await call(2049);
    assert.equal(r.status, 400);
    assertEnvelope(await r.json(), { message: "Invalid 'input': array length must be 2048 or less.", param: 'input', code: 'array_above_max_length' });
  });
});

test('embeddings: an input over 8192 tokens gets 400, alone or in an array', async () => {
  await withServer('mock_openai', [], async (s) => {
    const call = (input) => fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'text-embedding-3-small', input }) });
    const text = 'hello '.repeat(9000);
    const alone = await call(text);
    assert.equal(alone.status, 400);
    assertEnvelope(await alone.json(), { message: "Invalid 'input': maximum context length is 8192 tokens." });
    const inArray = await call(['short', text]);
    assert.equal(inArray.status, 400);
    assertEnvelope(await inArray.json(), { message: "Invalid 'input[1]': maximum input length is 8192 tokens.", param: 'input[1]', code: 'invalid_value' });
  });
});

test('embeddings: a request over 300,000 tokens gets 400 max_tokens_per_request', async () => {
  await withServer('mock_openai', [], async (s) => {
    const r = await fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'text-embedding-3-small', input: Array(40).fill('hello '.repeat(8000)) }) });
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), {
      error: { message: 'Requested 320040 tokens, max 300000 tokens per request', type: 'max_tokens_per_request', param: null, code: 'max_tokens_per_request' },
    });
  });
});

test('chat: a conversation over the model\'s context window gets 400 context_length_exceeded', async () => {
  await withServer('mock_openai', [], async (s) => {
    const r = await fetch(`${s.url}/v1/chat/completions`, {
      method: 'POST', headers: AUTH,
      body: JSON.stringify({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'hello '.repeat(17000) }] }),
    });
    assert.equal(r.status, 400);
    assertEnvelope(await r.json(), {
      message: "This model's maximum context length is 16385 tokens. However, your messages resulted in 17008 tokens. Please reduce the length of the messages.",
      param: 'messages', code: 'context_length_exceeded',
    });
  });
});
