"""Optimizers on Beale's function and a quadratic (figure 5)."""

from __future__ import annotations

import numpy as np
import sympy

from analysis import landscapes
from analysis.optimizers import adam, ecd, gd, momentum, nesterov, rmsprop, run
from analysis.report.common import derivations_markdown, fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.symbols import beta, beta_1, beta_2, epsilon, eta
from theory.symbols import t as t_sym

__all__ = ["sec_paths"]


def _adaptive_checks(ctx: ReportContext) -> list[Check]:
    """Adam's bias correction and RMSProp's steady state, measured against the derivations."""
    d_adam = ctx.derivation("adam_bias_correction")
    d_rms = ctx.derivation("rmsprop")
    g_sym = sympy.Symbol("g", real=True)
    checks = []
    eta_v, b1, b2, eps_v, g_v = 0.01, 0.9, 0.99, 1e-8, -0.3
    opt = adam(eta=eta_v, beta_1=b1, beta_2=b2, eps=eps_v)
    theta = np.zeros(1)
    state = opt.init(theta)
    steps = []
    for _ in range(50):
        step, state = opt.update(np.array([g_v]), state, theta)
        theta = theta + step
        steps.append(float(step[0]))
    expr = d_adam.results["constant_gradient_step"]
    subs = {eta: eta_v, beta_1: b1, beta_2: b2, epsilon: eps_v, g_sym: g_v}
    predicted = [float(expr.subs({**subs, t_sym: k})) for k in (1, 10, 50)]
    got = [steps[0], steps[9], steps[49]]
    checks.append(
        Check(
            "Adam, constant gradient g = −0.3: bias-corrected steps at t = 1, 10, 50",
            r"$-\eta\,\hat m_t/(\sqrt{\hat s_t}+\epsilon)$ with $\hat m_t = g$, "
            r"$\hat s_t = g^2$ (sympy summation)",
            ", ".join(fmt(v, 10) for v in got),
            "exact",
            all(abs(a - b) <= 1e-13 for a, b in zip(got, predicted, strict=True)),
            expected=", ".join(fmt(v, 10) for v in predicted),
            method="physml's adam under a constant gradient",
        )
    )
    # RMSProp: s_t under a constant gradient, and the steady step
    beta_v, g2 = 0.9, 0.05
    opt = rmsprop(eta=eta_v, beta=beta_v, eps=eps_v)
    theta = np.zeros(1)
    state = opt.init(theta)
    for _ in range(400):
        step, state = opt.update(np.array([g2]), state, theta)
        theta = theta + step
    steady = float(
        d_rms.results["steady_step"].subs({eta: eta_v, g_sym: g2, epsilon: eps_v, beta: beta_v})
    )
    checks.append(
        Check(
            "RMSProp, constant gradient g = 0.05: step after 400 iterations",
            r"steady step $\eta g/\sqrt{s^*+\epsilon}$, $s^* = g^2$ (sympy)",
            fmt(-float(step[0]), 12),
            "asymptote",
            abs(-float(step[0]) - steady) <= 1e-12 * steady,
            expected=fmt(steady, 12),
            method="physml's rmsprop under a constant gradient",
        )
    )

    # ECD: the Hamiltonian along a long run stays within the integrator's error
    def loss(th):  # noqa: ANN001, ANN202 - anisotropic quadratic
        return float(0.5 * (th[0] ** 2 + 10.0 * th[1] ** 2))

    opt = ecd(loss, dt=0.01, loss_floor=-0.1, delta_energy=1.0)
    theta = np.array([1.0, 1.0])
    state = opt.init(theta)
    energies = []
    for _ in range(2000 if ctx.quick else 10000):
        step, state = opt.update(np.array([theta[0], 10.0 * theta[1]]), state, theta)
        theta = theta + step
        energies.append(state.energy)
    drift = float(np.max(np.abs(np.array(energies) - state.energy0)))
    checks.append(
        Check(
            f"ECD (leapfrog, Δt = 0.01): the Hamiltonian over {len(energies)} steps",
            r"$H = \log(s+|p|^2) + \eta_c\log(F-F_0)$ conserved by the flow (sympy: $dH/dt=0$)",
            f"max |H_t − H_0| = {drift:.1e} (H_0 = {fmt(state.energy0, 6)})",
            "upper bound",
            drift <= 1e-2,
            expected="≤ 1e-2",
            method="physml's ecd (leapfrog) run, the Hamiltonian evaluated each step",
        )
    )
    return checks


