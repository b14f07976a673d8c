"""physml.analysis: numeric and exact computation (networks, regions, optimizers, report).

Importing this package does not import matplotlib; the plotting modules do, when imported.
"""

from analysis.networks import ReLUNetwork

__all__ = ["ReLUNetwork"]
