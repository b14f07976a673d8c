"""The ``"arrangement"`` method: Zaslavsky's theorem on the intersection lattice (1 layer)."""

from analysis.regions.methods.arrangement.zaslavsky import (
    DEFAULT_MAX_FLATS,
    Hyperplanes,
    LatticeTooLarge,
    arrangement_hyperplanes,
    characteristic_polynomial,
    count_arrangement,
    intersection_lattice,
    iter_regions_arrangement,
)

__all__ = [
    "DEFAULT_MAX_FLATS",
    "Hyperplanes",
    "arrangement_hyperplanes",
    "count_arrangement",
    "characteristic_polynomial",
    "intersection_lattice",
    "iter_regions_arrangement",
    "LatticeTooLarge",
]
