"""Float64 side of :mod:`analysis.regions.exact.feasibility`: batched simplex, certified bounds.

The float LPs only *propose*: :mod:`analysis.regions.exact.feasibility` accepts a float
answer after it is
certified, either here by rigorous float error bounds (:func:`_certify_batch`: every float
row is within ``2.01 u`` of an exact positive multiple of its integer row, so a margin far
above the rounding error proves a sign) or there by exact integer checks.

* :func:`_float_rows`, :func:`float_system`, :func:`float_system_many`: integer rows as
  normalized float64 rows with their scales;
* :func:`_float_simplex` (one problem) and :func:`_float_simplex_arrays` (a batch in
  lockstep, through :func:`_pivot`): the max-slack LP;
* :func:`_certify_batch`: interior points and Farkas certificates certified in floats;
* :func:`float_bounds_batch`: certified bounding boxes of many sets at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

__all__: list[str] = []


def _float_rows(
    rows: Sequence[Sequence[int]], consts: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``[a | b] / 2^e`` as float64, ``2^e <= max |a_j| < 2^(e+1)``, and the ``e``.

    Integer true division is correctly rounded and cannot overflow for ``a``; a constant
    too large for a float is clamped (the float LP only proposes; exact checks decide).
    """
    out = np.empty((len(rows), len(rows[0]) + 1))
    exps = np.zeros(len(rows))
    for i, (r, c) in enumerate(zip(rows, consts, strict=True)):
        e = max(abs(v) for v in r).bit_length() - 1
        vals: list[float]
        if e < 1000 and abs(c) < (1 << 1000):
            vals = [float(v) for v in (*r, c)]
            if e > 0:
                vals = [v / 2.0**e for v in vals]
        else:
            p2 = 1 << e
            vals = [v / p2 for v in r]
            try:
                vals.append(c / p2)
            except OverflowError:
                vals.append(1e300 if c > 0 else -1e300)
        out[i] = vals
        exps[i] = e
    np.clip(out[:, -1], -1e300, 1e300, out=out[:, -1])
    return out, exps


