// --record / --upstream / --replay-only: answers recorded from an upstream
// (here another mockworks server: no test reaches the internet) and
// replayed, byte for byte, by a fresh process reading the same folder.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { repoRoot, startServer } from '../lib/server.mjs';

const KEY = 'sk-record-secret-4f7a9';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'record-test-'));
}

function filesUnder(dir) {
  return fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { ...auth, ...headers }, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), rec: res.headers.get('x-mock-record'), text: await res.text() };
}

// The text (or tool call) a chat stream's deltas add up to.
function streamed(text) {
  let content = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const ev = JSON.parse(line.slice(6));
    content += ev.choices?.[0]?.delta?.content ?? '';
  }
  return content;
}

const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise the claim policy (section 4)?' }] };
const embedBody = { model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'], dimensions: 8 };
const respBody = { model: 'gpt-4o-mini', input: 'Name three colours.' };

describe('mock_openai record then replay', () => {
  let upstream, recorder, dir;
  const recorded = {};
  before(async () => {
    dir = tmpDir();
    upstream = await startServer('mock_openai');
    recorder = await startServer('mock_openai', ['--record', dir, '--upstream', upstream.url]);
    recorded.chat = await post(`${recorder.url}/v1/chat/completions`, { ...chatBody, user: 'someone' });
    recorded.stream = await post(`${recorder.url}/v1/chat/completions`,
      { ...chatBody, messages: [{ role: 'user', content: 'Stream me a story.' }], stream: true });
    recorded.embed = await post(`${recorder.url}/v1/embeddings`, embedBody);
    recorded.responses = await post(`${recorder.url}/v1/responses`, respBody);
    recorded.respStream = await post(`${recorder.url}/v1/responses`, { ...respBody, stream: true });
    recorded.perTest = await post(`${recorder.url}/v1/chat/completions`, chatBody, { 'x-test-id': 'suite/one test' });
    await recorder.stop();
  });
  after(async () => { await upstream.stop(); });

  it('the recorder passed the upstream answers on unchanged', async () => {
    assert.equal(recorded.chat.status, 200);
    assert.deepEqual(Object.values(recorded).map((a) => a.rec), Object.values(recorded).map(() => 'recorded'));
    assert.equal(JSON.parse(recorded.chat.text).object, 'chat.completion');
    assert.match(recorded.stream.type, /^text\/event-stream/);
    assert.ok(streamed(recorded.stream.text).length > 10);
    const direct = await post(`${upstream.url}/v1/embeddings`, embedBody);
    assert.equal(recorded.embed.text, direct.text, 'embeddings are deterministic upstream: identical bytes');
  });

  it('stable, hash-named files: per-test folders, pretty JSON with sorted keys, the chat file a --replies rule', () => {
    const names = fs.readdirSync(dir).sort();
    assert.ok(names.every((n) => /^(chat|embeddings|responses)-[0-9a-f]{16}\.json$/.test(n) || n.startsWith('suite_one_test-')), names.join(','));
    assert.equal(names.filter((n) => n.startsWith('chat-')).length, 2, 'one per chat key (the per-test one is in its folder)');
    const folder = names.find((n) => n.startsWith('suite_one_test-'));
    assert.match(folder, /^suite_one_test-[0-9a-f]{8}$/);
    assert.deepEqual(fs.readdirSync(path.join(dir, folder)), [names.find((n) => n.startsWith('chat-') &&
      JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8'))[0].recorded.stream === false)]);
    const chatFile = names.find((n) => n.startsWith('chat-') && fs.readFileSync(path.join(dir, n), 'utf8').includes('claim policy'));
    const text = fs.readFileSync(path.join(dir, chatFile), 'utf8');
    assert.match(text, /^\[\{\n {4}"match": /, 'two-space indent, keys sorted');
    const [rule] = JSON.parse(text);
    assert.deepEqual(Object.keys(rule), ['match', 'recorded', 'reply', 'request_hash']);
    assert.equal(rule.match, '^Summarise the claim policy \\(section 4\\)\\?$');
    assert.equal(rule.reply, JSON.parse(recorded.chat.text).choices[0].message.content);
    assert.deepEqual(rule.recorded.request, chatBody, 'user is not part of the key');
    assert.equal(`chat-${rule.request_hash}.json`, chatFile);
  });

  it('secrets never land in a recording', () => {
    for (const f of filesUnder(dir)) {
      const text = fs.readFileSync(f, 'utf8');
      assert.ok(!text.includes(KEY), `${f} holds the key`);
      assert.ok(!/authorization|bearer/i.test(text), `${f} holds credentials`);
    }
  });

  describe('a fresh process replays the folder without the upstream', () => {
    let replay;
    before(async () => { replay = await startServer('mock_openai', ['--record', dir]); });
    after(() => replay.stop());

    it('chat: byte for byte, whoever asks (user left out of the key)', async () => {
      const again = await post(`${replay.url}/v1/chat/completions`, { ...chatBody, user: 'another' });
      assert.equal(again.status, 200);
      assert.equal(again.rec, 'replayed');
      assert.equal(again.text, recorded.chat.text);
    });

    it('a recorded stream replays through the streaming engine, and serves a non-streamed request too', async () => {
      const body = { ...chatBody, messages: [{ role: 'user', content: 'Stream me a story.' }] };
      const s = await post(`${replay.url}/v1/chat/completions`, { ...body, stream: true });
      assert.match(s.type, /^text\/event-stream/);
      assert.equal(streamed(s.text), streamed(recorded.stream.text));
      assert.match(s.text, /data: \[DONE\]\n\n$/);
      const whole = await post(`${replay.url}/v1/chat/completions`, body);
      assert.equal(JSON.parse(whole.text).choices[0].message.content, streamed(recorded.stream.text));
    });

    it('a non-streamed recording replays as a stream too', async () => {
      const s = await post(`${replay.url}/v1/chat/completions`, { ...chatBody, stream: true });
      assert.equal(streamed(s.text), JSON.parse(recorded.chat.text).choices[0].message.content);
    });

    it('embeddings: float vectors byte for byte, and base64 from the same recording', async () => {
      const floats = await post(`${replay.url}/v1/embeddings`, embedBody);
      assert.equal(floats.text, recorded.embed.text);
      const b64 = await post(`${replay.url}/v1/embeddings`, { ...embedBody, encoding_format: 'base64' });
      const direct = await post(`${upstream.url}/v1/embeddings`, { ...embedBody, encoding_format: 'base64' });
      assert.equal(b64.text, direct.text);
    });

    it('responses: byte for byte, streamed ones event for event', async () => {
      assert.equal((await post(`${replay.url}/v1/responses`, respBody)).text, recorded.responses.text);
      const s = await post(`${replay.url}/v1/responses`, { ...respBody, stream: true });
      assert.match(s.type, /^text\/event-stream/);
      assert.equal(s.text, recorded.respStream.text);
    });

    it('recorded events are paced by --tokens-per-s', async () => {
      const paced = await startServer('mock_openai', ['--record', dir, '--tokens-per-s', '20']);
      try {
        const t0 = Date.now();
        const s = await post(`${paced.url}/v1/responses`, { ...respBody, stream: true });
        const events = s.text.split('\n\n').length - 1;
        assert.equal(s.text, recorded.respStream.text);
        assert.ok(Date.now() - t0 >= (events / 20) * 1000 * 0.7, `${events} events in ${Date.now() - t0} ms`);
      } finally { await paced.stop(); }
    });

    it('per-test folders: the x-test-id finds its own recording', async () => {
      const mine = await post(`${replay.url}/v1/chat/completions`, chatBody, { 'x-test-id': 'suite/one test' });
      assert.equal(mine.text, recorded.perTest.text);
      const other = await post(`${replay.url}/v1/chat/completions`, chatBody, { 'x-test-id': 'another test' });
      assert.equal(other.status, 404);
    });

    it('no recording: a 404 in OpenAI\'s envelope naming the missing file, and a log line', async () => {
      const miss = await post(`${replay.url}/v1/chat/completions`, { ...chatBody, temperature: 0.3 });
      assert.equal(miss.status, 404);
      assert.equal(miss.rec, 'missing');
      const { error } = JSON.parse(miss.text);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.code, 'recording_not_found');
      assert.equal(error.param, null);
      assert.match(error.message, /No recording for this request: .*\/chat-[0-9a-f]{16}\.json does not exist/);
      const emb = await post(`${replay.url}/v1/embeddings`, { ...embedBody, dimensions: 4 });
      assert.equal(emb.status, 404);
      await new Promise((r) => setTimeout(r, 200));
      assert.match(replay.stderr(), /record: no recording .*chat-[0-9a-f]{16}\.json for POST \/v1\/chat\/completions/);
    });

    it('what is never recorded is a 404 too, not a silent synthetic answer: Azure\'s paths', async () => {
      const res = await fetch(`${replay.url}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`,
        { method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify(chatBody) });
      assert.equal(res.status, 404);
      assert.match(JSON.stringify(await res.json()), /Azure OpenAI's paths are not recorded/);
    });

    it('faults apply on top of a replay', async () => {
      const cut = await post(`${replay.url}/v1/chat/completions`, { ...chatBody, stream: true },
        { 'x-mock-fault': 'kind=stream_error;after_chunks=2' });
      assert.match(cut.text, /"type":"server_error"/);
      assert.doesNotMatch(cut.text, /\[DONE\]/);
      const t0 = Date.now();
      const slow = await post(`${replay.url}/v1/embeddings`, embedBody, { 'x-mock-fault': 'delay_ms=400' });
      assert.ok(Date.now() - t0 >= 380);
      assert.equal(slow.text, recorded.embed.text);
      const failed = await post(`${replay.url}/v1/chat/completions`, chatBody, { 'x-mock-fault': 'status=503' });
      assert.equal(failed.status, 503);
    });

    it('the key still counts: no key is a 401, as without recordings', async () => {
      const res = await fetch(`${replay.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chatBody) });
      assert.equal(res.status, 401);
    });
  });

  it('a chat recording is a --replies file: its request_hash makes the rule answer that exact request only', async () => {
    const file = fs.readdirSync(dir).map((n) => path.join(dir, n))
      .find((f) => f.includes('chat-') && fs.readFileSync(f, 'utf8').includes('claim policy'));
    const rules = JSON.parse(fs.readFileSync(file, 'utf8'));
    rules[0].reply = 'An edited recording.';
    const edited = path.join(tmpDir(), 'replies.json');
    fs.writeFileSync(edited, JSON.stringify(rules));
    const s = await startServer('mock_openai', ['--replies', edited]);
    try {
      const same = JSON.parse((await post(`${s.url}/v1/chat/completions`, { ...chatBody, user: 'x' })).text);
      assert.equal(same.choices[0].message.content, 'An edited recording.');
      const other = JSON.parse((await post(`${s.url}/v1/chat/completions`, { ...chatBody, temperature: 0.5 })).text);
      assert.match(other.choices[0].message.content, /^Mock reply to: Summarise/, 'same message, another request: not this rule');
    } finally { await s.stop(); }
  });

  it('the environment works as the flags do (MOCK_RECORD_DIR, MOCK_FALLBACK)', async () => {
    const s = await startServer('mock_openai', [], { MOCK_RECORD_DIR: dir });
    const f = await startServer('mock_openai', [], { MOCK_RECORD_DIR: dir, MOCK_FALLBACK: 'synthetic' });
    try {
      assert.equal((await post(`${s.url}/v1/chat/completions`, chatBody)).text, recorded.chat.text);
      assert.equal((await post(`${s.url}/v1/chat/completions`, { ...chatBody, n: 3 })).status, 404);
      assert.equal((await post(`${f.url}/v1/chat/completions`, { ...chatBody, n: 3 })).status, 200);
    } finally {
      await s.stop();
      await f.stop();
    }
  });

  it('bad combinations are refused at start', async () => {
    await assert.rejects(startServer('mock_openai', ['--upstream', 'http://127.0.0.1:1']), /--upstream needs --record DIR/);
    await assert.rejects(startServer('mock_openai', ['--record', dir, '--fallback', 'maybe']), /invalid --fallback 'maybe'/);
    await assert.rejects(startServer('mock_llamaparse', ['--record', dir, '--upstream', 'ftp://x']), /invalid --upstream 'ftp:\/\/x'/);
    await assert.rejects(startServer('mock_openai', ['--record', dir, '--upstream', 'ftp://x']), /invalid --upstream 'ftp:\/\/x'/);
    await assert.rejects(startServer('mock_llamaparse', ['--record', dir, '--fallback', 'maybe']), /invalid --fallback 'maybe'/);
  });

  it('--fallback synthetic answers what is not recorded', async () => {
    const s = await startServer('mock_openai', ['--record', dir, '--fallback', 'synthetic']);
    try {
      const res = await post(`${s.url}/v1/chat/completions`, { ...chatBody, temperature: 0.9 });
      assert.equal(res.status, 200);
      assert.equal(res.rec, 'synthetic');
      assert.match(JSON.parse(res.text).choices[0].message.content, /^Mock reply to:/);
      const azure = await fetch(`${s.url}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`,
        { method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify(chatBody) });
      assert.equal(azure.status, 200);
    } finally { await s.stop(); }
  });

  it('--upstream-key replaces the client\'s key; --replay-only never calls the upstream', async () => {
    const d = tmpDir();
    const keyed = await startServer('mock_openai', ['--api-key', 'sk-upstream-only']);
    const rec = await startServer('mock_openai', ['--record', d, '--upstream', keyed.url, '--upstream-key', 'sk-upstream-only']);
    const only = await startServer('mock_openai', ['--record', d, '--upstream', keyed.url, '--replay-only']);
    try {
      const res = await post(`${rec.url}/v1/chat/completions`, chatBody);
      assert.equal(res.status, 200, res.text);
      assert.ok(filesUnder(d).every((f) => !fs.readFileSync(f, 'utf8').includes('sk-upstream-only')));
      const miss = await post(`${only.url}/v1/chat/completions`, { ...chatBody, n: 2 });
      assert.equal(miss.status, 404);
      const { requests } = await (await fetch(`${keyed.url}/__control/requests`)).json();
      assert.equal(requests.filter((r) => r.path === '/v1/chat/completions').length, 1);
    } finally {
      await only.stop();
      await rec.stop();
      await keyed.stop();
    }
  });

  it('waiting for the upstream holds a connection, not a thread: --max-connections applies, /health answers, SIGTERM ends the wait', async () => {
    const d = tmpDir();
    const rules = path.join(d, 'slow.json');
    fs.writeFileSync(rules, JSON.stringify([{ path: '/v1/chat/completions', delay_ms: 30000 }]));
    const slow = await startServer('mock_openai', ['--faults', rules]);
    const rec = await startServer('mock_openai', ['--record', path.join(d, 'rec'), '--upstream', slow.url,
      '--threads', '1', '--max-connections', '2', '--shutdown-grace-ms', '300']);
    try {
      const waiting = [1, 2].map((i) => post(`${rec.url}/v1/chat/completions`, { ...chatBody, n: i }).catch((e) => e));
      await new Promise((r) => setTimeout(r, 300));
      const health = await fetch(`${rec.url}/health`);
      assert.equal(health.status, 200, 'one thread, two requests waiting upstream: still answering');
      const third = await post(`${rec.url}/v1/embeddings`, embedBody);
      assert.equal(third.status, 503);
      const t0 = Date.now();
      await rec.stop();
      assert.ok(Date.now() - t0 < 5000, 'the waits ended with the server');
      for (const w of await Promise.all(waiting)) {
        assert.ok(w instanceof Error || w.status === 502, `ended: ${w.status} ${w.text}`);
      }
    } finally {
      await slow.stop().catch(() => {});
    }
  });

  it('completions from an upstream that indents its JSON (as the real API does): replayed byte for byte, edits honoured', async () => {
    const answer = { id: 'cmpl-1', object: 'text_completion', created: 1700000000, model: 'gpt-3.5-turbo-instruct',
      choices: [{ text: '\n\nThis is indeed a test', index: 0, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } };
    const sent = JSON.stringify(answer, null, 2) + '\n';
    const tiny = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(req.url === '/v1/completions' ? 200 : 404, { 'content-type': 'application/json' });
        res.end(req.url === '/v1/completions' ? sent : '{}');
      });
    });
    await new Promise((r) => tiny.listen(0, '127.0.0.1', r));
    const d = tmpDir();
    const body = { model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test', max_tokens: 7 };
    try {
      const rec = await startServer('mock_openai', ['--record', d, '--upstream', `http://127.0.0.1:${tiny.address().port}`]);
      assert.equal((await post(`${rec.url}/v1/completions`, body)).text, sent);
      await rec.stop();
    } finally { tiny.close(); }
    const replay = await startServer('mock_openai', ['--record', d]);
    try {
      const again = await post(`${replay.url}/v1/completions`, body);
      assert.equal(again.status, 200);
      assert.equal(again.text, sent);
      const [file] = fs.readdirSync(d);
      assert.match(file, /^completions-[0-9a-f]{16}\.json$/);
      const doc = JSON.parse(fs.readFileSync(path.join(d, file), 'utf8'));
      doc.recorded.upstream_answer.choices[0].text = 'edited';
      fs.writeFileSync(path.join(d, file), JSON.stringify(doc, null, 2));
      const edited = JSON.parse((await post(`${replay.url}/v1/completions`, body)).text);
      assert.equal(edited.choices[0].text, 'edited');
    } finally { await replay.stop(); }
  });

  it('a chat stream for a model the mock does not know replays as its upstream sent it', async () => {
    const ev = (delta, finish = null) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'acme-llm-7b-2026-01-01',
      choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const sse = ev({ role: 'assistant', content: '' }) + ev({ content: 'Hel' }) + ev({ content: 'lo' }) + ev({}, 'stop') + 'data: [DONE]\n\n';
    const tiny = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end(sse); });
    });
    await new Promise((r) => tiny.listen(0, '127.0.0.1', r));
    const d = tmpDir();
    const body = { model: 'acme-llm-7b', messages: [{ role: 'user', content: 'hi' }], stream: true };
    try {
      const rec = await startServer('mock_openai', ['--record', d, '--upstream', `http://127.0.0.1:${tiny.address().port}`]);
      assert.equal((await post(`${rec.url}/v1/chat/completions`, body)).text, sse);
      await rec.stop();
    } finally { tiny.close(); }
    const [rule] = JSON.parse(fs.readFileSync(path.join(d, fs.readdirSync(d)[0]), 'utf8'));
    assert.equal(rule.reply, 'Hello');
    const replay = await startServer('mock_openai', ['--record', d]);
    try {
      assert.equal((await post(`${replay.url}/v1/chat/completions`, body)).text, sse);
      const failed = await post(`${replay.url}/v1/chat/completions`, body, { 'x-mock-fault': 'kind=stream_error;after_chunks=2' });
      assert.equal(failed.text, ev({ role: 'assistant', content: '' }) + ev({ content: 'Hel' }) +
        'data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}\n\n');
    } finally { await replay.stop(); }
  });

  it('record mode passes a stream through as it comes (chunked), then saves it; a fault\'s delivery still wins', async () => {
    const ev = (content, finish = null) => `data: ${JSON.stringify({ id: 'c2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
    const first = ev('Slow'), rest = ev(' answer') + ev(null, 'stop') + 'data: [DONE]\n\n';
    const tiny = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(first);
        setTimeout(() => res.end(rest), 700);
      });
    });
    await new Promise((r) => tiny.listen(0, '127.0.0.1', r));
    const d = tmpDir();
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slowly' }], stream: true };
    const rec = await startServer('mock_openai', ['--record', d, '--upstream', `http://127.0.0.1:${tiny.address().port}`]);
    try {
      const t0 = Date.now();
      const res = await fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /^text\/event-stream/);
      const reader = res.body.getReader();
      const { value } = await reader.read();
      assert.ok(Date.now() - t0 < 600, `the first event came after ${Date.now() - t0} ms`);
      let text = new TextDecoder().decode(value);
      for (let r; !(r = await reader.read()).done;) text += new TextDecoder().decode(r.value);
      assert.equal(text, first + rest);
      const [rule] = JSON.parse(fs.readFileSync(path.join(d, fs.readdirSync(d)[0]), 'utf8'));
      assert.equal(rule.reply, 'Slow answer');
      const cut = await post(`${rec.url}/v1/chat/completions`, { ...body, temperature: 1 }, { 'x-mock-fault': 'kind=truncate;truncate_bytes=10' })
        .catch((e) => e);
      assert.ok(cut instanceof Error || cut.text.length === 10, 'cut by the fault');
    } finally {
      await rec.stop();
      tiny.close();
    }
  });

  it('a stream passed through ends with the server: SIGTERM cuts an upstream that never finishes', async () => {
    const open = new Set();
    const tiny = http.createServer((req, res) => {
      open.add(res);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"choices":[{"index":0,"delta":{"content":"never"}}]}\n\n');
      });
    });
    await new Promise((r) => tiny.listen(0, '127.0.0.1', r));
    const d = tmpDir();
    const rec = await startServer('mock_openai', ['--record', d, '--upstream', `http://127.0.0.1:${tiny.address().port}`, '--shutdown-grace-ms', '300']);
    try {
      const res = await fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: auth,
        body: JSON.stringify({ ...chatBody, stream: true }) });
      const reader = res.body.getReader();
      assert.match(new TextDecoder().decode((await reader.read()).value), /never/);
      const rest = (async () => { try { while (!(await reader.read()).done); return 'ended'; } catch { return 'cut'; } })();
      const t0 = Date.now();
      await rec.stop();
      assert.ok(Date.now() - t0 < 5000);
      assert.equal(await rest, 'cut', 'an unfinished stream is not passed on as complete');
      assert.deepEqual(fs.readdirSync(d), [], 'and is not recorded');
    } finally {
      for (const r of open) r.destroy();
      tiny.close();
    }
  });

  it('an upstream error passes through unrecorded; an unreachable upstream is a 502', async () => {
    const d = tmpDir();
    const rec = await startServer('mock_openai', ['--record', d, '--upstream', upstream.url]);
    const dead = await startServer('mock_openai', ['--record', d, '--upstream', 'http://127.0.0.1:9']);
    try {
      const bad = await post(`${rec.url}/v1/chat/completions`, { ...chatBody, model: 'no-such-model' });
      assert.equal(bad.status, 404);
      assert.equal(bad.rec, 'upstream');
      assert.equal(JSON.parse(bad.text).error.code, 'model_not_found');
      assert.deepEqual(fs.readdirSync(d), []);
      const down = await post(`${dead.url}/v1/chat/completions`, chatBody);
      assert.equal(down.status, 502);
      assert.equal(JSON.parse(down.text).error.code, 'upstream_unreachable');
    } finally {
      await dead.stop();
      await rec.stop();
    }
  });
});

