"""Energy-conserving descent (De Luca & Silverstein): a Hamiltonian flow that conserves H.

Private part of :mod:`theory.optimization`; import the public names from there.
"""

from __future__ import annotations

import sympy

from theory.claims import Claim, Kind
from theory.derivation import Derivation, register

__all__ = ["energy_conserving_descent"]


@register
def energy_conserving_descent() -> Derivation:
    """Energy-conserving descent (De Luca & Silverstein): the flow conserves its Hamiltonian.

    Returns
    -------
    Derivation
        Results ``hamiltonian`` (the separable ECDSep Hamiltonian
        eta_ECD ln(F - F_0) + ln(s + |pi|^2), a premise), ``dH_dt`` (0 along its flow: exact
        conservation by the continuous flow), ``momentum_squared`` (|pi|^2 on the energy
        shell), ``hamiltonian_bbi`` (the BBI Hamiltonian V sqrt(1 + |pi|^2/V), V = F - F_0)
        and ``dH_dt_bbi`` (0, also conserved). The two Hamiltonians are those of De Luca &
        Silverstein (arXiv:2201.11137, BBI) and De Luca, Gatti & Silverstein
        (arXiv:2306.00352, ECDSep) as their reference optimizers conserve them (energy
        ln V^eta_ECD + ln(s + |pi|^2), resp. E^2 = V^2 + V |pi|^2); an overall constant
        factor of H only rescales time. ``analysis.optimizers.ecd`` integrates the same
        ECDSep Hamiltonian. Holds for F > F_0; discrete steps conserve H only approximately
        unless |pi| is rescaled.

    Examples
    --------
    >>> energy_conserving_descent().results["dH_dt"]
    0
    """
    d = Derivation(
        "Energy-conserving descent: the Hamiltonian is conserved along the flow",
        assumptions=[
            "loss F(theta) > F_0 (F_0 below the minimum), V = F - F_0 > 0",
            "concentration exponent eta_ECD >= 1 (not the learning rate), switch s in {0, 1}",
            "shown for two parameters theta_1, theta_2 with momenta pi_1, pi_2; the "
            "computation is the same in any dimension",
        ],
        references=[
            "De Luca, Silverstein, Born-Infeld (BI) for AI: Energy-Conserving Descent (ECD) for "
            "Optimization, ICML 2022, arXiv:2201.11137",
            "De Luca, Gatti, Silverstein, Improving Energy Conserving Descent for Machine "
            "Learning: Theory and Practice (ECDSep), arXiv:2306.00352",
        ],
    )
    tau = sympy.Symbol("tau", real=True)
    th = [sympy.Function(f"theta_{j}", real=True)(tau) for j in (1, 2)]
    pi = [sympy.Function(f"pi_{j}", real=True)(tau) for j in (1, 2)]
    F = sympy.Function("F", real=True)(*th)
    F0 = sympy.Symbol("F_0", real=True)
    e_c = sympy.Symbol("eta_ECD", positive=True)
    sw = sympy.Symbol("s", nonnegative=True)
    p2 = pi[0] ** 2 + pi[1] ** 2
    # what a reader sees: plain symbols instead of functions of tau
    plain_th = sympy.symbols("theta_1 theta_2", real=True)
    plain_pi = sympy.symbols("pi_1 pi_2", real=True)
    plain_F = sympy.Symbol("F", real=True)
    rename: dict[sympy.Basic, sympy.Basic] = {}
    for j, (x, p) in enumerate(zip(th, pi, strict=True), 1):
        rename[sympy.Derivative(x, tau)] = sympy.Symbol(rf"\dot{{\theta}}_{j}", real=True)
        rename[sympy.Derivative(p, tau)] = sympy.Symbol(rf"\dot{{\pi}}_{j}", real=True)
        rename[sympy.Derivative(F, x)] = sympy.Symbol(rf"\partial_{{\theta_{j}}} F", real=True)
    last = {
        F: plain_F,
        **dict(zip(th, plain_th, strict=True)),
        **dict(zip(pi, plain_pi, strict=True)),
    }

    def show(expr: sympy.Basic) -> sympy.Basic:
        return expr.xreplace(rename).xreplace(last)

    def conserved(H: sympy.Expr, label: str) -> sympy.Expr:
        flow = {sympy.Derivative(x, tau): sympy.diff(H, p) for x, p in zip(th, pi, strict=True)}
        flow.update(
            {sympy.Derivative(p, tau): -sympy.diff(H, x) for x, p in zip(th, pi, strict=True)}
        )
        d.step(
            f"{label}: Hamilton's equations d theta/dtau = dH/dpi, d pi/dtau = -dH/dtheta",
            {show(k): show(v) for k, v in flow.items()},
        )
        dh = sympy.diff(H, tau)
        d.step("Chain rule: dH/dtau along a trajectory", show(dh), lhs=r"\frac{dH}{d\tau}")
        out = sympy.expand(dh.subs(flow))  # the terms cancel pairwise
        return out if out == 0 else sympy.cancel(sympy.together(out))

    H = e_c * sympy.log(F - F0) + sympy.log(sw + p2)
    d.result(
        "hamiltonian",
        show(H),
        "Premise (ECDSep, the form its reference optimizer conserves): "
        "H = eta_ECD ln(F - F_0) + ln(s + |pi|^2)",
        lhs=r"H",
    )
    d.result(
        "dH_dt",
        conserved(H, "ECDSep"),
        "Substitute the flow (sympy): dH/dtau =",
        lhs=r"\frac{dH}{d\tau}",
    )
    energy = sympy.Symbol("E", real=True)
    P2 = sympy.Symbol("P2", positive=True)
    V = sympy.Symbol("V", positive=True)
    h_v = show(H).subs({plain_F: V + F0}).subs(plain_pi[0] ** 2 + plain_pi[1] ** 2, P2)
    product = d.step(
        "With V = F - F_0 > 0 and P2 = |pi|^2, exponentiate H",
        sympy.simplify(sympy.exp(h_v)),
        lhs=r"e^{H}",
    )
    shell = sympy.solve(sympy.Eq(product, sympy.exp(energy)), P2)
    d.result(
        "momentum_squared",
        shell[0],
        "On the energy shell H = E (sympy solve): |pi|^2 grows as the loss falls",
        lhs=r"|\pi|^2",
    )
    rate = [sympy.diff(H, p) for p in pi]  # d theta_j / dtau, Hamilton's equations
    speed2 = sympy.factor(sympy.simplify(sum(r**2 for r in rate).subs(p2, P2)))
    speed = d.result(
        "speed",
        sympy.sqrt(speed2.subs(pi[0] ** 2 + pi[1] ** 2, P2)),
        "The speed |d theta/dtau| = |dH/dpi| (sympy, from Hamilton's equations)",
        lhs=r"\left|\frac{d\theta}{d\tau}\right|",
    )
    on_shell = d.result(
        "speed_on_shell",
        sympy.simplify(speed.subs(P2, shell[0])),
        "On the energy shell, as a function of the loss V",
        lhs=r"\left|\frac{d\theta}{d\tau}\right|(V)",
    )
    d.result(
        "speed_at_low_loss",
        sympy.limit(on_shell, V, 0, "+"),
        "Its limit as V -> 0+ (sympy limit): the particle slows down near low loss (its "
        "momentum grows, but the speed 2|pi|/(s + |pi|^2) falls), which is why the time "
        "average of a run concentrates at low loss",
        claim=Claim(Kind.ASYMPTOTE, limit="V -> 0+, on the energy shell"),
        lhs=r"\lim_{V\to 0^+}\left|\frac{d\theta}{d\tau}\right|",
    )
    Hb = (F - F0) * sympy.sqrt(1 + p2 / (F - F0))
    d.result(
        "hamiltonian_bbi",
        show(Hb),
        "Premise (original BBI form): H = V sqrt(1 + |pi|^2/V) with V = F - F_0",
        lhs=r"H",
    )
    d.result(
        "dH_dt_bbi",
        conserved(Hb, "BBI"),
        "Substitute the flow (sympy): dH/dtau =",
        lhs=r"\frac{dH}{d\tau}",
    )
    d.note(
        "Unlike heavy-ball momentum there is no friction: descent comes from the phase-space "
        "measure concentrating at low V, not from dissipation; discrete optimizers rescale "
        "|pi| each step to restore H exactly"
    )
    return d
