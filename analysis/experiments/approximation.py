"""Universal approximation with rates, and depth efficiency as approximation.

* :func:`interpolation_errors`: the sup error of the D-piece linear interpolant of a smooth
  target (what a shallow network with D units can represent exactly), against the derived
  D^-2 law (:func:`theory.networks.interpolation_error`), with both derived bounds.
* :func:`trained_shallow_errors`: shallow networks trained with Adam, beside it.
* :func:`sawtooth_network`: the deep width-2 network that computes the 2^K-tooth sawtooth
  exactly (composed tent maps, Telgarsky 2016).
* :func:`best_shallow_sawtooth_error`: the best sup error of a shallow network with given
  joints on the sawtooth, by linear programming; any shallow network with fewer than 2^K
  units has sup error >= 1/2 (an affine piece cannot follow a tooth), and 2^(K+1) - 1 units
  fit it exactly.

>>> net = sawtooth_network(2)
>>> [str(v[0]) for v in (net.exact_forward(["1/8"]), net.exact_forward(["1/4"]))]
['1', '0']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.optimize import linprog

from analysis.datasets import sawtooth_wave
from analysis.networks import ReLUNetwork
from analysis.optimizers import adam
from analysis.training import train
from theory.networks import interpolation_error_bound

__all__ = [
    "interpolation_errors",
    "trained_shallow_errors",
    "sawtooth_network",
    "best_shallow_sawtooth_error",
]


def _target(name: str) -> tuple[Callable[[np.ndarray], np.ndarray], float, float, float, float]:
    """A named smooth target on [-1, 1]: (f, a, b, max|f''|, max|f'''|)."""
    if name == "sine":  # sin(pi x): f'' = -pi^2 sin, max |f''| = pi^2 at x = +-1/2
        return (lambda x: np.sin(np.pi * x)), -1.0, 1.0, np.pi**2, np.pi**3
    if name == "gaussian":  # exp(-4 x^2): f'' = (64 x^2 - 8) e^{-4x^2}, max |f''| = 8 at 0
        return (lambda x: np.exp(-4 * x**2)), -1.0, 1.0, 8.0, 64.0 * 1.1
    raise ValueError(f"unknown target {name!r}; known: sine, gaussian")


def _sup_error(f: Callable, xs: np.ndarray, knots: np.ndarray) -> float:
    return float(np.max(np.abs(f(xs) - np.interp(xs, knots, f(knots)))))


def interpolation_errors(
    Ds: Sequence[int] = (2, 4, 8, 16, 32, 64, 128), target: str = "sine", samples: int = 64
) -> list[dict[str, Any]]:
    """Sup error of the uniform D-piece interpolant of ``target`` against the derived bounds.

    The error is measured on ``samples`` points per piece, midpoints included (a lower estimate
    of the true sup that still exceeds the derived lower bound). Rows: ``D``, ``error``,
    ``upper`` (M (b-a)^2/(8D^2)), ``lower`` ((M - h M3) h^2/8, the midpoint estimate) and
    ``scaled`` (D^2 error, whose limit is (b-a)^2 M/8).

    >>> r = interpolation_errors((8,))[0]
    >>> r["lower"] <= r["error"] <= r["upper"]
    True
    """
    f, a, b, M, M3 = _target(target)
    rows = []
    for D in Ds:
        knots = np.linspace(a, b, D + 1)
        h = (b - a) / D
        xs = np.concatenate([np.linspace(a, b, D * samples + 1), (knots[:-1] + knots[1:]) / 2])
        err = _sup_error(f, xs, knots)
        rows.append(
            {
                "D": D,
                "error": err,
                "upper": interpolation_error_bound(M, a, b, D),
                "lower": max(0.0, (M - h * M3) * h * h / 8),
                "scaled": D * D * err,
                "scaled_limit": (b - a) ** 2 * M / 8,
            }
        )
    return rows


def trained_shallow_errors(
    Ds: Sequence[int] = (2, 4, 8, 16),
    target: str = "sine",
    steps: int = 3000,
    eta: float = 0.01,
    seeds: Sequence[int] = (0,),
    n: int = 256,
) -> list[dict[str, Any]]:
    """Shallow ``1-D-1`` networks trained with Adam (MSE) on ``target``: their sup error.

    Rows: ``D``, ``error`` (the smallest sup error over ``seeds``, on a fine grid) and
    ``interpolant`` (the uniform interpolant's, for comparison).
    """
    f, a, b, _, _ = _target(target)
    X = np.linspace(a, b, n)[:, None]
    y = f(X)
    grid = np.linspace(a, b, 4001)[:, None]
    rows = []
    for D in Ds:
        errs = []
        for seed in seeds:
            net = ReLUNetwork.random((1, D, 1), seed=seed)
            res = train(net, X, y, adam(eta=eta), steps=steps, record_every=steps, seed=seed)
            errs.append(float(np.max(np.abs(res.net.forward(grid) - f(grid)))))
        rows.append(
            {
                "D": D,
                "error": min(errs),
                "interpolant": _sup_error(f, grid[:, 0], np.linspace(a, b, D + 1)),
            }
        )
    return rows


def sawtooth_network(K: int) -> ReLUNetwork:
    """The deep network, K + 1 hidden layers of width 2, that is the 2^K-tooth sawtooth on [0, 1].

    Each layer computes the tent t(u) = 2 relu(u) - 4 relu(u - 1/2) of the previous tent's
    output; K + 1 tents composed have 2^K teeth. Exact rational weights.
    """
    if isinstance(K, bool) or not isinstance(K, int) or K < 0:
        raise ValueError(f"K must be an integer >= 0, got {K!r}")
    half = Fraction(1, 2)
    weights: list[list[list[Any]]] = [[[1], [1]]]
    biases: list[list[Any]] = [[0, -half]]
    for _ in range(K):
        weights.append([[2, -4], [2, -4]])
        biases.append([0, -half])
    weights.append([[2, -4]])
    biases.append([0])
    return ReLUNetwork(weights, biases)


def best_shallow_sawtooth_error(K: int, units: int, samples_per_half_tooth: int = 8) -> float:
    """The best sup error on the 2^K-tooth sawtooth of a shallow net whose joints are fixed.

    The ``units`` joints are spread uniformly over (0, 1) (one joint per unit), the output
    weights and bias are free: minimising the largest error at the sample points (every
    extremal point of the sawtooth included) is a linear program (scipy's HiGHS). The value is
    an upper bound on the best error over all shallow networks with that many units whose
    joints lie in [0, 1], measured on samples; the theory says it is >= 1/2 when
    ``units < 2^K``.
    """
    teeth = 2**K
    xs = np.linspace(0.0, 1.0, 2 * teeth * samples_per_half_tooth + 1)
    ys = sawtooth_wave(xs, teeth)
    joints = (np.arange(units) + 0.5) / units if units else np.zeros(0)
    if units == 2 * teeth - 1:  # the joints the exact fit needs: the interior extremal points
        joints = np.arange(1, 2 * teeth) / (2 * teeth)
    feats = np.column_stack([np.maximum(xs[:, None] - joints[None, :], 0.0), np.ones_like(xs), xs])
    m = feats.shape[1]
    # variables: coefficients (m, free) and t >= 0; minimise t with |feats c - y| <= t
    cost = np.zeros(m + 1)
    cost[-1] = 1.0
    ones = np.ones((len(xs), 1))
    A = np.vstack([np.hstack([feats, -ones]), np.hstack([-feats, -ones])])
    rhs = np.concatenate([ys, -ys])
    bounds = [(None, None)] * m + [(0, None)]
    res = linprog(cost, A_ub=A, b_ub=rhs, bounds=bounds, method="highs")
    if not res.success:
        raise RuntimeError(f"the LP failed: {res.message}")
    return float(res.x[-1])
