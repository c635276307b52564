// The model catalogue over raw HTTP: /v1/models, snapshots in answers,
// reasoning models (effort, refused parameters, reasoning tokens), the
// usage details, ids and fingerprints, and the chat validations with the
// real API's message, param and code. --models FILE and --model SPEC too.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { binaryPath, repoRoot, startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer k', 'content-type': 'application/json' };
const CATALOGUE = JSON.parse(fs.readFileSync(path.join(repoRoot, 'mock_openai', 'oa_catalog.json'), 'utf8'));
const ASK = [{ role: 'user', content: 'What does the plan cover for emergency care?' }];

const post = (s, body) => fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
async function chat(s, body) {
  const res = await post(s, { messages: ASK, ...body });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

describe('catalogue and chat fields', () => {
  let s;
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  test('/v1/models lists every catalogue entry; /v1/models/{id} serves each', async () => {
    const list = await (await fetch(`${s.url}/v1/models`, { headers: AUTH })).json();
    assert.deepEqual(list.data.map((m) => m.id), CATALOGUE.map((m) => m.id));
    for (const m of list.data) {
      assert.equal(m.object, 'model');
      assert.ok(Number.isInteger(m.created) && typeof m.owned_by === 'string');
    }
    for (const { id } of CATALOGUE) {
      const one = await fetch(`${s.url}/v1/models/${encodeURIComponent(id)}`, { headers: AUTH });
      assert.equal(one.status, 200, id);
      assert.equal((await one.json()).id, id);
    }
    const none = await fetch(`${s.url}/v1/models/gpt-9`, { headers: AUTH });
    assert.equal(none.status, 404);
    assert.equal((await none.json()).error.code, 'model_not_found');
  });

  test('every chat and reasoning model answers, naming its dated snapshot', async () => {
    const byId = new Map(CATALOGUE.map((m) => [m.id, m]));
    const kind = (m) => m.kind ?? kind(byId.get(m.snapshot));
    for (const m of CATALOGUE.filter((e) => ['chat', 'reasoning'].includes(kind(e)))) {
      const res = await post(s, { model: m.id, messages: ASK });
      assert.equal(res.status, 200, m.id);
      const body = await res.json();
      assert.equal(body.model, m.snapshot ?? m.id, m.id);
      assert.equal(res.headers.get('openai-model'), m.snapshot ?? m.id);
    }
    assert.equal((await chat(s, { model: 'gpt-4o-mini' })).model, 'gpt-4o-mini-2024-07-18');
    assert.equal((await chat(s, { model: 'gpt-4o' })).model, 'gpt-4o-2024-08-06');
    assert.equal((await chat(s, { model: 'gpt-4o-2024-11-20' })).model, 'gpt-4o-2024-11-20');
  });

  test('not chat models: embeddings and legacy completion models are 404 on chat', async () => {
    const res = await post(s, { model: 'text-embedding-3-small', messages: ASK });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'model_not_found');
    for (const model of ['davinci-002', 'gpt-3.5-turbo-instruct']) {
      const r = await post(s, { model, messages: ASK });
      assert.equal(r.status, 404, model);
      const { error } = await r.json();
      assert.equal(error.param, 'model');
      assert.match(error.message, /^This is not a chat model .* Did you mean to use v1\/completions\?$/);
    }
  });

  test('ids differ per call, content and fingerprint stay; usage details always there', async () => {
    const a = await chat(s, { model: 'gpt-4o-mini' });
    const b = await chat(s, { model: 'gpt-4o-mini' });
    assert.match(a.id, /^chatcmpl-[0-9a-f]{29}$/);
    assert.notEqual(a.id, b.id);
    assert.equal(a.choices[0].message.content, b.choices[0].message.content);
    assert.match(a.system_fingerprint, /^fp_[0-9a-f]{10}$/);
    assert.equal(a.system_fingerprint, b.system_fingerprint);
    assert.notEqual((await chat(s, { model: 'gpt-4.1' })).system_fingerprint, a.system_fingerprint);
    assert.equal(a.service_tier, 'default');
    assert.deepEqual(a.usage.prompt_tokens_details, { cached_tokens: 0, audio_tokens: 0 });
    assert.deepEqual(a.usage.completion_tokens_details,
      { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 });
    assert.equal(a.usage.total_tokens, a.usage.prompt_tokens + a.usage.completion_tokens);
  });

  test('the stream: every chunk names the snapshot and fingerprint; the usage chunk has the details', async () => {
    const res = await post(s, { model: 'o3-mini', messages: ASK, stream: true, stream_options: { include_usage: true }, reasoning_effort: 'high' });
    const chunks = (await res.text()).split('\n\n').filter((e) => e && e !== 'data: [DONE]').map((e) => JSON.parse(e.slice(6)));
    assert.ok(chunks.every((c) => c.model === 'o3-mini-2025-01-31' && /^fp_[0-9a-f]{10}$/.test(c.system_fingerprint) && c.id === chunks[0].id));
    const { usage } = chunks.at(-1);
    const plain = await chat(s, { model: 'o3-mini', reasoning_effort: 'high' });
    assert.deepEqual(usage, plain.usage);
    assert.ok(usage.completion_tokens_details.reasoning_tokens > 0);
    assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 0, audio_tokens: 0 });
  });

  test('reasoning tokens: deterministic, growing with the effort, counted in completion_tokens', async () => {
    const tokens = {};
    for (const effort of ['minimal', 'low', 'medium', 'high']) {
      const a = await chat(s, { model: 'gpt-5', reasoning_effort: effort });
      const b = await chat(s, { model: 'gpt-5', reasoning_effort: effort });
      assert.deepEqual(a.usage, b.usage);
      tokens[effort] = a.usage.completion_tokens_details.reasoning_tokens;
      assert.ok(a.usage.completion_tokens > tokens[effort]);
    }
    assert.ok(tokens.minimal < tokens.low && tokens.low < tokens.medium && tokens.medium < tokens.high, JSON.stringify(tokens));
    const dflt = await chat(s, { model: 'gpt-5' });
    assert.equal(dflt.usage.completion_tokens_details.reasoning_tokens, tokens.medium); // gpt-5 defaults to medium
    const none = await chat(s, { model: 'gpt-5.1' }); // gpt-5.1 defaults to none
    assert.equal(none.usage.completion_tokens_details.reasoning_tokens, 0);
    const xhigh = await chat(s, { model: 'gpt-5.2', reasoning_effort: 'xhigh' });
    assert.ok(xhigh.usage.completion_tokens_details.reasoning_tokens > tokens.high);
  });

  test('max_completion_tokens caps visible and reasoning tokens together, on every model', async () => {
    const plain = await chat(s, { model: 'gpt-4o-mini', max_completion_tokens: 3 });
    assert.equal(plain.usage.completion_tokens, 3);
    assert.equal(plain.choices[0].finish_reason, 'length');
    const thinking = await chat(s, { model: 'o4-mini', reasoning_effort: 'high', max_completion_tokens: 40 });
    assert.equal(thinking.usage.completion_tokens, 40);
    assert.equal(thinking.choices[0].finish_reason, 'length');
    // reasoning took the whole budget: no text at all, as the real API answers
    assert.equal(thinking.usage.completion_tokens_details.reasoning_tokens, 40);
    assert.equal(thinking.choices[0].message.content, '');
    const streamed = await post(s, { model: 'o4-mini', reasoning_effort: 'high', max_completion_tokens: 40,
      messages: [{ role: 'user', content: 'hi' }], stream: true });
    const text = await streamed.text();
    assert.match(text, /"finish_reason":"length"/);
    assert.doesNotMatch(text, /"content":"[^"]/);
    const roomy = await chat(s, { model: 'o4-mini', reasoning_effort: 'low', max_completion_tokens: 5000 });
    assert.equal(roomy.choices[0].finish_reason, 'stop');
    assert.ok(roomy.usage.completion_tokens < 5000);
  });

  test('accepted: effort none with sampling on gpt-5.1, verbosity on the gpt-5 family, temperature 1 on o1', async () => {
    await chat(s, { model: 'gpt-5.1', reasoning_effort: 'none', temperature: 0.2, top_p: 0.5, logprobs: true });
    await chat(s, { model: 'gpt-5-mini', verbosity: 'low', reasoning_effort: 'minimal' });
    await chat(s, { model: 'o1', temperature: 1, max_completion_tokens: 500 });
    await chat(s, { model: 'gpt-4o', verbosity: 'medium', stop: ['a', 'b', 'c', 'd'], n: 2, temperature: 2, top_p: 0 });
    await chat(s, { model: 'gpt-4o', max_tokens: 16384, presence_penalty: -2, frequency_penalty: 2 });
  });
});

