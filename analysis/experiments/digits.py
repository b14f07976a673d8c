"""A real data set: a digits MLP trained with Adam, and its exact regions on a plane of images.

scikit-learn's bundled 8 x 8 digits (:func:`analysis.datasets.digits`, the ``[data]`` extra).
The trained network is examined on the 2-D plane through three test images
(:func:`analysis.regions.plane_through` / :func:`~analysis.regions.restrict`): the restricted
network has two inputs, so its activation regions there are counted exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis import datasets
from analysis.networks import ReLUNetwork
from analysis.optimizers import adam
from analysis.regions import count_regions, plane_through, restrict
from analysis.regions.slices import slice_box, slice_coordinates
from analysis.training import train

__all__ = ["digits_mlp"]


def digits_mlp(
    hidden: Sequence[int] = (32, 32),
    epochs: int = 20,
    batch_size: int = 64,
    eta: float = 0.003,
    seed: int = 0,
    classes: Sequence[int] = (0, 1, 7),
    margin: str = "1/2",
    max_regions: int = 200_000,
) -> dict[str, Any]:
    """Train ``64-hidden-10`` with Adam (cross-entropy) and count regions on a plane of images.

    Returns ``net`` (trained), ``history``, ``test_accuracy``, ``plane`` (the restricted
    2-input network), ``points`` (the three images' plane coordinates), ``labels`` and
    ``predicted`` (their true and predicted classes; the first test image of each of
    ``classes``), ``domain`` (the plane's box) and
    ``regions`` (the exact count there).
    """
    X, y = datasets.digits()
    Xtr, ytr, Xte, yte = datasets.train_test_split(X, y, 0.25, seed=seed)
    widths = (64, *hidden, 10)
    res = train(
        ReLUNetwork.random(widths, seed=seed),
        Xtr,
        ytr,
        adam(eta=eta),
        loss="cross_entropy",
        epochs=epochs,
        batch_size=batch_size,
        record_every=max(1, epochs * (-(-len(Xtr) // batch_size)) // 10),
        X_test=Xte,
        y_test=yte,
        seed=seed,
    )
    net = res.net
    acc = float(np.mean(net.forward(Xte).argmax(axis=1) == yte))
    if len(classes) != 3:
        raise ValueError(f"a plane needs three images: give three classes, got {len(classes)}")
    idx = []
    for c in classes:
        where = np.flatnonzero(yte == c)
        if where.size == 0:
            raise ValueError(f"no test image of class {c!r}")
        idx.append(int(where[0]))
    origin, directions = plane_through(*(Xte[i] for i in idx))
    plane = restrict(net, origin, directions)
    domain = slice_box(2, margin)
    return {
        "net": net,
        "history": res.history,
        "test_accuracy": acc,
        "plane": plane,
        "points": slice_coordinates(2),
        "labels": [int(yte[i]) for i in idx],
        "predicted": [int(v) for v in net.forward(Xte[idx]).argmax(axis=1)],
        "domain": domain,
        "regions": count_regions(plane, domain, max_regions=max_regions),
    }
