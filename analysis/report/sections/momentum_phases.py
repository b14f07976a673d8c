"""Momentum's stability regions in the (eta lambda, gamma) plane: derived, then measured."""

from __future__ import annotations

import numpy as np
import sympy

from analysis.momentum_phases import (
    best_tuning,
    run_lecture_sign,
    spectral_map,
    threshold,
    update_matrix,
)
from analysis.report.common import derivations_markdown, fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.symbols import gamma as g_sym
from theory.symbols import kappa as k_sym
from theory.symbols import lambda_max, lambda_min

__all__ = ["sec_momentum_phases"]

GAMMAS = (0.1, 0.3, 0.5, 0.7, 0.9)


def sec_momentum_phases(ctx: ReportContext) -> SectionResult:
    """Heavy ball, Nesterov and the slide's sign: q_max and critical damping, checked."""
    d = ctx.derivation("momentum_phases")
    r = d.results

    def at(expr: sympy.Expr, g: float) -> float:
        return float(expr.subs(g_sym, g))

    def lecture_qmax(g: float) -> float:
        key = (
            "lecture_sign_q_max"
            if g >= float(r["crossover_gamma"])
            else ("lecture_sign_q_max_small_gamma")
        )
        return at(r[key], g)

    formulas = {
        "heavy_ball": lambda g: at(r["heavy_ball_q_max"], g),
        "nesterov": lambda g: at(r["nesterov_q_max"], g),
        "lecture_sign": lecture_qmax,
    }
    ids = {
        "heavy_ball": "heavy_ball_phase",
        "nesterov": "nesterov_phase",
        "lecture_sign": "nesterov_lecture_sign",
    }
    names = {
        "heavy_ball": ("heavy ball", "$2(1+\\gamma)$"),
        "nesterov": ("Nesterov", "$2(1+\\gamma)/(1+2\\gamma)$"),
        "lecture_sign": (
            "the slide's Nesterov sign",
            "$1/\\gamma-1$ ($\\gamma \\ge 1/5$), $2(1+\\gamma)/(1-2\\gamma)$ below",
        ),
    }
    checks = []
    measured: dict[str, list[float]] = {}
    for scheme, f in formulas.items():
        measured[scheme] = [threshold(scheme, g) for g in GAMMAS]
        worst = max(abs(m - f(g)) / f(g) for m, g in zip(measured[scheme], GAMMAS, strict=True))
        checks.append(
            Check(
                f"{names[scheme][0]}: the largest stable ηλ for γ = {', '.join(map(str, GAMMAS))} "
                "(where the spectral radius of the update matrix reaches 1)",
                names[scheme][1],
                ", ".join(fmt(m, 6) for m in measured[scheme]),
                "exact",
                worst <= 1e-9,
                expected=", ".join(fmt(f(g), 6) for g in GAMMAS),
                conditions="0 < γ < 1; bisection to 1e-12 relative",
                method="numpy eigenvalues of the 2×2 update matrix written from the update rule",
                id=ids[scheme],
            )
        )
    # critical damping: a double eigenvalue on the derived curves
    gaps = []
    for key, scheme in (("heavy_ball_critical", "heavy_ball"), ("nesterov_critical", "nesterov")):
        for g in (0.3, 0.6):
            for qc in sorted(float(e.subs(g_sym, g)) for e in r[key]):
                ev = np.linalg.eigvals(update_matrix(scheme, qc, g))
                gaps.append(abs(ev[0] - ev[1]))
    checks.append(
        Check(
            "critical damping: on the derived curves the update matrix has a double eigenvalue "
            "(heavy ball $(1\\mp\\sqrt\\gamma)^2$, Nesterov 1 and $(1-\\gamma)^2/(1+\\gamma)^2$; "
            "γ = 0.3, 0.6)",
            "$|z_1 - z_2| = 0$",
            fmt(max(gaps), 3),
            "exact",
            max(gaps) <= 1e-6,
            expected="0 (to the square root of rounding)",
            method="numpy eigenvalues at the derived q",
        )
    )
    g = 0.5
    q_max = lecture_qmax(g)
    below = abs(run_lecture_sign(0.95 * q_max, g, 600)[-1])
    above = abs(run_lecture_sign(1.05 * q_max, g, 600)[-1])
    checks.append(
        Check(
            f"the slide's rule run at γ = {g}: ηλ = 0.95·q_max converges and 1.05·q_max "
            f"diverges (|θ_600| = {fmt(below, 3)} and {fmt(above, 3)}); with γ = 0.9 it "
            "is unstable already for ηλ > 1/9, where heavy ball allows 3.8",
            "$q_{\\max} = 1/\\gamma - 1 = 1$",
            f"{fmt(below, 3)} < 1 < {fmt(above, 3)}",
            "exact",
            below < 1e-3 and above > 1e3,
            expected="converges below, diverges above",
            method="the slide's update rule iterated from rest",
        )
    )
    # the "optimal" tunings are derived from an ansatz (both ends critically damped, or a
    # double root at one end and -rho at the other): a numerical search confirms the optimum
    hb, ne = ctx.derivation("heavy_ball").results, ctx.derivation("nesterov").results
    for label, scheme, rate_key, eta_key, gamma_key, res in (
        ("heavy ball (Polyak)", "heavy_ball", "rate_opt", "eta_opt", "gamma_opt", hb),
        ("Nesterov (Lessard et al.)", "nesterov", "rate_lrp", "eta_lrp", "gamma_lrp", ne),
    ):
        found, derived = [], []
        for kv in (10.0, 100.0):
            sub = {k_sym: kv, lambda_min: 1 / kv, lambda_max: 1.0}
            rate_f, eta_f, gamma_f = best_tuning(scheme, kv)
            found.append((rate_f, eta_f, gamma_f))
            derived.append(tuple(float(res[k].subs(sub)) for k in (rate_key, eta_key, gamma_key)))
        ok = all(
            abs(f[0] - d[0]) <= 1e-8
            and abs(f[1] - d[1]) <= 1e-4 * d[1]
            and abs(f[2] - d[2]) <= 1e-4
            for f, d in zip(found, derived, strict=True)
        )
        checks.append(
            Check(
                f"{label}: the derived tuning minimises the worst spectral radius over "
                "[λ_min, λ_max] (κ = 10, 100): a numerical search finds the same rate, η and γ",
                "the derived optimum (an ansatz: critical damping at the ends), now confirmed",
                "; ".join(f"ρ {fmt(f[0], 8)}, η {fmt(f[1], 5)}, γ {fmt(f[2], 5)}" for f in found),
                "exact",
                ok,
                expected="; ".join(
                    f"ρ {fmt(d[0], 8)}, η {fmt(d[1], 5)}, γ {fmt(d[2], 5)}" for d in derived
                ),
                conditions="a quadratic with spectrum in [λ_min, λ_max] = [1/κ, 1]",
                method="grid search over (η, γ), then Nelder–Mead; radii from the update matrix",
            )
        )
    # the spectral-radius maps with the derived boundaries and the measured thresholds
    qs = np.linspace(0.01, 4.2, 211)
    gs = np.linspace(0.01, 0.99, 99)
    fig, axes = new_figure(ncols=3, width=4.4)
    for ax, scheme in zip(axes, formulas, strict=True):
        rho = spectral_map(scheme, qs, gs)
        im = ax.pcolormesh(qs, gs, np.minimum(rho, 1.5), shading="auto", cmap="viridis")
        ax.contour(qs, gs, rho, levels=[1.0], colors="w", linewidths=1)
        ax.plot([formulas[scheme](x) for x in gs], gs, "r--", lw=1, label="derived $q_{\\max}$")
        ax.plot(measured[scheme], GAMMAS, "wo", ms=4, label="measured")
        crit = {"heavy_ball": "heavy_ball_critical", "nesterov": "nesterov_critical"}.get(scheme)
        if crit:
            for e in r[crit]:
                ax.plot([float(e.subs(g_sym, x)) for x in gs], gs, "k:", lw=1)
        ax.set(xlim=(0, 4.2), xlabel="ηλ", ylabel="γ", title=names[scheme][0])
        ax.legend(fontsize=7, loc="upper right")
    fig.colorbar(im, ax=axes, label="spectral radius (capped at 1.5)")
    md = (
        "Each momentum scheme is a linear map of $(\\theta_t, \\theta_{t-1})$ per eigendirection; "
        "it converges iff both roots of its characteristic polynomial lie inside the unit disc. "
        "The Jury conditions give the stable intervals $0 < \\eta\\lambda < q_{\\max}(\\gamma)$: "
        "2(1+γ) for heavy ball, 2(1+γ)/(1+2γ) for Nesterov, and for the slide's Nesterov "
        "(its lookahead $\\nabla E(\\theta_t + \\gamma v_{t-1})$, with a plus sign) only "
        "1/γ − 1 once γ ≥ 1/5: at γ = 0.9 it is unstable beyond ηλ = 1/9. The maps are the "
        "spectral radii computed from the update rules (white: radius 1), the dashed lines the "
        "derived boundaries, the dotted lines critical damping (a double root: inside them "
        "the roots are complex and the radius is $\\sqrt\\gamma$ for heavy ball).\n\n"
        + derivations_markdown(ctx, ["momentum_phases"])
    )
    return SectionResult(
        md,
        checks,
        [
            FigureOut(
                "momentum_phases", fig, "Spectral radius of three momentum schemes over (ηλ, γ)."
            )
        ],
    )
