"""Slices through high-dimensional inputs: exact restricted networks, counted and drawn."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import boxes, net_any

from analysis import cli
from analysis.networks import ReLUNetwork
from analysis.regions import count_regions, line_through, plane_through, region_graph, restrict
from analysis.regions.graph import connect_polygons
from analysis.regions.methods.polygon import iter_polygons


def _combo(origin, dirs, t):
    return [o + sum(ti * d[i] for ti, d in zip(t, dirs, strict=True)) for i, o in enumerate(origin)]


@pytest.mark.parametrize("seed", range(4))
def test_restricted_network_is_the_network_on_the_slice(seed):
    rng = np.random.default_rng(seed)
    net = ReLUNetwork.random((7, 6, 5, 3), seed=seed)
    a, b, c = rng.normal(size=(3, 7))
    origin, dirs = plane_through(a, b, c)
    s = restrict(net, origin, dirs)
    for _ in range(10):
        t = [Fraction(int(v), 8) for v in rng.integers(-16, 17, size=2)]
        # equality: exact evaluation of the original network at origin + t1 u + t2 v
        assert s.exact_forward(t) == net.exact_forward(_combo(origin, dirs, t))
    for p, t in ((a, (0, 0)), (b, (1, 0)), (c, (0, 1))):
        assert s.exact_forward(list(t)) == net.exact_forward(list(p))  # the points themselves


def test_line_and_plane_helpers_refuse_degenerate_points():
    with pytest.raises(ValueError, match="coincide"):
        line_through([1, 2], [1, 2])
    with pytest.raises(ValueError, match="collinear"):
        plane_through([0, 0, 0], [1, 1, 1], [2, 2, 2])
    with pytest.raises(ValueError, match="linearly dependent"):
        restrict(ReLUNetwork.random((3, 2, 1), seed=0), [0, 0, 0], [[1, 0, 0], [2, 0, 0]])
    with pytest.raises(ValueError, match="coordinates, expected 3"):
        restrict(ReLUNetwork.random((3, 2, 1), seed=0), [0, 0], [[1, 0, 0]])


@settings(max_examples=25, deadline=None)
@given(net=net_any(4, 2, 3, 5), data=st.data())
def test_plane_slice_methods_agree(net, data):
    pts = [[data.draw(st.integers(-2, 2)) for _ in range(4)] for _ in range(3)]
    try:
        origin, dirs = plane_through(*pts)
    except ValueError:
        return  # collinear points: no plane
    s = restrict(net, origin, dirs)
    box = data.draw(boxes(2))
    n = count_regions(s, box, method="polygon")
    assert n == count_regions(s, box, method="lp") == count_regions(s, box, method="brute")


@settings(max_examples=25, deadline=None)
@given(net=net_any(3, 3, 3, 6), data=st.data())
def test_line_slice_methods_agree(net, data):
    a = [data.draw(st.integers(-2, 2)) for _ in range(3)]
    b = [data.draw(st.integers(-2, 2)) for _ in range(3)]
    if a == b:
        return
    s = restrict(net, *line_through(a, b))
    assert count_regions(s, [(-1, 2)], method="oned") == count_regions(s, [(-1, 2)], method="brute")


@settings(max_examples=30, deadline=None)
@given(net=net_any(2, 3, 3, 6), box=boxes(2))
def test_polygon_graph_equals_the_lp_graph(net, box):
    polys = list(iter_polygons(net, box))
    G1 = connect_polygons(net, polys)
    G2 = region_graph(net, box, regions=[p.region for p in polys])

    def edges(G):
        return {frozenset((G.nodes[i]["pattern"], G.nodes[k]["pattern"])) for i, k in G.edges}

    assert edges(G1) == edges(G2)  # equality of the two graphs (two independent methods)


def test_cli_counts_a_saved_torch_model_on_a_plane(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(16, 12),
        torch.nn.ReLU(),
        torch.nn.Linear(12, 8),
        torch.nn.ReLU(),
        torch.nn.Linear(8, 3),
    )
    torch.save(model.state_dict(), tmp_path / "mlp.pt")
    pts = np.random.default_rng(0).normal(size=(3, 16))
    np.save(tmp_path / "pts.npy", pts)
    out = tmp_path / "slice.png"
    rc = cli.main(
        [
            "regions",
            str(tmp_path / "mlp.pt"),
            "--through",
            str(tmp_path / "pts.npy"),
            "--margin",
            "1",
            "--plot",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert rc == 0 and out.stat().st_size > 0
    net = ReLUNetwork.from_torch(model)  # the same model, converted from the module itself
    want = count_regions(restrict(net, *plane_through(*pts)), [(-1, 2), (-1, 2)])
    assert f"regions on the box (-1, 2) x (-1, 2): {want} " in text  # equality


@pytest.mark.parametrize(
    "points, match",
    [
        (np.zeros((4, 16)), "2 or 3 rows"),
        (np.zeros((3, 5)), "coordinates"),
        (np.zeros((3, 16)), "collinear"),
    ],
)
def test_cli_bad_points_exit_2(tmp_path, capsys, points, match):
    np.save(tmp_path / "pts.npy", points)
    net = ReLUNetwork.random((16, 4, 1), seed=0)
    net.save_npz(tmp_path / "net.npz")
    rc = cli.main(["regions", str(tmp_path / "net.npz"), "--through", str(tmp_path / "pts.npy")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and match in err[0]
