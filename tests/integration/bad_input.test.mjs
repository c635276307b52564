// A catalogue of bad input against both binaries: every case states the exact
// status and error body it must get, and after each group both servers must
// still answer GET /health with 200. Requests fetch() cannot express (broken
// framing, invalid bytes, slow or vanishing clients) go over raw node:net sockets.
//
// A few answers come from libmicrohttpd 0.9.75 itself, before any of our code
// runs: requests it cannot parse (bad request line, header line without a colon,
// bad Content-Length or chunk framing, HTTP/2.0) and heads too large for
// --connection-memory. It answers those with its own HTML pages and offers no
// hook to replace them; those cases pin exactly what it sends.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { exchange } from '../lib/raw.mjs';

const KEY = 'Bearer mock_key_local_development';
const JSON_AUTH = { authorization: KEY, 'content-type': 'application/json' };
const PARSE_MSG =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
  'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
  'figuring out how to fix this, please contact us through our help center at help.openai.com.)';
const MHD_MALFORMED = '<html><head><title>Request malformed</title></head><body>Your HTTP request was syntactically incorrect.</body></html>';
const MHD_TOO_BIG = '<html><head><title>Request too big</title></head><body>Your HTTP header was too big for the memory constraints of this webserver.</body></html>';
const BOUNDARY = 'mwB0undary77';
const FORM_CT = `multipart/form-data; boundary=${BOUNDARY}`;

let oa; // mock_openai, --max-body 256k
let lp; // mock_llamaparse, --max-body 256k, --max-upload 512k, jobs done at once
let oaSlow; // both with --idle-timeout 1, for slow and idle clients
let lpSlow;

before(async () => {
  [oa, lp, oaSlow, lpSlow] = await Promise.all([
    startServer('mock_openai', ['--max-body', '256k']),
    startServer('mock_llamaparse', ['--max-body', '256k', '--max-upload', '512k', '--job-delay-ms', '0', '--job-ms-per-page', '0']),
    startServer('mock_openai', ['--idle-timeout', '1']),
    startServer('mock_llamaparse', ['--idle-timeout', '1', '--job-delay-ms', '0']),
  ]);
});
after(async () => {
  await Promise.all([oa, lp, oaSlow, lpSlow].map((s) => s.stop()));
});

// ---------------------------------------------------------------------------
// raw HTTP (exchange() is in ../lib/raw.mjs)

