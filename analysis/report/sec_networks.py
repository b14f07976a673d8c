"""The report's network sections (figures 7-11): regions of shallow and deep ReLU networks.

Each section builder takes the report's :class:`~analysis.report.core.ReportContext` and returns a
:class:`~analysis.report.core.SectionResult`; :func:`analysis.report.default_sections` lists
them in order and ``tests/test_report.py`` builds every one in quick mode.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

from analysis.report.common import derivations_markdown, new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult

__all__ = [
    "lecture_network",
    "sec_shallow",
    "sec_deep",
    "sec_two_inputs",
    "sec_counts",
    "sec_depth",
]


def lecture_network():  # noqa: ANN201
    """The lecture's 10-parameter shallow network (joints at 2/5, 1, 3/2).

    ``y = φ0 + φ1 a[θ10 + θ11 x] + φ2 a[θ20 + θ21 x] + φ3 a[θ30 + θ31 x]``; for x > 3/2 the
    units h1 and h3 are active and h2 is inactive, as in the lecture's shaded region.

    >>> net = lecture_network()
    >>> net.n_parameters, net.activation_pattern([2])
    (10, ((True, False, True),))
    """
    from analysis.networks import ReLUNetwork

    return ReLUNetwork(
        [[[F(1, 2)], [F(-1)], [F(1)]], [[F(2), F(-1), F(-5, 2)]]],
        [[F(-1, 5), F(1), F(-3, 2)], [F(-3, 10)]],
    )


def _n_torch_params(net) -> int | None:  # noqa: ANN001
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    model = net.to_torch()
    return int(sum(p.numel() for p in model.parameters()))


def sec_shallow(ctx: ReportContext) -> SectionResult:
    """Figure 7: a shallow 1-input network as in the lecture."""
    from analysis.networks import ReLUNetwork
    from analysis.plots.networks import plot_shallow_1d
    from analysis.regions import count_regions
    from theory.networks import max_regions_shallow, shallow_parameter_count

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
            )
        )
    rng = ctx.rng("shallow-random")
    for D in (1, 5, 20) if ctx.quick else (1, 2, 5, 10, 20, 50):
        rnet = ReLUNetwork.random((1, D, 1), seed=int(rng.integers(2**31)))
        got = count_regions(rnet)
        want = int(max_regions_shallow(D, 1))
        checks.append(
            Check(
                f"random (He-initialised) shallow network, D = {D}: regions on ℝ",
                "$D + 1$ (distinct joints)",
                got,
                "exact",
                got == want,
                expected=want,
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


def sec_deep(ctx: ReportContext) -> SectionResult:
    """Figure 8: the deep composition reaching 4, 16, 64 regions."""
    from analysis.constructions import max_regions_network
    from analysis.plots.networks import plot_composition
    from analysis.regions import count_regions
    from theory.networks import deep_parameter_count, max_regions_1d, prince_regions

    checks = []
    nets = [max_regions_network([3] * k) for k in (1, 2, 3)]
    for k, net in zip((1, 2, 3), nets):
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
        )
    )
    fig, ax = new_figure(width=7.0, height=5.0)
    counts = [c.value for c in checks if "composition" in c.claim]
    plot_composition(
        nets,
        domain=(0.0, 1.0),
        labels=[
            f"K = {k} layer(s) of width 3: {c} regions on ℝ" for k, c in zip((1, 2, 3), counts)
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


def sec_two_inputs(ctx: ReportContext) -> SectionResult:
    """Figure 9: a 2-input network's regions coloured by pattern, shallow and deep."""
    from analysis.networks import ReLUNetwork
    from analysis.plots.regions import plot_regions_2d
    from analysis.regions import count_regions, region_graph
    from theory.networks import max_regions_shallow, serra_upper_bound

    checks = []
    box = [(-3, 3), (-3, 3)]
    shallow = ReLUNetwork.random((2, 5, 1), seed=ctx.seed % 997, bias_scale=1.0)
    sbox = _vertex_box(shallow)
    n_r2 = count_regions(shallow)
    n_box = count_regions(shallow, sbox)
    want = int(max_regions_shallow(5, 2))
    checks.append(
        Check(
            "random shallow network, 2 inputs, D = 5 (general position): regions on ℝ² "
            "(intersection lattice)",
            r"$\sum_{j\le 2}\binom{5}{j}$",
            n_r2,
            "exact",
            n_r2 == want,
            expected=want,
        )
    )
    checks.append(
        Check(
            "the same network counted on a box that contains every vertex (polygon splitting)",
            "the count on all of ℝ² (row above: a different method)",
            n_box,
            "exact",
            n_box == n_r2,
            expected=n_r2,
        )
    )
    # the region graph is the slow part (exact facet tests between pairs of regions)
    dw = (2, 4, 4, 1) if ctx.quick else (2, 6, 6, 1)
    dname = "-".join(map(str, dw))
    deep = ReLUNetwork.random(dw, seed=ctx.seed % 991, bias_scale=0.5)
    n_poly = count_regions(deep, box, method="polygon")
    n_lp = count_regions(deep, box, method="lp")
    checks.append(
        Check(
            f"deep random {dname} network on the box [−3, 3]²: polygon splitting vs LP search",
            "two exact methods agree",
            n_poly,
            "exact",
            n_poly == n_lp,
            expected=n_lp,
        )
    )
    bound = serra_upper_bound(list(dw[1:-1]), 2)
    checks.append(
        Check(
            "the same network: at most Serra et al.'s bound",
            "Serra, Tjandraatmadja & Ramalingam (2018), Thm 1",
            n_poly,
            "upper bound",
            n_poly <= bound,
            expected=bound,
        )
    )
    g = region_graph(deep, box)
    checks.append(
        Check(
            "its region graph: one node per region, connected (the box is convex)",
            "nodes = regions",
            f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges",
            "exact",
            g.number_of_nodes() == n_poly and _connected(g),
            expected=n_poly,
        )
    )
    fig, axes = new_figure(ncols=2, width=5.2, height=5.0)
    plot_regions_2d(shallow, sbox, ax=axes[0], graph=True)
    axes[0].set_title(f"shallow 2-5-1: all {n_box} regions")
    plot_regions_2d(deep, box, ax=axes[1], graph=True)
    axes[1].set_title(f"deep {dname}: {n_poly} regions in the box")
    md = (
        "With two inputs each hidden unit of the first layer cuts the plane along a line; "
        "deeper units cut along bent lines. Figure 9 draws each exact region (one activation "
        "pattern) in a colour that differs from its neighbours' (a greedy colouring of the "
        "region graph) and draws that graph over them (a dot per region, a segment per "
        "shared facet), for a random shallow network with 5 units (left, on a box that holds every "
        f"vertex of its arrangement) and a random deep {dname} network (right)."
    )
    return SectionResult(md, checks, [FigureOut("fig09_two_inputs", fig, "Regions in 2-D")])


