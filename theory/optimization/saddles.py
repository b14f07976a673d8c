"""Saddles, noise and temperature: escape times, Newton's attraction, SGD's noise floor, Kramers.

The lecture: GD "takes exponential amount of time to escape a saddle point", Newton's method
is attracted to saddles, SGD's mini-batch noise has variance (n - B)/(B (n - 1)) sigma^2 and
acts as a "temperature" that carries the iterate over barriers. Each is derived here from its
premise; :mod:`analysis.saddles` measures them.

Private part of :mod:`theory.optimization`; import the public names from there.
"""

from __future__ import annotations

import sympy

from theory.claims import Claim, Kind
from theory.derivation import Derivation, register
from theory.symbols import eta

__all__ = ["saddle_escape", "saddle_chain", "sgd_noise_floor", "kramers_escape"]

LECTURE = "Physics 361, Lecture 6, section 2.5 Optimization"


@register
def saddle_escape() -> Derivation:
    """Escape times of GD from a strict and a degenerate saddle; Newton's step into a saddle.

    Returns
    -------
    Derivation
        ``strict_steps`` (ln(1/delta)/ln(1 + eta mu): exact up to rounding up, for E = -mu
        y^2/2 along the unstable direction), ``degenerate_steps`` ((1/delta^2 - 1)/(2 eta),
        the gradient flow of E = -y^4/4: asymptote as delta -> 0), ``degenerate_leading``
        (1/(2 eta delta^2)) and ``newton_point`` (the saddle itself: Newton's step from any
        point of an indefinite quadratic lands on its stationary point, exact).
    """
    d = Derivation(
        "Escaping saddles: GD's escape time, and Newton's attraction",
        assumptions=[
            "GD with constant eta > 0 started at distance delta > 0 from the saddle along "
            "its escape direction; escape means |y| >= 1",
            "strict saddle: curvature -mu < 0 along y; degenerate: E = -y^4/4 along y",
        ],
        references=[
            f"{LECTURE}: saddle points",
            "Du et al., NeurIPS 2017 (GD can take exponential time)",
        ],
    )
    mu, delta, t = sympy.symbols("mu delta t", positive=True)
    y = d.step(
        "Strict saddle: y_{t+1} = y_t - eta dE/dy = (1 + eta mu) y_t, so",
        (1 + eta * mu) ** t * delta,
        lhs="y_t",
    )
    steps = d.result(
        "strict_steps",
        sympy.solve(sympy.Eq(y, 1), t)[0],
        "Solve y_t = 1 for t (sympy): the steps to escape, rounded up",
        claim=Claim(Kind.EXACT, "rounded up to an integer number of steps"),
        lhs="t_{\\mathrm{escape}}",
    )
    d.note(
        f"It grows only like ln(1/delta): {steps} -- slow escapes need delta exponentially "
        "small, or many saddles in a row (Du et al.: a chain of d saddles costs time "
        "exponential in d)"
    )
    s = sympy.Symbol("s", positive=True)
    yf = sympy.Function("y")
    ode = d.step(
        "Degenerate saddle E = -y^4/4: the gradient flow in units of steps, dy/ds = eta y^3",
        sympy.Eq(yf(s).diff(s), eta * yf(s) ** 3),
    )
    sols = sympy.dsolve(ode, yf(s), ics={yf(0): delta})
    sols = sols if isinstance(sols, list) else [sols]
    sol = next(x for x in sols if sympy.simplify(x.rhs.subs({s: 0}) - delta) == 0)
    flow = d.step("with y(0) = delta (sympy dsolve)", sol.rhs, lhs="y(s)")
    deg = d.result(
        "degenerate_steps",
        sympy.simplify(sympy.solve(sympy.Eq(flow**2, 1), s)[0]),
        "Solve y(s) = 1: the time to escape",
        claim=Claim(Kind.ASYMPTOTE, "GD's steps; the flow is GD's limit", limit="delta -> 0"),
        lhs="s_{\\mathrm{escape}}",
    )
    d.result(
        "degenerate_leading",
        sympy.limit(deg * delta**2, delta, 0) / delta**2,
        "Leading term as delta -> 0: quadratic in 1/delta, not logarithmic",
        claim=Claim(Kind.ASYMPTOTE, limit="delta -> 0"),
        lhs="s_{\\mathrm{escape}} \\sim",
    )
    a, b = sympy.symbols("a b", positive=True)
    x1, x2 = sympy.symbols("x_1 x_2", real=True)
    E = d.step("Newton on the indefinite quadratic", (a * x1**2 - b * x2**2) / 2, lhs="E(x)")
    X = sympy.Matrix([x1, x2])
    g = sympy.Matrix([E.diff(v) for v in (x1, x2)])
    H = sympy.hessian(E, (x1, x2))
    d.result(
        "newton_point",
        sympy.simplify(X - H.inv() * g),
        "One Newton step x - H^{-1} grad E from any x: the saddle itself",
        claim=Claim(Kind.EXACT, "any start; H indefinite"),
        lhs="x - H^{-1}\\nabla E",
    )
    return d


