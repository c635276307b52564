"""One server process: started with --port 0 (it prints its port on the
first line of stdout) and stopped with SIGTERM, which must end it with 0."""
from __future__ import annotations

import os
import selectors
import subprocess
import tempfile
import time
from typing import List, Sequence

from .errors import MockworksError

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 15.0


class ServerProcess:
    def __init__(self, binary: str, args: Sequence[str] = ()):
        self.binary = binary
        self._stderr = tempfile.TemporaryFile()
        cmd: List[str] = [binary, "--port", "0", "--log-level", "warn", *args]
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=self._stderr)
        except OSError as e:
            self._stderr.close()
            raise MockworksError(f"cannot start {binary}: {e}") from e
        try:
            self.port = self._read_port()
        except BaseException:
            self._kill()
            raise

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def _read_port(self) -> int:
        line = b""
        deadline = time.monotonic() + START_TIMEOUT_S
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise MockworksError(f"{self.binary} did not print its port within "
                                         f"{START_TIMEOUT_S:g} s: {self.stderr().strip()}")
                chunk = os.read(self.proc.stdout.fileno(), 64)
                if not chunk:
                    code = self.proc.wait()
                    raise MockworksError(f"{self.binary} exited with {code} before listening: "
                                         f"{self.stderr().strip()}")
                line += chunk
        text = line.split(b"\n", 1)[0].decode().strip()
        if not text.isdigit():
            raise MockworksError(f"{self.binary} printed {text!r} instead of its port")
        return int(text)

    def stop(self) -> int:
        """SIGTERM and wait; MockworksError unless it exits 0 in time."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            code = self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._kill()
            raise MockworksError(f"{self.binary} did not stop within {STOP_TIMEOUT_S:g} s of SIGTERM; killed")
        finally:
            self._close()
        if code != 0:
            raise MockworksError(f"{self.binary} exited with {code}: {self.stderr().strip()}")
        return code

    def _kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close()

    def _close(self) -> None:
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.stdout.close()
