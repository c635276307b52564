// Tokenizing speed: oa_bpe (C, through tests/tools/bpe_ids --bench) against
// js-tiktoken on the same text, in the same run, for cl100k_base and
// o200k_base. Both sides are timed after a warm-up (vocabulary loaded, JIT
// warm), per call, and must agree on the token count. Prints a markdown table.
//
//   node bench/tokens.mjs TOOL [TEXT_FILE]      (bench/tokens.sh builds TOOL)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const require = createRequire(path.join(root, 'tests', 'clients', 'package.json'));
const { getEncoding } = require('js-tiktoken');

const [tool, file = path.join(root, 'tests', 'data', 'large-150k.txt')] = process.argv.slice(2);
if (!tool) {
  console.error('usage: node bench/tokens.mjs TOOL [TEXT_FILE]');
  process.exit(2);
}
const JS_ROUNDS = Number(process.env.BENCH_JS_ROUNDS || 20);
const C_ROUNDS = Number(process.env.BENCH_C_ROUNDS || 200);
const bytes = readFileSync(file);
const text = bytes.toString('utf8');

function timeJs(enc) {
  let n = 0;
  for (let i = 0; i < 5; i++) n = enc.encode(text, [], []).length;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < JS_ROUNDS; i++) enc.encode(text, [], []);
  return { count: n, ms: Number(process.hrtime.bigint() - t0) / 1e6 / JS_ROUNDS };
}

function timeC(encoding) {
  const r = spawnSync(tool, [encoding, '--bench', String(C_ROUNDS)], { input: bytes });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const rows = [];
for (const encoding of ['cl100k_base', 'o200k_base']) {
  const js = timeJs(getEncoding(encoding));
  const c = timeC(encoding);
  if (c.count !== js.count) throw new Error(`${encoding}: C counts ${c.count}, js-tiktoken ${js.count}`);
  rows.push(`| ${encoding} | ${js.count} | ${js.ms.toFixed(2)} | ${c.encode_ms.toFixed(2)} | ${c.count_ms.toFixed(2)} | ` +
    `${(js.ms / c.encode_ms).toFixed(1)}x | ${(bytes.length / 1e3 / c.encode_ms).toFixed(0)} |`);
}
console.log(`${path.basename(file)}: ${bytes.length} bytes; js-tiktoken ${JS_ROUNDS} rounds, C ${C_ROUNDS} rounds, ms per call\n`);
console.log('| encoding | tokens | js-tiktoken encode | C encode | C count | js / C (encode) | C MB/s |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