@register
def sgd_noise_floor() -> Derivation:
    """The stationary variance of SGD with a constant step on a quadratic: its noise floor.

    Returns
    -------
    Derivation
        ``floor`` (eta s/(2 - eta), s the variance of the mini-batch mean) and ``floor_batch``
        (eta sigma^2 (n - B)/((2 - eta) B (n - 1))): exact for independent batches.
    """
    d = Derivation(
        "SGD's noise floor: the stationary variance of a constant step",
        assumptions=[
            "E(theta) = (1/2n) sum_i (theta - g_i)^2 (curvature 1), 0 < eta < 2",
            "each step an independent mini-batch of B of the n samples, without replacement",
        ],
        references=[f"{LECTURE}: SGD with mini-batches"],
    )
    v, s_ = sympy.symbols("v s", positive=True)
    n, B, sigma = sympy.symbols("n B sigma", positive=True)
    d.note(
        "theta_{t+1} - g_mean = (1 - eta)(theta_t - g_mean) + eta (g_B - g_mean), noise independent"
    )
    fixed = d.step(
        "Stationary variance v: v = (1 - eta)^2 v + eta^2 s",
        sympy.Eq(v, (1 - eta) ** 2 * v + eta**2 * s_),
    )
    floor = d.result(
        "floor",
        sympy.factor(sympy.solve(fixed, v)[0]),
        "Solve for v (sympy)",
        claim=Claim(Kind.EXACT, "0 < eta < 2, independent batches"),
        lhs="v",
    )
    d.result(
        "floor_batch",
        sympy.factor(floor.subs(s_, sigma**2 * (n - B) / (B * (n - 1)))),
        "With s = (n - B)/(B (n - 1)) sigma^2 (derivation sgd_minibatch): it scales like eta/B",
        claim=Claim(Kind.EXACT, "0 < eta < 2, independent batches"),
        lhs="v",
    )
    return d


