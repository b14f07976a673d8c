"""Limits on the work of a region enumeration, and the errors that report them.

Both errors are ``ValueError`` subclasses carrying ``lower_bound``: the number of regions
found before the enumeration stopped, a *lower bound* on the true count (not the count).

>>> err = RegionLimitExceeded("more than 10 regions", lower_bound=11)
>>> isinstance(err, ValueError), err.lower_bound
(True, 11)
"""

from __future__ import annotations

__all__ = ["RegionLimitExceeded", "RegionTimeBudgetExceeded"]


class RegionLimitExceeded(ValueError):
    """The enumeration would exceed ``max_regions``; ``lower_bound`` regions were found."""

    def __init__(self, message: str, lower_bound: int = 0):
        super().__init__(message)
        self.lower_bound = int(lower_bound)

    def __reduce__(self):  # keep lower_bound across process boundaries
        return (type(self), (self.args[0], self.lower_bound))


class RegionTimeBudgetExceeded(ValueError):
    """The enumeration ran past ``time_budget`` seconds; ``lower_bound`` regions were found."""

    def __init__(self, message: str, lower_bound: int = 0):
        super().__init__(message)
        self.lower_bound = int(lower_bound)

    def __reduce__(self):
        return (type(self), (self.args[0], self.lower_bound))
