"""Exact geometry of the polygon method: integer lines, vertices, cuts and the exact path.

Private helpers of :mod:`analysis.regions.methods.polygon.polygons`. Lines are integer triples
``(a, b, c)``
for ``a x + b y + c = 0``; vertices are ``(X, Y, W, x, y)`` with ``W > 0``, the exact point
``(X / W, Y / W)`` and its nearest float64 coordinates ``x, y``. A new vertex is always the
intersection of two lines (two 2x2 determinants), never an interpolation.

>>> _meet((1, 0, -1), (0, 1, 1))[:3]          # x = 1 meets y = -1
(1, -1, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from functools import partial
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.exact.scaling import integer_layers
from analysis.regions.limits import Limits

__all__: list[str] = []

_Line = tuple[int, int, int]  # a x + b y + c = 0
# (X, Y, W, x, y): W > 0, the exact point (X / W, Y / W) (not reduced: two 2x2 determinants
# of primitive lines, so about twice their size) and its nearest floats x, y
_Vertex = tuple[int, int, int, float, float]


def _ratio(X: int, W: int) -> float:
    """The float nearest to ``X / W`` (correctly rounded), or +-inf beyond float64's range."""
    try:
        return X / W
    except OverflowError:
        return math.inf if (X > 0) == (W > 0) else -math.inf


def _meet(L1: _Line, L2: _Line) -> _Vertex:
    a1, b1, c1 = L1
    a2, b2, c2 = L2
    X = b1 * c2 - b2 * c1
    Y = c1 * a2 - c2 * a1
    W = a1 * b2 - a2 * b1
    if W < 0:
        X, Y, W = -X, -Y, -W
    return X, Y, W, _ratio(X, W), _ratio(Y, W)


def _split(
    verts: list[_Vertex], lines: list[_Line], cut: _Line, signs: list[int], side: int
) -> tuple[list[_Vertex], list[_Line]]:
    """The part of the polygon where ``side * cut >= 0`` (both strict sides are non-empty)."""
    nv, nl = [], []
    n = len(verts)
    for i in range(n):
        s, s_next = side * signs[i], side * signs[(i + 1) % n]
        if s > 0:
            nv.append(verts[i])
            nl.append(lines[i])
            if s_next < 0:
                nv.append(_meet(lines[i], cut))
                nl.append(cut)
        elif s == 0:
            nv.append(verts[i])
            nl.append(lines[i] if s_next > 0 else cut)
        elif s_next > 0:
            nv.append(_meet(lines[i], cut))
            nl.append(lines[i])
    return nv, nl


def _box_polygon(box: Sequence[tuple[Fraction, Fraction]]) -> tuple[list[_Vertex], list[_Line]]:
    (x0, x1), (y0, y1) = box
    den = math.lcm(x0.denominator, x1.denominator, y0.denominator, y1.denominator)
    X0, X1, Y0, Y1 = (int(v * den) for v in (x0, x1, y0, y1))
    verts = [
        (X, Y, den, _ratio(X, den), _ratio(Y, den))
        for X, Y in ((X0, Y0), (X1, Y0), (X1, Y1), (X0, Y1))
    ]
    # edge i goes from vertex i to vertex i+1 (counter-clockwise)
    lines = [(0, den, -Y0), (den, 0, -X1), (0, den, -Y1), (den, 0, -X0)]
    return verts, lines


def _check(net: Any, domain: Any) -> Any:
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be a ReLUNetwork, got {type(net).__name__}")
    if net.input_dim != 2:
        raise ValueError(f"the polygon method needs 2 inputs, this network has {net.input_dim}")
    if domain is None:
        raise ValueError(
            "the polygon method needs a box domain [(lo, hi), (lo, hi)]; for all of R^2 use "
            "method='lp'"
        )
    box = normalize_domain(domain, 2)
    assert box is not None
    return box


