"""Momentum: the damped-particle picture, heavy ball and Nesterov on a quadratic.

Private part of :mod:`theory.optimization`; import the public names from there.
"""

from __future__ import annotations

import sympy

from theory.derivation import Derivation, register
from theory.symbols import Delta_t, eta, gamma, kappa, lam, lambda_max, lambda_min, m, mu

__all__ = ["momentum_particle_map", "heavy_ball", "nesterov", "z"]

LECTURE = "Physics 361, Lecture 6, section 2.5 Optimization"
MEHTA = "Mehta et al., arXiv:1803.08823, section IV.C"

#: variable of the characteristic polynomials
z = sympy.Symbol("z")


@register
def momentum_particle_map() -> Derivation:
    """Momentum as a damped massive particle: gamma = m/(m+mu Dt), eta = Dt^2/(m+mu Dt).

    Returns
    -------
    Derivation
        Results ``gamma``, ``eta``, ``inverse`` (dict m, mu in terms of gamma, eta, Delta_t),
        ``gamma_range`` (conditions on m, mu for 0 <= gamma < 1) and ``overdamped_eta``
        (the learning rate in the massless limit m -> 0). All exact identities of the
        discretisation on the lecture's slide 'GD with Momentum (GDM)' (central second
        difference, forward first difference), for m >= 0, mu > 0, Delta_t > 0.

    Examples
    --------
    >>> from theory.symbols import m, mu, Delta_t
    >>> momentum_particle_map().results["gamma"]
    m/(Delta_t*mu + m)
    """
    d = Derivation(
        "Momentum as a damped massive particle",
        assumptions=[
            "m d^2w/dt^2 + mu dw/dt = -grad E(w), mass m >= 0, damping mu > 0",
            "discretised with a central second difference and a forward first difference, "
            "time step Delta_t > 0",
        ],
        references=[f"{LECTURE}, slides 'GD with Momentum (GDM)'", MEHTA],
    )
    w_prev, w, w_next, grad = sympy.symbols(r"w_{t-\Delta{}t} w_t w_{t+\Delta{}t} G", real=True)
    dw, dw_next = sympy.symbols(r"\Delta{}w_t \Delta{}w_{t+\Delta{}t}", real=True)
    eom = d.step(
        "Premise: the discretised equation of motion (G = grad E(w_t))",
        sympy.Eq(m * (w_next - 2 * w + w_prev) / Delta_t**2 + mu * (w_next - w) / Delta_t, -grad),
    )
    sol = sympy.solve(eom, w_next)[0]
    step = d.step(
        "Solve for w_{t+Dt}, then write Delta_w_{t+Dt} = w_{t+Dt} - w_t in terms of "
        "Delta_w_t = w_t - w_{t-Dt}",
        sympy.collect(sympy.expand(sympy.simplify((sol - w).subs(w_prev, w - dw))), [dw, grad]),
        lhs=r"\Delta w_{t+\Delta t}",
    )
    d.step("the update", sympy.Eq(dw_next, step))
    g = d.result(
        "gamma",
        sympy.factor(step.coeff(dw)),
        "Read off the coefficient of Delta_w_t: gamma",
        lhs=r"\gamma",
    )
    e = d.result(
        "eta",
        sympy.factor(-step.coeff(grad)),
        "and minus the coefficient of grad E: eta",
        lhs=r"\eta",
    )
    gs, es = sympy.symbols("gamma_0 eta_0", positive=True)
    inv = sympy.solve([sympy.Eq(g, gs), sympy.Eq(e, es)], [m, mu], dict=True)[0]
    d.result(
        "inverse",
        {
            m: inv[m].subs({gs: gamma, es: eta}),
            mu: sympy.factor(inv[mu].subs({gs: gamma, es: eta})),
        },
        "Inverse map (sympy solve): the particle with given gamma, eta and Delta_t",
        lhs=r"(m, \mu)",
    )
    m0, mu0 = sympy.symbols("m mu", real=True)
    num, den = sympy.fraction(g.subs({m: m0, mu: mu0}))
    d.step(
        "gamma = numerator/denominator with a positive denominator m + mu Delta_t",
        (num, den),
        lhs=r"(\mathrm{num}, \mathrm{den})",
    )
    d.result(
        "gamma_range",
        {
            "gamma >= 0 iff m in": sympy.solve_univariate_inequality(num >= 0, m0, False),
            "gamma < 1 iff mu in": sympy.solve_univariate_inequality(num < den, mu0, False),
            "gamma = 0 iff m in": sympy.FiniteSet(*sympy.solve(num, m0)),
        },
        "Multiply through by the denominator and solve (sympy): 0 <= gamma < 1 needs",
        lhs=r"\mathrm{conditions}:",
    )
    d.result(
        "overdamped_eta",
        sympy.limit(e, m, 0),
        "Massless (overdamped) limit m -> 0: gamma -> 0 and plain GD with",
        lhs=r"\lim_{m\to 0}\eta",
    )
    d.note("As mu -> 0 (no friction) gamma -> 1: the memory of the momentum never fades")
    return d


