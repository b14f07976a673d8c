"""Exact edge subdivision ("edges" method): the polyhedral complex on a box, no LP.

The vertices and edges of the network's complex are built unit by unit in certified float64
(:mod:`.complex`); the cells are counted by their lexicographically smallest vertices and the
facets between them read off the same vertices (:mod:`.cells`); the linear regions are the
components of the facets across which the output map does not change (:mod:`.linear`).
Every decision is exact. Where the arrangement is not simple (a vertex exactly on a unit's
zero set: ties, coinciding or concurrent hyperplanes, dead units with zero weights), the
count is taken by the next exact method instead: polygons in 2 inputs, else subdivision with
LPs. The result is the same; only the time differs.

Measured (``python benchmarks/regions.py``): see the README's performance table.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork.random((3, 8, 8, 1), seed=0)
>>> box = [(-1, 1)] * 3
>>> count_edges(net, box) == count_edges(net, box, fallback_only=True)
True
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box, normalize_domain
from analysis.regions.limits import Limits
from analysis.regions.methods.edges.cells import build, count_cells, up_edges
from analysis.regions.methods.edges.exact import Degenerate
from analysis.regions.methods.edges.linear import linear_count
from analysis.regions.methods.lp import subdivision
from analysis.regions.methods.polygon import polygons
from analysis.regions.types import Region

__all__ = ["MAX_EDGES_INPUTS", "applies", "count", "count_edges", "iterate"]

#: The box's 2^d corners and d 2^(d-1) edges start the complex: 4,096 and 24,576 at d = 12.
MAX_EDGES_INPUTS = 12


def _fallback(net: ReLUNetwork, box: Box, limits: Limits, kind: str) -> int | None:
    """The next exact method's count: polygons in 2-D, else LPs.

    ``None`` for linear regions: the caller then counts them on the exact regions' graph.
    """
    mod = polygons if net.input_dim == 2 else subdivision
    return mod.count(net, box, limits, kind)


def count_edges(
    net: ReLUNetwork,
    domain: Any,
    kind: str = "activation",
    *,
    limits: Limits | None = None,
    fallback_only: bool = False,
) -> int | None:
    """The exact number of activation (or linear) regions of ``net`` on the box ``domain``.

    ``None`` only for linear regions of a non-simple arrangement (count them with
    :func:`analysis.regions.count_regions`, which then uses the exact regions' graph);
    ``fallback_only`` skips the complex (a reference for tests).
    """
    box = normalize_domain(domain, net.input_dim)
    reason = applies(net, box)
    if reason is not None or box is None:
        raise ValueError(reason)
    if limits is None:
        limits = Limits()
    if not fallback_only:
        try:
            cx = build(net, box, limits)
            if kind == "linear":
                limits.phase("region graph")
                n = linear_count(cx)
            else:
                n = count_cells(*up_edges(cx))
        except Degenerate:
            pass
        else:
            limits.tick(n)
            return n
    return _fallback(net, box, limits, kind)


# ---------------------------------------------------------------- the method's shape


def applies(net: ReLUNetwork, box: Any) -> str | None:
    """Why the method does not apply, or ``None`` (it needs a box and at least 2 inputs)."""
    if box is None:
        return "method 'edges' needs a box domain; for all of R^d use method='lp'"
    if net.input_dim < 2:
        return "method 'edges' needs at least 2 inputs; for 1 input use method='oned'"
    if net.input_dim > MAX_EDGES_INPUTS:
        return (
            f"method 'edges' starts from the box's 2^d corners: at most {MAX_EDGES_INPUTS} "
            f"inputs, this network has {net.input_dim} (use method='lp', or slice it)"
        )
    return None


def iterate(net: ReLUNetwork, box: Any, limits: Limits, **opts: Any) -> Iterator[Region]:
    """The regions with their exact maps, from the next exact method."""
    mod = polygons if net.input_dim == 2 else subdivision
    return mod.iterate(net, box, limits, **opts)


def count(
    net: ReLUNetwork, box: Any, limits: Limits, kind: str = "activation", **opts: Any
) -> int | None:
    """The exact count of activation or linear regions."""
    return count_edges(net, box, kind, limits=limits)
