"""Float64 filter with certified error bounds for counting 1-D activation regions.

Used by :func:`analysis.regions.methods.oned.breakpoints.count_regions_1d`
(``kind="activation"``) when the
weights do not scale to small integers (typically float64 weights), where exact big-integer
arithmetic on every piece would be slow.

A piece at layer ``l`` is stored by float64 approximations of its ends ``x0 < x1`` and of the
layer input at both ends, ``u = h(x0)`` and ``v = h(x1)``, each with a rigorous absolute
error bound (one per piece: the maximum over units). For the pre-activation ``z = W h + b``
at an end, the float matrix product has error at most
``e_h * sum_j |W_ij| + 2 (n + 3) eps (|W| |h| + |b|)`` (the standard bound for a dot product
of length ``n`` with ``eps = 2^-53``, doubled, plus the rounding of exact weights to float64).
A decision is taken in floats only when it is certified by these bounds:

* the sign of ``z`` at each end (``|z| > error``); a root lies strictly inside iff the
  signs are strictly opposite;
* the order and distinctness of the roots in a piece: each root's parameter
  ``t = a / (a + b)`` (``a = |z(x0)|``, ``b = |z(x1)|``) lies in an interval computed from
  the bounds, and consecutive intervals must be disjoint;
* that the float midpoint of every new piece lies strictly inside the exact piece.

Every piece where one of these fails (ties, a root at an end, a unit identically zero or
constant near zero, roots closer than the error) is rebuilt exactly from its certified
midpoint and counted by the exact integer engine (:mod:`analysis.regions.methods.oned.engine`).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = ["count_float_filtered"]

_U = 2.0**-53


def _exact_piece(eng, l: int, lo: Fraction, hi: Fraction, m: Fraction):
    """The exact piece at layer ``l`` containing ``m`` (strictly inside), as homogeneous rows."""
    a, b, c = [1], [0], 1
    for k in range(l):
        W = eng.W_obj[k]
        B = eng.B_obj[k]
        p = [sum(int(w) * ai for w, ai in zip(row, a, strict=True)) for row in W]
        q = [
            sum(int(w) * bi for w, bi in zip(row, b, strict=True)) + int(bb) * c
            for row, bb in zip(W, B, strict=True)
        ]
        for pi, qi in zip(p, q, strict=True):
            if pi != 0:
                r = Fraction(-qi, pi)
                if lo < r < hi:
                    if r < m:
                        lo = r
                    else:
                        hi = r
        act = [pi * m.numerator + qi * m.denominator > 0 for pi, qi in zip(p, q, strict=True)]
        a = [pi if t else 0 for pi, t in zip(p, act, strict=True)]
        b = [qi if t else 0 for qi, t in zip(q, act, strict=True)]
        c *= eng.d[k]

    def row(x: Fraction) -> list[int]:
        return [ai * x.numerator + bi * x.denominator for ai, bi in zip(a, b, strict=True)] + [
            c * x.denominator
        ]

    return row(lo), row(hi)


def _float_weights(eng, l: int):
    """The layer's weights rounded to nearest float64 (``Fraction.__float__`` rounds correctly)."""
    d = eng.d[l]
    W = np.array([[float(Fraction(int(v), d)) for v in r] for r in eng.W_obj[l]], dtype=np.float64)
    B = np.array([float(Fraction(int(v), d)) for v in eng.B_obj[l]], dtype=np.float64)
    return W, B


def _certified_mid(X0, X1, E0, E1):
    M = 0.5 * (X0 + X1)
    slack = 4 * _U * (np.abs(M) + np.abs(X0) + np.abs(X1))
    ok = (M - X0 - slack > E0) & (X1 - M - slack > E1)
    return M, ok