def _in_sqrt(expr: sympy.Expr, *syms: sympy.Symbol) -> sympy.Expr:
    """Simplify after writing each positive symbol x as a square, x = y^2 (cancels sqrt's)."""
    sq = {x: sympy.Symbol(f"sqrt_{x.name}", positive=True) for x in syms}
    out = sympy.factor(sympy.cancel(sympy.factor(expr.subs({x: y**2 for x, y in sq.items()}))))
    return out.subs({y: sympy.sqrt(x) for x, y in sq.items()})


def _char_poly(d: Derivation, update: sympy.Expr, th: tuple[sympy.Symbol, ...]) -> sympy.Expr:
    """Characteristic polynomial of the 2x2 companion map (theta_t, theta_{t-1}) -> next."""
    th_prev, th_now = th
    T = sympy.Matrix([[sympy.diff(update, th_now), sympy.diff(update, th_prev)], [1, 0]])
    d.step("The linear map (theta_t, theta_{t-1}) -> (theta_{t+1}, theta_t)", T, lhs=r"T")
    return sympy.expand(T.charpoly(z).as_expr())


def _jury(d: Derivation, poly: sympy.Expr) -> list[sympy.Basic]:
    """Schur-Cohn (Jury) conditions for both roots of a monic quadratic inside |z| < 1."""
    a0 = poly.coeff(z, 0)
    conds = [sympy.expand(poly.subs(z, 1)) > 0, sympy.expand(poly.subs(z, -1)) > 0]
    conds += [a0 < 1, a0 > -1]
    shown = [c for c in conds if c is not sympy.true]
    text = "Schur-Cohn/Jury conditions for z^2 + a_1 z + a_0: p(1), p(-1) > 0, |a_0| < 1"
    if len(shown) < len(conds):
        text += " (sympy finds the rest true under the symbols' assumptions)"
    d.step(text, shown)
    return conds


