"""Exact counts against the formulas (figure 10)."""

from __future__ import annotations

from analysis.constructions import general_position_shallow, max_regions_network
from analysis.networks import ReLUNetwork
from analysis.regions import count_regions
from analysis.regions.checks import lecture_check_family
from analysis.report.common import derivations_markdown, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.networks import (
    max_regions_1d,
    max_regions_shallow,
    montufar_lower_bound,
    prince_regions,
    serra_upper_bound,
)

__all__ = ["sec_counts"]


def sec_counts(ctx: ReportContext) -> SectionResult:
    """Figure 10: exact counts against the formulas, constructions on the bound, random below."""
    from analysis.plots.networks import plot_counts_vs_bounds

    checks = []
    con_b, con_c, gp_b, gp_c, rnd_b, rnd_c = [], [], [], [], [], []
    rnd_lin: list[int] = []
    widths_list = [(3,), (5,), (3, 3), (4, 4), (3, 5), (3, 3, 3), (4, 4, 4)]
    if not ctx.quick:
        widths_list += [(5, 5, 5), (3, 3, 3, 3), (6, 6, 6)]
    for w in widths_list:
        net_c = max_regions_network(list(w))
        n = count_regions(net_c)
        n_lin = count_regions(net_c, kind="linear")
        b = int(max_regions_1d(list(w)))
        con_b.append(b)
        con_c.append(n)
        checks.append(
            Check(
                f"construction, widths {w}: activation and linear regions on ℝ",
                r"$\prod_l(n_l+1)$ activation regions; linear ≤ activation",
                f"{n} activation, {n_lin} linear",
                "exact",
                n == b and n_lin <= n,
                expected=f"{b}, ≤ {b}",
                method="exact counts, kind='activation' and kind='linear'",
            )
        )
    for D, d in [(4, 2), (6, 2), (5, 3)] + ([] if ctx.quick else [(8, 2), (7, 3)]):
        arr = general_position_shallow(D, d, seed=ctx.seed % 983)
        n = count_regions(arr.network)
        b = int(max_regions_shallow(D, d))
        gp_b.append(b)
        gp_c.append(n)
        checks.append(
            Check(
                f"shallow, D = {D} in general position in ℝ^{d}: regions",
                rf"$\sum_{{j\le {d}}}\binom{{{D}}}{{j}}$",
                n,
                "exact",
                n == b,
                expected=b,
                method="exact count of a network built with integer weights in general position",
            )
        )
    rng = ctx.rng("random-counts")
    for w in [(4, 4), (6, 6), (8, 8), (5, 5, 5)] + ([] if ctx.quick else [(10, 10), (8, 8, 8)]):
        for _ in range(2 if ctx.quick else 4):
            net = ReLUNetwork.random((1, *w, 1), seed=int(rng.integers(2**31)))
            n = count_regions(net)
            b = int(max_regions_1d(list(w)))
            rnd_b.append(b)
            rnd_c.append(n)
            rnd_lin.append(count_regions(net, kind="linear"))
        k = 2 if ctx.quick else 4
        checks.append(
            Check(
                f"random He-initialised 1-input networks, widths {w}: largest count "
                f"(activation; linear: {max(rnd_lin[-k:])})",
                r"$\prod_l(n_l+1)$",
                max(rnd_c[-k:]),
                "upper bound",
                max(rnd_c[-k:]) <= b,
                expected=b,
                method=f"exact counts of {k} seeded networks",
            )
        )
    for w in [(5, 5)] + ([] if ctx.quick else [(6, 6)]):
        net = ReLUNetwork.random((2, *w, 1), seed=int(rng.integers(2**31)))
        n = count_regions(net)
        b = serra_upper_bound(list(w), 2)
        rnd_b.append(b)
        rnd_c.append(n)
        checks.append(
            Check(
                f"random 2-input network, widths {w}: regions on ℝ²",
                "Serra et al. (2018), Thm 1",
                n,
                "upper bound",
                n <= b,
                expected=b,
                method="exact count (polygon splitting) of a seeded He-random network",
            )
        )

    family = [("1-3-3-3-1 construction", max_regions_network([3, 3, 3]))]
    rows = lecture_check_family(family, construction=True)
    rows += lecture_check_family(
        [("2-5-5-1 random", ReLUNetwork.random((2, 5, 5, 1), seed=ctx.seed % 977))]
    )
    for r in rows:
        checks.append(
            Check(
                f"{r.network}: {r.claim} (`lecture_check`)",
                _LATEX.get(r.formula, f"`{r.formula}`"),
                r.count,
                r.kind,
                r.ok,
                expected=r.bound,
                method="lecture_check: an exact count beside each formula",
            )
        )
    fig, ax = new_figure()
    plot_counts_vs_bounds(
        {
            "constructions (1 input)": (con_b, con_c),
            "shallow, general position": (gp_b, gp_c),
            "random networks (He init.)": (rnd_b, rnd_c),
        },
        ax=ax,
    )
    frac = [c / b for b, c in zip(rnd_b, rnd_c, strict=True)]
    prince = float(prince_regions(6, 2, 2))
    serra_66 = int(serra_upper_bound([6, 6], 2))
    montufar_66 = int(montufar_lower_bound([6, 6], 2))
    notes = (
        "\n\n**Activation or linear regions.** An *activation region* is a set of inputs with "
        "one on/off pattern of the hidden units; a *linear region* is a maximal connected "
        "piece on which the network's function is affine. Neighbouring activation regions "
        "with the same affine map merge into one linear region, so linear ≤ activation; the "
        "bounds bound both. The table gives both counts for the constructions.\n\n"
        "**Prince's eq. 4.17.** Prince's chapter-4 notes give "
        "$(D/D_i+1)^{D_i(K-1)}\\sum_{j\\le D_i}\\binom{D}{j}$ as the maximum number of "
        "regions of a deep network. It comes from Montúfar et al.'s construction, which "
        "*reaches* that many regions: a lower bound on the maximum, not the maximum. For "
        f"widths (6, 6) with D_i = 2 it gives {prince:g}, while Serra et al.'s upper bound is "
        f"{serra_66} (Montúfar's floor-rounded form: {montufar_66}); the report treats it as a "
        "lower bound. For D_i = 1 it is (D + 1)^K, the maximum."
    )
    md = derivations_markdown(ctx, ["width_one_regions"]) + (
        "\n\nFigure 10: exact counts against the formulas. The constructions sit on the line "
        "(the formula is reached); random networks sit far below it — "
        f"between {min(frac):.1%} and {max(frac):.1%} of the bound here. (This is not Hanin & "
        "Rolnick's (2019) law, which this figure does not draw: at initialisation the count "
        "grows in proportion to the number of neurons N, far below the exponential bounds; "
        "it needs counts against N, across depths.)" + notes
    )
    return SectionResult(md, checks, [FigureOut("fig10_counts", fig, "Counts vs formulas")])


#: the formulas of :func:`analysis.regions.checks.lecture_check_family`, typeset
_LATEX = {
    "(D + 1)^K": "$(D+1)^K$",
    "prod_l (n_l + 1)": r"$\prod_l (n_l+1)$",
    "sum_J prod_l C(n_l, j_l)": r"$\sum_{J}\prod_l \binom{n_l}{j_l}$",
    "prod_{l<K} floor(n_l/D_i)^{D_i} sum_{j<=D_i} C(n_K, j)": (
        r"$\prod_{l \lt K}\lfloor n_l/D_i\rfloor^{D_i}\sum_{j\le D_i}\binom{n_K}{j}$"
    ),
    "(D/D_i + 1)^{D_i (K-1)} sum_{j<=D_i} C(D, j)": (
        r"$(D/D_i+1)^{D_i(K-1)}\sum_{j\le D_i}\binom{D}{j}$"
    ),
}