describe('mock_llamaparse record then replay', () => {
  const DATA = path.join(repoRoot, 'tests', 'data');
  let upstream, dir;
  const file = fs.readFileSync(path.join(DATA, 'claims.csv'));
  const KEY_LP = 'llx-record-secret-91c2';

  async function upload(url, name = 'claims.csv', fields = {}, headers = {}) {
    const form = new FormData();
    form.append('file', new Blob([file]), name);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(`${url}/api/v1/parsing/upload`, { method: 'POST', headers: { authorization: `Bearer ${KEY_LP}`, ...headers }, body: form });
    return { status: res.status, rec: res.headers.get('x-mock-record'), json: await res.json() };
  }

  async function result(url, id, kind) {
    for (let i = 0; i < 100; i++) {
      const job = await (await fetch(`${url}/api/v1/parsing/job/${id}`, { headers: { authorization: `Bearer ${KEY_LP}` } })).json();
      if (job.status !== 'PENDING') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return (await fetch(`${url}/api/v1/parsing/job/${id}/result/${kind}`, { headers: { authorization: `Bearer ${KEY_LP}` } })).json();
  }

  before(async () => {
    dir = tmpDir();
    upstream = await startServer('mock_llamaparse', ['--job-delay-ms', '300', '--job-ms-per-page', '0']);
  });
  after(() => upstream.stop());

  it('an upload is parsed upstream (upload, poll, result), saved as a fixture, and replayed by a fresh process', async () => {
    const rec = await startServer('mock_llamaparse', ['--record', dir, '--upstream', upstream.url, '--upstream-poll-ms', '50', '--job-delay-ms', '0']);
    let first;
    try {
      first = await upload(rec.url, 'claims.csv', { page_separator: '<page-break>' }, { 'x-test-id': 'lp-test' });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      assert.equal(first.rec, 'recorded');
    } finally { await rec.stop(); }
    const { requests } = await (await fetch(`${upstream.url}/__control/requests`)).json();
    const up = requests.find((r) => r.path === '/api/v1/parsing/upload');
    assert.ok(up, 'the upstream got the upload');
    assert.ok(requests.some((r) => /\/result\/json$/.test(r.path)), 'and was asked for its result');
    const upJob = requests.find((r) => /\/job\/[0-9a-f-]+$/.test(r.path)).path.split('/').pop();
    const upMarkdown = await result(upstream.url, upJob, 'markdown');

    const folder = path.join(dir, 'lp-test');
    const names = fs.readdirSync(folder);
    assert.equal(names.length, 1);
    const sha = (await import('node:crypto')).createHash('sha256').update(file).digest('hex');
    assert.match(names[0], new RegExp(`^${sha}\\.[0-9a-f]{16}\\.json$`));
    const fixture = JSON.parse(fs.readFileSync(path.join(folder, names[0]), 'utf8'));
    assert.equal(fixture.source.file_name, 'claims.csv');
    assert.equal(fixture.source.sha256, sha);
    assert.equal(fixture.source.options.page_separator, '<page-break>');
    assert.ok(fixture.pages.length >= 2 && fixture.pages.every((p) => typeof p.md === 'string' && typeof p.text === 'string'));
    assert.ok(fixture.job_metadata.job_pages >= 2);
    assert.ok(!fs.readFileSync(path.join(folder, names[0]), 'utf8').includes(KEY_LP), 'the key is not recorded');

    const replay = await startServer('mock_llamaparse', ['--record', dir, '--job-delay-ms', '0']);
    try {
      const again = await upload(replay.url, 'claims.csv', { page_separator: '<page-break>' }, { 'x-test-id': 'lp-test' });
      assert.equal(again.status, 200);
      assert.equal(again.rec, 'replayed');
      assert.deepEqual(await result(replay.url, again.json.id, 'markdown'), upMarkdown, 'the upstream\'s markdown');
      const recordedFirst = await result(replay.url, again.json.id, 'text');
      assert.equal(recordedFirst.text, fixture.pages.map((p) => p.text).join('<page-break>'));
      // Other options, or no test id: nothing recorded.
      const other = await upload(replay.url, 'claims.csv', { page_separator: '<other-break>' }, { 'x-test-id': 'lp-test' });
      assert.equal(other.status, 404);
      assert.equal(other.rec, 'missing');
      assert.match(other.json.detail, /^No recording for this upload \(file 'claims.csv'\): .*lp-test\/[0-9a-f]{64}\.[0-9a-f]{16}\.json does not exist/);
      // Never recorded: a document by URL, a parse by file_id or URL, the old /parse.
      const byUrl = new FormData();
      byUrl.append('input_url', 'https://example.com/a.pdf');
      const u = await fetch(`${replay.url}/api/v1/parsing/upload`, { method: 'POST', headers: { authorization: `Bearer ${KEY_LP}` }, body: byUrl });
      assert.equal(u.status, 404);
      assert.match((await u.json()).detail, /^No recording: a document given by URL is not recorded/);
      const v2 = await fetch(`${replay.url}/api/v2/parse`, { method: 'POST', headers: { authorization: `Bearer ${KEY_LP}`, 'content-type': 'application/json' },
        body: JSON.stringify({ file_id: '00000000-0000-4000-8000-000000000009', tier: 'fast', version: 'latest' }) });
      assert.equal(v2.status, 404);
      const legacy = await fetch(`${replay.url}/parse`, { method: 'POST', headers: { authorization: `Bearer ${KEY_LP}`, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(legacy.status, 404);
      // Faults on top of the replay: a job fault on the replayed job, a status on the upload.
      const cancelled = await upload(replay.url, 'claims.csv', { page_separator: '<page-break>' }, { 'x-test-id': 'lp-test', 'x-mock-fault': 'job_status=CANCELLED' });
      assert.equal(cancelled.status, 200);
      let job;
      for (let i = 0; i < 100 && job?.status !== 'CANCELLED'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await (await fetch(`${replay.url}/api/v1/parsing/job/${cancelled.json.id}`, { headers: { authorization: `Bearer ${KEY_LP}` } })).json();
      }
      assert.equal(job.status, 'CANCELLED');
      const faulted = await upload(replay.url, 'claims.csv', { page_separator: '<page-break>' }, { 'x-test-id': 'lp-test', 'x-mock-fault': 'status=500' });
      assert.equal(faulted.status, 500);
    } finally { await replay.stop(); }
  });
});
