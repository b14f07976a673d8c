"""Shallow networks: the Zaslavsky count, the characteristic polynomial and cell enumeration.

Independent references: the general-position formula sum_{j<=d} C(n, j); a brute-force count
that tests every sign vector of the distinct hyperplanes for a non-empty open cell with the
exact simplex of ``analysis.regions.exact.linalg`` (a different LP code from the one the lattice
uses); incremental cell enumeration; hand counts; the braid arrangement's closed form.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.networks import ReLUNetwork
from analysis.regions.exact.linalg import (
    det,
    nullspace,
    rank,
    reference_interior_point,
    rref,
    solve,
)
from analysis.regions.methods.arrangement.zaslavsky import (
    arrangement_hyperplanes,
    characteristic_polynomial,
    count_arrangement,
    intersection_lattice,
    iter_regions_arrangement,
)


def shallow(W, b) -> ReLUNetwork:
    W = [list(r) for r in W]
    return ReLUNetwork([W, [[1] * len(W)]], [list(b), [0]])


def brute_force_count(net: ReLUNetwork, box=None) -> int:
    """Every sign vector of the distinct hyperplanes, kept if its open cell is non-empty."""
    W, B = net.exact_weights[0], net.exact_biases[0]
    d = net.input_dim
    planes = {}
    for j in range(W.shape[0]):
        w = list(W[j])
        if any(w):
            lead = next(v for v in w if v != 0)
            key = tuple(v / abs(lead) for v in (*w, B[j]))
            neg = tuple(-v for v in key)
            if key not in planes and neg not in planes:
                planes[key] = None
    planes_l = list(planes)
    extra_G, extra_h = [], []
    for i, (lo, hi) in enumerate(box or ()):
        e = [Fraction(int(k == i)) for k in range(d)]
        extra_G += [e, [-v for v in e]]
        extra_h += [Fraction(hi), -Fraction(lo)]
    count = 0
    for signs in itertools.product((1, -1), repeat=len(planes_l)):
        G = [[-s * v for v in p[:-1]] for s, p in zip(signs, planes_l, strict=True)] + extra_G
        h = [s * p[-1] for s, p in zip(signs, planes_l, strict=True)] + extra_h
        if not G or reference_interior_point([[-v for v in r] for r in G], h, d) is not None:
            count += 1
    return count


def general_position(n: int, d: int) -> int:
    return sum(math.comb(n, j) for j in range(d + 1))


# ----------------------------------------------------------------------------- linalg
@given(
    st.lists(
        st.lists(st.integers(-3, 3), min_size=3, max_size=3),
        min_size=1,
        max_size=4,
    )
)
@settings(max_examples=40, deadline=None)
def test_linalg_rank_nullity_and_solve(M):
    """Equality: rank + nullity = n; M v = 0 on the null basis; solve reproduces b = M x."""
    n = 3
    r = rank(M)
    N = nullspace(M)
    assert r + len(N) == n  # equality (rank-nullity)
    assert r == len(rref(M)[0]) == int(np.linalg.matrix_rank(np.array(M, float)))  # equality
    for v in N:
        assert all(sum(a * x for a, x in zip(row, v, strict=True)) == 0 for row in M)  # equality
    x0 = [Fraction(1), Fraction(-2), Fraction(1, 3)]
    b = [sum(a * x for a, x in zip(row, x0, strict=True)) for row in M]
    x = solve(M, b)
    assert (
        x is not None and [sum(a * v for a, v in zip(row, x, strict=True)) for row in M] == b
    )  # equality
    if len(M) == n:
        assert det(M) == sympy.Matrix(M).det()  # equality with sympy's determinant


# ----------------------------------------------------------------------------- hand counts
@pytest.mark.parametrize(
    "W, b, expected, why",
    [
        ([[1, 0]], [0], 2, "one line"),
        ([[1, 0], [1, 0], [1, 0], [1, 0]], [0, 1, 2, 3], 5, "4 parallel lines: n + 1"),
        ([[1, 0], [0, 1], [1, 1]], [0, 0, 0], 6, "3 concurrent lines: 6 not 7"),
        ([[1, 0], [0, 1], [1, 1]], [0, 0, 1], 7, "3 lines in general position"),
        ([[1, 2], [2, 4], [-1, -2]], [1, 2, -1], 2, "scaled and negated duplicates: one line"),
        ([[0, 0], [0, 0], [1, 0]], [0, 5, 0], 2, "zero units make no hyperplane"),
        ([[0, 0]], [1], 1, "only a constant unit: one region"),
        ([[1, 0], [0, 1], [1, 0], [0, 1]], [0, 0, -1, -1], 9, "a 3 x 3 grid"),
        ([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, 0, 0], 8, "4 lines through a point: 2n"),
        ([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], 8, "coordinate planes in R^3: octants"),
        ([[1, 0, 0], [0, 1, 0], [1, 1, 0]], [0, 0, 0], 6, "3 planes through a common line"),
        ([[1], [1], [-2]], [0, 1, 0], 3, "1-D: two distinct points"),
    ],
)
def test_hand_counts(W, b, expected, why):
    """Equality with counts worked out by hand (and with brute force)."""
    net = shallow(W, b)
    assert count_arrangement(net) == expected, why  # equality
    assert sum(1 for _ in iter_regions_arrangement(net)) == expected, why  # equality
    assert brute_force_count(net) == expected, why  # equality


@pytest.mark.parametrize(
    "W, b, box, expected",
    [
        ([[1, 0], [1, 0], [0, 1]], [0, -1, 0], [(-1, Fraction(1, 2)), (-1, 1)], 4),
        ([[1, 0], [0, 1], [1, 1]], [0, 0, 0], [(0, 1), (0, 1)], 1),  # lines only on the boundary
        ([[1, 0], [0, 1], [1, 1]], [0, 0, 0], [(-1, 1), (-1, 1)], 6),
        ([[1, 1]], [-2], [(0, 1), (0, 1)], 1),  # touches the closed box at a corner only
        ([[1, 1]], [-1], [(0, 1), (0, 1)], 2),  # the diagonal
        ([[1, 0], [0, 1]], [-1, -1], [(0, 1), (0, 2)], 2),  # x = 1 is a face, y = 1 cuts
    ],
)
def test_box_hand_counts(W, b, box, expected):
    """Equality on an open box, against a hand count and brute force."""
    net = shallow(W, b)
    assert count_arrangement(net, box) == expected  # equality
    assert sum(1 for _ in iter_regions_arrangement(net, box)) == expected  # equality
    assert brute_force_count(net, box) == expected  # equality


# ----------------------------------------------------------------------------- properties
@given(
    d=st.integers(1, 3),
    n=st.integers(1, 5),
    data=st.data(),
)
@settings(max_examples=40, deadline=None)
def test_small_integer_weights_match_brute_force(d, n, data):
    """Equality with brute force on small integer weights (ties and degeneracy are common);
    upper bound: never above the general-position count."""
    W = data.draw(
        st.lists(st.lists(st.integers(-2, 2), min_size=d, max_size=d), min_size=n, max_size=n)
    )
    b = data.draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n))
    net = shallow(W, b)
    r = count_arrangement(net)
    assert r == brute_force_count(net)  # equality
    assert r <= general_position(len(arrangement_hyperplanes(net)), d)  # upper bound
    cells = list(iter_regions_arrangement(net))
    assert len(cells) == r  # equality with cell enumeration
    assert len({c.pattern for c in cells}) == r  # distinct patterns: equality
    for c in cells:
        assert c.contains(c.point)  # the witness is interior (strict inequalities)
        assert net.activation_pattern(c.point) == c.pattern
        assert list(c.output(c.point)) == net.exact_forward(c.point)  # exact output map
    chi = characteristic_polynomial(net)
    assert (-1) ** d * chi.eval(-1) == r  # equality: Zaslavsky, r = (-1)^d chi(-1)


@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 4), n=st.integers(1, 9))
@settings(max_examples=30, deadline=None)
def test_random_weights_general_position(seed, d, n):
    """Equality: generic (random float) hyperplanes give sum_{j<=d} C(n, j) regions."""
    rng = np.random.default_rng(seed)
    net = shallow(rng.standard_normal((n, d)), rng.standard_normal(n))
    assert count_arrangement(net) == general_position(n, d)  # equality


@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 3), n=st.integers(1, 6))
@settings(max_examples=15, deadline=None)
def test_box_containing_every_vertex_equals_rd(seed, d, n):
    """Equality: a box containing every vertex of a generic arrangement meets every region."""
    rng = np.random.default_rng(seed)
    W = rng.integers(-5, 6, size=(n, d)).astype(float)
    W[np.all(W == 0, axis=1), 0] = 1.0
    net = shallow(W, rng.integers(-5, 6, size=n).astype(float))
    vertices = []
    for rows in itertools.combinations(range(n), d):
        A = [list(net.exact_weights[0][r]) for r in rows]
        if det(A) != 0:
            vertices.append(solve(A, [-net.exact_biases[0][r] for r in rows]))
    R = 1 + max((abs(v) for p in vertices for v in p), default=Fraction(0))
    box = [(-R, R)] * d
    both = count_arrangement(net), count_arrangement(net, box)
    if (
        all(any(v != 0 for v in net.exact_weights[0][j]) for j in range(n))
        and rank(net.exact_weights[0]) == d
    ):
        # essential arrangement: every region contains a vertex in its closure or is cut by
        # a line through the box, so the box meets all of them
        assert both[0] == both[1]  # equality
    assert both[1] <= both[0]  # upper bound in general


def test_permutation_and_scaling_invariance():
    """Equality: permuting units or scaling a unit by c > 0 (or -1) leaves the count."""
    rng = np.random.default_rng(3)
    W = rng.integers(-2, 3, size=(6, 3)).astype(float)
    b = rng.integers(-2, 3, size=6).astype(float)
    r = count_arrangement(shallow(W, b))
    perm = rng.permutation(6)
    assert count_arrangement(shallow(W[perm], b[perm])) == r  # equality
    S = np.array([2.0, 0.5, 3.0, -1.0, 1.0, 7.0])
    assert count_arrangement(shallow(W * S[:, None], b * S)) == r  # equality


# ----------------------------------------------------------------------------- chi(t)
@pytest.mark.parametrize("n", [2, 3, 4])
def test_braid_arrangement_characteristic_polynomial(n):
    """Equality: the braid arrangement x_i = x_j in R^n has chi(t) = t (t-1) ... (t-n+1) and
    n! regions (Stanley, Hyperplane arrangements, lecture 1, Cor. 2.2)."""
    rows = []
    for i, j in itertools.combinations(range(n), 2):
        row = [0] * n
        row[i], row[j] = 1, -1
        rows.append(row)
    net = shallow(rows, [0] * len(rows))
    t = sympy.Symbol("t", positive=True)
    chi = characteristic_polynomial(net)
    expected = sympy.prod([t - k for k in range(n)])
    assert sympy.expand(chi.as_expr() - expected) == 0  # equality
    assert count_arrangement(net) == math.factorial(n)  # equality


def test_generic_characteristic_polynomial():
    """Equality: n generic hyperplanes in R^d have chi(t) = sum_j (-1)^j C(n, j) t^(d-j)."""
    rng = np.random.default_rng(7)
    n, d = 5, 3
    net = shallow(rng.standard_normal((n, d)), rng.standard_normal(n))
    t = sympy.Symbol("t", positive=True)
    expected = sum((-1) ** j * math.comb(n, j) * t ** (d - j) for j in range(d + 1))
    assert sympy.expand(characteristic_polynomial(net).as_expr() - expected) == 0  # equality


def test_lattice_of_concurrent_lines():
    """Equality: 3 concurrent lines: top, three lines (mu = -1), one point with mu = 2."""
    lat = intersection_lattice(shallow([[1, 0], [0, 1], [1, 1]], [0, 0, 0]))
    assert sorted((r, m) for _, r, m in lat) == [(0, 1), (1, -1), (1, -1), (1, -1), (2, 2)]


# ----------------------------------------------------------------------------- bad input
def test_bad_input():
    deep = ReLUNetwork([[[1]], [[1]], [[1]]], [[0], [0], [0]])
    with pytest.raises(ValueError, match="shallow network"):
        count_arrangement(deep)
    with pytest.raises(TypeError, match="ReLUNetwork"):
        count_arrangement([[1, 2]])  # type: ignore[arg-type]
    net = shallow(np.eye(4), np.zeros(4))
    with pytest.raises(ValueError, match="max_flats"):
        count_arrangement(net, max_flats=5)
    with pytest.raises(ValueError, match="max_regions"):
        list(iter_regions_arrangement(net, max_regions=3))
    with pytest.raises(ValueError, match="pairs"):
        count_arrangement(net, [(0, 1)])


@pytest.mark.parametrize("kind", ["parallel", "concurrent", "coincident", "zero"])
@pytest.mark.parametrize("D, d_in", [(5, 2), (6, 3)])
def test_degenerate_constructions(kind, D, d_in):
    """Equality with the closed forms of the degenerate constructions (parallel: D + 1;
    concurrent generic central: 2 sum_{j<=d-1} C(D-1, j); coincident/zero: fewer planes)."""
    from analysis.constructions import degenerate_shallow

    arr = degenerate_shallow(kind, D, d_in, seed=2)
    k = max(1, D // 2)
    expected = {
        "parallel": D + 1,
        "concurrent": 2 * sum(math.comb(D - 1, j) for j in range(d_in)),
        "coincident": general_position(k, d_in),
        "zero": general_position(k, d_in),
    }[kind]
    assert count_arrangement(arr.network) == expected == arr.regions  # equality
    assert sum(1 for _ in iter_regions_arrangement(arr.network)) == expected  # equality
