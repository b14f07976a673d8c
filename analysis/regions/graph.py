"""The region graph: activation regions, joined across shared facets.

Two activation regions are adjacent when their closures share a ``(D_i - 1)``-dimensional
face. That face lies on a hyperplane that bounds one region on its positive side and the other
on its negative side, so candidates are pairs of regions carrying opposite inequalities with
the same (exact, primitive integer) hyperplane; a candidate pair is adjacent iff the other
inequalities of both regions are strictly feasible *on* that hyperplane, decided exactly by
:func:`analysis.regions.lp.interior_point` in ``D_i - 1`` variables.

Linear regions (``kind="linear"``) are the connected components after merging adjacent regions
with the same exact output map ``(A, c)``.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])   # relu(x) + relu(y)
>>> G = region_graph(net)
>>> G.number_of_nodes(), G.number_of_edges()     # four quadrants in a cycle
(4, 4)
>>> sorted(len(G.edges[e]["units"]) for e in G.edges)  # one unit flips across each facet
[1, 1, 1, 1]
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import networkx as nx

from analysis.networks import ReLUNetwork
from analysis.regions.lp import interior_point
from analysis.regions.types import Inequality, Region

__all__ = ["region_graph", "count_linear_regions", "shares_facet"]


def _key(q: Inequality) -> tuple[tuple[tuple[int, ...], int], int]:
    """Primitive integer hyperplane of ``q`` (first nonzero coefficient > 0) and orientation."""
    den = math.lcm(q.b.denominator, *(v.denominator for v in q.a))
    ints = [int(v * den) for v in q.a] + [int(q.b * den)]
    g = math.gcd(*ints)
    ints = [v // g for v in ints]
    lead = next(v for v in ints[:-1] if v != 0)
    sgn = 1 if lead > 0 else -1
    return (tuple(sgn * v for v in ints[:-1]), sgn * ints[-1]), sgn


def shares_facet(r1: Region, r2: Region, hyperplane: tuple[Sequence[int], int]) -> bool:
    """Whether ``r1`` and ``r2`` share a ``(d-1)``-dimensional face on ``a . x + b = 0``.

    Both regions must lie on opposite sides of the hyperplane (the caller's candidate test).

    >>> from fractions import Fraction as F
    >>> left = Region(((False,),), (F(-1),), (Inequality((F(-1),), F(0)),), ((F(0),),), (F(0),))
    >>> right = Region(((True,),), (F(1),), (Inequality((F(1),), F(0)),), ((F(1),),), (F(0),))
    >>> shares_facet(left, right, ((1,), 0))
    True
    """
    a, b = [Fraction(v) for v in hyperplane[0]], Fraction(hyperplane[1])
    key = _key(Inequality(tuple(a), b))[0]
    ineqs = [*r1.inequalities, *r2.inequalities]
    keys = [_key(q)[0] if any(q.a) else None for q in ineqs]
    return _shares(ineqs, keys, key)


def _shares(ineqs: Sequence[Inequality], keys: Sequence[Any], key: Any) -> bool:
    """:func:`shares_facet` with the inequalities' hyperplane keys precomputed."""
    a = [Fraction(v) for v in key[0]]
    b = Fraction(key[1])
    p = next(i for i, v in enumerate(a) if v != 0)
    rows, consts = [], []
    for q, k in zip(ineqs, keys):
        if k is None:
            if q.b <= 0:
                return False
            continue
        if k == key:
            continue
        f = q.a[p] / a[p]
        row = [q.a[j] - f * a[j] for j in range(len(a)) if j != p]
        c = q.b - f * b
        if not any(row):
            if c <= 0:
                return False
            continue
        rows.append(row)
        consts.append(c)
    if not rows:
        return True
    return interior_point(rows, consts) is not None


def region_graph(
    net: ReLUNetwork,
    domain: Any = None,
    method: str = "auto",
    regions: Sequence[Region] | None = None,
    **opts: Any,
) -> nx.Graph:
    """The graph of activation regions, with an edge per shared facet.

    Parameters
    ----------
    net : ReLUNetwork
    domain : None or sequence of (lo, hi)
    method : str
        Enumeration method (see :func:`analysis.regions.count_regions`).
    regions : sequence of Region, optional
        Already enumerated regions of ``net`` on ``domain`` (skips the enumeration).
    **opts
        Limits passed to the enumeration (``max_regions``, ``time_budget``, ``progress``).

    Returns
    -------
    networkx.Graph
        Nodes ``0..n-1`` with attributes ``pattern``, ``point`` (exact), ``A``, ``c`` and
        ``region``; edges with ``units``, the hidden units ``(layer, index)`` whose activation
        differs across the facet.

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1], [1]], [[1, 1]]], [[0, -1], [0]])   # kinks at 0 and 1
    >>> G = region_graph(net)
    >>> sorted(G.edges[e]["units"] for e in G.edges)
    [((0, 0),), ((0, 1),)]
    """
    if regions is None:
        from analysis.regions.api import enumerate_regions

        regions = enumerate_regions(net, domain, method, **opts)
    G = nx.Graph()
    groups: dict[Any, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    rkeys: list[list[Any]] = []
    for i, r in enumerate(regions):
        G.add_node(i, pattern=r.pattern, point=r.point, A=r.A, c=r.c, region=r)
        seen = set()
        ks = [_key(q) if any(q.a) else None for q in r.inequalities]
        rkeys.append([k[0] if k else None for k in ks])
        for q, ksg in zip(r.inequalities, ks):
            if q.unit is None or ksg is None:
                continue
            key, sgn = ksg
            if (key, sgn) in seen:
                continue
            seen.add((key, sgn))
            groups[key][0 if sgn > 0 else 1].append(i)
    # First-layer pre-activations are the same affine maps everywhere, so across a facet on H
    # every first-layer unit whose hyperplane is not H keeps its activation: pair only regions
    # whose first-layer patterns agree off those units (a necessary condition; the LP decides).
    key0: list[Any] = []
    if net.depth >= 1:
        for w, b in zip(net.exact_weights[0], net.exact_biases[0]):
            key0.append(_key(Inequality(tuple(w), b))[0] if any(w) else None)
    for key, (pos, neg) in groups.items():
        masked = {j for j, k0 in enumerate(key0) if k0 == key}

        def bucket(i: int, masked: set[int] = masked) -> tuple:
            first = regions[i].pattern[0] if regions[i].pattern else ()
            return tuple(None if j in masked else v for j, v in enumerate(first))

        neg_by: dict[tuple, list[int]] = defaultdict(list)
        for k in neg:
            neg_by[bucket(k)].append(k)
        for i in pos:
            for k in neg_by.get(bucket(i), ()):
                if G.has_edge(i, k) or i == k:
                    continue
                ineqs = [*regions[i].inequalities, *regions[k].inequalities]
                if _shares(ineqs, rkeys[i] + rkeys[k], key):
                    flips = tuple(
                        (l, j)
                        for l, (p1, p2) in enumerate(zip(regions[i].pattern, regions[k].pattern))
                        for j, (u, v) in enumerate(zip(p1, p2))
                        if u != v
                    )
                    G.add_edge(i, k, units=flips)
    return G


def count_linear_regions(
    net: ReLUNetwork, domain: Any = None, method: str = "auto", **opts: Any
) -> int:
    """Number of linear regions: components after merging facet-adjacent equal-map regions.

    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1, 0], [1, 0]], [[1, -1]]], [[0, 0], [0]])  # relu(x) - relu(x)
    >>> count_linear_regions(net)      # two activation regions, one affine map (zero)
    1
    """
    G = region_graph(net, domain, method, **opts)
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    for i, k in G.edges:
        if G.nodes[i]["A"] == G.nodes[k]["A"] and G.nodes[i]["c"] == G.nodes[k]["c"]:
            H.add_edge(i, k)
    return nx.number_connected_components(H)
