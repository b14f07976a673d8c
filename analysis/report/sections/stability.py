"""Stability of gradient descent, eta < 2/lambda_max (figure 2)."""

from __future__ import annotations

import numpy as np
import sympy

from analysis.quadratics import QuadraticProblem, divergence_threshold
from analysis.report.common import derivations_markdown, fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.symbols import lambda_max

__all__ = ["sec_stability"]


def sec_stability(ctx: ReportContext) -> SectionResult:
    """Figure 2: measured divergence thresholds against 2/lambda_max on random Hessians."""
    from analysis.plots.optimization import plot_thresholds

    d = ctx.derivation("gd_stability")
    eta_max = sympy.lambdify(lambda_max, d.results["eta_max"])
    rng = ctx.rng("stability")
    n = 3 if ctx.quick else 12
    lms, measured, checks = [], [], []
    n_steps = 500 if ctx.quick else 4000
    margin = float(np.log(1e6) / n_steps)  # finite-horizon allowance (see divergence_threshold)
    for _ in range(n):
        lmax = float(10 ** rng.uniform(-1, 2))
        kappa = float(10 ** rng.uniform(0, 4 if not ctx.quick else 2))
        dim = int(rng.integers(2, 9))
        prob = QuadraticProblem(
            lambda_min=lmax / kappa, lambda_max=lmax, dim=dim, seed=int(rng.integers(2**31))
        )
        res = divergence_threshold(prob, "gd", rtol=1e-3 if ctx.quick else 1e-4, n_steps=n_steps)
        m = float(res.measured)
        theory = float(eta_max(prob.lambda_max))
        lms.append(prob.lambda_max)
        measured.append(m)
        checks.append(
            Check(
                f"GD threshold, dim {dim}, λ_max = {fmt(prob.lambda_max)}, κ = {fmt(kappa)}",
                r"$\eta_{\max} = 2/\lambda_{\max}$ (sympy)",
                f"[{fmt(res.lo, 7)}, {fmt(res.hi, 7)}] (bisection bracket)",
                "empirical",
                res.lo - margin * theory <= theory <= res.hi,
                expected=fmt(theory, 7),
                conditions=(
                    f"a finite horizon of {n_steps} steps: growth slower than 10^6 over it reads "
                    f"as stable, so the bracket may lie up to ln(10^6)/{n_steps} (relative) above "
                    "the threshold; the window allows that, one-sided"
                ),
                method="bisection on real GD runs",
            )
        )
    fig, ax = new_figure()
    plot_thresholds(lms, measured, ax=ax)
    md = derivations_markdown(ctx, ["gd_stability"]) + (
        "\n\nFigure 2: for random positive definite Hessians (random rotation, seeded), "
        "`analysis.quadratics.divergence_threshold` bisects on η for the largest learning rate at "
        "which GD does not diverge; the line is the derived $2/\\lambda_{\\max}$. A rate seen "
        "to diverge is truly unstable, so the bracket's upper end bounds the threshold from "
        f"above; a finite horizon of {n_steps} steps can call a barely unstable rate stable, "
        f"so the lower end may exceed it by a relative margin ln(10⁶)/n = {margin:.1e}."
    )
    return SectionResult(
        md, checks, [FigureOut("fig02_thresholds", fig, "Divergence thresholds against 2/λ_max")]
    )
