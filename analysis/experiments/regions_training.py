"""Exact region counts at initialisation and during training (Hanin & Rolnick 2019).

Hanin & Rolnick found that the number of activation regions a ReLU network has along a line
(1 input) grows like the total number of neurons N at initialisation, whatever the depth, and
stays of that order during training, far below the (D+1)^K maximum. With 2 inputs the count
per unit area grows like N^2. :func:`regions_at_init` and :func:`regions_during_training`
measure this with exact counts (exact for the float64 weights).

>>> rows = regions_at_init(depths=(1, 2), neurons=(8,), seeds=(0,), input_dim=1)
>>> [(r["depth"], r["neurons"]) for r in rows]
[(1, 8), (2, 8)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.optimizers import adam
from analysis.regions import count_regions
from analysis.training import train

__all__ = ["regions_at_init", "regions_during_training", "widths_for", "loglog_slope"]


def widths_for(input_dim: int, depth: int, neurons: int, outputs: int = 1) -> tuple[int, ...]:
    """``(D_i, n, ..., n, D_o)`` with ``depth`` hidden layers sharing ``neurons`` equally.

    >>> widths_for(2, 4, 32)
    (2, 8, 8, 8, 8, 1)
    """
    if neurons % depth:
        raise ValueError(f"{neurons} neurons do not split into {depth} equal layers")
    return (input_dim, *([neurons // depth] * depth), outputs)


def _box(input_dim: int, half_width: float) -> list[tuple[float, float]]:
    return [(-half_width, half_width)] * input_dim


def regions_at_init(
    depths: Sequence[int] = (1, 2, 3, 4),
    neurons: Sequence[int] = (8, 16, 32, 64),
    seeds: Sequence[int] = (0, 1, 2),
    input_dim: int = 1,
    half_width: float = 3.0,
    bias_scale: float = 0.1,
) -> list[dict[str, Any]]:
    """Exact counts on ``[-half_width, half_width]^input_dim`` of He-initialised networks.

    Returns one row per (depth, N, seed): ``depth``, ``neurons`` (N, the total hidden units),
    ``seed``, ``widths`` and ``regions`` (the exact count of activation regions in the box).
    """
    rows = []
    for depth in depths:
        for n in neurons:
            widths = widths_for(input_dim, depth, n)
            for seed in seeds:
                net = ReLUNetwork.random(widths, seed=seed, bias_scale=bias_scale)
                rows.append(
                    {
                        "depth": depth,
                        "neurons": n,
                        "seed": seed,
                        "widths": widths,
                        "regions": count_regions(net, _box(input_dim, half_width)),
                    }
                )
    return rows


def regions_during_training(
    widths: Sequence[int],
    X: Any,
    y: Any,
    *,
    steps: int = 1000,
    record_every: int = 100,
    eta: float = 0.01,
    seed: int = 0,
    half_width: float = 3.0,
    loss: str = "mse",
) -> dict[str, Any]:
    """Train a network with Adam and count its regions exactly at every checkpoint.

    Returns ``step``, ``regions``, ``regions_is_lower_bound`` and ``train_loss`` (lists) and
    ``result`` (the :class:`~analysis.training.TrainResult`).
    """
    net = ReLUNetwork.random(widths, seed=seed)
    res = train(
        net,
        X,
        y,
        adam(eta=eta),
        loss=loss,
        steps=steps,
        record_every=record_every,
        track_regions=True,
        domain=_box(net.input_dim, half_width),
        seed=seed,
    )
    h = res.history
    return {
        "step": h["step"],
        "regions": h["regions"],
        "regions_is_lower_bound": h["regions_is_lower_bound"],
        "train_loss": h["train_loss"],
        "result": res,
    }


def loglog_slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The least-squares slope of ``log y`` against ``log x``.

    >>> round(loglog_slope([1, 2, 4], [3, 6, 12]), 12)
    1.0
    """
    return float(np.polyfit(np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float)), 1)[0])
