// Conformance of mock_openai with the official `openai` npm SDK, v6 and v7.
// Run: cd tests/clients && node --test
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI6 from 'openai6';
import OpenAI7 from 'openai7';
import { startServer } from '../lib/server.mjs';

const API_KEY = 'mock_key_local_development';
const MODEL = 'text-embedding-3-small';

const SDKS = [
  ['openai v6', OpenAI6],
  ['openai v7', OpenAI7],
];

function norm(v) {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function cosine(a, b) {
  assert.equal(a.length, b.length);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot / (norm(a) * norm(b));
}

function assertUnitVector(v, dims, label = 'vector') {
  assert.ok(Array.isArray(v) || ArrayBuffer.isView(v), `${label} should be an array, got ${typeof v}`);
  assert.equal(v.length, dims, `${label} length`);
  for (let i = 0; i < v.length; i++) {
    assert.equal(typeof v[i], 'number', `${label}[${i}] should be a number`);
    assert.ok(Number.isFinite(v[i]), `${label}[${i}] = ${v[i]} is not finite`);
  }
  const n = norm(v);
  assert.ok(Math.abs(n - 1) <= 1e-3, `${label} L2 norm ${n} should be 1 ± 1e-3`);
  // A constant or all-zero vector would also be a bug in a mock embedding.
  assert.ok(new Set(Array.from(v)).size > dims / 2, `${label} has too few distinct values`);
}

function assertClose(a, b, tol, label = 'vectors') {
  assert.equal(a.length, b.length, `${label}: lengths differ`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) { worst = d; worstAt = i; }
  }
  assert.ok(worst <= tol,
    `${label}: max |diff| ${worst} at [${worstAt}] (${a[worstAt]} vs ${b[worstAt]}) exceeds ${tol}`);
}

// Awaits `promise`, asserts it rejects with an instance of `ErrorClass`,
// and returns the error for further checks.
async function expectError(promise, ErrorClass) {
  let err;
  await assert.rejects(promise, (e) => {
    err = e;
    return true;
  });
  assert.ok(err instanceof ErrorClass,
    `expected ${ErrorClass.name}, got ${err?.constructor?.name}: ${err?.message}`);
  return err;
}

