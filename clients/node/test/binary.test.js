// Finding the binaries: MOCKWORKS_BIN_DIR, PATH, a checkout's build folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBinary, MockworksError } from 'mockworks';

const real = findBinary('mock_openai');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'mockworks-bin-'));
function link(dir, rel) {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  symlinkSync(real, file);
  return file;
}
const nowhere = (dir) => ({ PATH: path.join(dir, 'empty') });

test('MOCKWORKS_BIN_DIR holding the binaries', () => {
  const d = tmp();
  const file = link(d, 'bin/mock_openai');
  assert.equal(findBinary('mock_openai', { env: { ...nowhere(d), MOCKWORKS_BIN_DIR: path.join(d, 'bin') }, from: [d] }), file);
});

test('MOCKWORKS_BIN_DIR as a meson build folder', () => {
  const d = tmp();
  const file = link(d, 'b/mock_openai/mock_openai');
  assert.equal(findBinary('mock_openai', { env: { ...nowhere(d), MOCKWORKS_BIN_DIR: path.join(d, 'b') }, from: [d] }), file);
});

test('PATH, after MOCKWORKS_BIN_DIR', () => {
  const d = tmp();
  const onPath = link(d, 'p/mock_openai');
  const inBin = link(d, 'bin/mock_openai');
  assert.equal(findBinary('mock_openai', { env: { PATH: path.join(d, 'p') }, from: [d] }), onPath);
  assert.equal(findBinary('mock_openai', { env: { PATH: path.join(d, 'p'), MOCKWORKS_BIN_DIR: path.join(d, 'bin') }, from: [d] }), inBin);
});

test('a checkout build folder above the working directory', () => {
  const d = tmp();
  const file = link(d, 'repo/build/mock_openai/mock_openai');
  const deep = path.join(d, 'repo', 'services', 'api');
  mkdirSync(deep, { recursive: true });
  assert.equal(findBinary('mock_openai', { env: nowhere(d), from: [deep] }), file);
});

test('not found: says where it looked; a non-executable file does not count', () => {
  const d = tmp();
  mkdirSync(path.join(d, 'bin'));
  writeFileSync(path.join(d, 'bin', 'mock_openai'), 'not a program');
  chmodSync(path.join(d, 'bin', 'mock_openai'), 0o644);
  assert.throws(() => findBinary('mock_openai', { env: { ...nowhere(d), MOCKWORKS_BIN_DIR: path.join(d, 'bin') }, from: [d] }),
    (e) => e instanceof MockworksError && e.message.includes(`MOCKWORKS_BIN_DIR=${path.join(d, 'bin')}`));
});
