"""The one exception the harness raises."""
from __future__ import annotations

from typing import Any, Optional


class MockworksError(Exception):
    """A control call failed or a server would not start or stop.

    ``status`` is the HTTP status of a failed control call (None for process
    errors), ``message`` the server's own words, ``body`` its decoded body.
    """

    def __init__(self, message: str, status: Optional[int] = None, body: Any = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
