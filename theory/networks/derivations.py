"""Registered derivations behind the network totals and region bounds.

Private part of :mod:`theory.networks` (which imports it, so ``physml derive NAME`` finds
them); import the public names from there.
"""

from __future__ import annotations

import sympy

from theory.claims import Claim, Kind
from theory.derivation import Derivation, register
from theory.networks.bounds import (
    _Ds,
    _j,
    _l,
    deep_parameter_count,
    max_regions_shallow,
    shallow_parameter_count,
)
from theory.symbols import D, D_i, D_o, K

__all__ = [
    "parameter_totals",
    "shallow_region_recursion",
    "deep_regions_1d",
    "width_one_regions",
    "depth_efficiency_derivation",
]

LECTURE = "Physics 361, Lecture 6, section 2.6 Understanding Shallow and Deep Neural Networks"
PRINCE = "Prince, Understanding Deep Learning (MIT Press 2023)"


@register
def parameter_totals() -> Derivation:
    """Parameter totals of shallow and deep networks, summed layer by layer (exact).

    Returns
    -------
    Derivation
        Results ``deep_general`` ((D_i + 1)D + (K - 1)D(D + 1) + (D + 1)D_o), ``deep``
        (3D + 1 + (K - 1)D(D + 1) for one input and output), ``shallow`` (3D + 1) and
        ``shallow_general``; all exact, for fully connected layers with biases, K >= 1.

    Examples
    --------
    >>> from theory.symbols import D
    >>> parameter_totals().results["shallow"]
    3*D + 1
    """
    d = Derivation(
        "Parameter totals of ReLU networks",
        assumptions=["fully connected layers with biases", "K >= 1 hidden layers of width D"],
        references=[f"{LECTURE}: shallow vs deep", f"{PRINCE}, sec. 4.5"],
    )
    n_l, n_next = sympy.symbols("n_l n_{l+1}", positive=True)
    per_layer = d.step(
        "An affine map n_l -> n_{l+1} has an n_{l+1} x n_l weight matrix and n_{l+1} biases",
        n_next * n_l + n_next,
        lhs=r"P_l",
    )
    first = d.step(
        "First layer (n_0 = D_i, n_1 = D)", per_layer.subs({n_l: D_i, n_next: D}), lhs=r"P_0"
    )
    middle = d.step(
        "K - 1 hidden-to-hidden layers, summed over l",
        sympy.Sum(per_layer.subs({n_l: D, n_next: D}), (_l, 1, K - 1)),
        lhs=r"\sum_{l=1}^{K-1} P_l",
    )
    last = d.step(
        "Output layer (n_K = D, n_{K+1} = D_o)", per_layer.subs({n_l: D, n_next: D_o}), lhs=r"P_K"
    )
    total = d.step("Sum of the three", sympy.factor_terms(first + middle.doit() + last), lhs=r"P")
    d.result("deep_general", sympy.expand(total))
    deep = d.result(
        "deep",
        sympy.expand(total.subs({D_i: 1, D_o: 1})),
        "One input and one output",
        lhs=r"P(D_i = D_o = 1)",
    )
    d.result(
        "shallow", sympy.expand(deep.subs(K, 1)), "A shallow network is K = 1", lhs=r"P(K = 1)"
    )
    d.result("shallow_general", sympy.expand(total.subs(K, 1)))
    return d


