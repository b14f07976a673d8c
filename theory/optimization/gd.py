"""Plain gradient descent on a quadratic: stability, learning-rate regimes, Newton, rate.

Private part of :mod:`theory.optimization`; import the public names from there.
"""

from __future__ import annotations

import sympy

from theory.claims import Claim, Kind
from theory.derivation import Derivation, register
from theory.symbols import epsilon, eta, kappa, lam, lambda_max, lambda_min

__all__ = [
    "gd_stability",
    "learning_rate_regimes",
    "newton_step",
    "gd_convergence_rate",
    "ratio",
]

LECTURE = "Physics 361, Lecture 6, section 2.5 Optimization"
MEHTA = (
    "Mehta et al., A high-bias, low-variance introduction to ML for physicists, arXiv:1803.08823"
)

#: the learning rate in units of the Newton rate, r = eta / eta_opt
ratio = sympy.Symbol("r", positive=True)


def _gd_factor(d: Derivation) -> sympy.Expr:
    """Per-eigendirection GD factor, derived from the update rule on E = 1/2 sum lambda_i u_i^2."""
    u1, u2 = sympy.symbols("u_1 u_2", real=True)
    l1, l2 = sympy.symbols("lambda_1 lambda_2", positive=True)
    energy = d.step(
        "Premise: in the eigenbasis u = Q^T theta of H = Q diag(lambda_i) Q^T the loss "
        "E = 1/2 theta^T H theta separates",
        sympy.Rational(1, 2) * (l1 * u1**2 + l2 * u2**2),
        lhs=r"E(u)",
    )
    update = d.step(
        "Update rule u_i <- u_i - eta dE/du_i, component by component",
        [sympy.expand(u - eta * sympy.diff(energy, u)) for u in (u1, u2)],
        lhs=r"(u_1', u_2')",
    )
    factors = [sympy.factor(new / u) for new, u in zip(update, (u1, u2), strict=True)]
    d.step(
        "Each direction is multiplied by its own factor u_i'/u_i",
        factors,
        lhs=r"(u_1'/u_1, u_2'/u_2)",
    )
    return factors[0].subs(l1, lam)


@register
def gd_stability() -> Derivation:
    """Stability of gradient descent on a quadratic: eta < 2/lambda_max.

    Returns
    -------
    Derivation
        Results ``factor`` (1 - eta*lambda, the per-eigendirection factor), ``stable_set``
        (the interval of stable eta for one eigenvalue lambda), ``eta_max`` (2/lambda_max:
        exact, GD converges from every start iff 0 < eta < 2/lambda_max, for H symmetric
        positive definite; lecture slide 'Convergence in Higher Dimensions') and
        ``svd_vs_eigen`` (eigenvalues and singular values of an indefinite Hessian).

    Examples
    --------
    >>> from theory.symbols import lambda_max
    >>> gd_stability().results["eta_max"] == 2 / lambda_max
    True
    """
    d = Derivation(
        "Stability of gradient descent on a quadratic loss",
        assumptions=[
            "E(theta) = 1/2 theta^T H theta with H symmetric positive definite",
            "eigenvalues 0 < lambda_min <= lambda_i <= lambda_max",
            "constant learning rate eta > 0",
        ],
        references=[f"{LECTURE}, slide 'Convergence in Higher Dimensions'", MEHTA],
    )
    factor = d.result(
        "factor", _gd_factor(d), "Per-eigendirection factor for eigenvalue lambda", lhs=r"u'/u"
    )
    stable = d.result(
        "stable_set",
        sympy.solve_univariate_inequality(sympy.Abs(factor) < 1, eta, relational=False),
        "Solve |1 - eta lambda| < 1 for eta (sympy): the direction contracts iff",
        lhs=r"\eta \in",
    )
    slope = d.step(
        "The supremum of that interval decreases with lambda (its lambda-derivative is negative)",
        sympy.diff(stable.sup, lam),
        lhs=r"\frac{d}{d\lambda}\frac{2}{\lambda}",
    )
    if not slope.is_negative:  # pragma: no cover - a guard on the argument above
        raise ArithmeticError("supremum of the stable interval is not decreasing in lambda")
    d.note(
        "Hence the intersection over all eigen-directions is the interval of the largest "
        "eigenvalue; all directions must contract for theta -> 0"
    )
    d.result(
        "eta_max",
        stable.sup.subs(lam, lambda_max),
        "Largest stable learning rate",
        lhs=r"\eta_{max}",
    )

    # The lecture speaks of an SVD of the Hessian; eigen-decomposition is what matters.
    hess = d.step(
        "Remark (SVD vs eigen-decomposition): take an indefinite Hessian",
        sympy.Matrix([[1, 2], [2, -2]]),
        lhs=r"H",
    )
    eig = hess.eigenvals()
    sv = hess.singular_values()
    d.result(
        "svd_vs_eigen",
        {"eigenvalues": sympy.FiniteSet(*eig), "singular values": sympy.FiniteSet(*sv)},
        "Its eigenvalues and its singular values (sympy): singular values are |eigenvalues|",
        lhs=r"\mathrm{spectrum}(H)",
    )
    neg = min(eig)
    d.step(
        "Along the negative-curvature eigenvector GD multiplies by 1 - eta lambda > 1 (escape "
        "from the saddle), whereas the singular value |lambda| would predict 1 - eta |lambda|",
        (factor.subs(lam, neg), factor.subs(lam, abs(neg))),
        lhs=r"(1-\eta\lambda_-, 1-\eta|\lambda_-|)",
    )
    d.note(
        "For symmetric positive definite H the SVD and the eigen-decomposition coincide "
        "(U = V = Q, D = Lambda); for an indefinite H the singular values lose the sign of "
        "the curvature, so the stability analysis must use the eigenvalues"
    )
    return d


