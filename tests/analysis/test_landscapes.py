"""Tests of analysis.landscapes: derivatives against sympy, optimizers on the landscapes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.landscapes import (
    BEALE_STARTS,
    DoubleWellData,
    LeastSquaresData,
    anisotropic_quadratic,
    beale,
    lrp_counterexample,
    monkey_saddle,
    rosenbrock,
    saddle,
)
from analysis.optimizers import (
    adagrad,
    adam,
    ecd,
    gd,
    momentum,
    nesterov,
    newton,
    rmsprop,
    run,
    run_minibatch,
    sgd,
)

X, Y = sympy.symbols("x y", real=True)

# The formulas written out independently of the module (Mehta et al. 2019 notebook).
FORMULAS = {
    "anisotropic": (lambda: anisotropic_quadratic(2.0, 7.0), (2 * X**2 + 7 * Y**2) / 2),
    "saddle": (lambda: saddle(1.5, 0.5), sympy.Rational(3, 2) * X**2 - Y**2 / 2),
    "monkey": (monkey_saddle, X**3 - 3 * X * Y**2),
    "beale": (
        beale,
        (sympy.Rational(3, 2) - X + X * Y) ** 2
        + (sympy.Rational(9, 4) - X + X * Y**2) ** 2
        + (sympy.Rational(21, 8) - X + X * Y**3) ** 2,
    ),
    "rosenbrock": (rosenbrock, (1 - X) ** 2 + 100 * (Y - X**2) ** 2),
}


@settings(max_examples=15, deadline=None)
@given(
    name=st.sampled_from(sorted(FORMULAS)),
    x=st.floats(-3.0, 3.0),
    y=st.floats(-2.0, 2.0),
)
def test_loss_gradient_hessian_equal_sympy(name, x, y):
    make, expr = FORMULAS[name]
    land = make()
    th = np.array([x, y])
    at = {X: x, Y: y}
    grad = [float(sympy.diff(expr, v).subs(at)) for v in (X, Y)]
    hess = [[float(sympy.diff(expr, a, b).subs(at)) for b in (X, Y)] for a in (X, Y)]
    scale = 1.0 + abs(float(expr.subs(at)))
    assert math.isclose(land.loss(th), float(expr.subs(at)), rel_tol=1e-12, abs_tol=1e-12)
    assert np.allclose(land.grad(th), grad, rtol=1e-12, atol=1e-12 * scale)  # equality
    assert np.allclose(land.hessian(th), hess, rtol=1e-12, atol=1e-12 * scale)  # equality


def test_landscapes_evaluate_on_grids():
    xs, ys = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    for make, expr in FORMULAS.values():
        land = make()
        z = land.loss(np.array([xs, ys]))
        f = sympy.lambdify((X, Y), expr, "numpy")
        assert np.allclose(z, f(xs, ys), rtol=1e-12)  # equality
        assert land.grad(np.array([xs, ys])).shape == (2, 3, 4)
        assert land.hessian(np.array([xs, ys])).shape == (2, 2, 3, 4)


@pytest.mark.parametrize("make", [beale, rosenbrock, lambda: anisotropic_quadratic(1, 3)])
def test_known_minima(make):
    land = make()
    for m in land.minima:
        assert land.loss(np.array(m)) == land.min_value  # equality
        assert np.allclose(land.grad(np.array(m)), 0.0, atol=1e-14)  # stationary
        assert np.all(np.linalg.eigvalsh(land.hessian(np.array(m))) > 0)  # strict minimum


def test_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match="shape"):
        beale().loss(np.zeros(3))


# --------------------------------------------------------------------- Beale's minimum

B = beale()
START_A, START_B, START_C, START_D = BEALE_STARTS
# (name, optimizer, start, steps, tolerance on |theta - (3, 0.5)|): suitable hyperparameters
BEALE_CASES = [
    ("gd", lambda: gd(1e-2), START_B, 3000, 1e-3),
    ("momentum", lambda: momentum(1e-3, 0.9), START_B, 2500, 1e-3),
    ("nesterov", lambda: nesterov(1e-3, 0.9), START_B, 2500, 1e-3),
    ("rmsprop", lambda: rmsprop(1e-3, 0.9), START_B, 5000, 2e-3),
    ("rmsprop", lambda: rmsprop(1e-3, 0.9), START_A, 5000, 2e-3),
    ("adam", lambda: adam(0.1), START_B, 3000, 1e-6),
    ("adam", lambda: adam(1e-2), START_A, 5000, 1e-6),
    ("adam", lambda: adam(3e-2), START_D, 5000, 1e-6),
    ("adagrad", lambda: adagrad(0.5), START_B, 3000, 1e-3),
    ("newton", lambda: newton(B.hessian), (2.5, 0.3), 20, 1e-10),
]


@pytest.mark.parametrize(
    "name,make,start,n,tol", BEALE_CASES, ids=[f"{c[0]}-{c[2]}" for c in BEALE_CASES]
)
def test_optimizers_reach_beales_minimum(name, make, start, n, tol):
    res = run(make(), B.grad, start, n, gtol=1e-12)
    assert not res.diverged
    dist = np.linalg.norm(res.theta - np.array([3.0, 0.5]))
    assert dist <= tol, f"{name} from {start}: distance {dist:.2e}"  # bound (stated tolerance)


def test_ecd_reaches_beales_minimum():
    """ECD has no friction: it slows near the minimum; its best iterate counts (as in the paper)."""
    opt = ecd(B.loss, 1e-2, loss_floor=-1e-3, conserve_energy=True, nu=1e-3, seed=0)
    res = run(opt, B.grad, START_B, 5000, B.loss)
    best = res.trajectory[np.argmin(res.losses)]
    assert np.linalg.norm(best - [3.0, 0.5]) <= 2e-2  # bound
    assert res.losses.min() <= 1e-4 * res.losses[0]  # bound


def test_newton_from_the_review_start_is_drawn_to_a_saddle():
    """Newton's step solves grad = 0, so it converges to the stationary point (0, 1) of Beale."""
    res = run(newton(B.hessian), B.grad, START_B, 100, gtol=1e-12)
    assert np.allclose(res.theta, [0.0, 1.0], atol=1e-8)  # equality (limit)
    eig = np.linalg.eigvalsh(B.hessian(np.array([0.0, 1.0])))
    assert eig[0] < 0 < eig[1]  # indefinite: a saddle, not a minimum


