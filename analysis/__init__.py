"""physml.analysis: numeric and exact computation (networks, regions, optimizers, report).

The public names are re-exported here so the API is visible at a glance; the submodules hold
the rest. Importing this package imports neither matplotlib nor torch (the plotting modules
``analysis.plot_*`` and the torch adapters do, when used).

>>> from analysis import ReLUNetwork, count_regions
>>> count_regions(ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]]))   # |x|: two pieces
2
"""

from analysis.constructions import max_regions_network
from analysis.networks import ReLUNetwork
from analysis.optimizers import (
    Optimizer,
    OptimizeResult,
    adagrad,
    adam,
    ecd,
    gd,
    momentum,
    nesterov,
    newton,
    rmsprop,
    run,
    run_minibatch,
    sgd,
)
from analysis.quadratics import QuadraticProblem, divergence_threshold, iterations_to_tolerance
from analysis.regions import (
    Region,
    RegionLimitExceeded,
    RegionTimeBudgetExceeded,
    count_regions,
    enumerate_regions,
    iter_regions,
    region_graph,
)

__all__ = [
    "ReLUNetwork",
    "max_regions_network",
    "count_regions",
    "enumerate_regions",
    "iter_regions",
    "region_graph",
    "Region",
    "RegionLimitExceeded",
    "RegionTimeBudgetExceeded",
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
    "QuadraticProblem",
    "divergence_threshold",
    "iterations_to_tolerance",
]
