"""Momentum per direction, basins of attraction, and which optimizer to use (tuned, measured)."""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis import datasets
from analysis.comparisons import OPTIMIZERS, basin_map, flow_basins, tune
from analysis.landscapes import beale, himmelblau, rosenbrock
from analysis.momentum_phases import spectral_radius
from analysis.networks import ReLUNetwork
from analysis.optimizers import gd, momentum, run
from analysis.quadratics import QuadraticProblem
from analysis.report.common import derivations_markdown, fmt, new_figure, value_at
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from analysis.training import flat_loss, parameters_flat
from analysis.training.backprop import layers_loss_and_grad
from analysis.training.params import flatten_grads, unflatten

__all__ = ["sec_momentum_directions", "sec_initial_conditions", "sec_which_optimizer"]


def _rate(traj: np.ndarray, i: int, t0: int, t1: int) -> float:
    """The per-step decay of direction i: of the state (theta_t, theta_{t-1}), from t0 to t1."""
    s = lambda t: np.hypot(traj[t, i], traj[t - 1, i])  # noqa: E731
    return float((s(t1) / s(t0)) ** (1 / (t1 - t0)))


def sec_momentum_directions(ctx: ReportContext) -> SectionResult:
    """An eta lambda > 1 example: momentum damps the steep direction and speeds the flat one."""
    lam = np.array([1.0, 30.0])
    eta, gamma = 1.9 / 30.0, 0.3
    start = np.array([1.0, 1.0])
    gd_t = run(gd(eta), lambda th: lam * th, start, 120).trajectory
    hb_t = run(momentum(eta, gamma), lambda th: lam * th, start, 120).trajectory
    checks = []
    rows = []
    for i, name in enumerate(("flat (λ = 1)", "steep (λ = 30)")):
        q = eta * lam[i]
        measured = (_rate(gd_t, i, 40, 100), _rate(hb_t, i, 40, 100))
        theory = (abs(1 - q), spectral_radius("heavy_ball", q, gamma))
        rows.append(f"| {name} | {fmt(q, 3)} | {fmt(measured[0], 4)} | {fmt(measured[1], 4)} |")
        checks.append(
            Check(
                f"{name}, ηλ = {fmt(q, 3)}: per-step rates of GD and heavy ball (γ = {gamma}) "
                "measured on the runs",
                "$|1-\\eta\\lambda|$ and the spectral radius of heavy ball's update",
                f"{fmt(measured[0], 5)}, {fmt(measured[1], 5)}",
                "asymptote",
                all(abs(m / t - 1) <= 0.01 for m, t in zip(measured, theory, strict=True)),
                expected=f"{fmt(theory[0], 5)}, {fmt(theory[1], 5)} (±1 %)",
                conditions="limit t → ∞ (the slowest root dominates; t = 40..100)",
                method="physml's gd and momentum on the quadratic, the decay of (θ_t, θ_{t−1})",
            )
        )
        if i == 1:
            steep = measured
        else:
            flat = measured
    checks.append(
        Check(
            "momentum suppresses the steep direction's slow oscillation and speeds the flat one "
            f"(rates: steep {fmt(steep[0], 3)} → {fmt(steep[1], 3)}, flat {fmt(flat[0], 3)} → "
            f"{fmt(flat[1], 3)})",
            "both rates smaller with momentum",
            f"{fmt(steep[1] / steep[0], 3)}, {fmt(flat[1] / flat[0], 3)}",
            "exact",
            steep[1] < steep[0] and flat[1] < flat[0],
            expected="< 1, < 1",
            method="the rates above",
            id="momentum_directions",
        )
    )
    mem = ctx.derivation("momentum_memory").results
    g = 0.5
    v = run(momentum(0.1, 0.8), lambda th: np.array([g]), np.array([0.0]), 300).trajectory
    last_step = float(v[-2, 0] - v[-1, 0])
    pred = value_at(mem["terminal_step"], eta=0.1, gamma=0.8, g=g)
    checks.append(
        Check(
            "terminal step under a constant gradient g = 0.5 (η = 0.1, γ = 0.8, memory "
            f"1/(1 − γ) = {fmt(value_at(mem['memory'], gamma=0.8), 3)} steps)",
            "$\\eta g/(1-\\gamma)$",
            fmt(last_step, 12),
            "exact",
            abs(last_step - pred) <= 1e-12 + 0.8**300,
            expected=fmt(pred, 12),
            conditions="to γ^300 after 300 steps",
            method="physml's momentum on a linear loss",
        )
    )
    fig, axes = new_figure(ncols=2, width=5.0)
    for ax, traj, title in ((axes[0], gd_t, "GD"), (axes[1], hb_t, f"heavy ball γ = {gamma}")):
        ax.semilogy(np.abs(traj[:, 0]) + 1e-300, label="flat θ₁")
        ax.semilogy(np.abs(traj[:, 1]) + 1e-300, label="steep θ₂")
        ax.set(xlabel="step", ylabel="|θ_i|", title=f"{title}, η = 1.9/30")
        ax.legend(fontsize=8)
    md = (
        "Momentum acts per eigendirection. With ηλ = 1.9 in the steep direction GD overshoots "
        "and oscillates slowly (factor −0.9 per step) while the flat direction crawls (0.937); "
        "heavy ball with γ = 0.3 turns the steep direction's factor into a complex pair of "
        "modulus √γ ≈ 0.55 and speeds the flat one to 0.905. The velocity remembers about "
        "1/(1 − γ) past gradients and, under a constant gradient, grows to the step "
        "ηg/(1 − γ). Figure 5's quadratic (the paths section) has ηλ < 1 in every direction, "
        "where GD does not oscillate and momentum adds overshoot: it shows the opposite of this "
        "effect, not a contradiction.\n\n"
        "| direction | ηλ | GD rate | heavy-ball rate |\n|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n"
        + derivations_markdown(ctx, ["momentum_memory"])
    )
    return SectionResult(
        md,
        checks,
        [FigureOut("momentum_directions", fig, "Per-direction convergence of GD and heavy ball.")],
    )


