"""A client that retries like the real SDKs do: 429 and 5xx (and 408/409)
are retried up to ``max_retries`` times, waiting what the server asks for
(retry-after-ms, else retry-after), else an exponential backoff; anything
else is returned as is."""
import time

import httpx

RETRYABLE = {408, 409, 429, 500, 502, 503, 504}


def wait_s(response: httpx.Response, attempt: int) -> float:
    ms = response.headers.get("retry-after-ms")
    if ms is not None:
        return float(ms) / 1000
    seconds = response.headers.get("retry-after")
    if seconds is not None and seconds.isdigit():
        return float(seconds)
    return 0.05 * 2 ** attempt


def post(client: httpx.Client, path: str, json: dict, max_retries: int = 2) -> httpx.Response:
    for attempt in range(max_retries + 1):
        response = client.post(path, json=json, headers={"x-stainless-retry-count": str(attempt)})
        if response.status_code not in RETRYABLE or attempt == max_retries:
            return response
        time.sleep(wait_s(response, attempt))
    raise AssertionError("unreachable")
