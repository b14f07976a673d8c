"""Deep ReLU networks with 2 inputs on a box: exact polygon splitting, layer by layer.

Every activation region of a network with two inputs is a convex polygon. Start from the box;
at hidden layer ``l`` every current polygon carries the exact affine map ``x -> h_{l-1}(x)`` of
the previous layer's outputs, so each unit's pre-activation ``z_j = g_j . x + f_j`` is affine
on it. Cut the polygon successively along each line ``z_j = 0``, keep only the pieces of
positive area (a cut happens only when some vertex is strictly on each side), and pass each
piece on with ``h_l = diag(active) z``.

Exactness and speed: all arithmetic is on Python integers. The layer maps are kept with a
common positive denominator per layer, vertices in homogeneous integer coordinates
``(X, Y, W)``, ``W > 0``, and every edge remembers its supporting line, so a new vertex is the
intersection of two lines (two 2x2 determinants) rather than an interpolation, which keeps the
numbers' sizes bounded by those of the lines. The sign of ``z_j`` at a vertex is the sign of
an integer: there is nothing to round.

A pre-activation exactly 0 on the whole polygon (or constant) does not cut it; a unit whose
line only touches the polygon (an edge or a vertex) leaves it on one side. Both are the
degenerate cases of issue 4, handled by the same sign test.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1], [1, -1]], [[1, 1]]],
...                   [[0, 0], [0, 0], [0]])
>>> count_regions_polygon(net, [(-1, 1), (-1, 1)])   # x - y cuts only the quadrant x, y > 0
5
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from fractions import Fraction
from operator import mul
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.types import Inequality, Region

__all__ = ["Polygon", "iter_polygons", "iter_regions_polygon", "count_regions_polygon"]

_Line = tuple[int, int, int]  # a x + b y + c = 0
# (X, Y, W, x, y): W > 0, the exact point (X / W, Y / W) and its nearest floats x, y
_Vertex = tuple[int, int, int, float, float]


@dataclass(frozen=True)
class Polygon:
    """One activation region of a 2-input network as an exact convex polygon.

    Attributes
    ----------
    pattern : tuple of tuple of bool
        Per hidden layer, which units are active in the interior.
    vertices : tuple of (Fraction, Fraction)
        The vertices in counter-clockwise order (a vertex where a cut only touched the polygon
        may be collinear with its neighbours).
    region : Region
        The same region as :class:`~analysis.regions.types.Region` (point, inequalities, map).
    """

    pattern: tuple[tuple[bool, ...], ...]
    vertices: tuple[tuple[Fraction, Fraction], ...]
    region: Region

    def area(self) -> Fraction:
        """The exact area (shoelace formula)."""
        v = self.vertices
        s = sum(
            (v[i][0] * v[(i + 1) % len(v)][1] - v[(i + 1) % len(v)][0] * v[i][1])
            for i in range(len(v))
        )
        return abs(Fraction(s)) / 2


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
    return X, Y, W, X / W, Y / W


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
    verts = [(X, Y, den, X / den, Y / den) for X, Y in ((X0, Y0), (X1, Y0), (X1, Y1), (X0, Y1))]
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

            def signs_of(pv: list[_Vertex], a: int = cut[0], b: int = cut[1], k: int = cut[2]):
                return [_sgn(a * v[0] + b * v[1] + k * v[2]) for v in pv]

            pieces = _cut_pieces(pieces, signs_of, lambda cut=cut: cut)
        for pv, pl, sg in reversed(pieces):
            Hn = [Z[j] if s else [0, 0, 0] for j, s in enumerate(sg)]
            stack.append((l + 1, (*pattern, sg), pv, pl, Hn))


def _sgn(v: int) -> int:
    return (v > 0) - (v < 0)


_U = 2.0**-53


class _Node:
    """The pre-activations ``Z_l`` of one layer on one polygon (shared by its pieces).

    Floats with a rigorous error bound decide most vertex signs: ``|z_j(v) - z~_j(v~)| <=
    ax_j |x~| + ay_j |y~| + ac_j`` for the exact vertex ``v`` and its float ``v~``. Exact
    integer rows are computed only for the units that need them (a cut, or a sign the floats
    cannot certify), recursively through the memoised nodes of the earlier layers.
    """

    __slots__ = ("l", "parent", "act", "rows", "zf", "ab", "net", "h")

    def __init__(self, net: _FastNet, l: int, parent: _Node | None, act: tuple[int, ...]):
        self.net, self.l, self.parent, self.act = net, l, parent, act
        self.rows: dict[int, tuple[int, int, int]] = {}
        self.h: tuple[list[int], list[int], list[int]] | None = None
        self.zf: Any = None  # (n, 3) floats of (g_x, g_y, f), set when the layer is processed
        self.ab: Any = None  # (n, 3) error coefficients (ax, ay, ac)

    def _inputs(self) -> tuple[list[int], list[int], list[int]]:
        """Exact columns of the previous layer's active outputs on this polygon (memoised)."""
        h = self.h
        if h is None:
            p = self.parent
            assert p is not None
            rows = [p.row(k) for k in self.act]
            h = self.h = (
                [r[0] for r in rows],
                [r[1] for r in rows],
                [r[2] for r in rows],
            )
        return h

    def row(self, j: int) -> tuple[int, int, int]:
        """Exact integer ``(g_x, g_y, f)`` of unit ``j`` (a positive multiple of z_j)."""
        r = self.rows.get(j)
        if r is not None:
            return r
        net, l = self.net, self.l
        Wi, Bi = net.Wi[l][j], net.Bi[l][j] * net.dens[l]
        if self.parent is None:
            r = (Wi[0], Wi[1], Bi)
        else:
            hx, hy, hc = self._inputs()
            w = [Wi[k] for k in self.act]
            r = (sum(map(mul, w, hx)), sum(map(mul, w, hy)), sum(map(mul, w, hc), Bi))
        self.rows[j] = r
        return r

    def signs(self, j: int, pv: list[_Vertex]) -> list[int]:
        """Exact signs of unit ``j`` at the vertices (floats where certified)."""
        gx, gy, f = self.zf[j].tolist()
        bx, by, bc = self.ab[j].tolist()
        out = []
        for v in pv:
            xf, yf = v[3], v[4]
            s = gx * xf + gy * yf + f
            b = bx * abs(xf) + by * abs(yf) + bc
            if s > b:
                out.append(1)
            elif s < -b:
                out.append(-1)
            else:
                a, bb, k = self.row(j)
                out.append(_sgn(a * v[0] + bb * v[1] + k * v[2]))
        return out

    def line(self, j: int) -> _Line:
        """The exact line ``z_j = 0`` as a primitive integer triple."""
        a, b, k = self.row(j)
        g = math.gcd(a, b, k)
        return (a // g, b // g, k // g)


class _FastNet:
    """Integer and float64 copies of a network's layers, with their error constants."""

    def __init__(self, net: ReLUNetwork):
        layers = _layer_ints(net)
        self.Wi = [w for w, _, _ in layers]
        self.Bi = [b for _, b, _ in layers]
        self.dens = [1]
        for _, _, den in layers[:-1]:
            self.dens.append(self.dens[-1] * den)
        self.Wf = list(net.weights)
        self.Wabs = [np.abs(w) for w in net.weights]
        self.bf = list(net.biases)
        self.babs = [np.abs(b) for b in net.biases]
        # gamma_{m+1} for a dot product of m terms plus the bias (Higham, Thm. 3.5), plus the
        # relative rounding of weights that are not float64 numbers
        dW = 0.0 if net.is_float_exact else 2 * _U
        self.gam = [(w.shape[1] + 2) * _U / (1 - (w.shape[1] + 2) * _U) + dW for w in net.weights]


_CHUNK = 1024  # polygons processed together (numpy batch) per layer


def _float_layer(fn: _FastNet, l: int, Hf: np.ndarray, EH: np.ndarray) -> tuple[Any, Any, Any]:
    """Batched float pre-activations, their error bounds and the vertex-sign coefficients."""
    with np.errstate(all="ignore"):
        Zf = np.matmul(fn.Wf[l], Hf)
        Zf[:, :, 2] += fn.bf[l]
        gam = fn.gam[l]
        # |fl(W H + b) - (W H + b)| <= |W| E_H + gamma (|W| (|H~| + E_H) + |b|)
        EZ = np.matmul(fn.Wabs[l], EH + gam * (np.abs(Hf) + EH))
        EZ[:, :, 2] += gam * fn.babs[l]
        EZ *= 2.0  # covers the rounding of the bound itself
        # sign at a float vertex: |g| |dv| + |dg| |v| + rounding of 3 terms, doubled
        AB = EZ * 2.0 + np.abs(Zf) * (8 * _U)
        AB[:, :, 2] += 1e-290
        bad = ~(np.isfinite(Zf).all(axis=2) & np.isfinite(AB).all(axis=2))
        if bad.any():  # overflow: let the exact rows decide these units
            Zf[bad] = 0.0
            AB[bad] = np.inf
    return Zf, EZ, AB


def _leaves_fast(
    net: ReLUNetwork, box: Any, budget: _Budget, shard: tuple[int, int] | None = None
) -> Iterator[tuple[tuple[tuple[int, ...], ...], list[_Vertex]]]:
    """Polygon splitting with certified float signs and exact fallback (same result).

    Polygons entering a layer are processed in numpy batches: one batched product gives every
    unit's float pre-activation and error bound on every polygon, and a unit certified
    strictly positive (or negative) at all of a polygon's vertices is so on all its pieces.
    Only the remaining units are handled one by one, with exact integers where needed.
    """
    fn = _FastNet(net)
    K = net.depth
    verts, lines = _box_polygon(box)
    if K == 0:  # an affine map: the box is one region
        if shard is not None and shard[0] != 0:
            return
        budget.tick()
        yield (), verts
        return
    Item = tuple[_Node, tuple[tuple[int, ...], ...], list[_Vertex], list[_Line]]
    root: list[Item] = [(_Node(fn, 0, None, ()), (), verts, lines)]
    H0 = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    stack: list[tuple[int, list[Item], np.ndarray, np.ndarray]] = [(0, root, H0, np.zeros_like(H0))]
    while stack:
        l, items, Hf, EH = stack.pop()
        Zf, EZ, AB = _float_layer(fn, l, Hf, EH)
        nv = max(len(it[2]) for it in items)
        xs = np.array([[v[3] for v in it[2]] + [it[2][0][3]] * (nv - len(it[2])) for it in items])
        ys = np.array([[v[4] for v in it[2]] + [it[2][0][4]] * (nv - len(it[2])) for it in items])
        with np.errstate(all="ignore"):
            S = Zf[:, :, 0:1] * xs[:, None, :] + Zf[:, :, 1:2] * ys[:, None, :] + Zf[:, :, 2:3]
            B = (
                AB[:, :, 0:1] * np.abs(xs)[:, None, :]
                + AB[:, :, 1:2] * np.abs(ys)[:, None, :]
                + AB[:, :, 2:3]
            )
        allpos = (S > B).all(axis=2)
        todo_mask = ~(allpos | (S < -B).all(axis=2))
        todo_all: list[list[int]] = [[] for _ in items]
        for p, j in zip(*(a.tolist() for a in np.nonzero(todo_mask))):
            todo_all[p].append(j)
        base_all = allpos.tolist()
        last = l + 1 == K
        out_items: list[Item] = []
        out_rows: list[int] = []
        out_masks: list[list[int]] = []
        for p, (node, pattern, pverts, plines) in enumerate(items):
            todo = todo_all[p]
            pieces: list[tuple[list[_Vertex], list[_Line], tuple[int, ...]]] = [
                (pverts, plines, ())
            ]
            if todo:
                node.zf, node.ab = Zf[p], AB[p]
            for j in todo:
                zj, aj = Zf[p, j], AB[p, j]
                if not (abs(zj[0]) > aj[0] or abs(zj[1]) > aj[1]):
                    row = node.row(j)  # possibly constant on the plane: decide exactly
                    if row[0] == 0 and row[1] == 0:
                        on = 1 if row[2] > 0 else 0
                        pieces = [(pv, pl, (*sg, on)) for pv, pl, sg in pieces]
                        continue
                pieces = _cut_pieces(
                    pieces,
                    lambda pv, j=j, nd=node: nd.signs(j, pv),
                    lambda j=j, nd=node: nd.line(j),
                )
            for pv, pl, sg in pieces:
                full = [1 if b else 0 for b in base_all[p]]
                for j, sj in zip(todo, sg):
                    full[j] = sj
                if last:
                    if shard is not None and l == 0:  # one hidden layer: no sharding
                        if shard[0] != 0:
                            continue
                    budget.tick()
                    yield (*pattern, tuple(full)), pv
                    continue
                act = tuple(j for j, sj in enumerate(full) if sj)
                out_items.append((_Node(fn, l + 1, node, act), (*pattern, tuple(full)), pv, pl))
                out_rows.append(p)
                out_masks.append(full)
        if shard is not None and l == 0:
            # keep this worker's share of the first layer's pieces, in an order fixed by the
            # exact patterns alone (independent of floating point on the worker's machine)
            part, parts = shard
            order = sorted(range(len(out_items)), key=lambda i: out_items[i][1])
            keep = sorted(order[part::parts])
            out_items = [out_items[i] for i in keep]
            out_rows = [out_rows[i] for i in keep]
            out_masks = [out_masks[i] for i in keep]
        if out_items:
            rows = np.array(out_rows)
            masks = np.array(out_masks, dtype=float)[:, :, None]
            Hn = Zf[rows] * masks
            En = EZ[rows] * masks
            for start in range(len(out_items), 0, -_CHUNK):
                lo = max(0, start - _CHUNK)
                stack.append((l + 1, out_items[lo:start], Hn[lo:start], En[lo:start]))


def _leaves(
    net: ReLUNetwork, domain: Any, budget: _Budget, exact_only: bool = False
) -> Iterator[tuple[tuple[tuple[int, ...], ...], list[_Vertex]]]:
    """Depth-first over the polygon tree: (signs per layer, exact vertices) of each region."""
    box = _check(net, domain)
    if exact_only:
        return _leaves_exact(net, box, budget)
    return _leaves_fast(net, box, budget)


def _to_polygon(
    net: ReLUNetwork,
    box: Sequence[tuple[Fraction, Fraction]],
    signs: tuple[tuple[int, ...], ...],
    verts: list[_Vertex],
) -> Polygon:
    vs = tuple((Fraction(v[0], v[2]), Fraction(v[1], v[2])) for v in verts)
    n = len(vs)
    point = (
        sum((v[0] for v in vs), Fraction(0)) / n,
        sum((v[1] for v in vs), Fraction(0)) / n,
    )
    pattern = tuple(tuple(bool(s) for s in layer) for layer in signs)
    # exact maps and inequalities in Fractions, from the pattern
    ineqs: list[Inequality] = []
    A = [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]]
    a = [Fraction(0), Fraction(0)]
    for l in range(net.depth):
        W, B = net.exact_weights[l], net.exact_biases[l]
        newA, newa = [], []
        for j in range(W.shape[0]):
            g = [sum((W[j, k] * A[k][i] for k in range(len(A))), Fraction(0)) for i in range(2)]
            f = sum((W[j, k] * a[k] for k in range(len(a))), B[j])
            on = pattern[l][j]
            if g[0] != 0 or g[1] != 0:
                s = 1 if on else -1
                ineqs.append(Inequality((s * g[0], s * g[1]), s * f, (l, j)))
            newA.append(g if on else [Fraction(0), Fraction(0)])
            newa.append(f if on else Fraction(0))
        A, a = newA, newa
    W, B = net.exact_weights[-1], net.exact_biases[-1]
    outA = tuple(
        tuple(sum((W[o, k] * A[k][i] for k in range(len(A))), Fraction(0)) for i in range(2))
        for o in range(W.shape[0])
    )
    outc = tuple(sum((W[o, k] * a[k] for k in range(len(a))), B[o]) for o in range(W.shape[0]))
    for i, (lo, hi) in enumerate(box):
        e = (Fraction(int(i == 0)), Fraction(int(i == 1)))
        ineqs.append(Inequality(e, -lo, None))
        ineqs.append(Inequality((-e[0], -e[1]), hi, None))
    region = Region(pattern, point, tuple(ineqs), outA, outc)
    return Polygon(pattern, vs, region)


