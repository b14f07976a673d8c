"""Building a report folder: run the sections, render, and install the outputs.

:func:`build_report` runs every section (:mod:`analysis.report.sections` by default), renders
``REPORT.md`` and ``report.json`` into a staging folder and installs them
(:mod:`analysis.report.output`). A section that raises is reported with its error; the rest
still builds.

>>> import tempfile, pathlib
>>> from analysis.report.core import Check, Section, SectionResult
>>> def tiny(ctx):
...     return SectionResult("Two plus two.", [Check("2+2", "$4$", 2 + 2, "exact", 2 + 2 == 4)])
>>> with tempfile.TemporaryDirectory() as d:
...     res = build_report(pathlib.Path(d) / "r", sections=[Section("tiny", "Tiny", tiny)],
...                        progress=False)
...     print(res.n_checks, res.n_failed, (res.path / "REPORT.md").exists())
1 0 True
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import analysis.report.sections as report_sections
from analysis.progress import format_seconds
from analysis.report.core import (
    Check,
    ReportContext,
    ReportResult,
    Section,
    _render,
    _run_section,
)
from analysis.report.output import GENERATOR, check_target, install, staging_folder

__all__ = ["build_report"]


def build_report(
    out_dir: str | os.PathLike[str] = "reports",
    quick: bool = False,
    *,
    sections: Sequence[Section] | None = None,
    seed: int = 20250206,
    progress: bool = True,
) -> ReportResult:
    """Build the report folder: ``REPORT.md``, ``report.json`` and ``figures/``.

    Parameters
    ----------
    out_dir : path
        The folder to write (created if missing). Only physml's outputs there (REPORT.md,
        report.json, figures/) are replaced, each only once the new report is complete; an
        existing file, or a non-empty folder that holds no physml report, is refused with
        :class:`~analysis.report.output.ReportTargetError` before any work (see
        :mod:`analysis.report.output`).
    quick : bool
        Smaller problems (for CI and tests): under 30 s.
    sections : sequence of Section, optional
        The sections to build (default: :func:`analysis.report.default_sections`).
    seed : int
        The seed every random choice derives from (the report is deterministic).
    progress : bool
        Print one line per section to stderr.

    Returns
    -------
    ReportResult
        ``path`` (the folder written) and ``n_failed`` (failed checks + errored sections).
    """
    if sections is None:
        sections = report_sections.default_sections()
    target = check_target(out_dir)  # refuse a file or a folder of someone else's first
    with staging_folder(target) as tmp:
        figdir = tmp / "figures"
        ctx = ReportContext(quick=quick, seed=seed)
        if progress and importlib.util.find_spec("torch") is None:
            print(
                "note: torch is not installed, so the checks against it (optimizer "
                "trajectories, parameter totals, Adam's defaults) are skipped; "
                "pip install -e '.[peers]' adds them",
                file=sys.stderr,
            )
        parts: list[tuple[Section, str, dict[str, Any]]] = []
        all_checks: list[Check] = []
        started = time.perf_counter()
        for i, sec in enumerate(sections, 1):
            t0 = time.perf_counter()
            text, checks, record = _run_section(sec, ctx, figdir)
            seconds = time.perf_counter() - t0  # printed, not stored: the files are deterministic
            parts.append((sec, text, record))
            all_checks += checks
            if progress:
                bad = sum(not c.ok for c in checks)
                state = "ERROR " + str(record["error"]) if record["status"] == "error" else "ok"
                spent = time.perf_counter() - started
                left = spent / i * (len(sections) - i)
                done = int(20 * i / len(sections))
                bar = "#" * done + "." * (20 - done)
                print(
                    f"[{bar}] {i:2d}/{len(sections)} {sec.title}: {state} "
                    f"({len(checks)} checks, {bad} failed, {seconds:.1f} s; "
                    f"{format_seconds(spent)} elapsed, about {format_seconds(left)} left)",
                    file=sys.stderr,
                    flush=True,
                )
        records = [r for _, _, r in parts]
        n_bad = sum(not c.ok for c in all_checks)
        n_err = sum(r["status"] == "error" for r in records)
        (tmp / "REPORT.md").write_text(_render(quick, seed, parts), encoding="utf-8")
        summary = {
            "generator": GENERATOR,
            "quick": quick,
            "seed": seed,
            "n_checks": len(all_checks),
            "n_failed_checks": n_bad,
            "n_errored_sections": n_err,
            "sections": records,
        }
        (tmp / "report.json").write_text(
            json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        install(tmp, target)
    return ReportResult(target, len(all_checks), n_bad, n_err, records)
