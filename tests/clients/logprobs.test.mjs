// Chat logprobs through the real clients: the openai SDK (answer and
// stream) and LangChain's ChatOpenAI (response_metadata.logprobs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI6 from 'openai6';
import { ChatOpenAI } from '@langchain/openai';
import { getEncoding } from 'js-tiktoken';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';
const ASK = [{ role: 'user', content: 'What does the plan cover?' }];

describe('chat logprobs', () => {
  let s;
  let client;
  before(async () => {
    s = await startServer('mock_openai');
    client = new OpenAI6({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
  });
  after(() => s.stop());

  it('an entry for every token of the reply, top_logprobs holding the chosen token', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages: ASK, logprobs: true, top_logprobs: 4 });
    const text = r.choices[0].message.content;
    const entries = r.choices[0].logprobs.content;
    assert.equal(entries.length, getEncoding('o200k_base').encode(text).length);
    assert.equal(entries.map((e) => e.token).join(''), text);
    for (const e of entries) {
      assert.ok(e.logprob <= 0);
      assert.deepEqual(e.bytes, [...Buffer.from(e.token)]);
      assert.equal(e.top_logprobs.length, 4);
      assert.equal(e.top_logprobs[0].token, e.token);
    }
    let streamed = [];
    for await (const c of await client.chat.completions.create({ model: MODEL, messages: ASK, logprobs: true, top_logprobs: 4, stream: true })) {
      streamed = streamed.concat(c.choices[0]?.logprobs?.content ?? []);
    }
    assert.deepEqual(streamed, entries);
    await assert.rejects(client.chat.completions.create({ model: MODEL, messages: ASK, top_logprobs: 2 }),
      (e) => e.status === 400 && e.param === 'top_logprobs');
    await assert.rejects(client.chat.completions.create({ model: MODEL, messages: ASK, logprobs: true, top_logprobs: 21 }),
      (e) => e.status === 400 && e.code === 'integer_above_max_value');
  });

  it('LangChain ChatOpenAI with logprobs', async () => {
    const chat = new ChatOpenAI({ model: MODEL, apiKey: 'k', maxRetries: 0, logprobs: true, topLogprobs: 2, configuration: { baseURL: `${s.url}/v1` } });
    const m = await chat.invoke('What does the plan cover?');
    const lp = m.response_metadata.logprobs.content;
    assert.equal(lp.map((e) => e.token).join(''), m.content);
    assert.ok(lp.every((e) => e.top_logprobs.length === 2));
  });
});
