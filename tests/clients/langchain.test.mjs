// LangChain's plain OpenAI classes against mock_openai, unmodified but for the
// base URL and key: OpenAIEmbeddings (documents and a query, as a vector store
// calls them) and ChatOpenAI invoke and stream (the stream's chunks add up to
// the invoked answer, usage included).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAIEmbeddings, ChatOpenAI } from '@langchain/openai';
import { startServer } from '../lib/server.mjs';

const cosine = (a, b) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return dot / Math.sqrt(na * nb);
};

describe('LangChain @langchain/openai', () => {
  let s;
  const configuration = () => ({ baseURL: `${s.url}/v1` });
  before(async () => { s = await startServer('mock_openai'); });
  after(() => s.stop());

  it('OpenAIEmbeddings: documents and a query, deterministic and meaningfully similar', async () => {
    const emb = new OpenAIEmbeddings({ model: 'text-embedding-3-small', apiKey: 'k', maxRetries: 0, configuration: configuration() });
    const docs = ['The deductible for emergency care is 250 dollars.', 'Our office plants need water twice a week.',
      'Emergency care has a 250 dollar deductible.'];
    const vecs = await emb.embedDocuments(docs);
    assert.equal(vecs.length, 3);
    for (const v of vecs) assert.equal(v.length, 1536);
    const q = await emb.embedQuery('What is the deductible for emergency care?');
    assert.ok(cosine(q, vecs[0]) > cosine(q, vecs[1]), 'the related document is closer than the unrelated one');
    assert.ok(cosine(vecs[0], vecs[2]) > cosine(vecs[0], vecs[1]));
    assert.deepEqual(await emb.embedDocuments(docs.slice(0, 1)), vecs.slice(0, 1));
  });

  it('ChatOpenAI: invoke names the snapshot and counts usage; stream adds up to the same answer', async () => {
    const chat = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'k', maxRetries: 0, configuration: configuration() });
    const ask = [['system', 'Be brief.'], ['human', 'What does the plan cover for emergency care?']];
    const msg = await chat.invoke(ask);
    assert.match(msg.content, /emergency care/);
    assert.equal(msg.response_metadata.model_name, 'gpt-4o-mini-2024-07-18');
    assert.equal(msg.usage_metadata.total_tokens, msg.usage_metadata.input_tokens + msg.usage_metadata.output_tokens);
    let text = '', chunks = 0, usage;
    for await (const c of await chat.stream(ask)) {
      text += c.content;
      chunks++;
      usage = c.usage_metadata ?? usage;
    }
    assert.ok(chunks > 2);
    assert.equal(text, msg.content);
    assert.equal(usage.output_tokens, msg.usage_metadata.output_tokens);
  });
});
