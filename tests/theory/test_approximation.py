"""The D^-2 law of piecewise-linear interpolation, derived, against direct evaluation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from theory.claims import Kind
from theory.networks import interpolation_error, interpolation_error_bound


def test_local_error_solves_the_boundary_value_problem():
    d = interpolation_error()
    e = d.results["local_error"]
    x, h, c = (next(s for s in e.free_symbols if s.name == n) for n in ("x", "h", "c"))
    assert sympy.simplify(sympy.diff(e, x, 2) - c) == 0  # e'' = f'' = c
    assert e.subs(x, 0) == 0 and sympy.simplify(e.subs(x, h)) == 0  # zero at the joints


@pytest.mark.parametrize("D", [1, 3, 8, 50])
def test_bound_is_attained_by_a_parabola(D):
    # f = x^2 on [0, 1]: f'' = 2 everywhere, so the sup error equals M h^2/8 exactly
    knots = np.linspace(0.0, 1.0, D + 1)
    mids = (knots[:-1] + knots[1:]) / 2
    err = np.max(np.abs(mids**2 - np.interp(mids, knots, knots**2)))
    assert err == pytest.approx(interpolation_error_bound(2.0, 0.0, 1.0, D), rel=1e-12)


@pytest.mark.parametrize("D", [2, 5, 17, 40])
def test_bound_holds_for_the_sine(D):
    xs = np.linspace(-1, 1, 20001)
    knots = np.linspace(-1, 1, D + 1)
    err = np.max(np.abs(np.sin(np.pi * xs) - np.interp(xs, knots, np.sin(np.pi * knots))))
    assert err <= interpolation_error_bound(np.pi**2, -1.0, 1.0, D)  # upper bound


def test_claim_kinds_and_limit():
    d = interpolation_error()
    assert d.claims["sup_error_bound"].kind is Kind.UPPER_BOUND
    assert d.claims["scaled_limit"].kind is Kind.ASYMPTOTE
    assert "infinity" in d.claims["scaled_limit"].limit
    M, a, b = (
        next(s for s in d.results["scaled_limit"].free_symbols if s.name == n) for n in "Mab"
    )
    assert d.results["scaled_limit"].subs({M: 8, a: 0, b: 1}) == 1  # (b-a)^2 M / 8
