"""Deep networks: composition multiplies regions (figure 8)."""

from __future__ import annotations

from analysis.constructions import max_regions_network
from analysis.regions import count_regions
from analysis.report.common import derivations_markdown, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.networks import deep_parameter_count, max_regions_1d, prince_regions

__all__ = ["sec_deep"]


def sec_deep(ctx: ReportContext) -> SectionResult:
    """Figure 8: the deep composition reaching 4, 16, 64 regions."""
    from analysis.plots.networks import plot_composition

    checks = []
    nets = [max_regions_network([3] * k) for k in (1, 2, 3)]
    for k, net in zip((1, 2, 3), nets, strict=True):
        n = count_regions(net)
        want = int(max_regions_1d([3] * k))
        checks.append(
            Check(
                f"composition of {k} layer(s) of width 3: regions on ℝ",
                "$(D+1)^K$",
                n,
                "exact",
                n == want,
                expected=want,
                method="exact count (1-D engine) of the composed construction",
            )
        )
        pc = int(deep_parameter_count(3, k))
        checks.append(
            Check(
                f"its parameters (K = {k}, D = 3)",
                "$3D+1+(K-1)D(D+1)$ (sympy)",
                net.n_parameters,
                "exact",
                net.n_parameters == pc,
                expected=pc,
                method="the sum of the built network's weight and bias array sizes",
            )
        )
    big = [10] * 5
    net = max_regions_network(big)
    n = count_regions(net)
    want = int(prince_regions(10, 5, 1))
    checks.append(
        Check(
            "K = 5 layers of width D = 10 (Prince, *Understanding Deep Learning*): regions",
            "$(D+1)^K$ = 161,051 (Prince eq. 4.17)",
            n,
            "exact",
            n == want == 161051,
            expected=want,
            method="exact count (1-D engine) of the construction",
        )
    )
    checks.append(
        Check(
            "K = 5, D = 10: parameters",
            "$3D+1+(K-1)D(D+1)$ = 471 (Prince)",
            net.n_parameters,
            "exact",
            net.n_parameters == int(deep_parameter_count(10, 5)) == 471,
            expected=int(deep_parameter_count(10, 5)),
            method="the sum of the built network's weight and bias array sizes",
        )
    )
    fig, ax = new_figure(width=7.0, height=5.0)
    counts = [c.value for c in checks if "composition" in c.claim]
    plot_composition(
        nets,
        domain=(0.0, 1.0),
        labels=[
            f"K = {k} layer(s) of width 3: {c} regions on ℝ"
            for k, c in zip((1, 2, 3), counts, strict=True)
        ],
        ax=ax,
    )
    md = derivations_markdown(ctx, ["deep_regions_1d"]) + (
        "\n\nFigure 8: `analysis.constructions.max_regions_network([3] * K)` for K = 1, 2, 3, "
        "drawn exactly from their regions: each layer of three units folds the interval "
        "onto itself four times, so composing K of them gives $4^K$ pieces: 4, 16 and 64 "
        "regions on ℝ, as the lecture's $(D+1)^K$ says; the table counts them exactly."
    )
    return SectionResult(md, checks, [FigureOut("fig08_composition", fig, "Deep composition")])
