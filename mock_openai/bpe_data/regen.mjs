// Regenerates cl100k_base.bpez and o200k_base.bpez from js-tiktoken's rank
// files (MIT). Node standard library + js-tiktoken, nothing else:
//
//   (cd tests/clients && npm ci) && node mock_openai/bpe_data/regen.mjs
//
// File format (little-endian), read by mock_openai/oa_bpe_vocab.c:
//   u32 raw_size, then a zlib stream of raw_size bytes:
//     "OABPE1\n\0"         magic
//     u32 count            ordinary tokens, ranks 0..count-1 (no gaps)
//     u8  len[count]       byte length of each token, in rank order (1..255)
//     u8  bytes[...]       the tokens' bytes, concatenated in rank order
// Special tokens and the pre-tokenizer pattern are small and live in C
// (oa_bpe_enc.c); this script prints them so a change upstream is noticed.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const clients = path.resolve(here, '..', '..', 'tests', 'clients');
const require = createRequire(path.join(clients, 'package.json'));

for (const name of ['cl100k_base', 'o200k_base']) {
  const { default: ranks } = await import(require.resolve(`js-tiktoken/ranks/${name}`));
  const tokens = [];
  for (const line of ranks.bpe_ranks.split('\n').filter(Boolean)) {
    // "<key> <first rank> <base64 token> <base64 token> ...": ranks count up.
    const [, offsetStr, ...b64] = line.split(' ');
    const offset = Number.parseInt(offsetStr, 10);
    b64.forEach((t, i) => {
      if (tokens[offset + i] !== undefined) throw new Error(`${name}: rank ${offset + i} twice`);
      tokens[offset + i] = Buffer.from(t, 'base64');
    });
  }
  for (let r = 0; r < tokens.length; r++) {
    if (!tokens[r]) throw new Error(`${name}: no token of rank ${r}`);
    if (tokens[r].length < 1 || tokens[r].length > 255) throw new Error(`${name}: rank ${r} has ${tokens[r].length} bytes`);
  }
  const head = Buffer.alloc(12);
  head.write('OABPE1\n\0', 0, 'latin1');
  head.writeUInt32LE(tokens.length, 8);
  const raw = Buffer.concat([head, Buffer.from(tokens.map((t) => t.length)), ...tokens]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(raw.length, 0);
  const out = Buffer.concat([size, deflateSync(raw, { level: 9 })]);
  writeFileSync(path.join(here, `${name}.bpez`), out);
  console.log(`${name}: ${tokens.length} tokens, ${raw.length} bytes raw, ${out.length} compressed`);
  console.log(`  pat_str: ${JSON.stringify(ranks.pat_str)}`);
  console.log(`  special_tokens: ${JSON.stringify(ranks.special_tokens)}`);
}