// The first response in `bytes`: { status, headers (lower-case names), body (utf8), raw }.
function parseResponse(bytes) {
  const text = bytes.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  assert.ok(headEnd > 0, `no response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : bytes.length - headEnd - 4;
  const body = bytes.subarray(headEnd + 4, headEnd + 4 + len).toString('utf8');
  return { status, headers, body, raw: text };
}

// One request with Connection: close; body (string, latin1) gets a Content-Length.
async function rawRequest(port, method, target, { headers = {}, body } = {}) {
  let head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n`;
  const r = await exchange(port, [head + '\r\n' + (body ?? '')]);
  return parseResponse(r.bytes);
}

async function healthy(s) {
  const r = await exchange(s.port, ['GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  const res = parseResponse(r.bytes);
  assert.equal(res.status, 200, `${s.url}/health: ${res.raw.slice(0, 200)}`);
  assert.equal(JSON.parse(res.body).status, 'healthy');
}

// servers: a function giving the servers (they start in before()).
function healthCheck(servers) {
  test('afterwards the servers still answer /health with 200', async () => {
    for (const s of servers()) await healthy(s);
  });
}

// The OpenAI envelope: exactly {"error":{message,type,param,code}}.
function assertOpenAI(res, status, { message, type = 'invalid_request_error', param = null, code = null }) {
  assert.equal(res.status, status, res.body);
  assert.match(res.headers['content-type'], /^application\/json/);
  const json = JSON.parse(res.body);
  assert.deepEqual(Object.keys(json), ['error']);
  assert.deepEqual(json.error, { message, type, param, code });
}

// LlamaParse (FastAPI): {"detail": "..."}, or a 422 list.
function assertDetail(res, status, detail) {
  assert.equal(res.status, status, res.body);
  assert.match(res.headers['content-type'], /^application\/json/);
  assert.deepEqual(JSON.parse(res.body), { detail });
}

function assert422(res, field, type, msg, input) {
  assert.equal(res.status, 422, res.body);
  assert.deepEqual(JSON.parse(res.body), { detail: [{ type, loc: ['body', field], msg, input }] });
}

// libmicrohttpd's own HTML page (see the note at the top).
function assertMhdPage(res, status, html) {
  assert.equal(res.status, status, res.raw.slice(0, 300));
  assert.equal(res.headers['connection'], 'close');
  assert.ok(res.raw.includes(html), res.raw);
}

const post = (s, p, body, headers = JSON_AUTH) => rawRequest(s.port, 'POST', p, { headers, body });
const get = (s, p, headers = { authorization: KEY }) => rawRequest(s.port, 'GET', p, { headers });

// A multipart body from [name, value] or [name, value, filename] parts.
function form(parts, { close = true } = {}) {
  let b = '';
  for (const [name, value, filename] of parts) {
    b += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename !== undefined ? `; filename="${filename}"` : ''}\r\n\r\n${value}\r\n`;
  }
  return close ? `${b}--${BOUNDARY}--\r\n` : b;
}
const upload = (s, body, p = '/api/v1/parsing/upload', ct = FORM_CT) =>
  post(s, p, body, { authorization: KEY, 'content-type': ct });

// ---------------------------------------------------------------------------
describe('mock_openai: malformed JSON, wrong types, odd numbers, bad UTF-8', () => {
  const EMB = (extra) => `{"model":"text-embedding-3-small","input":"x"${extra}}`;
  const deepArrays = '['.repeat(100000) + ']'.repeat(100000);
  const deepObjects = '{"a":'.repeat(40000) + '1' + '}'.repeat(40000);
  const cases = [
    ['truncated JSON', '{"model":', 400, { message: PARSE_MSG }],
    ['empty body', '', 400, { message: PARSE_MSG }],
    ['whitespace only', ' \r\n\t ', 400, { message: PARSE_MSG }],
    ['top-level array', '[1,2]', 400, { message: PARSE_MSG }],
    ['top-level string', '"text"', 400, { message: PARSE_MSG }],
    ['top-level null', 'null', 400, { message: PARSE_MSG }],
    ['trailing comma', EMB(','), 400, { message: PARSE_MSG }],
    ['single quotes', "{'model':'text-embedding-3-small','input':'x'}", 400, { message: PARSE_MSG }],
    ['trailing garbage after the object', EMB('') + ' trailing', 400, { message: PARSE_MSG }],
    ['a second object after the first', EMB('') + '{}', 400, { message: PARSE_MSG }],
    ['a NUL byte after the object', EMB('') + '\x00', 400, { message: PARSE_MSG }],
    ['NaN literal', EMB(',"dimensions":NaN'), 400, { message: PARSE_MSG }],
    ['Infinity literal', EMB(',"dimensions":Infinity'), 400, { message: PARSE_MSG }],
    ['-Infinity literal', EMB(',"dimensions":-Infinity'), 400, { message: PARSE_MSG }],
    ['lone UTF-16 surrogate escape', '{"model":"text-embedding-3-small","input":"\\ud800"}', 400, { message: PARSE_MSG }],
    ['100k nested arrays', `{"model":"text-embedding-3-small","input":${deepArrays}}`, 400, { message: PARSE_MSG }],
    ['40k nested objects', deepObjects, 400, { message: PARSE_MSG }],
    ['999 nested arrays (parsed, wrong type)', `{"model":"text-embedding-3-small","input":${'['.repeat(999)}${']'.repeat(999)}}`, 400,
      { message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." }],
    ['dimensions 1e400 (overflows to infinity)', EMB(',"dimensions":1e400'), 400,
      { message: "Invalid type for 'dimensions': expected an integer, but got a decimal instead.", param: 'dimensions', code: 'invalid_type' }],
    ['dimensions -1e400', EMB(',"dimensions":-1e400'), 400,
      { message: "Invalid type for 'dimensions': expected an integer, but got a decimal instead.", param: 'dimensions', code: 'invalid_type' }],
    ['dimensions 1e23', EMB(',"dimensions":100000000000000000000000'), 400,
      { message: "Invalid value for 'dimensions' = 99999999999999991611392. Must be less than or equal to 1536.", param: 'dimensions', code: 'invalid_value' }],
    ['dimensions -1e23', EMB(',"dimensions":-100000000000000000000000'), 400,
      { message: "Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got -99999999999999991611392 instead.", param: 'dimensions', code: 'integer_below_min_value' }],
    ['dimensions 2.5', EMB(',"dimensions":2.5'), 400,
      { message: "Invalid type for 'dimensions': expected an integer, but got a decimal instead.", param: 'dimensions', code: 'invalid_type' }],
    ['dimensions as a string', EMB(',"dimensions":"5"'), 400,
      { message: "Invalid type for 'dimensions': expected an integer, but got a string instead.", param: 'dimensions', code: 'invalid_type' }],
    ['dimensions true', EMB(',"dimensions":true'), 400,
      { message: "Invalid type for 'dimensions': expected an integer, but got a boolean instead.", param: 'dimensions', code: 'invalid_type' }],
    ['model as a number', '{"model":42,"input":"x"}', 400,
      { message: "Invalid type for 'model': expected a string, but got an integer instead.", param: 'model', code: 'invalid_type' }],
    ['model as an array', '{"model":[],"input":"x"}', 400,
      { message: "Invalid type for 'model': expected a string, but got an array instead.", param: 'model', code: 'invalid_type' }],
    ['model null', '{"model":null,"input":"x"}', 400, { message: 'you must provide a model parameter' }],
    ['input as an object', '{"model":"text-embedding-3-small","input":{"a":1}}', 400,
      { message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." }],
    ['token id 1e300', '{"model":"text-embedding-3-small","input":[1e300]}', 400,
      { message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." }],
    ['negative token id', '{"model":"text-embedding-3-small","input":[-1]}', 400,
      { message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." }],
    ['empty token list in a batch', '{"model":"text-embedding-3-small","input":[[]]}', 400,
      { message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." }],
    ['empty input array', '{"model":"text-embedding-3-small","input":[]}', 400,
      { message: "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'input', code: 'empty_array' }],
    ['input null', '{"model":"text-embedding-3-small","input":null}', 400,
      { message: "Missing required parameter: 'input'.", param: 'input', code: 'missing_required_parameter' }],
    ['user as a number', EMB(',"user":5'), 400,
      { message: "Invalid type for 'user': expected a string, but got an integer instead.", param: 'user', code: 'invalid_type' }],
    ['encoding_format true', EMB(',"encoding_format":true'), 400,
      { message: "Invalid type for 'encoding_format': expected a string, but got a boolean instead.", param: 'encoding_format', code: 'invalid_type' }],
    ['unknown field', EMB(',"temperature":0.5'), 400, { message: 'Unrecognized request argument supplied: temperature' }],
    // Invalid UTF-8 is read as U+FFFD, never echoed raw: the answer stays valid JSON.
    ['invalid UTF-8 in the model name', '{"model":"\xff\xfe","input":"x"}', 404,
      { message: 'The model `\ufffd\ufffd` does not exist or you do not have access to it.', code: 'model_not_found' }],
  ];
  for (const [name, body, status, want] of cases) {
    test(`embeddings, ${name}: ${status}`, async () => {
      assertOpenAI(await post(oa, '/v1/embeddings', body), status, want);
    });
  }

  const chat = (extra) => `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]${extra}}`;
  const chatCases = [
    ['messages missing', '{"model":"gpt-4o-mini"}', 400,
      { message: "Missing required parameter: 'messages'.", param: 'messages', code: 'missing_required_parameter' }],
    ['messages a string', '{"model":"gpt-4o-mini","messages":"hi"}', 400,
      { message: "Invalid type for 'messages': expected an array of objects, but got a string instead.", param: 'messages', code: 'invalid_type' }],
    ['a message with an unknown role', '{"model":"gpt-4o-mini","messages":[{"role":"robot","content":"hi"}]}', 400,
      { message: "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", param: 'messages[0].role', code: 'invalid_value' }],
    ['max_tokens 1e400', chat(',"max_tokens":1e400'), 400,
      { message: "Invalid type for 'max_tokens': expected an integer, but got a decimal instead.", param: 'max_tokens', code: 'invalid_type' }],
    ['max_tokens 1e23', chat(',"max_tokens":100000000000000000000000'), 400,
      { message: "Invalid 'max_tokens': integer above maximum value. Expected a value <= 2147483647, but got 99999999999999991611392 instead.", param: 'max_tokens', code: 'integer_above_max_value' }],
    ['n as a string', chat(',"n":"2"'), 400,
      { message: "Invalid type for 'n': expected an integer, but got a string instead.", param: 'n', code: 'invalid_type' }],
    ['100k nested arrays as messages', `{"model":"gpt-4o-mini","messages":${deepArrays}}`, 400, { message: PARSE_MSG }],
    ['trailing garbage', chat('') + 'x', 400, { message: PARSE_MSG }],
  ];
  for (const [name, body, status, want] of chatCases) {
    test(`chat, ${name}: ${status}`, async () => {
      assertOpenAI(await post(oa, '/v1/chat/completions', body), status, want);
    });
  }

  test('responses, 100k nested arrays as input: 400', async () => {
    assertOpenAI(await post(oa, '/v1/responses', `{"model":"gpt-4o-mini","input":${deepArrays}}`), 400, { message: PARSE_MSG });
  });

  test('embeddings, invalid UTF-8 and a UTF-8 BOM in a good request are accepted (read as U+FFFD)', async () => {
    const bad = await post(oa, '/v1/embeddings', '{"model":"text-embedding-3-small","input":"a\xc3\x28b","dimensions":4}');
    assert.equal(bad.status, 200, bad.body);
    assert.equal(JSON.parse(bad.body).data[0].embedding.length, 4);
    const bom = await post(oa, '/v1/embeddings', '\xef\xbb\xbf{"model":"text-embedding-3-small","input":"x","dimensions":4}');
    assert.equal(bom.status, 200, bom.body);
  });

  healthCheck(() => [oa, lp]);
});

// ---------------------------------------------------------------------------
describe('mock_openai: content types, methods, paths, auth, broken HTTP', () => {
  const good = '{"model":"text-embedding-3-small","input":"x","dimensions":2}';

  test('Content-Type text/plain with a JSON body: read as JSON, 200', async () => {
    const r = await post(oa, '/v1/embeddings', good, { authorization: KEY, 'content-type': 'text/plain' });
    assert.equal(r.status, 200, r.body);
  });
  test('no Content-Type at all: read as JSON, 200', async () => {
    assert.equal((await post(oa, '/v1/embeddings', good, { authorization: KEY })).status, 200);
  });
  test('a urlencoded form body: 400 parse error', async () => {
    const r = await post(oa, '/v1/embeddings', 'model=text-embedding-3-small&input=x', { authorization: KEY, 'content-type': 'application/x-www-form-urlencoded' });
    assertOpenAI(r, 400, { message: PARSE_MSG });
  });
  test('a multipart body: 400 parse error', async () => {
    assertOpenAI(await post(oa, '/v1/embeddings', form([['model', 'x']]), { authorization: KEY, 'content-type': FORM_CT }), 400, { message: PARSE_MSG });
  });

  const methods = [
    ['PUT', '/v1/embeddings', 'POST'],
    ['BREW', '/v1/models', 'GET, HEAD'], // a GET route serves HEAD too
    ['DELETE', '/health', 'GET, HEAD'],
    ['get', '/health', 'GET, HEAD'], // methods are case-sensitive
    ['OPTIONS', '/v1/chat/completions', 'POST'],
  ];
  for (const [method, p, allow] of methods) {
    test(`${method} ${p}: 405 with Allow: ${allow}`, async () => {
      const r = await rawRequest(oa.port, method, p, { headers: { authorization: KEY } });
      assertOpenAI(r, 405, { message: `Invalid method for URL (${method} ${p})` });
      assert.equal(r.headers.allow, allow);
    });
  }

  const paths = [
    ['/v1/nope', 404, 'Invalid URL (GET /v1/nope)'],
    ['/V1/MODELS', 404, 'Invalid URL (GET /V1/MODELS)'],
    ['/v1/models/', 404, 'Invalid URL (GET /v1/models/)'],
    ['/v1/models/..%2F..%2Fetc%2Fpasswd', 404, 'Invalid URL (GET /v1/models/../../etc/passwd)'],
    ['/v1/models/../../etc/passwd', 404, 'Invalid URL (GET /v1/models/../../etc/passwd)'],
    ['/../../etc/passwd', 404, 'Invalid URL (GET /../../etc/passwd)'],
    ['/v1/models/%00', 404, 'Invalid URL (GET /v1/models/)'],
    [`/v1/models/${'a'.repeat(300)}`, 404, `Invalid URL (GET /v1/models/${'a'.repeat(300)})`],
  ];
  for (const [p, status, message] of paths) {
    test(`GET ${p.length > 60 ? p.slice(0, 60) + '...' : p}: ${status}`, async () => {
      assertOpenAI(await get(oa, p), status, { message });
    });
  }
  test('GET http://127.0.0.1/health (absolute form, RFC 9112): served as /health', async () => {
    const r = await get(oa, 'http://127.0.0.1/health');
    assert.equal(r.status, 200, r.body);
    assert.equal(JSON.parse(r.body).status, 'healthy');
  });
  test('GET /v1/models/%2e%2e: the id "..", 404 model_not_found', async () => {
    assertOpenAI(await get(oa, '/v1/models/%2e%2e'), 404, { message: 'The model `..` does not exist or you do not have access to it.', code: 'model_not_found' });
  });
  test('GET /v1/models/%ff: invalid UTF-8 in the id, 404 with U+FFFD', async () => {
    assertOpenAI(await get(oa, '/v1/models/%ff'), 404, { message: 'The model `\ufffd` does not exist or you do not have access to it.', code: 'model_not_found' });
  });

  const NO_KEY = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.";
  for (const auth of ['Bearer ', 'Basic dXNlcjpwYXNz', 'mock_key_local_development']) {
    test(`Authorization: ${JSON.stringify(auth)}: 401`, async () => {
      assertOpenAI(await post(oa, '/v1/embeddings', good, { authorization: auth }), 401, { message: NO_KEY });
    });
  }

  test('HTTP/2.0 request line: libmicrohttpd 505 page', async () => {
    const r = parseResponse((await exchange(oa.port, ['GET /health HTTP/2.0\r\nHost: x\r\n\r\n'])).bytes);
    assertMhdPage(r, 505, 'Requested HTTP version is not supported.');
  });
  test('HTTP/0.9 request line: libmicrohttpd 400 page', async () => {
    assertMhdPage(parseResponse((await exchange(oa.port, ['GET /health\r\n\r\n'])).bytes), 400, MHD_MALFORMED);
  });
  test('header line without a colon: libmicrohttpd 400 page', async () => {
    const r = await exchange(oa.port, ['GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n']);
    assertMhdPage(parseResponse(r.bytes), 400, MHD_MALFORMED);
  });
  test('Content-Length: abc: libmicrohttpd 400 page', async () => {
    const r = await exchange(oa.port, [`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nContent-Length: abc\r\n\r\n`]);
    assertMhdPage(parseResponse(r.bytes), 400, 'Your HTTP request has wrong value for <b>Content-Length</b> header.');
  });
  test('broken chunk framing: libmicrohttpd 400 page', async () => {
    const r = await exchange(oa.port, [`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{"a\r\n0\r\n\r\n`]);
    assertMhdPage(parseResponse(r.bytes), 400, 'Your HTTP chunked encoding was syntactically incorrect.');
  });
  test('a request line that is not HTTP: the connection is closed, no answer', async () => {
    const r = await exchange(oa.port, ['HELLO\r\n\r\n']);
    assert.equal(r.how, 'closed');
    assert.equal(r.text, '');
  });
  test('a 64 KB header: libmicrohttpd 431 page', async () => {
    const r = await exchange(oa.port, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(65536)}\r\n\r\n`]);
    assertMhdPage(parseResponse(r.bytes), 431, MHD_TOO_BIG);
  });
  test('3000 small headers: libmicrohttpd 431 page', async () => {
    const r = await exchange(oa.port, [`GET /health HTTP/1.1\r\nHost: x\r\n${'X-A: b\r\n'.repeat(3000)}\r\n`]);
    assertMhdPage(parseResponse(r.bytes), 431, MHD_TOO_BIG);
  });
  test('a 20 KB URL: libmicrohttpd 414 page', async () => {
    const r = await exchange(oa.port, [`GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    assertMhdPage(parseResponse(r.bytes), 414, MHD_TOO_BIG);
  });

  healthCheck(() => [oa, lp]);
});

