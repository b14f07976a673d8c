"""The axes helper the plotting modules share."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt

__all__ = ["axes_or_new"]


def axes_or_new(ax: Any = None) -> Any:
    """``ax``, or the axes of a new 6.4 x 4.2 inch figure (constrained layout)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    return ax
