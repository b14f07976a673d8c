"""Regions of shallow ReLU networks: the hyperplane arrangement of the hidden units.

A network with one hidden layer, ``x -> W_1 relu(W_0 x + b_0) + b_1``, has one hyperplane
``H_j = {x : w_j . x + b_j = 0}`` per hidden unit. Its full-dimensional activation regions are
exactly the regions (connected components of the complement) of the arrangement of the distinct
hyperplanes: units with ``w_j = 0`` make no hyperplane (they are constant), and units whose
``(w_j, b_j)`` are positive or negative multiples of each other make one and the same hyperplane.

**Counting (Zaslavsky's theorem).** Let ``L`` be the intersection lattice (the non-empty
intersections of hyperplanes, ordered by reverse inclusion, with ``R^d`` on top) and ``mu`` its
Möbius function, ``mu(R^d) = 1``, ``mu(X) = -sum_{Y ⊋ X} mu(Y)``. Then

.. math:: r(\\mathcal A) = \\sum_{X \\in L} |\\mu(X)| = (-1)^d \\chi(-1),
          \\qquad \\chi(t) = \\sum_{X \\in L} \\mu(X)\\, t^{\\dim X},

which holds for any real arrangement (parallel, concurrent, ...). On an open convex set ``K``
(here an open box) the regions of the arrangement inside ``K`` number
``sum |mu(X)|`` over the flats ``X`` that meet ``K`` (Zaslavsky 1975, Thm. C). Ranks and
"meets the open box" are decided in exact rational arithmetic.

For ``n`` hyperplanes in general position in ``R^d`` this gives ``sum_{j<=d} C(n, j)``
(Zaslavsky; Prince, *Understanding Deep Learning*, sec. 3.3 and eq. 3.11 for D hidden units).

References
----------
1. T. Zaslavsky, *Facing up to arrangements: face-count formulas for partitions of space by
   hyperplanes*, Mem. AMS 154 (1975).
2. R. P. Stanley, *An introduction to hyperplane arrangements*, lecture 1-2 (2007).

>>> from analysis.networks import ReLUNetwork
>>> lines = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
>>> count_arrangement(lines)              # three lines through the origin: 6, not 7
6
>>> characteristic_polynomial(lines).as_expr()
t**2 - 3*t + 2
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.limits import Limits
from analysis.regions.methods.arrangement.cells import iter_regions_arrangement
from analysis.regions.methods.arrangement.hyperplanes import (
    Hyperplanes,
    arrangement_hyperplanes,
    check_shallow,
    strict_point,
)
from analysis.regions.types import Region
from theory.networks import max_regions_shallow
from theory.symbols import t as t_default

__all__ = [
    "DEFAULT_MAX_FLATS",
    "Hyperplanes",
    "arrangement_hyperplanes",
    "count_arrangement",
    "characteristic_polynomial",
    "intersection_lattice",
    "iter_regions_arrangement",
    "LatticeTooLarge",
]


#: Default limit on the number of flats of the intersection lattice that are enumerated.
DEFAULT_MAX_FLATS = 200_000


# --------------------------------------------------------------------------- the lattice
# A flat X of dimension k is handled in local coordinates y in Q^k: every hyperplane not
# containing X restricts to an affine function c.y + e (a primitive integer vector), and so do
# the box faces (oriented: positive inside). Intersecting X with {c.y + e = 0} eliminates one
# coordinate by fraction-free (integer) elimination, multiplying by |c_q| > 0 so that the
# orientation of the box faces is kept.
_Row = tuple[tuple[int, ...], int]


@dataclass
class _Flat:
    """A flat with its restricted arrangement and box faces in local coordinates."""

    mask: int
    rank: int
    restricted: list[tuple[int, tuple[int, ...], int]]  # (hyperplane, c, e): c.y + e
    faces: list[_Row]  # box faces g.y + f > 0 (empty for R^d)


def _reduce(c: Sequence[int], e: int) -> _Row:
    """Divide ``(c, e)`` by the (positive) gcd of its entries."""
    g = math.gcd(*c, e)
    if g > 1:
        return tuple(v // g for v in c), e // g
    return tuple(c), e


def _canonical(c: tuple[int, ...], e: int) -> tuple[int, ...]:
    """Primitive ``(c, e)`` with the first non-zero entry of ``c`` positive (same hyperplane)."""
    g = math.gcd(*c, e)
    if next(v for v in c if v != 0) < 0:
        g = -g
    return (*(v // g for v in c), e // g)


def _eliminate(row: _Row, c: tuple[int, ...], e: int, q: int) -> _Row:
    """``row`` restricted to ``{c.y + e = 0}``, eliminating ``y_q`` (scaled by ``|c_q| > 0``)."""
    g, f = row
    gq = g[q]
    if gq == 0:
        return tuple(v for j, v in enumerate(g) if j != q), f
    cq = c[q]
    s = 1 if cq > 0 else -1
    new = [s * (cq * g[j] - gq * c[j]) for j in range(len(g)) if j != q]
    return _reduce(new, s * (cq * f - gq * e))


def _meets_open_box(faces: list[_Row], k: int) -> bool:
    """Whether the open set ``{y in Q^k : g.y + f > 0 for every face}`` is non-empty."""
    G: list[list[int]] = []
    h: list[int] = []
    for g, f in faces:
        if not any(g):
            if f <= 0:
                return False
            continue
        G.append([-v for v in g])
        h.append(f)
    if not G:
        return True
    return strict_point(G, h, k) is not None


def _child(flat: _Flat, group: list[int], c: tuple[int, ...], e: int, mask: int) -> _Flat:
    """The flat ``X ∩ {c.y + e = 0}`` with its restricted arrangement."""
    q = next(j for j, v in enumerate(c) if v != 0)
    members = set(group)
    restricted = []
    for idx, c2, e2 in flat.restricted:
        if idx in members:
            continue
        c3, e3 = _eliminate((c2, e2), c, e, q)
        # c3 == 0: parallel to the child (e3 != 0); it cannot contain it (not in group)
        if any(c3):
            restricted.append((idx, c3, e3))
    faces = [_eliminate(r, c, e, q) for r in flat.faces]
    return _Flat(mask, flat.rank + 1, restricted, faces)


def _gp_bound(n: int, d: int) -> int:
    return int(max_regions_shallow(n, d))


def intersection_lattice(
    net: ReLUNetwork,
    domain: Sequence[Any] | None = None,
    max_flats: int = DEFAULT_MAX_FLATS,
    limits: Limits | None = None,
) -> list[tuple[int, int, int]]:
    """The flats of a shallow network's arrangement (meeting the open box) and their Möbius values.

    Flats are built level by level: each flat of rank ``r`` is intersected with every hyperplane
    of its restricted arrangement, and the result is identified by the set of hyperplanes that
    contain it (a bit mask), so each flat is stored once however many ways it arises.

    Parameters
    ----------
    net : ReLUNetwork
        One hidden layer.
    domain : sequence of (lo, hi) or None
        ``None`` for ``R^d``; otherwise only flats meeting the open box are kept.
    max_flats : int
        Refuse (:class:`LatticeTooLarge`, a ``ValueError``) once more flats than this are found.
    limits : Limits, optional
        Applied while flats are found: each flat adds at least 1 to ``sum |mu|`` (the Möbius
        function of a real arrangement never vanishes), so the flats found so far are a lower
        bound on the count.

    Returns
    -------
    list of (mask, rank, mu)
        ``mask`` has bit ``i`` set when hyperplane ``i`` contains the flat; ``R^d`` is
        ``(0, 0, 1)``.

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> intersection_lattice(net)
    [(0, 0, 1), (1, 1, -1), (2, 1, -1), (3, 2, 1)]
    """
    check_shallow(net)
    d = net.input_dim
    box = normalize_domain(domain, d)
    hp = arrangement_hyperplanes(net)
    n = len(hp)
    faces: list[_Row] = []
    for i, (lo, hi) in enumerate(box or ()):
        # x_i - lo > 0 and hi - x_i > 0, scaled to integers by positive denominators
        unit = tuple(int(j == i) for j in range(d))
        faces.append(_reduce([v * lo.denominator for v in unit], -lo.numerator))
        faces.append(_reduce([-v * hi.denominator for v in unit], hi.numerator))
    top = _Flat(
        0,
        0,
        [(i, a, b) for i, (a, b) in enumerate(zip(hp.normals, hp.offsets, strict=True))],
        faces,
    )
    result = [(0, 0, 1)]
    level: dict[int, _Flat] = {0: top}
    up_prev: dict[int, frozenset[int]] = {0: frozenset()}
    mu: dict[int, int] = {0: 1}
    bound = _gp_bound(n, d)
    while level:
        nxt: dict[int, _Flat] = {}
        covers: dict[int, list[int]] = {}
        dead: set[int] = set()
        for mask, flat in level.items():
            if limits is not None:
                limits.check(len(result) + len(nxt))
            groups: dict[tuple[int, ...], list[int]] = {}
            reps: dict[tuple[int, ...], tuple[tuple[int, ...], int]] = {}
            for idx, c, e in flat.restricted:
                key = _canonical(c, e)
                groups.setdefault(key, []).append(idx)
                reps.setdefault(key, (c, e))
            for key, group in groups.items():
                cmask = mask
                for idx in group:
                    cmask |= 1 << idx
                if cmask in dead:
                    continue
                if cmask not in nxt:
                    c, e = reps[key]
                    child = _child(flat, group, c, e, cmask)
                    if box is not None and not _meets_open_box(child.faces, d - child.rank):
                        dead.add(cmask)
                        continue
                    nxt[cmask] = child
                    covers[cmask] = []
                    if len(result) + len(nxt) > max_flats:
                        raise LatticeTooLarge(
                            f"the intersection lattice has more than max_flats={max_flats} "
                            f"flats (at most {bound} for {n} hyperplanes in R^{d}); raise "
                            "max_flats or use another method"
                        )
                covers[cmask].append(mask)
        up_next: dict[int, frozenset[int]] = {}
        for cmask, parents in covers.items():
            up: set[int] = set()
            for pm in parents:
                up.add(pm)
                up |= up_prev[pm]
            up_next[cmask] = frozenset(up)
            mu[cmask] = -sum(mu[y] for y in up)
            result.append((cmask, nxt[cmask].rank, mu[cmask]))
        level, up_prev = nxt, up_next
    return result


class LatticeTooLarge(ValueError):
    """The intersection lattice has more than ``max_flats`` flats (another method may do)."""


def count_arrangement(
    net: ReLUNetwork,
    domain: Sequence[Any] | None = None,
    max_flats: int = DEFAULT_MAX_FLATS,
    limits: Limits | None = None,
) -> int:
    """Exact number of activation regions of a shallow network (Zaslavsky's theorem).

    Parameters
    ----------
    net : ReLUNetwork
        A network with one hidden layer, any number of inputs.
    domain : sequence of (lo, hi) or None
        ``None`` for ``R^d``; a box counts the regions that meet the open box.
    max_flats : int
        Limit on the number of flats enumerated (:class:`LatticeTooLarge` above it).
    limits : Limits, optional
        ``max_regions``, time budget and progress (see :mod:`analysis.regions.limits`).

    Returns
    -------
    int
        ``sum |mu(X)|`` over the flats (meeting the box).

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 0], [1, 0], [0, 1]], [[1, 1, 1]]], [[0, -1, 0], [0]])
    >>> count_arrangement(net)                      # two parallel lines and a crossing one
    6
    >>> count_arrangement(net, [(-1, "1/2"), (-1, 1)])   # x = 1 lies outside the box
    4
    """
    n = sum(abs(m) for _, _, m in intersection_lattice(net, domain, max_flats, limits))
    if limits is not None:
        limits.tick(n)
    return n


def characteristic_polynomial(
    net: ReLUNetwork, t: sympy.Symbol | None = None, max_flats: int = DEFAULT_MAX_FLATS
) -> sympy.Poly:
    """The characteristic polynomial ``chi(t) = sum_X mu(X) t^{dim X}`` of the arrangement.

    Zaslavsky: the number of regions is ``(-1)^d chi(-1)`` and, for an essential arrangement,
    the number of bounded regions is ``(-1)^d chi(1)``.

    Parameters
    ----------
    net : ReLUNetwork
        One hidden layer.
    t : sympy.Symbol, optional
        The variable (default ``theory.symbols.t``).

    Returns
    -------
    sympy.Poly

    Examples
    --------
    >>> net = ReLUNetwork([[[1, -1, 0], [1, 0, -1], [0, 1, -1]], [[1, 1, 1]]],
    ...                   [[0, 0, 0], [0]])        # braid arrangement: t (t-1) (t-2)
    >>> sympy.factor(characteristic_polynomial(net).as_expr())
    t*(t - 2)*(t - 1)
    """
    if t is None:
        t = t_default
    d = net.input_dim
    expr = sum(
        (m * t ** (d - r) for _, r, m in intersection_lattice(net, None, max_flats)),
        sympy.Integer(0),
    )
    return sympy.Poly(expr, t)


def applies(net: ReLUNetwork, box: Any) -> str | None:
    """Why the method does not apply, or ``None`` (it needs exactly one hidden layer)."""
    k = net.depth
    return None if k == 1 else f"method 'arrangement' needs 1 hidden layer, this network has {k}"


def iterate(net: ReLUNetwork, box: Any, limits: Limits, **opts: Any) -> Iterator[Region]:
    """The regions cell by cell (incremental arrangement), under ``limits``."""
    return limits.counted(iter_regions_arrangement(net, box, limits=limits))


def count(
    net: ReLUNetwork,
    box: Any,
    limits: Limits,
    kind: str = "activation",
    executor: Any = None,
    **opts: Any,
) -> int | None:
    """The lattice count of activation regions (``None`` for ``kind="linear"``: use the graph).

    Raises :class:`LatticeTooLarge` when the lattice has too many flats to list.
    """
    if kind != "activation":
        return None
    return count_arrangement(net, box, limits=limits)
