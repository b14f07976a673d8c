"""The report's optimization sections (figures 1-4): regimes, stability, rates, momentum.

Each section builder takes the report's :class:`~analysis.report.core.ReportContext` and returns a
:class:`~analysis.report.core.SectionResult`; :func:`analysis.report.default_sections` lists
them in order and ``tests/test_report.py`` builds every one in quick mode.
"""

from __future__ import annotations

import numpy as np
import sympy

from analysis.report.common import derivations_markdown, fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult

__all__ = ["sec_regimes", "sec_stability", "sec_rates", "sec_particle"]


def _behaviour(traj: np.ndarray) -> str:
    """Classify a 1-D GD trajectory (error against 0) by what it does."""
    e = traj[1:]
    e0 = traj[0]
    if np.all(e == 0):
        return "one step"
    r = e[1:] / e[:-1]
    if np.all(r > 0) and np.all(r < 1) and e[0] / e0 > 0:
        return "monotone convergent"
    if np.all(r < 0) and np.all(r > -1):
        return "oscillating convergent"
    if np.all(r == -1) and e[0] == -e0:
        return "marginal (oscillates forever)"
    if np.all(np.abs(r) > 1):
        return "divergent"
    return "unclassified"


def sec_regimes(ctx: ReportContext) -> SectionResult:
    """Figure 1: the learning-rate regimes on a 1-D quadratic; Newton's step."""
    from analysis.optimizers import gd, newton, run
    from analysis.plots.optimization import plot_lr_regimes
    from theory.symbols import eta, lam

    d_reg = ctx.derivation("learning_rate_regimes")
    md = derivations_markdown(ctx, ["learning_rate_regimes", "newton_step"])
    regimes = d_reg.results["regimes"]
    eta_opt_expr = d_reg.results["eta_opt"]
    lam_v = 2.0  # a power of two: eta = r/lambda is exact for these r
    eta_opt = float(eta_opt_expr.subs(lam, lam_v))
    factor = ctx.derivation("gd_stability").results["factor"]
    checks = []
    ratios = (0.5, 1.0, 1.5, 2.0, 2.25)  # dyadic: exact in float64, shared with the figure
    for r in ratios:
        name = next(n for n, s in regimes.items() if s.contains(sympy.Rational(str(r))))
        eta_v = r * eta_opt
        traj = np.asarray(
            run(gd(eta=eta_v), lambda th: lam_v * th, np.array([1.0]), 8).trajectory, float
        )[:, 0]
        seen = _behaviour(traj)
        f_val = float(factor.subs({eta: eta_v, lam: lam_v}))
        measured = traj[1] / traj[0]
        checks.append(
            Check(
                f"η = {r:g} η_opt: {name}",
                r"error factor $1-\eta\lambda$ per step; regime from the derived sets of "
                r"$\eta/\eta_{opt}$",
                f"{fmt(measured, 12)} per step; GD run: {seen}",
                "exact",
                seen == name and abs(measured - f_val) <= 1e-15,
                expected=fmt(f_val, 12),
            )
        )
    # Newton: one step reaches the minimum of a quadratic (3-D, random SPD Hessian)
    rng = ctx.rng("newton")
    a = rng.standard_normal((3, 3))
    H = a @ a.T + 3 * np.eye(3)
    b = rng.standard_normal(3)
    theta_star = np.linalg.solve(H, b)
    res = run(newton(lambda th: H), lambda th: H @ th - b, np.zeros(3), 1)
    err = float(np.linalg.norm(np.asarray(res.trajectory)[1] - theta_star))
    checks.append(
        Check(
            "Newton's step v = H⁻¹∇E reaches the minimum of a quadratic in one step",
            r"$\theta_1 = \theta^* = H^{-1}b$ (numpy solve)",
            f"‖θ₁ − θ*‖ = {err:.1e}",
            "exact",
            err <= 1e-12 * max(1.0, float(np.linalg.norm(theta_star))),
            expected=0,
        )
    )
    fig, ax = new_figure()
    plot_lr_regimes(lam=lam_v, theta0=1.0, n_steps=10, ratios=ratios, ax=ax)
    text = (
        md + "\n\nFigure 1 runs physml's `gd` on $E = \\lambda\\theta^2/2$ at several ratios "
        "$\\eta/\\eta_{opt}$. In the table, each regime name comes from the derived sets of "
        "$r = \\eta/\\eta_{opt}$; the run is classified by what its iterates do (ratios of "
        "successive errors), and its measured factor is compared with $1-\\eta\\lambda$."
    )
    return SectionResult(
        text, checks, [FigureOut("fig01_lr_regimes", fig, "Learning-rate regimes on a quadratic")]
    )


