"""The report's optimization sections (figures 5-6): adaptive methods, paths, mini-batches.

Each section builder takes the report's :class:`~analysis.report.core.ReportContext` and returns a
:class:`~analysis.report.core.SectionResult`; :func:`analysis.report.default_sections` lists
them in order and ``tests/test_report.py`` builds every one in quick mode.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import sympy

from analysis.report.common import derivations_markdown, fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult

__all__ = ["sec_paths", "sec_sgd"]


def _adaptive_checks(ctx: ReportContext) -> list[Check]:
    """Adam's bias correction and RMSProp's steady state, measured against the derivations."""
    from analysis.optimizers import adam, ecd, rmsprop
    from theory.symbols import beta, beta_1, beta_2, epsilon, eta
    from theory.symbols import t as t_sym

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
            all(abs(a - b) <= 1e-13 for a, b in zip(got, predicted)),
            expected=", ".join(fmt(v, 10) for v in predicted),
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
        )
    )
    return checks


def sec_paths(ctx: ReportContext) -> SectionResult:
    """Figure 5: optimizer paths on Beale's function and an anisotropic quadratic."""
    from analysis import landscapes
    from analysis.optimizers import adam, ecd, gd, momentum, nesterov, rmsprop, run
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


def sec_sgd(ctx: ReportContext) -> SectionResult:
    """Figure 6: SGD with mini-batches; the mini-batch variance by exhaustive enumeration."""
    from analysis import landscapes
    from analysis.optimizers import gd, run, run_minibatch, sgd
    from analysis.plots.optimization import plot_sgd_losses
    from theory.optimization import batch, n_data, sigma

    d = ctx.derivation("sgd_minibatch")
    checks = []
    # exact: all C(n, B) batches of a small data set of per-example gradients
    rng = ctx.rng("minibatch-variance")
    n = 9
    gs = [Fraction(int(v)) for v in rng.integers(-20, 21, size=n)]
    mean = sum(gs, Fraction(0)) / n
    var = sum(((x - mean) ** 2 for x in gs), Fraction(0)) / n
    for b in (1, 3, 5):
        means = [sum(c, Fraction(0)) / b for c in itertools.combinations(gs, b)]
        e_b = sum(means, Fraction(0)) / len(means)
        v_b = sum(((x - e_b) ** 2 for x in means), Fraction(0)) / len(means)
        formula = d.results["variance"].subs({n_data: n, batch: b, sigma: sympy.sqrt(var)})
        checks.append(
            Check(
                f"n = {n} gradients, B = {b}: variance of the batch mean over all "
                f"C({n},{b}) batches",
                r"$\frac{n-B}{B(n-1)}\sigma^2$ (sympy)",
                f"{v_b} (mean {e_b} = full mean {mean})",
                "exact",
                sympy.Rational(v_b.numerator, v_b.denominator) == sympy.nsimplify(formula)
                and e_b == mean,
                expected=str(sympy.nsimplify(formula)),
            )
        )
    data = landscapes.LeastSquaresData.make(128, 5, noise=0.3, seed=ctx.seed % 1000)
    n_pts, dim = data.X.shape
    n_epochs = 10 if ctx.quick else 30
    eta_sgd = 0.05
    losses = {}
    for bs in (1, 8, 32, n_pts):
        res = run_minibatch(
            sgd(eta=eta_sgd),
            data.grad_batch,
            np.zeros(dim),
            data.data,
            bs,
            n_epochs,
            seed=ctx.seed,
            loss_fn=data.loss,
        )
        per_epoch = -(-n_pts // bs)
        label = f"B = {bs}" + (" (full batch: GD)" if bs == n_pts else "")
        losses[label] = np.asarray(res.losses, float)[::per_epoch]
        if bs == n_pts:
            gd_res = run(gd(eta=eta_sgd), data.grad, np.zeros(dim), n_epochs, data.loss)
            dev = float(np.max(np.abs(np.asarray(res.trajectory) - np.asarray(gd_res.trajectory))))
            checks.append(
                Check(
                    "mini-batches of the whole data set (B = n) are plain gradient descent",
                    r"$\nabla E^{MB} = \nabla E$ for $B = n$",
                    f"max |θ_SGD − θ_GD| = {dev:.1e}",
                    "exact",
                    dev <= 1e-12,
                    expected=0,
                )
            )
    w_star = data.solution()
    final = {k: v[-1] for k, v in losses.items()}
    floor = data.loss(w_star)
    fig, ax = new_figure()
    ax.axhline(floor, color="0.3", ls=":", lw=1, label="minimum (least-squares solution)")
    plot_sgd_losses(losses, ax=ax, title=f"least squares, n = {n_pts}, d = {dim}, η = {eta_sgd:g}")
    md = derivations_markdown(ctx, ["sgd_minibatch"]) + (
        "\n\nFigure 6: SGD with mini-batches of several sizes on a seeded least-squares data "
        "set; the loss on the full data after each epoch. Smaller batches take more steps per "
        "epoch and fluctuate more; after the last epoch the losses are "
        + ", ".join(f"{k}: {v:.4g}" for k, v in final.items())
        + f" (minimum {floor:.4g}). The table checks the derived variance against an exhaustive "
        "enumeration of every batch in exact rational arithmetic."
    )
    return SectionResult(md, checks, [FigureOut("fig06_sgd", fig, "SGD with mini-batches")])