// ---------------------------------------------------------------------------
describe('bodies over the limit (--max-body 256k, --max-upload 512k)', () => {
  const tooLarge = (n) => ({ message: `Request body too large: the limit is ${n} bytes.`, code: 'request_too_large' });
  const big = `{"model":"text-embedding-3-small","input":"${'x'.repeat(300000)}"}`;

  test('mock_openai, 300 KB body: 413 in the envelope', async () => {
    assertOpenAI(await post(oa, '/v1/embeddings', big), 413, tooLarge(262144));
  });
  test('mock_openai, 300 KB body: the connection stays usable for the next request', async () => {
    const r = await exchange(oa.port, [
      `POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
      'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    assert.match(r.text, /^HTTP\/1\.1 413 /);
    assert.match(r.text, /HTTP\/1\.1 200 OK[^]*"status":"healthy"/);
  });
  test('mock_openai, Expect: 100-continue over the limit: 413 before any body is sent', async () => {
    const r = await exchange(oa.port, [`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nContent-Length: 300000\r\nExpect: 100-continue\r\n\r\n`]);
    assertOpenAI(parseResponse(r.bytes), 413, tooLarge(262144));
  });
  test('mock_openai, chunked body over the limit: 413', async () => {
    const chunk = `2000\r\n${'y'.repeat(0x2000)}\r\n`;
    const r = await exchange(oa.port, [`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk.repeat(40)}0\r\n\r\n`]);
    assertOpenAI(parseResponse(r.bytes), 413, tooLarge(262144));
  });
  test('mock_openai, Content-Length of 10 GB and no body: 413 at once', async () => {
    const r = await exchange(oa.port, [`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nContent-Length: 10000000000\r\n\r\n`]);
    assertOpenAI(parseResponse(r.bytes), 413, tooLarge(262144));
    assert.equal(r.how, 'closed');
  });
  test('mock_openai, Content-Length beyond 64 bits: libmicrohttpd 413 page', async () => {
    const r = await exchange(oa.port, [`POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n`]);
    assertMhdPage(parseResponse(r.bytes), 413, 'Your HTTP request has too large value for <b>Content-Length</b> header.');
  });
  test('mock_llamaparse, /parse with a 300 KB body: 413 {"detail"}', async () => {
    const r = await post(lp, '/parse', `{"job_id":"x","source_url":"http://h/${'a'.repeat(300000)}"}`, {});
    assertDetail(r, 413, 'Request body too large: the limit is 262144 bytes.');
  });
  test('mock_llamaparse, a 600 KB upload: 413 {"detail"} with the --max-upload limit', async () => {
    assertDetail(await upload(lp, form([['file', 'z'.repeat(600000), 'big.txt']])), 413, 'Request body too large: the limit is 524288 bytes.');
  });
  test('mock_llamaparse, a chunked upload over --max-upload: 413', async () => {
    const chunk = `4000\r\n${'y'.repeat(0x4000)}\r\n`;
    const start = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n`;
    const r = await exchange(lp.port, [`POST /api/v1/parsing/upload HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nContent-Type: ${FORM_CT}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${start.length.toString(16)}\r\n${start}\r\n${chunk.repeat(40)}0\r\n\r\n`]);
    assertDetail(parseResponse(r.bytes), 413, 'Request body too large: the limit is 524288 bytes.');
  });

  healthCheck(() => [oa, lp]);
});

// ---------------------------------------------------------------------------
describe('mock_llamaparse: ids and paths (traversal, odd bytes)', () => {
  const notFound = [
    ['/api/v1/parsing/job/..%2F..%2Fetc%2Fpasswd', 'Invalid URL (GET /api/v1/parsing/job/../../etc/passwd)'],
    ['/api/parsing/job/..%2F..%2Fetc%2Fpasswd', 'Invalid URL (GET /api/parsing/job/../../etc/passwd)'],
    ['/api/v1/parsing/job/x/result/..%2F..%2Fetc%2Fpasswd', 'Invalid URL (GET /api/v1/parsing/job/x/result/../../etc/passwd)'],
    ['/api/v1/parsing/job/x/result/image/..%2F..%2Fsecret.png', 'Invalid URL (GET /api/v1/parsing/job/x/result/image/../../secret.png)'],
    ['/jobs/..%2F..%2Fetc%2Fpasswd', 'Invalid URL (GET /jobs/../../etc/passwd)'],
    ['/api/v2/parse/..%2Fx', 'Invalid URL (GET /api/v2/parse/../x)'],
    [`/api/v1/parsing/job/${'a'.repeat(300)}`, `Invalid URL (GET /api/v1/parsing/job/${'a'.repeat(300)})`],
    ['/nope', 'Invalid URL (GET /nope)'],
    ['/api/v1/parsing/job/%2e%2e', 'Job not found.'],
    ['/api/v1/parsing/job/%22%3Cscript%3E', 'Job not found.'],
    ['/api/v1/parsing/job/%ff%fe', 'Job not found.'],
    ['/api/v1/parsing/job/a%00b', 'Job not found.'],
    ['/jobs/%2e%2e', 'Job not found.'],
    ['/api/v2/parse/%2e%2e', 'Job not found.'],
  ];
  for (const [p, detail] of notFound) {
    test(`GET ${p.length > 60 ? p.slice(0, 60) + '...' : p}: 404`, async () => {
      assertDetail(await get(lp, p), 404, detail);
    });
  }
  test('DELETE /api/v2/parse/%2e%2e: 404', async () => {
    assertDetail(await rawRequest(lp.port, 'DELETE', '/api/v2/parse/%2e%2e', { headers: { authorization: KEY } }), 404, 'Job not found.');
  });
  test('GET .../result/pdf: 404 unknown result type', async () => {
    assertDetail(await get(lp, '/api/v1/parsing/job/nope/result/pdf'), 404, 'Unknown result type: use markdown, text or json.');
  });
  test('GET a job without a key: 401', async () => {
    assertDetail(await get(lp, '/api/v1/parsing/job/x', {}), 401, 'Invalid authentication credentials: send Authorization: Bearer <API key>.');
  });
  test('PUT .../upload: 405 with Allow: POST', async () => {
    const r = await rawRequest(lp.port, 'PUT', '/api/v1/parsing/upload', { headers: { authorization: KEY }, body: '' });
    assertDetail(r, 405, 'Invalid method for URL (PUT /api/v1/parsing/upload)');
    assert.equal(r.headers.allow, 'POST');
  });

  const BAD_ID = "Invalid job_id: at most 64 characters, letters, digits, '-', '_', '.', '~' or ':' only.";
  const parseCases = [
    ['job_id with a path', '{"job_id":"../../etc","source_url":"http://h/x.pdf"}', 400, BAD_ID],
    // A quote in the id was written unescaped into every answer about the job: invalid JSON.
    ['job_id with a quote', '{"job_id":"a\\"b","source_url":"http://h/x.pdf"}', 400, BAD_ID],
    ['job_id with a control character', '{"job_id":"a\\u0001b","source_url":"http://h/x.pdf"}', 400, BAD_ID],
    ['job_id of 65 characters', `{"job_id":"${'a'.repeat(65)}","source_url":"http://h/x.pdf"}`, 400, BAD_ID],
    ['job_id a number', '{"job_id":5,"source_url":"http://h/x.pdf"}', 400, 'Missing or invalid field: job_id (a non-empty string).'],
    ['source_url file://', '{"job_id":"a","source_url":"file:///etc/passwd"}', 400, 'Missing or invalid field: source_url (an http or https URL).'],
    ['webhook_url javascript:', '{"job_id":"a","source_url":"http://h/x","webhook_url":"javascript:alert(1)"}', 400, 'Invalid field: webhook_url (an http or https URL).'],
    ['empty body', '', 400, 'The body must be a JSON object: {"job_id", "source_url", "webhook_url"}.'],
    ['100k nested arrays', '['.repeat(100000) + ']'.repeat(100000), 400, 'The body must be a JSON object: {"job_id", "source_url", "webhook_url"}.'],
    ['trailing garbage', '{"job_id":"a","source_url":"http://h/x"}x', 400, 'The body must be a JSON object: {"job_id", "source_url", "webhook_url"}.'],
  ];
  for (const [name, body, status, detail] of parseCases) {
    test(`POST /parse, ${name}: ${status}`, async () => {
      assertDetail(await post(lp, '/parse', body, {}), status, detail);
    });
  }

  const v2Cases = [
    ['source_url a number', '{"source_url":123}', 422, 'source_url must be an http or https URL.'],
    ['source_url file://', '{"source_url":"file:///etc/passwd"}', 422, 'source_url must be an http or https URL.'],
    ['unknown tier', '{"source_url":"http://h/x","tier":"nope"}', 422, 'tier must be fast, cost_effective, agentic or agentic_plus.'],
    ['neither file_id nor source_url', '{"tier":"fast"}', 422, 'Either file_id or source_url must be provided.'],
    ['unknown file_id', '{"file_id":"00000000-0000-4000-8000-000000000009"}', 404, 'File not found (or it has no content yet).'],
    ['empty body', '', 400, 'The body must be a JSON object with file_id or source_url.'],
    ['40k nested objects', '{"a":'.repeat(40000) + '1' + '}'.repeat(40000), 400, 'The body must be a JSON object with file_id or source_url.'],
  ];
  for (const [name, body, status, detail] of v2Cases) {
    test(`POST /api/v2/parse, ${name}: ${status}`, async () => {
      assertDetail(await post(lp, '/api/v2/parse', body), status, detail);
    });
  }

  healthCheck(() => [oa, lp]);
});

// ---------------------------------------------------------------------------
describe('mock_llamaparse: multipart uploads', () => {
  const EXPECTED = 'Expected a multipart/form-data body with a file (or input_url) field.';
  const NO_FILE = 'Either file or input_url must be provided.';
  const MALFORMED = 'The multipart body is incomplete or malformed.';
  const cases = [
    ['no Content-Type', form([['file', 'hi', 'a.txt']]), null, EXPECTED],
    ['JSON Content-Type', '{"file":"hi"}', 'application/json', EXPECTED],
    ['multipart without a boundary parameter', form([['file', 'hi', 'a.txt']]), 'multipart/form-data', EXPECTED],
    // libmicrohttpd's form parser refuses boundaries shorter than 2 bytes.
    ['a one-byte boundary', '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi\r\n--b--\r\n', 'multipart/form-data; boundary=b', EXPECTED],
    ['an empty body', '', FORM_CT, EXPECTED],
    ['a boundary that never appears', '--other\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi\r\n--other--\r\n', FORM_CT, NO_FILE],
    ['only the closing delimiter', `--${BOUNDARY}--\r\n`, FORM_CT, NO_FILE],
    ['garbage', 'garbage garbage garbage', FORM_CT, NO_FILE],
    ['a form without a file', form([['language', 'en']]), FORM_CT, NO_FILE],
    ['a file field without a filename (a plain field)', form([['file', 'hello']]), FORM_CT, NO_FILE],
    ['a truncated form (no closing delimiter)', form([['file', 'hello world', 'a.txt']], { close: false }).slice(0, -2), FORM_CT, MALFORMED],
    // Used to crash the server: libmicrohttpd hands a nameless part over with a NULL name.
    ['a part with no Content-Disposition', `--${BOUNDARY}\r\n\r\nhello\r\n--${BOUNDARY}--\r\n`, FORM_CT, MALFORMED],
    ['a nameless part after a good file', form([['file', 'hi', 'a.txt']], { close: false }) + `--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${BOUNDARY}--\r\n`, FORM_CT, MALFORMED],
  ];
  for (const [name, body, ct, detail] of cases) {
    test(`upload, ${name}: 400`, async () => {
      const headers = { authorization: KEY };
      if (ct) headers['content-type'] = ct;
      assertDetail(await post(lp, '/api/v1/parsing/upload', body, headers), 400, detail);
    });
  }

  const file = ['file', 'hello world', 'a.txt'];
  const invalid = [
    ['max_pages -5', [['max_pages', '-5'], file], 'max_pages', 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer', '-5'],
    // A repeated field counts by its last value (FastAPI): repeats used to skip validation.
    ['max_pages repeated, last one bad', [['max_pages', '1'], ['max_pages', 'x'], file], 'max_pages', 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer', 'x'],
    ['tier with a quote and a backslash', [['tier', '"\\'], file], 'tier', 'enum', "Input should be 'fast', 'cost_effective', 'agentic' or 'agentic_plus'", '"\\'],
    ['tier with invalid UTF-8', [['tier', '\xff\xfe'], file], 'tier', 'enum', "Input should be 'fast', 'cost_effective', 'agentic' or 'agentic_plus'", '\ufffd\ufffd'],
    ['do_not_cache maybe', [['do_not_cache', 'maybe'], file], 'do_not_cache', 'bool_parsing', 'Input should be a valid boolean, unable to interpret input', 'maybe'],
    ['webhook_configurations with an ftp URL', [['webhook_configurations', '[{"webhook_url":"ftp://x"}]'], file], 'webhook_configurations', 'value_error', 'each entry needs webhook_url, an http or https URL', '[{"webhook_url":"ftp://x"}]'],
    ['webhook_configurations 20k nested arrays', [['webhook_configurations', '['.repeat(20000) + ']'.repeat(20000)], file], 'webhook_configurations', 'value_error', 'webhook_configurations must be a JSON list of objects', '['.repeat(20000) + ']'.repeat(20000)],
    ['input_url file://', [['input_url', 'file:///etc/passwd']], 'input_url', 'url_parsing', 'Input should be a valid URL (http or https)', 'file:///etc/passwd'],
  ];
  for (const [name, parts, field, type, msg, input] of invalid) {
    test(`upload, ${name}: 422`, async () => {
      assert422(await upload(lp, form(parts)), field, type, msg, input);
    });
  }
  test('v2 upload, configuration not JSON: 422', async () => {
    assert422(await upload(lp, form([['configuration', '{not json'], file]), '/api/v2/parse/upload'), 'configuration', 'json_invalid', 'Invalid JSON: configuration must be a JSON object', '{not json');
  });
  test('v2 upload, configuration with bytes after the object: 422', async () => {
    assert422(await upload(lp, form([['configuration', '{"tier":"fast"} x'], file]), '/api/v2/parse/upload'), 'configuration', 'json_invalid', 'Invalid JSON: configuration must be a JSON object', '{"tier":"fast"} x');
  });
  test('webhook_configurations with bytes after the list: 422', async () => {
    assert422(await upload(lp, form([['webhook_configurations', '[] x'], file])), 'webhook_configurations', 'value_error', 'webhook_configurations must be a JSON list of objects', '[] x');
  });
  test('v2 upload, configuration of 20k nested objects: 422', async () => {
    const deep = '{"a":'.repeat(20000) + '1' + '}'.repeat(20000);
    assert422(await upload(lp, form([['configuration', deep], file]), '/api/v2/parse/upload'), 'configuration', 'json_invalid', 'Invalid JSON: configuration must be a JSON object', deep);
  });

  const job = async (res) => {
    assert.equal(res.status, 200, res.body);
    return JSON.parse(res.body);
  };
  test('a zero-byte file: 200, the job ends in ERROR NO_DATA_FOUND_IN_FILE', async () => {
    const j = await job(await upload(lp, form([['file', '', 'empty.txt']])));
    assert.deepEqual({ ...j, id: 'x' }, { id: 'x', status: 'ERROR', error_code: 'NO_DATA_FOUND_IN_FILE', error_message: 'No data found in file.' });
    assertDetail(await get(lp, `/api/v1/parsing/job/${j.id}/result/markdown`), 400, `Job ${j.id} has no result: its status is ERROR (No data found in file.).`);
  });
  test('a repeated tier: the last one counts (agentic: 10 credits a page)', async () => {
    const j = await job(await upload(lp, form([['tier', 'fast'], ['tier', 'agentic'], file])));
    const details = JSON.parse((await get(lp, `/api/v1/parsing/job/${j.id}/details`)).body);
    assert.equal(details.tier, 'agentic');
    assert.equal(details.job_metadata.credits_used, details.pages * 10);
  });
  test('a file name with a path and invalid UTF-8: 200, kept as given, answers stay JSON', async () => {
    const j = await job(await upload(lp, form([['file', 'hello', '../../etc/\xffpasswd']])));
    const details = JSON.parse((await get(lp, `/api/v1/parsing/job/${j.id}/details`)).body);
    assert.equal(details.file_name, '../../etc/\ufffdpasswd');
    const v2 = await job(await upload(lp, form([['file', 'hello', 'x\\"y.txt']]), '/api/v2/parse/upload'));
    assert.equal(v2.name, 'x\\'); // libmicrohttpd ends a quoted filename at the first quote
  });

  test('--fixtures: file names with paths, absolute paths or a leading dot never read outside the folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-badin-fix-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-badin-out-'));
    fs.writeFileSync(path.join(outside, 'secret.md.md'), '# SECRET OUTSIDE\n');
    fs.writeFileSync(path.join(dir, '.hidden.md'), '# HIDDEN FIXTURE\n');
    fs.writeFileSync(path.join(dir, 'ok.txt.md'), '# PINNED\n');
    const s = await startServer('mock_llamaparse', ['--job-delay-ms', '0', '--job-ms-per-page', '0', '--fixtures', dir]);
    try {
      const rel = path.relative(dir, path.join(outside, 'secret.md'));
      for (const name of [rel, path.join(outside, 'secret.md'), `..\\${path.basename(outside)}\\secret.md`, '.hidden', 'ok.txt/../ok.txt']) {
        const j = await job(await upload(s, form([['file', 'plain words here', name]])));
        const md = JSON.parse((await get(s, `/api/v1/parsing/job/${j.id}/result/markdown`)).body).markdown;
        assert.ok(!md.includes('SECRET') && !md.includes('HIDDEN') && !md.includes('PINNED'), `${name}: ${md}`);
      }
      const pinned = await job(await upload(s, form([['file', 'plain words here', 'ok.txt']])));
      assert.equal(JSON.parse((await get(s, `/api/v1/parsing/job/${pinned.id}/result/markdown`)).body).markdown, '# PINNED\n');
    } finally {
      await s.stop();
      fs.rmSync(dir, { recursive: true });
      fs.rmSync(outside, { recursive: true });
    }
  });

  healthCheck(() => [oa, lp]);
});

