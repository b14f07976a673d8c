"""Exact strict feasibility of linear systems: whether ``{x : A x + b > 0}`` is non-empty.

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
(:mod:`analysis.regions.exact.certified_simplex`), and their answers are first certified in
floats with
rigorous error bounds (``_certify_batch`` there: every float row is within ``2.01 u`` of an
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
from analysis.regions.exact.certified_simplex import (
    _certify_batch,
    _float_simplex,
    _float_simplex_arrays,
    float_box,
    float_system,
    float_system_many,
)
from analysis.regions.exact.linalg import interval_point

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


# ---------------------------------------------------------------------- exact certificates
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
    for r, c in zip(rows, consts, strict=True):
        if sum(a * xi for a, xi in zip(r, X, strict=True)) + c * den <= 0:
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
                r = [pv * a - f * b for a, b in zip(r, pr, strict=True)]
                if not any(r):
                    continue
                g = math.gcd(*r)
                r = [v // g for v in r]
            new_rows.append(r)
        rows = new_rows
        for idx, (pc, prow) in enumerate(pivots):
            f = prow[c]
            if f:
                nr = [pv * a - f * b for a, b in zip(prow, pr, strict=True)]
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
                (float(v).as_integer_ratio() for v in y[nz] / scale[nz, 0]),
                scale[nz, 1],
                strict=True,
            )
        ]
        den_y = max(q for _, q in ratios)
        Y = [(int(i), p * (den_y // q)) for i, (p, q) in zip(nz, ratios, strict=True)]
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
    return sum(t * consts[i] for t, i in zip(v, support, strict=True)) <= 0


# ------------------------------------------------------------------------ deciding systems
def _int_interior(
    rows: Sequence[Sequence[int]],
    consts: Sequence[int],
    box: tuple[Sequence[int], Sequence[int], int] | None = None,
    fl: tuple[np.ndarray, np.ndarray] | None = None,
) -> IntPoint | None:
    """Strict feasibility of integer rows; float candidate, exact certificate or exact LP.

    ``box`` (integer bounds over a common denominator), when given, must be implied by the
    rows; it only speeds up the infeasibility certificate. ``fl``, when given, is
    :func:`float_system` of the rows (which must then all be nonzero).
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
    return _decide(rows, consts, box, *float_system(rows, consts))


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


def solve_systems(
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
        if len(R[0]) == 1:  # one variable: an intersection of open rays, decided exactly
            out[i] = interval_point(R, C)
            continue
        todo0.append((i, R, C))
    # every kept row of every system converted in one go
    todo: list[tuple[int, list, list, np.ndarray, np.ndarray, bool]] = []
    if todo0:
        Mall, scall = float_system_many(
            [r for t in todo0 for r in t[1]], [c for t in todo0 for c in t[2]]
        )
        start = 0
        for i, R, C in todo0:
            stop = start + len(R)
            M, sc = Mall[start:stop], scall[start:stop]
            safe = bool(sc[:, 1].max() < 900 and np.abs(M[:, -1]).max() < 1e290)
            todo.append((i, R, C, M, sc, safe))
            start = stop
    fbox = None if box is None else float_box(box)
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
    for r, c in zip(Af, bf, strict=True):
        den = math.lcm(c.denominator, *(v.denominator for v in r))
        rows.append([int(v * den) for v in r])
        consts.append(int(c * den))
    pt = _int_interior(rows, consts)
    if pt is None:
        return None
    X, den = pt
    return tuple(Fraction(v, den) for v in X)
