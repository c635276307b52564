// LangChain's ChatOpenAI on the Responses API (useResponsesApi: true),
// unmodified: invoke and stream, withStructuredOutput (its json_schema and
// function-calling methods), bindTools with a forced tool and a tool loop
// feeding a ToolMessage back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';

describe('LangChain ChatOpenAI, useResponsesApi', () => {
  let s;
  let paths;
  const chat = (extra = {}) => new ChatOpenAI({
    model: MODEL, apiKey: 'k', useResponsesApi: true, maxRetries: 0,
    configuration: { baseURL: `${s.url}/v1`, fetch: async (url, init) => { paths.push(new URL(url).pathname); return fetch(url, init); } },
    ...extra,
  });
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('invoke and stream', async () => {
    paths = [];
    const m = await chat().invoke('What does the plan cover?');
    assert.match(m.content.map ? m.content.map((c) => c.text ?? '').join('') : m.content, /^Mock reply to: What does the plan cover\?/);
    let text = '';
    for await (const c of await chat().stream('What does the plan cover?')) text += typeof c.content === 'string' ? c.content : c.content.map((p) => p.text ?? '').join('');
    assert.match(text, /^Mock reply to: What does the plan cover\?/);
    assert.ok(paths.every((p) => p === '/v1/responses'), paths.join());
  });

  for (const method of ['jsonSchema', 'functionCalling']) {
    it(`withStructuredOutput, method ${method}`, async () => {
      const Plan = z.object({ name: z.string(), copay: z.number(), dental: z.boolean() });
      const out = await chat().withStructuredOutput(Plan, { method, name: 'plan' }).invoke('Describe the plan');
      assert.deepEqual(Plan.parse(out), out);
    });
  }

  it('bindTools: a forced call, then the tool result answered in text', async () => {
    const weather = tool(async ({ city }) => JSON.stringify({ city, temp_c: 21 }), {
      name: 'get_weather', description: 'Weather in a city', schema: z.object({ city: z.string() }),
    });
    const forced = chat().bindTools([weather], { tool_choice: 'get_weather' });
    const q = new HumanMessage('What is the weather in Paris?');
    const ai = await forced.invoke([q]);
    assert.equal(ai.tool_calls.length, 1);
    assert.equal(ai.tool_calls[0].name, 'get_weather');
    assert.equal(typeof ai.tool_calls[0].args.city, 'string');
    const result = await weather.invoke(ai.tool_calls[0]);
    assert.ok(result instanceof ToolMessage);
    const answer = await chat().bindTools([weather]).invoke([q, ai, result]);
    assert.equal(answer.tool_calls.length, 0);
    assert.ok(answer.text.length > 0);
  });
});
