"""Fully connected ReLU networks with exact rational weights.

A :class:`ReLUNetwork` is a stack of affine layers with ReLU between them; the last layer is an
affine output. ``weights[l]`` has shape ``(n_{l+1}, n_l)`` (the torch convention), so layer
``l`` maps ``h -> weights[l] @ h + biases[l]``.

Every entry is kept as its exact rational value (a float64 *is* a dyadic rational), in
``exact_weights``/``exact_biases``; ``weights``/``biases`` are float64 copies for fast numerics
(equal to the exact values whenever the inputs were floats or ints).

Convention: a hidden unit is **active** when its pre-activation is strictly positive; a
pre-activation exactly 0 counts as inactive (ReLU(0) = 0 either way, so the output is the same).

>>> net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])   # |x| as a 1-2-1 network
>>> net.input_dim, net.hidden_widths, net.output_dim, net.n_parameters
(1, (2,), 1, 7)
>>> net.forward([[-3.0], [2.0]]).ravel().tolist()
[3.0, 2.0]
>>> net.activation_pattern([0])
((False, False),)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.exact import float_array, fraction_array, to_fraction
from analysis.networks.adapters import flax_layers, to_torch
from analysis.networks.formats import json_layers, npz_layers, save_npz, to_json
from analysis.networks.init import random_layers
from analysis.networks.torch_models import state_dict_layers, torch_layers

__all__ = ["ReLUNetwork", "random_network", "from_torch", "from_flax", "load_npz", "from_json"]


def _is_numeric_array(a: Any) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind in "fiu" and a.dtype.itemsize <= 8


def _check_layer(
    l: int, w: tuple[int, ...], b: tuple[int, ...], prev: tuple[int, ...] | None
) -> None:
    """Shape checks of layer ``l`` (weights ``w``, biases ``b``, the previous weights ``prev``)."""
    if len(w) != 2:
        raise ValueError(f"layer {l}: weights must be 2-D, got shape {w}")
    if len(b) != 1:
        raise ValueError(f"layer {l}: biases must be 1-D, got shape {b}")
    if w[0] == 0 or w[1] == 0:
        raise ValueError(f"layer {l}: empty layer (weights shape {w})")
    if b[0] != w[0]:
        raise ValueError(f"layer {l}: {w[0]} units (weights {w}) but {b[0]} biases")
    if prev is not None and w[1] != prev[0]:
        raise ValueError(
            f"layer {l}: weights take {w[1]} inputs but layer {l - 1} has {prev[0]} units"
        )


class ReLUNetwork:
    """A ReLU network ``x -> W_L relu(... relu(W_0 x + b_0) ...) + b_L``.

    Parameters
    ----------
    weights : sequence of 2-D arrays
        ``weights[l]`` of shape ``(n_{l+1}, n_l)``; entries int, float, Fraction, ``"p/q"``.
    biases : sequence of 1-D arrays
        ``biases[l]`` of shape ``(n_{l+1},)``.

    Raises
    ------
    ValueError
        Mismatched shapes, empty layers, non-finite values, no layers; the message names the
        layer.
    TypeError
        Entries that are not real numbers.
    """

    def __init__(self, weights: Sequence[Any], biases: Sequence[Any]):
        if isinstance(weights, np.ndarray) and weights.dtype != object:
            raise TypeError("weights must be a sequence of 2-D arrays, one per layer")
        weights = list(weights)
        biases = list(biases)
        if len(weights) == 0:
            raise ValueError("a network needs at least one layer")
        if len(weights) != len(biases):
            raise ValueError(f"got {len(weights)} weight matrices but {len(biases)} bias vectors")
        if all(_is_numeric_array(w) for w in weights) and all(_is_numeric_array(b) for b in biases):
            self._init_float(weights, biases)
            return
        ew: list[np.ndarray] = []
        eb: list[np.ndarray] = []
        for l, (w, b) in enumerate(zip(weights, biases, strict=True)):
            W = fraction_array(w, f"layer {l} weights")
            B = fraction_array(b, f"layer {l} biases")
            _check_layer(l, W.shape, B.shape, ew[-1].shape if ew else None)
            ew.append(W)
            eb.append(B)
        self._float_exact: bool | None = None
        self._exact: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]] | None = (
            tuple(ew),
            tuple(eb),
        )
        self.weights: tuple[np.ndarray, ...] = tuple(
            float_array(W, f"layer {l} weights") for l, W in enumerate(ew)
        )
        self.biases: tuple[np.ndarray, ...] = tuple(
            float_array(B, f"layer {l} biases") for l, B in enumerate(eb)
        )
        for l, (W, B) in enumerate(zip(self.weights, self.biases, strict=True)):
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(B))):
                raise ValueError(f"layer {l}: a rational weight overflows float64")

    def _init_float(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Numeric (float or int) numpy arrays: float64 copies now, exact rationals on demand.

        A float64 value is exact as a rational, so nothing is lost: :attr:`exact_weights`
        converts the float copies the first time it is read (training builds a network per
        checkpoint and most are never examined exactly).
        """
        fw: list[np.ndarray] = []
        fb: list[np.ndarray] = []
        for l, (w, b) in enumerate(zip(weights, biases, strict=True)):
            for arr, what in ((w, "weights"), (b, "biases")):
                if arr.dtype.kind in "iu" and arr.size and int(np.max(np.abs(arr))) >= 2**53:
                    raise ValueError(f"layer {l} {what}: integers beyond 2^53 need exact input")
            W = np.array(w, dtype=np.float64)
            B = np.array(b, dtype=np.float64)
            _check_layer(l, W.shape, B.shape, fw[-1].shape if fw else None)
            for arr, what in ((W, "weights"), (B, "biases")):
                if not np.all(np.isfinite(arr)):
                    raise ValueError(f"layer {l} {what}: non-finite entries")
            fw.append(W)
            fb.append(B)
        self._exact = None
        self._float_exact = True  # the exact values are made from these floats
        self.weights = tuple(fw)
        self.biases = tuple(fb)

    def _exact_layers(self) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        if self._exact is None:
            self._exact = (
                tuple(fraction_array(W, f"layer {l} weights") for l, W in enumerate(self.weights)),
                tuple(fraction_array(B, f"layer {l} biases") for l, B in enumerate(self.biases)),
            )
        return self._exact

    @property
    def exact_weights(self) -> tuple[np.ndarray, ...]:
        """The weights as object arrays of exact :class:`~fractions.Fraction` values."""
        return self._exact_layers()[0]

    @property
    def exact_biases(self) -> tuple[np.ndarray, ...]:
        """The biases as object arrays of exact :class:`~fractions.Fraction` values."""
        return self._exact_layers()[1]

    # ------------------------------------------------------------------ shape
    @property
    def input_dim(self) -> int:
        """D_i, the number of inputs."""
        return int(self.weights[0].shape[1])

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        """(n_1, ..., n_K), the widths of the hidden layers (empty for an affine map)."""
        return tuple(int(W.shape[0]) for W in self.weights[:-1])

    @property
    def output_dim(self) -> int:
        """D_o, the number of outputs."""
        return int(self.weights[-1].shape[0])

    @property
    def depth(self) -> int:
        """K, the number of hidden layers."""
        return len(self.weights) - 1

    @property
    def n_parameters(self) -> int:
        """Total number of weights and biases."""
        return int(sum(W.size + B.size for W, B in zip(self.weights, self.biases, strict=True)))

    @property
    def is_float_exact(self) -> bool:
        """True when the float64 copies equal the exact rational weights (computed once)."""
        if self._float_exact is None:
            self._float_exact = all(
                all(
                    Fraction(float(f)) == e
                    for f, e in zip(F.reshape(-1), E.reshape(-1), strict=True)
                )
                for F, E in zip(
                    self.weights + self.biases, self.exact_weights + self.exact_biases, strict=True
                )
            )
        return self._float_exact

    def __repr__(self) -> str:
        widths = (self.input_dim, *self.hidden_widths, self.output_dim)
        return f"ReLUNetwork(widths={widths})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReLUNetwork):
            return NotImplemented
        if len(self.exact_weights) != len(other.exact_weights):
            return False
        return all(
            a.shape == b.shape and bool(np.all(a == b))
            for a, b in zip(
                self.exact_weights + self.exact_biases,
                other.exact_weights + other.exact_biases,
                strict=True,
            )
        )

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ adapters
    @classmethod
    def random(
        cls,
        widths: Sequence[int],
        init: str = "he",
        seed: int | np.random.Generator | None = None,
        bias_scale: float = 0.1,
    ) -> ReLUNetwork:
        """Random network, widths ``(D_i, n_1, ..., n_K, D_o)``; see :func:`random_network`.

        >>> ReLUNetwork.random((2, 5, 5, 1), seed=0).hidden_widths
        (5, 5)
        """
        return cls(*random_layers(widths, init=init, seed=seed, bias_scale=bias_scale))

    @classmethod
    def from_torch(cls, module: Any, *, input_shape: Any = None) -> ReLUNetwork:
        """From a torch ``nn.Sequential``; see :func:`~.torch_models.torch_layers`.

        ``input_shape`` (one input, no batch axis) is needed for convolutions and pooling.

        >>> import pytest; torch = pytest.importorskip("torch")
        >>> m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
        >>> ReLUNetwork.from_torch(m).n_parameters == sum(p.numel() for p in m.parameters())
        True
        """
        return cls(*torch_layers(module, input_shape))

    @classmethod
    def load_torch_state_dict(cls, path: Any) -> ReLUNetwork:
        """An MLP saved as a torch ``state_dict``; see :func:`~.torch_models.state_dict_layers`."""
        weights, biases, where = state_dict_layers(path)
        return cls._named(weights, biases, where)

    def to_torch(self, dtype: Any = None) -> Any:
        """A torch ``nn.Sequential`` (float64 by default); see :func:`~.adapters.to_torch`."""
        return to_torch(self, dtype=dtype)

    @classmethod
    def from_flax(cls, params: Any) -> ReLUNetwork:
        """From a flax parameter tree of Dense layers; see :func:`~.adapters.flax_layers`.

        >>> tree = {"params": {"Dense_0": {"kernel": [[1.0, -1.0]], "bias": [0.0, 0.0]},
        ...                    "Dense_1": {"kernel": [[1.0], [1.0]], "bias": [0.0]}}}
        >>> ReLUNetwork.from_flax(tree).exact_forward([-3])
        [Fraction(3, 1)]
        """
        return cls(*flax_layers(params))

    def save_npz(self, path: Any) -> Any:
        """Write an ``.npz`` file (exact, no pickle); see :func:`~.formats.save_npz`."""
        return save_npz(self, path)

    @classmethod
    def load_npz(cls, path: Any) -> ReLUNetwork:
        """Read an ``.npz`` file without unpickling; see :func:`~.formats.npz_layers`."""
        weights, biases, where = npz_layers(path)
        return cls._named(weights, biases, where)

    def to_json(self, indent: int | None = None) -> str:
        """JSON with exact ``"p/q"`` entries; see :func:`~.formats.to_json`.

        >>> ReLUNetwork.from_json(ReLUNetwork([[["1/3"]]], [[1]]).to_json()).exact_weights[0]
        array([[Fraction(1, 3)]], dtype=object)
        """
        return to_json(self, indent=indent)

    @classmethod
    def from_json(cls, text: Any) -> ReLUNetwork:
        """From :meth:`to_json` text, a path to such a file, or the parsed dict.

        >>> ReLUNetwork.from_json('{"weights": [[["1/3"]]], "biases": [["-2"]]}').exact_forward([3])
        [Fraction(-1, 1)]
        """
        weights, biases, where = json_layers(text)
        return cls._named(weights, biases, where)

    @classmethod
    def _named(cls, weights: Any, biases: Any, where: str) -> ReLUNetwork:
        """``cls(weights, biases)`` with ``where`` (a file name) in front of any error."""
        if where == "from_json":
            return cls(weights, biases)
        try:
            return cls(weights, biases)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{where}: {exc}") from None

    # ------------------------------------------------------------------ flat parameters
    def parameters_flat(self) -> np.ndarray:
        """All float64 parameters as one vector, ``W_0, b_0, W_1, b_1, ...`` (torch's order).

        >>> ReLUNetwork([[[1, 2]], [[3]]], [[4], [5]]).parameters_flat().tolist()
        [1.0, 2.0, 4.0, 3.0, 5.0]
        """
        parts = []
        for W, b in zip(self.weights, self.biases, strict=True):
            parts += [W.ravel(), b.ravel()]
        return np.concatenate(parts).astype(np.float64)

    @classmethod
    def from_flat(cls, template: ReLUNetwork, vector: Any) -> ReLUNetwork:
        """A network of ``template``'s shapes with the parameters ``vector`` (exact rationals).

        >>> t = ReLUNetwork([[[1, 2]], [[3]]], [[4], [5]])
        >>> ReLUNetwork.from_flat(t, [0, 0, 0, 0, 1]).exact_forward([7, 7])
        [Fraction(1, 1)]
        """
        v = np.asarray(vector, dtype=np.float64)
        need = sum(W.size + W.shape[0] for W in template.weights)
        if v.shape != (need,):
            raise ValueError(f"the parameter vector must have shape ({need},), got {v.shape}")
        Ws, bs, at = [], [], 0
        for W in template.weights:
            o, i = W.shape
            Ws.append(v[at : at + o * i].reshape(o, i))
            at += o * i
            bs.append(v[at : at + o])
            at += o
        return cls(Ws, bs)

    # ------------------------------------------------------------------ evaluation
    def _check_batch(self, x: Any) -> tuple[np.ndarray, bool]:
        X = np.asarray(x, dtype=np.float64)
        single = X.ndim == 1
        if single:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.input_dim:
            raise ValueError(
                f"input must have shape ({self.input_dim},) or (batch, {self.input_dim}), "
                f"got {np.shape(x)}"
            )
        return X, single

    def forward(self, x: Any) -> np.ndarray:
        """Float64 output for one input of shape (D_i,) or a batch of shape (B, D_i)."""
        X, single = self._check_batch(x)
        H = X
        for W, B in zip(self.weights[:-1], self.biases[:-1], strict=True):
            H = np.maximum(H @ W.T + B, 0.0)
        Y = H @ self.weights[-1].T + self.biases[-1]
        return Y[0] if single else Y

    __call__ = forward

    def preactivations(self, x: Any) -> list[np.ndarray]:
        """Float64 pre-activations of every hidden layer, each of shape (B, n_l)."""
        X, _ = self._check_batch(x)
        out = []
        H = X
        for W, B in zip(self.weights[:-1], self.biases[:-1], strict=True):
            Z = H @ W.T + B
            out.append(Z)
            H = np.maximum(Z, 0.0)
        return out

    def _exact_input(self, x: Any) -> list[Fraction]:
        xs = list(np.asarray(x, dtype=object).reshape(-1))
        if len(xs) != self.input_dim:
            raise ValueError(f"input must have {self.input_dim} entries, got {len(xs)}")
        return [to_fraction(v, "input") for v in xs]

    def exact_preactivations(self, x: Any) -> list[list[Fraction]]:
        """Exact rational pre-activations of every hidden layer at one input."""
        h = self._exact_input(x)
        out = []
        for W, B in zip(self.exact_weights[:-1], self.exact_biases[:-1], strict=True):
            z = [sum((W[i, j] * h[j] for j in range(len(h))), B[i]) for i in range(W.shape[0])]
            out.append(z)
            h = [v if v > 0 else Fraction(0) for v in z]
        return out

    def exact_forward(self, x: Any) -> list[Fraction]:
        """Exact rational output at one input (given as ints, floats, Fractions or "p/q")."""
        h = self._exact_input(x)
        for W, B in zip(self.exact_weights[:-1], self.exact_biases[:-1], strict=True):
            h = [
                max(sum((W[i, j] * h[j] for j in range(len(h))), B[i]), Fraction(0))
                for i in range(W.shape[0])
            ]
        W, B = self.exact_weights[-1], self.exact_biases[-1]
        return [sum((W[i, j] * h[j] for j in range(len(h))), B[i]) for i in range(W.shape[0])]

    def activation_pattern(self, x: Any) -> tuple[tuple[bool, ...], ...]:
        """Exact activation pattern at one input: per hidden layer, which units have z > 0.

        A pre-activation exactly equal to 0 counts as **inactive**.
        """
        return tuple(tuple(v > 0 for v in z) for z in self.exact_preactivations(x))


