// oa_bpe (mock_openai's exact tokenizer) against js-tiktoken, token for
// token, for cl100k_base and o200k_base over a varied corpus: prose, code,
// numbers, whitespace, emoji, CJK, Arabic, Indic, mixed scripts, long runs,
// every file of tests/data, seeded random strings and random bytes.
// The C side is tests/tools/bpe_ids from the build in MOCKWORKS_BUILD_DIR.
// Run: cd tests/clients && MOCKWORKS_BUILD_DIR=../../build node --test bpe.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { buildDir, repoRoot } from '../lib/server.mjs';

const TOOL = path.join(buildDir, 'tests', 'bpe_ids');
const DATA_DIR = path.join(repoRoot, 'tests', 'data');
const ENCODINGS = ['cl100k_base', 'o200k_base'];

function tool(encoding, args, input) {
  const r = spawnSync(TOOL, [encoding, ...args], { input, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `bpe_ids ${encoding} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString();
}

// Every text's ids and count from one run of the tool (one line of hex each).
function cEncodeAll(encoding, buffers) {
  const input = buffers.map((b) => b.toString('hex')).join('\n') + '\n';
  const lines = tool(encoding, ['--batch'], input).trim().split('\n');
  assert.equal(lines.length, buffers.length);
  return lines.map((l) => JSON.parse(l));
}

// js-tiktoken as oa_bpe means it: encode_ordinary of the string Node's
// TextDecoder makes of the bytes (invalid UTF-8 read as U+FFFD). ignoreBOM:
// keep a leading U+FEFF as text, as oa_bpe does, rather than drop it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const jsEncode = (enc, bytes) => enc.encode(decoder.decode(bytes), [], []);

// ---- the corpus ----

const PROSE = [
  'The quick brown fox jumps over the lazy dog.',
  "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
  "I'M SURE they'll say we'VE done it; YOU'RE right, he'd go. DON'T. Isn't it? 'tis 'Twas",
  'Members may appeal any denied claim within 180 days.\n\nSee section 4.2(b) for details.',
  'Mr. Smith paid $1,234.56 on 2025-11-30 at 10:45pm (UTC+01:00) — 3.5% more than in Q3.',
];
const CODE = [
  'def f(x):\n    return x ** 2  # square\n\nclass A(object):\n\tpass\n',
  'int main(void) {\n    for (int i = 0; i < 10; i++) { printf("%d\\n", i); }\n    return 0;\n}\n',
  'const url = `https://example.com/api/v1/items?id=${id}&sort=desc`;\n// TODO: fix\n',
  '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_tokens":16}',
  '<div class="a"><p>Hello&nbsp;<b>world</b></p></div>\r\n<!-- comment -->',
  'SELECT id, name FROM users WHERE age >= 21 ORDER BY name;\n/* path/to/file.c:12:3 */',
  'a//b///c////d /usr/local/bin/ https://a.b/c/ 1/2/3',
];
const NUMBERS = [
  '0 1 12 123 1234 12345 123456 1234567 12345678901234567890',
  '3.14159265358979 -42 +7 1e10 0x1F 0b1010 1_000_000 ½ ² ٣٤٥ ४२ 一二三 Ⅻ',
  '999999999999999999999999999999999999999999999999',
];
const WHITESPACE = [
  ' ', '  ', '\n', '\n\n\n', '\t\t\t', '\r\n', '\r\n\r\n', ' \n ', '   \n\n   x', 'x   ', 'x\n  \ny',
  'a \t b\u00a0c\u3000d\u2028e\u2029f\ufeffg\u0085h\u180ei\u200bj\u2003k\u202fl\u205fm\u1680n',
  '\u00a0\u00a0\u00a0x', 'x\u3000\u3000', '\v\f\v x',
];
const EMOJI = [
  '🙂👍🏽', '👨‍👩‍👧‍👦 family', '🇫🇷🇯🇵 flags', 'I ❤️ NY ✨🎉🔥💯', '🏳️‍🌈 and 🧑🏿‍💻 at work', '😀😃😄😁😆😅🤣😂',
];
const SCRIPTS = [
  '日本語のテキストです。東京は晴れ。', '中文文本，包括标点符号！简体与繁體。', '한국어 텍스트입니다. 안녕하세요!',
  'مرحبا بالعالم، هذا نص عربي مع أرقام ١٢٣.', 'שלום עולם, זה טקסט בעברית.', 'नमस्ते दुनिया, यह हिंदी पाठ है।',
  'สวัสดีชาวโลก ภาษาไทย', 'Привет, мир! ЭТО ТЕКСТ.', 'Γειά σου Κόσμε, ελληνικά', 'Ünïcödé çàñ bé tricky: naïve café résumé',
  'e\u0301 a\u0300 o\u0308 (combining marks)', 'ǅungla ǈ ǋ titlecase', 'ʰʲ ʷ modifier letters',
  'The 東京 office said «bonjour» and مرحبا to 3 Москва clients 🙂.', 'ＡＢＣ１２３ fullwidth', 'ﬁ ﬂ ligatures',
];
// Characters newer than Debian 12's libpcre2 tables (Unicode 14.0): letters,
// digits and marks of Unicode 15.0-17.0, next to ASCII and apostrophes.
const NEWER = [
  "\u{1E4D0}'s \u{1E4D0}\u{1E4D1}'ll go", 'a\u{1E4D0}\u{1E4D1}b', 'x\u{2EBF0}\u{2EBF1} \u{31350}\u{31351}',
  'Garay \u{10D4A}\u{10D4B}\u{10D4C}', '\u{1E4F0}\u{1E4F1}\u{1E4F2}\u{1E4F3}7', "k\u{11F00}a \u{11F00}'t",
  "\u{1C89}\u{1C8A}'S \u{A7CB}\u{A7CC}'RE", '\u{0295}\u{0295}X \u{0295}', "\u{16EA0}\u{16EBB}'d",
];
const SPECIALS = ['<|endoftext|>', '<|endofprompt|> and <|fim_prefix|><|fim_middle|><|fim_suffix|>'];
const LONG = [
  'a'.repeat(1500), 'ab'.repeat(700), ' '.repeat(1500), '\n'.repeat(600), '-'.repeat(1200), '1'.repeat(1000),
  '🙂'.repeat(300), '日'.repeat(500), 'x'.repeat(257), 'A'.repeat(800) + 'b'.repeat(800), '.'.repeat(300) + '\n',
];

// Seeded (mulberry32), so a failure names a string that comes back.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Fragments from every class the patterns tell apart (letters of each case,
// marks, digits of several scripts, punctuation, each kind of space).
const POOL = [
  ...'abcxyzABCXYZ0123456789', ' ', ' ', ' ', '\n', '\r', '\t', '\r\n', '\u00a0', '\u3000', '\ufeff', '\u0085',
  ...".,;:!?'\"`-_/\\()[]{}<>@#$%^&*+=|~", "'s", "'S", "'ll", "'LL", "'Re", "'ve", "'m", "'D", "'t",
  'é', 'ß', 'Ω', 'ж', 'Ж', 'ǅ', 'ʰ', '\u0301', '\u0308', '\u093f', 'न', 'ा', 'ع', 'ب', '٣', '日', '本', 'の',
  'カ', '한', '国', '½', '²', 'Ⅻ', '🙂', '👍🏽', '‍', '️', '🇫🇷', '—', '…', '«', '»', '€', '©', '\u200b',
  'the', ' the', 'The', 'ing', ' and', 'tion', '123', '2025', '  ', '\n\n', ' \n', 'http://', '.com', '/*', '*/',
];

function randomStrings(count, seed) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(r() * 60);
    let s = '';
    for (let j = 0; j < n; j++) s += POOL[Math.floor(r() * POOL.length)];
    out.push(s);
  }
  return out;
}

