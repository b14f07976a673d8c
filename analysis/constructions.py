"""Networks built to reach (or deliberately miss) the region bounds, with exact rational weights.

* :func:`max_regions_network` — a 1-input network whose activation regions on all of R number
  exactly prod(n_l + 1) when every n_l but the last is >= 3 (the maximum, Serra et al. 2018;
  the last hidden layer may have any width).
* :func:`construction_region_count` — the exact count of that construction for any widths
  (narrow layers included), from the recursion the construction obeys.
* :func:`general_position_shallow` — D hyperplanes in general position in R^d:
  sum_{j<=d} C(D, j) regions.
* :func:`degenerate_shallow` — parallel, concurrent, coincident or zero units, with their counts.

How the 1-input construction works. Every layer reads a scalar u = g_{l-1}(x) (g_0 = x) and
has thresholds 0 < s_1 < ... < s_n < 1; unit i is relu(u - s_i) or relu(s_i - u). Call a piece
of the line *covering* when g_{l-1} is monotone on it with a range containing (0, 1): then
every threshold is crossed exactly once inside it, and the layer splits it into n + 1 pieces
with distinct activation patterns. The layer's output g_l = sum_i c_i h_i + c_0 is built so that

* n >= 3: a zig-zag whose n + 1 pieces each map their sub-interval of [0, 1] onto [0, 1]
  (alternating direction); the two unbounded end pieces map onto rays containing [0, 1], so
  every new piece is covering again. One unit (at s_3) must face left: the constant that a
  left-facing unit contributes forces 1/l_0 = 1/l_2 + 1/l_3 for the piece lengths l_k, which
  has no solution with fewer than three units (hence n >= 3).
* n = 2: a "V with a flat bottom" g = 3 relu(1/3 - u) + 3 relu(u - 2/3): two covering pieces
  and one constant piece (value 0, below every later threshold).
* n = 1: a ramp g = 2 relu(u - 1/2): one covering piece and one constant piece.

What is known below width 3: width-1 layers give at most K + 1 regions (proved in
``theory.networks.width_one_regions``; the ramps reach it). For width 2 Serra et al.'s bound is
3^K, but no construction attaining it is known to us; the V layers give 2^(K+1) - 1 (7 for two
layers, which a random search over 20,000 small-integer 1-2-2-1 networks did not exceed).

A constant piece stays one piece in every later layer. So with C_l covering and F_l constant
pieces, C_l = c(n_l) C_{l-1}, F_l = F_{l-1} + (n_l + 1 - c(n_l)) C_{l-1}, C_0 = 1, F_0 = 0,
with c(n) = n + 1 (n >= 3), 2 (n = 2), 1 (n = 1). The count is of activation regions on R
(maximal intervals with one activation pattern; all patterns are distinct). For every
n_l >= 3 the output's slope changes at every breakpoint, so it is also the number of linear
regions.

>>> net = max_regions_network([3, 4])
>>> net.hidden_widths, construction_region_count([3, 4])
((3, 4), 20)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.networks.init import check_widths

__all__ = [
    "max_regions_network",
    "construction_region_count",
    "zigzag_layer",
    "ShallowArrangement",
    "general_position_shallow",
    "degenerate_shallow",
    "DEGENERATE_KINDS",
    "lecture_network",
]


def _check_widths(widths: Sequence[int]) -> list[int]:
    return list(check_widths(widths, hidden=True))


def zigzag_layer(n: int) -> tuple[list[Fraction], list[int], list[Fraction], Fraction]:
    """One layer of the construction: thresholds, orientations, output coefficients, constant.

    Returns ``(s, sign, c, c0)``: unit i computes ``relu(sign[i] * (u - s[i]))`` and the layer's
    scalar output is ``g(u) = sum_i c[i] h_i + c0``, with g(0) = 0.

    >>> s, sign, c, c0 = zigzag_layer(3)
    >>> [str(v) for v in s], sign
    (['1/6', '1/3', '2/3'], [1, 1, -1])
    """
    if n == 1:
        return [Fraction(1, 2)], [1], [Fraction(2)], Fraction(0)
    if n == 2:
        s = [Fraction(1, 3), Fraction(2, 3)]
        return s, [-1, 1], [Fraction(3), Fraction(3)], Fraction(0)
    # piece lengths l_0..l_n (scaled): 1, 1, 2, 2, 1, ..., 1, so 1/l_0 = 1/l_2 + 1/l_3
    lengths = [Fraction(1), Fraction(1), Fraction(2), Fraction(2)] + [Fraction(1)] * (n - 3)
    total = sum(lengths)
    lengths = [v / total for v in lengths]
    s = [sum(lengths[:k], Fraction(0)) for k in range(1, n + 1)]
    slopes = [(-1) ** k / lengths[k] for k in range(n + 1)]  # piece k maps onto [0, 1]
    jumps = [slopes[k] - slopes[k - 1] for k in range(1, n + 1)]
    sign = [1] * n
    sign[2] = -1  # the unit at s_3 faces left; the others face right
    # right-facing relu(u - s) adds slope c to its right; left-facing relu(s - u) adds -c to
    # its left; either way the jump at s is +c
    c = list(jumps)
    c0 = -c[2] * s[2]  # g(0) = c_3 * s_3 + c0 = 0
    return s, sign, c, c0


def max_regions_network(widths: Sequence[int]) -> ReLUNetwork:
    """A 1-input, 1-output network with exact rational weights and many regions on R.

    Parameters
    ----------
    widths : sequence of int
        Hidden widths (n_1, ..., n_K), each >= 1.

    Returns
    -------
    ReLUNetwork
        Its number of activation regions on all of R is exactly
        ``construction_region_count(widths)``; that equals prod(n_l + 1), the maximum over all
        weights (Serra et al. 2018), when every n_l but the last is >= 3 (the last may have
        any width). Narrower earlier layers give fewer (see the
        module docstring; width-1 layers reach the proven maximum K + 1).

    >>> net = max_regions_network([3, 3])
    >>> [str(v) for v in net.exact_forward(["1/12"])]   # first piece: g = 6 u, twice
    ['1/2']
    """
    ws = _check_widths(widths)
    weights: list[list[list[Fraction]]] = []
    biases: list[list[Fraction]] = []
    # the previous layer's scalar output as an affine map of its units: g = coef . h + const
    coef: list[Fraction] = [Fraction(1)]
    const = Fraction(0)
    for n in ws:
        s, sign, c, c0 = zigzag_layer(n)
        weights.append([[sg * a for a in coef] for sg in sign])
        biases.append([sg * (const - si) for sg, si in zip(sign, s, strict=True)])
        coef, const = c, c0
    weights.append([coef])
    biases.append([const])
    return ReLUNetwork(weights, biases)


def construction_region_count(widths: Sequence[int]) -> int:
    """Exact number of activation regions on R of ``max_regions_network(widths)``.

    >>> construction_region_count([5] * 10) == 6 ** 10, construction_region_count([2, 2, 2])
    (True, 15)
    """
    ws = _check_widths(widths)
    covering, flat = 1, 0
    for n in ws:
        keep = n + 1 if n >= 3 else n  # covering children: n+1, 2 (n=2), 1 (n=1)
        covering, flat = keep * covering, flat + (n + 1 - keep) * covering
    return covering + flat


# ---------------------------------------------------------------------------- shallow
class ShallowArrangement(NamedTuple):
    """A shallow network and the exact number of its activation regions on R^{d_in}."""

    network: ReLUNetwork
    regions: int
    description: str


def _moment_normals(ts: Sequence[int], d: int) -> list[list[int]]:
    return [[t**k for k in range(d)] for t in ts]


def _distinct_ints(rng: np.random.Generator, count: int, spread: int = 4) -> list[int]:
    pool = np.arange(-spread * count - 2, spread * count + 3)
    return [int(v) for v in rng.choice(pool, size=count, replace=False)]


def _shallow(units_w: list[list[int]], units_b: list[int], rng: np.random.Generator) -> ReLUNetwork:
    out = [int(v) * int(rng.choice([-1, 1])) for v in rng.integers(1, 5, size=len(units_w))]
    return ReLUNetwork([units_w, [out]], [units_b, [0]])


def general_position_shallow(D: int, d_in: int, seed: int | None = None) -> ShallowArrangement:
    """A shallow network whose D hyperplanes are in general position in R^{d_in}.

    Unit i has hyperplane sum_k x_k t_i^k + t_i^{d} = 0 (k < d): x lies on it iff the monic
    polynomial t^d + x_{d-1} t^{d-1} + ... + x_0 has root t_i. With distinct integers t_i any
    m <= d of them meet in a flat of dimension d - m and any d + 1 have no common point, so
    the count is exactly sum_{j<=d} C(D, j). Each unit's orientation is a random sign.

    >>> arr = general_position_shallow(4, 2, seed=0)
    >>> arr.regions, arr.network.hidden_widths
    (11, (4,))
    """
    _check_widths([D, d_in])
    rng = np.random.default_rng(seed)
    ts = _distinct_ints(rng, D)
    signs = [int(v) for v in rng.choice([-1, 1], size=D)]
    W = [[sg * v for v in row] for sg, row in zip(signs, _moment_normals(ts, d_in), strict=True)]
    b = [sg * t**d_in for sg, t in zip(signs, ts, strict=True)]
    regions = sum(math.comb(D, j) for j in range(d_in + 1))
    return ShallowArrangement(_shallow(W, b, rng), regions, "general position")


#: the kinds :func:`degenerate_shallow` builds
DEGENERATE_KINDS = ("parallel", "concurrent", "coincident", "zero")


def degenerate_shallow(
    kind: str, D: int, d_in: int, seed: int | None = None, distinct: int | None = None
) -> ShallowArrangement:
    """A shallow network whose hyperplanes are *not* in general position, with its exact count.

    Parameters
    ----------
    kind : {"parallel", "concurrent", "coincident", "zero"}
        ``parallel``: D parallel hyperplanes (one normal, distinct offsets): D + 1 regions.
        ``concurrent``: D hyperplanes through one point with generic normals (moment curve):
        2 sum_{j<=d-1} C(D-1, j) regions (a central generic arrangement; 2D in the plane).
        ``coincident``: D units on only ``distinct`` hyperplanes in general position (repeats
        are rescaled, possibly by a negative factor): sum_{j<=d} C(distinct, j).
        ``zero``: ``distinct`` units in general position plus D - distinct units with zero
        weights (constant, no hyperplane; biases 0, 1 alternately): sum_{j<=d} C(distinct, j).
    D, d_in : int
        Number of hidden units and inputs.
    seed : int, optional
        Seed for the integer parameters.
    distinct : int, optional
        For ``coincident`` and ``zero``: the number of distinct hyperplanes (default
        ``max(1, D // 2)``).

    >>> degenerate_shallow("concurrent", 5, 2, seed=1).regions
    10
    >>> degenerate_shallow("parallel", 5, 3, seed=1).regions
    6
    """
    _check_widths([D, d_in])
    if kind not in DEGENERATE_KINDS:
        raise ValueError(f"kind must be one of {DEGENERATE_KINDS}, got {kind!r}")
    rng = np.random.default_rng(seed)
    k = max(1, D // 2) if distinct is None else int(distinct)
    if kind in ("coincident", "zero") and not 1 <= k <= D:
        raise ValueError(f"distinct must be in 1..D={D}, got {k}")
    if kind == "parallel":
        normal = [int(v) or 1 for v in rng.integers(-3, 4, size=d_in)]
        offs = _distinct_ints(rng, D)
        signs = [int(v) for v in rng.choice([-1, 1], size=D)]
        W = [[sg * v for v in normal] for sg in signs]
        b = [sg * o for sg, o in zip(signs, offs, strict=True)]
        return ShallowArrangement(_shallow(W, b, rng), D + 1, "parallel")
    if kind == "concurrent":
        p = [int(v) for v in rng.integers(-3, 4, size=d_in)]
        W = _moment_normals(_distinct_ints(rng, D), d_in)
        b = [-sum(w * x for w, x in zip(row, p, strict=True)) for row in W]
        regions = 2 * sum(math.comb(D - 1, j) for j in range(d_in))
        return ShallowArrangement(_shallow(W, b, rng), regions, "concurrent")
    base = general_position_shallow(k, d_in, seed=seed)
    Wb = [list(map(int, r)) for r in base.network.exact_weights[0]]
    bb = [int(v) for v in base.network.exact_biases[0]]
    W, b = list(Wb), list(bb)
    for i in range(D - k):
        if kind == "coincident":
            f = int(rng.choice([-3, -2, -1, 2, 3]))
            W.append([f * v for v in Wb[i % k]])
            b.append(f * bb[i % k])
        else:
            W.append([0] * d_in)
            b.append(i % 2)
    regions = sum(math.comb(k, j) for j in range(d_in + 1))
    return ShallowArrangement(_shallow(W, b, rng), regions, kind)


def lecture_network() -> ReLUNetwork:
    """The lecture's 10-parameter shallow network (joints at 2/5, 1, 3/2).

    ``y = φ0 + φ1 a[θ10 + θ11 x] + φ2 a[θ20 + θ21 x] + φ3 a[θ30 + θ31 x]``; for x > 3/2 the
    units h1 and h3 are active and h2 is inactive, as in the lecture's shaded region.

    >>> net = lecture_network()
    >>> net.n_parameters, net.activation_pattern([2])
    (10, ((True, False, True),))
    """
    return ReLUNetwork(
        [
            [[Fraction(1, 2)], [Fraction(-1)], [Fraction(1)]],
            [[Fraction(2), Fraction(-1), Fraction(-5, 2)]],
        ],
        [[Fraction(-1, 5), Fraction(1), Fraction(-3, 2)], [Fraction(-3, 10)]],
    )