def sec_paths(ctx: ReportContext) -> SectionResult:
    """Figure 5: optimizer paths on Beale's function and an anisotropic quadratic."""
    from analysis.plots.optimization import plot_paths

    n = 2000 if ctx.quick else 5000
    beale = landscapes.beale()
    x0 = np.array([1.0, 1.5])
    configs = {
        "GD": gd(eta=1e-2),
        "momentum": momentum(eta=1e-3, gamma=0.9),
        "Nesterov": nesterov(eta=1e-3, gamma=0.9),
        "RMSProp": rmsprop(eta=1e-2, beta=0.9, eps=1e-8),
        "Adam": adam(eta=1e-2, beta_1=0.9, beta_2=0.99, eps=1e-8),
        "ECD": ecd(lambda th: float(beale.loss(th)), dt=1e-2, loss_floor=-1e-3),
    }
    paths, checks = {}, []
    x_min = np.array(beale.minima[0])
    tol = 2e-2
    for name, opt in configs.items():
        res = run(opt, beale.grad, x0, n, beale.loss)
        traj = np.asarray(res.trajectory, float)
        paths[name] = traj
        dists = np.linalg.norm(traj - x_min, axis=1)
        if name == "ECD":  # frictionless: it passes the minimum and slows there, never stops
            claim, dist = (
                f"ECD on Beale's function from (1, 1.5): closest approach ({n} steps)",
                dists.min(),
            )
        else:
            claim, dist = (
                f"{name} on Beale's function from (1, 1.5) reaches the minimum ({n} steps)",
                dists[-1],
            )
        checks.append(
            Check(
                claim,
                r"minimum at $(3, 1/2)$",
                f"‖θ − θ*‖ = {dist:.1e}",
                "asymptote",
                dist < tol and not res.diverged,
                expected=f"< {tol:g}",
                method="the optimizer's run on the landscape",
            )
        )
    fig, axes = new_figure(ncols=2, width=5.6, height=4.6)
    plot_paths(
        beale.loss,
        paths,
        (-0.5, 4.5),
        (-1.5, 3.5),
        minimum=x_min,
        title="Beale's function",
        ax=axes[0],
    )
    quad = landscapes.anisotropic_quadratic()
    q0 = np.array([-2.0, 1.0])
    qpaths = {}
    for name, opt in {
        "GD": gd(eta=0.09),
        "momentum": momentum(eta=0.09, gamma=0.5),
        "Nesterov": nesterov(eta=0.09, gamma=0.5),
        "RMSProp": rmsprop(eta=0.05, beta=0.9, eps=1e-8),
        "Adam": adam(eta=0.1, beta_1=0.9, beta_2=0.99, eps=1e-8),
        "ECD": ecd(lambda th: float(quad.loss(th)), dt=0.05, loss_floor=-1e-3),
    }.items():
        qpaths[name] = np.asarray(run(opt, quad.grad, q0, 60, quad.loss).trajectory, float)
    plot_paths(
        quad.loss,
        qpaths,
        (-2.3, 2.3),
        (-1.3, 1.3),
        minimum=(0.0, 0.0),
        title="anisotropic quadratic",
        log_levels=False,
        ax=axes[1],
    )
    checks += _adaptive_checks(ctx)
    md = derivations_markdown(
        ctx, ["adam_bias_correction", "rmsprop", "energy_conserving_descent"]
    ) + (
        "\n\nFigure 5: physml's optimizers from the same start on Beale's function (left, "
        "minimum at (3, 1/2)) and on an anisotropic quadratic (right, first 60 steps); "
        "energy-conserving descent (ECD) follows De Luca & Silverstein's Hamiltonian flow."
    )
    return SectionResult(md, checks, [FigureOut("fig05_paths", fig, "Optimizer paths")])
