"""Training: gradients vs torch and finite differences, optimizers, reproducibility, regions."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import datasets
from analysis.networks import ReLUNetwork
from analysis.optimizers import adagrad, adam, ecd, gd, momentum, nesterov, rmsprop, sgd
from analysis.regions import count_regions
from analysis.training import flat_loss, from_flat, loss_and_grad, parameters_flat, train


def _data(loss, n=30, d=3, k=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if loss == "mse":
        return X, rng.normal(size=(n, k))
    if loss == "logistic":
        return X, rng.integers(0, 2, size=(n, 1)).astype(float)
    return X, rng.integers(0, k, size=n)


@pytest.mark.parametrize("loss, k", [("mse", 2), ("logistic", 1), ("cross_entropy", 4)])
@pytest.mark.parametrize("seed", range(3))
def test_gradients_equal_torch_autograd(loss, k, seed):
    torch = pytest.importorskip("torch")
    net = ReLUNetwork.random((3, 5, 4, k), seed=seed)
    X, y = _data(loss, k=k, seed=seed)
    value, grads = loss_and_grad(net, X, y, loss)
    model = net.to_torch()
    out = model(torch.tensor(X))
    if loss == "mse":
        ref = torch.nn.functional.mse_loss(out, torch.tensor(y))
    elif loss == "logistic":
        ref = torch.nn.functional.binary_cross_entropy_with_logits(out, torch.tensor(y))
    else:
        ref = torch.nn.functional.cross_entropy(out, torch.tensor(y))
    ref.backward()
    assert abs(value - ref.item()) <= 1e-12 * max(1.0, abs(value))  # equality to rounding
    lins = [m for m in model if isinstance(m, torch.nn.Linear)]
    for (gW, gb), lin in zip(grads, lins, strict=True):
        np.testing.assert_allclose(gW, lin.weight.grad.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(gb, lin.bias.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("loss, k", [("mse", 2), ("logistic", 1), ("cross_entropy", 3)])
def test_gradients_equal_central_differences(loss, k):
    net = ReLUNetwork.random((3, 6, k), seed=4)
    X, y = _data(loss, k=k, seed=1)
    theta = parameters_flat(net)
    f = flat_loss(net, X, y, loss)
    _, grads = loss_and_grad(net, X, y, loss)
    g = np.concatenate([p.ravel() for gr in grads for p in gr])
    h = 1e-6
    num = np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in np.eye(theta.size)])
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-8)  # a derivative, to O(h^2)


def test_kink_derivative_is_zero_as_in_torch():
    net = ReLUNetwork([[[1.0]], [[1.0]]], [[0.0], [0.0]])  # relu(x), at x = 0 exactly
    _, grads = loss_and_grad(net, np.array([[0.0]]), np.array([[1.0]]))
    assert grads[0][0][0, 0] == 0.0 and grads[0][1][0] == 0.0  # relu'(0) = 0


def test_flat_round_trip():
    net = ReLUNetwork.random((2, 4, 3, 1), seed=0)
    assert from_flat(net, parameters_flat(net)) == net  # equality of every exact weight


def _linear_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    net = ReLUNetwork([np.zeros((1, 3))], [np.zeros(1)])  # an affine map: mse is convex
    return net, X, y


@pytest.mark.parametrize(
    "name, make, batch",
    [
        ("gd", lambda f: gd(0.1), None),
        ("sgd", lambda f: sgd(0.05), 16),
        ("momentum", lambda f: momentum(eta=0.05, gamma=0.8), None),
        ("nesterov", lambda f: nesterov(eta=0.05, gamma=0.8), None),
        ("rmsprop", lambda f: rmsprop(eta=0.01), None),
        ("adam", lambda f: adam(eta=0.05), None),
        ("adagrad", lambda f: adagrad(eta=0.5), None),
        ("ecd", lambda f: ecd(f, 0.05), None),
    ],
)
def test_every_optimizer_reduces_a_convex_loss(name, make, batch):
    net, X, y = _linear_problem()
    res = train(
        net, X, y, make(flat_loss(net, X, y)), steps=200, batch_size=batch, record_every=200
    )
    first, last = res.history["train_loss"][0], res.history["train_loss"][-1]
    assert last < 0.5 * first, (name, first, last)  # empirical: the loss falls


def test_seeded_runs_are_reproducible_bit_for_bit():
    X, y = datasets.moons(80, seed=0)
    net = ReLUNetwork.random((2, 8, 2), seed=0)
    runs = [
        train(
            net,
            X,
            y,
            adam(eta=0.02),
            loss="cross_entropy",
            epochs=5,
            batch_size=16,
            seed=3,
            record_every=5,
        )
        for _ in range(2)
    ]
    assert runs[0].history == runs[1].history  # equality
    assert np.array_equal(parameters_flat(runs[0].net), parameters_flat(runs[1].net))


def test_tracked_regions_equal_count_regions_on_the_checkpoints():
    X, y = datasets.moons(60, seed=1)
    net = ReLUNetwork.random((2, 6, 6, 2), seed=2)
    box = [(-2, 3), (-2, 2)]
    res = train(
        net,
        X,
        y,
        adam(eta=0.05),
        loss="cross_entropy",
        steps=60,
        record_every=20,
        track_regions=True,
        domain=box,
    )
    assert [s for s, _ in res.checkpoints] == res.history["step"] == [0, 20, 40, 60]
    for (_, ck), n, lb in zip(
        res.checkpoints, res.history["regions"], res.history["regions_is_lower_bound"], strict=True
    ):
        assert not lb and n == count_regions(ck, box)  # equality with an independent call
    limited = train(
        net,
        X,
        y,
        adam(eta=0.05),
        loss="cross_entropy",
        steps=10,
        record_every=10,
        track_regions=True,
        domain=box,
        max_regions=5,
    )
    assert all(limited.history["regions_is_lower_bound"])  # marked: a lower bound
    assert all(n > 5 for n in limited.history["regions"])  # lower bound past the limit


def test_accuracy_and_test_loss_are_recorded():
    X, y = datasets.xor(200, seed=0)
    Xtr, ytr, Xte, yte = datasets.train_test_split(X, y, 0.25, seed=0)
    res = train(
        ReLUNetwork.random((2, 16, 2), seed=0),
        Xtr,
        ytr,
        adam(eta=0.05),
        loss="cross_entropy",
        steps=300,
        X_test=Xte,
        y_test=yte,
        record_every=300,
    )
    assert res.history["accuracy"][-1] > 0.9  # empirical: XOR is learnt
    assert res.history["test_loss"][-1] < res.history["test_loss"][0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"steps": 0}, "steps"),
        ({}, "exactly one"),
        ({"steps": 5, "epochs": 2}, "exactly one"),
        ({"steps": 5, "batch_size": 0}, "batch_size"),
        ({"steps": 5, "loss": "hinge"}, "loss"),
    ],
)
def test_bad_arguments(kwargs, match):
    net, X, y = _linear_problem()
    with pytest.raises(ValueError, match=match):
        train(net, X, y, gd(0.1), **kwargs)


def test_datasets_are_seeded_and_noisy_labels_exact():
    a, b = datasets.spirals(100, seed=5), datasets.spirals(100, seed=5)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    y = np.arange(100) % 3
    noisy = datasets.noisy_labels(y, 0.2, seed=0)
    assert int((noisy != y).sum()) == 20  # equality: exactly the rate, each to another class
    X, t = datasets.sawtooth(100, teeth=4)
    assert X.shape == (100, 1) and float(t.min()) >= 0 and float(t.max()) <= 1


def test_digits_from_scikit_learn():
    pytest.importorskip("sklearn")
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and sorted(set(y.tolist())) == list(range(10))


def test_cli_train_writes_its_outputs_and_only_them(tmp_path, capsys):
    from analysis import cli

    out = tmp_path / "run"
    rc = cli.main(
        [
            "train",
            "--data",
            "moons",
            "--widths",
            "2,8,2",
            "--steps",
            "40",
            "--record-every",
            "20",
            "--track-regions",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["history.csv", "history.json", "loss.png", "net.npz", "net.png", "regions.png"]
    import json

    hist = json.loads((out / "history.json").read_text())["history"]
    net = ReLUNetwork.load_npz(out / "net.npz")
    X, _ = datasets.moons(400, seed=0)  # the CLI's data; its box: the data with margin 1/2
    box = [(float(a) - 0.5, float(b) + 0.5) for a, b in zip(X.min(0), X.max(0), strict=True)]
    assert hist["step"] == [0, 20, 40] and net.hidden_widths == (8,)
    assert hist["regions"][-1] == count_regions(net, box)  # equality: the saved final network
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    rc = cli.main(["train", "--steps", "2", "--out", str(tmp_path / "mine")])
    assert rc == 2 and (tmp_path / "mine" / "notes.txt").read_text() == "keep"
    assert "not empty" in capsys.readouterr().err
