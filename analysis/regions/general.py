"""Exact activation regions of deep ReLU networks in any input dimension ("lp" method).

Layer-wise subdivision. On a region of the first ``l`` hidden layers the network's hidden
output is one affine map ``h_l(x) = (P x + q) / S``, so the next layer's pre-activations
``z = W_l h_l + b_l`` are affine in ``x`` on it. A unit whose ``z`` is constant on the region
(including identically zero, e.g. an all-zero unit or one fed only by dead units) does not
split it: it is active iff the constant is ``> 0``. Every other unit's hyperplane splits the
cells of the region incrementally: a cell with interior point ``p`` lies on the side of
``sign z(p)``, and the other side is kept only if ``{cell, -sign z > 0}`` is non-empty (a
strict system: full-dimensional). A pre-activation exactly 0 counts as inactive, matching
:meth:`analysis.networks.ReLUNetwork.activation_pattern`.

Exactness. All maps are kept as integer matrices over one positive integer denominator
(every rational weight is scaled to an integer; a positive scale never changes a sign), so
every sign test is exact integer arithmetic. Full-dimensionality is decided by
:mod:`analysis.regions.lp`: a float candidate that is then verified exactly, or an exact
rational simplex. Unbounded regions of R^d need no box: the max-slack LP has ``t <= 1`` and no
bound on ``x``.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])  # relu(x) + relu(y)
>>> count_regions_lp(net)                                            # four quadrants
4
>>> count_regions_lp(net, [(1, 2), (-1, 1)])                         # x > 0 on this box
2
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box, normalize_domain
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.lp import IntPoint, _decide_batch, _float_system, _int_interior
from analysis.regions.types import Inequality, Region

__all__ = ["count_regions_lp", "iter_regions_lp", "layerwise_upper_bound"]


def layerwise_upper_bound(net: ReLUNetwork) -> int:
    """``prod_l sum_{j <= D_i} C(n_l, j)``: an upper bound on the activation regions.

    Each region of the first ``l`` layers is cut by the ``n_{l+1}`` hyperplanes of the next
    layer into at most ``sum_{j <= D_i} C(n_{l+1}, j)`` pieces (Zaslavsky; any position), so
    the product bounds the count on any domain (a bound, attained only in special cases).

    >>> from analysis.networks import ReLUNetwork
    >>> layerwise_upper_bound(ReLUNetwork([[[1, 0]] * 3, [[1] * 3]], [[0] * 3, [0]]))
    7
    """
    d = net.input_dim
    return math.prod(sum(math.comb(n, j) for j in range(d + 1)) for n in net.hidden_widths)


@dataclass(frozen=True)
class _IntNet:
    """Layer ``l`` as integers: ``W_l = Wi[l] / s[l]``, ``b_l = bi[l] / s[l]``."""

    Wi: tuple[tuple[tuple[int, ...], ...], ...]
    bi: tuple[tuple[int, ...], ...]
    s: tuple[int, ...]
    d: int
    box: tuple[tuple[int, ...], tuple[int, ...], int] | None = None

    @classmethod
    def from_net(cls, net: ReLUNetwork) -> _IntNet:
        Wi, bi, s = [], [], []
        for W, B in zip(net.exact_weights, net.exact_biases):
            vals = list(W.reshape(-1)) + list(B)
            den = math.lcm(*(v.denominator for v in vals))
            Wi.append(tuple(tuple(int(v * den) for v in row) for row in W))
            bi.append(tuple(int(v * den) for v in B))
            s.append(den)
        return cls(tuple(Wi), tuple(bi), tuple(s), net.input_dim)

    def with_box(self, box: Box | None) -> _IntNet:
        if box is None:
            return self
        den = math.lcm(*(v.denominator for pair in box for v in pair))
        lo = tuple(int(a * den) for a, _ in box)
        hi = tuple(int(b * den) for _, b in box)
        return _IntNet(self.Wi, self.bi, self.s, self.d, (lo, hi, den))


@dataclass(frozen=True)
class _Node:
    """A full-dimensional region of the first ``layer`` hidden layers."""

    rows: tuple[tuple[int, ...], ...]
    consts: tuple[int, ...]
    units: tuple[tuple[int, int] | None, ...]
    pattern: tuple[tuple[bool, ...], ...]
    P: tuple[tuple[int, ...], ...]
    q: tuple[int, ...]
    S: int
    point: IntPoint

    @property
    def layer(self) -> int:
        return len(self.pattern)


def _root(net: _IntNet, box: Box | None) -> _Node:
    d = net.d
    rows: list[tuple[int, ...]] = []
    consts: list[int] = []
    units: list[tuple[int, int] | None] = []
    if box is None:
        point: IntPoint = (tuple([0] * d), 1)
    else:
        for k, (lo, hi) in enumerate(box):
            e = [0] * d
            e[k] = lo.denominator
            rows.append(tuple(e))
            consts.append(-lo.numerator)  # x_k - lo > 0
            e = [0] * d
            e[k] = -hi.denominator
            rows.append(tuple(e))
            consts.append(hi.numerator)  # hi - x_k > 0
            units += [None, None]
        mid = [(lo + hi) / 2 for lo, hi in box]
        den = math.lcm(*(v.denominator for v in mid))
        point = (tuple(int(v * den) for v in mid), den)
    ident = tuple(tuple(int(i == j) for j in range(d)) for i in range(d))
    return _Node(tuple(rows), tuple(consts), tuple(units), (), ident, tuple([0] * d), 1, point)


def _value(row: Sequence[int], c: int, pt: IntPoint) -> int:
    X, den = pt
    return sum(a * x for a, x in zip(row, X)) + c * den


def _children(net: _IntNet, node: _Node) -> list[_Node]:
    """Split ``node`` by the hidden layer ``node.layer``; full-dimensional children only."""
    l = node.layer
    Wi, bi, S = net.Wi[l], net.bi[l], node.S
    P, q = node.P, node.q
    cols = list(zip(*P))
    G = [tuple(sum(w * p for w, p in zip(wrow, col)) for col in cols) for wrow in Wi]
    g0 = [sum(w * v for w, v in zip(wrow, q)) + S * b for wrow, b in zip(Wi, bi)]
    base_rows, base_consts = list(node.rows), list(node.consts)
    d = net.d
    if base_rows:
        FM, FS = _float_system(base_rows, base_consts)
    else:
        FM, FS = np.empty((0, d + 1)), np.empty((0, 2))
    fixed: dict[int, bool] = {}
    # First pass, on the whole node: resolve units whose hyperplane misses it (1 LP each,
    # solved as one batch).
    requests: list[tuple[int, int]] = []  # (unit, side to test)
    frs: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    vals: dict[int, int] = {}
    for j, (g, c) in enumerate(zip(G, g0)):
        if not any(g):
            fixed[j] = c > 0
            continue
        frs[j] = _float_system([g], [c])
        v = vals[j] = _value(g, c, node.point)
        if v != 0:
            requests.append((j, -1 if v > 0 else 1))
        else:
            requests += [(j, 1), (j, -1)]
    answers: dict[tuple[int, int], IntPoint | None] = {}
    if requests:
        systems = [
            _system(base_rows, base_consts, FM, FS, G[j], g0[j], sg, frs[j]) for j, sg in requests
        ]
        answers = dict(zip(requests, _solve(systems, net.box)))
    cuts: list[Any] = []
    for j, fr in frs.items():
        v = vals[j]
        pos: IntPoint | None
        negp: IntPoint | None
        if v != 0:
            other = answers[(j, -1 if v > 0 else 1)]
            if other is None:
                fixed[j] = v > 0
                continue
            pos, negp = (node.point, other) if v > 0 else (other, node.point)
        else:
            pos, negp = answers[(j, 1)], answers[(j, -1)]
        cuts.append((j, G[j], g0[j], pos, negp, fr))
    # Second pass: split the cells by the hyperplanes that cut the node.
    Cell = tuple[list, list, list, dict[int, bool], IntPoint, np.ndarray, np.ndarray]
    cells: list[Cell] = [
        (base_rows, base_consts, list(node.units), dict(fixed), node.point, FM, FS)
    ]
    for idx, (j, g, c, pos0, neg0, fr) in enumerate(cuts):
        if idx == 0:
            pairs = [(pos0, neg0)]
        else:
            reqs: list[tuple[int, int]] = []
            vs = []
            for ci, cell in enumerate(cells):
                v = _value(g, c, cell[4])
                vs.append(v)
                if v != 0:
                    reqs.append((ci, -1 if v > 0 else 1))
                else:
                    reqs += [(ci, 1), (ci, -1)]
            systems = [
                _system(cells[ci][0], cells[ci][1], cells[ci][5], cells[ci][6], g, c, sg, fr)
                for ci, sg in reqs
            ]
            ans = dict(zip(reqs, _solve(systems, net.box)))
            pairs = []
            for ci, v in enumerate(vs):
                pt = cells[ci][4]
                if v > 0:
                    pairs.append((pt, ans[(ci, -1)]))
                elif v < 0:
                    pairs.append((ans[(ci, 1)], pt))
                else:
                    pairs.append((ans[(ci, 1)], ans[(ci, -1)]))
        new_cells: list[Cell] = []
        for (rows, consts, units, signs, pt, fm, fs), (p_pos, p_neg) in zip(cells, pairs):
            if p_pos is None or p_neg is None:
                signs[j] = p_neg is None
                new_cells.append((rows, consts, units, signs, pt, fm, fs))
                continue
            for sg, p_new in ((1, p_pos), (-1, p_neg)):
                row = g if sg > 0 else tuple(-v for v in g)
                frow, fsc = (fr[0] if sg > 0 else -fr[0]), fr[1]
                new_cells.append(
                    (
                        [*rows, row],
                        [*consts, sg * c],
                        [*units, (l, j)],
                        {**signs, j: sg > 0},
                        p_new,
                        np.vstack([fm, frow]),
                        np.concatenate([fs, fsc]),
                    )
                )
        cells = new_cells
    out = []
    n = len(G)
    for rows, consts, units, signs, pt, _, _ in cells:
        act = tuple(signs[j] for j in range(n))
        Pn = [G[j] if act[j] else (0,) * net.d for j in range(n)]
        qn = [g0[j] if act[j] else 0 for j in range(n)]
        Sn = S * net.s[l]
        gcd = math.gcd(Sn, *qn, *(v for r in Pn for v in r))
        if gcd > 1:
            Pn = [tuple(v // gcd for v in r) for r in Pn]
            qn = [v // gcd for v in qn]
            Sn //= gcd
        out.append(
            _Node(
                tuple(rows),
                tuple(consts),
                tuple(units),
                (*node.pattern, act),
                tuple(Pn),
                tuple(qn),
                Sn,
                pt,
            )
        )
    return out


def _system(
    rows: list,
    consts: list,
    fm: np.ndarray,
    fs: np.ndarray,
    g: tuple[int, ...],
    c: int,
    sg: int,
    fr: tuple[np.ndarray, np.ndarray],
) -> tuple[list, list, np.ndarray, np.ndarray]:
    """The system ``{rows . x + consts > 0, sg * (g . x + c) > 0}`` with its float rows."""
    row = g if sg > 0 else tuple(-v for v in g)
    frow, fsc = fr
    return (
        [*rows, row],
        [*consts, sg * c],
        np.vstack([fm, frow if sg > 0 else -frow]),
        np.concatenate([fs, fsc]),
    )


def _solve(systems: list, box: Any) -> list[IntPoint | None]:
    """Exact interior points (or None) of the systems; float LPs batched."""
    if len(systems) == 1:
        rows, consts, M, scale = systems[0]
        return [_int_interior(rows, consts, box, (M, scale))]
    return _decide_batch(systems, box)


def _region(net: _IntNet, node: _Node) -> Region:
    """The exact :class:`Region` of a leaf node (all hidden layers processed)."""
    L = len(net.Wi) - 1
    Wi, bi = net.Wi[L], net.bi[L]
    den = node.S * net.s[L]
    cols = list(zip(*node.P))
    A = tuple(
        tuple(Fraction(sum(w * p for w, p in zip(wrow, col)), den) for col in cols) for wrow in Wi
    )
    c = tuple(
        Fraction(sum(w * v for w, v in zip(wrow, node.q)) + node.S * b, den)
        for wrow, b in zip(Wi, bi)
    )
    ineqs = []
    for row, k, u in zip(node.rows, node.consts, node.units):
        g = math.gcd(k, *row)
        ineqs.append(Inequality(tuple(Fraction(v // g) for v in row), Fraction(k // g), u))
    X, pden = node.point
    return Region(node.pattern, tuple(Fraction(v, pden) for v in X), tuple(ineqs), A, c)


class _Limits:
    def __init__(
        self,
        max_regions: int | None,
        time_budget: float | None,
        progress: Callable[[int], Any] | None,
        found: int = 0,
        deadline: float | None = None,
    ):
        if max_regions is not None and (
            isinstance(max_regions, bool) or not isinstance(max_regions, int) or max_regions < 0
        ):
            raise ValueError(f"max_regions must be a non-negative int, got {max_regions!r}")
        if time_budget is not None and not time_budget > 0:
            raise ValueError(
                f"time_budget must be a positive number of seconds, got {time_budget!r}"
            )
        self.max_regions = max_regions
        self.deadline = (
            deadline
            if deadline is not None
            else (time.time() + time_budget if time_budget is not None else None)
        )
        self.time_budget = time_budget
        self.progress = progress
        self.found = found
        self._next_report = 1
        self.bound: int | None = None

    def tick(self, new: int = 1) -> None:
        self.found += new
        if self.max_regions is not None and self.found > self.max_regions:
            raise RegionLimitExceeded(
                f"more than max_regions={self.max_regions} regions; stopped after finding "
                f"{self.found} (a lower bound on the count)"
                + (f"; the layer-wise upper bound is {self.bound}" if self.bound else ""),
                lower_bound=self.found,
            )
        self.check_time()
        if self.progress is not None and self.found >= self._next_report:
            self.progress(self.found)
            self._next_report = max(self.found + 1, int(self.found * 1.25))

    def check_time(self) -> None:
        if self.deadline is not None and time.time() > self.deadline:
            raise RegionTimeBudgetExceeded(
                f"time budget of {self.time_budget} s exceeded after finding {self.found} "
                "regions (a lower bound on the count)",
                lower_bound=self.found,
            )


def _walk(net: _IntNet, node: _Node, limits: _Limits) -> Iterator[_Node]:
    """Depth-first leaves under ``node`` (memory: one path of the tree)."""
    K = len(net.Wi) - 1
    stack = [node]
    while stack:
        nd = stack.pop()
        if nd.layer == K:
            limits.tick()
            yield nd
            continue
        limits.check_time()
        stack.extend(reversed(_children(net, nd)))


def _prepare(net: Any, domain: Any) -> tuple[_IntNet, Box | None]:
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be an analysis.networks.ReLUNetwork, got {type(net).__name__}")
    box = normalize_domain(domain, net.input_dim)
    return _IntNet.from_net(net).with_box(box), box


def iter_regions_lp(
    net: ReLUNetwork,
    domain: Any = None,
    *,
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Iterator[Region]:
    """Yield every activation region of ``net`` on ``domain`` exactly, depth first.

    Parameters
    ----------
    net : ReLUNetwork
        Any depth, any input dimension.
    domain : None or sequence of (lo, hi)
        ``None`` is all of R^{D_i}; otherwise a box.
    max_regions : int, optional
        Raise :class:`~analysis.regions.limits.RegionLimitExceeded` on finding more.
    time_budget : float, optional
        Seconds; raise :class:`~analysis.regions.limits.RegionTimeBudgetExceeded` past it.
    progress : callable, optional
        Called with the number of regions found so far, at geometrically spaced counts.

    Yields
    ------
    Region
        Pattern, exact interior point, defining inequalities, exact output map.

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])   # |x|
    >>> [(r.pattern, r.A) for r in iter_regions_lp(net)]
    [(((True, False),), ((Fraction(1, 1),),)), (((False, True),), ((Fraction(-1, 1),),))]
    """
    inet, box = _prepare(net, domain)
    limits = _Limits(max_regions, time_budget, progress)
    limits.bound = layerwise_upper_bound(net)
    for leaf in _walk(inet, _root(inet, box), limits):
        yield _region(inet, leaf)


def _count_subtree(
    inet: _IntNet, node: _Node, max_regions: int | None, deadline: float | None
) -> int:
    limits = _Limits(max_regions, None, None, deadline=deadline)
    n = 0
    for _ in _walk(inet, node, limits):
        n += 1
    return n


def _frontier(inet: _IntNet, root: _Node, target: int, limits: _Limits) -> list[_Node]:
    """Expand whole layers breadth first until there are ``target`` subtrees (or leaves)."""
    K = len(inet.Wi) - 1
    nodes = [root]
    while len(nodes) < target and nodes[0].layer < K - 1:
        nodes = [c for nd in nodes for c in _children(inet, nd)]
        limits.check_time()
    return nodes


def count_regions_lp(
    net: ReLUNetwork,
    domain: Any = None,
    *,
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    executor: Executor | None = None,
    chunks: int = 16,
) -> int:
    """Exact number of activation regions of ``net`` on ``domain`` (layer-wise subdivision).

    Parameters
    ----------
    net, domain, max_regions, time_budget, progress
        As in :func:`iter_regions_lp`.
    executor : concurrent.futures.Executor, optional
        Count the subtrees below the first layer(s) in parallel (a process pool, a Dask
        ``Client``, ...). The count is the same for every executor; default serial.
    chunks : int
        Roughly how many independent subtrees to submit to ``executor``.

    Returns
    -------
    int
        The exact count (equality, not an estimate).

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
    >>> count_regions_lp(net)     # three lines through the origin: 6 sectors
    6
    """
    inet, box = _prepare(net, domain)
    limits = _Limits(max_regions, time_budget, progress)
    limits.bound = layerwise_upper_bound(net)
    root = _root(inet, box)
    K = len(inet.Wi) - 1
    if executor is None or K == 0:
        for _ in _walk(inet, root, limits):
            pass
        return limits.found
    nodes = _frontier(inet, root, chunks, limits)
    futures = [
        executor.submit(_count_subtree, inet, nd, max_regions, limits.deadline) for nd in nodes
    ]
    for fut in futures:
        limits.tick(fut.result())
    return limits.found
