"""Cells, facets and neighbours read off the exact complex, with no LP.

Every cell of the complex is a bounded convex polytope, so it has exactly one
lexicographically smallest vertex ``v``; at ``v`` the cell leaves along one edge per zero set
of ``v``, each lexicographically upward. Along each line through ``v`` (the edges that keep all
but one of its zero sets) exactly one direction is upward. Hence a vertex is the smallest of
exactly one cell when, for each face of the box it lies on, the edge leaving that face goes
upward, and of none otherwise: the cells are counted by one comparison per edge leaving a box
face. The same vertex is the smallest of one facet on each unit it lies on, between that cell
and the cell across the unit, which gives every edge of the region graph exactly once.

The comparisons are certified: a coordinate difference is decided by the floats when it
exceeds the two vertices' error bounds, two coordinates with zero error are compared exactly,
and only the rest are solved in exact rationals.
"""

from __future__ import annotations

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box
from analysis.regions.limits import Limits
from analysis.regions.methods.edges.complex import Complex, U, set_bits

__all__ = ["build", "upward", "up_edges", "count_cells", "cell_bits"]


def upward(cx: Complex, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Whether ``w`` is lexicographically above ``v``, pair by pair (exactly)."""
    out = np.zeros(len(v), dtype=bool)
    todo = np.arange(len(v))
    for c in range(cx.d):
        if not len(todo):
            return out
        xv, xw = cx.x[v[todo], c], cx.x[w[todo], c]
        diff = xw - xv
        err = cx.ex[w[todo], c] + cx.ex[v[todo], c]
        exact0 = err == 0
        pos = np.where(exact0, diff > 0, diff > err * (1 + 4 * U))
        neg = np.where(exact0, diff < 0, diff < -err * (1 + 4 * U))
        out[todo[pos]] = True
        unsure = ~(pos | neg | (exact0 & (diff == 0)))
        for r in todo[unsure]:
            a, b = cx.exact_point(int(v[r])), cx.exact_point(int(w[r]))
            out[r] = b > a
        todo = todo[exact0 & (diff == 0)]  # certified equal here: the next coordinate decides
    return out


def up_edges(cx: Complex) -> tuple[np.ndarray, np.ndarray]:
    """Per vertex and zero slot: whether the edges leaving that slot's zero set go upward.

    ``plus``: the edge on the positive side, ``minus``: on the negative side. A slot on a
    face of the box has one edge, into the box; it is reported in ``plus``.
    """
    d = cx.d
    E = cx.edges
    known = cx.up
    todo = np.flatnonzero(known < 0)
    known[todo] = upward(cx, E[todo, 0], E[todo, 1])
    forward = known.astype(bool)
    plus = np.zeros((len(cx.x), d), dtype=bool)
    minus = np.zeros((len(cx.x), d), dtype=bool)
    for end in (0, 1):
        v, w = E[:, end], E[:, 1 - end]
        slot = cx.slots[:, end]
        j = cx.Z[v, slot]
        up = forward if end == 0 else ~forward
        face = j < 2 * d
        g = np.where(face, 0, j - 2 * d).astype(np.int64)
        far = (cx.bits[w, g // 64] >> (g % 64).astype(np.uint64)) & np.uint64(1)
        side_plus = face | far.astype(bool)
        sel = up & side_plus
        plus[v[sel], slot[sel]] = True
        sel = up & ~side_plus
        minus[v[sel], slot[sel]] = True
    return plus, minus


def count_cells(plus: np.ndarray, minus: np.ndarray) -> int:
    """The number of cells.

    Each vertex is the smallest of one cell per choice of an upward edge in every slot.
    """
    return int((plus.astype(np.int64) + minus).prod(axis=1).sum())


def cell_bits(
    cx: Complex,
    plus: np.ndarray,
    minus: np.ndarray,
    free: int | tuple[int, ...] | None = None,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every cell once, as its sign bits and its smallest vertex.

    With ``free=s``: instead, every facet on the unit in zero slot ``s`` of its smallest
    vertex, as the bits of the cell on its negative side (the cell on the positive side has
    that unit's bit set too), and the vertex. With several free slots: every face on all of
    their units, as its bits (those units' bits 0). ``rows`` restricts the smallest vertices.
    """
    d = cx.d
    slots = () if free is None else (free,) if isinstance(free, int) else tuple(free)
    ok = plus | minus
    if slots:
        ok = ok.copy()
        for f in slots:
            ok[:, f] = cx.Z[:, f] >= 2 * d
    rows = np.flatnonzero(ok.all(axis=1)) if rows is None else rows[ok[rows].all(axis=1)]
    bits = cx.bits[rows].copy()
    for s in range(d):
        if s in slots:
            continue
        j = cx.Z[rows, s]
        unit = j >= 2 * d
        p, m = plus[rows, s], minus[rows, s]
        both = unit & p & m
        reps = np.where(both, 2, 1)  # a unit slot: one copy per upward side
        first = np.cumsum(reps) - reps
        rows = np.repeat(rows, reps)
        bits = np.repeat(bits, reps, axis=0)
        setbit = np.zeros(len(rows), dtype=bool)
        setbit[first[unit & p & ~m]] = True
        setbit[first[both] + 1] = True
        on = np.flatnonzero(setbit)
        set_bits(bits, on, cx.Z[rows[on], s] - 2 * d)
    return bits, rows


def build(net: ReLUNetwork, box: Box, limits: Limits) -> Complex:
    """The complex of every hidden unit of ``net`` on ``box``, under ``limits``.

    The lower bound a limit reports: while the first layer is cut (straight hyperplanes, one
    upward edge per line) every vertex inside the box is the smallest of a cell; after that,
    the cells each unit certainly adds. With ``max_regions``, whenever the vertices have
    doubled the cells so far are counted exactly (a lower bound on the final count), so
    memory stays within a fixed multiple of the limit.
    """
    cx = Complex(net, box)
    g = 0
    recount = 4 * limits.max_regions if limits.max_regions is not None else None
    for layer in range(net.depth):
        cx.enter_layer(layer)
        for i in range(cx.Wf[layer].shape[0]):
            cx.cut(layer, i, g)
            g += 1
            lower = cx.lower
            if layer == 0:
                lower = max(lower, int((cx.Z[:, 0] >= 2 * cx.d).sum()))
            if recount is not None and len(cx.x) > recount:
                lower = max(lower, count_cells(*up_edges(cx)))
                recount = 2 * len(cx.x)
            limits.check(pending=lower)
    return cx
