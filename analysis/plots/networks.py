"""Figures of the ReLU-network lecture (figures 7, 8, 10 and 11 of the report).

Each function draws on an optional matplotlib ``ax`` (a new figure when ``None``) and returns
the ax. The 1-D pictures are drawn from the network's exact regions
(:func:`analysis.regions.enumerate_regions`): every joint is at its exact rational position and
every piece is the exact affine map of the network there. Figure 9 (2-input regions) is
:func:`analysis.plots.regions.plot_regions_2d`.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1], [-1], [1]], [[1, 1, -2]]], [[0, 1, -1], [0]])
>>> ax = plot_shallow_1d(net, domain=(-2, 3))
>>> len(ax.get_legend().get_texts()) > 0
True
>>> plt.close(ax.figure)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import matplotlib.pyplot as plt  # noqa: F401 (the examples close their figures with it)
import numpy as np
from numpy.typing import ArrayLike

from analysis.networks import ReLUNetwork
from analysis.plots.axes import axes_or_new
from analysis.regions import enumerate_regions

__all__ = [
    "pieces_1d",
    "plot_shallow_1d",
    "plot_composition",
    "plot_counts_vs_bounds",
    "plot_depth_efficiency",
]


def _one_input(net: Any, what: str) -> None:
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"{what}: expected a ReLUNetwork, got {type(net).__name__}")
    if net.input_dim != 1 or net.output_dim != 1:
        raise ValueError(
            f"{what}: needs 1 input and 1 output, got {net.input_dim} and {net.output_dim}"
        )


def pieces_1d(
    net: ReLUNetwork, domain: tuple[float, float]
) -> list[tuple[Fraction, Fraction, tuple[tuple[bool, ...], ...], Fraction, Fraction]]:
    """The exact pieces of a 1-input, 1-output network on an interval, left to right.

    Returns
    -------
    list of (lo, hi, pattern, slope, intercept)
        Each activation region clipped to ``domain``, with its exact output map.

    Examples
    --------
    >>> net = ReLUNetwork([[[1]], [[2]]], [[-1], [0]])  # 2 relu(x - 1)
    >>> [(str(a), str(b), s, str(m)) for a, b, s, m, _ in pieces_1d(net, (0, 3))]
    [('0', '1', ((False,),), '0'), ('1', '3', ((True,),), '2')]
    """
    _one_input(net, "pieces_1d")
    lo, hi = Fraction(domain[0]), Fraction(domain[1])
    if not lo < hi:
        raise ValueError(f"pieces_1d: domain must satisfy lo < hi, got {domain}")
    out = []
    for r in enumerate_regions(net, [(lo, hi)]):
        a, b = lo, hi
        for q in r.inequalities:  # q.a[0] x + q.b >= 0
            if q.a[0] > 0:
                a = max(a, -q.b / q.a[0])
            elif q.a[0] < 0:
                b = min(b, -q.b / q.a[0])
        out.append((a, b, r.pattern, r.A[0][0], r.c[0]))
    out.sort(key=lambda p: p[0])
    return out


def _pattern_label(pattern: tuple[tuple[bool, ...], ...]) -> str:
    return " ".join("".join("1" if u else "0" for u in layer) for layer in pattern)


def plot_shallow_1d(
    net: ReLUNetwork, domain: tuple[float, float] = (0.0, 2.0), ax: Any = None
) -> Any:
    r"""A shallow 1-input network as in the lecture: units, clipped and weighted pieces, joints.

    Draws each hidden unit's pre-activation :math:`\theta_{d0} + \theta_{d1}x` (thin dashed),
    its clipped and weighted contribution :math:`\phi_d h_d(x)` (coloured), the output
    :math:`y = \phi_0 + \sum_d \phi_d h_d` (black), the joints (dotted verticals) and the
    linear regions shaded alternately and labelled with their activation pattern.

    Parameters
    ----------
    net : ReLUNetwork
        One input, one hidden layer, one output.
    domain : (float, float)
        The x-interval drawn.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 1], [0]])
    >>> ax = plot_shallow_1d(net, domain=(-2, 3))
    >>> ax.get_title()
    'Shallow network, D = 2 hidden units: 3 linear regions'
    >>> plt.close(ax.figure)
    """
    _one_input(net, "plot_shallow_1d")
    if net.depth != 1:
        raise ValueError(f"plot_shallow_1d: needs one hidden layer, got {net.depth}")
    ax = axes_or_new(ax)
    W0, b0 = net.weights[0][:, 0], net.biases[0]
    phi, phi0 = net.weights[1][0], net.biases[1][0]
    x = np.linspace(domain[0], domain[1], 801)
    pieces = pieces_1d(net, domain)
    for i, (a, b, pat, _, _) in enumerate(pieces):
        if i % 2 == 0:
            ax.axvspan(float(a), float(b), color="0.93", zorder=0)
        active = [f"$h_{j + 1}$" for j, on in enumerate(pat[0]) if on]
        ax.text(
            (float(a) + float(b)) / 2,
            0.98,
            ("active: " + ", ".join(active)) if active else "all inactive",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize="x-small",
        )
    for a, _, _, _, _ in pieces[1:]:
        ax.axvline(float(a), color="0.4", ls=":", lw=1)
    for d in range(len(W0)):
        z = b0[d] + W0[d] * x
        ax.plot(x, z, "--", color=f"C{d}", lw=0.8, alpha=0.6)
        ax.plot(
            x,
            phi[d] * np.maximum(z, 0.0),
            "-",
            color=f"C{d}",
            lw=1.5,
            label=rf"$\phi_{d + 1} h_{d + 1}$ (dashed: $\theta_{{{d + 1}0}} + "
            rf"\theta_{{{d + 1}1}}x$)",
        )
    xs = [float(pieces[0][0])] + [float(p[1]) for p in pieces]
    ys = [float(pieces[0][3] * pieces[0][0] + pieces[0][4])] + [
        float(m * b + c) for _, b, _, m, c in pieces
    ]
    ax.plot(
        xs,
        ys,
        "-",
        color="k",
        lw=2.2,
        label=rf"$y = \phi_0 + \sum_d \phi_d h_d$, "
        rf"$\phi_0 = {phi0:g}$",
    )
    ax.plot(xs[1:-1], ys[1:-1], "o", color="k", ms=4, label="joints")
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlim(*domain)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("pre-activations, weighted units $\\phi_d h_d$, output $y$")
    ax.set_title(f"Shallow network, D = {len(W0)} hidden units: {len(pieces)} linear regions")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    return ax


def plot_composition(
    nets: Sequence[ReLUNetwork],
    domain: tuple[float, float] = (0.0, 1.0),
    labels: Sequence[str] | None = None,
    ax: Any = None,
) -> Any:
    """Outputs of 1-input networks, one above the other, each drawn exactly with its joints.

    Parameters
    ----------
    nets : sequence of ReLUNetwork
        1-input, 1-output networks (e.g. the composition with K = 1, 2, 3 layers).
    domain : (float, float)
    labels : sequence of str, optional
        Legend entries (default: the hidden widths and the number of pieces in ``domain``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> net = ReLUNetwork([[[1], [1]], [[1, -2]]], [[0, -1], [0]])
    >>> ax = plot_composition([net], domain=(-1, 2))
    >>> ax.get_legend().get_texts()[0].get_text()
    'widths (2,): 3 pieces in the window'
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    offset = 0.0
    for i, net in enumerate(nets):
        pieces = pieces_1d(net, domain)
        xs = [float(pieces[0][0])] + [float(p[1]) for p in pieces]
        ys = np.array(
            [float(pieces[0][3] * pieces[0][0] + pieces[0][4])]
            + [float(m * b + c) for _, b, _, m, c in pieces]
        )
        span = float(ys.max() - ys.min()) or 1.0
        yn = (ys - ys.min()) / span
        label = (
            labels[i]
            if labels is not None
            else f"widths {net.hidden_widths}: {len(pieces)} pieces in the window"
        )
        ax.plot(xs, yn + offset, "-", color=f"C{i}", lw=1.4, label=label)
        ax.plot(xs[1:-1], yn[1:-1] + offset, ".", color=f"C{i}", ms=3)
        offset += 1.25
    ax.set_xlim(*domain)
    ax.set_yticks([])
    ax.set_xlabel("input $x$")
    ax.set_ylabel("output $y$ (rescaled, offset per network)")
    ax.set_title("Composing shallow networks multiplies the regions")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=1)
    return ax


