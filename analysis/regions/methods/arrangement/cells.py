"""Cell-by-cell enumeration of a shallow network's regions (the incremental arrangement)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

from analysis.networks import ReLUNetwork
from analysis.regions.domain import Box, normalize_domain
from analysis.regions.limits import Limits, RegionLimitExceeded
from analysis.regions.methods.arrangement.hyperplanes import (
    Hyperplanes,
    arrangement_hyperplanes,
    check_shallow,
    strict_point,
)
from analysis.regions.types import Inequality, Region

__all__ = ["iter_regions_arrangement"]


# --------------------------------------------------------------------------- enumeration
def _strict_rows(
    cell: list[tuple[int, int]], hp: Hyperplanes, box: Box | None, d: int
) -> tuple[list[list[int]], list[Fraction]]:
    """Rows of ``G x < h`` for a cell given by (hyperplane, side) pairs and the box."""
    G: list[list[int]] = []
    h: list[Fraction] = []
    for i, s in cell:
        G.append([-s * a for a in hp.normals[i]])
        h.append(Fraction(s * hp.offsets[i]))
    if box is not None:
        for k, (lo, hi) in enumerate(box):
            e = [0] * d
            e[k] = 1
            G.append(e)
            h.append(hi)
            G.append([-v for v in e])
            h.append(-lo)
    return G, h


def iter_regions_arrangement(
    net: ReLUNetwork,
    domain: Sequence[Any] | None = None,
    max_regions: int | None = None,
    limits: Limits | None = None,
) -> Iterator[Region]:
    """Enumerate the activation regions of a shallow network cell by cell, exactly.

    Incremental construction: start from ``R^d`` (or the open box) and insert the distinct
    hyperplanes one at a time; each cell either lies on one side of the new hyperplane or is
    split in two, decided by exact strict-feasibility tests
    (:func:`analysis.regions.exact.feasibility.interior_point`). Each region comes with an
    exact interior
    point, its inequalities (one per unit with ``w_j != 0``, oriented to be positive inside,
    plus the box faces) and the exact affine output map ``y = A x + c``.

    Parameters
    ----------
    net : ReLUNetwork
        One hidden layer.
    domain : sequence of (lo, hi) or None
        ``None`` for ``R^d``, otherwise a box.
    max_regions : int, optional
        Refuse when the cells exceed this number: ``RegionLimitExceeded`` (a ``ValueError``)
        whose ``lower_bound`` is the number of cells found so far (a lower bound, since
        inserting more hyperplanes only splits cells).
    limits : Limits, optional
        Applied between any two LPs, with the cells so far as a lower bound.

    Yields
    ------
    Region

    Examples
    --------
    >>> net = ReLUNetwork([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> sorted(r.pattern for r in iter_regions_arrangement(net))
    [((False, False),), ((False, True),), ((True, False),), ((True, True),)]
    """
    check_shallow(net)
    d = net.input_dim
    box = normalize_domain(domain, d)
    hp = arrangement_hyperplanes(net)
    start = [Fraction(0)] * d if box is None else [(lo + hi) / 2 for lo, hi in box]
    cells: list[tuple[list[tuple[int, int]], list[Fraction]]] = [([], start)]
    for i, (a, b) in enumerate(zip(hp.normals, hp.offsets, strict=True)):
        new_cells: list[tuple[list[tuple[int, int]], list[Fraction]]] = []
        for ci, (cell, pt) in enumerate(cells):
            if limits is not None:
                limits.check(len(new_cells) + len(cells) - ci)
            v = sum((ai * xi for ai, xi in zip(a, pt, strict=True)), Fraction(b))
            for s in (1, -1):
                if v * s > 0:
                    new_cells.append(([*cell, (i, s)], pt))
                    continue
                G, h = _strict_rows([*cell, (i, s)], hp, box, d)
                y = strict_point(G, h, d)
                if y is not None:
                    new_cells.append(([*cell, (i, s)], y))
        cells = new_cells
        if max_regions is not None and len(cells) > max_regions:
            raise RegionLimitExceeded(
                f"the arrangement has more than max_regions={max_regions} regions "
                f"(after {i + 1} of {len(hp)} hyperplanes); the count so far is a lower bound",
                lower_bound=len(cells),
            )
    W0, B0 = net.exact_weights[0], net.exact_biases[0]
    W1, B1 = net.exact_weights[1], net.exact_biases[1]
    box_ineqs: list[Inequality] = []
    if box is not None:
        for k, (lo, hi) in enumerate(box):
            e = tuple(Fraction(int(j == k)) for j in range(d))
            box_ineqs.append(Inequality(e, -lo, None))
            box_ineqs.append(Inequality(tuple(-v for v in e), hi, None))
    for _, pt in cells:
        pattern = net.activation_pattern(pt)
        act = pattern[0]
        ineqs = []
        for j in range(W0.shape[0]):
            if hp.unit_hyperplane[j] is None:
                continue
            s = 1 if act[j] else -1
            ineqs.append(Inequality(tuple(s * w for w in W0[j]), s * B0[j], (0, j)))
        on = [j for j in range(W0.shape[0]) if act[j]]
        A = tuple(
            tuple(sum((W1[o, j] * W0[j, k] for j in on), Fraction(0)) for k in range(d))
            for o in range(W1.shape[0])
        )
        c = tuple(sum((W1[o, j] * B0[j] for j in on), B1[o]) for o in range(W1.shape[0]))
        yield Region(pattern, tuple(pt), tuple(ineqs) + tuple(box_ineqs), A, c)
