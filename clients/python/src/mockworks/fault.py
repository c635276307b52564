"""A fault rule added to a server: a handle that removes it, also as a
context manager (the rule lives for the ``with`` block)."""
from __future__ import annotations

from typing import Any, Dict

from .control import Control
from .errors import MockworksError


class Fault:
    def __init__(self, control: Control, rule: Dict[str, Any]):
        self._control = control
        self.rule = rule          # as the server echoed it: the fields, id, hits, remaining
        self.id = rule["id"]

    def info(self) -> Dict[str, Any]:
        """The rule as the server has it now (hits, remaining)."""
        return self._control.call("GET", f"/__control/faults/{self.id}")

    @property
    def hits(self) -> int:
        return int(self.info().get("hits", 0))

    def remove(self) -> None:
        """Delete the rule; a rule already gone (a reset, or a scope's end) is fine."""
        try:
            self._control.call("DELETE", f"/__control/faults/{self.id}")
        except MockworksError as e:
            if e.status != 404:
                raise

    def __enter__(self) -> "Fault":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"Fault({self.rule!r})"
