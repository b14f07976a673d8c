"""Integer networks and subdivision nodes of :mod:`analysis.regions.methods.lp.subdivision`.

:class:`_IntNet` holds every layer as integer matrices over one positive denominator (and
the domain box, exact and as outward-rounded floats); :class:`_Node` is a full-dimensional
region of the first ``l`` hidden layers with its exact affine map and interior point;
:func:`_root` is the node of the whole domain.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box
from analysis.regions.exact.certified_simplex import float_box
from analysis.regions.exact.feasibility import IntPoint
from analysis.regions.exact.scaling import integer_layers

__all__: list[str] = []


@functools.lru_cache(maxsize=64)
def _fbox_cached(
    box: tuple[tuple[int, ...], tuple[int, ...], int],
) -> tuple[np.ndarray, np.ndarray]:
    return float_box(box)


@dataclass(frozen=True)
class _IntNet:
    """Layer ``l`` as integers: ``W_l = Wi[l] / s[l]``, ``b_l = bi[l] / s[l]``."""

    Wi: tuple[tuple[tuple[int, ...], ...], ...]
    bi: tuple[tuple[int, ...], ...]
    s: tuple[int, ...]
    d: int
    box: tuple[tuple[int, ...], tuple[int, ...], int] | None = None
    Wo: tuple[np.ndarray, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_net(cls, net: ReLUNetwork) -> _IntNet:
        Wi, bi, s = [], [], []
        for Wl, Bl, den in integer_layers(net):
            Wi.append(tuple(tuple(row) for row in Wl))
            bi.append(tuple(Bl))
            s.append(den)
        Wo = tuple(np.array(W, dtype=object).reshape(len(W), -1) for W in Wi)
        return cls(tuple(Wi), tuple(bi), tuple(s), net.input_dim, None, Wo)

    def with_box(self, box: Box | None) -> _IntNet:
        if box is None:
            return self
        den = math.lcm(*(v.denominator for pair in box for v in pair))
        lo = tuple(int(a * den) for a, _ in box)
        hi = tuple(int(b * den) for _, b in box)
        return _IntNet(self.Wi, self.bi, self.s, self.d, (lo, hi, den), self.Wo)

    @property
    def fbox(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Float bounds containing the box (rounded outward), or None."""
        return None if self.box is None else _fbox_cached(self.box)


@dataclass(frozen=True)
class _Node:
    """A full-dimensional region of the first ``layer`` hidden layers."""

    rows: tuple[tuple[int, ...], ...]
    consts: tuple[int, ...]
    units: tuple[tuple[int, int] | None, ...]
    pattern: tuple[tuple[bool, ...], ...]
    P: tuple[tuple[int, ...], ...]
    q: tuple[int, ...]
    S: int
    point: IntPoint
    fm: Any = field(default=None, compare=False, repr=False)
    fs: Any = field(default=None, compare=False, repr=False)
    bbox: Any = field(default=None, compare=False, repr=False)

    @property
    def layer(self) -> int:
        return len(self.pattern)


def _root(net: _IntNet, box: Box | None) -> _Node:
    d = net.d
    rows: list[tuple[int, ...]] = []
    consts: list[int] = []
    units: list[tuple[int, int] | None] = []
    if box is None:
        point: IntPoint = (tuple([0] * d), 1)
    else:
        for k, (lo, hi) in enumerate(box):
            e = [0] * d
            e[k] = lo.denominator
            rows.append(tuple(e))
            consts.append(-lo.numerator)  # x_k - lo > 0
            e = [0] * d
            e[k] = -hi.denominator
            rows.append(tuple(e))
            consts.append(hi.numerator)  # hi - x_k > 0
            units += [None, None]
        mid = [(lo + hi) / 2 for lo, hi in box]
        den = math.lcm(*(v.denominator for v in mid))
        point = (tuple(int(v * den) for v in mid), den)
    ident = tuple(tuple(int(i == j) for j in range(d)) for i in range(d))
    return _Node(tuple(rows), tuple(consts), tuple(units), (), ident, tuple([0] * d), 1, point)


def _value(row: Sequence[int], c: int, pt: IntPoint) -> int:
    X, den = pt
    return sum(a * x for a, x in zip(row, X, strict=True)) + c * den
