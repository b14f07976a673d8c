"""The ``"lp"`` method: layer-wise subdivision with certified LPs, any input dimension."""

from analysis.regions.methods.lp.subdivision import (
    count_regions_lp,
    iter_regions_lp,
    layerwise_upper_bound,
)

__all__ = [
    "count_regions_lp",
    "iter_regions_lp",
    "layerwise_upper_bound",
]
