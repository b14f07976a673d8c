"""Seeded data sets for training: 1-D targets, 2-D classification, noisy labels, a real one.

Every generator takes ``seed`` and returns float64 ``X`` of shape ``(n, d)`` and targets ``y``
(``(n, 1)`` floats for regression, integer classes ``(n,)`` for classification). ``digits()``
is scikit-learn's bundled 8 x 8 handwritten digits (an optional extra, ``[data]``; no
download).

>>> X, y = moons(100, noise=0.1, seed=0)
>>> X.shape, sorted(set(y.tolist()))
((100, 2), [0, 1])
>>> Xtr, ytr, Xte, yte = train_test_split(X, y, test_fraction=0.25, seed=0)
>>> len(Xtr), len(Xte)
(75, 25)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "sawtooth_wave",
    "sine",
    "sawtooth",
    "absolute",
    "step",
    "moons",
    "circles",
    "spirals",
    "xor",
    "noisy_labels",
    "train_test_split",
    "digits",
]


def _n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    return int(n)


def _grid(n: int, seed: int | None, lo: float = -1.0, hi: float = 1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(rng.uniform(lo, hi, _n(n)))[:, None]


def sine(n: int = 200, periods: float = 1.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """``y = sin(2 pi periods x)`` at ``n`` seeded points of [-1, 1]."""
    X = _grid(n, seed)
    return X, np.sin(2 * np.pi * periods * X)


def sawtooth_wave(x: Any, teeth: int) -> np.ndarray:
    """The sawtooth of ``teeth`` teeth on [0, 1] at ``x``: 0 at j/teeth, 1 halfway between.

    >>> sawtooth_wave([0.0, 0.125, 0.25], 2).tolist()
    [0.0, 0.5, 1.0]
    """
    if isinstance(teeth, bool) or not isinstance(teeth, (int, np.integer)) or teeth < 1:
        raise ValueError(f"teeth must be a positive integer, got {teeth!r}")
    u = (np.asarray(x, dtype=np.float64) * teeth) % 1.0
    return 1.0 - np.abs(2.0 * u - 1.0)


def sawtooth(n: int = 200, teeth: int = 4, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """A sawtooth of ``teeth`` teeth on [0, 1] (a triangle wave from 0 to 1 and back)."""
    if not isinstance(teeth, int) or teeth < 1:
        raise ValueError(f"teeth must be a positive integer, got {teeth!r}")
    X = _grid(n, seed, 0.0, 1.0)
    return X, sawtooth_wave(X, teeth)


def absolute(n: int = 200, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """``y = |x|`` on [-1, 1] (two linear pieces)."""
    X = _grid(n, seed)
    return X, np.abs(X)


def step(n: int = 200, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """A unit step at 0 on [-1, 1] (not continuous: no ReLU network fits it exactly)."""
    X = _grid(n, seed)
    return X, (X > 0).astype(np.float64)


def moons(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, classes 0 and 1, Gaussian noise of scale ``noise``."""
    rng = np.random.default_rng(seed)
    n = _n(n)
    k = n // 2
    t0, t1 = rng.uniform(0, np.pi, k), rng.uniform(0, np.pi, n - k)
    a = np.column_stack([np.cos(t0), np.sin(t0)])
    b = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([a, b]) + rng.normal(0, noise, (n, 2))
    y = np.concatenate([np.zeros(k, int), np.ones(n - k, int)])
    return X, y


def circles(
    n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles (radii 1 and ``factor``), classes 0 (outer) and 1 (inner)."""
    rng = np.random.default_rng(seed)
    n = _n(n)
    k = n // 2
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.concatenate([np.ones(k), np.full(n - k, factor)])
    X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0, noise, (n, 2))
    return X, np.concatenate([np.zeros(k, int), np.ones(n - k, int)])


def spirals(
    n: int = 200, noise: float = 0.05, turns: float = 1.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals of ``turns`` turns, classes 0 and 1."""
    rng = np.random.default_rng(seed)
    n = _n(n)
    k = n // 2
    t = np.sqrt(rng.uniform(0, 1, n)) * turns * 2 * np.pi
    sign = np.concatenate([np.ones(k), -np.ones(n - k)])
    X = np.column_stack([sign * t * np.cos(t), sign * t * np.sin(t)]) / (turns * 2 * np.pi)
    return X + rng.normal(0, noise, (n, 2)), np.concatenate([np.zeros(k, int), np.ones(n - k, int)])


def xor(n: int = 200, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points of [-1, 1]^2 labelled by the XOR of their coordinates' signs."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (_n(n), 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    return X + rng.normal(0, noise, X.shape) if noise else X, y


def noisy_labels(
    y: Any, rate: float, n_classes: int | None = None, seed: int | None = 0
) -> np.ndarray:
    """A copy of integer labels ``y`` with a fraction ``rate`` changed to another class."""
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise ValueError("noisy_labels needs integer class labels")
    if not 0 <= rate <= 1:
        raise ValueError(f"rate must be in [0, 1], got {rate!r}")
    k = int(n_classes if n_classes is not None else y.max() + 1)
    rng = np.random.default_rng(seed)
    out = y.copy()
    flip = rng.permutation(len(y))[: int(round(rate * len(y)))]
    out[flip] = (y[flip] + rng.integers(1, k, len(flip))) % k
    return out


def train_test_split(
    X: Any, y: Any, test_fraction: float = 0.25, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A seeded split ``(X_train, y_train, X_test, y_test)`` (the same seed, the same split)."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    idx = np.random.default_rng(seed).permutation(len(X))
    k = int(round(test_fraction * len(X)))
    te, tr = idx[:k], idx[k:]
    return X[tr], y[tr], X[te], y[te]


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 handwritten 8 x 8 digits: ``X`` (n, 64) in [0, 1], ``y`` 0..9.

    The data ship inside scikit-learn (``load_digits``, no download); install the ``[data]``
    extra for it.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError(
            "digits() needs scikit-learn: pip install -e '.[data]' (its bundled data, no download)"
        ) from None
    d = load_digits()
    return d.data.astype(np.float64) / 16.0, d.target.astype(int)
