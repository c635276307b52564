// Agent loops on the Responses API, with the real clients unmodified but
// for the base URL: LangChain's createAgent with a Responses model
// (useResponsesApi, and the "openai:..." model string, which forces it),
// with a providerStrategy response format (text.format) and a toolStrategy
// one. Every loop ends in the number of model calls the tool policy gives.
// (On the Responses path @langchain/openai 1.5 drops toolStrategy's string
// tool_choice, langchainjs#11332: the policy's "auto" calls the extract tool
// after a tool result, as a model told to end with it does.)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createAgent, tool, providerStrategy, toolStrategy } from 'langchain';
import { ChatOpenAI } from '@langchain/openai';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';

describe('agent loops on /v1/responses end', () => {
  let s;
  let calls;
  before(async () => {
    s = await startServer('mock_openai');
    process.env.OPENAI_BASE_URL = `${s.url}/v1`;
    process.env.OPENAI_API_KEY = 'k';
  });
  after(() => s.stop());

  const weather = () => tool(async ({ city }) => { calls.push(city); return `It is 18C and sunny in ${city}`; }, {
    name: 'get_weather', description: 'Current weather for a city', schema: z.object({ city: z.string() }),
  });
  const modelCalls = async () => {
    const j = await (await fetch(`${s.url}/__control/requests?path=/v1/responses`)).json();
    await fetch(`${s.url}/__control/requests`, { method: 'DELETE' });
    return j.requests.length;
  };
  const chat = () => new ChatOpenAI({ model: MODEL, apiKey: 'k', maxRetries: 0, useResponsesApi: true, configuration: { baseURL: `${s.url}/v1` } });

  for (const [name, model] of [['useResponsesApi', () => chat()], ['"openai:gpt-4o-mini"', () => `openai:${MODEL}`]]) {
    it(`createAgent (${name}): the tool, then text quoting its result (2 model calls)`, async () => {
      calls = [];
      await modelCalls();
      const agent = createAgent({ model: model(), tools: [weather()] });
      const out = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
      assert.equal(calls.length, 1);
      assert.match(out.messages.at(-1).text, /18C and sunny/);
      assert.equal(await modelCalls(), 2);
    });
  }

  it('createAgent + toolStrategy: the tool, then the extract tool ends the loop (2 model calls)', async () => {
    calls = [];
    await modelCalls();
    const Report = z.object({ city: z.string(), summary: z.string() });
    const agent = createAgent({ model: chat(), tools: [weather()], responseFormat: toolStrategy(Report) });
    const out = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    assert.deepEqual(Report.parse(out.structuredResponse), out.structuredResponse);
    assert.equal(calls.length, 1);
    assert.equal(await modelCalls(), 2);
  });

  it('createAgent + providerStrategy: the tool, then JSON that fits the schema (text.format)', async () => {
    calls = [];
    await modelCalls();
    const Report = z.object({ city: z.string(), summary: z.string() });
    const agent = createAgent({ model: chat(), tools: [weather()], responseFormat: providerStrategy(Report) });
    const out = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    assert.deepEqual(Report.parse(out.structuredResponse), out.structuredResponse);
    assert.equal(calls.length, 1);
    assert.equal(await modelCalls(), 2);
  });
});
