"""Universal approximation with its D^-2 rate, and depth efficiency as approximation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from analysis.datasets import sawtooth_wave
from analysis.experiments import (
    best_shallow_sawtooth_error,
    interpolation_errors,
    sawtooth_network,
    trained_shallow_errors,
)
from analysis.regions import count_regions
from analysis.report.common import derivations_markdown, fmt, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult

__all__ = ["sec_universal_approximation", "sec_depth_efficiency_approximation"]


def sec_universal_approximation(ctx: ReportContext) -> SectionResult:
    """The sup error of the D-piece interpolant of sin(πx) against the derived D^-2 law."""
    Ds = (2, 4, 8, 16, 32, 64) if ctx.quick else (2, 4, 8, 16, 32, 64, 128, 256)
    rows = interpolation_errors(Ds, "sine")
    checks = []
    for r in rows:
        checks.append(
            Check(
                f"D = {r['D']}: sup error of the D-piece interpolant of sin(πx) on [−1, 1]",
                r"$M(b-a)^2/(8D^2)$, $M = \pi^2$",
                fmt(r["error"], 6),
                "upper bound",
                r["error"] <= r["upper"] * (1 + 1e-12),
                expected=fmt(r["upper"], 6),
                method="the interpolant evaluated at 64 points per piece and every midpoint",
                id="universal_approximation" if r["D"] == Ds[-1] else "",
            )
        )
    for r in rows:
        if r["lower"] <= 0:
            continue
        tol = (r["upper"] - r["lower"]) / r["upper"]  # the derived two-sided window
        checks.append(
            Check(
                f"D = {r['D']}: D² × sup error against its limit (b−a)²M/8 = π²/2, "
                "within the derived window (M − h·max|f'''|) h²/8 ≤ error ≤ M h²/8",
                r"$D^2 \cdot \mathrm{err} \to (b-a)^2 M/8$ as $D\to\infty$",
                fmt(r["scaled"], 6),
                "asymptote",
                r["lower"] <= r["error"] <= r["upper"] * (1 + 1e-12),
                expected=f"{fmt(r['scaled_limit'], 6)} (−{fmt(100 * tol, 3)} %)",
                conditions="limit D → ∞; the window's width h·max|f'''|/M = π h shrinks as 1/D",
                method="the interpolant evaluated on a fine grid",
            )
        )
    steps = 800 if ctx.quick else 4000
    trained = trained_shallow_errors((2, 4, 8, 16), "sine", steps=steps, seeds=(0, 1, 2))
    checks.append(
        Check(
            f"a shallow network trained with Adam ({steps} steps, best of 3 seeds): its sup "
            "error falls from D = 2 to D = 16 but stays above the interpolant's at D = 16",
            "trained error: larger D, smaller error; no better than the D^-2 law promises",
            ", ".join(f"D={t['D']}: {fmt(t['error'], 3)}" for t in trained),
            "empirical",
            trained[-1]["error"] < trained[0]["error"]
            and trained[-1]["error"] >= 0.5 * trained[-1]["interpolant"],
            expected="decreasing; ≥ half the interpolant's error",
            method="physml's train (float64 backpropagation), sup over 4001 points",
        )
    )
    fig, ax = new_figure()
    ax.loglog(
        [r["D"] for r in rows], [r["error"] for r in rows], "o-", label="interpolant (measured)"
    )
    ax.loglog(
        [r["D"] for r in rows], [r["upper"] for r in rows], "k--", label=r"$\pi^2 (b-a)^2/(8D^2)$"
    )
    ax.loglog(
        [t["D"] for t in trained], [t["error"] for t in trained], "s-", label="trained shallow net"
    )
    ax.set(xlabel="hidden units D", ylabel="sup error on [−1, 1]", title="sin(πx): the D⁻² law")
    ax.legend()
    md = (
        "The universal approximation theorem says a shallow network can approximate any "
        "continuous function to any precision. With rates: a shallow network with D units can "
        "be any continuous piecewise-linear function with D joints, so it can interpolate f on "
        "D pieces, and for a C² target the error of that interpolant falls as D⁻² -- derived "
        "below, measured here on sin(πx) (M = π²) with two-sided bounds from the derivation. "
        "Trained networks (Adam, MSE on 256 points) approach but do not reach the interpolant "
        "at larger D: the optimizer, not the architecture, limits them.\n\n"
        + derivations_markdown(ctx, ["interpolation_error"])
    )
    return SectionResult(
        md,
        checks,
        [
            FigureOut(
                "universal_approximation",
                fig,
                "Sup error against D: the interpolant, its bound, a trained network.",
            )
        ],
    )


def sec_depth_efficiency_approximation(ctx: ReportContext) -> SectionResult:
    """A 2^K-tooth sawtooth: exact for a deep width-2 net, out of reach of narrow shallow ones."""
    Ks = (1, 2, 3) if ctx.quick else (1, 2, 3, 4, 5)
    checks, lines = [], []
    for K in Ks:
        net = sawtooth_network(K)
        teeth = 2**K
        grid = [Fraction(j, 4 * teeth) for j in range(4 * teeth + 1)]
        exact = sum(
            net.exact_forward([x])[0] == Fraction(1) - abs(2 * ((x * teeth) % 1) - 1) for x in grid
        )
        pieces = count_regions(net, [(0, 1)], kind="linear")
        checks.append(
            Check(
                f"K = {K}: the deep network of {K + 1} layers of width 2 "
                f"({net.n_parameters} parameters) is the {teeth}-tooth sawtooth on [0, 1]",
                f"equal at all {len(grid)} joints and midpoints; "
                f"$2^{{K+1}}$ = {2 * teeth} linear pieces",
                f"{exact} equal, {pieces} pieces",
                "exact",
                exact == len(grid) and pieces == 2 * teeth,
                expected=f"{len(grid)} equal, {2 * teeth} pieces",
                method="exact rational evaluation and an exact count of linear regions",
                id="depth_efficiency_approximation" if K == Ks[-1] else "",
            )
        )
        narrow = teeth - 1
        err_narrow = best_shallow_sawtooth_error(K, narrow)
        err_exact = best_shallow_sawtooth_error(K, 2 * teeth - 1)
        checks.append(
            Check(
                f"K = {K}: a shallow network with {narrow} < 2^K units misses the sawtooth by at "
                "least 1/2 (best fit with fixed joints, by linear programming)",
                "sup error ≥ 1/2 when D < 2^K (an affine piece cannot follow a tooth)",
                fmt(err_narrow, 6),
                "lower bound",
                err_narrow >= 0.5 - 1e-9,
                expected="0.5",
                method="scipy's HiGHS LP: the best output weights for uniform joints",
            )
        )
        checks.append(
            Check(
                f"K = {K}: {2 * teeth - 1} units, joints at the sawtooth's corners, fit it exactly",
                "error 0 with D = 2^{K+1} − 1 units",
                fmt(err_exact, 6),
                "upper bound",
                err_exact <= 1e-9,
                expected="0",
                method="the same LP with the joints at the corners",
            )
        )
        lines.append(
            f"| {K} | {teeth} | {net.n_parameters} | {fmt(err_narrow, 3)} ({narrow} units) | "
            f"{2 * teeth - 1} units, {3 * (2 * teeth - 1) + 1} parameters |"
        )
    fig, ax = new_figure()
    K = Ks[-1]
    xs = np.linspace(0, 1, 2001)
    ax.plot(xs, sawtooth_wave(xs, 2**K), label=f"sawtooth, {2**K} teeth")
    ax.plot(
        xs,
        sawtooth_network(K).forward(xs[:, None])[:, 0],
        "--",
        label=f"deep net, {K + 1} × width 2",
    )
    ax.axhline(0.5, color="grey", ls=":", label=f"best with < {2**K} units: 1/2")
    ax.set(xlabel="x", ylabel="f(x)", title="depth efficiency as approximation")
    ax.legend(fontsize=8)
    md = (
        "Depth buys approximation, not only regions. A sawtooth with 2^K teeth is computed "
        "exactly by K + 1 composed tent maps, t(u) = 2 relu(u) − 4 relu(u − 1/2): a deep network "
        "of width 2 and about 6K parameters. A shallow network is affine between its joints; "
        "with fewer than 2^K joints some tooth (valley, peak, valley) has none, and an affine "
        "function within e of 0, 1, 0 at three equally spaced points needs e ≥ 1/2 -- a lower "
        "bound on the sup error of *every* shallow network with fewer than 2^K units, while "
        "2^{K+1} − 1 units fit the sawtooth exactly.\n\n"
        "| K | teeth | deep parameters | best shallow error below 2^K units | exact shallow fit |\n"
        "|---|---|---|---|---|\n" + "\n".join(lines)
    )
    return SectionResult(
        md,
        checks,
        [
            FigureOut(
                "depth_efficiency_approximation",
                fig,
                "The sawtooth, the deep network that is it, and the shallow limit.",
            )
        ],
    )
