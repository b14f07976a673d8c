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

__all__ = ["Complex", "set_bits"]

U = 2.0**-53
TINY = 2.0**-1020  # an absolute allowance for products that underflow


def _gamma(k: int) -> float:
    """Twice the relative error bound of a k-term dot product.

    The factor 2 covers the rounding of the bound's own computation, at most (1 + u)^(k + 4).
    """
    return 2.0 * (k + 3) * U / (1.0 - (k + 3) * U)


def set_bits(bits: np.ndarray, rows: np.ndarray, g: np.ndarray) -> None:
    """Set the sign bit of hidden unit ``g[t]`` in row ``rows[t]`` of ``bits``, for every t."""
    g = np.asarray(g, dtype=np.int64)
    bits[rows, g // 64] |= np.uint64(1) << (g % 64).astype(np.uint64)


class _Rows:
    """A 2-D array that grows by rows, with spare capacity (no copy per append)."""

    def __init__(self, a: np.ndarray):
        self.buf, self.n = a, len(a)

    @property
    def view(self) -> np.ndarray:
        return self.buf[: self.n]

    def append(self, *parts: np.ndarray) -> None:
        m = sum(len(p) for p in parts)
        if self.n + m > len(self.buf):
            buf = np.empty(
                (max(2 * len(self.buf), self.n + m, 16), *self.buf.shape[1:]), self.buf.dtype
            )
            buf[: self.n] = self.buf[: self.n]
            self.buf = buf
        for p in parts:
            self.buf[self.n : self.n + len(p)] = p
            self.n += len(p)


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
        # zero-set indices and vertex numbers in the smallest integers that hold them
        self.idt = np.int16 if 2 * d + self.n_units < 2**15 else np.int32
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
        self._x = _Rows(np.where(corners == 1, hi, lo))
        self._ex = _Rows(np.where(corners == 1, err[:, 1], err[:, 0]))
        self._Z = _Rows((2 * np.arange(d) + corners).astype(self.idt))
        self._bits = _Rows(np.zeros((len(corners), self.words), dtype=np.uint64))
        idx = {tuple(c): i for i, c in enumerate(corners.tolist())}
        edges, eZ, extra = [], [], []
        for c in corners.tolist():
            for i in range(d):
                if c[i] == 0:
                    c2 = list(c)
                    c2[i] = 1
                    edges.append((idx[tuple(c)], idx[tuple(c2)]))
                    eZ.append([2 * j + c[j] for j in range(d) if j != i])
                    extra.append((i, i))  # the face x_i = lo or hi: zero slot i of both
        self._edges = _Rows(np.array(edges, dtype=np.int32).reshape(-1, 2))
        self._eZ = _Rows(np.array(eZ, dtype=self.idt).reshape(len(edges), d - 1))
        # per edge end: the slot of the endpoint's zero list that the edge leaves
        self._slots = _Rows(np.array(extra, dtype=np.int8).reshape(-1, 2))
        # per edge (a, b): 1 when b is lexicographically above a, 0 below, -1 not known yet.
        # A cut keeps both halves on the same line in the same direction, so only the new
        # edges inside 2-faces need a comparison; the box's edges go from lo to hi: upward.
        self._up = _Rows(np.ones(len(edges), dtype=np.int8))
        self._z = _Rows(np.zeros((len(corners), 0)))
        self._ez = _Rows(np.zeros((len(corners), 0)))
        self.lower = 1  # a lower bound on the cells so far
        self._points: dict[int, tuple] = {}
        self.last_new_edges = 0

    # the current arrays (views of the growing buffers)
    x = property(lambda self: self._x.view)
    ex = property(lambda self: self._ex.view)
    Z = property(lambda self: self._Z.view)
    bits = property(lambda self: self._bits.view)
    z = property(lambda self: self._z.view)
    ez = property(lambda self: self._ez.view)
    edges = property(lambda self: self._edges.view)
    eZ = property(lambda self: self._eZ.view)
    slots = property(lambda self: self._slots.view)
    up = property(lambda self: self._up.view)

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
        self._z, self._ez = _Rows(z), _Rows(ez)

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
        """The exact coordinates of vertex ``v`` (memoised: a vertex never moves)."""
        if v not in self._points:
            self._points[v] = self.exact.vertex(self.Z[v].tolist(), self._active(v))
        return self._points[v]

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
        d = self.d
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
        if V0 + n >= 2**31 - 1:
            raise Degenerate("more vertices than 32-bit indices hold")
        v = np.arange(V0, V0 + n)
        eZ = self.eZ[k]
        bits_e = self.bits[a] | self.bits[b]
        # the new edges: one per cut 2-face, between the two new vertices on its boundary
        new_edges, new_eZ, new_slots = self._pair(eZ, bits_e, v, zid)
        self.last_new_edges = len(new_edges)
        # the vertices
        self._x.append(xv)
        self._ex.append(exv)
        self._Z.append(np.concatenate([eZ, np.full((n, 1), zid, self.idt)], 1))
        self._bits.append(bits_e)
        self._z.append(zv)
        self._ez.append(ezv)
        # the cut edges become (a, v) and (v, b)
        ext = self.slots[k]
        self.edges[k, 1] = v
        self.slots[k, 1] = d - 1  # a new vertex's zero list ends with the cutting unit
        self._edges.append(np.stack([v, b], 1), new_edges)
        self._eZ.append(eZ, new_eZ)
        self._slots.append(np.stack([np.full(n, d - 1, np.int8), ext[:, 1]], 1), new_slots)
        self._up.append(self.up[k], np.full(len(new_edges), -1, dtype=np.int8))

    def _pair(self, eZ: np.ndarray, bits_e: np.ndarray, v: np.ndarray, zid: int):
        d, n = self.d, len(v)
        if d == 1:
            return (
                np.zeros((0, 2), np.int64),
                np.zeros((0, 0), np.int32),
                np.zeros((0, 2), np.int32),
            )
        # the 2-faces around each cut edge: drop one of its zero sets (a box face: the inside;
        # a unit: both sides), one key row each: the d - 2 zero sets left (four 16-bit
        # indices to a word when they fit), then the sign bits
        W = bits_e.shape[1]
        per = 4 if 2 * d + self.n_units < 2**16 else 1
        zw = -(-(d - 2) // per)
        ucols = [np.flatnonzero(eZ[:, j] >= 2 * d) for j in range(d - 1)]
        M = (d - 1) * n + sum(len(u) for u in ucols)
        keys = np.zeros((M, zw + W), dtype=np.uint64)
        src = np.empty(M, dtype=np.int64)  # the cut edge (0..n-1)
        col = np.empty(M, dtype=np.int64)  # the zero slot dropped
        at = 0
        eZu = eZ.astype(np.uint64)
        for j in range(d - 1):
            rest = [c for c in range(d - 1) if c != j]
            for rows in (np.arange(n), ucols[j]):
                m = len(rows)
                blk = slice(at, at + m)
                for t, c in enumerate(rest):
                    keys[blk, t // per] |= eZu[rows, c] << np.uint64(16 * (t % per) * (per > 1))
                keys[blk, zw:] = bits_e[rows]
                src[blk] = rows
                col[blk] = j
                if rows is not ucols[j] or not m:
                    at += m
                    continue
                set_bits(keys[:, zw:], at + np.arange(m), eZ[rows, j] - 2 * d)
                at += m
        order = _pair_order(keys)
        p, q = order[0::2], order[1::2]
        m = len(p)
        new_edges = np.stack([v[src[p]], v[src[q]]], 1)
        keep = np.arange(d - 1)[None, :] != col[p][:, None]
        red = eZ[src[p]][keep].reshape(m, d - 2)
        new_eZ = np.concatenate([red, np.full((m, 1), zid, self.idt)], 1)
        return new_edges, new_eZ, np.stack([col[p], col[q]], 1)


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


def _runs_of_two(keys: np.ndarray, order: np.ndarray, h: np.ndarray | None = None) -> bool:
    """Whether, in ``order``, the rows come in adjacent pairs of equal keys, all distinct.

    With ``h`` (the rows' hashes, ``order`` sorting them): equal keys have equal hashes, so
    pairs of one hash, each hash different from its neighbours', prove it; a hash shared by
    neighbouring pairs answers False (the caller then sorts the full keys).
    """
    if len(order) % 2:
        return False
    p, q = order[0::2], order[1::2]
    if not (keys[p] == keys[q]).all():
        return False
    if h is not None:
        return not (h[q[:-1]] == h[p[1:]]).any()
    return not (keys[q[:-1]] == keys[p[1:]]).all(1).any()  # sorted: equal keys are adjacent


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
    if _runs_of_two(keys, order, h):
        return order
    # a hash collision or a real degeneracy: sort the full keys and decide
    order = np.lexsort([keys[:, c] for c in range(keys.shape[1])][::-1])
    if not _runs_of_two(keys, order):
        raise Degenerate("a 2-face with other than two cut edges")
    return order
