"""Adaptive and stochastic methods: Adam, RMSProp and mini-batch SGD.

Private part of :mod:`theory.optimization`; import the public names from there.
"""

from __future__ import annotations

import sympy

from theory.claims import Claim, Kind
from theory.derivation import Derivation, register
from theory.symbols import beta, beta_1, beta_2, epsilon, eta, t

__all__ = [
    "adam_bias_correction",
    "rmsprop",
    "sgd_minibatch",
    "g",
    "g_mean",
    "g2_mean",
    "n_data",
    "batch",
    "sigma",
]

LECTURE = "Physics 361, Lecture 6, section 2.5 Optimization"

#: a (real) gradient component, its mean E[g] and its second moment E[g^2]
g = sympy.Symbol("g", real=True)
g_mean = sympy.Symbol("g_mean", real=True)
g2_mean = sympy.Symbol("g2_mean", positive=True)
#: data-set size n, batch size B and the per-example gradient standard deviation sigma
n_data = sympy.Symbol("n", positive=True, integer=True)
batch = sympy.Symbol("B", positive=True, integer=True)
sigma = sympy.Symbol("sigma", positive=True)


def _geometric_average(d: Derivation, b: sympy.Symbol, mean: sympy.Symbol, what: str) -> sympy.Expr:
    """E[x_t] of x_t = b x_{t-1} + (1-b) y_t, x_0 = 0, E[y_t] = mean, two ways."""
    j = sympy.Symbol("j", integer=True, nonnegative=True)  # j = t - i, the age of y_i
    total = (1 - b) * mean * sympy.summation(b**j, (j, 0, t - 1))
    # sympy returns a Piecewise (b = 1 | b != 1); the decay rate satisfies 0 < b < 1
    if isinstance(total, sympy.Piecewise) or total.has(sympy.Piecewise):
        total = sympy.piecewise_fold(total)
        total = next(expr for expr, cond in total.args if cond is sympy.true)
    closed = d.step(
        f"Unrolled, {what}_t = (1-b) sum_(i=1..t) b^(t-i) y_i; its expectation by sympy "
        "summation (over j = t - i)",
        sympy.factor(sympy.simplify(total)),
        lhs=rf"\mathbb{{E}}[{what}_t]",
    )
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    x = sympy.Function("x")
    rec = sympy.rsolve(x(k + 1) - b * x(k) - (1 - b) * mean, x(k), {x(0): 0})
    d.step(
        f"Check: the recursion E[{what}_k] = b E[{what}_(k-1)] + (1-b) E[y] solved by sympy "
        "rsolve gives the same",
        rec,
        lhs=rf"\mathbb{{E}}[{what}_k]",
    )
    if sympy.simplify(rec.subs(k, t) - closed) != 0:  # pragma: no cover - consistency guard
        raise ArithmeticError("summation and recursion disagree")
    return closed


