"""Adversarial cross-check of the exact region counts: every applicable method must agree.

Tiny networks with weights drawn from small integers and simple rationals make ties,
coincident, parallel and concurrent hyperplanes, zero units, dead units and constant
downstream units common. For each network every method that applies ("oned", "arrangement",
"polygon", "lp", "brute") must give the same exact count, and so must two references written
here, independently of analysis.regions:

* 1 input: an exact count of the maximal intervals of constant activation pattern, from the
  exact pre-activations of :meth:`ReLUNetwork.exact_preactivations` on candidate breakpoints
  refined unit by unit;
* 2 inputs, 1 hidden layer: the regions of the line arrangement by Euler's formula
  (faces = E - V + 1 inside a box) with exact intersection points, and on R^2 the classical
  count 1 + n + sum_p (m_p - 1) over the intersection points p.

Set the environment variable ``PHYSML_CROSSCHECK_EXAMPLES`` (e.g. 2000) to hunt for
discrepancies with many more examples than the default.
"""

from __future__ import annotations

import itertools
import math
import os
from fractions import Fraction as F

import networkx as nx
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from strategies import SCALES, boxes, net_any, networks

from analysis.networks import ReLUNetwork
from analysis.regions import count_regions, region_graph

N_EXAMPLES = int(os.environ.get("PHYSML_CROSSCHECK_EXAMPLES", "0")) or None
# float64 values whose exact dyadic sums do not cancel: near-ties that only exact arithmetic
# resolves (0.1 + 0.2 != 0.3 in float64, and exactly so as rationals)
NEAR = [F(0.1), F(0.2), F(0.3), F(-0.1), F(-0.3), F(1 / 3), F(1)]


def examples(default: int) -> settings:
    return settings(max_examples=N_EXAMPLES or default, deadline=None)


# ----------------------------------------------------------------------------- strategies


def count(net: ReLUNetwork, domain, method: str, kind: str = "activation") -> int:
    return count_regions(net, domain, kind=kind, method=method)


def all_counts(net: ReLUNetwork, domain, methods) -> dict[str, int]:
    if currently_in_test_context():
        note(f"weights={net.exact_weights!r} biases={net.exact_biases!r} domain={domain!r}")
    return {m: count(net, domain, m) for m in methods}


# ------------------------------------------------------- independent reference: 1 input


def _samples(a: F | None, b: F | None) -> tuple[F, F]:
    """Two distinct points strictly inside the interval (a, b) (ends may be infinite)."""
    if a is None and b is None:
        return F(0), F(1)
    if a is None:
        return b - 1, b - 2
    if b is None:
        return a + 1, a + 2
    return a + (b - a) / 3, a + 2 * (b - a) / 3


def ref_count_1d(net: ReLUNetwork, domain=None) -> int:
    """Maximal open intervals of constant activation pattern, by exact refinement.

    Invariant: on each open interval between consecutive candidate points, the
    pre-activations of the units processed so far (and so the inputs of the next unit) are
    affine. A unit's pre-activation, affine on an interval, is fitted exactly from two points;
    its root, where strictly inside, becomes a candidate. The pattern is then constant on each
    final interval, and regions are the maximal runs of equal patterns.
    """
    lo, hi = (None, None) if domain is None else (F(domain[0][0]), F(domain[0][1]))
    cuts: list[F] = []
    for layer_idx, width in enumerate(net.hidden_widths):
        for j in range(width):
            ends = [lo, *cuts, hi]
            new = []
            for a, b in zip(ends[:-1], ends[1:], strict=False):
                s, t = _samples(a, b)
                zs = net.exact_preactivations([s])[layer_idx][j]
                zt = net.exact_preactivations([t])[layer_idx][j]
                slope = (zt - zs) / (t - s)
                if slope != 0:
                    root = s - zs / slope
                    if (a is None or a < root) and (b is None or root < b):
                        new.append(root)
            cuts = sorted(set(cuts) | set(new))
    ends = [lo, *cuts, hi]
    patterns = []
    for a, b in zip(ends[:-1], ends[1:], strict=False):
        s, _ = _samples(a, b)
        patterns.append(tuple(tuple(v > 0 for v in z) for z in net.exact_preactivations([s])))
    runs = 1 + sum(p != q for p, q in zip(patterns[:-1], patterns[1:], strict=False))
    assert len(set(patterns)) == runs  # each pattern's set is an interval (convex)
    return runs


