"""The exact counting methods, one table: oned, edges, arrangement, polygon, lp, brute.

Every method module has the same shape:

* ``applies(net, box) -> str | None``: why it does not apply to ``net`` on ``box`` (or None);
* ``iterate(net, box, limits, **opts)``: the activation regions one at a time;
* ``count(net, box, limits, kind, executor, **opts) -> int | None``: the exact count, or
  ``None`` when the method has no direct count of that ``kind`` (the region graph then counts
  linear regions).

``limits`` is one :class:`~analysis.regions.limits.Limits` object, checked inside the method's
long loops. ``method="auto"`` takes the first method of :data:`AUTO_COUNT` (counting) or
:data:`AUTO_ENUMERATE` (listing regions) that applies.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
>>> [name for name in AUTO_COUNT if TABLE[name].applies(net, None) is None]
['arrangement', 'lp']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from analysis.regions.methods import brute
from analysis.regions.methods.arrangement import zaslavsky
from analysis.regions.methods.edges import method as edge_subdivision
from analysis.regions.methods.lp import subdivision
from analysis.regions.methods.oned import breakpoints
from analysis.regions.methods.polygon import polygons

__all__ = ["Method", "TABLE", "AUTO_COUNT", "AUTO_ENUMERATE"]


@dataclass(frozen=True)
class Method:
    """One counting method: its name and its three functions."""

    name: str
    applies: Callable[..., str | None]
    iterate: Callable[..., Any]
    count: Callable[..., int | None]

    @classmethod
    def of(cls, name: str, module: ModuleType) -> Method:
        """The method whose functions live in ``module``."""
        return cls(name, module.applies, module.iterate, module.count)


TABLE: dict[str, Method] = {
    "oned": Method.of("oned", breakpoints),
    "arrangement": Method.of("arrangement", zaslavsky),
    "edges": Method.of("edges", edge_subdivision),
    "polygon": Method.of("polygon", polygons),
    "lp": Method.of("lp", subdivision),
    "brute": Method.of("brute", brute),
}
#: ``auto`` for counting: exact breakpoints, edge subdivision on boxes, the lattice, then LPs
AUTO_COUNT = ("oned", "edges", "arrangement", "polygon", "lp")
#: ``auto`` for listing regions: the cell-by-cell arrangement is slower than subdivision
AUTO_ENUMERATE = ("oned", "polygon", "lp")
