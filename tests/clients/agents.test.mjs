// Agent loops over chat completions, with the real clients unmodified but
// for the base URL: LangChain's createAgent (tools, toolStrategy,
// providerStrategy), @langchain/openai bindTools with each tool_choice, and
// the AI SDK's generateText/streamText with tools over several steps. Every
// loop must end, in the number of steps the tool policy gives.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createAgent, tool, toolStrategy, providerStrategy } from 'langchain';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText, tool as aiTool, stepCountIs } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';

describe('agent loops end', () => {
  let s;
  let chat;
  let calls;
  let weather;
  let clock;
  before(async () => {
    s = await startServer('mock_openai');
    chat = new ChatOpenAI({ model: MODEL, apiKey: 'k', maxRetries: 0, configuration: { baseURL: `${s.url}/v1` } });
  });
  after(() => s.stop());

  const tools = () => {
    calls = [];
    weather = tool(async ({ city }) => { calls.push(['get_weather', city]); return `It is 18C and sunny in ${city}`; }, {
      name: 'get_weather',
      description: 'Current weather for a city',
      schema: z.object({ city: z.string() }),
    });
    clock = tool(async () => { calls.push(['get_local_time']); return '09:30'; }, {
      name: 'get_local_time',
      description: 'Local time somewhere',
      schema: z.object({ place: z.string() }),
    });
    return [weather, clock];
  };
  const aiTurns = (messages) => messages.filter((m) => m.getType?.() === 'ai' || m._getType?.() === 'ai');
  // Model calls as the server saw them (LangChain adds AI messages of its own).
  const modelCalls = async () => {
    const j = await (await fetch(`${s.url}/__control/requests?path=/v1/chat/completions`)).json();
    await fetch(`${s.url}/__control/requests`, { method: 'DELETE' });
    return j.requests.length;
  };

  it('createAgent: the tool the question names, then text quoting its result (2 model calls)', async () => {
    await modelCalls();
    const agent = createAgent({ model: chat, tools: tools() });
    const out = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    const ai = aiTurns(out.messages);
    assert.equal(ai.length, 2);
    assert.equal(await modelCalls(), 2);
    assert.equal(ai[0].tool_calls.length, 1);
    assert.equal(ai[0].tool_calls[0].name, 'get_weather');
    assert.deepEqual(calls.map((c) => c[0]), ['get_weather']);
    assert.match(ai[1].content, /18C and sunny/);
  });

  it('createAgent: two tools named, called in parallel, one answer (2 model calls)', async () => {
    const agent = createAgent({ model: chat, tools: tools() });
    const out = await agent.invoke({ messages: [{ role: 'user', content: 'Weather and local time in Oslo, please' }] });
    const ai = aiTurns(out.messages);
    assert.equal(ai.length, 2);
    assert.deepEqual(ai[0].tool_calls.map((c) => c.name), ['get_weather', 'get_local_time']);
    assert.equal(new Set(ai[0].tool_calls.map((c) => c.id)).size, 2);
    assert.equal(calls.length, 2);
    assert.match(ai[1].content, /18C and sunny.*09:30/);
  });

  it('createAgent: a question no tool is about is answered in text (1 model call)', async () => {
    const agent = createAgent({ model: chat, tools: tools() });
    const out = await agent.invoke({ messages: [{ role: 'user', content: 'Tell me a joke' }] });
    assert.equal(aiTurns(out.messages).length, 1);
    assert.equal(calls.length, 0);
  });

  const Report = z.object({ city: z.string(), summary: z.string(), celsius: z.number().int().min(-50).max(60) });

  it('createAgent + toolStrategy: the weather tool, then the extract tool ends the loop', async () => {
    await modelCalls();
    const agent = createAgent({ model: chat, tools: tools(), responseFormat: toolStrategy(Report) });
    const out = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    assert.deepEqual(calls.map((c) => c[0]), ['get_weather']);
    assert.equal(await modelCalls(), 2);
    const ai = aiTurns(out.messages); // the two calls, then LangChain's "Returning structured response"
    assert.equal(ai[1].tool_calls.length, 1);
    assert.match(ai[1].tool_calls[0].name, /^extract-/);
    Report.parse(out.structuredResponse);
  });

  it('createAgent + providerStrategy: the tool, then JSON that fits the schema', async () => {
    await modelCalls();
    const agent = createAgent({ model: chat, tools: tools(), responseFormat: providerStrategy(Report) });
    const out = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    assert.deepEqual(calls.map((c) => c[0]), ['get_weather']);
    assert.equal(await modelCalls(), 2);
    Report.parse(out.structuredResponse);
  });

  it('bindTools with each tool_choice', async () => {
    const [w, c] = tools();
    const ask = 'What is the weather in Rome?';
    const auto = await chat.bindTools([w, c]).invoke(ask);
    assert.deepEqual(auto.tool_calls.map((t) => t.name), ['get_weather']);
    const none = await chat.bindTools([w, c], { tool_choice: 'none' }).invoke(ask);
    assert.equal(none.tool_calls.length, 0);
    assert.ok(none.content.length > 0);
    const required = await chat.bindTools([w, c], { tool_choice: 'required' }).invoke('Hello there');
    assert.equal(required.tool_calls.length, 1);
    const any = await chat.bindTools([w, c], { tool_choice: 'any' }).invoke(ask);
    assert.deepEqual(any.tool_calls.map((t) => t.name), ['get_weather']);
    const named = await chat.bindTools([w, c], { tool_choice: 'get_local_time' }).invoke(ask);
    assert.deepEqual(named.tool_calls.map((t) => t.name), ['get_local_time']);
    assert.equal(typeof named.tool_calls[0].args.place, 'string');
    const serial = await chat.bindTools([w, c], { parallel_tool_calls: false }).invoke('Weather and local time in Oslo');
    assert.equal(serial.tool_calls.length, 1);
    const streamed = await chat.bindTools([w, c]).stream('Weather and local time in Oslo');
    let acc;
    for await (const chunk of streamed) acc = acc ? acc.concat(chunk) : chunk;
    assert.deepEqual(acc.tool_calls.map((t) => t.name), ['get_weather', 'get_local_time']);
    assert.equal(typeof acc.tool_calls[0].args.city, 'string'); // the argument pieces joined
  });
});

