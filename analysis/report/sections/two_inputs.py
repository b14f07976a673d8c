"""Networks with two inputs (figure 9)."""

from __future__ import annotations

from fractions import Fraction as F

from analysis.networks import ReLUNetwork
from analysis.regions import count_regions, region_graph
from analysis.report.common import new_figure
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from theory.networks import max_regions_shallow, serra_upper_bound

__all__ = ["sec_two_inputs"]


def sec_two_inputs(ctx: ReportContext) -> SectionResult:
    """Figure 9: a 2-input network's regions coloured by pattern, shallow and deep."""
    from analysis.plots.regions import plot_regions_2d

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
            method="exact count on ℝ² (the intersection lattice, Zaslavsky)",
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
            method="exact polygon splitting on a box holding every vertex",
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
            method="two exact methods: polygon splitting and LP subdivision",
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
            method="exact count (polygon splitting)",
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
            method="the exact region graph (networkx)",
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
