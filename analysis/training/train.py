"""Training a ReLU network with the lecture's optimizers, watched by the exact region engine.

:func:`train` runs any :mod:`analysis.optimizers` optimizer (the pure ``init``/``update`` pair)
on the flat parameter vector (:mod:`analysis.training.params`), with full-batch or seeded
mini-batch epochs, and records the loss, the test loss, the accuracy (classifiers) and, with
``track_regions``, the exact number of activation regions of the network at each recorded step
(exact for the float64 weights of that step; a count that reaches ``max_regions`` is recorded
as a lower bound and marked so).

>>> import numpy as np
>>> from analysis.networks import ReLUNetwork
>>> from analysis.optimizers import adam
>>> X = np.linspace(-1, 1, 40)[:, None]; y = np.abs(X)
>>> res = train(ReLUNetwork.random((1, 8, 1), seed=0), X, y, adam(eta=0.05), steps=200,
...             record_every=50, track_regions=True)
>>> res.history["step"], res.history["train_loss"][-1] < res.history["train_loss"][0]
([0, 50, 100, 150, 200], True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.optimizers import Optimizer
from analysis.regions import RegionLimitExceeded, count_regions
from analysis.training.backprop import LOSSES, _check, layers_loss_and_grad, predict
from analysis.training.params import flatten_grads, from_flat, parameters_flat, unflatten

__all__ = ["TrainResult", "train", "flat_loss"]


@dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes
    ----------
    net : ReLUNetwork
        The final network (its float64 weights, exact as rationals).
    history : dict of lists
        ``step``, ``train_loss``, ``test_loss`` (None without a test set), ``accuracy``
        (classifiers; on the test set when given), ``regions`` and ``regions_is_lower_bound``
        (with ``track_regions``).
    checkpoints : list of (step, ReLUNetwork)
        The network at every recorded step.
    """

    net: ReLUNetwork
    history: dict[str, list[Any]] = field(default_factory=dict)
    checkpoints: list[tuple[int, ReLUNetwork]] = field(default_factory=list)


def flat_loss(template: ReLUNetwork, X: Any, y: Any, loss: str = "mse") -> Callable:
    """``theta -> loss`` on a flat parameter vector (for optimizers that need the loss, ECD)."""
    X, y = _check(X, y, loss, template.input_dim, template.output_dim)
    shapes = [W.shape for W in template.weights]

    def f(theta: np.ndarray) -> float:
        Ws, bs = unflatten(shapes, theta)
        return layers_loss_and_grad(Ws, bs, X, y, loss)[0]

    return f


def _accuracy(out: np.ndarray, y: np.ndarray, loss: str) -> float | None:
    if loss == "cross_entropy":
        return float(np.mean(out.argmax(axis=1) == y))
    if loss == "logistic":
        return float(np.mean((out[:, 0] > 0) == (y[:, 0] > 0.5)))
    return None


def train(
    net: ReLUNetwork,
    X: Any,
    y: Any,
    optimizer: Optimizer,
    *,
    loss: str = "mse",
    epochs: int | None = None,
    steps: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    X_test: Any = None,
    y_test: Any = None,
    record_every: int = 1,
    track_regions: bool = False,
    domain: Any = None,
    max_regions: int = 100_000,
    callback: Callable[[int, float], Any] | None = None,
) -> TrainResult:
    """Train ``net`` on ``(X, y)`` with ``optimizer``; see the module documentation.

    Parameters
    ----------
    net : ReLUNetwork
        The initial network (not modified).
    X, y : arrays
        Training data (see :func:`analysis.training.loss_and_grad` for the shapes).
    optimizer : Optimizer
        Any physml optimizer (``gd``, ``sgd``, ``momentum``, ``nesterov``, ``rmsprop``,
        ``adam``, ``adagrad``, ``ecd`` with :func:`flat_loss`).
    loss : {"mse", "logistic", "cross_entropy"}
    epochs, steps : int
        How long: ``steps`` optimizer steps, or ``epochs`` passes over the data (one step per
        epoch in full batch). Exactly one is given.
    batch_size : int, optional
        Mini-batch size; ``None`` is full batch. Batches are a seeded permutation per epoch.
    seed : int
        Seeds the batches (the run is reproducible bit for bit).
    X_test, y_test : arrays, optional
        A test set for ``test_loss`` and the accuracy.
    record_every : int
        Record (history and checkpoint) every this many steps, and at the last step.
    track_regions : bool
        Count the activation regions exactly at each recorded step, on ``domain``.
    domain : None or sequence of (lo, hi)
        Where regions are counted (``None``: all of the input space).
    max_regions : int
        The count's limit; a count that reaches it is recorded as its lower bound.
    callback : callable, optional
        Called as ``callback(step, train_loss)`` at each recorded step.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if (epochs is None) == (steps is None):
        raise ValueError("give exactly one of epochs and steps")
    for name, v in (("epochs", epochs), ("steps", steps), ("record_every", record_every)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    X, y = _check(X, y, loss, net.input_dim, net.output_dim)
    test = None
    if X_test is not None:
        test = _check(X_test, y_test, loss, net.input_dim, net.output_dim)
    n = X.shape[0]
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or not 1 <= batch_size <= n
    ):
        raise ValueError(f"batch_size must be an integer in 1..{n}, got {batch_size!r}")
    per_epoch = 1 if batch_size is None else -(-n // batch_size)
    total = steps if steps is not None else epochs * per_epoch  # type: ignore[operator]
    shapes = [W.shape for W in net.weights]
    theta = parameters_flat(net)
    state = optimizer.init(theta)
    rng = np.random.default_rng(seed)
    hist: dict[str, list[Any]] = {"step": [], "train_loss": [], "test_loss": [], "accuracy": []}
    if track_regions:
        hist["regions"], hist["regions_is_lower_bound"] = [], []
    result = TrainResult(net, hist, [])

    def record(step: int) -> None:
        Ws, bs = unflatten(shapes, theta)
        train_loss = layers_loss_and_grad(Ws, bs, X, y, loss)[0]
        hist["step"].append(step)
        hist["train_loss"].append(train_loss)
        Xa, ya = test if test is not None else (X, y)
        hist["test_loss"].append(
            layers_loss_and_grad(Ws, bs, *test, loss)[0] if test is not None else None
        )
        hist["accuracy"].append(_accuracy(predict(Ws, bs, Xa), ya, loss))
        ck = from_flat(net, theta)
        result.checkpoints.append((step, ck))
        if track_regions:
            try:
                hist["regions"].append(count_regions(ck, domain, max_regions=max_regions))
                hist["regions_is_lower_bound"].append(False)
            except RegionLimitExceeded as exc:
                hist["regions"].append(exc.lower_bound)
                hist["regions_is_lower_bound"].append(True)
        if callback is not None:
            callback(step, train_loss)

    record(0)
    order = np.arange(n)
    for step in range(1, total + 1):
        if batch_size is None:
            Xb, yb = X, y
        else:
            k = (step - 1) % per_epoch
            if k == 0:
                order = rng.permutation(n)
            idx = order[k * batch_size : (k + 1) * batch_size]
            Xb, yb = X[idx], y[idx]
        Ws, bs = unflatten(shapes, theta)
        _, grads = layers_loss_and_grad(Ws, bs, Xb, yb, loss)
        upd, state = optimizer.update(flatten_grads(grads), state, theta)
        theta = theta + np.asarray(upd, dtype=np.float64)
        if not np.all(np.isfinite(theta)):
            raise FloatingPointError(f"the parameters are not finite after step {step}")
        if step % record_every == 0 or step == total:
            record(step)
    result.net = result.checkpoints[-1][1]
    return result