// ---------------------------------------------------------------------------
describe('clients that vanish, crawl or idle', () => {
  const journal = async (s, testId) => {
    for (let i = 0; i < 250; i++) {
      const all = (await (await fetch(`${s.url}/__control/requests`)).json()).requests;
      const mine = all.filter((e) => (e.headers['x-test-id'] || '').startsWith(`${testId}-`));
      if (mine.length >= 10) return Object.fromEntries(mine.map((e) => [e.headers['x-test-id'], e]));
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the journal never listed the cut requests of ${testId}`);
  };
  const jobsTotal = async (s) => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    return [...text.matchAll(/^mock_jobs\{state="\w+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  };
  // Send the head (and wait for 100 Continue: the server has it), then part of
  // the body, then drop the connection: a FIN for even i, an RST for odd i.
  // Returns the body bytes sent.
  async function cutMidBody(s, p, contentType, testId) {
    const start = contentType === FORM_CT ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n` : '{"model":"text-embedding-3-small","input":"';
    const part = start + 'x'.repeat(5000);
    for (let i = 0; i < 10; i++) {
      const sock = net.connect(s.port, '127.0.0.1');
      sock.on('error', () => {});
      await new Promise((r) => sock.on('connect', r));
      const cont = new Promise((r) => sock.once('data', (d) => r(String(d))));
      sock.write(`POST ${p} HTTP/1.1\r\nHost: x\r\nAuthorization: ${KEY}\r\nx-test-id: ${testId}-${i}\r\nContent-Type: ${contentType}\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n`);
      assert.match(await cont, /^HTTP\/1\.1 100 Continue\r\n/);
      await new Promise((r) => sock.write(part, r));
      await new Promise((r) => setTimeout(r, 20));
      if (i % 2) sock.resetAndDestroy();
      else sock.end();
    }
    return part.length;
  }

  test('mock_openai, 10 clients gone mid-body: journaled with status 0, no answer lost for others', async () => {
    const sent = await cutMidBody(oa, '/v1/embeddings', 'application/json', 'cut-oa');
    const cut = await journal(oa, 'cut-oa');
    for (let i = 0; i < 10; i++) {
      const e = cut[`cut-oa-${i}`];
      assert.equal(e.status, 0);
      if (i % 2) assert.ok(e.body_bytes <= sent, String(e.body_bytes)); // an RST may drop unread bytes
      else assert.equal(e.body_bytes, sent);
    }
    await healthy(oa);
  });
  test('mock_llamaparse, 10 uploads gone mid-body: status 0, no job made of a partial file', async () => {
    const before = await jobsTotal(lp);
    await cutMidBody(lp, '/api/v1/parsing/upload', FORM_CT, 'cut-lp');
    const cut = await journal(lp, 'cut-lp');
    assert.ok(Object.values(cut).every((e) => e.status === 0));
    assert.equal(await jobsTotal(lp), before);
  });

  // Slowloris: the head arrives a byte at a time, never idle for a whole second,
  // yet the connection must be cut once --idle-timeout (1 s) has passed.
  async function slowloris(s) {
    const head = `GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(100)}\r\n\r\n`;
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    const t0 = Date.now();
    let sent = 0;
    let got = '';
    sock.on('data', (d) => { got += d; });
    sock.on('error', () => {});
    const timer = setInterval(() => { if (sent < head.length) sock.write(head[sent++]); }, 50);
    await new Promise((r) => sock.on('close', r));
    clearInterval(timer);
    return { ms: Date.now() - t0, sent, got, total: head.length };
  }
  for (const [name, s] of [['mock_openai', () => oaSlow], ['mock_llamaparse', () => lpSlow]]) {
    test(`${name}, slowloris head: cut off after --idle-timeout 1 s, unanswered`, async () => {
      const r = await slowloris(s());
      assert.equal(r.got, '');
      assert.ok(r.sent < r.total, `the whole head (${r.total} bytes) went through`);
      assert.ok(r.ms >= 900 && r.ms < 2500, `cut after ${r.ms} ms`);
    });
  }
  test('mock_openai, a head stopped mid-header: cut off after 1 s', async () => {
    const r = await exchange(oaSlow.port, ['GET /health HTTP/1.1\r\nHost: x\r\nX-Half: '], { timeout: 5000 });
    assert.equal(r.how, 'closed');
    assert.equal(r.text, '');
    assert.ok(r.ms >= 900 && r.ms < 2500, `cut after ${r.ms} ms`);
  });
  test('mock_openai, a kept-alive connection: a second slow head is cut too', async () => {
    const sock = net.connect(oaSlow.port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => { got += d; });
    sock.on('error', () => {});
    await new Promise((r) => sock.on('connect', r));
    sock.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const t0 = Date.now();
    const timer = setInterval(() => sock.write('G'), 100); // "GGGG...": never a whole request line
    await new Promise((r) => sock.on('close', r));
    clearInterval(timer);
    assert.match(got, /^HTTP\/1\.1 200 OK/);
    assert.equal(got.match(/HTTP\/1\.1/g).length, 1);
    assert.ok(Date.now() - t0 < 2500, `cut after ${Date.now() - t0} ms`);
  });

  test('mock_openai, 2000 idle connections: /health still answers while they are all open', async () => {
    const socks = await Promise.all(Array.from({ length: 2000 }, () => new Promise((resolve, reject) => {
      const sock = net.connect(oa.port, '127.0.0.1');
      sock.on('connect', () => resolve(sock));
      sock.on('error', reject);
    })));
    try {
      const t0 = Date.now();
      await healthy(oa);
      assert.ok(Date.now() - t0 < 3000, `/health took ${Date.now() - t0} ms`);
      assert.equal(socks.filter((sock) => sock.destroyed).length, 0);
    } finally {
      for (const sock of socks) sock.destroy();
    }
  });
  test('mock_openai, 500 idle connections are all closed by --idle-timeout 1', async () => {
    const socks = await Promise.all(Array.from({ length: 500 }, () => new Promise((resolve, reject) => {
      const sock = net.connect(oaSlow.port, '127.0.0.1');
      sock.on('connect', () => resolve(sock));
      sock.on('error', reject);
    })));
    const closed = Promise.all(socks.map((sock) => new Promise((r) => sock.on('close', r))));
    let timer;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('idle sockets still open after 5 s')), 5000); });
    try {
      await Promise.race([closed, timeout]);
    } finally {
      clearTimeout(timer);
      for (const sock of socks) sock.destroy();
    }
    await healthy(oaSlow);
  });

  healthCheck(() => [oa, lp, oaSlow, lpSlow]);
});

