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

Speed (each step keeps every decision exact):

* fewer LPs: a hyperplane that misses a region's bounding box misses the region. Each node
  inherits its parent's box (at the root, the domain); where more than ``2 D_i`` hyperplanes
  stay undecided the node gets its own, from ``2 D_i`` LPs whose duals certify the bounds
  (:func:`analysis.regions.lp._float_bounds_batch`);
* cheaper LPs: up to ``_GROUP`` nodes of one layer are split in lockstep, so all their LPs
  run as a few large batches of a condensed dense simplex; the float rows of every region
  are kept, not recomputed; float answers are accepted when rigorous float error bounds
  certify them (an interior point with margin, or a Farkas certificate inside the box),
  and only the rest goes to the exact checks and the exact simplex;
* counting builds no affine maps for the leaves.

Measured (``python benchmarks/regions_nd.py``): see that script's docstring.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])  # relu(x) + relu(y)
>>> count_regions_lp(net)                                            # four quadrants
4
>>> count_regions_lp(net, [(1, 2), (-1, 1)])                         # x > 0 on this box
2
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box, normalize_domain
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.lp import (
    _TINY,
    IntPoint,
    _certify_batch,
    _decide,
    _float_bounds_batch,
    _float_box,
    _float_simplex_arrays,
    _float_system,
    _point_of,
)
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


@functools.lru_cache(maxsize=64)
def _fbox_cached(
    box: tuple[tuple[int, ...], tuple[int, ...], int],
) -> tuple[np.ndarray, np.ndarray]:
    return _float_box(box)


