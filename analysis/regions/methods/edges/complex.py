"""The vertices and edges of a ReLU network's polyhedral complex on a box, built exactly.

Edge subdivision (the shape of Berzins, ICML 2023), with every decision certified. The
complex starts as the box's corners and edges. Hidden units are taken one at a time, layer by
layer; on every closed cell of the complex of the earlier layers the unit's pre-activation
``z`` is affine, so along an edge it is linear and the edge is cut exactly where ``z``
changes sign. Each cut 2-face gets one new edge, between the two new vertices on its boundary.

Names: a vertex lies on ``d`` zero sets, its zero list ``Z`` (``2 i``/``2 i + 1`` the faces
``x_i = lo_i``/``hi_i``; ``2 d + g`` hidden unit ``g``), and carries the sign bits of the
units it is strictly on the positive side of; an edge lies on ``d - 1`` zero sets. A 2-face
is named by its ``d - 2`` zero sets and its sign bits, so the new edges are found by sorting
the names of the 2-faces around every cut edge.

Exactness. Every vertex carries float64 pre-activations of the current layer with a rigorous
bound on their error (the standard dot-product bounds and a bound on the cut parameter,
propagated through every interpolation and layer), and float64 coordinates with a per-
coordinate bound. A sign is taken from the floats only when the value exceeds its bound;
otherwise the vertex is solved in exact rationals (:mod:`.exact`) and its values reset. A
unit exactly 0 at a vertex, a 2-face with other than two cut edges, a value that overflows, or
a singular vertex system raise :class:`~.exact.Degenerate`: the complex is not simple there,
and the caller counts with another exact method instead.
"""

from __future__ import annotations

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box
from analysis.regions.methods.edges.exact import Degenerate, ExactNet

__all__ = ["Complex"]

U = 2.0**-53
TINY = 2.0**-1020  # an absolute allowance for products that underflow


def _gamma(k: int) -> float:
    """Twice the relative error bound of a k-term dot product.

    The factor 2 covers the rounding of the bound's own computation, at most (1 + u)^(k + 4).
    """
    return 2.0 * (k + 3) * U / (1.0 - (k + 3) * U)


