"""The exact edge-subdivision complex ("edges") against the independent exact engines.

Every count is compared with the LP subdivision (a different algorithm: one exact LP per
split) or brute force; the graph's facets with the LP engine's region graph.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.networks import ReLUNetwork
from analysis.regions import count_regions, region_graph
from analysis.regions.domain import normalize_domain
from analysis.regions.limits import Limits, RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.methods.edges import complex as cxmod
from analysis.regions.methods.edges.cells import build, cell_bits, count_cells, up_edges
from analysis.regions.methods.edges.exact import Degenerate
from analysis.regions.methods.edges.linear import facets
from analysis.regions.methods.edges.method import count_edges


def _complex(net, box):
    return build(net, normalize_domain(box, net.input_dim), Limits())


@pytest.mark.parametrize(
    "sizes", [(2, 8, 8, 1), (3, 6, 6, 1), (4, 8, 1), (3, 5, 4, 3, 1), (5, 4, 4, 2)]
)
@pytest.mark.parametrize("seed", [0, 1])
def test_random_counts_equal_the_lp_engine(sizes, seed):
    net = ReLUNetwork.random(sizes, seed=seed)
    box = [(-1, 1)] * sizes[0]
    cx = _complex(net, box)  # no fallback: the complex itself must give the count
    n = count_cells(*up_edges(cx))
    assert n == count_regions(net, box, method="lp")  # equality, another algorithm
    bits, _ = cell_bits(cx, *up_edges(cx))
    assert len(np.unique(bits, axis=0)) == n  # every cell once, by its own pattern


@pytest.mark.parametrize("sizes", [(2, 6, 5, 2), (3, 5, 4, 1), (3, 4, 4, 4, 2)])
def test_facets_equal_the_region_graph_and_linear_counts_agree(sizes):
    rng = np.random.default_rng(sum(sizes))
    Ws, Bs = [], []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        W = rng.normal(size=(b, a))
        W[rng.random(W.shape) < 0.35] = 0.0  # dead paths: equal maps across some facets
        Ws.append(W)
        Bs.append(rng.normal(size=b) * 0.4)
    net = ReLUNetwork(Ws, Bs)
    box = [(-1, 1)] * sizes[0]
    cells, lo, hi, _units = facets(_complex(net, box))
    G = region_graph(net, box, method="lp")
    assert len(cells) == G.number_of_nodes()
    assert len(lo) == G.number_of_edges()
    lin = count_regions(net, box, kind="linear", method="edges")
    assert lin == count_regions(net, box, kind="linear", method="lp")
    assert lin <= len(cells)


def test_the_region_graph_from_the_complex_equals_the_lp_engines():
    import pickle

    net = ReLUNetwork.random((3, 5, 4, 2), seed=4)
    box = [(-1, 1)] * 3
    G = region_graph(net, box)  # auto: from the complex
    H = region_graph(net, box, method="lp")  # enumerated regions, one LP per facet

    def facets_of(g):
        return sorted(
            (tuple(sorted((g.nodes[a]["pattern"], g.nodes[b]["pattern"]))), g.edges[a, b]["units"])
            for a, b in g.edges
        )

    assert facets_of(G) == facets_of(H)  # equality: the same facets between the same regions
    by_pattern = {H.nodes[i]["pattern"]: H.nodes[i] for i in H}
    for i in G:
        node = G.nodes[i]
        ref = by_pattern[node["pattern"]]
        assert (node["A"], node["c"]) == (ref["A"], ref["c"])  # exact maps, read lazily
        assert node["region"].contains(node["point"])  # an exact interior point
    fresh = region_graph(net, box)  # nothing read yet
    copy = pickle.loads(pickle.dumps(fresh)).copy()
    assert "A" not in dict(copy.nodes[0])  # still lazy after a pickle and a copy
    assert copy.nodes[0]["A"] == G.nodes[0]["A"]  # and computed on first read
    sub = fresh.subgraph([0, 1]).copy()
    assert sub.nodes[1]["c"] == G.nodes[1]["c"]


def test_zero_output_weight_merges_regions():
    """relu(x) + 0 relu(y): the y-kink is not a linear-region boundary."""
    net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 0]]], [[0.25, 0.5], [0]])
    box = [(-1, 1), (-1, 1)]
    assert count_regions(net, box, method="edges") == 4
    assert count_regions(net, box, kind="linear", method="edges") == 2


def test_output_maps_equal_by_cancellation_are_decided_exactly(monkeypatch):
    """relu(a) - relu(b) with parallel a, b: where both are active the output does not see
    the first layer's kinks (a sum that cancels exactly, which floats cannot certify)."""
    from analysis.regions.methods.edges import linear

    calls = []
    original = linear._exact_zero
    monkeypatch.setattr(
        linear,
        "_exact_zero",
        lambda *a: calls.append(a) or original(*a),  # noqa: B023
    )
    net = ReLUNetwork(
        [[[1, 0.5], [-0.25, 1]], [[1, 2], [1, 2]], [[1, -1]]],
        [[0.125, -0.0625], [-0.5, -0.75], [0]],
    )
    box = [(-1, 1), (-1, 1)]
    lin = count_regions(net, box, kind="linear", method="edges")
    assert lin == count_regions(net, box, kind="linear", method="lp")  # equality
    assert lin < count_regions(net, box, method="edges")  # some facets merge
    assert calls  # the exact path decided them


