"""theory.networks: derived totals and bounds against independently written formulas."""

from __future__ import annotations

import itertools
import math
from functools import cache

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.networks import ReLUNetwork
from theory.claims import Kind
from theory.derivation import derive, registered
from theory.networks import (
    deep_parameter_count,
    depth_efficiency,
    max_regions_1d,
    max_regions_shallow,
    montufar_lower_bound,
    parameter_count,
    prince_regions,
    serra_lower_bound,
    serra_upper_bound,
    shallow_parameter_count,
    shallow_width_to_match,
)
from theory.symbols import D, D_i, D_o, K

DERIVATIONS = [
    "parameter_totals",
    "shallow_region_recursion",
    "deep_regions_1d",
    "width_one_regions",
    "depth_efficiency_derivation",
]

# ---------------------------------------------------------------------------- parameters


def test_lecture_parameter_formulas():
    # claim: symbolic equality with the lecture's formulas, written out here
    assert sympy.expand(shallow_parameter_count(D) - (3 * D + 1)) == 0
    assert sympy.expand(deep_parameter_count(D, K) - (3 * D + 1 + (K - 1) * D * (D + 1))) == 0
    general = (D_i + 1) * D + (K - 1) * (D + 1) * D + (D + 1) * D_o
    assert sympy.expand(deep_parameter_count(D, K, D_i, D_o) - general) == 0


def test_parameter_totals_derivation():
    d = derive("parameter_totals")
    # claim: symbolic equality with the lecture's formulas
    assert sympy.expand(d["deep"] - (3 * D + 1 + (K - 1) * D * (D + 1))) == 0
    assert sympy.expand(d["shallow"] - (3 * D + 1)) == 0
    assert sympy.expand(d["shallow_general"] - ((D_i + 1) * D + (D + 1) * D_o)) == 0


@pytest.mark.parametrize(
    ("widths", "d_in", "d_out", "expected"),
    [
        ([10] * 5, 1, 1, 471),  # Prince, fig. 4.x: K = 5, D = 10
        ([95], 1, 1, 286),  # Prince: shallow D = 95
        ([5] * 10, 1, 1, 286),  # Prince: deep K = 10, D = 5
        ([3], 1, 1, 10),  # the lecture's ten-parameter example
        ([], 4, 2, 10),  # an affine map: 4 x 2 weights + 2 biases
        ([3, 4], 2, 5, 9 + 16 + 25),
    ],
)
def test_parameter_count_known_values(widths, d_in, d_out, expected):
    assert parameter_count(widths, d_in, d_out) == expected  # claim: equality


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=0, max_size=4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 2**16),
)
def test_parameter_count_equals_array_sizes(widths, d_in, d_out, seed):
    net = ReLUNetwork.random((d_in, *widths, d_out), seed=seed)
    sizes = sum(W.size + B.size for W, B in zip(net.weights, net.biases, strict=True))
    assert parameter_count(widths, d_in, d_out) == sizes == net.n_parameters  # claim: equality


@pytest.mark.parametrize(("Dv", "Kv"), [(1, 1), (3, 2), (5, 10), (10, 5), (7, 3)])
def test_deep_count_matches_general_count(Dv, Kv):
    assert deep_parameter_count(Dv, Kv) == parameter_count([Dv] * Kv)  # claim: equality


@pytest.mark.parametrize("widths", [[4, 3], [2, 2, 2], [8]])
def test_parameter_count_matches_torch(widths):
    torch = pytest.importorskip("torch")
    layers = []
    for a, b in zip((2, *widths), (*widths, 3), strict=True):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    # claim: equality with a peer library's count
    assert parameter_count(widths, 2, 3) == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("bad", [[0], [-2], [1.5]])
def test_parameter_count_bad_widths(bad):
    with pytest.raises((ValueError, TypeError), match="widths"):
        parameter_count(bad)


# ---------------------------------------------------------------------------- regions