for (const [label, OpenAI] of SDKS) {
  describe(`${label}: embeddings and models against mock_openai`, () => {
    let server;
    let client;

    before(async () => {
      server = await startServer('mock_openai');
      client = new OpenAI({ apiKey: API_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
    });

    after(async () => {
      if (server) await server.stop();
    });

    const embed = async (input, extra = {}) => client.embeddings.create({ model: MODEL, input, ...extra });

    it('default (base64) request returns a 1536-d unit vector and usage', async () => {
      const res = await embed('hello world');
      assert.equal(res.object, 'list');
      assert.equal(res.model, MODEL);
      assert.equal(res.data.length, 1);
      assert.equal(res.data[0].object, 'embedding');
      assert.equal(res.data[0].index, 0);
      assertUnitVector(res.data[0].embedding, 1536);
      assert.ok(Number.isInteger(res.usage.prompt_tokens) && res.usage.prompt_tokens > 0,
        `usage.prompt_tokens = ${res.usage.prompt_tokens}`);
      assert.equal(res.usage.total_tokens, res.usage.prompt_tokens);
    });

    it('the SDK default really goes over the wire as base64', async () => {
      // Guards the float-vs-base64 comparison below: if the SDK stopped
      // asking for base64, that test would compare float with float.
      const seen = [];
      const spy = new OpenAI({
        apiKey: API_KEY, baseURL: `${server.url}/v1`, maxRetries: 0,
        fetch: async (url, init) => {
          const res = await fetch(url, init);
          seen.push({ req: JSON.parse(init.body), res: await res.clone().json() });
          return res;
        },
      });
      const res = await spy.embeddings.create({ model: MODEL, input: 'hello world' });
      assert.equal(seen.length, 1);
      assert.equal(seen[0].req.encoding_format, 'base64');
      const wire = seen[0].res.data[0].embedding;
      assert.equal(typeof wire, 'string', 'server must answer base64 with a string');
      const bytes = Buffer.from(wire, 'base64');
      assert.equal(bytes.length, 1536 * 4, 'base64 payload = 1536 little-endian float32');
      const decoded = Array.from({ length: 1536 }, (_, i) => bytes.readFloatLE(i * 4));
      assertClose(res.data[0].embedding, decoded, 0, 'SDK-decoded vs own decode');
    });

    it("encoding_format 'float' equals the base64 default element-wise", async () => {
      const b64 = await embed('hello world');
      const flt = await embed('hello world', { encoding_format: 'float' });
      assertUnitVector(flt.data[0].embedding, 1536, 'float vector');
      assertClose(flt.data[0].embedding, b64.data[0].embedding, 1e-6, 'float vs base64');
      assert.equal(flt.usage.prompt_tokens, b64.usage.prompt_tokens);
    });

    it('batch: input order, batch-position independence, and semantic similarity', async () => {
      const texts = [
        'The cat sat on the mat',
        'Quarterly revenue grew by five percent',
        'A cat sat on a mat',
        'hello world',
      ];
      const batch = await embed(texts);
      assert.equal(batch.data.length, texts.length);
      batch.data.forEach((d, i) => {
        assert.equal(d.index, i, `data[${i}].index`);
        assertUnitVector(d.embedding, 1536, `data[${i}]`);
      });

      const singles = await Promise.all(texts.map((t) => embed(t)));
      let singleTokens = 0;
      texts.forEach((t, i) => {
        assertClose(batch.data[i].embedding, singles[i].data[0].embedding, 1e-6, `batch[${i}] vs single "${t}"`);
        singleTokens += singles[i].usage.prompt_tokens;
      });
      assert.equal(batch.usage.prompt_tokens, singleTokens, 'batch usage = sum of single usages');

      // Same batch reversed: same vectors, just re-indexed.
      const reversed = await embed([...texts].reverse());
      reversed.data.forEach((d, i) => {
        assert.equal(d.index, i);
        assertClose(d.embedding, batch.data[texts.length - 1 - i].embedding, 1e-6, `reversed[${i}]`);
      });

      // Distinct texts give distinct vectors.
      assert.ok(cosine(batch.data[0].embedding, batch.data[3].embedding) < 0.99);

      const simSimilar = cosine(batch.data[0].embedding, batch.data[2].embedding);
      const simUnrelated = cosine(batch.data[0].embedding, batch.data[1].embedding);
      assert.ok(simSimilar > simUnrelated + 0.3,
        `cos(similar) = ${simSimilar.toFixed(4)} should exceed cos(unrelated) = ${simUnrelated.toFixed(4)} by > 0.3`);
    });

    it('dimensions: 256 is the truncated and re-normalised 1536-d vector', async () => {
      const full = (await embed('hello world', { encoding_format: 'float' })).data[0].embedding;
      for (const extra of [{ dimensions: 256 }, { dimensions: 256, encoding_format: 'float' }]) {
        const res = await embed('hello world', extra);
        const short = res.data[0].embedding;
        assertUnitVector(short, 256, `dimensions=256 (${extra.encoding_format ?? 'base64'})`);
        const head = full.slice(0, 256);
        const n = norm(head);
        assertClose(short, head.map((x) => x / n), 1e-5, `dimensions=256 (${extra.encoding_format ?? 'base64'}) vs truncated full`);
      }
    });

    it('token-id input [[9906, 1917]] is accepted', async () => {
      const res = await embed([[9906, 1917]]);
      assert.equal(res.data.length, 1);
      assert.equal(res.data[0].index, 0);
      assertUnitVector(res.data[0].embedding, 1536, 'token-id vector');
      assert.equal(res.usage.prompt_tokens, 2);

      const flat = await embed([9906, 1917]);
      assert.equal(flat.data.length, 1, 'a flat int array is ONE token-id input');
      assertClose(flat.data[0].embedding, res.data[0].embedding, 1e-6, 'flat vs nested token ids');
    });

    it('models.list() includes text-embedding-3-small', async () => {
      const ids = [];
      for await (const m of client.models.list()) {
        assert.equal(m.object, 'model');
        assert.equal(typeof m.created, 'number');
        assert.equal(typeof m.owned_by, 'string');
        ids.push(m.id);
      }
      assert.ok(ids.includes(MODEL), `models: ${ids.join(', ')}`);
    });

    it('models.retrieve() finds a known model and 404s an unknown one', async () => {
      const m = await client.models.retrieve(MODEL);
      assert.equal(m.id, MODEL);
      assert.equal(m.object, 'model');

      const err = await expectError(client.models.retrieve('nope'), OpenAI.NotFoundError);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'model_not_found');
      assert.equal(err.type, 'invalid_request_error');
      assert.match(err.message, /nope/);
    });

    it('unknown embedding model → NotFoundError 404', async () => {
      const err = await expectError(
        client.embeddings.create({ model: 'no-such-model', input: 'hi' }), OpenAI.NotFoundError);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'model_not_found');
    });

    it("input '' → BadRequestError 400", async () => {
      const err = await expectError(embed(''), OpenAI.BadRequestError);
      assert.equal(err.status, 400);
      assert.equal(err.error?.message, 'input cannot be an empty string');
      assert.match(err.message, /input cannot be an empty string/);
    });

    it('text-embedding-ada-002 with dimensions → BadRequestError 400', async () => {
      const err = await expectError(
        client.embeddings.create({ model: 'text-embedding-ada-002', input: 'hi', dimensions: 256 }),
        OpenAI.BadRequestError);
      assert.equal(err.status, 400);
      // Without dimensions, ada-002 works and is 1536-d.
      const ok = await client.embeddings.create({ model: 'text-embedding-ada-002', input: 'hi' });
      assertUnitVector(ok.data[0].embedding, 1536, 'ada-002');
    });

    it('errors carry a request id', async () => {
      const err = await expectError(embed(''), OpenAI.BadRequestError);
      assert.match(String(err.requestID ?? err.request_id ?? ''), /\S/, 'request id from x-request-id');
    });
  });

  describe(`${label}: API key enforcement`, () => {
    let server;
    before(async () => {
      server = await startServer('mock_openai', ['--api-key', 'good']);
    });
    after(async () => {
      if (server) await server.stop();
    });

    it('wrong key → AuthenticationError 401 invalid_api_key', async () => {
      const bad = new OpenAI({ apiKey: 'bad', baseURL: `${server.url}/v1`, maxRetries: 0 });
      const err = await expectError(bad.embeddings.create({ model: MODEL, input: 'hi' }), OpenAI.AuthenticationError);
      assert.equal(err.status, 401);
      assert.equal(err.code, 'invalid_api_key');

      const err2 = await expectError(bad.models.list(), OpenAI.AuthenticationError);
      assert.equal(err2.status, 401);
    });

    it('right key is accepted', async () => {
      const good = new OpenAI({ apiKey: 'good', baseURL: `${server.url}/v1`, maxRetries: 0 });
      const res = await good.embeddings.create({ model: MODEL, input: 'hi' });
      assertUnitVector(res.data[0].embedding, 1536);
    });
  });
}
