// One server process: started with --port 0 (it prints its port on the
// first line of stdout), stopped with SIGTERM, which must end it with 0.
import { spawn } from 'node:child_process';
import { MockworksError } from './errors.js';

const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 15000;

// Resolves to { port, stop(), stderr(), proc } once the server listens.
export function startProcess(binary, args = []) {
  const proc = spawn(binary, ['--port', '0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const words = () => stderr.trim();
  // 'close' comes after the exit and the end of its output, so stderr is complete.
  const closed = new Promise((resolve) => proc.once('close', (code, signal) => resolve(code ?? signal)));

  async function stop() {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout'); });
    const code = await Promise.race([closed, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') {
      proc.kill('SIGKILL');
      throw new MockworksError(`${binary} did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM; killed`);
    }
    if (code !== 0) throw new MockworksError(`${binary} exited with ${code}: ${words()}`);
    return code;
  }

  return new Promise((resolve, reject) => {
    const fail = (message) => {
      clearTimeout(timer);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      reject(new MockworksError(message));
    };
    const timer = setTimeout(() => fail(`${binary} did not print its port within ${START_TIMEOUT_MS} ms: ${words()}`),
      START_TIMEOUT_MS);
    proc.once('error', (e) => fail(`cannot start ${binary}: ${e.message}`));
    closed.then((code) => fail(`${binary} exited with ${code} before listening: ${words()}`));
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      proc.stdout.removeAllListeners('data');
      proc.stdout.resume();
      clearTimeout(timer);
      const text = out.slice(0, nl).trim();
      if (!/^\d+$/.test(text)) return fail(`${binary} printed ${JSON.stringify(text)} instead of its port`);
      resolve({ port: Number(text), stop, stderr: words, proc });
    });
  });
}
