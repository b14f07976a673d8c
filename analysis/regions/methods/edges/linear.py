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

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from analysis.regions.methods.edges.cells import cell_bits, up_edges
from analysis.regions.methods.edges.complex import Complex, _gamma, set_bits

__all__ = ["facets", "linear_count", "unpack", "zero_derivative"]


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
        set_bits(pb, np.arange(len(g)), g)
        lo.append(order[np.searchsorted(skey, _void(fb))])
        hi.append(order[np.searchsorted(skey, _void(pb))])
        units.append(g)
    return cells, _cat(lo), _cat(hi), _cat(units)


def _cat(xs: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(xs) if xs else np.zeros(0, np.int64)


def _nonzero(cx: Complex) -> list[np.ndarray]:
    """Per layer, which weights are exactly nonzero."""
    if cx.exact.net.is_float_exact:
        return [W != 0 for W in cx.Wf]
    return [np.array(Wi != 0, dtype=bool) for Wi, _, _ in cx.exact.layers]


def _backward(
    cx: Complex, act: np.ndarray, k: int, nz: list[np.ndarray], top: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``G_k`` for cells with patterns ``act``, with its error bound and nonzero paths.

    ``G_k`` is cells x outputs x units of layer k; the bound is on its float error, and
    ``reach`` says whether a path of nonzero weights through active units exists. With
    ``top``, the "outputs" are the pre-activations of hidden layer ``top``.
    """
    Ws = cx.Wf
    L = len(Ws) if top is None else top + 1  # layer ``top``'s pre-activations as outputs
    offs = cx.exact.offsets
    G = np.broadcast_to(Ws[L - 1], (len(act), *Ws[L - 1].shape))
    aG, eG = np.abs(G), np.zeros(1)
    reach = np.broadcast_to(nz[L - 1], G.shape)
    for m in range(L - 2, k, -1):
        D = act[:, offs[m] : offs[m] + Ws[m].shape[0]][:, None, :]
        aW = np.abs(Ws[m])
        gam = _gamma(Ws[m].shape[0])
        G, aG = (G * D) @ Ws[m], (aG * D) @ aW
        eG = (eG * D) @ aW * (1 + gam) + gam * aG
        reach = ((reach & D).astype(np.float64) @ nz[m]) > 0
    return G, eG, reach


def _same_map(cx: Complex, cells: np.ndarray, lo: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Per facet: whether the output maps of its two cells are equal (``G_k[:, j] == 0``).

    ``G_k`` depends only on the pattern above layer ``k``, so it is computed once per cell
    (in blocks, to bound memory) and read for each facet of the cell on a unit of layer k.
    """
    L = len(cx.Wf)
    nz = _nonzero(cx)
    offs = np.array(cx.exact.offsets)
    out = np.zeros(len(lo), dtype=bool)
    layer_of = np.searchsorted(offs, units, side="right") - 1
    for k in range(L - 1):
        sel = np.flatnonzero(layer_of == k)
        if not len(sel):
            continue
        j = units[sel] - offs[k]
        if k == L - 2:  # the last hidden layer: G = the output weights, exactly
            out[sel] = ~nz[L - 1][:, j].any(0)
            continue
        block = max(1, 2**22 // (cx.Wf[-1].shape[0] * max(W.shape[0] for W in cx.Wf)))
        order = np.argsort(lo[sel], kind="stable")
        sel, j = sel[order], j[order]
        c = lo[sel]
        for at in range(0, len(cells), block):
            i0, i1 = np.searchsorted(c, [at, at + block])
            if i0 == i1:
                continue
            act = unpack(cells[at : at + block], cx.n_units)
            G, eG, reach = _backward(cx, act, k, nz)
            rows = c[i0:i1] - at
            jj = j[i0:i1]
            g, r = G[rows, :, jj], reach[rows, :, jj]
            e = eG[rows, :, jj] if eG.ndim == 3 else np.zeros_like(g)
            zero = ~r.any(1)
            nonzero = (np.abs(g) > e * (1 + 4 * 2.0**-53) + 2.0**-1000).any(1)
            out[sel[i0:i1][zero]] = True
            for t in np.flatnonzero(~zero & ~nonzero):
                out[sel[i0 + t]] = _exact_zero(cx, act[rows[t]], k, int(jj[t]))
    return out


def zero_derivative(
    cx: Complex, bits: np.ndarray, outs: np.ndarray, units: np.ndarray, top: int
) -> np.ndarray:
    """Per row: whether a pre-activation of hidden layer ``top`` does not depend on a unit.

    Row ``r``: unit ``outs[r]`` of layer ``top``, the activation of hidden unit ``units[r]``
    (counted through the layers, below ``top``), on the pattern ``bits[r]``; exact.
    """
    nz = _nonzero(cx)
    offs = np.array(cx.exact.offsets)
    out = np.zeros(len(units), dtype=bool)
    layer_of = np.searchsorted(offs, units, side="right") - 1
    for k in range(top):
        sel = np.flatnonzero(layer_of == k)
        if not len(sel):
            continue
        if k == top - 1:
            out[sel] = ~nz[top][outs[sel], units[sel] - offs[k]]
            continue
        for at in range(0, len(sel), 4096):
            blk = sel[at : at + 4096]
            act = unpack(bits[blk], cx.n_units)
            G, eG, reach = _backward(cx, act, k, nz, top)
            rows = np.arange(len(blk))
            jj, oo = units[blk] - offs[k], outs[blk]
            g, r = G[rows, oo, jj], reach[rows, oo, jj]
            e = eG[rows, oo, jj] if eG.ndim == 3 else np.zeros_like(g)
            nonzero = np.abs(g) > e * (1 + 4 * 2.0**-53) + 2.0**-1000
            out[blk[~r]] = True
            for t in np.flatnonzero(r & ~nonzero):
                out[blk[t]] = _exact_zero(cx, act[t], k, int(jj[t]), top, int(oo[t]))
    return out


def _exact_zero(
    cx: Complex, act: np.ndarray, k: int, j: int, top: int | None = None, o: int | None = None
) -> bool:
    """Whether ``G_k[:, j]`` is exactly 0 for the pattern ``act``.

    Computed on the integer layers: their positive scales do not change a zero.
    """
    layers = cx.exact.layers
    L = len(layers) if top is None else top + 1
    offs = cx.exact.offsets
    G = layers[L - 1][0] if o is None else layers[L - 1][0][[o]]
    for m in range(L - 2, k, -1):
        on = np.array(act[offs[m] : offs[m] + layers[m][0].shape[0]], dtype=bool)
        G = G[:, on].dot(layers[m][0][on])
    return bool(all(v == 0 for v in G[:, j]))


def linear_count(cx: Complex) -> int:
    """The exact number of linear regions: components of the equal-map facet graph."""
    cells, lo, hi, units = facets(cx)
    R = len(cells)
    same = _same_map(cx, cells, lo, units) if len(lo) else np.zeros(0, dtype=bool)
    a, b = lo[same], hi[same]
    A = coo_matrix((np.ones(len(a)), (a, b)), shape=(R, R))
    return int(connected_components(A, directed=False)[0])
