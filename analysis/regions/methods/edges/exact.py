"""Exact decisions for the edge-subdivision complex: vertices solved in rationals.

A vertex of the complex lies on ``d`` zero sets (hidden units or faces of the box), named by
its zero list ``Z``. In a simple complex every choice of sides for those units is a cell
incident to the vertex, so the cell where every unit of ``Z`` is taken inactive (its sign bit
is 0) is one; on that closed cell every pre-activation is one exact affine map, and the vertex
is the unique solution of the ``d`` equations "unit = 0" and "x_i = box bound". This module
solves that system in exact rationals and evaluates the layer's pre-activations there, for the
few vertices whose float values an error bound cannot decide.

>>> from fractions import Fraction as F
>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, -1], [1, 1]], [[1, 1]]], [[0, -1], [0]])
>>> ex = ExactNet(net, ((F(-1), F(1)), (F(-1), F(1))))
>>> ex.vertex((4, 5), 0)                     # x - y = 0 and x + y - 1 = 0
(Fraction(1, 2), Fraction(1, 2))
>>> ex.layer_values((F(1, 2), F(1, 2)), 0)
(Fraction(0, 1), Fraction(0, 1))
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box

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
    def W(self) -> list[list[list[Fraction]]]:
        """The exact weights (converted on first use: most complexes never need them)."""
        return [[[Fraction(v) for v in row] for row in W] for W in self.net.exact_weights]

    @functools.cached_property
    def b(self) -> list[list[Fraction]]:
        """The exact biases."""
        return [[Fraction(v) for v in B] for B in self.net.exact_biases]

    def unit(self, g: int) -> tuple[int, int]:
        """``(layer, index)`` of hidden unit number ``g``."""
        layer = max(k for k, o in enumerate(self.offsets) if o <= g)
        return layer, g - self.offsets[layer]

    def vertex(self, Z: Sequence[int], active: Any) -> tuple[Fraction, ...]:
        """The exact point on the zero sets ``Z``; ``active(g)`` is unit ``g``'s bit there."""
        d = self.d
        act = active if callable(active) else (lambda g: bool(active))
        rows: list[list[Fraction]] = []
        rhs: list[Fraction] = []
        units: dict[tuple[int, int], int] = {}
        for z in Z:
            if z < 2 * d:
                e = [Fraction(0)] * d
                e[z // 2] = Fraction(1)
                rows.append(e)
                rhs.append(self.box[z // 2][z % 2])
            else:
                units[self.unit(z - 2 * d)] = z
        top = max((k for k, _ in units), default=-1)
        A = [[Fraction(int(i == j)) for j in range(d)] for i in range(d)]
        c = [Fraction(0)] * d
        for k in range(top + 1):
            Wk, bk = self.W[k], self.b[k]
            ZA = [
                [sum((w * A[m][j] for m, w in enumerate(row)), Fraction(0)) for j in range(d)]
                for row in Wk
            ]
            Zc = [
                sum((w * cm for w, cm in zip(row, c, strict=True)), bb)
                for row, bb in zip(Wk, bk, strict=True)
            ]
            for i in range(len(Wk)):
                if (k, i) in units:
                    rows.append(ZA[i])
                    rhs.append(-Zc[i])
            on = [act(self.offsets[k] + i) for i in range(len(Wk))]
            A = [r if a else [Fraction(0)] * d for r, a in zip(ZA, on, strict=True)]
            c = [v if a else Fraction(0) for v, a in zip(Zc, on, strict=True)]
        if len(rows) != d:
            raise Degenerate("a vertex on a number of zero sets other than the dimension")
        return solve(rows, rhs)

    def layer_values(self, x: Sequence[Fraction], layer: int) -> tuple[Fraction, ...]:
        """The exact pre-activations of hidden layer ``layer`` at the point ``x``."""
        h = list(x)
        for k in range(layer + 1):
            z = [
                sum((w * v for w, v in zip(row, h, strict=True)), bb)
                for row, bb in zip(self.W[k], self.b[k], strict=True)
            ]
            h = [max(v, Fraction(0)) for v in z]
        return tuple(z)
