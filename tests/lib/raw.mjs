// Raw HTTP for the tests fetch cannot express: bytes sent as given, and how
// the connection ended.
import net from 'node:net';

// Send `chunks` (strings are sent as latin1, so '\xff' is one byte) on a fresh
// socket; resolve when the server closes it or after `timeout` ms, with
// { how: 'closed' | 'reset' | 'timeout' | error code, ms, text, bytes }.
export function exchange(port, chunks, { timeout = 5000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const parts = [];
    const t0 = Date.now();
    let done = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ how, ms: Date.now() - t0, text: Buffer.concat(parts).toString('latin1'), bytes: Buffer.concat(parts) });
    };
    const timer = setTimeout(() => finish('timeout'), timeout);
    sock.on('data', (d) => parts.push(d));
    sock.on('end', () => finish('closed'));
    sock.on('error', (e) => finish(e.code === 'ECONNRESET' ? 'reset' : e.code));
    sock.on('connect', () => {
      for (const c of [].concat(chunks)) sock.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
    });
  });
}
