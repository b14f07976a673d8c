"""Basins of attraction and optimizer tuning."""

from __future__ import annotations

import numpy as np
import sympy

from analysis.comparisons import basin_map, flow_basins, tune
from analysis.landscapes import himmelblau
from analysis.optimizers import gd
from theory.optimization import momentum_memory


def test_himmelblau_minima_are_stationary_and_zero():
    land = himmelblau()
    for m in land.minima:
        p = np.array(m)
        assert land.loss(p) < 1e-10 and np.linalg.norm(land.grad(p)) < 1e-4


def test_small_step_basins_are_the_flows():
    land = himmelblau()
    starts = np.random.default_rng(0).uniform(-4.5, 4.5, (2, 60))
    assert np.mean(basin_map(land, starts, 0.005, 3000) == flow_basins(land, starts)) >= 0.95


def test_tune_picks_the_best_learning_rate_on_a_quadratic():
    lam = np.array([1.0, 4.0])
    res = tune(
        lambda th: float(0.5 * np.sum(lam * th**2)),
        lambda th: lam * th,
        np.array([1.0, 1.0]),
        50,
        [0.01, 0.4, 0.6],
        optimizers={"gd": gd},
    )
    assert (
        res[0].eta == 0.4 and res[0].steps_to_tol is not None
    )  # 2/(1+4) is optimal; 0.6 diverges-ish


def test_momentum_memory_results():
    r = momentum_memory().results
    (g,) = r["memory"].free_symbols
    assert r["memory"].subs(g, sympy.Rational(9, 10)) == 10
