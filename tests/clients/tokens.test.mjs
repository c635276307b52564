// Every token count mock_openai reports or enforces equals js-tiktoken's:
// embeddings usage and limits (cl100k_base), chat usage in the model's own
// encoding (o200k_base for gpt-4o*, cl100k_base for gpt-3.5) with the
// per-message framing the real API counts, and max_tokens cuts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { startServer, repoRoot } from '../lib/server.mjs';

const DATA_DIR = path.join(repoRoot, 'tests', 'data');
const FILES = ['policy-basic.txt', 'small-10k.txt', 'benefits.md', 'claims.csv', 'summary.html', 'plan.json'];
const cl100k = getEncoding('cl100k_base');
const o200k = getEncoding('o200k_base');

const TEXTS = [
  'The quick brown fox jumps over the lazy dog.',
  'Please submit your claim within thirty days of the incident.',
  'function add(a, b) {\n  return a + b; // 2 + 2 = 4\n}\n',
  '1234567890 3.14159 1e-9 -42 0x1F',
  '    indented\t\ttabs\n\n\n   trailing   ',
  'emoji 😀🎉👩‍👩‍👧 and flags 🇫🇷',
  '日本語のテキストと中文文本',
  'مرحبا بالعالم، هذا نص عربي',
  'mixed: naïve café — Ελληνικά, русский, עברית',
  'a'.repeat(3000),
  "don't you'll we've THEY'RE",
];

describe('token counts equal tiktoken', () => {
  let server;
  before(async () => { server = await startServer('mock_openai'); });
  after(() => server.stop());

  const post = (route, body) => fetch(`${server.url}${route}`, { method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(body) });

  async function embedTokens(input) {
    const res = await post('/v1/embeddings', { model: 'text-embedding-3-small', input });
    const json = await res.json();
    assert.equal(res.status, 200, JSON.stringify(json).slice(0, 300));
    return json.usage.prompt_tokens;
  }

  it('embeddings usage: every text and sample document, exactly', async () => {
    const texts = [...TEXTS];
    for (const name of FILES) texts.push(await readFile(path.join(DATA_DIR, name), 'utf8'));
    for (const text of texts) assert.equal(await embedTokens(text), cl100k.encode(text).length, text.slice(0, 40));
    assert.equal(await embedTokens(TEXTS.slice(0, 4)), TEXTS.slice(0, 4).reduce((n, t) => n + cl100k.encode(t).length, 0));
  });

  it('the 8,192-token input limit, counted exactly: 8192 accepted, 8193 refused', async () => {
    const ids = cl100k.encode((await readFile(path.join(DATA_DIR, 'large-150k.txt'), 'utf8')));
    const exactly = (n) => {
      const text = cl100k.decode(ids.slice(0, n));
      assert.equal(cl100k.encode(text).length, n, 'the prefix re-encodes to the same count');
      return text;
    };
    assert.equal(await embedTokens(exactly(8192)), 8192);
    const res = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: exactly(8193) });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.message, "Invalid 'input': maximum context length is 8192 tokens.");
  });

  it('the 300,000-token request limit, counted exactly', async () => {
    const ids = cl100k.encode((await readFile(path.join(DATA_DIR, 'large-150k.txt'), 'utf8')));
    const piece = cl100k.decode(ids.slice(0, 7500));
    assert.equal(cl100k.encode(piece).length, 7500);
    const ok = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: Array(40).fill(piece) });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).usage.prompt_tokens, 300000);
    const over = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: [...Array(40).fill(piece), 'x'] });
    assert.equal(over.status, 400);
    assert.equal((await over.json()).error.message, 'Requested 300001 tokens, max 300000 tokens per request');
  });

  it('token-id inputs are decoded: the same vector as their text; ids outside the vocabulary refused', async () => {
    const vectors = async (input) => (await (await post('/v1/embeddings', { model: 'text-embedding-3-small', input }))
      .json()).data.map((d) => d.embedding);
    const text = 'Hello world, 日本語 😀';
    const [byText] = await vectors(text);
    const [byIds] = await vectors(cl100k.encode(text));
    const [, byIdsInBatch] = await vectors([[9906], cl100k.encode(text)]);
    assert.deepEqual(byIds, byText);
    assert.deepEqual(byIdsInBatch, byText);
    const usage = (await (await post('/v1/embeddings', { model: 'text-embedding-3-small', input: [9906, 1917] })).json()).usage;
    assert.equal(usage.prompt_tokens, 2);
    for (const bad of [[100300], [9906, 2 ** 31 - 1]]) {
      const res = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match((await res.json()).error.message, /'\$\.input' is invalid/);
    }
  });

  // tiktoken's cookbook: 3 per message, the role, the content (and name + 1),
  // then 3 for the reply's priming.
  const chatPrompt = (enc, messages) => 3 + messages.reduce((n, m) =>
    n + 3 + enc.encode(m.role).length + enc.encode(m.content).length + (m.name ? 1 + enc.encode(m.name).length : 0), 0);

  for (const [model, enc] of [['gpt-4o-mini', o200k], ['gpt-3.5-turbo', cl100k]]) {
    it(`chat usage for ${model} in its own encoding, and an exact max_tokens cut`, async () => {
      const messages = [{ role: 'system', content: 'You answer in English. 日本語も少し。' },
        { role: 'user', name: 'alice', content: 'What does the plan cover? 😀' }];
      const res = await post('/v1/chat/completions', { model, messages, max_tokens: 4 });
      const json = await res.json();
      assert.equal(res.status, 200, JSON.stringify(json));
      assert.equal(json.usage.prompt_tokens, chatPrompt(enc, messages));
      assert.equal(json.choices[0].finish_reason, 'length');
      assert.equal(enc.encode(json.choices[0].message.content).length, 4);
      assert.equal(json.usage.completion_tokens, 4);
    });
  }
});