@register
def shallow_region_recursion() -> Derivation:
    """Regions of D hyperplanes in general position in R^d, solved from their recursion.

    The recursion r(D, d) = r(D-1, d) + r(D-1, d-1), r(0, d) = r(D, 0) = 1, is solved with
    the generating function G_D(x) = sum_d r(D, d) x^d: sympy ``rsolve`` gives
    G_D = (1 + x)^D/(1 - x), whose x^d coefficient (Cauchy product) is sum_{j<=d} C(D, j).

    Returns
    -------
    Derivation
        Results ``generating_function``, ``regions`` (sum_{j<=d} C(D, j): the exact maximum
        over all weights of a shallow network with D units and d inputs, attained when the
        hyperplanes are in general position), ``regions_d1`` (D + 1), ``regions_d2`` and
        ``pascal_residual`` (0: the closed form satisfies the recursion).

    Examples
    --------
    >>> shallow_region_recursion().results["pascal_residual"]
    0
    """
    d = Derivation(
        "Regions of a shallow network: r(D, d) = sum_{j<=d} C(D, j)",
        assumptions=[
            "the D hidden units define D hyperplanes in R^d in general position",
            "adding a hyperplane splits every region of the lower-dimensional arrangement it "
            "carries (D - 1 hyperplanes restricted to it, in R^{d-1}) into two",
        ],
        references=[
            "Zaslavsky, Facing up to arrangements, Mem. AMS 154 (1975)",
            f"{PRINCE}, sec. 3.3",
        ],
    )
    Dn = sympy.Symbol("D", integer=True, nonnegative=True)
    dn = sympy.Symbol("d", integer=True, nonnegative=True)
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    x = sympy.Symbol("x")
    d.note(
        "Premise: r(D, d) = r(D-1, d) + r(D-1, d-1) with r(0, d) = 1 and r(D, 0) = 1; with "
        "r(D, -1) = 0 the recursion also holds at d = 0"
    )
    G = sympy.Function("G")
    g0 = d.step(
        "Generating function G_D(x) = sum_d r(D, d) x^d; at D = 0 every coefficient is 1 "
        "(sympy summation of the geometric series, |x| < 1)",
        sympy.summation(x**k, (k, 0, sympy.oo)).args[0][0],
        lhs=r"G_0(x)",
    )
    rec = d.step(
        "The recursion, multiplied by x^d and summed over d, reads G_D = (1 + x) G_{D-1}",
        sympy.Eq(G(k + 1), (1 + x) * G(k)),
    )
    sol = sympy.rsolve(rec.lhs - rec.rhs, G(k), {G(0): g0})
    gen = d.result(
        "generating_function",
        sympy.factor(sol.subs(k, Dn)),
        "Solve it (sympy rsolve): G_D(x) =",
    )
    num, den = sympy.fraction(sympy.together(gen))
    a = sympy.binomial(Dn, _j)  # [x^j] (1 + x)^D, the binomial theorem
    ak = sympy.fps(1 / sympy.expand(-den), x).ak  # [x^i] 1/(1 - x) as a formula in i
    b = ak.formula.subs(ak.variables[0], dn - _j)
    d.step(
        "Coefficients: [x^j] of the numerator (binomial theorem; sympy series agrees for "
        "j < 4) and [x^(d-j)] of 1/(1 - x) (sympy fps)",
        (a, b),
        lhs=r"([x^j](1+x)^D, [x^{d-j}]\tfrac{1}{1-x})",
    )
    ser = sympy.series(-num, x, 0, 4).removeO()
    for jj in range(4):
        if sympy.expand(ser.coeff(x, jj) - sympy.expand_func(a.subs(_j, jj))) != 0:
            raise ArithmeticError("binomial coefficients disagree")  # pragma: no cover
    closed = sympy.Sum(a * b, (_j, 0, dn))
    regions = d.result(
        "regions",
        closed,
        "Cauchy product: r(D, d) = [x^d] G_D = sum_{j<=d} [x^j](1 + x)^D [x^(d-j)] 1/(1 - x)",
        claim=Claim(Kind.EXACT, "the maximum, attained in general position"),
    )
    # consistency: the closed form satisfies the recursion (Pascal's rule per summand)
    summand = sympy.binomial(Dn, _j) - sympy.binomial(Dn - 1, _j) - sympy.binomial(Dn - 1, _j - 1)
    d.step(
        "Check: the recursion applied to the closed form (shift j -> j-1 in the last sum, "
        "C(D-1, -1) = 0) has summand",
        summand,
        lhs=r"r(D,d) - r(D-1,d) - r(D-1,d-1)",
    )
    zero = d.step(
        "Pascal's rule: it simplifies to",
        sympy.simplify(sympy.combsimp(summand)),
        lhs=r"r(D,d) - r(D-1,d) - r(D-1,d-1)",
    )
    d.result("pascal_residual", zero)
    d.result("regions_d1", sympy.expand(sympy.expand_func(regions.subs(dn, 1).doit())), "d = 1")
    d.result("regions_d2", sympy.expand(sympy.expand_func(regions.subs(dn, 2).doit())), "d = 2")
    return d


