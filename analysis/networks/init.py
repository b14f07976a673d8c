"""Random initialisation of ReLU network weights (He or Glorot), seeded."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["check_widths", "random_layers"]


def check_widths(widths: Sequence[int], hidden: bool = False) -> tuple[int, ...]:
    """Validate widths: ints >= 1; all of ``(D_i, n_1, ..., n_K, D_o)``, or ``hidden`` only.

    >>> check_widths([2, 3, 1]), check_widths([3], hidden=True)
    ((2, 3, 1), (3,))
    """
    try:
        ws = tuple(widths)
    except TypeError as exc:
        raise TypeError("widths must be a sequence of ints (D_i, n_1, ..., n_K, D_o)") from exc
    if hidden and not ws:
        raise ValueError("widths must name at least one hidden layer")
    if not hidden and len(ws) < 2:
        raise ValueError(f"widths needs at least (D_i, D_o), got {ws}")
    for i, w in enumerate(ws):
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)):
            raise TypeError(f"widths[{i}] must be an int, got {type(w).__name__}")
        if w < 1:
            raise ValueError(f"widths[{i}] must be >= 1, got {w}")
    return tuple(int(w) for w in ws)


def random_layers(
    widths: Sequence[int],
    init: str = "he",
    seed: int | np.random.Generator | None = None,
    bias_scale: float = 0.1,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Random weights and biases with He or Glorot (normal) initialisation.

    Parameters
    ----------
    widths : sequence of int
        ``(D_i, n_1, ..., n_K, D_o)``.
    init : {"he", "glorot"}
        He: weights ``N(0, 2/n_in)``; Glorot: ``N(0, 2/(n_in + n_out))``.
    seed : int, numpy Generator or None
        Seed of ``numpy.random.default_rng``.
    bias_scale : float
        Biases are ``N(0, bias_scale**2)``; 0 gives zero biases.

    Returns
    -------
    (weights, biases)
        float64 arrays, ``weights[l]`` of shape ``(n_{l+1}, n_l)``.

    >>> w, b = random_layers((1, 4, 4, 1), init="glorot", seed=1)
    >>> [a.shape for a in w], bool((w[0] == random_layers((1, 4, 4, 1), "glorot", 1)[0][0]).all())
    ([(4, 1), (4, 4), (1, 4)], True)
    """
    ws = check_widths(widths)
    if init not in ("he", "glorot"):
        raise ValueError(f"init must be 'he' or 'glorot', got {init!r}")
    if not np.isfinite(bias_scale) or bias_scale < 0:
        raise ValueError(f"bias_scale must be finite and >= 0, got {bias_scale}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(ws[:-1], ws[1:], strict=False):
        var = 2.0 / n_in if init == "he" else 2.0 / (n_in + n_out)
        weights.append(rng.normal(0.0, np.sqrt(var), size=(n_out, n_in)))
        biases.append(
            rng.normal(0.0, bias_scale, size=n_out) if bias_scale > 0 else np.zeros(n_out)
        )
    return weights, biases
