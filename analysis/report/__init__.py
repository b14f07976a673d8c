"""``physml report``: the lecture's claims, derived, computed, checked and drawn.

Re-exports of the report framework (:mod:`analysis.report.core`) and the default sections
(:mod:`analysis.report.sections`).
"""

from analysis.report.build import build_report
from analysis.report.core import (
    KINDS,
    Check,
    FigureOut,
    ReportContext,
    ReportResult,
    Section,
    SectionResult,
)
from analysis.report.sections import default_sections

__all__ = [
    "KINDS",
    "Check",
    "FigureOut",
    "ReportContext",
    "ReportResult",
    "Section",
    "SectionResult",
    "build_report",
    "default_sections",
]
