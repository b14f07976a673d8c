"""The :class:`Derivation` record: a derivation a reader can follow, step by step.

A derivation is built by *doing* sympy operations on its premises; every intermediate object is
recorded as a step with a sentence saying what was done, and the named outcomes are stored in
``results``. It renders itself as Markdown with LaTeX.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> d = Derivation("Minimum of a parabola", assumptions=["a > 0"])
>>> E = d.step("Premise: the loss", (x - 2) ** 2)
>>> sol = d.step("Solve dE/dx = 0", sympy.solve(sympy.diff(E, x), x))
>>> d.result("x_min", sol[0])
2
>>> print(d.to_markdown().splitlines()[0])
### Minimum of a parabola
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sympy

from theory.claims import Claim, Kind, as_kind

__all__ = [
    "Derivation",
    "register",
    "unregister",
    "registered",
    "derive",
    "latex",
    "equation",
    "key_latex",
]

T = TypeVar("T")


def latex(obj: Any) -> str:
    """LaTeX for a sympy object, or a container of them (tuples, lists, dicts)."""
    if isinstance(obj, dict):
        return r",\quad ".join(f"{latex(k)} = {latex(v)}" for k, v in obj.items())
    if isinstance(obj, (list, tuple)) and not isinstance(obj, sympy.Basic):
        return r"\left(" + ", ".join(latex(o) for o in obj) + r"\right)"
    if isinstance(obj, str):
        return r"\text{" + obj + "}"
    return sympy.latex(obj)


_RELATIONS = ("=", r"\approx", r"\in", "<", ">", r"\le", r"\ge", r"\to", r"\sim", r"\mapsto")


def key_latex(key: str) -> str:
    r"""A result key as LaTeX: ``eta_max`` -> ``\eta_{max}`` (sympy's symbol printing).

    >>> print(key_latex("eta_max"), key_latex("rate_opt"))
    \eta_{max} \mathrm{rate}_{opt}
    """
    head, _, tail = key.partition("_")
    sym = sympy.latex(sympy.Symbol(head))
    if sym == head and len(head) > 1:
        sym = r"\mathrm{" + head + "}"
    return sym + (r"_{" + tail.replace("_", r"\_") + "}" if tail else "")


def equation(lhs: str | None, obj: Any) -> str:
    r"""``lhs = obj`` in LaTeX (``obj`` alone when it is a relation or there is no ``lhs``).

    >>> print(equation("v_{opt}", sympy.Symbol("x")), "|", equation(r"E \approx", 1))
    v_{opt} = x | E \approx 1
    """
    body = latex(obj)
    if lhs is None or isinstance(obj, sympy.core.relational.Relational):
        return body
    return f"{lhs} {body}" if lhs.rstrip().endswith(_RELATIONS) else f"{lhs} = {body}"


@dataclass
class Derivation:
    """A derivation record.

    Attributes
    ----------
    title : str
        What is derived.
    steps : list of (str, object)
        Ordered steps: a sentence and the sympy object it produced (``None`` for prose only).
    results : dict of str to sympy object
        Named results, e.g. ``results["eta_max"]``.
    assumptions : list of str
        Premises and conditions under which the results hold.
    references : list of str
        Lecture slide or paper each result comes from.
    claims : dict of str to Claim
        For a result name, which kind of claim it is (:class:`theory.claims.Claim`: exact,
        upper bound, lower bound, asymptote with its limit, empirical) and its conditions,
        when that is not plain equality.
    name : str
        Registry name (the function that builds it), used by ``physml derive NAME``.
    """

    title: str
    steps: list[tuple[str, Any]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    claims: dict[str, Claim] = field(default_factory=dict)
    name: str = ""
    #: the LaTeX left-hand side of step i (0-based), rendered as ``lhs = object``
    lhs: dict[int, str] = field(default_factory=dict)

    def step(self, text: str, obj: T = None, lhs: str | None = None) -> T:  # type: ignore[assignment]
        """Record a step and return its object, so a derivation reads as a chain.

        ``lhs``: the LaTeX of what the object is (``E(theta + v)``, ``v_{opt}``), so that the
        step renders as an equation; it may end in its own relation (``approx``, ``in``, as LaTeX).
        A sympy relation (``Eq``, ``<``) already has both sides.
        """
        if lhs is not None:
            self.lhs[len(self.steps)] = lhs
        self.steps.append((text, obj))
        return obj

    def note(self, text: str) -> None:
        """Record a prose-only step (a remark the reader needs)."""
        self.steps.append((text, None))

    def result(
        self,
        key: str,
        value: T,
        text: str | None = None,
        claim: Claim | Kind | None = None,
        lhs: str | None = None,
    ) -> T:
        """Store a named result (and record it as a step when ``text`` is given).

        ``claim``: a :class:`~theory.claims.Claim` (or a bare :class:`~theory.claims.Kind`).
        ``lhs``: the LaTeX left-hand side of its equation (default: the key as a symbol).
        """
        if text is not None:
            self.lhs[len(self.steps)] = lhs if lhs is not None else key_latex(key)
            self.steps.append((text, value))
        self.results[key] = value
        if claim is not None:
            self.claims[key] = claim if isinstance(claim, Claim) else Claim(as_kind(claim))
        return value

    def __getitem__(self, key: str) -> Any:
        return self.results[key]

    def to_markdown(self, heading: str = "###") -> str:
        """Render as Markdown with ``$...$`` / ``$$...$$`` LaTeX."""
        out = [f"{heading} {self.title}", ""]
        if self.assumptions:
            out.append("**Assumptions.** " + "; ".join(self.assumptions) + ".")
            out.append("")
        for i, (text, obj) in enumerate(self.steps):
            out.append(f"{i + 1}. {text}")
            if obj is not None:
                out.append("")
                out.append(f"   $$ {equation(self.lhs.get(i), obj)} $$")
            out.append("")
        if self.results:
            out.append("**Results.**")
            out.append("")
            for key, value in self.results.items():
                kind = self.claims.get(key)
                suffix = f" *({kind})*" if kind else ""
                out.append(f"- `{key}`: ${equation(key_latex(key), value)}${suffix}")
            out.append("")
        if self.references:
            out.append("**References.** " + "; ".join(self.references) + ".")
            out.append("")
        return "\n".join(out)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __str__(self) -> str:
        return self.to_markdown()


_REGISTRY: dict[str, Callable[[], Derivation]] = {}
# Modules whose derivations register themselves on import.
_MODULES = ("theory.optimization", "theory.networks")


def register(fn: Callable[[], Derivation]) -> Callable[[], Derivation]:
    """Decorator: make a zero-argument derivation function available to ``physml derive``."""
    _REGISTRY[fn.__name__] = fn
    return fn


def unregister(name: str) -> None:
    """Remove a registered derivation (``KeyError`` if there is none of that name)."""
    del _REGISTRY[name]


def registered() -> dict[str, Callable[[], Derivation]]:
    """All registered derivation functions, by name (imports the theory modules)."""
    import importlib

    for mod in _MODULES:
        importlib.import_module(mod)
    return dict(_REGISTRY)


def derive(name: str) -> Derivation:
    """Run the registered derivation ``name`` and return its record."""
    table = registered()
    if name not in table:
        raise ValueError(f"unknown derivation {name!r}; known: {', '.join(sorted(table))}")
    d = table[name]()
    if not d.name:
        d.name = name
    return d
