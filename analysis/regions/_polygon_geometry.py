"""Exact geometry of the polygon method: integer lines, vertices, cuts and the exact path.

Private helpers of :mod:`analysis.regions.polygon2d`. Lines are integer triples ``(a, b, c)``
for ``a x + b y + c = 0``; vertices are ``(X, Y, W, x, y)`` with ``W > 0``, the exact point
``(X / W, Y / W)`` and its nearest float64 coordinates ``x, y``. A new vertex is always the
intersection of two lines (two 2x2 determinants), never an interpolation.

>>> _meet((1, 0, -1), (0, 1, 1))[:3]          # x = 1 meets y = -1
(1, -1, 1)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from functools import partial
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded

__all__: list[str] = []

_Line = tuple[int, int, int]  # a x + b y + c = 0
# (X, Y, W, x, y): W > 0, the exact point (X / W, Y / W) and its nearest floats x, y
_Vertex = tuple[int, int, int, float, float]


def _layer_ints(net: ReLUNetwork) -> list[tuple[list[list[int]], list[int], int]]:
    """Per layer: integer weights, integer biases and their common denominator."""
    out = []
    for W, B in zip(net.exact_weights, net.exact_biases):
        den = 1
        for v in (*W.reshape(-1), *B):
            den = den * v.denominator // math.gcd(den, v.denominator)
        Wi = [[int(v * den) for v in row] for row in W]
        Bi = [int(v * den) for v in B]
        out.append((Wi, Bi, den))
    return out


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
    g = math.gcd(X, Y, W)
    if g > 1:
        X, Y, W = X // g, Y // g, W // g
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


class _Budget:
    def __init__(
        self,
        max_regions: int | None,
        time_budget: float | None,
        progress: Callable[[int], Any] | None,
    ):
        if max_regions is not None and (not isinstance(max_regions, int) or max_regions < 0):
            raise ValueError(f"max_regions must be a non-negative int, got {max_regions!r}")
        if time_budget is not None and not time_budget > 0:
            raise ValueError(
                f"time_budget must be a positive number of seconds, got {time_budget!r}"
            )
        self.max_regions = max_regions
        self.deadline = None if time_budget is None else time.monotonic() + time_budget
        self.time_budget = time_budget
        self.progress = progress
        self.found = 0

    def tick(self) -> None:
        self.found += 1
        n = self.found
        if self.max_regions is not None and n > self.max_regions:
            raise RegionLimitExceeded(
                f"more than max_regions={self.max_regions} regions; the {n} found so far are "
                "a lower bound",
                lower_bound=n,
            )
        if n % 256 == 0:
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise RegionTimeBudgetExceeded(
                    f"time_budget={self.time_budget} s exceeded after {n} regions (a lower "
                    "bound on the count)",
                    lower_bound=n,
                )
            if self.progress is not None:
                self.progress(n)


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
    net: ReLUNetwork, box: Any, budget: _Budget
) -> Iterator[tuple[tuple[tuple[int, ...], ...], list[_Vertex]]]:
    """Reference path: every pre-activation computed exactly (integers) on every polygon."""
    layers = _layer_ints(net)
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
        for row, bj in zip(Wi, Bi):
            gx = gy = 0
            f = bj * c
            for w, h in zip(row, H):
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
