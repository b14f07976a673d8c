"""Progress on stderr: one line rewritten in place on a terminal, plain lines in a log.

With a known total (the report's sections, a training run's steps) the line shows a bar, the
rate and the time left; with only an upper bound (a region count below the Serra et al.
bound) it shows the fraction of the bound reached; without either, the count and the rate.

>>> import io
>>> out = io.StringIO()
>>> p = ProgressLine(out, unit="steps", total=200, every=0.0)
>>> p.phase("training"); p(50); p.close()
>>> print(out.getvalue().strip().split(" (")[0])
training: [#####...............]  50/200 steps
"""

from __future__ import annotations

import sys
import time
from typing import Any

__all__ = ["ProgressLine", "format_seconds"]


def format_seconds(s: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a duration in seconds.

    >>> format_seconds(75.4), format_seconds(3725)
    ('1:15', '1:02:05')
    """
    s = max(0, int(round(s)))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class ProgressLine:
    """A progress reporter: the phase, the number so far, the rate and (with a total) time left.

    On a terminal one line is rewritten in place; otherwise (a log) plain lines are printed,
    at most one every ``every`` seconds. Passed as ``progress=`` it is called with the count;
    the engine tells it each new phase through :meth:`phase`.

    Parameters
    ----------
    stream : file, optional
        Where to write (default stderr).
    unit : str
        What is counted ("regions", "steps", "sections").
    total : int, optional
        The known total: a bar, the rate and the time left are shown.
    bound : int, optional
        A known upper bound (not a total): the fraction of it reached is shown.
    every : float
        Seconds between lines in a log (a terminal line is rewritten as often as called).
    """

    def __init__(
        self,
        stream: Any = None,
        unit: str = "regions",
        total: int | None = None,
        bound: int | None = None,
        every: float = 1.0,
    ):
        self._time = time.monotonic
        self.stream = sys.stderr if stream is None else stream
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.unit = unit
        self.total = total
        self.bound = bound
        self.every = every
        self.name = "counting"
        self.t0 = self._time()
        self.last = -1.0
        self.dirty = False

    def phase(self, name: str, total: int | None = None) -> None:
        """Start a new phase (its own clock and rate; ``total`` if it has a known one)."""
        if self.dirty and self.tty:
            print(file=self.stream)
        if total is not None:
            self.total = total
        self.name, self.t0, self.last, self.dirty = name, self._time(), -1.0, False

    def text(self, n: int, now: float) -> str:
        """The progress line for ``n`` done at time ``now``."""
        elapsed = max(now - self.t0, 1e-9)
        rate = n / elapsed
        if self.total:
            frac = min(max(n / self.total, 0.0), 1.0)
            bar = "#" * int(20 * frac) + "." * (20 - int(20 * frac))
            left = (self.total - n) / rate if rate > 0 else float("inf")
            eta = format_seconds(left) if left != float("inf") else "?"
            width = len(f"{self.total:,}")
            return (
                f"{self.name}: [{bar}] {n:>{width},}/{self.total:,} {self.unit} "
                f"({rate:,.1f}/s, {format_seconds(elapsed)} elapsed, {eta} left)"
            )
        text = f"{self.name}: {n:,} {self.unit} ({rate:,.0f}/s, {elapsed:.1f} s)"
        if self.bound:
            text += f", {100 * n / self.bound:.3g} % of the upper bound {self.bound:,}"
        return text

    def __call__(self, n: int) -> None:
        """Report ``n`` done so far."""
        now = self._time()
        done = self.total is not None and n >= self.total
        if not self.tty and now - self.last < self.every and not done:
            return
        self.last = now
        text = self.text(n, now)
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