def plot_counts_vs_bounds(groups: Mapping[str, tuple[ArrayLike, ArrayLike]], ax: Any = None) -> Any:
    """Exact region counts against the formulas' values, log-log, with the line count = bound.

    Parameters
    ----------
    groups : mapping of str to (bounds, counts)
        Per family (e.g. "constructions", "random networks"), the formula's value and the
        exact count of each network.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_counts_vs_bounds({"constructions": ([4, 16], [4, 16])})
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    allb = [float(v) for b, _ in groups.values() for v in np.ravel(np.asarray(b, dtype=float))]
    lo, hi = max(min(allb) / 2, 0.5), max(allb) * 2
    ax.loglog([lo, hi], [lo, hi], "-", color="0.4", lw=1, label="count = formula")
    markers = "osD^v"
    for i, (name, (bounds, counts)) in enumerate(groups.items()):
        ax.loglog(bounds, counts, markers[i % 5], color=f"C{i}", label=name, alpha=0.8)
    ax.set_xlabel("formula's value (maximum / upper bound)")
    ax.set_ylabel("exact number of regions")
    ax.set_title("Exact counts against the formulas")
    ax.legend(fontsize="small")
    return ax


def plot_depth_efficiency(
    shallow: tuple[ArrayLike, ArrayLike],
    deep: Mapping[str, tuple[ArrayLike, ArrayLike]],
    measured: Mapping[str, tuple[ArrayLike, ArrayLike]] | None = None,
    ax: Any = None,
) -> Any:
    """Maximal regions against parameters, shallow against deep, log scale.

    Parameters
    ----------
    shallow : (parameters, regions)
        The shallow family (3D + 1, D + 1).
    deep : mapping of str to (parameters, regions)
        Per width D, the deep family over K (3D + 1 + (K − 1)D(D + 1), (D + 1)^K).
    measured : mapping of str to (parameters, regions), optional
        Exact counts of constructed networks, drawn as markers.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_depth_efficiency(([4, 7], [2, 3]), {"D = 3": ([10, 22], [4, 16])})
    >>> ax.get_yscale()
    'log'
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    ax.loglog(*shallow, "-", color="k", lw=2, label="shallow: $D+1$ with $3D+1$ parameters")
    for i, (name, (p, r)) in enumerate(deep.items()):
        ax.loglog(p, r, "-", color=f"C{i}", marker=".", label=name)
    for i, (name, (p, r)) in enumerate((measured or {}).items()):
        ax.loglog(p, r, "o", mfc="none", color=f"C{i}", ms=8, label=name)
    ax.set_xlabel("number of parameters")
    ax.set_ylabel("maximal number of linear regions")
    ax.set_title("Depth efficiency (one input, one output)")
    ax.legend(fontsize="x-small")
    return ax