def count_float_filtered(eng, lo: Fraction, hi: Fraction, chunk: int, add, exact_count) -> None:
    """Count the activation regions on ``[lo, hi]`` exactly, passing counts to ``add(k)``.

    ``exact_count(l, H0, H1)`` counts pieces given as homogeneous integer rows at layer ``l``
    with the exact engine (and reports them itself).
    """
    try:
        X0 = np.array([float(lo)])
        X1 = np.array([float(hi)])
        E0 = np.array([float(abs(Fraction(X0[0]) - lo)) * (1 + 4 * _U)])
        E1 = np.array([float(abs(Fraction(X1[0]) - hi)) * (1 + 4 * _U)])
        _, ok = _certified_mid(X0, X1, E0, E1)
    except OverflowError:  # ends beyond the float range: exact arithmetic only
        ok = np.zeros(1, dtype=bool)
    if not ok[0]:
        r0, r1 = _exact_piece(eng, 0, lo, hi, (lo + hi) / 2)
        exact_count(0, [r0], [r1])
        return
    weights = [_float_weights(eng, l) for l in range(eng.depth)]
    state = (X0, X1, E0, E1, X0[:, None], X1[:, None], E0, E1)
    with np.errstate(all="ignore"):
        _rec(eng, 0, state, weights, lo, hi, chunk, add, exact_count)


def _rec(eng, l, state, weights, lo, hi, chunk, add, exact_count) -> None:
    n_rows = state[0].shape[0]
    for s in range(0, n_rows, chunk):
        part = tuple(a[s : s + chunk] for a in state)
        out, bad = _float_step(eng, l, part, weights, last=(l == eng.depth - 1))
        if bad.any():
            X0, X1 = part[0][bad], part[1][bad]
            rows0, rows1 = [], []
            for x0, x1 in zip(X0, X1, strict=True):
                m = Fraction(float(0.5 * (x0 + x1)))
                r0, r1 = _exact_piece(eng, l, lo, hi, m)
                rows0.append(r0)
                rows1.append(r1)
            exact_count(l, rows0, rows1)
        if l == eng.depth - 1:
            add(out)
        elif out[0].shape[0]:
            _rec(eng, l + 1, out, weights, lo, hi, chunk, add, exact_count)