@dataclass(frozen=True)
class _IntNet:
    """Layer ``l`` as integers: ``W_l = Wi[l] / s[l]``, ``b_l = bi[l] / s[l]``."""

    Wi: tuple[tuple[tuple[int, ...], ...], ...]
    bi: tuple[tuple[int, ...], ...]
    s: tuple[int, ...]
    d: int
    box: tuple[tuple[int, ...], tuple[int, ...], int] | None = None
    Wo: tuple[np.ndarray, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_net(cls, net: ReLUNetwork) -> _IntNet:
        Wi, bi, s = [], [], []
        for W, B in zip(net.exact_weights, net.exact_biases):
            vals = list(W.reshape(-1)) + list(B)
            den = math.lcm(*(v.denominator for v in vals))
            Wi.append(tuple(tuple(int(v * den) for v in row) for row in W))
            bi.append(tuple(int(v * den) for v in B))
            s.append(den)
        Wo = tuple(np.array(W, dtype=object).reshape(len(W), -1) for W in Wi)
        return cls(tuple(Wi), tuple(bi), tuple(s), net.input_dim, None, Wo)

    def with_box(self, box: Box | None) -> _IntNet:
        if box is None:
            return self
        den = math.lcm(*(v.denominator for pair in box for v in pair))
        lo = tuple(int(a * den) for a, _ in box)
        hi = tuple(int(b * den) for _, b in box)
        return _IntNet(self.Wi, self.bi, self.s, self.d, (lo, hi, den), self.Wo)

    @property
    def fbox(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Float bounds containing the box (rounded outward), or None."""
        return None if self.box is None else _fbox_cached(self.box)


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
    fm: Any = field(default=None, compare=False, repr=False)
    fs: Any = field(default=None, compare=False, repr=False)
    bbox: Any = field(default=None, compare=False, repr=False)

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


def _safe_rows(fm: np.ndarray, fs: np.ndarray) -> bool:
    """Whether float rows are within ``2.01 u`` of their exact normalized values."""
    if fm.shape[0] == 0:
        return True
    return bool(fs[:, 1].max() < 900 and np.abs(fm[:, -1]).max() < 1e290)


#: One cell while a node is split: integer rows, constants, unit labels, signs decided so
#: far, exact interior point, float rows, their scales, and whether those are safe.
_Cell = tuple[list, list, list, dict, IntPoint, np.ndarray, np.ndarray, bool]


def _solve_appended(
    items: Sequence[tuple[_Cell, tuple[int, ...], int, np.ndarray, np.ndarray, bool]],
    net: _IntNet,
) -> list[IntPoint | None]:
    """Exact interior points (or None) of ``cell`` with one row ``g . x + c > 0`` added.

    ``items`` hold ``(cell, g, c, float row, its scale, its safety)``. One padded batch of
    float LPs; answers certified by rigorous float bounds (:func:`lp._certify_batch`), the
    rest decided exactly (:func:`lp._decide`: exact checks, then the exact simplex).
    """
    if not items:
        return []
    d1 = net.d + 1
    mm = max(it[0][5].shape[0] for it in items) + 1
    Ms = np.zeros((len(items), mm, d1))
    Ms[:, :, -1] = 1.0  # padding row 0 . x + 1 > 0 (always true)
    safe = np.empty(len(items), dtype=bool)
    for i, (cell, _, _, frow, _, fsafe) in enumerate(items):
        fm = cell[5]
        m = fm.shape[0]
        Ms[i, :m] = fm
        Ms[i, m] = frow
        safe[i] = cell[7] and fsafe
    with np.errstate(all="ignore"):  # overflow/NaN only spoils a candidate
        ok, t, x, y = _float_simplex_arrays(Ms)
    status = _certify_batch(Ms, safe, ok, t, x, y, net.fbox)
    out: list[IntPoint | None] = []
    for i, (cell, g, c, frow, fsc, _) in enumerate(items):
        st = status[i]
        if st == 1:
            out.append(_point_of(x[i]))
        elif st == 0:
            out.append(None)
        else:
            m = cell[5].shape[0]
            res = (float(t[i]), x[i], y[i, : m + 1]) if ok[i] else None
            out.append(
                _decide(
                    [*cell[0], g],
                    [*cell[1], c],
                    net.box,
                    np.vstack([cell[5], frow]),
                    np.vstack([cell[6], fsc]),
                    res,
                )
            )
    return out


class _Split:
    """The state of one node while it is split by the next layer (see :func:`_children_many`)."""

    def __init__(self, net: _IntNet, node: _Node):
        self.node = node
        l = self.l = node.layer
        S, d = node.S, net.d
        # next pre-activations G x + g0 (over S * s_l): only the nonzero rows of P, q count
        on = [i for i, (row, c) in enumerate(zip(node.P, node.q)) if c or any(row)]
        n = len(net.bi[l])
        if on:
            Wl = net.Wo[l] if net.Wo else np.array(net.Wi[l], dtype=object).reshape(n, -1)
            Wsub = Wl[:, on]
            Gm = Wsub.dot(np.array([node.P[i] for i in on], dtype=object).reshape(len(on), d))
            gq = Wsub.dot(np.array([node.q[i] for i in on], dtype=object))
            self.G = G = [tuple(int(v) for v in row) for row in Gm.tolist()]
            g0 = [int(v) + S * b for v, b in zip(gq.tolist(), net.bi[l])]
        else:
            G = [(0,) * d for _ in range(n)]
            g0 = [S * b for b in net.bi[l]]
        self.G, self.g0 = G, g0
        if node.fm is not None:
            FM, FS = node.fm, node.fs
        elif node.rows:
            FM, FS = _float_system(node.rows, node.consts)
        else:
            FM, FS = np.empty((0, d + 1)), np.empty((0, 2))
        self.root: _Cell = (
            list(node.rows),
            list(node.consts),
            list(node.units),
            {},
            node.point,
            FM,
            FS,
            _safe_rows(FM, FS),
        )
        self.fixed: dict[int, bool] = {}
        self.live: list[int] = []
        live = self.live
        for j, (g, c) in enumerate(zip(G, g0)):
            if any(g):
                live.append(j)
            else:
                self.fixed[j] = c > 0
        # float rows of every live unit, converted once per node
        self.fr: dict[int, tuple[np.ndarray, np.ndarray, bool]] = {}
        if live:
            FG, FGS = _float_system([G[j] for j in live], [g0[j] for j in live])
            for r, j in enumerate(live):
                self.fr[j] = (FG[r], FGS[r], bool(FGS[r, 1] < 900 and abs(FG[r, -1]) < 1e290))
        self.bbox = node.bbox if node.bbox is not None else net.fbox
        self.prune()
        self.cells: list[_Cell] = [self.root]
        self.cuts: list[tuple[int, IntPoint | None, IntPoint | None]] = []

    def prune(self) -> None:
        """Fix the live units whose hyperplane misses the node's bounding box."""
        if self.bbox is not None and self.live:
            lo, hi = self.bbox
            R = np.array([self.fr[j][0] for j in self.live])
            a, c = R[:, :-1], R[:, -1]
            with np.errstate(all="ignore"):
                mn = np.minimum(a * lo, a * hi).sum(axis=1) + c
                mx = np.maximum(a * lo, a * hi).sum(axis=1) + c
                tol = 1e-12 * ((np.abs(a) * np.maximum(-lo, hi)).sum(axis=1) + np.abs(c))
                tol += _TINY * R.shape[1]
            keep = []
            for j, lo_ok, hi_ok in zip(self.live, mn > tol, mx < -tol):
                if self.fr[j][2] and (lo_ok or hi_ok):
                    self.fixed[j] = bool(lo_ok)
                else:
                    keep.append(j)
            self.live = keep
        G, g0, pt = self.G, self.g0, self.node.point
        self.vals = {j: _value(G[j], g0[j], pt) for j in self.live}

    def item(self, cell: _Cell, j: int, sg: int) -> Any:
        row, sc, ok = self.fr[j]
        if sg > 0:
            return (cell, self.G[j], self.g0[j], row, sc, ok)
        return (cell, tuple(-v for v in self.G[j]), -self.g0[j], -row, sc, ok)

    def first_requests(self) -> list[tuple[int, int]]:
        """(unit, side) LPs on the whole node: which hyperplanes cut it."""
        requests: list[tuple[int, int]] = []
        for j in self.live:
            v = self.vals[j]
            if v != 0:
                requests.append((j, -1 if v > 0 else 1))
            else:
                requests += [(j, 1), (j, -1)]
        return requests

    def first_answers(self, answers: dict[tuple[int, int], IntPoint | None]) -> None:
        pt = self.node.point
        for j in self.live:
            v = self.vals[j]
            if v != 0:
                other = answers[(j, -1 if v > 0 else 1)]
                if other is None:
                    self.fixed[j] = v > 0
                    continue
                self.cuts.append((j, *((pt, other) if v > 0 else (other, pt))))
            else:
                self.cuts.append((j, answers[(j, 1)], answers[(j, -1)]))

    def requests(self, idx: int) -> tuple[list[tuple[int, int]], list[int]]:
        """The LPs that split the current cells by cut ``idx`` (``idx >= 1``)."""
        j = self.cuts[idx][0]
        g, c = self.G[j], self.g0[j]
        reqs: list[tuple[int, int]] = []
        vs = []
        for ci, cell in enumerate(self.cells):
            v = _value(g, c, cell[4])
            vs.append(v)
            if v != 0:
                reqs.append((ci, -1 if v > 0 else 1))
            else:
                reqs += [(ci, 1), (ci, -1)]
        return reqs, vs

    def split(self, idx: int, ans: dict | None, vs: list[int] | None) -> None:
        """Split the cells by cut ``idx`` given the LP answers (``None`` for ``idx == 0``)."""
        j, pos0, neg0 = self.cuts[idx]
        g, c = self.G[j], self.g0[j]
        if ans is None or vs is None:
            pairs = [(pos0, neg0)]
        else:
            pairs = []
            for ci, v in enumerate(vs):
                pt = self.cells[ci][4]
                if v > 0:
                    pairs.append((pt, ans[(ci, -1)]))
                elif v < 0:
                    pairs.append((ans[(ci, 1)], pt))
                else:
                    pairs.append((ans[(ci, 1)], ans[(ci, -1)]))
        new_cells: list[_Cell] = []
        frow, fsc, fok = self.fr[j]
        l = self.l
        for cell, (p_pos, p_neg) in zip(self.cells, pairs):
            rows, consts, units, signs, pt, fm, fs, safe = cell
            if p_pos is None or p_neg is None:
                signs[j] = p_neg is None
                new_cells.append(cell)
                continue
            fs2 = np.vstack([fs, fsc])
            for sg, p_new in ((1, p_pos), (-1, p_neg)):
                row = g if sg > 0 else tuple(-v for v in g)
                new_cells.append(
                    (
                        [*rows, row],
                        [*consts, sg * c],
                        [*units, (l, j)],
                        {**signs, j: sg > 0},
                        p_new,
                        np.vstack([fm, frow if sg > 0 else -frow]),
                        fs2,
                        safe and fok,
                    )
                )
        self.cells = new_cells

    def children(self, net: _IntNet, maps: bool = True) -> list[_Node]:
        """The child nodes; without ``maps`` the leaves get no affine maps (counting)."""
        out = []
        G, g0, l, node = self.G, self.g0, self.l, self.node
        n = len(G)
        if not maps and l == len(net.Wi) - 2:
            for cell in self.cells:
                signs = cell[3]
                act = tuple(self.fixed[j] if j in self.fixed else signs[j] for j in range(n))
                out.append(_Node((), (), (), (*node.pattern, act), (), (), 1, cell[4]))
            return out
        for rows, consts, units, signs, pt, fm, fs, _ in self.cells:
            act = tuple(self.fixed[j] if j in self.fixed else signs[j] for j in range(n))
            Pn = [G[j] if act[j] else (0,) * net.d for j in range(n)]
            qn = [g0[j] if act[j] else 0 for j in range(n)]
            Sn = node.S * net.s[l]
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
                    fm,
                    fs,
                    self.bbox,
                )
            )
        return out


