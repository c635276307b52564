// A client that retries like the real SDKs: 408, 409, 429 and 5xx up to
// maxRetries times, waiting what the server asks (retry-after-ms, else
// retry-after), else an exponential backoff; anything else is returned.
const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);

function waitMs(res, attempt) {
  const ms = res.headers.get('retry-after-ms');
  if (ms !== null) return Number(ms);
  const s = res.headers.get('retry-after');
  if (s !== null && /^\d+$/.test(s)) return Number(s) * 1000;
  return 50 * 2 ** attempt;
}

export async function post(url, body, { headers = {}, maxRetries = 2 } = {}) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-stainless-retry-count': String(attempt), ...headers },
      body: JSON.stringify(body),
    });
    if (!RETRYABLE.has(res.status) || attempt === maxRetries) return res;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, waitMs(res, attempt)));
  }
}