@register
def deep_regions_1d() -> Derivation:
    """One input: at most prod_l (n_l + 1) regions, by induction over the layers.

    Returns
    -------
    Derivation
        Results ``equal_widths`` ((D + 1)^K, solved from R_l = (D + 1) R_{l-1} by sympy
        ``rsolve``), ``mixed_widths`` (prod_l (n_l + 1), the telescoped recursion) and
        ``shallow`` (D + 1). Upper bounds for every 1-input network; attained when every
        n_l but the last is >= 3 (a construction, Serra et al. 2018); an earlier width-1
        layer provably prevents it.

    Examples
    --------
    >>> from theory.symbols import D, K
    >>> deep_regions_1d().results["equal_widths"] == (D + 1) ** K
    True
    """
    d = Derivation(
        "Regions of a deep 1-input network: at most prod_l (n_l + 1)",
        assumptions=[
            "one input; hidden widths n_1, ..., n_K",
            "on each of the R_{l-1} pieces of layer l-1 every unit of layer l is affine in x, so "
            "its ReLU adds at most one breakpoint per piece",
        ],
        references=[
            f"{LECTURE}: shallow vs deep",
            "Serra, Tjandraatmadja, Ramalingam, ICML 2018, Theorem 1 (n_0 = 1)",
        ],
    )
    R = sympy.Function("R")
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    n = sympy.Symbol("n_l", positive=True)
    Rp = sympy.Symbol("R_{l-1}", positive=True)
    step = d.step(
        "Layer l adds at most n_l breakpoints in each existing piece", Rp + n * Rp, lhs=r"R_l \le"
    )
    d.step(
        "so R_l <= (n_l + 1) R_{l-1}, with R_0 = 1 (the whole line)",
        sympy.factor(step),
        lhs=r"R_l \le",
    )
    solved = d.step(
        "Equal widths n_l = D: solve R(k+1) = (D + 1) R(k), R(0) = 1",
        sympy.rsolve(R(k + 1) - (D + 1) * R(k), R(k), {R(0): 1}),
        lhs=r"R(k)",
    )
    d.result(
        "equal_widths",
        solved.subs(k, K),
        claim=Claim(Kind.UPPER_BOUND, "attained for D >= 3 (construction)"),
    )
    ns = sympy.IndexedBase("n")
    d.result(
        "mixed_widths",
        sympy.Product(ns[_l] + 1, (_l, 1, K)),
        "Mixed widths: R_K = R_0 prod_l (R_l / R_{l-1}), each ratio at most n_l + 1",
        claim=Claim(
            Kind.UPPER_BOUND,
            "attained when every n_l but the last is >= 3 (construction); an earlier width-1 "
            "layer provably prevents it",
        ),
        lhs=r"R_K \le",
    )
    d.result("shallow", solved.subs(k, 1), "K = 1: the shallow count D + 1", lhs=r"R_1")
    return d


