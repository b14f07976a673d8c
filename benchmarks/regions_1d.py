"""Benchmark: exact region counting for 1-input ReLU networks (issue targets).

Targets
-------
* Prince, "Understanding Deep Learning", problem 4.11: one input, K = 10 layers of width
  D = 5, built to reach the maximum, has 6^10 = 60,466,176 regions. Count them exactly in
  under 60 s on 2 cores with under 8 GiB.
* K = 5, D = 10 (161,051 regions) in under 1 s.

Beside each exact count the script reports the common alternative: the number of distinct
activation patterns at 10^6 inputs sampled uniformly on an interval covering every breakpoint,
its time and how far it undercounts. It ends with an output-sensitivity table (time per region
for growing counts).

Run::

    python benchmarks/regions_1d.py            # everything (about a minute on 2 cores)
    python benchmarks/regions_1d.py --quick    # smaller networks
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analysis.constructions import construction_region_count, max_regions_network  # noqa: E402
from analysis.networks import ReLUNetwork  # noqa: E402
from analysis.regions.methods.oned.breakpoints import count_regions_1d  # noqa: E402
from analysis.regions.methods.oned.engine import outer_breakpoints  # noqa: E402
from analysis.regions.sampling import sampled_pattern_count  # noqa: E402


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its (finished) children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0  # Linux reports KiB


def sampled_patterns(net: ReLUNetwork, n_samples: int, seed: int = 0) -> tuple[int, float]:
    """Distinct float activation patterns at uniform samples covering every breakpoint."""
    t0 = time.perf_counter()
    outer = outer_breakpoints(net)
    lo, hi = (-1.0, 1.0) if outer is None else (float(outer[0]) - 1.0, float(outer[1]) + 1.0)
    found = sampled_pattern_count(net, [(lo, hi)], n_samples=n_samples, seed=seed)
    return found, time.perf_counter() - t0


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def target_rows(quick: bool, workers: int, n_samples: int) -> None:
    cases = [([10] * 5, 1.0, None), ([5] * 10, 60.0, workers)]
    if quick:
        cases = [([10] * 5, 1.0, None), ([5] * 8, 60.0, workers)]
    print("## Targets (maximal networks, activation regions on all of R)\n")
    print(
        "| widths | exact count | closed form | time (s) | target (s) | workers | "
        "sampled patterns (10^6 pts) | sampling time (s) | undercount |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for widths, target, nw in cases:
        net = max_regions_network(widths)
        if nw is None:
            count, dt = timed(count_regions_1d, net)
        else:
            with ProcessPoolExecutor(nw) as ex:
                count_regions_1d(max_regions_network([3]), executor=ex)  # start the workers
                count, dt = timed(count_regions_1d, net, executor=ex)
        closed = construction_region_count(widths)
        product = int(np.prod([n + 1 for n in widths]))
        assert count == closed == product, (count, closed, product)
        sampled, st = sampled_patterns(net, n_samples)
        label = f"{widths[0]}x{len(widths)}"
        print(
            f"| {label} | {count:,} | {product:,} = prod(n_l+1) | {dt:.2f} | < {target:g} | "
            f"{nw or 1} | {sampled:,} | {st:.2f} | {count - sampled:,} "
            f"({100 * (count - sampled) / count:.1f} %) |"
        )
    print(f"\npeak RSS (this process and its workers): {peak_rss_mib():.0f} MiB (target < 8 GiB)\n")


def linear_rows(quick: bool, workers: int) -> None:
    print("## kind='linear' on the same networks\n")
    print("| widths | linear regions | time (s) |")
    print("|---|---|---|")
    for widths in ([10] * 5, [5] * (8 if quick else 10)):
        net = max_regions_network(widths)
        with ProcessPoolExecutor(workers) as ex:
            count, dt = timed(count_regions_1d, net, kind="linear", executor=ex)
        print(f"| {widths[0]}x{len(widths)} | {count:,} | {dt:.2f} |")
    print()


def random_net(widths: list[int], seed: int, integer: bool) -> ReLUNetwork:
    rng = np.random.default_rng(seed)
    if integer:
        Ws = [rng.integers(-4, 5, size=(widths[i + 1], widths[i])) for i in range(len(widths) - 1)]
        Bs = [rng.integers(-4, 5, size=widths[i + 1]) for i in range(len(widths) - 1)]
    else:
        Ws = [
            rng.normal(size=(widths[i + 1], widths[i])) / np.sqrt(widths[i])
            for i in range(len(widths) - 1)
        ]
        Bs = [rng.normal(size=widths[i + 1]) for i in range(len(widths) - 1)]
    return ReLUNetwork(Ws, Bs)


def scaling_rows(quick: bool) -> None:
    print("## Output sensitivity: time per region (serial, one core)\n")
    print("| network | regions | time (s) | µs per region |")
    print("|---|---|---|---|")
    ks = range(4, 8 if quick else 10)
    rows = [(f"maximal 5x{k}", max_regions_network([5] * k)) for k in ks]
    rows += [(f"maximal 10x{k}", max_regions_network([10] * k)) for k in (3, 4, 5)]
    for w in (8, 16, 32) if quick else (8, 16, 32, 64):
        rows.append((f"random float 1-{w}x4-1", random_net([1] + [w] * 4 + [1], 0, False)))
        rows.append((f"random int 1-{w}x4-1", random_net([1] + [w] * 4 + [1], 0, True)))
    for name, net in rows:
        count, dt = timed(count_regions_1d, net)
        print(f"| {name} | {count:,} | {dt:.3f} | {1e6 * dt / count:.2f} |")
    print()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smaller networks")
    p.add_argument("--workers", type=int, default=2, help="process-pool workers (default 2)")
    p.add_argument("--samples", type=int, default=10**6, help="sampled inputs (default 10^6)")
    args = p.parse_args(argv)
    print(
        f"# 1-D exact region counting: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs visible, Python {platform.python_version()}, "
        f"numpy {np.__version__}\n"
    )
    target_rows(args.quick, args.workers, args.samples)
    linear_rows(args.quick, args.workers)
    scaling_rows(args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
