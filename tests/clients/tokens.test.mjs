// The server's token estimate (usage.prompt_tokens) against the real
// tokenizer: js-tiktoken's cl100k_base (used by text-embedding-3-*).
// Run: cd tests/clients && node --test
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { startServer, repoRoot } from '../lib/server.mjs';

const MODEL = 'text-embedding-3-small';
const DATA_DIR = path.join(repoRoot, 'tests', 'data');
const FILES = ['policy-basic.txt', 'small-10k.txt', 'benefits.md', 'claims.csv', 'summary.html'];
const MAX_INPUT_TOKENS = 8192;

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Please submit your claim within thirty days of the incident.',
  'Our office is closed on public holidays.',
  'The policyholder must notify the insurer of any change in address.',
  'It rained all afternoon, so the match was postponed.',
  'Can you send me the invoice by Friday?',
  'Coverage begins on the first day of the month after enrollment.',
  'She bought three apples, two pears and a loaf of bread.',
  'The meeting has been moved to next Tuesday at 10 am.',
  'Deductibles apply to each covered person separately.',
  'Thank you for your patience while we review your request.',
];

const enc = getEncoding('cl100k_base');
const tiktokenCount = (text) => enc.encode(text).length;

describe('mock_openai token estimate vs cl100k_base', () => {
  let server;

  before(async () => {
    server = await startServer('mock_openai');
  });
  after(async () => {
    if (server) await server.stop();
  });

  async function serverTokens(text) {
    const res = await fetch(`${server.url}/v1/embeddings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer mock_key_local_development',
      },
      body: JSON.stringify({ model: MODEL, input: text, encoding_format: 'float' }),
    });
    const body = await res.text();
    assert.equal(res.status, 200, `POST /v1/embeddings: ${res.status} ${body.slice(0, 300)}`);
    const json = JSON.parse(body);
    const n = json?.usage?.prompt_tokens;
    assert.ok(Number.isInteger(n) && n > 0, `usage.prompt_tokens = ${n}`);
    assert.equal(json.usage.total_tokens, n, 'usage.total_tokens = prompt_tokens');
    return n;
  }

  it('sample documents: each within ±10%, total within ±5%', async (t) => {
    let sumServer = 0;
    let sumTiktoken = 0;
    const failures = [];
    for (const name of FILES) {
      const text = await readFile(path.join(DATA_DIR, name), 'utf8');
      const expected = tiktokenCount(text);
      assert.ok(expected > 0 && expected < MAX_INPUT_TOKENS,
        `${name}: ${expected} cl100k tokens; must fit one input (< ${MAX_INPUT_TOKENS})`);
      const got = await serverTokens(text);
      const ratio = got / expected;
      t.diagnostic(`${name.padEnd(18)} server=${String(got).padStart(5)} cl100k=${String(expected).padStart(5)} ratio=${ratio.toFixed(3)}`);
      if (Math.abs(ratio - 1) > 0.10) failures.push(`${name}: ratio ${ratio.toFixed(3)} (server ${got}, cl100k ${expected})`);
      sumServer += got;
      sumTiktoken += expected;
    }
    const total = sumServer / sumTiktoken;
    t.diagnostic(`${'TOTAL'.padEnd(18)} server=${String(sumServer).padStart(5)} cl100k=${String(sumTiktoken).padStart(5)} ratio=${total.toFixed(3)}`);
    assert.deepEqual(failures, [], 'files outside ±10%');
    assert.ok(Math.abs(total - 1) <= 0.05, `total ratio ${total.toFixed(3)} outside ±5%`);
  });

  it('short English sentences: total within ±15%', async (t) => {
    let sumServer = 0;
    let sumTiktoken = 0;
    for (const s of SENTENCES) {
      sumServer += await serverTokens(s);
      sumTiktoken += tiktokenCount(s);
    }
    const total = sumServer / sumTiktoken;
    t.diagnostic(`${SENTENCES.length} sentences: server=${sumServer} cl100k=${sumTiktoken} ratio=${total.toFixed(3)}`);
    assert.ok(Math.abs(total - 1) <= 0.15, `sentences total ratio ${total.toFixed(3)} outside ±15%`);
  });

  it('a batch reports the sum of its inputs', async () => {
    const single = [];
    for (const s of SENTENCES.slice(0, 3)) single.push(await serverTokens(s));
    const res = await fetch(`${server.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer mock_key_local_development' },
      body: JSON.stringify({ model: MODEL, input: SENTENCES.slice(0, 3), encoding_format: 'float' }),
    });
    assert.equal(res.status, 200);
    const json = await res.json();
    assert.equal(json.usage.prompt_tokens, single.reduce((a, b) => a + b, 0));
  });
});