// ---------------------------------------------------------------------------
describe('control API: bad rules', () => {
  const BODY = 'The body must be a JSON rule object or an array of rules.';
  const rules = [
    ['empty body', '', BODY],
    ['not JSON', 'nope', BODY],
    ['a number', '42', BODY],
    ['null', 'null', BODY],
    ['100k nested arrays', '['.repeat(100000) + ']'.repeat(100000), BODY],
    ['trailing garbage', '{"status":500}x', BODY],
    ['NaN literal', '{"status":500,"probability":NaN}', BODY],
    ['status a string', '{"status":"x"}', "invalid 'status': must be an integer from 200 to 599"],
    ['status 99', '{"status":99}', "invalid 'status': must be an integer from 200 to 599"],
    // A 1xx is an interim answer: clients kept waiting for the real one.
    ['status 100', '{"status":100}', "invalid 'status': must be an integer from 200 to 599"],
    ['status 600', '{"status":600}', "invalid 'status': must be an integer from 200 to 599"],
    ['status 429.5', '{"status":429.5}', "invalid 'status': must be an integer from 200 to 599"],
    ['status 1e400', '{"status":1e400}', "invalid 'status': must be an integer from 200 to 599"],
    ['unknown kind', '{"kind":"explode"}', "invalid 'kind': must be one of reset, empty, truncate, hang, drip, malformed (or one of this server's own)"],
    ['probability 2', '{"status":500,"probability":2}', "invalid 'probability': must be a number from 0 to 1"],
    ['times 0', '{"status":500,"times":0}', "invalid 'times': must be an integer from 1 to 2147483647"],
    ['delay_ms too long', '{"delay_ms":99999999999}', "invalid 'delay_ms': must be an integer from 0 to 3600000"],
    ['a header name with CRLF', '{"status":500,"headers":{"a\\r\\nb":"c"}}', "invalid 'headers': header 'a\r\nb' needs a plain string value"],
    ['a header value with CRLF', '{"status":500,"headers":{"x":"a\\r\\nSet-Cookie: y"}}', "invalid 'headers': header 'x' needs a plain string value"],
    ['headers an array', '{"status":500,"headers":[1]}', "invalid 'headers': must be an object of header names to string values"],
    ['match_headers a string', '{"status":500,"match_headers":"x"}', "invalid 'match_headers': must be an object of header names to string values"],
    ['unknown field', '{"status":500,"unknown_field":1}', "unknown field 'unknown_field'"],
    ['path a number', '{"status":500,"path":5}', "invalid 'path': must be a non-empty string"],
    ['no action', '{"path":"/v1/*"}', 'a rule needs an action: status, delay_ms, kind or headers'],
    ['an array with one bad rule', '[{"status":500},{"status":"bad"}]', "rule 1: invalid 'status': must be an integer from 200 to 599"],
    ['an array of arrays', '[[]]', 'rule 0: a fault rule must be a JSON object'],
  ];
  for (const [name, body, message] of rules) {
    test(`POST /__control/faults, ${name}: 400 naming the problem`, async () => {
      assertOpenAI(await post(oa, '/__control/faults', body, {}), 400, { message });
    });
  }
  test('mock_llamaparse job fields: bad job_status, webhook and job_delay_ms are 400 {"detail"}', async () => {
    assertDetail(await post(lp, '/__control/faults', '{"job_status":"weird"}', {}), 400, "invalid 'job_status': expected ERROR, PARTIAL_SUCCESS, CANCELLED, EXPIRED or stuck");
    assertDetail(await post(lp, '/__control/faults', '{"webhook":"explode"}', {}), 400, "invalid 'webhook': expected drop, duplicate, delay_ms=N or status=N");
    assertDetail(await post(lp, '/__control/faults', '{"job_delay_ms":-5}', {}), 400, "invalid 'job_delay_ms': expected milliseconds from 0 to 86400000");
  });
  const ids = [['/__control/faults/abc', 'DELETE'], ['/__control/faults/-1', 'DELETE'], ['/__control/faults/99999999999999999999999', 'DELETE'], ['/__control/faults/1x', 'GET']];
  for (const [p, method] of ids) {
    test(`${method} ${p}: 404`, async () => {
      assertOpenAI(await rawRequest(oa.port, method, p), 404, { message: 'No fault rule with that id.' });
    });
  }
  test('journal filters: limit=-1, status=abc and a status that would wrap to 400 are 400', async () => {
    assertOpenAI(await get(oa, '/__control/requests?limit=-1', {}), 400, { message: "Invalid 'limit' filter: expected a non-negative integer." });
    assertOpenAI(await get(oa, '/__control/requests?status=abc', {}), 400, { message: "Invalid 'status' filter: expected an HTTP status code." });
    // 4294967696 = 2^32 + 400: found by fuzz_journal, it used to filter for 400
    assertOpenAI(await get(oa, '/__control/requests?status=4294967696', {}), 400, { message: "Invalid 'status' filter: expected an HTTP status code." });
  });
  test('no bad rule was stored, on either server', async () => {
    assert.deepEqual(JSON.parse((await get(oa, '/__control/faults', {})).body), { faults: [] });
    assert.deepEqual(JSON.parse((await get(lp, '/__control/faults', {})).body), { faults: [] });
  });

  healthCheck(() => [oa, lp]);
});