@register
def learning_rate_regimes() -> Derivation:
    """The regimes of GD on a 1-D quadratic in terms of r = eta/eta_opt.

    Returns
    -------
    Derivation
        Results ``eta_opt`` (1/lambda), ``factor`` (1 - r), ``ratio`` (the symbol r) and
        ``regimes`` (a dict from regime name to the set of r). All exact, for a 1-D quadratic
        with curvature lambda > 0 (lecture slide 'Regimes of Learning Rate').

    Examples
    --------
    >>> import sympy
    >>> regimes = learning_rate_regimes().results["regimes"]
    >>> regimes["oscillating convergent"]
    Interval.open(1, 2)
    """
    d = Derivation(
        "Regimes of the learning rate on a quadratic loss",
        assumptions=["E(theta) = lambda/2 (theta - theta*)^2 with lambda > 0", "eta > 0"],
        references=[f"{LECTURE}, slide 'Regimes of Learning Rate'", MEHTA],
    )
    theta, theta_star = sympy.symbols(r"theta \theta^*", real=True)
    energy = d.step(
        "Premise: the 1-D quadratic loss", lam / 2 * (theta - theta_star) ** 2, lhs=r"E(\theta)"
    )
    eta_opt = d.result("eta_opt", 1 / sympy.diff(energy, theta, 2), "Newton's rate eta_opt = 1/E''")
    new = d.step(
        "One GD step theta - eta E'(theta), with eta = r eta_opt",
        (theta - eta * sympy.diff(energy, theta)).subs(eta, ratio * eta_opt),
        lhs=r"\theta_{t+1}",
    )
    f = d.result(
        "factor",
        sympy.factor(sympy.simplify((new - theta_star) / (theta - theta_star))),
        "The error theta - theta* is multiplied by",
        lhs=r"\frac{\theta_{t+1}-\theta^*}{\theta_t-\theta^*}",
    )
    d.result("ratio", ratio)
    pos = sympy.Interval.open(0, sympy.oo)

    def where(*conds: sympy.Basic) -> sympy.Set:
        out: sympy.Set = pos
        for c in conds:
            out = out.intersect(sympy.solve_univariate_inequality(c, ratio, False, pos))
        return out

    regimes = {
        "monotone convergent": where(f > 0, f < 1),
        "one step": sympy.FiniteSet(*sympy.solve(f, ratio)),
        "oscillating convergent": where(f < 0, f > -1),
        "marginal (oscillates forever)": sympy.FiniteSet(*sympy.solve(f + 1, ratio)),
        "divergent": where(f < -1),
    }
    d.result(
        "regimes",
        regimes,
        "Solve for r: 0 < factor < 1, factor = 0, -1 < factor < 0, factor = -1, factor < -1",
        lhs=r"r \in",
    )
    return d


