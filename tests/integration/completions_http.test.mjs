// POST /v1/completions (legacy) over raw HTTP: the text_completion object,
// prompts as strings, lists and token ids, n, echo, stop, logprobs, the
// stream with usage and its faults and pacing, and the real 4xx answers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const MODEL = 'gpt-3.5-turbo-instruct';

describe('/v1/completions', () => {
  let s;
  const post = (body, headers = {}) =>
    fetch(`${s.url}/v1/completions`, { method: 'POST', headers: { ...AUTH, ...headers }, body: JSON.stringify(body) });
  const events = (text) => {
    assert.ok(text.endsWith('data: [DONE]\n\n'), text.slice(-200));
    return text.split('\n\n').filter(Boolean).slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
  };
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('answers a text_completion, 16 tokens by default, the same words every time but a new id', async () => {
    const a = await (await post({ model: MODEL, prompt: 'Once upon a time' })).json();
    const b = await (await post({ model: MODEL, prompt: 'Once upon a time' })).json();
    assert.equal(a.object, 'text_completion');
    assert.match(a.id, /^cmpl-[A-Za-z0-9]{29}$/);
    assert.notEqual(a.id, b.id);
    assert.equal(a.model, MODEL);
    assert.equal(a.choices.length, 1);
    assert.deepEqual(Object.keys(a.choices[0]).sort(), ['finish_reason', 'index', 'logprobs', 'text']);
    assert.equal(a.choices[0].text, b.choices[0].text);
    assert.equal(a.choices[0].logprobs, null);
    assert.ok(a.usage.completion_tokens <= 16);
    assert.equal(a.usage.total_tokens, a.usage.prompt_tokens + a.usage.completion_tokens);
    assert.equal(a.usage.prompt_tokens, 4);
    const short = await (await post({ model: MODEL, prompt: 'Once upon a time', max_tokens: 3 })).json();
    assert.equal(short.choices[0].finish_reason, 'length');
    assert.equal(short.usage.completion_tokens, 3);
    assert.ok(a.choices[0].text.startsWith(short.choices[0].text));
  });

  it('a list of prompts, n choices each, echo, stop, token ids', async () => {
    const r = await (await post({ model: 'davinci-002', prompt: ['Hello', 'Goodbye'], n: 2, echo: true, max_tokens: 5 })).json();
    assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2, 3]);
    assert.ok(r.choices[0].text.startsWith('Hello ') && r.choices[1].text.startsWith('Hello '));
    assert.ok(r.choices[2].text.startsWith('Goodbye '));
    assert.notEqual(r.choices[0].text, r.choices[1].text);
    const plain = await (await post({ model: MODEL, prompt: 'Hello', max_tokens: 30 })).json();
    const word = plain.choices[0].text.trim().split(' ')[2];
    const cut = await (await post({ model: MODEL, prompt: 'Hello', max_tokens: 30, stop: [word] })).json();
    assert.equal(cut.choices[0].finish_reason, 'stop');
    assert.ok(!cut.choices[0].text.includes(word));
    const ids = await (await post({ model: MODEL, prompt: [15339, 1917], max_tokens: 2, echo: true })).json();
    assert.ok(ids.choices[0].text.startsWith('hello world'), ids.choices[0].text);
    assert.equal(ids.usage.prompt_tokens, 2);
  });

  it('logprobs in the legacy shape; echo gives the prompt tokens, the first without a logprob', async () => {
    const r = await (await post({ model: MODEL, prompt: 'Say this is a test', max_tokens: 4, logprobs: 3, echo: true })).json();
    const lp = r.choices[0].logprobs;
    assert.equal(lp.tokens.join(''), r.choices[0].text);
    assert.equal(lp.tokens.length, 5 + 4);
    assert.equal(lp.token_logprobs[0], null);
    assert.equal(lp.top_logprobs[0], null);
    for (let i = 1; i < lp.tokens.length; i++) {
      assert.ok(lp.token_logprobs[i] < 0);
      assert.equal(Object.keys(lp.top_logprobs[i]).length, 3);
      assert.equal(lp.top_logprobs[i][lp.tokens[i]], lp.token_logprobs[i]);
      assert.equal(lp.text_offset[i], lp.tokens.slice(0, i).join('').length);
    }
    const noecho = await (await post({ model: MODEL, prompt: 'Say this is a test', max_tokens: 4, logprobs: 0 })).json();
    assert.equal(noecho.choices[0].logprobs.text_offset[0], 'Say this is a test'.length);
    assert.equal(noecho.choices[0].logprobs.tokens.length, 4);
  });

  it('streams a token an event, usage last, the same text as the answer', async () => {
    const body = { model: MODEL, prompt: 'Once upon a time', max_tokens: 8, logprobs: 1 };
    const whole = await (await post(body)).json();
    const res = await post({ ...body, stream: true, stream_options: { include_usage: true } });
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const chunks = events(await res.text());
    assert.ok(chunks.every((c) => c.object === 'text_completion' && c.id === chunks[0].id));
    const text = chunks.filter((c) => c.choices.length).map((c) => c.choices[0].text).join('');
    assert.equal(text, whole.choices[0].text);
    assert.equal(chunks.filter((c) => c.choices[0]?.text).length, 8);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'length');
    assert.deepEqual(chunks.at(-1).choices, []);
    assert.deepEqual(chunks.at(-1).usage, whole.usage);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    const tokens = chunks.flatMap((c) => c.choices[0]?.logprobs?.tokens ?? []);
    assert.deepEqual(tokens, whole.choices[0].logprobs.tokens);
  });

  it('stream faults: stream_cut and stream_error act as on chat', async () => {
    const body = { model: MODEL, prompt: 'Once upon a time', stream: true };
    const cut = await post(body, { 'x-mock-fault': 'kind=stream_cut;after_chunks=2' });
    await assert.rejects(cut.text());
    const err = await post(body, { 'x-mock-fault': 'kind=stream_error;after_chunks=2' });
    const text = await err.text();
    const evs = text.split('\n\n').filter(Boolean);
    assert.equal(evs.length, 3);
    assert.match(evs[2], /"server_error"/);
    assert.ok(!text.includes('[DONE]'));
  });

  it('refuses what the real API refuses', async () => {
    const cases = [
      [{ model: 'gpt-4o-mini', prompt: 'x' }, 404, 'model', 'This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?'],
      [{ model: 'nope', prompt: 'x' }, 404, null, 'The model `nope` does not exist or you do not have access to it.'],
      [{ model: MODEL }, 400, 'prompt', "Missing required parameter: 'prompt'."],
      [{ model: MODEL, prompt: 'x', logprobs: 6 }, 400, 'logprobs', "Invalid 'logprobs': integer above maximum value. Expected a value <= 5, but got 6 instead."],
      [{ model: MODEL, prompt: 'x', stop: ['a', 'b', 'c', 'd', 'e'] }, 400, 'stop', null],
      [{ model: MODEL, prompt: 'x', max_tokens: 5000 }, 400, null, null],
      [{ model: MODEL, prompt: 'x', messages: [] }, 400, null, 'Unrecognized request argument supplied: messages'],
    ];
    for (const [body, status, param, message] of cases) {
      const res = await post(body);
      assert.equal(res.status, status, JSON.stringify(body));
      const { error } = await res.json();
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param, JSON.stringify(error));
      if (message) assert.equal(error.message, message);
    }
    const chat = await fetch(`${s.url}/v1/chat/completions`, {
      method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'babbage-002', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(chat.status, 404);
    assert.equal((await chat.json()).error.message,
      'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?');
  });
});

