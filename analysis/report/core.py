"""The report framework: sections, checks, figures, and rendering.

A *section* is a function ``(ctx) -> SectionResult``. It returns Markdown, a list of
:class:`Check` rows (a claim, its formula, the value physml computed independently, the kind of
claim, and whether it held) and figures. :func:`analysis.report.build.build_report` runs the
sections and writes the folder (:mod:`analysis.report.output`).

>>> Check("2+2", "$4$", 2 + 2, "exact", 2 + 2 == 4).mark
'✓'
"""

from __future__ import annotations

import math
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from analysis.checks import Check
from analysis.report.markdown import github_math
from theory.claims import KINDS
from theory.derivation import derive

__all__ = [
    "KINDS",
    "Check",
    "FigureOut",
    "SectionResult",
    "Section",
    "ReportContext",
    "ReportResult",
    "jsonable",
]


@dataclass
class FigureOut:
    """A figure of a section: a file stem, the matplotlib Figure, and a caption."""

    name: str
    figure: Any
    caption: str


@dataclass
class SectionResult:
    """What a section returns: Markdown, its check rows, its figures."""

    markdown: str
    checks: list[Check] = field(default_factory=list)
    figures: list[FigureOut] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A report section: a key (for report.json), a title, and the function that builds it."""

    key: str
    title: str
    build: Callable[[ReportContext], SectionResult]


@dataclass
class ReportContext:
    """What sections share: the mode, a seed per purpose, and cached derivations."""

    quick: bool
    seed: int = 20250206
    #: the derivations a section has rendered (the appendix renders the others)
    used_derivations: set[str] = field(default_factory=set)
    _derivations: dict[str, Any] = field(default_factory=dict)

    def rng(self, purpose: str) -> np.random.Generator:
        """A numpy Generator seeded from the report seed and ``purpose`` (deterministic).

        >>> a = ReportContext(quick=True).rng("x").integers(100, size=3)
        >>> b = ReportContext(quick=True).rng("x").integers(100, size=3)
        >>> bool((a == b).all())
        True
        """
        salt = sum((i + 1) * ord(c) for i, c in enumerate(purpose))
        return np.random.default_rng([self.seed, salt])

    def derivation(self, name: str) -> Any:
        """The registered derivation ``name``, computed once per report."""
        if name not in self._derivations:
            self._derivations[name] = derive(name)
        return self._derivations[name]


@dataclass
class ReportResult:
    """What :func:`build_report` returns."""

    path: Path
    n_checks: int
    n_failed_checks: int
    n_errored_sections: int
    sections: list[dict[str, Any]]

    @property
    def n_failed(self) -> int:
        """Failed checks plus errored sections."""
        return self.n_failed_checks + self.n_errored_sections


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of ``value``: Fractions as "p/q", numpy scalars as Python numbers.

    >>> jsonable({"a": Fraction(1, 3), "b": np.float64(0.5), "c": (1, 2)})
    {'a': '1/3', 'b': 0.5, 'c': [1, 2]}
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else str(f)
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if f == int(f) and abs(f) < 1e15:
            return str(int(f))
        return f"{f:.6g}"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    return str(value)


def _check_table(checks: Sequence[Check]) -> str:
    lines = [
        "| claim | formula | formula's value | physml computed | kind | |",
        "|---|---|---|---|---|:-:|",
    ]
    for c in checks:
        cells = [c.claim, c.formula, _fmt(c.expected), _fmt(c.value), c.kind, c.mark]
        cells = [github_math(cell.replace("\n", " "), in_table=True) for cell in cells]
        cells = [cell.replace("|", "\\|") for cell in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _save_figure(fig: Any, folder: Path, name: str) -> list[str]:
    import matplotlib

    files = []
    with matplotlib.rc_context({"svg.hashsalt": "physml", "svg.fonttype": "path"}):
        fig.savefig(folder / f"{name}.png", dpi=150, metadata={"Software": None})
        fig.savefig(folder / f"{name}.svg", metadata={"Date": None, "Creator": None})
    files += [f"figures/{name}.png", f"figures/{name}.svg"]
    return files


def _run_section(
    sec: Section, ctx: ReportContext, figdir: Path
) -> tuple[str, list[Check], dict[str, Any]]:
    """Run one section; return its Markdown body, checks and JSON record (errors caught)."""
    record: dict[str, Any] = {"key": sec.key, "title": sec.title, "status": "ok", "error": None}
    checks: list[Check] = []
    files: list[str] = []
    captions: list[str] = []
    try:
        res = sec.build(ctx)
        if not isinstance(res, SectionResult):
            raise TypeError(f"section {sec.key!r} returned {type(res).__name__}, not SectionResult")
        checks = list(res.checks)
        body = [github_math(res.markdown.strip()), ""]
        for fo in res.figures:
            try:
                saved = _save_figure(fo.figure, figdir, fo.name)
            finally:
                _close(fo.figure)
            files += saved
            captions.append(fo.caption)
            body.append(f"![{fo.caption}]({saved[0]})")
            body.append("")
            body.append(f"*{fo.caption}* ([SVG]({saved[1]}))")
            body.append("")
        if checks:
            body.append(_check_table(checks))
            body.append("")
        text = "\n".join(body)
    except Exception as exc:  # a failed section is reported, the rest still builds
        if "res" in locals() and isinstance(res, SectionResult):
            for fo in res.figures:
                _close(fo.figure)
        tb = traceback.format_exc()
        record["status"] = "error"
        record["error"] = f"{type(exc).__name__}: {exc}"
        checks = []
        text = (
            f"**This section failed to build:** `{type(exc).__name__}: {exc}`\n\n"
            f"<details><summary>traceback</summary>\n\n```\n{tb.strip()}\n```\n\n</details>\n"
        )
    record["checks"] = [
        {
            "claim": c.claim,
            "id": c.id or f"{sec.key}_{i}",
            "section": sec.key,
            "formula": c.formula,
            "expected": jsonable(c.expected),
            "value": jsonable(c.value),
            "formula_value": jsonable(c.expected),
            "computed": jsonable(c.value),
            "kind": str(c.kind),
            "conditions": c.conditions,
            "method": c.method,
            "status": c.status,
            "ok": c.ok,
        }
        for i, c in enumerate(checks, 1)
    ]
    record["figures"] = files
    record["captions"] = captions
    return text, checks, record


def _close(fig: Any) -> None:
    if "matplotlib.pyplot" in sys.modules:  # figures made without pyplot need no closing
        sys.modules["matplotlib.pyplot"].close(fig)


def _anchor(i: int, title: str) -> str:
    """GitHub's anchor of the heading ``## {i}. {title}``."""
    slug = "".join(ch for ch in f"{i} {title}".lower() if ch.isalnum() or ch in " -_")
    return slug.replace(" ", "-")


