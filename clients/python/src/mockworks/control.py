"""HTTP calls to a server's control API (/__control/...), standard library only."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Mapping, Optional

from .errors import MockworksError

TIMEOUT_S = 10.0


def server_message(body: Any, raw: str) -> str:
    """The error text in either server's error format: OpenAI's
    {"error": {"message"}} or LlamaParse's {"detail": "..." | [{"msg"}]}."""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        detail = body.get("detail")
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list):
            return "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    return raw.strip() or "(empty body)"


def query_string(params: Mapping[str, Any]) -> str:
    pairs = {k: v for k, v in params.items() if v is not None}
    return ("?" + urllib.parse.urlencode(pairs)) if pairs else ""


class Control:
    def __init__(self, url: str, token: Optional[str] = None):
        self.url = url.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: Any = None, query: Optional[Mapping[str, Any]] = None,
             accept: str = "application/json") -> Any:
        """The decoded JSON answer (text for a text/plain Accept, None for 204);
        MockworksError with the server's message for any other status."""
        data = None if body is None else json.dumps(body).encode()
        headers: Dict[str, str] = {"Accept": accept}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = self.url + path + query_string(query or {})
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_S) as res:
                raw = res.read().decode("utf-8", "replace")
                status = res.status
        except urllib.error.HTTPError as e:
            raw = e.read().decode("utf-8", "replace")
            try:
                decoded = json.loads(raw)
            except ValueError:
                decoded = raw
            raise MockworksError(f"{method} {path} failed with {e.code}: {server_message(decoded, raw)}",
                                 status=e.code, body=decoded) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise MockworksError(f"{method} {path}: cannot reach {self.url}: {reason}") from None
        if status == 204 or not raw:
            return None
        if accept != "application/json":
            return raw
        try:
            return json.loads(raw)
        except ValueError:
            raise MockworksError(f"{method} {path}: the server answered {status} with invalid JSON: {raw[:200]}",
                                 status=status, body=raw) from None
