"""Exact decisions for the edge-subdivision complex: vertices solved in rationals.

A vertex of the complex lies on ``d`` zero sets (hidden units or faces of the box), named by
its zero list ``Z``. In a simple complex every choice of sides for those units is a cell
incident to the vertex, so the cell where every unit of ``Z`` is taken inactive (its sign bit
is 0) is one; on that closed cell every pre-activation is one exact affine map, and the vertex
is the unique solution of the ``d`` equations "unit = 0" and "x_i = box bound". This module
solves that system in exact rationals and evaluates the layer's pre-activations there, for the
few vertices whose float values an error bound cannot decide.

>>> from fractions import Fraction as F
>>> import numpy as np

from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, -1], [1, 1]], [[1, 1]]], [[0, -1], [0]])
>>> ex = ExactNet(net, ((F(-1), F(1)), (F(-1), F(1))))
>>> ex.vertex((4, 5), 0)                     # x - y = 0 and x + y - 1 = 0
(Fraction(1, 2), Fraction(1, 2))
>>> ex.layer_values((F(1, 2), F(1, 2)), 0)
(Fraction(0, 1), Fraction(0, 1))
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box
from analysis.regions.exact.scaling import PatternMaps

__all__ = ["Degenerate", "ExactNet", "solve"]


class Degenerate(Exception):
    """The arrangement is not simple here (a vertex on a zero set, a singular system)."""


def solve(rows: list[list[Fraction]], rhs: list[Fraction]) -> tuple[Fraction, ...]:
    """The unique solution of a square exact system; :class:`Degenerate` when singular."""
    n = len(rows)
    M = [list(r) + [b] for r, b in zip(rows, rhs, strict=True)]
    for col in range(n):
        piv = next((r for r in range(col, n) if M[r][col] != 0), None)
        if piv is None:
            raise Degenerate("singular vertex system")
        M[col], M[piv] = M[piv], M[col]
        p = M[col][col]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col] / p
                M[r] = [a - f * b for a, b in zip(M[r], M[col], strict=True)]
    return tuple(M[i][n] / M[i][i] for i in range(n))


class ExactNet:
    """The network's exact layers and box, indexed as the complex indexes zero sets.

    Index ``2 i`` is the face ``x_i = lo_i`` and ``2 i + 1`` is ``x_i = hi_i``; hidden unit
    number ``g`` (counted through the layers) is index ``2 d + g``.
    """

    def __init__(self, net: ReLUNetwork, box: Box):
        self.d = net.input_dim
        self.net = net
        self.box = box
        self.offsets = [0]
        for W in net.weights[:-1]:
            self.offsets.append(self.offsets[-1] + len(W))

    @functools.cached_property
    def layers(self) -> list[tuple[np.ndarray, np.ndarray, int]]:
        """Per layer: integer weights and biases (object arrays) over one denominator.

        Converted on first use: most complexes never need them.
        """
        return PatternMaps(self.net).layers

    def unit(self, g: int) -> tuple[int, int]:
        """``(layer, index)`` of hidden unit number ``g``."""
        layer = max(k for k, o in enumerate(self.offsets) if o <= g)
        return layer, g - self.offsets[layer]

    def vertex(self, Z: Sequence[int], active: Any) -> tuple[Fraction, ...]:
        """The exact point on the zero sets ``Z``; ``active(g)`` is unit ``g``'s bit there."""
        d = self.d
        act = active if callable(active) else (lambda g: bool(active))
        rows: list[list[int]] = []
        rhs: list[int] = []
        units: dict[int, list[int]] = {}
        for z in Z:
            if z < 2 * d:  # x_i = p / q:  q x_i = p
                v = self.box[z // 2][z % 2]
                e = [0] * d
                e[z // 2] = v.denominator
                rows.append(e)
                rhs.append(v.numerator)
            else:
                k, i = self.unit(z - 2 * d)
                units.setdefault(k, []).append(i)
        top = max(units, default=-1)
        # the active units' map h = (P x + q) / S on the cell, in integers (only the zero
        # sets matter, so positive scales are dropped from the equations)
        P = np.eye(d, dtype=np.int64).astype(object)
        q = np.zeros(d, dtype=np.int64).astype(object)
        S = 1
        cols = list(range(d))
        for k in range(top + 1):
            Wi, Bi, den = self.layers[k]
            on = [i for i in range(Wi.shape[0]) if act(self.offsets[k] + i)] if k < top else []
            need = sorted(set(units.get(k, ())) | set(on))
            Wk = Wi[need][:, cols]
            if cols:
                Zp, Zq = Wk.dot(P), Wk.dot(q) + Bi[need] * S
            else:  # no active unit below: every pre-activation is its bias
                Zp = np.zeros((len(need), d), dtype=np.int64).astype(object)
                Zq = Bi[need] * S
            where = {i: r for r, i in enumerate(need)}
            for i in units.get(k, ()):
                rows.append([int(v) for v in Zp[where[i]]])
                rhs.append(-int(Zq[where[i]]))
            keep = [where[i] for i in on]
            P, q, S, cols = Zp[keep], Zq[keep], S * den, on
        if len(rows) != d:
            raise Degenerate("a vertex on a number of zero sets other than the dimension")
        return solve([[Fraction(v) for v in r] for r in rows], [Fraction(v) for v in rhs])

    def layer_values(self, x: Sequence[Fraction], layer: int) -> tuple[Fraction, ...]:
        """The exact pre-activations of hidden layer ``layer`` at the point ``x``."""
        D = math.lcm(*(v.denominator for v in x))
        h = np.array([int(v * D) for v in x], dtype=object)  # h / D, D > 0
        for k in range(layer + 1):
            Wi, Bi, den = self.layers[k]
            z = Wi.dot(h) + Bi * D
            D *= den
            h = np.array([v if v > 0 else 0 for v in z], dtype=object)
        return tuple(Fraction(int(v), D) for v in z)
