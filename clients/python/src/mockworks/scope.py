"""One test's view of a shared server: its requests carry ``x-test-id``,
and its rules, journal and report are filtered to that id."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

from .fault import Fault

if TYPE_CHECKING:
    from .server import MockServer

TEST_ID_HEADER = "x-test-id"


class Scope:
    def __init__(self, server: "MockServer", test_id: str):
        if not test_id:
            raise ValueError("a scope needs a non-empty test id")
        self.server = server
        self.test_id = test_id

    @property
    def headers(self) -> Dict[str, str]:
        """Pass to your client as default headers: ``{"x-test-id": ...}``."""
        return {TEST_ID_HEADER: self.test_id}

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def fault(self, rule: Optional[Dict[str, Any]] = None, **fields: Any) -> Fault:
        """A rule that acts only on this test's requests."""
        return self.server.fault({**(rule or {}), **fields, "test_id": self.test_id})

    def faults(self) -> List[Dict[str, Any]]:
        return self.server.faults(test_id=self.test_id)

    def requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """This test's journal entries (filters: path, method, status, limit)."""
        return self.server.requests(**filters, test_id=self.test_id)

    def report(self, text: bool = False) -> Union[Dict[str, Any], str]:
        return self.server.report(test_id=self.test_id, text=text)

    def reset(self) -> None:
        """Clear this test's rules, journal entries, rate-limit buckets, jobs and webhook log."""
        self.server.reset(test_id=self.test_id)

    def __repr__(self) -> str:
        return f"Scope({self.test_id!r} on {self.server.url})"
