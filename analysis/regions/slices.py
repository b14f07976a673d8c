"""Slices through a network's input space: the exact network on a line or a plane.

A researcher's network has 64 or 784 inputs; its regions are counted on a line through two
data points or a plane through three (Hanin & Rolnick 2019). :func:`restrict` composes the
first layer with the affine map ``t -> origin + sum_i t_i directions_i`` in exact rationals
(float64 inputs are kept as their exact values), so every count, enumeration, graph, plot and
check of :mod:`analysis.regions` works on the result, and is exact for the slice.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork.random((5, 8, 8, 1), seed=0)
>>> a, b, c = [0.0] * 5, [1.0] * 5, [0.0, 1.0, 0.0, -1.0, 0.5]
>>> s = restrict(net, *plane_through(a, b, c))
>>> s.input_dim, s.hidden_widths
(2, (8, 8))
>>> s.exact_forward([0, 1]) == net.exact_forward(c)   # t = (0, 1) is the point c, exactly
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from analysis.exact import to_fraction
from analysis.networks import ReLUNetwork
from analysis.regions.exact.linalg import rank

__all__ = ["restrict", "line_through", "plane_through", "slice_box", "slice_coordinates"]


def _point(p: Any, name: str, d: int | None = None) -> list[Fraction]:
    try:
        vals = list(p.tolist() if hasattr(p, "tolist") else p)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of numbers") from None
    if d is not None and len(vals) != d:
        raise ValueError(f"{name} has {len(vals)} coordinates, expected {d}")
    if not vals:
        raise ValueError(f"{name} is empty")
    return [to_fraction(v, f"{name}[{i}]") for i, v in enumerate(vals)]


def restrict(net: ReLUNetwork, origin: Any, directions: Sequence[Any]) -> ReLUNetwork:
    """The exact network of ``t -> net(origin + sum_i t_i directions_i)``.

    Parameters
    ----------
    net : ReLUNetwork
        Any input dimension ``D_i``.
    origin : sequence of D_i numbers
        The point ``t = 0``.
    directions : sequence of k sequences of D_i numbers
        The directions of the slice (``k = 1``: a line, ``k = 2``: a plane). They must be
        linearly independent for the slice to be k-dimensional (checked exactly).

    Returns
    -------
    ReLUNetwork
        ``k`` inputs, the same hidden layers and outputs; only the first layer changes:
        ``W_0' = W_0 V``, ``b_0' = b_0 + W_0 origin`` (exact rationals).

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1, 1]], [[1]]], [[0], [0]])          # relu(x + y)
    >>> restrict(net, [1, 0], [[0, 1]]).exact_forward([-3])      # at (1, -3)
    [Fraction(0, 1)]
    """
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be an analysis.networks.ReLUNetwork, got {type(net).__name__}")
    d = net.input_dim
    o = _point(origin, "origin", d)
    try:
        dirs = [_point(v, f"directions[{i}]", d) for i, v in enumerate(directions)]
    except TypeError:
        raise TypeError("directions must be a sequence of vectors") from None
    if not dirs:
        raise ValueError("directions: give at least one direction")
    if rank(dirs) < len(dirs):
        raise ValueError(
            f"directions: the {len(dirs)} directions are linearly dependent (the slice would "
            "be lower-dimensional)"
        )
    W0, b0 = net.exact_weights[0], net.exact_biases[0]
    n = W0.shape[0]
    W = [[sum((W0[j, i] * v[i] for i in range(d)), Fraction(0)) for v in dirs] for j in range(n)]
    b = [b0[j] + sum((W0[j, i] * o[i] for i in range(d)), Fraction(0)) for j in range(n)]
    return ReLUNetwork([W, *net.exact_weights[1:]], [b, *net.exact_biases[1:]])


def line_through(a: Any, b: Any) -> tuple[list[Fraction], list[list[Fraction]]]:
    """``(origin, directions)`` of the line with ``a -> t = 0`` and ``b -> t = 1``.

    >>> line_through([0, 0], [2, 1])
    ([Fraction(0, 1), Fraction(0, 1)], [[Fraction(2, 1), Fraction(1, 1)]])
    """
    pa = _point(a, "a")
    pb = _point(b, "b", len(pa))
    if pa == pb:
        raise ValueError("line_through: the two points coincide")
    return pa, [[y - x for x, y in zip(pa, pb, strict=True)]]


def plane_through(a: Any, b: Any, c: Any) -> tuple[list[Fraction], list[list[Fraction]]]:
    """``(origin, directions)`` of the plane with a, b, c at ``(0, 0)``, ``(1, 0)``, ``(0, 1)``.

    >>> o, (u, v) = plane_through([0, 0, 0], [1, 0, 0], [0, 0, 2])
    >>> [int(x) for x in u], [int(x) for x in v]
    ([1, 0, 0], [0, 0, 2])
    """
    pa = _point(a, "a")
    pb, pc = _point(b, "b", len(pa)), _point(c, "c", len(pa))
    u = [y - x for x, y in zip(pa, pb, strict=True)]
    v = [y - x for x, y in zip(pa, pc, strict=True)]
    if rank([u, v]) < 2:
        raise ValueError("plane_through: the three points are collinear (no plane through them)")
    return pa, [u, v]


def slice_coordinates(k: int) -> list[tuple[Fraction, ...]]:
    """The slice coordinates of the defining points (``(0,), (1,)`` or a plane's three).

    >>> [tuple(int(x) for x in p) for p in slice_coordinates(2)]
    [(0, 0), (1, 0), (0, 1)]
    """
    if k == 1:
        return [(Fraction(0),), (Fraction(1),)]
    if k == 2:
        return [(Fraction(0), Fraction(0)), (Fraction(1), Fraction(0)), (Fraction(0), Fraction(1))]
    raise ValueError(f"a slice through points is a line (k = 1) or a plane (k = 2), got k = {k}")


def slice_box(k: int, margin: Any = "1/2") -> list[tuple[Fraction, Fraction]]:
    """The default box of a slice: the defining points with ``margin`` on every side.

    >>> slice_box(1)
    [(Fraction(-1, 2), Fraction(3, 2))]
    >>> [(int(lo), int(hi)) for lo, hi in slice_box(2, 1)]
    [(-1, 2), (-1, 2)]
    """
    mg = to_fraction(margin, "margin")
    if not mg >= 0:
        raise ValueError(f"margin must be >= 0, got {margin!r}")
    pts = slice_coordinates(k)
    return [(min(p[i] for p in pts) - mg, max(p[i] for p in pts) + mg) for i in range(k)]