def iter_polygons(
    net: ReLUNetwork,
    domain: Sequence[Any],
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    exact_only: bool = False,
) -> Iterator[Polygon]:
    """Yield every activation region of a 2-input network on a box as an exact polygon.

    Parameters
    ----------
    net : ReLUNetwork
        Two inputs, any depth.
    domain : sequence of two (lo, hi) pairs
        The box (``None`` is refused: use the LP method on all of R^2).
    max_regions, time_budget, progress, exact_only
        As in :func:`count_regions_polygon`.

    Yields
    ------
    Polygon

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 1]], [[1]]], [[0], [0]])
    >>> sorted(p.area() for p in iter_polygons(net, [(-1, 1), (-1, 1)]))
    [Fraction(2, 1), Fraction(2, 1)]
    """
    budget = _Budget(max_regions, time_budget, progress)
    box = normalize_domain(domain, 2) if domain is not None else None
    for signs, verts in _leaves(net, domain, budget, exact_only):
        assert box is not None
        yield _to_polygon(net, box, signs, verts)


def iter_regions_polygon(
    net: ReLUNetwork,
    domain: Sequence[Any],
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Iterator[Region]:
    """Yield every activation region of a 2-input network on a box (see :func:`iter_polygons`).

    Each :class:`~analysis.regions.types.Region` has the exact vertex average as its interior
    point, one inequality per unit whose pre-activation is not constant on it, the four box
    faces, and the exact output map.

    >>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> sorted(r.pattern for r in iter_regions_polygon(net, [(-1, 1), (0, 1)]))
    [((False, True),), ((True, True),)]
    """
    for p in iter_polygons(net, domain, max_regions, time_budget, progress):
        yield p.region


def count_regions_polygon(
    net: ReLUNetwork,
    domain: Sequence[Any],
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    exact_only: bool = False,
    executor: Executor | None = None,
    parts: int | None = None,
) -> int:
    """The exact number of activation regions of a 2-input network on a box.

    Parameters
    ----------
    net : ReLUNetwork
        Two inputs, any depth.
    domain : sequence of two (lo, hi) pairs
        The box; ``None`` raises ``ValueError`` (use the LP method for all of R^2).
    max_regions : int, optional
        Stop with :class:`~analysis.regions.limits.RegionLimitExceeded` beyond it.
    time_budget : float, optional
        Seconds; stop with :class:`~analysis.regions.limits.RegionTimeBudgetExceeded`.
        Both errors carry ``lower_bound``, the regions found so far (a lower bound).
    progress : callable, optional
        Called with the number of regions found so far, every 256 regions.
    exact_only : bool
        Compute every pre-activation exactly instead of deciding signs by floating point with
        a rigorous error bound (falling back to exact integers when the bound does not
        certify the sign). Both give the same exact count; this slower path is the reference
        the tests compare with.
    executor : concurrent.futures.Executor, optional
        Count in parallel: the pieces of the first hidden layer are shared out, by their exact
        patterns, among ``parts`` independent tasks (a process pool, or a Dask/Ray executor);
        the count is the same whatever the executor. Limits apply per task and to the total.
    parts : int, optional
        Number of tasks (default 8).

    Returns
    -------
    int
        Exact.

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
    >>> count_regions_polygon(net, [(-1, 1), (-1, 1)])      # 3 concurrent lines: 6
    6
    """
    if executor is not None:
        return _count_parallel(
            net, domain, executor, parts, max_regions, time_budget, progress, exact_only
        )
    budget = _Budget(max_regions, time_budget, progress)
    n = 0
    for _ in _leaves(net, domain, budget, exact_only):
        n += 1
    if progress is not None:
        progress(n)
    return n


def _count_shard(
    net: ReLUNetwork,
    domain: Any,
    part: int,
    parts: int,
    max_regions: int | None,
    time_budget: float | None,
) -> int:
    """Count one worker's share (module level, so that process pools can pickle it)."""
    box = _check(net, domain)
    budget = _Budget(max_regions, time_budget, None)
    return sum(1 for _ in _leaves_fast(net, box, budget, (part, parts)))


def _count_parallel(
    net: ReLUNetwork,
    domain: Any,
    executor: Executor,
    parts: int | None,
    max_regions: int | None,
    time_budget: float | None,
    progress: Callable[[int], Any] | None,
    exact_only: bool,
) -> int:
    if exact_only:
        raise ValueError("exact_only is a serial reference path; do not pass an executor")
    _check(net, domain)
    _Budget(max_regions, time_budget, None)  # validate the limits here, not in the workers
    parts = 8 if parts is None else parts
    if not isinstance(parts, int) or parts < 1:
        raise ValueError(f"parts must be a positive int, got {parts!r}")
    futures = [
        executor.submit(_count_shard, net, domain, k, parts, max_regions, time_budget)
        for k in range(parts)
    ]
    total = 0
    try:
        for fut in as_completed(futures):
            total += fut.result()
            if progress is not None:
                progress(total)
            if max_regions is not None and total > max_regions:
                raise RegionLimitExceeded(
                    f"more than max_regions={max_regions} regions; the {total} found so far "
                    "are a lower bound",
                    lower_bound=total,
                )
    except (RegionLimitExceeded, RegionTimeBudgetExceeded) as exc:
        for f in futures:
            f.cancel()
        if exc.lower_bound < total:
            raise type(exc)(str(exc), lower_bound=total) from exc
        raise
    return total
