"""Momentum's stability boundaries and the saddle/noise derivations, against numerics."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from analysis.momentum_phases import run_lecture_sign, spectral_radius, threshold
from theory.optimization import kramers_escape, momentum_phases, saddle_escape, sgd_noise_floor
from theory.symbols import gamma


@pytest.mark.parametrize("g", [0.05, 0.2, 0.45, 0.8, 0.95])
def test_derived_q_max_matches_the_spectral_threshold(g):
    r = momentum_phases().results
    lect = "lecture_sign_q_max" if g >= 0.2 else "lecture_sign_q_max_small_gamma"
    for scheme, key in (
        ("heavy_ball", "heavy_ball_q_max"),
        ("nesterov", "nesterov_q_max"),
        ("lecture_sign", lect),
    ):
        assert threshold(scheme, g) == pytest.approx(float(r[key].subs(gamma, g)), rel=1e-9)


def test_crossover_and_runs_of_the_slide_rule():
    r = momentum_phases().results
    assert r["crossover_gamma"] == sympy.Rational(1, 5)
    q_max = float(r["lecture_sign_q_max"].subs(gamma, 0.9))  # 1/9
    assert abs(run_lecture_sign(0.9 * q_max, 0.9, 3000)[-1]) < 1e-3
    assert abs(run_lecture_sign(1.1 * q_max, 0.9, 3000)[-1]) > 1e3


def test_critical_damping_gives_a_double_root():
    crit = momentum_phases().results["heavy_ball_critical"]
    for e in crit:
        q = float(e.subs(gamma, 0.49))
        assert spectral_radius("heavy_ball", q, 0.49) == pytest.approx(
            math.sqrt(0.49) if q > 1 else 0.7, rel=1e-6
        )


def test_saddle_escape_results():
    r = saddle_escape().results
    assert list(r["newton_point"]) == [0, 0]
    names = {s.name: s for s in r["strict_steps"].free_symbols}
    value = float(r["strict_steps"].subs({names["delta"]: 1e-3, names["eta"]: 0.1, names["mu"]: 1}))
    assert value == pytest.approx(math.log(1e3) / math.log(1.1), rel=1e-12)


def test_noise_floor_solves_its_fixed_point():
    r = sgd_noise_floor().results
    names = {s.name: s for s in r["floor"].free_symbols}
    v = r["floor"]
    e, s = names["eta"], names["s"]
    assert sympy.simplify((1 - e) ** 2 * v + e**2 * s - v) == 0


def test_kramers_barrier_and_rate():
    r = kramers_escape().results
    assert r["barrier"] == sympy.Rational(1, 4)
    (T,) = r["rate"].free_symbols
    assert float(r["rate"].subs(T, 0.1)) == pytest.approx(np.sqrt(2) / (2 * np.pi) * np.exp(-2.5))
