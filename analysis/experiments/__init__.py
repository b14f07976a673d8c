"""The training experiments: exact regions, depth and optimizers meeting on real training runs.

Each experiment is a function that returns plain data (lists and dicts of numbers), so that a
report section, a notebook or a script can draw and check it:

========================================  =====================================================
:func:`regions_at_init`                   exact region counts vs total neurons N and depth
:func:`regions_during_training`           exact counts at the checkpoints of a training run
:func:`shallow_vs_deep`                   equal parameter budgets, several seeds, with spread
:func:`sgd_generalisation`                GD vs mini-batch SGD under label noise, early stopping
:func:`interpolation_errors`              sup error of the D-piece interpolant vs D (D^-2 law)
:func:`trained_shallow_errors`            a trained shallow network beside the interpolant
:func:`sawtooth_network`                  the deep width-2 network of a 2^K-tooth sawtooth
:func:`best_shallow_sawtooth_error`       best sup error of a shallow fit on fixed joints (LP)
:func:`digits_mlp`                        a digits classifier and its regions on a plane
========================================  =====================================================
"""

from analysis.experiments.approximation import (
    best_shallow_sawtooth_error,
    interpolation_errors,
    sawtooth_network,
    trained_shallow_errors,
)
from analysis.experiments.digits import digits_mlp
from analysis.experiments.generalisation import sgd_generalisation, shallow_vs_deep
from analysis.experiments.regions_training import regions_at_init, regions_during_training

__all__ = [
    "regions_at_init",
    "regions_during_training",
    "shallow_vs_deep",
    "sgd_generalisation",
    "interpolation_errors",
    "trained_shallow_errors",
    "sawtooth_network",
    "best_shallow_sawtooth_error",
    "digits_mlp",
]