def sec_stability(ctx: ReportContext) -> SectionResult:
    """Figure 2: measured divergence thresholds against 2/lambda_max on random Hessians."""
    from analysis.plots.optimization import plot_thresholds
    from analysis.quadratics import QuadraticProblem, divergence_threshold
    from theory.symbols import lambda_max

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
                "exact",
                res.lo - margin * theory <= theory <= res.hi,
                expected=fmt(theory, 7),
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


def sec_rates(ctx: ReportContext) -> SectionResult:
    """Figure 3: iterations to tolerance against kappa for GD, momentum and Nesterov."""
    from analysis.plots.optimization import plot_iterations
    from analysis.quadratics import QuadraticProblem, iterations_to_tolerance
    from theory.symbols import epsilon, kappa

    d_gd = ctx.derivation("gd_convergence_rate")
    d_hb = ctx.derivation("heavy_ball")
    d_nag = ctx.derivation("nesterov")
    eps_v = 1e-6
    rates = {
        "GD": d_gd.results["rate_opt"],
        "momentum": d_hb.results["rate_opt"],
        "Nesterov": d_nag.results["rate"],
    }
    n_of = {
        k: sympy.lambdify(kappa, sympy.log(1 / epsilon).subs(epsilon, eps_v) / sympy.log(1 / r))
        for k, r in rates.items()
    }
    kappas = [10.0, 100.0, 1000.0] if ctx.quick else [3.0, 10.0, 30.0, 100.0, 300.0, 1e3, 3e3, 1e4]
    measured: dict[str, list[float]] = {k: [] for k in rates}
    checks = []
    methods = {"GD": "gd", "momentum": "momentum", "Nesterov": "nesterov"}
    for kv in kappas:
        prob = QuadraticProblem(lambda_min=1.0 / kv, lambda_max=1.0, dim=8, seed=ctx.seed % 1000)
        for name, method in methods.items():
            res = iterations_to_tolerance(prob, method, eps_v, seed=1)
            if res.measured is None:
                raise RuntimeError(f"{name} did not reach the tolerance at kappa = {kv}")
            n_meas = float(res.measured)
            n_th = float(n_of[name](kv))
            measured[name].append(n_meas)
            if name == "GD":
                ok, kind = n_meas <= np.ceil(n_th) + 1, "upper bound"
                formula = (
                    r"$N = \ln(1/\varepsilon)/\ln(1/\rho^*)$, $\rho^* = (\kappa-1)/(\kappa+1)$"
                )
            else:
                # the two-step iteration matrix is not normal: a polynomial prefactor
                ok, kind = 0.5 <= n_meas / n_th <= 2.0, "asymptote"
                formula = r"$N = \ln(1/\varepsilon)/\ln(1/\rho)$, ratio within [0.5, 2]"
                formula += (
                    r", $\rho = (\sqrt\kappa-1)/(\sqrt\kappa+1)$"
                    if name == "momentum"
                    else r", $\rho = 1-1/\sqrt\kappa$"
                )
            checks.append(
                Check(
                    f"{name} at κ = {kv:g}: iterations to ε = {eps_v:g}",
                    formula,
                    int(n_meas),
                    kind,
                    ok,
                    expected=fmt(n_th),
                )
            )
    # the large-kappa asymptote of GD: N ~ (kappa/2) ln(1/eps)
    asym = sympy.lambdify(
        kappa, d_gd.results["iterations_asymptote"].subs(epsilon, eps_v), modules="math"
    )
    k_big = kappas[-1]
    ratio = measured["GD"][-1] / asym(k_big)
    checks.append(
        Check(
            f"GD at κ = {k_big:g}: measured iterations over the large-κ asymptote (within 5%: "
            "the random start's smaller component along the slowest direction saves a little)",
            r"$(\kappa/2)\ln(1/\varepsilon)$ (sympy series)",
            fmt(ratio),
            "asymptote",
            abs(ratio - 1) < 0.05,
            expected=1,
        )
    )
    fig, ax = new_figure()
    grid = np.geomspace(kappas[0], kappas[-1], 100)
    lines = {k: [float(n_of[k](kv)) for kv in grid] for k in rates}
    plot_iterations(kappas, measured, lines, ax=ax, theory_kappas=grid)
    md = derivations_markdown(ctx, ["gd_convergence_rate", "heavy_ball", "nesterov"]) + (
        "\n\nFigure 3: iterations until the error has shrunk by ε = 1e-6 on random quadratics "
        "of dimension 8 with condition number κ, each method at its tuning from the "
        "derivations; lines: $\\ln(1/\\varepsilon)/\\ln(1/\\rho)$ with the derived rates."
    )
    return SectionResult(
        md, checks, [FigureOut("fig03_iterations", fig, "Iterations against condition number")]
    )


