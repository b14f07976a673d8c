"""Deep 2-input networks on a box: exact polygon splitting.

Independent references: the Zaslavsky lattice count (shallow networks), the LP engine and the
brute-force pattern test of analysis.regions (deep networks), the exact area of the box, the
network's own exact forward pass at each witness point, and hand counts.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.networks import ReLUNetwork
from analysis.regions.limits import Limits, RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.methods.arrangement.zaslavsky import count_arrangement
from analysis.regions.methods.polygon.polygons import (
    count_regions_polygon,
    iter_polygons,
    iter_regions_polygon,
    leaves,
)

BOX = [(-1, 1), (-1, 1)]


def int_net(draw, widths, lo=-2, hi=2):
    Ws, bs = [], []
    for a, b in zip(widths[:-1], widths[1:], strict=False):
        Ws.append(
            draw(
                st.lists(
                    st.lists(st.integers(lo, hi), min_size=a, max_size=a), min_size=b, max_size=b
                )
            )
        )
        bs.append(draw(st.lists(st.integers(lo, hi), min_size=b, max_size=b)))
    return ReLUNetwork(Ws, bs)


def box_area(box) -> Fraction:
    (x0, x1), (y0, y1) = box
    return (Fraction(x1) - Fraction(x0)) * (Fraction(y1) - Fraction(y0))


def check_polygons(net: ReLUNetwork, box) -> int:
    """Exact tiling checks: areas add up to the box, convexity, witnesses, output maps."""
    polys = list(iter_polygons(net, box))
    assert sum(p.area() for p in polys) == box_area(box)  # equality: the regions tile the box
    assert all(p.area() > 0 for p in polys)  # bound: every region is full-dimensional
    assert len({p.pattern for p in polys}) == len(polys)  # equality: one region per pattern
    for p in polys:
        v = p.vertices
        for i in range(len(v)):
            a, b, c = v[i], v[(i + 1) % len(v)], v[(i + 2) % len(v)]
            cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])
            assert cross >= 0  # bound: convex, counter-clockwise
        r = p.region
        assert r.contains(r.point)  # the witness is strictly inside
        assert net.activation_pattern(r.point) == p.pattern  # equality
        assert list(r.output(r.point)) == net.exact_forward(r.point)  # equality (exact map)
        for q in v:  # the closure holds every vertex
            assert r.contains(q, strict=False)
    return len(polys)


@pytest.mark.parametrize(
    "W, b, expected, why",
    [
        (
            [[[1, 0], [0, 1]], [[1, 1], [1, -1]], [[1, 1]]],
            [[0, 0], [0, 0], [0]],
            5,
            "x - y cuts only the positive quadrant",
        ),
        (
            [[[1, 0], [1, 0]], [[1, -1]], [[1]]],
            [[0, 0], [0], [0]],
            2,
            "duplicate units: layer 2 is identically 0",
        ),
        ([[[0, 0]], [[1]], [[1]]], [[0], [1], [0]], 1, "a dead unit: nothing cuts"),
        ([[[1, 1]], [[1]], [[1]]], [[-2], [0], [0]], 1, "a line touching the box at a corner"),
        ([[[1, 0]], [[2], [-1]], [[1, 1]]], [[-1], [0, 1], [0]], 1, "x = 1 is a face: one region"),
        (
            [[[1, 0], [0, 1]], [[1, 1]], [[1]]],
            [[0, 0], [-1], [0]],
            5,
            "relu(x) + relu(y) - 1 cuts only the quadrant x, y > 0",
        ),
    ],
)
def test_hand_counts(W, b, expected, why):
    """Equality with hand counts (degenerate deep cases), and the tiling checks."""
    net = ReLUNetwork(W, b)
    assert count_regions_polygon(net, BOX) == expected, why  # equality
    assert check_polygons(net, BOX) == expected, why  # equality


@given(data=st.data(), n=st.integers(1, 6))
@settings(max_examples=30, deadline=None)
def test_shallow_matches_lattice(data, n):
    """Equality: on shallow networks the polygons equal the Zaslavsky count on the box."""
    net = int_net(data.draw, (2, n, 1))
    lo = data.draw(st.fractions(-3, 0, max_denominator=4))
    hi = data.draw(st.fractions(Fraction(1, 4), 3, max_denominator=4))
    box = [(lo, hi), (lo - 1, hi)]
    assert count_regions_polygon(net, box) == count_arrangement(net, box)  # equality


@given(data=st.data(), widths=st.sampled_from([(2, 2, 2, 1), (2, 3, 2, 1), (2, 2, 3, 2, 1)]))
@settings(max_examples=25, deadline=None)
def test_deep_small_integer_vs_lp_and_brute(data, widths):
    """Equality with the LP engine and brute force on small integer weights (many ties)."""
    from analysis.regions import api

    net = int_net(data.draw, widths)
    n = count_regions_polygon(net, BOX)
    assert n == check_polygons(net, BOX)  # equality
    assert n == api.count_regions(net, BOX, method="lp")  # equality (independent engine)
    assert n == api.count_regions(net, BOX, method="brute")  # equality (every pattern)


@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=10, deadline=None)
def test_random_float_deep_vs_lp(seed):
    """Equality with the LP engine on random float networks (exact dyadic weights)."""
    from analysis.regions import api

    rng = np.random.default_rng(seed)
    widths = (2, 4, 3, 1)
    net = ReLUNetwork(
        [rng.standard_normal((b, a)) for a, b in zip(widths[:-1], widths[1:], strict=False)],
        [rng.standard_normal(b) for b in widths[1:]],
    )
    box = [(-2, 2), (-1, 3)]
    n = count_regions_polygon(net, box)
    assert n == check_polygons(net, box)  # equality
    assert n == api.count_regions(net, box, method="lp")  # equality


def test_permutation_and_positive_scaling_invariance():
    """Equality: permuting a layer's units or scaling a unit by c > 0 (next column by 1/c)."""
    rng = np.random.default_rng(11)
    W0, b0 = rng.integers(-3, 4, (5, 2)).astype(float), rng.integers(-2, 3, 5).astype(float)
    W1, b1 = rng.integers(-3, 4, (4, 5)).astype(float), rng.integers(-2, 3, 4).astype(float)
    W2, b2 = rng.integers(-3, 4, (1, 4)).astype(float), np.zeros(1)
    n = count_regions_polygon(ReLUNetwork([W0, W1, W2], [b0, b1, b2]), BOX)
    p = rng.permutation(5)
    assert count_regions_polygon(ReLUNetwork([W0[p], W1[:, p], W2], [b0[p], b1, b2]), BOX) == n
    c = np.array([2.0, 0.25, 4.0, 1.0, 0.5])
    scaled = ReLUNetwork([W0 * c[:, None], W1 / c[None, :], W2], [b0 * c, b1, b2])
    assert count_regions_polygon(scaled, BOX) == n  # equality


