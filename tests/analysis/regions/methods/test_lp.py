"""The general ("lp") region engine: brute force, hand-counted degenerate cases, invariances."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import small_nets

from analysis.networks import ReLUNetwork
from analysis.regions.exact.feasibility import exact_interior_point, interior_point
from analysis.regions.methods.brute import count_regions_brute, iter_regions_brute
from analysis.regions.methods.lp.subdivision import count_regions_lp, iter_regions_lp

SMALL = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def net_of(weights, biases):
    return ReLUNetwork(weights, biases)


def shallow(rows, biases):
    """One hidden layer with the given rows; output = sum of the units."""
    return ReLUNetwork([rows, [[1] * len(rows)]], [biases, [0]])


# ------------------------------------------------------------------ strategies
# ------------------------------------------------------------------ exact LP
@given(
    st.integers(1, 3).flatmap(
        lambda d: st.tuples(
            st.lists(st.lists(st.integers(-2, 2), min_size=d, max_size=d), min_size=1, max_size=6),
            st.lists(st.integers(-2, 2), min_size=6, max_size=6),
        )
    )
)
@settings(max_examples=80, deadline=None)
def test_interior_point_float_path_agrees_with_exact_simplex(case):
    A, b = case
    b = b[: len(A)]
    fast, exact = interior_point(A, b), exact_interior_point(A, b)
    # equality of the decisions; every returned point is strictly interior (exact check)
    assert (fast is None) == (exact is None)
    for p in (fast, exact):
        if p is not None:
            assert all(
                sum(a * x for a, x in zip(r, p, strict=True)) + c > 0
                for r, c in zip(A, b, strict=True)
            )


@given(
    st.integers(1, 3).flatmap(
        lambda d: st.tuples(
            st.just(d),
            st.lists(
                st.tuples(st.lists(st.integers(-3, 3), min_size=d, max_size=d), st.integers(-3, 3)),
                min_size=1,
                max_size=7,
            ),
            st.sampled_from([1, 2**40, 2**700]),  # exponents beyond 900 force the exact path
        )
    )
)
@settings(max_examples=80, deadline=None)
def test_batched_float_certificates_agree_with_exact_simplex(case):
    """Float-certified batch answers (box Farkas, error-bounded points) vs the exact simplex."""
    from analysis.regions.exact.feasibility import solve_systems

    d, rows, scale = case
    box_rows = [(tuple(int(j == k) for j in range(d)), 2) for k in range(d)]
    box_rows += [(tuple(-int(j == k) for j in range(d)), 2) for k in range(d)]
    systems = []
    for take in range(1, len(rows) + 1):  # prefixes: nested systems, many near-degenerate
        A = [tuple(r) for r, _ in box_rows] + [tuple(scale * v for v in r) for r, _ in rows[:take]]
        b = [c for _, c in box_rows] + [scale * c for _, c in rows[:take]]
        systems.append((A, b))
    box = (tuple([-2] * d), tuple([2] * d), 1)
    got = solve_systems(systems, box)
    for (A, b), pt in zip(systems, got, strict=True):
        exact = exact_interior_point(A, b)
        assert (pt is None) == (exact is None)  # equality of the decisions
        if pt is not None:
            X, den = pt
            assert all(
                sum(a * x for a, x in zip(r, X, strict=True)) + c * den > 0
                for r, c in zip(A, b, strict=True)
            )


@given(
    st.integers(1, 3).flatmap(
        lambda d: st.tuples(
            st.just(d),
            st.lists(
                st.tuples(st.lists(st.integers(-3, 3), min_size=d, max_size=d), st.integers(-3, 3)),
                min_size=0,
                max_size=5,
            ),
        )
    )
)
@settings(max_examples=60, deadline=None)
def test_certified_bounding_boxes_contain_the_set(case):
    """Float bounds from LP duals: the set beyond each bound is empty (exact simplex)."""
    from analysis.regions.exact.certified_simplex import float_bounds_batch, float_box, float_system

    d, rows = case
    A = [tuple(int(j == k) for j in range(d)) for k in range(d)]
    A += [tuple(-int(j == k) for j in range(d)) for k in range(d)]
    b = [2] * (2 * d)
    for r, c in rows:
        if any(r):
            A.append(tuple(r))
            b.append(c)
    p = exact_interior_point(A, b)
    if p is None:
        return
    M, _ = float_system(A, b)
    box = float_box((tuple([-2] * d), tuple([2] * d), 1))
    lo, hi = float_bounds_batch(M[None], np.array([[float(v) for v in p]]), np.ones(1, bool), box)
    for j in range(d):
        e = [Fraction(int(k == j)) for k in range(d)]
        # x_j > hi_j and x_j < lo_j are both infeasible on the set: hi and lo are bounds
        above = exact_interior_point([*A, e], [*b, -Fraction(float(hi[0, j]))])
        below = exact_interior_point([*A, [-v for v in e]], [*b, Fraction(float(lo[0, j]))])
        assert above is None and below is None  # bound (upper and lower)
        assert lo[0, j] <= p[j] <= hi[0, j]  # bound


def test_certified_bounding_box_is_tight_on_a_triangle():
    from analysis.regions.exact.certified_simplex import float_bounds_batch, float_box, float_system

    # the triangle x > 0, y > 0, x + y < 1 inside the box [-2, 2]^2: bounding box [0, 1]^2
    A = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1)]
    b = [2, 2, 2, 2, 0, 0, 1]
    M, _ = float_system(A, b)
    box = float_box(((-2, -2), (2, 2), 1))
    lo, hi = float_bounds_batch(M[None], np.array([[0.25, 0.25]]), np.ones(1, bool), box)
    assert np.allclose(lo, 0, atol=1e-9) and np.allclose(hi, 1, atol=1e-9)  # equality to 1e-9
    assert (lo <= 0).all() and (hi >= 1).all()  # bound: never inside the true box


@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(-(2**80), 2**80).filter(bool), min_size=2, max_size=2),
            st.integers(-(2**90), 2**90),
            st.sampled_from([0, 60, 600, 1100]),  # 2^1100 does not fit a float
        ),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=60, deadline=None)
def test_float_rows_in_one_pass_match_row_by_row(rows):
    """Both conversions are within 2.01 u of the exact normalized row (M * scale = row)."""
    from analysis.regions.exact.certified_simplex import float_system, float_system_many

    R = [tuple(v << s for v in r) for r, _, s in rows]
    C = [c << s for _, c, s in rows]
    for M, sc in (float_system_many(R, C), float_system(R, C)):
        for (r, c), m, (norm, e) in zip(zip(R, C, strict=True), M, sc, strict=True):
            if e >= 900:  # unsafe rows are never used by the float certificates
                continue
            for exact, got in zip((*r, c), m, strict=True):
                want = Fraction(exact) / (Fraction(norm) * 2 ** int(e))
                assert abs(Fraction(float(got)) - want) <= abs(want) * Fraction(3, 2**53)  # bound


def test_interior_point_unbounded_far_region():
    # x > 10^6 and y > x + 10^6: unbounded, and far from the origin (no fixed box would do)
    p = interior_point([[1, 0], [-1, 1]], [-(10**6), -(10**6)])
    assert p is not None and p[0] > 10**6 and p[1] > p[0] + 10**6  # strict, exact


# ------------------------------------------------------------------ brute force vs lp
@given(small_nets(), st.booleans())
@SMALL
def test_lp_equals_brute_force(net, on_box):
    dom = [(-1, Fraction(3, 2))] * net.input_dim if on_box else None
    assert count_regions_lp(net, dom) == count_regions_brute(net, dom)  # equality


@given(small_nets(max_units=5))
@SMALL
def test_lp_regions_match_brute_patterns_and_maps(net):
    lp_regions = {r.pattern: r for r in iter_regions_lp(net)}
    brute_regions = {r.pattern: r for r in iter_regions_brute(net)}
    assert set(lp_regions) == set(brute_regions)  # equality of the pattern sets
    for pat, r in lp_regions.items():
        # the witness point is interior and has the claimed pattern (exact forward pass)
        assert net.activation_pattern(r.point) == pat
        assert r.contains(r.point)
        assert list(r.output(r.point)) == net.exact_forward(r.point)
        assert (r.A, r.c) == (brute_regions[pat].A, brute_regions[pat].c)


# ------------------------------------------------------------------ hand-counted cases
X, Y = [1, 0], [0, 1]
CASES = [
    # (name, weights, biases, domain, count worked out by hand)
    ("two lines cross: 4 quadrants", [[X, Y], [[1, 1]]], [[0, 0], [0]], None, 4),
    ("duplicate unit", [[X, X], [[1, 1]]], [[0, 0], [0]], None, 2),
    ("scaled duplicate", [[X, [3, 0]], [[1, 1]]], [[0, 0], [0]], None, 2),
    ("negated duplicate", [[X, [-1, 0]], [[1, 1]]], [[0, 0], [0]], None, 2),
    ("three parallel lines", [[X, X, X], [[1, 1, 1]]], [[0, -1, -2], [0]], None, 4),
    ("three lines through a point", [[X, Y, [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]], None, 6),
    ("three lines, general position", [[X, Y, [1, 1]], [[1, 1, 1]]], [[0, 0, -1], [0]], None, 7),
    ("all-zero unit", [[X, [0, 0]], [[1, 1]]], [[0, 0], [0]], None, 2),
    ("zero weights, positive bias", [[X, [0, 0]], [[1, 1]]], [[0, 5], [0]], None, 2),
    ("unit dead on the box", [[X, Y, X], [[1, 1, 1]]], [[0, 0, -5], [0]], [(-1, 1)] * 2, 4),
    ("same unit on R^2", [[X, Y, X], [[1, 1, 1]]], [[0, 0, -5], [0]], None, 6),
    ("unit always active on box", [[X, [1, 1]], [[1, 1]]], [[0, 5], [0]], [(-1, 1)] * 2, 2),
    ("hyperplane on the box face", [[X, Y], [[1, 1]]], [[-1, 0], [0]], [(-1, 1)] * 2, 2),
    # layer 2: z = relu(x) - 1 is the constant -1 where x < 0, and splits x > 0 at x = 1
    ("downstream constant", [[X], [[1]], [[1]]], [[0], [-1], [0]], None, 3),
    # layer 2: z = relu(x) is identically 0 where x < 0 and positive where x > 0: no split
    ("downstream identically zero", [[X], [[1]], [[1]]], [[0], [0], [0]], None, 2),
    # layer 2: relu(x) + relu(y) - 1: splits the quadrants (+,+), (+,-), (-,+); not (-,-)
    ("bent line", [[X, Y], [[1, 1]], [[1]]], [[0, 0], [-1], [0]], None, 7),
    # a dead second layer: both patterns of layer 1 survive, layer 2 never splits
    ("dead second layer", [[X], [[-1]], [[1]]], [[0], [-1], [0]], None, 2),
]


@pytest.mark.parametrize("name,W,B,dom,expected", CASES, ids=[c[0] for c in CASES])
def test_hand_counted_degenerate_cases(name, W, B, dom, expected):
    net = net_of(W, B)
    assert count_regions_lp(net, dom) == expected  # equality with the hand count
    assert count_regions_brute(net, dom) == expected  # equality, independent method


def test_three_planes_in_3d():
    # coordinate planes: 8 octants; x, y, x+y (concurrent along the z-axis): 6 wedges
    I3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert count_regions_lp(shallow(I3, [0, 0, 0])) == 8  # equality
    assert count_regions_lp(shallow([[1, 0, 0], [0, 1, 0], [1, 1, 0]], [0, 0, 0])) == 6


def test_float_weights_are_their_exact_rationals():
    # 0.1 + 0.2 != 0.3 as float64 rationals: x = 0.3 and x = 0.1 + 0.2 are two lines
    net = shallow([[1.0, 0.0], [1.0, 0.0]], [-0.3, -(0.1 + 0.2)])
    assert count_regions_lp(net) == 3  # equality: distinct parallel lines
    net = shallow([[1.0, 0.0], [1.0, 0.0]], [-0.3, -0.3])
    assert count_regions_lp(net) == 2  # equality: coincident lines


@pytest.mark.parametrize("eps,expected", [(0.0, 6), (2.0**-60, 7), (-(2.0**-60), 7)])
def test_near_concurrent_lines_exact(eps, expected):
    # x = 0, y = 0 and x + y = eps: concurrent only when eps == 0; tiny triangle otherwise
    net = shallow([[1, 0], [0, 1], [1, 1]], [0, 0, -eps])
    assert count_regions_lp(net) == expected  # equality
    assert count_regions_lp(net, [(-1, 1), (-1, 1)]) == expected  # the triangle is in the box


def test_tiny_region_far_away_on_rd():
    # a triangle of size 2^-40 around (10^6, 10^6) and an unbounded region far out
    c = 10**6
    t = Fraction(1, 2**40)  # exact; as a float64, 2 * 10^6 + 2^-40 would round to 2 * 10^6
    net = shallow([[1, 0], [0, 1], [-1, -1]], [-c, -c, 2 * c + t])
    assert count_regions_lp(net) == 7  # equality: general position
    net = shallow([[1, 0], [0, 1], [-1, -1]], [-c, -c, float(2 * c + t)])
    assert count_regions_lp(net) == 6  # equality: the float bias is exactly 2 * 10^6


# ------------------------------------------------------------------ invariances and bounds
@given(small_nets(), st.randoms(use_true_random=False))
@SMALL
def test_invariant_under_permuting_units(net, rnd):
    W = [list(map(list, w)) for w in net.exact_weights]
    B = [list(b) for b in net.exact_biases]
    l = rnd.randrange(net.depth)
    perm = list(range(len(B[l])))
    rnd.shuffle(perm)
    W[l] = [W[l][i] for i in perm]
    B[l] = [B[l][i] for i in perm]
    W[l + 1] = [[row[i] for i in perm] for row in W[l + 1]]
    assert count_regions_lp(ReLUNetwork(W, B)) == count_regions_lp(net)  # equality


@given(small_nets(), st.fractions(min_value=Fraction(1, 4), max_value=4, max_denominator=4))
@SMALL
def test_invariant_under_positive_unit_scaling(net, c):
    W = [list(map(list, w)) for w in net.exact_weights]
    B = [list(b) for b in net.exact_biases]
    W[0][0] = [c * v for v in W[0][0]]
    B[0][0] = c * B[0][0]
    W[1] = [[v / c if i == 0 else v for i, v in enumerate(row)] for row in W[1]]
    scaled = ReLUNetwork(W, B)
    assert count_regions_lp(scaled) == count_regions_lp(net)  # equality
    x = [Fraction(1, 3)] * net.input_dim
    assert scaled.exact_forward(x) == net.exact_forward(x)  # same function


def zaslavsky_general_position(n: int, d: int) -> int:
    return sum(math.comb(n, j) for j in range(d + 1))


@given(small_nets(max_units=7))
@SMALL
def test_never_exceeds_layerwise_bound(net):
    # each region of the first l layers is cut by n_{l+1} hyperplanes into at most
    # sum_{j<=d} C(n_{l+1}, j) pieces, so the count is at most the product (upper bound)
    bound = math.prod(zaslavsky_general_position(n, net.input_dim) for n in net.hidden_widths)
    assert 1 <= count_regions_lp(net) <= bound
    try:
        from theory.networks import serra_upper_bound
    except ImportError:
        return
    assert count_regions_lp(net) <= serra_upper_bound(net.hidden_widths, net.input_dim)


@given(
    st.lists(
        st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)),
        min_size=1,
        max_size=5,
    )
)
@settings(max_examples=30, deadline=None)
def test_box_containing_every_vertex_equals_rd(lines):
    lines = [(a, b, c) for a, b, c in lines if (a, b) != (0, 0)]
    if not lines:
        return
    net = shallow([[a, b] for a, b, _ in lines], [c for _, _, c in lines])
    # vertices = pairwise intersections (Cramer's rule), computed here independently
    R = Fraction(1)
    for a, b, c in lines:  # a point of every line inside the box too
        R = max(R, abs(Fraction(-c, b)) + 1 if b else abs(Fraction(-c, a)) + 1)
    for (a1, b1, c1), (a2, b2, c2) in [(p, q) for i, p in enumerate(lines) for q in lines[i:]]:
        det = a1 * b2 - a2 * b1
        if det:
            x = Fraction(-c1 * b2 + c2 * b1, det)
            y = Fraction(-a1 * c2 + a2 * c1, det)
            R = max(R, abs(x) + 1, abs(y) + 1)
    assert count_regions_lp(net, [(-R, R), (-R, R)]) == count_regions_lp(net)  # equality


def test_deep_random_net_patterns_are_realised():
    rng = np.random.default_rng(3)
    W = [rng.standard_normal((6, 3)), rng.standard_normal((5, 6)), rng.standard_normal((1, 5))]
    B = [rng.standard_normal(6) * 0.3, rng.standard_normal(5) * 0.3, rng.standard_normal(1)]
    net = ReLUNetwork(W, B)
    regions = list(iter_regions_lp(net, [(-2, 2)] * 3))
    pats = [r.pattern for r in regions]
    assert len(set(pats)) == len(pats)  # one region per pattern (equality of counts)
    for r in regions:
        assert net.activation_pattern(r.point) == r.pattern  # exact witness
    # sampling finds only realised patterns: a lower bound on the exact count
    pts = rng.uniform(-2, 2, size=(20000, 3))
    Z = [z > 0 for z in net.preactivations(pts)]
    sampled = {tuple(tuple(bool(v) for v in z[i]) for z in Z) for i in range(len(pts))}
    assert sampled <= set(pats)


@pytest.mark.parametrize("domain", [None, [(-1e300, 1e300)] * 2])
def test_extreme_magnitudes_no_overflow(domain):
    # weights and biases from 1e-300 to 1e300: the float candidates overflow, exact decides
    W = [[[1e300, 0], [0, 1e-300], [1e-300, 1e300]], [[1, 1, 1]], [[1]]]
    B = [[1e-300, -1e300, 0], [1e-300], [0]]
    net = ReLUNetwork(W, B)
    assert count_regions_lp(net, domain) == count_regions_brute(net, domain)  # equality
