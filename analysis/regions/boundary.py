"""Decision boundaries, exactly: the pieces of ``{f = 0}`` or of the argmax boundary.

For one output the boundary is ``{x : f(x) = 0}``; for several outputs it is the argmax
boundary ``{x : f_i(x) = f_j(x) >= f_k(x) for all k}``. On each activation region every output
is one exact affine map, so the boundary inside a region's closure is a convex piece of a
hyperplane. A *piece* of the boundary is a maximal connected set on which it is one hyperplane:
the pieces of neighbouring regions on the same hyperplane that touch merge (this also joins the
two copies of a boundary that runs along a facet of both regions).

Counted exactly for networks with 1 input (pieces are points), 2 inputs on a box (pieces are
segments, from the exact polygons), and 3 or more inputs on a box (pieces are polytopes of
dimension d - 1, from the exact complex of :mod:`analysis.regions.methods.edges.ties`; that
needs a simple arrangement, and a real model is best sliced first,
:func:`analysis.regions.restrict`). The number of activation regions whose interior the
boundary crosses is reported beside it. (Tseran & Montúfar 2021 count such pieces in floating
point.)

>>> from analysis.networks import ReLUNetwork
>>> xor = ReLUNetwork([[[1, 1], [1, 1]], [[1, -2]]], [[0, -1], ["-1/2"]])   # XOR-like
>>> b = decision_boundary(xor, [(0, 1), (0, 1)])
>>> b.n_pieces, b.regions_crossed
(2, 2)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.api import enumerate_regions
from analysis.regions.domain import normalize_domain
from analysis.regions.exact.scaling import PatternMaps
from analysis.regions.methods.edges.exact import Degenerate
from analysis.regions.methods.edges.ties import tie_cells
from analysis.regions.methods.polygon import iter_polygons

__all__ = ["BoundaryPiece", "DecisionBoundary", "decision_boundary", "count_boundary_pieces"]

Point = tuple[Fraction, ...]


@dataclass(frozen=True)
class BoundaryPiece:
    """One piece: its hyperplane ``a . x + b = 0`` (primitive integers) and its exact ends.

    In 1-D a piece is a point (``ends`` holds it once); in 2-D a segment with two ends; in 3
    or more inputs ``ends`` is empty (the piece is a polytope of dimension d - 1).
    ``outputs`` names the pair of outputs that tie on it (``(0, 0)`` for one output).
    """

    hyperplane: tuple[tuple[int, ...], int]
    ends: tuple[Point, ...]
    outputs: tuple[int, int]


@dataclass(frozen=True)
class DecisionBoundary:
    """The exact decision boundary on a domain: its pieces and the regions it crosses."""

    pieces: tuple[BoundaryPiece, ...]
    regions_crossed: int
    n_regions: int
    #: regions on which the tie holds identically (e.g. f = 0 on a whole region): no piece
    tie_regions: int = 0

    @property
    def n_pieces(self) -> int:
        """The number of pieces (exact)."""
        return len(self.pieces)


def _primitive(a: Sequence[Fraction], b: Fraction) -> tuple[tuple[int, ...], int]:
    den = math.lcm(b.denominator, *(v.denominator for v in a))
    ints = [int(v * den) for v in a] + [int(b * den)]
    g = math.gcd(*ints)
    ints = [v // g for v in ints]
    lead = next(v for v in ints[:-1] if v != 0)
    s = 1 if lead > 0 else -1
    return tuple(s * v for v in ints[:-1]), s * ints[-1]


def _ties(A: Any, c: Any) -> list[tuple[tuple[int, int], list[Fraction], Fraction, list]]:
    """Per pair of outputs: the tie ``g = f_i - f_j`` and the half-spaces ``f_i >= f_k``."""
    m = len(c)
    if m == 1:
        return [((0, 0), list(A[0]), c[0], [])]
    out = []
    for i in range(m):
        for j in range(i + 1, m):
            g = [A[i][k] - A[j][k] for k in range(len(A[i]))]
            others = [
                ([A[i][k] - A[o][k] for k in range(len(A[i]))], c[i] - c[o])
                for o in range(m)
                if o not in (i, j)
            ]
            out.append(((i, j), g, c[i] - c[j], others))
    return out


def _clip_segment(
    verts: Sequence[tuple[Fraction, Fraction]], g: Sequence[Fraction], g0: Fraction, halves: list
) -> tuple[tuple[Point, Point], bool] | None:
    """The segment of ``g . x + g0 = 0`` in the closed polygon and half-planes ``h . x + h0 >= 0``.

    ``None`` when that is a point or empty; else the segment and whether its midpoint is
    inside the open polygon (the boundary crosses the region rather than running on its edge).
    """
    # parametrise the line: x = p + s * dvec
    gx, gy = g
    dvec = (-gy, gx)
    p = (-g0 * gx / (gx * gx + gy * gy), -g0 * gy / (gx * gx + gy * gy))
    lo: Fraction | None = None
    hi: Fraction | None = None
    n = len(verts)
    area2 = sum(
        verts[k][0] * verts[(k + 1) % n][1] - verts[(k + 1) % n][0] * verts[k][1] for k in range(n)
    )
    orient = 1 if area2 > 0 else -1
    cons = []
    for k in range(n):  # inside: the left side of every counter-clockwise edge
        (x0, y0), (x1, y1) = verts[k], verts[(k + 1) % n]
        ex, ey = x1 - x0, y1 - y0
        if ex == 0 and ey == 0:
            continue
        h = (-orient * ey, orient * ex)
        cons.append((h, -(h[0] * x0 + h[1] * y0)))
    edges = len(cons)
    cons += [((h[0], h[1]), h0) for h, h0 in halves]
    for (hx, hy), h0 in cons:  # h . (p + s d) + h0 >= 0
        slope = hx * dvec[0] + hy * dvec[1]
        val = hx * p[0] + hy * p[1] + h0
        if slope == 0:
            if val < 0:
                return None
            continue
        t = -val / slope
        if slope > 0:
            lo = t if lo is None or t > lo else lo
        else:
            hi = t if hi is None or t < hi else hi
    if lo is None or hi is None or not lo < hi:
        return None
    a = (p[0] + lo * dvec[0], p[1] + lo * dvec[1])
    b = (p[0] + hi * dvec[0], p[1] + hi * dvec[1])
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    inside = all(h[0] * mid[0] + h[1] * mid[1] + h0 > 0 for h, h0 in cons[:edges])
    return ((a, b) if a <= b else (b, a)), inside


def _merge_collinear(segments: list[tuple[Point, Point]]) -> list[tuple[Point, Point]]:
    """Union of closed collinear segments that touch or overlap (exact)."""
    segments = sorted(segments)
    out: list[list[Point]] = []
    for a, b in segments:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _one_winner(A: Any, c: Any, verts: Sequence[Point]) -> bool:
    """Whether one output is strictly largest (one output: of one strict sign) at every vertex.

    The differences of outputs are affine, so then they keep their signs on the whole convex
    polygon and the boundary does not meet it (exact).
    """
    vals = [
        [
            sum((a * x for a, x in zip(row, v, strict=True)), ci)
            for row, ci in zip(A, c, strict=True)
        ]
        for v in verts
    ]
    if len(c) == 1:
        return all(f[0] > 0 for f in vals) or all(f[0] < 0 for f in vals)
    best = max(range(len(c)), key=lambda k: vals[0][k])
    return all(f[best] > f[k] for f in vals for k in range(len(c)) if k != best)


def _boundary_2d(net: ReLUNetwork, box: Any) -> DecisionBoundary:
    by_line: dict[Any, list[tuple[Point, Point]]] = defaultdict(list)
    pair_of: dict[Any, tuple[int, int]] = {}
    crossed = ties = 0
    polys = list(iter_polygons(net, box))
    maps = PatternMaps(net)
    for poly in polys:
        A, c = maps.output(poly.pattern)
        if _one_winner(A, c, poly.vertices):
            continue  # an output beats every other at every vertex: no boundary here
        hit_inside = False
        for pair, g, g0, others in _ties(A, c):
            if g[0] == 0 and g[1] == 0:
                ties += g0 == 0 and not others  # tie everywhere here (one output: f = 0)
                continue  # the outputs tie everywhere here or nowhere: no boundary line
            clipped = _clip_segment(poly.vertices, g, g0, others)
            if clipped is None:
                continue
            seg, inside = clipped
            key = _primitive(g, g0)
            by_line[key].append(seg)
            pair_of.setdefault(key, pair)
            hit_inside = hit_inside or inside
        crossed += hit_inside
    pieces = [
        BoundaryPiece(key, seg, pair_of[key])
        for key, segs in sorted(by_line.items())
        for seg in _merge_collinear(segs)
    ]
    return DecisionBoundary(tuple(pieces), crossed, len(polys), ties)


def _boundary_1d(net: ReLUNetwork, domain: Any) -> DecisionBoundary:
    box = normalize_domain(domain, 1)
    lo, hi = (None, None) if box is None else box[0]
    points: dict[Fraction, tuple[int, int]] = {}
    crossed = ties = 0
    regions = enumerate_regions(net, domain)
    for r in regions:
        a_lo, a_hi = lo, hi
        for q in r.inequalities:  # a x + b > 0 on the region: its closure's ends
            (a,), b = q.a, q.b
            if a > 0:
                t = -b / a
                a_lo = t if a_lo is None or t > a_lo else a_lo
            elif a < 0:
                t = -b / a
                a_hi = t if a_hi is None or t < a_hi else a_hi
        inside = False
        for pair, g, g0, others in _ties(r.A, r.c):
            if g[0] == 0:
                ties += g0 == 0 and not others
                continue
            x = -g0 / g[0]
            if (a_lo is not None and x < a_lo) or (a_hi is not None and x > a_hi):
                continue
            if any(h[0] * x + h0 < 0 for h, h0 in others):
                continue
            if lo is not None and hi is not None and not lo < x < hi:
                continue
            points.setdefault(x, pair)
            inside = inside or ((a_lo is None or x > a_lo) and (a_hi is None or x < a_hi))
        crossed += inside
    pieces = [
        BoundaryPiece(_primitive([Fraction(1)], -x), ((x,),), pair)
        for x, pair in sorted(points.items())
    ]
    return DecisionBoundary(tuple(pieces), crossed, len(regions), ties)


def decision_boundary(net: ReLUNetwork, domain: Any = None) -> DecisionBoundary:
    """The exact pieces of ``net``'s decision boundary on ``domain`` (see the module doc).

    Parameters
    ----------
    net : ReLUNetwork
        1 input (any domain), or 2 or more inputs on a box.
    domain : None or sequence of (lo, hi)

    Returns
    -------
    DecisionBoundary
        ``pieces`` (exact), ``n_pieces``, and ``regions_crossed``: the activation regions whose
        interior the boundary passes through.
    """
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be an analysis.networks.ReLUNetwork, got {type(net).__name__}")
    if net.input_dim == 1:
        return _boundary_1d(net, domain)
    if net.input_dim == 2:
        if domain is None:
            raise ValueError("a 2-input decision boundary is counted on a box: give domain")
        return _boundary_2d(net, normalize_domain(domain, 2))
    if domain is None:
        raise ValueError(
            f"a {net.input_dim}-input decision boundary is counted on a box: give domain "
            "(or restrict the network to a line or a plane: analysis.regions.restrict)"
        )
    return _boundary_nd(net, normalize_domain(domain, net.input_dim))


def _boundary_nd(net: ReLUNetwork, box: Any) -> DecisionBoundary:
    """3 or more inputs on a box: the pieces from the exact complex (a simple arrangement)."""
    try:
        tc = tie_cells(net, box)
    except Degenerate as why:
        raise ValueError(
            f"the decision boundary in {net.input_dim} inputs needs a simple arrangement "
            f"within the float range, and here {why}; slice the network "
            "(analysis.regions.restrict) or move the box"
        ) from None
    maps = PatternMaps(net)
    pieces = []
    for pattern, (i, j) in zip(tc.patterns, tc.pairs, strict=True):
        A, c, _ = maps.pre(tuple(pattern))  # the outputs, over a positive scale
        g = A[0] if len(c) == 1 else A[i] - A[j]
        g0 = c[0] if len(c) == 1 else c[i] - c[j]
        pieces.append(
            BoundaryPiece(_primitive([Fraction(int(v)) for v in g], Fraction(int(g0))), (), (i, j))
        )
    return DecisionBoundary(tuple(pieces), tc.regions_crossed, tc.n_regions)


def count_boundary_pieces(net: ReLUNetwork, domain: Any = None) -> int:
    """The exact number of pieces of the decision boundary (see :func:`decision_boundary`).

    >>> from analysis.networks import ReLUNetwork
    >>> count_boundary_pieces(ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [-1]]))  # |x| = 1
    2
    """
    return decision_boundary(net, domain).n_pieces
