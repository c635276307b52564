// Azure OpenAI over raw HTTP: every Azure route, its errors and headers,
// and the /v1 machinery (faults, journal, metrics, rate limits) behind them.
import { describe, it, before, after, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { binaryPath, startServer } from '../lib/server.mjs';

const V = 'api-version=2024-10-21';
const KEY = { 'api-key': 'k', 'content-type': 'application/json' };
const CHAT = { messages: [{ role: 'user', content: 'Summarise the plan' }] };
const DENIED = 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';
const NOT_DEPLOYED = 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.';
const DEPLOYMENTS = ['--azure-deployment', 'my-chat=gpt-4o-mini', '--azure-deployment', 'my-embed=text-embedding-3-large'];

const post = (s, path, body, headers = KEY) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const sse = (text) => text.split('\n\n').filter((e) => e && e !== 'data: [DONE]').map((e) => JSON.parse(e.slice(6)));

describe('Azure routes', () => {
  let s;
  before(async () => { s = await startServer('mock_openai', DEPLOYMENTS); });
  after(() => s.stop());
  beforeEach(async () => { await fetch(`${s.url}/__control/reset`, { method: 'POST' }); });

  it('deployment embeddings: the deployment decides the model, whatever the body says', async () => {
    const res = await post(s, `/openai/deployments/my-embed/embeddings?${V}`, { input: 'x', model: 'text-embedding-ada-002' });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.model, 'text-embedding-3-large');
    assert.equal(body.data[0].embedding.length, 3072);
    // with no model in the body at all, as Azure allows
    const bare = await (await post(s, `/openai/deployments/my-embed/embeddings?${V}`, { input: ['a', 'b'] })).json();
    assert.equal(bare.data.length, 2);
  });

  it('a deployment named after a known model serves that model', async () => {
    const body = await (await post(s, `/openai/deployments/gpt-4o/chat/completions?${V}`, { ...CHAT, model: 'gpt-3.5-turbo' })).json();
    assert.equal(body.model, 'gpt-4o-2024-08-06'); // answers carry the dated snapshot
  });

  it('deployment chat: Azure content filter annotations, prompt and per choice', async () => {
    const res = await post(s, `/openai/deployments/my-chat/chat/completions?${V}`, { ...CHAT, model: 'gpt-35-turbo', n: 2 });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.model, 'gpt-4o-mini-2024-07-18');
    assert.equal(body.prompt_filter_results[0].prompt_index, 0);
    assert.deepEqual(body.prompt_filter_results[0].content_filter_results.jailbreak, { filtered: false, detected: false });
    assert.equal(body.choices.length, 2);
    for (const c of body.choices) assert.deepEqual(c.content_filter_results.hate, { filtered: false, severity: 'safe' });
  });

  it('deployment chat streamed: the prompt filter event first, then chunks with their filter results', async () => {
    const res = await post(s, `/openai/deployments/my-chat/chat/completions?${V}`, { ...CHAT, stream: true });
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const text = await res.text();
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const [first, role, ...rest] = sse(text);
    assert.deepEqual(first.choices, []);
    assert.equal(first.id, '');
    assert.ok(first.prompt_filter_results[0].content_filter_results);
    assert.deepEqual(role.choices[0].content_filter_results, {});
    assert.equal(role.model, 'gpt-4o-mini-2024-07-18');
    const content = rest.filter((c) => c.choices[0].delta.content);
    assert.ok(content.length > 3);
    for (const c of content) assert.equal(c.choices[0].content_filter_results.violence.filtered, false);
    assert.equal(rest.at(-1).choices[0].finish_reason, 'stop');
  });

  it('deployment responses, plain and streamed', async () => {
    const body = await (await post(s, `/openai/deployments/my-chat/responses?api-version=2025-03-01-preview`, { input: 'hi', model: 'x' })).json();
    assert.equal(body.object, 'response');
    assert.equal(body.model, 'gpt-4o-mini-2024-07-18'); // the dated snapshot, as chat names it
    const text = await (await post(s, `/openai/deployments/my-chat/responses?api-version=2025-03-01-preview`, { input: 'hi', stream: true })).text();
    assert.match(text, /event: response\.completed/);
  });

  it('v1 paths: the body\'s model names the deployment; api-version optional', async () => {
    for (const q of ['', '?api-version=v1', '?api-version=preview', `?${V}`]) {
      const res = await post(s, `/openai/v1/chat/completions${q}`, { ...CHAT, model: 'my-chat' });
      assert.equal(res.status, 200, q);
      assert.equal((await res.json()).model, 'gpt-4o-mini-2024-07-18');
    }
    const emb = await (await post(s, '/openai/v1/embeddings', { input: 'x', model: 'my-embed' })).json();
    assert.equal(emb.data[0].embedding.length, 3072);
    const resp = await (await post(s, '/openai/v1/responses', { input: 'x', model: 'gpt-4o' })).json();
    assert.equal(resp.model, 'gpt-4o-2024-08-06');
  });

  it('v1 models, list and one', async () => {
    const list = await (await fetch(`${s.url}/openai/v1/models`, { headers: KEY })).json();
    assert.ok(list.data.some((m) => m.id === 'gpt-4o-mini'));
    const one = await (await fetch(`${s.url}/openai/v1/models/gpt-4o`, { headers: KEY })).json();
    assert.equal(one.id, 'gpt-4o');
  });

  it('the bare /openai/... forms @ai-sdk/azure calls for a non-Azure host', async () => {
    assert.equal((await (await post(s, '/openai/embeddings', { input: 'x', model: 'my-embed' })).json()).model, 'text-embedding-3-large');
    assert.equal((await (await post(s, '/openai/chat/completions', { ...CHAT, model: 'my-chat' })).json()).model, 'gpt-4o-mini-2024-07-18');
    assert.equal((await (await post(s, '/openai/responses', { input: 'x', model: 'my-chat' })).json()).object, 'response');
    assert.ok((await (await fetch(`${s.url}/openai/models`, { headers: KEY })).json()).data.length > 3);
  });

  it('api-version: missing or unknown on a deployment path is Azure\'s 404', async () => {
    for (const q of ['', '?api-version=2099-01-01', '?api-version=v1', '?api-version=']) {
      const res = await post(s, `/openai/deployments/my-chat/chat/completions${q}`, CHAT);
      assert.equal(res.status, 404, q);
      assert.deepEqual(await res.json(), { error: { code: '404', message: 'Resource not found' } });
    }
    const res = await post(s, '/openai/v1/chat/completions?api-version=nope', { ...CHAT, model: 'my-chat' });
    assert.equal(res.status, 404);
  });

  it('an unknown deployment is DeploymentNotFound, on both path styles', async () => {
    for (const [path, body] of [[`/openai/deployments/nope/embeddings?${V}`, { input: 'x' }],
      ['/openai/v1/chat/completions', { ...CHAT, model: 'nope' }]]) {
      const res = await post(s, path, body);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { error: { code: 'DeploymentNotFound', message: NOT_DEPLOYED } });
    }
  });

  it('a chat deployment asked for embeddings is OperationNotSupported', async () => {
    const res = await post(s, `/openai/deployments/my-chat/embeddings?${V}`, { input: 'x' });
    assert.equal(res.status, 400);
    const { error } = await res.json();
    assert.equal(error.code, 'OperationNotSupported');
    assert.match(error.message, /^The embeddings operation does not work with the specified model, gpt-4o-mini\./);
  });

  it('a bad body keeps the model\'s own error, passed through as Azure does', async () => {
    const res = await post(s, `/openai/deployments/my-chat/chat/completions?${V}`, '{bad');
    assert.equal(res.status, 400);
    assert.match((await res.json()).error.message, /^We could not parse the JSON body/);
    const nomsg = await post(s, `/openai/deployments/my-chat/chat/completions?${V}`, {});
    assert.equal((await nomsg.json()).error.param, 'messages');
  });

  it('unknown paths and methods under /openai are Azure\'s 404', async () => {
    for (const [method, path] of [['GET', '/openai/deployments/my-chat/chat/completions'], ['POST', '/openai/nothing'], ['POST', '/openai/deployments/my-chat/images/generations']]) {
      const res = await fetch(`${s.url}${path}?${V}`, { method, headers: KEY });
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { error: { code: '404', message: 'Resource not found' } }, path);
    }
  });

  it('auth: api-key or Bearer; none is Azure\'s 401 on Azure paths, OpenAI\'s on /v1', async () => {
    const path = `/openai/deployments/my-chat/chat/completions?${V}`;
    assert.equal((await post(s, path, CHAT, { 'api-key': 'k' })).status, 200);
    assert.equal((await post(s, path, CHAT, { authorization: 'Bearer eyJ0eXAiOiJKV1Qi.e30.sig' })).status, 200);
    const none = await post(s, path, CHAT, {});
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), { error: { code: '401', message: DENIED } });
    const blank = await post(s, path, CHAT, { 'api-key': '  ' });
    assert.equal(blank.status, 401);
    const openai = await post(s, '/v1/chat/completions', { ...CHAT, model: 'gpt-4o-mini' }, { 'api-key': 'k' });
    assert.equal(openai.status, 401);
    assert.match((await openai.json()).error.message, /^You didn't provide an API key/);
  });

  it('Azure\'s headers; the client\'s request id echoed; no OpenAI ones', async () => {
    const res = await post(s, `/openai/deployments/my-chat/chat/completions?${V}`, CHAT, { ...KEY, 'x-ms-client-request-id': 'corr-42' });
    assert.match(res.headers.get('apim-request-id'), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(res.headers.get('apim-request-id').replaceAll('-', ''), res.headers.get('x-request-id').slice(4));
    assert.equal(res.headers.get('x-ms-client-request-id'), 'corr-42');
    assert.equal(res.headers.get('x-ms-region'), 'East US');
    assert.equal(res.headers.get('x-ms-deployment-name'), 'my-chat');
    assert.ok(res.headers.get('x-ratelimit-remaining-requests'));
    assert.equal(res.headers.get('openai-organization'), null);
    const v1 = await post(s, '/v1/chat/completions', { ...CHAT, model: 'gpt-4o-mini' }, { authorization: 'Bearer k' });
    assert.equal(v1.headers.get('apim-request-id'), null);
    assert.equal(v1.headers.get('openai-organization'), 'mockworks');
  });

  it('faults: a 429 rule on an Azure path answers in Azure\'s words with retry-after', async () => {
    const path = '/openai/deployments/my-chat/chat/completions';
    await (await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path, status: 429, times: 1 }) })).json();
    const res = await post(s, `${path}?${V}`, CHAT);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '1');
    const { error } = await res.json();
    assert.equal(error.code, '429');
    assert.equal(error.message, 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.');
    assert.equal((await post(s, `${path}?${V}`, CHAT)).status, 200);
  });

  it('faults: content_filter is a 400 with the innererror on a prompt, finish_reason content_filter on a stream', async () => {
    const path = '/openai/deployments/my-chat/chat/completions';
    await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path, kind: 'content_filter', after_chunks: 4 }) });
    const res = await post(s, `${path}?${V}`, CHAT);
    assert.equal(res.status, 400);
    const { error } = await res.json();
    assert.equal(error.code, 'content_filter');
    assert.equal(error.param, 'prompt');
    assert.equal(error.status, 400);
    assert.equal(error.innererror.code, 'ResponsibleAIPolicyViolation');
    assert.deepEqual(error.innererror.content_filter_result.violence, { filtered: true, severity: 'medium' });
    assert.match(error.message, /^The response was filtered due to the prompt triggering Azure OpenAI's content management policy\./);
    const text = await (await post(s, `${path}?${V}`, { ...CHAT, stream: true })).text();
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const events = sse(text);
    assert.equal(events.length, 5);
    const last = events.at(-1).choices[0];
    assert.equal(last.finish_reason, 'content_filter');
    assert.equal(last.content_filter_results.violence.filtered, true);
  });

  it('faults: stream_cut and status rules reach Azure paths; the journal and metrics record them', async () => {
    const path = '/openai/deployments/my-chat/chat/completions';
    // metrics are cumulative (a reset clears rules and the journal, not counters)
    const served503 = async () => Number((await (await fetch(`${s.url}/metrics`)).text())
      .match(/mock_requests_total\{route="\/openai\/deployments\/\{deployment\}\/chat\/completions",method="POST",status="503"\} (\d+)/)?.[1] ?? 0);
    const before = await served503();
    const rule = await (await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path, status: 503, times: 1 }) })).json();
    assert.equal((await post(s, `${path}?${V}`, CHAT)).status, 503);
    assert.equal((await post(s, `${path}?${V}`, CHAT)).status, 200);
    const { requests } = await (await fetch(`${s.url}/__control/requests?path=${path}`)).json();
    assert.deepEqual(requests.map((r) => [r.status, r.fault]), [[503, `rule ${rule.id}`], [200, null]]);
    assert.equal(await served503(), before + 1);
    await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path, kind: 'stream_cut', after_chunks: 2 }) });
    await assert.rejects(post(s, `${path}?${V}`, { ...CHAT, stream: true }).then((r) => r.text()));
  });
});

