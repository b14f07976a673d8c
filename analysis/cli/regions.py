"""``physml regions``: count a network's linear regions exactly and check the lecture's formulas.

Examples (shell)::

    physml regions net.npz --domain=-1,1,-1,1 --plot regions.png
    physml regions --random 2,8,8,1 --seed 0 --domain=-1,1,-1,1
    physml regions --construct 3,3,3 --plot function.png
    physml regions net.json --kind linear --method lp --max-regions 100000 --progress

The network comes from an ``.npz`` or ``.json`` file, a random network (``--random`` takes all
widths ``D_i,n_1,...,n_K,D_o``), or the maximum-regions construction (``--construct`` takes
the hidden widths ``n_1,...,n_K`` of a 1-input network). ``--domain`` is a box
``lo,hi[,lo,hi...]`` (write ``--domain=-1,1`` when it starts with a minus sign; entries may be
``p/q``); without it the count is on all of R^{D_i}. The command prints the exact count and the
lecture check table (:mod:`analysis.regions.checks`).

Exit status: 0 on success; 1 when a check is violated; 2 for bad input or a refused
enumeration (over ``--max-regions`` or ``--time-budget``: the message gives the lower bound).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from analysis.constructions import max_regions_network
from analysis.networks import ReLUNetwork
from analysis.progress import ProgressLine
from analysis.regions import count_regions, decision_boundary
from analysis.regions.api import METHODS, REGION_KINDS, choose_method
from analysis.regions.checks import lecture_check, to_markdown
from analysis.regions.limits import RegionLimitExceeded, RegionTimeBudgetExceeded
from analysis.regions.slices import (
    line_through,
    plane_through,
    restrict,
    slice_box,
    slice_coordinates,
)
from theory.networks import serra_upper_bound

__all__ = ["add_parser", "load_network", "parse_domain", "parse_widths", "run"]


def parse_widths(text: str, name: str = "widths") -> list[int]:
    """``"2,8,8,1"`` -> ``[2, 8, 8, 1]``; ``ValueError`` naming ``name`` otherwise.

    >>> parse_widths("2, 8,1")
    [2, 8, 1]
    """
    try:
        ws = [int(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise ValueError(f"{name}: expected comma-separated integers, got {text!r}") from exc
    if not ws or min(ws) < 1:
        raise ValueError(f"{name}: widths must be integers >= 1, got {text!r}")
    return ws


def parse_domain(text: str | None, d_in: int) -> list[tuple[str, str]] | None:
    """``"lo,hi,lo,hi"`` -> ``[(lo, hi), (lo, hi)]`` (strings, read exactly later), or None.

    >>> parse_domain("-1,1/2", 1)
    [('-1', '1/2')]
    """
    if text is None:
        return None
    vals = [v.strip() for v in text.split(",")]
    if len(vals) != 2 * d_in:
        raise ValueError(
            f"--domain needs {2 * d_in} numbers lo,hi per input for {d_in} input(s), "
            f"got {len(vals)}"
        )
    return [(vals[2 * i], vals[2 * i + 1]) for i in range(d_in)]


def load_network(args: argparse.Namespace) -> tuple[ReLUNetwork, bool, str]:
    """The network named by the arguments, whether it is a construction, and a label."""
    sources = [s for s in (args.network, args.random, args.construct) if s is not None]
    if len(sources) != 1:
        raise ValueError("give exactly one of: a network file, --random WIDTHS, --construct WIDTHS")
    if args.network is not None:
        path = Path(args.network)
        if path.is_dir():
            raise ValueError(f"{path}: is a folder, not a network file")
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        if path.suffix == ".npz":
            return ReLUNetwork.load_npz(path), False, path.name
        if path.suffix == ".json":
            return ReLUNetwork.from_json(path), False, path.name
        if path.suffix in (".pt", ".pth"):
            return ReLUNetwork.load_torch_state_dict(path), False, path.name
        raise ValueError(
            f"network file must end in .npz, .json or .pt (a torch state_dict), got {path.name}"
        )
    if args.random is not None:
        ws = parse_widths(args.random, "--random")
        if len(ws) < 2:
            raise ValueError("--random needs at least D_i,D_o (all widths, inputs first)")
        net = ReLUNetwork.random(ws, seed=args.seed)
        return net, False, f"random {'-'.join(map(str, ws))} seed {args.seed}"

    ws = parse_widths(args.construct, "--construct")
    return max_regions_network(ws), True, f"construction {'-'.join(map(str, [1, *ws, 1]))}"


def _through(net: ReLUNetwork, path: str, label: str) -> tuple[ReLUNetwork, list, str]:
    """The network on the line (2 points) or plane (3 points) through the points in ``path``."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"--through: no such file: {p}")
    try:
        pts = np.load(p, allow_pickle=False) if p.suffix == ".npy" else np.loadtxt(p, ndmin=2)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"--through {p}: cannot read the points ({exc})") from None
    pts = np.asarray(pts)
    if pts.ndim == 3 and pts.shape[0] in (2, 3):  # images: one point per image
        pts = pts.reshape(pts.shape[0], -1)
    if pts.ndim != 2 or pts.shape[0] not in (2, 3) or pts.dtype.kind not in "iuf":
        raise ValueError(
            f"--through {p}: expected 2 or 3 rows of numbers (a segment or a plane), "
            f"got an array of shape {pts.shape}"
        )
    if pts.shape[1] != net.input_dim:
        raise ValueError(
            f"--through {p}: the points have {pts.shape[1]} coordinates, the network "
            f"{net.input_dim} inputs"
        )
    if not np.all(np.isfinite(pts)):
        raise ValueError(f"--through {p}: the points have non-finite coordinates")
    k = pts.shape[0] - 1
    origin, dirs = line_through(*pts) if k == 1 else plane_through(*pts)
    what = "line through 2 points" if k == 1 else "plane through 3 points"
    return restrict(net, origin, dirs), slice_coordinates(k), f"{label}, on the {what} of {p.name}"