def test_regions_are_regions():
    net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    regs = list(iter_regions_polygon(net, BOX))
    assert len(regs) == 4  # equality: four quadrants
    assert all(len(r.inequalities) == 2 + 4 for r in regs)  # two units and four box faces


def test_limits_and_bad_input():
    rng = np.random.default_rng(0)
    net = ReLUNetwork(
        [rng.standard_normal((6, 2)), rng.standard_normal((1, 6))], [rng.standard_normal(6), [0.0]]
    )
    with pytest.raises(RegionLimitExceeded) as info:
        count_regions_polygon(net, BOX, max_regions=3)
    n = count_regions_polygon(net, BOX, exact_only=True)
    assert 4 <= info.value.lower_bound <= n  # bound: beyond the limit, at most the count
    with pytest.raises(ValueError, match="box"):
        count_regions_polygon(net, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="2 inputs"):
        count_regions_polygon(ReLUNetwork([[[1, 1, 1]], [[1]]], [[0], [0]]), BOX)
    with pytest.raises(ValueError, match="time_budget"):
        count_regions_polygon(net, BOX, time_budget=-1)
    with pytest.raises(ValueError, match="empty or degenerate"):
        count_regions_polygon(net, [(0, 0), (0, 1)])
    seen = []
    assert count_regions_polygon(net, BOX, progress=seen.append) == n
    assert seen[-1] == n  # the last progress report is the count
    assert issubclass(RegionTimeBudgetExceeded, ValueError)


