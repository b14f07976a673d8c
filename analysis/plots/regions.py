"""Pictures of linear regions: a 1-input function with its joints, 2-input polygons.

A 1-input network's function is drawn with its joints; the exact polygons of a 2-input network
are coloured by activation pattern (optionally with the region graph).

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

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection

from analysis.networks import ReLUNetwork
from analysis.regions import decision_boundary, enumerate_regions
from analysis.regions.graph import connect_polygons
from analysis.regions.methods.polygon.polygons import iter_polygons

__all__ = ["plot_function_1d", "plot_regions_2d", "plot_slice"]


#: light, mutually distinguishable colours for region maps (matplotlib's Set3)
REGION_COLOURS = (
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#e5c494",
)  # fmt: skip


def distinct_colouring(G: Any, n_colours: int) -> dict[Any, int]:
    """A colour index per node: neighbours differ, and distance-2 nodes differ when possible.

    Nodes are coloured in order; each takes the least-used colour not used by a coloured
    neighbour, preferring one not used two steps away either (so the map shows many colours,
    not the two an arrangement of lines would need).

    >>> import networkx as nx
    >>> c = distinct_colouring(nx.path_graph(4), 3)
    >>> [c[i] for i in range(4)]
    [0, 1, 2, 0]
    """
    colour: dict[Any, int] = {}
    used = [0] * n_colours
    for v in sorted(G.nodes):
        near = {colour[u] for u in G[v] if u in colour}
        far = {colour[w] for u in G[v] for w in G[u] if w in colour and w != v}
        pool = [c for c in range(n_colours) if c not in near]
        pool = [c for c in pool if c not in far] or pool or list(range(n_colours))
        c = min(pool, key=lambda k: (used[k], k))
        colour[v] = c
        used[c] += 1
    return colour


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

    Each region (one activation pattern) is its exact polygon. Colours come from a greedy
    colouring of the region graph (:func:`distinct_colouring`): two regions that share a facet
    never share a colour while a region has fewer than 12 neighbours, and colours repeat no
    closer than two facets away where the palette allows.

    Parameters
    ----------
    net : ReLUNetwork
        Two inputs, any depth.
    domain : two (lo, hi) pairs
        The box.
    ax : matplotlib Axes, optional
    graph : bool
        Also draw the region graph: a dot per region (at its exact interior point) and a
        segment per shared facet.
    max_regions : int, optional
        Refuse (``RegionLimitExceeded``) to draw more regions than this.

    Returns
    -------
    matplotlib Axes
        Its title gives the number of regions.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> ax = plot_regions_2d(net, [(-1, 1), (-1, 1)], graph=True)
    >>> ax.get_title(), ax.get_xlabel()
    ('4 activation regions', '$x_1$')
    >>> plt.close(ax.figure)
    """
    from matplotlib.lines import Line2D

    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"plot_regions_2d: expected a ReLUNetwork, got {type(net).__name__}")
    if net.input_dim != 2:
        raise ValueError(f"plot_regions_2d: needs a network with 2 inputs, got {net.input_dim}")
    polys = list(iter_polygons(net, domain, max_regions=max_regions))
    G = connect_polygons(net, polys)
    n_col = len(REGION_COLOURS)
    colour_of = distinct_colouring(G, n_col)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 5.0), layout="constrained")
    ax.add_collection(
        PolyCollection(
            [[(float(x), float(y)) for x, y in p.vertices] for p in polys],
            facecolors=[REGION_COLOURS[colour_of[i] % n_col] for i in range(len(polys))],
            edgecolors="0.25",
            linewidths=0.4,
        )
    )
    (x0, x1), (y0, y1) = domain
    ax.set_xlim(float(Fraction(x0)), float(Fraction(x1)))
    ax.set_ylim(float(Fraction(y0)), float(Fraction(y1)))
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"{len(polys)} activation regions")
    if graph:
        pts = [(float(p.point[0]), float(p.point[1])) for p in polys]
        ax.add_collection(
            LineCollection(
                [[pts[i], pts[k]] for i, k in sorted(G.edges)], colors="k", linewidths=0.7
            )
        )
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o", color="k", markersize=3)
        key = Line2D([], [], color="k", marker="o", markersize=3, linewidth=0.7)
        ax.legend(
            [key],
            ["region graph: a node per region, an edge per shared facet"],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            fontsize="small",
            frameon=False,
        )
    return ax


def plot_slice(
    net: ReLUNetwork,
    domain: Sequence[Any],
    points: Sequence[Sequence[Any]],
    labels: Sequence[str] | None = None,
    graph: bool = False,
    resolution: int = 300,
) -> Any:
    """A slice's picture: its regions with the defining points, and the network's output.

    ``net`` is the restricted network (:func:`analysis.regions.restrict`) with 1 or 2 inputs,
    ``points`` the slice coordinates of the data points. With 2 inputs: the exact region map
    with the points marked (and the region graph when ``graph``), beside the output on a
    grid (one output: its value; several: the predicted class, the argmax). With 1 input: the
    function with its joints and the points marked.

    Returns
    -------
    matplotlib Figure
    """
    labels = list(labels) if labels is not None else [chr(ord("a") + i) for i in range(len(points))]
    if net.input_dim == 1:
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        plot_function_1d(net, ax=ax, domain=domain[0])
        for (t,), name in zip(points, labels, strict=True):
            y = float(net.exact_forward([t])[0])
            ax.plot([float(t)], [y], "o", color="C3")
            ax.annotate(name, (float(t), y), textcoords="offset points", xytext=(4, 4))
        return fig
    if net.input_dim != 2:
        raise ValueError(f"a slice picture needs 1 or 2 inputs, this network has {net.input_dim}")
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11.0, 4.8))
    plot_regions_2d(net, domain, ax=ax0, graph=graph)
    boundary = decision_boundary(net, domain)
    segs = [[(float(x), float(y)) for x, y in piece.ends] for piece in boundary.pieces]
    for ax in (ax0, ax1):
        ax.add_collection(LineCollection(segs, colors="k", linewidths=1.8))
    ax0.set_title(
        f"{boundary.n_regions} activation regions; decision boundary: "
        f"{boundary.n_pieces} pieces (black)"
    )
    (x0, x1), (y0, y1) = [(float(Fraction(lo)), float(Fraction(hi))) for lo, hi in domain]
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(xs, ys)
    out = net.forward(np.column_stack([X.ravel(), Y.ravel()]))
    if net.output_dim == 1:
        im = ax1.imshow(
            out[:, 0].reshape(X.shape),
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap="coolwarm",
            aspect="equal",
        )
        fig.colorbar(im, ax=ax1, shrink=0.8, label="output")
        ax1.set_title("network output")
    else:
        cls = out.argmax(axis=1).reshape(X.shape)
        im = ax1.imshow(
            cls,
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap="tab10",
            vmin=-0.5,
            vmax=9.5,
            aspect="equal",
            interpolation="nearest",
        )
        fig.colorbar(im, ax=ax1, shrink=0.8, label="predicted class", ticks=range(10))
        ax1.set_title("predicted class (argmax of the outputs)")
    for ax in (ax0, ax1):
        for pt, name in zip(points, labels, strict=True):
            ax.plot(
                [float(pt[0])], [float(pt[1])], "o", color="k", markersize=6, markerfacecolor="w"
            )
            ax.annotate(
                name,
                (float(pt[0]), float(pt[1])),
                textcoords="offset points",
                xytext=(5, 5),
                fontsize="small",
            )
        ax.set_xlabel("$t_1$")
        ax.set_ylabel("$t_2$")
    fig.tight_layout()
    return fig
