"""Benchmark: exact regions on slices through high-dimensional inputs (real models).

On the plane through three points of a He-random 784-256-256-10 MLP (the MNIST shape) it
times the exact count of the restricted network, beside the same count of a 2-input network
built directly with the same hidden layers (ratio target <= 1.5) and the rate (target >=
20,000 regions/s); on the line through two points, the 1-D count (target < 1 s). Beside each:
the distinct patterns that a 1000 x 1000 grid of points finds (a lower bound) and how many
regions it misses. Last, a trained digits MLP (64-256-256-10, Adam on scikit-learn's digits)
on the plane through three test images, with its rate and what the grid misses.

    python benchmarks/slices.py            # the targets (about a minute on 2 cores)
    python benchmarks/slices.py --quick    # smaller network and grid
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from analysis.networks import ReLUNetwork  # noqa: E402
from analysis.regions import count_regions, line_through, plane_through, restrict  # noqa: E402


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def grid_patterns(net: ReLUNetwork, box, n: int) -> int:
    """Distinct activation patterns on an ``n x n`` grid of the box (a lower bound)."""
    (x0, x1), (y0, y1) = [(float(a), float(b)) for a, b in box]
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    seen: set[bytes] = set()
    for y in ys:
        pts = np.column_stack([xs, np.full(n, y)])
        h = pts
        bits = []
        for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
            z = h @ W.T + b
            bits.append(z > 0)
            h = np.maximum(z, 0)
        packed = np.packbits(np.concatenate(bits, axis=1), axis=1)
        seen.update(row.tobytes() for row in packed)
    return len(seen)


def trained_digits(grid: int) -> None:
    """A trained digits MLP (64-256-256-10, Adam): its exact regions on a plane of test images."""
    try:
        from analysis.experiments import digits_mlp
    except ImportError as exc:  # pragma: no cover - scikit-learn is the [data] extra
        print(f"\ntrained digits MLP skipped: {exc}")
        return
    try:
        (r, t_all) = _timed(lambda: digits_mlp(hidden=(256, 256), epochs=15, margin="1/4"))
    except ImportError as exc:
        print(f"\ntrained digits MLP skipped: {exc}")
        return
    plane, box = r["plane"], r["domain"]
    n, t = _timed(lambda: count_regions(plane, box))
    found, _ = _timed(lambda: grid_patterns(plane, box, grid))
    print(
        f"\ntrained 64-256-256-10 digits MLP (Adam, test accuracy {r['test_accuracy']:.3f}; "
        f"training and the first count {t_all:.1f} s): the plane through test images of "
        f"classes {r['labels']}, box {[(float(a), float(b)) for a, b in box]}"
    )
    print(f"  exact count: {n} regions in {t:.2f} s = {n / t:,.0f} /s (target >= 20,000 /s)")
    print(
        f"  {grid}x{grid} grid: {found} patterns, misses {n - found} "
        f"({100 * (n - found) / n:.1f} %)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smaller network and grid")
    args = ap.parse_args(argv)
    widths = (784, 64, 64, 10) if args.quick else (784, 256, 256, 10)
    grid = 300 if args.quick else 1000
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    net = ReLUNetwork.random(widths, seed=0)
    rng = np.random.default_rng(0)
    a, b, c = rng.normal(size=(3, widths[0]))
    box = [(-0.5, 1.5), (-0.5, 1.5)]
    plane, t_restrict = _timed(lambda: restrict(net, *plane_through(a, b, c)))
    n_plane, t_plane = _timed(lambda: count_regions(plane, box))
    direct = ReLUNetwork.random((2, *widths[1:]), seed=1)
    n_direct, t_direct = _timed(lambda: count_regions(direct, box))
    found, t_grid = _timed(lambda: grid_patterns(plane, box, grid))
    print(f"\nplane through 3 points of a He-random {'-'.join(map(str, widths))} MLP, box {box}")
    print(f"  restrict (exact first layer): {t_restrict:.2f} s")
    print(
        f"  exact count: {n_plane} regions in {t_plane:.2f} s = {n_plane / t_plane:,.0f} /s "
        "(target >= 20,000 /s)"
    )
    print(
        f"  a 2-input network built directly, same hidden widths: {n_direct} regions in "
        f"{t_direct:.2f} s = {n_direct / t_direct:,.0f} /s"
    )
    ratio = (t_plane / n_plane) / (t_direct / n_direct)
    print(f"  time per region, slice / direct: {ratio:.2f} (target <= 1.5)")
    print(
        f"  {grid}x{grid} grid: {found} patterns in {t_grid:.1f} s, misses {n_plane - found} "
        f"({100 * (n_plane - found) / n_plane:.1f} %)"
    )
    line, _ = _timed(lambda: restrict(net, *line_through(a, b)))
    n_line, t_line = _timed(lambda: count_regions(line, [(-0.5, 1.5)]))
    ts = np.linspace(-0.5, 1.5, grid * grid)
    seen = set()
    h = ts[:, None]
    bits = []
    for W, bb in zip(line.weights[:-1], line.biases[:-1], strict=True):
        z = h @ W.T + bb
        bits.append(z > 0)
        h = np.maximum(z, 0)
    seen = {r.tobytes() for r in np.packbits(np.concatenate(bits, axis=1), axis=1)}
    print(
        f"\nline through 2 points: {n_line} regions in {t_line:.3f} s (target < 1 s); "
        f"{grid * grid} points find {len(seen)}, missing {n_line - len(seen)}"
    )
    trained_digits(grid)
    print(f"\nload average {os.getloadavg()[0]:.1f} (1 min) at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