def random_network(
    widths: Sequence[int],
    init: str = "he",
    seed: int | np.random.Generator | None = None,
    bias_scale: float = 0.1,
) -> ReLUNetwork:
    """A random ReLU network with He or Glorot (normal) initialisation, seeded.

    The weights are those of :func:`analysis.networks.init.random_layers` (its parameters);
    float64 values, exact as rationals.

    >>> net = random_network((1, 4, 4, 1), init="glorot", seed=1)
    >>> net.hidden_widths, net == random_network((1, 4, 4, 1), init="glorot", seed=1)
    ((4, 4), True)
    """
    return ReLUNetwork.random(widths, init=init, seed=seed, bias_scale=bias_scale)


def from_torch(module: Any, *, input_shape: Any = None) -> ReLUNetwork:
    """:meth:`ReLUNetwork.from_torch`."""
    return ReLUNetwork.from_torch(module, input_shape=input_shape)


def from_flax(params: Any) -> ReLUNetwork:
    """:meth:`ReLUNetwork.from_flax`."""
    return ReLUNetwork.from_flax(params)


def load_npz(path: Any) -> ReLUNetwork:
    """:meth:`ReLUNetwork.load_npz`."""
    return ReLUNetwork.load_npz(path)


def from_json(text: Any) -> ReLUNetwork:
    """:meth:`ReLUNetwork.from_json`."""
    return ReLUNetwork.from_json(text)
