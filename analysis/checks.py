"""One check row for every comparison physml reports: a formula beside an independent value.

A :class:`Check` holds what is claimed, the formula and its value, the value physml computed
*independently* of the formula (and how: ``method``), the kind of claim
(:class:`theory.claims.Kind`) with its conditions, and whether it held. The region checks
(:func:`analysis.regions.checks.lecture_check`), the report's tables and ``report.json`` all use
it.

>>> c = Check.of_count("regions of a 1-3-1 net", "D + 1", 4, 4, "upper bound")
>>> c.status, c.mark, c.bound, c.count
('equality', '✓', 4, 4)
>>> Check("2 + 2", "$4$", 4, "exact", True, expected=4).mark
'✓'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from theory.claims import Kind, as_kind, holds, status

__all__ = ["Check", "STATUSES"]

#: the status of an exact or bound check
STATUSES = ("equality", "holds as bound", "VIOLATED")


@dataclass
class Check:
    """One checked claim: a row of a check table.

    Parameters
    ----------
    claim : str
        What is claimed, in words.
    formula : str
        The formula (Markdown with ``$...$`` LaTeX, or plain text).
    value : object
        What physml computed independently of the formula (a number, or a short text).
    kind : Kind or str
        The kind of claim (:data:`theory.claims.KINDS`).
    ok : bool, optional
        Whether the claim held; decided from ``kind``, ``expected`` and ``value`` when omitted
        (exact and bound claims). A failed check is reported, never hidden.
    expected : object, optional
        The formula's value, when it has one (shown beside ``value``).
    conditions : str
        When the claim holds (e.g. "every width but the last >= 3").
    method : str
        How ``value`` was obtained, independently of the formula.
    network : str
        A label of the network checked (region checks of a family).
    id : str
        A stable identifier (report.json).
    """

    claim: str
    formula: str
    value: Any
    kind: Kind | str
    ok: bool | None = None
    expected: Any = None
    conditions: str = ""
    method: str = ""
    network: str = ""
    id: str = ""

    def __post_init__(self) -> None:
        try:
            self.kind = as_kind(self.kind)
        except ValueError as exc:
            raise ValueError(f"check {self.claim!r}: {exc}") from None
        if self.ok is None:
            self.ok = holds(self.kind, self.expected, self.value)
        self.ok = bool(self.ok)

    @classmethod
    def of_count(
        cls, claim: str, formula: str, bound: Any, count: int, kind: Any, network: str = ""
    ) -> Check:
        """A region formula's value ``bound`` beside an exact ``count``, status from the kind."""
        b = int(bound)
        return cls(claim, formula, count, kind, None, b, network=network, method="exact count")

    @property
    def mark(self) -> str:
        """``✓`` when the claim held, ``✗`` otherwise."""
        return "✓" if self.ok else "✗"

    @property
    def status(self) -> str:
        """``equality`` / ``holds as bound`` / ``VIOLATED`` (exact and bounds), else ok or not."""
        if self.kind in (Kind.EXACT, Kind.UPPER_BOUND, Kind.LOWER_BOUND) and (
            self.expected is not None
        ):
            try:
                return status(self.kind, self.expected, self.value)
            except TypeError:  # values that do not compare
                pass
        return "holds" if self.ok else "VIOLATED"

    @property
    def bound(self) -> Any:
        """The formula's value (a region bound)."""
        return self.expected

    @property
    def count(self) -> Any:
        """The computed value (an exact count)."""
        return self.value
