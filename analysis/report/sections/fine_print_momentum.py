"""Fine print: momentum with gamma = 1 never converges."""

from __future__ import annotations

import numpy as np

from analysis.optimizers import momentum
from analysis.report.common import fmt
from analysis.report.core import Check, ReportContext, SectionResult
from theory.symbols import gamma

__all__ = ["fp_momentum_gamma_one"]


def fp_momentum_gamma_one(ctx: ReportContext) -> SectionResult:
    """The lecture allows γ = 1, where momentum never converges (no damping: μ = 0).

    >>> res = fp_momentum_gamma_one(ReportContext(quick=True))
    >>> [c.ok for c in res.checks]
    [True, True, True]
    """
    import sympy

    d = ctx.derivation("heavy_ball")
    modulus = d.results["complex_modulus"]  # |z| of the complex roots of the characteristic poly
    lam_v, eta_v, n = 1.0, 0.5, 400  # eta * lambda = 1/2: complex roots for these gamma
    checks = []
    rates = {}
    for g in (1.0, 0.81, 0.25):
        traj = _lecture_momentum(g, eta_v, lam_v, n)
        # the decay per step, read off the envelope: largest |theta| in the first and last 20 steps
        head, tail = np.max(np.abs(traj[:20])), np.max(np.abs(traj[-20:]))
        rate = float((tail / head) ** (1.0 / (n - 19)))
        rates[g] = rate
        want = float(modulus.subs(gamma, sympy.nsimplify(g)))
        checks.append(
            Check(
                f"momentum with γ = {g:g}, ηλ = 1/2: error factor per step (envelope of {n} steps)",
                r"$|z| = \sqrt{\gamma}$ (roots of the characteristic polynomial, sympy)",
                fmt(rate, 6),
                "asymptote",
                abs(rate - want) <= 1e-2,
                expected=fmt(want, 6),
                method="physml's momentum run, the envelope of its error",
            )
        )
    try:
        momentum(eta=eta_v, gamma=1.0)
        refused = "physml's `momentum` accepts γ = 1."
    except ValueError as exc:
        refused = f"physml's `momentum` refuses it: `{exc}`."
    md = (
        "The lecture introduces the momentum parameter with $0 \\leq \\gamma \\leq 1$. At "
        "$\\gamma = 1$ the particle has no damping ($\\mu = 0$ in "
        "$\\gamma = m/(m+\\mu\\Delta t)$): its energy is conserved and it never settles. On a "
        "quadratic the heavy-ball iteration has characteristic polynomial "
        f"${sympy.latex(d.results['char_poly'])}$, whose complex roots have modulus "
        "$\\sqrt{\\gamma}$ (constant term $\\gamma$), so the error shrinks like "
        "$\\gamma^{t/2}$ and not at all at $\\gamma = 1$. Measured on "
        f"$E = \\theta^2/2$ with η = {eta_v}: the error's envelope changes by a factor "
        + ", ".join(f"{fmt(r, 4)} per step at γ = {g:g}" for g, r in rates.items())
        + f" (the lecture's update rule iterated directly). Convergence needs "
        f"$0 \\leq \\gamma < 1$; {refused}"
    )
    return SectionResult(md, checks)


def _lecture_momentum(g: float, eta: float, lam: float, n: int) -> np.ndarray:
    """The lecture's GDM on E = λθ²/2 from θ = 1 at rest: v = γv + η∇E(θ), θ = θ − v."""
    theta, v, out = 1.0, 0.0, [1.0]
    for _ in range(n):
        v = g * v + eta * lam * theta
        theta -= v
        out.append(theta)
    return np.array(out)
