"""The ``"oned"`` method: exact breakpoints layer by layer, one input."""

from analysis.regions.methods.oned.breakpoints import (
    check_network_1d,
    count_regions_1d,
    iter_regions_1d,
    upper_bound_1d,
)

__all__ = [
    "iter_regions_1d",
    "count_regions_1d",
    "upper_bound_1d",
    "check_network_1d",
]
