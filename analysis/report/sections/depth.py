"""Depth efficiency (figure 11)."""

from __future__ import annotations

import math

from analysis.constructions import max_regions_network
from analysis.regions import count_regions
from analysis.report.common import derivations_markdown, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.networks import (
    deep_parameter_count,
    depth_efficiency,
    max_regions_1d,
    shallow_parameter_count,
)

__all__ = ["sec_depth"]


def sec_depth(ctx: ReportContext) -> SectionResult:
    """Figure 11: depth efficiency, regions against parameters."""
    from analysis.plots.networks import plot_depth_efficiency

    checks = []
    Ds = range(1, 200)
    shallow = ([int(shallow_parameter_count(d)) for d in Ds], [d + 1 for d in Ds])
    deep, measured = {}, {}
    for D in (3, 5, 10):
        Ks = range(1, 11)
        deep[f"deep, width D = {D}, K = 1..10"] = (
            [int(deep_parameter_count(D, k)) for k in Ks],
            [int(max_regions_1d([D] * k)) for k in Ks],
        )
    for D, ks in [(3, (1, 2, 3, 4)), (5, (1, 2, 3))] + ([] if ctx.quick else [(10, (1, 2, 3, 4))]):
        ps, rs = [], []
        for k in ks:
            net = max_regions_network([D] * k)
            ps.append(net.n_parameters)
            rs.append(count_regions(net))
        measured[f"exact count, D = {D}"] = (ps, rs)
    eff = depth_efficiency(5, 10)
    net = max_regions_network([5] * 10)
    checks.append(
        Check(
            "deep K = 10, D = 5: parameters of the constructed network",
            "$3D+1+(K-1)D(D+1)$ = 286 (Prince)",
            net.n_parameters,
            "exact",
            net.n_parameters == int(eff["deep_parameters"]) == 286,
            expected=int(eff["deep_parameters"]),
            method="the sum of the built network's weight and bias array sizes",
        )
    )
    ds = int(eff["shallow_width"])
    for label, (ps, rs) in measured.items():
        D = int(label.rsplit("= ", 1)[1])
        ok = all(
            r == int(max_regions_1d([D] * k)) and p == int(deep_parameter_count(D, k))
            for k, p, r in zip(range(1, len(ps) + 1), ps, rs, strict=True)
        )
        checks.append(
            Check(
                f"constructions of width {D}, K = 1..{len(ps)}: exact counts and parameters",
                "$(D+1)^K$ and $3D+1+(K-1)D(D+1)$",
                ", ".join(f"{r:,}" for r in rs),
                "exact",
                ok,
                expected=", ".join(
                    f"{int(max_regions_1d([D] * k)):,}" for k in range(1, len(ps) + 1)
                ),
                method="exact counts of the constructions and their array sizes",
            )
        )
    fig, ax = new_figure()
    plot_depth_efficiency(shallow, deep, measured, ax=ax)
    ratio = float(eff["ratio"])
    md = derivations_markdown(ctx, ["depth_efficiency_derivation"]) + (
        "\n\nFigure 11: the maximal number of regions against the number of parameters. A "
        "shallow network gains one region per three parameters; a deep one multiplies its "
        "regions by D + 1 per layer. The table measures both lines on networks physml builds "
        "(parameters by counting array entries, regions by exact enumeration). Extrapolated "
        "with the derivation: a shallow network that matches the $(D+1)^K = 6^{10}$ regions of "
        f"K = 10 layers of width D = 5 needs $D_s = 6^{{10}} - 1$ = {ds:,} units and "
        f"{int(eff['shallow_parameters']):,} parameters, {ratio:,.0f} times the deep network's "
        f"{int(eff['deep_parameters'])} ({math.log10(ratio):.1f} decades); too large to build, "
        "so this number is the formula's, not a measurement."
    )
    return SectionResult(md, checks, [FigureOut("fig11_depth", fig, "Depth efficiency")])
