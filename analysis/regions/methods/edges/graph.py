"""The region graph from the exact complex: nodes carry their pattern now, the rest on demand.

Nodes ``0..R-1`` are the cells; an edge per facet between two cells, with ``units``: the one
hidden unit ``(layer, index)`` whose sign differs across it (the arrangement is simple). The
exact region of a node (``region``, ``point``, ``A``, ``c``) is computed the first time one of
these attributes is read, from the node's pattern (an exact interior point by
:func:`~analysis.regions.exact.feasibility.interior_point`), so building the graph costs about
as much as counting.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box
from analysis.regions.exact.feasibility import interior_point
from analysis.regions.exact.scaling import PatternMaps
from analysis.regions.limits import Limits
from analysis.regions.methods.edges.cells import build
from analysis.regions.methods.edges.exact import Degenerate
from analysis.regions.methods.edges.linear import facets, unpack
from analysis.regions.types import Inequality, Region

__all__ = ["complex_graph", "region_of_pattern"]

_LAZY = ("region", "point", "A", "c")


def region_of_pattern(
    net: ReLUNetwork,
    box: Box | None,
    pattern: tuple[tuple[bool, ...], ...],
    maps: PatternMaps | None = None,
) -> Region:
    """The exact :class:`Region` of a realised activation pattern."""
    maps = maps or PatternMaps(net)
    d = net.input_dim
    zero = Fraction(0)
    rows: list[tuple[Fraction, ...]] = []
    consts: list[Fraction] = []
    units: list[tuple[int, int] | None] = []
    for k, (lo, hi) in enumerate(box or ()):
        e = [zero] * d
        e[k] = Fraction(1)
        rows += [tuple(e), tuple(-v for v in e)]
        consts += [-lo, hi]
        units += [None, None]
    for layer, bits in enumerate(pattern):
        R, r, s = maps.pre(tuple(pattern[:layer]))
        for j, on in enumerate(bits):
            if any(R[j]):
                sign = 1 if on else -1
                rows.append(tuple(Fraction(sign * int(v), s) for v in R[j]))
                consts.append(Fraction(sign * int(r[j]), s))
                units.append((layer, j))
    point = interior_point(rows, consts)
    if point is None:  # cannot happen for a cell of the complex
        raise RuntimeError("a cell of the complex has no interior point")
    A, c = maps.output(pattern)
    ineqs = tuple(Inequality(a, b, u) for a, b, u in zip(rows, consts, units, strict=True))
    return Region(pattern, point, ineqs, A, c)


class _Loader:
    """The exact region of a pattern of one network on one box."""

    def __init__(self, net: ReLUNetwork, box: Box):
        self.net, self.box = net, box
        self.maps = PatternMaps(net)  # shared by every node: patterns share prefixes

    def __call__(self, pattern: tuple[tuple[bool, ...], ...]) -> Region:
        return region_of_pattern(self.net, self.box, pattern, self.maps)


class _Node(dict):
    """A node's attributes; the exact region's are filled in when first read."""

    __slots__ = ("load",)

    def __init__(self, *args: Any, load: _Loader | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.load = load

    def __missing__(self, key: Any) -> Any:
        if key not in _LAZY or self.load is None:
            raise KeyError(key)
        r = self.load(self["pattern"])
        self.update(region=r, point=r.point, A=r.A, c=r.c)
        return self[key]

    def copy(self) -> _Node:
        return _Node(self, load=self.load)


class _RegionGraph(nx.Graph):
    """A networkx graph whose nodes compute their exact regions on first use.

    Its copies, and copies of its subgraphs, keep that.
    """

    node_attr_dict_factory = _Node

    def copy(self, as_view: bool = False) -> Any:
        G = super().copy(as_view=as_view)
        if not as_view:
            for n, d in self._node.items():
                G._node[n] = d.copy() if isinstance(d, _Node) else dict(d)
        return G


def _patterns(act: np.ndarray, offs: np.ndarray) -> list[tuple[tuple[bool, ...], ...]]:
    """Per cell, its pattern as tuples; each layer's distinct tuples are made once."""
    layers = []
    for k in range(len(offs) - 1):
        part = np.ascontiguousarray(act[:, offs[k] : offs[k + 1]])
        key = part.view(np.dtype((np.void, part.shape[1]))).ravel()
        uniq, inv = np.unique(key, return_inverse=True)
        rows = [
            tuple(r)
            for r in np.frombuffer(uniq.tobytes(), dtype=bool)
            .reshape(len(uniq), part.shape[1])
            .tolist()
        ]
        layers.append(map(rows.__getitem__, inv.ravel().tolist()))
    return list(zip(*layers, strict=True))


def complex_graph(net: ReLUNetwork, box: Box, limits: Limits) -> nx.Graph | None:
    """The region graph from the complex, or ``None`` where the arrangement is not simple."""
    try:
        cx = build(net, box, limits)
        cells, lo, hi, units = facets(cx)
    except Degenerate:
        return None
    limits.tick(len(cells))
    widths = net.hidden_widths
    offs = np.cumsum((0, *widths))
    act = unpack(cells, cx.n_units)
    patterns = _patterns(act, offs) if widths else [()] * len(cells)
    load = _Loader(net, box)
    G = _RegionGraph()
    # the node and adjacency dicts filled in directly (networkx's own layout: one attribute
    # dict per edge, shared by both directions), which is several times faster than
    # add_edges_from on 10^5 edges
    G._node.update((i, _Node(pattern=p, load=load)) for i, p in enumerate(patterns))
    names = [((k, j),) for k in range(len(widths)) for j in range(widths[k])]
    data = [{"units": names[u]} for u in units.tolist()]
    src = np.concatenate([lo, hi])
    order = np.argsort(src, kind="stable")
    dst = np.concatenate([hi, lo])[order].tolist()
    which = np.concatenate([np.arange(len(lo))] * 2)[order].tolist()
    ends = np.cumsum(np.bincount(src, minlength=len(patterns))).tolist()
    get = data.__getitem__
    start = 0
    for i, end in enumerate(ends):
        G._adj[i] = dict(zip(dst[start:end], map(get, which[start:end]), strict=True))
        start = end
    return G
