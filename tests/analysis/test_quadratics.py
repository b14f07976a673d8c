"""Tests of analysis.quadratics: spectra, measured stability thresholds and iteration counts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.optimizers import gd, momentum
from analysis.quadratics import (
    QuadraticProblem,
    divergence_threshold,
    iterations_to_tolerance,
    theory_threshold,
    tuned_hyperparameters,
)

KAPPAS = [1.0, 10.0, 1e2, 1e3, 1e4]


@pytest.mark.parametrize("lmin,lmax,dim", [(1.0, 1.0, 1), (0.1, 3.0, 2), (1e-3, 10.0, 7)])
def test_spectrum_rotation_and_derivatives(lmin, lmax, dim):
    p = QuadraticProblem(lmin, lmax, dim, seed=5)
    eig = np.linalg.eigvalsh(p.hessian_matrix)
    assert math.isclose(eig[0], lmin, rel_tol=1e-9) and math.isclose(eig[-1], lmax, rel_tol=1e-12)
    assert np.allclose(p.rotation.T @ p.rotation, np.eye(dim), atol=1e-12)  # orthogonal
    assert np.array_equal(p.hessian_matrix, p.hessian_matrix.T)  # symmetric
    assert math.isclose(p.kappa, lmax / lmin)
    x = p.start(2, radius=1.5)
    assert math.isclose(np.linalg.norm(x - p.theta_star), 1.5)
    # central differences are exact for a quadratic up to rounding
    h = 1e-4
    fd = [(p.loss(x + h * e) - p.loss(x - h * e)) / (2 * h) for e in np.eye(dim)]
    assert np.allclose(fd, p.grad(x), rtol=1e-7, atol=1e-9)


def test_problems_are_seeded():
    a, b, c = (QuadraticProblem(1.0, 9.0, 6, seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.hessian_matrix, b.hessian_matrix)  # equality: same seed
    assert not np.allclose(a.hessian_matrix, c.hessian_matrix)


@pytest.mark.parametrize("lmax", [0.5, 2.0, 40.0])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.9])
def test_theory_threshold_is_the_lecture_formula(lmax, gamma):
    # written out independently: 2/lmax, 2(1+gamma)/lmax and Nesterov's 2(1+gamma)/((1+2gamma)lmax)
    assert math.isclose(theory_threshold("gd", lmax), 2 / lmax, rel_tol=1e-14)
    assert math.isclose(theory_threshold("momentum", lmax, gamma), 2 * (1 + gamma) / lmax)
    want = 2 * (1 + gamma) / ((1 + 2 * gamma) * lmax)
    assert math.isclose(theory_threshold("nesterov", lmax, gamma), want, rel_tol=1e-14)


def _horizon_allowance(p: QuadraticProblem, seed: int, n_steps: int) -> float:
    """Relative excess a finite horizon may add: log(1/|a|)/n, a = start's top-mode weight."""
    e0 = p.start(seed) - p.theta_star
    a = abs(p.rotation[:, -1] @ e0) / np.linalg.norm(e0)
    return math.log(1 / a) / n_steps


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize("method,gamma", [("gd", 0.0), ("momentum", 0.9), ("nesterov", 0.5)])
def test_measured_threshold_equals_theory(kappa, method, gamma):
    lmax = 3.0
    p = QuadraticProblem(lmax / kappa, lmax, dim=6, seed=int(kappa) % 97)
    rtol = 1e-3
    r = divergence_threshold(p, method, gamma=gamma, rtol=rtol, n_steps=2000)
    assert r.lo < r.hi and r.hi - r.lo <= rtol * r.hi  # the bracket met its tolerance
    allowance = rtol + 2 * _horizon_allowance(p, 0, r.n_steps)
    # equality within the bisection tolerance (plus the stated finite-horizon allowance)
    assert abs(r.measured / r.theory - 1) <= allowance, (r.measured, r.theory)


def test_threshold_for_a_custom_factory_has_no_theory():
    p = QuadraticProblem(1.0, 4.0, dim=3, seed=0)
    r = divergence_threshold(p, lambda eta: momentum(eta, 0.3), rtol=1e-3)
    assert r.theory is None
    assert abs(r.measured / (2 * 1.3 / 4.0) - 1) <= 2e-3  # equality within tolerance


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_gd_iterations_sandwich(kappa):
    """GD at eta_opt: a rho^t |e_0| <= |e_t| <= rho^t |e_0| with a the extreme-mode weight."""
    p = QuadraticProblem(1.0, kappa, dim=8, seed=2)
    eps = 1e-6
    r = iterations_to_tolerance(p, "gd", eps, seed=0)
    rho = (kappa - 1) / (kappa + 1)
    n_theory = math.log(eps) / math.log(rho)  # N(kappa, eps), written out
    assert math.isclose(r.theory, n_theory, rel_tol=1e-12)
    e0 = p.start(0) - p.theta_star
    c = p.rotation.T @ e0 / np.linalg.norm(e0)
    a = math.hypot(c[0], c[-1])  # both extreme modes contract by exactly rho
    assert r.measured <= math.ceil(n_theory)  # upper bound
    assert r.measured >= n_theory - math.log(1 / a) / math.log(1 / rho) - 1  # lower bound


