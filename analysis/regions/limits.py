"""Limits on the work of a region enumeration, and the errors that report them.

One :class:`Limits` object carries ``max_regions``, ``time_budget`` and ``progress`` through
every method (validated once, by :func:`validate_limits`). Methods call

* :meth:`Limits.tick` for each region found (or ``tick(k)`` for ``k`` at once),
* :meth:`Limits.check` inside every long loop, with ``pending``: the number of pieces of work
  (cells of a split, nodes on a stack, flats of a lattice) each known to hold at least one
  region not yet counted. ``found + pending`` is then a *lower bound* on the count, so a
  ``max_regions`` limit stops as soon as it is certain to be exceeded, and the time budget is
  looked at between any two steps of bounded cost.

Both errors are ``ValueError`` subclasses carrying ``lower_bound``: a proven lower bound on the
true count (the regions found, plus the pieces of work each holding at least one more), not the
count.

>>> err = RegionLimitExceeded("more than 10 regions", lower_bound=11)
>>> isinstance(err, ValueError), err.lower_bound
(True, 11)
>>> lim = Limits(max_regions=3)
>>> lim.tick(2); lim.check(pending=1)          # 2 found + 1 certain: still within the limit
>>> lim.check(pending=2)
Traceback (most recent call last):
...
analysis.regions.limits.RegionLimitExceeded: more than max_regions=3 regions: at least 4 ...
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = [
    "Limits",
    "RegionLimitExceeded",
    "RegionTimeBudgetExceeded",
    "validate_limits",
]


class RegionLimitExceeded(ValueError):
    """The enumeration would exceed ``max_regions``; ``lower_bound`` is a proven lower bound."""

    def __init__(self, message: str, lower_bound: int = 0):
        super().__init__(message)
        self.lower_bound = int(lower_bound)

    def __reduce__(self):  # keep lower_bound across process boundaries
        return (type(self), (self.args[0], self.lower_bound))


class RegionTimeBudgetExceeded(ValueError):
    """The enumeration ran past ``time_budget`` seconds; ``lower_bound`` bounds the count."""

    def __init__(self, message: str, lower_bound: int = 0):
        super().__init__(message)
        self.lower_bound = int(lower_bound)

    def __reduce__(self):
        return (type(self), (self.args[0], self.lower_bound))


def validate_limits(
    max_regions: Any = None,
    time_budget: Any = None,
    progress: Any = None,
    executor: Any = None,
) -> tuple[int | None, float | None]:
    """Check the limit options of every counting method; return them normalised.

    ``max_regions``: a positive integer (numpy integers too, not ``bool``); ``time_budget``:
    a positive finite number of seconds; ``progress``: a callable; ``executor``: a
    :class:`concurrent.futures.Executor`. ``None`` means "no limit" / "not used".

    >>> validate_limits(max_regions=__import__("numpy").int64(5), time_budget=2)
    (5, 2.0)
    >>> validate_limits(max_regions=0)
    Traceback (most recent call last):
    ...
    ValueError: max_regions must be a positive integer, got 0
    """
    mr: int | None = None
    if max_regions is not None:
        if isinstance(max_regions, bool) or not isinstance(max_regions, numbers.Integral):
            raise TypeError(
                f"max_regions must be a positive integer, got {type(max_regions).__name__}"
            )
        mr = int(max_regions)
        if mr < 1:
            raise ValueError(f"max_regions must be a positive integer, got {mr}")
    tb: float | None = None
    if time_budget is not None:
        if isinstance(time_budget, bool) or not isinstance(time_budget, numbers.Real):
            raise TypeError(
                f"time_budget must be a positive number of seconds, "
                f"got {type(time_budget).__name__}"
            )
        tb = float(time_budget)
        if not (math.isfinite(tb) and tb > 0):
            raise ValueError(
                f"time_budget must be a positive finite number of seconds, got {time_budget!r}"
            )
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable, got {type(progress).__name__}")
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(
            f"executor must be a concurrent.futures.Executor, got {type(executor).__name__}"
        )
    return mr, tb


class Limits:
    """The running count of an enumeration, with its limits and progress reports.

    Parameters
    ----------
    max_regions : int, optional
        Raise :class:`RegionLimitExceeded` once the count is certain to exceed it.
    time_budget : float, optional
        Seconds from now; raise :class:`RegionTimeBudgetExceeded` past them.
    progress : callable, optional
        Called with the number found so far, at geometrically spaced counts. When it has a
        ``phase`` method, that is called with the name of each new phase of the work.
    deadline : float, optional
        An absolute ``time.time()`` deadline (for workers sharing one budget).
    bound : int, optional
        An upper bound on the count, quoted in the error message.
    """

    def __init__(
        self,
        max_regions: Any = None,
        time_budget: Any = None,
        progress: Callable[[int], Any] | None = None,
        *,
        deadline: float | None = None,
        bound: int | None = None,
    ):
        self.max_regions, self.time_budget = validate_limits(max_regions, time_budget, progress)
        if deadline is None and self.time_budget is not None:
            deadline = time.time() + self.time_budget
        self.deadline = deadline
        self.progress = progress
        self.bound = bound
        self.found = 0
        #: a lower bound on the whole count known in advance (e.g. from the first layer)
        self.floor = 0
        self._next_report = 1

    def worker(self) -> Limits:
        """A copy for a worker: same limit and deadline, its own count, no progress."""
        return Limits(self.max_regions, None, None, deadline=self.deadline, bound=self.bound)

    def _bound_note(self) -> str:
        return f"; the upper bound is {self.bound}" if self.bound else ""

    def tick(self, n: int = 1) -> None:
        """Count ``n`` regions found, then apply the limits and report progress."""
        self.found += n
        if self.max_regions is not None and self.found > self.max_regions:
            self._limit(self.found)
        self.check_time()
        if self.progress is not None and self.found >= self._next_report:
            self.progress(self.found)
            self._next_report = max(self.found + 1, int(self.found * 1.25))

    def check(self, pending: int = 0) -> None:
        """Apply the limits when ``pending`` more regions are certain (see the module doc)."""
        pending = max(pending, self.floor - self.found)
        if self.max_regions is not None and self.found + pending > self.max_regions:
            self._limit(self.found + pending)
        self.check_time(pending)

    def check_time(self, pending: int = 0) -> None:
        """Raise :class:`RegionTimeBudgetExceeded` when the deadline has passed."""
        if self.deadline is not None and time.time() > self.deadline:
            pending = max(pending, self.floor - self.found)
            budget = f"time budget of {self.time_budget:g} s" if self.time_budget else "time budget"
            raise RegionTimeBudgetExceeded(
                f"{budget} exceeded: at least {self.found + pending} regions "
                f"({self.found} found, {pending} more certain){self._bound_note()}",
                lower_bound=self.found + pending,
            )

    def counted(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, counting each one found (a method whose loop has no ticks)."""
        for item in items:
            self.tick()
            yield item

    def phase(self, name: str) -> None:
        """Tell the progress reporter that a new phase of the work starts."""
        hook = getattr(self.progress, "phase", None)
        if callable(hook):
            hook(name)

    def _limit(self, lower: int) -> None:
        raise RegionLimitExceeded(
            f"more than max_regions={self.max_regions} regions: at least {lower} "
            f"({self.found} found, {lower - self.found} more certain){self._bound_note()}",
            lower_bound=lower,
        )
