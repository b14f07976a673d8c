"""Exact rational conversion of weights.

A float64 is an exact dyadic rational; :func:`to_fraction` returns that rational, never a
rounded decimal. Ints, ``fractions.Fraction``, numpy integers/floats, ``numbers.Rational``
(e.g. sympy rationals) and strings ``"p/q"`` are accepted.

>>> to_fraction(0.1)
Fraction(3602879701896397, 36028797018963968)
>>> to_fraction("3/4")
Fraction(3, 4)
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["to_fraction", "fraction_array", "float_array"]


def to_fraction(value: Any, where: str = "value") -> Fraction:
    """The exact rational value of ``value``; ``ValueError``/``TypeError`` if it has none."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: booleans are not weights")
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            raise ValueError(f"{where}: non-finite value {f!r}")
        return Fraction(f)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"{where}: cannot read {value!r} as a rational") from exc
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: non-finite value {value!r}")
        return Fraction(value)
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):  # e.g. a sympy Float: its float64 value
        try:
            f = float(value)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{where}: unsupported type {type(value).__name__}") from exc
        if not math.isfinite(f):
            raise ValueError(f"{where}: non-finite value {f!r}")
        return Fraction(f)
    raise TypeError(f"{where}: unsupported type {type(value).__name__}")


def fraction_array(values: Any, where: str = "array") -> np.ndarray:
    """An object array of :class:`~fractions.Fraction` with the shape of ``values``."""
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.dtype.kind == "b":
        raise TypeError(f"{where}: booleans are not weights")
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{where}: non-finite entries")
    out = np.empty(arr.shape, dtype=object)
    flat_in = arr.reshape(-1)
    flat_out = out.reshape(-1)
    for i, v in enumerate(flat_in):
        flat_out[i] = to_fraction(v, where)
    return out


def float_array(exact: np.ndarray, where: str = "array") -> np.ndarray:
    """The nearest float64 array to an object array of Fractions.

    A value beyond the float64 range (about 1.8e308) has no float copy: ``ValueError``.

    >>> float_array(np.array([Fraction(1, 4)], dtype=object))
    array([0.25])
    >>> float_array(np.array([Fraction(10**400)], dtype=object), "layer 0 weights")
    Traceback (most recent call last):
    ...
    ValueError: layer 0 weights: entry 0 is 1e+400 in magnitude, beyond the float64 range
    """
    flat = exact.reshape(-1)
    out = np.empty(flat.shape, dtype=np.float64)
    for i, v in enumerate(flat):
        try:
            out[i] = float(v)
        except OverflowError:
            mag = f"1e+{len(str(abs(int(v)))) - 1}"
            raise ValueError(
                f"{where}: entry {i} is {mag} in magnitude, beyond the float64 range"
            ) from None
    return out.reshape(exact.shape)
