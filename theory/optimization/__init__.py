"""The lecture's optimization results, derived with sympy from their premises.

Each function builds a :class:`~theory.derivation.Derivation` whose named results come out of
sympy operations on the update rule, the Taylor expansion or the discretised equation of
motion, and registers itself for ``physml derive NAME``.

Gradient descent (``theory.optimization.gd``): :func:`gd_stability`, :func:`learning_rate_regimes`,
:func:`newton_step`, :func:`gd_convergence_rate`. Momentum (``theory.optimization.momentum``):
:func:`momentum_particle_map`, :func:`heavy_ball`, :func:`nesterov`. Adaptive and stochastic
methods (``theory.optimization.adaptive``): :func:`adam_bias_correction`, :func:`rmsprop`,
:func:`sgd_minibatch`; :func:`energy_conserving_descent` (``theory.optimization.ecd``).

Besides the shared symbols of :mod:`theory.symbols`, results use ``ratio`` (r = eta/eta_opt),
``z`` (variable of characteristic polynomials), ``g``, ``g_mean``, ``g2_mean`` (a gradient,
E[g], E[g^2]), ``n_data``, ``batch`` and ``sigma`` (data-set size n, batch size B, standard
deviation of the per-example gradients).

>>> from theory.optimization import gd_stability
>>> gd_stability().results["eta_max"]
2/lambda_max
"""

from __future__ import annotations

from theory.optimization.adaptive import (
    adam_bias_correction,
    batch,
    g,
    g2_mean,
    g_mean,
    n_data,
    rmsprop,
    sgd_minibatch,
    sigma,
)
from theory.optimization.ecd import energy_conserving_descent
from theory.optimization.gd import (
    gd_convergence_rate,
    gd_stability,
    learning_rate_regimes,
    newton_step,
    ratio,
)
from theory.optimization.momentum import heavy_ball, momentum_particle_map, nesterov, z
from theory.optimization.phases import double_root_iterations, momentum_memory, momentum_phases
from theory.optimization.saddles import (
    kramers_escape,
    saddle_chain,
    saddle_escape,
    sgd_noise_floor,
)

__all__ = [
    "saddle_chain",
    "double_root_iterations",
    "momentum_memory",
    "saddle_escape",
    "sgd_noise_floor",
    "kramers_escape",
    "momentum_phases",
    "gd_stability",
    "learning_rate_regimes",
    "newton_step",
    "gd_convergence_rate",
    "momentum_particle_map",
    "heavy_ball",
    "nesterov",
    "adam_bias_correction",
    "rmsprop",
    "sgd_minibatch",
    "energy_conserving_descent",
    "ratio",
    "z",
    "g",
    "g_mean",
    "g2_mean",
    "n_data",
    "batch",
    "sigma",
]
