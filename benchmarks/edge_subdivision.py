"""Benchmark: physml's exact count, region graph and linear count beside edge subdivision.

The peer is the reference code of Berzins, "Polyhedral complex extraction from ReLU networks
using edge subdivision" (ICML 2023), github.com/arturs-berzins/relu_edge_subdivision, run in
torch on the CPU in float64 (its ``.float()`` casts are made float64 at load; nothing else
is changed). Give the path of a checkout with ``--peer PATH`` (or PHYSML_EDGE_SUBDIVISION);
without it only physml's times are printed.

Peer time = its vertex/edge complex of the hidden units (every unit a hyperplane; the output
is not subdivided); the regions are then read off the vertices' sign vectors (each zero, a
hyperplane through the vertex, set to + and -; "read" column, not counted in the ratio, so
the ratio is the strictest for physml).

For every row (each time the fastest of ``--repeat`` runs, default 3, for physml and the peer
alike): the exact count (physml), the peer's count and whether they agree, the times and
ratios physml/peer for the count, and physml's graph and linear count against its own
count (the targets: count <= 1x the peer, graph and linear <= 2x the count). Then the
output-sensitivity curve: 3-input networks from about 10^3 to 10^6 regions, each count (and
graph, up to 300,000 regions) alone in a fresh process, with its time and its peak
allocated memory (tracemalloc, a second run), per region.

    python benchmarks/edge_subdivision.py --peer /path/to/relu_edge_subdivision
    python benchmarks/edge_subdivision.py --quick ...
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from analysis.networks import ReLUNetwork  # noqa: E402
from analysis.regions import count_regions, region_graph  # noqa: E402

ROWS = [
    (2, (32, 32, 32, 32)),
    (3, (16, 16, 16)),
    (4, (16, 16)),
    (6, (8, 8, 8)),
    (4, (32,)),
    (8, (16,)),
    (4, (16, 16, 16)),
]
QUICK = [(2, (16, 16, 16)), (3, (8, 8, 8)), (4, (8, 8))]
#: output sensitivity: 3 inputs, three hidden layers of growing width, about 10^3 to 10^6 regions
CURVE = [(3, (w, w, w)) for w in (6, 12, 20, 32, 48, 64)]
QUICK_CURVE = CURVE[:3]

_ONE = """
import sys, time, tracemalloc
sys.path.insert(0, {root!r})
from analysis.networks import ReLUNetwork
from analysis.regions import count_regions, region_graph
net = ReLUNetwork.random({sizes!r}, seed=0)
box = [(-1.0, 1.0)] * {d}
t = time.perf_counter()
out = {call}
dt = time.perf_counter() - t
n = out if isinstance(out, int) else out.number_of_nodes()
del out
tracemalloc.start()
out = {call}
peak = tracemalloc.get_traced_memory()[1] / 1024
print(n, dt, peak)
"""


def measure_alone(d: int, hidden: tuple[int, ...], what: str) -> tuple[int, float, float]:
    """(regions, seconds, peak KiB) of one call in a new process.

    The time is of a first run; the peak is of a second run under tracemalloc (the Python
    and numpy memory the call allocates, objects it returns included).
    """
    import subprocess

    call = "count_regions(net, box)" if what == "count" else "region_graph(net, box)"
    code = _ONE.format(
        root=os.path.join(os.path.dirname(__file__), ".."), sizes=(d, *hidden, 1), d=d, call=call
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, dt, kib = out.stdout.split()
    return int(n), float(dt), float(kib)


def curve(rows: list[tuple[int, tuple[int, ...]]]) -> None:
    """Time and peak memory per region, each size in its own process."""
    print(
        f"\n{'inputs: widths':22} {'regions':>10} {'count s':>8} {'µs/region':>10} "
        f"{'KiB/region':>11} {'graph s':>8} {'graph KiB/region':>17}"
    )
    for d, hidden in rows:
        n, dt, kib = measure_alone(d, hidden, "count")
        line = f"{d}: {','.join(map(str, hidden)):18} {n:>10,} {dt:8.2f} {1e6 * dt / n:10.1f} "
        line += f"{kib / n:11.2f}"
        if n <= 300_000:
            _, gt, gkib = measure_alone(d, hidden, "graph")
            line += f" {gt:8.2f} {gkib / n:17.2f}"
        print(line, flush=True)


def load_peer(path: str, double: bool = True) -> types.ModuleType:
    """The peer's ``edge_subdivision`` module, its float32 casts made float64 (``double``)."""
    root = Path(path)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    src = (root / "edge_subdivision.py").read_text(encoding="utf-8")
    if double:
        src = src.replace(".float()", ".double()")
    mod = types.ModuleType("edge_subdivision_f64" if double else "edge_subdivision_f32")
    mod.__file__ = str(root / "edge_subdivision.py")
    exec(compile(src, mod.__file__, "exec"), mod.__dict__)  # noqa: S102 - the peer's own code
    return mod


def regions_from_vertices(v_sv: np.ndarray, n_box: int, chunk: int = 20_000) -> int:
    """The distinct cells around the vertices: each zero of a unit's sign made + and -.

    ``v_sv``: the peer's vertex sign vectors (the first ``n_box`` columns are the box's). In a
    generic arrangement the cells at a vertex are exactly the sign vectors with each of its
    zeros (the units whose hyperplane passes through it) set to +1 or -1.
    """
    units = v_sv[:, n_box:]
    seen = []
    for at in range(0, len(units), chunk):
        block = units[at : at + chunk]
        zeros = block == 0
        for z in np.unique(zeros.sum(axis=1)):
            rows = block[zeros.sum(axis=1) == z]
            where = np.nonzero(rows == 0)[1].reshape(len(rows), z)
            base = rows > 0
            for bits in range(2**z):
                pat = base.copy()
                for k in range(z):
                    pat[np.arange(len(rows)), where[:, k]] = bool(bits >> k & 1)
                seen.append(np.unique(np.packbits(pat, axis=1), axis=0))
    return len(np.unique(np.concatenate(seen), axis=0))


