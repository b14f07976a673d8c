"""The hyperplane arrangement of a shallow network: one primitive hyperplane per distinct unit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.exact.feasibility import interior_point as _lp_interior_point

__all__ = ["Hyperplanes", "arrangement_hyperplanes", "check_shallow", "strict_point"]


@dataclass(frozen=True)
class Hyperplanes:
    """The distinct hyperplanes of a shallow network's hidden layer.

    Attributes
    ----------
    normals : tuple of tuple of int
        ``a_i`` of hyperplane ``i`` (primitive integer vector, first non-zero entry > 0).
    offsets : tuple of int
        ``b_i``; the hyperplane is ``a_i . x + b_i = 0``.
    units : tuple of tuple of int
        The hidden units that lie on hyperplane ``i``.
    unit_hyperplane : tuple of (int or None)
        For each hidden unit, the index of its hyperplane (``None`` when ``w_j = 0``).
    """

    normals: tuple[tuple[int, ...], ...]
    offsets: tuple[int, ...]
    units: tuple[tuple[int, ...], ...]
    unit_hyperplane: tuple[int | None, ...]

    def __len__(self) -> int:
        return len(self.normals)


def _primitive(vec: Sequence[Fraction]) -> tuple[int, ...]:
    """The primitive integer vector with the direction of ``vec`` (first non-zero > 0)."""
    lcm = 1
    for v in vec:
        lcm = lcm * v.denominator // math.gcd(lcm, v.denominator)
    ints = [int(v * lcm) for v in vec]
    g = 0
    for k in ints:
        g = math.gcd(g, k)
    lead = next(k for k in ints if k != 0)
    if lead < 0:
        g = -g
    return tuple(v // g for v in ints)


def check_shallow(net: Any) -> ReLUNetwork:
    """``net`` when it is a ReLU network with one hidden layer; an error otherwise."""
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be a ReLUNetwork, got {type(net).__name__}")
    if net.depth != 1:
        raise ValueError(
            f"the arrangement method needs a shallow network (one hidden layer); this one has "
            f"{net.depth} hidden layers"
        )
    return net


def arrangement_hyperplanes(net: ReLUNetwork) -> Hyperplanes:
    """The distinct hyperplanes ``{x : w_j . x + b_j = 0}`` of a shallow network.

    Parameters
    ----------
    net : ReLUNetwork
        A network with exactly one hidden layer.

    Returns
    -------
    Hyperplanes

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 2], [-2, -4], [0, 0]], [[1, 1, 1]]], [[1, -2, 5], [0]])
    >>> hp = arrangement_hyperplanes(net)   # unit 1 is unit 0 negated; unit 2 is constant
    >>> hp.normals, hp.offsets, hp.units, hp.unit_hyperplane
    (((1, 2),), (1,), ((0, 1),), (0, 0, None))
    """
    check_shallow(net)
    W, B = net.exact_weights[0], net.exact_biases[0]
    index: dict[tuple[int, ...], int] = {}
    units: list[list[int]] = []
    unit_h: list[int | None] = []
    for j in range(W.shape[0]):
        w = list(W[j])
        if all(v == 0 for v in w):
            unit_h.append(None)
            continue
        key = _primitive([*w, B[j]])
        i = index.setdefault(key, len(index))
        if i == len(units):
            units.append([])
        units[i].append(j)
        unit_h.append(i)
    keys = list(index)
    return Hyperplanes(
        normals=tuple(k[:-1] for k in keys),
        offsets=tuple(k[-1] for k in keys),
        units=tuple(tuple(u) for u in units),
        unit_hyperplane=tuple(unit_h),
    )


def strict_point(G: list[list[Any]], h: list[Any], n: int) -> list[Fraction] | None:
    """An exact ``y`` with ``G y < h`` (float candidate, exact certificate), or ``None``."""
    if not G:
        return [Fraction(0)] * n
    pt = _lp_interior_point([[-v for v in row] for row in G], h)
    return None if pt is None else list(pt)
