"""The region graph: activation regions, joined across shared facets.

Two activation regions are adjacent when their closures share a ``(D_i - 1)``-dimensional
face. :func:`region_graph` finds each region's facets (a unit hyperplane ``H`` is a facet iff
the region's other inequalities are strictly feasible *on* ``H``: one LP per distinct
hyperplane, all in float batches with exact certificates or the exact simplex) and the region
across each facet by the exact activation pattern just across a relative-interior point of
the facet (lexicographic: value, then derivative along the outward normal), looked up in a
dictionary ``pattern -> node``. The cost is a few LPs and forward passes per region, not per
pair. :func:`shares_facet` tests one candidate pair directly, the old pairwise way, which the
tests use as an independent check.

Linear regions (``kind="linear"``) are the connected components after merging adjacent regions
with the same exact output map ``(A, c)``.

>>> from analysis.networks import ReLUNetwork
>>> from analysis.regions import region_graph
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
import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box
from analysis.regions.exact.feasibility import interior_point, solve_systems
from analysis.regions.limits import Limits
from analysis.regions.methods.lp.nodes import _IntNet
from analysis.regions.types import Inequality, Region

__all__ = ["connect_regions", "connect_polygons", "linear_components", "shares_facet"]


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
    for q, k in zip(ineqs, keys, strict=True):
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


def _int_row(q: Inequality) -> tuple[tuple[int, ...], int]:
    """``q`` as integers (a positive multiple of ``a . x + b``)."""
    den = math.lcm(q.b.denominator, *(v.denominator for v in q.a))
    return tuple(int(v * den) for v in q.a), int(q.b * den)


def _primitive(row: Sequence[int], c: int) -> tuple[tuple[tuple[int, ...], int], int]:
    """Primitive integer hyperplane (first nonzero coefficient > 0) and the orientation."""
    g = math.gcd(c, *row)
    lead = next(v for v in row if v != 0)
    sg = 1 if lead > 0 else -1
    return (tuple(sg * v // g for v in row), sg * c // g), sg


def _across(inet: Any, X: Sequence[int], den: int, dirv: Sequence[int]) -> tuple:
    """Activation pattern at ``X / den + eps * dirv`` for all small ``eps > 0`` (exact).

    Each pre-activation is the pair (value, derivative along ``dirv``), both exact integers
    over positive scales; a unit is active iff the pair is lexicographically positive, so a
    pre-activation that stays exactly 0 along the ray counts as inactive.
    """
    h = np.array(list(X), dtype=object)
    dh = np.array(list(dirv), dtype=object)
    D = den
    pattern = []
    for l in range(len(inet.Wi) - 1):
        W = inet.Wo[l]
        z = W.dot(h) + np.array(inet.bi[l], dtype=object) * D
        dz = W.dot(dh)
        act = tuple(
            bool(v > 0 or (v == 0 and w > 0)) for v, w in zip(z.tolist(), dz.tolist(), strict=True)
        )
        mask = np.array(act, dtype=bool)
        h = np.where(mask, z, 0).astype(object)
        dh = np.where(mask, dz, 0).astype(object)
        D = D * inet.s[l]
        pattern.append(act)
    return tuple(pattern)


def connect_regions(
    net: ReLUNetwork,
    box: Box | None,
    regions: Sequence[Region],
    limits: Limits | None = None,
) -> nx.Graph:
    """The graph of the activation regions ``regions`` of ``net`` on ``box``, joined by facets.

    See :func:`analysis.regions.region_graph` (which enumerates the regions and calls this).
    ``limits``: the time budget is looked at between chunks of regions.
    """
    limits = Limits() if limits is None else limits
    d = net.input_dim
    inet = _IntNet.from_net(net)
    G = nx.Graph()
    index: dict[Any, int] = {}
    for i, r in enumerate(regions):
        G.add_node(i, pattern=r.pattern, point=r.point, A=r.A, c=r.c, region=r)
        if r.pattern in index:
            raise ValueError(f"regions {index[r.pattern]} and {i} have the same pattern")
        index[r.pattern] = i
    box_keys: set[Any] = set()
    if box is not None:
        for k, (lo, hi) in enumerate(box):
            e = [Fraction(0)] * d
            e[k] = Fraction(1)
            box_keys.add(_key(Inequality(tuple(e), -lo))[0])
            box_keys.add(_key(Inequality(tuple(e), -hi))[0])
    # regions in chunks (bounded memory); per chunk: facet LPs in batches, then lookups
    done: set[tuple[int, Any]] = set()
    for first in range(0, len(regions), _CHUNK):
        limits.check_time(len(regions))
        _connect(
            G,
            net,
            inet,
            regions,
            range(first, min(first + _CHUNK, len(regions))),
            index,
            box,
            box_keys,
            done,
        )
    return G


def _connect(
    G: nx.Graph,
    net: ReLUNetwork,
    inet: Any,
    regions: Sequence[Region],
    chunk: range,
    index: dict[Any, int],
    box: Any,
    box_keys: set[Any],
    done: set[tuple[int, Any]],
) -> None:
    """Add the edges across the facets of the regions ``chunk`` (see :func:`region_graph`).

    ``done`` holds ``(region, hyperplane)`` facets whose (unique) neighbour is already
    joined; they need no LP. Found facets are added to it from the other side.
    """
    d = net.input_dim
    # facet problems: (region, key, orientation, reduced rows, reduced consts, pivot, boxed)
    problems: list[tuple[int, Any, int, list, list, int, bool]] = []
    for i in chunk:
        r = regions[i]
        ints = [_int_row(q) if any(q.a) else None for q in r.inequalities]
        keys = [_primitive(*ir) if ir is not None else None for ir in ints]
        unit_keys: dict[Any, int] = {}
        other_keys: set[Any] = set(box_keys)
        consts_ok = True
        for q, ks in zip(r.inequalities, keys, strict=True):
            if ks is None:
                consts_ok = consts_ok and q.b > 0
            elif q.unit is None:
                other_keys.add(ks[0])
            else:
                unit_keys.setdefault(ks[0], ks[1])
        if not consts_ok:
            continue
        boxed = box is not None and box_keys <= {ks[0] for ks in keys if ks is not None}
        for key, sg in unit_keys.items():
            if key in other_keys:  # the hyperplane is a face of the domain: nothing across
                continue
            if (i, key) in done:  # found from the region across
                continue
            h, h0 = key
            p = next(j for j, v in enumerate(h) if v != 0)
            hp = h[p]
            rows, consts = [], []
            for ir, ks in zip(ints, keys, strict=True):
                if ir is None or ks is None or ks[0] == key:
                    continue
                a, c = ir
                f = a[p]
                rows.append(tuple(hp * a[j] - f * h[j] for j in range(d) if j != p))
                consts.append(hp * c - f * h0)
            problems.append((i, key, sg, rows, consts, p, boxed))
    # solve the facet LPs, grouped by pivot coordinate (and whether the box bounds them)
    points: list[Any] = [None] * len(problems)
    groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for n_, pr in enumerate(problems):
        groups[(pr[5], pr[6])].append(n_)
    for (p, boxed), ids in groups.items():
        if d == 1:
            for n_ in ids:
                points[n_] = ((), 1) if all(c > 0 for c in problems[n_][4]) else None
            continue
        rbox = None
        if boxed and box is not None:
            den = math.lcm(*(v.denominator for pair in box for v in pair))
            rbox = (
                tuple(int(lo * den) for k, (lo, _) in enumerate(box) if k != p),
                tuple(int(hi * den) for k, (_, hi) in enumerate(box) if k != p),
                den,
            )
        sols = solve_systems([(problems[n_][3], problems[n_][4]) for n_ in ids], rbox, dim=d - 1)
        for n_, sol in zip(ids, sols, strict=True):
            points[n_] = sol
    for (i, key, sg, _, _, p, _), sol in zip(problems, points, strict=True):
        if sol is None:
            continue
        (h, h0), (Y, yden) = key, sol
        # the point on the hyperplane: x_p = -(h0 + sum_{j != p} h_j y_j) / h_p
        hp = h[p]
        rest = [v * hp for v in Y]
        xp = -(
            h0 * yden
            + sum(hj * yj for hj, yj in zip((v for j, v in enumerate(h) if j != p), Y, strict=True))
        )
        X = rest[:p] + [xp] + rest[p:]
        pat = _across(inet, X, yden * hp, [-sg * v for v in h])
        k = index.get(pat)
        if k is None or k == i:
            continue
        done.add((k, key))
        if G.has_edge(i, k):
            continue
        flips = tuple(
            (l, j)
            for l, (p1, p2) in enumerate(zip(regions[i].pattern, regions[k].pattern, strict=True))
            for j, (u, v) in enumerate(zip(p1, p2, strict=True))
            if u != v
        )
        G.add_edge(i, k, units=flips)


#: Regions whose facets are solved together in :func:`region_graph`.
_CHUNK = 256


def region_graph_pairs(net: ReLUNetwork, regions: Sequence[Region]) -> nx.Graph:
    """The region graph by testing candidate pairs (a slower, independent method).

    Pairs of regions with opposite inequalities on one hyperplane, bucketed by their
    first-layer pattern off that hyperplane's units, are tested by :func:`_shares`.
    """
    G = nx.Graph()
    groups: dict[Any, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    rkeys: list[list[Any]] = []
    for i, r in enumerate(regions):
        G.add_node(i, pattern=r.pattern)
        seen = set()
        ks = [_key(q) if any(q.a) else None for q in r.inequalities]
        rkeys.append([k[0] if k else None for k in ks])
        for q, ksg in zip(r.inequalities, ks, strict=True):
            if q.unit is None or ksg is None:
                continue
            key, sgn = ksg
            if (key, sgn) in seen:
                continue
            seen.add((key, sgn))
            groups[key][0 if sgn > 0 else 1].append(i)
    key0: list[Any] = []
    if net.depth >= 1:
        for w, b in zip(net.exact_weights[0], net.exact_biases[0], strict=True):
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
                        for l, (p1, p2) in enumerate(
                            zip(regions[i].pattern, regions[k].pattern, strict=True)
                        )
                        for j, (u, v) in enumerate(zip(p1, p2, strict=True))
                        if u != v
                    )
                    G.add_edge(i, k, units=flips)
    return G


def linear_components(G: nx.Graph) -> int:
    """Linear regions: components after merging facet-adjacent regions with equal maps.

    >>> from analysis.networks import ReLUNetwork
    >>> from analysis.regions import region_graph
    >>> net = ReLUNetwork([[[1, 0], [1, 0]], [[1, -1]]], [[0, 0], [0]])  # relu(x) - relu(x)
    >>> linear_components(region_graph(net))  # two activation regions, one affine map (zero)
    1
    """
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    for i, k in G.edges:
        if G.nodes[i]["A"] == G.nodes[k]["A"] and G.nodes[i]["c"] == G.nodes[k]["c"]:
            H.add_edge(i, k)
    return nx.number_connected_components(H)


def connect_polygons(net: ReLUNetwork, polygons: Sequence[Any]) -> nx.Graph:
    """The region graph of a 2-input network's exact polygons, without an LP.

    Every edge of a polygon lies on a facet (or on the box); the region across it is the one
    whose pattern is the exact pattern just across the edge's midpoint (:func:`_across`, a
    lexicographic perturbation along the outward normal), found by lookup. Nodes carry
    ``pattern``, ``point`` and ``polygon`` (whose ``region`` has the exact output map), edges
    ``units`` as in :func:`connect_regions`.
    """
    inet = _IntNet.from_net(net)
    G = nx.Graph()
    index: dict[Any, int] = {}
    for i, poly in enumerate(polygons):
        G.add_node(i, pattern=poly.pattern, point=poly.point, polygon=poly)
        index[poly.pattern] = i
    for i, poly in enumerate(polygons):
        vs = poly.vertices
        m = len(vs)
        area2 = sum(vs[k][0] * vs[(k + 1) % m][1] - vs[(k + 1) % m][0] * vs[k][1] for k in range(m))
        orient = 1 if area2 > 0 else -1  # counter-clockwise: the outward normal is (e_y, -e_x)
        for k in range(m):
            (x0, y0), (x1, y1) = vs[k], vs[(k + 1) % m]
            ex, ey = x1 - x0, y1 - y0
            if ex == 0 and ey == 0:
                continue
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            den = math.lcm(mx.denominator, my.denominator)
            nx_, ny_ = orient * ey, -orient * ex
            nden = math.lcm(nx_.denominator, ny_.denominator)
            pat = _across(
                inet,
                [int(mx * den), int(my * den)],
                den,
                [int(nx_ * nden), int(ny_ * nden)],
            )
            j = index.get(pat)
            if j is None or j == i or G.has_edge(i, j):
                continue  # the box's boundary, or already joined
            flips = tuple(
                (l, u)
                for l, (p1, p2) in enumerate(zip(G.nodes[i]["pattern"], pat, strict=True))
                for u, (a, b) in enumerate(zip(p1, p2, strict=True))
                if a != b
            )
            G.add_edge(i, j, units=flips)
    return G