def _eom_iterates(m: float, mu: float, dt: float, grad, w0: float, n: int) -> np.ndarray:  # noqa: ANN001
    """The lecture's discretised equation of motion, solved for w_{t+Dt} step by step."""
    w_prev, w = w0, w0  # at rest: w_{-Dt} = w_0
    out = [w0]
    for _ in range(n):
        # m (w+ - 2w + w-)/dt^2 + mu (w+ - w)/dt = -grad(w)
        w_next = (-grad(w) + m * (2 * w - w_prev) / dt**2 + mu * w / dt) / (m / dt**2 + mu / dt)
        w_prev, w = w, w_next
        out.append(w)
    return np.array(out)


def sec_particle(ctx: ReportContext) -> SectionResult:
    """Figure 4: momentum as a damped particle, and the map (m, mu, Dt) -> (gamma, eta)."""
    from scipy.integrate import solve_ivp

    from analysis.optimizers import momentum, run
    from analysis.plots.optimization import plot_momentum_map, plot_particle
    from theory.symbols import Delta_t, m, mu

    d = ctx.derivation("momentum_particle_map")
    g_fn = sympy.lambdify((m, mu, Delta_t), d.results["gamma"])
    e_fn = sympy.lambdify((m, mu, Delta_t), d.results["eta"])
    mass, damp, w0, T = 1.0, 0.5, 1.0, 20.0

    def grad(w):  # noqa: ANN001, ANN202 - E(w) = w^2/2 + w^4/4, anharmonic
        return w + w**3

    sol = solve_ivp(
        lambda t, y: [y[1], (-damp * y[1] - grad(y[0])) / mass],
        (0.0, T),
        [w0, 0.0],
        rtol=1e-11,
        atol=1e-13,
        dense_output=True,
    )
    checks, errors = [], {}
    for dt in (0.1, 0.05, 0.025):
        gam, et = float(g_fn(mass, damp, dt)), float(e_fn(mass, damp, dt))
        n = int(round(T / dt))
        res = run(momentum(eta=et, gamma=gam), lambda th: grad(th), np.array([w0]), n)
        w_gdm = np.asarray(res.trajectory, float)[:, 0]
        w_eom = _eom_iterates(mass, damp, dt, grad, w0, n)
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