// Any code point at all (no surrogates), mostly from planes 0-3 where the
// scripts are, mixed with ASCII letters, digits, spaces and apostrophes so
// that each one's class decides where pieces end.
function randomCodePoints(count, seed) {
  const r = rng(seed);
  const ascii = "aZ5 '\n";
  const out = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let j = 1 + Math.floor(r() * 40); j > 0; j--) {
      if (r() < 0.4) {
        s += ascii[Math.floor(r() * ascii.length)];
        continue;
      }
      let c = Math.floor(r() * (r() < 0.9 ? 0x40000 : 0x110000));
      if (c >= 0xd800 && c < 0xe000) c -= 0x800;
      s += String.fromCodePoint(c);
    }
    out.push(s);
  }
  return out;
}

// Random bytes, many invalid as UTF-8: U+FFFD handling end to end.
function randomBytes(count, seed) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const b = Buffer.alloc(1 + Math.floor(r() * 80));
    for (let j = 0; j < b.length; j++) {
      // Half ASCII, half high bytes, so invalid runs sit among letters.
      b[j] = r() < 0.5 ? 0x20 + Math.floor(r() * 0x5f) : 0x80 + Math.floor(r() * 0x80);
    }
    out.push(b);
  }
  return out;
}

const dataFiles = readdirSync(DATA_DIR).sort().map((f) => ({ name: f, bytes: readFileSync(path.join(DATA_DIR, f)) }));
const isText = (b) => !b.includes(0) && Buffer.from(decoder.decode(b)).equals(b);

