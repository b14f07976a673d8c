"""Exact linear regions of ReLU networks with one input.

On the line every hidden unit's pre-activation is affine on each piece of the previous
layers' subdivision, so the regions come from splitting intervals layer by layer at exact
rational breakpoints ``x = -q/p`` (the root of the unit's affine pre-activation
``p x + q`` on the piece, kept where it lies strictly inside the piece).

What is counted
---------------
* ``kind="activation"``: the maximal open intervals of the domain on which the activation
  pattern is constant (a unit whose pre-activation is exactly 0 on a whole interval counts as
  inactive there). In one dimension each pattern's set is convex, so these are the intervals
  between consecutive distinct breakpoints.
* ``kind="linear"``: the maximal intervals on which the output is one affine map. Adjacent
  activation intervals whose exact affine output maps are equal merge (the network is
  continuous, so equal slopes at a shared end mean equal maps).

``domain=None`` is all of R (the two outer regions are unbounded); otherwise a single
``(lo, hi)`` pair, ``[(lo, hi)]``.

>>> net = ReLUNetwork([[[1], [1]], [[1, -1]]], [[0, -1], [0]])   # relu(x) - relu(x - 1)
>>> [(r.pattern, r.point) for r in iter_regions_1d(net)]   # doctest: +NORMALIZE_WHITESPACE
[(((False, False),), (Fraction(-1, 1),)),
 (((True, False),), (Fraction(1, 2),)),
 (((True, True),), (Fraction(2, 1),))]
>>> count_regions_1d(net), count_regions_1d(net, kind="linear")
(3, 3)
>>> same = ReLUNetwork([[[1], [1]], [[1, -1]]], [[0, 0], [0]])   # relu(x) - relu(x) = 0
>>> count_regions_1d(same), count_regions_1d(same, kind="linear")
(2, 1)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FuturesTimeout
from fractions import Fraction
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.exact.scaling import integer_layers
from analysis.regions.limits import Limits, validate_limits
from analysis.regions.methods.oned.engine import (
    Engine,
    _Acc,
    _float_filtered,
    _float_task,
    _layer0_cuts,
    _limit_error,
    _run,
    _submit_pieces,
    _time_error,
    _to_i64,
    outer_breakpoints,
)
from analysis.regions.types import Inequality, Region
from theory.networks import max_regions_1d

__all__ = ["iter_regions_1d", "count_regions_1d", "upper_bound_1d", "check_network_1d"]

_ZERO = Fraction(0)
_ONE = Fraction(1)


def check_network_1d(net: Any) -> ReLUNetwork:
    """Return ``net`` if it is a :class:`ReLUNetwork` with one input, else raise.

    >>> check_network_1d(ReLUNetwork([[[1], [2]], [[1, 1]]], [[0, 0], [0]])).input_dim
    1
    """
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be a ReLUNetwork, got {type(net).__name__}")
    if net.input_dim != 1:
        raise ValueError(
            f"the 1-D region methods need a network with one input; this one has "
            f"input_dim={net.input_dim} (layer 0 weights have shape "
            f"{net.exact_weights[0].shape})"
        )
    return net


def upper_bound_1d(net: ReLUNetwork) -> int:
    """The 1-input upper bound ``prod(n_l + 1)`` on the number of regions (a bound, not exact).

    >>> upper_bound_1d(ReLUNetwork([[[1], [1]], [[1, 1], [1, 1]], [[1, 1]]], [[0, 0], [0, 0], [0]]))
    9
    """
    return int(max_regions_1d(net.hidden_widths)) if net.depth else 1


def _interior_point(lo: Fraction | None, hi: Fraction | None) -> Fraction:
    if lo is None and hi is None:
        return _ZERO
    if lo is None:
        assert hi is not None
        return hi - 1
    if hi is None:
        return lo + 1
    return (lo + hi) / 2


def _domain_ends(domain: Any) -> tuple[Fraction | None, Fraction | None]:
    box = normalize_domain(domain, 1)
    if box is None:
        return None, None
    return box[0]


def iter_regions_1d(net: ReLUNetwork, domain: Any = None) -> Iterator[Region]:
    """The activation regions of a 1-input network, exactly, from left to right.

    A generator: regions are produced one at a time (depth first over the layers), never
    collected in a list.

    Parameters
    ----------
    net : ReLUNetwork
        A network with ``input_dim == 1``.
    domain : None or [(lo, hi)]
        ``None`` for all of R, else one ``(lo, hi)`` pair (exact rationals, ``lo < hi``).

    Yields
    ------
    Region
        ``pattern`` (per hidden layer, which units are active: pre-activation > 0),
        ``point`` (the midpoint of a bounded region; ``end -/+ 1`` for an unbounded one),
        ``inequalities`` (for every unit whose pre-activation is not constant on the region,
        ``+-(p x + q) >= 0`` with ``unit=(layer, index)``, plus the domain ends ``x - lo >= 0``
        and ``hi - x >= 0`` with ``unit=None``), and the exact output map ``y = A x + c``.

    Raises
    ------
    TypeError, ValueError
        Not a ReLUNetwork, more than one input, or a bad domain.

    Examples
    --------
    >>> net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])   # |x|
    >>> [(str(r.point[0]), str(r.A[0][0]), str(r.c[0])) for r in iter_regions_1d(net, [(-2, 3)])]
    [('-1', '-1', '0'), ('3/2', '1', '0')]
    """
    check_network_1d(net)
    lo, hi = _domain_ends(domain)
    return _iter(net, lo, hi)


def _iter(net: ReLUNetwork, lo: Fraction | None, hi: Fraction | None) -> Iterator[Region]:
    base: list[Inequality] = []
    if lo is not None:
        base.append(Inequality((_ONE,), -lo, None))
    if hi is not None:
        base.append(Inequality((-_ONE,), hi, None))
    yield from _refine(integer_layers(net), 0, lo, hi, [1], [0], 1, (), tuple(base))


def _refine(
    layers: list[tuple[list[list[int]], list[int], int]],
    layer: int,
    lo: Fraction | None,
    hi: Fraction | None,
    a: list[int],
    b: list[int],
    c: int,
    pattern: tuple[tuple[bool, ...], ...],
    ineqs: tuple[Inequality, ...],
) -> Iterator[Region]:
    """Split the piece (lo, hi), on which the layer input is ``(a x + b) / c``, by ``layer``.

    Integers throughout: with the layer's ``W = Wi / d``, the pre-activation on the piece is
    ``(p x + q) / (d c)`` with ``p = Wi a`` and ``q = Wi b + Bi c``.
    """
    Wi, Bi, d = layers[layer]
    p = [sum(w * ai for w, ai in zip(row, a, strict=True)) for row in Wi]
    q = [
        sum(w * bi for w, bi in zip(row, b, strict=True)) + bb * c
        for row, bb in zip(Wi, Bi, strict=True)
    ]
    scale = d * c
    if layer == len(layers) - 1:  # the output layer: one affine map on the piece
        point = (_interior_point(lo, hi),)
        A = tuple((Fraction(pi, scale),) for pi in p)
        yield Region(pattern, point, ineqs, A, tuple(Fraction(qi, scale) for qi in q))
        return
    roots = set()
    for pi, qi in zip(p, q, strict=True):
        if pi != 0:
            r = Fraction(-qi, pi)
            if (lo is None or lo < r) and (hi is None or r < hi):
                roots.add(r)
    ends: list[Fraction | None] = [lo, *sorted(roots), hi]
    for s, e in zip(ends[:-1], ends[1:], strict=False):
        m = _interior_point(s, e)
        active = tuple(
            pi * m.numerator + qi * m.denominator > 0 for pi, qi in zip(p, q, strict=True)
        )
        new = tuple(
            Inequality(
                (Fraction(pi if act else -pi, scale),),
                Fraction(qi if act else -qi, scale),
                (layer, i),
            )
            for i, (pi, qi, act) in enumerate(zip(p, q, active, strict=True))
            if pi != 0
        )
        na = [pi if act else 0 for pi, act in zip(p, active, strict=True)]
        nb = [qi if act else 0 for qi, act in zip(q, active, strict=True)]
        yield from _refine(layers, layer + 1, s, e, na, nb, scale, (*pattern, active), ineqs + new)


def count_regions_1d(
    net: ReLUNetwork,
    domain: Any = None,
    kind: str = "activation",
    *,
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Any = None,
    executor: Any = None,
    chunk_size: int = 1 << 14,
) -> int:
    """Exact number of regions of a 1-input network, counted without building them.

    Parameters
    ----------
    net : ReLUNetwork
        A network with ``input_dim == 1``.
    domain : None or [(lo, hi)]
        ``None`` for all of R (counted on a box around the outermost breakpoints, which are
        found exactly), else one ``(lo, hi)`` pair.
    kind : {"activation", "linear"}
        ``"activation"``: maximal open intervals with one activation pattern (a unit that is
        exactly 0 on a whole interval is inactive there). ``"linear"``: maximal intervals on
        which the output is one affine map; adjacent activation intervals with the same exact
        slope (hence the same map: the network is continuous) merge.
    max_regions : int, optional
        Raise :class:`~analysis.regions.limits.RegionLimitExceeded` as soon as more regions
        than this have been counted; its ``lower_bound`` is the partial count (a lower bound
        on the true count) and the message gives the upper bound ``prod(n_l + 1)``.
    time_budget : float, optional
        Seconds; past it, raise :class:`~analysis.regions.limits.RegionTimeBudgetExceeded`
        with the partial count as ``lower_bound``. With an executor, tasks already running
        finish in the background.
    progress : callable, optional
        Called with the running count (a lower bound) after each chunk or task.
    executor : concurrent.futures.Executor, optional
        Runs independent pieces of the line in parallel (a process pool, or a Dask/Ray
        executor). Pieces are cut exactly at breakpoints of the first layers, and for
        ``kind="linear"`` the seams are merged by comparing exact slopes, so the count is
        the same whatever the executor.
    chunk_size : int
        Pieces processed together in one vectorised step (bounds the memory).

    Returns
    -------
    int
        The exact count.

    Raises
    ------
    TypeError, ValueError
        A bad network (more than one input), domain, kind or limit.
    RegionLimitExceeded, RegionTimeBudgetExceeded
        A limit was reached (both are ``ValueError``).

    Notes
    -----
    Exact: the pieces are kept in homogeneous integer coordinates (int64 while a float bound
    rules out overflow, Python integers otherwise); weights that do not scale to small
    integers go through a float64 filter with certified error bounds, and every piece it
    cannot certify is redone exactly (see :mod:`analysis.regions.methods.oned.engine` and
    :mod:`analysis.regions.methods.oned.certified`). Memory stays bounded: chunks are processed
    depth
    first and only counts are kept.

    Examples
    --------
    >>> tent = ReLUNetwork([[[1], [-1]], [[-1, -1]], [[1]]], [[0, 0], [1], [0]])  # relu(1-|x|)
    >>> count_regions_1d(tent), count_regions_1d(tent, [(0, 2)])
    (4, 2)
    """
    check_network_1d(net)
    return count_in_tasks(
        net,
        domain,
        kind,
        max_regions=max_regions,
        time_budget=time_budget,
        progress=progress,
        executor=executor,
        chunk_size=chunk_size,
    )


def count_in_tasks(
    net: ReLUNetwork,
    domain: Any,
    kind: str,
    *,
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    executor: Executor | None = None,
    chunk_size: int = 1 << 14,
    n_tasks: int = 64,
) -> int:
    """:func:`count_regions_1d`, with ``n_tasks``: how many pieces of work go to an executor.

    >>> count_in_tasks(ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]]), None, "activation")
    2
    """
    if kind not in ("activation", "linear"):
        raise ValueError(f"kind must be 'activation' or 'linear', got {kind!r}")
    max_regions, time_budget = validate_limits(max_regions, time_budget, progress, executor)
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, (int, np.integer))
        or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be a positive int, got {chunk_size!r}")
    box = normalize_domain(domain, 1)
    bound = 1
    for n in net.hidden_widths:
        bound *= n + 1
    if net.depth == 0:
        return 1
    linear = kind == "linear"
    eng = Engine.build(net, linear)
    if box is None:
        outer = outer_breakpoints(net, eng)
        if outer is None:
            return 1
        lo, hi = outer[0] - 1, outer[1] + 1
    else:
        ((lo, hi),) = box
    H0 = _to_i64(np.array([[lo.numerator, lo.denominator]], dtype=object))
    H1 = _to_i64(np.array([[hi.numerator, hi.denominator]], dtype=object))
    G = np.ones((1, 1), dtype=np.int64) if linear else None
    deadline = None if time_budget is None else time.monotonic() + float(time_budget)
    # weights that do not scale to small integers: certified float filter (activation only)
    use_float = not linear and any(w is None for w in eng.W_i64[:-1])
    if executor is None:
        acc = _Acc(linear, None, max_regions, deadline, time_budget, progress, bound)
        if use_float:
            _float_filtered(eng, lo, hi, acc, int(chunk_size))
            return acc.count
        _run(eng, 0, H0, H1, G, acc, int(chunk_size))
        return acc.count
    if use_float:  # split at the exact layer-1 breakpoints: no region straddles a seam
        cuts = _layer0_cuts(eng, lo, hi)
        futures = [
            executor.submit(_float_task, eng, a, b, int(chunk_size))
            for a, b in zip(cuts, cuts[1:], strict=False)
        ]
    else:
        futures = _submit_pieces(eng, H0, H1, G, executor, n_tasks, int(chunk_size))
    total, last = 0, None
    budget = float(time_budget) if time_budget is not None else 0.0
    try:
        for fut in futures:
            timeout = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            try:
                res = fut.result(timeout=timeout)
                cnt, first, tail = res if isinstance(res, tuple) else (res, None, None)
            except FuturesTimeout as exc:
                raise _time_error(total, budget, bound) from exc
            total += cnt - int(linear and last is not None and last == first)
            last = tail
            if max_regions is not None and total > max_regions:
                raise _limit_error(total, max_regions, bound)
            if deadline is not None and time.monotonic() > deadline:
                raise _time_error(total, budget, bound)
            if progress is not None:
                progress(total)
    finally:
        for fut in futures:
            fut.cancel()
    return total


# ---------------------------------------------------------------- the method's shape
# Every method module has ``applies(net, box)``, ``iterate(net, box, limits, **opts)`` and
# ``count(net, box, limits, kind, executor, **opts)``; see :mod:`analysis.regions.methods`.


def applies(net: ReLUNetwork, box: Any) -> str | None:
    """Why the method does not apply to ``net`` on ``box``, or ``None`` (it needs 1 input)."""
    d = net.input_dim
    return None if d == 1 else f"method 'oned' needs a network with 1 input, this one has {d}"


def iterate(net: ReLUNetwork, box: Any, limits: Limits, **opts: Any) -> Iterator[Region]:
    """The regions, one at a time, under ``limits``."""
    return limits.counted(iter_regions_1d(net, box))


def count(
    net: ReLUNetwork,
    box: Any,
    limits: Limits,
    kind: str = "activation",
    executor: Any = None,
    **opts: Any,
) -> int | None:
    """The exact count (both kinds: the 1-D method merges linear pieces itself)."""
    return count_regions_1d(
        net,
        box,
        kind,
        max_regions=limits.max_regions,
        time_budget=limits.time_budget,
        progress=limits.progress,
        executor=executor,
    )