def test_from_minus_one_four_adam_drifts_along_the_flat_valley():
    """From (-1, 4) the trajectory leaves towards x -> -infinity near y = 1, not to (3, 0.5)."""
    res = run(adam(0.1), B.grad, START_C, 3000)
    assert res.theta[0] < -5 and abs(res.theta[1] - 1.0) < 0.2  # bound


# --------------------------------------------------------------------- saddles


@pytest.mark.parametrize("eta,a,b", [(0.05, 1.0, 1.0), (0.1, 2.0, 0.5), (0.01, 0.3, 3.0)])
def test_gd_on_the_saddle_is_the_closed_form(eta, a, b):
    """x_t = (1 - 2 a eta)^t x_0, y_t = (1 + 2 b eta)^t y_0: escape takes log(1/y_0) time."""
    land = saddle(a, b)
    x0, y0 = 1.0, 1e-8
    res = run(gd(eta), land.grad, [x0, y0], 200)
    t = np.arange(201)
    assert np.allclose(res.trajectory[:, 0], (1 - 2 * a * eta) ** t * x0, rtol=1e-11, atol=1e-300)
    assert np.allclose(res.trajectory[:, 1], (1 + 2 * b * eta) ** t * y0, rtol=1e-11)  # equality
    escape = np.argmax(np.abs(res.trajectory[:, 1]) >= 1.0) if res.trajectory[-1, 1] >= 1 else None
    if escape is not None:
        assert escape == math.ceil(math.log(1 / y0) / math.log(1 + 2 * b * eta))  # equality


def test_monkey_saddle_is_slow_on_one_side_and_escapes_on_the_other():
    """On y = 0 GD is x <- x - 3 eta x^2: algebraic approach to 0 for x > 0, blow-up for x < 0."""
    eta, x0, n = 0.01, 0.1, 2000
    res = run(gd(eta), monkey_saddle().grad, [x0, 0.0], n)
    t = np.arange(n + 1)
    continuous = x0 / (1 + 3 * eta * x0 * t)  # solution of x' = -3 eta x^2
    assert np.all(res.trajectory[:, 0] <= continuous + 1e-15)  # upper bound (1/x grows >= 3 eta)
    assert np.all(res.trajectory[:, 0] >= 0.9 * continuous)  # within 10% (asymptote)
    assert np.all(res.trajectory[:, 1] == 0)
    out = run(gd(eta), monkey_saddle().grad, [-x0, 0.0], 100_000, max_norm=1e6)
    assert out.diverged and out.trajectory[-1, 0] < -1e3  # escapes to -infinity


# --------------------------------------------------------------------- Lessard-Recht-Packard


