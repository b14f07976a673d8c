"""More of the report's "Fine print": the momentum range 0 ≤ γ ≤ 1, and the mini-batch sum.

Like :mod:`analysis.report.fineprint`, each builder takes the report's context and returns a
:class:`~analysis.report.core.SectionResult` with the evidence physml computed.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np

from analysis.report.common import fmt
from analysis.report.core import Check, ReportContext, SectionResult

__all__ = ["fp_momentum_gamma_one", "fp_minibatch_sum"]


def fp_momentum_gamma_one(ctx: ReportContext) -> SectionResult:
    """The lecture allows γ = 1, where momentum never converges (no damping: μ = 0).

    >>> res = fp_momentum_gamma_one(ReportContext(quick=True))
    >>> [c.ok for c in res.checks]
    [True, True, True]
    """
    import sympy

    from analysis.optimizers import momentum
    from theory.symbols import gamma

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


def fp_minibatch_sum(ctx: ReportContext) -> SectionResult:
    """The lecture's mini-batch gradient is a sum over the batch: it estimates B/n of ∇E.

    >>> res = fp_minibatch_sum(ReportContext(quick=True))
    >>> all(c.ok for c in res.checks)
    True
    """
    rng = ctx.rng("fine-print-minibatch")
    n = 8
    grads = [Fraction(int(v)) for v in rng.integers(-9, 10, size=n)]
    full = sum(grads, Fraction(0))
    checks = []
    for b in (1, 2, 4):
        batches = list(combinations(range(n), b))
        avg_sum = sum((sum((grads[i] for i in bt), Fraction(0)) for bt in batches), Fraction(0))
        avg_sum /= len(batches)
        want = Fraction(b, n) * full
        checks.append(
            Check(
                f"n = {n}, B = {b}: the batch sum averaged over all C({n},{b}) batches "
                "(exact enumeration)",
                r"$\frac{B}{n}\sum_{i=1}^n \nabla e_i$, not $\nabla E = \sum_i \nabla e_i$",
                str(avg_sum),
                "exact",
                avg_sum == want,
                expected=str(want),
            )
        )
    md = (
        "The lecture writes the full gradient as a sum, $\\nabla_\\theta E = \\sum_{i=1}^n "
        "\\nabla_\\theta e_i$, and replaces it by the sum over one mini-batch, "
        "$\\sum_{i \\in B_k} \\nabla_\\theta e_i$. On average over the batches that sum is "
        "only $B/n$ of the full gradient (each example lands in a fraction $B/n$ of them), so "
        "with the same $\\eta_t$ a mini-batch step is $n/B$ times shorter than a full step. "
        "Either the learning rate is scaled by $n/B$ or, as in practice and in physml's "
        "mini-batch losses (`analysis.landscapes`: $X_B^T(X_B w - y_B)/|B|$), both gradients "
        "are means, $\\frac{1}{B}\\sum_{i\\in B_k}$ and "
        "$\\frac{1}{n}\\sum_i$: then the mini-batch gradient is an unbiased estimate of the "
        f"full one (section 6 checks its variance). Exact enumeration, {n} integer gradients "
        f"with sum {full}:"
    )
    return SectionResult(md, checks)