def _near_tie_net(draw, widths):
    """Small integers, some nudged by one unit in the last place or by 1/3 (not dyadic)."""
    Ws, bs = [], []
    nudges = st.sampled_from([0.0, 0.0, 0.0, 2.0**-52, -(2.0**-52), 2.0**-40])
    for a, b in zip(widths[:-1], widths[1:], strict=False):
        W = [[draw(st.integers(-2, 2)) + draw(nudges) for _ in range(a)] for _ in range(b)]
        bias = [draw(st.integers(-2, 2)) + draw(nudges) for _ in range(b)]
        Ws.append(W)
        bs.append(bias)
    if draw(st.booleans()):
        Ws[0][0][0] = Fraction(1, 3)  # a weight that is not a float64 number
    return ReLUNetwork(Ws, bs)


@given(data=st.data(), widths=st.sampled_from([(2, 3, 3, 1), (2, 4, 2, 3, 1), (2, 5, 1)]))
@settings(max_examples=40, deadline=None)
def test_certified_floats_match_exact_path(data, widths):
    """Equality: the float-filtered path and the all-exact reference give the same regions
    (same patterns, same exact vertices) on near-ties and non-dyadic weights."""
    net = _near_tie_net(data.draw, widths)
    fast = {p.pattern: p.vertices for p in iter_polygons(net, BOX)}
    exact = {p.pattern: p.vertices for p in iter_polygons(net, BOX, exact_only=True)}
    assert fast.keys() == exact.keys()  # equality of the pattern sets
    for key, verts in fast.items():
        assert set(verts) == set(exact[key])  # equality of the exact vertices
    assert count_regions_polygon(net, BOX) == len(exact)  # equality