def sec_initial_conditions(ctx: ReportContext) -> SectionResult:
    """Basins of attraction of GD on Himmelblau's four minima, against the gradient flow."""
    land = himmelblau()
    n = 25 if ctx.quick else 61
    xs = np.linspace(-5, 5, n)
    X, Y = np.meshgrid(xs, xs)
    starts = np.vstack([X.ravel(), Y.ravel()])
    flow = flow_basins(land, starts)
    maps = {eta: basin_map(land, starts, eta, 4000) for eta in (0.005, 0.015, 0.02)}
    agree = {eta: float(np.mean(m == flow)) for eta, m in maps.items()}
    checks = [
        Check(
            f"GD with a small step (η = 0.005) reaches, from each of {n * n} starts on [−5, 5]², "
            "the minimum its gradient flow reaches: the basins are the flow's",
            "the same minimum (≥ 99 % of starts)",
            fmt(agree[0.005], 4),
            "empirical",
            agree[0.005] >= 0.99,
            expected="≥ 0.99",
            conditions="η small against 2/λ_max of the minima; boundary starts may differ",
            method="physml's gd on all starts at once; scipy's LSODA for the flow",
            id="initial_conditions",
        ),
        Check(
            "with a large step the basin map is no longer the flow's: at η = 0.02 some starts "
            "leave for another minimum or diverge",
            "agreement < 90 %",
            fmt(agree[0.02], 3),
            "empirical",
            agree[0.02] < 0.9,
            expected="< 0.9",
            method="the same runs at η = 0.02",
        ),
    ]
    fig, axes = new_figure(ncols=4, width=3.6, height=3.6)
    for ax, (title, lab) in zip(
        axes,
        [("gradient flow", flow)] + [(f"GD, η = {e}", m) for e, m in maps.items()],
        strict=True,
    ):
        ax.pcolormesh(xs, xs, lab.reshape(n, n), shading="auto", cmap="tab10", vmin=-1, vmax=8)
        mins = np.array(land.minima)
        ax.plot(mins[:, 0], mins[:, 1], "k*", ms=8)
        ax.set(title=title, xlabel="x", ylabel="y", aspect="equal")
    md = (
        "Which minimum GD finds depends on where it starts. On Himmelblau's function, with four "
        "minima, the basins of GD with a small step are those of the gradient flow "
        f"({fmt(100 * agree[0.005], 4)} % of starts agree); as η grows the map changes "
        f"({fmt(100 * agree[0.015], 3)} % at η = 0.015, {fmt(100 * agree[0.02], 3)} % at 0.02, "
        "where starts in steep regions overshoot into other basins or diverge; grey: diverged)."
    )
    return SectionResult(
        md,
        checks,
        [
            FigureOut(
                "initial_conditions",
                fig,
                "Basins of attraction: the flow and GD at three learning rates.",
            )
        ],
    )


