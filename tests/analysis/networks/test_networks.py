"""ReLUNetwork constructors and adapters: exact round-trips, peers, and clear errors."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.constructions import max_regions_network
from analysis.networks import ReLUNetwork, from_flax, from_json, load_npz, random_network, to_json
from theory.networks import parameter_count

WIDTHS = [(1, 3, 1), (2, 4, 4, 1), (3, 5, 2), (4, 1, 1, 1, 3), (2, 2)]


def _rational_net() -> ReLUNetwork:
    return ReLUNetwork(
        [[["1/3", 2], [Fraction(-5, 7), 0.1]], [["1/1000000007", 3]]],
        [["-2/9", 0], ["7/11"]],
    )


# ---------------------------------------------------------------------------- random


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("init", ["he", "glorot"])
def test_random_shapes_and_seed(widths, init):
    net = ReLUNetwork.random(widths, init=init, seed=5)
    assert (net.input_dim, *net.hidden_widths, net.output_dim) == widths  # claim: equality
    assert net == ReLUNetwork.random(widths, init=init, seed=5)  # claim: same seed, same net
    assert net != ReLUNetwork.random(widths, init=init, seed=6)
    assert net.n_parameters == parameter_count(widths[1:-1], widths[0], widths[-1])


@pytest.mark.parametrize(("init", "n_in", "n_out"), [("he", 200, 300), ("glorot", 100, 300)])
def test_random_variance(init, n_in, n_out):
    net = random_network((n_in, n_out, 1), init=init, seed=0, bias_scale=0.0)
    var = 2 / n_in if init == "he" else 2 / (n_in + n_out)
    # claim: asymptote -- the sample variance of 60,000 draws is within 3% of the target
    assert net.weights[0].var() == pytest.approx(var, rel=0.03)
    assert not np.any(net.biases[0])  # claim: equality, bias_scale = 0 gives zero biases


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"widths": (3,)}, "widths"),
        ({"widths": (2, 0, 1)}, r"widths\[1\]"),
        ({"widths": (2, 2.5, 1)}, r"widths\[1\]"),
        ({"widths": (2, 3, 1), "init": "lecun"}, "init"),
        ({"widths": (2, 3, 1), "bias_scale": -1.0}, "bias_scale"),
    ],
)
def test_random_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        random_network(**kwargs)


# ---------------------------------------------------------------------------- JSON and npz


@pytest.mark.parametrize("widths", WIDTHS)
def test_json_round_trip_float(widths):
    net = ReLUNetwork.random(widths, seed=1)
    back = ReLUNetwork.from_json(net.to_json())
    assert back == net and back.is_float_exact  # claim: exact equality of every weight


def test_json_round_trip_rationals():
    net = _rational_net()
    text = net.to_json(indent=1)
    doc = json.loads(text)
    assert doc["weights"][0][0][0] == "1/3"  # claim: equality, rationals stored as "p/q"
    assert Fraction(doc["weights"][0][1][1]) == Fraction(0.1)  # a float is its exact rational
    assert from_json(doc) == net  # claim: exact equality


def test_json_round_trip_construction():
    net = max_regions_network([3, 5, 4])
    assert from_json(to_json(net)) == net  # claim: exact equality


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ('{"weights": [[[1]]]}', "biases"),
        ('{"format": "other", "weights": [[[1]]], "biases": [[0]]}', "format"),
        ('{"weights": [[[1, 2], [3]]], "biases": [[0, 0]]}', "layer 0"),
        ('{"weights": [[["x"]]], "biases": [[0]]}', "layer 0 weights"),
        ('{"weights": [[[true]]], "biases": [[0]]}', "layer 0 weights"),
        ('{"weights": [[[1]], [[1, 1]]], "biases": [[0], [0]]}', "layer 1"),
        ('{"weights": [[[1]]], "biases": [[0, 1]]}', "layer 0"),
    ],
)
def test_json_bad_input(doc, match):
    with pytest.raises((ValueError, TypeError), match=match):
        from_json(doc)


@pytest.mark.parametrize("net_fn", [lambda: ReLUNetwork.random((3, 4, 2), seed=2), _rational_net])
def test_npz_round_trip(tmp_path, net_fn):
    net = net_fn()
    path = tmp_path / "net.npz"
    net.save_npz(path)
    assert ReLUNetwork.load_npz(path) == net  # claim: exact equality of every weight


def test_npz_refuses_pickle(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, n_layers=np.array(1), weight_0=np.array([[object()]], dtype=object))
    with pytest.raises(ValueError, match="pickle"):
        load_npz(path)


def test_npz_missing_arrays(tmp_path):
    path = tmp_path / "partial.npz"
    np.savez(path, n_layers=np.array(2), weight_0=np.ones((2, 1)), bias_0=np.zeros(2))
    with pytest.raises(ValueError, match="layer 1"):
        load_npz(path)
    np.savez(path, something=np.ones(3))
    with pytest.raises(ValueError, match="n_layers"):
        load_npz(path)


def test_npz_non_finite(tmp_path):
    path = tmp_path / "nan.npz"
    np.savez(path, n_layers=np.array(1), weight_0=np.array([[np.nan]]), bias_0=np.zeros(1))
    with pytest.raises(ValueError, match="layer 0 weights"):
        load_npz(path)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4), st.integers(0, 2**20))
def test_round_trips_property(widths, seed):
    net = random_network(widths, seed=seed, bias_scale=1.0)
    assert from_json(to_json(net)) == net  # claim: exact equality


# ---------------------------------------------------------------------------- torch


@pytest.mark.parametrize("widths", WIDTHS)
def test_torch_round_trip_and_forward(widths):
    torch = pytest.importorskip("torch")
    net = ReLUNetwork.random(widths, seed=3, bias_scale=0.5)
    model = net.to_torch()
    assert ReLUNetwork.from_torch(model) == net  # claim: exact equality of every weight
    x = np.random.default_rng(0).normal(size=(16, widths[0]))
    with torch.no_grad():
        y = model(torch.as_tensor(x)).numpy()
    # claim: equality up to float64 summation order (peer library)
    np.testing.assert_allclose(y, net.forward(x), rtol=1e-12, atol=1e-12)
    assert net.n_parameters == sum(p.numel() for p in model.parameters())  # claim: equality


def test_from_torch_float32_exact():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Sequential(torch.nn.Linear(3, 1))
    )
    net = ReLUNetwork.from_torch(model)
    w = model[0].weight.detach().numpy()
    # claim: equality -- every float32 weight becomes its exact rational value
    assert all(
        Fraction(float(a)) == b
        for a, b in zip(w.ravel(), net.exact_weights[0].ravel(), strict=True)
    )
    assert net.hidden_widths == (3,)


def test_from_torch_no_bias():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 2, bias=False), torch.nn.ReLU(), torch.nn.Linear(2, 1)
    )
    assert not any(ReLUNetwork.from_torch(model).exact_biases[0])  # claim: zero biases


def _bad_models():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    return [
        (nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1)), r"module 1 \(Sigmoid\)"),
        (
            nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1)),
            r"module 1 \(BatchNorm1d\) is in training mode",
        ),
        (nn.Sequential(nn.ReLU(), nn.Linear(2, 1)), r"module 0 \(ReLU\)"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.ReLU(), nn.Linear(3, 1)), "module 2"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU()), "module 1"),
        (nn.Sequential(), "empty"),
        (nn.Linear(2, 1), "Sequential"),
    ]


@pytest.mark.parametrize("case", range(7))
def test_from_torch_bad_models(case):
    model, match = _bad_models()[case]
    with pytest.raises((ValueError, TypeError), match=match):
        ReLUNetwork.from_torch(model)


def test_from_torch_nan():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    with torch.no_grad():
        model[2].bias.fill_(float("nan"))
    with pytest.raises(ValueError, match=r"module 2 \(Linear\) bias: non-finite"):
        ReLUNetwork.from_torch(model)


# ---------------------------------------------------------------------------- flax


def _flax_tree(net: ReLUNetwork, dtype=np.float64) -> dict:
    return {
        "params": {
            f"Dense_{l}": {
                "kernel": np.asarray(W.T, dtype=dtype),
                "bias": np.asarray(B, dtype=dtype),
            }
            for l, (W, B) in enumerate(zip(net.weights, net.biases, strict=True))
        }
    }


def test_from_flax_round_trip_and_order():
    net = ReLUNetwork.random((2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1), seed=4)  # Dense_0..Dense_11
    back = ReLUNetwork.from_flax(_flax_tree(net))
    assert back == net  # claim: exact equality (numeric order, Dense_10 after Dense_9)


def test_from_flax_forward_by_hand():
    rng = np.random.default_rng(9)
    k0, b0 = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    k1, b1 = rng.normal(size=(4, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)
    tree = {"Dense_0": {"kernel": k0, "bias": b0}, "Dense_1": {"kernel": k1, "bias": b1}}
    net = from_flax(tree)
    x = rng.normal(size=(5, 3))
    by_hand = np.maximum(x @ k0.astype(np.float64) + b0, 0) @ k1.astype(np.float64) + b1
    np.testing.assert_allclose(net.forward(x), by_hand, rtol=1e-12)  # claim: equality (flax x @ k)


@pytest.mark.parametrize(
    ("tree", "match"),
    [
        ({"params": {}}, "no layers"),
        ({"Dense_0": {"bias": [0.0]}}, "kernel"),
        ({"Dense_0": {"kernel": [1.0], "bias": [0.0]}}, "2-D"),
        ({"Dense_0": {"kernel": [[1.0]]}, "Head": {"kernel": [[1.0]]}}, "suffix"),
        ({"Dense_0": {"kernel": [[1.0, 2.0]]}, "Dense_1": {"kernel": [[1.0]]}}, "layer 1"),
        ([1, 2], "mapping"),
    ],
)
def test_from_flax_bad_input(tree, match):
    with pytest.raises((ValueError, TypeError), match=match):
        from_flax(tree)


# ---------------------------------------------------------------------------- core validation


@pytest.mark.parametrize(
    ("weights", "biases", "match"),
    [
        ([[[1.0, np.nan]]], [[0.0]], "layer 0 weights"),
        ([[[1.0]], [[np.inf]]], [[0.0], [0.0]], "layer 1 weights"),
        ([np.zeros((0, 2)), np.zeros((1, 0))], [np.zeros(0), np.zeros(1)], "layer 0: empty"),
        ([[[1.0, 2.0]], [[1.0, 2.0]]], [[0.0], [0.0]], "layer 1"),
        ([[[1.0]]], [[0.0, 1.0]], "layer 0"),
        ([], [], "at least one layer"),
    ],
)
def test_bad_networks_raise(weights, biases, match):
    with pytest.raises(ValueError, match=match):
        ReLUNetwork(weights, biases)