// ---------------------------------------------------------------------------
describe('x-mock-fault header garbage', () => {
  const bad = [
    ['garbage', "invalid x-mock-fault item 'garbage': expected key=value"],
    ['=', "unknown field ''"],
    [';;;', 'a rule needs an action: status, delay_ms, kind or headers'],
    ['status', "invalid x-mock-fault item 'status': expected key=value"],
    ['status=', "invalid 'status': must be an integer from 200 to 599"],
    ['status=abc', "invalid 'status': must be an integer from 200 to 599"],
    ['status=1e400', "invalid 'status': must be an integer from 200 to 599"],
    ['status=100', "invalid 'status': must be an integer from 200 to 599"],
    ['status=4 18', "invalid 'status': must be an integer from 200 to 599"],
    ['status=429;status=500', "field 'status' is given more than once"],
    ['kind=nope', "invalid 'kind': must be one of reset, empty, truncate, hang, drip, malformed (or one of this server's own)"],
    ['delay_ms=-1', "invalid 'delay_ms': must be an integer from 0 to 3600000"],
    ['delay_ms=99999999999999999999', "invalid 'delay_ms': must be an integer from 0 to 3600000"],
    ['probability=NaN;status=500', "invalid 'probability': must be a number from 0 to 1"],
    ['headers=x', "invalid 'headers': must be an object of header names to string values"],
    ['body=x', 'a rule needs an action: status, delay_ms, kind or headers'],
    ['unknown=1', "unknown field 'unknown'"],
    [`status=503${';a=b'.repeat(2000)}`, "unknown field 'a'"],
    ['status=\xff\xfe', "invalid 'status': must be an integer from 200 to 599"],
  ];
  for (const [value, why] of bad) {
    test(`x-mock-fault: ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value)}: 400`, async () => {
      assertOpenAI(await get(oa, '/v1/models', { authorization: KEY, 'x-mock-fault': value }), 400, { message: `Invalid x-mock-fault header: ${why}` });
    });
  }
  test('spaces around items, keys and values are not part of them: 418', async () => {
    const r = await get(oa, '/v1/models', { authorization: KEY, 'x-mock-fault': ' status = 418 ;  delay_ms = 10 ' });
    assertOpenAI(r, 418, { message: 'Injected fault: HTTP 418.' });
  });
  test('mock_llamaparse: a bad job field is 400 {"detail"}', async () => {
    assertDetail(await get(lp, '/api/v1/parsing/supported_file_extensions', { authorization: KEY, 'x-mock-fault': 'job_status=weird' }), 400,
      "Invalid x-mock-fault header: invalid 'job_status': expected ERROR, PARTIAL_SUCCESS, CANCELLED, EXPIRED or stuck");
  });
  test('the control API ignores the header, garbage or not', async () => {
    const r = await get(oa, '/__control/faults', { 'x-mock-fault': 'garbage' });
    assert.equal(r.status, 200);
  });

  healthCheck(() => [oa, lp]);
});
