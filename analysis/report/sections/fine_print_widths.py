"""Fine print: when (D+1)^K is reached with one input."""

from __future__ import annotations

import itertools

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


def _status(widths: tuple[int, ...]) -> str:
    """What is known of ``max regions = prod(n_l + 1)`` for these 1-input widths."""
    if all(w >= 3 for w in widths[:-1]):
        return "reached (construction)"
    if 1 in widths[:-1]:
        return "not reached (proved: an earlier width-1 layer)"
    if widths == (2, 2):
        return "not reached (proved: at most 7)"
    return "open here (construction does not apply)"


def _small_widths(ctx: ReportContext) -> tuple[list[str], list[Check]]:
    """Every width tuple of widths 1-4 and depth <= 3 (quick: <= 2), by construction and search."""
    rng = ctx.rng("fine-print-small-widths")
    depth = 2 if ctx.quick else 3
    n_tries = 30 if ctx.quick else 100
    rows = [
        "| widths | $\\prod(n_l+1)$ | construction | best of the search | what is known |",
        "|---|---|---|---|---|",
    ]
    checks: list[Check] = []
    reached = not_reached = open_ = 0
    for k in range(1, depth + 1):
        for widths in itertools.product(range(1, 5), repeat=k):
            bound = int(max_regions_1d(list(widths)))
            status = _status(widths)
            best = max(count_regions(_random_int_net(rng, widths)) for _ in range(n_tries))
            made = count_regions(max_regions_network(list(widths)))
            rows.append(f"| {widths} | {bound} | {made} | {best} | {status} |")
            if status.startswith("reached"):
                reached += made == bound
            elif status.startswith("not reached"):
                not_reached += best < bound and made < bound
            else:
                open_ += best <= bound and made <= bound
    n_all = len(rows) - 2
    n_reach = sum("| reached" in r for r in rows)
    n_not = sum("not reached" in r for r in rows)
    checks.append(
        Check(
            f"all {n_reach} width tuples (widths 1-4, depth <= {depth}) whose widths but the "
            "last are >= 3: the construction reaches the product (exact counts)",
            r"$\prod_l (n_l+1)$, every $n_l \ge 3$ but the last",
            reached,
            "exact",
            expected=n_reach,
            conditions="the last hidden layer may have any width",
            method="exact counts of max_regions_network",
        )
    )
    checks.append(
        Check(
            f"all {n_not} tuples with an earlier width-1 layer, or (2, 2): neither the "
            f"construction nor {n_tries} random integer networks reach the product",
            r"max $< \prod_l (n_l+1)$ (proved)",
            not_reached,
            "exact",
            expected=n_not,
            method="exact counts: the construction and a random search (lower bounds on the max)",
        )
    )
    checks.append(
        Check(
            f"the other {n_all - n_reach - n_not} tuples (an earlier width 2): every count found "
            "is at most the product; whether it is reached is open here",
            r"$\prod_l (n_l+1)$ (an upper bound)",
            open_,
            "exact",
            expected=n_all - n_reach - n_not,
            conditions="upper bound for every network; attainment not known here",
            method="exact counts: the construction and a random search",
        )
    )
    return rows, checks


def fp_width_three(ctx: ReportContext) -> SectionResult:
    """When (D+1)^K is reached with one input: constructed, proved not, or open."""
    checks = []
    rows = [
        "| widths | $\\prod(n_l+1)$ | exact count | how the network was made |",
        "|---|---|---|---|",
    ]
    for widths in [(3, 3), (4, 3), (3, 2), (4, 2)] + ([] if ctx.quick else [(3, 3, 2), (5, 4)]):
        bound = int(max_regions_1d(list(widths)))
        n = count_regions(max_regions_network(list(widths)))
        rows.append(f"| {widths} | {bound} | {n} | `max_regions_network` |")
        checks.append(
            Check(
                f"widths {widths} (all but the last ≥ 3): the construction reaches the product",
                r"$\prod_l (n_l+1)$",
                n,
                "exact",
                n == bound,
                expected=bound,
                method="exact count of the construction",
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
                    method="exact counts over a search of integer weights",
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
                    method="exact enumeration over the search's networks",
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
                    method="exact counts over a search of integer weights",
                )
            )
    small_rows, small_checks = _small_widths(ctx)
    checks += small_checks
    md = (
        "The lecture says a deep network with K layers of width D > 2 and one input can create "
        "up to $(D+1)^K$ regions. What is known of the product $\\prod_l(n_l+1)$, an upper "
        "bound for every 1-input network: it is *reached* by a construction (Serra, "
        "Tjandraatmadja & Ramalingam 2018; `max_regions_network`) whenever every hidden width "
        "but the last is at least 3 — the last may have any width ((3, 2) gives 12, (4, 2) 15, "
        "(3, 3, 2) 48); an earlier width-1 layer provably prevents it; (2, 2) provably gives at "
        "most 7 < 9; the other cases with an earlier width 2 are open here (the construction "
        "does not apply, and a search only finds lower bounds on the maximum). "
        "A width-1 layer passes on a single piecewise-linear function, and each later width-1 "
        "unit adds at most one joint, so K width-1 layers give at most K + 1 regions, not 2^K. "
        "With width 2, a second-layer pre-activation built from two ReLUs cannot change the sign "
        "of its slope twice, so it crosses zero at most twice; the first layer's 2 joints and "
        "the second layer's at most 2 · 2 zero crossings cut the line into at most 7 pieces, so "
        "(2, 2) stays below 9. The table lists exact counts; a random search only shows what "
        "it found, while the bounds in the check table hold for every network:\n\n"
        + "\n".join(rows)
        + "\n\nEvery small width tuple, by the construction and by a random search over "
        "integer weights in [-4, 4] (exact counts; the search gives lower bounds on the "
        "maximum):\n\n" + "\n".join(small_rows)
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