_PLOT_FORMATS = (".png", ".svg", ".pdf")


def _check_plot_path(path: str) -> None:
    """``--plot`` writes exactly ``path``: it must name a picture format matplotlib writes."""
    if Path(path).suffix.lower() not in _PLOT_FORMATS:
        raise ValueError(f"--plot: the file must end in {', '.join(_PLOT_FORMATS)}, got {path!r}")


def _plot(net: ReLUNetwork, domain: Any, path: str, points: Any = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots.regions import plot_function_1d, plot_regions_2d, plot_slice

    if points is not None:
        fig = plot_slice(net, domain, points)
        fig.savefig(path, dpi=150, bbox_inches="tight")
        plt.close(fig)
        return
    if net.input_dim == 1:
        ax = plot_function_1d(net, domain=None if domain is None else domain[0])
    elif net.input_dim == 2:
        if domain is None:
            raise ValueError("--plot for a 2-input network needs --domain lo,hi,lo,hi")
        ax = plot_regions_2d(net, domain)
    else:
        raise ValueError(f"--plot draws 1- or 2-input networks, this one has {net.input_dim}")
    from matplotlib.figure import Figure

    fig = ax.figure
    assert isinstance(fig, Figure)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)


def _save(net: ReLUNetwork, path: str) -> None:
    if path.endswith(".json"):
        Path(path).write_text(net.to_json(), encoding="utf-8")
    elif path.endswith(".npz"):
        net.save_npz(path)
    else:
        raise ValueError(f"--save: the file must end in .npz or .json, got {path!r}")