@register
def heavy_ball() -> Derivation:
    """Heavy-ball momentum on a quadratic: stability region and optimal tuning.

    Returns
    -------
    Derivation
        Results ``char_poly`` (in z, per eigenvalue lambda), ``stability`` (interval of
        eta*lambda: exact, necessary and sufficient for 0 <= gamma < 1), ``critical_damping``
        (eta*lambda where the roots coincide), ``complex_modulus`` (sqrt(gamma)), and
        Polyak's tuning ``eta_opt`` = 4/(sqrt(lambda_max) + sqrt(lambda_min))^2,
        ``gamma_opt`` = ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^2 and ``rate_opt`` =
        (sqrt(kappa) - 1)/(sqrt(kappa) + 1): the exact asymptotic rate (spectral radius) of
        that tuning on every quadratic with spectrum in [lambda_min, lambda_max] (Polyak 1964;
        lecture slide 'GD with Momentum (GDM)'). The error may carry a factor polynomial in t
        (double roots at the spectrum's ends).

    Examples
    --------
    >>> heavy_ball().results["rate_opt"]
    (sqrt(kappa) - 1)/(sqrt(kappa) + 1)
    """
    d = Derivation(
        "Heavy-ball momentum on a quadratic: stability and optimal tuning",
        assumptions=[
            "E = 1/2 theta^T H theta, H symmetric positive definite, spectrum in "
            "[lambda_min, lambda_max], kappa = lambda_max/lambda_min",
            "constant eta > 0 and 0 <= gamma < 1",
        ],
        references=[
            f"{LECTURE}, slide 'GD with Momentum (GDM)'",
            "Polyak, Some methods of speeding up the convergence of iteration methods (1964)",
            "Goh, Why Momentum Really Works, Distill (2017)",
        ],
    )
    th_prev, th_now = sympy.symbols(r"\theta_{t-1} \theta_t", real=True)
    v_prev = th_prev - th_now  # from theta_t = theta_{t-1} - v_{t-1}
    v_now = d.step(
        "Premise, per eigendirection (grad E = lambda theta): v_t = gamma v_{t-1} + eta "
        "lambda theta_t with v_{t-1} = theta_{t-1} - theta_t",
        gamma * v_prev + eta * lam * th_now,
        lhs=r"v_t",
    )
    update = d.step(
        "theta_{t+1} = theta_t - v_t", sympy.expand(th_now - v_now), lhs=r"\theta_{t+1}"
    )
    poly = d.result(
        "char_poly",
        _char_poly(d, update, (th_prev, th_now)),
        "Characteristic polynomial",
        lhs=r"p(z) = \det(zI - T)",
    )
    q = sympy.Symbol("q", positive=True)  # q = eta*lambda
    pq = poly.subs(eta, q / lam)
    qr = sympy.Symbol("q", real=True)
    conds = _jury(d, poly.subs(eta, qr / lam))
    sets = [sympy.solve_univariate_inequality(c, qr, False) for c in conds[:2]]
    d.step("Solve p(1) > 0 and p(-1) > 0 for q = eta lambda (sympy)", sets, lhs=r"(q \in, q \in)")
    d.result(
        "stability",
        sympy.Interval.open(sympy.Max(*(x.inf for x in sets)), sympy.Min(*(x.sup for x in sets))),
        "Intersect (|gamma| < 1 holds by assumption): stable iff q = eta lambda in",
        lhs=r"q \in",
    )
    gam_set = sympy.solve_univariate_inequality(conds[2], gamma, relational=False)
    d.step("and the condition on gamma", gam_set, lhs=r"\gamma \in")

    disc = sympy.discriminant(pq, z)
    crit = sorted(sympy.solve(disc, q), key=lambda r: float(r.subs(gamma, sympy.Rational(1, 4))))
    d.result(
        "critical_damping",
        sympy.FiniteSet(*crit),
        "Critical damping: the discriminant vanishes (double root) at q = (1 -+ sqrt(gamma))^2",
        lhs=r"q_{\mathrm{crit}} \in",
    )
    roots = list(sympy.roots(pq, z))
    d.step("Roots of the characteristic polynomial", roots, lhs=r"(z_1, z_2)")
    modulus = d.result(
        "complex_modulus",
        sympy.sqrt(sympy.simplify(roots[0] * roots[1])),
        "Between the two critical values the roots are complex conjugate, so |z|^2 = z_1 z_2 "
        "(Vieta) and",
        lhs=r"|z|",
    )
    s = sympy.Symbol("s", positive=True)  # s = sqrt(gamma)
    d.note(
        "Optimal tuning: put every eigenvalue in the complex regime, where the rate is "
        "sqrt(gamma), with the smallest gamma that allows it: the two ends of the spectrum "
        "sit at the two critical values"
    )
    eqs = [
        sympy.Eq(eta * lambda_min, crit[0].subs(gamma, s**2)),
        sympy.Eq(eta * lambda_max, crit[1].subs(gamma, s**2)),
    ]
    d.step(
        "Balance equations: eta lambda_min and eta lambda_max at the lower and upper critical "
        "values derived above, s = sqrt(gamma)",
        eqs,
        lhs=r"\mathrm{balance}:",
    )
    sols = sympy.solve(eqs, [eta, s], dict=True)
    probe = {lambda_min: 1, lambda_max: 9}
    sol = next(x for x in sols if 0 < x[s].subs(probe) < 1)  # 0 < sqrt(gamma) < 1
    d.result(
        "eta_opt",
        _in_sqrt(sol[eta], lambda_max, lambda_min),
        "Solved (sympy), 0 < s < 1",
        lhs=r"\eta_{opt}",
    )
    s_opt = _in_sqrt(sol[s].subs(lambda_max, kappa * lambda_min), kappa)
    d.result(
        "gamma_opt",
        sympy.factor(s_opt**2),
        "gamma_opt = s^2, lambda_max = kappa lambda_min",
        lhs=r"\gamma_{opt}",
    )
    d.result(
        "rate_opt",
        sympy.factor(modulus.subs(gamma, s**2).subs(s, s_opt)),
        "Every eigenvalue is in the complex regime, so the rate is the modulus sqrt(gamma) at "
        "gamma_opt = s^2 (0 < s < 1)",
        lhs=r"\rho_{\mathrm{heavy\ ball}}",
    )
    return d


