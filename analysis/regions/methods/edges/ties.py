"""Decision boundaries in any input dimension, from the exact complex.

The ties are added as more hidden layers: the output ``f`` itself (one output), or the argmax
tournament ``t_k = max(f_0 .. f_{k-1}) - f_k`` (several outputs; the pairwise differences would
all meet where three outputs tie, which is not a simple arrangement). Each is affine on every
activation region of the layers below it, so the complex of this longer network cuts every
region along its ties. The boundary's cells are the facets on a tie where no later output
overtakes (every later tie positive); a *piece* is a connected union of them on one
hyperplane. Two boundary cells meet across a (d - 2)-face on a unit ``h`` below the tie, and
lie on one hyperplane exactly when the tie does not depend on ``h`` there (its derivative in
``h``'s activation is 0 on that pattern; otherwise the two planes cross there), which is
decided exactly by :func:`~.linear.zero_derivative`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box
from analysis.regions.limits import Limits
from analysis.regions.methods.edges.cells import build, cell_bits, up_edges
from analysis.regions.methods.edges.complex import set_bits
from analysis.regions.methods.edges.exact import Degenerate
from analysis.regions.methods.edges.linear import _cat, _void, facets, unpack, zero_derivative

__all__ = ["TieCells", "tie_cells"]


@dataclass(frozen=True)
class TieCells:
    """The boundary's cells grouped into pieces, with what the caller needs to name them.

    ``patterns[p]``: the hidden pattern of one activation region that piece ``p`` crosses;
    ``pairs[p]``: the outputs that tie on it; ``regions_crossed``, ``n_regions``: the
    activation regions the boundary passes through, and all of them.
    """

    patterns: tuple[tuple[tuple[bool, ...], ...], ...]
    pairs: tuple[tuple[int, int], ...]
    regions_crossed: int
    n_regions: int


def _output_bound(net: ReLUNetwork, box: Box) -> Fraction:
    """A power of two above twice every |output| on the box (interval arithmetic, floats)."""
    try:
        r = np.array([max(abs(float(lo)), abs(float(hi))) for lo, hi in box])
    except OverflowError:
        raise Degenerate("a box bound beyond the float range") from None
    with np.errstate(over="ignore", invalid="ignore"):
        for W, b in zip(net.weights, net.biases, strict=True):
            r = (np.abs(W) @ r + np.abs(b)) * (1 + 2.0**-40)
    top = float(np.max(r)) if len(r) else 0.0
    if not np.isfinite(top):
        raise Degenerate("outputs beyond the float range")
    return Fraction(2) ** (int(np.ceil(np.log2(2 * top + 1))) + 1)


def _tie_network(net: ReLUNetwork, box: Box) -> tuple[ReLUNetwork, list[int]]:
    """The network with its ties as more hidden layers, and each tie layer's first unit.

    One output: one tie layer, ``f``. Several: layer ``k`` (k = 1 .. m - 1) holds the tie
    ``t_k = max(f_0 .. f_{k-1}) - f_k`` (the running maximum is ``f_{k-1} + relu(t_{k-1})``)
    and the outputs still to come, carried as ``p_j = f_j + C``: with ``C`` above every
    |f_j| on the box they are never cut (checked on the complex), so they add no zero set.
    """
    W, B = net.exact_weights[-1], net.exact_biases[-1]
    m, n = W.shape
    zero, one = Fraction(0), Fraction(1)
    weights = list(net.exact_weights[:-1])
    biases = list(net.exact_biases[:-1])
    if m == 1:
        weights.append(W)
        biases.append(B)
    else:
        C = _output_bound(net, box)
        rows = [[W[0, c] - W[1, c] for c in range(n)]]
        consts = [B[0] - B[1]]
        if m > 2:
            rows += [list(W[j]) for j in range(1, m)]
            consts += [B[j] + C for j in range(1, m)]
        weights.append(np.array(rows, dtype=object))
        biases.append(np.array(consts, dtype=object))
        for k in range(2, m):  # inputs: t_{k-1}, p_{k-1}, ..., p_{m-1}
            width = m - k + 1
            t = [one, one, -one] + [zero] * (width - 2)  # t_k = t_{k-1} + p_{k-1} - p_k
            keep = (
                [
                    [zero, zero] + [one if c == j else zero for c in range(width - 1)]
                    for j in range(width - 1)
                ]
                if k < m - 1
                else []
            )
            weights.append(np.array([t, *keep], dtype=object))
            biases.append(np.array([zero] * (1 + len(keep)), dtype=object))
    n_ties = len(weights) - net.depth
    weights.append(np.array([[zero] * len(weights[-1])], dtype=object))
    biases.append(np.array([zero], dtype=object))
    aug = ReLUNetwork(weights, biases)
    offs = np.cumsum((0, *aug.hidden_widths))
    return aug, [int(offs[net.depth + k]) for k in range(n_ties)]


def _ties(
    bits: np.ndarray, k: np.ndarray, first: list[int], m: int, n_units: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell on tie ``k``: whether it is on the argmax boundary, and the tying outputs.

    It is when no later output overtakes (every later tie positive); the pair is the running
    maximum's output before tie ``k`` and output ``k + 1``.
    """
    if m == 1:
        return np.ones(len(k), dtype=bool), np.zeros((len(k), 2), dtype=np.int64)
    on = unpack(bits, n_units)
    ok = np.ones(len(k), dtype=bool)
    winner = np.zeros(len(k), dtype=np.int64)
    pair = np.zeros((len(k), 2), dtype=np.int64)
    for layer, u in enumerate(first):
        j = layer + 1  # tie t_j compares the running maximum with f_j
        here = k == layer
        pair[here, 0], pair[here, 1] = winner[here], j
        later = k < layer
        ok[later] &= on[later, u]
        winner = np.where(on[:, u], winner, j)
    return ok, pair


