"""A flat view of a network's parameters, for the optimizers (pure functions of vectors).

The order is ``W_0, b_0, W_1, b_1, ...`` (row-major weights), the order of torch's
``parameters()`` for a ``Sequential`` of ``Linear`` layers.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 2]], [[3]]], [[4], [5]])
>>> parameters_flat(net).tolist()
[1.0, 2.0, 4.0, 3.0, 5.0]
>>> from_flat(net, [0, 0, 0, 0, 1]).exact_forward([7, 7])
[Fraction(1, 1)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork

__all__ = ["parameters_flat", "from_flat", "unflatten", "flatten_grads"]


def parameters_flat(net: ReLUNetwork) -> np.ndarray:
    """:meth:`ReLUNetwork.parameters_flat`."""
    return net.parameters_flat()


def unflatten(
    shapes: Sequence[tuple[int, int]], vector: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Float views ``(weights, biases)`` of a flat vector, for layer shapes ``(n_out, n_in)``."""
    v = np.asarray(vector, dtype=np.float64)
    need = sum(o * i + o for o, i in shapes)
    if v.shape != (need,):
        raise ValueError(f"the parameter vector must have shape ({need},), got {v.shape}")
    Ws, bs, at = [], [], 0
    for o, i in shapes:
        Ws.append(v[at : at + o * i].reshape(o, i))
        at += o * i
        bs.append(v[at : at + o])
        at += o
    return Ws, bs


def from_flat(template: ReLUNetwork, vector: Any) -> ReLUNetwork:
    """:meth:`ReLUNetwork.from_flat`."""
    return ReLUNetwork.from_flat(template, vector)


def flatten_grads(grads: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Per-layer gradients ``(dW, db)`` as one vector in the order of :func:`parameters_flat`."""
    return np.concatenate([part.ravel() for g in grads for part in g])