@cache
def r(Dv: int, d: int) -> int:
    """The recursion r(D, d) = r(D-1, d) + r(D-1, d-1), run as written."""
    if Dv == 0 or d == 0:
        return 1
    return r(Dv - 1, d) + r(Dv - 1, d - 1)


@pytest.mark.parametrize(("Dv", "d"), [(Dv, d) for Dv in range(0, 9) for d in range(1, 5)])
def test_max_regions_shallow_solves_recursion(Dv, d):
    assert max_regions_shallow(Dv, d) == r(Dv, d)  # claim: equality


def test_shallow_region_derivation():
    d = derive("shallow_region_recursion")
    n = sympy.Symbol("D", integer=True, nonnegative=True)
    x = sympy.Symbol("x")
    # claim: equality with the generating function (1 + x)^D / (1 - x), written out here
    assert sympy.simplify(d["generating_function"] - (1 + x) ** n / (1 - x)) == 0
    dn = sympy.Symbol("d", integer=True, nonnegative=True)
    for Dv in range(0, 7):
        for dv in range(0, 5):
            # claim: equality of the solved closed form with the recursion run as written
            assert d["regions"].subs({n: Dv, dn: dv}).doit() == r(Dv, dv)
            # and with the x^d coefficient of the series of (1 + x)^D / (1 - x)
            ser = sympy.series((1 + x) ** Dv / (1 - x), x, 0, dv + 1).removeO()
            assert ser.coeff(x, dv) == r(Dv, dv)
    assert d["pascal_residual"] == 0  # claim: identity (Pascal's rule)
    assert sympy.expand(d["regions_d1"] - (n + 1)) == 0  # claim: equality, lecture's D + 1
    assert sympy.expand(d["regions_d2"] - (1 + n + n * (n - 1) / 2)) == 0  # claim: equality
    assert max_regions_shallow(D) == D + 1  # claim: equality (lecture: D + 1 regions)


@pytest.mark.parametrize(
    ("widths", "expected"),
    [([10] * 5, 161051), ([5] * 10, 60466176), ([95], 96), ([3, 4, 5], 120), ([1, 1], 4)],
)
def test_max_regions_1d_values(widths, expected):
    assert max_regions_1d(widths) == expected  # claim: equality with the product formula


def test_deep_regions_1d_derivation():
    d = derive("deep_regions_1d")
    assert d["equal_widths"] == (D + 1) ** K  # claim: equality with the lecture's (D+1)^K
    assert d["shallow"] == D + 1  # claim: equality
    assert d.claims["equal_widths"].kind is Kind.UPPER_BOUND


def test_width_one_derivation():
    d = derive("width_one_regions")
    assert d["regions"] == K + 1  # claim: equality of the derived bound and K + 1
    for k in range(1, 7):
        assert serra_upper_bound([1] * k, 1) == k + 1  # claim: equality with Serra's bound


def serra_brute(widths: list[int], d_in: int) -> int:
    """Theorem 1 of Serra et al. by enumerating J directly."""
    total = 0
    for js in itertools.product(*[range(n + 1) for n in widths]):
        ok = True
        for l, j in enumerate(js):
            cap = min([d_in, *[widths[m] - js[m] for m in range(l)], widths[l]])
            if not 0 <= j <= cap:
                ok = False
                break
        if ok:
            total += math.prod(math.comb(n, j) for n, j in zip(widths, js, strict=True))
    return total


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.integers(1, 4))
def test_serra_upper_bound_matches_enumeration(widths, d_in):
    bound = serra_upper_bound(widths, d_in)
    assert bound == serra_brute(widths, d_in)  # claim: equality of two evaluations
    assert bound <= math.prod(  # claim: upper bound, below the naive prod of shallow counts
        sum(math.comb(n, j) for j in range(d_in + 1)) for n in widths
    )
    if d_in == 1 and min(widths) >= 2:
        assert bound == math.prod(n + 1 for n in widths)  # claim: equality


@pytest.mark.parametrize("Dv", range(1, 8))
@pytest.mark.parametrize("d_in", [1, 2, 3])
def test_serra_shallow_is_zaslavsky(Dv, d_in):
    assert serra_upper_bound([Dv], d_in) == max_regions_shallow(Dv, d_in)  # claim: equality


