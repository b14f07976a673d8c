"""Exact linear-region counting and enumeration for ReLU networks.

See :mod:`analysis.regions.api` for what is counted (``kind="activation"`` vs ``"linear"``),
on which domain, and by which method.

>>> from analysis.networks import ReLUNetwork
>>> from analysis.regions import count_regions
>>> count_regions(ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]]))
4
"""

from analysis.regions.api import count_regions, enumerate_regions, iter_regions, region_graph
from analysis.regions.boundary import count_boundary_pieces, decision_boundary
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.slices import line_through, plane_through, restrict
from analysis.regions.types import Inequality, Region

__all__ = [
    "count_regions",
    "enumerate_regions",
    "iter_regions",
    "region_graph",
    "restrict",
    "line_through",
    "plane_through",
    "decision_boundary",
    "count_boundary_pieces",
    "Region",
    "Inequality",
    "RegionLimitExceeded",
    "RegionTimeBudgetExceeded",
]