const CALL = { id: 'call_x', type: 'function', function: { name: 'lookup', arguments: '{}' } };
const CALL2 = { id: 'call_y', type: 'function', function: { name: 'lookup', arguments: '{}' } };
const U = { role: 'user', content: 'hi' };
const REFUSED = [
  ['max_tokens on a reasoning model', { model: 'o3', max_tokens: 100 },
    "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter'],
  ['max_tokens on gpt-5.1 even with effort none', { model: 'gpt-5.1', max_tokens: 100 },
    "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter'],
  ['temperature other than 1 on a reasoning model', { model: 'o1', temperature: 0.2 },
    "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.", 'temperature', 'unsupported_value'],
  ['temperature 0 on gpt-5', { model: 'gpt-5', temperature: 0 },
    "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.", 'temperature', 'unsupported_value'],
  ['temperature on gpt-5.1 with effort low', { model: 'gpt-5.1', reasoning_effort: 'low', temperature: 0.7 },
    "Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.", 'temperature', 'unsupported_value'],
  ['top_p on a reasoning model', { model: 'o4-mini', top_p: 0.9 },
    "Unsupported parameter: 'top_p' is not supported with this model.", 'top_p', 'unsupported_parameter'],
  ['presence_penalty on a reasoning model', { model: 'gpt-5-mini', presence_penalty: 0.5 },
    "Unsupported parameter: 'presence_penalty' is not supported with this model.", 'presence_penalty', 'unsupported_parameter'],
  ['frequency_penalty on a reasoning model', { model: 'o3', frequency_penalty: 0.5 },
    "Unsupported parameter: 'frequency_penalty' is not supported with this model.", 'frequency_penalty', 'unsupported_parameter'],
  ['stop on a reasoning model', { model: 'gpt-5-mini', stop: ['\n'] },
    "Unsupported parameter: 'stop' is not supported with this model.", 'stop', 'unsupported_parameter'],
  ['stop on gpt-5.2 even with effort none', { model: 'gpt-5.2', stop: 'END' },
    "Unsupported parameter: 'stop' is not supported with this model.", 'stop', 'unsupported_parameter'],
  ['logprobs on a reasoning model', { model: 'o3', logprobs: true },
    "Unsupported parameter: 'logprobs' is not supported with this model.", 'logprobs', 'unsupported_parameter'],
  ['reasoning_effort on a chat model', { model: 'gpt-4o', reasoning_effort: 'low' },
    "Unsupported parameter: 'reasoning_effort' is not supported with this model.", 'reasoning_effort', 'unsupported_parameter'],
  ['reasoning_effort on o1-mini', { model: 'o1-mini', reasoning_effort: 'low' },
    "Unsupported parameter: 'reasoning_effort' is not supported with this model.", 'reasoning_effort', 'unsupported_parameter'],
  ['minimal is gpt-5 only', { model: 'o3', reasoning_effort: 'minimal' },
    "Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: 'low', 'medium', and 'high'.", 'reasoning_effort', 'unsupported_value'],
  ['gpt-5.1 takes none, not minimal', { model: 'gpt-5.1', reasoning_effort: 'minimal' },
    "Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: 'none', 'low', 'medium', and 'high'.", 'reasoning_effort', 'unsupported_value'],
  ['gpt-5 takes minimal, not none', { model: 'gpt-5', reasoning_effort: 'none' },
    "Unsupported value: 'reasoning_effort' does not support 'none' with this model. Supported values are: 'minimal', 'low', 'medium', and 'high'.", 'reasoning_effort', 'unsupported_value'],
  ['an unknown effort', { model: 'o3', reasoning_effort: 'extreme' },
    "Invalid value: 'extreme'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', and 'max'.", 'reasoning_effort', 'invalid_value'],
  ['verbosity low outside the gpt-5 family', { model: 'gpt-4.1', verbosity: 'low' },
    "Unsupported value: 'verbosity' does not support 'low' with this model. Supported values are: 'medium'.", 'verbosity', 'unsupported_value'],
  ['an unknown verbosity', { model: 'gpt-5', verbosity: 'loud' },
    "Invalid value: 'loud'. Supported values are: 'low', 'medium', and 'high'.", 'verbosity', 'invalid_value'],
  ['temperature above 2', { model: 'gpt-4o-mini', temperature: 3 },
    "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.", 'temperature', 'decimal_above_max_value'],
  ['temperature below 0', { model: 'gpt-4o-mini', temperature: -0.5 },
    "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -0.5 instead.", 'temperature', 'decimal_below_min_value'],
  ['temperature as a string', { model: 'gpt-4o-mini', temperature: 'hot' },
    "Invalid type for 'temperature': expected a decimal, but got a string instead.", 'temperature', 'invalid_type'],
  ['top_p above 1', { model: 'gpt-4o-mini', top_p: 1.5 },
    "Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.", 'top_p', 'decimal_above_max_value'],
  ['presence_penalty above 2', { model: 'gpt-4o-mini', presence_penalty: 2.5 },
    "Invalid 'presence_penalty': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.", 'presence_penalty', 'decimal_above_max_value'],
  ['frequency_penalty below -2', { model: 'gpt-4o-mini', frequency_penalty: -3 },
    "Invalid 'frequency_penalty': decimal below minimum value. Expected a value >= -2, but got -3 instead.", 'frequency_penalty', 'decimal_below_min_value'],
  ['n 0', { model: 'gpt-4o-mini', n: 0 },
    "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.", 'n', 'integer_below_min_value'],
  ['n 129', { model: 'gpt-4o-mini', n: 129 },
    "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.", 'n', 'integer_above_max_value'],
  ['five stop sequences', { model: 'gpt-4o-mini', stop: ['a', 'b', 'c', 'd', 'e'] },
    "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.", 'stop', 'array_above_max_length'],
  ['stream_options without stream', { model: 'gpt-4o-mini', stream_options: { include_usage: true } },
    "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', null],
  ['stream_options with stream false', { model: 'gpt-4o-mini', stream: false, stream_options: { include_usage: true } },
    "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', null],
  ['max_tokens above the output limit', { model: 'gpt-4o-mini', max_tokens: 100000 },
    'max_tokens is too large: 100000. This model supports at most 16384 completion tokens, whereas you provided 100000.', 'max_tokens', 'invalid_value'],
  ['max_completion_tokens above the output limit', { model: 'gpt-4.1', max_completion_tokens: 40000 },
    'max_completion_tokens is too large: 40000. This model supports at most 32768 completion tokens, whereas you provided 40000.', 'max_completion_tokens', 'invalid_value'],
  ['a tool message with no tool_calls before it', { model: 'gpt-4o-mini', messages: [U, { role: 'tool', tool_call_id: 'call_x', content: '42' }] },
    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", 'messages.[1].role', null],
  ['a tool message after a plain assistant answer', { model: 'gpt-4o-mini', messages: [U, { role: 'assistant', content: 'ok' }, { role: 'tool', tool_call_id: 'call_x', content: '42' }] },
    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", 'messages.[2].role', null],
  ['tool_calls left unanswered', { model: 'gpt-4o-mini', messages: [U, { role: 'assistant', content: null, tool_calls: [CALL] }, U] },
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_x", 'messages.[2].role', null],
  ['a tool message answering a call that was not made', { model: 'gpt-4o-mini', messages: [U, { role: 'assistant', content: null, tool_calls: [CALL] }, { role: 'tool', tool_call_id: 'call_z', content: '1' }, U] },
    "Invalid parameter: 'tool_call_id' of 'call_z' not found in 'tool_calls' of previous message.", 'messages.[2].tool_call_id', null],
  ['a conversation ending on unanswered tool_calls', { model: 'gpt-4o-mini', messages: [U, { role: 'assistant', content: null, tool_calls: [CALL] }] },
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_x", 'messages.[1].role', null],
  ['one of two tool_calls unanswered', { model: 'gpt-4o-mini', messages: [U, { role: 'assistant', content: null, tool_calls: [CALL, CALL2] }, { role: 'tool', tool_call_id: 'call_x', content: '1' }, U] },
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_y", 'messages.[3].role', null],
];

describe('requests the real API refuses', () => {
  let s;
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  for (const [name, body, message, param, code] of REFUSED) {
    test(name, async () => {
      const res = await post(s, { messages: ASK, ...body });
      assert.equal(res.status, 400);
      assert.deepEqual((await res.json()).error, { message, type: 'invalid_request_error', param, code });
    });
  }

  test('answered tool calls, in any order, pass', async () => {
    const messages = [U, { role: 'assistant', content: null, tool_calls: [CALL, CALL2] },
      { role: 'tool', tool_call_id: 'call_y', content: '2' }, { role: 'tool', tool_call_id: 'call_x', content: '1' }, U];
    await chat(s, { model: 'gpt-4o-mini', messages });
  });
});

describe('--models FILE and --model SPEC', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-catalog-'));
  after(() => fs.rmSync(dir, { recursive: true }));
  const file = (name, value) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
    return p;
  };

  test('entries add and override models; --model adds chat models', async () => {
    const models = file('models.json', [
      { id: 'acme-chat', kind: 'chat', snapshot: 'acme-chat-2026-01-01', context: 1000, max_output: 50 },
      { id: 'acme-think', snapshot: 'o3-2025-04-16' },
      { id: 'gpt-4o-mini', context: 100 },
    ]);
    const s = await startServer('mock_openai', ['--models', models, '--model', 'spec-chat:chat:2000:10', '--model', 'tiny-embed:8']);
    try {
      const a = await chat(s, { model: 'acme-chat' });
      assert.equal(a.model, 'acme-chat-2026-01-01');
      const big = await post(s, { model: 'acme-chat', messages: ASK, max_completion_tokens: 51 });
      assert.equal((await big.json()).error.message, 'max_completion_tokens is too large: 51. This model supports at most 50 completion tokens, whereas you provided 51.');
      const think = await chat(s, { model: 'acme-think', reasoning_effort: 'high' });
      assert.equal(think.model, 'o3-2025-04-16');
      assert.ok(think.usage.completion_tokens_details.reasoning_tokens > 0);
      const long = await post(s, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'word '.repeat(200) }] });
      assert.equal((await long.json()).error.code, 'context_length_exceeded');
      assert.equal((await chat(s, { model: 'spec-chat' })).model, 'spec-chat');
      const ids = (await (await fetch(`${s.url}/v1/models`, { headers: AUTH })).json()).data.map((m) => m.id);
      for (const id of ['acme-chat', 'acme-think', 'spec-chat', 'tiny-embed']) assert.ok(ids.includes(id), id);
      const emb = await (await fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ model: 'tiny-embed', input: 'x' }) })).json();
      assert.equal(emb.data[0].embedding.length, 8);
    } finally {
      await s.stop();
    }
  });

  const BAD = [
    ['not a list', '{"id":"x"}', /--models .*: expected a JSON list of model objects/],
    ['not JSON', 'nope', /--models .*: expected a JSON list of model objects/],
    ['no kind', [{ id: 'x' }], /--models .*: entry 0 \("x"\): needs a 'kind'/],
    ['a typo', [{ id: 'x', kind: 'chat', contxt: 5 }], /entry 0 \("x"\): unknown field 'contxt'/],
    ['bad dims', [{ id: 'x', kind: 'embedding', dims: 0 }], /entry 0 \("x"\): 'dims' must be a whole number from 1 to 3072/],
  ];
  for (const [name, content, want] of BAD) {
    test(`a bad file stops start-up: ${name}`, () => {
      const r = spawnSync(binaryPath('mock_openai'), ['--port', '0', '--models', file(`${name}.json`, content)], { encoding: 'utf8', timeout: 5000 });
      assert.equal(r.status, 2);
      assert.match(r.stderr, want);
    });
  }

  test('a missing file and a bad spec stop start-up too', () => {
    let r = spawnSync(binaryPath('mock_openai'), ['--port', '0', '--models', path.join(dir, 'none.json')], { encoding: 'utf8', timeout: 5000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--models .*none\.json: cannot read the file/);
    r = spawnSync(binaryPath('mock_openai'), ['--port', '0', '--model', 'x:robot'], { encoding: 'utf8', timeout: 5000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /invalid model 'x:robot': expected NAME:DIMS with DIMS in 1\.\.3072, NAME:embedding\[:DIMS\], or NAME:KIND\[:CONTEXT\[:MAX_OUTPUT\]\]/);
  });
});
