"""ReLU networks: the exact network type, its file formats and framework adapters."""

from analysis.networks.io import (
    JSON_FORMAT,
    MAX_NPZ_BYTES,
    from_flax,
    from_json,
    from_torch,
    load_npz,
    random_network,
    save_npz,
    to_json,
    to_torch,
)
from analysis.networks.network import (
    ReLUNetwork,
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
]
