// Start a mock server binary on a free port for a test and stop it after.
// The binary prints its bound port on stdout's first line (--port 0).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const buildDir = process.env.MOCKWORKS_BUILD_DIR
  ? path.resolve(process.env.MOCKWORKS_BUILD_DIR)
  : path.join(repoRoot, 'build');

export function binaryPath(name) {
  return path.join(buildDir, name, name);
}

// Starts `name` (mock_openai | mock_llamaparse) with extra args; resolves to
// { url, port, proc, stderr(), stop() }.
export function startServer(name, args = [], env = {}) {
  const proc = spawn(binaryPath(name), ['--port', '0', '--log-level', 'warn', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  proc.stderr.on('data', (d) => { errText += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not print its port: ${errText}`)), 10000);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${errText}`));
    });
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const port = Number(out.slice(0, nl));
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        proc,
        stderr: () => errText,
        stop: () => stopChecked(name, proc, () => errText),
      });
    });
  });
}

// SIGTERM, then insist on a clean exit: status 0 and no sanitizer report
// (under ASan/TSan builds a leak or race fails the test that owned it).
async function stopChecked(name, proc, stderr) {
  const code = await stopProcess(proc);
  if (code !== 0 || /Sanitizer|runtime error:/.test(stderr())) {
    throw new Error(`${name} did not stop cleanly (exit ${code}):\n${stderr()}`);
  }
  return code;
}

// SIGTERM and wait for the exit code.
export function stopProcess(proc, signal = 'SIGTERM') {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.on('exit', (code) => resolve(code));
    proc.kill(signal);
  });
}
