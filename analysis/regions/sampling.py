"""The common alternative to exact counting: distinct activation patterns at sampled inputs.

Sampling a box and counting the distinct float activation patterns is what most people do. It
gives a **lower bound** on the number of activation regions of the box (a region that no sample
hits is missed, and small regions almost always are), and it cannot tell a true count from an
undercount. physml provides it only to measure that undercount beside its exact counts.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
>>> sampled_pattern_count(net, [(-1, 1), (-1, 1)], n_samples=1000, seed=0)
4
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain

__all__ = ["sampled_pattern_count"]


def sampled_pattern_count(
    net: ReLUNetwork,
    domain: Sequence[Any],
    n_samples: int = 10**6,
    seed: int | np.random.Generator | None = 0,
    chunk: int = 1 << 17,
) -> int:
    """Number of distinct activation patterns at ``n_samples`` uniform points of a box.

    A lower bound on ``count_regions(net, domain)`` (up to float rounding of the patterns at
    the samples); it is *not* exact.

    Parameters
    ----------
    net : ReLUNetwork
    domain : sequence of (lo, hi)
        The box to sample, one pair per input (a box is required: ℝ^d cannot be sampled
        uniformly).
    n_samples : int
        Number of uniform samples.
    seed : int or numpy Generator
        Seed of the sampler.
    chunk : int
        Samples evaluated at once (bounds the memory).
    """
    box = normalize_domain(domain, net.input_dim)
    if box is None:
        raise ValueError("sampling needs a box domain: all of R^d cannot be sampled uniformly")
    if n_samples < 1 or chunk < 1:
        raise ValueError("n_samples and chunk must be positive")
    lo = np.array([float(a) for a, _ in box])
    hi = np.array([float(b) for _, b in box])
    rng = np.random.default_rng(seed)
    n_units = sum(net.hidden_widths)
    weights = np.left_shift(np.uint64(1), np.arange(min(n_units, 64), dtype=np.uint64))
    found: set[Any] = set()
    for start in range(0, n_samples, chunk):
        m = min(chunk, n_samples - start)
        X = lo + (hi - lo) * rng.random((m, net.input_dim))
        with np.errstate(over="ignore", invalid="ignore"):
            bits = np.concatenate([z > 0 for z in net.preactivations(X)], axis=1)
        if n_units <= 64:  # one integer key per pattern
            keys = np.bitwise_or.reduce(np.where(bits, weights, np.uint64(0)), axis=1)
            found.update(np.unique(keys).tolist())
        else:
            found.update(row.tobytes() for row in np.unique(np.packbits(bits, axis=1), axis=0))
    return len(found)
