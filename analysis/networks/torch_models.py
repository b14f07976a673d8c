"""Converting torch models into exact ReLU networks: the layers people use.

:func:`torch_layers` walks an ``nn.Sequential`` (nested ones too) and returns the affine maps
of an equivalent ReLU network, in exact rationals:

* ``Linear`` (with or without bias), and affine maps in a row, are composed exactly;
* ``Conv1d``/``Conv2d`` and ``AvgPool1d``/``AvgPool2d`` on a fixed input shape (keyword
  ``input_shape``, without the batch axis) are unrolled into dense affine maps: a convolution's
  column for input ``i`` is its output on the unit vector ``e_i`` (each entry one weight, so
  exact); an average pool's coefficients are the exact ``1/k``;
* ``BatchNorm1d`` in eval mode is folded into the affine map before it (its scale
  ``gamma / sqrt(var + eps)`` is taken as the float64 value torch uses); in training mode it is
  refused, since its function depends on the batch;
* ``ReLU`` separates layers; ``LeakyReLU`` and ``PReLU`` with fixed slopes ``a`` are rewritten
  exactly as two ReLU units, ``leaky(z) = relu(z) - a relu(-z)``: the function is the same, and
  so are the activation regions (a pre-activation's sign pattern ``(z > 0, -z > 0)`` is the
  leaky unit's), so every count of the converted network is the leaky network's;
* ``Identity``, ``Flatten`` and ``Dropout`` in eval mode are the identity.

Anything else, a subclass of a supported layer that overrides ``forward``, or a model that
starts or ends with an activation is refused with a ``ValueError`` naming the module and its
position. torch is imported only when a conversion is asked for.

>>> import pytest; torch = pytest.importorskip("torch")
>>> m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.25), torch.nn.Linear(3, 1))
>>> w, b = torch_layers(m)
>>> [a.shape for a in w]                 # the 3 leaky units became 6 ReLU units
[(6, 2), (1, 6)]
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.exact import fraction_array

__all__ = ["torch_layers", "state_dict_layers"]

_ACT = ("ReLU", "LeakyReLU", "PReLU")


def _flatten(module: Any) -> list[Any]:
    import torch.nn as nn

    if not isinstance(module, nn.Sequential):
        raise TypeError(f"from_torch needs a torch.nn.Sequential, got {type(module).__name__}")
    flat: list[Any] = []
    for m in module:
        flat.extend(_flatten(m) if isinstance(m, nn.Sequential) else [m])
    return flat


def _exact(t: Any, where: str = "tensor") -> np.ndarray:
    """A tensor's values as exact rationals (float16/32/64 are dyadic rationals)."""
    import torch

    if t.is_complex():
        raise TypeError(f"{where}: complex weights")
    return fraction_array(t.detach().to(device="cpu", dtype=torch.float64).numpy(), where)


def _supported(nn: Any) -> tuple[type, ...]:
    return (
        nn.Linear,
        nn.Conv1d,
        nn.Conv2d,
        nn.AvgPool1d,
        nn.AvgPool2d,
        nn.BatchNorm1d,
        nn.ReLU,
        nn.LeakyReLU,
        nn.PReLU,
        nn.Identity,
        nn.Flatten,
        nn.Dropout,
    )