def _float_simplex(
    M: np.ndarray, max_iter: int = 200
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Float dense simplex on the max-slack LP with normalized rows ``M = [A | b]``.

    Full tableau: columns ``x+ (d), x- (d), s, slacks (m + 1), rhs``; the last row holds
    the reduced costs, so the duals of the rows are the slack columns' entries there.
    Returns ``(t*, x, y)`` or ``None`` on failure (then the exact simplex decides).
    """
    m, d1 = M.shape
    d = d1 - 1
    b = M[:, d]
    t0 = min(0.0, float(b.min()))
    n = 2 * d + 1
    N = n + m + 1
    T = np.zeros((m + 2, N + 1))
    T[:m, :d] = -M[:, :d]
    T[:m, d : 2 * d] = M[:, :d]
    T[: m + 1, 2 * d] = 1.0
    idx = np.arange(m + 1)
    T[idx, n + idx] = 1.0
    T[:m, N] = b - t0
    T[m, N] = 1.0 - t0
    T[m + 1, 2 * d] = -1.0
    basis = np.arange(n, N)
    eps = 1e-12
    obj = T[m + 1]
    for _ in range(max_iter):
        e = int(np.argmin(obj[:N]))
        if obj[e] >= -eps:
            break
        col = T[: m + 1, e]
        pos = col > eps
        if not pos.any():
            return None
        ratios = np.full(m + 1, np.inf)
        np.divide(T[: m + 1, N], col, out=ratios, where=pos)
        r = int(np.argmin(ratios))
        prow = T[r] / T[r, e]
        T -= np.outer(T[:, e], prow)
        T[r] = prow
        basis[r] = e
    else:
        return None
    u = np.zeros(N)
    u[basis] = T[: m + 1, N]
    x = u[:d] - u[d : 2 * d]
    return float(u[2 * d] + t0), x, obj[n : n + m].copy()


def _float_simplex_arrays(
    Ms: np.ndarray, max_iter: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_float_simplex` on a batch ``Ms`` of shape ``(k, m, d + 1)``, in lockstep.

    A condensed tableau (only the ``2 d + 1`` nonbasic columns are stored; the basic and
    nonbasic labels swap at each pivot), so a pivot costs ``O(m d)`` per problem. Each
    problem pivots by its own rule; finished problems stop changing. Returns arrays ``ok``
    (``k``; False where the float LP failed), ``t`` (``k``), ``x`` (``k, d``) and the row
    duals ``y`` (``k, m``).
    """
    k, m, d1 = Ms.shape
    d = d1 - 1
    b = Ms[:, :, d]
    t0 = np.minimum(0.0, b.min(axis=1))
    n = 2 * d + 1
    # condensed tableau: rows = m constraints, the cap s <= 1 - t0, the objective;
    # columns = the n nonbasic variables (x+, x-, s at the start) and the right-hand side
    T = np.zeros((k, m + 2, n + 1))
    T[:, :m, :d] = -Ms[:, :, :d]
    T[:, :m, d : 2 * d] = Ms[:, :, :d]
    T[:, : m + 1, 2 * d] = 1.0
    T[:, :m, n] = b - t0[:, None]
    T[:, m, n] = 1.0 - t0
    T[:, m + 1, 2 * d] = -1.0
    basic = np.tile(np.arange(n, n + m + 1), (k, 1))
    nonbasic = np.tile(np.arange(n), (k, 1))
    # rows 0..m are constraints (the m rows and the cap), row m + 1 the objective
    ok = _pivot(T, m + 1, n, basic, nonbasic, max_iter)
    N = n + m + 1
    u = np.zeros((k, N))
    np.put_along_axis(u, basic, T[:, : m + 1, n], axis=1)
    t = u[:, 2 * d] + t0
    x = u[:, :d] - u[:, d : 2 * d]
    # duals: the objective row's entries at the nonbasic slack columns (0 where basic)
    yfull = np.zeros((k, N))
    np.put_along_axis(yfull, nonbasic, T[:, m + 1, :n], axis=1)
    return ok, t, x, yfull[:, n : n + m]


#: Absolute slack that covers underflow in the float certificates (each product that
#: underflows errs by at most 2^-1074; this is about 2^-830 per term).
_TINY = 1e-250


def float_box(box: tuple[Sequence[int], Sequence[int], int]) -> tuple[np.ndarray, np.ndarray]:
    """Float bounds that contain the exact box ``[lo/den, hi/den]`` (rounded outward)."""
    lo, hi, den = box
    flo = np.array([_float_or_inf(Fraction(v, den)) for v in lo])
    fhi = np.array([_float_or_inf(Fraction(v, den)) for v in hi])
    return np.nextafter(flo, -np.inf), np.nextafter(fhi, np.inf)


def _float_or_inf(v: Fraction) -> float:
    """``float(v)``, or ``±inf`` beyond the float range (still a bound that contains ``v``)."""
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _certify_batch(
    Ms: np.ndarray,
    safe: np.ndarray,
    ok: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    fbox: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """Certify float LP answers with rigorous float error bounds: 1 point, 0 empty, -1 open.

    ``Ms`` are normalized rows as made by :func:`float_system` (rows ``[0 .. 0 | 1]`` may pad
    them); ``safe[i]`` says problem ``i``'s rows were converted without clamping or subnormal
    entries (every exponent ``e < 900``), so that each float entry is the exact normalized
    row ``a = row / (2^e norm)`` (a positive multiple of the integer row) up to a relative
    error of ``2.01 u`` (``u = 2^-53``: one rounding of the integer, one of the division).

    *Point* ``x`` (an exact dyadic): for every row the float value ``s`` of ``M . (x, 1)``
    differs from the exact ``a . (x, 1)`` by at most ``(2.01 u + gamma_{d+1})`` times the
    magnitude ``sum |M_j x_j| + |M_b|`` (plus underflow slack); ``s`` above ``1e-12`` times
    that magnitude therefore proves the exact value positive.

    *Emptiness* (Farkas, inside the box ``fbox``, which contains the exact domain box whose
    inequalities are rows of every system): for the multipliers ``Y = max(y, 0)`` the affine
    function ``R(x) = sum_i Y_i (a_i . x + b_i)`` is positive at any strict solution (rows
    with ``Y_i > 0`` are positive there). Its maximum over the box is at most the float
    maximum of ``r . x + beta`` (``r = Y^T M``) plus an error bound ``1e-10`` times the
    magnitude ``sum_j S_j X_j + sum_i Y_i |b_i| + sum_j |r_j| X_j + |beta|``
    (``S = Y^T |M|``, ``X`` the largest box coordinate); when that is still negative no
    strict solution exists. Both margins exceed the worst-case rounding error by a factor
    above 100 for systems of up to 10^4 rows.
    """
    k, mm, d1 = Ms.shape
    status = np.full(k, -1, dtype=np.int8)
    if k == 0 or mm > 10_000:
        return status
    with np.errstate(all="ignore"):
        A = Ms[:, :, :-1]
        b = Ms[:, :, -1]
        good = ok & safe & np.isfinite(t) & np.isfinite(x).all(axis=1) & np.isfinite(y).all(1)
        cand = good & (t > 1e-9) & (np.abs(x).max(axis=1, initial=0.0) < 1e150)
        if cand.any():
            s = np.einsum("kmd,kd->km", A, x) + b
            mag = np.einsum("kmd,kd->km", np.abs(A), np.abs(x)) + np.abs(b)
            fine = (s > 1e-12 * mag + _TINY * d1).all(axis=1)
            status[cand & fine] = 1
        if fbox is not None:
            rest = good & (status != 1)
            if rest.any():
                lo, hi = fbox
                Y = np.maximum(y, 0.0)
                r = np.einsum("km,kmd->kd", Y, A)
                beta = (Y * b).sum(axis=1)
                top = np.where(r > 0, r * hi, r * lo).sum(axis=1) + beta
                X = np.maximum(np.abs(lo), np.abs(hi))
                S = np.einsum("km,kmd->kd", Y, np.abs(A))
                mag2 = (
                    (S * X).sum(axis=1)
                    + (Y * np.abs(b)).sum(axis=1)
                    + (np.abs(r) * X).sum(axis=1)
                    + np.abs(beta)
                )
                empty = rest & (top + 1e-10 * mag2 + _TINY * mm * d1 < 0)
                status[empty] = 0
    return status


def float_bounds_batch(
    Ms: np.ndarray,
    P: np.ndarray,
    safe: np.ndarray,
    fbox: tuple[np.ndarray, np.ndarray],
    max_iter: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """Certified float bounds ``lo <= x <= hi`` on the sets ``{M . (x, 1) > 0}`` of a batch.

    ``Ms`` (``k, m, d + 1``) are normalized rows as for :func:`_certify_batch` (each set must
    lie in the domain box, whose rows are among its own, and ``fbox`` contains that box);
    ``P`` holds points of the sets (they start the simplex: ``x = p + z``, ``z = 0``).
    For ``c = +-e_j`` the LP ``max c . x`` gives multipliers ``Y >= 0`` (its duals); for every
    ``x`` of the set ``c . x <= c . x + sum_i Y_i (a_i . x + b_i)``, whose maximum over the
    box is bounded from above in floats with the error margin of :func:`_certify_batch`. Any
    ``Y >= 0`` gives a valid bound, so a poor float solution only loosens it; problems that
    are not ``safe`` (or fail) get the box itself.
    """
    k, m, d1 = Ms.shape
    d = d1 - 1
    lo = np.tile(fbox[0], (k, 1))
    hi = np.tile(fbox[1], (k, 1))
    if k == 0 or m > 10_000:
        return lo, hi
    n = 2 * d
    A = Ms[:, :, :d]
    b = Ms[:, :, d]
    with np.errstate(all="ignore"):
        rhs = np.maximum(np.einsum("kmd,kd->km", A, P) + b, 0.0)
        # problem (i, j, sign): rows of set i, objective sign * x_j
        K = k * 2 * d
        T = np.zeros((K, m + 1, n + 1))
        Tv = T.reshape(k, 2 * d, m + 1, n + 1)
        Tv[:, :, :m, :d] = -A[:, None]
        Tv[:, :, :m, d:n] = A[:, None]
        Tv[:, :, :m, n] = rhs[:, None]
        cvec = np.zeros((2 * d, d))
        cvec[np.arange(d), np.arange(d)] = 1.0
        cvec[d + np.arange(d), np.arange(d)] = -1.0
        Tv[:, :, m, :d] = -cvec[None]
        Tv[:, :, m, d:n] = cvec[None]
        basic = np.tile(np.arange(n, n + m), (K, 1))
        nonbasic = np.tile(np.arange(n), (K, 1))
        ok = _pivot(T, m, n, basic, nonbasic, max_iter)
        yfull = np.zeros((K, n + m))
        np.put_along_axis(yfull, nonbasic, T[:, m, :n], axis=1)
        Y = np.maximum(yfull[:, n:], 0.0).reshape(k, 2 * d, m)
        r = np.einsum("ksm,kmd->ksd", Y, A) + cvec[None]
        beta = (Y * b[:, None, :]).sum(axis=2)
        flo, fhi = fbox
        top = np.where(r > 0, r * fhi, r * flo).sum(axis=2) + beta
        X = np.maximum(np.abs(flo), np.abs(fhi))
        S = np.einsum("ksm,kmd->ksd", Y, np.abs(A))
        mag = (
            ((S + np.abs(cvec)[None] + np.abs(r)) * X).sum(axis=2)
            + (Y * np.abs(b)[:, None, :]).sum(axis=2)
            + np.abs(beta)
        )
        bound = top + 1e-10 * mag + _TINY * m * d1
        good = (ok.reshape(k, 2 * d) & safe[:, None]) & np.isfinite(bound)
        up = np.where(good[:, :d], bound[:, :d], np.inf)
        down = np.where(good[:, d:], -bound[:, d:], -np.inf)
    return np.maximum(lo, down), np.minimum(hi, up)


def _pivot(
    T: np.ndarray,
    m: int,
    n: int,
    basic: np.ndarray,
    nonbasic: np.ndarray,
    max_iter: int,
) -> np.ndarray:
    """Lockstep primal simplex on condensed tableaux ``T`` (``k, m + 1, n + 1``), in place.

    Rows ``0..m-1`` are constraints ``x_B + T x_N = rhs`` (``rhs >= 0``: the start is
    feasible), row ``m`` the objective (a negative entry improves); Dantzig's rule. Returns
    which problems reached an optimum.
    """
    k = T.shape[0]
    eps = 1e-12
    failed = np.zeros(k, dtype=bool)
    running = np.ones(k, dtype=bool)
    for _ in range(max_iter):
        obj = T[:, m, :n]
        e = obj.argmin(axis=1)
        running = (obj[np.arange(k), e] < -eps) & ~failed
        act = np.nonzero(running)[0]
        if act.size == 0:
            break
        ea = e[act]
        Ta = T[act]
        ar = np.arange(act.size)
        col = Ta[ar, :, ea]
        colc = col[:, :m]
        pos = colc > eps
        bad = ~pos.any(axis=1)
        if bad.any():
            failed[act[bad]] = True
        ratios = np.full(colc.shape, np.inf)
        np.divide(Ta[:, :m, n], colc, out=ratios, where=pos)
        r = ratios.argmin(axis=1)
        piv = Ta[ar, r, ea]
        prow = Ta[ar, r, :] / piv[:, None]
        prow[ar, ea] = 1.0 / piv
        Ta -= col[:, :, None] * prow[:, None, :]
        Ta[ar, :, ea] = -col / piv[:, None]
        Ta[ar, r, :] = prow
        keep = ~bad
        ak, rk, ek = act[keep], r[keep], ea[keep]
        T[ak] = Ta[keep]
        lab = basic[ak, rk].copy()
        basic[ak, rk] = nonbasic[ak, ek]
        nonbasic[ak, ek] = lab
    return ~failed & ~running


def float_system(
    rows: Sequence[Sequence[int]], consts: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Float rows ``[a | b]`` normalized to ``|a| = 1`` and their scales (nonzero rows).

    The scale of row ``i`` is ``norm_i * 2^e_i``, stored as the pair ``(norm_i, e_i)``.
    """
    M, exps = _float_rows(rows, consts)
    norms = np.linalg.norm(M[:, :-1], axis=1)
    return M / norms[:, None], np.column_stack([norms, exps])


def float_system_many(
    rows: Sequence[Sequence[int]], consts: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`float_system` of many nonzero rows, converted by numpy in one call.

    Each integer is rounded once to the nearest float (numpy converts Python integers
    correctly rounded) and scaled by an exact power of two ``2^-e`` (``e >= 0`` from the
    row's largest entry), then divided by the norm: the same ``2.01 u`` relation to the exact
    row as :func:`_float_rows`. Rows whose entries do not fit a float take that slower path.
    """
    try:
        flat = [float(v) for r, c in zip(rows, consts, strict=True) for v in (*r, c)]
        A = np.array(flat).reshape(len(rows), -1)
    except OverflowError:
        return float_system(rows, consts)
    big = np.abs(A).max(axis=1)
    if not (np.isfinite(A).all() and big.max(initial=0.0) < 2.0**1000):
        return float_system(rows, consts)
    top = np.abs(A[:, :-1]).max(axis=1)
    e = np.maximum(np.frexp(top)[1] - 1, 0)
    M = np.ldexp(A, -e[:, None])
    norms = np.linalg.norm(M[:, :-1], axis=1)
    return M / norms[:, None], np.column_stack([norms, e.astype(float)])