def _cut_pieces(
    pieces: list[tuple[list[_Vertex], list[_Line], tuple[int, ...]]],
    signs_of: Callable[[list[_Vertex]], list[int]],
    line: Callable[[], _Line],
) -> list[tuple[list[_Vertex], list[_Line], tuple[int, ...]]]:
    """Split every piece along one unit's line; append the unit's sign to each pattern."""
    new = []
    for pv, pl, sg in pieces:
        signs = signs_of(pv)
        pos = 1 in signs
        if pos and -1 in signs:
            cut = line()
            v1, l1 = _split(pv, pl, cut, signs, 1)
            new.append((v1, l1, (*sg, 1)))
            v2, l2 = _split(pv, pl, cut, signs, -1)
            new.append((v2, l2, (*sg, 0)))
        else:
            new.append((pv, pl, (*sg, 1 if pos else 0)))
    return new


def _leaves_exact(
    net: ReLUNetwork, box: Any, budget: Limits
) -> Iterator[tuple[tuple[tuple[int, ...], ...], list[_Vertex]]]:
    """Reference path: every pre-activation computed exactly (integers) on every polygon."""
    layers = integer_layers(net)
    K = net.depth
    verts, lines = _box_polygon(box)
    H0 = [[1, 0, 0], [0, 1, 0]]  # h_0(x) = x: rows (coeff_x, coeff_y, const), denominator 1
    stack: list[
        tuple[int, tuple[tuple[int, ...], ...], list[_Vertex], list[_Line], list[list[int]]]
    ]
    stack = [(0, (), verts, lines, H0)]
    dens = [1]
    for _, _, den in layers[:-1]:
        dens.append(dens[-1] * den)
    while stack:
        l, pattern, verts, lines, H = stack.pop()
        if l == K:
            budget.tick()
            yield pattern, verts
            continue
        Wi, Bi, _ = layers[l]
        c = dens[l]
        pieces: list[tuple[list[_Vertex], list[_Line], tuple[int, ...]]] = [(verts, lines, ())]
        Z = []
        for row, bj in zip(Wi, Bi, strict=True):
            gx = gy = 0
            f = bj * c
            for w, h in zip(row, H, strict=True):
                if w:
                    gx += w * h[0]
                    gy += w * h[1]
                    f += w * h[2]
            Z.append([gx, gy, f])
            if gx == 0 and gy == 0:
                pieces = [(pv, pl, (*sg, 1 if f > 0 else 0)) for pv, pl, sg in pieces]
                continue
            g = math.gcd(gx, gy, f)
            cut = (gx // g, gy // g, f // g)

            pieces = _cut_pieces(pieces, partial(_exact_signs, cut), partial(_same, cut))
        for pv, pl, sg in reversed(pieces):
            Hn = [Z[j] if s else [0, 0, 0] for j, s in enumerate(sg)]
            stack.append((l + 1, (*pattern, sg), pv, pl, Hn))


def _exact_signs(line: _Line, pv: list[_Vertex]) -> list[int]:
    a, b, k = line
    return [_sgn(a * v[0] + b * v[1] + k * v[2]) for v in pv]


def _same(line: _Line) -> _Line:
    return line


def _sgn(v: int) -> int:
    return (v > 0) - (v < 0)


_CELLS_MAX_LINES = 32  # beyond this many cutting lines, split the polygon instead
_EPS = 2.0**-53
_TINY = 1e-300  # covers the absolute error of every product that underflows


def count_cells(S: list[list[float]], B: list[list[float]], n: int) -> int | None:
    """The number of cells that ``k`` lines cut a convex polygon into, from vertex values.

    ``S[i][v]`` is a float value of the affine function ``z_i`` at vertex ``v`` (of ``n``,
    counter-clockwise) and ``B[i][v]`` a rigorous bound on its error. If every sign below
    is certified by the floats, the lines are distinct and cross the interior, no vertex is
    on a line, and no three meet at one interior point; then, by Euler's formula, the count
    is ``1 + (lines that cut) + (pairs that cross inside)``. Otherwise returns ``None`` and
    the caller decides exactly (by splitting the polygon).

    Two chords cross inside the polygon iff the endpoints of one lie strictly on both sides
    of the other; an endpoint on an edge where both lines change sign is placed by the sign
    of ``z_i(v_b) z_j(v_b+1) - z_i(v_b+1) z_j(v_b)``. Three crossing chords are concurrent
    iff the 3x3 matrix of their values at three vertices is singular.

    >>> count_cells([[1.0, 1.0, -1.0, -1.0], [1.0, -1.0, -1.0, 1.0]], [[0.1] * 4] * 2, 4)
    4
    """
    if len(S) > _CELLS_MAX_LINES:
        return None
    sgs: list[list[int]] = []
    ends: list[tuple[int, int]] = []
    rows: list[int] = []
    for i, (si, bi) in enumerate(zip(S, B, strict=True)):
        sg = []
        for v in range(n):
            s, b = si[v], bi[v]
            if s > b:
                sg.append(1)
            elif s < -b:
                sg.append(-1)
            else:
                return None  # a vertex on (or too near) the line, or a non-finite value
        ch = [v for v in range(n) if sg[v] != sg[(v + 1) % n]]
        if not ch:
            continue  # does not cut
        if len(ch) != 2:
            return None  # impossible for a convex polygon; let the exact path decide
        sgs.append(sg)
        ends.append((ch[0], ch[1]))
        rows.append(i)
    k = len(rows)
    cross = [[False] * k for _ in range(k)]
    pairs = 0
    for a in range(k):
        i = rows[a]
        sgi = sgs[a]
        for c in range(a + 1, k):
            j = rows[c]
            sides = []
            for e in ends[c]:  # the endpoints of chord j, against line i
                e1 = (e + 1) % n
                if sgi[e] == sgi[e1]:
                    sides.append(sgi[e])
                    continue
                x0, x1, y0, y1 = S[i][e], S[i][e1], S[j][e], S[j][e1]
                u0, u1, w0, w1 = B[i][e], B[i][e1], B[j][e], B[j][e1]
                d = x0 * y1 - x1 * y0
                p = abs(x0 * y1) + abs(x1 * y0)
                err = (
                    u0 * (abs(y1) + w1) + abs(x0) * w1 + u1 * (abs(y0) + w0) + abs(x1) * w0
                ) + 4 * _EPS * p
                err = 2 * err + _TINY
                if not (abs(d) > err and math.isfinite(err)):
                    return None  # the crossings on edge e may coincide
                sides.append((1 if d > 0 else -1) * sgs[c][e1])
            if sides[0] != sides[1]:
                cross[a][c] = cross[c][a] = True
                pairs += 1
    if pairs >= 3:
        q = (0, n // 3, (2 * n) // 3)
        for a in range(k):
            for c in range(a + 1, k):
                if not cross[a][c]:
                    continue
                for m in range(c + 1, k):
                    if (
                        cross[a][m]
                        and cross[c][m]
                        and not _not_concurrent(S, B, (rows[a], rows[c], rows[m]), q)
                    ):
                        return None
    return 1 + k + pairs


def _not_concurrent(
    S: list[list[float]], B: list[list[float]], idx: tuple[int, int, int], q: tuple[int, ...]
) -> bool:
    """Certify that three lines are not concurrent: det of their values at 3 vertices != 0."""
    M = [[S[i][v] for v in q] for i in idx]
    E = [[B[i][v] for v in q] for i in idx]
    A = [[abs(x) for x in r] for r in M]
    AE = [[x + e for x, e in zip(r, re, strict=True)] for r, re in zip(A, E, strict=True)]
    det = _det3(M)
    # |det(M + E) - det(M)| <= per(|M| + E) - per(|M|); float evaluation: <= 24 u per(|M| + E)
    pa, pae = _per3(A), _per3(AE)
    err = 2 * ((pae - pa) + 24 * _EPS * pae) + _TINY
    return abs(det) > err and math.isfinite(err)


def _det3(M: list[list[float]]) -> float:
    (a, b, c), (d, e, f), (g, h, i) = M
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)


def _per3(M: list[list[float]]) -> float:
    (a, b, c), (d, e, f), (g, h, i) = M
    return a * (e * i + f * h) + b * (d * i + f * g) + c * (d * h + e * g)