def _logistic_problem() -> tuple:
    X, y = datasets.digits()
    template = ReLUNetwork.random((64, 10), seed=0)
    shapes = [W.shape for W in template.weights]
    loss = flat_loss(template, X, y, "cross_entropy")

    def grad(theta: np.ndarray) -> np.ndarray:
        Ws, bs = unflatten(shapes, theta)
        return flatten_grads(layers_loss_and_grad(Ws, bs, X, y, "cross_entropy")[1])

    return loss, grad, parameters_flat(template)


def _mlp_problem() -> tuple:
    X, y = datasets.moons(200, noise=0.1, seed=0)
    template = ReLUNetwork.random((2, 16, 16, 1), seed=0)
    shapes = [W.shape for W in template.weights]
    yy = y[:, None].astype(float)
    loss = flat_loss(template, X, yy, "logistic")

    def grad(theta: np.ndarray) -> np.ndarray:
        Ws, bs = unflatten(shapes, theta)
        return flatten_grads(layers_loss_and_grad(Ws, bs, X, yy, "logistic")[1])

    return loss, grad, parameters_flat(template)


def sec_which_optimizer(ctx: ReportContext) -> SectionResult:
    """Every optimizer with its learning rate tuned on a grid (the digits need scikit-learn)."""
    quad = QuadraticProblem(1.0, 100.0, dim=10, seed=3)
    problems: dict[str, tuple[Any, Any, Any, int]] = {
        "quadratic κ = 100": (quad.loss, quad.grad, quad.start(0), 1000),
        "Rosenbrock": (rosenbrock().loss, rosenbrock().grad, np.array([-1.5, 2.0]), 2000),
        "Beale": (beale().loss, beale().grad, np.array([1.0, 1.0]), 2000),
    }
    skipped = ""
    try:
        problems["logistic regression, digits"] = (
            *_logistic_problem(),
            150 if ctx.quick else 400,
        )
    except ImportError as exc:  # scikit-learn is the [data] extra
        skipped = f" (Logistic regression on the digits is skipped here: {exc}.)"
    problems["MLP 2-16-16-1, moons"] = (*_mlp_problem(), 150 if ctx.quick else 400)
    etas = [float(e) for e in np.logspace(-4, 0, 9)]
    table, winners = [], {}
    for name, (loss, grad, th0, steps) in problems.items():
        res = tune(loss, grad, th0, steps, etas, tol=1e-3 * max(1e-12, float(loss(th0))))
        best = min(res, key=lambda r: (r.steps_to_tol is None, r.steps_to_tol or 0, r.final_loss))
        winners[name] = best.optimizer
        table.append(
            f"| {name} | "
            + " | ".join(
                f"{fmt(r.final_loss, 3)} (η {fmt(r.eta, 2)}, {r.steps_to_tol or '–'})" for r in res
            )
            + f" | {best.optimizer} |"
        )
    distinct = sorted(set(winners.values()))
    checks = [
        Check(
            "no optimizer wins everywhere: the fastest to reach the best loss (each with its "
            f"learning rate tuned over {len(etas)} values) differs between the {len(problems)} "
            "problems",
            "at least two different winners",
            ", ".join(f"{k}: {v}" for k, v in winners.items()),
            "empirical",
            len(distinct) >= 2,
            expected="≥ 2 distinct",
            conditions="one start per problem, a fixed step budget, η on a log grid 1e-4..1",
            method="physml's optimizers, the steps to reach within 1e-3 of the start's loss "
            "above the best final loss",
            id="which_optimizer",
        )
    ]
    md = (
        "Which optimizer should one use? Each of physml's optimizers, its learning rate tuned "
        f"over {len(etas)} values from 1e-4 to 1, on {len(problems)} problems: an ill-conditioned "
        "quadratic, Rosenbrock's valley, Beale's function, logistic regression on the digits "
        "and a small MLP on two moons. Each cell gives the best final loss, its η and the "
        "steps it took to come within 1e-3 (relative to the start) of the best final loss of "
        "all optimizers (– : never). The measured answer is the folk one: no optimizer wins "
        f"everywhere.{skipped}\n\n"
        "| problem | "
        + " | ".join(OPTIMIZERS)
        + " | fastest |\n|---|"
        + "---|" * (len(OPTIMIZERS) + 1)
        + "\n"
        + "\n".join(table)
    )
    return SectionResult(md, checks)
