// The legacy completions endpoint through the real clients: LangChain's
// OpenAI LLM class (invoke, batch, stream) and the openai SDK.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAI as LangChainOpenAI } from '@langchain/openai';
import OpenAI6 from 'openai6';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-3.5-turbo-instruct';

describe('legacy completions', () => {
  let s;
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('LangChain OpenAI: invoke, batch and stream', async () => {
    const llm = new LangChainOpenAI({ model: MODEL, apiKey: 'k', maxRetries: 0, maxTokens: 12, configuration: { baseURL: `${s.url}/v1` } });
    const a = await llm.invoke('Write a tagline for an ice cream shop');
    const b = await llm.invoke('Write a tagline for an ice cream shop');
    assert.equal(typeof a, 'string');
    assert.ok(a.trim().length > 0);
    assert.equal(a, b);
    const many = await llm.batch(['First prompt', 'Second prompt']);
    assert.equal(many.length, 2);
    assert.notEqual(many[0], many[1]);
    let streamed = '';
    let chunks = 0;
    for await (const t of await llm.stream('Write a tagline for an ice cream shop')) { streamed += t; chunks++; }
    assert.equal(streamed, a);
    assert.ok(chunks >= 5);
  });

  it('a chat model on completions, and a completion model on chat, get the real 404s', async () => {
    const client = new OpenAI6({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
    await assert.rejects(client.completions.create({ model: 'gpt-4o-mini', prompt: 'hi' }),
      (e) => e.status === 404 && /This is a chat model and not supported in the v1\/completions endpoint/.test(e.message));
    await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      (e) => e.status === 404 && /This is not a chat model and thus not supported/.test(e.message));
  });

  it('openai SDK: completions.create, with logprobs and streamed', async () => {
    const client = new OpenAI6({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
    const r = await client.completions.create({ model: MODEL, prompt: 'Say this is a test', max_tokens: 7, logprobs: 2 });
    assert.equal(r.object, 'text_completion');
    assert.equal(r.choices[0].finish_reason, 'length');
    assert.equal(r.choices[0].logprobs.tokens.join(''), r.choices[0].text);
    let text = '';
    for await (const c of await client.completions.create({ model: MODEL, prompt: 'Say this is a test', max_tokens: 7, stream: true })) {
      text += c.choices[0]?.text ?? '';
    }
    assert.equal(text, r.choices[0].text);
  });
});
