"""Fine print: when (D+1)^K is reached with one input."""

from __future__ import annotations

import numpy as np

from analysis.constructions import max_regions_network
from analysis.networks import ReLUNetwork
from analysis.regions import count_regions
from analysis.report.core import Check, ReportContext, SectionResult
from theory.networks import max_regions_1d

__all__ = ["fp_width_three"]


def _random_int_net(rng: np.random.Generator, widths: tuple[int, ...], lim: int = 4):  # noqa: ANN202

    sizes = (1, *widths, 1)
    ws = [
        rng.integers(-lim, lim + 1, size=(b, a))
        for a, b in zip(sizes[:-1], sizes[1:], strict=False)
    ]
    bs = [rng.integers(-lim, lim + 1, size=b) for b in sizes[1:]]
    return ReLUNetwork(ws, bs)


def fp_width_three(ctx: ReportContext) -> SectionResult:
    """(D+1)^K is reached by 1-input networks only when every width is at least 3."""
    checks = []
    rows = [
        "| widths | $\\prod(n_l+1)$ | exact count | how the network was made |",
        "|---|---|---|---|",
    ]
    for widths in [(3, 3), (4, 3)] + ([] if ctx.quick else [(3, 3, 3), (5, 4)]):
        bound = int(max_regions_1d(list(widths)))
        n = count_regions(max_regions_network(list(widths)))
        rows.append(f"| {widths} | {bound} | {n} | `max_regions_network` |")
        checks.append(
            Check(
                f"widths {widths} (all ≥ 3): the construction reaches the product",
                r"$\prod_l (n_l+1)$",
                n,
                "exact",
                n == bound,
                expected=bound,
            )
        )
    rng = ctx.rng("fine-print-width")
    n_tries = 60 if ctx.quick else 400
    most_crossings = 0
    for widths in [(1, 1), (1, 1, 1), (2, 2)]:
        bound = int(max_regions_1d(list(widths)))
        nets = [_random_int_net(rng, widths) for _ in range(n_tries)]
        best = max(count_regions(net) for net in nets)
        if widths == (2, 2):
            most_crossings = max(second_layer_crossings(net) for net in nets)
        k = len(widths)
        rows.append(
            f"| {widths} | {bound} | {best} (largest of {n_tries} random integer networks) | "
            "random search |"
        )
        if set(widths) == {1}:
            checks.append(
                Check(
                    f"widths {widths}: at most K + 1 = {k + 1} regions, not 2^K = {bound}",
                    "$K+1$ (width-1 layers)",
                    best,
                    "upper bound",
                    best <= k + 1,
                    expected=k + 1,
                )
            )
        else:
            checks.append(
                Check(
                    f"widths {widths}: a second-layer unit's pre-activation crosses zero at most "
                    f"twice (exact sign changes, all {n_tries} networks)",
                    "slopes of $w_1 a[h_1] + w_2 a[h_2]$ change sign at most once",
                    most_crossings,
                    "upper bound",
                    most_crossings <= 2,
                    expected=2,
                )
            )
            checks.append(
                Check(
                    f"widths {widths}: hence at most 3 + 2·2 = 7 regions, below the product "
                    f"{bound} (largest of the {n_tries} networks)",
                    r"$3 + 2\cdot 2 = 7 < \prod_l (n_l+1) = 9$",
                    best,
                    "upper bound",
                    best <= 7 < bound,
                    expected=7,
                )
            )
    md = (
        "The lecture says a deep network with K layers of width D > 2 and one input can create "
        "up to $(D+1)^K$ regions. The product $\\prod_l(n_l+1)$ is *reached* (Serra, "
        "Tjandraatmadja & Ramalingam 2018) when every width is at least 3; below that it is not. "
        "A width-1 layer passes on a single piecewise-linear function, and each later width-1 "
        "unit adds at most one joint, so K width-1 layers give at most K + 1 regions, not 2^K. "
        "With width 2, a second-layer pre-activation built from two ReLUs cannot change the sign "
        "of its slope twice, so it crosses zero at most twice; the first layer's 2 joints and "
        "the second layer's at most 2 · 2 zero crossings cut the line into at most 7 pieces, so "
        "(2, 2) stays below 9. The table lists exact counts; a random search only shows what "
        "it found, while the bounds in the check table hold for every network:\n\n"
        + "\n".join(rows)
    )
    return SectionResult(md, checks)


def second_layer_crossings(net) -> int:  # noqa: ANN001
    """The most sign changes on ℝ of a second-layer pre-activation of a 1-input net (exact)."""
    from fractions import Fraction

    W0, b0 = net.exact_weights[0], net.exact_biases[0]
    W1, b1 = net.exact_weights[1], net.exact_biases[1]
    joints = sorted({-b0[i] / W0[i][0] for i in range(len(b0)) if W0[i][0] != 0})
    if not joints:
        return 0

    def z(j: int, x: Fraction) -> Fraction:
        h = [max(W0[i][0] * x + b0[i], Fraction(0)) for i in range(len(b0))]
        return sum((W1[j][i] * h[i] for i in range(len(h))), b1[j])

    most = 0
    for j in range(len(b1)):
        vals = [z(j, x) for x in joints]
        # beyond the outer joints z is affine: its sign at -inf / +inf follows its slope there
        left = vals[0] - z(j, joints[0] - 1)
        right = z(j, joints[-1] + 1) - vals[-1]
        ends = [-left if left != 0 else vals[0], *vals, right if right != 0 else vals[-1]]
        signs = [v > 0 for v in ends if v != 0]
        most = max(most, sum(a != b for a, b in zip(signs, signs[1:], strict=False)))
    return most
