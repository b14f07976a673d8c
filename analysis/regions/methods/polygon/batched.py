"""The fast engine of the polygon method: certified float signs, exact integers on demand.

Private helper of :mod:`analysis.regions.methods.polygon.polygons`; see :func:`_leaves_fast`.

>>> from analysis.networks import ReLUNetwork
>>> from analysis.regions.domain import normalize_domain
>>> from analysis.regions.limits import Limits
>>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
>>> box = normalize_domain([(-1, 1), (-1, 1)], 2)
>>> sorted(p for p, _ in _leaves_fast(net, box, Limits(None, None, None)))[0]
((0, 0),)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from operator import mul
from typing import Any

import numpy as np

from analysis.networks import ReLUNetwork
from analysis.regions.exact.scaling import integer_layers
from analysis.regions.limits import Limits
from analysis.regions.methods.polygon.geometry import (
    _box_polygon,
    _cut_pieces,
    _Line,
    _sgn,
    _split,
    _Vertex,
    count_cells,
)

__all__: list[str] = []

_U = 2.0**-53


class _Node:
    """The pre-activations ``Z_l`` of one layer on one polygon (shared by its pieces).

    Floats with a rigorous error bound decide most vertex signs: ``|z_j(v) - z~_j(v~)| <=
    ax_j |x~| + ay_j |y~| + ac_j`` for the exact vertex ``v`` and its float ``v~``. Exact
    integer rows are computed only for the units that need them (a cut, or a sign the floats
    cannot certify), recursively through the memoised nodes of the earlier layers.
    """

    __slots__ = ("l", "parent", "act", "rows", "zf", "ab", "net", "h", "src")

    def __init__(self, net: _FastNet, l: int, parent: _Node | None, src: Any = None):
        # src: (M, i), row i of the boolean activity matrix M of the previous layer's pieces;
        # the active units (act) are read from it only when exact rows are needed
        self.net, self.l, self.parent, self.src = net, l, parent, src
        self.act: list[int] = []
        self.rows: dict[int, tuple[int, int, int]] = {}
        self.h: tuple[list[int], list[int], list[int]] | None = None
        self.zf: Any = None  # (n, 3) floats of (g_x, g_y, f), set when the layer is processed
        self.ab: Any = None  # (n, 3) error coefficients (ax, ay, ac)

    def _inputs(self) -> tuple[list[int], list[int], list[int]]:
        """Exact columns of the previous layer's active outputs on this polygon (memoised)."""
        h = self.h
        if h is None:
            p = self.parent
            assert p is not None
            M, i = self.src
            self.act = np.flatnonzero(M[i]).tolist()
            rows = [p.row(k) for k in self.act]
            h = self.h = (
                [r[0] for r in rows],
                [r[1] for r in rows],
                [r[2] for r in rows],
            )
        return h

    def row(self, j: int) -> tuple[int, int, int]:
        """Exact integer ``(g_x, g_y, f)`` of unit ``j`` (a positive multiple of z_j)."""
        r = self.rows.get(j)
        if r is not None:
            return r
        net, l = self.net, self.l
        Wi, Bi = net.Wi[l][j], net.Bi[l][j] * net.dens[l]
        if self.parent is None:
            r = (Wi[0], Wi[1], Bi)
        else:
            hx, hy, hc = self._inputs()  # sets self.act
            w = [Wi[k] for k in self.act]
            r = (sum(map(mul, w, hx)), sum(map(mul, w, hy)), sum(map(mul, w, hc), Bi))
        self.rows[j] = r
        return r

    def signer(self, j: int) -> Callable[[list[_Vertex]], list[int]]:
        """Exact signs of unit ``j`` at a piece's vertices (floats where certified)."""
        gx, gy, f = self.zf[j].tolist()
        bx, by, bc = self.ab[j].tolist()

        def signs(pv: list[_Vertex]) -> list[int]:
            out = []
            for v in pv:
                xf, yf = v[3], v[4]
                s = gx * xf + gy * yf + f
                b = bx * abs(xf) + by * abs(yf) + bc
                if s > b:
                    out.append(1)
                elif s < -b:
                    out.append(-1)
                else:  # not certified by the floats: decide exactly
                    a, bb, k = self.row(j)
                    out.append(_sgn(a * v[0] + bb * v[1] + k * v[2]))
            return out

        return signs

    def line(self, j: int) -> _Line:
        """The exact line ``z_j = 0`` as a primitive integer triple."""
        a, b, k = self.row(j)
        g = math.gcd(a, b, k)
        return (a // g, b // g, k // g)


class _FastNet:
    """Integer and float64 copies of a network's layers, with their error constants."""

    def __init__(self, net: ReLUNetwork):
        layers = integer_layers(net)
        self.Wi = [w for w, _, _ in layers]
        self.Bi = [b for _, b, _ in layers]
        self.dens = [1]
        for _, _, den in layers[:-1]:
            self.dens.append(self.dens[-1] * den)
        self.Wf = list(net.weights)
        self.Wabs = [np.abs(w) for w in net.weights]
        self.bf = list(net.biases)
        self.babs = [np.abs(b) for b in net.biases]
        # gamma_{m+1} for a dot product of m terms plus the bias (Higham, Thm. 3.5), plus the
        # relative rounding of weights that are not float64 numbers
        dW = 0.0 if net.is_float_exact else 2 * _U
        self.gam = [(w.shape[1] + 2) * _U / (1 - (w.shape[1] + 2) * _U) + dW for w in net.weights]


_CHUNK = 1024  # polygons processed together (numpy batch) per layer


def _float_layer(fn: _FastNet, l: int, Hf: np.ndarray, EH: np.ndarray) -> tuple[Any, Any, Any]:
    """Batched float pre-activations, their error bounds and the vertex-sign coefficients."""
    with np.errstate(all="ignore"):
        Zf = np.matmul(fn.Wf[l], Hf)
        Zf[:, :, 2] += fn.bf[l]
        gam = fn.gam[l]
        # |fl(W H + b) - (W H + b)| <= |W| E_H + gamma (|W| (|H~| + E_H) + |b|)
        EZ = np.matmul(fn.Wabs[l], EH + gam * (np.abs(Hf) + EH))
        EZ[:, :, 2] += gam * fn.babs[l]
        # doubled: covers the rounding of the bound itself; the absolute term covers underflow
        EZ = EZ * 2.0 + 1e-290
        # sign at a float vertex: |g| |dv| + |dg| |v| + rounding of 3 terms, doubled
        AB = EZ * 2.0 + np.abs(Zf) * (8 * _U)
        # underflow: in the float vertex (|g| 2^-1074) and in evaluating g.v + f
        AB[:, :, 2] += (np.abs(Zf[:, :, 0]) + np.abs(Zf[:, :, 1])) * 1e-300 + 1e-290
        bad = ~(np.isfinite(Zf).all(axis=2) & np.isfinite(AB).all(axis=2))
        if bad.any():  # overflow: let the exact rows decide these units (and what follows)
            Zf[bad] = 0.0
            EZ[bad] = np.inf
            AB[bad] = np.inf
    return Zf, EZ, AB


SPLIT_MANY = 24  # polygons cut by more units are split by _split_many
SPLIT_EVAL = 12  # there, pieces with more undecided units test them all at once
_LOOK = 256  # steps of _split_many between two looks at the limits


def _split_many(
    node: _Node,
    Zt: np.ndarray,
    At: np.ndarray,
    todo: list[int],
    pverts: list[_Vertex],
    plines: list[_Line],
    budget: Limits | None = None,
    pending: int = 0,
) -> list[tuple[list[_Vertex], list[_Line], tuple[int, ...]]]:
    """Cut a polygon by many units: the same pieces as cutting by each unit in turn.

    ``budget``'s limits are applied every ``_LOOK`` steps; every piece made or queued holds
    at least one region, so with ``pending`` (other work) they bound the count from below.

    Each new piece tests all the units still undecided on it at once (numpy, certified float
    signs at its vertices); a unit certified of one sign at all its vertices is so on the whole
    piece and is never tested again there. So a unit is tested only on the pieces along its
    line, not on all of them. ``Zt``, ``At``: the float rows and error coefficients of the
    ``todo`` units; the result lists the units' activities in the order of ``todo``.
    """
    k = len(todo)
    sg0: list[int] = [-1] * k
    rem0 = []
    for a, j in enumerate(todo):
        zj, aj = Zt[a], At[a]
        if not (abs(zj[0]) > aj[0] or abs(zj[1]) > aj[1]):
            row = node.row(j)  # possibly constant on the plane: decide exactly
            if row[0] == 0 and row[1] == 0:
                sg0[a] = 1 if row[2] > 0 else 0
                continue
        rem0.append(a)
    out: list[tuple[list[_Vertex], list[_Line], tuple[int, ...]]] = []
    signers: dict[int, Callable[[list[_Vertex]], list[int]]] = {}
    work = [(pverts, plines, np.array(rem0, dtype=np.intp), sg0, False)]
    steps = 0
    while work:
        steps += 1
        if budget is not None and steps % _LOOK == 0:
            budget.check(pending + len(out) + len(work))
        pv, pl, rem, sg, fresh = work.pop()
        if fresh and len(rem) > SPLIT_EVAL:
            V = np.array([[v[3] for v in pv], [v[4] for v in pv], [1.0] * len(pv)])
            with np.errstate(all="ignore"):
                # a 3-term dot product in any order errs by at most 3u sum |terms|, well
                # within the 8u of the bound; B's own rounding is covered by its doubling
                S = Zt[rem] @ V
                B = At[rem] @ np.abs(V)
            c = np.where((S > B).all(axis=1), 1, np.where((S < -B).all(axis=1), 0, -1))
            if c.max() >= 0:
                for a, ca in zip(rem.tolist(), c.tolist(), strict=True):
                    if ca >= 0:
                        sg[a] = ca
                rem = rem[c < 0]
        if not len(rem):
            out.append((pv, pl, tuple(sg)))
            continue
        a = int(rem[0])
        rest = rem[1:]
        j = todo[a]
        signer = signers.get(j)
        if signer is None:
            signer = signers[j] = node.signer(j)
        signs = signer(pv)
        if 1 in signs and -1 in signs:
            cut = node.line(j)
            v2, l2 = _split(pv, pl, cut, signs, -1)
            s2 = sg.copy()
            s2[a] = 0
            work.append((v2, l2, rest, s2, True))
            v1, l1 = _split(pv, pl, cut, signs, 1)
            sg[a] = 1
            work.append((v1, l1, rest, sg, True))
        else:
            sg[a] = 1 if 1 in signs else 0
            work.append((pv, pl, rest, sg, False))
    return out


_Piece = tuple[tuple[int, ...], list[_Vertex], list[_Line]]  # layer-1 pattern, polygon


def _count_fast(
    net: ReLUNetwork, box: Any, budget: Limits, first: list[_Piece] | None = None
) -> int:
    """The exact number of regions (see :func:`_leaves_fast` with ``count_only``)."""
    for _ in _leaves_fast(net, box, budget, first, count_only=True):
        pass
    return budget.found


def _first_pieces(net: ReLUNetwork, box: Any, budget: Limits | None = None) -> list[_Piece]:
    """The regions of the first hidden layer, sorted by their exact patterns (depth >= 2).

    Independent pieces of work: the regions below each are found from it alone
    (``_leaves_fast(..., first=pieces)``), so they can be shared out among tasks in an order
    that depends on the exact patterns only.
    """
    if net.depth < 2:
        raise ValueError("sharing out the first layer's pieces needs two hidden layers")
    out: list[_Piece] = []
    budget = Limits() if budget is None else budget
    for item in _leaves_fast(net, box, budget, stop_first=True):
        out.append(item)  # type: ignore[arg-type]
    out.sort(key=lambda it: it[0])
    return out


def _leaves_fast(
    net: ReLUNetwork,
    box: Any,
    budget: Limits,
    first: list[_Piece] | None = None,
    count_only: bool = False,
    stop_first: bool = False,
) -> Iterator[tuple[tuple[tuple[int, ...], ...], list[_Vertex]]]:
    """Polygon splitting with certified float signs and exact fallback (same result).

    Polygons entering a layer are processed in numpy batches: one batched product gives every
    unit's float pre-activation and error bound on every polygon, and a unit certified
    strictly positive (or negative) at all of a polygon's vertices is so on all its pieces.
    Only the remaining units are handled one by one, with exact integers where needed.

    With ``count_only`` nothing is yielded and the regions are only counted (in
    ``budget.found``): at the last hidden layer a polygon is not split when the floats
    certify its cell count (:func:`~analysis.regions.methods.polygon.geometry.count_cells`).
    ``first``: start from these first-layer pieces instead of the box (see
    :func:`_first_pieces`); ``stop_first``: yield the first layer's pieces and stop.
    """
    fn = _FastNet(net)
    K = net.depth
    verts, lines = _box_polygon(box)
    if K == 0:  # an affine map: the box is one region
        budget.tick()
        yield (), verts
        return
    Item = tuple[_Node, tuple[tuple[int, ...], ...], list[_Vertex], list[_Line]]
    root: list[Item] = [(_Node(fn, 0, None), (), verts, lines)]
    H0 = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    stack: list[tuple[int, list[Item], np.ndarray, np.ndarray]] = [(0, root, H0, np.zeros_like(H0))]
    if first is not None:  # rebuild the first layer's float maps on the given pieces only
        stack = []
        if first:
            Zf0, EZ0, _ = _float_layer(fn, 0, H0, np.zeros_like(H0))
            M0 = np.array([pat for pat, _, _ in first], dtype=bool)
            items0: list[Item] = [
                (_Node(fn, 1, root[0][0], (M0, i)), (pat,), pv, pl)
                for i, (pat, pv, pl) in enumerate(first)
            ]
            H1, E1 = Zf0[0] * M0[:, :, None], EZ0[0] * M0[:, :, None]
            for start in range(len(items0), 0, -_CHUNK):
                lo = max(0, start - _CHUNK)
                stack.append((1, items0[lo:start], H1[lo:start], E1[lo:start]))
    while stack:
        l, items, Hf, EH = stack.pop()
        waiting = sum(len(b[1]) for b in stack)  # each queued polygon holds a region
        budget.check(waiting + len(items))
        Zf, EZ, AB = _float_layer(fn, l, Hf, EH)
        nv = max(len(it[2]) for it in items)
        xs = np.array([[v[3] for v in it[2]] + [it[2][0][3]] * (nv - len(it[2])) for it in items])
        ys = np.array([[v[4] for v in it[2]] + [it[2][0][4]] * (nv - len(it[2])) for it in items])
        with np.errstate(all="ignore"):
            S = Zf[:, :, 0:1] * xs[:, None, :] + Zf[:, :, 1:2] * ys[:, None, :] + Zf[:, :, 2:3]
            B = (
                AB[:, :, 0:1] * np.abs(xs)[:, None, :]
                + AB[:, :, 1:2] * np.abs(ys)[:, None, :]
                + AB[:, :, 2:3]
            )
        allpos = (S > B).all(axis=2)
        todo_mask = ~(allpos | (S < -B).all(axis=2))
        todo_all: list[list[int]] = [[] for _ in items]
        for p, j in zip(*(a.tolist() for a in np.nonzero(todo_mask)), strict=False):
            todo_all[p].append(j)
        base_all = allpos.tolist()
        last = l + 1 == K
        cells = last and count_only
        if cells:  # the todo units' vertex values, in the order of todo_all
            Ssel, Bsel = S[todo_mask].tolist(), B[todo_mask].tolist()
            at = 0
        out_items: list[Item] = []
        out_rows: list[int] = []
        ov_i: list[int] = []  # pieces' units whose activity differs from allpos
        ov_j: list[int] = []
        ov_v: list[int] = []
        for p, (node, pattern, pverts, plines) in enumerate(items):
            todo = todo_all[p]
            pieces: list[tuple[list[_Vertex], list[_Line], tuple[int, ...]]] = [
                (pverts, plines, ())
            ]
            if cells:
                k = len(todo)
                if k == 0:
                    budget.tick(1)
                    continue
                m = count_cells(Ssel[at : at + k], Bsel[at : at + k], len(pverts))
                at += k
                if m is not None:
                    budget.tick(m)
                    continue
            if todo:
                node.zf, node.ab = Zf[p], AB[p]
            if len(todo) > SPLIT_MANY:
                pieces = _split_many(
                    node,
                    Zf[p, todo],
                    AB[p, todo],
                    todo,
                    pverts,
                    plines,
                    budget,
                    waiting + len(items) - p - 1 + len(out_items),
                )
            for j in todo if len(todo) <= SPLIT_MANY else ():
                zj, aj = Zf[p, j], AB[p, j]
                if not (abs(zj[0]) > aj[0] or abs(zj[1]) > aj[1]):
                    row = node.row(j)  # possibly constant on the plane: decide exactly
                    if row[0] == 0 and row[1] == 0:
                        on = 1 if row[2] > 0 else 0
                        pieces = [(pv, pl, (*sg, on)) for pv, pl, sg in pieces]
                        continue
                pieces = _cut_pieces(pieces, node.signer(j), partial(node.line, j))
            for pv, pl, sg in pieces:
                if last:
                    budget.tick()
                    if not count_only:
                        full = [1 if b else 0 for b in base_all[p]]
                        for j, sj in zip(todo, sg, strict=True):
                            full[j] = sj
                        yield (*pattern, tuple(full)), pv
                    continue
                if todo:
                    ov_i.extend([len(out_items)] * len(todo))
                    ov_j.extend(todo)
                    ov_v.extend(sg)
                out_items.append((node, pattern, pv, pl))
                out_rows.append(p)
        if not out_items:
            continue
        rows = np.array(out_rows)
        M = allpos[rows]
        if ov_i:
            M[ov_i, ov_j] = np.array(ov_v, dtype=bool)
        if not count_only or stop_first:
            Mi = M.view(np.int8).tolist()
            out_items = [
                (nd, (*pat, tuple(Mi[i])), pv, pl) for i, (nd, pat, pv, pl) in enumerate(out_items)
            ]
        if stop_first:
            for _, pat, pv, pl in out_items:
                yield pat[0], pv, pl  # type: ignore[misc]
            continue
        out_items = [
            (_Node(fn, l + 1, nd, (M, i)), pat, pv, pl)
            for i, (nd, pat, pv, pl) in enumerate(out_items)
        ]
        masks = M[:, :, None]
        Hn = Zf[rows] * masks
        En = EZ[rows] * masks
        for start in range(len(out_items), 0, -_CHUNK):
            lo = max(0, start - _CHUNK)
            stack.append((l + 1, out_items[lo:start], Hn[lo:start], En[lo:start]))