@register
def width_one_regions() -> Derivation:
    """Width-1 layers: a 1-input network with K width-1 layers has at most K + 1 regions.

    Returns
    -------
    Derivation
        Result ``regions`` (K + 1, solved from R(k + 1) = R(k) + 1 by sympy ``rsolve``): an
        upper bound for one input and K hidden layers of one unit, attained by a chain of
        ramps; it equals Serra et al.'s Theorem 1 bound for these widths.

    Examples
    --------
    >>> from theory.symbols import K
    >>> width_one_regions().results["regions"]
    K + 1
    """
    d = Derivation(
        "Width-1 layers give at most K + 1 regions",
        assumptions=[
            "one input, K hidden layers of one unit each",
            "induction hypothesis: after layer l the input line is split into at most l + 1 "
            "intervals, and h_l is constant on all of them but at most one",
        ],
        references=["Serra, Tjandraatmadja, Ramalingam, ICML 2018, Theorem 1 with n_l = 1"],
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
    sol = d.step(
        "Solve the recursion", sympy.rsolve(rec.lhs - rec.rhs, R(k), {R(0): 1}), lhs=r"R(k)"
    )
    d.result(
        "regions",
        sol.subs(k, K),
        claim=Claim(Kind.UPPER_BOUND, "attained, e.g. by a chain of ramps"),
    )
    d.step(
        "Compare the general product bound prod(n_l + 1) at n_l = 1",
        sympy.Integer(2) ** K,
        lhs=r"\prod_l (n_l + 1)|_{n_l = 1}",
    )
    return d


@register
def depth_efficiency_derivation() -> Derivation:
    """Shallow width and parameters needed to match (D + 1)^K regions of a deep network.

    Returns
    -------
    Derivation
        Results ``shallow_width`` ((D + 1)^K - 1, exact minimum), ``shallow_parameters``,
        ``deep_parameters``, ``ratio`` (shallow/deep, exact) and ``ratio_growth``
        (lim_{K -> oo} log(ratio)/K = log(D + 1), an asymptote); one input and output,
        deep widths D >= 3 so that (D + 1)^K is attained.

    Examples
    --------
    >>> import sympy
    >>> from theory.symbols import D
    >>> depth_efficiency_derivation().results["ratio_growth"] == sympy.log(D + 1)
    True
    """
    d = Derivation(
        "Depth efficiency: matching (D + 1)^K regions with one hidden layer",
        assumptions=["one input, one output", "deep: K layers of width D >= 3"],
        references=[f"{LECTURE}: shallow vs deep", f"{PRINCE}, sec. 4.5"],
    )
    regions = d.step(
        "Maximal regions of the deep network (derivation deep_regions_1d)",
        deep_regions_1d().results["equal_widths"],
        lhs=r"R_{\mathrm{deep}}",
    )
    eq = d.step(
        "A shallow network of width D_s has at most D_s + 1 regions; match",
        sympy.Eq(max_regions_shallow(_Ds, 1), regions),
    )
    width = d.result("shallow_width", sympy.solve(eq, _Ds)[0], "Solve for D_s", lhs=r"D_s")
    shallow = d.result(
        "shallow_parameters",
        sympy.expand(shallow_parameter_count(_Ds).subs(_Ds, width)),
        "Its parameters, 3 D_s + 1",
        lhs=r"P_{\mathrm{shallow}}",
    )
    deep = d.result(
        "deep_parameters",
        deep_parameter_count(D, K),
        "The deep network's",
        lhs=r"P_{\mathrm{deep}}",
    )
    d.result(
        "ratio",
        sympy.simplify(shallow / deep),
        "Ratio shallow / deep",
        lhs=r"P_{\mathrm{shallow}}/P_{\mathrm{deep}}",
    )
    d.result(
        "ratio_growth",
        sympy.limit(sympy.log(shallow / deep) / K, K, sympy.oo),
        "log(ratio)/K for K -> oo (exponential growth rate)",
        claim=Claim(Kind.ASYMPTOTE, limit="K -> oo"),
        lhs=r"\lim_{K\to\infty} \frac{1}{K}\log\frac{P_{\mathrm{shallow}}}{P_{\mathrm{deep}}}",
    )
    return d