@register
def adam_bias_correction() -> Derivation:
    """Adam's bias correction: E[m_t] = (1 - beta_1^t) E[g] for a stationary gradient.

    Returns
    -------
    Derivation
        Results ``expected_m`` ((1 - beta_1^t) E[g], by sympy summation), ``expected_m_hat``
        (= E[g], unbiased), ``expected_s``, ``expected_s_hat`` (= E[g^2]), ``first_step``
        (the first Adam update under a constant gradient g: -eta g/(|g| + epsilon)),
        ``constant_gradient_step`` (the same for every t) and ``uncorrected_ratio`` (step t
        without the correction over the corrected one, eps -> 0: (1 - beta_1^t)/sqrt(1 -
        beta_2^t)). All exact, for m_0 = s_0 = 0, 0 < beta_1, beta_2 < 1 and stationary
        gradient moments (lecture slide 'ADAM optimizer'; Kingma & Ba, ICLR 2015).

    Examples
    --------
    >>> from theory.symbols import beta_1, t
    >>> from theory.optimization import g_mean
    >>> import sympy
    >>> sympy.simplify(adam_bias_correction().results["expected_m"] - (1 - beta_1**t) * g_mean)
    0
    """
    d = Derivation(
        "Adam: bias of the moving averages and its correction",
        assumptions=[
            "m_0 = s_0 = 0; 0 < beta_1, beta_2 < 1",
            "stationary gradients: E[g_t] = E[g], E[g_t^2] = E[g^2] for every t",
        ],
        references=[
            f"{LECTURE}, slide 'ADAM optimizer'",
            "Kingma, Ba, Adam: a method for stochastic optimization, ICLR 2015, arXiv:1412.6980",
        ],
    )
    d.step(
        "Premise: m_t = beta_1 m_(t-1) + (1-beta_1) g_t, s_t = beta_2 s_(t-1) + (1-beta_2) g_t^2, "
        "m_hat = m_t/(1-beta_1^t), s_hat = s_t/(1-beta_2^t), step -eta m_hat/(sqrt(s_hat)+eps)"
    )
    em = d.result("expected_m", _geometric_average(d, beta_1, g_mean, "m"))
    d.result(
        "expected_m_hat",
        sympy.simplify(em / (1 - beta_1**t)),
        "so m_hat is unbiased",
        lhs=r"\mathbb{E}[\hat m_t] = \mathbb{E}[m_t]/(1-\beta_1^t)",
    )
    es = d.result("expected_s", _geometric_average(d, beta_2, g2_mean, "s"))
    d.result(
        "expected_s_hat",
        sympy.simplify(es / (1 - beta_2**t)),
        "and so is s_hat",
        lhs=r"\mathbb{E}[\hat s_t] = \mathbb{E}[s_t]/(1-\beta_2^t)",
    )

    # constant gradient: the moving averages are deterministic
    m1 = (1 - beta_1) * g  # from m_0 = 0
    s1 = (1 - beta_2) * g**2
    m_hat, s_hat = sympy.simplify(m1 / (1 - beta_1)), sympy.simplify(s1 / (1 - beta_2))
    d.step(
        "Constant gradient g, first step: (m_hat_1, s_hat_1)",
        (m_hat, s_hat),
        lhs=r"(\hat m_1, \hat s_1)",
    )
    d.result(
        "first_step",
        -eta * m_hat / (sympy.sqrt(s_hat) + epsilon),
        "The first Adam update (sqrt(g^2) = |g|): already of size eta, whatever beta_1, beta_2",
        lhs=r"\Delta\theta_1",
    )
    mt = em.subs(g_mean, g)
    st = es.subs(g2_mean, g**2)
    d.result(
        "constant_gradient_step",
        sympy.simplify(
            -eta * (mt / (1 - beta_1**t)) / (sympy.sqrt(st / (1 - beta_2**t)) + epsilon)
        ),
        "and at every step t (bias-corrected averages equal g and g^2 exactly)",
        lhs=r"\Delta\theta_t",
    )
    corrected = -eta * (mt / (1 - beta_1**t)) / (sympy.sqrt(st / (1 - beta_2**t)) + epsilon)
    raw = -eta * mt / (sympy.sqrt(st) + epsilon)
    ratio = d.result(
        "uncorrected_ratio",
        sympy.factor(sympy.limit(sympy.simplify(raw / corrected), epsilon, 0)),
        "Without the correction, step t under a constant gradient is -eta m_t/(sqrt(s_t) + eps);"
        " for eps -> 0 its ratio to the corrected step is",
        lhs=r"\frac{\Delta\theta_t^{\mathrm{uncorrected}}}{\Delta\theta_t}",
    )
    first = [
        ratio.subs({t: 1, beta_1: sympy.Rational(9, 10), beta_2: b2})
        for b2 in (sympy.Rational(99, 100), sympy.Rational(999, 1000))
    ]
    d.step(
        "At t = 1 with beta_1 = 0.9: the lecture's beta_2 = 0.99 and the paper's default "
        "beta_2 = 0.999 give",
        first,
        lhs=r"\left.\Delta\theta_1^{\mathrm{unc.}}/\Delta\theta_1\right|_{\beta_2=0.99,\,0.999}",
    )
    d.note(
        "With the paper's default the uncorrected early steps are too large by this ratio "
        "(sqrt(10) ~ 3.2 at t = 1, about 6 some twenty steps later); with the lecture's values "
        "the two biases cancel at t = 1 only. The ratio tends to 1 as t grows, so the "
        "correction matters in the first ~1/(1 - beta_2) steps"
    )
    return d


