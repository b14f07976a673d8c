"""The region graph and the linear regions from the exact complex.

Every facet between two cells lies on one unit ``j`` of some layer ``k``, and the two cells
differ only in that unit's sign. The output maps of the two cells differ by
``G_k[:, j] (grad z_j)^T``, where ``G_k`` is the derivative of the output with respect to
layer ``k``'s activations (it depends only on the pattern of the layers above ``k``, the same
on both sides). A facet unit has a nonzero gradient, so the two cells carry the same exact
output map exactly when ``G_k[:, j] = 0``: the linear regions are the components of the graph
of those facets. The test is decided without rationals where it can be: no path of nonzero
weights through active units means exactly 0; a float value above its error bound means not
0; the rest is computed in exact rationals (memoised per pattern).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from analysis.regions.methods.edges.cells import cell_bits, up_edges
from analysis.regions.methods.edges.complex import Complex, _gamma

__all__ = ["facets", "linear_count", "unpack"]


def unpack(bits: np.ndarray, n: int) -> np.ndarray:
    """Sign bits as a boolean array of ``n`` units per row."""
    u8 = np.ascontiguousarray(bits).view(np.uint8)
    return np.unpackbits(u8, axis=1, bitorder="little")[:, :n].astype(bool)


def _void(bits: np.ndarray) -> np.ndarray:
    b = np.ascontiguousarray(bits)
    return b.view(np.dtype((np.void, b.dtype.itemsize * b.shape[1]))).ravel()


def facets(cx: Complex) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cells' sign bits, and every facet between two cells.

    A facet is given by the indices of the cells on its negative and positive side and its
    unit (counted through the layers).
    """
    plus, minus = up_edges(cx)
    cells, _ = cell_bits(cx, plus, minus)
    key = _void(cells)
    order = np.argsort(key)
    skey = key[order]
    lo, hi, units = [], [], []
    d = cx.d
    for s in range(d):
        fb, fv = cell_bits(cx, plus, minus, free=s)
        if not len(fv):
            continue
        g = (cx.Z[fv, s] - 2 * d).astype(np.int64)
        pb = fb.copy()
        pb[np.arange(len(g)), g // 64] |= np.uint64(1) << (g % 64).astype(np.uint64)
        lo.append(order[np.searchsorted(skey, _void(fb))])
        hi.append(order[np.searchsorted(skey, _void(pb))])
        units.append(g)
    return cells, _cat(lo), _cat(hi), _cat(units)


def _cat(xs: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(xs) if xs else np.zeros(0, np.int64)


def _same_map(cx: Complex, cells: np.ndarray, lo: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Per facet: whether the output maps of its two cells are equal (``G_k[:, j] == 0``)."""
    net_W = cx.Wf
    L = len(net_W)
    offs = np.cumsum([0] + [W.shape[0] for W in net_W[:-1]])
    act = unpack(cells[lo], cx.n_units)
    out = np.zeros(len(lo), dtype=bool)
    layer_of = np.searchsorted(offs, units, side="right") - 1
    for k in range(L - 1):
        sel = np.flatnonzero(layer_of == k)
        if not len(sel):
            continue
        j = units[sel] - offs[k]
        # backward from the output to layer k: G (rows: facets, outputs x units)
        G = np.broadcast_to(net_W[L - 1], (len(sel), *net_W[L - 1].shape)).copy()
        aG = np.abs(G)
        reach = G != 0
        eG = np.zeros_like(G)
        for m in range(L - 2, k, -1):
            D = act[sel, offs[m] : offs[m] + net_W[m].shape[0]][:, None, :]
            Wm = net_W[m]
            Gd, aGd = G * D, aG * D
            G = Gd @ Wm
            eG = (eG * D) @ np.abs(Wm) * (1 + _gamma(Wm.shape[0])) + _gamma(Wm.shape[0]) * (
                aGd @ np.abs(Wm)
            )
            aG = aGd @ np.abs(Wm)
            reach = ((reach & (D > 0)).astype(np.float64) @ (Wm != 0)) > 0
        rows = np.arange(len(sel))
        g, e, r = G[rows, :, j], eG[rows, :, j], reach[rows, :, j]
        zero = ~r.any(1)
        nonzero = (np.abs(g) > e * (1 + 4 * 2.0**-53) + 2.0**-1000).any(1)
        out[sel[zero]] = True
        for t in np.flatnonzero(~zero & ~nonzero):
            out[sel[t]] = _exact_zero(cx, act[sel[t]], k, int(j[t]))
    return out


def _exact_zero(cx: Complex, act: np.ndarray, k: int, j: int) -> bool:
    W = cx.exact.W
    L = len(W)
    G = [list(row) for row in W[L - 1]]
    offs = cx.exact.offsets
    for m in range(L - 2, k, -1):
        on = act[offs[m] : offs[m] + len(W[m])]
        G = [
            [
                sum((g * W[m][u][c] for u, g in enumerate(row) if on[u]), Fraction(0))
                for c in range(len(W[m][0]))
            ]
            for row in G
        ]
    return all(row[j] == 0 for row in G)


def linear_count(cx: Complex) -> int:
    """The exact number of linear regions: components of the equal-map facet graph."""
    cells, lo, hi, units = facets(cx)
    R = len(cells)
    same = _same_map(cx, cells, lo, units) if len(lo) else np.zeros(0, dtype=bool)
    a, b = lo[same], hi[same]
    A = coo_matrix((np.ones(len(a)), (a, b)), shape=(R, R))
    return int(connected_components(A, directed=False)[0])