const CORPUS = [
  ...[...PROSE, ...CODE, ...NUMBERS, ...WHITESPACE, ...EMOJI, ...SCRIPTS, ...NEWER, ...SPECIALS, ...LONG].map((s) => ({
    name: JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s),
    bytes: Buffer.from(s),
  })),
  ...randomStrings(400, 20261130).map((s, i) => ({ name: `random string #${i} ${JSON.stringify(s)}`, bytes: Buffer.from(s) })),
  ...randomCodePoints(300, 17).map((s, i) => ({ name: `random code points #${i} ${JSON.stringify(s)}`, bytes: Buffer.from(s) })),
];

// ---- the tests ----

function assertSame(encoding, cases) {
  const enc = getEncoding(encoding);
  const got = cEncodeAll(encoding, cases.map((c) => c.bytes));
  cases.forEach((c, i) => {
    const want = jsEncode(enc, c.bytes);
    assert.deepEqual(got[i].ids, want, `${encoding}: ${c.name}`);
    assert.equal(got[i].count, want.length, `${encoding} count: ${c.name}`);
  });
}

// oa_bpe classifies characters as the Node that generated oa_bpe_uclass.c;
// js-tiktoken as the Node running this test. They must be the same version.
describe('oa_bpe Unicode tables', () => {
  it("are this Node's Unicode version (else: node mock_openai/bpe_data/regen.mjs)", () => {
    assert.equal(tool('cl100k_base', ['--unicode'], '').trim(), process.versions.unicode);
  });
});

for (const encoding of ENCODINGS) {
  describe(`oa_bpe ${encoding} equals js-tiktoken`, () => {
    it('on prose, code, numbers, whitespace, emoji, scripts, long runs, random strings and code points', () => {
      assert.ok(CORPUS.length > 750);
      assertSame(encoding, CORPUS);
    });

    it('on every text file in tests/data', () => {
      const text = dataFiles.filter((f) => isText(f.bytes));
      assert.ok(text.length >= 10, `only ${text.length} text files`);
      assertSame(encoding, text);
    });

    it('on invalid UTF-8 (binary files, random bytes) read as U+FFFD', () => {
      const binary = dataFiles.filter((f) => !isText(f.bytes));
      assert.ok(binary.length >= 4);
      const bytes = randomBytes(200, 7).map((b, i) => ({ name: `random bytes #${i} ${b.toString('hex')}`, bytes: b }));
      assert.ok(bytes.some((b) => !isText(b.bytes)));
      assertSame(encoding, [...binary, ...bytes]);
    });

    it('counts a text of exactly 8,192 tokens as 8,192 and cuts after token N', () => {
      const enc = getEncoding(encoding);
      const large = readFileSync(path.join(DATA_DIR, 'large-150k.txt'));
      const ids = enc.encode(large.toString(), [], []);
      // The bytes of the first 8,192 tokens (textMap: js-tiktoken's id ->
      // bytes map, internal but reachable); as a text of its own it must
      // still be 8,192 tokens (true here: the cut falls between words).
      const end = ids.slice(0, 8192).reduce((n, id) => n + enc.textMap.get(id).length, 0);
      const text = large.subarray(0, end);
      assert.equal(jsEncode(enc, text).length, 8192);
      assert.equal(Number(tool(encoding, ['--count'], text)), 8192);
      assert.equal(Number(tool(encoding, ['--cut', '8192'], large)), end);
      for (const n of [0, 1, 17, 1000]) {
        const at = ids.slice(0, n).reduce((k, id) => k + enc.textMap.get(id).length, 0);
        assert.equal(Number(tool(encoding, ['--cut', String(n)], large)), at, `cut ${n}`);
      }
      assert.equal(Number(tool(encoding, ['--cut', String(ids.length + 5)], large)), large.length);
    });
  });
}
