"""Decision boundaries counted exactly: hand-made cases and invariances."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from strategies import boxes, net_any

from analysis.networks import ReLUNetwork
from analysis.regions import count_boundary_pieces, decision_boundary

BOX = [(-1, 1), (-1, 1)]


def test_xor_network_has_two_parallel_pieces():
    # h1 = relu(x + y), h2 = relu(x + y - 1); f = h1 - 2 h2 - 1/2 is 0 on x + y = 1/2 and 3/2
    net = ReLUNetwork([[[1, 1], [1, 1]], [[1, -2]]], [[0, -1], ["-1/2"]])
    b = decision_boundary(net, [(0, 1), (0, 1)])
    assert b.n_pieces == 2  # equality, hand-counted
    assert sorted(p.hyperplane for p in b.pieces) == [((2, 2), -3), ((2, 2), -1)]
    assert b.regions_crossed == 2  # one piece inside each of two regions


def test_parallel_boundaries_are_separate_pieces():
    # f = relu(x) + relu(-x) - 1/2 = |x| - 1/2: two parallel lines x = +-1/2
    net = ReLUNetwork([[[1, 0], [-1, 0]], [[1, 1]]], [[0, 0], ["-1/2"]])
    b = decision_boundary(net, BOX)
    assert b.n_pieces == 2 and {p.hyperplane for p in b.pieces} == {((2, 0), -1), ((2, 0), 1)}


def test_boundary_along_a_region_facet_is_one_piece():
    # f = relu(x) - relu(-x) = x: the boundary x = 0 is the facet between the two regions
    net = ReLUNetwork([[[1, 0], [-1, 0]], [[1, -1]]], [[0, 0], [0]])
    b = decision_boundary(net, BOX)
    assert b.n_pieces == 1 and b.regions_crossed == 0  # along the facet, crossing none
    (piece,) = b.pieces
    assert piece.ends == ((F(0), F(-1)), (F(0), F(1)))  # the whole facet, exactly


def test_a_bent_boundary_has_a_piece_per_hyperplane():
    # f = relu(x) + |y| - 5/4: y = +-5/4 for x < 0, x + |y| = 5/4 for x > 0
    net = ReLUNetwork([[[1, 0], [0, 1], [0, -1]], [[1, 1, 1]]], [[0, 0, 0], ["-5/4"]])
    b = decision_boundary(net, [(-2, 2), (-2, 2)])
    assert b.n_pieces == 4  # equality: four segments on four lines
    assert len({p.hyperplane for p in b.pieces}) == 4


def test_argmax_boundary_of_three_outputs():
    # outputs x, y, 0: the argmax boundary is three rays from the origin
    net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 0], [0, 1], [0, 0]]], [[0, 0], [0, 0, 0]])
    net = ReLUNetwork(
        [[[1, 0], [-1, 0], [0, 1], [0, -1]], [[1, -1, 0, 0], [0, 0, 1, -1], [0, 0, 0, 0]]],
        [[0, 0, 0, 0], [0, 0, 0]],
    )  # outputs x, y, 0 exactly (as relu pairs)
    b = decision_boundary(net, BOX)
    assert b.n_pieces == 3  # x = y >= 0, x = 0 >= y, y = 0 >= x
    assert {p.outputs for p in b.pieces} == {(0, 1), (0, 2), (1, 2)}


def test_one_input_boundary_points():
    net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [-1]])  # |x| - 1
    b = decision_boundary(net)
    assert [p.ends[0][0] for p in b.pieces] == [F(-1), F(1)]  # equality: the two zeros
    assert count_boundary_pieces(net, [(0, 2)]) == 1


def test_a_degenerate_arrangement_in_three_inputs_is_a_clear_error():
    # |x| with both units on the plane x = 0: coincident zero sets, not a simple arrangement
    absx = ReLUNetwork([[[1, 0, 0], [-1, 0, 0]], [[1, 1]]], [[0, 0], ["-1/2"]])
    with pytest.raises(ValueError, match="simple arrangement.*zero set"):
        decision_boundary(absx, [(-1, 1)] * 3)


@settings(max_examples=25, deadline=None)
@given(net=net_any(2, 2, 3, 5), box=boxes(2))
def test_boundary_invariant_under_positive_scaling_and_sign(net, box):
    b = decision_boundary(net, box)
    W, B = list(net.exact_weights), list(net.exact_biases)
    for s in (F(2), F(-1, 3)):  # f -> s f has the same zero set
        scaled = ReLUNetwork([*W[:-1], W[-1] * s], [*B[:-1], B[-1] * s])
        assert decision_boundary(scaled, box).pieces == b.pieces  # equality of exact pieces


# ------------------------------------------------------------------ 3 or more inputs
def _extruded(net2: ReLUNetwork, extra: int) -> ReLUNetwork:
    """The same network with ``extra`` inputs it ignores (zero weights)."""
    W = [[list(map(F, row)) + [F(0)] * extra for row in net2.exact_weights[0]]]
    return ReLUNetwork(W + list(net2.exact_weights[1:]), list(net2.exact_biases))


@pytest.mark.parametrize("outputs", [1, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_three_inputs_ignoring_one_equal_the_polygon_method(outputs, seed):
    """Extruded along x3, each 2-D piece becomes one 3-D piece: the n-D engine (the complex)
    must agree with the 2-D one (exact polygons), an independent algorithm."""
    net2 = ReLUNetwork.random((2, 6, 5, outputs), seed=seed)
    ref = decision_boundary(net2, BOX)
    got = decision_boundary(_extruded(net2, 1), [*BOX, ("-1/3", "1/2")])
    assert (got.n_pieces, got.regions_crossed, got.n_regions) == (
        ref.n_pieces,
        ref.regions_crossed,
        ref.n_regions,
    )
    assert sorted(p.outputs for p in got.pieces) == sorted(p.outputs for p in ref.pieces)
    assert sorted(p.hyperplane[0][:2] for p in got.pieces) == sorted(
        p.hyperplane[0] for p in ref.pieces
    )


def test_three_input_hand_made_cases():
    box3 = [(-1, 1)] * 3
    # relu(x - 1/2) + relu(-x - 1/2) - 1/8: the parallel planes x = +-5/8
    wedge = ReLUNetwork([[[1, 0, 0], [-1, 0, 0]], [[1, 1]]], [["-1/2", "-1/2"], ["-1/8"]])
    b = decision_boundary(wedge, box3)
    assert b.n_pieces == 2 and b.regions_crossed == 2 and b.n_regions == 3  # hand-counted
    assert {p.hyperplane for p in b.pieces} == {((8, 0, 0), -5), ((8, 0, 0), 5)}
    # relu(x + y + z) - 1/2: one plane inside the active region
    plane = ReLUNetwork([[[1, 1, 1]], [[1]]], [[0], ["-1/2"]])
    b = decision_boundary(plane, box3)
    assert b.n_pieces == 1 and b.regions_crossed == 1
    assert b.pieces[0].hyperplane == ((2, 2, 2), -1)
    # u = relu(x), v = relu(y + 2) = y + 2; f = relu(u + v) - relu(u - v + 4) - 1/4
    # = 2 y - 1/4: the plane
    # y = 1/8 crosses the kink x = 0 unbent (the derivative in u cancels exactly): one piece
    flat = ReLUNetwork(
        [[[1, 0, 0], [0, 1, 0]], [[1, 1], [1, -1]], [[1, -1]]],
        [[0, 2], [0, 4], ["-1/4"]],
    )
    b = decision_boundary(flat, box3)
    assert b.n_pieces == 1 and b.regions_crossed == 2


def test_three_inputs_need_a_box():
    with pytest.raises(ValueError, match="box"):
        decision_boundary(ReLUNetwork.random((3, 4, 1), seed=0))
