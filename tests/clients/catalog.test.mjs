// The official openai SDKs against the model catalogue: every ChatModel the
// SDK names is listed and retrievable, reasoning and dated models answer
// with their snapshot and usage details, refused parameters surface as the
// SDK's BadRequestError with the real param and code.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI6 from 'openai6';
import OpenAI7 from 'openai7';
import { startServer } from '../lib/server.mjs';

const ASK = [{ role: 'user', content: 'Which plan covers emergency care abroad?' }];

// The SDK's own ChatModel union, read from the installed type definitions.
function sdkChatModels(pkg) {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', pkg);
  const dts = fs.readFileSync(path.join(dir, 'resources', 'shared.d.ts'), 'utf8');
  const union = dts.match(/export type ChatModel =([^;]*);/)[1];
  return [...union.matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

for (const [name, OpenAI, pkg] of [['openai v6', OpenAI6, 'openai6'], ['openai v7', OpenAI7, 'openai7']]) {
  describe(`${name} and the model catalogue`, () => {
    let s;
    let client;
    before(async () => {
      s = await startServer('mock_openai');
      client = new OpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
    });
    after(() => s.stop());

    it('lists every ChatModel the SDK names, and retrieves each', async () => {
      const want = sdkChatModels(pkg);
      assert.ok(want.length > 60, `${want.length} models in the SDK`);
      const listed = new Set();
      for await (const m of client.models.list()) listed.add(m.id);
      for (const id of [...want, 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002', 'gpt-3.5-turbo-instruct', 'davinci-002', 'babbage-002']) {
        assert.ok(listed.has(id), `${id} is listed`);
      }
      for (const id of want) assert.equal((await client.models.retrieve(id)).id, id);
    });

    it('reasoning models: the snapshot, reasoning tokens growing with the effort', async () => {
      const low = await client.chat.completions.create({ model: 'gpt-5-mini', messages: ASK, reasoning_effort: 'low' });
      const high = await client.chat.completions.create({ model: 'gpt-5-mini', messages: ASK, reasoning_effort: 'high' });
      assert.equal(low.model, 'gpt-5-mini-2025-08-07');
      assert.match(low.system_fingerprint, /^fp_[0-9a-f]{10}$/);
      const r = (c) => c.usage.completion_tokens_details.reasoning_tokens;
      assert.ok(r(low) > 0 && r(low) < r(high), `${r(low)} < ${r(high)}`);
      assert.ok(high.usage.completion_tokens > r(high));
      assert.equal(low.choices[0].message.content, high.choices[0].message.content);
      for (const [model, snapshot, effort] of [['o3-mini', 'o3-mini-2025-01-31', 'medium'], ['o4-mini', 'o4-mini-2025-04-16', 'high'],
        ['o1', 'o1-2024-12-17', 'low'], ['gpt-5', 'gpt-5-2025-08-07', 'minimal'], ['gpt-5.1', 'gpt-5.1-2025-11-13', 'none']]) {
        const c = await client.chat.completions.create({ model, messages: ASK, reasoning_effort: effort, max_completion_tokens: 2000 });
        assert.equal(c.model, snapshot);
        assert.equal(c.choices[0].finish_reason, 'stop');
        assert.equal(r(c) === 0, effort === 'none', `${model} ${effort}: ${r(c)}`);
      }
      const verbose = await client.chat.completions.create({ model: 'gpt-5-nano', messages: ASK, verbosity: 'high' });
      assert.equal(verbose.model, 'gpt-5-nano-2025-08-07');
    });

    it('dated and aliased chat models; the usage details, streamed too', async () => {
      const a = await client.chat.completions.create({ model: 'gpt-4o', messages: ASK });
      const b = await client.chat.completions.create({ model: 'gpt-4o-2024-08-06', messages: ASK });
      assert.equal(a.model, 'gpt-4o-2024-08-06');
      assert.equal(b.model, 'gpt-4o-2024-08-06');
      assert.notEqual(a.id, b.id);
      assert.deepEqual(a.usage.prompt_tokens_details, { cached_tokens: 0, audio_tokens: 0 });
      assert.equal(a.usage.completion_tokens_details.reasoning_tokens, 0);
      assert.equal((await client.chat.completions.create({ model: 'chatgpt-4o-latest', messages: ASK })).model, 'chatgpt-4o-latest');
      assert.equal((await client.chat.completions.create({ model: 'gpt-4.1-nano', messages: ASK })).model, 'gpt-4.1-nano-2025-04-14');
      const stream = await client.chat.completions.create({ model: 'o3', messages: ASK, stream: true, stream_options: { include_usage: true } });
      let usage = null;
      let model = null;
      for await (const chunk of stream) {
        model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(model, 'o3-2025-04-16');
      assert.ok(usage.completion_tokens_details.reasoning_tokens > 0);
      assert.equal(usage.completion_tokens_details.accepted_prediction_tokens, 0);
    });

    it('what reasoning models refuse: the SDK sees the real 400s', async () => {
      const refused = async (body, param, code, message) => {
        await assert.rejects(client.chat.completions.create({ messages: ASK, ...body }), (err) => {
          assert.ok(err instanceof OpenAI.BadRequestError, String(err));
          assert.equal(err.status, 400);
          assert.equal(err.param, param);
          assert.equal(err.code, code);
          assert.match(err.message, message);
          return true;
        });
      };
      await refused({ model: 'o3', max_tokens: 50 }, 'max_tokens', 'unsupported_parameter', /Use 'max_completion_tokens' instead/);
      await refused({ model: 'gpt-5', temperature: 0.2 }, 'temperature', 'unsupported_value', /does not support 0\.2 with this model/);
      await refused({ model: 'o4-mini', reasoning_effort: 'minimal' }, 'reasoning_effort', 'unsupported_value', /Supported values are: 'low', 'medium', and 'high'/);
      await refused({ model: 'gpt-4o-mini', max_tokens: 100000 }, 'max_tokens', 'invalid_value', /at most 16384 completion tokens/);
      await refused({ model: 'gpt-4o-mini', temperature: 3 }, 'temperature', 'decimal_above_max_value', /Expected a value <= 2, but got 3 instead/);
    });
  });
}
