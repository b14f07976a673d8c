"""Losses and their gradients for ReLU networks: float64 backpropagation.

:func:`loss_and_grad` returns a loss and its gradient in the network's own layer shapes. At a
kink (a pre-activation exactly 0) the ReLU's derivative is taken as 0, the convention torch
uses, so the gradients equal ``torch.autograd``'s. Losses (torch's ``mean`` reduction):

=================  ===================================================================
``"mse"``          mean of ``(f(x) - y)^2`` over samples and outputs (``MSELoss``)
``"logistic"``     binary, one output, labels 0/1: ``BCEWithLogitsLoss``
``"cross_entropy"``  softmax over the outputs, integer labels: ``CrossEntropyLoss``
=================  ===================================================================

>>> import numpy as np
>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])   # |x|
>>> loss, grads = loss_and_grad(net, np.array([[2.0]]), np.array([[1.0]]))
>>> loss, [g.shape for g, _ in grads]
(1.0, [(2, 1), (1, 2)])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["LOSSES", "loss_and_grad", "layers_loss_and_grad", "predict"]

LOSSES = ("mse", "logistic", "cross_entropy")


def _check(X: Any, y: Any, loss: str, d_in: int, d_out: int) -> tuple[np.ndarray, np.ndarray]:
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != d_in:
        raise ValueError(f"X must have shape (n, {d_in}), got {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X has no samples")
    if not np.all(np.isfinite(X)):
        raise ValueError("X has non-finite entries")
    y = np.asarray(y)
    if loss == "cross_entropy":
        if y.shape != (X.shape[0],) or y.dtype.kind not in "iu":
            raise ValueError(f"cross_entropy needs integer labels of shape ({X.shape[0]},)")
        if y.min() < 0 or y.max() >= d_out:
            raise ValueError(f"labels must lie in 0..{d_out - 1}")
    else:
        y = y.astype(np.float64).reshape(X.shape[0], -1)
        if y.shape[1] != d_out:
            raise ValueError(f"y must have {d_out} column(s), got {y.shape[1]}")
        if loss == "logistic" and (d_out != 1 or not np.all((y == 0) | (y == 1))):
            raise ValueError("logistic needs one output and labels 0 or 1")
    return X, y


def predict(Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], X: np.ndarray) -> np.ndarray:
    """The network's outputs at the rows of ``X`` (float64)."""
    h = X
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        h = np.maximum(h @ W.T + b, 0.0)
    return h @ Ws[-1].T + bs[-1]


def layers_loss_and_grad(
    Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], X: np.ndarray, y: np.ndarray, loss: str
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """:func:`loss_and_grad` on float64 layer arrays (already checked inputs)."""
    hs = [X]
    zs = []
    h = X
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        z = h @ W.T + b
        zs.append(z)
        h = np.maximum(z, 0.0)
        hs.append(h)
    out = h @ Ws[-1].T + bs[-1]
    n = X.shape[0]
    if loss == "mse":
        r = out - y
        value = float(np.mean(r * r))
        delta = 2.0 * r / r.size
    elif loss == "logistic":
        z = out
        value = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        delta = (1.0 / (1.0 + np.exp(-z)) - y) / n
    else:
        m = out.max(axis=1, keepdims=True)
        e = np.exp(out - m)
        s = e.sum(axis=1, keepdims=True)
        logp = out - m - np.log(s)
        value = float(-np.mean(logp[np.arange(n), y]))
        delta = e / s
        delta[np.arange(n), y] -= 1.0
        delta /= n
    grads: list[tuple[np.ndarray, np.ndarray]] = [None] * len(Ws)  # type: ignore[list-item]
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (delta.T @ hs[l], delta.sum(axis=0))
        if l > 0:
            delta = (delta @ Ws[l]) * (zs[l - 1] > 0)  # relu'(0) = 0, as torch
    return value, grads


def loss_and_grad(
    net: Any, X: Any, y: Any, loss: str = "mse"
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """The loss of ``net`` on ``(X, y)`` and its gradient, per layer ``(dW_l, db_l)``.

    Parameters
    ----------
    net : ReLUNetwork
        Its float64 weights are used.
    X : array of shape (n, D_i)
    y : targets: shape (n, D_o) (``"mse"``), 0/1 of shape (n,) or (n, 1) (``"logistic"``),
        integer classes of shape (n,) (``"cross_entropy"``)
    loss : {"mse", "logistic", "cross_entropy"}
    """
    X, y = _check(X, y, loss, net.input_dim, net.output_dim)
    return layers_loss_and_grad(net.weights, net.biases, X, y, loss)
