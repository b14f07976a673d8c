"""The derivations appendix: every registered derivation not shown above."""

from __future__ import annotations

from analysis.report.core import ReportContext, SectionResult
from theory.derivation import registered

__all__ = ["derivations_appendix"]


def derivations_appendix(ctx: ReportContext) -> SectionResult:
    """Every registered derivation that no topic section has shown yet."""
    names = sorted(set(registered()) - ctx.used_derivations)
    shown = sorted(ctx.used_derivations)
    listed = ", ".join(f"`{n}`" for n in shown) if shown else "none"
    tail = " The others follow." if names else " That is all of them."
    parts = [
        "Every derivation physml registers (`physml derive --list`) appears in this report "
        f"once. Shown with their topics above: {listed}." + tail
    ]
    for name in names:
        parts.append(ctx.derivation(name).to_markdown(heading="###"))
        parts.append(f"*(`physml derive {name}`)*")
    return SectionResult("\n\n".join(parts))
