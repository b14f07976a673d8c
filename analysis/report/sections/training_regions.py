"""Regions at initialisation and during training (Hanin & Rolnick 2019), counted exactly."""

from __future__ import annotations

import numpy as np

from analysis import datasets
from analysis.experiments import regions_at_init, regions_during_training
from analysis.experiments.regions_training import loglog_slope
from analysis.report.common import fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.networks import serra_upper_bound

__all__ = ["sec_regions_vs_neurons"]

DEPTHS = (1, 2, 3, 4)


def _means(rows: list[dict], neurons: tuple[int, ...]) -> dict[int, list[float]]:
    return {
        K: [
            float(np.mean([r["regions"] for r in rows if r["depth"] == K and r["neurons"] == N]))
            for N in neurons
        ]
        for K in DEPTHS
    }


def sec_regions_vs_neurons(ctx: ReportContext) -> SectionResult:
    """Exact counts against the total number of neurons N, at initialisation and in training."""
    checks = []
    seeds = (0, 1) if ctx.quick else (0, 1, 2, 3, 4)
    n1 = (24, 48, 96) if ctx.quick else (24, 48, 96, 192)
    n2 = (24, 48)
    rows1 = regions_at_init(DEPTHS, n1, seeds, input_dim=1)
    rows2 = regions_at_init(DEPTHS, n2, seeds, input_dim=2)
    m1, m2 = _means(rows1, n1), _means(rows2, n2)
    slopes1 = {K: loglog_slope(n1, [m - 1 for m in m1[K]]) for K in DEPTHS}
    slopes2 = {K: loglog_slope(n2, m2[K]) for K in DEPTHS}
    for K in DEPTHS:
        checks.append(
            Check(
                f"1 input, depth {K}: at initialisation the count grows like N "
                f"(log-log slope of count − 1 over N = {n1[0]}..{n1[-1]}, {len(seeds)} seeds)",
                "slope 1 (Hanin & Rolnick 2019)",
                fmt(slopes1[K], 3),
                "empirical",
                abs(slopes1[K] - 1) <= 0.25,
                expected="1 ± 0.25",
                conditions="He initialisation, biases N(0, 0.1²), box [−3, 3]",
                method="exact counts of random networks, a least-squares fit",
                id="regions_vs_neurons" if K == 1 else "",
            )
        )
    ratios = [m1[K][-1] / (n1[-1] + 1) for K in DEPTHS]
    checks.append(
        Check(
            f"1 input, N = {n1[-1]}: the count is independent of depth "
            "(mean count / (N + 1) for depths 1–4)",
            "the same for every depth, ≈ 1",
            ", ".join(fmt(r, 3) for r in ratios),
            "empirical",
            max(ratios) / min(ratios) <= 1.5,
            expected="within a factor 1.5",
            method="exact counts, mean over seeds",
        )
    )
    for K in DEPTHS:
        checks.append(
            Check(
                f"2 inputs, depth {K}: the count grows like N² (log-log slope, "
                f"N = {n2[0]}..{n2[-1]})",
                "slope 2 (regions per area ∝ N^{D_i})",
                fmt(slopes2[K], 3),
                "empirical",
                abs(slopes2[K] - 2) <= 0.7,
                expected="2 ± 0.7",
                conditions="He initialisation, box [−3, 3]²",
                method="exact counts of random networks, a least-squares fit",
            )
        )
    # through training: the count stays of the order of N, far below the maximum
    steps = 600 if ctx.quick else 2000
    X, y = datasets.sine(200, periods=2.0)
    runs = {}
    for widths in ((1, 16, 16, 1), (1, 8, 8, 8, 8, 1)):
        runs[widths] = regions_during_training(widths, X, y, steps=steps, record_every=steps // 10)
    Xm, ym = datasets.moons(200)
    runs[(2, 16, 16, 1)] = regions_during_training(
        (2, 16, 16, 1), Xm, ym[:, None], steps=steps // 2, record_every=steps // 20, loss="logistic"
    )
    for widths, r in runs.items():
        counts = r["regions"]
        bound = serra_upper_bound(list(widths[1:-1]), widths[0])
        checks.append(
            Check(
                f"{'-'.join(map(str, widths))} trained with Adam ({r['step'][-1]} steps): every "
                "checkpoint's exact count is below the maximum for its widths",
                "Serra et al. bound (= (D+1)^K in 1-D)",
                max(counts),
                "upper bound",
                None,
                expected=int(bound),
                method="exact counts at the checkpoints (train(track_regions=True))",
            )
        )
        checks.append(
            Check(
                f"{'-'.join(map(str, widths))}: during training the count stays of the order of "
                f"its value at initialisation ({counts[0]}); range {min(counts)}..{max(counts)}",
                "within a factor 2 of the initial count (Hanin & Rolnick: few regions)",
                fmt(max(counts) / counts[0], 3),
                "empirical",
                0.5 <= min(counts) / counts[0] and max(counts) / counts[0] <= 2,
                expected="0.5..2",
                method="exact counts at the checkpoints",
            )
        )
    fig, axes = new_figure(ncols=3, width=4.6)
    for K in DEPTHS:
        axes[0].plot(n1, m1[K], "o-", label=f"depth {K}")
        axes[1].plot(n2, m2[K], "o-", label=f"depth {K}")
    axes[0].plot(n1, [n + 1 for n in n1], "k--", label="N + 1")
    axes[0].set(xscale="log", yscale="log", xlabel="total neurons N", ylabel="regions in [−3, 3]")
    axes[0].set_title("1 input, at initialisation")
    axes[1].set(xscale="log", yscale="log", xlabel="total neurons N", ylabel="regions in [−3, 3]²")
    axes[1].set_title("2 inputs, at initialisation")
    for widths, r in runs.items():
        axes[2].plot(r["step"], r["regions"], "o-", label="-".join(map(str, widths)))
    axes[2].set(xlabel="training step (Adam)", ylabel="exact regions in the box")
    axes[2].set_title("during training")
    for ax in axes:
        ax.legend(fontsize=8)
    md = (
        "Hanin & Rolnick (2019) found that at initialisation the number of activation regions "
        "along a line grows like the total number of neurons N, whatever the depth, and stays "
        "of that order during training -- far below the (D+1)^K maximum. Here every count is "
        "exact for the float64 weights. With 1 input the mean count is close to N + 1 for "
        "every depth (log-log slopes "
        + ", ".join(f"{fmt(slopes1[K], 3)}" for K in DEPTHS)
        + " for depths 1–4); with 2 inputs the count grows like N² (slopes "
        + ", ".join(f"{fmt(slopes2[K], 3)}" for K in DEPTHS)
        + "; the deepest, narrowest networks lose units to dead ReLUs at small N). Through "
        "training the counts move by tens of percent, not by orders of magnitude. These are "
        "empirical laws of random and trained networks, not bounds."
    )
    figs = [
        FigureOut("regions_vs_neurons", fig, "Exact region counts against N and over training.")
    ]
    return SectionResult(md, checks, figs)