def _float_step(eng, l, state, weights, last):
    X0, X1, EX0, EX1, U, V, EU, EV = state
    W, B = weights[l]
    m, n = U.shape[0], W.shape[0]
    Wa, Ba = np.abs(W), np.abs(B)
    rows = Wa.sum(axis=1)
    cu = 2 * (W.shape[1] + 3) * _U
    Z0 = U @ W.T + B
    Z1 = V @ W.T + B
    # the bounds are themselves float sums of positive terms: the factor (1 + 2^-30) covers
    # their own rounding (and |W| <= (1 + 3 eps) |float(W)|) with a wide margin
    safe = 1.0 + 2.0**-30
    # 2^-1074 per weight: the absolute rounding of weights in the subnormal range
    tiny0 = 2.0**-1070 * (np.abs(U).sum(axis=1) + 1.0)[:, None]
    tiny1 = 2.0**-1070 * (np.abs(V).sum(axis=1) + 1.0)[:, None]
    ez0 = (EU[:, None] * rows + cu * (np.abs(U) @ Wa.T + Ba) + tiny0) * safe + 1e-300
    ez1 = (EV[:, None] * rows + cu * (np.abs(V) @ Wa.T + Ba) + tiny1) * safe + 1e-300
    pos0, neg0 = Z0 > ez0, Z0 < -ez0
    pos1, neg1 = Z1 > ez1, Z1 < -ez1
    bad = ~((pos0 | neg0) & (pos1 | neg1)).all(axis=1)
    root = (pos0 & neg1) | (neg0 & pos1)
    a, b = np.abs(Z0), np.abs(Z1)
    t = np.where(root, a / (a + b), 2.0)
    tlo = np.where(root, (a - ez0) / ((a - ez0) + (b + ez1)) * (1 - 4 * _U), 2.0)
    thi = np.where(root, (a + ez0) / ((a + ez0) + (b - ez1)) * (1 + 4 * _U), 2.0)
    order = np.argsort(t, axis=1, kind="stable")
    r_s = np.take_along_axis(root, order, axis=1)
    if n > 1:
        lo_s = np.take_along_axis(tlo, order, axis=1)
        hi_s = np.take_along_axis(thi, order, axis=1)
        both = r_s[:, 1:] & r_s[:, :-1]
        bad |= (both & ~(hi_s[:, :-1] < lo_s[:, 1:])).any(axis=1)
    bad |= ~(np.isfinite(tlo) & np.isfinite(thi)).all(axis=1)
    k = root.sum(axis=1)
    if last:
        good = ~bad
        return int(good.sum() + k[good].sum()), bad
    # children: ends and their certified midpoints
    rows_r, ks = np.nonzero(r_s)
    u = order[rows_r, ks]
    tu = t[rows_r, u]
    et = np.maximum(thi[rows_r, u] - tu, tu - tlo[rows_r, u])
    xs = X0[rows_r] + tu * (X1[rows_r] - X0[rows_r])
    exs = (
        np.maximum(EX0[rows_r], EX1[rows_r])
        + et * (EX0[rows_r] + EX1[rows_r] + np.abs(X1[rows_r] - X0[rows_r]))
        + 4 * _U * (np.abs(X0[rows_r]) + np.abs(X1[rows_r]) + np.abs(xs))
    )
    z0r, z1r = Z0[rows_r], Z1[rows_r]
    ZS = z0r + tu[:, None] * (z1r - z0r)
    ezs = (
        np.maximum(ez0[rows_r].max(axis=1), ez1[rows_r].max(axis=1)) * (1 + 2 * et)
        + et * np.abs(z1r - z0r).max(axis=1)
        + 4 * _U * (np.abs(z0r) + np.abs(z1r)).max(axis=1)
    )
    exs *= 1.0 + 2.0**-30
    ezs *= 1.0 + 2.0**-30
    ZS[np.arange(u.size), u] = 0.0  # the root unit is exactly 0 there
    nchild = k + 1
    parent = np.repeat(np.arange(m), nchild)
    first = np.concatenate(([0], np.cumsum(nchild)[:-1]))
    j = np.arange(parent.size) - first[parent]
    split_first = np.concatenate(([0], np.cumsum(k)[:-1]))
    sl = split_first[parent] + j - 1
    sr = split_first[parent] + j
    is_first, is_last = j == 0, j == k[parent]
    pick = np.clip(sl, 0, max(u.size - 1, 0))
    pickr = np.clip(sr, 0, max(u.size - 1, 0))
    relu0, relu1 = np.maximum(Z0, 0.0), np.maximum(Z1, 0.0)
    relus = np.maximum(ZS, 0.0) if u.size else np.zeros((1, n))
    xs_, exs_, ezs_ = (xs, exs, ezs) if u.size else (np.zeros(1), np.zeros(1), np.zeros(1))
    cX0 = np.where(is_first, X0[parent], xs_[pick])
    cE0 = np.where(is_first, EX0[parent], exs_[pick])
    cX1 = np.where(is_last, X1[parent], xs_[pickr])
    cE1 = np.where(is_last, EX1[parent], exs_[pickr])
    cU = np.where(is_first[:, None], relu0[parent], relus[pick])
    cEU = np.where(is_first, ez0.max(axis=1)[parent], ezs_[pick])
    cV = np.where(is_last[:, None], relu1[parent], relus[pickr])
    cEV = np.where(is_last, ez1.max(axis=1)[parent], ezs_[pickr])
    _, ok = _certified_mid(cX0, cX1, cE0, cE1)
    ok &= np.isfinite(cEU) & np.isfinite(cEV)
    bad |= np.bincount(parent[~ok], minlength=m) > 0
    keep = ~bad[parent]
    child = tuple(a[keep] for a in (cX0, cX1, cE0, cE1, cU, cV, cEU, cEV))
    return child, bad
