"""The training experiments, each against an independent computation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from analysis import datasets
from analysis.experiments import (
    best_shallow_sawtooth_error,
    interpolation_errors,
    regions_at_init,
    regions_during_training,
    sawtooth_network,
    sgd_generalisation,
    shallow_vs_deep,
)
from analysis.experiments.generalisation import matched_shallow_width
from analysis.experiments.regions_training import loglog_slope, widths_for
from analysis.networks import ReLUNetwork
from analysis.regions import count_regions
from analysis.regions.sampling import sampled_pattern_count


def test_widths_for_splits_neurons_and_refuses_uneven_splits():
    assert widths_for(1, 3, 24) == (1, 8, 8, 8, 1)
    with pytest.raises(ValueError, match="equal layers"):
        widths_for(1, 3, 10)


def test_regions_at_init_are_exact_counts_of_the_seeded_networks():
    rows = regions_at_init(depths=(2,), neurons=(8,), seeds=(3,), input_dim=2)
    (r,) = rows
    net = ReLUNetwork.random(r["widths"], seed=3)
    box = [(-3.0, 3.0)] * 2
    assert r["regions"] == count_regions(net, box, method="lp")  # another exact method
    assert r["regions"] >= sampled_pattern_count(net, box, n_samples=20000, seed=0)


def test_counts_grow_like_n_in_one_dimension():
    rows = regions_at_init(depths=(1,), neurons=(16, 64), seeds=(0, 1), input_dim=1)
    m = [np.mean([r["regions"] for r in rows if r["neurons"] == n]) - 1 for n in (16, 64)]
    assert 0.7 <= loglog_slope((16, 64), m) <= 1.3  # empirical (Hanin & Rolnick)


def test_tracked_counts_equal_counts_of_the_checkpoints():
    X, y = datasets.sine(50)
    r = regions_during_training((1, 6, 6, 1), X, y, steps=40, record_every=20)
    box = [(-3.0, 3.0)]
    for (_step, net), count in zip(r["result"].checkpoints, r["regions"], strict=True):
        assert count == count_regions(net, box, method="brute")


def test_sawtooth_network_is_the_sawtooth():
    for K in range(5):
        net = sawtooth_network(K)
        X, y = datasets.sawtooth(500, teeth=2**K)
        assert np.allclose(net.forward(X), y, atol=1e-12)
        assert net.exact_forward([Fraction(1, 2 ** (K + 1))]) == [1]  # the first peak
        assert count_regions(net, [(0, 1)], kind="linear") == 2 ** (K + 1)
    with pytest.raises(ValueError):
        sawtooth_network(-1)


@pytest.mark.parametrize("K", [1, 2, 3])
def test_shallow_sawtooth_bounds(K):
    assert best_shallow_sawtooth_error(K, 2**K - 1) >= 0.5 - 1e-9  # lower bound (theorem)
    assert best_shallow_sawtooth_error(K, 2 ** (K + 1) - 1) <= 1e-9  # exact fit


def test_interpolation_errors_lie_between_the_derived_bounds():
    for r in interpolation_errors((8, 32, 128), "gaussian"):
        assert r["lower"] <= r["error"] <= r["upper"] * (1 + 1e-12)
    with pytest.raises(ValueError, match="unknown target"):
        interpolation_errors((4,), "nope")


def test_shallow_vs_deep_matches_parameters_and_is_reproducible():
    assert matched_shallow_width((2, 8, 8, 8, 1)) == 44
    a = shallow_vs_deep("sawtooth", seeds=(0, 1), steps=30, record_every=10)
    b = shallow_vs_deep("sawtooth", seeds=(0, 1), steps=30, record_every=10)
    assert a["parameters"]["deep"] == a["parameters"]["shallow"] == 169
    assert a["deep"]["final_test"] == b["deep"]["final_test"]  # bit for bit
    assert len(a["deep"]["test_loss"]) == 2 and a["steps"] == [0, 10, 20, 30]
    with pytest.raises(ValueError, match="unknown task"):
        shallow_vs_deep("nope")


def test_sgd_generalisation_runs_every_batch_size_and_records_per_epoch():
    g = sgd_generalisation(batch_sizes=(None, 10), epochs=5, seeds=(0,), n=40, hidden=(8,))
    assert set(g["runs"]) == {"GD", "SGD B=10"}
    for v in g["runs"].values():
        assert len(v["test_error"][0]) == 6  # epochs 0..5
        assert 0 <= v["best_epoch"][0] <= 5
        assert v["best_error"][0] == v["test_error"][0][v["best_epoch"][0]]


def test_digits_mlp_reaches_95_percent_and_counts_its_plane():
    pytest.importorskip("sklearn", reason="digits() needs the [data] extra (scikit-learn)")
    from analysis.experiments import digits_mlp

    r = digits_mlp(epochs=20)
    assert r["test_accuracy"] >= 0.95
    assert r["regions"] >= sampled_pattern_count(r["plane"], r["domain"], n_samples=20000, seed=1)
    with pytest.raises(ValueError, match="three classes"):
        digits_mlp(classes=(0, 1))