@register
def rmsprop() -> Derivation:
    """RMSProp: per-coordinate learning rate eta/sqrt(s + eps) and its steady state.

    Returns
    -------
    Derivation
        Results ``effective_lr`` (eta/sqrt(s + eps), the lecture's update rule: a premise),
        ``s_t`` ((1 - beta^t) g^2 under a constant gradient g, exact), ``steady_state_s``
        (= g^2, the fixed point, reached as t -> oo), ``steady_step`` and
        ``diagonal_step_limit`` (the steady step on a diagonal quadratic as eps -> 0:
        eta sign(theta_i), the same for steep and flat directions; a limit). Lecture slides
        'Using the 2nd Moment' and 'RMS-Prop'.

    Examples
    --------
    >>> from theory.optimization import g
    >>> rmsprop().results["steady_state_s"] == g**2
    True
    """
    d = Derivation(
        "RMSProp: the second moment evens out steep and flat directions",
        assumptions=[
            "s_0 = 0, 0 < beta < 1, epsilon > 0",
            "element-wise operations",
            "for the steady step: s has settled to its fixed point, i.e. s tracks g^2 (a "
            "gradient that changes slowly against the memory 1/(1 - beta))",
        ],
        references=[
            f"{LECTURE}, slides 'Using the 2nd Moment' and 'RMS-Prop'",
            "Tieleman, Hinton, Lecture 6.5 of Neural Networks for Machine Learning (2012)",
        ],
    )
    s = sympy.Symbol("s", nonnegative=True)
    eff = d.result(
        "effective_lr",
        eta / sympy.sqrt(s + epsilon),
        "Premise: theta <- theta - eta g/sqrt(s + eps), i.e. per-coordinate learning rate",
        lhs=r"\eta_{\mathrm{eff}}",
    )
    d.step(
        "It falls where the gradient has been consistently large: d(eta_eff)/ds",
        sympy.diff(eff, s),
        lhs=r"\frac{d\eta_{\mathrm{eff}}}{ds}",
    )
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    x = sympy.Function("s")
    sk = sympy.rsolve(x(k + 1) - beta * x(k) - (1 - beta) * g**2, x(k), {x(0): 0})
    d.result(
        "s_t", sympy.factor(sk.subs(k, t)), "Constant gradient g: s_t (sympy rsolve)", lhs=r"s_t"
    )
    fixed = sympy.solve(sympy.Eq(s, beta * s + (1 - beta) * g**2), s)[0]
    d.result("steady_state_s", fixed, "Its fixed point s* = beta s* + (1-beta) g^2", lhs=r"s^*")
    step = d.result(
        "steady_step",
        eff.subs(s, fixed) * g,
        "so the steady step eta_eff(s*) g is eta g/sqrt(g^2 + eps) -> eta sign(g) for g^2 >> eps",
        lhs=r"\eta_{\mathrm{eff}}(s^*)\,g",
    )
    lam_i = sympy.Symbol("lambda_i", positive=True)
    th = sympy.Symbol("theta_i", real=True)
    grad_i = d.step(
        "Diagonal quadratic E = 1/2 sum lambda_i theta_i^2: gradient component",
        sympy.diff(lam_i * th**2 / 2, th),
        lhs=r"\partial_i E",
    )
    d.result(
        "diagonal_step_limit",
        sympy.limit(step.subs(g, grad_i), epsilon, 0),
        "Steady step as eps -> 0 (sympy limit): independent of the curvature "
        "lambda_i, so flat directions move as fast as steep ones",
        lhs=r"\lim_{\epsilon\to 0}\eta_{\mathrm{eff}}(s^*)\,\partial_i E",
    )
    s1 = sympy.factor(sk.subs(k, 1))
    g_abs = sympy.Symbol("|g|", positive=True)
    d.step("The first step's second moment, from s_0 = 0", s1, lhs="s_1")
    d.result(
        "eps_crossover",
        next(  # sympy cannot tell the sign without 0 < beta < 1: the root positive there
            sympy.simplify(r)
            for r in sympy.solve(sympy.Eq(s1.subs(g, g_abs), epsilon), g_abs)
            if r.subs({beta: sympy.Rational(1, 2), epsilon: 1}) > 0
        ),
        "epsilon inside or outside the square root matters when s_1 = (1 - beta) g^2 is "
        "comparable to epsilon: the crossover gradient",
        claim=Claim(Kind.EXACT, "first step from s_0 = 0"),
        lhs="|g^*|",
    )
    return d


