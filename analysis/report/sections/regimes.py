"""Learning-rate regimes and Newton's step (figure 1)."""

from __future__ import annotations

import numpy as np
import sympy

from analysis.optimizers import gd, newton, run
from analysis.quadratics import classify_trajectory
from analysis.report.common import derivations_markdown, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.symbols import lam

__all__ = ["sec_regimes"]


def sec_regimes(ctx: ReportContext) -> SectionResult:
    """Figure 1: the learning-rate regimes on a 1-D quadratic; Newton's step."""
    from analysis.plots.optimization import plot_lr_regimes

    d_reg = ctx.derivation("learning_rate_regimes")
    md = derivations_markdown(ctx, ["learning_rate_regimes", "newton_step"])
    regimes = d_reg.results["regimes"]
    eta_opt_expr = d_reg.results["eta_opt"]
    lam_v = 2.0  # a power of two: eta = r/lambda is exact for these r
    eta_opt = float(eta_opt_expr.subs(lam, lam_v))
    checks = []
    # 1 and 2 sit on regime boundaries (dyadic, so eta lambda is exact there); the others are
    # inside the open regimes
    ratios = (0.37, 1.0, 1.61, 2.0, 2.3)
    for r in ratios:
        name = next(n for n, s in regimes.items() if s.contains(sympy.Rational(str(r))))
        eta_v = r * eta_opt
        traj = np.asarray(
            run(gd(eta=eta_v), lambda th: lam_v * th, np.array([1.0]), 8).trajectory, float
        )[:, 0]
        seen = classify_trajectory(traj)
        checks.append(
            Check(
                f"η = {r:g} η_opt: the derived regime of r = η/η_opt against what GD's iterates do",
                r"the derived sets of $r$ (from the factor $1-\eta\lambda$)",
                seen,
                "exact",
                seen == name,
                expected=name,
                method="physml's gd run 8 steps, classified by the ratios of successive errors",
            )
        )
    # Newton: one step reaches the minimum of a quadratic (3-D, random SPD Hessian)
    rng = ctx.rng("newton")
    a = rng.standard_normal((3, 3))
    H = a @ a.T + 3 * np.eye(3)
    theta_star = rng.standard_normal(3)  # the minimum chosen first, so no solver computes it
    res = run(newton(lambda th: H), lambda th: H @ (th - theta_star), np.zeros(3), 1)
    err = float(np.linalg.norm(np.asarray(res.trajectory)[1] - theta_star))
    bound = 8 * np.linalg.cond(H) * np.finfo(float).eps * float(np.linalg.norm(theta_star))
    checks.append(
        Check(
            "Newton's step v = H⁻¹∇E reaches the minimum of a quadratic in one step",
            r"$\theta_1 = \theta^*$ (the minimum chosen before the run)",
            f"‖θ₁ − θ*‖ = {err:.1e}",
            "exact",
            err <= bound,
            expected=f"0 (to rounding, ≤ {bound:.1e})",
            method="physml's newton from 0 on E = (θ − θ*)ᵀH(θ − θ*)/2 with θ* drawn first",
        )
    )
    fig, ax = new_figure()
    plot_lr_regimes(lam=lam_v, theta0=1.0, n_steps=10, ratios=ratios, ax=ax)
    text = (
        md + "\n\nFigure 1 runs physml's `gd` on $E = \\lambda\\theta^2/2$ at several ratios "
        "$\\eta/\\eta_{opt}$. In the table, each regime name comes from the derived sets of "
        "$r = \\eta/\\eta_{opt}$; the run is classified by what its iterates do (ratios of "
        "successive errors)."
    )
    return SectionResult(
        text, checks, [FigureOut("fig01_lr_regimes", fig, "Learning-rate regimes on a quadratic")]
    )
