"""Exact strict feasibility of linear systems: is ``{x : A x + b > 0}`` non-empty?

A polyhedron given by strict inequalities is full-dimensional exactly when this open set is
non-empty. We decide it with the *max-slack* linear program

.. math::

    \\max_{x, t} \\; t \\quad \\text{s.t.} \\quad A x + b \\ge t \\mathbf{1}, \\quad t \\le 1,

with no box on ``x`` (so unbounded polyhedra, even ones far from the origin, are handled):
the open set is non-empty iff the optimum ``t*`` is ``> 0``, and then the optimal ``x`` is an
interior point with margin ``t*``. The cap ``t <= 1`` keeps the LP bounded.

Two solvers share this formulation:

* a float64 dense simplex (fast), whose answer is only a *candidate*: a point is accepted after
  its strict inequalities are verified in exact integer arithmetic; an infeasibility answer is
  accepted after its Farkas certificate ``y >= 0, y != 0, y^T A = 0, y^T b <= 0`` is recomputed
  exactly on the dual support;
* an exact simplex in :class:`fractions.Fraction` with Bland's rule (terminates on every
  degenerate input), which decides whenever the float answer cannot be certified.

Many systems at once (the region engine): the float LPs run in lockstep batches
(:func:`_float_simplex_arrays`), and their answers are first certified in floats with
rigorous error bounds (:func:`_certify_batch`: every float row is within ``2.01 u`` of an
exact positive multiple of its integer row, so a margin far above the rounding error proves
a sign); whatever is not certified that way goes through the exact checks above.

>>> p = interior_point([[1, 0], [0, 1], [-1, -1]], [0, 0, 1])   # open triangle
>>> p[0] > 0 and p[1] > 0 and p[0] + p[1] < 1
True
>>> interior_point([[1], [-1]], [0, 0]) is None             # x > 0 and -x > 0
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.exact import to_fraction

__all__ = ["interior_point", "exact_interior_point", "IntPoint"]

#: An exact rational point as (integer numerators, common positive denominator).
IntPoint = tuple[tuple[int, ...], int]


# ----------------------------------------------------------------------------- exact simplex
def _simplex_max_slack(A: list[list[Fraction]], b: list[Fraction]) -> tuple[Fraction, list]:
    """Exact optimum ``t*`` of the max-slack LP and an optimal ``x`` (Bland's rule)."""
    m = len(A)
    d = len(A[0]) if m else 0
    t0 = min([Fraction(0), *b])
    # Variables u = (x+ [d], x- [d], s); s = t - t0 >= 0 (x = 0, s = 0 is feasible).
    # Constraint rows: -a.x+ + a.x- + s <= b_i - t0;  s <= 1 - t0.
    n = 2 * d + 1
    T = [[-a for a in row] + list(row) + [Fraction(1)] for row in A]
    T.append([Fraction(0)] * (2 * d) + [Fraction(1)])
    rhs = [bi - t0 for bi in b] + [1 - t0]
    cost = [Fraction(0)] * (2 * d) + [Fraction(1)]
    z = Fraction(0)
    nonbasic = list(range(n))  # variable labels 0..n-1 are structural, n.. are slacks
    basic = [n + i for i in range(m + 1)]
    while True:
        cand = [j for j in range(n) if cost[j] > 0]
        if not cand:
            break
        e = min(cand, key=lambda j: nonbasic[j])
        best = None
        for i in range(m + 1):
            p = T[i][e]
            if p > 0:
                ratio = rhs[i] / p
                if best is None or ratio < best[0] or (ratio == best[0] and basic[i] < best[2]):
                    best = (ratio, i, basic[i])
        if best is None:  # cannot happen: s is capped
            raise RuntimeError("max-slack LP unbounded")
        r = best[1]
        p = T[r][e]
        row = [v / p for v in T[r]]
        row[e] = 1 / p
        rr = rhs[r] / p
        for i in range(m + 1):
            if i == r:
                continue
            f = T[i][e]
            if f:
                Ti = T[i]
                for j in range(n):
                    if j != e and row[j]:
                        Ti[j] -= f * row[j]
                Ti[e] = -f * row[e]
                rhs[i] -= f * rr
        ce = cost[e]
        z += ce * rr
        for j in range(n):
            if j != e and row[j]:
                cost[j] -= ce * row[j]
        cost[e] = -ce * row[e]
        T[r] = row
        rhs[r] = rr
        basic[r], nonbasic[e] = nonbasic[e], basic[r]
    u = [Fraction(0)] * n
    for i, lab in enumerate(basic):
        if lab < n:
            u[lab] = rhs[i]
    x = [u[k] - u[d + k] for k in range(d)]
    return z + t0, x


def exact_interior_point(
    A: Sequence[Sequence[Any]], b: Sequence[Any]
) -> tuple[Fraction, ...] | None:
    """Decide ``{x : A x + b > 0} != {}`` exactly; return an interior point or ``None``.

    Parameters
    ----------
    A : sequence of rows
        ``m x d`` rational matrix (``m >= 1``).
    b : sequence
        Length ``m``.

    Returns
    -------
    tuple of Fraction or None
        A point with every ``a_i . x + b_i > 0`` exactly, or ``None`` if there is none.

    Examples
    --------
    >>> exact_interior_point([[1, 1], [-1, -1]], [0, 0]) is None
    True
    >>> exact_interior_point([[1, 1], [-1, -1]], [0, 1])
    (Fraction(1, 2), Fraction(0, 1))
    """
    Af = [[to_fraction(v, "A") for v in row] for row in A]
    bf = [to_fraction(v, "b") for v in b]
    if len(Af) != len(bf):
        raise ValueError(f"A has {len(Af)} rows but b has {len(bf)} entries")
    if not Af:
        raise ValueError("need at least one inequality (the dimension is unknown)")
    tstar, x = _simplex_max_slack(Af, bf)
    if tstar <= 0:
        return None
    return tuple(x)


# ----------------------------------------------------------------------------- float path
def _float_rows(
    rows: Sequence[Sequence[int]], consts: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``[a | b] / 2^e`` as float64, ``2^e <= max |a_j| < 2^(e+1)``, and the ``e``.

    Integer true division is correctly rounded and cannot overflow for ``a``; a constant
    too large for a float is clamped (the float LP only proposes; exact checks decide).
    """
    out = np.empty((len(rows), len(rows[0]) + 1))
    exps = np.zeros(len(rows))
    for i, (r, c) in enumerate(zip(rows, consts)):
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


def _float_box(box: tuple[Sequence[int], Sequence[int], int]) -> tuple[np.ndarray, np.ndarray]:
    """Float bounds that contain the exact box ``[lo/den, hi/den]`` (rounded outward)."""
    lo, hi, den = box
    flo = np.array([float(Fraction(v, den)) for v in lo])
    fhi = np.array([float(Fraction(v, den)) for v in hi])
    return np.nextafter(flo, -np.inf), np.nextafter(fhi, np.inf)


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

    ``Ms`` are normalized rows as made by :func:`_float_system` (rows ``[0 .. 0 | 1]`` may pad
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


def _float_bounds_batch(
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


def _point_of(x: np.ndarray) -> IntPoint:
    """The float vector ``x`` as an exact dyadic point (numerators, common denominator)."""
    ratios = [float(v).as_integer_ratio() for v in x]
    den = max(q for _, q in ratios) if ratios else 1
    return tuple(p * (den // q) for p, q in ratios), den


def _verify_point(
    rows: Sequence[Sequence[int]], consts: Sequence[int], x: np.ndarray
) -> IntPoint | None:
    """The float point ``x`` as an exact dyadic point if it satisfies every row strictly."""
    if not np.all(np.isfinite(x)):
        return None
    ratios = [float(v).as_integer_ratio() for v in x]
    den = max(q for _, q in ratios)
    X = tuple(p * (den // q) for p, q in ratios)
    for r, c in zip(rows, consts):
        if sum(a * xi for a, xi in zip(r, X)) + c * den <= 0:
            return None
    return X, den


def _int_null_vector(M: list[list[int]]) -> list[int] | None:
    """An integer vector spanning the null space of ``M`` if it is 1-dimensional, else None.

    Fraction-free elimination over the integers (each row kept primitive by its gcd).
    """
    rows = [list(r) for r in M if any(r)]
    k = len(M[0])
    pivots: list[tuple[int, list[int]]] = []
    for c in range(k):
        p = next((i for i, r in enumerate(rows) if r[c] != 0), None)
        if p is None:
            continue
        pr = rows.pop(p)
        pv = pr[c]
        new_rows = []
        for r in rows:
            f = r[c]
            if f:
                r = [pv * a - f * b for a, b in zip(r, pr)]
                if not any(r):
                    continue
                g = math.gcd(*r)
                r = [v // g for v in r]
            new_rows.append(r)
        rows = new_rows
        for idx, (pc, prow) in enumerate(pivots):
            f = prow[c]
            if f:
                nr = [pv * a - f * b for a, b in zip(prow, pr)]
                g = math.gcd(*nr)
                pivots[idx] = (pc, [v // g for v in nr])
        pivots.append((c, pr))
    free = [c for c in range(k) if c not in {pc for pc, _ in pivots}]
    if len(free) != 1:
        return None
    f = free[0]
    scale = math.lcm(*(abs(prow[pc]) for pc, prow in pivots)) if pivots else 1
    y = [0] * k
    y[f] = scale
    for pc, prow in pivots:
        y[pc] = -prow[f] * scale // prow[pc]
    return y


def _farkas(
    rows: Sequence[Sequence[int]],
    consts: Sequence[int],
    y: np.ndarray,
    scale: np.ndarray,
    box: tuple[Sequence[int], Sequence[int], int] | None = None,
) -> bool:
    """Exactly verify that ``{rows . x + consts > 0}`` is empty from float duals ``y``.

    ``y`` are the duals of the normalized rows of the float LP; row ``i`` was divided by
    ``scale[i, 0] * 2^scale[i, 1]``.

    Any ``Y >= 0, Y != 0`` with ``max over x of Y^T (A x + b) <= 0`` proves emptiness (a
    strict solution would make it ``> 0``). With a bounding ``box`` (integer ``lo, hi`` over a
    common denominator; the system must contain the box's inequalities) the maximum of
    ``r . x + Y . b``, ``r = A^T Y``, over the box is computed exactly for the rounded float
    duals. Otherwise ``r`` must vanish exactly: ``Y`` is recomputed on the float dual support
    as an integer null vector of ``A_S^T``.
    """
    ymax = float(np.max(y)) if y.size else 0.0
    if not (ymax > 0 and math.isfinite(ymax) and np.all(np.isfinite(scale))):
        return False
    d = len(rows[0])
    if box is not None:
        # exact dyadic multipliers of the unnormalized rows (y was for normalized rows)
        nz = np.nonzero(y > 0)[0]
        ratios = [
            (p, q << int(e))
            for (p, q), e in zip(
                (float(v).as_integer_ratio() for v in y[nz] / scale[nz, 0]), scale[nz, 1]
            )
        ]
        den_y = max(q for _, q in ratios)
        Y = [(int(i), p * (den_y // q)) for i, (p, q) in zip(nz, ratios)]
        r = [sum(Yi * rows[i][j] for i, Yi in Y) for j in range(d)]
        lo, hi, den = box
        top = sum(rj * (hi[j] if rj > 0 else lo[j]) for j, rj in enumerate(r))
        yb = sum(Yi * consts[i] for i, Yi in Y)
        if top + yb * den <= 0:
            return True
    support = [i for i in range(len(rows)) if y[i] > 1e-9 * ymax]
    M = [[rows[i][j] for i in support] for j in range(d)]
    v = _int_null_vector(M)
    if v is None:
        return False
    if all(t <= 0 for t in v):
        v = [-t for t in v]
    if any(t < 0 for t in v):
        return False
    return sum(t * consts[i] for t, i in zip(v, support)) <= 0


def _float_system(
    rows: Sequence[Sequence[int]], consts: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Float rows ``[a | b]`` normalized to ``|a| = 1`` and their scales (nonzero rows).

    The scale of row ``i`` is ``norm_i * 2^e_i``, stored as the pair ``(norm_i, e_i)``.
    """
    M, exps = _float_rows(rows, consts)
    norms = np.linalg.norm(M[:, :-1], axis=1)
    return M / norms[:, None], np.column_stack([norms, exps])


def _float_system_many(
    rows: Sequence[Sequence[int]], consts: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_float_system` of many nonzero rows, converted by numpy in one call.

    Each integer is rounded once to the nearest float (numpy converts Python integers
    correctly rounded) and scaled by an exact power of two ``2^-e`` (``e >= 0`` from the
    row's largest entry), then divided by the norm: the same ``2.01 u`` relation to the exact
    row as :func:`_float_rows`. Rows whose entries do not fit a float take that slower path.
    """
    try:
        flat = [float(v) for r, c in zip(rows, consts) for v in (*r, c)]
        A = np.array(flat).reshape(len(rows), -1)
    except OverflowError:
        return _float_system(rows, consts)
    big = np.abs(A).max(axis=1)
    if not (np.isfinite(A).all() and big.max(initial=0.0) < 2.0**1000):
        return _float_system(rows, consts)
    top = np.abs(A[:, :-1]).max(axis=1)
    e = np.maximum(np.frexp(top)[1] - 1, 0)
    M = np.ldexp(A, -e[:, None])
    norms = np.linalg.norm(M[:, :-1], axis=1)
    return M / norms[:, None], np.column_stack([norms, e.astype(float)])


def _int_interior(
    rows: Sequence[Sequence[int]],
    consts: Sequence[int],
    box: tuple[Sequence[int], Sequence[int], int] | None = None,
    fl: tuple[np.ndarray, np.ndarray] | None = None,
) -> IntPoint | None:
    """Strict feasibility of integer rows; float candidate, exact certificate or exact LP.

    ``box`` (integer bounds over a common denominator), when given, must be implied by the
    rows; it only speeds up the infeasibility certificate. ``fl``, when given, is
    :func:`_float_system` of the rows (which must then all be nonzero).
    """
    if fl is not None:
        return _decide(rows, consts, box, *fl)
    keep = []
    for i, r in enumerate(rows):
        if any(r):
            keep.append(i)
        elif consts[i] <= 0:
            return None
    d = len(rows[0])
    if not keep:
        return tuple([0] * d), 1
    rows = [rows[i] for i in keep]
    consts = [consts[i] for i in keep]
    return _decide(rows, consts, box, *_float_system(rows, consts))


def _decide(
    rows: Sequence[Sequence[int]],
    consts: Sequence[int],
    box: tuple[Sequence[int], Sequence[int], int] | None,
    M: np.ndarray,
    scale: np.ndarray,
    res: Any = False,
) -> IntPoint | None:
    """Decide one system from its float LP result ``res`` (solved here when ``False``)."""
    if res is False:
        with np.errstate(all="ignore"):  # overflow/NaN only spoils a candidate
            res = _float_simplex(M)
    if res is not None:
        t, x, y = res
        if t > 1e-9:
            pt = _verify_point(rows, consts, x)
            if pt is not None:
                return pt
        elif t < 1e-7 and _farkas(rows, consts, y, scale, box):
            return None
    tstar, xe = _simplex_max_slack(
        [[Fraction(v) for v in r] for r in rows], [Fraction(c) for c in consts]
    )
    if tstar <= 0:
        return None
    den = math.lcm(*(v.denominator for v in xe)) if xe else 1
    return tuple(int(v * den) for v in xe), den


def _solve_systems(
    systems: Sequence[tuple[Sequence[Sequence[int]], Sequence[int]]],
    box: tuple[Sequence[int], Sequence[int], int] | None = None,
    chunk: int = 512,
    dim: int | None = None,
) -> list[IntPoint | None]:
    """:func:`_int_interior` of many integer systems in one dimension ``d >= 1``.

    Float LPs run in padded batches; answers are certified by :func:`_certify_batch` and the
    rest decided exactly by :func:`_decide`. ``box`` (integer bounds over a common
    denominator), when given, must be implied by every system (its rows among theirs).
    ``dim`` is the number of variables (needed only for systems without rows).
    """
    out: list[IntPoint | None] = [None] * len(systems)
    todo0: list[tuple[int, list, list]] = []
    for i, (rows, consts) in enumerate(systems):
        keep = []
        bad = False
        for k, r in enumerate(rows):
            if any(r):
                keep.append(k)
            elif consts[k] <= 0:
                bad = True
                break
        if bad:
            continue
        if not keep:
            n = len(rows[0]) if rows else dim
            if n is None:
                raise ValueError(f"system {i} has no rows: pass its dimension as dim")
            out[i] = (tuple([0] * n), 1)
            continue
        R = [tuple(rows[k]) for k in keep]
        C = [consts[k] for k in keep]
        todo0.append((i, R, C))
    # every kept row of every system converted in one go
    todo: list[tuple[int, list, list, np.ndarray, np.ndarray, bool]] = []
    if todo0:
        Mall, scall = _float_system_many(
            [r for t in todo0 for r in t[1]], [c for t in todo0 for c in t[2]]
        )
        start = 0
        for i, R, C in todo0:
            stop = start + len(R)
            M, sc = Mall[start:stop], scall[start:stop]
            safe = bool(sc[:, 1].max() < 900 and np.abs(M[:, -1]).max() < 1e290)
            todo.append((i, R, C, M, sc, safe))
            start = stop
    fbox = None if box is None else _float_box(box)
    for start in range(0, len(todo), chunk):
        part = todo[start : start + chunk]
        mm = max(M.shape[0] for _, _, _, M, _, _ in part)
        d1 = part[0][3].shape[1]
        Ms = np.zeros((len(part), mm, d1))
        Ms[:, :, -1] = 1.0  # padding rows 0 . x + 1 > 0
        for k, (_, _, _, M, _, _) in enumerate(part):
            Ms[k, : M.shape[0]] = M
        safe_arr = np.array([p[5] for p in part])
        with np.errstate(all="ignore"):
            ok, t, x, y = _float_simplex_arrays(Ms)
        status = _certify_batch(Ms, safe_arr, ok, t, x, y, fbox)
        for k, (i, R, C, M, sc, _) in enumerate(part):
            if status[k] == 1:
                out[i] = _point_of(x[k])
            elif status[k] == 0:
                out[i] = None
            else:
                res = (float(t[k]), x[k], y[k, : M.shape[0]]) if ok[k] else None
                out[i] = _decide(R, C, box, M, sc, res)
    return out


def interior_point(
    A: Sequence[Sequence[Any]], b: Sequence[Any], *, exact: bool = False
) -> tuple[Fraction, ...] | None:
    """An exact point with ``A x + b > 0`` (every row strictly), or ``None`` if none exists.

    Parameters
    ----------
    A : sequence of rows
        ``m x d`` rational matrix (ints, floats as exact dyadics, Fractions, ``"p/q"``).
    b : sequence
        Length ``m``.
    exact : bool
        Skip the float candidate and use only the exact simplex.

    Returns
    -------
    tuple of Fraction or None
        The answer is exact either way: float candidates are verified in rational arithmetic.

    Examples
    --------
    >>> x, y = interior_point([[1, 0], [-1, 0]], [0, 1])   # 0 < x < 1, y free
    >>> 0 < x < 1
    True
    >>> interior_point([[1, 1], [-2, -2]], [0, 0]) is None  # x+y > 0 and x+y < 0
    True
    """
    Af = [[to_fraction(v, "A") for v in row] for row in A]
    bf = [to_fraction(v, "b") for v in b]
    if len(Af) != len(bf):
        raise ValueError(f"A has {len(Af)} rows but b has {len(bf)} entries")
    if not Af or not Af[0]:
        raise ValueError("need at least one inequality in at least one variable")
    if exact:
        return exact_interior_point(Af, bf)
    rows, consts = [], []
    for r, c in zip(Af, bf):
        den = math.lcm(c.denominator, *(v.denominator for v in r))
        rows.append([int(v * den) for v in r])
        consts.append(int(c * den))
    pt = _int_interior(rows, consts)
    if pt is None:
        return None
    X, den = pt
    return tuple(Fraction(v, den) for v in X)