@register
def sgd_minibatch() -> Derivation:
    """Mini-batch SGD: unbiased gradient, variance (n - B)/(B (n - 1)) sigma^2.

    Returns
    -------
    Derivation
        Results ``expectation`` (E of the mini-batch mean gradient = the full mean g_mean),
        ``variance`` ((n - B)/(B (n - 1)) sigma^2, sampling without replacement) and
        ``variance_with_replacement`` (sigma^2/B, its n -> oo limit, which is also the exact
        variance for independent draws). Exact, for a batch drawn uniformly from n >= 2
        points, 1 <= B <= n (lecture slide 'SGD with Mini-batches'; Cochran 1977).

    Examples
    --------
    >>> from theory.optimization import batch, n_data, sigma
    >>> import sympy
    >>> v = sgd_minibatch().results["variance"]
    >>> sympy.simplify(v - (n_data - batch) / (batch * (n_data - 1)) * sigma**2)
    0
    """
    d = Derivation(
        "Mini-batch gradient: bias and variance",
        assumptions=[
            "data set of n points with per-example gradients g_i (one component), mean g_mean "
            "and variance sigma^2 = (1/n) sum (g_i - g_mean)^2",
            "a batch of B points drawn uniformly without replacement, 1 <= B <= n, n >= 2",
            "mini-batch gradient = mean over the batch (the lecture's sum is B times it)",
        ],
        references=[
            f"{LECTURE}, slide 'SGD with Mini-batches'",
            "Cochran, Sampling Techniques (1977), theorem 2.2",
        ],
    )
    n, B = n_data, batch
    d.step("Premise: g_B = (1/B) sum_i I_i g_i with indicator I_i of 'point i is in the batch'")
    p1 = d.step(
        "P(I_i = 1): a batch is a B-subset, i is in C(n-1, B-1) of C(n, B)",
        sympy.simplify(sympy.combsimp(sympy.binomial(n - 1, B - 1) / sympy.binomial(n, B))),
        lhs=r"P(I_i = 1)",
    )
    p2 = d.step(
        "P(I_i = I_j = 1), i != j: C(n-2, B-2) of C(n, B)",
        sympy.simplify(sympy.combsimp(sympy.binomial(n - 2, B - 2) / sympy.binomial(n, B))),
        lhs=r"P(I_i = I_j = 1)",
    )
    gs = sympy.IndexedBase("g")
    i = sympy.Symbol("i", integer=True, positive=True)
    total = sympy.Sum(gs[i], (i, 1, n))
    e_batch = d.step("E[g_B] = (1/B) sum_i P(I_i = 1) g_i", p1 * total / B, lhs=r"\mathbb{E}[g_B]")
    d.result(
        "expectation",
        sympy.simplify(e_batch.subs(total, n * g_mean)),
        "with sum_i g_i = n g_mean: unbiased",
        lhs=r"\mathbb{E}[g_B]",
    )
    var_i = p1 - p1**2
    cov = p2 - p1**2
    d.step(
        "Var(I_i) and Cov(I_i, I_j)",
        (sympy.factor(var_i), sympy.factor(cov)),
        lhs=r"(\mathrm{Var}(I_i), \mathrm{Cov}(I_i, I_j))",
    )
    d.note(
        "Shift every g_i by g_mean (the variance does not change), so sum_i g_i = 0, "
        "sum_i g_i^2 = n sigma^2 and sum_{i != j} g_i g_j = (sum g_i)^2 - sum g_i^2 = -n sigma^2"
    )
    var = d.result(
        "variance",
        sympy.factor(sympy.simplify((var_i * n * sigma**2 + cov * (-n * sigma**2)) / B**2)),
        "Var(g_B) = (1/B^2) [Var(I) sum g_i^2 + Cov(I_i, I_j) sum_{i != j} g_i g_j]",
    )
    d.step(
        "Checks: B = n gives no noise, B = 1 gives sigma^2",
        (var.subs(B, n), var.subs(B, 1)),
        lhs=r"(\mathrm{Var}(g_B)|_{B=n}, \mathrm{Var}(g_B)|_{B=1})",
    )
    d.result(
        "variance_with_replacement",
        sympy.limit(var, n, sympy.oo),
        "For n -> oo it tends to sigma^2/B, the variance of the mean of B independent draws "
        "(sampling with replacement)",
    )
    return d