def _children_many(net: _IntNet, nodes: Sequence[_Node], maps: bool = True) -> list[list[_Node]]:
    """Split each node by its next hidden layer; full-dimensional children only.

    The nodes are split in lockstep so that their LPs run as few large batches: one for
    the first pass (which hyperplanes cut each node) and one per cut index after that.
    """
    splits = [_Split(net, nd) for nd in nodes]
    fbox = net.fbox
    if fbox is not None:  # fresh bounding boxes where many hyperplanes are undecided
        tight = [sp for sp in splits if len(sp.live) > _BBOX_FACTOR * net.d and sp.root[7]]
        if tight:
            mm = max(sp.root[5].shape[0] for sp in tight)
            Ms = np.zeros((len(tight), mm, net.d + 1))
            Ms[:, :, -1] = 1.0
            pts = np.empty((len(tight), net.d))
            for i, sp in enumerate(tight):
                fm = sp.root[5]
                Ms[i, : fm.shape[0]] = fm
                X, den = sp.node.point
                pts[i] = [float(Fraction(v, den)) for v in X]
            lo, hi = _float_bounds_batch(Ms, pts, np.ones(len(tight), dtype=bool), fbox)
            for i, sp in enumerate(tight):
                olo, ohi = sp.bbox if sp.bbox is not None else fbox
                sp.bbox = (np.maximum(olo, lo[i]), np.minimum(ohi, hi[i]))
                sp.prune()
    reqs = [(k, r) for k, sp in enumerate(splits) for r in sp.first_requests()]
    res = _solve_appended([splits[k].item(splits[k].root, j, sg) for k, (j, sg) in reqs], net)
    answers: list[dict] = [{} for _ in splits]
    for (k, r), a in zip(reqs, res):
        answers[k][r] = a
    for sp, ans in zip(splits, answers):
        sp.first_answers(ans)
        if sp.cuts:
            sp.split(0, None, None)
    n_rounds = max((len(sp.cuts) for sp in splits), default=0)
    for idx in range(1, n_rounds):
        batch: list[Any] = []
        owners: list[tuple[int, tuple[int, int]]] = []
        pending: dict[int, list[int]] = {}
        for k, sp in enumerate(splits):
            if idx >= len(sp.cuts):
                continue
            rq, vs = sp.requests(idx)
            pending[k] = vs
            j = sp.cuts[idx][0]
            for ci, sg in rq:
                batch.append(sp.item(sp.cells[ci], j, sg))
                owners.append((k, (ci, sg)))
        res = _solve_appended(batch, net)
        per: dict[int, dict] = {k: {} for k in pending}
        for (k, key), a in zip(owners, res):
            per[k][key] = a
        for k, vs in pending.items():
            splits[k].split(idx, per[k], vs)
    return [sp.children(net, maps) for sp in splits]


