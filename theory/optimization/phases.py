"""Stability regions of momentum in the (eta lambda, gamma) plane, derived from the update rules.

For heavy ball, Nesterov, and the lecture slide's Nesterov (its lookahead written with a plus
sign, grad E(theta_t + gamma v_{t-1})), the per-eigendirection update is a linear map of
(theta_t, theta_{t-1}); both roots of its characteristic polynomial lie inside the unit disc
iff the Schur-Cohn (Jury) conditions p(1) > 0, p(-1) > 0, |p(0)| < 1 hold. Their boundaries in
q = eta lambda are solved here; the critical-damping curves are where the discriminant vanishes.

Private part of :mod:`theory.optimization`; import the public names from there.
"""

from __future__ import annotations

import sympy

from theory.claims import Claim, Kind
from theory.derivation import Derivation, register
from theory.symbols import gamma

__all__ = ["momentum_phases", "momentum_memory", "double_root_iterations", "q", "SCHEMES"]

#: q = eta lambda, the step in units of the curvature
q = sympy.Symbol("q", positive=True)
_z = sympy.Symbol("z")
_th, _thm = sympy.symbols("theta_t theta_{t-1}", real=True)

#: the lookahead point of each scheme, as a function of theta_t and v_{t-1} = theta_{t-1} - theta_t
SCHEMES = {
    "heavy_ball": lambda th, v: th,
    "nesterov": lambda th, v: th - gamma * v,
    "lecture_sign": lambda th, v: th + gamma * v,
}


def _poly(d: Derivation, scheme: str) -> sympy.Expr:
    v_prev = _thm - _th
    look = SCHEMES[scheme](_th, v_prev)
    v = gamma * v_prev + q * look  # v_t = gamma v_{t-1} + eta grad E(lookahead), grad = lambda x
    nxt = sympy.expand(_th - v)
    a, b = nxt.coeff(_th), nxt.coeff(_thm)
    return d.step(
        f"{scheme}: v_t = gamma v_(t-1) + eta lambda x_look, theta_(t+1) = theta_t - v_t; the "
        "characteristic polynomial of (theta_t, theta_(t-1)) -> (theta_(t+1), theta_t)",
        sympy.expand(_z**2 - a * _z - b),
        lhs=r"p_{\mathrm{" + scheme.replace("_", r"\ ") + "}}(z)",
    )


def _boundaries(d: Derivation, scheme: str, poly: sympy.Expr) -> dict[str, list]:
    conds = {
        "p(1) = 0": poly.subs(_z, 1),
        "p(-1) = 0": poly.subs(_z, -1),
        "p(0) = 1": poly.subs(_z, 0) - 1,
        "p(0) = -1": poly.subs(_z, 0) + 1,
    }
    roots = {k: sympy.solve(sympy.Eq(e, 0), q) for k, e in conds.items()}
    d.step(
        f"{scheme}: where each Jury condition changes sign, solved for q (sympy)",
        {sympy.Symbol(k): sympy.FiniteSet(*r) for k, r in roots.items()},
        lhs=None,
    )
    return roots


