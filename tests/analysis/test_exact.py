"""Exact rational conversion and domain validation."""

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from analysis.exact import fraction_array, to_fraction
from analysis.regions.domain import normalize_domain


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_is_its_exact_dyadic_rational(x):
    f = to_fraction(x)
    assert float(f) == x  # equality: round trip
    assert f.denominator & (f.denominator - 1) == 0  # a power of two
    assert f == Fraction(*x.as_integer_ratio())


@pytest.mark.parametrize(
    "value, expected",
    [
        (3, Fraction(3)),
        ("2/6", Fraction(1, 3)),
        (np.int64(-4), Fraction(-4)),
        (np.float32(0.5), Fraction(1, 2)),
        (sympy.Rational(7, 3), Fraction(7, 3)),
        (Fraction(5, 7), Fraction(5, 7)),
        (Decimal("0.1"), Fraction(1, 10)),
    ],
)
def test_accepted_types(value, expected):
    assert to_fraction(value) == expected


@pytest.mark.parametrize(
    "value, error",
    [
        (math.nan, ValueError),
        (math.inf, ValueError),
        ("x/2", ValueError),
        (True, TypeError),
        (None, TypeError),
        (1 + 2j, TypeError),
    ],
)
def test_rejected(value, error):
    with pytest.raises(error):
        to_fraction(value, "w")


def test_fraction_array_shapes_and_nonfinite():
    a = fraction_array([[1, 0.25], ["1/3", 2]])
    assert a.shape == (2, 2) and a[1, 0] == Fraction(1, 3)
    with pytest.raises(ValueError, match="non-finite"):
        fraction_array(np.array([1.0, np.nan]))
    with pytest.raises(TypeError):
        fraction_array(np.array([True, False]))


def test_domain_validation():
    assert normalize_domain([(0, 1)], 1) == ((Fraction(0), Fraction(1)),)
    with pytest.raises(ValueError, match="2 inputs"):
        normalize_domain([(0, 1)], 2)
    with pytest.raises(ValueError, match="empty or degenerate"):
        normalize_domain([(1, 1)], 1)
    with pytest.raises(ValueError, match="non-finite"):
        normalize_domain([(0, math.inf)], 1)
    with pytest.raises(ValueError, match="pair"):
        normalize_domain([(0, 1, 2)], 1)