class Complex:
    """The current complex: vertex arrays ``x, ex, Z, bits, z, ez`` and edge arrays."""

    def __init__(self, net: ReLUNetwork, box: Box):
        d = net.input_dim
        self.d = d
        self.exact = ExactNet(net, box)
        self.Wf = [np.asarray(W, dtype=np.float64).reshape(len(W), -1) for W in net.weights]
        self.bf = [np.asarray(B, dtype=np.float64).reshape(-1) for B in net.biases]
        self.n_units = sum(len(W) for W in self.Wf[:-1])
        self.words = max(1, (self.n_units + 63) // 64)
        corners = np.array(np.meshgrid(*[[0, 1]] * d, indexing="ij")).reshape(d, -1).T
        try:
            lo = np.array([float(a) for a, _ in box])
            hi = np.array([float(b) for _, b in box])
        except OverflowError:
            raise Degenerate("a box bound beyond the float range") from None
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            raise Degenerate("a box bound beyond the float range")
        err = np.array(
            [[0.0 if float(v) == v else 2 * U * abs(float(v)) for v in pair] for pair in box]
        )
        self.x = np.where(corners == 1, hi, lo)
        self.ex = np.where(corners == 1, err[:, 1], err[:, 0])
        self.Z = (2 * np.arange(d) + corners).astype(np.int32)
        self.bits = np.zeros((len(corners), self.words), dtype=np.uint64)
        idx = {tuple(c): i for i, c in enumerate(corners.tolist())}
        edges, eZ, extra = [], [], []
        for c in corners.tolist():
            for i in range(d):
                if c[i] == 0:
                    c2 = list(c)
                    c2[i] = 1
                    edges.append((idx[tuple(c)], idx[tuple(c2)]))
                    eZ.append([2 * j + c[j] for j in range(d) if j != i])
                    extra.append((2 * i, 2 * i + 1))
        self.edges = np.array(edges, dtype=np.int64).reshape(-1, 2)
        self.eZ = np.array(eZ, dtype=np.int32).reshape(len(edges), d - 1)
        self.extra = np.array(extra, dtype=np.int32).reshape(-1, 2)
        self.z = np.zeros((len(corners), 0))
        self.ez = np.zeros((len(corners), 0))
        self.lower = 1  # a lower bound on the cells so far
        self.last_new_edges = 0

    # ------------------------------------------------------------------ float passes
    def enter_layer(self, layer: int) -> None:
        """Pre-activations of hidden layer ``layer`` at every vertex, with error bounds."""
        W, b = self.Wf[layer], self.bf[layer]
        aW = np.abs(W)
        if layer == 0:
            h, eh = self.x, self.ex
        else:
            h, eh = np.maximum(self.z, 0.0), self.ez
        with np.errstate(over="ignore", invalid="ignore"):
            z = h @ W.T + b
            ez = (
                (eh @ aW.T) * (1 + _gamma(W.shape[1]))
                + _gamma(W.shape[1]) * (np.abs(h) @ aW.T + np.abs(b))
                + TINY
            )
        if not (np.isfinite(z).all() and np.isfinite(ez).all()):
            raise Degenerate("a pre-activation beyond the float range")
        self.z, self.ez = z, ez

    def signs(self, layer: int, i: int, g: int) -> np.ndarray:
        """The exact sign (+1 or -1) of unit ``(layer, i)`` at every vertex."""
        h, e = self.z[:, i], self.ez[:, i]
        s = np.where(h > e, 1, np.where(h < -e, -1, 0)).astype(np.int8)
        for v in np.flatnonzero(s == 0):
            s[v] = self._decide(int(v), layer, i)
        return s

    def _active(self, v: int):
        row = self.bits[v]
        return lambda g: bool((int(row[g // 64]) >> (g % 64)) & 1)

    def exact_point(self, v: int):
        """The exact coordinates of vertex ``v``."""
        return self.exact.vertex(self.Z[v].tolist(), self._active(v))

    def _decide(self, v: int, layer: int, i: int) -> int:
        xs = self.exact_point(v)
        zs = self.exact.layer_values(xs, layer)
        if zs[i] == 0:
            raise Degenerate("a vertex lies on a unit's zero set")
        zf = np.array([float(q) for q in zs])
        self.z[v] = zf
        self.ez[v] = 2 * U * np.abs(zf) + TINY
        xf = np.array([float(q) for q in xs])
        self.x[v] = xf
        self.ex[v] = np.where(xf == np.array(xs, dtype=object), 0.0, 2 * U * np.abs(xf) + TINY)
        return 1 if zs[i] > 0 else -1

    # ------------------------------------------------------------------ one unit
    def cut(self, layer: int, i: int, g: int) -> None:
        """Split the complex along unit ``g`` = ``(layer, i)``'s zero set."""
        d, zid = self.d, 2 * self.d + g
        s = self.signs(layer, i, g)
        a, b = self.edges[:, 0], self.edges[:, 1]
        k = np.flatnonzero(s[a] != s[b])
        word, bit = g // 64, np.uint64(1) << np.uint64(g % 64)
        if len(k):
            self._split(k, i, zid)
            # every cut cell holds at least one new edge, and a new edge lies in at most
            # 2^(d-2) cells: a lower bound on the cells this unit adds
            self.lower += max(1, -(-self.last_new_edges // 2 ** max(self.d - 2, 0)))
        V0 = len(s)
        self.bits[:V0, word] |= np.where(s > 0, bit, np.uint64(0))
        _ = d

    def _split(self, k: np.ndarray, i: int, zid: int) -> None:
        a, b = self.edges[k, 0], self.edges[k, 1]
        h, e = self.z[:, i], self.ez[:, i]
        al, be = np.abs(h[a]), np.abs(h[b])
        ea, eb = e[a], e[b]
        t = al / (al + be)
        la, lb = np.maximum(al - ea, 0.0), np.maximum(be - eb, 0.0)
        t_lo = la / (la + be + eb)
        t_hi = (al + ea) / (al + ea + lb)
        dt = (np.maximum(t_hi - t, t - t_lo) + 4 * U) * (1 + 8 * U)
        tt = t[:, None]
        za, zb = self.z[a], self.z[b]
        Ea, Eb = self.ez[a], self.ez[b]
        zv = za + tt * (zb - za)
        ezv = (
            np.maximum(Ea, Eb)
            + dt[:, None] * (np.abs(zb - za) + Ea + Eb)
            + 3 * U * (np.abs(za) + np.abs(zb))
        ) * (1 + 8 * U) + TINY
        zv[:, i] = 0.0
        ezv[:, i] = 0.0
        xa, xb = self.x[a], self.x[b]
        Xa, Xb = self.ex[a], self.ex[b]
        diff = xb - xa
        xv = xa + tt * diff
        moved = diff != 0
        exv = (
            np.maximum(Xa, Xb)
            + dt[:, None] * (np.abs(diff) + Xa + Xb)
            + np.where(moved, 3 * U * (np.abs(diff) + np.abs(xa) + np.abs(xb)) + TINY, 0.0)
        ) * (1 + 8 * U)
        if not (np.isfinite(zv).all() and np.isfinite(ezv).all() and np.isfinite(exv).all()):
            raise Degenerate("an interpolated value beyond the float range")
        V0, n = len(self.x), len(k)
        v = np.arange(V0, V0 + n)
        eZ = self.eZ[k]
        bits_e = self.bits[a] | self.bits[b]
        # the new edges: one per cut 2-face, between the two new vertices on its boundary
        new_edges, new_eZ, new_extra = self._pair(eZ, bits_e, v, zid)
        self.last_new_edges = len(new_edges)
        # the vertices
        self.x = np.concatenate([self.x, xv])
        self.ex = np.concatenate([self.ex, exv])
        self.Z = np.concatenate([self.Z, np.concatenate([eZ, np.full((n, 1), zid, np.int32)], 1)])
        self.bits = np.concatenate([self.bits, bits_e])
        self.z = np.concatenate([self.z, zv])
        self.ez = np.concatenate([self.ez, ezv])
        # the cut edges become (a, v) and (v, b)
        ext = self.extra[k]
        self.edges[k, 1] = v
        self.extra[k, 1] = zid
        self.edges = np.concatenate([self.edges, np.stack([v, b], 1), new_edges])
        self.eZ = np.concatenate([self.eZ, eZ, new_eZ])
        self.extra = np.concatenate(
            [self.extra, np.stack([np.full(n, zid, np.int32), ext[:, 1]], 1), new_extra]
        )

    def _pair(self, eZ: np.ndarray, bits_e: np.ndarray, v: np.ndarray, zid: int):
        d, n = self.d, len(v)
        if d == 1:
            return (
                np.zeros((0, 2), np.int64),
                np.zeros((0, 0), np.int32),
                np.zeros((0, 2), np.int32),
            )
        keysZ, keysB, src, drop = [], [], [], []
        for j in range(d - 1):
            red = np.delete(eZ, j, axis=1)
            dj = eZ[:, j]
            unit = dj >= 2 * d
            keysZ.append(red)
            keysB.append(bits_e)
            src.append(v)
            drop.append(dj)
            u = np.flatnonzero(unit)
            if len(u):
                g = (dj[u] - 2 * d).astype(np.int64)
                kb = bits_e[u].copy()
                kb[np.arange(len(u)), g // 64] |= np.uint64(1) << (g % 64).astype(np.uint64)
                keysZ.append(red[u])
                keysB.append(kb)
                src.append(v[u])
                drop.append(dj[u])
        KZ = np.concatenate(keysZ)
        KB = np.concatenate(keysB)
        S = np.concatenate(src)
        D = np.concatenate(drop)
        keys = np.concatenate([KZ.astype(np.uint64), KB], 1)
        order = _pair_order(keys)
        p, q = order[0::2], order[1::2]
        m = len(p)
        new_edges = np.stack([S[p], S[q]], 1)
        new_eZ = np.concatenate([KZ[p], np.full((m, 1), zid, np.int32)], 1)
        new_extra = np.stack([D[p], D[q]], 1).astype(np.int32)
        _ = n
        return new_edges, new_eZ, new_extra


_MIX = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)


def _runs_of_two(keys: np.ndarray, order: np.ndarray) -> bool:
    k = keys[order]
    same = (k[1:] == k[:-1]).all(1)
    return len(k) % 2 == 0 and bool(same[::2].all()) and not (len(same) > 1 and same[1::2].any())


def _pair_order(keys: np.ndarray) -> np.ndarray:
    """An order of the rows in which equal keys are adjacent pairs.

    :class:`Degenerate` when some key occurs other than twice (a 2-face with other than two
    cut edges).
    """
    h = np.zeros(len(keys), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in range(keys.shape[1]):
            h = (h ^ keys[:, c]) * _MIX[c % len(_MIX)]
            h ^= h >> np.uint64(29)
    order = np.argsort(h, kind="stable")
    if _runs_of_two(keys, order):
        return order
    # a hash collision or a real degeneracy: sort the full keys and decide
    order = np.lexsort([keys[:, c] for c in range(keys.shape[1])][::-1])
    if not _runs_of_two(keys, order):
        raise Degenerate("a 2-face with other than two cut edges")
    return order
