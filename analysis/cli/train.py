"""``physml train``: train a ReLU network on a data set and watch its exact regions.

Examples (shell)::

    physml train --data moons --widths 2,16,16,2 --optimizer adam --eta 0.01 --epochs 300 \\
        --track-regions --out runs/moons
    physml train --data sawtooth --widths 1,8,8,1 --optimizer momentum --eta 0.05 --steps 2000

Writes into ``--out`` (a new or empty folder, or one of an earlier ``physml train``): the
trained network ``net.npz``, the history ``history.json`` and ``history.csv``, and the figures
``loss.png``, ``regions.png`` (with ``--track-regions``) and, for 1 or 2 inputs, ``net.png``
(the function, or the region map with the decision boundary). Nothing else there is touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from analysis import datasets
from analysis.cli.regions import parse_widths
from analysis.networks import ReLUNetwork
from analysis.optimizers import adagrad, adam, gd, momentum, nesterov, rmsprop, sgd
from analysis.progress import ProgressLine
from analysis.training import train

__all__ = ["add_parser", "run"]

_CLASSIFY: dict[str, Callable[..., Any]] = {
    "moons": datasets.moons,
    "circles": datasets.circles,
    "spirals": datasets.spirals,
    "xor": datasets.xor,
}
_REGRESS: dict[str, Callable[..., Any]] = {
    "sine": datasets.sine,
    "sawtooth": datasets.sawtooth,
    "abs": datasets.absolute,
    "step": datasets.step,
}
_OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
_OURS = ("net.npz", "history.json", "history.csv", "loss.png", "regions.png", "net.png")
_MARK = "physml train"


def _optimizer(name: str, eta: float, gamma: float) -> Any:
    if name in ("momentum", "nesterov"):
        return (momentum if name == "momentum" else nesterov)(eta=eta, gamma=gamma)
    return {"gd": gd, "sgd": sgd, "rmsprop": rmsprop, "adam": adam, "adagrad": adagrad}[name](
        eta=eta
    )


def _out_folder(path: str) -> Path:
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: it is a file, not a folder")
    if out.is_dir():
        entries = [e.name for e in out.iterdir()]
        hist = out / "history.json"
        ours = False
        if hist.is_file():
            try:
                ours = json.loads(hist.read_text(encoding="utf-8")).get("generator") == _MARK
            except (ValueError, OSError, AttributeError):
                ours = False
        if entries and not ours:
            raise ValueError(
                f"--out {out}: the folder is not empty and holds no run of physml train "
                "(choose an empty or new folder)"
            )
    out.mkdir(parents=True, exist_ok=True)
    return out


def _write(path: Path, write: Any) -> None:
    """Write a file of ours atomically (a temporary file in the same folder, then a rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _figures(out: Path, res: Any, net: ReLUNetwork, X: np.ndarray, y: np.ndarray) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots.regions import plot_function_1d, plot_slice

    h = res.history
    written = []
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.semilogy(h["step"], h["train_loss"], label="train")
    if any(v is not None for v in h["test_loss"]):
        ax.semilogy(h["step"], h["test_loss"], label="test")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    _write(out / "loss.png", lambda p: fig.savefig(p, dpi=150, bbox_inches="tight", format="png"))
    plt.close(fig)
    written.append("loss.png")
    if "regions" in h:
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
        ax.plot(h["step"], h["regions"], "o-")
        ax.set_xlabel("step")
        ax.set_ylabel("exact activation regions")
        _write(out / "regions.png", lambda p: fig.savefig(p, dpi=150, format="png"))
        plt.close(fig)
        written.append("regions.png")
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    box = [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]
    if net.input_dim == 1:
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        plot_function_1d(net, ax=ax, domain=box[0])
        ax.plot(X[:, 0], y.reshape(len(X), -1)[:, 0], ".", color="0.5", markersize=3)
    elif net.input_dim == 2:
        fig = plot_slice(net, box, [tuple(p) for p in X[:0]])
        for ax in fig.axes[:2]:
            ax.scatter(X[:, 0], X[:, 1], c=y if y.ndim == 1 else None, s=4, cmap="coolwarm")
    else:
        return written
    _write(out / "net.png", lambda p: fig.savefig(p, dpi=150, bbox_inches="tight", format="png"))
    plt.close(fig)
    written.append("net.png")
    return written


def run(args: argparse.Namespace) -> int:
    """Execute ``physml train`` for parsed arguments (see the module documentation)."""
    widths = parse_widths(args.widths, "--widths")
    if len(widths) < 2:
        raise ValueError("--widths needs at least D_i,D_o (all widths, inputs first)")
    if (args.epochs is None) == (args.steps is None):
        raise ValueError("give exactly one of --epochs and --steps")
    if args.data in _CLASSIFY:
        X, y = _CLASSIFY[args.data](args.n, seed=args.seed)
        loss = "logistic" if widths[-1] == 1 else "cross_entropy"
        if loss == "logistic":
            y = y.reshape(-1, 1).astype(float)
    elif args.data in _REGRESS:
        X, y = _REGRESS[args.data](args.n, seed=args.seed)
        loss = "mse"
    else:
        X, y = datasets.digits()
        loss = "cross_entropy"
    if widths[0] != X.shape[1]:
        raise ValueError(
            f"--widths starts with {widths[0]} inputs; --data {args.data} has {X.shape[1]}"
        )
    Xtr, ytr, Xte, yte = datasets.train_test_split(X, y, 0.25, seed=args.seed)
    out = _out_folder(args.out)
    net0 = ReLUNetwork.random(widths, seed=args.seed)
    box = None
    if args.track_regions and X.shape[1] <= 2:
        lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        box = [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]
    line = ProgressLine(unit="steps", stream=sys.stderr) if args.progress else None
    if line is not None:
        per_epoch = 1 if args.batch_size is None else -(-len(Xtr) // args.batch_size)
        line.phase("training", total=args.steps or args.epochs * per_epoch)
    res = train(
        net0,
        Xtr,
        ytr,
        _optimizer(args.optimizer, args.eta, args.gamma),
        loss=loss,
        epochs=args.epochs,
        steps=args.steps,
        batch_size=args.batch_size,
        seed=args.seed,
        X_test=Xte,
        y_test=yte,
        record_every=args.record_every,
        track_regions=args.track_regions,
        domain=box,
        callback=(lambda s, v: line(s)) if line is not None else None,
    )
    if line is not None:
        line.close()
    tmp_net = out / f".net-{os.getpid()}.npz"
    try:
        res.net.save_npz(tmp_net)
        os.replace(tmp_net, out / "net.npz")
    finally:
        tmp_net.unlink(missing_ok=True)
    record = {
        "generator": _MARK,
        "data": args.data,
        "widths": widths,
        "loss": loss,
        "optimizer": args.optimizer,
        "eta": args.eta,
        "seed": args.seed,
        "history": res.history,
    }
    _write(
        out / "history.json",
        lambda p: p.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8"),
    )

    def write_csv(p: Path) -> None:
        cols = list(res.history)
        with open(p, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            w.writerows(zip(*(res.history[c] for c in cols), strict=True))

    _write(out / "history.csv", write_csv)
    figs = _figures(out, res, res.net, X, y)
    h = res.history
    print(
        f"trained {'-'.join(map(str, widths))} on {args.data} ({loss}) with {args.optimizer}: "
        f"loss {h['train_loss'][0]:.4g} -> {h['train_loss'][-1]:.4g}"
        + (f", test accuracy {h['accuracy'][-1]:.3f}" if h["accuracy"][-1] is not None else "")
        + (f", exact regions {h['regions'][0]} -> {h['regions'][-1]}" if "regions" in h else "")
    )
    print(f"wrote {out}: " + ", ".join(["net.npz", "history.json", "history.csv", *figs]))
    return 0


DESCRIPTION = """\
Train a ReLU network with one of the lecture's optimizers (numpy, float64 backpropagation)
and, with --track-regions, count its activation regions exactly at every record.

The folder --out receives net.npz (the trained network), history.json and history.csv
(step, train_loss, test_loss, accuracy, regions) and figures: the loss curves, the regions
over training, and for 2 inputs the exact region map with the decision boundary. A quarter
of the data is held out as the test set."""

EPILOG = """\
examples:
  physml train --data moons --widths 2,16,16,2 --optimizer adam --eta 0.01 --epochs 300 \\
      --track-regions --out runs/moons
  physml train --data sawtooth --widths 1,8,8,1 --optimizer momentum --eta 0.05 --steps 2000"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``physml train``."""
    p = sub.add_parser(
        "train",
        help="train a ReLU network on a data set and track its exact regions",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    choices = [*_CLASSIFY, *_REGRESS, "digits"]
    p.add_argument("--data", choices=choices, default="moons", help="data set (default: moons)")
    p.add_argument(
        "--n", type=int, default=400, help="points of a synthetic data set (default: 400)"
    )
    p.add_argument(
        "--widths",
        default="2,16,16,2",
        help="all widths D_i,n_1,...,D_o; D_o = 1 is a logistic classifier, more outputs "
        "softmax (default: 2,16,16,2)",
    )
    p.add_argument(
        "--optimizer", choices=_OPTIMIZERS, default="adam", help="optimizer (default: adam)"
    )
    p.add_argument("--eta", type=float, default=0.01, help="learning rate η (default: 0.01)")
    p.add_argument(
        "--gamma",
        type=float,
        default=0.9,
        help="momentum γ, for momentum and nesterov (default: 0.9)",
    )
    p.add_argument("--epochs", type=int, help="passes over the training data (or give --steps)")
    p.add_argument("--steps", type=int, help="optimizer steps (or give --epochs)")
    p.add_argument("--batch-size", type=int, help="mini-batch size in points (default: full batch)")
    p.add_argument(
        "--record-every", type=int, default=10, help="steps between records (default: 10)"
    )
    p.add_argument(
        "--track-regions",
        action="store_true",
        help="count the exact regions at every record, on the data's box (D_i <= 2; default: off)",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed of the data, weights and batches (default: 0)"
    )
    p.add_argument("--out", default="physml-train", help="output folder (default: physml-train)")
    p.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar with rate and time left on stderr (default: off)",
    )
    p.set_defaults(func=run)
    return p