def _unrolled(m: Any, shape: tuple[int, ...], where: str) -> tuple[np.ndarray, np.ndarray, tuple]:
    """A convolution or average pool on inputs of ``shape`` as a dense exact affine map."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    n = math.prod(shape)
    if n > 50_000:
        raise ValueError(f"{where}: input of {n} values is too large to unroll densely")
    eye = torch.eye(n, dtype=torch.float64).reshape(n, *shape)
    with torch.no_grad():
        if isinstance(m, (nn.Conv1d, nn.Conv2d)):
            if m.padding_mode != "zeros":
                raise ValueError(f"{where}: padding_mode {m.padding_mode!r} is not supported")
            conv = F.conv1d if isinstance(m, nn.Conv1d) else F.conv2d
            out = conv(
                eye,
                m.weight.detach().to(torch.float64),
                None,
                m.stride,
                m.padding,
                m.dilation,
                m.groups,
            )
            out_shape = tuple(out.shape[1:])
            W = fraction_array(out.reshape(n, -1).T.numpy())  # each entry one weight: exact
            if m.bias is None:
                b = np.array([Fraction(0)] * W.shape[0], dtype=object)
            else:
                per = _exact(m.bias)
                b = np.repeat(per, math.prod(out_shape[1:]))
            return W, b, out_shape
        out = m.to(torch.float64)(eye)
        out_shape = tuple(out.shape[1:])
        C = out.reshape(n, -1).T.numpy()
    W = np.empty(C.shape, dtype=object)
    for idx, c in np.ndenumerate(C):
        if c == 0:
            W[idx] = Fraction(0)
            continue
        k = round(1 / c)
        if k < 1 or abs(c - 1 / k) > 4e-16 * (1 / k):
            raise ValueError(f"{where}: pooling coefficient {c!r} is not 1/k")
        W[idx] = Fraction(1, k)  # the exact average (torch rounds the float division)
    return W, np.array([Fraction(0)] * W.shape[0], dtype=object), out_shape


def torch_layers(
    module: Any, input_shape: tuple[int, ...] | None = None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The exact affine layers of the ReLU network equal to a torch ``nn.Sequential``.

    Parameters
    ----------
    module : torch.nn.Sequential
        Layers as in the module documentation, in eval mode where that matters.
    input_shape : tuple of int, optional
        The shape of one input without the batch axis, e.g. ``(1, 8, 8)``; needed when the
        model has a convolution or a pooling layer.

    Returns
    -------
    (weights, biases)
        Exact rational arrays, ``weights[l]`` of shape ``(n_{l+1}, n_l)``.
    """
    import torch.nn as nn

    layers = _flatten(module)
    if not layers:
        raise ValueError("from_torch: empty Sequential")
    shape = tuple(input_shape) if input_shape is not None else None
    weights: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    A: np.ndarray | None = None  # the affine map since the last activation: x -> A x + c
    c: np.ndarray | None = None
    pending: np.ndarray | None = None  # column map a leaky activation left for the next map
    supported = _supported(nn)

    def compose(W: np.ndarray, b: np.ndarray) -> None:
        nonlocal A, c, pending
        if A is None:
            if pending is not None:  # after a leaky activation: columns [W, -a W]
                W = W.dot(pending)
                pending = None
            A, c = W, b
        else:
            assert c is not None
            A, c = W.dot(A), W.dot(c) + b

    for i, m in enumerate(layers):
        kind = type(m).__name__
        where = f"module {i} ({kind})"
        base = next((t for t in supported if isinstance(m, t)), None)
        if base is None:
            raise ValueError(
                f"{where} is not supported: a ReLU network is made of Linear, Conv1d/2d, "
                "AvgPool1d/2d, BatchNorm1d (eval), ReLU, LeakyReLU, PReLU, Identity, Flatten, "
                "Dropout (eval)"
            )
        if type(m).forward is not getattr(base, "forward", None):
            raise ValueError(
                f"{where} subclasses {base.__name__} but overrides forward: its function is "
                f"not a {base.__name__}'s, so it is refused"
            )
        if isinstance(m, nn.Linear):
            if shape is not None and len(shape) > 1:
                raise ValueError(f"{where} on inputs of shape {shape}: add nn.Flatten() first")
            W = _exact(m.weight, f"{where} weight")
            b = (
                _exact(m.bias, f"{where} bias")
                if m.bias is not None
                else np.array([Fraction(0)] * W.shape[0], dtype=object)
            )
            compose(W, b)
            shape = (W.shape[0],)
        elif isinstance(m, (nn.Conv1d, nn.Conv2d, nn.AvgPool1d, nn.AvgPool2d)):
            if shape is None:
                raise ValueError(f"{where}: give input_shape (one input, no batch axis)")
            W, b, shape = _unrolled(m, shape, where)
            compose(W, b)
        elif isinstance(m, nn.BatchNorm1d):
            if m.training:
                raise ValueError(f"{where} is in training mode: call model.eval() first")
            if m.running_mean is None:
                raise ValueError(f"{where} has no running statistics (track_running_stats)")
            import torch

            with torch.no_grad():
                assert m.running_var is not None
                scale = m.running_var.to(torch.float64) + m.eps
                scale = (m.weight.to(torch.float64) if m.affine else 1.0) / scale.sqrt()
                shift = (m.bias.to(torch.float64) if m.affine else 0.0) - scale * (
                    m.running_mean.to(torch.float64)
                )
            s, t = _exact(scale, where), _exact(shift, where)
            if shape is not None and len(shape) == 2:  # (C, L) after a Conv1d: per channel
                s, t = np.repeat(s, shape[1]), np.repeat(t, shape[1])
            compose(np.diag(s).astype(object), t)
        elif isinstance(m, (nn.Identity, nn.Dropout)):
            if isinstance(m, nn.Dropout) and m.training and m.p > 0:
                raise ValueError(f"{where} is in training mode: call model.eval() first")
        elif isinstance(m, nn.Flatten):
            if shape is not None:
                shape = (math.prod(shape),)
        else:  # an activation
            if A is None:
                what = "starts the model" if not weights else "follows another activation"
                raise ValueError(f"{where} {what}; expected an affine layer before it")
            assert c is not None
            if isinstance(m, nn.ReLU):
                weights.append(A)
                biases.append(c)
            else:
                n = A.shape[0]
                if isinstance(m, nn.LeakyReLU):
                    slopes = [Fraction(float(m.negative_slope))] * n
                else:
                    a = _exact(m.weight).reshape(-1)
                    if a.size not in (1, n):
                        raise ValueError(f"{where}: {a.size} slopes for {n} units")
                    slopes = [a[0]] * n if a.size == 1 else list(a)
                weights.append(np.vstack([A, -A]))
                biases.append(np.concatenate([c, -c]))
                eye = np.eye(n, dtype=int).astype(object)
                pending = np.hstack([eye, -np.diag(np.array(slopes, dtype=object))])
            A = c = None
    if A is None or c is None:
        raise ValueError(
            f"module {len(layers) - 1} ({type(layers[-1]).__name__}) ends the model; the "
            "output must be affine"
        )
    weights.append(A)
    biases.append(c)
    return weights, biases


