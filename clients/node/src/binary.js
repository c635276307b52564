// Where a mock server's binary is: $MOCKWORKS_BIN_DIR (a folder of binaries
// or a meson build folder), then $PATH, then build/NAME/NAME in a checkout
// above the working directory or above this file.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockworksError } from './errors.js';

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function inDir(dir, name) {
  return [path.join(dir, name), path.join(dir, name, name)].find(executable) ?? null;
}

function* upwards(start) {
  let dir = path.resolve(start);
  for (;;) {
    yield dir;
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

const packageDir = path.dirname(fileURLToPath(import.meta.url));

// The path of `name` (mock_openai | mock_llamaparse), or a MockworksError
// listing every place searched. `from`: where the build-folder search starts.
export function findBinary(name, { env = process.env, from = [process.cwd(), packageDir] } = {}) {
  const looked = [];
  if (env.MOCKWORKS_BIN_DIR) {
    const found = inDir(env.MOCKWORKS_BIN_DIR, name);
    if (found) return found;
    looked.push(`MOCKWORKS_BIN_DIR=${env.MOCKWORKS_BIN_DIR}`);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (executable(file)) return file;
  }
  looked.push('PATH');
  for (const start of from) {
    for (const dir of upwards(start)) {
      const found = inDir(path.join(dir, 'build'), name);
      if (found) return found;
    }
  }
  looked.push('build/ folders above the working directory and the package');
  throw new MockworksError(`cannot find the ${name} binary (looked in ${looked.join(', ')}); ` +
    'set MOCKWORKS_BIN_DIR to the folder that holds it, or pass url to attach to a running server');
}
