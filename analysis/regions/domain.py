"""Validation of the domain on which regions are counted.

``None`` means all of R^{D_i}; otherwise a box given as one ``(lo, hi)`` pair per input, with
``lo < hi`` finite (entries as ints, floats, Fractions or ``"p/q"``; kept exact).

>>> normalize_domain([(0, 1), ("-1/2", 0.5)], 2)
((Fraction(0, 1), Fraction(1, 1)), (Fraction(-1, 2), Fraction(1, 2)))
>>> normalize_domain(None, 3) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from analysis.exact import to_fraction

__all__ = ["Box", "normalize_domain"]

Box = tuple[tuple[Fraction, Fraction], ...]


def normalize_domain(domain: Sequence[Any] | None, d_in: int) -> Box | None:
    """Validate a domain and return it as exact ``((lo, hi), ...)``, or ``None`` for R^d.

    Raises ``ValueError`` for a wrong number of pairs, ``lo >= hi`` (an empty or
    lower-dimensional box), or non-finite bounds.
    """
    if domain is None:
        return None
    try:
        pairs = list(domain)
    except TypeError as exc:
        raise TypeError("domain must be None or a sequence of (lo, hi) pairs") from exc
    if len(pairs) != d_in:
        raise ValueError(
            f"domain has {len(pairs)} (lo, hi) pairs but the network has {d_in} inputs"
        )
    out = []
    for i, pair in enumerate(pairs):
        try:
            lo, hi = pair
        except (TypeError, ValueError) as exc:
            raise ValueError(f"domain[{i}] must be a (lo, hi) pair, got {pair!r}") from exc
        flo = to_fraction(lo, f"domain[{i}] lower bound")
        fhi = to_fraction(hi, f"domain[{i}] upper bound")
        if not flo < fhi:
            raise ValueError(f"domain[{i}] is empty or degenerate: lo={lo!r} >= hi={hi!r}")
        out.append((flo, fhi))
    return tuple(out)