def test_degenerate_arrangements_fall_back_and_stay_exact():
    """Integer weights put vertices exactly on zero sets; the count must still be right."""
    rng = np.random.default_rng(7)
    fell = 0
    for _ in range(40):
        d = int(rng.integers(2, 4))
        sizes = [d, int(rng.integers(2, 5)), int(rng.integers(1, 4)), 1]
        Ws = [rng.integers(-2, 3, (b, a)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        Bs = [rng.integers(-1, 2, b) for b in sizes[1:]]
        net = ReLUNetwork([W.tolist() for W in Ws], [B.tolist() for B in Bs])
        box = [(-1, 1)] * d
        try:
            _complex(net, box)
        except Degenerate:
            fell += 1
        got = count_regions(net, box, method="edges")
        assert got == count_regions(net, box, method="brute")  # equality, every pattern
    assert fell > 0  # the fallback was exercised


def test_near_ties_are_decided_exactly(monkeypatch):
    """Weights 1e-15 away from a degenerate arrangement: the floats cannot decide, the
    exact rationals do, and the count equals the LP engine's."""
    calls = []
    original = cxmod.Complex._decide

    def spy(self, *args):
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(cxmod.Complex, "_decide", spy)
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(60):
        sizes = [2, 4, 3, 1]
        Ws, Bs = [], []
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            Ws.append(rng.integers(-2, 3, (b, a)) + rng.choice([0, 1e-15, -1e-15], (b, a)))
            Bs.append(rng.integers(-2, 3, b) + rng.choice([0, 1e-15, -3e-16], b))
        net = ReLUNetwork(Ws, Bs)
        box = [(-1, 1), (-1, 1)]
        try:
            cx = _complex(net, box)
        except Degenerate:
            continue
        assert count_cells(*up_edges(cx)) == count_regions(net, box, method="lp")
        checked += 1
    assert checked > 10 and len(calls) > 0


def test_boxes_that_are_not_floats_and_values_that_overflow():
    net = ReLUNetwork.random((3, 5, 5, 1), seed=2)
    box = [("-1/3", "2/3"), (-1, "1/7"), ("-5/11", 1)]
    assert count_regions(net, box, method="edges") == count_regions(net, box, method="lp")
    big = ReLUNetwork(
        [[[1e300, 1e300], [1, -1]], [[1e300, 1], [1, 1]], [[1, 1]]], [[0, 0.1], [0, 0], [0]]
    )
    sq = [(-1, 1), (-1, 1)]
    assert count_regions(big, sq, method="edges") == count_regions(big, sq, method="lp")


def test_limits_hold():
    net = ReLUNetwork.random((4, 16, 16, 1), seed=0)
    box = [(-1, 1)] * 4
    with pytest.raises(RegionLimitExceeded) as err:
        count_regions(net, box, method="edges", max_regions=500)
    assert 500 < err.value.lower_bound <= count_regions(net, box, method="edges")
    with pytest.raises(RegionTimeBudgetExceeded):
        count_regions(
            ReLUNetwork.random((5, 32, 32, 32, 1), seed=0),
            [(-1, 1)] * 5,
            method="edges",
            time_budget=0.05,
        )


def test_edges_needs_a_box_and_two_inputs():
    with pytest.raises(ValueError, match="box"):
        count_regions(ReLUNetwork.random((2, 3, 1), seed=0), None, method="edges")
    with pytest.raises(ValueError, match="2 inputs"):
        count_regions(ReLUNetwork.random((1, 3, 1), seed=0), [(-1, 1)], method="edges")
    wide = ReLUNetwork.random((40, 3, 1), seed=0)  # 2^40 box corners: not this method
    with pytest.raises(ValueError, match="2\\^d corners"):
        count_regions(wide, [(-1, 1)] * 40, method="edges")
    from analysis.regions.api import choose_method

    assert choose_method(wide, [(-1, 1)] * 40) != "edges"
    assert count_edges(ReLUNetwork.random((3, 4, 1), seed=1), [(0, 1)] * 3) == count_edges(
        ReLUNetwork.random((3, 4, 1), seed=1), [(0, 1)] * 3, fallback_only=True
    )


@settings(max_examples=40, deadline=None)
@given(
    d=st.integers(2, 4),
    widths=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    seed=st.integers(0, 10**6),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_property_equal_to_lp(d, widths, seed, scale):
    net = ReLUNetwork.random((d, *widths, 1), seed=seed)
    box = [(-scale, scale)] * d
    assert count_regions(net, box, method="edges") == count_regions(net, box, method="lp")
