"""Adapters to torch (``to_torch``) and from flax parameter trees (torch models: ``torch_models``).

They return plain ``(weights, biases)`` lists (``weights[l]`` of shape ``(n_{l+1}, n_l)``);
:class:`~analysis.networks.ReLUNetwork` turns them into an exact network. torch is imported
only inside the torch functions; JAX is never imported (a jax array is read with
``np.asarray``). Weights are read exactly: float16/32/64 values are exact rationals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["to_torch", "flax_layers"]


def to_torch(net: Any, dtype: Any = None) -> Any:
    """A ``torch.nn.Sequential`` computing ``net`` (default dtype float64).

    The torch weights are the float64 values of the exact weights, so a network whose weights
    are floats round-trips exactly; a rational such as 1/3 is rounded to the nearest float.

    >>> import pytest; _ = pytest.importorskip("torch")
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork.random((1, 3, 1), seed=0)
    >>> ReLUNetwork.from_torch(to_torch(net)) == net
    True
    """
    import torch
    import torch.nn as nn

    dtype = torch.float64 if dtype is None else dtype
    mods: list[Any] = []
    for l, (W, B) in enumerate(zip(net.weights, net.biases, strict=True)):
        lin = nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(W, dtype=dtype))
            lin.bias.copy_(torch.as_tensor(B, dtype=dtype))
        mods.append(lin)
        if l < net.depth:
            mods.append(nn.ReLU())
    return nn.Sequential(*mods)


_SUFFIX = re.compile(r"_(\d+)$")


def _upcast(a: np.ndarray) -> np.ndarray:
    """float16/float32 and ml_dtypes' bfloat16/float8 (kind 'V') to float64: exact."""
    if (a.dtype.kind == "f" and a.dtype.itemsize < 8) or (
        a.dtype.kind == "V" and "float" in a.dtype.name
    ):
        return a.astype(np.float64)
    return a


def flax_layers(params: Mapping[str, Any]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weights and biases of a flax parameter tree of ``Dense`` layers (ReLU between).

    Accepts ``{"params": {"Dense_0": {"kernel": ..., "bias": ...}, ...}}`` or the inner dict.
    Layers are ordered by the integer suffix of their names (``Dense_0``, ``layers_1``...).
    Flax kernels have shape ``(n_in, n_out)``, the transpose of ``weights[l]``. Arrays may be
    numpy or jax arrays (read with ``np.asarray``, so JAX is not imported here).

    >>> tree = {"params": {"Dense_0": {"kernel": [[1.0, -1.0]], "bias": [0.0, 0.0]},
    ...                    "Dense_1": {"kernel": [[1.0], [1.0]], "bias": [0.0]}}}
    >>> [a.tolist() for a in flax_layers(tree)[0]]
    [[[1.0], [-1.0]], [[1.0, 1.0]]]
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"from_flax needs a mapping of layers, got {type(params).__name__}")
    tree = params["params"] if "params" in params else params
    if not isinstance(tree, Mapping) or not tree:
        raise ValueError("from_flax: no layers in the parameter tree")
    names = list(tree)
    if len(names) > 1:
        keyed = []
        for name in names:
            mt = _SUFFIX.search(str(name))
            if mt is None:
                raise ValueError(
                    f"from_flax: layer name {name!r} has no _<index> suffix to order by"
                )
            keyed.append((int(mt.group(1)), name))
        names = [n for _, n in sorted(keyed)]
    weights, biases = [], []
    for name in names:
        layer = tree[name]
        if not isinstance(layer, Mapping) or "kernel" not in layer:
            raise ValueError(f"from_flax: layer {name!r} has no 'kernel' (only Dense is supported)")
        k = np.asarray(layer["kernel"])
        if k.ndim != 2:
            raise ValueError(f"from_flax: layer {name!r} kernel must be 2-D, got shape {k.shape}")
        b = np.asarray(layer["bias"]) if "bias" in layer else np.zeros(k.shape[1])
        k, b = _upcast(k), _upcast(b)
        weights.append(k.T)
        biases.append(b)
    return weights, biases
