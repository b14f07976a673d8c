"""Streamed exact counting of the regions of a 1-input ReLU network.

The engine behind :func:`analysis.regions.methods.oned.breakpoints.count_regions_1d`.

Method
------
Each layer's weights are scaled to integers, ``W_l = Wi_l / d_l`` with ``d_l`` the common
denominator. A piece of the line (an interval on which the patterns of the layers before ``l``
are constant) is stored by the **homogeneous integer coordinates** of the layer input at its two
ends, ``(N, Dn)`` with ``h = N / Dn`` and ``Dn > 0``, reduced by their gcd. Then

* ``Z = Wi N + Bi Dn = d_l Dn z`` has the exact sign of the pre-activation ``z`` at that end;
* a unit has a root strictly inside the piece iff its signs at the two ends are strictly
  opposite, at the parameter ``t = a/(a+b)`` (``a = |Z_left|``, ``b = |Z_right|`` up to the two
  ends' positive scales, which cancel when roots are compared: ``t_i < t_j`` iff
  ``a_i b_j < a_j b_i``);
* the layer input at the root of unit ``u`` is, homogeneously,
  ``(relu(b_u Z_left + a_u Z_right), d_l (Dn_right a_u + Dn_left b_u))``.

Every decision is an exact integer comparison. Rows run in ``int64`` while a float64 bound on
every intermediate magnitude certifies that nothing can overflow, and in Python integers
(numpy object arrays) otherwise; floats only propose the order of the roots in a piece, which
integer cross-multiplication then verifies. The slope of each piece's input, scaled by the
same global integer for all pieces, gives the output slope for ``kind="linear"``.

Pieces are processed in chunks, depth first over the layers, in left-to-right order, so that
memory stays bounded and only counts (not regions) are kept. On all of R the count is taken
on a box ``[L - 1, R + 1]`` around the outermost breakpoints ``L`` and ``R``, found exactly by
following the outermost piece through the layers.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.exact.scaling import integer_layers
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.methods.oned.certified import count_float_filtered

__all__ = ["outer_breakpoints"]

_SMALL = float(2**30)  # |Z| and d*Dn below this: every product below fits in int64
_BIG = float(2**61)


@dataclass
class Engine:
    """Integer-scaled weights of a network, in int64 (when they fit) and as Python ints."""

    W_obj: list[np.ndarray]
    B_obj: list[np.ndarray]
    W_i64: list[np.ndarray | None]
    B_i64: list[np.ndarray | None]
    # for slopes only: Wi divided by the gcd of its entries (slopes share one global scale,
    # so any global factor may be dropped; this keeps them small)
    S_obj: list[np.ndarray]
    S_i64: list[np.ndarray | None]
    Wabs: list[np.ndarray]  # float64 |W|, |B| for overflow bounds
    Babs: list[np.ndarray]
    d: list[int]
    depth: int
    linear: bool

    @classmethod
    def build(cls, net: ReLUNetwork, linear: bool) -> Engine:
        W_obj, B_obj, W_i64, B_i64, Wabs, Babs, ds = [], [], [], [], [], [], []
        S_obj: list[np.ndarray] = []
        S_i64: list[np.ndarray | None] = []
        for Wl, Bl, d in integer_layers(net):
            Wo = np.array(Wl, dtype=object).reshape(len(Wl), -1)
            Bo = np.array(Bl, dtype=object)
            big = max(max(abs(int(v)) for v in Wo.reshape(-1)), max(abs(int(v)) for v in Bo))
            fits = big < 2**31 and d < 2**31
            W_obj.append(Wo)
            B_obj.append(Bo)
            W_i64.append(Wo.astype(np.int64) if fits else None)
            content = 0
            for v in Wo.reshape(-1):
                content = math.gcd(content, int(v))
            So = Wo // max(content, 1)
            S_obj.append(So)
            S_i64.append(So.astype(np.int64) if fits else None)
            B_i64.append(Bo.astype(np.int64) if fits else None)
            Wabs.append(_absf(Wo))
            Babs.append(_absf(Bo))
            ds.append(d)
        return cls(W_obj, B_obj, W_i64, B_i64, S_obj, S_i64, Wabs, Babs, ds, len(ds) - 1, linear)


def _absf(A: np.ndarray) -> np.ndarray:
    """``|A|`` in float64 (``inf`` for integers beyond the float range)."""
    if A.dtype == object:
        flat = [float(v) if -(2**1000) < v < 2**1000 else math.inf for v in A.reshape(-1)]
        return np.abs(np.array(flat, dtype=np.float64).reshape(A.shape))
    return np.abs(A.astype(np.float64))


def _small_rows(eng: Engine, l: int, H0: np.ndarray, H1: np.ndarray, G: Any) -> np.ndarray:
    """Rows whose layer-``l`` step provably stays inside int64."""
    if eng.W_i64[l] is None:
        return np.zeros(H0.shape[0], dtype=bool)
    Wa, Ba, d = eng.Wabs[l], eng.Babs[l], float(eng.d[l])
    ok = np.ones(H0.shape[0], dtype=bool)
    for H in (H0, H1):
        Ha = _absf(H)
        with np.errstate(all="ignore"):  # inf (beyond float) or inf * 0 (NaN): not small
            zb = Ha[:, :-1] @ Wa.T + Ha[:, -1:] * Ba
        # the entries themselves must fit int64 too (a huge state may meet zero weights)
        ok &= (zb.max(axis=1) < _SMALL) & (Ha[:, -1] * d < _SMALL) & (Ha.max(axis=1) < _BIG)
    if eng.linear:
        Ga = _absf(G)
        ok &= Ga.max(axis=1) < _BIG
        with np.errstate(all="ignore"):
            gb = Ga @ _absf(eng.S_obj[l]).T
        out = _absf(eng.S_obj[-1]).sum() if l == eng.depth - 1 else 0.0
        ok &= gb.max(axis=1) < _BIG / (1.0 + out)
    return ok


def _runs(mask: np.ndarray) -> list[tuple[int, int, bool]]:
    """Maximal runs ``(start, stop, value)`` of a boolean vector."""
    if mask.size == 0:
        return []
    cut = np.flatnonzero(mask[1:] != mask[:-1]) + 1
    starts = np.concatenate(([0], cut))
    stops = np.concatenate((cut, [mask.size]))
    return [(int(a), int(b), bool(mask[a])) for a, b in zip(starts, stops, strict=True)]


def _sign(A: np.ndarray) -> np.ndarray:
    return (A > 0).astype(np.int8) - (A < 0).astype(np.int8)


def _normalize(P: np.ndarray) -> np.ndarray:
    g = np.gcd.reduce(P, axis=1)
    return P // g[:, None]


def _to_i64(A: np.ndarray) -> np.ndarray:
    """Object integer arrays go back to int64 when every entry fits."""
    if A.dtype == object and A.size and max(abs(int(v)) for v in A.reshape(-1)) < 2**62:
        return A.astype(np.int64)
    if A.dtype == object and not A.size:
        return A.astype(np.int64)
    return A


def _step(eng: Engine, l: int, H0, H1, G, small: bool, count_only: bool):
    """Split every piece of a chunk by layer ``l``.

    Returns the number of children when ``count_only``; otherwise the children's
    ``(H0, H1, G, mask, parent)`` in left-to-right order (``G``/``H`` None when not needed).
    """
    W: Any
    B: Any
    S: Any
    if small:
        W, B, S = eng.W_i64[l], eng.B_i64[l], eng.S_i64[l]
        H0, H1 = H0.astype(np.int64), H1.astype(np.int64)
        G = G.astype(np.int64) if G is not None else None
    else:
        W, B, S = eng.W_obj[l], eng.B_obj[l], eng.S_obj[l]
        H0, H1 = H0.astype(object), H1.astype(object)
        G = G.astype(object) if G is not None else None
    m, n = H0.shape[0], W.shape[0]
    Z0 = H0[:, :-1] @ W.T + H0[:, -1:] * B
    Z1 = H1[:, :-1] @ W.T + H1[:, -1:] * B
    s0, s1 = _sign(Z0), _sign(Z1)
    root = (s0 * s1) < 0
    a, b = np.abs(Z0), np.abs(Z1)
    tf = np.full((m, n), 2.0)
    if root.any():
        ar, br = a[root], b[root]
        tf[root] = np.asarray(ar / (ar + br), dtype=np.float64)
    order = np.argsort(tf, axis=1, kind="stable")
    a_s = np.take_along_axis(a, order, axis=1)
    b_s = np.take_along_axis(b, order, axis=1)
    r_s = np.take_along_axis(root, order, axis=1)
    if n > 1:
        both = r_s[:, 1:] & r_s[:, :-1]
        cross = a_s[:, :-1] * b_s[:, 1:] - a_s[:, 1:] * b_s[:, :-1]  # sign of t_k - t_{k+1}
        bad = (both & (cross > 0)).any(axis=1)
        if bad.any():  # float order wrong (roots closer than float resolution): sort exactly
            for r in np.flatnonzero(bad):
                idx = [i for i in range(n) if root[r, i]]
                key = {i: Fraction(int(a[r, i]), int(a[r, i]) + int(b[r, i])) for i in idx}
                # the two ends' scales cancel in comparisons: t_i < t_j iff a_i b_j < a_j b_i,
                # the same order as a_i / (a_i + b_i) with both ends on one scale
                rest = [i for i in range(n) if not root[r, i]]
                order[r] = sorted(idx, key=lambda i: key[i]) + rest
            a_s = np.take_along_axis(a, order, axis=1)
            b_s = np.take_along_axis(b, order, axis=1)
            r_s = np.take_along_axis(root, order, axis=1)
            cross = a_s[:, :-1] * b_s[:, 1:] - a_s[:, 1:] * b_s[:, :-1]
            both = r_s[:, 1:] & r_s[:, :-1]
        tie = np.zeros((m, n), dtype=bool)
        tie[:, 1:] = both & (cross == 0)
        new_group = r_s & ~tie
    else:
        new_group = r_s
    ndist = new_group.sum(axis=1)
    if count_only:
        return int(m + ndist.sum())
    nchild = ndist + 1
    parent = np.repeat(np.arange(m), nchild)
    first = np.concatenate(([0], np.cumsum(nchild)[:-1]))
    j = np.arange(parent.size) - first[parent]
    # rank of each unit's root among the piece's distinct roots
    grp_sorted = np.cumsum(new_group, axis=1) - 1
    rank = np.empty((m, n), dtype=np.int64)
    np.put_along_axis(rank, order, grp_sorted, axis=1)
    const = np.where(s0 != 0, s0, s1) > 0
    after = j[:, None] > rank[parent]
    mask = np.where(root[parent], np.where(after, s1[parent] > 0, s0[parent] > 0), const[parent])
    Gc = None
    if G is not None:
        Gc = (G @ S.T)[parent] * mask
    if l == eng.depth - 1:
        return None, None, Gc, mask, parent
    d = eng.d[l]
    zero = np.zeros_like(Z0)
    E0 = np.concatenate((np.maximum(Z0, zero), d * H0[:, -1:]), axis=1)
    E1 = np.concatenate((np.maximum(Z1, zero), d * H1[:, -1:]), axis=1)
    rows, ks = np.nonzero(new_group)
    u = order[rows, ks]
    au, bu = a[rows, u][:, None], b[rows, u][:, None]
    PZ = bu * Z0[rows] + au * Z1[rows]
    PZ = np.maximum(PZ, np.zeros_like(PZ))
    PZ[np.arange(rows.size), u] = 0  # exactly 0 already; keeps the root unit's value exact
    Pd = d * (H1[rows, -1:] * au + H0[rows, -1:] * bu)
    P = np.concatenate((PZ, Pd), axis=1)
    pool = _normalize(np.concatenate((E0, E1, P), axis=0))
    split_first = np.concatenate(([0], np.cumsum(ndist)[:-1]))
    left = np.where(j == 0, parent, 2 * m + split_first[parent] + j - 1)
    right = np.where(j == ndist[parent], m + parent, 2 * m + split_first[parent] + j)
    return pool[left], pool[right], Gc, mask, parent


def _limit_error(count: int, limit: int, bound: int | None) -> RegionLimitExceeded:
    msg = (
        f"more than max_regions={limit} regions: stopped after counting {count} "
        f"(a lower bound on the true count)"
    )
    if bound is not None:
        msg += f"; the 1-input upper bound prod(n_l + 1) is {bound}"
    return RegionLimitExceeded(msg, lower_bound=count)


def _time_error(count: int, budget: float, bound: int | None) -> RegionTimeBudgetExceeded:
    msg = (
        f"time budget of {budget:g} s exceeded: stopped after counting {count} regions "
        f"(a lower bound on the true count)"
    )
    if bound is not None:
        msg += f"; the 1-input upper bound prod(n_l + 1) is {bound}"
    return RegionTimeBudgetExceeded(msg, lower_bound=count)


class _Acc:
    """Running count in left-to-right order, with the limits and the progress callback."""

    def __init__(self, linear, Wout, max_regions, deadline, budget, progress, bound):
        self.linear = linear
        self.Wout = Wout
        self.count = 0
        self.first: tuple | None = None
        self.last: tuple | None = None
        self.max_regions = max_regions
        self.deadline = deadline
        self.budget = budget
        self.progress = progress
        self.bound = bound

    def add_slopes(self, Y: np.ndarray) -> None:
        if Y.shape[0] == 0:
            return
        new = Y.shape[0] - int(np.all(Y[1:] == Y[:-1], axis=1).sum())
        head, tail = tuple(int(v) for v in Y[0]), tuple(int(v) for v in Y[-1])
        if self.last is not None and self.last == head:
            new -= 1
        if self.first is None:
            self.first = head
        self.last = tail
        self.count += new
        self.check()

    def add_count(self, k: int) -> None:
        self.count += k
        self.check()

    def check(self) -> None:
        if self.max_regions is not None and self.count > self.max_regions:
            raise _limit_error(self.count, self.max_regions, self.bound)
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _time_error(self.count, self.budget, self.bound)
        if self.progress is not None:
            self.progress(self.count)


def _run(eng: Engine, l: int, H0, H1, G, acc: _Acc, chunk: int) -> None:
    """Count the pieces ``H0, H1`` (contiguous, in order) at layer ``l``, depth first."""
    for s in range(0, H0.shape[0], chunk):
        h0, h1 = H0[s : s + chunk], H1[s : s + chunk]
        g = G[s : s + chunk] if G is not None else None
        small = _small_rows(eng, l, h0, h1, g)
        for a, b, sm in _runs(small):
            ga = g[a:b] if g is not None else None
            if l == eng.depth - 1 and not eng.linear:
                acc.add_count(_step(eng, l, h0[a:b], h1[a:b], None, sm, True))
                continue
            c0, c1, gc, _, _ = _step(eng, l, h0[a:b], h1[a:b], ga, sm, False)
            if l == eng.depth - 1:
                W = eng.S_i64[-1] if (sm and eng.S_i64[-1] is not None) else eng.S_obj[-1]
                if W is eng.S_obj[-1]:
                    gc = gc.astype(object)
                acc.add_slopes(gc @ W.T)
            else:
                _run(
                    eng,
                    l + 1,
                    _to_i64(c0),
                    _to_i64(c1),
                    _to_i64(gc) if gc is not None else None,
                    acc,
                    chunk,
                )


def outer_breakpoints(
    net: ReLUNetwork, eng: Engine | None = None
) -> tuple[Fraction, Fraction] | None:
    """The leftmost and rightmost breakpoints of a 1-input network on R, exactly.

    ``None`` when the network has no breakpoint (one region). Found by following the
    unbounded outer piece through the layers, in integer arithmetic: the layer input on the
    piece is ``(a x + b) / c`` with integer vectors ``a``, ``b`` and a positive integer ``c``.

    Examples
    --------
    >>> net = ReLUNetwork([[[1], [1]], [[1, 1]]], [[2, -3], [0]])
    >>> outer_breakpoints(net)
    (Fraction(-2, 1), Fraction(3, 1))
    """
    if eng is None:
        eng = Engine.build(net, False)
    ends = []
    for side in (-1, 1):
        a, b, c = [1], [0], 1
        e: Fraction | None = None
        for l in range(eng.depth):
            W = [[int(v) for v in row] for row in eng.W_obj[l]]
            B = [int(v) for v in eng.B_obj[l]]
            p = [sum(w * ai for w, ai in zip(row, a, strict=True)) for row in W]
            q = [
                sum(w * bi for w, bi in zip(row, b, strict=True)) + bb * c
                for row, bb in zip(W, B, strict=True)
            ]
            roots = [Fraction(-qi, pi) for pi, qi in zip(p, q, strict=True) if pi != 0]
            roots = [r for r in roots if e is None or side * (e - r) < 0]
            if roots:
                e = max(roots) if side > 0 else min(roots)
            m = Fraction(0) if e is None else e + side
            act = [pi * m.numerator + qi * m.denominator > 0 for pi, qi in zip(p, q, strict=True)]
            a = [pi if t else 0 for pi, t in zip(p, act, strict=True)]
            b = [qi if t else 0 for qi, t in zip(q, act, strict=True)]
            c *= eng.d[l]
        if e is None:
            return None
        ends.append(e)
    return ends[0], ends[1]


def _expand(eng: Engine, l: int, H0, H1, G):
    """Children of every piece at layer ``l`` (not the last hidden layer), in order."""
    small = _small_rows(eng, l, H0, H1, G)
    parts: list[tuple] = []
    for a, b, sm in _runs(small):
        c0, c1, gc, _, _ = _step(
            eng, l, H0[a:b], H1[a:b], G[a:b] if G is not None else None, sm, False
        )
        parts.append((c0, c1, gc))
    cat = [
        np.concatenate([p[i] for p in parts], axis=0) if parts[0][i] is not None else None
        for i in range(3)
    ]
    return tuple(_to_i64(c) if c is not None else None for c in cat)


def _float_filtered(eng: Engine, lo: Fraction, hi: Fraction, acc: _Acc, chunk: int) -> None:
    """Activation count on ``[lo, hi]`` by the certified float filter, exact where unsure."""

    def exact_count(l: int, rows0: list, rows1: list) -> None:
        H0 = _to_i64(_normalize(np.array(rows0, dtype=object)))
        H1 = _to_i64(_normalize(np.array(rows1, dtype=object)))
        _run(eng, l, H0, H1, None, acc, chunk)

    count_float_filtered(eng, lo, hi, chunk, acc.add_count, exact_count)


def _float_task(eng: Engine, lo: Fraction, hi: Fraction, chunk: int) -> int:
    """Activation count on one sub-interval (for an executor)."""
    acc = _Acc(False, None, None, None, None, None, None)
    _float_filtered(eng, lo, hi, acc, chunk)
    return acc.count


def _layer0_cuts(eng: Engine, lo: Fraction, hi: Fraction) -> list[Fraction]:
    """``lo``, the distinct layer-1 breakpoints strictly inside, ``hi``: exact seams."""
    roots = {
        Fraction(-int(bb), int(w[0]))
        for w, bb in zip(eng.W_obj[0], eng.B_obj[0], strict=True)
        if int(w[0]) != 0
    }
    return [lo, *sorted(r for r in roots if lo < r < hi), hi]


def _task(eng: Engine, l: int, H0, H1, G, chunk: int) -> tuple[int, tuple | None, tuple | None]:
    """Count one contiguous run of pieces (for an executor): ``(count, first, last)``."""
    acc = _Acc(eng.linear, None, None, None, None, None, None)
    _run(eng, l, H0, H1, G, acc, chunk)
    return acc.count, acc.first, acc.last


def _submit_pieces(eng: Engine, H0, H1, G, executor: Executor, n_tasks: int, chunk: int) -> list:
    """Expand the top layers until there are ``n_tasks`` pieces; submit contiguous runs."""
    l = 0
    while l < eng.depth - 1 and H0.shape[0] < n_tasks:
        H0, H1, G = _expand(eng, l, H0, H1, G)
        l += 1
    cuts = np.linspace(0, H0.shape[0], min(n_tasks, H0.shape[0]) + 1).astype(int)
    return [
        executor.submit(_task, eng, l, H0[a:b], H1[a:b], G[a:b] if G is not None else None, chunk)
        for a, b in zip(cuts[:-1], cuts[1:], strict=False)
        if b > a
    ]
