"""Tests of analysis.optimizers: lecture update rules, torch.optim equivalence, the run loop."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.optimizers import (
    adagrad,
    adam,
    bias_correction,
    ecd,
    ecd_energy,
    gd,
    momentum,
    nesterov,
    newton,
    rmsprop,
    run,
    run_minibatch,
    scale_by_adam,
    sgd,
)
from analysis.quadratics import QuadraticProblem

PROBLEM = QuadraticProblem(0.5, 4.0, dim=5, seed=7)


def _direct_nesterov(grad, theta0, eta, gamma, n):
    """The slide's equations verbatim: gradient at the look-ahead point theta_t - gamma v_{t-1}."""
    theta, v = np.array(theta0, float), np.zeros(len(theta0))
    thetas, vs = [theta.copy()], [v.copy()]
    for _ in range(n):
        v = gamma * v + eta * grad(theta - gamma * v)
        theta = theta - v
        thetas.append(theta.copy())
        vs.append(v.copy())
    return np.array(thetas), np.array(vs)


# ---------------------------------------------------------------- lecture update rules


def test_gd_and_momentum_follow_the_lecture_equations():
    theta0 = PROBLEM.start(1)
    # Direct transcription of v_t = gamma v_{t-1} + eta grad, theta_{t+1} = theta_t - v_t.
    eta, gamma = 0.2, 0.7
    theta, v, direct = theta0.copy(), np.zeros(5), [theta0.copy()]
    for _ in range(30):
        v = gamma * v + eta * PROBLEM.grad(theta)
        theta = theta - v
        direct.append(theta.copy())
    res = run(momentum(eta, gamma), PROBLEM.grad, theta0, 30)
    # equality (bit for bit: the same arithmetic in the same order)
    assert np.array_equal(res.trajectory, np.array(direct))
    res_gd = run(gd(eta), PROBLEM.grad, theta0, 1)
    assert np.array_equal(res_gd.trajectory[1], theta0 - eta * PROBLEM.grad(theta0))  # equality


@settings(max_examples=25, deadline=None)
@given(
    eta=st.floats(0.01, 0.4),
    gamma=st.floats(0.0, 0.95),
    seed=st.integers(0, 10_000),
)
def test_nesterov_reformulation_equals_the_slide(eta, gamma, seed):
    """The reformulation's iterate phi_t is the slide's look-ahead point theta_t - gamma v_{t-1}."""
    theta0 = PROBLEM.start(seed)
    thetas, vs = _direct_nesterov(PROBLEM.grad, theta0, eta, gamma, 40)
    lookahead = thetas.copy()
    lookahead[1:] -= gamma * vs[1:]  # phi_t = theta_t - gamma v_{t-1}, phi_0 = theta_0
    res = run(nesterov(eta, gamma), PROBLEM.grad, theta0, 40)
    scale = 1.0 + np.abs(thetas).max()
    # equality up to rounding (a few ulps of the iterates' size)
    assert np.max(np.abs(res.trajectory - lookahead)) <= 1e-12 * scale


def test_adam_bias_corrected_moment_is_the_constant_gradient_exactly():
    """Exact arithmetic: m_t = beta_1 m_{t-1} + (1-beta_1) g gives m_hat_t = g for every t."""
    beta_1, g = Fraction(9, 10), Fraction(-7, 3)
    m = Fraction(0)
    for t in range(1, 60):
        m = beta_1 * m + (1 - beta_1) * g
        assert bias_correction(m, beta_1, t) == g  # equality, exact rationals


@pytest.mark.parametrize("beta_1,beta_2", [(0.9, 0.99), (0.9, 0.999), (0.5, 0.75)])
def test_adam_constant_gradient_in_floats(beta_1, beta_2):
    g = np.array([3.0, -0.25, 1e-3])
    tr = scale_by_adam(beta_1, beta_2, 0.0)
    state = tr.init(np.zeros(3))
    for t in range(1, 200):
        direction, state = tr.update(g, state, np.zeros(3))
        m_hat = bias_correction(state.m, beta_1, t)
        assert np.allclose(m_hat, g, rtol=8 * np.finfo(float).eps, atol=0)  # equality to ulps
        # with eps = 0 the step is -eta g/|g| (theory: adam_bias_correction constant_gradient_step)
        assert np.allclose(direction, np.sign(g), rtol=1e-13, atol=0)  # equality to rounding