#: How many nodes of one layer are split together (their LPs share batches).
_GROUP = 24
#: A node gets its own bounding box (2 d LPs) when more than this many times ``d`` of the
#: next layer's hyperplanes are left undecided by the box it inherited.
_BBOX_FACTOR = 2


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


def _walk(
    net: _IntNet, node: _Node | Sequence[_Node], limits: _Limits, maps: bool = True
) -> Iterator[_Node]:
    """Depth-first leaves under ``node`` (or under each of a list of nodes, in order).

    Memory: one path of the tree, times the group of siblings split together.
    """
    K = len(net.Wi) - 1
    stack = [node] if isinstance(node, _Node) else list(reversed(node))
    while stack:
        nd = stack.pop()
        if nd.layer == K:
            limits.tick()
            yield nd
            continue
        limits.check_time()
        group = [nd]
        while len(group) < _GROUP and stack and stack[-1].layer == nd.layer:
            group.append(stack.pop())
        for kids in reversed(_children_many(net, group, maps)):
            stack.extend(reversed(kids))


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
    inet: _IntNet,
    node: _Node | Sequence[_Node],
    max_regions: int | None,
    deadline: float | None,
) -> int:
    limits = _Limits(max_regions, None, None, deadline=deadline)
    n = 0
    for _ in _walk(inet, node, limits, maps=False):
        n += 1
    return n


def _frontier(inet: _IntNet, root: _Node, target: int, limits: _Limits) -> list[_Node]:
    """Expand whole layers breadth first until there are ``target`` subtrees (or leaves)."""
    K = len(inet.Wi) - 1
    nodes = [root]
    while len(nodes) < target and nodes[0].layer < K - 1:
        nodes = [
            c
            for i in range(0, len(nodes), _GROUP)
            for kids in _children_many(inet, nodes[i : i + _GROUP])
            for c in kids
        ]
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
        for _ in _walk(inet, root, limits, maps=False):
            pass
        return limits.found
    nodes = _frontier(inet, root, chunks, limits)
    # contiguous pieces of the frontier: siblings stay together and are split in lockstep
    n_pieces = max(1, min(chunks, len(nodes)))
    bounds = [len(nodes) * i // n_pieces for i in range(n_pieces + 1)]
    futures = [
        executor.submit(_count_subtree, inet, nodes[a:b], max_regions, limits.deadline)
        for a, b in zip(bounds, bounds[1:])
        if b > a
    ]
    for fut in futures:
        limits.tick(fut.result())
    return limits.found
