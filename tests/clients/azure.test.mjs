// The Azure clients, unmodified, against mock_openai: the openai SDK's
// AzureOpenAI (and OpenAI on the v1 GA base URL), LangChain's Azure classes
// and @ai-sdk/azure in both its URL styles.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { AzureOpenAI, OpenAI } from 'openai6';
import { AzureOpenAIEmbeddings, AzureChatOpenAI } from '@langchain/openai';
import { createAzure } from '@ai-sdk/azure';
import { embed, generateText } from 'ai';
import { startServer } from '../lib/server.mjs';

const API_VERSION = '2024-10-21';
// Deployment names unlike their models, as people name them; the clients
// send their own model names in bodies, and the deployment must win.
const ARGS = ['--azure-deployment', 'prod-chat=gpt-4o-mini', '--azure-deployment', 'prod-embed=text-embedding-3-large'];

describe('Azure clients', () => {
  let s;
  before(async () => { s = await startServer('mock_openai', ARGS); });
  after(() => s.stop());
  beforeEach(async () => { await fetch(`${s.url}/__control/reset`, { method: 'POST' }); });

  const journal = async (path) => (await (await fetch(`${s.url}/__control/requests?path=${path}`)).json()).requests;
  const azure = (deployment, opts = {}) =>
    new AzureOpenAI({ endpoint: s.url, apiKey: 'k', apiVersion: API_VERSION, deployment, ...opts });

  it('openai AzureOpenAI: embeddings through a deployment, api-key header', async () => {
    const res = await azure('prod-embed').embeddings.create({ model: 'text-embedding-ada-002', input: ['one', 'two'] });
    assert.equal(res.model, 'text-embedding-3-large');
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0].embedding.length, 3072);
    const [req] = await journal('/openai/deployments/prod-embed/embeddings');
    assert.equal(req.query, `api-version=${API_VERSION}`);
  });

  it('openai AzureOpenAI: chat, the deployment\'s model whatever the body names', async () => {
    const { data, response } = await azure('prod-chat').chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Summarise the plan' }] })
      .withResponse();
    assert.equal(data.model, 'gpt-4o-mini-2024-07-18'); // the deployment's model, as its dated snapshot;
    assert.match(data.choices[0].message.content, /^Mock reply to: Summarise the plan\./);
    assert.equal(data.choices[0].content_filter_results.hate.filtered, false);
    assert.equal(data.prompt_filter_results[0].prompt_index, 0);
    assert.ok(response.headers.get('apim-request-id'));
  });

  it('openai AzureOpenAI: chat streamed, the prompt filter event included', async () => {
    const stream = await azure('prod-chat').chat.completions.create({
      model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Summarise the plan' }],
    });
    let text = '';
    let finish = null;
    let promptFilter = false;
    for await (const chunk of stream) {
      promptFilter ||= Boolean(chunk.prompt_filter_results);
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(promptFilter);
    assert.match(text, /^Mock reply to: Summarise the plan\./);
    assert.equal(finish, 'stop');
  });

  // No key at all is a 401 here (no --allow-missing-key): the token was sent.
  it('openai AzureOpenAI: no deployment option, the model names it; an Entra ID token as Bearer', async () => {
    const client = new AzureOpenAI({ endpoint: s.url, apiVersion: API_VERSION, azureADTokenProvider: async () => 'eyJ0eXAi.e30.sig' });
    const res = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.model, 'gpt-4o-mini-2024-07-18');
    assert.equal((await journal('/openai/deployments/prod-chat/chat/completions')).length, 1);
  });

  it('openai AzureOpenAI: an unknown deployment is NotFoundError DeploymentNotFound', async () => {
    await assert.rejects(azure('missing').embeddings.create({ model: 'x', input: 'x' }), (e) => {
      assert.ok(e instanceof AzureOpenAI.NotFoundError, e.constructor.name);
      assert.equal(e.code, 'DeploymentNotFound');
      return true;
    });
  });

  it('openai AzureOpenAI: a wrong api-version is NotFoundError "Resource not found"', async () => {
    await assert.rejects(azure('prod-chat', { apiVersion: '2001-01-01' }).chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }] }), (e) => {
      assert.equal(e.status, 404);
      assert.equal(e.message, '404 Resource not found');
      return true;
    });
  });

  it('openai AzureOpenAI retries a 429 on an Azure path, then succeeds', async () => {
    const path = '/openai/deployments/prod-chat/chat/completions';
    const rule = await (await fetch(`${s.url}/__control/faults`, {
      method: 'POST', body: JSON.stringify({ path, status: 429, times: 2, headers: { 'retry-after-ms': '10' } }),
    })).json();
    const res = await azure('prod-chat').chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'retry me' }] });
    assert.equal(res.model, 'gpt-4o-mini-2024-07-18');
    const requests = await journal(path);
    assert.deepEqual(requests.map((r) => [r.headers['x-stainless-retry-count'], r.status, r.fault]),
      [['0', 429, `rule ${rule.id}`], ['1', 429, `rule ${rule.id}`], ['2', 200, null]]);
  });

  it('openai AzureOpenAI gives up after maxRetries with RateLimitError in Azure\'s words', async () => {
    const path = '/openai/deployments/prod-chat/chat/completions';
    await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path, status: 429, headers: { 'retry-after-ms': '5' } }) });
    await assert.rejects(azure('prod-chat', { maxRetries: 1 }).chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }] }), (e) => {
      assert.ok(e instanceof AzureOpenAI.RateLimitError, e.constructor.name);
      assert.equal(e.code, '429');
      assert.match(e.message, /^429 Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21/);
      return true;
    });
  });

  it('openai AzureOpenAI and a content_filter fault: BadRequestError on a prompt, finish_reason on a stream', async () => {
    const path = '/openai/deployments/prod-chat/chat/completions';
    await fetch(`${s.url}/__control/faults`, { method: 'POST', body: JSON.stringify({ path, kind: 'content_filter', after_chunks: 5 }) });
    const messages = [{ role: 'user', content: 'Summarise the plan' }];
    await assert.rejects(azure('prod-chat').chat.completions.create({ model: 'x', messages }), (e) => {
      assert.ok(e instanceof AzureOpenAI.BadRequestError, e.constructor.name);
      assert.equal(e.code, 'content_filter');
      assert.equal(e.param, 'prompt');
      assert.equal(e.error.innererror.code, 'ResponsibleAIPolicyViolation');
      return true;
    });
    let finish = null;
    let text = '';
    for await (const c of await azure('prod-chat').chat.completions.create({ model: 'x', messages, stream: true })) {
      text += c.choices[0]?.delta?.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'content_filter');
    assert.equal(text, 'Mock reply to:'); // 5 events: the prompt filter, the role, three words
  });

  it('openai OpenAI on the v1 GA base URL (/openai/v1/): embeddings, chat, models', async () => {
    const client = new OpenAI({ baseURL: `${s.url}/openai/v1/`, apiKey: 'k' });
    const emb = await client.embeddings.create({ model: 'prod-embed', input: 'x' });
    assert.equal(emb.data[0].embedding.length, 3072);
    const chat = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(chat.model, 'gpt-4o-mini-2024-07-18');
    const stream = await client.chat.completions.create({ model: 'prod-chat', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let n = 0;
    for await (const c of stream) n += c.choices[0]?.delta?.content ? 1 : 0;
    assert.ok(n > 3);
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    assert.ok(models.includes('gpt-4o-mini'));
  });

  // AzureOpenAIEmbeddings takes no endpoint, only an instance name (an
  // *.openai.azure.com host) or a base path, so the base path it is.
  it('LangChain AzureOpenAIEmbeddings: documents and a query', async () => {
    const emb = new AzureOpenAIEmbeddings({
      azureOpenAIApiKey: 'k', azureOpenAIBasePath: `${s.url}/openai/deployments`, azureOpenAIApiDeploymentName: 'prod-embed',
      azureOpenAIApiVersion: API_VERSION, maxRetries: 0,
    });
    const docs = await emb.embedDocuments(['first text', 'second text']);
    assert.equal(docs.length, 2);
    assert.equal(docs[0].length, 3072);
    assert.equal((await emb.embedQuery('a query')).length, 3072);
    // its default batchSize for Azure is 1: one request per document
    const requests = await journal('/openai/deployments/prod-embed/embeddings');
    assert.deepEqual(requests.map((q) => [q.status, q.query]), Array(3).fill([200, `api-version=${API_VERSION}`]));
  });

  it('LangChain AzureChatOpenAI: invoke and stream', async () => {
    const chat = new AzureChatOpenAI({
      azureOpenAIApiKey: 'k', azureOpenAIEndpoint: s.url, azureOpenAIApiDeploymentName: 'prod-chat',
      azureOpenAIApiVersion: API_VERSION, maxRetries: 0,
    });
    const msg = await chat.invoke('Summarise the plan');
    assert.match(msg.content, /^Mock reply to: Summarise the plan\./);
    let text = '';
    for await (const chunk of await chat.stream('Summarise the plan')) text += chunk.content;
    assert.equal(text, msg.content);
    const requests = await journal('/openai/deployments/prod-chat/chat/completions');
    assert.equal(requests.length, 2);
  });

  it('@ai-sdk/azure, default URLs (bare /openai/... for a non-Azure host): embed and generateText', async () => {
    const provider = createAzure({ baseURL: `${s.url}/openai`, apiKey: 'k' });
    const { embedding } = await embed({ model: provider.textEmbeddingModel('prod-embed'), value: 'x', maxRetries: 0 });
    assert.equal(embedding.length, 3072);
    const { text } = await generateText({ model: provider('prod-chat'), prompt: 'Summarise the plan', maxRetries: 0 });
    assert.match(text, /^Mock reply to: Summarise the plan\./);
    const chat = await generateText({ model: provider.chat('prod-chat'), prompt: 'Summarise the plan', maxRetries: 0 });
    assert.equal(chat.text, text);
    assert.equal((await journal('/openai/embeddings')).length, 1);
    assert.equal((await journal('/openai/responses')).length, 1);
    assert.equal((await journal('/openai/chat/completions')).length, 1);
  });

  it('@ai-sdk/azure with a baseURL ending in /openai/v1: the v1 GA paths', async () => {
    const provider = createAzure({ baseURL: `${s.url}/openai/v1`, apiKey: 'k' });
    const { embedding } = await embed({ model: provider.textEmbeddingModel('prod-embed'), value: 'x', maxRetries: 0 });
    assert.equal(embedding.length, 3072);
    const { text } = await generateText({ model: provider('prod-chat'), prompt: 'Summarise the plan', maxRetries: 0 });
    assert.match(text, /^Mock reply to: Summarise the plan\./);
    assert.equal((await journal('/openai/v1/embeddings')).length, 1);
    assert.equal((await journal('/openai/v1/responses')).length, 1);
  });

  it('@ai-sdk/azure, useDeploymentBasedUrls: embed and generateText', async () => {
    const provider = createAzure({ baseURL: `${s.url}/openai`, apiKey: 'k', useDeploymentBasedUrls: true, apiVersion: '2025-03-01-preview' });
    const { embedding } = await embed({ model: provider.textEmbeddingModel('prod-embed'), value: 'x', maxRetries: 0 });
    assert.equal(embedding.length, 3072);
    const { text } = await generateText({ model: provider.chat('prod-chat'), prompt: 'Summarise the plan', maxRetries: 0 });
    assert.match(text, /^Mock reply to: Summarise the plan\./);
    const r = await generateText({ model: provider('prod-chat'), prompt: 'Summarise the plan', maxRetries: 0 });
    assert.equal(r.text, text);
    assert.equal((await journal('/openai/deployments/prod-embed/embeddings')).length, 1);
    assert.equal((await journal('/openai/deployments/prod-chat/chat/completions')).length, 1);
    assert.equal((await journal('/openai/deployments/prod-chat/responses')).length, 1);
  });
});
