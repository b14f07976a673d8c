"""Public entry points: count, enumerate and connect the linear regions of a ReLU network.

What is counted
---------------
``kind="activation"`` counts the *activation regions*: the full-dimensional sets of inputs
that share one activation pattern (a pre-activation exactly 0 counts as inactive). Each is a
convex polyhedron, so there is one per realised pattern.

``kind="linear"`` counts the *linear regions*: the maximal connected sets on which the output is
one affine map. Activation regions that share a facet and carry the same exact output map
``(A, c)`` merge; the count is the number of connected components of the region graph after
that merge. It is never larger than the activation count, and smaller when, e.g., a unit's
output weight is zero:

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1], [1]], [[1, 0]]], [[0, -1], [0]])   # relu(x) + 0 * relu(x - 1)
>>> count_regions(net), count_regions(net, kind="linear")
(3, 2)

The domain is all of R^{D_i} (``domain=None``) or a box of ``(lo, hi)`` pairs; on a box a
region counts when it meets the open box in a full-dimensional set.

Methods (each exact; ``method="auto"`` picks the first that applies):

=================  ==============================================================
``"oned"``         1 input: exact breakpoints layer by layer
``"edges"``        2+ inputs on a box, any depth: certified edge subdivision (counts)
``"arrangement"``  1 hidden layer, any input dimension: Zaslavsky's theorem
``"polygon"``      2 inputs on a box, any depth: exact polygon splitting
``"lp"``           any input dimension, any depth: layer-wise subdivision with LPs
``"brute"``        small networks: every activation pattern tested by an exact LP
=================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import networkx as nx

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box, normalize_domain
from analysis.regions.graph import connect_polygons, connect_regions, linear_components
from analysis.regions.limits import Limits, validate_limits
from analysis.regions.methods import AUTO_COUNT, AUTO_ENUMERATE, TABLE
from analysis.regions.methods.arrangement.zaslavsky import LatticeTooLarge
from analysis.regions.methods.edges.graph import complex_graph
from analysis.regions.methods.polygon import iter_polygons
from analysis.regions.types import Region

__all__ = [
    "count_regions",
    "enumerate_regions",
    "iter_regions",
    "METHODS",
    "REGION_KINDS",
    "choose_method",
    "first_layer_lower_bound",
    "region_graph",
]

METHODS = ("auto", "oned", "edges", "arrangement", "polygon", "lp", "brute")
REGION_KINDS = ("activation", "linear")
_OPTIONS = ("max_regions", "time_budget", "progress", "executor", "max_units", "chunks")


def _check(net: Any, domain: Any, kind: str, method: str) -> Box | None:
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be an analysis.networks.ReLUNetwork, got {type(net).__name__}")
    if not isinstance(kind, str) or kind not in REGION_KINDS:
        raise ValueError(f"kind must be one of {REGION_KINDS}, got {kind!r}")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return normalize_domain(domain, net.input_dim)


def choose_method(
    net: ReLUNetwork, domain: Any = None, method: str = "auto", purpose: str = "count"
) -> str:
    """The method that ``method="auto"`` uses for ``net`` on ``domain`` (or check a name).

    ``purpose`` is ``"count"`` or ``"enumerate"`` (see
    :data:`~analysis.regions.methods.AUTO_COUNT`). Raises ``ValueError`` when a named method
    does not apply to the network, with the reason.

    >>> from analysis.networks import ReLUNetwork
    >>> choose_method(ReLUNetwork([[[1, 2, 3], [0, 1, 1]], [[1, 1]], [[1]]],
    ...                           [[0, 1], [0], [0]]))
    'lp'
    """
    box = _check(net, domain, "activation", method)
    if method == "auto":
        order = AUTO_COUNT if purpose == "count" else AUTO_ENUMERATE
        if (
            purpose != "count"
            and box is not None
            and net.depth == 1
            and net.input_dim >= 3
            and net.hidden_widths[0] < 8 * net.input_dim
        ):
            # one hidden layer on a box: the box's facets make the arrangement's lattice
            # large, and subdivision is faster until the units outnumber 8 per input
            # (measured on [-1, 1]^d: 6-8-1 and 8-8-1 1.3x and 5x faster, 4-32-1 1.7x slower)
            order = ("lp", *order)
        return next(m for m in order if TABLE[m].applies(net, box) is None)
    reason = TABLE[method].applies(net, box)
    if reason is not None:
        raise ValueError(reason)
    return method


def first_layer_lower_bound(net: ReLUNetwork, domain: Any = None) -> int:
    """``1 +`` the distinct first-layer hyperplanes that cross the (open) domain: a lower bound.

    Each hyperplane that meets the open domain splits at least one region of the hyperplanes
    before it, so the first layer alone has at least this many regions, and later layers only
    split them further (a *lower bound* on the activation count; exact for one hidden layer
    with parallel hyperplanes). It costs one exact pass over the first layer's weights, so a
    ``max_regions`` that this bound already exceeds is refused before any enumeration.

    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1], [2], [1]], [[1, 1, 1]]], [[0, 0, -5], [0]])  # x = 0 twice
    >>> first_layer_lower_bound(net), first_layer_lower_bound(net, [(-1, 1)])
    (3, 2)
    """
    box = normalize_domain(domain, net.input_dim)
    if net.depth == 0:
        return 1
    W, B = net.exact_weights[0], net.exact_biases[0]
    seen: set[tuple[Fraction, ...]] = set()
    for j in range(W.shape[0]):
        row = [Fraction(v) for v in W[j]]
        b = Fraction(B[j])
        lead = next((v for v in row if v != 0), None)
        if lead is None:
            continue
        if box is not None:  # the affine function's range over the box must contain 0 inside
            lo = b + sum(
                (min(w * a, w * c) for w, (a, c) in zip(row, box, strict=True)), Fraction(0)
            )
            hi = b + sum(
                (max(w * a, w * c) for w, (a, c) in zip(row, box, strict=True)), Fraction(0)
            )
            if not lo < 0 < hi:
                continue
        seen.add(tuple(v / lead for v in row) + (b / lead,))
    return 1 + len(seen)


def _split_opts(opts: dict[str, Any]) -> tuple[Limits, dict[str, Any]]:
    """One validated :class:`Limits` and the other options (executor, max_units, chunks)."""
    unknown = set(opts) - set(_OPTIONS)
    if unknown:
        raise TypeError(f"unknown option(s) {sorted(unknown)}; allowed: {sorted(_OPTIONS)}")
    validate_limits(executor=opts.get("executor"))
    limits = Limits(opts.get("max_regions"), opts.get("time_budget"), opts.get("progress"))
    rest = {k: opts[k] for k in ("executor", "max_units", "chunks") if opts.get(k) is not None}
    return limits, rest


def _refuse_early(net: ReLUNetwork, domain: Any, limits: Limits) -> None:
    """Refuse up front when the first layer alone certainly exceeds ``max_regions``.

    Under any limit, that bound is kept as the floor of the lower bound an error reports.
    """
    if limits.max_regions is not None or limits.deadline is not None:
        limits.floor = max(limits.floor, first_layer_lower_bound(net, domain))
    if limits.max_regions is not None:
        limits.check()


def iter_regions(
    net: ReLUNetwork, domain: Any = None, method: str = "auto", **opts: Any
) -> Iterator[Region]:
    """Yield the activation regions of ``net`` on ``domain``, exactly, one at a time.

    Parameters
    ----------
    net : ReLUNetwork
    domain : None or sequence of (lo, hi)
        ``None`` is all of R^{D_i}.
    method : str
        One of ``METHODS``; ``"auto"`` picks by input dimension and depth.
    **opts
        ``max_regions`` (raise :class:`~analysis.regions.limits.RegionLimitExceeded` beyond
        it), ``time_budget`` (seconds; :class:`~analysis.regions.limits.RegionTimeBudgetExceeded`),
        ``progress`` (called with the number found so far), ``max_units`` (brute force).
        Limits are validated by :func:`~analysis.regions.limits.validate_limits` and hold
        inside every method's long loops.

    Yields
    ------
    Region
        Pattern, exact interior point, inequalities, exact affine output map.

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> sorted(r.pattern for r in iter_regions(net, [(-1, 1), (0, 1)]))
    [((False, True),), ((True, True),)]
    """
    box = _check(net, domain, "activation", method)
    limits, rest = _split_opts(opts)
    m = choose_method(net, domain, method, purpose="enumerate")
    limits.phase("activation regions")
    _refuse_early(net, domain, limits)
    yield from TABLE[m].iterate(net, box, limits, **rest)


def _enumerate(
    net: ReLUNetwork, domain: Any, method: str, limits: Limits, **opts: Any
) -> list[Region]:
    """:func:`enumerate_regions` under an existing :class:`Limits`."""
    box = _check(net, domain, "activation", method)
    _, rest = _split_opts(opts)
    m = choose_method(net, domain, method, purpose="enumerate")
    limits.phase("activation regions")
    _refuse_early(net, domain, limits)
    return list(TABLE[m].iterate(net, box, limits, **rest))


def enumerate_regions(
    net: ReLUNetwork, domain: Any = None, method: str = "auto", **opts: Any
) -> list[Region]:
    """All activation regions of ``net`` on ``domain`` as a list (see :func:`iter_regions`).

    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])      # |x|
    >>> [(r.A, r.c) for r in sorted(enumerate_regions(net), key=lambda r: r.point)]
    [(((Fraction(-1, 1),),), (Fraction(0, 1),)), (((Fraction(1, 1),),), (Fraction(0, 1),))]
    """
    return list(iter_regions(net, domain, method, **opts))


def count_regions(
    net: ReLUNetwork,
    domain: Any = None,
    kind: str = "activation",
    method: str = "auto",
    **opts: Any,
) -> int:
    """The exact number of activation (or linear) regions of ``net`` on ``domain``.

    Parameters
    ----------
    net : ReLUNetwork
    domain : None or sequence of (lo, hi)
        ``None`` is all of R^{D_i}; otherwise a box.
    kind : {"activation", "linear"}
        See the module documentation; ``"linear" <= "activation"`` always.
    method : str
        One of ``METHODS``.
    **opts
        ``max_regions``, ``time_budget``, ``progress`` as in :func:`iter_regions`;
        ``executor`` (any :class:`concurrent.futures.Executor`) to count independent subtrees
        in parallel (methods "lp", "oned" and "polygon"; the count does not depend on it);
        ``max_units`` for brute force. A ``max_regions`` that the first layer alone exceeds
        (:func:`first_layer_lower_bound`) is refused before any enumeration.

    Returns
    -------
    int
        Exact (an equality, never an estimate).

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, -1], [0]])
    >>> count_regions(net), count_regions(net, method="lp"), count_regions(net, method="brute")
    (7, 7, 7)
    """
    box = _check(net, domain, kind, method)
    limits, rest = _split_opts(opts)
    m = choose_method(net, domain, method)
    _refuse_early(net, domain, limits)
    limits.phase("activation regions")
    try:
        n = TABLE[m].count(net, box, limits, kind, **rest)
    except LatticeTooLarge:
        if method != "auto":
            raise
        m = "lp"  # too many flats to list: subdivide instead, under the same limits
        n = TABLE[m].count(net, box, limits, kind, **rest)
    if n is not None:
        return n
    # linear regions: the components of the region graph with equal affine maps
    if method == "auto":
        m = choose_method(net, domain, method, purpose="enumerate")
    if m == "polygon" and not rest and box is not None:
        return linear_components(_polygon_graph(net, box, limits))
    regions = list(TABLE[m].iterate(net, box, limits, **rest))
    limits.phase("region graph")
    return linear_components(connect_regions(net, box, regions, limits))


def _polygon_graph(net: ReLUNetwork, box: Box, limits: Limits) -> nx.Graph:
    """2 inputs on a box: the exact polygons give every facet as an edge, no LP needed."""
    polys = list(iter_polygons(net, box, limits=limits))
    limits.phase("region graph")
    G = connect_polygons(net, polys)
    for i in G.nodes:
        r = G.nodes[i]["polygon"].region
        G.nodes[i].update(region=r, A=r.A, c=r.c)
    return G


def region_graph(
    net: ReLUNetwork,
    domain: Any = None,
    method: str = "auto",
    regions: Sequence[Region] | None = None,
    **opts: Any,
) -> nx.Graph:
    """The graph of activation regions, with an edge per shared facet.

    On a box with 2 to 12 inputs (``method="auto"`` or ``"edges"``) the graph comes from the
    exact complex of :mod:`analysis.regions.methods.edges`: its facets are read off the
    vertices, and each node's ``point``, ``A``, ``c`` and ``region`` are computed exactly the
    first time they are read (copies and pickles of the graph keep that). Otherwise, and
    where that arrangement is not simple, each region's facets are found exactly (one
    strict-feasibility LP per distinct unit
    hyperplane, restricted to that hyperplane, in one float batch with exact certificates
    or the exact simplex); the region across a facet is then found by its activation
    pattern just across a relative-interior point of the facet (a lexicographic
    perturbation, exact) and a dictionary lookup. Across a facet ``F`` every unit keeps its
    sign unless its pre-activation vanishes on all of ``F`` (it is affine on ``F`` and
    cannot change sign inside the region), so that pattern is the same at every point of
    ``F``: each facet has exactly one neighbour (or lies on the domain's boundary).

    Parameters
    ----------
    net : ReLUNetwork
    domain : None or sequence of (lo, hi)
    method : str
        Enumeration method (see :func:`analysis.regions.count_regions`).
    regions : sequence of Region, optional
        Already enumerated regions of ``net`` on ``domain`` (skips the enumeration). Given
        only some regions, the graph is the one induced on them.
    **opts
        Limits (``max_regions``, ``time_budget``, ``progress``, or one ``limits`` object):
        applied to the enumeration and, for the time budget, to the graph phase too.

    Returns
    -------
    networkx.Graph
        Nodes ``0..n-1`` with attributes ``pattern``, ``point`` (exact), ``A``, ``c`` and
        ``region``; edges with ``units``, the hidden units ``(layer, index)`` whose activation
        differs across the facet.

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1], [1]], [[1, 1]]], [[0, -1], [0]])   # kinks at 0 and 1
    >>> G = region_graph(net)
    >>> sorted(G.edges[e]["units"] for e in G.edges)
    [((0, 0),), ((0, 1),)]
    """
    box = _check(net, domain, "activation", method)
    limits = opts.pop("limits", None)
    if limits is None:
        limits, rest = _split_opts(opts)
    else:
        _, rest = _split_opts(opts)
    if (
        regions is None
        and not rest
        and box is not None
        and choose_method(net, domain, method) == "edges"
    ):
        limits.phase("activation regions")
        _refuse_early(net, domain, limits)
        G = complex_graph(net, box, limits)
        if G is not None:
            return G
    if (
        regions is None
        and not rest
        and box is not None
        and (choose_method(net, domain, method, purpose="enumerate") == "polygon")
    ):
        limits.phase("activation regions")
        _refuse_early(net, domain, limits)
        return _polygon_graph(net, box, limits)
    if regions is None:
        regions = _enumerate(net, domain, method, limits, **rest)
    elif rest:
        raise TypeError(f"unknown option(s) {sorted(rest)} with regions given")
    limits.phase("region graph")
    return connect_regions(net, box, regions, limits)
