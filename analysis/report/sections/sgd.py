"""SGD with mini-batches (figure 6)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import sympy

from analysis import landscapes
from analysis.optimizers import run_minibatch, sgd
from analysis.report.common import derivations_markdown, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.optimization import batch, n_data, sigma

__all__ = ["sec_sgd"]


def sec_sgd(ctx: ReportContext) -> SectionResult:
    """Figure 6: SGD with mini-batches; the mini-batch variance by exhaustive enumeration."""
    from analysis.plots.optimization import plot_sgd_losses

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
                method="enumeration of every batch in exact rationals",
                id="sgd_variance" if b == 1 else "",
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
