"""The lecture's optimizers as pure ``(init, update)`` pairs over numpy arrays (optax shape).

``update(grad, state, theta) -> (step, state)``; the new parameters are ``theta + step``.

>>> import numpy as np
>>> from analysis.optimizers import gd, run
>>> run(gd(0.25), lambda th: 2 * th, [1.0], 2).trajectory.ravel()
array([1.  , 0.5 , 0.25])
"""

from analysis.optimizers.ecd import ECDState, ecd, ecd_energy
from analysis.optimizers.factories import (
    adagrad,
    adam,
    gd,
    momentum,
    nesterov,
    newton,
    rmsprop,
    sgd,
)
from analysis.optimizers.run import OptimizeResult, run, run_minibatch
from analysis.optimizers.transforms import (
    AdamState,
    Optimizer,
    RmsState,
    TraceState,
    bias_correction,
    chain,
    identity,
    scale,
    scale_by_adagrad,
    scale_by_adam,
    scale_by_rms,
    trace,
)

__all__ = [
    "Optimizer",
    "OptimizeResult",
    "run",
    "run_minibatch",
    "gd",
    "sgd",
    "momentum",
    "nesterov",
    "rmsprop",
    "adam",
    "adagrad",
    "newton",
    "ecd",
    "ecd_energy",
    "ECDState",
    "chain",
    "identity",
    "scale",
    "trace",
    "scale_by_rms",
    "scale_by_adam",
    "scale_by_adagrad",
    "bias_correction",
    "TraceState",
    "RmsState",
    "AdamState",
]