@register
def newton_step() -> Derivation:
    """Newton's step v = H^{-1} grad E from the second-order Taylor expansion.

    Returns
    -------
    Derivation
        Results ``gradient`` and ``hessian`` (the symbols used), ``v`` (= H^{-1} grad E, with
        theta_{t+1} = theta_t - v), ``one_step_minimum`` (the Newton iterate from any theta on
        a quadratic with minimum theta*) and ``eta_opt`` (1/E'' in 1-D). Exact for the
        second-order Taylor model with invertible H (lecture slide "Newton's Method"); on a
        quadratic the model is the loss, so one step is exact.

    Examples
    --------
    >>> d = newton_step()
    >>> H, g = d.results["hessian"], d.results["gradient"]
    >>> import sympy
    >>> sympy.simplify(d.results["v"] - H.inv() * g) == sympy.zeros(2, 1)
    True
    """
    d = Derivation(
        "Newton's method from the second-order Taylor expansion",
        assumptions=["E twice differentiable", "Hessian H(theta) invertible"],
        references=[f"{LECTURE}, slide 'Newton's Method'", MEHTA],
    )
    g = sympy.Matrix(sympy.symbols("g_1 g_2", real=True))
    h11, h12, h22 = sympy.symbols("h_11 h_12 h_22", real=True)
    hess = sympy.Matrix([[h11, h12], [h12, h22]])
    d.result("gradient", g)
    d.result("hessian", hess)
    v = sympy.Matrix(sympy.symbols("v_1 v_2", real=True))
    e0 = sympy.Symbol("E_0", real=True)
    taylor = d.step(
        "Premise: E(theta + v) ~ E + grad E . v + 1/2 v^T H v",
        e0 + (g.T * v)[0] + sympy.Rational(1, 2) * (v.T * hess * v)[0],
        lhs=r"E(\theta + v) \approx",
    )
    grad_v = d.step(
        "Its gradient with respect to v",
        sympy.Matrix([taylor.diff(x) for x in v]),
        lhs=r"\nabla_v E(\theta+v)",
    )
    sol = sympy.solve(list(grad_v), list(v), dict=True)[0]
    v_opt = d.step("Set it to zero and solve for v (sympy): v_opt", v.subs(sol), lhs=r"v_{opt}")
    d.result(
        "v",
        sympy.simplify(-v_opt),
        "The lecture's step v_t = -v_opt (theta_{t+1} = theta_t - v_t), which equals H^{-1} grad E",
        lhs=r"v_t = -v_{opt}",
    )

    # one step on a quadratic reaches its minimum
    th = sympy.Matrix(sympy.symbols("theta_1 theta_2", real=True))
    ts = sympy.Matrix(sympy.symbols(r"\theta^*_1 \theta^*_2", real=True))
    quad = d.step(
        "A quadratic with minimum theta* and curvature H",
        sympy.Rational(1, 2) * ((th - ts).T * hess * (th - ts))[0],
        lhs=r"E(\theta)",
    )
    grad = sympy.Matrix([quad.diff(x) for x in th])
    hq = sympy.hessian(quad, list(th))
    d.result(
        "one_step_minimum",
        sympy.simplify(th - hq.inv() * grad),
        "One Newton step theta - H^{-1} grad E from any theta lands on",
        lhs=r"\theta - H^{-1}\nabla E",
    )

    # 1-D: compare with a GD step
    theta, step = sympy.symbols("theta v", real=True)
    E = sympy.Function("E")
    t1 = d.step(
        "In 1-D: the series of E(theta + v) to second order (sympy)",
        E(theta + step).series(step, 0, 3).removeO().doit(),
        lhs=r"E(\theta + v) \approx",
    )
    v1 = sympy.solve(sympy.diff(t1, step), step)[0]
    d.step("Minimising over v", v1, lhs=r"v_{opt}")
    d.result(
        "eta_opt",
        sympy.solve(sympy.Eq(v1, -eta * sympy.diff(E(theta), theta)), eta)[0],
        "Match with the GD step -eta E': the optimal learning rate",
        lhs=r"\eta_{opt}",
    )
    return d


def _kappa_ge_1(expr: sympy.Expr) -> sympy.Expr:
    """Simplify in terms of kappa, using kappa = 1 + delta with delta >= 0 so |.| can go."""
    delta = sympy.Symbol("delta", nonnegative=True)
    out = sympy.simplify(expr.subs(lambda_max, (1 + delta) * lambda_min))
    return sympy.factor(sympy.simplify(out.subs(delta, kappa - 1)))


