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
from typing import Any

__all__ = ["integer_layers"]


def integer_layers(net: Any) -> list[tuple[list[list[int]], list[int], int]]:
    """Per layer of ``net``: integer weights (rows), integer biases, the common denominator."""
    out = []
    for W, B in zip(net.exact_weights, net.exact_biases, strict=True):
        den = math.lcm(*(v.denominator for v in (*W.reshape(-1), *B)))
        Wi = [[v.numerator * (den // v.denominator) for v in row] for row in W]
        Bi = [v.numerator * (den // v.denominator) for v in B]
        out.append((Wi, Bi, den))
    return out