@register
def nesterov() -> Derivation:
    """Nesterov's accelerated gradient on a quadratic: characteristic polynomial and rates.

    Returns
    -------
    Derivation
        Results ``char_poly`` (z, per eigenvalue lambda); the standard tuning eta =
        1/lambda_max with ``gamma_standard`` = (sqrt(kappa)-1)/(sqrt(kappa)+1) (solved from
        critical damping of the slowest mode) and its ``rate`` 1 - 1/sqrt(kappa); the
        quadratic-optimal tuning of Lessard, Recht & Packard (SIAM J. Optim. 2016)
        ``eta_lrp`` = 4/(3 lambda_max + lambda_min), ``gamma_lrp`` and ``rate_lrp`` =
        1 - 2/sqrt(3 kappa + 1). Rates are exact spectral radii of the iteration on a
        quadratic with spectrum in [lambda_min, lambda_max], kappa > 1 (asymptotic rates:
        a double root adds a factor polynomial in t).

    Examples
    --------
    >>> nesterov().results["rate"]
    1 - 1/sqrt(kappa)
    """
    d = Derivation(
        "Nesterov's accelerated gradient on a quadratic",
        assumptions=[
            "E = 1/2 theta^T H theta, H symmetric positive definite, spectrum in "
            "[lambda_min, lambda_max], kappa = lambda_max/lambda_min > 1",
            "gradient evaluated at the look-ahead point theta_t - gamma v_{t-1}",
        ],
        references=[
            f"{LECTURE}, slide 'GD with Momentum (GDM)'",
            "Sutskever, Martens, Dahl, Hinton, ICML 2013",
            "Lessard, Recht, Packard, SIAM J. Optim. 26 (2016) 57, arXiv:1408.3595",
        ],
    )
    d.note(
        "The slide writes grad E(theta_t + gamma v_{t-1}); with theta_{t+1} = theta_t - v_t the "
        "look-ahead point (where momentum is about to carry theta) is theta_t - gamma v_{t-1}, "
        "which is used here"
    )
    th_prev, th_now = sympy.symbols(r"\theta_{t-1} \theta_t", real=True)
    v_prev = th_prev - th_now
    v_now = d.step(
        "Premise, per eigendirection: v_t = gamma v_{t-1} + eta lambda (theta_t - gamma v_{t-1})",
        gamma * v_prev + eta * lam * (th_now - gamma * v_prev),
        lhs=r"v_t",
    )
    update = d.step(
        "theta_{t+1} = theta_t - v_t", sympy.expand(th_now - v_now), lhs=r"\theta_{t+1}"
    )
    poly = d.result(
        "char_poly",
        _char_poly(d, update, (th_prev, th_now)),
        "Characteristic polynomial",
        lhs=r"p(z) = \det(zI - T)",
    )

    # standard tuning: eta = 1/lambda_max, gamma = (sqrt(kappa)-1)/(sqrt(kappa)+1)
    s = sympy.Symbol("s", positive=True)  # s = 1/sqrt(kappa)
    q = sympy.Symbol("q", positive=True)  # q = eta*lambda in (0, 1]
    pq = sympy.expand(poly.subs(eta, q / lam))
    d.note(
        "Standard tuning: eta = 1/lambda_max, and gamma chosen so that the slowest mode "
        "(q = eta lambda_min = 1/kappa) is critically damped (double root)"
    )
    disc_min = d.step(
        "Discriminant of the polynomial at q = 1/kappa",
        sympy.factor(sympy.discriminant(pq.subs(q, 1 / kappa), z)),
        lhs=r"\Delta(q = 1/\kappa)",
    )
    g_cands = sympy.solve(disc_min, gamma)
    g_std = d.result(
        "gamma_standard",
        next(_in_sqrt(c, kappa) for c in g_cands if 0 < c.subs(kappa, 9) < 1),
        "Solve it for gamma in (0, 1) (sympy)",
        lhs=r"\gamma",
    )
    p_min = sympy.factor(
        pq.subs({gamma: g_std, q: 1 / kappa}).subs(kappa, 1 / s**2), extension=None
    )
    d.step(
        "Standard tuning, eta = 1/lambda_max: at lambda_min (q = 1/kappa, kappa = 1/s^2) the "
        "polynomial factors (sympy) as",
        p_min,
        lhs=r"p(z)",
    )
    r_min = sympy.roots(sympy.Poly(p_min, z))
    d.step(
        "a double root (critical damping of the slowest mode)",
        r_min,
        lhs=r"\mathrm{root} \mapsto \mathrm{multiplicity}:",
    )
    disc = sympy.factor(sympy.discriminant(pq, z))
    d.step("Discriminant in q = eta lambda", disc, lhs=r"\Delta(q)")
    d.step(
        "Its zeros in q (sympy): complex roots for q between them",
        sympy.solve(disc, q),
        lhs=r"q \in",
    )
    d.note(
        "At the standard tuning the lower zero is q = 1/kappa, so every eigenvalue above "
        "lambda_min has complex roots of modulus sqrt(gamma (1 - q)) (Vieta), which decreases "
        "with q; the spectral radius is therefore attained at lambda_min"
    )
    root = next(iter(r_min))
    d.result("rate", sympy.expand(root.subs(s, 1 / sympy.sqrt(kappa))), "rate", lhs=r"\rho")

    # Lessard-Recht-Packard: double root at lambda_min and root -rho at lambda_max
    rho, u = sympy.symbols("rho u", positive=True)
    d.note(
        "Quadratic-optimal tuning (Lessard, Recht, Packard 2016): choose eta, gamma so that "
        "the slowest mode is critically damped with double root rho and the fastest mode has "
        "the root -rho (the two ends balance, as for plain GD)"
    )
    p_lo = pq.subs(q, 1 - u)  # u = 1 - eta lambda_min
    double = sympy.solve(
        [sympy.Eq(p_lo.coeff(z, 1), -2 * rho), sympy.Eq(p_lo.coeff(z, 0), rho**2)],
        [gamma, u],
        dict=True,
    )[0]
    d.step(
        "Double root rho at lambda_min: solve for gamma and u = 1 - eta lambda_min",
        double,
        lhs=r"(\gamma, u)",
    )
    eta_rho = (1 - double[u]) / lambda_min
    q_hi = sympy.expand(eta_rho * lambda_max).subs(lambda_max, kappa * lambda_min)
    balance = sympy.numer(sympy.together(pq.subs({gamma: double[gamma], q: q_hi}).subs(z, -rho)))
    d.step(
        "Root -rho at lambda_max (numerator of p(-rho) = 0)",
        sympy.factor(balance),
        lhs=r"\mathrm{numer}\,p(-\rho)",
    )
    cands = sympy.solve(balance, rho)
    probe = {kappa: 10}
    rate_lrp = next(c for c in cands if 0 < c.subs(probe) < 1)
    d.result("rate_lrp", rate_lrp, "Solve for rho in (0, 1) (sympy)", lhs=r"\rho")
    d.result(
        "eta_lrp",
        sympy.simplify(eta_rho.subs(rho, rate_lrp).subs(kappa, lambda_max / lambda_min)),
        "eta",
        lhs=r"\eta",
    )
    d.result("gamma_lrp", sympy.simplify(double[gamma].subs(rho, rate_lrp)), "gamma", lhs=r"\gamma")
    return d