describe('/v1/completions pacing', () => {
  it('--ttft-ms and --tokens-per-s pace the stream as they pace chat', async () => {
    const s = await startServer('mock_openai', ['--ttft-ms', '200', '--tokens-per-s', '40']);
    try {
      const t0 = Date.now();
      const res = await fetch(`${s.url}/v1/completions`, {
        method: 'POST', headers: AUTH, body: JSON.stringify({ model: MODEL, prompt: 'Once', max_tokens: 12, stream: true }),
      });
      await res.text();
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 200 + (12 / 40) * 1000 * 0.8, `${elapsed} ms`);
    } finally {
      await s.stop();
    }
  });
});

describe('/v1/completions on Azure', () => {
  const KEY = { 'api-key': 'k', 'content-type': 'application/json' };
  it('a deployment path serves a completion model; other kinds are OperationNotSupported', async () => {
    const s = await startServer('mock_openai');
    try {
      const post = (path, body) => fetch(`${s.url}${path}`, { method: 'POST', headers: KEY, body: JSON.stringify(body) });
      const ok = await post('/openai/deployments/gpt-3.5-turbo-instruct/completions?api-version=2024-10-21', { prompt: 'Hello', max_tokens: 3 });
      assert.equal(ok.status, 200);
      const body = await ok.json();
      assert.equal(body.object, 'text_completion');
      assert.equal(body.model, MODEL);
      assert.equal(body.usage.completion_tokens, 3);
      const chatModel = await post('/openai/deployments/gpt-4o-mini/completions?api-version=2024-10-21', { prompt: 'Hello' });
      assert.equal(chatModel.status, 400);
      const e1 = (await chatModel.json()).error;
      assert.equal(e1.code, 'OperationNotSupported');
      assert.match(e1.message, /^The completion operation does not work with the specified model, gpt-4o-mini\./);
      const onChat = await post('/openai/deployments/gpt-3.5-turbo-instruct/chat/completions?api-version=2024-10-21', { messages: [{ role: 'user', content: 'x' }] });
      assert.equal(onChat.status, 400);
      assert.match((await onChat.json()).error.message, /^The chatCompletion operation does not work with the specified model, gpt-3.5-turbo-instruct\./);
      const noVersion = await post('/openai/deployments/gpt-3.5-turbo-instruct/completions', { prompt: 'Hello' });
      assert.equal(noVersion.status, 404);
    } finally {
      await s.stop();
    }
  });
});
