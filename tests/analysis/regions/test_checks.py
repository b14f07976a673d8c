"""The lecture check table: exact counts beside the formulas, with the right status.

The formulas' values are written out here independently (math.comb, products) and compared
with the rows; the counts come from the exact counting methods.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.checks import Check
from analysis.constructions import general_position_shallow, max_regions_network
from analysis.networks import ReLUNetwork
from analysis.regions.checks import (
    STATUSES,
    lecture_check,
    lecture_check_family,
    to_markdown,
)


def by_formula(rows):
    return {r.formula: r for r in rows}


@pytest.mark.parametrize("K, D", [(1, 3), (2, 3), (3, 3), (2, 4), (2, 5)])
def test_one_input_constructions_reach_the_maximum(K, D):
    """Equality: the construction reaches (D+1)^K (lecture, D >= 3) and D+1 when K = 1."""
    rows = lecture_check(max_regions_network([D] * K), construction=True)
    f = by_formula(rows)
    assert all(r.ok for r in rows)
    if K == 1:
        assert f["D + 1"].bound == D + 1 and f["D + 1"].status == "equality"  # equality
        assert f["(-1)^{D_i} chi(-1)"].status == "equality"  # equality (Zaslavsky)
    else:
        r = f["(D + 1)^K"]
        assert (r.bound, r.count, r.kind, r.status) == (
            (D + 1) ** K,
            (D + 1) ** K,
            "exact",
            "equality",
        )  # equality
        prince = f["(D/D_i + 1)^{D_i (K-1)} sum_{j<=D_i} C(D, j)"]
        assert prince.bound == (D + 1) ** K and prince.status == "equality"  # equality
        mont = f["prod_{l<K} floor(n_l/D_i)^{D_i} sum_{j<=D_i} C(n_K, j)"]
        assert mont.bound == D ** (K - 1) * (D + 1)  # equality of the formula's value
        assert mont.kind == "lower bound" and mont.status == "holds as bound"  # lower bound
    serra = f["sum_J prod_l C(n_l, j_l)"]
    assert serra.bound == (D + 1) ** K and serra.status == "equality"  # tight for D_i = 1


def test_narrow_construction_is_below_the_product():
    """Upper bound: with n_l = 2 the product (n_l+1) is not attained; Serra's bound is the
    claim that holds; it is not an 'exact' row."""
    rows = lecture_check(max_regions_network([2, 2]), construction=True)
    r = by_formula(rows)["(D + 1)^K"]
    assert r.kind == "upper bound" and r.bound == 9 and r.count < 9  # strict upper bound
    assert r.status == "holds as bound"


@pytest.mark.parametrize("D, d_in", [(3, 2), (5, 2), (4, 3), (6, 3)])
def test_general_position_shallow_reaches_sum_of_binomials(D, d_in):
    """Equality: D hyperplanes in general position give sum_{j<=D_i} C(D, j)."""
    net = general_position_shallow(D, d_in, seed=0).network
    rows = lecture_check(net, construction=True)
    f = by_formula(rows)
    expected = sum(math.comb(D, j) for j in range(d_in + 1))
    r = f["sum_{j<=D_i} C(D, j)"]
    assert (r.bound, r.count, r.status) == (expected, expected, "equality")  # equality
    assert f["(-1)^{D_i} chi(-1)"].status == "equality"  # equality


def test_degenerate_shallow_holds_as_bound():
    """Upper bound, strict: three concurrent lines give 6 < 7; the exact Zaslavsky row is 6."""
    net = ReLUNetwork([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [[0, 0, 0], [0]])
    f = by_formula(lecture_check(net))
    assert f["sum_{j<=D_i} C(D, j)"].status == "holds as bound"  # strict upper bound
    assert f["(-1)^{D_i} chi(-1)"].bound == 6 == f["(-1)^{D_i} chi(-1)"].count  # equality


@given(
    seed=st.integers(0, 2**32 - 1),
    d=st.integers(1, 2),
    widths=st.sampled_from([(3,), (2, 2), (3, 2), (2, 2, 2)]),
)
@settings(max_examples=15, deadline=None)
def test_random_networks_violate_nothing(seed, d, widths):
    """Upper bounds: random networks stay at or below every maximum (Hanin & Rolnick)."""
    rng = np.random.default_rng(seed)
    full = (d, *widths, 1)
    net = ReLUNetwork(
        [rng.integers(-3, 4, (b, a)) for a, b in zip(full[:-1], full[1:], strict=False)],
        [rng.integers(-3, 4, b) for b in full[1:]],
    )
    box = [(-4, 4)] * d if d == 2 and len(widths) > 1 else None
    rows = lecture_check(net, box)
    assert rows and all(r.status in STATUSES[:2] for r in rows)  # no bound is violated
    assert all(r.kind in ("exact", "upper bound") for r in rows)  # no lower bound for randoms
    serra = by_formula(rows)["sum_J prod_l C(n_l, j_l)"]
    assert serra.count <= serra.bound  # upper bound


def test_violation_is_reported():
    """A count above an upper bound (here: supplied on purpose) is marked VIOLATED."""
    net = ReLUNetwork([[[1], [1]], [[1, 1]]], [[0, -1], [0]])
    rows = lecture_check(net, count=4)
    assert any(r.status == "VIOLATED" for r in rows)
    assert "**VIOLATED**" in to_markdown(rows)


def test_family_and_markdown():
    rows = lecture_check_family(
        [("K=1", max_regions_network([3])), ("K=2", max_regions_network([3, 3]))],
        construction=True,
    )
    assert {r.network for r in rows} == {"K=1", "K=2"}
    md = to_markdown(rows)
    lines = md.splitlines()
    assert len(lines) == 2 + len(rows)  # header, rule, one line per row
    assert lines[0].startswith("| network | claim | formula | bound | count | kind | status |")
    assert all(line.count("|") >= 8 for line in lines[2:])


def test_bad_input():
    net = max_regions_network([3])
    with pytest.raises(TypeError, match="ReLUNetwork"):
        lecture_check("net")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        lecture_check(net, kind="regions")
    with pytest.raises(ValueError, match="count"):
        lecture_check(net, count=0)
    row = Check.of_count("c", "1", 1, 1, "exact")
    assert row.ok
