"""Splitting subdivision nodes by the next hidden layer, in lockstep batches of LPs.

Used by :mod:`analysis.regions.methods.lp.subdivision`. A :class:`_Split` holds one node while
the next
layer's hyperplanes cut it into cells; :func:`_children_many` splits a group of nodes
together so that all their LPs run as a few large batches (:func:`_solve_appended`),
with certified bounding boxes deciding the hyperplanes that miss a node.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.regions.exact.certified_simplex import (
    _TINY,
    _certify_batch,
    _float_simplex_arrays,
    float_bounds_batch,
    float_system,
)
from analysis.regions.exact.feasibility import IntPoint, _decide, _point_of
from analysis.regions.limits import Limits
from analysis.regions.methods.lp.nodes import _IntNet, _Node, _value

__all__: list[str] = []


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
    float LPs; answers certified by rigorous float bounds (:func:`_lp_float._certify_batch`),
    the rest decided exactly (:func:`lp._decide`: exact checks, then the exact simplex).
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
        on = [i for i, (row, c) in enumerate(zip(node.P, node.q, strict=True)) if c or any(row)]
        n = len(net.bi[l])
        if on:
            Wl = net.Wo[l] if net.Wo else np.array(net.Wi[l], dtype=object).reshape(n, -1)
            Wsub = Wl[:, on]
            Gm = Wsub.dot(np.array([node.P[i] for i in on], dtype=object).reshape(len(on), d))
            gq = Wsub.dot(np.array([node.q[i] for i in on], dtype=object))
            self.G = G = [tuple(int(v) for v in row) for row in Gm.tolist()]
            g0 = [int(v) + S * b for v, b in zip(gq.tolist(), net.bi[l], strict=True)]
        else:
            G = [(0,) * d for _ in range(n)]
            g0 = [S * b for b in net.bi[l]]
        self.G, self.g0 = G, g0
        if node.fm is not None:
            FM, FS = node.fm, node.fs
        elif node.rows:
            FM, FS = float_system(node.rows, node.consts)
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
        for j, (g, c) in enumerate(zip(G, g0, strict=True)):
            if any(g):
                live.append(j)
            else:
                self.fixed[j] = c > 0
        # float rows of every live unit, converted once per node
        self.fr: dict[int, tuple[np.ndarray, np.ndarray, bool]] = {}
        if live:
            FG, FGS = float_system([G[j] for j in live], [g0[j] for j in live])
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
            for j, lo_ok, hi_ok in zip(self.live, mn > tol, mx < -tol, strict=True):
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
        for cell, (p_pos, p_neg) in zip(self.cells, pairs, strict=True):
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


def _children_many(
    net: _IntNet,
    nodes: Sequence[_Node],
    maps: bool = True,
    limits: Limits | None = None,
    queued: int = 0,
) -> list[list[_Node]]:
    """Split each node by its next hidden layer; full-dimensional children only.

    The nodes are split in lockstep so that their LPs run as few large batches: one for
    the first pass (which hyperplanes cut each node) and one per cut index after that.
    ``limits`` are applied between batches of at most ``_BATCH`` LPs: every cell of a split
    holds at least one region, so ``queued`` (other work, each piece holding a region) plus
    the cells so far is a lower bound that lets ``max_regions`` stop inside one large split.
    """
    solve = _limited_solver(limits, queued)
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
            lo, hi = float_bounds_batch(Ms, pts, np.ones(len(tight), dtype=bool), fbox)
            for i, sp in enumerate(tight):
                olo, ohi = sp.bbox if sp.bbox is not None else fbox
                sp.bbox = (np.maximum(olo, lo[i]), np.minimum(ohi, hi[i]))
                sp.prune()
    reqs = [(k, r) for k, sp in enumerate(splits) for r in sp.first_requests()]
    res = solve([splits[k].item(splits[k].root, j, sg) for k, (j, sg) in reqs], net, splits)
    answers: list[dict] = [{} for _ in splits]
    for (k, r), a in zip(reqs, res, strict=True):
        answers[k][r] = a
    for sp, ans in zip(splits, answers, strict=True):
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
        res = solve(batch, net, splits)
        per: dict[int, dict] = {k: {} for k in pending}
        for (k, key), a in zip(owners, res, strict=True):
            per[k][key] = a
        for k, vs in pending.items():
            splits[k].split(idx, per[k], vs)
    return [sp.children(net, maps) for sp in splits]


def _limited_solver(limits: Limits | None, pending: int) -> Any:
    """``_solve_appended`` in slices of ``_BATCH`` LPs, with the limits checked before each."""

    def solve(items: Sequence[Any], net: _IntNet, splits: Sequence[_Split]) -> list:
        if limits is None:
            return _solve_appended(items, net)
        out: list[IntPoint | None] = []
        for start in range(0, max(len(items), 1), _BATCH):
            limits.check(pending + sum(len(sp.cells) for sp in splits))
            out += _solve_appended(items[start : start + _BATCH], net)
        return out

    return solve


#: At most this many LPs run between two looks at the limits.
_BATCH = 4096
#: How many nodes of one layer are split together (their LPs share batches).
_GROUP = 24
#: A node gets its own bounding box (2 d LPs) when more than this many times ``d`` of the
#: next layer's hyperplanes are left undecided by the box it inherited.
_BBOX_FACTOR = 2