describe('AI SDK tool loops', () => {
  let s;
  let openai;
  before(async () => {
    s = await startServer('mock_openai');
    openai = createOpenAI({ apiKey: 'k', baseURL: `${s.url}/v1` });
  });
  after(() => s.stop());

  const aiTools = (seen) => ({
    get_weather: aiTool({
      description: 'Current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => { seen.push('get_weather'); return `18C and sunny in ${city}`; },
    }),
    get_local_time: aiTool({
      description: 'Local time somewhere',
      inputSchema: z.object({ place: z.string() }),
      execute: async () => { seen.push('get_local_time'); return '09:30'; },
    }),
  });

  it('generateText: a tool step, then the answer (2 steps, stopWhen not reached)', async () => {
    const seen = [];
    const r = await generateText({
      model: openai.chat(MODEL), tools: aiTools(seen), stopWhen: stepCountIs(5),
      prompt: 'What is the weather in Paris?',
    });
    assert.equal(r.steps.length, 2);
    assert.equal(r.steps[0].finishReason, 'tool-calls');
    assert.equal(r.finishReason, 'stop');
    assert.deepEqual(seen, ['get_weather']);
    assert.match(r.text, /18C and sunny in/);
  });

  it('generateText: toolChoice required walks the tools not yet called, then stops at stepCountIs(3)', async () => {
    const seen = [];
    const r = await generateText({
      model: openai.chat(MODEL), tools: aiTools(seen), toolChoice: 'required', stopWhen: stepCountIs(3),
      prompt: 'What is the weather in Paris?',
    });
    assert.equal(r.steps.length, 3);
    assert.deepEqual(seen, ['get_weather', 'get_local_time', 'get_weather']);
  });

  it('streamText: parallel calls in one step, then the answer', async () => {
    const seen = [];
    const r = streamText({
      model: openai.chat(MODEL), tools: aiTools(seen), stopWhen: stepCountIs(5),
      prompt: 'Weather and local time in Oslo',
    });
    let text = '';
    for await (const t of r.textStream) text += t;
    const steps = await r.steps;
    assert.equal(steps.length, 2);
    assert.equal(steps[0].toolCalls.length, 2);
    assert.equal(seen.length, 2);
    assert.match(text, /18C and sunny in .*09:30/);
  });
});