def test_adam_step_matches_theory_constant_gradient_step():
    sympy = pytest.importorskip("sympy")
    from theory.optimization import adam_bias_correction, g

    expr = adam_bias_correction().results["constant_gradient_step"]
    eta_s, eps_s = sympy.Symbol("eta", positive=True), sympy.Symbol("epsilon", positive=True)
    for gv in (2.0, -0.5):
        opt = adam(0.1, eps=1e-3)
        step, _ = opt.update(np.array([gv]), opt.init(np.zeros(1)), np.zeros(1))
        want = float(expr.subs({eta_s: 0.1, eps_s: 1e-3, g: gv}))
        assert math.isclose(step[0], want, rel_tol=1e-14)  # equality (first step)


@pytest.mark.parametrize("beta,eps", [(0.9, 1e-8), (0.99, 1e-2), (0.5, 0.0)])
def test_rmsprop_constant_gradient_reaches_its_steady_state(beta, eps):
    g, eta = np.array([2.0, -0.1]), 0.05
    opt = rmsprop(eta, beta, eps)
    state = opt.init(np.zeros(2))
    for t in range(1, 3001):
        step, state = opt.update(g, state, np.zeros(2))
        s = state[0].s
        # s_t = g^2 (1 - beta^t), written out independently of the code
        assert np.allclose(s, g**2 * (1 - beta**t), rtol=1e-12, atol=0)  # equality to rounding
    # steady state: s* = g^2 and the step -eta g / sqrt(g^2 + eps)
    assert np.allclose(step, -eta * g / np.sqrt(g**2 + eps), rtol=1e-12)  # asymptote reached


def test_adagrad_accumulates_squares():
    g = np.array([1.0, -2.0])
    opt = adagrad(0.3, eps=0.0)
    state = opt.init(np.zeros(2))
    for t in range(1, 20):
        step, state = opt.update(g, state, np.zeros(2))
        # step = -eta g / sqrt(t g^2) = -eta sign(g)/sqrt(t)
        assert np.allclose(step, -0.3 * np.sign(g) / np.sqrt(t), rtol=1e-14)  # equality


def test_newton_minimises_a_quadratic_in_one_step():
    theta0 = PROBLEM.start(3, radius=5.0)
    res = run(newton(PROBLEM.hessian), PROBLEM.grad, theta0, 1)
    assert np.allclose(res.trajectory[1], PROBLEM.theta_star, atol=1e-12)  # equality (exact step)
    half = run(newton(PROBLEM.hessian, eta=0.5), PROBLEM.grad, theta0, 1).trajectory[1]
    assert np.allclose(half, 0.5 * (theta0 + PROBLEM.theta_star), atol=1e-12)  # equality


# ---------------------------------------------------------------- torch.optim equivalence


def _torch_trajectory(make_opt, theta0, n):
    torch = pytest.importorskip("torch")
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = make_opt(torch, [p])
    traj = [p.detach().numpy().copy()]
    for _ in range(n):
        opt.zero_grad()
        p.grad = torch.from_numpy(PROBLEM.grad(p.detach().numpy()))
        opt.step()
        traj.append(p.detach().numpy().copy())
    return np.array(traj)


TORCH_CASES = [
    ("SGD", lambda t, ps: t.optim.SGD(ps, lr=0.2), gd(0.2)),
    ("SGD momentum", lambda t, ps: t.optim.SGD(ps, lr=0.1, momentum=0.8), momentum(0.1, 0.8)),
    (
        "SGD momentum (torch order)",
        lambda t, ps: t.optim.SGD(ps, lr=0.1, momentum=0.8),
        momentum(0.1, 0.8, convention="torch"),
    ),
    (
        "SGD nesterov",
        lambda t, ps: t.optim.SGD(ps, lr=0.1, momentum=0.8, nesterov=True),
        nesterov(0.1, 0.8),
    ),
    (
        "SGD nesterov (torch order)",
        lambda t, ps: t.optim.SGD(ps, lr=0.1, momentum=0.8, nesterov=True),
        nesterov(0.1, 0.8, convention="torch"),
    ),
    (
        "RMSprop",
        lambda t, ps: t.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-3),
        rmsprop(0.01, 0.9, 1e-3, convention="torch"),
    ),
    ("Adam", lambda t, ps: t.optim.Adam(ps, lr=0.05), adam(0.05, convention="torch")),
    (
        "Adam betas (lecture)",
        lambda t, ps: t.optim.Adam(ps, lr=0.05, betas=(0.9, 0.99), eps=1e-6),
        adam(0.05, eps=1e-6),
    ),
    ("Adagrad", lambda t, ps: t.optim.Adagrad(ps, lr=0.3), adagrad(0.3)),
]


