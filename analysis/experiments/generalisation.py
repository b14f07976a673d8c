"""Shallow vs deep at one parameter budget, and GD vs mini-batch SGD under label noise.

The lecture says moderately deep networks are easier to train and seem to generalise better
than shallow ones, and that SGD's noise works as a regulariser that prevents overfitting
(Bishop 1995). These functions measure both over several seeds and return the curves, so a
report can show what is found -- including where it does not hold.

>>> matched_shallow_width((1, 8, 8, 8, 1))
56
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis import datasets
from analysis.networks import ReLUNetwork
from analysis.optimizers import adam, sgd
from analysis.training import train

__all__ = ["matched_shallow_width", "task_data", "shallow_vs_deep", "sgd_generalisation"]


def _n_params(widths: Sequence[int]) -> int:
    return sum((a + 1) * b for a, b in zip(widths, widths[1:], strict=False))


def matched_shallow_width(deep_widths: Sequence[int]) -> int:
    """The width D_s of the shallow ``D_i-D_s-D_o`` net with the parameters nearest the deep one.

    A shallow network has (D_i + 1) D_s + (D_s + 1) D_o parameters.
    """
    d_in, d_out = deep_widths[0], deep_widths[-1]
    return max(1, round((_n_params(deep_widths) - d_out) / (d_in + 1 + d_out)))


def task_data(task: str, seed: int = 0) -> dict[str, Any]:
    """Train and test data of a named task: ``"sine"``, ``"sawtooth"`` (1-D) or ``"moons"``.

    ``sine``: two periods of a sine, 48 noisy training points (noise 0.1), tested on a clean
    grid of 512. ``sawtooth``: 4 teeth on [0, 1], 64 points, tested on a grid. ``moons``: 300
    points (noise 0.25), a quarter held out.
    """
    rng = np.random.default_rng(seed)
    if task == "sine":
        X, y = datasets.sine(48, periods=2.0, seed=seed)
        y = y + 0.1 * rng.standard_normal(y.shape)
        Xt = np.linspace(-1, 1, 512)[:, None]
        return {"X": X, "y": y, "X_test": Xt, "y_test": np.sin(4 * np.pi * Xt), "loss": "mse"}
    if task == "sawtooth":
        X, y = datasets.sawtooth(64, teeth=4, seed=seed)
        Xt = np.linspace(0, 1, 512)[:, None]
        return {
            "X": X,
            "y": y,
            "X_test": Xt,
            "y_test": datasets.sawtooth_wave(Xt, 4),
            "loss": "mse",
        }
    if task == "moons":
        X, y = datasets.moons(300, noise=0.25, seed=seed)
        Xtr, ytr, Xte, yte = datasets.train_test_split(X, y, 0.25, seed=seed)
        return {
            "X": Xtr,
            "y": ytr[:, None],
            "X_test": Xte,
            "y_test": yte[:, None],
            "loss": "logistic",
        }
    raise ValueError(f"unknown task {task!r}; known: sine, sawtooth, moons")


def shallow_vs_deep(
    task: str = "sine",
    deep_hidden: Sequence[int] = (8, 8, 8),
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    steps: int = 2000,
    eta: float = 0.01,
    record_every: int = 50,
) -> dict[str, Any]:
    """Train a deep and the parameter-matched shallow network with Adam, over ``seeds``.

    Returns ``widths`` and ``parameters`` of both, ``steps`` (the recorded steps) and per
    architecture (``"deep"``, ``"shallow"``) the per-seed ``train_loss`` and ``test_loss``
    curves and ``final_test`` (the last test loss) and, for classifiers, ``final_error`` (the
    test error rate).
    """
    data = task_data(task)
    d_in = data["X"].shape[1]
    deep_w = (d_in, *deep_hidden, 1)
    shallow_w = (d_in, matched_shallow_width(deep_w), 1)
    out: dict[str, Any] = {
        "task": task,
        "widths": {"deep": deep_w, "shallow": shallow_w},
        "parameters": {"deep": _n_params(deep_w), "shallow": _n_params(shallow_w)},
    }
    for arch, widths in (("deep", deep_w), ("shallow", shallow_w)):
        runs: dict[str, list[Any]] = {
            "train_loss": [],
            "test_loss": [],
            "final_test": [],
            "final_error": [],
        }
        for seed in seeds:
            res = train(
                ReLUNetwork.random(widths, seed=seed),
                data["X"],
                data["y"],
                adam(eta=eta),
                loss=data["loss"],
                steps=steps,
                record_every=record_every,
                X_test=data["X_test"],
                y_test=data["y_test"],
                seed=seed,
            )
            h = res.history
            out["steps"] = h["step"]
            runs["train_loss"].append(h["train_loss"])
            runs["test_loss"].append(h["test_loss"])
            runs["final_test"].append(h["test_loss"][-1])
            if h["accuracy"][-1] is not None:
                runs["final_error"].append(1.0 - h["accuracy"][-1])
        out[arch] = runs
    return out


def sgd_generalisation(
    batch_sizes: Sequence[int | None] = (None, 64, 16),
    noise_rate: float = 0.2,
    epochs: int = 300,
    eta: float = 0.05,
    hidden: Sequence[int] = (64, 64),
    seeds: Sequence[int] = (0, 1, 2),
    n: int = 200,
) -> dict[str, Any]:
    """Full-batch GD against mini-batch SGD on two moons with noisy training labels.

    The same network, learning rate and number of epochs for every batch size (``None`` is
    full-batch GD); the test labels are clean. Per batch size and seed: the ``train_loss``,
    ``test_loss`` and ``test_error`` curves by epoch, the final ``gap`` (test loss minus
    train loss), and early stopping: the epoch of the smallest test loss and its test error.
    """
    X, y = datasets.moons(2 * n, noise=0.15, seed=7)
    Xtr, ytr, Xte, yte = datasets.train_test_split(X, y, 0.5, seed=7)
    ytr_noisy = datasets.noisy_labels(ytr, noise_rate, seed=7)
    widths = (2, *hidden, 1)
    out: dict[str, Any] = {"widths": widths, "noise_rate": noise_rate, "epochs": epochs, "runs": {}}
    for B in batch_sizes:
        key = "GD" if B is None else f"SGD B={B}"
        per_epoch = 1 if B is None else -(-len(Xtr) // B)
        rows: dict[str, list[Any]] = {
            k: []
            for k in (
                "train_loss",
                "test_loss",
                "test_error",
                "gap",
                "best_epoch",
                "best_error",
                "final_error",
            )
        }
        for seed in seeds:
            res = train(
                ReLUNetwork.random(widths, seed=seed),
                Xtr,
                ytr_noisy[:, None],
                sgd(eta=eta),
                loss="logistic",
                epochs=epochs,
                batch_size=B,
                record_every=per_epoch,
                X_test=Xte,
                y_test=yte[:, None],
                seed=seed,
            )
            h = res.history
            err = [1.0 - a for a in h["accuracy"]]
            best = int(np.argmin(h["test_loss"]))
            rows["train_loss"].append(h["train_loss"])
            rows["test_loss"].append(h["test_loss"])
            rows["test_error"].append(err)
            rows["gap"].append(h["test_loss"][-1] - h["train_loss"][-1])
            rows["best_epoch"].append(best)
            rows["best_error"].append(err[best])
            rows["final_error"].append(err[-1])
        out["runs"][key] = rows
    return out
