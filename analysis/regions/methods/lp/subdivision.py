"""Exact activation regions of deep ReLU networks in any input dimension ("lp" method).

Layer-wise subdivision. On a region of the first ``l`` hidden layers the network's hidden
output is one affine map ``h_l(x) = (P x + q) / S``, so the next layer's pre-activations
``z = W_l h_l + b_l`` are affine in ``x`` on it. A unit whose ``z`` is constant on the region
(including identically zero, e.g. an all-zero unit or one fed only by dead units) does not
split it: it is active iff the constant is ``> 0``. Every other unit's hyperplane splits the
cells of the region incrementally: a cell with interior point ``p`` lies on the side of
``sign z(p)``, and the other side is kept only if ``{cell, -sign z > 0}`` is non-empty (a
strict system: full-dimensional). A pre-activation exactly 0 counts as inactive, matching
:meth:`analysis.networks.ReLUNetwork.activation_pattern`.

Exactness. All maps are kept as integer matrices over one positive integer denominator
(every rational weight is scaled to an integer; a positive scale never changes a sign), so
every sign test is exact integer arithmetic. Full-dimensionality is decided by
:mod:`analysis.regions.exact.feasibility`: a float candidate that is then verified exactly, or
an exact
rational simplex. Unbounded regions of R^d need no box: the max-slack LP has ``t <= 1`` and no
bound on ``x``.

Speed (each step keeps every decision exact):

* fewer LPs: a hyperplane that misses a region's bounding box misses the region. Each node
  inherits its parent's box (at the root, the domain); where more than ``2 D_i`` hyperplanes
  stay undecided the node gets its own, from ``2 D_i`` LPs whose duals certify the bounds
  (:func:`analysis.regions.exact.certified_simplex.float_bounds_batch`);
* cheaper LPs: up to ``_GROUP`` nodes of one layer are split in lockstep, so all their LPs
  run as a few large batches of a condensed dense simplex; the float rows of every region
  are kept, not recomputed; float answers are accepted when rigorous float error bounds
  certify them (an interior point with margin, or a Farkas certificate inside the box),
  and only the rest goes to the exact checks and the exact simplex;
* counting builds no affine maps for the leaves.

Measured (``python benchmarks/regions_nd.py``): see that script's docstring.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])  # relu(x) + relu(y)
>>> count_regions_lp(net)                                            # four quadrants
4
>>> count_regions_lp(net, [(1, 2), (-1, 1)])                         # x > 0 on this box
2
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from fractions import Fraction
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box, normalize_domain
from analysis.regions.limits import Limits, validate_limits
from analysis.regions.methods.lp.nodes import _IntNet as _IntNet  # re-export
from analysis.regions.methods.lp.nodes import _Node, _root
from analysis.regions.methods.lp.split import _GROUP, _children_many
from analysis.regions.types import Inequality, Region
from theory.networks import max_regions_shallow

__all__ = ["count_regions_lp", "iter_regions_lp", "layerwise_upper_bound"]


def layerwise_upper_bound(net: ReLUNetwork) -> int:
    """``prod_l sum_{j <= D_i} C(n_l, j)``: an upper bound on the activation regions.

    Each region of the first ``l`` layers is cut by the ``n_{l+1}`` hyperplanes of the next
    layer into at most ``sum_{j <= D_i} C(n_{l+1}, j)`` pieces (Zaslavsky; any position), so
    the product bounds the count on any domain (a bound, attained only in special cases).

    >>> from analysis.networks import ReLUNetwork
    >>> layerwise_upper_bound(ReLUNetwork([[[1, 0]] * 3, [[1] * 3]], [[0] * 3, [0]]))
    7
    """
    d = net.input_dim
    return math.prod(int(max_regions_shallow(n, d)) for n in net.hidden_widths)


def _region(net: _IntNet, node: _Node) -> Region:
    """The exact :class:`Region` of a leaf node (all hidden layers processed)."""
    L = len(net.Wi) - 1
    Wi, bi = net.Wi[L], net.bi[L]
    den = node.S * net.s[L]
    cols = list(zip(*node.P, strict=False))
    A = tuple(
        tuple(Fraction(sum(w * p for w, p in zip(wrow, col, strict=True)), den) for col in cols)
        for wrow in Wi
    )
    c = tuple(
        Fraction(sum(w * v for w, v in zip(wrow, node.q, strict=True)) + node.S * b, den)
        for wrow, b in zip(Wi, bi, strict=True)
    )
    ineqs = []
    for row, k, u in zip(node.rows, node.consts, node.units, strict=True):
        g = math.gcd(k, *row)
        ineqs.append(Inequality(tuple(Fraction(v // g) for v in row), Fraction(k // g), u))
    X, pden = node.point
    return Region(node.pattern, tuple(Fraction(v, pden) for v in X), tuple(ineqs), A, c)


def _walk(
    net: _IntNet, node: _Node | Sequence[_Node], limits: Limits, maps: bool = True
) -> Iterator[_Node]:
    """Depth-first leaves under ``node`` (or under each of a list of nodes, in order).

    Memory: one path of the tree, times the group of siblings split together.
    """
    K = len(net.Wi) - 1
    stack = [node] if isinstance(node, _Node) else list(reversed(node))
    while stack:
        nd = stack.pop()
        if nd.layer == K:
            limits.tick()
            yield nd
            continue
        limits.check(pending=len(stack) + 1)
        group = [nd]
        while len(group) < _GROUP and stack and stack[-1].layer == nd.layer:
            group.append(stack.pop())
        for kids in reversed(_children_many(net, group, maps, limits, len(stack))):
            stack.extend(reversed(kids))


def _prepare(net: Any, domain: Any) -> tuple[_IntNet, Box | None]:
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be an analysis.networks.ReLUNetwork, got {type(net).__name__}")
    box = normalize_domain(domain, net.input_dim)
    return _IntNet.from_net(net).with_box(box), box


def iter_regions_lp(
    net: ReLUNetwork,
    domain: Any = None,
    *,
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    limits: Limits | None = None,
) -> Iterator[Region]:
    """Yield every activation region of ``net`` on ``domain`` exactly, depth first.

    Parameters
    ----------
    net : ReLUNetwork
        Any depth, any input dimension.
    domain : None or sequence of (lo, hi)
        ``None`` is all of R^{D_i}; otherwise a box.
    max_regions : int, optional
        Raise :class:`~analysis.regions.limits.RegionLimitExceeded` on finding more.
    time_budget : float, optional
        Seconds; raise :class:`~analysis.regions.limits.RegionTimeBudgetExceeded` past it.
    progress : callable, optional
        Called with the number of regions found so far, at geometrically spaced counts.
    limits : Limits, optional
        The three above as one object (then they are not given separately).

    Yields
    ------
    Region
        Pattern, exact interior point, defining inequalities, exact output map.

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])   # |x|
    >>> [(r.pattern, r.A) for r in iter_regions_lp(net)]
    [(((True, False),), ((Fraction(1, 1),),)), (((False, True),), ((Fraction(-1, 1),),))]
    """
    inet, box = _prepare(net, domain)
    if limits is None:
        limits = Limits(max_regions, time_budget, progress)
    limits.bound = limits.bound or layerwise_upper_bound(net)
    for leaf in _walk(inet, _root(inet, box), limits):
        yield _region(inet, leaf)


def _count_subtree(
    inet: _IntNet,
    node: _Node | Sequence[_Node],
    max_regions: int | None,
    deadline: float | None,
) -> int:
    limits = Limits(max_regions, None, None, deadline=deadline)
    n = 0
    for _ in _walk(inet, node, limits, maps=False):
        n += 1
    return n


def _frontier(inet: _IntNet, root: _Node, target: int, limits: Limits) -> list[_Node]:
    """Expand whole layers breadth first until there are ``target`` subtrees (or leaves)."""
    K = len(inet.Wi) - 1
    nodes = [root]
    while len(nodes) < target and nodes[0].layer < K - 1:
        nodes = [
            c
            for i in range(0, len(nodes), _GROUP)
            for kids in _children_many(inet, nodes[i : i + _GROUP], True, limits, len(nodes))
            for c in kids
        ]
        limits.check(pending=len(nodes))
    return nodes


def count_regions_lp(
    net: ReLUNetwork,
    domain: Any = None,
    *,
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    executor: Executor | None = None,
    chunks: int = 16,
    limits: Limits | None = None,
) -> int:
    """Exact number of activation regions of ``net`` on ``domain`` (layer-wise subdivision).

    Parameters
    ----------
    net, domain, max_regions, time_budget, progress
        As in :func:`iter_regions_lp`.
    executor : concurrent.futures.Executor, optional
        Count the subtrees below the first layer(s) in parallel (a process pool, a Dask
        ``Client``, ...). The count is the same for every executor; default serial.
    chunks : int
        Roughly how many independent subtrees to submit to ``executor``.

    Returns
    -------
    int
        The exact count (equality, not an estimate).

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
    >>> count_regions_lp(net)     # three lines through the origin: 6 sectors
    6
    """
    validate_limits(executor=executor)
    inet, box = _prepare(net, domain)
    if limits is None:
        limits = Limits(max_regions, time_budget, progress)
    limits.bound = limits.bound or layerwise_upper_bound(net)
    before = limits.found
    root = _root(inet, box)
    K = len(inet.Wi) - 1
    if executor is None or K == 0:
        for _ in _walk(inet, root, limits, maps=False):
            pass
        return limits.found - before
    nodes = _frontier(inet, root, chunks, limits)
    # contiguous pieces of the frontier: siblings stay together and are split in lockstep
    n_pieces = max(1, min(chunks, len(nodes)))
    bounds = [len(nodes) * i // n_pieces for i in range(n_pieces + 1)]
    futures = [
        executor.submit(_count_subtree, inet, nodes[a:b], limits.max_regions, limits.deadline)
        for a, b in zip(bounds, bounds[1:], strict=False)
        if b > a
    ]
    try:
        for fut in futures:
            limits.tick(fut.result())
    finally:
        for fut in futures:
            fut.cancel()
    return limits.found - before


# ---------------------------------------------------------------- the method's shape
# Every method module has ``applies(net, box)``, ``iterate(net, box, limits, **opts)`` and
# ``count(net, box, limits, kind, executor, **opts)``; see :mod:`analysis.regions.methods`.


def applies(net: ReLUNetwork, box: Any) -> str | None:
    """``None``: the layer-wise subdivision applies to every network and domain."""
    return None


def iterate(net: ReLUNetwork, box: Any, limits: Limits, **opts: Any) -> Iterator[Region]:
    """The regions depth first, under ``limits``."""
    return iter_regions_lp(net, box, limits=limits)


def count(
    net: ReLUNetwork,
    box: Any,
    limits: Limits,
    kind: str = "activation",
    executor: Executor | None = None,
    chunks: int | None = None,
    **opts: Any,
) -> int | None:
    """The exact count of activation regions (``None`` for ``kind="linear"``)."""
    if kind != "activation":
        return None
    return count_regions_lp(
        net, box, executor=executor, limits=limits, chunks=16 if chunks is None else chunks
    )