def ref_breakpoints_1d(net: ReLUNetwork) -> list[F]:
    """Points of R where the activation pattern changes (same refinement as above)."""
    cuts: list[F] = []
    for layer_idx, width in enumerate(net.hidden_widths):
        for j in range(width):
            ends = [None, *cuts, None]
            new = []
            for a, b in zip(ends[:-1], ends[1:], strict=False):
                s, t = _samples(a, b)
                zs = net.exact_preactivations([s])[layer_idx][j]
                zt = net.exact_preactivations([t])[layer_idx][j]
                if zt != zs:
                    root = s - zs * (t - s) / (zt - zs)
                    if (a is None or a < root) and (b is None or root < b):
                        new.append(root)
            cuts = sorted(set(cuts) | set(new))
    return cuts


# ------------------------------------------- independent reference: lines in the plane

Line = tuple[F, F, F]  # a x + b y + c = 0
Point = tuple[F, F]


def shallow_lines(net: ReLUNetwork) -> list[Line]:
    """The distinct lines w . x + b = 0 of a shallow 2-input network (zero units dropped)."""
    W, B = net.exact_weights[0], net.exact_biases[0]
    out = set()
    for j in range(W.shape[0]):
        a, b, c = F(W[j, 0]), F(W[j, 1]), F(B[j])
        if a == 0 and b == 0:
            continue
        lead = a if a != 0 else b
        out.add((a / lead, b / lead, c / lead))
    return sorted(out)


