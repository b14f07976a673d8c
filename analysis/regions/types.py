"""Data types shared by the region-counting methods.

A :class:`Region` is one full-dimensional activation region: the closure of a set of inputs
that share one activation pattern, described exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Inequality", "Region"]


@dataclass(frozen=True)
class Inequality:
    """The half-space ``a . x + b >= 0`` (strict ``> 0`` in the region's interior).

    ``unit`` is ``(layer, index)`` of the hidden unit whose pre-activation it bounds, or
    ``None`` for a face of the domain box.
    """

    a: tuple[Fraction, ...]
    b: Fraction
    unit: tuple[int, int] | None = None

    def value(self, x: Sequence[Fraction]) -> Fraction:
        """Exact ``a . x + b``."""
        return sum((ai * xi for ai, xi in zip(self.a, x, strict=True)), self.b)


@dataclass(frozen=True)
class Region:
    """One activation region of a ReLU network, exactly.

    Attributes
    ----------
    pattern : tuple of tuple of bool
        Per hidden layer, which units are active (pre-activation > 0) in the interior.
    point : tuple of Fraction
        An exact point in the interior.
    inequalities : tuple of Inequality
        Half-spaces whose intersection is the region (may include redundant ones).
    A, c : exact affine map of the output on the region, ``y = A x + c``;
        ``A`` has shape (D_o, D_i) as nested tuples, ``c`` has length D_o.
    """

    pattern: tuple[tuple[bool, ...], ...]
    point: tuple[Fraction, ...]
    inequalities: tuple[Inequality, ...]
    A: tuple[tuple[Fraction, ...], ...]
    c: tuple[Fraction, ...]

    def contains(self, x: Sequence[Fraction], strict: bool = True) -> bool:
        """Whether ``x`` lies in the interior (``strict``) or the closure."""
        if strict:
            return all(q.value(x) > 0 for q in self.inequalities)
        return all(q.value(x) >= 0 for q in self.inequalities)

    def output(self, x: Sequence[Fraction]) -> tuple[Fraction, ...]:
        """Exact output ``A x + c`` of the network's affine piece on this region."""
        return tuple(
            sum((a * xi for a, xi in zip(row, x, strict=True)), ci)
            for row, ci in zip(self.A, self.c, strict=True)
        )