def test_exact_fallback_on_touching_lines():
    """Equality with hand counts where floats cannot decide: lines through box corners and
    through a vertex created by an earlier cut (signs exactly 0)."""
    # layer 1: x - y (diagonal through corners); layer 2: unit x + y on the active side only
    net = ReLUNetwork([[[1, -1], [1, 1]], [[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0, 0], [0]])
    assert count_regions_polygon(net, BOX) == 4  # equality: the two diagonals, 4 triangles
    assert count_regions_polygon(net, BOX, exact_only=True) == 4
    tiny = ReLUNetwork([[[1, 0]], [[1]]], [[-1 + 2.0**-52], [0]])  # x = 1 - 2^-52: a sliver
    assert count_regions_polygon(tiny, BOX) == 2  # equality: a strip of width 2^-52


def test_affine_network_is_one_region():
    """Equality: no hidden layer, one region, for both paths."""
    net = ReLUNetwork([[[1, 2]]], [[0]])
    assert count_regions_polygon(net, BOX) == 1 == count_regions_polygon(net, BOX, exact_only=True)


@pytest.mark.parametrize("pool", ["thread", "process"])
def test_parallel_count_equals_serial(pool):
    """Equality: sharing the first layer's pieces among tasks gives the serial count."""
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    net = ReLUNetwork.random((2, 6, 5, 4, 1), seed=5)
    box = [(-2, 2), (-2, 2)]
    serial = count_regions_polygon(net, box)
    Pool = ThreadPoolExecutor if pool == "thread" else ProcessPoolExecutor
    with Pool(max_workers=2) as ex:
        for parts in (1, 3, 8):
            assert count_regions_polygon(net, box, executor=ex, parts=parts) == serial
        with pytest.raises(RegionLimitExceeded):
            count_regions_polygon(net, box, executor=ex, max_regions=serial - 1)
        shallow = ReLUNetwork.random((2, 9, 1), seed=5)  # one hidden layer: a single task
        assert count_regions_polygon(shallow, box, executor=ex) == count_arrangement(
            shallow, box
        )  # equality with the lattice count


@pytest.mark.parametrize("scale", [1e200, 1e-300])
def test_extreme_scales_match_exact_path(scale):
    """Equality with the exact path when floats overflow or underflow (weights near the
    ends of float64's range): the certified path must fall back to exact integers."""
    rng = np.random.default_rng(0)
    W0 = rng.integers(-2, 3, (4, 2)).astype(float) * scale
    W1 = rng.integers(-2, 3, (3, 4)).astype(float) * scale
    b0 = rng.integers(-2, 3, 4).astype(float) * scale
    b1 = rng.integers(-2, 3, 3).astype(float)
    net = ReLUNetwork([W0, W1, np.ones((1, 3))], [b0, b1, np.zeros(1)])
    fast = {p.pattern: set(p.vertices) for p in iter_polygons(net, BOX)}
    exact = {p.pattern: set(p.vertices) for p in iter_polygons(net, BOX, exact_only=True)}
    assert fast == exact  # equality of patterns and exact vertices


def test_region_graph_from_polygons_matches_lp():
    """Equality: the same patterns and the same facet graph from polygons and from the LP
    engine (the polygon regions' inequalities are complete and correctly oriented)."""
    import networkx as nx

    from analysis.regions import enumerate_regions, region_graph

    net = ReLUNetwork.random((2, 4, 3, 1), seed=2)
    box = [(-1, 1), (-1, 1)]
    a = enumerate_regions(net, box, method="polygon")
    b = enumerate_regions(net, box, method="lp")
    assert {r.pattern for r in a} == {r.pattern for r in b}  # equality
    Ga = region_graph(net, box, regions=a)
    Gb = region_graph(net, box, regions=b)
    relabel_a = nx.relabel_nodes(Ga, {i: a[i].pattern for i in Ga.nodes})
    relabel_b = nx.relabel_nodes(Gb, {i: b[i].pattern for i in Gb.nodes})
    assert set(map(frozenset, relabel_a.edges)) == set(map(frozenset, relabel_b.edges))


def _square_values(lines):
    """Exact values of lines (a, b, c) at the corners of [-1, 1]^2, counter-clockwise."""
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    return [[float(a * x + b * y + c) for x, y in corners] for a, b, c in lines]


@pytest.mark.parametrize(
    "lines, expected, why",
    [
        ([(1, 0, 0)], 2, "one line: two cells"),
        ([(1, 0, 0), (0, 1, 0)], 4, "two crossing lines: four"),
        ([(1, 0, 0.5), (1, 0, -0.5)], 3, "two parallel lines: three"),
        ([(1, 0, 0.5), (0, 1, 0.5), (1, 1, 0.5)], 7, "three lines, three crossings: 7"),
        ([(1, 0, 0.5), (0, 1, 0.5), (0.5, -1, 0.25)], 6, "third line crosses one: 6"),
        ([(1, 0, 0.5), (0, 1, 0.5), (1, 1, -1.5)], 5, "third line crosses none inside: 5"),
        ([(1, 0, 0), (0, 1, 0), (1, 1, 0)], None, "three concurrent lines: not certified"),
        ([(1, 0, 0), (2, 0, 0)], None, "coincident lines: not certified"),
        ([(1, 1, 0)], None, "a line through two corners: not certified"),
        ([(1, 0, 0.5), (1, 1, 1.5)], None, "lines meeting on an edge: not certified"),
    ],
)
def test_count_cells_hand_counts(lines, expected, why):
    """Equality with hand counts of the certified cell count (Euler's formula), and None
    (decide exactly) wherever a sign is a tie: concurrency, coincidence, lines through a
    vertex, crossings on the boundary."""
    from analysis.regions.methods.polygon.geometry import count_cells

    S = _square_values(lines)
    B = [[1e-12] * 4 for _ in lines]
    assert count_cells(S, B, 4) == expected, why  # equality


def _exact_leaves(net, box, exact_only):
    """{pattern: set of exact vertices} of every region, without building Fractions."""
    found = leaves(net, box, Limits(None, None, None), exact_only)
    return {pattern: {v[:3] for v in verts} for pattern, verts in found}


@pytest.mark.parametrize("many", [2, 5])
@given(data=st.data(), widths=st.sampled_from([(2, 7, 1), (2, 9, 3, 1), (2, 4, 8, 2, 1)]))
@settings(max_examples=12, deadline=None)
def test_many_unit_splitting_matches_exact_path(many, data, widths):
    """Equality with the all-exact path (patterns and exact vertices) when polygons cut by
    more than ``many`` units are split with batched certified signs; small integer weights
    make concurrent and coincident lines and vertices on lines common."""
    from analysis.regions.methods.polygon import batched as batched

    net = int_net(data.draw, widths, lo=-2, hi=2)
    box = [(-2, 2), (-1, 2)]
    exact = _exact_leaves(net, box, True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batched, "SPLIT_MANY", many)
        mp.setattr(batched, "SPLIT_EVAL", many - 1)  # batched tests on small pieces too
        assert _exact_leaves(net, box, False) == exact  # equality of patterns and vertices
        assert count_regions_polygon(net, box) == len(exact)  # equality


@pytest.mark.parametrize("n", [45, 60])
def test_wide_layer_matches_lattice(n):
    """Equality with the Zaslavsky count on a wide layer of small-integer lines (the batched
    splitting at its default threshold, many concurrent lines)."""
    rng = np.random.default_rng(n)
    net = ReLUNetwork(
        [rng.integers(-3, 4, (n, 2)).astype(float), np.ones((1, n))],
        [rng.integers(-3, 4, n).astype(float), np.zeros(1)],
    )
    box = [(-2, 2), (-1, 2)]
    assert count_regions_polygon(net, box) == count_arrangement(net, box)  # equality
    deep = ReLUNetwork(
        [*net.weights[:1], np.ones((2, n)), np.ones((1, 2))],
        [*net.biases[:1], np.array([-1.0, 2.0]), np.zeros(1)],
    )
    assert count_regions_polygon(deep, box) == len(_exact_leaves(deep, box, True))  # equality


@given(seed=st.integers(0, 999))
@settings(max_examples=6, deadline=None)
def test_counting_equals_enumeration(seed):
    """Equality: the count (cells of the last layer counted without splitting) equals the
    number of polygons enumerated, and the all-exact reference count, on random networks."""
    box = [(-3, 3), (-2, 2)]
    net = ReLUNetwork.random((2, 7, 6, 1), seed=seed)
    n = count_regions_polygon(net, box)
    assert n == count_regions_polygon(net, box, exact_only=True)  # equality
    assert n == sum(1 for _ in iter_polygons(net, box))  # equality
    wide = ReLUNetwork.random((2, 20, 6, 5, 1), seed=seed)
    found = list(leaves(wide, box, Limits(None, None, None)))  # every polygon, split
    assert len({pattern for pattern, _ in found}) == len(found)  # equality: distinct
    assert count_regions_polygon(wide, box) == len(found)  # equality


@pytest.mark.parametrize("scale", [1e150, 1e-150, 2.0**-1000])
def test_extreme_scales_count_matches_exact_path(scale):
    """Equality of counts with the exact path at scales where products of vertex values
    overflow or underflow (the certified cell count must give way to splitting)."""
    rng = np.random.default_rng(1)
    W0 = rng.integers(-3, 4, (6, 2)).astype(float) * scale
    b0 = rng.integers(-3, 4, 6).astype(float) * scale
    W1 = rng.integers(-3, 4, (4, 6)).astype(float)
    b1 = rng.integers(-3, 4, 4).astype(float) * scale
    net = ReLUNetwork([W0, W1, np.ones((1, 4))], [b0, b1, np.zeros(1)])
    box = [(-2, 2), (-2, 2)]
    expected = count_regions_polygon(net, box, exact_only=True)
    assert count_regions_polygon(net, box) == expected  # equality


def test_progress_reports_are_increasing_and_end_at_count():
    """Bound: progress reports increase and never exceed the count; equality at the end."""
    net = ReLUNetwork.random((2, 12, 12, 1), seed=4)
    box = [(-3, 3), (-3, 3)]
    seen: list[int] = []
    n = count_regions_polygon(net, box, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == n  # equality at the end
    assert len(seen) >= n // 256  # bound: at least one report per 256 regions
    with pytest.raises(RegionLimitExceeded) as info:
        count_regions_polygon(net, box, max_regions=n - 1)
    assert n - 1 < info.value.lower_bound <= n  # bound: a true lower bound beyond the limit
