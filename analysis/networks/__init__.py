"""ReLU networks: the exact network type, its file formats and framework adapters.

:mod:`~analysis.networks.network` holds :class:`ReLUNetwork`; :mod:`~analysis.networks.formats`
reads and writes ``.npz`` and JSON files, :mod:`~analysis.networks.adapters` converts torch and
flax models, :mod:`~analysis.networks.init` draws seeded random weights.
"""

from analysis.networks.adapters import to_torch
from analysis.networks.formats import JSON_FORMAT, MAX_JSON_BYTES, MAX_NPZ_BYTES, save_npz, to_json
from analysis.networks.network import (
    ReLUNetwork,
    from_flax,
    from_json,
    from_torch,
    load_npz,
    random_network,
)

__all__ = [
    "ReLUNetwork",
    "random_network",
    "from_torch",
    "to_torch",
    "from_flax",
    "save_npz",
    "load_npz",
    "to_json",
    "from_json",
    "JSON_FORMAT",
    "MAX_NPZ_BYTES",
    "MAX_JSON_BYTES",
]