def _versions() -> str:
    import platform

    import matplotlib
    import sympy

    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"sympy {sympy.__version__}, matplotlib {matplotlib.__version__}"
    )


def _render(quick: bool, seed: int, parts: list[tuple[Section, str, dict[str, Any]]]) -> str:
    n_checks = sum(len(r["checks"]) for _, _, r in parts)
    n_bad = sum(not c["ok"] for _, _, r in parts for c in r["checks"])
    errored = [s.title for s, _, r in parts if r["status"] == "error"]
    command = "physml report --quick" if quick else "physml report"
    mode = (
        "quick (smaller problems, for CI: under 30 s)"
        if quick
        else "full (the larger problems: under 3 minutes on 2 cores)"
    )
    out = [
        "# physml report: the lecture's claims, derived, computed, checked and drawn",
        "",
        f"**How this report was made.** Command: `{command}` (add `--out DIR` to write "
        f"elsewhere; `--strict` exits 1 on any ✗). Mode: {mode}. Seed: {seed} (every random "
        "choice derives from it, per purpose, so the same command gives the same numbers and "
        "figures). Software: " + _versions() + ".",
        "",
        "Each topic shows the derivation (done with sympy from its premises), the figure, and a "
        "check table: the claim, its formula and the formula's value, the value physml computed "
        "*independently* of that formula (by simulation, bisection, exact enumeration, or a peer "
        "library), the kind of claim (exact, upper bound, lower bound, asymptote), and ✓ or ✗. "
        "A ✗ is reported, never hidden.",
        "",
        f"Checks: {n_checks}, failed: {n_bad}; sections that failed to build: "
        f"{len(errored)}" + (f" ({', '.join(errored)})" if errored else "") + ".",
        "",
        "## Contents",
        "",
    ]
    for i, (sec, _, rec) in enumerate(parts, 1):
        flag = " — **failed to build**" if rec["status"] == "error" else ""
        out.append(f"{i}. [{sec.title}](#{_anchor(i, sec.title)}){flag}")
    out += ["", "## Figures", ""]
    k = 0
    for i, (sec, _, rec) in enumerate(parts, 1):
        files = rec["figures"]
        for j, caption in enumerate(rec.get("captions", [])):
            k += 1
            png, svg = files[2 * j], files[2 * j + 1]
            out.append(
                f"{k}. [{caption}]({png}) ([SVG]({svg})), in [§{i}](#{_anchor(i, sec.title)})"
            )
    if k == 0:
        out.append("None.")
    out.append("")
    for i, (sec, text, _) in enumerate(parts, 1):
        out += [f"## {i}. {sec.title}", "", text.strip(), ""]
    return "\n".join(out).rstrip() + "\n"
