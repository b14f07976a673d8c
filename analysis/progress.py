"""Progress on stderr: one line rewritten in place on a terminal, plain lines in a log."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["ProgressLine"]


class ProgressLine:
    """A progress reporter: the phase, the number so far and the rate, on stderr.

    On a terminal one line is rewritten in place; otherwise (a log) plain lines are printed,
    at most one a second. Passed as ``progress=`` it is called with the count; the engine
    tells it each new phase through :meth:`phase`.
    """

    def __init__(self, stream: Any = None, unit: str = "regions"):
        import time

        self._time = time.monotonic
        self.stream = sys.stderr if stream is None else stream
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.unit = unit
        self.name = "counting"
        self.t0 = self._time()
        self.last = -1.0
        self.dirty = False

    def phase(self, name: str) -> None:
        """Start a new phase (its own clock and rate)."""
        if self.dirty and self.tty:
            print(file=self.stream)
        self.name, self.t0, self.last, self.dirty = name, self._time(), -1.0, False

    def __call__(self, n: int) -> None:
        """Report ``n`` done so far."""
        now = self._time()
        if not self.tty and now - self.last < 1.0:
            return
        self.last = now
        rate = n / max(now - self.t0, 1e-9)
        text = f"{self.name}: {n:,} {self.unit} ({rate:,.0f}/s, {now - self.t0:.1f} s)"
        if self.tty:
            print("\r" + text, end="", file=self.stream, flush=True)
            self.dirty = True
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """End the updating line."""
        if self.dirty and self.tty:
            print(file=self.stream, flush=True)
        self.dirty = False
