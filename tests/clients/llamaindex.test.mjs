// LlamaIndex.TS against mock_openai, unmodified but for the base URL: a
// VectorStoreIndex built with OpenAIEmbedding, queried with the OpenAI chat
// LLM; the query reaches both endpoints and answers from the documents.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Document, VectorStoreIndex, Settings } from 'llamaindex';
import { OpenAI, OpenAIEmbedding } from '@llamaindex/openai';
import { startServer } from '../lib/server.mjs';

describe('LlamaIndex VectorStoreIndex', () => {
  let s;
  before(async () => {
    s = await startServer('mock_openai');
    const baseURL = `${s.url}/v1`;
    Settings.llm = new OpenAI({ model: 'gpt-4o-mini', apiKey: 'k', baseURL, maxRetries: 0 });
    Settings.embedModel = new OpenAIEmbedding({ model: 'text-embedding-3-small', apiKey: 'k', baseURL, maxRetries: 0 });
  });
  after(() => s.stop());

  const seen = async (path) => {
    const j = await (await fetch(`${s.url}/__control/requests?path=${path}`)).json();
    return j.requests.length;
  };

  it('indexes documents and answers a query with the retrieved text', async () => {
    const docs = [
      new Document({ text: 'The refund policy: refunds take five business days after the return arrives.', id_: 'refunds' }),
      new Document({ text: 'Shipping: parcels leave the warehouse within two days by tracked post.', id_: 'shipping' }),
      new Document({ text: 'Warranty: every device is covered for two years against defects.', id_: 'warranty' }),
    ];
    const index = await VectorStoreIndex.fromDocuments(docs);
    assert.ok(await seen('/v1/embeddings') >= 1);
    const engine = index.asQueryEngine({ similarityTopK: 2 });
    const res = await engine.query({ query: 'How long do refunds take?' });
    assert.equal(res.sourceNodes.length, 2);
    assert.ok(res.sourceNodes.every((n) => typeof n.score === 'number'));
    assert.match(String(res.message.content), /^Mock reply to: /);
    assert.equal(await seen('/v1/chat/completions'), 1);
    const again = await engine.query({ query: 'How long do refunds take?' });
    assert.equal(String(again.message.content), String(res.message.content));
  });
});
