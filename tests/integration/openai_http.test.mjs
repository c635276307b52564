// mock_openai over HTTP, as curl and raw clients see it: shapes, headers,
// the real error envelope for every failure, determinism across processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

const AUTH = { authorization: 'Bearer mock_key_local_development', 'content-type': 'application/json' };
let s;

before(async () => {
  s = await startServer('mock_openai', ['--max-body', '64k', '--rpm', '500', '--tpm', '90000', '--model', 'custom-embed:64']);
});
after(() => s.stop());

async function post(path, body, headers = AUTH) {
  const res = await fetch(s.url + path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { res, json: await res.json() };
}

function assertEnvelope(json, { message, type = 'invalid_request_error', param = null, code = null }) {
  assert.deepEqual(Object.keys(json), ['error']);
  assert.deepEqual(Object.keys(json.error).sort(), ['code', 'message', 'param', 'type']);
  if (message instanceof RegExp) assert.match(json.error.message, message);
  else assert.equal(json.error.message, message);
  assert.equal(json.error.type, type);
  assert.equal(json.error.param, param);
  assert.equal(json.error.code, code);
}

test('health answers without a key in the old mock contract', async () => {
  const res = await fetch(`${s.url}/health`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, 'healthy');
  assert.equal(body.service, 'mock-openai');
  assert.equal(typeof body.timestamp, 'number');
  assert.ok(Math.abs(body.timestamp - Date.now() / 1000) < 60);
});

test('embeddings response carries the real headers', async () => {
  const { res, json } = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello world' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.match(res.headers.get('x-request-id'), /^req_[0-9a-f]{32}$/);
  assert.match(res.headers.get('openai-processing-ms'), /^\d+$/);
  assert.equal(res.headers.get('openai-version'), '2020-10-01');
  assert.equal(res.headers.get('openai-model'), 'text-embedding-3-small');
  assert.equal(res.headers.get('x-ratelimit-limit-requests'), '500');
  assert.equal(res.headers.get('x-ratelimit-limit-tokens'), '90000');
  assert.ok(res.headers.get('x-ratelimit-remaining-requests'));
  assert.match(res.headers.get('x-ratelimit-reset-tokens'), /^\d+(\.\d+)?(ms|s|m\d+s)$|^\d+m\d+(\.\d+)?s$/);
  assert.equal(json.object, 'list');
  assert.equal(json.data[0].embedding.length, 1536);
  assert.deepEqual(json.usage, { prompt_tokens: 2, total_tokens: 2 });
});

test('request ids differ per request', async () => {
  const a = await fetch(`${s.url}/health`);
  const b = await fetch(`${s.url}/health`);
  assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));
});

test('configured extra model is listed and embeds at its size', async () => {
  const list = await (await fetch(`${s.url}/v1/models`, { headers: AUTH })).json();
  assert.ok(list.data.some((m) => m.id === 'custom-embed'));
  const { json } = await post('/v1/embeddings', { model: 'custom-embed', input: ['a', 'b'] });
  assert.equal(json.data[1].embedding.length, 64);
});

