"""analysis.regions public API: dispatch, kinds, region graph, limits, executors, bad input."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from fractions import Fraction
from fractions import Fraction as F

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import small_nets as shared_small_nets

from analysis.networks import ReLUNetwork
from analysis.regions import (
    Region,
    RegionLimitExceeded,
    RegionTimeBudgetExceeded,
    count_regions,
    enumerate_regions,
    iter_regions,
    region_graph,
)
from analysis.regions.api import choose_method

X, Y = [1, 0], [0, 1]


def shallow(rows, biases, out=None):
    return ReLUNetwork([rows, [out or [1] * len(rows)]], [biases, [0]])


def random_net(dims, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((dims[i + 1], dims[i])) for i in range(len(dims) - 1)]
    B = [rng.standard_normal(dims[i + 1]) * scale for i in range(len(dims) - 1)]
    return ReLUNetwork(W, B)


def small_nets(d=None):
    """Integer weights in [-2, 2], 1-3 inputs, 1-2 layers of 1-3 units (shared strategy)."""
    return shared_small_nets(d=d, values=[F(v) for v in range(-2, 3)])


SMALL = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ methods agree
@given(small_nets(), st.booleans())
@SMALL
def test_every_applicable_method_agrees(net, on_box):
    dom = [(-2, 2)] * net.input_dim if on_box else None
    counts = {m: count_regions(net, dom, method=m) for m in ("auto", "lp", "brute")}
    if net.input_dim == 1:
        counts["oned"] = count_regions(net, dom, method="oned")
    if net.depth == 1:
        counts["arrangement"] = count_regions(net, dom, method="arrangement")
    assert len(set(counts.values())) == 1, counts  # equality across methods


def test_auto_picks_by_dimension_and_depth():
    assert choose_method(shallow([[1], [2]], [0, 1])) == "oned"
    assert choose_method(shallow([X, Y, [1, 1]], [0, 0, 1])) == "arrangement"
    deep3 = random_net([3, 4, 4, 1], 0)
    assert choose_method(deep3) == "lp"
    assert choose_method(deep3, method="brute") == "brute"


# ------------------------------------------------------------------ regions
def test_enumerated_regions_are_exact_and_checked_against_torch():
    net = random_net([3, 5, 4, 2], 1, scale=0.5)
    regions = enumerate_regions(net, [(-1, 1)] * 3)
    assert all(isinstance(r, Region) for r in regions)
    assert len({r.pattern for r in regions}) == len(regions) == count_regions(net, [(-1, 1)] * 3)
    for r in regions:
        assert net.activation_pattern(r.point) == r.pattern  # equality, exact
        assert r.contains(r.point)  # strict inequalities, exact
        assert list(r.output(r.point)) == net.exact_forward(r.point)  # exact affine piece
    torch = pytest.importorskip("torch")
    layers = []
    for l, (W, B) in enumerate(zip(net.weights, net.biases, strict=True)):
        lin = torch.nn.Linear(W.shape[1], W.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(B))
        layers += [lin] + ([torch.nn.ReLU()] if l < net.depth else [])
    model = torch.nn.Sequential(*layers)
    pts = torch.tensor([[float(v) for v in r.point] for r in regions], dtype=torch.float64)
    jac = [torch.autograd.functional.jacobian(model, p).numpy() for p in pts]
    for r, J in zip(regions, jac, strict=True):
        A = np.array([[float(v) for v in row] for row in r.A])
        assert np.allclose(A, J, rtol=1e-9, atol=1e-12)  # peer library: the local Jacobian


# ------------------------------------------------------------------ kinds
def test_linear_vs_activation_example():
    # relu(x) + 0 * relu(x - 1): three activation regions, but the function is 0 then x
    net = shallow([[1], [1]], [0, -1], out=[1, 0])
    assert count_regions(net, kind="activation") == 3  # equality
    assert count_regions(net, kind="linear") == 2  # equality
    # the same in 2-D through the general engine: x = 0 and x = 1 with the second unit unused
    net2 = ReLUNetwork([[X, X], [[1, 0]]], [[0, -1], [0]])
    assert count_regions(net2, method="lp") == 3
    assert count_regions(net2, kind="linear", method="lp") == 2


def test_linear_merges_only_across_facets():
    # |x| - |x| = 0 everywhere in 1 input, built from two units that cross at 0: one piece
    net = shallow([[1], [-1], [1], [-1]], [0, 0, 0, 0], out=[1, 1, -1, -1])
    assert count_regions(net, method="lp") == 2
    assert count_regions(net, kind="linear", method="lp") == 1


@given(small_nets())
@SMALL
def test_linear_count_at_most_activation_count(net):
    lin = count_regions(net, kind="linear", method="lp")
    assert 1 <= lin <= count_regions(net, method="lp")  # bound


# ------------------------------------------------------------------ region graph
@pytest.mark.parametrize(
    "rows,biases,nodes,edges",
    [
        ([X, Y], [0, 0], 4, 4),  # quadrants: a 4-cycle
        ([X, Y, [1, 1]], [0, 0, 0], 6, 6),  # 6 sectors: a 6-cycle
        ([X, X], [0, -1], 3, 2),  # parallel lines: a path
        ([X, Y, [1, 1]], [0, 0, -1], 7, 9),  # 3 lines in general position: 7 regions, 9 edges
    ],
)
def test_region_graph_hand_counted(rows, biases, nodes, edges):
    G = region_graph(shallow(rows, biases))
    assert (G.number_of_nodes(), G.number_of_edges()) == (nodes, edges)  # equality
    for i, k in G.edges:
        flips = G.edges[i, k]["units"]
        assert len(flips) == 1  # generic facets: exactly one unit flips
        ((l, j),) = flips
        assert G.nodes[i]["pattern"][l][j] != G.nodes[k]["pattern"][l][j]


def test_region_graph_corner_is_not_an_edge():
    # opposite quadrants meet only at the origin: no edge between them
    G = region_graph(shallow([X, Y], [0, 0]))
    by_pattern = {G.nodes[n]["pattern"]: n for n in G.nodes}
    assert not G.has_edge(by_pattern[((True, True),)], by_pattern[((False, False),)])
    assert G.has_edge(by_pattern[((True, True),)], by_pattern[((True, False),)])


def test_region_graph_duplicate_units_flip_together():
    G = region_graph(shallow([X, [2, 0]], [0, 0]))
    assert G.number_of_edges() == 1
    ((i, k),) = G.edges
    assert set(G.edges[i, k]["units"]) == {(0, 0), (0, 1)}


@given(small_nets(d=2))
@SMALL
def test_region_graph_connected_on_a_box(net):
    G = region_graph(net, [(-2, 2), (-2, 2)], method="lp")
    assert G.number_of_nodes() == count_regions(net, [(-2, 2), (-2, 2)], method="brute")
    assert nx.is_connected(G)  # a box is connected, and regions tile it across facets
    # Euler's relation for a polygonal subdivision of a box is not available without
    # vertices; check the handshake bound instead: every region has >= 1 neighbour
    if G.number_of_nodes() > 1:
        assert min(dict(G.degree).values()) >= 1


@given(small_nets(), st.booleans())
@SMALL
def test_region_graph_lookup_agrees_with_pairwise_tests(net, on_box):
    """Facets + pattern lookup vs testing every candidate pair (independent methods)."""
    from analysis.regions.graph import region_graph_pairs

    box = [(-2, 2)] * net.input_dim if on_box else None
    regions = enumerate_regions(net, box, method="brute")
    G = region_graph(net, box, regions=regions)
    H = region_graph_pairs(net, regions)
    assert set(map(frozenset, G.edges)) == set(map(frozenset, H.edges))  # equality
    for i, k in G.edges:
        assert G.edges[i, k]["units"] == H.edges[i, k]["units"]  # equality


@pytest.mark.parametrize(
    "net,edges,units",
    [
        # layer-2 unit relu(x) vanishes on all of x <= 0: it flips with its input across 0
        (ReLUNetwork([[[1]], [[1]], [[1]]], [[0], [0], [0]]), 1, {(0, 0), (1, 0)}),
        # layer-2 unit relu(x) - relu(-x) = x: coincident bent hyperplane, flips too
        (ReLUNetwork([[[1], [-1]], [[1, -1]], [[1]]], [[0, 0], [0], [0]]), 1, None),
        # a dead layer-2 unit (weights 0, bias -1) never flips
        (ReLUNetwork([[[1], [1]], [[0, 0]], [[1]]], [[0, -1], [-1], [0]]), 2, None),
    ],
)
def test_region_graph_deep_degenerate_facets(net, edges, units):
    G = region_graph(net)
    assert G.number_of_edges() == edges  # equality (hand count)
    from analysis.regions.graph import region_graph_pairs

    H = region_graph_pairs(net, [G.nodes[n]["region"] for n in G.nodes])
    assert set(map(frozenset, G.edges)) == set(map(frozenset, H.edges))  # equality
    if units is not None:
        ((i, k),) = G.edges
        assert set(G.edges[i, k]["units"]) == units  # equality
    for i, k in G.edges:  # every flipped unit really differs, and only those
        p1, p2 = G.nodes[i]["pattern"], G.nodes[k]["pattern"]
        diff = {(l, j) for l in range(len(p1)) for j in range(len(p1[l])) if p1[l][j] != p2[l][j]}
        assert set(G.edges[i, k]["units"]) == diff  # equality


def test_region_graph_of_a_subset_is_induced():
    net = shallow([X, Y, [1, 1]], [0, 0, -1])
    full = enumerate_regions(net)
    part = full[:4]
    G = region_graph(net, regions=part)
    H = region_graph(net, regions=full)
    assert set(map(frozenset, G.edges)) == set(map(frozenset, H.subgraph(range(4)).edges))


# ------------------------------------------------------------------ limits and executors
def test_max_regions_raises_with_lower_bound():
    net = random_net([3, 6, 6, 1], 2)
    n = count_regions(net, method="lp")
    with pytest.raises(RegionLimitExceeded) as info:
        count_regions(net, method="lp", max_regions=n // 2)
    assert info.value.lower_bound > n // 2  # a lower bound, strictly above the limit
    assert info.value.lower_bound <= n
    assert count_regions(net, method="lp", max_regions=n) == n  # the limit is inclusive
    with pytest.raises(RegionLimitExceeded):
        list(iter_regions(net, method="lp", max_regions=3))


def test_time_budget_and_progress():
    net = random_net([3, 8, 8, 1], 3)
    with pytest.raises(RegionTimeBudgetExceeded) as info:
        count_regions(net, method="lp", time_budget=1e-4)
    assert info.value.lower_bound >= 0
    seen: list[int] = []
    n = count_regions(net, method="lp", progress=seen.append)
    assert seen and seen == sorted(seen) and seen[-1] <= n  # increasing; a running count


def test_executors_give_identical_counts():
    net = random_net([3, 6, 6, 1], 4, scale=0.5)
    serial = count_regions(net, [(-2, 2)] * 3, method="lp")
    with ThreadPoolExecutor(2) as ex:
        assert count_regions(net, [(-2, 2)] * 3, method="lp", executor=ex) == serial
    with ProcessPoolExecutor(2) as ex:
        assert count_regions(net, [(-2, 2)] * 3, method="lp", executor=ex, chunks=8) == serial
        assert count_regions(net, None, method="lp", executor=ex) == count_regions(net)


def test_dask_executor_if_installed():
    distributed = pytest.importorskip("distributed")
    net = random_net([3, 5, 5, 1], 5, scale=0.5)
    with distributed.Client(processes=False, dashboard_address=None) as client:
        ex = client.get_executor()
        assert count_regions(net, method="lp", executor=ex) == count_regions(net, method="lp")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        ({"domain": [(0, 1)]}, ValueError, "pairs"),
        ({"domain": [(0, 1), (1, 1)]}, ValueError, "empty"),
        ({"domain": [(0, 1), (0, float("nan"))]}, ValueError, "non-finite"),
        ({"kind": "affine"}, ValueError, "kind"),
        ({"method": "magic"}, ValueError, "method"),
        ({"method": "oned"}, ValueError, "1 input"),
        ({"method": "arrangement"}, ValueError, "1 hidden layer"),
        ({"max_regions": -1, "method": "lp"}, ValueError, "max_regions"),
        ({"time_budget": 0, "method": "lp"}, ValueError, "time_budget"),
        ({"colour": "red"}, TypeError, "unknown option"),
    ],
)
def test_bad_input(kwargs, exc, match):
    net = random_net([2, 3, 3, 1], 6)
    with pytest.raises(exc, match=match):
        count_regions(net, **kwargs)


def test_bad_network_and_brute_force_limit():
    with pytest.raises(TypeError, match="ReLUNetwork"):
        count_regions([[1, 2]])
    big = random_net([2, 11, 11, 1], 7)
    with pytest.raises(ValueError, match="max_units"):
        count_regions(big, method="brute")


def test_exact_interior_point_is_a_fraction():
    net = shallow([X, Y], [Fraction(1, 3), 0])
    for r in enumerate_regions(net, method="lp"):
        assert all(isinstance(v, Fraction) for v in r.point)


@pytest.mark.parametrize("seed", range(3))
def test_lp_agrees_with_polygon_and_oned_on_deep_nets(seed):
    rng = np.random.default_rng(seed)
    for d, method in ((2, "polygon"), (1, "oned")):
        pytest.importorskip(
            {
                "polygon": "analysis.regions.methods.polygon.polygons",
                "oned": "analysis.regions.methods.oned.breakpoints",
            }[method]
        )
        dims = [d] + [3] * 6 + [1]
        W = [rng.standard_normal((dims[i + 1], dims[i])) for i in range(len(dims) - 1)]
        B = [rng.standard_normal(dims[i + 1]) * 0.5 for i in range(len(dims) - 1)]
        net = ReLUNetwork(W, B)
        box = [(-2, 2)] * d
        # equality of two independent exact methods on deep networks (no brute force here:
        # 18 units in 6 layers)
        assert count_regions(net, box, method="lp") == count_regions(net, box, method=method)


@given(small_nets(d=1), st.booleans())
@SMALL
def test_linear_kind_graph_merge_vs_1d_breakpoints(net, on_box):
    # kind="linear" by merging facet-adjacent equal maps (region graph) against the 1-D
    # method's own linear count (dropping breakpoints where the slope does not change)
    pytest.importorskip("analysis.regions.methods.oned.breakpoints")
    dom = [(-2, 2)] if on_box else None
    assert count_regions(net, dom, kind="linear", method="lp") == count_regions(
        net, dom, kind="linear", method="oned"
    )  # equality


def test_two_input_graph_from_polygons_equals_the_lp_graph():
    from analysis.regions import region_graph

    net = ReLUNetwork.random((2, 6, 6, 1), seed=4)
    box = [(-1, 1), (-1, 1)]
    a, b = region_graph(net, box), region_graph(net, box, method="lp")

    def edges(G):
        return {frozenset((G.nodes[i]["pattern"], G.nodes[j]["pattern"])) for i, j in G.edges}

    assert edges(a) == edges(b)
    assert all(a.nodes[i]["A"] == a.nodes[i]["region"].A for i in a.nodes)
    assert count_regions(net, box, kind="linear") == count_regions(
        net, box, kind="linear", method="lp"
    )


def test_auto_prefers_subdivision_for_one_layer_on_a_box_with_few_units():
    from analysis.regions.api import choose_method

    box6 = [(-1, 1)] * 6
    net = ReLUNetwork.random((6, 8, 1), seed=0)
    assert choose_method(net, box6, purpose="enumerate") == "lp"
    assert choose_method(net, box6) == "edges"  # counting on a box: the complex
    assert choose_method(net) == "arrangement"  # all of R^6
    wide = ReLUNetwork.random((3, 30, 1), seed=0)
    assert choose_method(wide, [(-1, 1)] * 3, purpose="enumerate") == "lp"
