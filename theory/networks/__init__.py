"""Parameter totals and region bounds of fully connected ReLU networks, derived with sympy.

Notation of the lecture (Physics 361, Lecture 6, section 2.6): D_i inputs, K hidden layers
of widths n_1..n_K (all equal to D for a "deep" network), D_o outputs. Each plain function
says which kind of claim it returns (exact, upper bound, lower bound) and when it holds; the
registered derivations show how each formula comes out of its premises. The plain functions
live in ``theory.networks.bounds`` and the derivations in ``theory.networks.derivations``;
this module re-exports both (importing it registers the derivations for ``physml derive``).

>>> from theory.symbols import D, K
>>> deep_parameter_count(D, K).expand() == (3*D + 1 + (K - 1)*D*(D + 1)).expand()
True
>>> max_regions_shallow(4, 2), max_regions_1d([3, 3]), serra_upper_bound([3, 3], 1)
(11, 16, 16)

References
----------
.. [1] S. J. D. Prince, *Understanding Deep Learning*, MIT Press 2023, ch. 3-4.
.. [2] G. Montufar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
   neural networks", NeurIPS 2014.
.. [3] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018 (Theorem 1: upper bound; Theorem 8: lower bound).
.. [4] T. Zaslavsky, "Facing up to arrangements", Mem. AMS 154, 1975.
"""

from __future__ import annotations

from theory.networks.approximation import interpolation_error, interpolation_error_bound
from theory.networks.bounds import (
    deep_parameter_count,
    depth_efficiency,
    max_regions_1d,
    max_regions_shallow,
    montufar_lower_bound,
    parameter_count,
    prince_regions,
    serra_lower_bound,
    serra_upper_bound,
    shallow_parameter_count,
    shallow_width_to_match,
)
from theory.networks.derivations import (
    deep_regions_1d,
    depth_efficiency_derivation,
    parameter_totals,
    shallow_region_recursion,
    width_one_regions,
)

__all__ = [
    "interpolation_error",
    "interpolation_error_bound",
    "parameter_count",
    "deep_parameter_count",
    "shallow_parameter_count",
    "max_regions_shallow",
    "max_regions_1d",
    "serra_upper_bound",
    "montufar_lower_bound",
    "serra_lower_bound",
    "prince_regions",
    "shallow_width_to_match",
    "depth_efficiency",
    "parameter_totals",
    "shallow_region_recursion",
    "deep_regions_1d",
    "width_one_regions",
    "depth_efficiency_derivation",
]
