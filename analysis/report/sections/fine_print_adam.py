"""Fine print: Adam's beta_2."""

from __future__ import annotations

import numpy as np

from analysis.optimizers import adam, run
from analysis.quadratics import QuadraticProblem
from analysis.report.common import fmt
from analysis.report.core import Check, ReportContext, SectionResult

__all__ = ["fp_adam_beta2"]


def fp_adam_beta2(ctx: ReportContext) -> SectionResult:
    """Adam's beta_2: 0.999 by default (Kingma & Ba), 0.99 a common choice; what it changes."""

    def implied_beta_2(**kw: object) -> float:
        """beta_2 read off Adam's behaviour: one unit gradient, then a zero gradient.

        Step 2 is eta (beta_1/(1+beta_1)) / sqrt(beta_2/(1+beta_2)) (eps = 0), so
        r = step_2 (1+beta_1)/(eta beta_1) gives beta_2 = 1/(r^2 - 1).
        """
        opt = adam(eta=1.0, beta_1=0.5, eps=0.0, **kw)  # type: ignore[arg-type]
        th = np.zeros(1)
        st = opt.init(th)
        s1, st = opt.update(np.array([1.0]), st, th)
        s2, st = opt.update(np.array([0.0]), st, th + s1)
        r = abs(float(s2[0])) * 1.5 / 0.5
        return 1.0 / (r * r - 1.0)

    checks = []
    b_default = implied_beta_2()
    b_torch = implied_beta_2(convention="torch")
    physml_default = (
        f'{b_default:.6g} (lecture convention) and {b_torch:.6g} with `convention="torch"`'
    )
    checks.append(
        Check(
            'physml\'s `adam` follows the lecture by default and the paper with convention="torch" '
            "(β₂ read off two steps of the optimizer)",
            "0.99 and 0.999",
            f"{b_default:.10g}, {b_torch:.10g}",
            "exact",
            abs(b_default - 0.99) < 1e-9 and abs(b_torch - 0.999) < 1e-9,
            expected="0.99, 0.999",
            method="β₂ read back from two steps of physml's adam (a unit gradient, then 0)",
        )
    )
    lines = []
    for b2 in (0.99, 0.999):
        s = 0.0
        for _ in range(100):  # the second-moment recursion with g_t^2 = 1
            s = b2 * s + (1 - b2) * 1.0
        predicted = 1 - b2**100
        lines.append(f"| {b2} | {fmt(1 / (1 - b2))} steps | {fmt(s)} | {fmt(predicted)} |")
    # what the choice changes: the same Adam run on an ill-conditioned quadratic
    prob = QuadraticProblem(lambda_min=1.0, lambda_max=100.0, dim=10, seed=7)
    finals = {}
    for b2 in (0.99, 0.999):
        res = run(
            adam(eta=0.01, beta_1=0.9, beta_2=b2), prob.grad, prob.start(0), 1500, loss_fn=prob.loss
        )
        finals[b2] = float(prob.loss(res.trajectory[-1]))
    start = float(prob.loss(prob.start(0)))
    checks.append(
        Check(
            "the choice of β₂ on one ill-conditioned quadratic (κ = 100, η = 0.01, 1500 steps): "
            f"final loss {fmt(finals[0.99])} with 0.99, {fmt(finals[0.999])} with 0.999",
            "both converge: final loss below 10⁻³ of the start",
            f"{fmt(max(finals.values()) / start)} of the start",
            "empirical",
            max(finals.values()) < 1e-3 * start,
            expected="< 1e-3",
            method="physml's adam on QuadraticProblem(1, 100, dim 10, seed 7)",
        )
    )
    torch_line = "torch is not installed here, so its default was not read."
    try:
        import torch

        betas = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults["betas"]
        torch_line = f"torch.optim.Adam's default betas are {tuple(betas)}."
        checks.append(
            Check(
                "torch's Adam default β₂ (peer library) is the paper's 0.999, not 0.99",
                r"Kingma & Ba (2015): $\beta_2 = 0.999$",
                betas[1],
                "exact",
                betas[1] == 0.999,
                expected=0.999,
                method="torch.optim.Adam's defaults (peer library)",
            )
        )
    except ImportError:
        pass
    md = (
        "The lecture gives β₁ = 0.9, β₂ = 0.99 as typical; Adam's paper (Kingma & Ba 2015) and "
        "the libraries default to β₂ = 0.999. The second moment's memory is 1/(1 − β₂): 100 "
        "steps against 1000, and early on the uncorrected $s_t$ is only a fraction "
        "$1-\\beta_2^t$ of its target, which bias correction divides out. "
        f"{torch_line} physml's `adam` uses β₂ = {physml_default}. Neither is wrong: 0.999 "
        "is the paper's and torch's default, 0.99 a common and the lecture's choice; on the "
        f"quadratic below the final loss is {fmt(finals[0.99])} with 0.99 and "
        f"{fmt(finals[0.999])} with 0.999.\n\n"
        "| β₂ | memory 1/(1−β₂) | $s_{100}$ iterated | $1-\\beta_2^{100}$ |\n|---|---|---|---|\n"
        + "\n".join(lines)
    )
    return SectionResult(md, checks)
