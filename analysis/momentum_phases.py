"""Momentum's stability regions measured numerically: spectral radii of the update matrices.

For each scheme the per-eigendirection update of (theta_t, theta_{t-1}) is written out here as
its 2 x 2 matrix (from the update rule, not from the derived polynomial), and its spectral
radius is computed with numpy. :func:`threshold` finds where the radius reaches 1 by bisection,
:func:`spectral_map` draws it over a (q, gamma) grid, and :func:`run_lecture_sign` iterates the
slide's rule itself.

>>> round(threshold("heavy_ball", 0.5), 9)
3.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analysis.quadratics import _factory, tuned_hyperparameters

__all__ = [
    "SCHEMES",
    "update_matrix",
    "spectral_radius",
    "threshold",
    "spectral_map",
    "run_lecture_sign",
    "double_root_count",
    "slowest_direction_count",
    "worst_radius",
    "best_tuning",
]

SCHEMES = ("heavy_ball", "nesterov", "lecture_sign")


def _first_row(scheme: str, q: Any, gamma: Any) -> tuple[Any, Any]:
    """The first row of :func:`update_matrix` (its second row is (1, 0)); broadcasts."""
    s = {"heavy_ball": 0.0, "nesterov": -1.0, "lecture_sign": 1.0}.get(scheme)
    if s is None:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    # x = theta_t + s gamma (theta_{t-1} - theta_t);
    # theta_{t+1} = theta_t - gamma (theta_{t-1} - theta_t) - q x
    return 1.0 + gamma - q * (1.0 - s * gamma), -gamma - q * s * gamma


def update_matrix(scheme: str, q: float, gamma: float) -> np.ndarray:
    """The map (theta_t, theta_{t-1}) -> (theta_{t+1}, theta_t) for q = eta lambda.

    With v_{t-1} = theta_{t-1} - theta_t, v_t = gamma v_{t-1} + q x and theta_{t+1} =
    theta_t - v_t, where the gradient is taken at x = theta_t (heavy ball), theta_t - gamma
    v_{t-1} (Nesterov) or theta_t + gamma v_{t-1} (the slide's sign).
    """
    m00, m01 = _first_row(scheme, q, gamma)
    return np.array([[m00, m01], [1.0, 0.0]])


def spectral_radius(scheme: str, q: float, gamma: float) -> float:
    """The largest |eigenvalue| of :func:`update_matrix` (< 1: the direction converges)."""
    return float(np.max(np.abs(np.linalg.eigvals(update_matrix(scheme, q, gamma)))))


def threshold(scheme: str, gamma: float, rtol: float = 1e-12) -> float:
    """The smallest q > 0 where the spectral radius reaches 1, by bisection (q_max).

    The bracket starts at [q_lo, q_hi] with q_lo small (stable) and q_hi doubled until
    unstable; the stable set of each scheme is an interval (0, q_max).
    """
    lo, hi = 1e-6, 1.0
    if spectral_radius(scheme, lo, gamma) >= 1:
        raise ValueError(f"{scheme} is not stable at small q for gamma = {gamma}")
    while spectral_radius(scheme, hi, gamma) < 1:
        lo, hi = hi, 2 * hi
        if hi > 1e9:
            raise ValueError("no threshold below 1e9")
    while hi - lo > rtol * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if spectral_radius(scheme, mid, gamma) < 1 else (lo, mid)
    return 0.5 * (lo + hi)


def spectral_map(scheme: str, qs: ArrayLike, gammas: ArrayLike) -> np.ndarray:
    """Spectral radii on the grid: ``out[i, j]`` at ``gamma = gammas[i]``, ``q = qs[j]``."""
    return np.array(
        [[spectral_radius(scheme, q, g) for q in np.ravel(qs)] for g in np.ravel(gammas)]
    )


def run_lecture_sign(q: float, gamma: float, steps: int = 400, theta0: float = 1.0) -> np.ndarray:
    """The slide's rule v_t = gamma v_{t-1} + eta grad E(theta_t + gamma v_{t-1}), iterated.

    On E = theta^2/2 (lambda = 1, so eta = q); returns theta_0..theta_steps from rest.
    """
    th, v = theta0, 0.0
    out = [th]
    for _ in range(steps):
        v = gamma * v + q * (th + gamma * v)
        th = th - v
        out.append(th)
    return np.array(out)


def double_root_count(rho: float, eps: float) -> int:
    """The smallest integer N past the prefactor's peak with (1 + (1 - rho) N) rho^N <= eps.

    The slowest mode of tuned heavy ball and Nesterov from rest
    (:func:`theory.optimization.double_root_iterations`), evaluated in floating point.

    >>> double_root_count(0.9, 1e-6)
    158
    """
    if not 0 < rho < 1 or not 0 < eps < 1:
        raise ValueError("need 0 < rho < 1 and 0 < eps < 1")
    log_mode = lambda n: math.log1p((1 - rho) * n) + n * math.log(rho)  # noqa: E731
    lo = max(0.0, 1 / math.log(1 / rho) - 1 / (1 - rho))  # the prefactor's peak
    hi = max(1.0, 2 * lo)
    while log_mode(hi) > math.log(eps):
        hi *= 2
    while hi - lo > 1e-9 * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if log_mode(mid) > math.log(eps) else (lo, mid)
    return math.ceil(hi - 1e-9 * hi)


def slowest_direction_count(method: str, kappa: float, eps: float) -> int:
    """Steps of physml's tuned ``momentum`` or ``nesterov`` on the lambda_min direction alone.

    A 1-D quadratic with curvature 1/kappa, the optimizer tuned for [1/kappa, 1] as in
    :func:`analysis.quadratics.tuned_hyperparameters`; steps until |theta_t| <= eps |theta_0|.
    """
    tuned = tuned_hyperparameters(method, 1.0 / kappa, 1.0)
    opt = _factory(method, tuned["gamma"])(tuned["eta"])
    lam = 1.0 / kappa
    th = np.array([1.0])
    state = opt.init(th)
    for t in range(1, 10**8):
        step, state = opt.update(lam * th, state, th)
        th = th + step
        if abs(th[0]) <= eps:
            return t
    raise RuntimeError("no convergence")


def worst_radius(
    scheme: str, etas: ArrayLike, gammas: ArrayLike, lam_min: float, lam_max: float, nq: int = 200
) -> np.ndarray:
    """The worst spectral radius over curvatures in [lam_min, lam_max], on an (eta, gamma) grid.

    Entries of :func:`update_matrix` in closed form, vectorised; the roots of its
    characteristic polynomial z^2 - tr z + det. ``out[i, j]`` is at ``etas[i]``, ``gammas[j]``.
    """
    E, G = np.meshgrid(np.ravel(etas), np.ravel(gammas), indexing="ij")
    m00, m01 = _first_row(scheme, E[..., None] * np.linspace(lam_min, lam_max, nq), G[..., None])
    tr, det = m00, -m01
    disc = np.sqrt((tr**2 - 4 * det).astype(complex))
    return np.maximum(np.abs((tr + disc) / 2), np.abs((tr - disc) / 2)).max(axis=-1)


def best_tuning(scheme: str, kappa: float) -> tuple[float, float, float]:
    """``(rate, eta, gamma)`` minimising the worst radius over [1/kappa, 1], found numerically.

    A grid search, then Nelder-Mead from the best grid point (scipy). Independent of the
    derivations: it searches instead of solving.
    """
    from scipy.optimize import minimize

    etas, gammas = np.linspace(0.01, 4.0, 160), np.linspace(0.0, 0.99, 160)
    r = worst_radius(scheme, etas, gammas, 1 / kappa, 1.0)
    i, j = np.unravel_index(int(r.argmin()), r.shape)

    def f(x: np.ndarray) -> float:
        if not (0 < x[0] and 0 <= x[1] < 1):
            return 10.0
        return float(worst_radius(scheme, [x[0]], [x[1]], 1 / kappa, 1.0, nq=2000)[0, 0])

    res = minimize(
        f, [etas[i], gammas[j]], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12}
    )
    return float(res.fun), float(res.x[0]), float(res.x[1])