describe('Azure rate limits', () => {
  let s;
  before(async () => { s = await startServer('mock_openai', ['--rpm', '1', ...DEPLOYMENTS]); });
  after(() => s.stop());
  beforeEach(async () => { await fetch(`${s.url}/__control/reset`, { method: 'POST' }); });

  it('the limiter\'s 429 in Azure\'s words, with retry-after; buckets by the api-key', async () => {
    const path = `/openai/deployments/my-embed/embeddings?${V}`;
    assert.equal((await post(s, path, { input: 'x' }, { 'api-key': 'a' })).status, 200);
    const res = await post(s, path, { input: 'x' }, { 'api-key': 'a' });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    const { error } = await res.json();
    assert.equal(error.code, '429');
    assert.match(error.message, /^Requests to the Embeddings_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded call rate limit of your current OpenAI S0 pricing tier\. Please retry after \d+ seconds?\./);
    // the same key as a bearer token is the same bucket; another key has its own
    assert.equal((await post(s, path, { input: 'x' }, { authorization: 'Bearer a' })).status, 429);
    assert.equal((await post(s, path, { input: 'x' }, { 'api-key': 'b' })).status, 200);
    // OpenAI's paths read the bearer alone, for the bucket as for auth
    const v1 = { input: 'x', model: 'text-embedding-3-small' };
    assert.equal((await post(s, '/v1/embeddings', v1, { 'api-key': 'a', authorization: 'Bearer c' })).status, 200);
    const spent = await post(s, '/v1/embeddings', v1, { authorization: 'Bearer a' });
    assert.equal(spent.status, 429);
    assert.equal((await spent.json()).error.code, 'rate_limit_exceeded');
  });
});

