"""Exact linear-region counting and enumeration for ReLU networks."""

from analysis.regions.types import Inequality, Region

__all__ = ["Inequality", "Region"]