def state_dict_layers(path: Any) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """The layers of an MLP saved as a torch ``state_dict`` (``torch.save(model.state_dict())``).

    Read with ``torch.load(weights_only=True)`` (no arbitrary code runs). A state dict holds no
    activations: its 2-D ``*.weight`` tensors, in the order of their module index, are taken
    as ``Linear`` layers with a ReLU between each two; entries of other layers (e.g. batch
    norm's running statistics) are refused: save such a model's ``nn.Sequential`` converted by
    ``ReLUNetwork.from_torch(model).save_npz(...)`` instead.
    """
    import torch

    where = str(path)
    try:
        sd = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unreadable file: one clear line
        raise ValueError(f"{where}: not a torch state_dict file ({type(exc).__name__})") from None
    if not isinstance(sd, dict) or not sd:
        raise ValueError(f"{where}: expected a state_dict (a dict of tensors)")
    layers: dict[str, dict[str, Any]] = {}
    for key, t in sd.items():
        if not isinstance(key, str) or not isinstance(t, torch.Tensor) or "." not in key:
            raise ValueError(f"{where}: entry {key!r} is not a layer's tensor")
        prefix, name = key.rsplit(".", 1)
        if name not in ("weight", "bias"):
            raise ValueError(
                f"{where}: entry {key!r} is not a Linear layer's (a state_dict holds no "
                "activations or batch norm: convert the model with ReLUNetwork.from_torch)"
            )
        layers.setdefault(prefix, {})[name] = t

    def order(prefix: str) -> tuple:
        return tuple(int(p) if p.isdigit() else p for p in prefix.split("."))

    weights, biases = [], []
    for prefix in sorted(layers, key=order):
        entry = layers[prefix]
        if "weight" not in entry or entry["weight"].dim() != 2:
            raise ValueError(f"{where}: layer {prefix!r} has no 2-D weight (not a Linear)")
        W = _exact(entry["weight"], f"{where}: layer {prefix!r} weight")
        b = (
            _exact(entry["bias"], f"{where}: layer {prefix!r} bias")
            if "bias" in entry
            else np.array([Fraction(0)] * W.shape[0], dtype=object)
        )
        weights.append(W)
        biases.append(b)
    return weights, biases, where
