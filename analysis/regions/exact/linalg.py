"""Exact rational linear algebra on small dense matrices of Fractions.

Matrices are sequences of rows (lists, tuples or 2-D numpy object arrays); entries may be
ints, Fractions or anything :func:`analysis.exact.to_fraction` accepts (a float is its exact
dyadic rational). Results are lists of :class:`fractions.Fraction`, never rounded.

Gaussian elimination over the rationals (Q is a field, so every pivot is exact):

>>> from fractions import Fraction as F
>>> rank([[1, 2], [2, 4]])
1
>>> solve([[1, 1], [1, -1]], [3, 1])
[Fraction(2, 1), Fraction(1, 1)]
>>> [[str(v) for v in vec] for vec in nullspace([[1, 1, 1]])]
[['-1', '1', '0'], ['-1', '0', '1']]
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from analysis.exact import to_fraction

__all__ = [
    "as_fraction_matrix",
    "rref",
    "rank",
    "solve",
    "nullspace",
    "det",
    "reference_interior_point",
]

Matrix = list[list[Fraction]]


def as_fraction_matrix(M: Any, where: str = "matrix") -> Matrix:
    """Copy ``M`` into a list of rows of Fractions; ``ValueError`` for ragged rows.

    >>> as_fraction_matrix([[1, 0.5]])
    [[Fraction(1, 1), Fraction(1, 2)]]
    """
    rows = [list(r) for r in M]
    if rows:
        n = len(rows[0])
        for i, r in enumerate(rows):
            if len(r) != n:
                raise ValueError(f"{where}: row {i} has {len(r)} entries, row 0 has {n}")
    return [[to_fraction(v, where) for v in r] for r in rows]


def rref(M: Any) -> tuple[Matrix, list[int]]:
    """Reduced row echelon form of ``M`` and its pivot columns, exactly.

    Parameters
    ----------
    M : sequence of rows
        An ``m x n`` matrix of rationals.

    Returns
    -------
    R : list of list of Fraction
        The reduced row echelon form (zero rows removed: ``len(R) == rank``).
    pivots : list of int
        The pivot column of each row of ``R``.

    Examples
    --------
    >>> R, piv = rref([[2, 4, 2], [1, 2, 3]])
    >>> [[str(v) for v in r] for r in R], piv
    ([['1', '2', '0'], ['0', '0', '1']], [0, 2])
    """
    A = as_fraction_matrix(M)
    m = len(A)
    n = len(A[0]) if m else 0
    pivots: list[int] = []
    r = 0
    for c in range(n):
        if r == m:
            break
        p = next((i for i in range(r, m) if A[i][c] != 0), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        pr = A[r]
        inv = 1 / pr[c]
        if inv != 1:
            pr = A[r] = [v * inv for v in pr]
        for i in range(m):
            if i != r:
                f = A[i][c]
                if f != 0:
                    Ai = A[i]
                    A[i] = [a - f * b if b else a for a, b in zip(Ai, pr, strict=True)]
        pivots.append(c)
        r += 1
    return A[:r], pivots


def rank(M: Any) -> int:
    """The exact rank of ``M`` (0 for an empty matrix).

    >>> rank([[1, 0, 1], [0, 1, 1], [1, 1, 2]])
    2
    >>> rank([])
    0
    """
    A = as_fraction_matrix(M)
    m = len(A)
    n = len(A[0]) if m else 0
    r = 0
    for c in range(n):
        if r == m:
            break
        p = next((i for i in range(r, m) if A[i][c] != 0), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        pr = A[r]
        for i in range(r + 1, m):
            f = A[i][c]
            if f != 0:
                q = f / pr[c]
                A[i] = [a - q * b if b else a for a, b in zip(A[i], pr, strict=True)]
        r += 1
    return r


def solve(A: Any, b: Sequence[Any]) -> list[Fraction] | None:
    """A particular exact solution of ``A x = b`` (free variables set to 0), or ``None``.

    Parameters
    ----------
    A : sequence of rows
        An ``m x n`` matrix of rationals, ``m >= 1``.
    b : sequence
        The right-hand side, length ``m``.

    Returns
    -------
    list of Fraction or None
        ``x`` of length ``n`` with ``A x = b`` exactly; ``None`` when the system is
        inconsistent.

    Examples
    --------
    >>> solve([[1, 2], [2, 4]], [1, 2])
    [Fraction(1, 1), Fraction(0, 1)]
    >>> solve([[1, 2], [2, 4]], [1, 3]) is None
    True
    """
    rows = as_fraction_matrix(A, "A")
    rhs = [to_fraction(v, "b") for v in b]
    if len(rhs) != len(rows):
        raise ValueError(f"solve: A has {len(rows)} rows but b has {len(rhs)} entries")
    if not rows:
        raise ValueError("solve: A has no rows, so the number of unknowns is unknown")
    n = len(rows[0])
    R, piv = rref([r + [v] for r, v in zip(rows, rhs, strict=True)])
    if piv and piv[-1] == n:
        return None
    x = [Fraction(0)] * n
    for row, c in zip(R, piv, strict=True):
        x[c] = row[n]
    return x


def nullspace(M: Any) -> Matrix:
    """A basis of the right null space ``{x : M x = 0}``, one exact vector per free column.

    >>> nullspace([[1, 0], [0, 1]])
    []
    >>> nullspace([[0, 0]])
    [[Fraction(1, 1), Fraction(0, 1)], [Fraction(0, 1), Fraction(1, 1)]]
    """
    A = as_fraction_matrix(M)
    if not A:
        raise ValueError("nullspace: the matrix has no rows, so its width is unknown")
    n = len(A[0])
    R, piv = rref(A)
    free = [c for c in range(n) if c not in set(piv)]
    basis = []
    for f in free:
        v = [Fraction(0)] * n
        v[f] = Fraction(1)
        for row, c in zip(R, piv, strict=True):
            v[c] = -row[f]
        basis.append(v)
    return basis


def det(M: Any) -> Fraction:
    """The exact determinant of a square matrix.

    >>> det([[1, 2], [3, 4]])
    Fraction(-2, 1)
    """
    A = as_fraction_matrix(M)
    n = len(A)
    if any(len(r) != n for r in A):
        raise ValueError("det: the matrix must be square")
    d = Fraction(1)
    for c in range(n):
        p = next((i for i in range(c, n) if A[i][c] != 0), None)
        if p is None:
            return Fraction(0)
        if p != c:
            A[c], A[p] = A[p], A[c]
            d = -d
        d *= A[c][c]
        for i in range(c + 1, n):
            q = A[i][c] / A[c][c]
            if q:
                A[i] = [a - q * b for a, b in zip(A[i], A[c], strict=True)]
    return d


def reference_interior_point(
    A: Any, b: Sequence[Any], n: int | None = None
) -> list[Fraction] | None:
    """An exact point ``y`` with ``A y + b > 0`` in every row, or ``None`` if none exists.

    The same question and sign convention as :func:`analysis.regions.exact.feasibility.
    interior_point`, answered by separate code (no floats at all), so that brute force and the
    tests have an independent reference. With ``G = -A`` and ``h = b`` (``G y < h``) it is
    decided by an exact simplex method in rational arithmetic (Bland's rule, so it always
    terminates) on the homogenised problem

    .. math:: \\max s \\;\\text{s.t.}\\; G y - h \\tau + s \\mathbf{1} \\le 0,\\;
              s \\le \\tau,\\; s \\le 1,\\; \\tau, s \\ge 0,

    whose origin is feasible (no phase one); the open set is non-empty iff the optimum has
    ``s > 0``, and then ``y / tau`` is a strictly interior point.

    Parameters
    ----------
    A : sequence of rows
        ``m x n`` constraint matrix (``m`` may be 0; then pass ``n``).
    b : sequence
        Constants, length ``m``.
    n : int, optional
        Number of unknowns, needed only when ``G`` has no rows.

    Returns
    -------
    list of Fraction or None

    Examples
    --------
    >>> y = reference_interior_point([[-1, 0], [0, -1], [1, 1]], [1, 1, 0])  # x<1, y<1, x+y>0
    >>> y is not None and y[0] < 1 and y[1] < 1 and y[0] + y[1] > 0
    True
    >>> reference_interior_point([[-1], [1]], [0, 0]) is None          # x < 0 and x > 0
    True
    """
    rows = [[-v for v in r] for r in as_fraction_matrix(A, "A")]  # G = -A
    rhs = [to_fraction(v, "b") for v in b]
    if len(rhs) != len(rows):
        raise ValueError(f"reference_interior_point: A has {len(rows)} rows but b has {len(rhs)}")
    if rows:
        n = len(rows[0])
    elif n is None:
        raise ValueError("reference_interior_point: A has no rows; pass n, the number of unknowns")
    if not rows:
        return [Fraction(0)] * n
    m = len(rows)
    # columns: u (n), v (n), tau, s, then m + 2 slacks; rhs last
    nv = 2 * n + 2
    ncol = nv + m + 2
    zero, one = Fraction(0), Fraction(1)
    T: list[list[Fraction]] = []
    for i, (g, hi) in enumerate(zip(rows, rhs, strict=True)):
        r = [*g, *(-v for v in g), -hi, one] + [zero] * (m + 2) + [zero]
        r[nv + i] = one
        T.append(r)
    r = [zero] * (ncol + 1)
    r[2 * n], r[2 * n + 1], r[nv + m] = -one, one, one  # s - tau <= 0
    T.append(r)
    r = [zero] * (ncol + 1)
    r[2 * n + 1], r[nv + m + 1], r[ncol] = one, one, one  # s <= 1
    T.append(r)
    basis = list(range(nv, ncol))
    # objective row: reduced costs of maximising s  (z - s = 0)
    z = [zero] * (ncol + 1)
    z[2 * n + 1] = -one
    while True:
        enter = next((j for j in range(ncol) if z[j] < 0), None)  # Bland: lowest index
        if enter is None:
            break
        best: tuple[Fraction, int] | None = None
        leave = -1
        for i, row in enumerate(T):
            a = row[enter]
            if a > 0:
                ratio = row[ncol] / a
                key = (ratio, basis[i])
                if best is None or key < best:
                    best, leave = key, i
        if leave < 0:  # unbounded cannot happen (s <= 1), kept for safety
            break
        prow = T[leave]
        piv = prow[enter]
        if piv != 1:
            prow = T[leave] = [v / piv for v in prow]
        for i, row in enumerate(T):
            if i != leave and row[enter] != 0:
                f = row[enter]
                T[i] = [a - f * b if b else a for a, b in zip(row, prow, strict=True)]
        f = z[enter]
        z = [a - f * b if b else a for a, b in zip(z, prow, strict=True)]
        basis[leave] = enter
    if z[ncol] <= 0:
        return None
    val = [zero] * nv
    for i, bcol in enumerate(basis):
        if bcol < nv:
            val[bcol] = T[i][ncol]
    tau = val[2 * n]
    y = [(val[j] - val[n + j]) / tau for j in range(n)]
    return y


def interval_point(
    rows: Sequence[Sequence[int]], consts: Sequence[int]
) -> tuple[tuple[int], int] | None:
    """An exact point ``((Y,), den)`` of ``{y : a_k y + c_k > 0}`` in one variable, or None.

    Every ``a_k != 0``: the set is an intersection of open rays, decided exactly.

    >>> interval_point([[1], [-2]], [0, 2])      # 0 < y < 1
    ((1,), 2)
    >>> interval_point([[1], [-1]], [0, 0]) is None
    True
    """
    lo: Fraction | None = None
    hi: Fraction | None = None
    for (a,), c in zip(rows, consts, strict=True):
        t = Fraction(-c, a)
        if a > 0:
            lo = t if lo is None or t > lo else lo
        else:
            hi = t if hi is None or t < hi else hi
    if lo is not None and hi is not None:
        if not lo < hi:
            return None
        y = (lo + hi) / 2
    else:
        y = lo + 1 if lo is not None else (hi - 1 if hi is not None else Fraction(0))
    return ((y.numerator,), y.denominator)
