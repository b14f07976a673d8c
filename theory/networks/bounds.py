"""Parameter totals and region bounds of fully connected ReLU networks (plain functions).

Private part of :mod:`theory.networks`; import the public names from there. Each function
says which kind of claim its value is (exact, upper bound, lower bound) and when it holds;
the derivations behind the formulas are in ``theory.networks.derivations``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sympy

from theory.symbols import D, D_i, K

__all__ = [
    "parameter_count",
    "deep_parameter_count",
    "shallow_parameter_count",
    "max_regions_shallow",
    "max_regions_1d",
    "serra_upper_bound",
    "montufar_lower_bound",
    "serra_lower_bound",
    "prince_regions",
    "shallow_width_to_match",
    "depth_efficiency",
]

_l = sympy.Symbol("l", integer=True, positive=True)  # layer index
_j = sympy.Symbol("j", integer=True, nonnegative=True)
_Ds = sympy.Symbol("D_s", positive=True)  # width of the matching shallow network


def _nonneg_int(v: Any, name: str, minimum: int = 0) -> None:
    if isinstance(v, sympy.Basic) and not v.is_number:
        return  # symbolic: accepted as is
    if isinstance(v, bool) or int(v) != v:
        raise TypeError(f"{name} must be an integer, got {v!r}")
    if v < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {v}")


def _widths(widths: Sequence[Any], minimum: int = 1) -> list[Any]:
    ws = list(widths)
    for i, w in enumerate(ws):
        _nonneg_int(w, f"widths[{i}]", minimum)
    return [sympy.sympify(w) for w in ws]


# ---------------------------------------------------------------------------- parameters
def parameter_count(widths: Sequence[Any], d_in: Any = 1, d_out: Any = 1) -> sympy.Expr:
    """Exact number of weights and biases of a network with hidden widths ``widths``.

    Layer l maps n_l -> n_{l+1} with an (n_{l+1} x n_l) matrix and n_{l+1} biases; the total is
    the sum of (n_l + 1) n_{l+1} over the K + 1 affine maps, with n_0 = D_i, n_{K+1} = D_o.

    Parameters
    ----------
    widths : sequence of int or sympy expressions
        Hidden widths (n_1, ..., n_K); empty for an affine map.
    d_in, d_out : int or sympy expression
        D_i and D_o.

    Returns
    -------
    sympy.Expr
        Exact (an Integer for numeric arguments).

    >>> parameter_count([10] * 5)
    471
    >>> parameter_count([sympy.Symbol("n")], d_in=2, d_out=3)
    6*n + 3
    """
    _nonneg_int(d_in, "d_in", 1)
    _nonneg_int(d_out, "d_out", 1)
    ns = [sympy.sympify(d_in), *_widths(widths), sympy.sympify(d_out)]
    return sympy.expand(
        sum(((a + 1) * b for a, b in zip(ns[:-1], ns[1:], strict=False)), sympy.Integer(0))
    )


def deep_parameter_count(Dv: Any = D, Kv: Any = K, d_in: Any = 1, d_out: Any = 1) -> sympy.Expr:
    """Exact parameter total of K hidden layers of width D (K may be symbolic).

    Summed over the layers with a symbolic sum: (D_i + 1)D + sum_{l=1}^{K-1} (D + 1)D +
    (D + 1)D_o. For D_i = D_o = 1 it is 3D + 1 + (K - 1)D(D + 1) (lecture, "shallow vs
    deep"; Prince, Understanding Deep Learning, sec. 4.5).

    >>> deep_parameter_count(5, 10)
    286
    """
    _nonneg_int(Kv, "K", 1)
    _nonneg_int(Dv, "D", 1)
    Dv, Kv = sympy.sympify(Dv), sympy.sympify(Kv)
    middle = sympy.Sum((Dv + 1) * Dv, (_l, 1, Kv - 1)).doit()
    return sympy.expand((sympy.sympify(d_in) + 1) * Dv + middle + (Dv + 1) * sympy.sympify(d_out))


def shallow_parameter_count(Dv: Any = D, d_in: Any = 1, d_out: Any = 1) -> sympy.Expr:
    """Exact parameter total of one hidden layer of width D: (D_i + 1)D + (D + 1)D_o.

    For one input and one output it is the lecture's 3D + 1 ("shallow neural networks").

    >>> shallow_parameter_count(95), shallow_parameter_count()
    (286, 3*D + 1)
    """
    return parameter_count([Dv], d_in=d_in, d_out=d_out)


# ---------------------------------------------------------------------------- regions
def max_regions_shallow(Dv: Any = D, d_in: Any = 1) -> sympy.Expr:
    """Maximum number of regions of a shallow network: sum_{j <= D_i} C(D, j).

    Exact maximum over all weights (Zaslavsky 1975): the regions of D affine hyperplanes in
    R^{D_i}, attained exactly when they are in general position; an upper bound for every
    shallow network with D hidden units (activation and linear regions alike).
    Derivation: ``shallow_region_recursion`` (generating function of the recursion).

    >>> max_regions_shallow(95), max_regions_shallow(3, 2), max_regions_shallow(D)
    (96, 7, D + 1)
    """
    _nonneg_int(Dv, "D", 0)
    _nonneg_int(d_in, "d_in", 1)
    Dv, dv = sympy.sympify(Dv), sympy.sympify(d_in)
    if dv.is_Integer:
        return sympy.expand(
            sum((sympy.expand_func(sympy.binomial(Dv, j)) for j in range(int(dv) + 1)), 0)
        )
    return sympy.Sum(sympy.binomial(Dv, _j), (_j, 0, dv))


def max_regions_1d(widths: Sequence[Any]) -> sympy.Expr:
    """Upper bound prod_l (n_l + 1) on the regions of a 1-input network, widths n_1..n_K.

    Upper bound for every 1-input network (derivation ``deep_regions_1d``: each unit of layer
    l adds at most one breakpoint per piece); attained (the exact maximum) when every n_l but
    the last is >= 3 (a construction: Serra, Tjandraatmadja & Ramalingam 2018;
    ``analysis.constructions``); the last may have any width. Not attained when a layer
    before the last has width 1 (then :func:`serra_upper_bound`, also an upper bound, is
    smaller), nor for widths (2, 2) (at most 7); other earlier widths 2 are open.

    >>> max_regions_1d([5] * 10)
    60466176
    """
    ws = _widths(widths)
    return sympy.expand(sympy.Mul(*[w + 1 for w in ws]))


def serra_upper_bound(widths: Sequence[int], d_in: int) -> int:
    """Serra, Tjandraatmadja & Ramalingam (2018), Theorem 1: an upper bound on the regions.

    .. math:: \\sum_{(j_1,\\dots,j_L)\\in J}\\ \\prod_{l=1}^{L} \\binom{n_l}{j_l},\\quad
       J = \\{0 \\le j_l \\le \\min(n_0, n_1 - j_1, \\dots, n_{l-1} - j_{l-1}, n_l)\\}

    with n_0 = D_i, over integer tuples (j_1, ..., j_L) (Serra, Tjandraatmadja & Ramalingam,
    ICML 2018, Theorem 1). Upper bound on the number of linear regions of every ReLU network
    with these widths. For D_i = 1 and n_l >= 2 for every l < L it equals prod (n_l + 1);
    for D_i = 1 it is attained when every n_l but the last is >= 3. Evaluated exactly by a dynamic
    programme over layers whose state is the running minimum in the definition of J.

    >>> serra_upper_bound([1, 1, 1], 1), serra_upper_bound([4, 4], 2)
    (4, 121)
    """
    _nonneg_int(d_in, "d_in", 1)
    ws = [int(w) for w in _widths(widths)]
    # dynamic programme over layers; state = the running minimum (dimension left)
    states: dict[int, int] = {int(d_in): 1}
    for n in ws:
        new: dict[int, int] = {}
        for m, weight in states.items():
            for j in range(min(m, n) + 1):
                key = min(m, n - j)
                new[key] = new.get(key, 0) + weight * math.comb(n, j)
        states = new
    return sum(states.values())


def montufar_lower_bound(widths: Sequence[int], d_in: int) -> int:
    """Montufar et al. (2014): prod_{l<L} floor(n_l / D_i)^{D_i} * sum_{j<=D_i} C(n_L, j).

    Lower bound on the *maximum* number of linear regions over all weights with these widths
    (Montufar, Pascanu, Cho & Bengio, NeurIPS 2014, Theorem 4 / Corollary 6), valid when
    every n_l >= D_i; it is not a bound on a given network's count.

    >>> montufar_lower_bound([4, 4, 4], 2)
    176
    """
    _nonneg_int(d_in, "d_in", 1)
    ws = [int(w) for w in _widths(widths)]
    if not ws or min(ws) < d_in:
        raise ValueError(f"Montufar's bound needs at least one layer and every n_l >= D_i={d_in}")
    head = math.prod((n // d_in) ** d_in for n in ws[:-1])
    return head * sum(math.comb(ws[-1], j) for j in range(d_in + 1))


def serra_lower_bound(widths: Sequence[int], d_in: int) -> int:
    """Serra et al. (2018), Theorem 8: prod_{l<L} (floor(n_l/D_i) + 1)^{D_i} sum_{j<=D_i} C(n_L, j).

    Lower bound on the maximum number of linear regions over all weights (Serra,
    Tjandraatmadja & Ramalingam, ICML 2018, Theorem 8), valid when every n_l >= 3 D_i.

    >>> serra_lower_bound([3, 3, 3], 1)
    64
    """
    _nonneg_int(d_in, "d_in", 1)
    ws = [int(w) for w in _widths(widths)]
    if not ws or min(ws) < 3 * d_in:
        raise ValueError(f"Serra's lower bound needs every n_l >= 3 D_i = {3 * d_in}")
    head = math.prod((n // d_in + 1) ** d_in for n in ws[:-1])
    return head * sum(math.comb(ws[-1], j) for j in range(d_in + 1))


def prince_regions(Dv: Any = D, Kv: Any = K, d_in: Any = D_i) -> sympy.Expr:
    """The count (D/D_i + 1)^{D_i(K-1)} sum_{j<=D_i} C(D, j), cited as Prince's eq. 4.17.

    What is used: the formula above for K hidden layers of width D and D_i inputs, as this
    project cites it from S. J. D. Prince, *Understanding Deep Learning* (MIT Press 2023),
    sec. 4.5 (eq. 4.17, attributed there to Montufar et al. 2014); the book's text was not
    re-checked here, so nothing beyond the formula is claimed for it. What is known about
    its value: for D_i = 1 it is (D + 1)^K, the exact maximum over all weights when D >= 3
    (an upper bound for every D); for integer D/D_i and D >= 3 D_i it equals Serra et al.'s
    Theorem 8 *lower bound* on the maximum (:func:`serra_lower_bound`), hence is a lower
    bound; it is not an upper bound in general, and for D_i not dividing D it is not an
    integer.

    >>> prince_regions(10, 5, 1), prince_regions(D, K, 1)
    (161051, (D + 1)**K)
    """
    _nonneg_int(Dv, "D", 1)
    _nonneg_int(Kv, "K", 1)
    _nonneg_int(d_in, "d_in", 1)
    Dv, Kv, dv = sympy.sympify(Dv), sympy.sympify(Kv), sympy.sympify(d_in)
    return sympy.powsimp((Dv / dv + 1) ** (dv * (Kv - 1)) * max_regions_shallow(Dv, dv))


def shallow_width_to_match(Dv: Any = D, Kv: Any = K) -> sympy.Expr:
    """Width D_s a 1-input shallow network needs for (D + 1)^K regions: D_s = (D + 1)^K - 1.

    Exact minimum (a shallow 1-input network has at most D_s + 1 regions, attained), for the
    deep maximum (D + 1)^K, which is attained when D >= 3 (lecture, "shallow vs deep").

    >>> shallow_width_to_match(5, 10)
    60466175
    """
    return sympy.solve(sympy.Eq(max_regions_shallow(_Ds, 1), (Dv + 1) ** Kv), _Ds)[0]


def depth_efficiency(Dv: Any = D, Kv: Any = K) -> dict[str, sympy.Expr]:
    """Deep (K layers of width D, 1 input/output) versus the narrowest shallow net that matches.

    Returns ``regions`` (D + 1)^K, ``shallow_width`` (D + 1)^K - 1, ``deep_parameters``,
    ``shallow_parameters`` = 3(D + 1)^K - 2 and their ``ratio`` shallow/deep (all exact).

    >>> depth_efficiency(5, 10)["shallow_parameters"]
    181398526
    """
    width = shallow_width_to_match(Dv, Kv)
    deep = deep_parameter_count(Dv, Kv)
    shallow = sympy.expand(shallow_parameter_count(width))
    return {
        "regions": (sympy.sympify(Dv) + 1) ** Kv,
        "shallow_width": width,
        "deep_parameters": deep,
        "shallow_parameters": shallow,
        "ratio": sympy.simplify(shallow / deep),
    }
