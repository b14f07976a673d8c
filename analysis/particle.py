"""Momentum as a massive particle in a viscous medium: the equation of motion, solved two ways.

The lecture's particle obeys :math:`m \\ddot w + \\mu \\dot w = -\\nabla E(w)`.
:func:`particle_trajectory` integrates it finely (scipy's ``solve_ivp``);
:func:`eom_iterates` steps the lecture's discretisation

.. math:: m \\frac{w_{t+\\Delta t} - 2 w_t + w_{t-\\Delta t}}{\\Delta t^2}
          + \\mu \\frac{w_{t+\\Delta t} - w_t}{\\Delta t} = -\\nabla E(w_t),

solved for :math:`w_{t+\\Delta t}`; ``theory.optimization.momentum_particle_map`` derives that this
is gradient descent with momentum, :math:`\\gamma = m/(m+\\mu\\Delta t)`,
:math:`\\eta = \\Delta t^2/(m+\\mu\\Delta t)`.

>>> from analysis.optimizers import momentum, run
>>> m, mu, dt = 1.0, 0.5, 0.1                      # the lecture's map, written out here
>>> gdm = momentum(eta=dt**2 / (m + mu * dt), gamma=m / (m + mu * dt))
>>> w = eom_iterates(m, mu, dt, lambda w: w, 1.0, 50)
>>> bool(np.allclose(w, run(gdm, lambda th: th, np.array([1.0]), 50).trajectory[:, 0]))
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["particle_trajectory", "eom_iterates"]


def particle_trajectory(
    grad: Callable[[float], float],
    m: float,
    mu: float,
    w0: float,
    T: float,
    v0: float = 0.0,
    rtol: float = 1e-11,
    atol: float = 1e-13,
) -> Any:
    """The particle's motion from ``(w0, v0)`` up to time ``T``: scipy's dense ``OdeResult``.

    ``sol.sol(t)[0]`` is the position at time ``t`` (``dense_output=True``).

    >>> sol = particle_trajectory(lambda w: w, 1.0, 0.0, 1.0, 3.14159265)  # undamped oscillator
    >>> round(float(sol.sol(3.14159265)[0]), 6)
    -1.0
    """
    from scipy.integrate import solve_ivp

    return solve_ivp(
        lambda t, y: [y[1], (-mu * y[1] - grad(y[0])) / m],
        (0.0, T),
        [w0, v0],
        rtol=rtol,
        atol=atol,
        dense_output=True,
    )


def eom_iterates(
    m: float, mu: float, dt: float, grad: Callable[[float], float], w0: float, n: int
) -> np.ndarray:
    """The lecture's discretised equation of motion from rest at ``w0``: ``n`` steps of ``dt``."""
    w_prev, w = w0, w0  # at rest: w_{-Dt} = w_0
    out = [w0]
    for _ in range(n):
        # m (w+ - 2w + w-)/dt^2 + mu (w+ - w)/dt = -grad(w)
        w_next = (-grad(w) + m * (2 * w - w_prev) / dt**2 + mu * w / dt) / (m / dt**2 + mu / dt)
        w_prev, w = w, w_next
        out.append(w)
    return np.array(out)
