"""MockOpenAI and MockLlamaParse: a server started for the caller on a free
port, or one already running (url=, or $MOCKWORKS_OPENAI_URL /
$MOCKWORKS_LLAMAPARSE_URL, e.g. a container)."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Union

from .binary import find_binary
from .control import Control
from .errors import MockworksError
from .fault import Fault
from .process import ServerProcess
from .scope import Scope


class MockServer:
    binary_name = ""
    url_env = ""
    api_path = ""

    def __init__(self, *args: str, url: Optional[str] = None, control_token: Optional[str] = None,
                 binary: Optional[str] = None):
        """Extra ``args`` go to the binary (e.g. "--rpm", "3"); ``url`` attaches instead.
        Attached through the environment (containers), ``args`` are not used: they are
        for a server started here, so give the running server those flags where it starts."""
        if url and args:
            raise MockworksError(f"cannot pass {list(args)} to a running server ({url}); "
                                 f"start it with those flags instead")
        url = url or os.environ.get(self.url_env) or None
        token = control_token or os.environ.get("MOCKWORKS_CONTROL_TOKEN") or None
        self.process: Optional[ServerProcess] = None
        if url:
            self.url = url.rstrip("/")
        else:
            cmd_args = list(args)
            if token:
                cmd_args += ["--control-token", token]
            self.process = ServerProcess(binary or find_binary(self.binary_name), cmd_args)
            self.url = f"http://127.0.0.1:{self.process.port}"
        self.control = Control(self.url, token)

    @property
    def base_url(self) -> str:
        """What a client's base URL should be."""
        return self.url + self.api_path

    @property
    def attached(self) -> bool:
        return self.process is None

    # --- fault rules
    def fault(self, rule: Optional[Dict[str, Any]] = None, **fields: Any) -> Fault:
        """Add one rule (README "Faults, journal, metrics"); the handle removes it."""
        return Fault(self.control, self.control.call("POST", "/__control/faults", {**(rule or {}), **fields}))

    def faults(self, test_id: Optional[str] = None) -> List[Dict[str, Any]]:
        return self.control.call("GET", "/__control/faults", query={"test_id": test_id})["faults"]

    def clear_faults(self, test_id: Optional[str] = None) -> None:
        self.control.call("DELETE", "/__control/faults", query={"test_id": test_id})

    # --- journal, report, reset
    def requests(self, path: Optional[str] = None, method: Optional[str] = None, status: Optional[int] = None,
                 limit: Optional[int] = None, test_id: Optional[str] = None) -> List[Dict[str, Any]]:
        query = {"path": path, "method": method, "status": status, "limit": limit, "test_id": test_id}
        return self.control.call("GET", "/__control/requests", query=query)["requests"]

    def clear_requests(self, test_id: Optional[str] = None) -> None:
        self.control.call("DELETE", "/__control/requests", query={"test_id": test_id})

    def report(self, test_id: Optional[str] = None, text: bool = False) -> Union[Dict[str, Any], str]:
        """The retry report card: JSON (a dict with clean and violations), or the short text."""
        return self.control.call("GET", "/__control/report", query={"test_id": test_id},
                                 accept="text/plain" if text else "application/json")

    def reset(self, test_id: Optional[str] = None) -> None:
        self.control.call("POST", "/__control/reset", query={"test_id": test_id})

    def scope(self, test_id: str) -> Scope:
        return Scope(self, test_id)

    # --- the rest
    def health(self) -> Dict[str, Any]:
        return self.control.call("GET", "/health")

    def metrics(self) -> str:
        return self.control.call("GET", "/metrics", accept="text/plain")

    def stop(self) -> None:
        """Stop a server this object started (MockworksError unless it exits 0);
        an attached server is left running."""
        process, self.process = self.process, None
        if process is not None:
            process.stop()

    def __enter__(self) -> "MockServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        how = "attached" if self.attached else f"pid {self.process.proc.pid}"
        return f"{type(self).__name__}({self.url}, {how})"


class MockOpenAI(MockServer):
    binary_name = "mock_openai"
    url_env = "MOCKWORKS_OPENAI_URL"
    api_path = "/v1"


class MockLlamaParse(MockServer):
    binary_name = "mock_llamaparse"
    url_env = "MOCKWORKS_LLAMAPARSE_URL"
    api_path = ""