@register
def momentum_phases() -> Derivation:
    """The stable intervals 0 < q < q_max of three momentum schemes, and their critical damping.

    Returns
    -------
    Derivation
        Results ``heavy_ball_q_max`` (2(1 + gamma)), ``nesterov_q_max``
        (2(1 + gamma)/(1 + 2 gamma)), ``lecture_sign_q_max`` (1/gamma - 1 for gamma >= 1/5),
        ``lecture_sign_q_max_small_gamma`` (2(1 + gamma)/(1 - 2 gamma) for gamma < 1/5),
        ``crossover_gamma`` (1/5), ``heavy_ball_critical`` ((1 -+ sqrt(gamma))^2) and
        ``nesterov_critical`` (the zeros of its discriminant): exact, for 0 < gamma < 1.
    """
    d = Derivation(
        "Stability regions of momentum in the (eta lambda, gamma) plane",
        assumptions=[
            "a quadratic direction with curvature lambda > 0, q = eta lambda > 0",
            "0 < gamma < 1",
        ],
        references=[
            "Physics 361, Lecture 6: GD with momentum, Nesterov",
            "Polyak (1964); Nesterov (1983); Jury's stability criterion",
        ],
    )
    cond = "0 < gamma < 1"
    polys = {s: _poly(d, s) for s in SCHEMES}
    hb = _boundaries(d, "heavy_ball", polys["heavy_ball"])
    d.note("heavy ball: p(0) = gamma lies in (0, 1), so only p(-1) > 0 bounds q from above")
    d.result(
        "heavy_ball_q_max",
        hb["p(-1) = 0"][0],
        "heavy ball: stable iff 0 < q <",
        claim=Claim(Kind.EXACT, cond),
        lhs=r"q_{\max}^{\mathrm{HB}}",
    )
    ne = _boundaries(d, "nesterov", polys["nesterov"])
    d.note(
        "Nesterov: p(0) = gamma (1 - q) stays in (-1, 1) for q < 1 + 1/gamma, beyond p(-1)'s root"
    )
    d.result(
        "nesterov_q_max",
        sympy.factor(ne["p(-1) = 0"][0]),
        "Nesterov: stable iff 0 < q <",
        claim=Claim(Kind.EXACT, cond),
        lhs=r"q_{\max}^{\mathrm{N}}",
    )
    ls = _boundaries(d, "lecture_sign", polys["lecture_sign"])
    a0_root = sympy.factor(ls["p(0) = 1"][0])
    pm1_root = sympy.factor(ls["p(-1) = 0"][0])
    cross = d.step(
        "lecture sign: the two upper boundaries p(0) = 1 and p(-1) = 0 meet at",
        [r for r in sympy.solve(sympy.Eq(a0_root, pm1_root), gamma) if 0 < r < 1],
        lhs=r"\gamma \in",
    )
    d.result("crossover_gamma", cross[0])
    d.result(
        "lecture_sign_q_max",
        sympy.expand(a0_root),
        "lecture sign, gamma >= 1/5: p(0) = gamma (1 + q) reaches 1 first, so stable iff q <",
        claim=Claim(Kind.EXACT, "1/5 <= gamma < 1"),
        lhs=r"q_{\max}^{\mathrm{slide}}",
    )
    d.result(
        "lecture_sign_q_max_small_gamma",
        pm1_root,
        "lecture sign, gamma < 1/5: p(-1) = 0 comes first",
        claim=Claim(Kind.EXACT, "0 < gamma < 1/5"),
        lhs=r"q_{\max}^{\mathrm{slide}}",
    )
    disc_hb = sympy.discriminant(polys["heavy_ball"], _z)
    d.result(
        "heavy_ball_critical",
        sympy.FiniteSet(*sympy.solve(disc_hb, q)),
        "heavy ball: the discriminant vanishes (critical damping, a double root) at q in",
        claim=Claim(Kind.EXACT, cond),
        lhs=r"q_{\mathrm{crit}}^{\mathrm{HB}} \in",
    )
    disc_ne = sympy.discriminant(polys["nesterov"], _z)
    d.result(
        "nesterov_critical",
        sympy.FiniteSet(*[sympy.factor(r) for r in sympy.solve(disc_ne, q)]),
        "Nesterov: critical damping at q in",
        claim=Claim(Kind.EXACT, cond),
        lhs=r"q_{\mathrm{crit}}^{\mathrm{N}} \in",
    )
    return d


