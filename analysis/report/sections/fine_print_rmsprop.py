"""Fine print: RMSProp's epsilon inside or outside the square root."""

from __future__ import annotations

import numpy as np

from analysis.optimizers import rmsprop
from analysis.report.common import fmt, value_at
from analysis.report.core import Check, ReportContext, SectionResult

__all__ = ["fp_rmsprop_eps"]


def fp_rmsprop_eps(ctx: ReportContext) -> SectionResult:
    """RMSProp's eps inside the square root (lecture) against outside (torch)."""
    eta, beta, eps = 0.01, 0.9, 1e-8
    checks = []
    rows = []
    for g in (1.0, 1e-4):
        opt = rmsprop(eta=eta, beta=beta, eps=eps)
        theta = np.array([0.0])
        step, _ = opt.update(np.array([g]), opt.init(theta), theta)
        lecture = -eta * g / np.sqrt((1 - beta) * g * g + eps)
        outside = -eta * g / (np.sqrt((1 - beta) * g * g) + eps)
        torch_step = None
        try:
            import torch

            p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
            o = torch.optim.RMSprop([p], lr=eta, alpha=beta, eps=eps)
            p.grad = torch.tensor([g], dtype=torch.float64)
            o.step()
            torch_step = float(p.detach()[0])
        except ImportError:
            pass
        rows.append(
            f"| {g:g} | {fmt(float(step[0]), 6)} | {fmt(lecture, 6)} | {fmt(outside, 6)} | "
            f"{'—' if torch_step is None else fmt(torch_step, 6)} |"
        )
        checks.append(
            Check(
                f"physml's rmsprop, first step at g = {g:g}, is the lecture's (ε inside √)",
                r"$-\eta g/\sqrt{(1-\beta)g^2+\epsilon}$",
                fmt(float(step[0]), 10),
                "exact",
                abs(float(step[0]) - lecture) <= 1e-12 * abs(lecture),
                expected=fmt(lecture, 10),
                method="physml's rmsprop, one step from s_0 = 0",
            )
        )
        if torch_step is not None:
            checks.append(
                Check(
                    f"torch.optim.RMSprop's first step at g = {g:g} puts ε outside √",
                    r"$-\eta g/(\sqrt{(1-\beta)g^2}+\epsilon)$",
                    fmt(torch_step, 10),
                    "exact",
                    abs(torch_step - outside) <= 1e-12 * abs(outside),
                    expected=fmt(outside, 10),
                    method="torch.optim.RMSprop, one step (peer library)",
                )
            )
    # the crossover of the two conventions, derived: (1 - beta) g^2 = eps
    cross = ctx.derivation("rmsprop").results["eps_crossover"]
    g_star = value_at(cross, epsilon=eps, beta=beta)

    def first(g: float, convention: str) -> float:
        opt = rmsprop(eta=eta, beta=beta, eps=eps, convention=convention)
        th = np.array([0.0])
        return float(opt.update(np.array([g]), opt.init(th), th)[0][0])

    far = first(10 * g_star, "torch") / first(10 * g_star, "lecture")
    near = first(g_star / 10, "torch") / first(g_star / 10, "lecture")
    checks.append(
        Check(
            f"the two conventions part at the derived crossover |g*| = √(ε/(1−β)) = "
            f"{fmt(g_star, 3)}: their first steps differ by under 1 % at 10 g* and by over 2× "
            "at g*/10",
            "$|g^*| = \\sqrt{\\epsilon/(1-\\beta)}$ (not √ε)",
            f"ratios {fmt(far, 5)} and {fmt(near, 4)}",
            "exact",
            abs(far - 1) < 0.01 and near > 2,
            expected="within 1 %; over 2×",
            method='physml\'s rmsprop first steps, lecture and convention="torch"',
        )
    )
    md = (
        "The lecture divides by $\\sqrt{s_t + \\epsilon}$; torch.optim.RMSprop divides by "
        '$\\sqrt{s_t} + \\epsilon$ (physml offers both: `rmsprop(..., convention="torch")`). '
        "The first step has $s_1 = (1-\\beta)g^2$, so the two agree for gradients much larger "
        f"than the crossover √(ε/(1−β)) = {fmt(g_star, 3)} and differ strongly below it: "
        f"η = {eta}, β = {beta}, ε = {eps:g}, first step from $s_0 = 0$:\n\n"
        "| g | physml `rmsprop` | lecture formula | ε outside √ | torch.optim.RMSprop |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows)
    )
    return SectionResult(md, checks)