def meet(l1: Line, l2: Line) -> Point | None:
    a1, b1, c1 = l1
    a2, b2, c2 = l2
    det = a1 * b2 - a2 * b1
    if det == 0:
        return None
    return ((b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det)


def ref_count_lines_box(lines: list[Line], box) -> int:
    """Regions of a line arrangement inside the open box, by Euler's formula.

    The planar graph: box boundary plus every line's segment inside the box, vertices at the
    box corners, the segments' ends and the intersection points strictly inside the box.
    It is connected (every segment ends on the boundary), so V - E + F = 2 and the faces
    inside the box number E - V + 1.
    """
    (x0, x1), (y0, y1) = [(F(lo), F(hi)) for lo, hi in box]

    def inside(p: Point) -> bool:
        return x0 < p[0] < x1 and y0 < p[1] < y1

    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    sides = [(corners[k], corners[(k + 1) % 4]) for k in range(4)]
    side_lines = [(F(0), F(1), -y0), (F(1), F(0), -x1), (F(0), F(1), -y1), (F(1), F(0), -x0)]

    def on_side(p: Point, k: int) -> bool:
        (p0, p1) = sides[k]
        return min(p0[0], p1[0]) <= p[0] <= max(p0[0], p1[0]) and min(p0[1], p1[1]) <= p[1] <= max(
            p0[1], p1[1]
        )

    segs: list[tuple[Line, Point, Point]] = []
    for ln in lines:
        pts = set()
        for k in range(4):
            p = meet(ln, side_lines[k])
            if p is not None and on_side(p, k):
                pts.add(p)
        if len(pts) < 2:
            continue  # misses the box or touches one corner
        p, q = min(pts), max(pts)
        if inside(((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)):
            segs.append((ln, p, q))  # else it runs along a side: no cut
    vertices = set(corners)
    edges = 0
    for i, (ln, p, q) in enumerate(segs):
        on = {p, q}
        for k, (other, _, _) in enumerate(segs):
            if k != i:
                r = meet(ln, other)
                if r is not None and inside(r):
                    on.add(r)
        vertices |= on
        edges += len(on) - 1
    for k in range(4):
        on_this_side = {v for v in vertices if on_side(v, k) and not inside(v)}
        edges += len(on_this_side) - 1
    return edges - len(vertices) + 1


def enclosing_box(lines: list[Line]) -> list[tuple[F, F]]:
    """A box holding every intersection point and a point of every line strictly inside."""
    pts = [p for l1, l2 in itertools.combinations(lines, 2) if (p := meet(l1, l2)) is not None]
    for a, b, c in lines:
        n2 = a * a + b * b
        pts.append((-c * a / n2, -c * b / n2))
    m = 1 + max([abs(v) for p in pts for v in p], default=F(0))
    return [(-m, m), (-m, m)]


def ref_count_lines_plane(lines: list[Line]) -> int:
    """Regions of a line arrangement in R^2: 1 + n + sum over points p of (m_p - 1)."""
    through: dict[Point, set[int]] = {}
    for (i, l1), (k, l2) in itertools.combinations(enumerate(lines), 2):
        p = meet(l1, l2)
        if p is not None:
            through.setdefault(p, set()).update((i, k))
    return 1 + len(lines) + sum(len(s) - 1 for s in through.values())


# ------------------------------------------------------------- the references themselves


@pytest.mark.parametrize(
    "lines, box, expected, why",
    [
        ([], [(0, 1), (0, 1)], 1, "no line: the box"),
        ([(F(1), F(0), F(0))], [(-1, 1), (-1, 1)], 2, "x = 0 halves the box"),
        ([(F(1), F(0), F(1))], [(-1, 1), (-1, 1)], 1, "x = -1 runs along a side"),
        ([(F(1), F(1), F(2))], [(-1, 1), (-1, 1)], 1, "x + y = -2 touches a corner"),
        ([(F(1), F(-1), F(0)), (F(1), F(1), F(0))], [(-1, 1), (-1, 1)], 4, "the diagonals"),
        (
            [(F(1), F(0), F(0)), (F(0), F(1), F(0)), (F(1), F(1), F(0))],
            [(-1, 1), (-1, 1)],
            6,
            "three lines through the centre",
        ),
        (
            [(F(1), F(0), F(0)), (F(1), F(0), F(-1, 2))],
            [(-1, 1), (-1, 1)],
            3,
            "two parallel lines",
        ),
        (
            [(F(1), F(1), F(-1)), (F(1), F(-1), F(-1))],
            [(-1, 1), (-1, 1)],
            3,
            "two lines meeting on the boundary at (1, 0)",
        ),
    ],
)
def test_euler_reference_by_hand(lines, box, expected, why):
    assert ref_count_lines_box(lines, box) == expected, why  # equality (hand count)


@examples(60)
@given(net=networks(2, (5,)))
def test_euler_reference_agrees_with_point_formula(net):
    lines = shallow_lines(net)
    box = enclosing_box(lines)
    # equality: two independent counts of the same line arrangement
    assert ref_count_lines_box(lines, box) == ref_count_lines_plane(lines)


@pytest.mark.parametrize(
    "W, b, domain, expected, why",
    [
        ([[[1], [1]], [[1, -1]]], [[0, -1], [0]], None, 3, "kinks at 0 and 1"),
        ([[[1], [2]], [[1, 1]]], [[0, 0], [0]], None, 2, "coincident kinks at 0"),
        ([[[0], [1]], [[1, 1]]], [[1, 0], [0]], None, 2, "a constant unit never cuts"),
        (
            [[[1]], [[1]], [[1]]],
            [[0], [-1], [0]],
            None,
            3,
            "relu(x) - 1 > 0 for x > 1: kinks at 0 and 1",
        ),
        (
            [[[1]], [[-1]], [[1]]],
            [[0], [0], [0]],
            None,
            2,
            "-relu(x) is never positive: unit 2 dead, kink at 0 only",
        ),
        ([[[1], [1]], [[1, -1]]], [[0, -1], [0]], [(2, 3)], 1, "no kink inside the box"),
        ([[[1], [1]], [[1, -1]]], [[0, -1], [0]], [(0, 1)], 1, "kinks only at the box ends"),
    ],
)
def test_1d_reference_by_hand(W, b, domain, expected, why):
    net = ReLUNetwork(W, b)
    assert ref_count_1d(net, domain) == expected, why  # equality (hand count)


# ----------------------------------------------------------------- 1 input: oned/lp/brute


@examples(40)
@given(net=net_any(1, 3, 3, 6), box=st.none() | boxes(1))
def test_1d_methods_agree(net, box):
    got = all_counts(net, box, ["oned", "lp", "brute", "auto"])
    ref = ref_count_1d(net, box)
    assert set(got.values()) == {ref}, (got, ref)  # equality: every method and the reference


@examples(20)
@given(net=net_any(1, 3, 3, 6, NEAR), box=st.none() | boxes(1))
def test_1d_methods_agree_near_ties(net, box):
    got = all_counts(net, box, ["oned", "lp", "brute"])
    ref = ref_count_1d(net, box)
    assert set(got.values()) == {ref}, (got, ref)  # equality


@examples(20)
@given(net=net_any(1, 1, 5, 5))
def test_1d_shallow_arrangement_agrees(net):
    got = all_counts(net, None, ["oned", "arrangement", "lp", "brute"])
    assert set(got.values()) == {ref_count_1d(net)}, got  # equality


@examples(25)
@given(net=net_any(1, 3, 3, 6))
def test_1d_box_holding_every_breakpoint_equals_line(net):
    cuts = ref_breakpoints_1d(net)
    lo = min(cuts, default=F(0)) - 1
    hi = max(cuts, default=F(0)) + 1
    whole = count(net, None, "auto")
    # equality: a box with every breakpoint strictly inside meets every region
    assert count(net, [(lo, hi)], "auto") == whole == len(cuts) + 1 - _merged(net, cuts)
    assert count(net, [(lo, hi)], "lp") == whole  # equality


def _merged(net: ReLUNetwork, cuts: list[F]) -> int:
    """Candidate points where the pattern does not actually change."""
    ends = [None, *cuts, None]
    pats = [
        net.activation_pattern([_samples(a, b)[0]])
        for a, b in zip(ends[:-1], ends[1:], strict=False)
    ]
    return sum(p == q for p, q in zip(pats[:-1], pats[1:], strict=False))


# ------------------------------------------------- shallow 2 inputs: lines and Euler


@examples(40)
@given(net=networks(2, (5,)), box=boxes(2))
def test_shallow_2d_box_methods_agree(net, box):
    got = all_counts(net, box, ["arrangement", "polygon", "lp", "brute", "auto"])
    ref = ref_count_lines_box(shallow_lines(net), box)
    assert set(got.values()) == {ref}, (got, ref)  # equality with Euler's formula


@examples(40)
@given(net=networks(2, (5,)))
def test_shallow_2d_plane_methods_agree(net):
    got = all_counts(net, None, ["arrangement", "lp", "brute", "auto"])
    lines = shallow_lines(net)
    ref = ref_count_lines_plane(lines)
    assert set(got.values()) == {ref}, (got, ref)  # equality
    box = enclosing_box(lines)
    # equality: the box holds every vertex and meets every line, so it meets every region
    assert count(net, box, "polygon") == count(net, box, "arrangement") == ref
    n = len(lines)
    assert ref <= 1 + n + math.comb(n, 2)  # bound: sum_{j<=2} C(n, j)


@examples(20)
@given(net=networks(2, (4,), NEAR), box=boxes(2))
def test_shallow_2d_near_ties(net, box):
    got = all_counts(net, box, ["arrangement", "polygon", "lp", "brute"])
    ref = ref_count_lines_box(shallow_lines(net), box)
    assert set(got.values()) == {ref}, (got, ref)  # equality


@examples(20)
@given(net=networks(3, (4,)), box=st.none() | boxes(3))
def test_shallow_3d_methods_agree(net, box):
    got = all_counts(net, box, ["arrangement", "lp", "brute"])
    assert len(set(got.values())) == 1, got  # equality between the three methods
    n = sum(any(v != 0 for v in row) for row in net.exact_weights[0])
    assert got["lp"] <= sum(math.comb(n, j) for j in range(4))  # bound


# --------------------------------------------------------------- deep 2 inputs on a box


@examples(30)
@given(net=net_any(2, 3, 3, 6), box=boxes(2))
def test_deep_2d_box_methods_agree(net, box):
    got = all_counts(net, box, ["polygon", "lp", "brute", "auto"])
    assert len(set(got.values())) == 1, got  # equality between the methods


@examples(15)
@given(net=net_any(2, 2, 3, 5, NEAR), box=boxes(2))
def test_deep_2d_near_ties(net, box):
    got = all_counts(net, box, ["polygon", "lp", "brute"])
    assert len(set(got.values())) == 1, got  # equality


@examples(20)
@given(net=net_any(2, 3, 3, 6))
def test_deep_2d_plane_and_huge_box(net):
    got = all_counts(net, None, ["lp", "brute"])
    assert len(set(got.values())) == 1, got  # equality
    huge = [(-(10**6), 10**6)] * 2
    assert count(net, huge, "polygon") <= got["lp"]  # bound: a box meets at most every region


@examples(15)
@given(net=net_any(3, 2, 2, 4))
def test_deep_3d_lp_brute_agree(net):
    assert count(net, None, "lp") == count(net, None, "brute")  # equality


# ----------------------------------------------------------- kinds and the region graph


@examples(25)
@given(net=net_any(2, 2, 3, 5), box=st.none() | boxes(2))
def test_linear_at_most_activation_and_graph(net, box):
    act = count(net, box, "auto")
    assert count(net, box, "auto", kind="linear") <= act  # bound
    G = region_graph(net, box)
    assert G.number_of_nodes() == act  # equality: one node per activation region
    assert nx.is_connected(G)  # the regions tile a connected domain
    for i, k in G.edges:
        assert G.edges[i, k]["units"]  # some unit flips across every facet


@examples(25)
@given(net=net_any(1, 3, 3, 6), box=st.none() | boxes(1))
def test_1d_linear_kind(net, box):
    act = count(net, box, "oned")
    lin = count(net, box, "oned", kind="linear")
    assert lin <= act  # bound
    assert count(net, box, "lp", kind="linear") == lin  # equality: graph merge vs 1-D merge
    assert lin == _ref_linear_1d(net, box)  # equality with the direct count


def _ref_linear_1d(net: ReLUNetwork, box) -> int:
    """Maximal intervals with one affine output: merge neighbours with equal exact maps."""
    lo, hi = (None, None) if box is None else (F(box[0][0]), F(box[0][1]))
    cuts = [c for c in ref_breakpoints_1d(net) if (lo is None or lo < c) and (hi is None or c < hi)]
    ends = [lo, *cuts, hi]
    maps = []
    for a, b in zip(ends[:-1], ends[1:], strict=False):
        s, t = _samples(a, b)
        ys, yt = net.exact_forward([s])[0], net.exact_forward([t])[0]
        slope = (yt - ys) / (t - s)
        maps.append((slope, ys - slope * s))
    return 1 + sum(p != q for p, q in zip(maps[:-1], maps[1:], strict=False))


# -------------------------------------------------------------------------- invariances


def _with(net: ReLUNetwork, l: int, W_l, b_l, W_next) -> ReLUNetwork:
    Ws = [[list(r) for r in W] for W in net.exact_weights]
    bs = [list(b) for b in net.exact_biases]
    Ws[l], bs[l], Ws[l + 1] = W_l, b_l, W_next
    return ReLUNetwork(Ws, bs)


@st.composite
def net_and_layer(draw, d: int):
    net = draw(net_any(d, 2, 3, 5))
    return net, draw(st.integers(0, net.depth - 1))


def _method(net: ReLUNetwork) -> str:
    return "oned" if net.input_dim == 1 else "lp"


@examples(25)
@given(data=st.data(), d=st.integers(1, 2))
def test_invariant_under_permuting_a_layer(data, d):
    net, l = data.draw(net_and_layer(d))
    W, b, Wn = net.exact_weights[l], net.exact_biases[l], net.exact_weights[l + 1]
    perm = data.draw(st.permutations(range(W.shape[0])))
    other = _with(
        net, l, [list(W[p]) for p in perm], [b[p] for p in perm], [[r[p] for p in perm] for r in Wn]
    )
    assert other.exact_forward([1] * d) == net.exact_forward([1] * d)  # same function
    box = [(-2, 2)] * d
    for dom in (None, box):
        # equality: relabelling units changes no region
        assert count(other, dom, _method(net)) == count(net, dom, _method(net))
        assert count(other, dom, "brute") == count(net, dom, "brute")


@examples(25)
@given(data=st.data(), d=st.integers(1, 2))
def test_invariant_under_positive_scaling(data, d):
    net, l = data.draw(net_and_layer(d))
    W, b, Wn = net.exact_weights[l], net.exact_biases[l], net.exact_weights[l + 1]
    j = data.draw(st.integers(0, W.shape[0] - 1))
    c = data.draw(st.sampled_from([F(1, 3), F(1, 2), F(2), F(3), F(7, 5)]))
    Wl = [[c * v if i == j else v for v in W[i]] for i in range(W.shape[0])]
    bl = [c * b[i] if i == j else b[i] for i in range(W.shape[0])]
    Wnext = [[v / c if i == j else v for i, v in enumerate(r)] for r in Wn]
    other = _with(net, l, Wl, bl, Wnext)
    x = [F(1, 3)] * d
    assert other.exact_forward(x) == net.exact_forward(x)  # same function
    for dom in (None, [(-2, 2)] * d):
        assert count(other, dom, _method(net)) == count(net, dom, _method(net))  # equality
        assert count(other, dom, "brute") == count(net, dom, "brute")  # equality


@examples(25)
@given(data=st.data(), d=st.integers(1, 2))
def test_invariant_under_silent_duplicate(data, d):
    """A copy c * unit j (any c != 0) with zero outgoing weights adds no hyperplane."""
    net, l = data.draw(net_and_layer(d))
    W, b, Wn = net.exact_weights[l], net.exact_biases[l], net.exact_weights[l + 1]
    j = data.draw(st.integers(0, W.shape[0] - 1))
    c = data.draw(st.sampled_from(SCALES))
    Wl = [list(r) for r in W] + [[c * v for v in W[j]]]
    bl = list(b) + [c * b[j]]
    Wnext = [[*r, F(0)] for r in Wn]
    other = _with(net, l, Wl, bl, Wnext)
    for dom in (None, [(-1, 2)] * d):
        # equality: the copy's activation is a function of unit j's on every region
        assert count(other, dom, _method(net)) == count(net, dom, _method(net))
        assert count(other, dom, "brute") == count(net, dom, "brute")


# ------------------------------------------------------- wider networks (no brute force)


@examples(15)
@given(net=networks(2, (8,)), box=st.none() | boxes(2))
def test_shallow_2d_wide_against_euler(net, box):
    lines = shallow_lines(net)
    ref = ref_count_lines_plane(lines) if box is None else ref_count_lines_box(lines, box)
    methods = ["arrangement", "lp"] + ([] if box is None else ["polygon"])
    got = all_counts(net, box, methods)
    assert set(got.values()) == {ref}, (got, ref)  # equality with Euler's formula


@examples(15)
@given(net=net_any(1, 3, 4, 12), box=st.none() | boxes(1))
def test_1d_deep_wide_against_reference(net, box):
    got = all_counts(net, box, ["oned", "lp"])
    assert set(got.values()) == {ref_count_1d(net, box)}, got  # equality


@examples(10)
@given(net=net_any(2, 3, 4, 10), box=boxes(2))
def test_deep_2d_wide_polygon_lp(net, box):
    got = all_counts(net, box, ["polygon", "lp"])
    assert len(set(got.values())) == 1, got  # equality between the two methods


# ------------------------------------------------- degenerate and near-tie cases by hand

E = F(1, 2**60)  # exact; -4 - 2**-60 would round to -4 in float64


@pytest.mark.parametrize(
    "W, b, domain, expected, why",
    [
        (
            [[[1, 0], [-1, 0]], [[1, 1]], [[1]]],
            [[0, 0], [-1], [0]],
            [(-2, 2), (-2, 2)],
            4,
            "|x| - 1 bends at x = -1, 0, 1: four strips",
        ),
        (
            [[[1, 0]], [[1]], [[1]]],
            [[0], [0], [0]],
            None,
            2,
            "relu(relu(x)) is 0 for x < 0: the second unit adds no line",
        ),
        (
            [[[1, 0], [0, 1]], [[1, -1]], [[1]]],
            [[0, 0], [0], [0]],
            None,
            5,
            "relu(x) - relu(y) cuts only the quadrant x, y > 0 along x = y",
        ),
        (
            [[[1, 0], [0, 1], [-1, 0], [0, -1]], [[1, -1, 1, -1]], [[1]]],
            [[0, 0, 0, 0], [0], [0]],
            [(-1, 1), (-1, 1)],
            8,
            "|x| - |y|: four concurrent lines x = 0, y = 0, y = x, y = -x",
        ),
        (
            [[[1, 0], [0, 1]], [[1, 1]], [[1]]],
            [[0, 0], [-E], [0]],
            [(-1, 1), (-1, 1)],
            7,
            "relu(x) + relu(y) - e: x + y = e, x = e, y = e in three quadrants",
        ),
        (
            [[[1, 0], [0, 1]], [[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]],
            [[2, 2], [-2, -2, -4 - E], [0]],
            [(-1, 1), (-1, 1)],
            7,
            "x = 0, y = 0, x + y = e after an always-active layer: general position",
        ),
        (
            [[[1, 0], [0, 1]], [[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]],
            [[2, 2], [-2, -2, -4], [0]],
            [(-1, 1), (-1, 1)],
            6,
            "x = 0, y = 0, x + y = 0 after an always-active layer: concurrent",
        ),
        (
            [[[1, 1]], [[1]]],
            [[-2], [0]],
            [(-1, 1), (-1, 1)],
            1,
            "x + y = 2 touches the box at a corner only",
        ),
        (
            [[[1, 0], [2, 0], [-1, 0], [0, 0]], [[1, 1, 1, 1]]],
            [[-1, -2, 1, 3], [0]],
            [(-1, 1), (-1, 1)],
            1,
            "x = 1 three times (scaled, negated) on the box side, and a constant unit",
        ),
    ],
)
def test_degenerate_2d_by_hand(W, b, domain, expected, why):
    net = ReLUNetwork(W, b)
    methods = ["lp", "brute"] + (["polygon"] if domain is not None else [])
    methods += ["arrangement"] if net.depth == 1 else []
    got = all_counts(net, domain, methods)
    assert set(got.values()) == {expected}, (why, got)  # equality (hand count)


@pytest.mark.parametrize(
    "W, b, expected, why",
    [
        (
            [[[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], [[1, 1, 1, 1]]],
            [[0, 0, 0, 0], [0]],
            14,
            "4 central planes in general position: n(n-1) + 2",
        ),
        (
            [[[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], [[1, 1, 1, 1]]],
            [[0, 0, 0, -1], [0]],
            15,
            "4 affine planes in general position: 1 + 4 + 6 + 4",
        ),
        (
            [[[1, 0, 0], [1, 0, 0], [1, 0, 0]], [[1, 1, 1]]],
            [[0, -1, 1], [0]],
            4,
            "3 parallel planes",
        ),
        (
            [[[1, 0, 0], [0, 1, 0], [1, 1, 0]], [[1, 1, 1]]],
            [[0, 0, 0], [0]],
            6,
            "3 planes through one line: 6 wedges",
        ),
    ],
)
def test_degenerate_3d_by_hand(W, b, expected, why):
    net = ReLUNetwork(W, b)
    got = all_counts(net, None, ["arrangement", "lp", "brute"])
    assert set(got.values()) == {expected}, (why, got)  # equality (hand count)


# ------------------------------------------ extreme magnitudes (exact values, found here)


@pytest.mark.parametrize(
    "W, b, domain, method, expected, why",
    [
        ([[[1]], [[1]]], [[-1e19], [0]], None, "brute", 2, "one kink at x = 1e19"),
        ([[[1]], [[1]]], [[-1e18], [0]], None, "lp", 2, "one kink at x = 1e18"),
        (
            [[[1e300], [1e-30]], [[1, 1]]],
            [[0, 1], [0]],
            None,
            "brute",
            3,
            "kinks at 0 and -1e30",
        ),
        ([[[1, 1]], [[1]]], [[1e19], [0]], [(-1, 1), (-1, 1)], "polygon", 1, "line far away"),
        pytest.param([[[1]], [[1]]], [[-1e19], [0]], None, "lp", 2, "one kink at x = 1e19"),
        pytest.param(
            [[[1, 0]], [[1]], [[1]]],
            [[-1e19], [0], [0]],
            None,
            "auto",
            2,
            "deep 2-input net on R^2 (auto is lp): one line x = 1e19",
        ),
        pytest.param(
            [[[1, 1]], [[1]]],
            [[1e19], [0]],
            [(-1, 1), (-1, 1)],
            "auto",
            1,
            "shallow on a box (auto is arrangement): the line x + y = -1e19 misses the box",
        ),
        pytest.param(
            [[[2.0**600, 1]], [[1]]],
            [[0], [0]],
            [(-1, 1), (-1, 1)],
            "arrangement",
            2,
            "the line 2^600 x + y = 0 through the centre halves the box",
        ),
        pytest.param(
            [[[5e-324]], [[1]]],
            [[1], [0]],
            None,
            "auto",
            2,
            "one kink at x = -2^1074 (a subnormal weight)",
        ),
        pytest.param(
            [[[1e300], [1e-30]], [[1, 1]]],
            [[0, 1], [0]],
            None,
            "auto",
            3,
            "kinks at 0 and -1e30 (auto is oned)",
        ),
        pytest.param(
            [[[1e300], [1e-30]], [[1, 1]]], [[0, 1], [0]], None, "lp", 3, "kinks at 0 and -1e30"
        ),
    ],
)
def test_extreme_magnitudes_by_hand(W, b, domain, method, expected, why):
    """Exact float64 values far apart in magnitude: a count, no warning, no overflow."""
    net = ReLUNetwork(W, b)
    assert count(net, domain, method) == expected, why  # equality (hand count)


# ------------------------------------------------ linear regions of shallow 2-input nets


def visible_lines(net: ReLUNetwork) -> list[Line]:
    """Lines across which the output map changes.

    Units j on one line, (w_j, b_j) = c_j (w, b): from the side w . x + b < 0 to the other,
    the units with c_j > 0 switch on and those with c_j < 0 switch off, so the output map
    changes by sum_j v_j |c_j| (w . x + b) (v_j: the output column of unit j). The line is
    invisible exactly when sum_j v_j |c_j| = 0, and then along its whole length.
    """
    W, B, V = net.exact_weights[0], net.exact_biases[0], net.exact_weights[1]
    jump: dict[Line, list[F]] = {}
    for j in range(W.shape[0]):
        a, b, c = F(W[j, 0]), F(W[j, 1]), F(B[j])
        if a == 0 and b == 0:
            continue
        lead = a if a != 0 else b
        key = (a / lead, b / lead, c / lead)
        acc = jump.setdefault(key, [F(0)] * V.shape[0])
        for o in range(V.shape[0]):
            acc[o] += F(V[o, j]) * abs(lead)
    return sorted(k for k, v in jump.items() if any(v))


@examples(30)
@given(net=networks(2, (5,)), box=st.none() | boxes(2))
def test_shallow_2d_linear_regions_against_euler(net, box):
    note(f"W={net.exact_weights!r} b={net.exact_biases!r}")
    lines = visible_lines(net)
    ref = ref_count_lines_plane(lines) if box is None else ref_count_lines_box(lines, box)
    methods = ["arrangement", "lp", "brute"] + ([] if box is None else ["polygon"])
    got = {m: count(net, box, m, kind="linear") for m in methods}
    # equality: linear regions are the regions of the arrangement of the visible lines
    assert set(got.values()) == {ref}, (got, ref)


@pytest.mark.parametrize(
    "W, b, V, expected, why",
    [
        ([[1, 1], [-1, -1]], [1, -1], [1, 1], 2, "relu(z) + relu(-z) = |z|: one visible line"),
        ([[1, 1], [-1, -1]], [1, -1], [1, -1], 1, "relu(z) - relu(-z) = z: affine everywhere"),
        ([[1, 1], [2, 2]], [1, 2], [2, -1], 1, "2 relu(z) - relu(2z) = 0"),
        ([[1, 0], [0, 1]], [0, 0], [1, 0], 2, "the unit y has output weight 0"),
    ],
)
def test_shallow_2d_linear_by_hand(W, b, V, expected, why):
    net = ReLUNetwork([W, [V]], [b, [0]])
    assert len(visible_lines(net)) + 1 == expected, why  # equality: the reference itself
    for m in ("arrangement", "lp", "brute"):
        assert count(net, None, m, kind="linear") == expected, (m, why)  # equality (by hand)


NEAR_DEEP = ReLUNetwork(
    [[[0.1], [0.2]], [[-0.1, 0.3], [-0.3, -0.1]], [[0.1, 0.1], [-0.1, -0.1]], [[0.1, 0.1]]],
    [[0.1, 0.2], [0.1, 0.1], [0.1, 0.3], [0.1]],
)


@pytest.mark.parametrize(
    "method",
    [
        "oned",
        "brute",
        "lp",
    ],
)
def test_deep_1d_float_weights(method):
    """Weights 0.1, 0.2, 0.3 over three layers: the integer rows grow past float range."""
    # equality with the independent 1-D reference (kinks at -1, 1 and about 57)
    assert count(NEAR_DEEP, None, method) == ref_count_1d(NEAR_DEEP) == 4


@pytest.mark.parametrize(
    "W, b",
    [
        # lines x + y = -1, x + y = -1/2, 2x + y = -2, x = -1/2: by hand 1 + 4 lines + 4 simple
        # crossings inside the box = 9 (x + y = -1/2 meets 2x + y = -2 at y = 1, outside)
        ([[-2, -2], [-2, -2], [-2, -1], [-2, 0]], [-2, -1, -2, -1]),
        ([[0.1, 0.1], [0.1, 0.1], [0.1, 0.2], [0.3, 0.1]], [0.1, 0.2, 0.3, 0.3]),
    ],
)
def test_shallow_box_regressions(W, b):
    """Cases where an intermediate polygon engine once counted 8 instead of 9."""
    net = ReLUNetwork([W, [[1] * len(W)]], [b, [0]])
    box = [(F(-2), F(1, 2))] * 2
    ref = ref_count_lines_box(shallow_lines(net), box)
    got = all_counts(net, box, ["arrangement", "polygon", "lp", "brute"])
    assert set(got.values()) == {ref}, (got, ref)  # equality with Euler's formula
    if W[0] == [-2, -2]:
        assert ref == 9  # equality (hand count above)
