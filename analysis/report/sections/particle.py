"""Momentum as a damped massive particle (figure 4)."""

from __future__ import annotations

import numpy as np
import sympy

from analysis.optimizers import momentum, run
from analysis.particle import eom_iterates, particle_trajectory
from analysis.report.common import derivations_markdown, fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.symbols import Delta_t, m, mu

__all__ = ["sec_particle"]


def sec_particle(ctx: ReportContext) -> SectionResult:
    """Figure 4: momentum as a damped particle, and the map (m, mu, Dt) -> (gamma, eta)."""
    from analysis.plots.optimization import plot_momentum_map, plot_particle

    d = ctx.derivation("momentum_particle_map")
    g_fn = sympy.lambdify((m, mu, Delta_t), d.results["gamma"])
    e_fn = sympy.lambdify((m, mu, Delta_t), d.results["eta"])
    mass, damp, w0, T = 1.0, 0.5, 1.0, 20.0

    def grad(w):  # noqa: ANN001, ANN202 - E(w) = w^2/2 + w^4/4, anharmonic
        return w + w**3

    sol = particle_trajectory(grad, mass, damp, w0, T)
    checks, errors = [], {}
    for dt in (0.1, 0.05, 0.025):
        gam, et = float(g_fn(mass, damp, dt)), float(e_fn(mass, damp, dt))
        n = int(round(T / dt))
        res = run(momentum(eta=et, gamma=gam), lambda th: grad(th), np.array([w0]), n)
        w_gdm = np.asarray(res.trajectory, float)[:, 0]
        w_eom = eom_iterates(mass, damp, dt, grad, w0, n)
        dev = float(np.max(np.abs(w_gdm - w_eom)))
        if dt == 0.1:
            checks.append(
                Check(
                    f"GDM with the derived (γ, η) at Δt = {dt} equals the discretised EOM",
                    r"$\gamma = m/(m+\mu\Delta t)$, $\eta = \Delta t^2/(m+\mu\Delta t)$",
                    f"max deviation {dev:.1e} over {n} steps",
                    "exact",
                    dev <= 1e-12,
                    expected=0,
                    method="physml's momentum against the equation of motion iterated directly",
                )
            )
            t_plot, w_plot = np.arange(n + 1) * dt, w_gdm
        errors[dt] = float(np.max(np.abs(w_gdm - sol.sol(np.arange(n + 1) * dt)[0])))
    ratios = [errors[0.1] / errors[0.05], errors[0.05] / errors[0.025]]
    checks.append(
        Check(
            "GDM iterates approach the particle's trajectory as Δt → 0, error ∝ Δt "
            "(halving Δt halves the error)",
            "error ratio for Δt → Δt/2: 2 (first order)",
            ", ".join(fmt(r, 3) for r in ratios),
            "asymptote",
            all(1.6 < r < 2.4 for r in ratios),
            expected=2,
            method="physml's momentum against scipy's solve_ivp of the equation of motion",
        )
    )
    # the inverse map: the particle (m, mu) that a given (gamma, eta, Dt) describes
    inv = d.results["inverse"]
    gam_s, eta_s = sympy.Symbol("gamma", positive=True), sympy.Symbol("eta", positive=True)
    g0, e0, dt0 = sympy.Rational(9, 10), sympy.Rational(1, 100), sympy.Rational(1, 10)
    m_b = inv[m].subs({gam_s: g0, eta_s: e0, Delta_t: dt0})
    mu_b = inv[mu].subs({gam_s: g0, eta_s: e0, Delta_t: dt0})

    def eom_step(w_prev, w, g):  # noqa: ANN001, ANN202 - exact, the lecture's discretised EOM
        return (-g + m_b * (2 * w - w_prev) / dt0**2 + mu_b * w / dt0) / (
            m_b / dt0**2 + mu_b / dt0
        ) - w

    got = (eom_step(1, 1, 1), eom_step(0, 1, 0))  # from rest with unit gradient; coasting
    checks.append(
        Check(
            "inverse map: the particle (m, μ) for γ = 9/10, η = 1/100, Δt = 1/10 steps −η∇E "
            "from rest and coasts with factor γ",
            r"inverse of $(m,\mu,\Delta t)\mapsto(\gamma,\eta)$ (sympy solve)",
            f"{sympy.nsimplify(got[0])}, {sympy.nsimplify(got[1])}",
            "exact",
            sympy.simplify(got[0] + e0) == 0 and sympy.simplify(got[1] - g0) == 0,
            expected="-1/100, 9/10",
            method="physml's momentum run with the inverse-mapped particle",
        )
    )
    fig, axes = new_figure(ncols=2, width=5.6)
    t_fine = np.linspace(0, T, 2000)
    plot_particle(t_fine, sol.sol(t_fine)[0], t_plot, w_plot, ax=axes[0])
    masses = np.geomspace(1e-2, 1e2, 200)
    plot_momentum_map(
        masses,
        [g_fn(mm, damp, 0.1) for mm in masses],
        [e_fn(mm, damp, 0.1) for mm in masses],
        mu=damp,
        dt=0.1,
        ax=axes[1],
    )
    md = derivations_markdown(ctx, ["momentum_particle_map"]) + (
        f"\n\nFigure 4, left: a particle of mass m = {mass:g} with damping μ = {damp:g} in the "
        "anharmonic potential $E(w) = w^2/2 + w^4/4$, released at rest from w = 1, integrated "
        "finely with scipy (`solve_ivp`, rtol 1e-11); dots: physml's `momentum` with γ and η from "
        "the derived map at Δt = 0.1, iterate k drawn at time kΔt. Right: the map as a "
        "function of the mass. The table compares the GDM iterates with the lecture's "
        "discretised equation of motion solved step by step (independent of the map), and "
        "with the exact trajectory as Δt shrinks."
    )
    return SectionResult(
        md, checks, [FigureOut("fig04_momentum_particle", fig, "Momentum as a damped particle")]
    )
