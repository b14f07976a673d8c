"""Fine print: the mini-batch sum is B/n of the gradient."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

from analysis.report.core import Check, ReportContext, SectionResult

__all__ = ["fp_minibatch_sum"]


def fp_minibatch_sum(ctx: ReportContext) -> SectionResult:
    """The lecture's mini-batch gradient is a sum over the batch: it estimates B/n of ∇E.

    >>> res = fp_minibatch_sum(ReportContext(quick=True))
    >>> all(c.ok for c in res.checks)
    True
    """
    rng = ctx.rng("fine-print-minibatch")
    n = 8
    grads = [Fraction(int(v)) for v in rng.integers(-9, 10, size=n)]
    full = sum(grads, Fraction(0))
    checks = []
    for b in (1, 2, 4):
        batches = list(combinations(range(n), b))
        avg_sum = sum((sum((grads[i] for i in bt), Fraction(0)) for bt in batches), Fraction(0))
        avg_sum /= len(batches)
        want = Fraction(b, n) * full
        checks.append(
            Check(
                f"n = {n}, B = {b}: the batch sum averaged over all C({n},{b}) batches "
                "(exact enumeration)",
                r"$\frac{B}{n}\sum_{i=1}^n \nabla e_i$, not $\nabla E = \sum_i \nabla e_i$",
                str(avg_sum),
                "exact",
                avg_sum == want,
                expected=str(want),
                method="enumeration of every batch in exact rationals",
            )
        )
    md = (
        "The lecture writes the full gradient as a sum, $\\nabla_\\theta E = \\sum_{i=1}^n "
        "\\nabla_\\theta e_i$, and replaces it by the sum over one mini-batch, "
        "$\\sum_{i \\in B_k} \\nabla_\\theta e_i$. On average over the batches that sum is "
        "only $B/n$ of the full gradient (each example lands in a fraction $B/n$ of them), so "
        "with the same $\\eta_t$ a mini-batch step is $n/B$ times shorter than a full step. "
        "Either the learning rate is scaled by $n/B$ or, as in practice and in physml's "
        "mini-batch losses (`analysis.landscapes`: $X_B^T(X_B w - y_B)/|B|$), both gradients "
        "are means, $\\frac{1}{B}\\sum_{i\\in B_k}$ and "
        "$\\frac{1}{n}\\sum_i$: then the mini-batch gradient is an unbiased estimate of the "
        f"full one (section 6 checks its variance). Exact enumeration, {n} integer gradients "
        f"with sum {full}:"
    )
    return SectionResult(md, checks)
