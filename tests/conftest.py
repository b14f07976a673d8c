"""Test configuration: hypothesis profiles.

``HYPOTHESIS_PROFILE=dev`` runs fewer examples while developing; ``ci`` (the default) is the
full run, derandomised so that a failure reproduces. Shared strategies are in
``tests/strategies.py``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
