"""Deep ReLU networks with 2 inputs on a box: exact polygon splitting, layer by layer.

Every activation region of a network with two inputs is a convex polygon. Start from the box;
at hidden layer ``l`` every current polygon carries the exact affine map ``x -> h_{l-1}(x)`` of
the previous layer's outputs, so each unit's pre-activation ``z_j = g_j . x + f_j`` is affine
on it. Cut the polygon successively along each line ``z_j = 0``, keep only the pieces of
positive area (a cut happens only when some vertex is strictly on each side), and pass each
piece on with ``h_l = diag(active) z``.

Exactness: vertices are exact rationals in homogeneous integer coordinates ``(X, Y, W)``,
``W > 0``, and every edge remembers its supporting line, so a new vertex is the intersection
of two lines (two 2x2 determinants) rather than an interpolation, which keeps the numbers'
sizes bounded by those of the lines. The sign of ``z_j`` at a vertex is the sign of an integer.

Speed: polygons entering a layer are processed in numpy batches. Every unit's pre-activation
is first evaluated in float64 together with a rigorous bound on its error (the standard
bounds for floating-point dot products, propagated through the layers); a sign is taken from
the floats only when the float value exceeds the bound, and a unit certified strictly
positive (or negative) at all of a polygon's vertices is so on every piece of it. Only the
units that cut, or whose sign the floats cannot certify (ties, touching lines, values near 0),
get exact integer rows, computed on demand and memoised along the polygon's ancestry.
A polygon cut by many units (a wide layer) is split with all still-undecided units tested
at once on each new piece, so a unit is tested only on the pieces along its line.
``exact_only=True`` runs the all-integer reference path instead; both give the same regions.

Counting only (:func:`count_regions_polygon`): the polygons of the last hidden layer are not
split. If the floats certify every sign needed (no vertex on a line, no two lines meeting on
the boundary, no two lines coinciding, no three meeting at one point), the number of cells
that ``k`` cutting lines make in a convex polygon is ``1 + k + (pairs crossing inside)``
(Euler's formula), and which pairs cross is read off the lines' values at the vertices; any
polygon where one of these signs is uncertain is split exactly instead. Counting can be shared
out among the tasks of any :class:`concurrent.futures.Executor`: the first layer's pieces are
computed once and dealt out.

Degenerate cases: a pre-activation constant on the polygon (e.g. identically 0) does not cut
it; a unit whose line only touches the polygon (along an edge or at a vertex) leaves it whole,
on one side. Both are decided exactly.

Measured (the polygon column of ``python benchmarks/regions_2d.py``: one process, on a 2-core
x86_64 machine, otherwise idle): 18,000 to 60,000 exact regions per second on He-initialised random
networks (``ReLUNetwork.random``) 2-16-16-16-1, 2-32-32-32-1, 2-20x5-1, 2-64-64-64-1,
2-128-128-1 and 2-48x4-1 on the box [-3, 3]^2 (1,009 to 28,562 regions); counting distinct
patterns at 10^6 sampled points takes 0.6 to 8 s there and misses 21 % to 64 % of the regions.

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1], [1, -1]], [[1, 1]]],
...                   [[0, 0], [0, 0], [0]])
>>> count_regions_polygon(net, [(-1, 1), (-1, 1)])   # x - y cuts only the quadrant x, y > 0
5
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.exact.scaling import integer_layers
from analysis.regions.limits import (
    Limits,
    RegionLimitExceeded,
    RegionTimeBudgetExceeded,
    validate_limits,
)
from analysis.regions.methods.polygon.batched import _count_fast, _first_pieces, _leaves_fast
from analysis.regions.methods.polygon.geometry import (
    _check,
    _leaves_exact,
    _Vertex,
)
from analysis.regions.types import Inequality, Region

__all__ = ["Polygon", "iter_polygons", "iter_regions_polygon", "count_regions_polygon"]


@dataclass(frozen=True)
class Polygon:
    """One activation region of a 2-input network as an exact convex polygon.

    Attributes
    ----------
    pattern : tuple of tuple of bool
        Per hidden layer, which units are active in the interior.
    vertices : tuple of (Fraction, Fraction)
        The vertices in counter-clockwise order (a vertex where a cut only touched the polygon
        may be collinear with its neighbours).
    region : Region
        The same region as :class:`~analysis.regions.types.Region` (point, inequalities, exact
        output map), built on first use: drawing or connecting polygons needs no output map.
    """

    pattern: tuple[tuple[bool, ...], ...]
    vertices: tuple[tuple[Fraction, Fraction], ...]
    net: ReLUNetwork = field(compare=False, repr=False)
    box: Sequence[tuple[Fraction, Fraction]] = field(compare=False, repr=False)
    #: layer states shared by the polygons of one pass (see :func:`_region`)
    memo: dict | None = field(default=None, compare=False, repr=False)

    @property
    def point(self) -> tuple[Fraction, Fraction]:
        """The exact vertex average (an interior point of the convex polygon)."""
        vs = self.vertices
        n = len(vs)
        return (sum((v[0] for v in vs), Fraction(0)) / n, sum((v[1] for v in vs), Fraction(0)) / n)

    @functools.cached_property
    def region(self) -> Region:
        """The polygon as a :class:`~analysis.regions.types.Region` (computed once)."""
        return _region(self.net, self.box, self.pattern, self.point, self.memo)

    def area(self) -> Fraction:
        """The exact area (shoelace formula)."""
        v = self.vertices
        s = sum(
            (v[i][0] * v[(i + 1) % len(v)][1] - v[(i + 1) % len(v)][0] * v[i][1])
            for i in range(len(v))
        )
        return abs(Fraction(s)) / 2


def leaves(
    net: ReLUNetwork, domain: Any, budget: Limits, exact_only: bool = False
) -> Iterator[tuple[tuple[tuple[int, ...], ...], list[_Vertex]]]:
    """Depth-first over the polygon tree: (signs per layer, exact vertices) of each region."""
    box = _check(net, domain)
    if exact_only:
        return _leaves_exact(net, box, budget)
    return _leaves_fast(net, box, budget)


def _to_polygon(
    net: ReLUNetwork,
    box: Sequence[tuple[Fraction, Fraction]],
    signs: tuple[tuple[int, ...], ...],
    verts: list[_Vertex],
    memo: dict | None = None,
) -> Polygon:
    vs = tuple((Fraction(v[0], v[2]), Fraction(v[1], v[2])) for v in verts)
    pattern = tuple(tuple(bool(s) for s in layer) for layer in signs)
    return Polygon(pattern, vs, net, box, memo)


def _int_layers(net: ReLUNetwork) -> list[tuple[list[list[int]], list[int], int]]:
    """``integer_layers(net)``, computed once per network (kept on the network object)."""
    cached = net.__dict__.get("_polygon_int_layers")
    if cached is None:
        cached = integer_layers(net)
        net.__dict__["_polygon_int_layers"] = cached
    return cached


def _layer(
    Wi: list[list[int]], Bi: list[int], s: int, state: tuple, l: int, on: tuple[bool, ...]
) -> tuple[tuple, tuple[Inequality, ...]]:
    """One hidden layer: the state after it and its inequalities, for the activation ``on``."""
    P, q, S = state
    S2 = S * s
    newP, newq, ineqs = [], [], []
    for j, row in enumerate(Wi):
        g0 = sum(w * p[0] for w, p in zip(row, P, strict=True))
        g1 = sum(w * p[1] for w, p in zip(row, P, strict=True))
        f = sum(w * v for w, v in zip(row, q, strict=True)) + S * Bi[j]
        if g0 != 0 or g1 != 0:
            sg = 1 if on[j] else -1
            ineqs.append(
                Inequality(
                    (Fraction(sg * g0, S2), Fraction(sg * g1, S2)), Fraction(sg * f, S2), (l, j)
                )
            )
        newP.append((g0, g1) if on[j] else (0, 0))
        newq.append(f if on[j] else 0)
    return (tuple(newP), tuple(newq), S2), tuple(ineqs)


def _region(
    net: ReLUNetwork,
    box: Sequence[tuple[Fraction, Fraction]],
    pattern: tuple[tuple[bool, ...], ...],
    point: tuple[Fraction, Fraction],
    memo: dict | None = None,
) -> Region:
    """The exact maps and inequalities from the pattern, in integers over one denominator.

    The hidden state is ``h = (P x + q) / S`` with integer ``P``, ``q``, ``S``; a layer with
    integer weights ``W_l = Wi / s`` maps it to ``(Wi P x + Wi q + S b_i) / (S s)``, and only
    the reported coefficients are turned into Fractions. ``memo`` keeps the state and the
    inequalities after each pattern prefix but the last, shared by the polygons of one pass.
    """
    layers = _int_layers(net)
    state: tuple = (((1, 0), (0, 1)), (0, 0), 1)
    ineqs: list[Inequality] = []
    K = len(layers) - 1
    for l, (Wi, Bi, s) in enumerate(layers[:-1]):
        key = pattern[: l + 1]
        hit = memo.get(key) if memo is not None and l < K - 1 else None
        if hit is None:
            hit = _layer(Wi, Bi, s, state, l, pattern[l])
            if memo is not None and l < K - 1:
                memo[key] = hit
        state, layer_ineqs = hit
        ineqs.extend(layer_ineqs)
    P, q, S = state
    Wi, Bi, s = layers[-1]
    S2 = S * s
    outA = tuple(
        tuple(Fraction(sum(w * p[i] for w, p in zip(row, P, strict=True)), S2) for i in range(2))
        for row in Wi
    )
    outc = tuple(
        Fraction(sum(w * v for w, v in zip(row, q, strict=True)) + S * b, S2)
        for row, b in zip(Wi, Bi, strict=True)
    )
    for i, (lo, hi) in enumerate(box):
        e = (Fraction(int(i == 0)), Fraction(int(i == 1)))
        ineqs.append(Inequality(e, -lo, None))
        ineqs.append(Inequality((-e[0], -e[1]), hi, None))
    return Region(pattern, point, tuple(ineqs), outA, outc)


def iter_polygons(
    net: ReLUNetwork,
    domain: Sequence[Any],
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    exact_only: bool = False,
    limits: Limits | None = None,
) -> Iterator[Polygon]:
    """Yield every activation region of a 2-input network on a box as an exact polygon.

    Parameters
    ----------
    net : ReLUNetwork
        Two inputs, any depth.
    domain : sequence of two (lo, hi) pairs
        The box (``None`` is refused: use the LP method on all of R^2).
    max_regions, time_budget, progress, exact_only
        As in :func:`count_regions_polygon`.

    Yields
    ------
    Polygon

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 1]], [[1]]], [[0], [0]])
    >>> sorted(p.area() for p in iter_polygons(net, [(-1, 1), (-1, 1)]))
    [Fraction(2, 1), Fraction(2, 1)]
    """
    budget = Limits(max_regions, time_budget, progress) if limits is None else limits
    box = normalize_domain(domain, 2) if domain is not None else None
    memo: dict = {}  # the layer states of shared pattern prefixes, for Polygon.region
    for signs, verts in leaves(net, domain, budget, exact_only):
        assert box is not None
        yield _to_polygon(net, box, signs, verts, memo)


def iter_regions_polygon(
    net: ReLUNetwork,
    domain: Sequence[Any],
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    limits: Limits | None = None,
) -> Iterator[Region]:
    """Yield every activation region of a 2-input network on a box (see :func:`iter_polygons`).

    Each :class:`~analysis.regions.types.Region` has the exact vertex average as its interior
    point, one inequality per unit whose pre-activation is not constant on it, the four box
    faces, and the exact output map.

    >>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> sorted(r.pattern for r in iter_regions_polygon(net, [(-1, 1), (0, 1)]))
    [((False, True),), ((True, True),)]
    """
    for p in iter_polygons(net, domain, max_regions, time_budget, progress, limits=limits):
        yield p.region


def count_regions_polygon(
    net: ReLUNetwork,
    domain: Sequence[Any],
    max_regions: int | None = None,
    time_budget: float | None = None,
    progress: Callable[[int], Any] | None = None,
    exact_only: bool = False,
    executor: Executor | None = None,
    parts: int | None = None,
    limits: Limits | None = None,
) -> int:
    """The exact number of activation regions of a 2-input network on a box.

    Parameters
    ----------
    net : ReLUNetwork
        Two inputs, any depth.
    domain : sequence of two (lo, hi) pairs
        The box; ``None`` raises ``ValueError`` (use the LP method for all of R^2).
    max_regions : int, optional
        Stop with :class:`~analysis.regions.limits.RegionLimitExceeded` beyond it.
    time_budget : float, optional
        Seconds; stop with :class:`~analysis.regions.limits.RegionTimeBudgetExceeded`.
        Both errors carry ``lower_bound``, the regions found so far (a lower bound).
    progress : callable, optional
        Called with the number of regions found so far each time it passes a multiple of
        256, and with the count at the end.
    exact_only : bool
        Compute every pre-activation exactly instead of deciding signs by floating point with
        a rigorous error bound (falling back to exact integers when the bound does not
        certify the sign). Both give the same exact count; this slower path is the reference
        the tests compare with.
    executor : concurrent.futures.Executor, optional
        Count in parallel: the first hidden layer's pieces are computed once, then dealt out,
        in the order of their exact patterns, to ``parts`` independent tasks (a process pool,
        or a Dask/Ray executor) that each count the regions below theirs; the count is the
        same whatever the executor. Limits apply per task and to the total.
    parts : int, optional
        Number of tasks (default 8).

    Returns
    -------
    int
        Exact.

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
    >>> count_regions_polygon(net, [(-1, 1), (-1, 1)])      # 3 concurrent lines: 6
    6
    """
    validate_limits(max_regions, time_budget, progress, executor)
    if executor is not None:
        return _count_parallel(
            net, domain, executor, parts, max_regions, time_budget, progress, exact_only
        )
    budget = Limits(max_regions, time_budget, progress) if limits is None else limits
    before = budget.found
    if exact_only:
        for _ in leaves(net, domain, budget, exact_only):
            pass
    else:
        _count_fast(net, _check(net, domain), budget)
    n = budget.found - before
    if budget.progress is not None:
        budget.progress(n)
    return n


def _count_shard(
    net: ReLUNetwork,
    domain: Any,
    pieces: list[Any],
    max_regions: int | None,
    time_budget: float | None,
) -> int:
    """Count the regions below some first-layer pieces (module level, for process pools)."""
    box = _check(net, domain)
    budget = Limits(max_regions, time_budget, None)
    return _count_fast(net, box, budget, pieces)


def _count_parallel(
    net: ReLUNetwork,
    domain: Any,
    executor: Executor,
    parts: int | None,
    max_regions: int | None,
    time_budget: float | None,
    progress: Callable[[int], Any] | None,
    exact_only: bool,
) -> int:
    if exact_only:
        raise ValueError("exact_only is a serial reference path; do not pass an executor")
    box = _check(net, domain)
    budget = Limits(max_regions, time_budget, None)  # validated here, not in the workers
    parts = 8 if parts is None else parts
    if not isinstance(parts, int) or parts < 1:
        raise ValueError(f"parts must be a positive int, got {parts!r}")
    if net.depth < 2:  # nothing to share out: one task
        futures = [executor.submit(count_regions_polygon, net, domain, max_regions, time_budget)]
    else:
        # the first layer once, here; its pieces dealt out in the order of their exact patterns
        pieces = _first_pieces(net, box, budget)
        futures = [
            executor.submit(_count_shard, net, domain, pieces[k::parts], max_regions, time_budget)
            for k in range(min(parts, len(pieces)))
        ]
    total = 0
    try:
        for fut in as_completed(futures):
            total += fut.result()
            if progress is not None:
                progress(total)
            if max_regions is not None and total > max_regions:
                raise RegionLimitExceeded(
                    f"more than max_regions={max_regions} regions; the {total} found so far "
                    "are a lower bound",
                    lower_bound=total,
                )
    except (RegionLimitExceeded, RegionTimeBudgetExceeded) as exc:
        for f in futures:
            f.cancel()
        if exc.lower_bound < total:
            raise type(exc)(str(exc), lower_bound=total) from exc
        raise
    return total


# ---------------------------------------------------------------- the method's shape
# Every method module has ``applies(net, box)``, ``iterate(net, box, limits, **opts)`` and
# ``count(net, box, limits, kind, executor, **opts)``; see :mod:`analysis.regions.methods`.


def applies(net: ReLUNetwork, box: Any) -> str | None:
    """Why the method does not apply, or ``None`` (it needs 2 inputs and a box)."""
    if net.input_dim != 2:
        return f"method 'polygon' needs a network with 2 inputs, this one has {net.input_dim}"
    if box is None:
        return "method 'polygon' needs a box domain; for all of R^2 use method='lp'"
    return None


def iterate(net: ReLUNetwork, box: Any, limits: Limits, **opts: Any) -> Iterator[Region]:
    """The regions as exact polygons' :class:`Region` records, under ``limits``."""
    return iter_regions_polygon(net, box, limits=limits)


def count(
    net: ReLUNetwork,
    box: Any,
    limits: Limits,
    kind: str = "activation",
    executor: Executor | None = None,
    **opts: Any,
) -> int | None:
    """The exact count of activation regions (``None`` for ``kind="linear"``)."""
    if kind != "activation":
        return None
    if executor is not None:
        return count_regions_polygon(
            net, box, limits.max_regions, limits.time_budget, limits.progress, executor=executor
        )
    return count_regions_polygon(net, box, limits=limits)
