// A mock server started on a free port, or one already running (a URL, or
// $MOCKWORKS_OPENAI_URL / $MOCKWORKS_LLAMAPARSE_URL, e.g. a container).
import { findBinary } from './binary.js';
import { Control } from './control.js';
import { MockworksError } from './errors.js';
import { faultHandle } from './fault.js';
import { startProcess } from './process.js';
import { makeScope } from './scope.js';

export const KINDS = {
  openai: { binary: 'mock_openai', urlEnv: 'MOCKWORKS_OPENAI_URL', apiPath: '/v1', service: 'mock-openai' },
  llamaparse: { binary: 'mock_llamaparse', urlEnv: 'MOCKWORKS_LLAMAPARSE_URL', apiPath: '', service: 'mock-llamaparse' },
};

class MockServer {
  constructor(kind, url, token, process = null) {
    this.kind = kind;
    this.url = url.replace(/\/+$/, '');
    this.baseURL = this.url + KINDS[kind].apiPath; // what a client's base URL should be
    this.control = new Control(this.url, token);
    this.process = process;
  }

  get attached() { return this.process === null; }

  // Fault rules (README "Faults, journal, metrics"); the handle removes its rule.
  async fault(rule = {}) {
    return faultHandle(this.control, await this.control.call('POST', '/__control/faults', { body: rule }));
  }
  async faults({ testId } = {}) {
    return (await this.control.call('GET', '/__control/faults', { query: { test_id: testId } })).faults;
  }
  async clearFaults({ testId } = {}) {
    await this.control.call('DELETE', '/__control/faults', { query: { test_id: testId } });
  }

  // The journal: filters path, method, status, limit, testId.
  async requests({ path, method, status, limit, testId } = {}) {
    const query = { path, method, status, limit, test_id: testId };
    return (await this.control.call('GET', '/__control/requests', { query })).requests;
  }
  async clearRequests({ testId } = {}) {
    await this.control.call('DELETE', '/__control/requests', { query: { test_id: testId } });
  }

  // The retry report card: JSON ({clean, violations, ...}), or with text: true the short text.
  report({ testId, text = false } = {}) {
    return this.control.call('GET', '/__control/report',
      { query: { test_id: testId }, accept: text ? 'text/plain' : 'application/json' });
  }
  async reset({ testId } = {}) {
    await this.control.call('POST', '/__control/reset', { query: { test_id: testId } });
  }
  scope(testId) { return makeScope(this, testId); }

  health() { return this.control.call('GET', '/health'); }
  metrics() { return this.control.call('GET', '/metrics', { accept: 'text/plain' }); }

  // Stops a server this object started (rejects unless it exits 0); an
  // attached server is left running.
  async stop() {
    const p = this.process;
    this.process = null;
    if (p) await p.stop();
  }

  // `await using` (Node 24+) stops it too.
  async [Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')]() { await this.stop(); }
}

async function start(kind, { args = [], url, controlToken, binary } = {}) {
  const info = KINDS[kind];
  const token = controlToken ?? (process.env.MOCKWORKS_CONTROL_TOKEN || null);
  if (url && args.length) {
    throw new MockworksError(`cannot pass ${JSON.stringify(args)} to a running server (${url}); start it with those flags instead`);
  }
  // Attached through the environment (containers), `args` are the ones for a server
  // started here and are not used: give the running server those flags where it starts.
  const target = url ?? (process.env[info.urlEnv] || null);
  if (target) return new MockServer(kind, target, token);
  const flags = token ? [...args, '--control-token', token] : [...args];
  const proc = await startProcess(binary ?? findBinary(info.binary), flags);
  return new MockServer(kind, `http://127.0.0.1:${proc.port}`, token, proc);
}

export const startMockOpenAI = (opts) => start('openai', opts);
export const startMockLlamaParse = (opts) => start('llamaparse', opts);

// A running server by URL; its kind ('openai' | 'llamaparse') is asked of
// its /health unless given.
export async function attach(url, { kind, controlToken } = {}) {
  if (!kind) {
    const { service } = await new Control(url).call('GET', '/health');
    kind = Object.keys(KINDS).find((k) => KINDS[k].service === service);
    if (!kind) throw new MockworksError(`${url} is not a mockworks server (its /health says service ${JSON.stringify(service)})`);
  }
  if (!KINDS[kind]) throw new MockworksError(`unknown kind ${JSON.stringify(kind)}: openai or llamaparse`);
  return new MockServer(kind, url, controlToken ?? (process.env.MOCKWORKS_CONTROL_TOKEN || null));
}
