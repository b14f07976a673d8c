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
``"arrangement"``  1 hidden layer, any input dimension: Zaslavsky's theorem
``"polygon"``      2 inputs on a box, any depth: exact polygon splitting
``"lp"``           any input dimension, any depth: layer-wise subdivision with LPs
``"brute"``        small networks: every activation pattern tested by an exact LP
=================  ==============================================================
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.general import _Limits, count_regions_lp, iter_regions_lp
from analysis.regions.limits import RegionLimitExceeded
from analysis.regions.types import Region

__all__ = [
    "count_regions",
    "enumerate_regions",
    "iter_regions",
    "METHODS",
    "KINDS",
    "choose_method",
]

METHODS = ("auto", "oned", "arrangement", "polygon", "lp", "brute")
KINDS = ("activation", "linear")
_LIMIT_OPTS = ("max_regions", "time_budget", "progress")

# method -> (module, iterator function, counting function)
_BACKENDS = {
    "oned": ("analysis.regions.oned", "iter_regions_1d", "count_regions_1d"),
    "arrangement": (
        "analysis.regions.arrangement",
        "iter_regions_arrangement",
        "count_arrangement",
    ),
    "polygon": ("analysis.regions.polygon2d", "iter_regions_polygon", "count_regions_polygon"),
    "lp": ("analysis.regions.general", "iter_regions_lp", "count_regions_lp"),
    "brute": ("analysis.regions.brute", "iter_regions_brute", "count_regions_brute"),
}


def _backend(method: str, strict: bool) -> tuple[Callable | None, Callable | None] | None:
    mod_name, it_name, cnt_name = _BACKENDS[method]
    try:
        mod = importlib.import_module(mod_name)
    except ImportError as exc:
        if strict:
            raise ValueError(f"method {method!r} is not available: {exc}") from exc
        return None
    it, cnt = getattr(mod, it_name, None), getattr(mod, cnt_name, None)
    if it is None and cnt is None:
        if strict:
            raise ValueError(f"method {method!r} is not available in {mod_name}")
        return None
    return it, cnt


def _check(net: Any, domain: Any, kind: str, method: str) -> None:
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be an analysis.networks.ReLUNetwork, got {type(net).__name__}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    normalize_domain(domain, net.input_dim)


def choose_method(net: ReLUNetwork, domain: Any = None, method: str = "auto") -> str:
    """The method that ``method="auto"`` uses for ``net`` on ``domain`` (or check a name).

    Raises ``ValueError`` when a named method does not apply to the network.

    >>> from analysis.networks import ReLUNetwork
    >>> choose_method(ReLUNetwork([[[1, 2, 3], [0, 1, 1]], [[1, 1]], [[1]]],
    ...                           [[0, 1], [0], [0]]))
    'lp'
    """
    _check(net, domain, "activation", method)
    d, depth = net.input_dim, net.depth
    box = normalize_domain(domain, d)
    if method == "auto":
        if d == 1 and _backend("oned", False):
            return "oned"
        if depth == 1 and _backend("arrangement", False):
            return "arrangement"
        if d == 2 and box is not None and depth >= 1 and _backend("polygon", False):
            return "polygon"
        return "lp"
    if method == "oned" and d != 1:
        raise ValueError(f"method 'oned' needs a network with 1 input, this one has {d}")
    if method == "arrangement" and depth != 1:
        raise ValueError(f"method 'arrangement' needs 1 hidden layer, this network has {depth}")
    if method == "polygon" and d != 2:
        raise ValueError(f"method 'polygon' needs a network with 2 inputs, this one has {d}")
    _backend(method, True)
    return method


def _accepts(fn: Callable, names: Any) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return True
    return all(n in params for n in names)


def _split_opts(opts: dict[str, Any]) -> dict[str, Any]:
    allowed = {*_LIMIT_OPTS, "executor", "max_units", "chunks"}
    unknown = set(opts) - allowed
    if unknown:
        raise TypeError(f"unknown option(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    return {k: v for k, v in opts.items() if v is not None}


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
    _check(net, domain, "activation", method)
    o = _split_opts(opts)
    o.pop("executor", None)
    o.pop("chunks", None)
    m = choose_method(net, domain, method)
    max_units = o.pop("max_units", None)
    if m == "lp":
        yield from iter_regions_lp(net, domain, **o)
        return
    it, _ = _backend(m, True)  # type: ignore[misc]
    if it is None:
        raise ValueError(f"method {m!r} has no region enumeration")
    kwargs = {"max_units": max_units} if (m == "brute" and max_units is not None) else {}
    limits = _Limits(o.get("max_regions"), o.get("time_budget"), o.get("progress"))
    for region in it(net, domain, **kwargs):
        limits.tick()
        yield region


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
        in parallel (methods "lp" and "oned"; the count does not depend on it);
        ``max_units`` for brute force.

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
    _check(net, domain, kind, method)
    o = _split_opts(opts)
    m = choose_method(net, domain, method)
    if kind == "linear":
        if m == "oned":
            _, cnt = _backend("oned", True)  # type: ignore[misc]
            return int(cnt(net, domain, kind="linear", **o))  # type: ignore[misc]
        from analysis.regions.graph import count_linear_regions

        o.pop("executor", None)
        o.pop("chunks", None)
        return count_linear_regions(net, domain, method=m, **o)
    if m == "lp":
        o.pop("max_units", None)
        return count_regions_lp(net, domain, **o)
    it, cnt = _backend(m, True)  # type: ignore[misc]
    if m == "brute":
        o.pop("executor", None)
        o.pop("chunks", None)
        if not (set(o) & set(_LIMIT_OPTS)):
            return int(cnt(net, domain, **o))  # type: ignore[misc]
    o.pop("max_units", None)
    o.pop("chunks", None)
    if cnt is not None and (m == "oned" or _accepts(cnt, o)):
        extra = {"kind": "activation"} if m == "oned" else {}
        return int(cnt(net, domain, **extra, **o))
    if cnt is not None and (m == "arrangement" or not (set(o) & set(_LIMIT_OPTS))):
        n = int(cnt(net, domain))  # the lattice count is cheap; the limit applies to it
        if o.get("max_regions") is not None and n > o["max_regions"]:
            raise RegionLimitExceeded(
                f"the network has {n} regions, more than max_regions={o['max_regions']}",
                lower_bound=n,
            )
        return n
    return sum(1 for _ in iter_regions(net, domain, m, **{k: o[k] for k in o if k != "executor"}))
