"""LaTeX that survives GitHub's Markdown: rewrite the math spans of a report.

GitHub applies Markdown's backslash escapes *before* its math renderer sees ``$...$`` and
``$$...$$``: ``\\{`` reaches MathJax as ``{`` (so ``\\left\\{`` fails), a matrix's row break
``\\\\`` as a single backslash, ``\\,`` as a comma. Inside a table a ``|`` ends the cell.
:func:`github_math` rewrites those constructs, inside math spans only, into control words
that mean the same to MathJax and that Markdown leaves alone.

>>> print(github_math(r"a set $\\left\\{1, 2\\right\\}$ and text \\{kept\\}"))
a set $\\left\\lbrace 1, 2\\right\\rbrace $ and text \\{kept\\}
"""

from __future__ import annotations

import re

__all__ = ["github_math", "MATH_SPAN"]

#: a display (``$$...$$``, may span lines) or inline (``$...$``, one line) math span
MATH_SPAN = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)

_WORDS = {
    "\\": r"\cr ",
    "{": r"\lbrace ",
    "}": r"\rbrace ",
    ",": r"\thinspace ",
    "!": r"\negthinspace ",
    ";": r"\thickspace ",
    ":": r"\medspace ",
    "|": r"\Vert ",
}
_ESCAPED = re.compile(r"\\([\\{},!;:|])")


def _fix_span(span: str, in_table: bool) -> str:
    out = _ESCAPED.sub(lambda m: _WORDS[m.group(1)], span)
    if in_table:
        out = out.replace("|", r"\vert ")
    return out


def github_math(text: str, in_table: bool = False) -> str:
    r"""Rewrite every math span of ``text`` so that GitHub renders it as written.

    Inside ``$...$`` and ``$$...$$``: ``\{`` and ``\}`` become ``\lbrace`` and ``\rbrace``,
    ``\\`` (a row break) becomes ``\cr``, ``\,`` ``\!`` ``\;`` ``\:`` become ``\thinspace``,
    ``\negthinspace``, ``\thickspace``, ``\medspace``, and ``\|`` becomes ``\Vert``. With
    ``in_table=True`` a bare ``|`` becomes ``\vert`` (a pipe would end the table cell). Text
    outside math is left unchanged.

    Parameters
    ----------
    text : str
        Markdown.
    in_table : bool
        The text is one cell of a Markdown table.

    Returns
    -------
    str

    Examples
    --------
    >>> github_math(r"$\begin{matrix}a\\b\end{matrix}$")
    '$\\begin{matrix}a\\cr b\\end{matrix}$'
    >>> github_math(r"$\sigma_i = |\lambda_i|$", in_table=True)
    '$\\sigma_i = \\vert \\lambda_i\\vert $'
    """
    if not isinstance(text, str):
        raise TypeError(f"github_math: text must be a str, got {type(text).__name__}")
    return MATH_SPAN.sub(lambda m: _fix_span(m.group(0), in_table), text)