@pytest.mark.parametrize(
    ("widths", "d_in"), [([3, 3, 3], 1), ([6, 6], 2), ([9, 9, 9], 3), ([4, 7, 5], 1), ([6, 8], 2)]
)
def test_bounds_are_ordered(widths, d_in):
    lo_m = montufar_lower_bound(widths, d_in)
    lo_s = serra_lower_bound(widths, d_in)
    hi = serra_upper_bound(widths, d_in)
    assert lo_m <= lo_s <= hi  # claim: bounds, lower below upper


def test_lower_bounds_written_out():
    # claim: equality with the formulas evaluated by hand
    assert montufar_lower_bound([4, 4, 5], 2) == 2**2 * 2**2 * (1 + 5 + 10)
    assert serra_lower_bound([6, 6, 6], 2) == 4**2 * 4**2 * (1 + 6 + 15)
    with pytest.raises(ValueError, match="D_i"):
        montufar_lower_bound([1, 4], 2)
    with pytest.raises(ValueError, match="3 D_i"):
        serra_lower_bound([5, 6], 2)


def test_prince_known_values():
    # claim: equality with Prince's stated values (K = 5, D = 10: at most 161,051 regions)
    assert prince_regions(10, 5, 1) == 161051
    assert prince_regions(5, 10, 1) == 6**10 == 60466176
    assert prince_regions(D, K, 1) == (D + 1) ** K
    # claim: equality with Serra's Theorem 8 lower bound when D_i divides D
    assert prince_regions(6, 3, 2) == serra_lower_bound([6, 6, 6], 2)
    assert prince_regions(9, 4, 3) == serra_lower_bound([9, 9, 9, 9], 3)


@pytest.mark.parametrize(
    ("args", "match"), [((0, 2, 1), "D"), ((3, 0, 1), "K"), ((3, 2, 0), "d_in"), ((2.5, 2, 1), "D")]
)
def test_prince_regions_bad_input(args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        prince_regions(*args)


# ---------------------------------------------------------------------------- depth efficiency


def test_depth_efficiency_symbolic():
    eff = depth_efficiency(D, K)
    assert sympy.expand(eff["shallow_width"] - ((D + 1) ** K - 1)) == 0  # claim: equality
    assert sympy.expand(eff["shallow_parameters"] - (3 * ((D + 1) ** K - 1) + 1)) == 0
    deep = 3 * D + 1 + (K - 1) * D * (D + 1)
    assert sympy.simplify(eff["ratio"] - (3 * (D + 1) ** K - 2) / deep) == 0
    d = derive("depth_efficiency_derivation")
    assert d["ratio_growth"] == sympy.log(D + 1)  # claim: asymptote of log(ratio)/K
    assert sympy.simplify(d["ratio"] - eff["ratio"]) == 0


@pytest.mark.parametrize(("Dv", "Kv"), [(5, 10), (10, 5), (3, 2)])
def test_depth_efficiency_numbers(Dv, Kv):
    eff = depth_efficiency(Dv, Kv)
    width = shallow_width_to_match(Dv, Kv)
    # claim: equality -- a shallow net of that width has exactly (D+1)^K maximal regions
    assert max_regions_shallow(width) == (Dv + 1) ** Kv == eff["regions"]
    assert eff["shallow_parameters"] == 3 * width + 1
    assert eff["ratio"] == sympy.Rational(3 * width + 1, parameter_count([Dv] * Kv))
    assert eff["ratio"] > 1  # claim: bound -- deep needs fewer parameters here


# ---------------------------------------------------------------------------- registry


@pytest.mark.parametrize("name", DERIVATIONS)
def test_derivations_registered_and_render(name):
    assert name in registered()
    d = derive(name)
    text = d.to_markdown()
    assert d.results and d.steps and text.startswith("### ")  # claim: non-empty record
    assert np.all([isinstance(k, str) for k in d.results])