@pytest.mark.parametrize("method", ["momentum", "nesterov"])
def test_accelerated_iterations_follow_sqrt_kappa(method):
    eps = 1e-6
    counts = {}
    for kappa in (1e2, 1e3, 1e4):
        p = QuadraticProblem(1.0, kappa, dim=8, seed=2)
        r = iterations_to_tolerance(p, method, eps, seed=0)
        # asymptote: within a factor 2 of N = log(eps)/log(rate) (transients, Jordan blocks)
        assert 0.5 * r.theory <= r.measured <= 2.0 * r.theory, (kappa, r)
        counts[kappa] = r.measured
    slope = math.log(counts[1e4] / counts[1e2]) / math.log(100.0)
    assert abs(slope - 0.5) <= 0.1, slope  # asymptote: N ~ sqrt(kappa)


def test_gd_iterations_scale_like_kappa():
    counts = [
        iterations_to_tolerance(QuadraticProblem(1.0, k, dim=8, seed=2), "gd", 1e-6).measured
        for k in (10.0, 1000.0)
    ]
    slope = math.log(counts[1] / counts[0]) / math.log(100.0)
    assert abs(slope - 1.0) <= 0.05, slope  # asymptote: N ~ kappa log(1/eps)/2


def test_tuned_hyperparameters_are_the_lecture_formulas():
    lmin, lmax = 0.5, 18.0
    k = lmax / lmin
    hb = tuned_hyperparameters("momentum", lmin, lmax)
    assert math.isclose(hb["eta"], 4 / (math.sqrt(lmax) + math.sqrt(lmin)) ** 2)
    assert math.isclose(hb["gamma"], ((math.sqrt(k) - 1) / (math.sqrt(k) + 1)) ** 2)
    assert math.isclose(hb["rate"], (math.sqrt(k) - 1) / (math.sqrt(k) + 1))
    g = tuned_hyperparameters("gd", lmin, lmax)
    assert math.isclose(g["eta"], 2 / (lmin + lmax)) and math.isclose(g["rate"], (k - 1) / (k + 1))
    n = tuned_hyperparameters("nesterov", lmin, lmax)
    assert math.isclose(n["rate"], 1 - 1 / math.sqrt(k)) and math.isclose(n["eta"], 1 / lmax)


@settings(max_examples=10, deadline=None)
@given(
    lmin=st.floats(0.05, 1.0),
    ratio=st.floats(1.0, 50.0),
    dim=st.integers(2, 6),
    seed=st.integers(0, 1000),
)
def test_gd_iterations_never_exceed_the_bound(lmin, ratio, dim, seed):
    p = QuadraticProblem(lmin, lmin * ratio, dim, seed=seed)
    r = iterations_to_tolerance(p, "gd", 1e-4, seed=seed)
    assert r.measured is not None and r.measured <= math.ceil(r.theory) + (ratio == 1.0)  # bound


@settings(max_examples=8, deadline=None)
@given(lmax=st.floats(0.1, 100.0), seed=st.integers(0, 1000))
def test_gd_just_below_and_above_the_threshold(lmax, seed):
    p = QuadraticProblem(lmax / 4, lmax, 4, seed=seed)
    from analysis.optimizers import run

    below = run(gd(0.99 * 2 / lmax), p.grad, p.start(seed), 3000)
    above = run(gd(1.01 * 2 / lmax), p.grad, p.start(seed), 3000)
    e = [np.linalg.norm(r.theta - p.theta_star) for r in (below, above)]
    assert e[0] < 1.0 < e[1]  # bound: contraction below 2/lmax, growth above


@pytest.mark.parametrize(
    "args,match",
    [
        ((0.0, 1.0), "lambda_min"),
        ((2.0, 1.0), "lambda_min <= lambda_max"),
        ((1.0, 2.0, 1), "dim = 1"),
        ((1.0, 2.0, 0), "dim"),
    ],
)
def test_bad_problems(args, match):
    with pytest.raises(ValueError, match=match):
        QuadraticProblem(*args)


def test_bad_method_names():
    p = QuadraticProblem(1.0, 2.0, 2)
    with pytest.raises(ValueError, match="method"):
        divergence_threshold(p, "adam")
    with pytest.raises(ValueError, match="gamma"):
        divergence_threshold(p, "momentum", gamma=1.0)
    with pytest.raises(ValueError, match="eps"):
        iterations_to_tolerance(p, "gd", 2.0)


def test_no_threshold_and_no_convergence_are_reported():
    p = QuadraticProblem(1.0, 2.0, 2)
    with pytest.raises(ValueError, match="no unstable learning rate"):
        divergence_threshold(p, lambda eta: gd(1e-3), n_steps=20)  # ignores eta: always stable
    r = iterations_to_tolerance(p, "gd", 1e-12, max_steps=3)
    assert r.measured is None  # not reached within max_steps
