// The official openai SDKs (6 and 7) on the Responses API, unmodified:
// create (plain, streamed with the SDK's stream helper), a tool loop over
// several turns (by previous_response_id, and by feeding the items back),
// responses.parse with zodTextFormat, retrieve, delete, inputItems.list
// (auto-paging), background create-poll-cancel.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI6 from 'openai6';
import OpenAI7 from 'openai7';
import { zodTextFormat as zodTextFormat6 } from 'openai6/helpers/zod';
import { zodTextFormat as zodTextFormat7 } from 'openai7/helpers/zod';
import { z } from 'zod';
import { startServer } from '../lib/server.mjs';

const MODEL = 'gpt-4o-mini';
const WEATHER = {
  type: 'function', name: 'get_weather', description: 'Current weather in a city', strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

for (const [name, OpenAI, zodTextFormat] of [['openai v6', OpenAI6, zodTextFormat6], ['openai v7', OpenAI7, zodTextFormat7]]) {
  describe(`${name} responses`, () => {
    let s;
    let client;
    before(async () => {
      s = await startServer('mock_openai', ['--background-ms', '400']);
      client = new OpenAI({ apiKey: 'k', baseURL: `${s.url}/v1`, maxRetries: 0 });
    });
    after(() => s.stop());

    it('create: output_text, and a stream whose final response matches', async () => {
      const r = await client.responses.create({ model: MODEL, input: 'What does the plan cover?', instructions: 'Be brief.' });
      assert.equal(r.status, 'completed');
      assert.match(r.output_text, /^Mock reply to: What does the plan cover\?/);
      const stream = client.responses.stream({ model: MODEL, input: 'What does the plan cover?', instructions: 'Be brief.' });
      let text = '';
      const seq = [];
      for await (const ev of stream) {
        seq.push(ev.sequence_number);
        if (ev.type === 'response.output_text.delta') text += ev.delta;
      }
      const final = await stream.finalResponse();
      assert.equal(text, r.output_text);
      assert.equal(final.output_text, r.output_text);
      assert.deepEqual(seq, seq.map((_, i) => i));
    });

    it('a tool loop over several turns with previous_response_id', async () => {
      let r = await client.responses.create({ model: MODEL, input: 'What is the weather in Paris?', tools: [WEATHER], tool_choice: 'required' });
      const calls = r.output.filter((o) => o.type === 'function_call');
      assert.equal(calls.length, 1);
      assert.equal(calls[0].name, 'get_weather');
      const args = JSON.parse(calls[0].arguments);
      r = await client.responses.create({
        model: MODEL, previous_response_id: r.id, tools: [WEATHER],
        input: [{ type: 'function_call_output', call_id: calls[0].call_id, output: JSON.stringify({ city: args.city, temp_c: 21 }) }],
      });
      assert.equal(r.output[0].type, 'message');
      assert.ok(r.output_text.length > 0);
      const followUp = await client.responses.create({ model: MODEL, previous_response_id: r.id, input: 'And in Rome?' });
      assert.match(followUp.output_text, /^Mock reply to: And in Rome\?/);
      assert.ok(followUp.usage.input_tokens > r.usage.input_tokens);
    });

    it('a tool loop feeding the output items back (store: false)', async () => {
      const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
      const first = await client.responses.create({ model: MODEL, input, tools: [WEATHER], tool_choice: 'required', store: false });
      input.push(...first.output);
      for (const call of first.output.filter((o) => o.type === 'function_call'))
        input.push({ type: 'function_call_output', call_id: call.call_id, output: '{"temp_c":21}' });
      const second = await client.responses.create({ model: MODEL, input, tools: [WEATHER], store: false });
      assert.equal(second.output[0].type, 'message');
      await assert.rejects(client.responses.retrieve(second.id), (e) => e.status === 404);
    });

    it('responses.parse with zodTextFormat gives output_parsed', async () => {
      const Recipe = z.object({ dish: z.string(), minutes: z.number().int(), vegetarian: z.boolean(), steps: z.array(z.string()) });
      const r = await client.responses.parse({ model: MODEL, input: 'A quick pasta recipe', text: { format: zodTextFormat(Recipe, 'recipe') } });
      assert.deepEqual(Recipe.parse(r.output_parsed), r.output_parsed);
    });

    it('retrieve, inputItems.list (paged), delete', async () => {
      const input = Array.from({ length: 7 }, (_, i) => ({ role: 'user', content: `note ${i}` }));
      const r = await client.responses.create({ model: MODEL, input });
      const got = await client.responses.retrieve(r.id);
      assert.equal(got.id, r.id);
      assert.equal(got.output_text, r.output_text);
      const texts = [];
      for await (const item of client.responses.inputItems.list(r.id, { limit: 3, order: 'asc' })) texts.push(item.content[0].text);
      assert.deepEqual(texts, input.map((m) => m.content));
      const page = await client.responses.inputItems.list(r.id, { limit: 3 });
      assert.equal(page.data.length, 3);
      assert.equal(page.hasNextPage(), true);
      await client.responses.delete(r.id);
      await assert.rejects(client.responses.retrieve(r.id), (e) => e.status === 404 && /not found/.test(e.message));
    });

    it('background: create, poll to completed; create and cancel', async () => {
      const r = await client.responses.create({ model: MODEL, input: 'Summarise the plan', background: true });
      assert.equal(r.status, 'queued');
      let polled = r;
      const t0 = Date.now();
      while (['queued', 'in_progress'].includes(polled.status) && Date.now() - t0 < 3000) {
        await new Promise((ok) => setTimeout(ok, 50));
        polled = await client.responses.retrieve(r.id);
      }
      assert.equal(polled.status, 'completed');
      assert.match(polled.output_text, /^Mock reply to: Summarise the plan/);
      const c = await client.responses.create({ model: MODEL, input: 'Summarise the plan', background: true });
      const cancelled = await client.responses.cancel(c.id);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal((await client.responses.retrieve(c.id)).status, 'cancelled');
    });

    it('streams: tool call arguments, a parsed text.format, a replay by retrieve with stream', async () => {
      const st = client.responses.stream({ model: MODEL, input: 'What is the weather in Paris?', tools: [WEATHER], tool_choice: 'required' });
      let args = '';
      for await (const ev of st) if (ev.type === 'response.function_call_arguments.delta') args += ev.delta;
      const final = await st.finalResponse();
      assert.equal(final.output[0].arguments, args);
      const Plan = z.object({ name: z.string(), copay: z.number() });
      const parsed = await client.responses.stream({ model: MODEL, input: 'Describe the plan', text: { format: zodTextFormat(Plan, 'plan') } }).finalResponse();
      assert.deepEqual(Plan.parse(parsed.output_parsed), parsed.output_parsed);
      const replay = await client.responses.retrieve(final.id, { stream: true, starting_after: 2 });
      const seq = [];
      for await (const ev of replay) seq.push(ev.sequence_number);
      assert.equal(seq[0], 3);
      assert.equal(seq.length, seq.at(-1) - 2);
    });

    it('a stream_error fault: the error event (v7 raises it, v6 yields it and the stream ends); a stream_cut raises', async () => {
      const seen = [];
      const run = async () => {
        const st = await client.responses.create({ model: MODEL, input: 'hi', stream: true }, { headers: { 'x-mock-fault': 'kind=stream_error;after_chunks=3' } });
        for await (const ev of st) seen.push(ev);
      };
      if (name === 'openai v7') {
        await assert.rejects(run, /server had an error/);
      } else {
        await run();
        assert.deepEqual(seen.map((e) => e.type), ['response.created', 'response.in_progress', 'response.output_item.added', 'error']);
        assert.match(seen.at(-1).message, /server had an error/);
      }
      await assert.rejects(async () => {
        const st = await client.responses.create({ model: MODEL, input: 'hi', stream: true }, { headers: { 'x-mock-fault': 'kind=stream_cut;after_chunks=3' } });
        for await (const ev of st) void ev;
      });
    });

    it('conversations: create, responses in it, items paged, add, retrieve, delete', async () => {
      const conv = await client.conversations.create({ metadata: { topic: 'plan' }, items: [{ type: 'message', role: 'developer', content: 'Be brief.' }] });
      const a = await client.responses.create({ model: MODEL, input: 'What does the plan cover?', conversation: conv.id });
      const b = await client.responses.create({ model: MODEL, input: 'And dental?', conversation: conv.id });
      assert.match(b.output_text, /^Mock reply to: And dental\?/);
      assert.equal(b.conversation.id, conv.id);
      assert.ok(b.usage.input_tokens > a.usage.input_tokens);
      const roles = [];
      for await (const item of client.conversations.items.list(conv.id, { limit: 2, order: 'asc' })) roles.push(item.role);
      assert.deepEqual(roles, ['developer', 'user', 'assistant', 'user', 'assistant']);
      const added = await client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: 'noted' }] });
      const got = await client.conversations.items.retrieve(added.data[0].id, { conversation_id: conv.id });
      assert.equal(got.content[0].text, 'noted');
      await client.conversations.items.delete(added.data[0].id, { conversation_id: conv.id });
      assert.equal((await client.conversations.update(conv.id, { metadata: { topic: 'dental' } })).metadata.topic, 'dental');
      assert.equal((await client.conversations.retrieve(conv.id)).metadata.topic, 'dental');
      const del = await client.conversations.delete(conv.id);
      assert.equal(del.deleted, true);
      await assert.rejects(client.conversations.retrieve(conv.id), (e) => e.status === 404);
    });

    it('errors: an unknown previous response, a bad item', async () => {
      await assert.rejects(client.responses.create({ model: MODEL, input: 'x', previous_response_id: 'resp_missing' }),
        (e) => e.status === 404 && e.param === 'previous_response_id' && e.message.includes("Previous response with id 'resp_missing' not found."));
      await assert.rejects(client.responses.create({ model: MODEL, input: [{ type: 'nonsense' }] }), (e) => e.status === 400 && e.param === 'input[0].type');
    });
  });
}
