"""Universal approximation with rates: the D-piece linear interpolant of a C^2 target.

A shallow ReLU network with D hidden units is a continuous piecewise-linear function with at
most D joints, and every such function on an interval is one (the lecture's universal
approximation slide). Its error on a smooth target is therefore governed by piecewise-linear
interpolation: on a uniform grid of D pieces over [a, b] the sup error of the interpolant of f
with |f''| <= M is at most M (b - a)^2 / (8 D^2) (upper bound, every D), and D^2 times the
error tends to (b - a)^2 M / 8 as D -> infinity (asymptote) -- the D^-2 law.

>>> d = interpolation_error()
>>> d.results["sup_error_bound"]
M*(a - b)**2/(8*D**2)
"""

from __future__ import annotations

import functools
from typing import Any

import sympy

from theory.claims import Claim, Kind
from theory.derivation import Derivation, register

__all__ = ["interpolation_error", "interpolation_error_bound"]


@register
def interpolation_error() -> Derivation:
    """The sup error of piecewise-linear interpolation on D pieces, derived (the D^-2 law).

    Returns
    -------
    Derivation
        Results ``local_error`` (the error on one piece of width h where f'' = c), ``sup_error``
        (its maximum, |c| h^2 / 8), ``sup_error_bound`` (M (b - a)^2 / (8 D^2): upper bound for
        |f''| <= M, every D) and ``scaled_limit`` (D^2 times the error -> (b - a)^2 M / 8 as
        D -> infinity: asymptote).
    """
    d = Derivation(
        "Piecewise-linear interpolation: the sup error falls as D^-2",
        assumptions=[
            "f is twice continuously differentiable on [a, b] with |f''| <= M",
            "D pieces of equal width h = (b - a)/D, the interpolant matches f at the joints",
        ],
        references=[
            "Physics 361, Lecture 6: universal approximation theorem",
            "de Boor, A Practical Guide to Splines (2001), ch. II",
        ],
    )
    x, h, c, M, a, b = sympy.symbols("x h c M a b", real=True)
    D = sympy.Symbol("D", positive=True, integer=True)
    e = sympy.Function("e")
    ode = d.step(
        "On one piece [0, h] the error e = f - p has e'' = f'' (p is linear); take f'' = c "
        "constant (the leading term as h -> 0), with e = 0 at both joints",
        sympy.Eq(e(x).diff(x, 2), c),
    )
    sol = sympy.dsolve(ode, e(x), ics={e(0): 0, e(h): 0})
    local = d.step("Solve the boundary-value problem", sol.rhs.factor(), lhs=r"e(x)")
    crit = d.step("e'(x) = 0 at", sympy.solve(sympy.diff(local, x), x), lhs=r"x \in")
    peak = sympy.factor(local.subs(x, crit[0]))
    d.result("local_error", local)
    sup = d.result("sup_error", sympy.Abs(peak), "The largest error on the piece, |e(h/2)|")
    d.note(
        "For a general f, e(x) = -f''(xi) x (h - x)/2 with xi in the piece (Rolle's theorem "
        "applied twice), so |e| <= M h^2/8 on every piece, and at the midpoint of the piece "
        "that holds the maximum of |f''|, |e| >= (M - h max|f'''|) h^2/8"
    )
    bound = sympy.simplify(sup.subs({sympy.Abs(c): M, c: M}).subs(h, (b - a) / D))
    bound = d.result(
        "sup_error_bound",
        sympy.factor(bound),
        "With |f''| <= M and h = (b - a)/D",
        claim=Claim(Kind.UPPER_BOUND, "|f''| <= M on [a, b], every D >= 1"),
    )
    d.result(
        "scaled_limit",
        sympy.limit(D**2 * bound, D, sympy.oo),
        "D^2 times the sup error, D -> infinity (the lower estimate meets the upper one)",
        claim=Claim(Kind.ASYMPTOTE, "f in C^3, max |f''| = M attained", limit="D -> infinity"),
    )
    return d


def interpolation_error_bound(M: float, a: float, b: float, D: int) -> float:
    """``M (b - a)^2 / (8 D^2)`` from :func:`interpolation_error` (upper bound).

    >>> interpolation_error_bound(8.0, 0.0, 1.0, 2)
    0.25
    """
    return float(_bound_function()(M, a, b, D))


@functools.cache
def _bound_function() -> Any:
    """The derived ``sup_error_bound`` as a numeric function of (M, a, b, D), derived once."""
    expr = interpolation_error().results["sup_error_bound"]
    syms = {s.name: s for s in expr.free_symbols}
    return sympy.lambdify([syms["M"], syms["a"], syms["b"], syms["D"]], expr, modules="math")
