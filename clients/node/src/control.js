// HTTP calls to a server's control API (/__control/...) with Node's fetch.
import { MockworksError } from './errors.js';

const TIMEOUT_MS = 10000;

// The error text in either server's format: OpenAI's {"error": {"message"}}
// or LlamaParse's {"detail": "..." | [{"msg"}]}.
export function serverMessage(body, raw) {
  if (body && typeof body === 'object') {
    if (body.error?.message) return String(body.error.message);
    if (typeof body.detail === 'string') return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => d?.msg ?? JSON.stringify(d)).join('; ');
  }
  return raw.trim() || '(empty body)';
}

export function queryString(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.append(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class Control {
  constructor(url, token = null) {
    this.url = url.replace(/\/+$/, '');
    this.token = token;
  }

  // The decoded JSON (text for a non-JSON accept, null for 204); a
  // MockworksError with the server's message for any error status.
  async call(method, path, { body, query, accept = 'application/json' } = {}) {
    const headers = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res;
    try {
      res = await fetch(this.url + path + queryString(query), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new MockworksError(`${method} ${path}: cannot reach ${this.url}: ${e.cause?.code ?? e.message}`);
    }
    const raw = await res.text();
    if (!res.ok) {
      let decoded = raw;
      try { decoded = JSON.parse(raw); } catch { /* not JSON: keep the text */ }
      throw new MockworksError(`${method} ${path} failed with ${res.status}: ${serverMessage(decoded, raw)}`,
        { status: res.status, body: decoded });
    }
    if (res.status === 204 || raw === '') return null;
    if (accept !== 'application/json') return raw;
    try {
      return JSON.parse(raw);
    } catch {
      throw new MockworksError(`${method} ${path}: the server answered ${res.status} with invalid JSON: ${raw.slice(0, 200)}`,
        { status: res.status, body: raw });
    }
  }
}
