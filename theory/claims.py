"""One vocabulary for the kind of a claim: exact, upper bound, lower bound, asymptote, empirical.

Every result physml states says which kind of claim it is, with its conditions. The same
:class:`Kind` is used by :class:`~theory.derivation.Derivation` (``claims``), the region checks
(:func:`analysis.regions.checks.lecture_check`), the report's check rows and the tests
(:func:`assert_claim`), so that no code matches free text.

=============  ==============================================================================
kind           what a check of it compares
=============  ==============================================================================
exact          the computed value equals the formula's
upper bound    the computed value is at most the formula's
lower bound    the computed value is at least the formula's
asymptote      the relative gap shrinks in the stated limit (a tolerance derived from it)
empirical      a measurement with its spread; the check states its own acceptance window
=============  ==============================================================================

A :class:`Kind` is a ``str``, so ``Kind.EXACT == "exact"``.

>>> Claim(Kind.UPPER_BOUND, "attained for D >= 3")
Claim(kind=<Kind.UPPER_BOUND: 'upper bound'>, conditions='attained for D >= 3', limit='')
>>> str(Claim(Kind.ASYMPTOTE, limit="kappa -> oo"))
'asymptote (kappa -> oo)'
>>> status(Kind.UPPER_BOUND, 16, 12), status("exact", 4, 4), status("lower bound", 9, 7)
('holds as bound', 'equality', 'VIOLATED')
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = ["Kind", "Claim", "KINDS", "as_kind", "status", "holds", "assert_claim"]


class Kind(str, Enum):
    """The kind of a claim (a ``str``: ``Kind.EXACT == "exact"``)."""

    EXACT = "exact"
    UPPER_BOUND = "upper bound"
    LOWER_BOUND = "lower bound"
    ASYMPTOTE = "asymptote"
    EMPIRICAL = "empirical"

    def __str__(self) -> str:
        return self.value


#: every kind's text, in order
KINDS: tuple[str, ...] = tuple(k.value for k in Kind)


def as_kind(value: Any) -> Kind:
    """``value`` as a :class:`Kind` (a Kind or its exact text); ``ValueError`` otherwise.

    >>> as_kind("lower bound") is Kind.LOWER_BOUND
    True
    """
    if isinstance(value, Kind):
        return value
    try:
        return Kind(value)
    except ValueError:
        raise ValueError(f"kind must be one of {KINDS}, got {value!r}") from None


@dataclass(frozen=True)
class Claim:
    """A kind of claim with its conditions (and, for an asymptote, the limit it is taken in)."""

    kind: Kind
    conditions: str = ""
    limit: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", as_kind(self.kind))
        if self.kind is Kind.ASYMPTOTE and not self.limit:
            raise ValueError("an asymptote must say which limit it is taken in")

    def __str__(self) -> str:
        extra = [s for s in (self.limit, self.conditions) if s]
        return str(self.kind) + (f" ({'; '.join(extra)})" if extra else "")


def status(kind: Any, formula_value: Any, computed: Any) -> str:
    """``"equality"``, ``"holds as bound"`` or ``"VIOLATED"`` for exact and bound claims."""
    k = as_kind(kind)
    if computed == formula_value:
        return "equality"
    if k is Kind.UPPER_BOUND and computed < formula_value:
        return "holds as bound"
    if k is Kind.LOWER_BOUND and computed > formula_value:
        return "holds as bound"
    return "VIOLATED"


def holds(kind: Any, formula_value: Any, computed: Any, rtol: float | None = None) -> bool:
    """Whether ``computed`` is consistent with ``formula_value`` under a claim of ``kind``.

    Exact and bound claims compare exactly; given ``rtol`` they compare a floating-point
    evaluation, with the rounding tolerance ``rtol`` (relative, with an absolute floor of
    ``rtol`` for values near 0). An asymptote or an empirical claim needs ``rtol``: the relative
    tolerance that follows from its derivation or its measured spread.

    >>> holds("upper bound", 10, 7), holds("asymptote", 100.0, 101.0, rtol=0.02)
    (True, True)
    >>> holds("exact", 0.3, 0.1 + 0.2), holds("exact", 0.3, 0.1 + 0.2, rtol=1e-15)
    (False, True)
    """
    k = as_kind(kind)
    if k in (Kind.ASYMPTOTE, Kind.EMPIRICAL) and rtol is None:
        raise ValueError(f"a {k} check needs rtol, the tolerance that follows from it")
    if rtol is None:
        return status(k, formula_value, computed) != "VIOLATED"
    f, c = float(formula_value), float(computed)
    slack = rtol * max(abs(f), 1.0) if k is not Kind.EMPIRICAL else rtol * abs(f)
    if k is Kind.UPPER_BOUND:
        return c <= f + slack
    if k is Kind.LOWER_BOUND:
        return c >= f - slack
    return abs(c - f) <= slack


def assert_claim(
    kind: Any, formula_value: Any, computed: Any, rtol: float | None = None, what: str = ""
) -> None:
    """``assert`` that the claim holds, with a message that names the kind and both values.

    >>> assert_claim("lower bound", 9, 7, what="(2, 2) widths")
    Traceback (most recent call last):
    ...
    AssertionError: lower bound violated for (2, 2) widths: formula 9, computed 7
    """
    if not holds(kind, formula_value, computed, rtol):
        where = f" for {what}" if what else ""
        raise AssertionError(
            f"{as_kind(kind)} violated{where}: formula {formula_value}, computed {computed}"
            + (f" (rtol {rtol})" if rtol is not None else "")
        )
