"""The constructions reach their counts, checked by exact methods written here independently."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.constructions import (
    DEGENERATE_KINDS,
    construction_region_count,
    degenerate_shallow,
    general_position_shallow,
    max_regions_network,
    zigzag_layer,
)
from analysis.networks import ReLUNetwork
from theory.networks import max_regions_1d, serra_upper_bound

# ---------------------------------------------------------------------------- reference counter


Piece = tuple[Fraction | None, Fraction | None, tuple]


def reference_intervals_1d(net: ReLUNetwork) -> list[Piece]:
    """Exact pieces of R: propagate affine pieces layer by layer, split at every sign change.

    Each piece carries h(x) = (slope, intercept) per unit and the activation pattern so far.
    ``None`` is -inf (left end) or +inf (right end).
    """
    pieces = [(None, None, [(Fraction(1), Fraction(0))], ())]
    for W, B in zip(net.exact_weights[:-1], net.exact_biases[:-1], strict=True):
        new = []
        for lo, hi, h, pattern in pieces:
            z = [
                (
                    sum((W[i, j] * h[j][0] for j in range(len(h))), Fraction(0)),
                    sum((W[i, j] * h[j][1] for j in range(len(h))), B[i]),
                )
                for i in range(W.shape[0])
            ]
            cuts = sorted(
                {
                    -q / p
                    for p, q in z
                    if p != 0 and (lo is None or -q / p > lo) and (hi is None or -q / p < hi)
                }
            )
            ends = [lo, *cuts, hi]
            for a, b in zip(ends[:-1], ends[1:], strict=False):
                x = _inside(a, b)
                act = tuple(p * x + q > 0 for p, q in z)
                hh = [
                    (p, q) if on else (Fraction(0), Fraction(0))
                    for (p, q), on in zip(z, act, strict=True)
                ]
                new.append((a, b, hh, (*pattern, act)))
        pieces = new
    # merge neighbours with one pattern (cannot happen at a true sign change; kept for safety)
    merged: list[Piece] = []
    for lo, hi, _, pattern in pieces:
        if merged and merged[-1][2] == pattern:
            merged[-1] = (merged[-1][0], hi, pattern)
        else:
            merged.append((lo, hi, pattern))
    return merged


def _inside(a: Fraction | None, b: Fraction | None) -> Fraction:
    if a is None and b is None:
        return Fraction(0)
    if a is None:
        return b - 1
    if b is None:
        return a + 1
    return (a + b) / 2


def reference_count_1d(net: ReLUNetwork) -> int:
    return len(reference_intervals_1d(net))


def _two_points(a: Fraction | None, b: Fraction | None) -> tuple[Fraction, Fraction]:
    if a is not None and b is not None:
        return a + (b - a) / 3, a + 2 * (b - a) / 3
    x = _inside(a, b)
    return x, (x + 1 if b is None else x - 1)


def reference_linear_count_1d(net: ReLUNetwork) -> int:
    """Maximal intervals with one affine output map (exact slope and intercept per piece)."""
    maps = []
    for lo, hi, _ in reference_intervals_1d(net):
        x0, x1 = _two_points(lo, hi)
        y0, y1 = net.exact_forward([x0])[0], net.exact_forward([x1])[0]
        slope = (y1 - y0) / (x1 - x0)
        maps.append((slope, y0 - slope * x0))
    return 1 + sum(a != b for a, b in zip(maps[:-1], maps[1:], strict=False))


def test_reference_counter_on_hand_examples():
    # |x| has 2 regions; relu(x) - relu(x - 1) has 3; a zero network has 1 (claim: equality)
    absx = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])
    clamp = ReLUNetwork([[[1], [1]], [[1, -1]]], [[0, -1], [0]])
    zero = ReLUNetwork([[[0]], [[1]]], [[0], [0]])
    assert [reference_count_1d(n) for n in (absx, clamp, zero)] == [2, 3, 1]


# ---------------------------------------------------------------------------- max_regions_network
WIDE = [[3], [4], [7], [3, 3], [3, 4], [5, 3], [3, 4, 5], [6, 3, 4], [3, 3, 3, 3], [4, 4, 4]]
NARROW = [[1], [1, 1, 1], [2], [2, 2], [2, 2, 2], [1, 3], [3, 1, 3], [2, 5], [3, 2], [2, 1, 2]]


@pytest.mark.parametrize("widths", WIDE)
def test_wide_construction_reaches_product(widths):
    net = max_regions_network(widths)
    intervals = reference_intervals_1d(net)
    # claim: equality with prod(n_l + 1) (the maximum) when every n_l but the last is >= 3
    assert len(intervals) == math.prod(w + 1 for w in widths) == int(max_regions_1d(widths))
    # claim: equality -- every interval has its own activation pattern
    assert len({p for _, _, p in intervals}) == len(intervals)
    # claim: equality -- the output's affine map changes at every breakpoint
    assert reference_linear_count_1d(net) == len(intervals)
    # claim: equality with Serra et al.'s upper bound, which is therefore tight here
    assert len(intervals) == serra_upper_bound(widths, 1)


@pytest.mark.parametrize("widths", WIDE + NARROW)
def test_patterns_agree_with_network_evaluation(widths):
    net = max_regions_network(widths)
    for lo, hi, pattern in reference_intervals_1d(net):
        # claim: equality of the propagated pattern and the network's own exact evaluation
        assert net.activation_pattern([_inside(lo, hi)]) == pattern


@pytest.mark.parametrize("widths", NARROW)
def test_narrow_construction_count(widths):
    count = reference_count_1d(max_regions_network(widths))
    # claim: equality with the construction's recursion; bound by Serra et al.'s Theorem 1
    assert count == construction_region_count(widths)
    assert count <= serra_upper_bound(widths, 1) <= int(max_regions_1d(widths))


@pytest.mark.parametrize("K", [1, 2, 3, 5])
def test_width_one_reaches_k_plus_one(K):
    # claim: equality with the proven maximum K + 1 (theory.networks.width_one_regions)
    assert (
        reference_count_1d(max_regions_network([1] * K)) == K + 1 == serra_upper_bound([1] * K, 1)
    )


@pytest.mark.parametrize("K", [1, 2, 3, 4])
def test_width_two_count(K):
    # claim: equality 2^(K+1) - 1 for the V-with-flat-bottom layers; below the bound 3^K
    count = reference_count_1d(max_regions_network([2] * K))
    assert count == 2 ** (K + 1) - 1
    assert count <= 3**K


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3))
def test_construction_count_property(widths):
    count = reference_count_1d(max_regions_network(widths))
    assert count == construction_region_count(widths)  # claim: equality
    assert count <= serra_upper_bound(widths, 1)  # claim: upper bound
    if min(widths) >= 3:
        assert count == math.prod(w + 1 for w in widths)  # claim: equality (maximum)


@pytest.mark.parametrize("widths", WIDE + NARROW)
def test_agrees_with_production_counter(widths):
    oned = pytest.importorskip("analysis.regions.methods.oned.breakpoints")
    net = max_regions_network(widths)
    # claim: equality of two independent exact counters
    assert oned.count_regions_1d(net) == reference_count_1d(net)
    assert oned.count_regions_1d(net, kind="linear") == reference_linear_count_1d(net)


@pytest.mark.parametrize("n", [3, 4, 5, 8])
def test_zigzag_layer_maps_pieces_onto_unit_interval(n):
    s, sign, c, c0 = zigzag_layer(n)

    def g(u: Fraction) -> Fraction:
        return sum(
            (ci * max(sg * (u - si), Fraction(0)) for ci, sg, si in zip(c, sign, s, strict=True)),
            c0,
        )

    ends = [Fraction(0), *s, Fraction(1)]
    for k, (a, b) in enumerate(zip(ends[:-1], ends[1:], strict=False)):
        # claim: equality -- piece k maps onto [0, 1], increasing for even k
        assert (g(a), g(b)) == ((0, 1) if k % 2 == 0 else (1, 0))
    assert all(0 < si < 1 for si in s) and s == sorted(s)  # claim: thresholds inside (0, 1)


@pytest.mark.parametrize("bad", [[], [0], [3, -1], [2.5], [True]])
def test_bad_widths_raise(bad):
    with pytest.raises((ValueError, TypeError), match="widths"):
        max_regions_network(bad)


# ---------------------------------------------------------------------------- shallow arrangements


def _hyperplanes(net: ReLUNetwork) -> list[tuple[tuple[Fraction, ...], Fraction]]:
    """Distinct hyperplanes of the hidden units, normalised so the first nonzero entry is 1."""
    out = set()
    for row, b in zip(net.exact_weights[0], net.exact_biases[0], strict=True):
        row = tuple(row)
        lead = next((v for v in row if v != 0), None)
        if lead is not None:
            out.add((tuple(v / lead for v in row), b / lead))
    return sorted(out)


def plane_regions(net: ReLUNetwork) -> int:
    """Regions of a line arrangement: 1 + n + sum over crossing points of (multiplicity - 1)."""
    lines = _hyperplanes(net)
    points: dict[tuple[Fraction, Fraction], set[int]] = {}
    for i, j in itertools.combinations(range(len(lines)), 2):
        (a1, b1), c1 = lines[i]
        (a2, b2), c2 = lines[j]
        det = a1 * b2 - a2 * b1
        if det != 0:
            p = ((-c1 * b2 + c2 * b1) / det, (-a1 * c2 + a2 * c1) / det)
            points.setdefault(p, set()).update((i, j))
    return 1 + len(lines) + sum(len(s) - 1 for s in points.values())


def line_regions(net: ReLUNetwork) -> int:
    return 1 + len(_hyperplanes(net))


def in_general_position(net: ReLUNetwork) -> bool:
    """Every m <= d hyperplanes meet in a (d - m)-flat; no d + 1 share a point (exact ranks)."""
    d = net.input_dim
    rows = [(list(W), b) for W, b in zip(net.exact_weights[0], net.exact_biases[0], strict=True)]
    for m in range(1, min(d + 1, len(rows)) + 1):
        for sub in itertools.combinations(rows, m):
            A = sympy.Matrix([[sympy.Rational(v) for v in w] for w, _ in sub])
            Ab = A.row_join(sympy.Matrix([sympy.Rational(b) for _, b in sub]))
            if m <= d and A.rank() != m:
                return False
            if m == d + 1 and Ab.rank() != A.rank() + 1:
                return False
    return True


@pytest.mark.parametrize(
    ("D", "d_in", "seed"), [(5, 1, 0), (6, 2, 1), (4, 2, 2), (5, 3, 3), (3, 3, 4)]
)
def test_general_position_shallow(D, d_in, seed):
    arr = general_position_shallow(D, d_in, seed=seed)
    assert in_general_position(arr.network)  # claim: the premise of the count holds exactly
    expected = sum(math.comb(D, j) for j in range(d_in + 1))
    assert arr.regions == expected  # claim: equality with Zaslavsky's count
    if d_in == 1:
        assert line_regions(arr.network) == expected  # claim: equality (independent count)
    if d_in == 2:
        assert plane_regions(arr.network) == expected  # claim: equality (independent count)


@pytest.mark.parametrize("kind", DEGENERATE_KINDS)
@pytest.mark.parametrize(("D", "seed"), [(4, 0), (6, 1), (7, 2)])
def test_degenerate_shallow_in_the_plane(kind, D, seed):
    arr = degenerate_shallow(kind, D, 2, seed=seed)
    # claim: equality of the stated count and the point-multiplicity formula
    assert arr.regions == plane_regions(arr.network)
    assert arr.regions < sum(math.comb(D, j) for j in range(3))  # claim: strictly below max


@pytest.mark.parametrize("kind", DEGENERATE_KINDS)
def test_degenerate_shallow_on_the_line(kind):
    arr = degenerate_shallow(kind, 5, 1, seed=3)
    assert arr.regions == line_regions(arr.network)  # claim: equality
    assert arr.regions == reference_count_1d(arr.network)  # claim: equality


@pytest.mark.parametrize("kind", DEGENERATE_KINDS)
@pytest.mark.parametrize("d_in", [2, 3])
def test_degenerate_against_production_counter(kind, d_in):
    regions = pytest.importorskip("analysis.regions")
    arr = degenerate_shallow(kind, 5, d_in, seed=7)
    try:
        count = regions.count_regions(arr.network)
    except NotImplementedError:  # pragma: no cover - engine without this dimension yet
        pytest.skip("counting engine does not handle this input dimension")
    assert count == arr.regions  # claim: equality


def test_degenerate_bad_input():
    with pytest.raises(ValueError, match="kind"):
        degenerate_shallow("skew", 4, 2)
    with pytest.raises(ValueError, match="distinct"):
        degenerate_shallow("coincident", 4, 2, distinct=9)
