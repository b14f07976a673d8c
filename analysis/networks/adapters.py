"""Adapters from deep-learning frameworks: torch ``nn.Sequential`` and flax parameter trees.

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

__all__ = ["torch_layers", "to_torch", "flax_layers"]


def _flatten(module: Any) -> list[Any]:
    import torch.nn as nn

    if not isinstance(module, nn.Sequential):
        raise TypeError(f"from_torch needs a torch.nn.Sequential, got {type(module).__name__}")
    flat: list[Any] = []
    for m in module:
        flat.extend(_flatten(m) if isinstance(m, nn.Sequential) else [m])
    return flat


def torch_layers(module: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weights and biases of a ``torch.nn.Sequential`` of ``Linear`` and ``ReLU`` modules.

    The structure must be ``Linear (ReLU Linear)*``: two ``Linear`` modules in a row, two
    ``ReLU`` in a row, a leading or trailing ``ReLU`` or any other module type raise, naming
    the module's position. Weights are read exactly (float32/float64 are exact rationals).

    >>> import pytest; torch = pytest.importorskip("torch")
    >>> m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    >>> w, b = torch_layers(m)
    >>> sum(a.size for a in w + b) == sum(p.numel() for p in m.parameters())
    True
    """
    import torch
    import torch.nn as nn

    layers = _flatten(module)
    if not layers:
        raise ValueError("from_torch: empty Sequential")
    weights, biases = [], []
    expect_linear = True
    for i, m in enumerate(layers):
        kind = type(m).__name__
        for base in (nn.Linear, nn.ReLU):
            if isinstance(m, base) and type(m).forward is not base.forward:
                raise ValueError(
                    f"module {i} ({kind}) subclasses {base.__name__} but overrides forward: "
                    f"its function is not a {base.__name__}'s, so it is refused"
                )
        if isinstance(m, nn.Linear):
            if not expect_linear:
                raise ValueError(
                    f"module {i} (Linear) follows a Linear without a ReLU between them; "
                    "not a ReLU network (merge the two affine maps first)"
                )
            w = m.weight.detach()
            if w.is_complex():
                raise TypeError(f"module {i} (Linear): complex weights")
            weights.append(w.to(device="cpu", dtype=torch.float64).numpy())
            if m.bias is None:
                biases.append(np.zeros(w.shape[0]))
            else:
                biases.append(m.bias.detach().to(device="cpu", dtype=torch.float64).numpy())
            expect_linear = False
        elif isinstance(m, nn.ReLU):
            if expect_linear:
                where = "starts the model" if i == 0 else "follows another ReLU"
                raise ValueError(f"module {i} (ReLU) {where}; expected a Linear")
            expect_linear = True
        else:
            raise ValueError(
                f"module {i} ({kind}) is not supported: only Linear and ReLU layers make a "
                "ReLU network"
            )
    if expect_linear:
        raise ValueError(
            f"module {len(layers) - 1} (ReLU) ends the model; the output must be affine"
        )
    return weights, biases


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