def _say_bound_against_limit(net: Any, max_regions: int) -> None:
    """Before counting, compare Serra et al.'s upper bound with the limit and say so."""
    bound = int(serra_upper_bound(list(net.hidden_widths), net.input_dim))
    if bound > max_regions:
        print(
            f"physml regions: note: the upper bound on the count (Serra et al. 2018) is {bound}, "
            f"above --max-regions {max_regions}: the count may stop at the limit",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    """Execute ``physml regions`` for parsed arguments (see the module documentation)."""
    progress = None
    try:
        if args.plot:
            _check_plot_path(args.plot)
        net, construction, label = load_network(args)
        points = None
        if args.through is not None:
            net, points, label = _through(net, args.through, label)
            construction = False
        domain: Any = parse_domain(args.domain, net.input_dim)
        if domain is None and points is not None:
            domain = slice_box(net.input_dim, args.margin)
        method = choose_method(net, domain, args.method)
        progress = None
        if args.progress:
            bound = int(serra_upper_bound(list(net.hidden_widths), net.input_dim))
            progress = ProgressLine(bound=bound)
        if args.max_regions is not None:
            _say_bound_against_limit(net, args.max_regions)
        opts = {"max_regions": args.max_regions, "time_budget": args.time_budget}
        count = count_regions(
            net,
            domain,
            kind=args.kind,
            method=method,
            progress=progress,
            **{k: v for k, v in opts.items() if v is not None},
        )
        if progress is not None:
            progress.close()
        if args.save:
            _save(net, args.save)
        rows = lecture_check(
            net, domain, kind=args.kind, construction=construction, count=count, label=label
        )
        if args.plot:
            _plot(net, domain, args.plot, points)
    except (RegionLimitExceeded, RegionTimeBudgetExceeded) as exc:
        if progress is not None:
            progress.close()
        print(f"physml regions: stopped: {exc}", file=sys.stderr)
        return 2
    where = (
        f"R^{net.input_dim}"
        if domain is None
        else "the box " + " x ".join(f"({lo}, {hi})" for lo, hi in domain)
    )
    widths = (net.input_dim, *net.hidden_widths, net.output_dim)
    print(f"network: {label} (widths {'-'.join(map(str, widths))})")
    print(f"{args.kind} regions on {where}: {count} (exact, method {method})")
    print()
    print(to_markdown(rows))
    if args.boundary:
        b = decision_boundary(net, domain)
        print(
            f"\ndecision boundary on {where}: {b.n_pieces} pieces (exact), crossing "
            f"{b.regions_crossed} of {b.n_regions} activation regions"
        )
    if args.plot:
        print(f"\nwrote {args.plot}")
    if args.save:
        print(f"wrote {args.save}")
    return 0 if all(r.ok for r in rows) else 1


DESCRIPTION = """\
Count a ReLU network's linear regions exactly and check the lecture's formulas.

The count is exact for the network's weights (a float64 weight is an exact rational): ties
and degenerate arrangements are decided in exact arithmetic. The network is a file, a random
network (--random) or the maximum-regions construction (--construct). The output is the
count and a check table: the count beside (D+1)^K, the Zaslavsky and Serra et al. bounds,
each with its kind (exact, upper bound, lower bound).

Exit status: 0 success; 1 a check is violated; 2 bad input, or a limit reached (the message
gives the lower bound found)."""

EPILOG = """\
examples:
  physml regions --construct 5,5,5
  physml regions --random 2,16,16,1 --seed 3 --domain -1,1,-1,1 --plot regions.png
  physml regions net.npz --kind linear --max-regions 1000000 --progress
  physml regions mlp.pt --through pts.npy --boundary --plot slice.png"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``physml regions`` on the ``physml`` sub-command parser.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); s = p.add_subparsers()
    >>> _ = add_parser(s)
    >>> p.parse_args(["regions", "--construct", "3,3"]).construct
    '3,3'
    """
    p = sub.add_parser(
        "regions",
        help="count a network's linear regions exactly and check the lecture's formulas",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "network",
        nargs="?",
        help="network file: .npz or .json (physml's formats), or a torch state_dict (.pt)",
    )
    p.add_argument(
        "--random",
        metavar="WIDTHS",
        help="a He-random network instead, all widths D_i,n_1,...,n_K,D_o (e.g. 2,16,16,1)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of --random (default: 0)")
    p.add_argument(
        "--construct",
        metavar="WIDTHS",
        help="the 1-input maximum-regions construction instead, hidden widths n_1,...,n_K",
    )
    p.add_argument(
        "--domain",
        metavar="BOX",
        help="count in the box lo,hi[,lo,hi...], entries decimal or p/q (default: all of R^D_i)",
    )
    p.add_argument(
        "--kind",
        choices=REGION_KINDS,
        default="activation",
        help="activation: regions of one on/off pattern of the units; linear: the pieces on "
        "which the function is affine (neighbours with the same map merged); "
        "(default: activation)",
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="exact counting method; auto picks by inputs and depth (default: auto)",
    )
    p.add_argument(
        "--max-regions",
        type=int,
        metavar="N",
        help="stop, exit 2, once the count is certain to exceed N regions (default: no limit)",
    )
    p.add_argument(
        "--time-budget",
        type=float,
        metavar="SECONDS",
        help="stop, exit 2, after this many seconds with a lower bound (default: no limit)",
    )
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="write a picture to exactly FILE (.png, .svg or .pdf; 1 or 2 inputs, or a slice)",
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help="show the phase, the regions so far, the rate and the share of the upper bound "
        "on stderr (default: off)",
    )
    p.add_argument(
        "--save", metavar="FILE", help="write the network counted (.npz or .json) to FILE"
    )
    p.add_argument(
        "--through",
        metavar="POINTS",
        help="count on the segment (2 points) or plane (3 points) through these points "
        "(.npy, or text with one point per row); --domain is then in slice coordinates",
    )
    p.add_argument(
        "--boundary",
        action="store_true",
        help="also count the pieces of the decision boundary (any inputs; 2+ need a box)",
    )
    p.add_argument(
        "--margin",
        default="1/2",
        help="with --through and no --domain: the box holds the points with this margin, "
        "in slice coordinates (default: 1/2)",
    )
    p.set_defaults(func=run)
    return p
