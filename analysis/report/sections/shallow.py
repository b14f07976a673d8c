"""A shallow network with one input (figure 7)."""

from __future__ import annotations

from analysis.constructions import lecture_network
from analysis.regions import count_regions
from analysis.report.common import derivations_markdown, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.networks import max_regions_shallow, shallow_parameter_count

__all__ = ["sec_shallow"]


def _n_torch_params(net) -> int | None:  # noqa: ANN001
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    model = net.to_torch()
    return int(sum(p.numel() for p in model.parameters()))


def sec_shallow(ctx: ReportContext) -> SectionResult:
    """Figure 7: a shallow 1-input network as in the lecture."""
    from analysis.plots.networks import plot_shallow_1d

    net = lecture_network()
    checks = []
    n = count_regions(net)
    checks.append(
        Check(
            "the lecture's network with D = 3 hidden units: regions on ℝ",
            "$D + 1$",
            n,
            "exact",
            n == int(max_regions_shallow(3, 1)),
            expected=int(max_regions_shallow(3, 1)),
            method="exact count (1-D engine)",
        )
    )
    p = shallow_parameter_count(3)
    checks.append(
        Check(
            "its parameters (sizes of its weight and bias arrays)",
            "$3D + 1$ (summed layer shapes, sympy)",
            net.n_parameters,
            "exact",
            net.n_parameters == int(p),
            expected=int(p),
            method="the sum of the built network's weight and bias array sizes",
        )
    )
    nt = _n_torch_params(net)
    if nt is not None:
        checks.append(
            Check(
                "its parameters counted by torch (peer library)",
                "$3D + 1$",
                nt,
                "exact",
                nt == int(p),
                expected=int(p),
                method="torch's numel over the converted module's parameters (peer library)",
            )
        )
    fig, ax = new_figure(width=7.0, height=5.4)
    plot_shallow_1d(net, domain=(0.0, 2.0), ax=ax)
    md = derivations_markdown(ctx, ["parameter_totals", "shallow_region_recursion"]) + (
        "\n\nFigure 7: the lecture's shallow network "
        "$y = \\phi_0 + \\sum_{d=1}^{3}\\phi_d\\,a[\\theta_{d0} + \\theta_{d1}x]$ with "
        "$(\\theta_{d0}, \\theta_{d1}) = (-1/5, 1/2), (1, -1), (-3/2, 1)$ and "
        "$\\phi = (-3/10, 2, -1, -5/2)$: the units' pre-activations (dashed), the clipped and "
        "weighted units (colour), the output (black) with its three joints, and the four "
        "linear regions labelled by which units are active. The counts in the table are exact "
        "(`analysis.regions.count_regions`, rational arithmetic)."
    )
    return SectionResult(md, checks, [FigureOut("fig07_shallow", fig, "A shallow network")])
