"""Optimizers side by side: basins of attraction, and every optimizer tuned on several problems.

* :func:`basin_map`: which minimum GD reaches from each start of a grid (all starts at once),
  beside :func:`flow_basins`, the minimum the gradient flow reaches (scipy's ODE solver): the
  two agree for a small step and part ways for a large one.
* :func:`tune`: each optimizer's learning rate chosen on a grid for one problem; the best final
  loss and the steps it took to get within a tolerance of it.

>>> from analysis.landscapes import himmelblau
>>> basin_map(himmelblau(), [[3.5], [2.5]], eta=0.01, steps=500).tolist()
[0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from analysis.landscapes import Landscape
from analysis.optimizers import Optimizer, adagrad, adam, gd, momentum, nesterov, rmsprop, run

__all__ = ["basin_map", "flow_basins", "OPTIMIZERS", "TuneResult", "tune"]


def _nearest(land: Landscape, pts: np.ndarray, tol: float) -> np.ndarray:
    mins = np.asarray(land.minima, dtype=float)  # (m, 2)
    dist = np.linalg.norm(pts.T[:, None, :] - mins[None, :, :], axis=2)
    label = dist.argmin(axis=1)
    label[dist.min(axis=1) > tol] = -1  # not at a minimum (diverged or still far)
    return label


def basin_map(
    land: Landscape, starts: Any, eta: float, steps: int, tol: float = 1e-3
) -> np.ndarray:
    """The index of the minimum GD reaches from each start (columns of a (2, N) array), or -1."""
    th = np.array(starts, dtype=float)
    opt = gd(eta=eta)
    state = opt.init(th)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            step, state = opt.update(land.grad(th), state, th)
            th = th + step
            th[:, ~np.all(np.isfinite(th), axis=0)] = np.inf
    return _nearest(land, th, tol)


def flow_basins(land: Landscape, starts: Any, t_end: float = 50.0, tol: float = 1e-3) -> np.ndarray:
    """The minimum the gradient flow d theta/dt = -grad E reaches from each start (or -1)."""
    th0 = np.array(starts, dtype=float)
    n = th0.shape[1]

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        return -land.grad(y.reshape(2, n)).reshape(-1)

    sol = solve_ivp(rhs, (0.0, t_end), th0.reshape(-1), method="LSODA", rtol=1e-8, atol=1e-10)
    return _nearest(land, sol.y[:, -1].reshape(2, n), tol)


#: the optimizers compared, as factories of the learning rate
OPTIMIZERS: dict[str, Callable[[float], Optimizer]] = {
    "gd": gd,
    "momentum (γ = 0.9)": lambda e: momentum(e, 0.9),
    "nesterov (γ = 0.9)": lambda e: nesterov(e, 0.9),
    "rmsprop": lambda e: rmsprop(eta=e),
    "adam": lambda e: adam(eta=e),
    "adagrad": lambda e: adagrad(eta=e),
}


@dataclass(frozen=True)
class TuneResult:
    """The best run of one optimizer on one problem."""

    optimizer: str
    eta: float
    final_loss: float
    steps_to_tol: int | None


def tune(
    loss: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], np.ndarray],
    theta0: np.ndarray,
    steps: int,
    etas: Sequence[float],
    optimizers: dict[str, Callable[[float], Optimizer]] | None = None,
    tol: float = 1e-6,
) -> list[TuneResult]:
    """For each optimizer, the learning rate of ``etas`` with the smallest final loss.

    ``steps_to_tol``: the first step whose loss is within ``tol`` (absolute) of the best final
    loss over all optimizers, or None.
    """
    optimizers = OPTIMIZERS if optimizers is None else optimizers
    runs: dict[str, tuple[float, float, list[float]]] = {}
    for name, make in optimizers.items():
        best: tuple[float, float, list[float]] | None = None
        for e in etas:
            with np.errstate(all="ignore"):
                res = run(make(e), grad, theta0, steps, loss_fn=loss)
            assert res.losses is not None
            curve = [float(v) for v in res.losses[1:]]
            final = curve[-1] if not res.diverged and np.isfinite(curve[-1]) else np.inf
            if best is None or final < best[1]:
                best = (e, final, curve)
        assert best is not None
        runs[name] = best
    floor = min(v[1] for v in runs.values())
    out = []
    for name, (e, final, curve) in runs.items():
        hit = next((i + 1 for i, v in enumerate(curve) if v <= floor + tol), None)
        out.append(TuneResult(name, e, final, hit))
    return out