def peer_count(
    mod, torch, net: ReLUNetwork, lo: float, hi: float, double: bool = True
) -> tuple[int, float, float]:
    """The peer's complex and the regions read off it: (count, complex s, read-off s)."""
    from NN import Net  # the peer's network class (its repository is on sys.path)

    hidden = [net.input_dim, *net.hidden_widths]  # every unit a hyperplane; no output layer
    f = Net(hidden).double() if double else Net(hidden).float()
    with torch.no_grad():
        for lin, W, b in zip(f.fcs, net.weights[:-1], net.biases[:-1], strict=True):
            lin.weight.copy_(torch.as_tensor(W))
            lin.bias.copy_(torch.as_tensor(b))
    t0 = time.perf_counter()
    with torch.no_grad():
        _vs, _edges, v_sv = mod.skeletal_subdivision(
            f, bbox=(lo, hi), device=torch.device("cpu"), verbose=False
        )
    t1 = time.perf_counter()
    n = regions_from_vertices(v_sv.numpy().astype(np.int8), 2 * net.input_dim)
    return n, t1 - t0, time.perf_counter() - t1


def float32_row(path: str, torch) -> None:
    """The case where the float method miscounts: its float32 run on an 8-8-8-8 box."""
    d, hidden = 8, (8, 8, 8)
    net = ReLUNetwork.random((d, *hidden, 1), seed=0)
    n, t = timed(lambda: count_regions(net, [(-1.0, 1.0)] * d))
    print(f"\n{d}: {','.join(map(str, hidden))}: physml (exact) {n:,} in {t:.2f} s", flush=True)
    for double in (True, False):
        torch.set_default_dtype(torch.float64 if double else torch.float32)
        mod = load_peer(path, double)
        m, tp, _ = peer_count(mod, torch, net, -1.0, 1.0, double)
        name = "float64" if double else "float32"
        verdict = "agrees" if m == n else f"miscounts by {m - n:+,}"
        print(f"   peer {name}: {m:,} in {tp:.2f} s ({verdict})", flush=True)
    torch.set_default_dtype(torch.float64)


def timed(fn, repeat: int = 1):
    """``fn()`` and its fastest wall time over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def peer_best(mod, torch, net: ReLUNetwork, repeat: int) -> tuple[int, float, float]:
    """The peer's count, its fastest complex time over ``repeat`` runs, and its read-off time."""
    n, t, read = peer_count(mod, torch, net, -1.0, 1.0)
    for _ in range(repeat - 1):
        m, t2, _ = peer_count(mod, torch, net, -1.0, 1.0)
        assert m == n
        t = min(t, t2)
    return n, t, read


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", default=os.environ.get("PHYSML_EDGE_SUBDIVISION"))
    ap.add_argument("--quick", action="store_true", help="three small rows")
    ap.add_argument("--no-graph", action="store_true", help="skip the graph and linear timings")
    ap.add_argument("--no-curve", action="store_true", help="skip the output-sensitivity curve")
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs of each timing; the fastest is shown (3)"
    )
    ap.add_argument(
        "--graph-up-to",
        type=int,
        default=200_000,
        help="time the graph and linear count only up to this many regions (default 200,000)",
    )
    args = ap.parse_args(argv)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    mod = torch = None
    if args.peer:
        import torch  # noqa: F811

        torch.set_num_threads(os.cpu_count() or 1)
        torch.set_default_dtype(torch.float64)  # the peer allocates with the default dtype
        mod = load_peer(args.peer)
        print(f"peer: {args.peer} (torch {torch.__version__}, float64, CPU)")
    print(
        f"\n{'inputs: widths':22} {'regions':>8} {'physml':>8} {'peer':>8} {'÷ peer':>7} "
        f"{'agree':>6} {'read':>7} {'graph':>8} {'÷ count':>8} {'linear':>8} {'÷ count':>8}"
    )
    for d, hidden in QUICK if args.quick else ROWS:
        net = ReLUNetwork.random((d, *hidden, 1), seed=0)
        box = [(-1.0, 1.0)] * d
        n, t_count = timed(lambda net=net, box=box: count_regions(net, box), args.repeat)
        line = f"{d}: {','.join(map(str, hidden)):18} {n:>8,} {t_count:8.2f}"
        if mod is not None:
            n_peer, t_peer, t_read = peer_best(mod, torch, net, args.repeat)
            agree = "yes" if n_peer == n else f"NO {n_peer}"
            line += f" {t_peer:8.2f} {t_count / t_peer:7.2f} {agree:>6} {t_read:7.2f}"
        else:
            line += f" {'—':>8} {'—':>7} {'—':>6} {'—':>7}"
        if not args.no_graph and n <= args.graph_up_to:
            _, t_graph = timed(lambda net=net, box=box: region_graph(net, box), args.repeat)
            _, t_lin = timed(
                lambda net=net, box=box: count_regions(net, box, kind="linear"), args.repeat
            )
            line += f" {t_graph:8.2f} {t_graph / t_count:8.1f} {t_lin:8.2f} {t_lin / t_count:8.1f}"
        print(line, flush=True)
    if mod is not None and not args.quick:
        float32_row(args.peer, torch)
    if not args.no_curve:
        curve(QUICK_CURVE if args.quick else CURVE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