test('missing key is 401 with the real message', async () => {
  const { res, json } = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' }, { 'content-type': 'application/json' });
  assert.equal(res.status, 401);
  assertEnvelope(json, { message: /^You didn't provide an API key\. You need to provide your API key in an Authorization header using Bearer auth/ });
  const models = await fetch(`${s.url}/v1/models`);
  assert.equal(models.status, 401);
});

test('unknown path is 404 and wrong method 405, both in the envelope', async () => {
  const { res, json } = await post('/v1/nope', {});
  assert.equal(res.status, 404);
  assertEnvelope(json, { message: 'Invalid URL (POST /v1/nope)' });
  const r2 = await fetch(`${s.url}/v1/embeddings`, { headers: AUTH });
  assert.equal(r2.status, 405);
  assert.equal(r2.headers.get('allow'), 'POST');
  assertEnvelope(await r2.json(), { message: 'Invalid method for URL (GET /v1/embeddings)' });
});

test('unknown model id on /v1/models/{id} is 404 model_not_found', async () => {
  const res = await fetch(`${s.url}/v1/models/gpt-nope`, { headers: AUTH });
  assert.equal(res.status, 404);
  assertEnvelope(await res.json(), { message: 'The model `gpt-nope` does not exist or you do not have access to it.', code: 'model_not_found' });
  const ok = await (await fetch(`${s.url}/v1/models/text-embedding-3-large`, { headers: AUTH })).json();
  assert.deepEqual(ok, { id: 'text-embedding-3-large', object: 'model', created: 1705953180, owned_by: 'system' });
});

test('body over --max-body is 413 in the envelope', async () => {
  const { res, json } = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x'.repeat(70000) });
  assert.equal(res.status, 413);
  assertEnvelope(json, { message: /too large/, code: 'request_too_large' });
  const after = await fetch(`${s.url}/health`);
  assert.equal(after.status, 200);
});

const cases = [
  ['malformed JSON', '{"model":', 400, { message: /^We could not parse the JSON body of your request/ }],
  ['empty body', '', 400, { message: /^We could not parse the JSON body/ }],
  ['empty string', { model: 'text-embedding-3-small', input: '' }, 400, { message: 'input cannot be an empty string' }],
  ['unknown model', { model: 'nope', input: 'x' }, 404, { message: 'The model `nope` does not exist or you do not have access to it.', code: 'model_not_found' }],
  ['unknown field', { model: 'text-embedding-3-small', input: 'x', temperature: 1 }, 400, { message: 'Unrecognized request argument supplied: temperature' }],
  ['wrong input type', { model: 'text-embedding-3-small', input: { a: 1 } }, 400, { message: /^'\$\.input' is invalid/ }],
  ['dimensions on ada', { model: 'text-embedding-ada-002', input: 'x', dimensions: 10 }, 400, { message: 'This model does not support specifying dimensions.' }],
  ['dimensions too big', { model: 'text-embedding-3-small', input: 'x', dimensions: 2000 }, 400, { message: /Must be less than or equal to 1536/, param: 'dimensions', code: 'invalid_value' }],
  ['too many inputs', { model: 'text-embedding-3-small', input: Array(2049).fill('a') }, 400, { message: "Invalid 'input': array length must be 2048 or less.", param: 'input', code: 'array_above_max_length' }],
  ['bad encoding_format', { model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' }, 400, { message: "Invalid value: 'hex'. Supported values are: 'float' and 'base64'.", param: 'encoding_format', code: 'invalid_value' }],
];
for (const [name, body, status, want] of cases) {
  test(`error: ${name}`, async () => {
    const { res, json } = await post('/v1/embeddings', body);
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assertEnvelope(json, want);
  });
}

test('vectors are identical across processes and batch positions', async () => {
  const other = await startServer('mock_openai');
  try {
    const body = { model: 'text-embedding-3-small', input: ['first', 'the same text'], encoding_format: 'base64' };
    const a = (await post('/v1/embeddings', body)).json;
    const res = await fetch(`${other.url}/v1/embeddings`, { method: 'POST', headers: AUTH, body: JSON.stringify({ ...body, input: 'the same text' }) });
    const b = await res.json();
    assert.equal(a.data[1].embedding, b.data[0].embedding);
  } finally {
    await other.stop();
  }
});

test('--api-key limits keys and masks a wrong one', async () => {
  const locked = await startServer('mock_openai', ['--api-key', 'sk-good-key-123456']);
  try {
    const ok = await fetch(`${locked.url}/v1/models`, { headers: { authorization: 'Bearer sk-good-key-123456' } });
    assert.equal(ok.status, 200);
    const bad = await fetch(`${locked.url}/v1/models`, { headers: { authorization: 'Bearer sk-abcdefghijxyz' } });
    assert.equal(bad.status, 401);
    assertEnvelope(await bad.json(), {
      message: 'Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.',
      code: 'invalid_api_key',
    });
  } finally {
    await locked.stop();
  }
});
