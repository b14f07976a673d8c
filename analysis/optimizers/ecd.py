"""Energy-conserving descent (ECD) with the separable Hamiltonian of De Luca & Silverstein.

The parameters :math:`\\theta` move as a particle with momentum :math:`p` under the separable
Hamiltonian of "Improving Energy Conserving Descent for Machine Learning" (De Luca, Gatti &
Silverstein, arXiv:2306.00352; the ECD framework is arXiv:2201.11137):

.. math::
    H(\\theta, p) = \\log\\left(s + |p|^2\\right) + \\eta_c \\log\\left(F(\\theta) - F_0\\right),

with :math:`F` the loss, :math:`F_0 < \\min F` its expected floor and :math:`\\eta_c \\ge 1` the
concentration (called :math:`\\eta` in the paper; it is *not* the learning rate). Hamilton's
equations are :math:`\\dot\\theta = 2p/(s + |p|^2)`,
:math:`\\dot p = -\\eta_c \\nabla F/(F - F_0)`. There is no friction: :math:`H` is conserved, so
the particle slows down (:math:`|p|` grows, the speed :math:`2|p|/(s+|p|^2)` falls) where
:math:`F` is low.

Integrator: Stormer-Verlet leapfrog (kick a half step, drift, kick a half step); both partial
flows are exact because :math:`H` is separable, so the map is symplectic and time reversible
and its energy error stays bounded, :math:`O(\\Delta t^2)`, over long runs. The half kicks of
consecutive steps use the same gradient, so one gradient and one loss per step suffice; the
state carries the half-step momentum. Options from the paper: ``conserve_energy`` rescales
:math:`|p|` at each step so that :math:`H` equals its initial value exactly, and ``nu`` > 0
adds the small random "bounces" of the momentum direction (seeded) that make the dynamics
chaotic. The paper's reference code integrates with symplectic Euler; leapfrog is the
second-order member of the same family.

>>> import numpy as np
>>> opt = ecd(lambda th: float(th @ th), dt=0.1, loss_floor=-1.0)
>>> state = opt.init(np.array([1.0, 0.0]))
>>> step, state = opt.update(np.array([2.0, 0.0]), state, np.array([1.0, 0.0]))
>>> bool(step[0] < 0)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from analysis.optimizers.transforms import Optimizer, check_positive

__all__ = ["ECDState", "ecd", "ecd_energy"]


class ECDState(NamedTuple):
    """State of ECD.

    Attributes
    ----------
    p_half : ndarray
        Momentum half a step ahead (after the first half kick of the last step).
    t : int
        Number of steps taken.
    energy0 : float
        :math:`H` at the start.
    energy : float
        :math:`H(\\theta_t, p_t)` at the iterate passed to the last ``update`` (synchronised
        momentum); ``nan`` before the first update.
    """

    p_half: np.ndarray
    t: int
    energy0: float
    energy: float


def ecd_energy(
    loss: float, p: np.ndarray, *, concentration: float, loss_floor: float, s: float
) -> float:
    """The ECD Hamiltonian :math:`\\log(s + |p|^2) + \\eta_c \\log(F - F_0)`.

    >>> import numpy as np
    >>> round(ecd_energy(1.0, np.zeros(2), concentration=1.0, loss_floor=0.0, s=1.0), 12)
    0.0
    """
    if not loss > loss_floor:
        raise ValueError(f"ECD needs loss > loss_floor, got loss {loss!r} <= {loss_floor!r}")
    return float(np.log(s + float(p @ p)) + concentration * np.log(loss - loss_floor))


def ecd(
    loss_fn: Callable[[np.ndarray], float],
    dt: float,
    *,
    concentration: float = 1.0,
    loss_floor: float = 0.0,
    s: float = 1.0,
    delta_energy: float = 0.0,
    conserve_energy: bool = False,
    nu: float = 0.0,
    seed: int = 0,
) -> Optimizer:
    """Energy-conserving descent (see the module docstring for the Hamiltonian and integrator).

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(theta) -> float``, the loss :math:`F` (ECD needs its value, not only its
        gradient).
    dt : float
        Time step :math:`\\Delta t` (the paper's learning rate), > 0.
    concentration : float
        The paper's :math:`\\eta`, >= 1 in the paper; > 0 accepted.
    loss_floor : float
        :math:`F_0`, strictly below every loss value the run visits (ValueError otherwise).
    s : float
        The regulator in :math:`\\log(s + |p|^2)`, > 0.
    delta_energy : float
        :math:`|p_0|^2`; the initial momentum points along :math:`-\\nabla F(\\theta_0)`.
    conserve_energy : bool
        Rescale :math:`|p|` every step so that :math:`H` stays at its initial value.
    nu : float
        Size of the random rotation ("bounce") of the momentum direction per step (0: none).
    seed : int
        Seed of the bounces; step ``t`` uses ``numpy.random.default_rng([seed, t])``, so the
        update stays a pure function.

    Returns
    -------
    Optimizer
        Its state is an :class:`ECDState`.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.optimizers import run
    >>> f = lambda th: float(th @ th)
    >>> res = run(ecd(f, dt=0.05, loss_floor=-0.5), lambda th: 2 * th, [1.0, 1.0], 400, f)
    >>> bool(res.losses[-1] < res.losses[0])
    True
    """
    dt = check_positive("dt", dt)
    eta_c = check_positive("concentration", concentration)
    s = check_positive("s", s)
    delta = check_positive("delta_energy", delta_energy, allow_zero=True)
    nu = check_positive("nu", nu, allow_zero=True)
    if not callable(loss_fn):
        raise TypeError("ecd: loss_fn must be callable, loss_fn(theta) -> float")
    f0 = float(loss_floor)

    def init(theta: np.ndarray) -> ECDState:
        return ECDState(np.zeros_like(np.asarray(theta, dtype=float)), 0, np.nan, np.nan)

    def update(grad: np.ndarray, state: ECDState, theta: np.ndarray) -> tuple[np.ndarray, ECDState]:
        loss = float(loss_fn(theta))
        if not loss > f0:
            raise ValueError(f"ecd: loss {loss!r} is not above loss_floor {f0!r}; lower it")
        kick = 0.5 * dt * eta_c * np.asarray(grad, dtype=float) / (loss - f0)
        log_v = eta_c * np.log(loss - f0)
        if state.t == 0:
            gnorm = float(np.linalg.norm(grad))
            p = -np.sqrt(delta) * grad / gnorm if gnorm > 0 else np.zeros_like(kick)
            energy0 = float(np.log(s + p @ p) + log_v)
        else:
            p = state.p_half - kick  # the second half kick of the previous step
            energy0 = state.energy0
        energy = float(np.log(s + p @ p) + log_v)
        if conserve_energy and state.t > 0:
            p2_target = np.exp(energy0 - log_v) - s
            p2 = float(p @ p)
            if p2_target > 0 and p2 > 0:
                p = p * np.sqrt(p2_target / p2)
                energy = energy0
        if nu > 0 and p @ p > 0:
            z = np.random.default_rng([seed, state.t]).standard_normal(p.shape)
            pn = float(np.linalg.norm(p))
            d = p / pn + nu * z
            p = pn * d / np.linalg.norm(d)
        p_half = p - kick
        step = dt * 2.0 * p_half / (s + p_half @ p_half)
        return step, ECDState(p_half, state.t + 1, energy0, energy)

    return Optimizer(init, update)
