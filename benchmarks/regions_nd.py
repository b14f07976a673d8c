"""Benchmark: exact region counting of deep random ReLU networks in 2 to 6 input dimensions.

For each network (He-initialised, seeded) on the box [-1, 1]^{D_i} it prints the exact count,
its wall time and rate (serial; per CPU-second of this process, which a busy machine disturbs
less; and wall rate with a 2-process pool), and beside it the usual alternative:
the number of distinct activation patterns at 10^6 uniformly sampled points, its time and how
far it undercounts. A scaling table (time against the number of regions) follows.

    python benchmarks/regions_nd.py            # full run (a few minutes)
    python benchmarks/regions_nd.py --quick    # small networks only

Targets: >= 2,000 exact regions/s on 2 cores for D_i = 2..6; >= 20,000 regions/s for 2-D
deep nets (``method="auto"`` picks edge subdivision on a box).

Measured (x86_64, 2 CPUs, Python 3.11.7, otherwise idle; rates in exact regions per second;
"x2" = 2-process pool, for ``lp`` only; sampling = 10^6 points; ``ReLUNetwork.random``):

=====================  ========  =======  ======  ======  ==================
network (D_i: widths)  method    regions  serial  x2      sampling misses
=====================  ========  =======  ======  ======  ==================
2: [32, 32, 32]        edges        4477  127302  -         791 (17.7%)
2: [32, 32, 32]        lp           4477    2081    4209    791 (17.7%)
3: [12, 12, 12]        edges        5572  231130  -        2507 (45.0%)
3: [16, 16, 16]        edges       16407  228546  -        6964 (42.4%)
4: [10, 10, 10]        edges       23863  395710  -       16014 (67.1%)
4: [12, 12, 12]        edges       26997  222260  -       15946 (59.1%)
5: [10, 10]            edges       13550  233017  -        7825 (57.7%)
5: [12, 12, 12]        edges      165170  178118  -      137088 (83.0%)
6: [10, 10]            edges       44485  126294  -       33052 (74.3%)
6: [12, 12]            edges      163477  122339  -      139770 (85.5%)
=====================  ========  =======  ======  ======  ==================

The scaling table and the region-graph rows below time the ``lp`` method (regions enumerated
with their exact maps):
Scaling (D_i = 3, depth 3, widths 4..16): 171 to 15,761 regions at 200-300 us per region,
i.e. time in proportion to the number of regions (the per-region cost grows slowly with the
number of inequalities per region). Region graph: 526 regions (3: [6, 6, 6]) in 0.65 s against
44.8 s for the pairwise method; 4,428 regions (3: [10, 10, 10]) in 9.0 s; 7,220 regions
(4: [8, 8, 8]) in 16.3 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from analysis.networks import ReLUNetwork  # noqa: E402
from analysis.regions import count_regions  # noqa: E402
from analysis.regions.api import choose_method  # noqa: E402
from analysis.regions.sampling import sampled_pattern_count  # noqa: E402


def he_net(d: int, widths: list[int], seed: int) -> ReLUNetwork:
    """A d-input He-initialised network (``ReLUNetwork.random``, biases N(0, 0.01))."""
    return ReLUNetwork.random([d, *widths, 1], init="he", seed=seed, bias_scale=0.1)


def sampled_patterns(net: ReLUNetwork, n: int, seed: int = 0) -> tuple[int, float]:
    """Distinct activation patterns at ``n`` uniform points of [-1, 1]^d (a lower bound)."""
    t = time.perf_counter()
    box = [(-1, 1)] * net.input_dim
    return sampled_pattern_count(net, box, n_samples=n, seed=seed), time.perf_counter() - t


def row(
    label: str,
    net: ReLUNetwork,
    pool: ProcessPoolExecutor | None,
    n_samples: int,
    method: str = "auto",
) -> tuple[int, float]:
    box = [(-1, 1)] * net.input_dim
    method = choose_method(net, box, method)
    t, c0 = time.perf_counter(), time.process_time()
    n = count_regions(net, box, method=method)
    dt, cpu = time.perf_counter() - t, time.process_time() - c0
    par = ""
    if pool is not None and method == "lp":
        t = time.perf_counter()
        n2 = count_regions(net, box, method="lp", executor=pool)
        dt2 = time.perf_counter() - t
        assert n2 == n, (n, n2)
        par = f"{n / dt2:10.0f}"
    else:
        par = f"{'-':>10}"
    ns, ts = sampled_patterns(net, n_samples)
    print(
        f"{label:<22} {method:<8} {n:>8} {dt:8.2f} {n / dt:10.0f} {n / cpu:10.0f} {par}   "
        f"{ns:>8} {ts:7.2f} {n - ns:>8} ({100 * (n - ns) / n:4.1f}%)"
    )
    sys.stdout.flush()
    return n, dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small networks only")
    ap.add_argument("--samples", type=int, default=10**6)
    args = ap.parse_args(argv)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    header = (
        f"{'network (D_i: widths)':<22} {'method':<8} {'regions':>8} {'time/s':>8} "
        f"{'reg/s':>10} {'reg/cpu-s':>10} {'reg/s x2':>10}   {'sampled':>8} {'t/s':>7} "
        f"{'missed':>8}"
    )
    cases = [
        (2, [16, 16, 16], "auto"),
        (2, [32, 32, 32], "auto"),
        (2, [32, 32, 32], "lp"),
        (3, [12, 12, 12], "auto"),
        (4, [10, 10, 10], "auto"),
        (5, [10, 10], "auto"),
        (6, [10, 10], "auto"),
    ]
    if not args.quick:
        cases += [
            (3, [16, 16, 16], "auto"),
            (4, [12, 12, 12], "auto"),
            (5, [12, 12, 12], "auto"),
            (6, [12, 12], "auto"),
        ]
    print(
        "\nExact count vs sampling (box [-1, 1]^D_i; sampling: distinct patterns at "
        f"{args.samples} points)"
    )
    print(header)
    with ProcessPoolExecutor(2) as pool:
        for d, w, m in cases:
            row(f"{d}: {w}", he_net(d, w, seed=d), pool, args.samples, m)
        print("\nScaling (D_i = 3, depth 3): time against the number of regions")
        print(f"{'widths':<14} {'regions':>8} {'time/s':>8} {'us/region':>10}")
        widths = [4, 6, 8, 10, 12] + ([14, 16] if not args.quick else [])
        for n in widths:
            net = he_net(3, [n] * 3, seed=n)
            t = time.perf_counter()
            c = count_regions(net, [(-1, 1)] * 3, method="lp")
            dt = time.perf_counter() - t
            print(f"{str([n] * 3):<14} {c:>8} {dt:8.2f} {1e6 * dt / c:10.0f}")
            sys.stdout.flush()
    graph_table(args.quick)
    return 0


def graph_table(quick: bool) -> None:
    """region_graph (facets + pattern lookup) against the pairwise test it replaced."""
    from analysis.regions import enumerate_regions, region_graph
    from analysis.regions.graph import region_graph_pairs

    print("\nRegion graph (box [-1, 1]^D_i; regions enumerated beforehand, not timed)")
    print(f"{'network':<18} {'regions':>8} {'edges':>8} {'time/s':>8} {'pairwise/s':>10}")
    cases = [(2, [8, 8]), (3, [6, 6, 6])] + ([] if quick else [(3, [10, 10, 10]), (4, [8, 8, 8])])
    for d, w in cases:
        net = he_net(d, w, seed=d)
        box = [(-1, 1)] * d
        regions = enumerate_regions(net, box, method="lp")
        t = time.perf_counter()
        G = region_graph(net, box, regions=regions)
        dt = time.perf_counter() - t
        pair = f"{'-':>10}"
        if len(regions) <= 600:
            t = time.perf_counter()
            H = region_graph_pairs(net, regions)
            pair = f"{time.perf_counter() - t:10.2f}"
            assert set(map(frozenset, H.edges)) == set(map(frozenset, G.edges))
        label = f"{d}: {w}"
        print(f"{label:<18} {len(regions):>8} {G.number_of_edges():>8} {dt:8.2f} {pair}")
        sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
