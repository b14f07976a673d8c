"""Parameter totals and region bounds of fully connected ReLU networks, derived with sympy.

Notation of the lecture: D_i inputs, K hidden layers of widths n_1..n_K (all equal to D for a
"deep" network), D_o outputs. Each plain function below says which kind of claim it returns
(exact, upper bound, lower bound) and when it holds; the registered derivations show how each
formula comes out of its premises.

>>> from theory.symbols import D, K
>>> deep_parameter_count(D, K).expand() == (3*D + 1 + (K - 1)*D*(D + 1)).expand()
True
>>> max_regions_shallow(4, 2), max_regions_1d([3, 3]), serra_upper_bound([3, 3], 1)
(11, 16, 16)

References
----------
.. [1] S. J. D. Prince, *Understanding Deep Learning*, MIT Press 2023, ch. 3-4 (eq. 4.17).
.. [2] G. Montufar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
   neural networks", NeurIPS 2014.
.. [3] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018 (Theorem 1: upper bound; Theorem 8: lower bound).
.. [4] T. Zaslavsky, "Facing up to arrangements", Mem. AMS 154, 1975.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sympy

from theory.derivation import Derivation, register
from theory.symbols import D, D_i, D_o, K

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
    "parameter_totals",
    "shallow_region_recursion",
    "deep_regions_1d",
    "width_one_regions",
    "depth_efficiency_derivation",
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
    return sympy.expand(sum(((a + 1) * b for a, b in zip(ns[:-1], ns[1:])), sympy.Integer(0)))


def deep_parameter_count(Dv: Any = D, Kv: Any = K, d_in: Any = 1, d_out: Any = 1) -> sympy.Expr:
    """Exact parameter total of K hidden layers of width D (K may be symbolic).

    Summed over the layers with a symbolic sum: (D_i + 1)D + sum_{l=1}^{K-1} (D + 1)D +
    (D + 1)D_o. For D_i = D_o = 1 it is 3D + 1 + (K - 1)D(D + 1) (lecture).

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

    >>> shallow_parameter_count(95), shallow_parameter_count()
    (286, 3*D + 1)
    """
    return parameter_count([Dv], d_in=d_in, d_out=d_out)


# ---------------------------------------------------------------------------- regions
def max_regions_shallow(Dv: Any = D, d_in: Any = 1) -> sympy.Expr:
    """Maximum number of regions of a shallow network: sum_{j <= D_i} C(D, j).

    Exact maximum over all weights (Zaslavsky [4]): the regions of D affine hyperplanes in
    R^{D_i}, attained exactly when they are in general position; an upper bound for every
    shallow network with D hidden units (activation and linear regions alike).
    Derivation: :func:`shallow_region_recursion`.

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

    Upper bound for every 1-input network (:func:`deep_regions_1d`); attained (exact maximum)
    when every n_l >= 3 (Serra et al. [3]; ``analysis.constructions.max_regions_network``).
    Not attained when some n_l = 1 (then :func:`serra_upper_bound` is smaller).

    >>> max_regions_1d([5] * 10)
    60466176
    """
    ws = _widths(widths)
    return sympy.expand(sympy.Mul(*[w + 1 for w in ws]))


def serra_upper_bound(widths: Sequence[int], d_in: int) -> int:
    """Serra, Tjandraatmadja & Ramalingam (2018), Theorem 1: an upper bound on the regions.

    .. math:: \\sum_{(j_1,\\dots,j_L)\\in J}\\ \\prod_{l=1}^{L} \\binom{n_l}{j_l},\\quad
       J = \\{0 \\le j_l \\le \\min(n_0, n_1 - j_1, \\dots, n_{l-1} - j_{l-1}, n_l)\\}

    with n_0 = D_i. Upper bound for every ReLU network with these widths; for D_i = 1 and
    every n_l >= 2 it equals prod (n_l + 1), and it is attained when every n_l >= 3.

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

    A lower bound on the *maximum* number of regions over all weights with these widths,
    valid when every n_l >= D_i.

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

    A lower bound on the maximum over all weights, valid when every n_l >= 3 D_i.

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
    """Prince, *Understanding Deep Learning*, eq. 4.17: (D/D_i + 1)^{D_i(K-1)} sum_{j<=D_i} C(D,j).

    The book's count for K layers of width D > D_i. For D_i = 1 it is (D + 1)^K, the exact
    maximum when D >= 3. For D_i > 1 dividing D it coincides with Serra et al.'s Theorem 8
    *lower bound* on the maximum (D >= 3 D_i); it is not an upper bound in general.

    >>> prince_regions(10, 5, 1), prince_regions(D, K, 1)
    (161051, (D + 1)**K)
    """
    Dv, Kv, dv = sympy.sympify(Dv), sympy.sympify(Kv), sympy.sympify(d_in)
    return sympy.powsimp((Dv / dv + 1) ** (dv * (Kv - 1)) * max_regions_shallow(Dv, dv))


