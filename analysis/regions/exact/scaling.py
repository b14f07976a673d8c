"""Exact rational layers as integers over one common denominator per layer.

Every exact region method works on ``W_l = Wi_l / d_l``, ``b_l = Bi_l / d_l`` with integer
``Wi_l``, ``Bi_l`` and the least common denominator ``d_l > 0`` of the layer's entries: a
positive scale never changes a sign, so every sign test becomes exact integer arithmetic.

>>> from analysis.networks import ReLUNetwork
>>> integer_layers(ReLUNetwork([[["1/2"], ["1/3"]], [[1, 1]]], [[0, "1/6"], [0]]))
[([[3], [2]], [0, 1], 6), ([[1, 1]], [0], 1)]
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["PatternMaps", "integer_layers"]


def integer_layers(net: Any) -> list[tuple[list[list[int]], list[int], int]]:
    """Per layer of ``net``: integer weights (rows), integer biases, the common denominator."""
    out = []
    for W, B in zip(net.exact_weights, net.exact_biases, strict=True):
        den = math.lcm(*(v.denominator for v in (*W.reshape(-1), *B)))
        Wi = [[v.numerator * (den // v.denominator) for v in row] for row in W]
        Bi = [v.numerator * (den // v.denominator) for v in B]
        out.append((Wi, Bi, den))
    return out


class PatternMaps:
    """The exact affine maps of a network on activation patterns, memoised by pattern prefix.

    On the region of the first ``k`` layers' pattern, layer ``k``'s pre-activations are
    ``(R x + r) / s`` with integer ``R``, ``r`` and ``s > 0`` (:meth:`pre`); a positive scale
    never changes a sign or a zero set. Patterns sharing a prefix share its work.

    >>> from analysis.networks import ReLUNetwork
    >>> maps = PatternMaps(ReLUNetwork([[[1], [-1]], [["1/2", 3]]], [[0, 0], [1]]))
    >>> maps.output(((True, False),))          # x > 0: f = x / 2 + 1
    (((Fraction(1, 2),),), (Fraction(1, 1),))
    """

    def __init__(self, net: Any):
        self.layers = [
            (np.array(Wi, dtype=object).reshape(len(Wi), -1), np.array(Bi, dtype=object), den)
            for Wi, Bi, den in integer_layers(net)
        ]
        d = net.input_dim
        eye = np.eye(d, dtype=np.int64).astype(object)
        self._hidden: dict[tuple, tuple[Any, Any, int]] = {
            (): (eye, np.zeros(d, dtype=np.int64).astype(object), 1)
        }

    def hidden(self, prefix: tuple) -> tuple[Any, Any, int]:
        """``(P, q, S)``: the last layer of ``prefix``'s outputs are ``(P x + q) / S``."""
        if prefix not in self._hidden:
            R, r, s = self.pre(prefix[:-1])
            on = np.array(prefix[-1], dtype=bool)
            self._hidden[prefix] = (R * on[:, None], r * on, s)
        return self._hidden[prefix]

    def pre(self, prefix: tuple) -> tuple[Any, Any, int]:
        """``(R, r, s)``: layer ``len(prefix)``'s pre-activations on ``prefix``'s region."""
        P, q, S = self.hidden(tuple(prefix))
        Wi, Bi, den = self.layers[len(prefix)]
        return Wi.dot(P), Wi.dot(q) + Bi * S, S * den

    def output(self, pattern: tuple) -> tuple[tuple, tuple]:
        """The exact output map ``(A, c)`` (Fractions) on the region of a full pattern."""
        R, r, s = self.pre(tuple(pattern))
        A = tuple(tuple(Fraction(int(v), s) for v in row) for row in R.tolist())
        return A, tuple(Fraction(int(v), s) for v in r.tolist())