def _vertex_box(net) -> list[tuple[F, F]]:  # noqa: ANN001
    """A box (with a margin) containing every pairwise intersection of the first layer's lines."""
    W, b = net.exact_weights[0], net.exact_biases[0]
    xs, ys = [F(0)], [F(0)]
    for i in range(len(b)):
        for j in range(i + 1, len(b)):
            det = W[i][0] * W[j][1] - W[i][1] * W[j][0]
            if det != 0:
                xs.append((-b[i] * W[j][1] + b[j] * W[i][1]) / det)
                ys.append((-W[i][0] * b[j] + W[j][0] * b[i]) / det)
    half = max(max(xs) - min(xs), max(ys) - min(ys)) * F(5, 8) + 1  # square, with a margin
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [(cx - half, cx + half), (cy - half, cy + half)]


def _connected(g) -> bool:  # noqa: ANN001
    import networkx as nx

    return g.number_of_nodes() > 0 and nx.is_connected(g)


def sec_counts(ctx: ReportContext) -> SectionResult:
    """Figure 10: exact counts against the formulas, constructions on the bound, random below."""
    from analysis.constructions import general_position_shallow, max_regions_network
    from analysis.networks import ReLUNetwork
    from analysis.plots.networks import plot_counts_vs_bounds
    from analysis.regions import count_regions
    from theory.networks import max_regions_1d, max_regions_shallow, serra_upper_bound

    checks = []
    con_b, con_c, gp_b, gp_c, rnd_b, rnd_c = [], [], [], [], [], []
    widths_list = [(3,), (5,), (3, 3), (4, 4), (3, 5), (3, 3, 3), (4, 4, 4)]
    if not ctx.quick:
        widths_list += [(5, 5, 5), (3, 3, 3, 3), (6, 6, 6)]
    for w in widths_list:
        n = count_regions(max_regions_network(list(w)))
        b = int(max_regions_1d(list(w)))
        con_b.append(b)
        con_c.append(n)
        checks.append(
            Check(
                f"construction, widths {w}: regions on ℝ",
                r"$\prod_l(n_l+1)$",
                n,
                "exact",
                n == b,
                expected=b,
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
        checks.append(
            Check(
                f"random He-initialised 1-input networks, widths {w}: largest count",
                r"$\prod_l(n_l+1)$",
                max(rnd_c[-(2 if ctx.quick else 4) :]),
                "upper bound",
                max(rnd_c[-(2 if ctx.quick else 4) :]) <= b,
                expected=b,
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
            )
        )
    from analysis.regions.checks import lecture_check_family

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
    frac = [c / b for b, c in zip(rnd_b, rnd_c)]
    md = derivations_markdown(ctx, ["width_one_regions"]) + (
        "\n\nFigure 10: exact counts against the formulas. The constructions sit on the line "
        "(the formula is reached); random networks sit far below it — "
        f"between {min(frac):.1%} and {max(frac):.1%} of the bound here — as Hanin & Rolnick "
        "(2019) found for networks at initialisation."
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


def sec_depth(ctx: ReportContext) -> SectionResult:
    """Figure 11: depth efficiency, regions against parameters."""
    from analysis.constructions import max_regions_network
    from analysis.networks import ReLUNetwork
    from analysis.plots.networks import plot_depth_efficiency
    from analysis.regions import count_regions
    from theory.networks import (
        deep_parameter_count,
        depth_efficiency,
        max_regions_1d,
        max_regions_shallow,
        shallow_parameter_count,
    )

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
        )
    )
    # the shallow line of the figure, measured: random shallow networks of several widths
    widths = (1, 4, 16, 64)
    measured_shallow = []
    for D in widths:
        sh = ReLUNetwork.random((1, D, 1), seed=ctx.seed % 83 + D)
        measured_shallow.append((sh.n_parameters, count_regions(sh)))
    checks.append(
        Check(
            f"random shallow networks, D = {', '.join(map(str, widths))}: parameters (array "
            "sizes) and exact region counts",
            "$3D+1$ (sympy) and $D+1$ (sympy), the shallow line of Figure 11",
            "; ".join(f"{p}, {r}" for p, r in measured_shallow),
            "exact",
            all(
                p == int(shallow_parameter_count(D)) and r == int(max_regions_shallow(D, 1))
                for D, (p, r) in zip(widths, measured_shallow)
            ),
            expected="; ".join(
                f"{int(shallow_parameter_count(D))}, {int(max_regions_shallow(D, 1))}"
                for D in widths
            ),
        )
    )
    ds = int(eff["shallow_width"])
    wide = ReLUNetwork.random((1, 95, 1), seed=ctx.seed % 89)
    n_wide = count_regions(wide)
    checks.append(
        Check(
            "a random shallow network with D = 95 units: as many parameters (array sizes) as "
            "the deep K = 10, D = 5 network, and exactly D + 1 regions (exact count)",
            "$3D+1$ = 286 and $D+1$ = 96 (Prince)",
            f"{wide.n_parameters}, {n_wide}",
            "exact",
            wide.n_parameters == int(shallow_parameter_count(95)) == 286
            and n_wide == int(max_regions_shallow(95, 1)),
            expected=f"{int(shallow_parameter_count(95))}, {int(max_regions_shallow(95, 1))}",
        )
    )
    for label, (ps, rs) in measured.items():
        D = int(label.rsplit("= ", 1)[1])
        ok = all(
            r == int(max_regions_1d([D] * k)) and p == int(deep_parameter_count(D, k))
            for k, p, r in zip(range(1, len(ps) + 1), ps, rs)
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
