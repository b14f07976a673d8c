"""Saddle escapes, mini-batch variance and Langevin escapes, measured."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from analysis.saddles import (
    escape_steps,
    langevin_escape_times,
    minibatch_variance_exact,
    noise_floor,
    perturbed_escape,
)


@pytest.mark.parametrize("delta", [0.5, 1e-3, 1e-9])
def test_strict_escape_is_the_rounded_up_log_ratio(delta):
    steps = escape_steps("strict", delta, eta=0.2, mu=2.0)
    assert steps == math.ceil(math.log(1 / delta) / math.log(1.4))


def test_degenerate_escape_is_quadratic_in_one_over_delta():
    a, b = escape_steps("degenerate", 0.02, 0.1), escape_steps("degenerate", 0.01, 0.1)
    assert 3.9 < b / a < 4.1  # ~ 1/(2 eta delta^2)
    with pytest.raises(ValueError):
        escape_steps("flat", 0.1, 0.1)


def test_gd_at_the_saddle_stays_and_a_kick_escapes():
    r = perturbed_escape(0.1, 1.0, 1e-4, 1000, seed=3)
    assert r["gd_final"] == 0 and r["pgd_steps"] is not None


def test_exact_minibatch_variance_brute_force_for_b_equal_one_and_n():
    g = [Fraction(v) for v in (1, 2, 6)]
    var1, s2 = minibatch_variance_exact(g, 1)
    assert var1 == s2 == Fraction(14, 3)  # mean 3, squared deviations 4, 1, 9
    assert minibatch_variance_exact(g, 3)[0] == 0


def test_noise_floor_shrinks_with_batch_size():
    data = np.random.default_rng(0).normal(size=40)
    assert noise_floor(data, 0.1, 8, 5000) < noise_floor(data, 0.1, 1, 5000)


def test_langevin_walkers_all_cross_and_hotter_is_faster():
    hot = langevin_escape_times(0.2, walkers=50, seed=0)
    warm = langevin_escape_times(0.1, walkers=50, seed=0)
    assert np.all(np.isfinite(hot)) and hot.mean() < warm.mean()


def test_saddle_chain_grows_by_r_and_exceeds_the_derived_sum():
    from analysis.saddles import chain_escape_steps
    from theory.optimization import saddle_chain

    steps = chain_escape_steps(20, 0.1, 1.0, 0.1, 0.1)
    r = math.log(1 / 0.9) / math.log(1.1)
    T = saddle_chain().results["total_steps"]
    n = {v.name: v for v in T.free_symbols}
    derived = float(T.subs({n["r"]: r, n["delta_0"]: 0.1, n["eta"]: 1.0, n["mu"]: 0.1, n["d"]: 20}))
    assert sum(steps) >= derived  # rounding each escape up only adds
    assert abs(steps[-1] / steps[-2] - r) < 0.02
    assert steps[0] == math.ceil(math.log(10) / math.log(1.1))  # the first saddle alone