def tie_cells(net: ReLUNetwork, box: Box, limits: Limits | None = None) -> TieCells:
    """The exact pieces of ``net``'s decision boundary on ``box``.

    It needs a simple arrangement: :class:`~.exact.Degenerate` otherwise.
    """
    aug, first = _tie_network(net, box)
    cx = build(aug, box, limits or Limits())
    d = cx.d
    base = sum(net.hidden_widths)  # the first tie unit
    for g in sorted(set(range(base, cx.n_units)) - set(first)):  # p_j = f_j + C: always > 0
        if not ((cx.bits[:, g // 64] >> np.uint64(g % 64)) & np.uint64(1)).all():
            raise Degenerate("a carried output is not positive on the box")
    cells, lo, _hi, units = facets(cx)
    hidden = unpack(cells, base)
    n_regions = len(np.unique(np.packbits(hidden, axis=1), axis=0)) if base else 1
    on_tie = np.flatnonzero(np.isin(units, first))
    tie = np.searchsorted(first, units[on_tie])  # which tie layer
    keep, pair = _ties(cells[lo[on_tie]], tie, first, net.output_dim, cx.n_units)
    facet_bits, tie, pair = cells[lo[on_tie[keep]]], tie[keep], pair[keep]
    n = len(tie)
    if n == 0:
        return TieCells((), (), 0, n_regions)
    crossed = len(np.unique(np.packbits(unpack(facet_bits, base), axis=1), axis=0)) if base else 1
    # a boundary cell is named by (its negative side's bits, its tie)
    key = _void(np.concatenate([facet_bits, tie[:, None].astype(np.uint64)], 1))
    order = np.argsort(key)
    skey = key[order]
    plus, minus = up_edges(cx)
    a_all, b_all = [], []
    firsts = np.array(first)
    for s1 in range(d):
        for s2 in range(d):
            if s1 == s2:
                continue
            u_all = cx.Z[:, s1].astype(np.int64) - 2 * d
            h_all = cx.Z[:, s2].astype(np.int64) - 2 * d
            rows = np.flatnonzero(np.isin(u_all, firsts) & (h_all >= 0) & (h_all < u_all))
            if not len(rows):
                continue
            fb, fv = cell_bits(cx, plus, minus, free=(s1, s2), rows=rows)
            if not len(fv):
                continue
            u, h = u_all[fv], h_all[fv]
            t = np.searchsorted(firsts, u)
            same = np.zeros(len(fv), dtype=bool)
            for k in range(len(first)):  # tie k is unit 0 of hidden layer depth + k
                sel = np.flatnonzero(t == k)
                if len(sel):
                    same[sel] = zero_derivative(
                        cx, fb[sel], np.zeros(len(sel), np.int64), h[sel], net.depth + k
                    )
            fb, t, h = fb[same], t[same], h[same]
            if not len(h):
                continue
            up = fb.copy()
            set_bits(up, np.arange(len(h)), h)
            ends = []
            for side in (fb, up):
                k2 = _void(np.concatenate([side, t[:, None].astype(np.uint64)], 1))
                at = np.minimum(np.searchsorted(skey, k2), len(skey) - 1)
                ends.append((order[at], skey[at] == k2))
            both = ends[0][1] & ends[1][1]  # both sides are boundary cells
            a_all.append(ends[0][0][both])
            b_all.append(ends[1][0][both])
    a, b = _cat(a_all), _cat(b_all)
    A = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    n_pieces, label = connected_components(A, directed=False)
    one_of = np.full(n_pieces, -1)
    one_of[label[::-1]] = np.arange(n)[::-1]
    act = unpack(facet_bits[one_of], base)
    offs = np.cumsum((0, *net.hidden_widths))
    patterns = tuple(
        tuple(tuple(bool(v) for v in row[offs[k] : offs[k + 1]]) for k in range(net.depth))
        for row in act
    )
    pairs = tuple((int(p), int(q)) for p, q in pair[one_of])
    return TieCells(patterns, pairs, crossed, n_regions)