def test_lrp_function_is_strongly_convex_and_smooth():
    f = lrp_counterexample()
    xs = np.linspace(-3, 5, 801)
    g = np.array([f.grad(np.array([x]))[0] for x in xs])
    slopes = np.diff(g) / np.diff(xs)
    assert slopes.min() >= 1.0 - 1e-9 and slopes.max() <= 25.0 + 1e-9  # bounds m and L
    # continuity of E at the joints
    for x in (1.0, 2.0):
        lo, hi = f.loss(np.array([x - 1e-9])), f.loss(np.array([x]))
        assert abs(lo - hi) < 1e-6


@pytest.mark.parametrize("x0", [3.07, 3.2, 3.46])
def test_optimally_tuned_heavy_ball_cycles_on_lrp(x0):
    f = lrp_counterexample()
    k = 25.0
    eta = 4 / (math.sqrt(25.0) + 1.0) ** 2  # optimal for quadratics with m = 1, L = 25
    gamma = ((math.sqrt(k) - 1) / (math.sqrt(k) + 1)) ** 2
    res = run(momentum(eta, gamma), f.grad, [x0], 3000)
    tail = res.trajectory[-30:, 0]
    assert np.max(np.abs(tail)) > 0.5  # no convergence to 0 (bound)
    assert np.allclose(tail[3:], tail[:-3], atol=1e-9)  # a period-3 cycle (equality)
    # the same method on the quadratic 25/2 x^2 converges at rate (sqrt k - 1)/(sqrt k + 1)
    quad = run(momentum(eta, gamma), lambda th: 25.0 * th, [x0], 3000)
    assert abs(quad.theta[0]) < 1e-100
    # and gradient descent at 1/L converges on f (a bound: f is strongly convex)
    gdres = run(gd(1 / 25.0), f.grad, [x0], 3000)
    assert abs(gdres.theta[0]) < 1e-12


# --------------------------------------------------------------------- data sets and SGD


def test_least_squares_gradient_and_sgd():
    data = LeastSquaresData.make(200, 4, noise=0.1, seed=1)
    w_ls = data.solution()
    # independent: the normal equations X^T X w = X^T y
    assert np.allclose(np.linalg.solve(data.X.T @ data.X, data.X.T @ data.y), w_ls, atol=1e-10)
    w = np.ones(4)
    h = 1e-6
    fd = [(data.loss(w + h * e) - data.loss(w - h * e)) / (2 * h) for e in np.eye(4)]
    assert np.allclose(fd, data.grad(w), rtol=1e-6)
    res = run_minibatch(sgd(0.02), data.grad_batch, np.zeros(4), data.data, 10, 30, seed=0)
    assert np.linalg.norm(res.theta - w_ls) < 0.05  # bound: SGD noise floor at small eta
    again = run_minibatch(sgd(0.02), data.grad_batch, np.zeros(4), data.data, 10, 30, seed=0)
    assert np.array_equal(res.trajectory, again.trajectory)  # equality: seeded


def test_double_well_geometry():
    w = DoubleWellData.make(100, tilt=0.3, spread=3.0, seed=0)
    assert math.isclose(w.tilt, 0.3, rel_tol=1e-12)  # the noise is centred exactly
    left, barrier, right = w.stationary_points()
    for p in (left, barrier, right):
        assert abs(w.grad(np.array([p]))[0]) < 1e-12  # stationary
    assert w.loss(np.array([left])) < w.loss(np.array([right])) < w.loss(np.array([barrier]))


def test_small_batch_noise_crosses_the_barrier_that_gd_cannot():
    w = DoubleWellData.make(100, tilt=0.3, spread=3.0, seed=0)
    _, barrier, right = w.stationary_points()
    res_gd = run(gd(0.05), w.grad, [1.0], 2000)
    assert abs(res_gd.theta[0] - right) < 1e-9  # GD stays in the shallow well
    crossed_small = crossed_full = 0
    for seed in range(10):
        small = run_minibatch(sgd(0.05), w.grad_batch, [1.0], w.a, 1, 20, seed)
        full = run_minibatch(sgd(0.05), w.grad_batch, [1.0], w.a, 100, 20, seed)
        crossed_small += bool(small.theta[0] < barrier)
        crossed_full += bool(np.any(full.trajectory[:, 0] < barrier))
    assert crossed_small >= 8  # bound: batch size 1 ends in the deep well for most seeds
    assert crossed_full == 0  # full batches are GD: never cross


def test_bad_data_sets():
    with pytest.raises(ValueError, match="tilt"):
        DoubleWellData.make(10, tilt=2.0)
    with pytest.raises(ValueError, match="d <= n"):
        LeastSquaresData.make(3, 5)
    with pytest.raises(ValueError, match="m < L"):
        lrp_counterexample(5.0, 1.0)