test('--api-key: a wrong api-key or bearer token is one of Azure\'s 401s', async () => {
  const s = await startServer('mock_openai', ['--api-key', 'secret']);
  try {
    const path = `/openai/deployments/gpt-4o-mini/chat/completions?${V}`;
    assert.equal((await post(s, path, CHAT, { 'api-key': 'secret' })).status, 200);
    assert.equal((await post(s, path, CHAT, { authorization: 'Bearer secret' })).status, 200);
    const res = await post(s, path, CHAT, { 'api-key': 'wrong' });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: { code: '401', message: DENIED } });
    // a refused bearer token gets Entra ID's answer, in its own envelope
    const token = await post(s, path, CHAT, { authorization: 'Bearer wrong' });
    assert.equal(token.status, 401);
    assert.deepEqual(await token.json(), { statusCode: 401, message: 'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.' });
    // the api-key is what Azure checks when both are sent
    assert.equal((await post(s, path, CHAT, { 'api-key': 'wrong', authorization: 'Bearer secret' })).status, 401);
    assert.equal((await post(s, path, CHAT, { 'api-key': 'secret', authorization: 'Bearer wrong' })).status, 200);
  } finally {
    await s.stop();
  }
});

test('MOCK_AZURE_DEPLOYMENTS; a bad --azure-deployment stops start-up', async () => {
  const s = await startServer('mock_openai', [], { MOCK_AZURE_DEPLOYMENTS: 'a=gpt-4o,b=text-embedding-3-small' });
  try {
    assert.equal((await (await post(s, `/openai/deployments/a/chat/completions?${V}`, CHAT)).json()).model, 'gpt-4o-2024-08-06');
    assert.equal((await (await post(s, `/openai/deployments/b/embeddings?${V}`, { input: 'x' })).json()).model, 'text-embedding-3-small');
  } finally {
    await s.stop();
  }
  for (const bad of ['noequals', '=gpt-4o', 'x=no-such-model']) {
    const r = spawnSync(binaryPath('mock_openai'), ['--port', '0', '--azure-deployment', bad], { encoding: 'utf8', timeout: 5000 });
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /invalid Azure deployment/);
  }
});