def shallow_width_to_match(Dv: Any = D, Kv: Any = K) -> sympy.Expr:
    """Width D_s a 1-input shallow network needs for (D + 1)^K regions: D_s = (D + 1)^K - 1.

    Exact minimum (a shallow 1-input network has at most D_s + 1 regions, attained).

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


# ---------------------------------------------------------------------------- derivations
@register
def parameter_totals() -> Derivation:
    """Parameter totals of shallow and deep networks, summed layer by layer."""
    d = Derivation(
        "Parameter totals of ReLU networks",
        assumptions=["fully connected layers with biases", "K >= 1 hidden layers of width D"],
        references=["lecture: shallow vs deep", "Prince, Understanding Deep Learning, sec. 4.5"],
    )
    n_l, n_next = sympy.symbols("n_l n_{l+1}", positive=True)
    per_layer = d.step(
        "An affine map n_l -> n_{l+1} has an n_{l+1} x n_l weight matrix and n_{l+1} biases",
        n_next * n_l + n_next,
    )
    first = d.step("First layer (n_0 = D_i, n_1 = D)", per_layer.subs({n_l: D_i, n_next: D}))
    middle = d.step(
        "K - 1 hidden-to-hidden layers, summed over l",
        sympy.Sum(per_layer.subs({n_l: D, n_next: D}), (_l, 1, K - 1)),
    )
    last = d.step("Output layer (n_K = D, n_{K+1} = D_o)", per_layer.subs({n_l: D, n_next: D_o}))
    total = d.step("Sum of the three", sympy.factor_terms(first + middle.doit() + last))
    d.result("deep_general", sympy.expand(total))
    deep = d.result(
        "deep",
        sympy.expand(total.subs({D_i: 1, D_o: 1})),
        "One input and one output",
    )
    d.result("shallow", sympy.expand(deep.subs(K, 1)), "A shallow network is K = 1")
    d.result("shallow_general", sympy.expand(total.subs(K, 1)))
    return d


@register
def shallow_region_recursion() -> Derivation:
    """Regions of D hyperplanes in general position in R^d from r(D,d) = r(D-1,d) + r(D-1,d-1)."""
    d = Derivation(
        "Regions of a shallow network: r(D, d) = sum_{j<=d} C(D, j)",
        assumptions=[
            "the D hidden units define D hyperplanes in R^d in general position",
            "adding a hyperplane splits every region of the lower-dimensional arrangement it "
            "carries (D - 1 hyperplanes restricted to it, in R^{d-1}) into two",
        ],
        references=["Zaslavsky 1975", "Prince, Understanding Deep Learning, sec. 3.3"],
    )
    Dn = sympy.Symbol("D", integer=True, nonnegative=True)
    dn = sympy.Symbol("d", integer=True, nonnegative=True)
    mm = sympy.Symbol("m", integer=True, nonnegative=True)
    d.note("Recursion r(D, d) = r(D-1, d) + r(D-1, d-1), with r(0, d) = 1 and r(D, 0) = 1.")
    d.note("For fixed d it telescopes in D: r(D, d) = 1 + sum_{m=0}^{D-1} r(m, d-1).")
    r_prev = sympy.Integer(1)  # r(D, 0) = 1
    solved = {0: r_prev}
    for k in range(1, 5):
        r_k = sympy.factor(1 + sympy.summation(r_prev.subs(Dn, mm), (mm, 0, Dn - 1)))
        d.step(
            f"Solve for d = {k} by summing r(m, {k - 1}) over m < D",
            sympy.Eq(sympy.Function("r")(Dn, k), r_k),
        )
        solved[k] = r_k
        r_prev = r_k
    closed = sympy.Sum(sympy.binomial(Dn, _j), (_j, 0, dn))
    d.step("Each solution equals sum_{j<=d} C(D, j); the conjectured closed form", closed)
    for k, r_k in solved.items():
        diff = sympy.expand(sympy.expand_func(closed.subs(dn, k).doit()) - r_k)
        d.step(f"Check d = {k}: closed form minus solved recursion", diff)
    # general d: after shifting j in the last sum, the summand is Pascal's rule
    summand = sympy.binomial(Dn, _j) - sympy.binomial(Dn - 1, _j) - sympy.binomial(Dn - 1, _j - 1)
    d.step(
        "Recursion for general d: the difference of the sums (shift j -> j-1 in the last, "
        "C(D-1, -1) = 0) has summand",
        summand,
    )
    zero = d.step(
        "Pascal's rule: the summand simplifies to", sympy.simplify(sympy.combsimp(summand))
    )
    d.result("pascal_residual", zero)
    d.step("Boundary r(D, 0)", closed.subs(dn, 0).doit())
    d.step("Boundary r(0, d) (only j = 0 survives)", sympy.binomial(0, _j).subs(_j, 0))
    d.result("regions", closed, claim="exact maximum (attained in general position)")
    d.result("regions_d1", sympy.expand(solved[1]))
    d.result("regions_d2", sympy.expand(solved[2]))
    return d


@register
def deep_regions_1d() -> Derivation:
    """One input: prod_l (n_l + 1) regions at most, by induction over layers."""
    d = Derivation(
        "Regions of a deep 1-input network: at most prod_l (n_l + 1)",
        assumptions=[
            "one input; hidden widths n_1, ..., n_K",
            "on each of the R_{l-1} pieces of layer l-1 every unit of layer l is affine in x, so "
            "its ReLU adds at most one breakpoint per piece",
        ],
        references=["lecture: shallow vs deep", "Serra et al. 2018, Theorem 1 (n_0 = 1)"],
    )
    R = sympy.Function("R")
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    n = sympy.Symbol("n_l", positive=True)
    Rp = sympy.Symbol("R_{l-1}", positive=True)
    step = d.step("Layer l adds at most n_l breakpoints in each existing piece", Rp + n * Rp)
    d.step("so R_l <= (n_l + 1) R_{l-1}, with R_0 = 1 (the whole line)", sympy.factor(step))
    solved = d.step(
        "Equal widths n_l = D: solve R(k+1) = (D + 1) R(k), R(0) = 1",
        sympy.rsolve(R(k + 1) - (D + 1) * R(k), R(k), {R(0): 1}),
    )
    d.result("equal_widths", solved.subs(k, K), claim="upper bound; attained for D >= 3")
    ns = sympy.IndexedBase("n")
    d.result(
        "mixed_widths",
        sympy.Product(ns[_l] + 1, (_l, 1, K)),
        "Mixed widths: the product of the per-layer factors",
        claim="upper bound; attained when every n_l >= 3",
    )
    d.result("shallow", solved.subs(k, 1), "K = 1: the shallow count D + 1")
    return d


@register
def width_one_regions() -> Derivation:
    """Width-1 layers: a 1-input network with K width-1 layers has at most K + 1 regions."""
    d = Derivation(
        "Width-1 layers give at most K + 1 regions",
        assumptions=[
            "one input, K hidden layers of one unit each",
            "induction hypothesis: after layer l the input line is split into at most l + 1 "
            "intervals, and h_l is constant on all of them but at most one",
        ],
        references=["Serra et al. 2018, Theorem 1 with n_l = 1"],
    )
    d.note(
        "h_1 = relu(w x + b) is 0 on one side of -b/w and affine monotone on the other: 2 "
        "intervals, only one non-constant (w = 0: 1 interval, constant)."
    )
    d.note(
        "If h_{l-1} is constant on an interval, so is h_l (no breakpoint). On the single "
        "interval where h_{l-1} is monotone affine, relu(w h_{l-1} + b) has at most one "
        "breakpoint, leaving one monotone piece and one constant piece."
    )
    R = sympy.Function("R")
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    rec = d.step("Hence R(k+1) <= R(k) + 1 with R(0) = 1", sympy.Eq(R(k + 1), R(k) + 1))
    sol = d.step("Solve the recursion", sympy.rsolve(rec.lhs - rec.rhs, R(k), {R(0): 1}))
    d.result("regions", sol.subs(k, K), claim="upper bound, attained (e.g. a chain of ramps)")
    d.step("Compare the general product bound prod(n_l + 1) at n_l = 1", sympy.Integer(2) ** K)
    return d


@register
def depth_efficiency_derivation() -> Derivation:
    """Shallow width and parameters needed to match (D + 1)^K regions of a deep network."""
    d = Derivation(
        "Depth efficiency: matching (D + 1)^K regions with one hidden layer",
        assumptions=["one input, one output", "deep: K layers of width D >= 3"],
        references=["lecture: shallow vs deep", "Prince, Understanding Deep Learning, sec. 4.5"],
    )
    regions = d.step("Maximal regions of the deep network", (D + 1) ** K)
    eq = d.step(
        "A shallow network of width D_s has at most D_s + 1 regions; match",
        sympy.Eq(max_regions_shallow(_Ds, 1), regions),
    )
    width = d.result("shallow_width", sympy.solve(eq, _Ds)[0], "Solve for D_s")
    shallow = d.result(
        "shallow_parameters",
        sympy.expand(shallow_parameter_count(_Ds).subs(_Ds, width)),
        "Its parameters, 3 D_s + 1",
    )
    deep = d.result("deep_parameters", deep_parameter_count(D, K), "The deep network's")
    d.result("ratio", sympy.simplify(shallow / deep), "Ratio shallow / deep")
    d.result(
        "ratio_growth",
        sympy.limit(sympy.log(shallow / deep) / K, K, sympy.oo),
        "log(ratio)/K for K -> oo (exponential growth rate)",
        claim="asymptote",
    )
    return d