@pytest.mark.parametrize("name,make_torch,ours", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_trajectory_equals_torch_optim(name, make_torch, ours):
    theta0 = PROBLEM.start(11, radius=3.0)
    want = _torch_trajectory(make_torch, theta0, 60)
    got = run(ours, PROBLEM.grad, theta0, 60).trajectory
    rel = np.max(np.abs(got - want)) / np.max(np.abs(want))
    assert rel <= 1e-12, f"{name}: relative difference {rel:.2e}"  # equality to 1e-12 relative


def test_rmsprop_conventions_differ_only_through_eps():
    theta0 = PROBLEM.start(2)
    a = run(rmsprop(0.01, 0.9, 0.0), PROBLEM.grad, theta0, 30).trajectory
    b = run(rmsprop(0.01, 0.9, 0.0, convention="torch"), PROBLEM.grad, theta0, 30).trajectory
    assert np.array_equal(a, b)  # equality: with eps = 0 both are g / sqrt(s)
    c = run(rmsprop(0.01, 0.9, 1e-2), PROBLEM.grad, theta0, 30).trajectory
    d = run(rmsprop(0.01, 0.9, 1e-2, convention="torch"), PROBLEM.grad, theta0, 30).trajectory
    assert not np.allclose(c, d, rtol=1e-6)  # they differ for eps > 0


def test_adam_beta2_defaults_follow_the_convention():
    g = np.array([1.0, 3.0])
    lec, tor = adam(0.1), adam(0.1, convention="torch")
    explicit = adam(0.1, beta_2=0.999)
    s1 = s2 = s3 = None
    for k in range(3):
        gk = g * (k + 1)
        st1, s1 = lec.update(gk, s1 if s1 is not None else lec.init(g), g)
        st2, s2 = tor.update(gk, s2 if s2 is not None else tor.init(g), g)
        st3, s3 = explicit.update(gk, s3 if s3 is not None else explicit.init(g), g)
    assert np.array_equal(st2, st3)  # equality: torch default is beta_2 = 0.999
    assert not np.array_equal(st1, st2)  # the lecture's 0.99 gives another step


# ---------------------------------------------------------------- energy-conserving descent


def _ecd_energies(opt, loss, grad, theta0, n):
    theta, state, energies = np.array(theta0, float), opt.init(np.array(theta0, float)), []
    for _ in range(n):
        step, state = opt.update(grad(theta), state, theta)
        energies.append(state.energy)
        theta = theta + step
    return np.array(energies), theta


QUAD = QuadraticProblem(1.0, 5.0, dim=3, seed=1)


def _ecd_loss(th):
    return QUAD.loss(th)


def test_ecd_energy_is_the_hamiltonian():
    p = np.array([0.3, -1.0, 2.0])
    # log(s + |p|^2) + eta_c log(F - F0), written out
    want = math.log(0.5 + 0.09 + 1.0 + 4.0) + 2.0 * math.log(3.0 + 1.5)
    got = ecd_energy(3.0, p, concentration=2.0, loss_floor=-1.5, s=0.5)
    assert math.isclose(got, want, rel_tol=1e-14)  # equality
    with pytest.raises(ValueError, match="loss_floor"):
        ecd_energy(-2.0, p, concentration=1.0, loss_floor=-1.5, s=1.0)


def test_ecd_conserves_energy_over_a_long_run():
    """Leapfrog: bounded O(dt^2) energy error over 20000 steps, no drift."""
    theta0 = QUAD.start(0, radius=2.0)
    errs = {}
    for dt in (0.02, 0.01):
        opt = ecd(_ecd_loss, dt, loss_floor=-1.0, delta_energy=1.0)
        energies, _ = _ecd_energies(
            opt, _ecd_loss, QUAD.grad, theta0, 20_000 if dt == 0.01 else 10_000
        )
        errs[dt] = np.max(np.abs(energies - energies[0]))
        assert errs[dt] <= 1e-4, f"dt={dt}: energy error {errs[dt]:.2e}"  # bound (stated tolerance)
    # second order: halving dt divides the error by about 4 (asymptote; allow 2.5 to 6)
    assert 2.5 <= errs[0.02] / errs[0.01] <= 6.0


def test_ecd_conserve_energy_option_is_exact_and_it_descends():
    theta0 = QUAD.start(0, radius=2.0)
    opt = ecd(_ecd_loss, 0.02, loss_floor=-1.0, conserve_energy=True, nu=1e-3, seed=3)
    energies, theta = _ecd_energies(opt, _ecd_loss, QUAD.grad, theta0, 5000)
    assert np.max(np.abs(energies - energies[0])) <= 1e-12  # equality to rounding
    res = run(opt, QUAD.grad, theta0, 5000, _ecd_loss)
    assert res.losses.min() < 1e-2 * res.losses[0]  # bound: it reaches low loss


def test_ecd_bounces_are_seeded():
    theta0 = QUAD.start(0)
    a = run(ecd(_ecd_loss, 0.05, loss_floor=-1, nu=0.1, seed=5), QUAD.grad, theta0, 200)
    b = run(ecd(_ecd_loss, 0.05, loss_floor=-1, nu=0.1, seed=5), QUAD.grad, theta0, 200)
    c = run(ecd(_ecd_loss, 0.05, loss_floor=-1, nu=0.1, seed=6), QUAD.grad, theta0, 200)
    assert np.array_equal(a.trajectory, b.trajectory)  # equality: same seed
    assert not np.array_equal(a.trajectory, c.trajectory)


# ---------------------------------------------------------------- run loop, divergence, SGD


def test_run_records_theta0_first_and_losses():
    theta0 = PROBLEM.start(0)
    res = run(gd(0.1), PROBLEM.grad, theta0, 25, PROBLEM.loss)
    assert res.trajectory.shape == (26, 5) and res.n_steps == 25  # equality
    assert np.array_equal(res.trajectory[0], theta0)  # equality
    assert np.allclose(res.losses, [PROBLEM.loss(t) for t in res.trajectory], rtol=1e-15)
    assert np.allclose(
        res.grad_norms, np.linalg.norm([PROBLEM.grad(t) for t in res.trajectory], axis=1)
    )
    assert not res.diverged and not res.converged


def test_gtol_stops_converged():
    res = run(gd(1.0 / PROBLEM.lambda_max), PROBLEM.grad, PROBLEM.start(0), 10_000, gtol=1e-10)
    assert res.converged and res.grad_norms[-1] <= 1e-10 < res.grad_norms[-2]  # bound
    assert res.n_steps < 10_000


@pytest.mark.parametrize("factor", [1.01, 1.5, 10.0, 1e6])
def test_divergence_is_detected_without_warnings(factor):
    eta = factor * 2.0 / PROBLEM.lambda_max
    res = run(gd(eta), PROBLEM.grad, PROBLEM.start(0), 100_000, PROBLEM.loss, gtol=1e-8)
    assert res.diverged and not res.converged  # never a diverged run reported as converged
    assert np.all(np.isfinite(res.trajectory)) and np.all(np.isfinite(res.losses))
    assert res.n_steps < 100_000


def test_overflowing_loss_is_divergence():
    res = run(gd(0.1), lambda th: -np.ones(1), [0.0], 100_000, lambda th: float(np.exp(th[0])))
    assert res.diverged and "loss" in res.message
    assert np.isfinite(res.losses).all()


def test_nonfinite_gradient_is_divergence():
    res = run(gd(0.1), lambda th: np.sqrt(th - 1.0), [0.5], 50, gtol=1e-3)  # nan gradient
    assert res.diverged and not res.converged and res.n_steps == 0


def _sgd_run(seed, batch_size=10):
    data = np.random.default_rng(0).standard_normal((40, 2))
    y = data @ np.array([1.0, -2.0])

    def grad(w, xb, yb):
        return xb.T @ (xb @ w - yb) / len(yb)

    return run_minibatch(sgd(0.05), grad, np.zeros(2), (data, y), batch_size, 5, seed)


def test_minibatches_are_seeded_and_reproducible():
    a, b, c = _sgd_run(1), _sgd_run(1), _sgd_run(2)
    assert np.array_equal(a.trajectory, b.trajectory)  # equality: same seed, same run
    assert not np.array_equal(a.trajectory, c.trajectory)
    assert a.n_steps == 5 * 4  # equality: 5 epochs of 40/10 batches


@pytest.mark.parametrize("n,batch_size", [(10, 3), (12, 4), (7, 7), (5, 1)])
def test_each_epoch_visits_every_sample_once(n, batch_size):
    seen: list[int] = []

    def grad(theta, idx):
        seen.extend(int(i) for i in idx)
        return np.zeros(1)

    res = run_minibatch(sgd(0.1), grad, [0.0], np.arange(n), batch_size, 3, seed=4)
    per_epoch = math.ceil(n / batch_size)
    assert res.n_steps == 3 * per_epoch  # equality
    for e in range(3):
        chunk = seen[e * n : (e + 1) * n]
        assert sorted(chunk) == list(range(n))  # equality: a permutation per epoch


def test_full_batch_sgd_equals_gd():
    data = np.random.default_rng(3).standard_normal((30, 3))
    y = data @ np.array([0.5, 1.0, -1.0])

    def grad(w, xb, yb):
        return xb.T @ (xb @ w - yb) / len(yb)

    mb = run_minibatch(sgd(0.1), grad, np.zeros(3), (data, y), 30, 10, seed=0)
    full = run(gd(0.1), lambda w: grad(w, data, y), np.zeros(3), 10)
    assert np.allclose(mb.trajectory, full.trajectory, rtol=1e-12, atol=1e-14)  # equality


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: gd(0.0), "eta"),
        (lambda: gd(-1.0), "eta"),
        (lambda: gd(float("nan")), "eta"),
        (lambda: momentum(0.1, 1.0), "gamma"),
        (lambda: momentum(0.1, -0.1), "gamma"),
        (lambda: nesterov(0.1, 0.5, convention="optax"), "convention"),
        (lambda: rmsprop(0.1, beta=1.5), "beta"),
        (lambda: rmsprop(0.1, eps=-1.0), "eps"),
        (lambda: adam(0.1, beta_1=1.0), "beta_1"),
        (lambda: adam(0.1, beta_2=2.0), "beta_2"),
        (lambda: adagrad(0.0), "eta"),
        (lambda: ecd(lambda th: 0.0, dt=0.0), "dt"),
    ],
)
def test_bad_hyperparameters_are_rejected(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_types_and_run_arguments():
    with pytest.raises(TypeError, match="eta"):
        gd("0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="hessian_fn"):
        newton(np.eye(2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_steps"):
        run(gd(0.1), PROBLEM.grad, PROBLEM.start(0), -1)
    with pytest.raises(ValueError, match="theta0"):
        run(gd(0.1), PROBLEM.grad, [np.nan] * 5, 3)
    with pytest.raises(ValueError, match="shape"):
        run(gd(0.1), lambda th: np.ones(3), [0.0, 0.0], 3)
    with pytest.raises(ValueError, match="batch_size"):
        run_minibatch(sgd(0.1), lambda th, x: th, [0.0], np.arange(4.0), 0, 1)
    with pytest.raises(ValueError, match="first dimension"):
        run_minibatch(sgd(0.1), lambda th, x, y: th, [0.0], (np.arange(4.0), np.arange(3.0)), 2, 1)
    with pytest.raises(ValueError, match="singular"):
        run(newton(lambda th: np.zeros((2, 2))), lambda th: th, [1.0, 1.0], 1)
    with pytest.raises(ValueError, match="loss_floor"):
        run(ecd(lambda th: 0.0, 0.1, loss_floor=0.0), lambda th: th, [1.0], 1)
