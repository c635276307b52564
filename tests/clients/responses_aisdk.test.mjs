// The Vercel AI SDK (ai 6 + @ai-sdk/openai 3) through openai(model), its
// Responses provider, unmodified: a multi-turn generateText feeding
// response.messages back (item references to stored items), generateObject,
// streamObject, streamText, and tools with toolChoice required over several
// steps ending where stopWhen says.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, generateObject, streamObject, streamText, tool, stepCountIs } from 'ai';
import { z } from 'zod';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';

describe('ai + @ai-sdk/openai, Responses provider', () => {
  let s;
  let openai;
  const bodies = [];
  before(async () => {
    s = await startServer('mock_openai');
    // record what the SDK sends, to check it really uses the Responses API
    const record = async (url, init) => {
      if (init?.body) bodies.push({ url: String(url), body: JSON.parse(init.body) });
      return fetch(url, init);
    };
    openai = createOpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, fetch: record });
  });
  after(() => s.stop());

  it('multi-turn generateText feeding response.messages back', async () => {
    const messages = [{ role: 'user', content: 'What does the plan cover?' }];
    const first = await generateText({ model: openai(MODEL), system: 'Be brief.', messages });
    assert.match(first.text, /^Mock reply to: What does the plan cover\?/);
    messages.push(...first.response.messages, { role: 'user', content: 'And for children?' });
    bodies.length = 0;
    const second = await generateText({ model: openai(MODEL), system: 'Be brief.', messages });
    assert.match(second.text, /^Mock reply to: And for children\?/);
    assert.match(bodies[0].url, /\/v1\/responses$/);
    assert.ok(bodies[0].body.input.some((i) => i.type === 'item_reference'), JSON.stringify(bodies[0].body.input));
    assert.ok(second.usage.inputTokens > first.usage.inputTokens);
  });

  it('a reasoning model over two turns: reasoning items referenced, the summary read', async () => {
    const opts = { openai: { reasoningEffort: 'low', reasoningSummary: 'auto' } };
    const messages = [{ role: 'user', content: 'Why is the sky blue?' }];
    const first = await generateText({ model: openai('o4-mini'), messages, providerOptions: opts });
    assert.ok(first.usage.outputTokenDetails?.reasoningTokens > 0 || first.usage.reasoningTokens > 0);
    assert.ok(first.reasoningText.length > 0);
    messages.push(...first.response.messages, { role: 'user', content: 'And at sunset?' });
    const second = await generateText({ model: openai('o4-mini'), messages, providerOptions: opts });
    assert.match(second.text, /^Mock reply to: And at sunset\?/);
    assert.ok(bodies.at(-1).body.input.some((i) => i.type === 'item_reference' && i.id.startsWith('rs_')));
  });

  it('providerOptions previousResponseId continues a stored response', async () => {
    const first = await generateText({ model: openai(MODEL), prompt: 'What does the plan cover?' });
    const second = await generateText({
      model: openai(MODEL), prompt: 'And for children?',
      providerOptions: { openai: { previousResponseId: first.providerMetadata.openai.responseId } },
    });
    assert.match(second.text, /^Mock reply to: And for children\?/);
    assert.equal(bodies.at(-1).body.previous_response_id, first.providerMetadata.openai.responseId);
    assert.ok(second.usage.inputTokens > first.usage.inputTokens);
  });

  it('generateObject and streamObject fit the schema', async () => {
    const Plan = z.object({ name: z.string(), copay: z.number(), covered: z.array(z.string()), dental: z.boolean() });
    const { object } = await generateObject({ model: openai(MODEL), schema: Plan, prompt: 'Describe the plan' });
    assert.deepEqual(Plan.parse(object), object);
    assert.equal(bodies.at(-1).body.text.format.type, 'json_schema');
    const streamed = streamObject({ model: openai(MODEL), schema: Plan, prompt: 'Describe the plan' });
    let partials = 0;
    for await (const p of streamed.partialObjectStream) partials += p ? 1 : 0;
    const final = await streamed.object;
    assert.deepEqual(Plan.parse(final), final);
    assert.deepEqual(final, object, 'the same request, the same object');
    assert.ok(partials > 1);
  });

  it('streamText gives the same text as generateText', async () => {
    const plain = await generateText({ model: openai(MODEL), prompt: 'Summarise the plan' });
    const st = streamText({ model: openai(MODEL), prompt: 'Summarise the plan' });
    let text = '';
    for await (const d of st.textStream) text += d;
    assert.equal(text, plain.text);
    assert.equal((await st.finishReason), 'stop');
  });

  it('tools with toolChoice required: a call at every step, until stopWhen', async () => {
    const seen = [];
    const r = await generateText({
      model: openai(MODEL),
      prompt: 'What is the weather in Paris?',
      tools: {
        weather: tool({
          description: 'Weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => { seen.push(city); return { city, temp_c: 21 }; },
        }),
      },
      toolChoice: 'required',
      stopWhen: stepCountIs(3),
    });
    assert.equal(r.steps.length, 3);
    assert.equal(seen.length, 3);
    assert.ok(r.steps.every((st) => st.finishReason === 'tool-calls' && st.toolCalls.length === 1 && st.toolCalls[0].toolName === 'weather'));
    // later steps send the earlier calls and their results back
    const last = bodies.at(-1).body;
    assert.equal(last.tool_choice, 'required');
    assert.ok(last.input.some((i) => i.type === 'function_call_output'));
  });

  it('store: false sends the items themselves, a tool loop streamed', async () => {
    const weather = tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, temp_c: 21 }) });
    const st = streamText({
      model: openai(MODEL), prompt: 'What is the weather in Paris?', tools: { weather }, toolChoice: 'required',
      stopWhen: stepCountIs(2), providerOptions: { openai: { store: false } },
    });
    for await (const part of st.fullStream) void part;
    const steps = await st.steps;
    assert.equal(steps.length, 2);
    assert.ok(steps.every((x) => x.toolCalls.length === 1 && x.toolResults.length === 1));
    const last = bodies.at(-1).body;
    assert.equal(last.store, false);
    assert.ok(last.input.some((i) => i.type === 'function_call'), 'the call itself, not a reference');
    assert.ok(!last.input.some((i) => i.type === 'item_reference'));
  });

  it('toolChoice auto: the tool, then the answer in text; the loop ends in 2 steps', async () => {
    const r = await generateText({
      model: openai(MODEL),
      prompt: 'What is the weather in Paris?',
      tools: { weather: tool({ description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, temp_c: 21 }) }) },
      stopWhen: stepCountIs(5),
    });
    assert.equal(r.steps.length, 2);
    assert.equal(r.steps[0].finishReason, 'tool-calls');
    assert.equal(r.steps[1].finishReason, 'stop');
    assert.ok(r.text.length > 0);
  });

  it('toolChoice naming a tool calls that one', async () => {
    const r = await generateText({
      model: openai(MODEL),
      prompt: 'Plan the trip',
      tools: {
        weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async () => 'sunny' }),
        hotels: tool({ inputSchema: z.object({ city: z.string(), nights: z.number() }), execute: async () => ['Hotel A'] }),
      },
      toolChoice: { type: 'tool', toolName: 'hotels' },
    });
    assert.equal(r.steps.length, 1);
    assert.equal(r.toolCalls[0].toolName, 'hotels');
    assert.equal(typeof r.toolCalls[0].input.nights, 'number');
  });
});
