"""The ``"polygon"`` method: exact polygon splitting, two inputs on a box."""

from analysis.regions.methods.polygon.polygons import (
    Polygon,
    count_regions_polygon,
    iter_polygons,
    iter_regions_polygon,
)

__all__ = [
    "Polygon",
    "iter_polygons",
    "iter_regions_polygon",
    "count_regions_polygon",
]