@register
def momentum_memory() -> Derivation:
    """Momentum's memory 1/(1 - gamma) and its terminal step eta g/(1 - gamma) (exact).

    Returns
    -------
    Derivation
        ``memory`` (sum_k gamma^k = 1/(1 - gamma), the effective number of past gradients) and
        ``terminal_step`` (the fixed point of v = gamma v + eta g under a constant gradient g).
    """
    d = Derivation(
        "Momentum's memory and terminal step",
        assumptions=["v_t = gamma v_{t-1} + eta grad E(theta_t), 0 <= gamma < 1"],
        references=["Physics 361, Lecture 6: GD with momentum"],
    )
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    v, g_ = sympy.symbols("v g", real=True)
    eta_ = sympy.Symbol("eta", positive=True)
    unrolled = d.step(
        "Unrolled, v_t = eta sum_k gamma^k grad E(theta_(t-k)): the weight k steps back",
        gamma**k,
        lhs="w_k",
    )
    total = sympy.summation(unrolled, (k, 0, sympy.oo))
    if isinstance(total, sympy.Piecewise):
        total = total.args[0][0]  # |gamma| < 1
    d.result(
        "memory",
        sympy.simplify(total),
        "Their sum (sympy, |gamma| < 1): the number of past gradients the velocity remembers",
        claim=Claim(Kind.EXACT, "0 <= gamma < 1"),
        lhs=r"\sum_k w_k",
    )
    fixed = d.step(
        "A constant gradient g: the fixed point of the velocity", sympy.Eq(v, gamma * v + eta_ * g_)
    )
    d.result(
        "terminal_step",
        sympy.solve(fixed, v)[0],
        "Solve (sympy): the step grows to",
        claim=Claim(Kind.EXACT, "0 <= gamma < 1, constant gradient"),
        lhs="v_\\infty",
    )
    return d


@register
def double_root_iterations() -> Derivation:
    """Iterations to tolerance at a double root: the prefactor of tuned heavy ball and Nesterov.

    Returns
    -------
    Derivation
        ``mode`` ((1 + (1 - rho) t) rho^t: the slowest direction from rest, exact),
        ``iterations`` (the equation (1 + (1 - rho) N) rho^N = epsilon whose root beyond the
        prefactor's peak is the count: exact, the count its ceiling) and ``excess`` (the
        steps beyond ln(1/epsilon)/ln(1/rho), ln(1 + (1 - rho) N)/ln(1/rho): it grows with
        kappa, so the plain count ln(1/epsilon)/ln(1/rho) is only the asymptote as
        epsilon -> 0 at fixed kappa).
    """
    d = Derivation(
        "Iterations at a double root: the transient of tuned heavy ball and Nesterov",
        assumptions=[
            "the slowest direction's recurrence has a double root rho in (0, 1) (critical "
            "damping: heavy ball at its optimal tuning at lambda_min and lambda_max, Nesterov "
            "with eta = 1/lambda_max at lambda_min)",
            "the run starts at rest, theta_{-1} = theta_0",
        ],
        references=["Physics 361, Lecture 6: GD with momentum", "Lessard, Recht & Packard (2016)"],
    )
    rho, eps_ = sympy.symbols("rho epsilon", positive=True)
    t = sympy.Symbol("t", integer=True, nonnegative=True)
    N = sympy.Symbol("N", positive=True)
    th = sympy.Function("theta")
    rec = d.step(
        "A double root rho: theta_(t+2) = 2 rho theta_(t+1) - rho^2 theta_t, with theta_0 = 1 "
        "and theta_1 = 2 rho - rho^2 (from rest)",
        sympy.Eq(th(t + 2), 2 * rho * th(t + 1) - rho**2 * th(t)),
    )
    sol = sympy.rsolve(rec.lhs - rec.rhs, th(t), {th(0): 1, th(1): 2 * rho - rho**2})
    mode = d.result(
        "mode",
        sympy.factor(sol),
        "Solved (sympy rsolve): a polynomial prefactor times rho^t",
        claim=Claim(Kind.EXACT, "double root, from rest"),
        lhs=r"\theta_t",
    )
    d.result(
        "iterations",
        sympy.Eq(sympy.expand(mode.subs(t, N)), eps_),
        "The count N: where the slowest mode falls to epsilon (its root N > 1/ln(1/rho) - "
        "1/(1 - rho), past the prefactor's peak; solved numerically, the count is its ceiling)",
        claim=Claim(Kind.EXACT, "the count is the ceiling of the root"),
    )
    d.result(
        "excess",
        sympy.log(1 + (1 - rho) * N) / sympy.log(1 / rho),
        "Taking logs: N = [ln(1/epsilon) + ln(1 + (1 - rho) N)]/ln(1/rho), so beyond the plain "
        "count N exceeds it by",
        claim=Claim(
            Kind.ASYMPTOTE, "the plain count is the epsilon -> 0 limit", limit="epsilon -> 0"
        ),
        lhs=r"N - \frac{\ln(1/\epsilon)}{\ln(1/\rho)}",
    )
    return d
