"""Pictures of linear regions: a 1-input network's function with its joints, and the exact
polygons of a 2-input network coloured by activation pattern (optionally with the region graph).

This module imports matplotlib; nothing else in physml imports it at module import time. Both
functions draw on the ``ax`` they are given (or a new figure's) and return it.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from analysis.networks import ReLUNetwork
>>> ax = plot_function_1d(ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]]), domain=(-1, 1))
>>> len(ax.lines) >= 2
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection

from analysis.networks import ReLUNetwork

__all__ = ["plot_function_1d", "plot_regions_2d", "pattern_colour"]


def pattern_colour(pattern: tuple[tuple[bool, ...], ...], cmap: str = "tab20") -> Any:
    """A colour determined by an activation pattern (stable across runs and processes).

    >>> pattern_colour(((True, False),)) == pattern_colour(((True, False),))
    True
    """
    bits = "".join("1" if b else "0" for layer in pattern for b in layer)
    h = int(hashlib.sha1(bits.encode()).hexdigest()[:8], 16)
    colours = plt.get_cmap(cmap)
    n = getattr(colours, "N", 20)
    return colours(h % n)


def _interval(region: Any) -> tuple[Fraction | None, Fraction | None]:
    lo: Fraction | None = None
    hi: Fraction | None = None
    for q in region.inequalities:
        a = q.a[0]
        if a > 0:
            v = -q.b / a
            lo = v if lo is None or v > lo else lo
        elif a < 0:
            v = -q.b / a
            hi = v if hi is None or v < hi else hi
    return lo, hi


def plot_function_1d(
    net: ReLUNetwork,
    ax: Axes | None = None,
    domain: Sequence[Any] | None = None,
    output: int = 0,
) -> Axes:
    """Plot a 1-input network's output, piece by exact affine piece, with its joints marked.

    Parameters
    ----------
    net : ReLUNetwork
        One input.
    ax : matplotlib Axes, optional
    domain : (lo, hi) or None
        The interval drawn; ``None``: all joints with a margin around them.
    output : int
        Which output to draw.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> net = ReLUNetwork([[[1], [1]], [[1, -2]]], [[0, -1], [0]])
    >>> plot_function_1d(net).get_title()
    '3 activation regions, 2 joints'
    """
    from analysis.regions import enumerate_regions

    if net.input_dim != 1:
        raise ValueError(
            f"plot_function_1d needs a network with 1 input, this one has {net.input_dim}"
        )
    if not 0 <= output < net.output_dim:
        raise ValueError(f"output must be in 0..{net.output_dim - 1}, got {output}")
    box = None if domain is None else [tuple(domain)]
    regions = enumerate_regions(net, box)
    spans = [(_interval(r), r) for r in regions]
    joints = sorted({v for (lo, hi), _ in spans for v in (lo, hi) if v is not None})
    if box is not None:
        left, right = Fraction(box[0][0]), Fraction(box[0][1])
        joints = [j for j in joints if left < j < right]
    elif joints:
        width = max(joints[-1] - joints[0], Fraction(1))
        left, right = joints[0] - width / 4, joints[-1] + width / 4
    else:
        left, right = Fraction(-1), Fraction(1)
    if ax is None:
        _, ax = plt.subplots()
    for (lo, hi), r in sorted(spans, key=lambda s: s[1].point):
        a = max(lo, left) if lo is not None else left
        b = min(hi, right) if hi is not None else right
        if not a < b:
            continue
        A, c = r.A[output][0], r.c[output]
        ax.plot([float(a), float(b)], [float(A * a + c), float(A * b + c)], color="C0")
    ys = [float(net.exact_forward([j])[output]) for j in joints]
    ax.plot([float(j) for j in joints], ys, "o", color="C3", label="joints")
    ax.set_xlabel("x")
    ax.set_ylabel("y" if net.output_dim == 1 else f"y[{output}]")
    ax.set_title(f"{len(regions)} activation regions, {len(joints)} joints")
    return ax


def plot_regions_2d(
    net: ReLUNetwork,
    domain: Sequence[Any],
    ax: Axes | None = None,
    graph: bool = False,
    max_regions: int | None = 100_000,
) -> Axes:
    """Draw a 2-input network's activation regions on a box as exact polygons.

    Parameters
    ----------
    net : ReLUNetwork
        Two inputs, any depth.
    domain : two (lo, hi) pairs
        The box.
    ax : matplotlib Axes, optional
    graph : bool
        Also draw the region graph: a dot per region (at its exact interior point) and a line
        per shared facet.
    max_regions : int, optional
        Refuse (``RegionLimitExceeded``) to draw more regions than this.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> plot_regions_2d(net, [(-1, 1), (-1, 1)], graph=True).get_title()
    '4 activation regions'
    """
    from analysis.regions.polygon2d import iter_polygons

    polys = list(iter_polygons(net, domain, max_regions=max_regions))
    if ax is None:
        _, ax = plt.subplots()
    coll = PolyCollection(
        [[(float(x), float(y)) for x, y in p.vertices] for p in polys],
        facecolors=[pattern_colour(p.pattern) for p in polys],
        edgecolors="k",
        linewidths=0.3,
    )
    ax.add_collection(coll)
    (x0, x1), (y0, y1) = domain
    ax.set_xlim(float(Fraction(x0)), float(Fraction(x1)))
    ax.set_ylim(float(Fraction(y0)), float(Fraction(y1)))
    ax.set_aspect("equal")
    ax.set_xlabel("x_1")
    ax.set_ylabel("x_2")
    ax.set_title(f"{len(polys)} activation regions")
    if graph:
        from analysis.regions.graph import region_graph

        G = region_graph(net, domain, regions=[p.region for p in polys])
        pts = [(float(p.region.point[0]), float(p.region.point[1])) for p in polys]
        ax.add_collection(
            LineCollection([[pts[i], pts[k]] for i, k in G.edges], colors="k", linewidths=0.6)
        )
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o", color="k", markersize=2)
    return ax
