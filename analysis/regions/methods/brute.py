"""Brute-force activation regions: test every activation pattern with an exact LP.

An independent check for every other method. For a pattern ``s`` (one bit per hidden unit)
the pre-activation of each unit is affine in ``x`` once the earlier layers' bits are fixed,
so the set of inputs with pattern ``s`` is ``{x : z_u(x) > 0 for active u, z_u(x) <= 0 for
inactive u}``: a convex polyhedron. It is full-dimensional iff the *strict* system (``< 0``
for inactive units whose ``z_u`` is not constant; a constant ``z_u`` must be ``> 0`` if active
and ``<= 0`` if inactive) has a solution, which is decided exactly by the rational simplex
:func:`analysis.regions.exact.linalg.reference_interior_point` (a different LP formulation and
code from the one in :mod:`analysis.regions.exact.feasibility`, which the "lp" method uses).

Patterns are visited unit by unit, depth first; a prefix whose system is infeasible is
skipped with all its extensions (they are infeasible too), so every one of the ``2^N``
patterns is decided. Refused above ``max_units`` hidden units (default 20).

>>> from analysis.networks import ReLUNetwork
>>> net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, -1], [0]])
>>> count_regions_brute(net)      # lines x=0, y=0, x+y=1: 7 regions
7
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import normalize_domain
from analysis.regions.exact.linalg import reference_interior_point
from analysis.regions.limits import Limits
from analysis.regions.types import Inequality, Region

__all__ = ["count_regions_brute", "iter_regions_brute", "MAX_BRUTE_UNITS"]

#: Default largest number of hidden units brute force accepts (2^20 patterns).
MAX_BRUTE_UNITS = 20


def iter_regions_brute(
    net: ReLUNetwork,
    domain: Any = None,
    *,
    max_units: int = MAX_BRUTE_UNITS,
    limits: Limits | None = None,
) -> Iterator[Region]:
    """Yield the activation regions found by testing every activation pattern exactly.

    Parameters
    ----------
    net : ReLUNetwork
        At most ``max_units`` hidden units in total.
    domain : None or sequence of (lo, hi)
        ``None`` is R^{D_i}; otherwise a box.
    max_units : int
        Refuse larger networks (``ValueError``): the work grows like ``2^N``.
    limits : Limits, optional
        Applied before every LP; each feasible partial pattern on the stack holds a region.

    Yields
    ------
    Region

    Examples
    --------
    >>> from analysis.networks import ReLUNetwork
    >>> net = ReLUNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])
    >>> sorted(r.pattern for r in iter_regions_brute(net))
    [((False, True),), ((True, False),)]
    """
    if not isinstance(net, ReLUNetwork):
        raise TypeError(f"net must be an analysis.networks.ReLUNetwork, got {type(net).__name__}")
    box = normalize_domain(domain, net.input_dim)
    if isinstance(max_units, bool) or not isinstance(max_units, int) or max_units < 0:
        raise ValueError(f"max_units must be a non-negative int, got {max_units!r}")
    n_units = sum(net.hidden_widths)
    if n_units > max_units:
        raise ValueError(
            f"brute force tests 2^{n_units} activation patterns; refused above "
            f"max_units={max_units} hidden units (use method='lp')"
        )
    d = net.input_dim
    zero = Fraction(0)
    base: list[tuple[tuple[Fraction, ...], Fraction, tuple[int, int] | None]] = []
    if box is not None:
        for k, (lo, hi) in enumerate(box):
            e = [zero] * d
            e[k] = Fraction(1)
            base.append((tuple(e), -lo, None))
            base.append((tuple(-v for v in e), hi, None))
    units = [(l, j) for l, w in enumerate(net.hidden_widths) for j in range(w)]
    ident = [[Fraction(int(i == k)) for k in range(d)] for i in range(d)]

    def feasible(cons: list) -> list[Fraction] | None:
        if not cons:
            return [zero] * d
        return reference_interior_point([r for r, _, _ in cons], [b for _, b, _ in cons], d)

    def layer_z(P: list, q: list, l: int) -> tuple[list, list]:
        W, B = net.exact_weights[l], net.exact_biases[l]
        Z = [
            [sum((W[j, i] * P[i][k] for i in range(len(P))), zero) for k in range(d)]
            for j in range(W.shape[0])
        ]
        z0 = [sum((W[j, i] * q[i] for i in range(len(q))), B[j]) for j in range(W.shape[0])]
        return Z, z0

    if net.depth == 0:  # an affine map: one region
        W, B = net.exact_weights[0], net.exact_biases[0]
        x = feasible(base)
        assert x is not None
        yield Region(
            (),
            tuple(x),
            tuple(Inequality(r, b, lab) for r, b, lab in base),
            tuple(tuple(r) for r in W),
            tuple(B),
        )
        return
    # stack entries: (unit index, cons, bits of current layer, pattern so far, P, q, Z, z0)
    Z0, z00 = layer_z(ident, [zero] * d, 0)
    stack: list[Any] = [(0, list(base), (), (), Z0, z00)]
    L = net.depth
    while stack:
        if limits is not None:
            limits.check(len(stack))
        u, cons, bits, pattern, Z, z0 = stack.pop()
        if u == len(units):
            x = feasible(cons)
            assert x is not None
            W, B = net.exact_weights[L], net.exact_biases[L]
            P, q = _hidden_map(Z, z0, bits)
            A = tuple(
                tuple(sum((W[o, i] * P[i][k] for i in range(len(P))), zero) for k in range(d))
                for o in range(W.shape[0])
            )
            c = tuple(sum((W[o, i] * q[i] for i in range(len(q))), B[o]) for o in range(W.shape[0]))
            yield Region(
                (*pattern, bits), tuple(x), tuple(Inequality(r, b, lab) for r, b, lab in cons), A, c
            )
            continue
        l, j = units[u]
        for active in (False, True):
            row, const = tuple(Z[j]), z0[j]
            if any(row):
                sgn = 1 if active else -1
                new = [*cons, (tuple(sgn * v for v in row), sgn * const, (l, j))]
                if feasible(new) is None:
                    continue
            else:
                if (const > 0) != active:
                    continue
                new = cons
            nbits = (*bits, active)
            if j + 1 < len(Z):
                stack.append((u + 1, new, nbits, pattern, Z, z0))
            elif l + 1 < L:
                P, q = _hidden_map(Z, z0, nbits)
                Zn, zn0 = layer_z(P, q, l + 1)
                stack.append((u + 1, new, (), (*pattern, nbits), Zn, zn0))
            else:
                stack.append((u + 1, new, nbits, pattern, Z, z0))


def _hidden_map(Z: list, z0: list, bits: tuple[bool, ...]) -> tuple[list, list]:
    zero = Fraction(0)
    P = [list(r) if b else [zero] * len(r) for r, b in zip(Z, bits, strict=True)]
    q = [v if b else zero for v, b in zip(z0, bits, strict=True)]
    return P, q


def count_regions_brute(
    net: ReLUNetwork, domain: Any = None, *, max_units: int = MAX_BRUTE_UNITS
) -> int:
    """Exact number of activation regions by testing every pattern (see the module doc).

    >>> from analysis.networks import ReLUNetwork
    >>> count_regions_brute(ReLUNetwork([[[0, 0]], [[1]]], [[0], [0]]))  # a zero unit
    1
    """
    return sum(1 for _ in iter_regions_brute(net, domain, max_units=max_units))


# ---------------------------------------------------------------- the method's shape
# Every method module has ``applies(net, box)``, ``iterate(net, box, limits, **opts)`` and
# ``count(net, box, limits, kind, executor, **opts)``; see :mod:`analysis.regions.methods`.


def applies(net: ReLUNetwork, box: Any) -> str | None:
    """``None``: brute force applies to every network (``max_units`` refuses large ones)."""
    return None


def iterate(
    net: ReLUNetwork, box: Any, limits: Limits, max_units: int | None = None, **opts: Any
) -> Iterator[Region]:
    """The regions of every feasible pattern, under ``limits``."""
    kw = {} if max_units is None else {"max_units": max_units}
    return limits.counted(iter_regions_brute(net, box, limits=limits, **kw))


def count(
    net: ReLUNetwork,
    box: Any,
    limits: Limits,
    kind: str = "activation",
    executor: Any = None,
    max_units: int | None = None,
    **opts: Any,
) -> int | None:
    """The exact count of activation regions (``None`` for ``kind="linear"``)."""
    if kind != "activation":
        return None
    return sum(1 for _ in iterate(net, box, limits, max_units=max_units))