@register
def kramers_escape() -> Derivation:
    """Thermal escape over a barrier: the Arrhenius factor and Kramers' prefactor.

    Returns
    -------
    Derivation
        ``rate`` (sqrt(V''(a) |V''(b)|)/(2 pi) exp(-Delta V/T)) for the overdamped Langevin
        dynamics d theta = -V' dt + sqrt(2T) dW in V = (theta^2 - 1)^2/4; asymptote as
        T/Delta V -> 0; ``barrier`` (Delta V = 1/4).
    """
    d = Derivation(
        "Escape over a barrier by noise: Arrhenius and Kramers",
        assumptions=[
            "overdamped Langevin dynamics d theta = -V'(theta) dt + sqrt(2 T) dW",
            "a double well V = (theta^2 - 1)^2/4; low temperature T << Delta V",
        ],
        references=[f"{LECTURE}: a temperature to get over barriers", "Kramers, Physica 7 (1940)"],
    )
    th, T = sympy.symbols("theta T", positive=True)
    V = d.step("The double well", (th**2 - 1) ** 2 / 4, lhs="V(\\theta)")
    crit = d.step(
        "Its stationary points (sympy solve)", sympy.solve(V.diff(th), th) + [0], lhs="\\theta \\in"
    )
    Va, Vb = V.subs(th, 1), V.subs(th, 0)
    barrier = d.result(
        "barrier", Vb - Va, "The barrier from the minimum at 1 to the top at 0", lhs="\\Delta V"
    )
    curv = d.step(
        "Curvatures at the minimum and at the top",
        (V.diff(th, 2).subs(th, 1), V.diff(th, 2).subs(th, 0)),
        lhs="(V''(1), V''(0))",
    )
    d.result(
        "rate",
        sympy.sqrt(curv[0] * abs(curv[1])) / (2 * sympy.pi) * sympy.exp(-barrier / T),
        "Kramers' rate (the Arrhenius factor exp(-Delta V/T) times the curvature prefactor)",
        claim=Claim(Kind.ASYMPTOTE, "overdamped", limit="T/Delta V -> 0"),
        lhs="k",
    )
    del crit
    return d


@register
def saddle_chain() -> Derivation:
    """A chain of d strict saddles: GD's total escape time grows exponentially in d.

    Returns
    -------
    Derivation
        ``log_distance`` (ln(1/delta_k) = r^k ln(1/delta_0), r = ln(1/(1 - eta lambda))/ln(1 +
        eta mu): the distance at which the k-th saddle is entered) and ``total_steps`` (the sum
        of the escape times over d saddles, (r^d - 1)/(r - 1) ln(1/delta_0)/ln(1 + eta mu)):
        exact up to rounding each escape up; exponential in d when r > 1 (Du et al. 2017).
    """
    d = Derivation(
        "A chain of saddles: escape times multiply",
        assumptions=[
            "saddle k has curvature -mu along its escape direction and lambda > 0 along the "
            "escape direction of saddle k + 1 (the chain of Du et al., NeurIPS 2017, in "
            "its simplest form)",
            "GD with 0 < eta lambda < 1; escape means reaching distance 1",
        ],
        references=[f"{LECTURE}: saddle points", "Du et al., NeurIPS 2017"],
    )
    mu, lam, delta0 = sympy.symbols("mu lambda delta_0", positive=True)
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    dd = sympy.Symbol("d", integer=True, positive=True)
    d.step(
        "Escaping saddle k from delta_k takes t_k = ln(1/delta_k)/ln(1 + eta mu) steps, while "
        "the next escape direction shrinks by (1 - eta lambda)^t_k: ln(1/delta_(k+1)) = r "
        "ln(1/delta_k) with",
        sympy.log(1 / (1 - eta * lam)) / sympy.log(1 + eta * mu),
        lhs="r",
    )
    Lf = sympy.Function("L")
    rr = sympy.Symbol("r", positive=True)
    sol = sympy.rsolve(Lf(k + 1) - rr * Lf(k), Lf(k), {Lf(0): sympy.log(1 / delta0)})
    d.result(
        "log_distance",
        sol,
        "Solve the recursion (sympy rsolve)",
        claim=Claim(Kind.EXACT, "each escape rounded up is ignored"),
        lhs=r"\ln(1/\delta_k)",
    )
    total = sympy.summation(sol / sympy.log(1 + eta * mu), (k, 0, dd - 1))
    if isinstance(total, sympy.Piecewise):  # r = 1 is its own case; the chain has r != 1
        total = next(e for e, c in total.args if c is sympy.true)
    d.result(
        "total_steps",
        sympy.factor(sympy.simplify(total)),
        "Sum of the escape times over d saddles: geometric in r, exponential in d when r > 1",
        claim=Claim(Kind.EXACT, "up to rounding each escape up"),
        lhs="T_d",
    )
    return d
