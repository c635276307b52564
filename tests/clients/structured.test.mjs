// Real clients' structured output against mock_openai, unmodified but for
// base URL and key: the Vercel AI SDK's generateObject (openai.chat) and
// LangChain's withStructuredOutput in its three methods. Each parses and
// checks the answer with the zod schema itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateObject, streamObject } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { StructuredOutputParser } from '@langchain/core/output_parsers';
import { z } from 'zod';
import OpenAI from 'openai6';
import { zodResponseFormat, zodTextFormat, zodFunction } from 'openai6/helpers/zod';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';

const Step = z.object({ title: z.string().min(3), minutes: z.number().int().min(1).max(90) });
const Recipe = z.object({
  name: z.string(),
  servings: z.number().int().min(1).max(12),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  steps: z.array(Step).min(2).max(6),
  vegetarian: z.boolean(),
  source: z.url().nullable(),
  course: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('main'), protein: z.string() }),
    z.object({ kind: z.literal('dessert'), sweetness: z.number().min(0).max(10) }),
  ]),
});
const PROMPT = 'Give me a recipe for a quick weeknight mushroom risotto.';

describe('structured output through real clients', () => {
  let s;
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('Vercel AI SDK generateObject with openai.chat and a zod schema', async () => {
    const openai = createOpenAI({ baseURL: `${s.url}/v1`, apiKey: 'k' });
    const { object, finishReason } = await generateObject({ model: openai.chat(MODEL), schema: Recipe, prompt: PROMPT, maxRetries: 0 });
    assert.equal(finishReason, 'stop');
    assert.deepEqual(Recipe.parse(object), object);
    assert.ok(object.steps.length >= 2);
  });

  it('Vercel AI SDK streamObject: partial objects, then the whole one', async () => {
    const openai = createOpenAI({ baseURL: `${s.url}/v1`, apiKey: 'k' });
    const result = streamObject({ model: openai.chat(MODEL), schema: Recipe, prompt: PROMPT, maxRetries: 0 });
    let partials = 0;
    for await (const partial of result.partialObjectStream) partials += partial ? 1 : 0;
    const object = await result.object;
    assert.ok(partials > 2, `${partials} partial objects`);
    assert.deepEqual(Recipe.parse(object), object);
    const again = await generateObject({ model: openai.chat(MODEL), schema: Recipe, prompt: PROMPT, maxRetries: 0 });
    assert.deepEqual(again.object, object); // streamed or not, the same request gets the same answer
  });

  it('an optional zod field under strict mode gets the real API\'s 400', async () => {
    // the AI SDK sends strict: true; .optional() leaves the key out of required
    const openai = createOpenAI({ baseURL: `${s.url}/v1`, apiKey: 'k' });
    const Loose = z.object({ a: z.string(), b: z.number().optional() });
    await assert.rejects(generateObject({ model: openai.chat(MODEL), schema: Loose, prompt: PROMPT, maxRetries: 0 }), (e) => {
      assert.equal(e.statusCode, 400);
      assert.equal(e.message, "Invalid schema for response_format 'response': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.");
      return true;
    });
  });

  for (const method of ['jsonSchema', 'functionCalling', 'jsonMode']) {
    it(`LangChain ChatOpenAI.withStructuredOutput, method ${method}`, async () => {
      const llm = new ChatOpenAI({ model: MODEL, apiKey: 'k', configuration: { baseURL: `${s.url}/v1` }, maxRetries: 0 });
      const structured = llm.withStructuredOutput(Recipe, { method, name: 'recipe' });
      // json_object mode sees the schema only in the prompt: LangChain's own format instructions, which
      // show an example schema inline first and the real one last, fenced (and say "JSON")
      const instructions = StructuredOutputParser.fromZodSchema(Recipe).getFormatInstructions();
      const messages = method === 'jsonMode' ? [['system', instructions], ['human', PROMPT]] : [['human', PROMPT]];
      const out = await structured.invoke(messages);
      assert.deepEqual(Recipe.parse(out), out);
      assert.ok(['easy', 'medium', 'hard'].includes(out.difficulty));
    });
  }

  it('openai chat.completions.parse with zodResponseFormat and a strict zodFunction tool', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
    const r = await client.chat.completions.parse({ model: MODEL, messages: [{ role: 'user', content: PROMPT }], response_format: zodResponseFormat(Recipe, 'recipe') });
    assert.deepEqual(Recipe.parse(r.choices[0].message.parsed), r.choices[0].message.parsed);
    const t = await client.chat.completions.parse({ model: MODEL, messages: [{ role: 'user', content: PROMPT }],
      tools: [zodFunction({ name: 'save_recipe', parameters: Recipe })], tool_choice: { type: 'function', function: { name: 'save_recipe' } } });
    const call = t.choices[0].message.tool_calls[0];
    assert.deepEqual(Recipe.parse(call.function.parsed_arguments), call.function.parsed_arguments);
  });

  it('openai responses.parse with zodTextFormat (text.format json_schema)', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
    const r = await client.responses.parse({ model: MODEL, input: PROMPT, text: { format: zodTextFormat(Recipe, 'recipe') } });
    assert.deepEqual(Recipe.parse(r.output_parsed), r.output_parsed);
    const bad = await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ model: MODEL, input: PROMPT, text: { format: { type: 'json_schema', name: 'loose', strict: true, schema: { type: 'object', properties: {} } } } }) });
    assert.equal(bad.status, 400);
    assert.deepEqual((await bad.json()).error, { message: "Invalid schema for response_format 'loose': In context=(), 'additionalProperties' is required to be supplied and to be false.", type: 'invalid_request_error', param: 'text.format.schema', code: 'invalid_json_schema' });
    const noJson = await fetch(`${s.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ model: MODEL, input: PROMPT, text: { format: { type: 'json_object' } } }) });
    assert.equal(noJson.status, 400);
    assert.deepEqual((await noJson.json()).error, { message: "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.", type: 'invalid_request_error', param: 'text.format', code: null });
    const obj = await client.responses.create({ model: MODEL, input: `${PROMPT} Reply in JSON like {"dish": "x", "minutes": 20}`, text: { format: { type: 'json_object' } } });
    assert.deepEqual(Object.keys(JSON.parse(obj.output_text)), ['dish', 'minutes']);
  });
});
