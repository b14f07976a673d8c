"""Small presentation helpers shared by the report's sections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy

from analysis.report.core import ReportContext

__all__ = ["new_figure", "derivations_markdown", "fmt", "value_at"]


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 4.2) -> Any:
    """A matplotlib Figure (not registered with pyplot) and its axes, Agg-rendered.

    >>> fig, ax = new_figure()
    >>> type(ax).__name__
    'Axes'
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes


def derivations_markdown(ctx: ReportContext, names: Sequence[str]) -> str:
    """The derivations ``names`` rendered as Markdown (each marked as shown in ``ctx``).

    >>> ctx = ReportContext(quick=True)
    >>> derivations_markdown(ctx, ["newton_step"]).splitlines()[0]
    "### Newton's method from the second-order Taylor expansion"
    >>> ctx.used_derivations
    {'newton_step'}
    """
    text = "\n".join(ctx.derivation(n).to_markdown(heading="###") for n in names)
    ctx.used_derivations.update(names)
    return text


def fmt(x: float, digits: int = 4) -> str:
    """A float with ``digits`` significant digits.

    >>> fmt(2 / 3)
    '0.6667'
    """
    return f"{x:.{digits}g}"


def value_at(expr: sympy.Expr, **values: float) -> float:
    """``expr`` as a float with its free symbols given by name (names it lacks are ignored).

    >>> value_at(sympy.Symbol("a") * sympy.Symbol("b"), a=2, b=3.5, c=1)
    7.0
    """
    names = {s.name: s for s in expr.free_symbols}
    return float(expr.subs({names[k]: v for k, v in values.items() if k in names}))
