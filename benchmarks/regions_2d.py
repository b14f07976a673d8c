"""Benchmark: exact region counting of deep 2-input ReLU networks on the box [-3, 3]^2.

For each He-initialised random network (seeded) it prints the exact count (``method="auto"``,
which is edge subdivision on a box), its wall time and rate in one process (fastest of 3), its
CPU time, the polygon method's rate in one process and with a 2-process pool, the peak resident
memory of the counting process so far, and beside it the
usual alternative (run in a worker process): the number of distinct
activation patterns at 10^6 uniformly sampled points of the box, its time and how far it
undercounts. Target: >= 20,000 exact regions/s on 2 cores.

    python benchmarks/regions_2d.py            # full run (about a minute)
    python benchmarks/regions_2d.py --quick    # small networks, 10^5 samples
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from analysis.networks import ReLUNetwork  # noqa: E402
from analysis.regions import count_regions  # noqa: E402
from analysis.regions.api import choose_method  # noqa: E402
from analysis.regions.methods.polygon.polygons import count_regions_polygon  # noqa: E402
from analysis.regions.sampling import sampled_pattern_count  # noqa: E402

BOX = [(-3.0, 3.0), (-3.0, 3.0)]


def he_net(widths: list[int], seed: int) -> ReLUNetwork:
    """A 2-input He-initialised network (``ReLUNetwork.random``, biases N(0, 0.01))."""
    return ReLUNetwork.random([2, *widths, 1], init="he", seed=seed, bias_scale=0.1)


def sampled_patterns(net: ReLUNetwork, n: int, seed: int = 0) -> tuple[int, float]:
    """Distinct activation patterns at ``n`` uniform points of the box (a lower bound)."""
    t = time.perf_counter()
    return sampled_pattern_count(net, BOX, n_samples=n, seed=seed), time.perf_counter() - t


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small networks, fewer samples")
    ap.add_argument("--samples", type=int, default=None, help="sampled points (10^6)")
    ap.add_argument("--repeat", type=int, default=3, help="serial runs; the fastest is shown")
    ap.add_argument("--parts", type=int, default=4, help="tasks of the 2-process count")
    args = ap.parse_args(argv)
    samples = args.samples or (10**5 if args.quick else 10**6)
    cases = [[16] * 3, [32] * 3, [20] * 5]
    if not args.quick:
        cases += [[64] * 3, [128] * 2, [48] * 4]
    load = os.getloadavg()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load[0]:.1f} (1 min) at start"
    )
    print(f"box [-3, 3]^2; sampling: distinct activation patterns at {samples} uniform points\n")
    print(
        f"{'widths':<22} {'regions':>8} {'wall/s':>7} {'reg/s':>8} {'cpu/s':>7} {'reg/cpu-s':>9} "
        f"{'polygon':>8} {'poly x2':>8} {'RSS/MiB':>8}   {'sampled':>8} {'t/s':>6} {'missed':>14}"
    )
    rates = []
    with ProcessPoolExecutor(2) as pool:
        pool.submit(int, 0).result()  # start the workers before timing
        for i, w in enumerate(cases):
            net = he_net(w, seed=i)
            wall = cpu = float("inf")
            n = -1
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                n = count_regions(net, BOX)
                wall = min(wall, time.perf_counter() - t0)
                cpu = min(cpu, time.process_time() - c0)
            t0 = time.perf_counter()
            n1 = count_regions_polygon(net, BOX)
            wall1 = time.perf_counter() - t0
            rss = peak_rss_mib()  # the exact counts only: sampling runs in a worker
            t0 = time.perf_counter()
            n2 = count_regions_polygon(net, BOX, executor=pool, parts=args.parts)
            wall2 = time.perf_counter() - t0
            if not n == n1 == n2:
                raise AssertionError(f"counts differ: {n} (auto), {n1}, {n2} (polygon)")
            ns, ts = pool.submit(sampled_patterns, net, samples).result()
            rates.append(n / wall)
            label = "2-" + "-".join(map(str, w)) + "-1"
            print(
                f"{label:<22} {n:>8} {wall:7.3f} {n / wall:8.0f} {cpu:7.3f} {n / cpu:9.0f} "
                f"{n / wall1:8.0f} {n / wall2:8.0f} {rss:8.0f}   {ns:>8} {ts:6.2f} "
                f"{n - ns:>7} ({100 * (n - ns) / n:4.1f}%)"
            )
            sys.stdout.flush()
    load = os.getloadavg()
    print(
        f"\nload average {load[0]:.1f} (1 min) at the end; slowest serial rate "
        f"{min(rates):.0f} regions/s (target >= 20,000; method "
        f"{choose_method(he_net(cases[0], 0), BOX)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
