"""Saddles, mini-batch noise and temperature, measured: the runs behind the saddle section.

* :func:`escape_steps`: GD from distance delta along a saddle's escape direction, the steps
  until |y| >= 1 (strict: E = -mu y^2/2; degenerate: E = -y^4/4), with physml's ``gd``.
* :func:`perturbed_escape`: GD started exactly at the saddle never moves; one random kick of
  size r (perturbed GD) escapes.
* :func:`minibatch_variance_exact`: the variance of the mini-batch mean over *all* C(n, B)
  batches, in exact rationals (no sampling).
* :func:`noise_floor`: the stationary variance of constant-step SGD, measured on a long run.
* :func:`langevin_escape_times`: first-passage times over the double-well barrier of the
  overdamped Langevin dynamics (Euler-Maruyama, many walkers at once).

>>> escape_steps("strict", delta=1e-3, eta=0.1, mu=1.0)
73
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.optimizers import gd, sgd

__all__ = [
    "escape_steps",
    "perturbed_escape",
    "minibatch_variance_exact",
    "noise_floor",
    "langevin_escape_times",
    "chain_escape_steps",
]


def escape_steps(
    kind: str, delta: float, eta: float, mu: float = 1.0, max_steps: int = 10**7
) -> int:
    """GD's steps from y = delta until |y| >= 1, on a ``"strict"`` or ``"degenerate"`` saddle."""
    if kind == "strict":

        def grad(y: np.ndarray) -> np.ndarray:  # E = -mu y^2 / 2
            return -mu * y
    elif kind == "degenerate":

        def grad(y: np.ndarray) -> np.ndarray:  # E = -y^4 / 4
            return -(y**3)
    else:
        raise ValueError(f"kind must be 'strict' or 'degenerate', got {kind!r}")
    opt = gd(eta=eta)
    y = np.array([float(delta)])
    state = opt.init(y)
    for t in range(1, max_steps + 1):
        step, state = opt.update(grad(y), state, y)
        y = y + step
        if abs(y[0]) >= 1:
            return t
    raise RuntimeError(f"no escape within {max_steps} steps")


def perturbed_escape(
    eta: float, mu: float, radius: float, steps: int, seed: int = 0
) -> dict[str, Any]:
    """GD from the saddle point itself (it stays) and perturbed GD (one kick of size ``radius``).

    On E = (x^2 - mu y^2)/2. Returns ``gd_final`` (GD's distance from the saddle after
    ``steps``) and ``pgd_steps`` (perturbed GD's steps until |y| >= 1, or None).
    """
    opt = gd(eta=eta)

    def grad(th: np.ndarray) -> np.ndarray:
        return np.array([th[0], -mu * th[1]])

    th = np.zeros(2)
    st = opt.init(th)
    for _ in range(steps):
        s, st = opt.update(grad(th), st, th)
        th = th + s
    gd_final = float(np.linalg.norm(th))
    kick = np.random.default_rng(seed).standard_normal(2)
    th = radius * kick / np.linalg.norm(kick)
    st = opt.init(th)
    pgd = None
    for t in range(1, steps + 1):
        s, st = opt.update(grad(th), st, th)
        th = th + s
        if abs(th[1]) >= 1:
            pgd = t
            break
    return {
        "gd_final": gd_final,
        "pgd_steps": pgd,
        "kick_y": float(radius * kick[1] / np.linalg.norm(kick)),
    }


def minibatch_variance_exact(g: list[Fraction], B: int) -> tuple[Fraction, Fraction]:
    """``(Var of the batch mean over all C(n, B) batches, the population variance sigma^2)``."""
    n = len(g)
    means = [sum(c, Fraction(0)) / B for c in itertools.combinations(g, B)]
    m = sum(means, Fraction(0)) / len(means)
    var = sum(((x - m) ** 2 for x in means), Fraction(0)) / len(means)
    gm = sum(g, Fraction(0)) / n
    sigma2 = sum(((x - gm) ** 2 for x in g), Fraction(0)) / n
    return var, sigma2


def noise_floor(
    data: np.ndarray, eta: float, B: int, steps: int, seed: int = 0, burn: int = 2000
) -> float:
    """The variance of theta along constant-step SGD on E = (1/2n) sum (theta - g_i)^2.

    Batches of ``B`` drawn without replacement, independently each step; the sample variance
    of theta after ``burn`` steps (physml's ``sgd`` update).
    """
    rng = np.random.default_rng(seed)
    opt = sgd(eta=eta)
    th = np.array([float(np.mean(data))])
    st = opt.init(th)
    trace = np.empty(steps)
    n = len(data)
    for t in range(burn + steps):
        idx = rng.choice(n, B, replace=False)
        s, st = opt.update(th - data[idx].mean(), st, th)
        th = th + s
        if t >= burn:
            trace[t - burn] = th[0]
    return float(trace.var())


def langevin_escape_times(
    T: float,
    walkers: int = 300,
    dt: float = 0.01,
    seed: int = 0,
    target: float = -1.0,
    max_time: float = 1e5,
) -> np.ndarray:
    """First times that walkers from the minimum +1 reach ``target`` in V = (theta^2-1)^2/4.

    Overdamped Langevin d theta = -V'(theta) dt + sqrt(2 T) dW, Euler-Maruyama with step
    ``dt``; the default target is the other minimum, -1 (a full crossing of the barrier).
    """
    rng = np.random.default_rng(seed)
    th = np.ones(walkers)
    done = np.full(walkers, np.nan)
    t = 0.0
    amp = np.sqrt(2 * T * dt)
    while np.isnan(done).any() and t < max_time:
        live = np.isnan(done)
        x = th[live]
        x = x - (x**3 - x) * dt + amp * rng.standard_normal(x.size)
        th[live] = x
        t += dt
        crossed = np.flatnonzero(live)[x <= target]
        done[crossed] = t
    if np.isnan(done).any():
        raise RuntimeError(f"{int(np.isnan(done).sum())} walkers did not escape by t = {max_time}")
    return done


def chain_escape_steps(d: int, delta0: float, eta: float, mu: float, lam: float) -> list[int]:
    """GD's escape steps at each of ``d`` saddles in a chain (physml's ``gd``).

    Saddle k is E = (lam x^2 - mu y^2)/2 entered at (x, y) = (1, delta_k); GD runs until
    |y| >= 1, and the x it has shrunk to is the next saddle's delta (its escape direction).
    """
    opt = gd(eta=eta)
    delta = float(delta0)
    steps = []

    def grad(th: np.ndarray) -> np.ndarray:
        return np.array([lam * th[0], -mu * th[1]])

    for _ in range(d):
        th = np.array([1.0, delta])
        st = opt.init(th)
        t = 0
        while abs(th[1]) < 1:
            s, st = opt.update(grad(th), st, th)
            th = th + s
            t += 1
        steps.append(t)
        delta = abs(float(th[0]))
        if delta == 0:
            raise FloatingPointError("the chain's next distance underflowed float64")
    return steps