@register
def gd_convergence_rate() -> Derivation:
    """Convergence rate of GD vs the condition number kappa = lambda_max/lambda_min.

    Returns
    -------
    Derivation
        Results ``rate`` (max_i |1 - eta lambda_i|, the exact worst-case contraction factor
        per step over spectra in [lambda_min, lambda_max]), ``eta_opt`` 2/(lambda_min +
        lambda_max) and ``rate_opt`` (kappa - 1)/(kappa + 1) (exact minimax),
        ``rate_at_inverse_lmax`` (1 - 1/kappa), ``iterations`` N(kappa, epsilon) =
        ln(1/eps)/ln(1/rho*) (exact real solution of rho*^N = eps; the step count is its
        ceiling) and ``iterations_asymptote``
        (kappa/2) ln(1/eps) (asymptote for kappa -> oo). Lecture slide 'Convergence in
        Higher Dimensions'; Nesterov (2004), sec. 2.1.

    Examples
    --------
    >>> from theory.symbols import kappa
    >>> gd_convergence_rate().results["rate_opt"]
    (kappa - 1)/(kappa + 1)
    """
    d = Derivation(
        "Convergence rate of gradient descent and the condition number",
        assumptions=[
            "E = 1/2 theta^T H theta, H symmetric positive definite",
            "spectrum in [lambda_min, lambda_max], kappa = lambda_max/lambda_min >= 1",
            "0 < epsilon < 1 (tolerance: shrink the error by a factor epsilon)",
        ],
        references=[
            f"{LECTURE}, slide 'Convergence in Higher Dimensions'",
            "Nesterov, Introductory Lectures on Convex Optimization (2004), section 2.1",
        ],
    )
    rate = d.result(
        "rate",
        sympy.Max(sympy.Abs(1 - eta * lambda_min), sympy.Abs(1 - eta * lambda_max)),
        "|1 - eta lambda| is convex in lambda, so over the spectrum its maximum sits at an end",
        lhs=r"\rho(\eta) = \max_{\lambda} |1-\eta\lambda|",
    )
    lo, hi = 1 - eta * lambda_min, eta * lambda_max - 1
    d.step(
        "For 0 < eta < 2/lambda_max the slow end gives 1 - eta lambda_min (falling in eta) and "
        "the fast end gives eta lambda_max - 1 (rising in eta); their eta-derivatives",
        (sympy.diff(lo, eta), sympy.diff(hi, eta)),
        lhs=r"\frac{d}{d\eta}\left(1-\eta\lambda_{min},\ \eta\lambda_{max}-1\right)",
    )
    eta_opt = d.result(
        "eta_opt",
        sympy.solve(sympy.Eq(lo, hi), eta)[0],
        "so the minimax is where they balance (sympy solve)",
        lhs=r"\eta_{opt}",
    )
    rate_lam = sympy.factor(lo.subs(eta, eta_opt))
    d.step("The optimal rate", rate_lam, lhs=r"\rho^*")
    d.result(
        "rate_opt",
        sympy.factor(sympy.simplify(rate_lam.subs(lambda_max, kappa * lambda_min))),
        "with lambda_max = kappa lambda_min",
        lhs=r"\rho^*",
    )
    check = _kappa_ge_1(rate.subs(eta, eta_opt)) - d.results["rate_opt"]
    if sympy.simplify(check) != 0:  # pragma: no cover - consistency guard
        raise ArithmeticError("rate at eta_opt disagrees with the balance value")
    d.result(
        "rate_at_inverse_lmax",
        sympy.expand(_kappa_ge_1(rate.subs(eta, 1 / lambda_max))),
        "With eta = 1/lambda_max (sympy, kappa >= 1)",
        lhs=r"\rho(1/\lambda_{max})",
    )

    n_it, rho = sympy.symbols("N rho", positive=True)
    n_sol = sympy.solve(sympy.Eq(rho**n_it, epsilon), n_it)[0]
    d.step("Iterations: solve rho^N = epsilon for N", n_sol, lhs=r"N")
    iters = d.result(
        "iterations",
        n_sol.subs(rho, d.results["rate_opt"]),
        "at the optimal rate (kappa > 1)",
        lhs=r"N",
    )
    x = sympy.Symbol("x", positive=True)
    ser = sympy.series(sympy.log(1 / d.results["rate_opt"].subs(kappa, 1 / x)), x, 0, 3)
    d.step(
        "Series of ln(1/rho*) in x = 1/kappa (sympy): ln(1/rho*) = 2/kappa + O(1/kappa^3)",
        ser,
        lhs=r"\ln(1/\rho^*)",
    )
    lead = (1 / ser.removeO().as_leading_term(x)).subs(x, 1 / kappa)
    asym = d.result(
        "iterations_asymptote",
        lead * sympy.log(1 / epsilon),
        "Leading term for kappa -> oo: N ~",
        claim=Claim(Kind.ASYMPTOTE, limit="kappa -> oo, at fixed epsilon"),
        lhs=r"N \sim",
    )
    d.step(
        "Check: lim_{kappa -> oo} N / asymptote (sympy limit)",
        sympy.limit(sympy.expand_log(iters / asym, force=True), kappa, sympy.oo),
        lhs=r"\lim_{\kappa\to\infty} N / N_{\mathrm{asymptote}}",
    )
    return d
