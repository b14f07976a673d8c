"""Tests of theory.optimization: each derived result against the formula written out here.

Every symbolic result is compared with the lecture's (or the paper's) formula typed in this
file, independently of the derivation, and numeric instances are checked by direct numpy
simulation of the update rules (also written out here), by exhaustive enumeration, or by a
peer library (torch, when installed).
"""

from __future__ import annotations

import functools
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli import main
from theory import optimization as opt
from theory.claims import Kind
from theory.derivation import Derivation, registered
from theory.symbols import (
    Delta_t,
    beta,
    beta_1,
    beta_2,
    epsilon,
    eta,
    gamma,
    kappa,
    lam,
    lambda_max,
    lambda_min,
    m,
    mu,
    t,
)

NAMES = [
    "gd_stability",
    "learning_rate_regimes",
    "newton_step",
    "gd_convergence_rate",
    "momentum_particle_map",
    "heavy_ball",
    "nesterov",
    "adam_bias_correction",
    "rmsprop",
    "sgd_minibatch",
    "energy_conserving_descent",
]

sqrt = sympy.sqrt
z = sympy.Symbol("z")
g = sympy.Symbol("g", real=True)
g_mean = sympy.Symbol("g_mean", real=True)
g2_mean = sympy.Symbol("g2_mean", positive=True)
n_sym = sympy.Symbol("n", positive=True, integer=True)
B_sym = sympy.Symbol("B", positive=True, integer=True)
sigma = sympy.Symbol("sigma", positive=True)
r = sympy.Symbol("r", positive=True)


@functools.cache
def D(name: str) -> Derivation:
    """Each derivation is built once per test session (they take ~0.1-1.5 s each)."""
    return getattr(opt, name)()


def is_zero(expr: sympy.Expr) -> bool:
    """simplify(expr) == 0; logs of positive quantities (kappa > 1, 0 < eps < 1) may split."""
    expr = sympy.sympify(expr)
    if sympy.simplify(expr) == 0:
        return True
    return sympy.simplify(sympy.expand_log(expr, force=True)) == 0


# --- equality of each scalar result with the formula written out independently ------------

EXPECTED = [
    ("gd_stability", "eta_max", 2 / lambda_max),
    ("gd_stability", "factor", 1 - eta * lam),
    ("learning_rate_regimes", "eta_opt", 1 / lam),
    ("learning_rate_regimes", "factor", 1 - r),
    ("gd_convergence_rate", "eta_opt", 2 / (lambda_min + lambda_max)),
    ("gd_convergence_rate", "rate_opt", (kappa - 1) / (kappa + 1)),
    ("gd_convergence_rate", "rate_at_inverse_lmax", 1 - 1 / kappa),
    (
        "gd_convergence_rate",
        "iterations",
        sympy.log(1 / epsilon) / sympy.log((kappa + 1) / (kappa - 1)),
    ),
    ("gd_convergence_rate", "iterations_asymptote", kappa / 2 * sympy.log(1 / epsilon)),
    ("momentum_particle_map", "gamma", m / (m + mu * Delta_t)),
    ("momentum_particle_map", "eta", Delta_t**2 / (m + mu * Delta_t)),
    ("momentum_particle_map", "overdamped_eta", Delta_t / mu),
    ("heavy_ball", "char_poly", z**2 - (1 + gamma - eta * lam) * z + gamma),
    ("heavy_ball", "complex_modulus", sqrt(gamma)),
    ("heavy_ball", "eta_opt", 4 / (sqrt(lambda_max) + sqrt(lambda_min)) ** 2),
    ("heavy_ball", "gamma_opt", ((sqrt(kappa) - 1) / (sqrt(kappa) + 1)) ** 2),
    ("heavy_ball", "rate_opt", (sqrt(kappa) - 1) / (sqrt(kappa) + 1)),
    (
        "nesterov",
        "char_poly",
        z**2 - (1 + gamma) * (1 - eta * lam) * z + gamma * (1 - eta * lam),
    ),
    ("nesterov", "gamma_standard", (sqrt(kappa) - 1) / (sqrt(kappa) + 1)),
    ("nesterov", "rate", 1 - 1 / sqrt(kappa)),
    ("nesterov", "eta_lrp", 4 / (3 * lambda_max + lambda_min)),
    ("nesterov", "gamma_lrp", (sqrt(3 * kappa + 1) - 2) / (sqrt(3 * kappa + 1) + 2)),
    ("nesterov", "rate_lrp", 1 - 2 / sqrt(3 * kappa + 1)),
    ("adam_bias_correction", "expected_m", (1 - beta_1**t) * g_mean),
    ("adam_bias_correction", "expected_m_hat", g_mean),
    ("adam_bias_correction", "expected_s", (1 - beta_2**t) * g2_mean),
    ("adam_bias_correction", "expected_s_hat", g2_mean),
    ("adam_bias_correction", "first_step", -eta * g / (sympy.Abs(g) + epsilon)),
    ("adam_bias_correction", "constant_gradient_step", -eta * g / (sympy.Abs(g) + epsilon)),
    (
        "adam_bias_correction",
        "uncorrected_ratio",
        (1 - beta_1**t) / sqrt(1 - beta_2**t),
    ),
    ("rmsprop", "s_t", (1 - beta**t) * g**2),
    ("rmsprop", "steady_state_s", g**2),
    ("rmsprop", "steady_step", eta * g / sqrt(g**2 + epsilon)),
    ("sgd_minibatch", "expectation", g_mean),
    ("sgd_minibatch", "variance", (n_sym - B_sym) / (B_sym * (n_sym - 1)) * sigma**2),
    ("sgd_minibatch", "variance_with_replacement", sigma**2 / B_sym),
    ("energy_conserving_descent", "dH_dt", 0),
    ("energy_conserving_descent", "dH_dt_bbi", 0),
]


@pytest.mark.parametrize(("name", "key", "expected"), EXPECTED)
def test_result_equals_lecture_formula(name: str, key: str, expected: sympy.Expr) -> None:
    derived = D(name).results[key]
    assert is_zero(derived - expected), f"equality: {name}[{key}] = {derived} != {expected}"


def test_claims_say_which_kind() -> None:
    claim = D("gd_convergence_rate").claims["iterations_asymptote"]
    assert claim.kind is Kind.ASYMPTOTE and "kappa -> oo" in claim.limit  # which limit, said


def test_heavy_ball_stability_and_critical_values_symbolic() -> None:
    d = D("heavy_ball")
    # equality of sets: stable iff 0 < eta lambda < 2 (1 + gamma) (Jury, written out here)
    assert d.results["stability"] == sympy.Interval.open(0, 2 * (1 + gamma))
    # equality: the double roots sit at eta lambda = (1 -+ sqrt(gamma))^2
    expected = {(1 - sqrt(gamma)) ** 2, (1 + sqrt(gamma)) ** 2}
    got = set(d.results["critical_damping"])
    assert len(got) == 2
    for e in expected:
        assert any(is_zero(c - e) for c in got)


@pytest.mark.parametrize("k", [2, 9, 50])
def test_nesterov_standard_gamma_double_root(k: int) -> None:
    """Independent check: at q = 1/kappa the NAG companion matrix has a double eigenvalue."""
    gam = float(D("nesterov").results["gamma_standard"].subs(kappa, k))
    ev = np.linalg.eigvals(nag_matrix(1 / k, gam))
    # equality (rounding): the two eigenvalues coincide at 1 - 1/sqrt(kappa)
    np.testing.assert_allclose(ev, [1 - 1 / math.sqrt(k)] * 2, atol=1e-6)


# --- sets, intervals and matrices ----------------------------------------------------------


def test_gd_stable_interval() -> None:
    # equality of sets: |1 - eta lambda| < 1  <=>  0 < eta < 2/lambda
    assert D("gd_stability").results["stable_set"] == sympy.Interval.open(0, 2 / lam)


def test_svd_vs_eigen_against_numpy() -> None:
    res = D("gd_stability").results["svd_vs_eigen"]
    hess = np.array([[1.0, 2.0], [2.0, -2.0]])  # the matrix named in the derivation
    eig = sorted(float(x) for x in res["eigenvalues"])
    sv = sorted(float(x) for x in res["singular values"])
    # equality with numpy's eigen and singular values of the same matrix
    np.testing.assert_allclose(eig, np.sort(np.linalg.eigvalsh(hess)), atol=1e-12)
    np.testing.assert_allclose(sv, np.sort(np.linalg.svd(hess, compute_uv=False)), atol=1e-12)
    assert min(eig) < 0 and min(sv) > 0  # the sign of the curvature is lost by the SVD


def test_learning_rate_regime_sets() -> None:
    regimes = D("learning_rate_regimes").results["regimes"]
    expected = {
        "monotone convergent": sympy.Interval.open(0, 1),
        "one step": sympy.FiniteSet(1),
        "oscillating convergent": sympy.Interval.open(1, 2),
        "marginal (oscillates forever)": sympy.FiniteSet(2),
        "divergent": sympy.Interval.open(2, sympy.oo),
    }
    assert regimes == expected  # equality of sets


def classify_1d(ratio: float, lam_val: float = 3.0, steps: int = 6) -> str:
    """Run 1-D GD directly and name what the error does."""
    eta_v = ratio / lam_val
    err = [1.0]
    for _ in range(steps):
        err.append(err[-1] - eta_v * lam_val * err[-1])
    e = np.array(err)
    if abs(e[1]) < 1e-12:
        return "one step"
    if np.all(e > 0):
        return "monotone convergent"
    if np.allclose(np.abs(e), 1.0):
        return "marginal (oscillates forever)"
    return "oscillating convergent" if abs(e[-1]) < 1 else "divergent"


@pytest.mark.parametrize("ratio", [0.3, 0.9, 1.0, 1.2, 1.9, 2.0, 2.1, 3.5])
def test_learning_rate_regimes_by_simulation(ratio: float) -> None:
    regimes = D("learning_rate_regimes").results["regimes"]
    derived = [k for k, s in regimes.items() if s.contains(sympy.nsimplify(ratio)) is sympy.true]
    assert derived == [classify_1d(ratio)]  # equality: the derived regime is the simulated one


def test_newton_step_is_inverse_hessian_times_gradient() -> None:
    d = D("newton_step")
    g1, g2 = sympy.symbols("g_1 g_2", real=True)
    h11, h12, h22 = sympy.symbols("h_11 h_12 h_22", real=True)
    H = sympy.Matrix([[h11, h12], [h12, h22]])
    grad = sympy.Matrix([g1, g2])
    assert sympy.simplify(d.results["v"] - H.inv() * grad) == sympy.zeros(2, 1)  # equality
    ts = sympy.Matrix(sympy.symbols(r"\theta^*_1 \theta^*_2", real=True))
    assert d.results["one_step_minimum"] == ts  # equality: one step lands on the minimum
    theta = sympy.Symbol("theta", real=True)
    E = sympy.Function("E")
    assert is_zero(d.results["eta_opt"] - 1 / sympy.diff(E(theta), theta, 2))


@given(seed=st.integers(0, 2**16))
@settings(max_examples=20, deadline=None)
def test_newton_step_numeric(seed: int) -> None:
    d = D("newton_step")
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(2, 2))
    H = A @ A.T + 0.5 * np.eye(2)
    th_star, th = rng.normal(size=2), rng.normal(size=2)
    grad = H @ (th - th_star)  # gradient of 1/2 (th - th*)^T H (th - th*)
    subs = dict(
        zip(
            sympy.symbols("g_1 g_2 h_11 h_12 h_22", real=True),
            [grad[0], grad[1], H[0, 0], H[0, 1], H[1, 1]],
            strict=True,
        )
    )
    v = np.array([float(x) for x in d.results["v"].subs(subs)])
    np.testing.assert_allclose(v, np.linalg.solve(H, grad), rtol=1e-9, atol=1e-12)  # equality
    np.testing.assert_allclose(th - v, th_star, rtol=1e-9, atol=1e-9)  # one step: minimum


def test_momentum_inverse_map_and_range() -> None:
    d = D("momentum_particle_map")
    inv = d.results["inverse"]
    # equality: the inverse map is m = gamma Dt^2/eta, mu = (1 - gamma) Dt/eta
    assert is_zero(inv[m] - gamma * Delta_t**2 / eta)
    assert is_zero(inv[mu] - (1 - gamma) * Delta_t / eta)
    # composing forward and inverse maps gives back gamma and eta
    fwd = {k: d.results[k].subs({m: inv[m], mu: inv[mu]}) for k in ("gamma", "eta")}
    assert is_zero(fwd["gamma"] - gamma) and is_zero(fwd["eta"] - eta)
    rng_ = d.results["gamma_range"]
    assert rng_["gamma < 1 iff mu in"] == sympy.Interval.open(0, sympy.oo)
    assert rng_["gamma >= 0 iff m in"] == sympy.Interval(0, sympy.oo)
    assert rng_["gamma = 0 iff m in"] == sympy.FiniteSet(0)


@given(
    m_v=st.floats(0.0, 5.0),
    mu_v=st.floats(0.05, 5.0),
    dt=st.floats(0.01, 1.0),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=30, deadline=None)
def test_momentum_equals_discretised_particle(
    m_v: float, mu_v: float, dt: float, seed: int
) -> None:
    """Integrate the discrete EOM directly and compare with GDM at the derived gamma, eta."""
    d = D("momentum_particle_map")
    subs = {m: m_v, mu: mu_v, Delta_t: dt}
    if m_v == 0:
        subs[m] = 0
    gam = float(d.results["gamma"].subs(subs))
    et = float(d.results["eta"].subs(subs))
    rng = np.random.default_rng(seed)
    k = rng.uniform(0.1, 3.0)  # E = k w^2 / 2
    w_prev, w = rng.normal(size=2)
    # particle: solve m(w+ - 2w + w-)/dt^2 + mu (w+ - w)/dt = -k w for w+ (linear in w+)
    wp, wc = w_prev, w
    traj_p = []
    for _ in range(20):
        a = m_v / dt**2 + mu_v / dt
        rhs = -k * wc + m_v * (2 * wc - wp) / dt**2 + mu_v * wc / dt
        wp, wc = wc, rhs / a
        traj_p.append(wc)
    # GDM in the lecture's form, v_t = gamma v_{t-1} + eta grad, theta_{t+1} = theta_t - v_t
    v = -(w - w_prev)
    th = w
    traj_g = []
    for _ in range(20):
        v = gam * v + et * k * th
        th = th - v
        traj_g.append(th)
    np.testing.assert_allclose(traj_g, traj_p, rtol=1e-9, atol=1e-9)  # equality (rounding)


# --- gradient descent on random quadratics ---------------------------------------------------


def random_spd(seed: int, n: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    lams = rng.uniform(0.5, 10.0, size=n)
    return (q * lams) @ q.T


def run_gd(H: np.ndarray, eta_v: float, steps: int, seed: int) -> np.ndarray:
    th = np.random.default_rng(seed + 1).normal(size=H.shape[0])
    norms = [np.linalg.norm(th)]
    for _ in range(steps):
        th = th - eta_v * (H @ th)
        norms.append(np.linalg.norm(th))
    return np.array(norms)


@given(seed=st.integers(0, 2**16))
@settings(max_examples=20, deadline=None)
def test_gd_converges_below_and_diverges_above_eta_max(seed: int) -> None:
    H = random_spd(seed)
    lmax = float(np.linalg.eigvalsh(H).max())
    eta_max = float(D("gd_stability").results["eta_max"].subs(lambda_max, lmax))
    # bound: just below eta_max the error contracts, just above it grows
    below = run_gd(H, 0.95 * eta_max, 600, seed)
    above = run_gd(H, 1.05 * eta_max, 600, seed)
    assert below[-1] < 1e-3 * below[0]
    assert above[-1] > 1e3 * above[0]


@given(lmin=st.floats(0.1, 2.0), k=st.floats(1.5, 50.0))
@settings(max_examples=25, deadline=None)
def test_gd_optimal_rate_is_minimax(lmin: float, k: float) -> None:
    d = D("gd_convergence_rate")
    lmax = k * lmin
    spec = np.linspace(lmin, lmax, 41)
    etas = np.linspace(1e-3, 2 / lmax, 2001)
    rho = np.max(np.abs(1 - etas[:, None] * spec[None, :]), axis=1)
    eta_star = float(d.results["eta_opt"].subs({lambda_min: lmin, lambda_max: lmax}))
    rate_star = float(d.results["rate_opt"].subs(kappa, k))
    rho_star = np.max(np.abs(1 - eta_star * spec))
    rate_expr = d.results["rate"]
    for eta_v in (0.3 / lmax, eta_star, 1.7 / lmax):
        got = float(rate_expr.subs({eta: eta_v, lambda_min: lmin, lambda_max: lmax}))
        assert math.isclose(got, np.max(np.abs(1 - eta_v * spec)), rel_tol=1e-12)  # equality
    assert math.isclose(rho_star, rate_star, rel_tol=1e-12)  # equality at eta_opt
    assert rho.min() >= rate_star - 1e-12  # bound: no eta on the grid beats it
    at_inv = float(d.results["rate_at_inverse_lmax"].subs(kappa, k))
    assert math.isclose(np.max(np.abs(1 - spec / lmax)), at_inv, rel_tol=1e-12)  # equality


@pytest.mark.parametrize(("k", "eps"), [(4.0, 1e-3), (10.0, 1e-6), (100.0, 1e-2)])
def test_gd_iterations_by_simulation(k: float, eps: float) -> None:
    d = D("gd_convergence_rate")
    n_formula = float(d.results["iterations"].subs({kappa: k, epsilon: eps}))
    lams = np.array([1.0, k])
    eta_v = 2 / (1 + k)
    e = np.ones(2)
    steps = 0
    # the error along lambda_min (and lambda_max) shrinks by exactly rho each step
    while np.max(np.abs(e)) > eps * (1 + 1e-12):
        e = e - eta_v * lams * e
        steps += 1
    assert steps == math.ceil(n_formula - 1e-9)  # equality: first integer N >= formula


def test_gd_iterations_asymptote() -> None:
    d = D("gd_convergence_rate")
    for k in (1e3, 1e5):
        ratio = d.results["iterations"] / d.results["iterations_asymptote"]
        val = float(ratio.subs({kappa: k, epsilon: sympy.Rational(1, 1000)}))
        assert abs(val - 1) < 1 / k  # asymptote: N / ((kappa/2) ln(1/eps)) -> 1, error O(1/kappa^2)


# --- heavy ball and Nesterov: spectral radius of the per-eigenvalue companion matrix --------


def hb_matrix(q: float, gam: float) -> np.ndarray:
    # theta_{t+1} = theta_t - (gamma (theta_{t-1} - theta_t) + q theta_t)
    return np.array([[1 + gam - q, -gam], [1.0, 0.0]])


def nag_matrix(q: float, gam: float) -> np.ndarray:
    # v_t = gamma v_{t-1} + q (theta_t - gamma v_{t-1}), v_{t-1} = theta_{t-1} - theta_t
    # theta_{t+1} = theta_t - v_t = (1 - q)(1 + gamma) theta_t - gamma (1 - q) theta_{t-1}
    return np.array([[(1 - q) * (1 + gam), -gam * (1 - q)], [1.0, 0.0]])


def spectral_radius(T: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(T))))


@given(gam=st.floats(0.0, 0.98), q=st.floats(1e-3, 4.5))
@settings(max_examples=60, deadline=None)
def test_heavy_ball_stability_region(gam: float, q: float) -> None:
    region = D("heavy_ball").results["stability"]
    hi = float(region.sup.subs(gamma, gam)) if gam > 0 else 2.0
    if abs(q - hi) < 1e-6:
        return
    stable = spectral_radius(hb_matrix(q, gam)) < 1
    assert stable == (0 < q < hi)  # equality of the stable sets


@pytest.mark.parametrize("gam", [0.1, 0.5, 0.81])
def test_heavy_ball_char_poly_and_critical_damping(gam: float) -> None:
    d = D("heavy_ball")
    for q in (0.2, 1.3, 3.0):
        coeffs = sympy.Poly(d.results["char_poly"].subs({gamma: gam, eta: q / lam}), z)
        np.testing.assert_allclose(
            [float(c) for c in coeffs.all_coeffs()], np.poly(hb_matrix(q, gam)), atol=1e-12
        )
    crit = sorted(float(c.subs(gamma, gam)) for c in d.results["critical_damping"])
    expected = [(1 - math.sqrt(gam)) ** 2, (1 + math.sqrt(gam)) ** 2]
    np.testing.assert_allclose(crit, expected, rtol=1e-12)  # equality
    # between them the roots are complex with |z| = sqrt(gamma)
    mid = 0.5 * (crit[0] + crit[1])
    assert math.isclose(spectral_radius(hb_matrix(mid, gam)), math.sqrt(gam), rel_tol=1e-9)


@pytest.mark.parametrize("k", [2.0, 10.0, 100.0, 1000.0])
def test_heavy_ball_optimal_tuning_contracts_at_rate(k: float) -> None:
    d = D("heavy_ball")
    lmin, lmax = 1.0, k
    eta_v = float(d.results["eta_opt"].subs({lambda_min: lmin, lambda_max: lmax}))
    gam = float(d.results["gamma_opt"].subs(kappa, k))
    rate = float(d.results["rate_opt"].subs(kappa, k))
    radii = [spectral_radius(hb_matrix(eta_v * lv, gam)) for lv in np.linspace(lmin, lmax, 101)]
    # equality: every eigenvalue contracts at sqrt(gamma) (double roots at the ends: ~1e-8)
    np.testing.assert_allclose(radii, rate, rtol=1e-6)
    # simulation: the error after n steps is rate^n up to the polynomial factor of a double root
    th = np.ones(2)
    prev = np.ones(2)
    lams = np.array([lmin, lmax])
    n = 200
    for _ in range(n):
        th, prev = th - (gam * (prev - th) + eta_v * lams * th), th
    assert np.max(np.abs(th)) <= (2 * n + 2) * rate**n + 1e-300  # bound


@pytest.mark.parametrize("k", [4.0, 25.0, 400.0])
def test_nesterov_rates_by_spectral_radius(k: float) -> None:
    d = D("nesterov")
    spec = np.linspace(1.0, k, 201)
    # standard tuning
    gam = float(d.results["gamma_standard"].subs(kappa, k))
    rate = float(d.results["rate"].subs(kappa, k))
    radii = [spectral_radius(nag_matrix(lv / k, gam)) for lv in spec]
    assert max(radii) <= rate + 1e-6  # bound over the spectrum ...
    assert math.isclose(radii[0], rate, rel_tol=1e-6)  # ... attained at lambda_min (equality)
    # Lessard-Recht-Packard tuning
    eta_v = float(d.results["eta_lrp"].subs({lambda_min: 1.0, lambda_max: k}))
    gam2 = float(d.results["gamma_lrp"].subs(kappa, k))
    rate2 = float(d.results["rate_lrp"].subs(kappa, k))
    radii2 = [spectral_radius(nag_matrix(eta_v * lv, gam2)) for lv in spec]
    assert max(radii2) <= rate2 + 1e-6  # bound
    assert math.isclose(radii2[0], rate2, rel_tol=1e-6)  # equality at both ends
    assert math.isclose(radii2[-1], rate2, rel_tol=1e-6)
    assert rate2 < rate  # bound: the quadratic-optimal tuning is faster


def test_nesterov_char_poly_matches_matrix() -> None:
    poly = D("nesterov").results["char_poly"]
    for q, gam in [(0.3, 0.5), (1.4, 0.9), (0.05, 0.2)]:
        coeffs = sympy.Poly(poly.subs({gamma: gam, eta: q / lam}), z).all_coeffs()
        np.testing.assert_allclose([float(c) for c in coeffs], np.poly(nag_matrix(q, gam)))


# --- Adam, RMSProp, mini-batches -------------------------------------------------------------


def adam_steps(grads: list[float], eta_v: float, b1: float, b2: float, eps: float) -> list[float]:
    m_, s_, out = 0.0, 0.0, []
    for t_, gv in enumerate(grads, 1):
        m_ = b1 * m_ + (1 - b1) * gv
        s_ = b2 * s_ + (1 - b2) * gv * gv
        out.append(-eta_v * (m_ / (1 - b1**t_)) / (math.sqrt(s_ / (1 - b2**t_)) + eps))
    return out


@given(gv=st.floats(-1e3, 1e3).filter(lambda x: abs(x) > 1e-6), eps=st.floats(1e-8, 1e-1))
@settings(max_examples=30, deadline=None)
def test_adam_constant_gradient_steps(gv: float, eps: float) -> None:
    d = D("adam_bias_correction")
    steps = adam_steps([gv] * 5, 0.01, 0.9, 0.999, eps)
    first = float(d.results["first_step"].subs({g: gv, eta: 0.01, epsilon: eps}))
    assert math.isclose(steps[0], first, rel_tol=1e-12)  # equality
    assert math.isclose(first, -0.01 * gv / (abs(gv) + eps), rel_tol=1e-12)
    np.testing.assert_allclose(steps, first, rtol=1e-9)  # every step the same


@pytest.mark.parametrize(("b1", "b2"), [(0.9, 0.99), (0.9, 0.999), (0.5, 0.9)])
def test_adam_uncorrected_ratio_by_simulation(b1: float, b2: float) -> None:
    ratio = D("adam_bias_correction").results["uncorrected_ratio"]
    gv = -0.8
    m_ = s_ = 0.0
    for k in range(1, 40):
        m_ = b1 * m_ + (1 - b1) * gv
        s_ = b2 * s_ + (1 - b2) * gv * gv
        raw = m_ / math.sqrt(s_)  # eps = 0
        corrected = (m_ / (1 - b1**k)) / math.sqrt(s_ / (1 - b2**k))
        expected = float(ratio.subs({beta_1: b1, beta_2: b2, t: k}))
        assert math.isclose(raw / corrected, expected, rel_tol=1e-12)  # equality


def test_adam_first_step_against_torch() -> None:
    torch = pytest.importorskip("torch")
    gv, lr, eps = 0.37, 0.05, 1e-3
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    o = torch.optim.Adam([p], lr=lr, betas=(0.9, 0.99), eps=eps)
    p.grad = torch.full_like(p, gv)
    o.step()
    first = float(
        D("adam_bias_correction").results["first_step"].subs({g: gv, eta: lr, epsilon: eps})
    )
    assert math.isclose(float(p.detach()[0]), first, rel_tol=1e-12)  # equality with torch


@pytest.mark.parametrize("steps", [1, 3, 6])
def test_adam_expected_moving_average_by_enumeration(steps: int) -> None:
    """Exact E[m_t] over all 2^t gradient sequences of a two-point distribution."""
    b1 = Fraction(9, 10)
    vals, probs = (Fraction(-1), Fraction(3)), (Fraction(2, 5), Fraction(3, 5))
    mean = sum(v * p for v, p in zip(vals, probs, strict=True))
    mean2 = sum(v * v * p for v, p in zip(vals, probs, strict=True))
    em = es = Fraction(0)
    b2 = Fraction(99, 100)
    for seq in itertools.product(range(2), repeat=steps):
        pr = math.prod(probs[i] for i in seq)
        m_ = s_ = Fraction(0)
        for i in seq:
            m_ = b1 * m_ + (1 - b1) * vals[i]
            s_ = b2 * s_ + (1 - b2) * vals[i] ** 2
        em += pr * m_
        es += pr * s_
    res = D("adam_bias_correction").results
    subs = {beta_1: sympy.Rational(9, 10), beta_2: sympy.Rational(99, 100), t: steps}
    got_m = res["expected_m"].subs(subs).subs(g_mean, sympy.Rational(mean))
    got_s = res["expected_s"].subs(subs).subs(g2_mean, sympy.Rational(mean2))
    assert got_m == sympy.Rational(em) and got_s == sympy.Rational(es)  # exact equality


@pytest.mark.parametrize("gv", [1e-3, 0.5, 40.0])
def test_rmsprop_by_simulation(gv: float) -> None:
    d = D("rmsprop")
    b, eta_v, eps = 0.9, 0.01, 1e-8
    s_ = 0.0
    for k in range(1, 200):
        s_ = b * s_ + (1 - b) * gv**2
        s_formula = float(d.results["s_t"].subs({g: gv, beta: b, t: k}))
        assert math.isclose(s_, s_formula, rel_tol=1e-10)  # equality
    step = eta_v * gv / math.sqrt(s_ + eps)
    steady = float(d.results["steady_step"].subs({g: gv, eta: eta_v, epsilon: eps}))
    assert math.isclose(step, steady, rel_tol=1e-8)  # equality up to beta^200
    # asymptote g^2 >> eps: |step| -> eta whatever the size of the gradient
    assert math.isclose(abs(step), eta_v, rel_tol=1e-2)


def test_rmsprop_diagonal_step_limit() -> None:
    lim = D("rmsprop").results["diagonal_step_limit"]
    th = sympy.Symbol("theta_i", real=True)
    assert sympy.Symbol("lambda_i", positive=True) not in lim.free_symbols  # no curvature
    for val in (-7, sympy.Rational(-3, 10), sympy.Rational(3, 10), 7):
        # equality with eta sign(theta_i) at each value
        assert sympy.simplify(lim.subs(th, val) - eta * sympy.sign(val)) == 0


@given(
    data=st.lists(st.integers(-20, 20), min_size=2, max_size=7),
    bfrac=st.floats(0.0, 1.0),
)
@settings(max_examples=40, deadline=None)
def test_minibatch_variance_by_enumeration(data: list[int], bfrac: float) -> None:
    n = len(data)
    B = 1 + int(bfrac * (n - 1))
    xs = [Fraction(x) for x in data]
    mean = sum(xs) / n
    var_pop = sum((x - mean) ** 2 for x in xs) / n
    batch_means = [sum(c) / B for c in itertools.combinations(xs, B)]
    e_batch = sum(batch_means) / len(batch_means)
    v_batch = sum((x - e_batch) ** 2 for x in batch_means) / len(batch_means)
    res = D("sgd_minibatch").results
    assert e_batch == mean  # equality: unbiased
    derived = res["variance"].subs({n_sym: n, B_sym: B, sigma: sympy.sqrt(sympy.Rational(var_pop))})
    assert sympy.Rational(v_batch) == sympy.simplify(derived)  # exact equality


@pytest.mark.parametrize(("data", "B"), [([1, 4, 4, 9], 2), ([0, 3, -5], 3), ([2, 7, 1, 8, 2], 2)])
def test_minibatch_with_replacement_by_enumeration(data: list[int], B: int) -> None:
    xs = [Fraction(x) for x in data]
    n = len(xs)
    mean = sum(xs) / n
    var_pop = sum((x - mean) ** 2 for x in xs) / n
    means = [sum(c) / B for c in itertools.product(xs, repeat=B)]  # all n^B ordered draws
    v = sum((x - mean) ** 2 for x in means) / len(means)
    derived = D("sgd_minibatch").results["variance_with_replacement"]
    assert sympy.Rational(v) == derived.subs({B_sym: B, sigma: sympy.sqrt(sympy.Rational(var_pop))})


# --- energy-conserving descent ---------------------------------------------------------------


def test_ecd_hamiltonians_are_the_papers() -> None:
    res = D("energy_conserving_descent").results
    pi1, pi2 = sympy.symbols("pi_1 pi_2", real=True)
    V = sympy.Symbol("F", real=True) - sympy.Symbol("F_0", real=True)
    p2 = pi1**2 + pi2**2
    e_c = sympy.Symbol("eta_ECD", positive=True)
    s = sympy.Symbol("s", nonnegative=True)
    assert is_zero(res["hamiltonian"] - (e_c * sympy.log(V) + sympy.log(s + p2)))
    # BBI: H = sqrt(V^2 + V |pi|^2) >= 0; compare the squares of two nonnegative quantities
    assert is_zero(res["hamiltonian_bbi"] ** 2 - (V**2 + V * p2))
    # on the shell: |pi|^2 = e^E / V^eta_ECD - s, with V = F - F_0 > 0
    E = sympy.Symbol("E", real=True)
    vpos = sympy.Symbol("V", positive=True)
    assert is_zero(res["momentum_squared"] - (sympy.exp(E) / vpos**e_c - s))


@pytest.mark.parametrize("form", ["ecdsep", "bbi"])
def test_ecd_energy_conserved_along_integrated_flow(form: str) -> None:
    from scipy.integrate import solve_ivp

    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    F0, e_c, s = -0.5, 2.0, 1.0

    def V(x: np.ndarray) -> float:
        return 0.5 * x @ A @ x - F0

    def H(y: np.ndarray) -> float:
        x, p = y[:2], y[2:]
        if form == "ecdsep":
            return e_c * math.log(V(x)) + math.log(s + p @ p)
        return V(x) * math.sqrt(1 + p @ p / V(x))

    def rhs(_: float, y: np.ndarray) -> np.ndarray:
        x, p = y[:2], y[2:]
        gradV = A @ x
        if form == "ecdsep":  # H = e_c ln V + ln(s + p^2)
            return np.concatenate([2 * p / (s + p @ p), -e_c * gradV / V(x)])
        h = H(y)  # H = sqrt(V^2 + V p^2)
        return np.concatenate([V(x) * p / h, -(2 * V(x) + p @ p) * gradV / (2 * h)])

    y0 = np.array([1.0, -0.7, 0.3, 0.2])
    sol = solve_ivp(
        rhs, (0.0, 5.0), y0, method="DOP853", rtol=1e-11, atol=1e-12, dense_output=False
    )
    assert sol.success
    energies = np.array([H(y) for y in sol.y.T])
    assert np.max(np.abs(energies - energies[0])) < 1e-8  # equality up to integration error
    assert np.max(np.abs(sol.y[:2, -1] - y0[:2])) > 1e-2  # the particle did move


# --- registry, rendering and the command line ------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_derivation_renders(name: str) -> None:
    table = registered()
    assert name in table
    d = D(name)
    md = d.to_markdown()
    assert md.startswith(f"### {d.title}")
    assert d.references and d.assumptions and d.results
    for key in d.results:
        assert f"`{key}`" in md


def test_public_names() -> None:
    assert set(NAMES) <= set(opt.__all__)


def test_cli_derive_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "--list"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert name in out


def test_cli_derive_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "gd_stability"]) == 0
    out = capsys.readouterr().out
    assert "`eta_max`" in out and r"\frac{2}{\lambda_{max}}" in out


def test_cli_derive_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "no_such_thing"]) == 2
    assert "unknown derivation" in capsys.readouterr().err


def test_ecd_slows_down_near_low_loss_as_derived() -> None:
    """The derived on-shell speed, evaluated at the loss alone, against a leapfrog run."""
    import numpy as np

    from analysis.optimizers import ecd

    d = D("energy_conserving_descent")
    assert d.results["speed_at_low_loss"] == 0  # the limit V -> 0+ (asymptote)
    V = sympy.Symbol("V", positive=True)
    E = sympy.Symbol("E", real=True)
    consts = {sympy.Symbol("s", nonnegative=True): 1, sympy.Symbol("eta_ECD", positive=True): 1}
    speed = sympy.lambdify((V, E), d.results["speed_on_shell"].subs(consts))

    def loss(th):
        return float(0.5 * th @ th)

    dt = 1e-3
    opt = ecd(loss, dt=dt, loss_floor=0.0, s=1.0, concentration=1.0)
    th, st = np.array([1.0, 0.5]), opt.init(np.array([1.0, 0.5]))
    measured, v_mid = [], []
    for _ in range(2000):  # from rest, through the minimum and on
        step, st = opt.update(th, st, th)  # grad of th.th/2 is th
        measured.append(float(np.linalg.norm(step)) / dt)
        v_mid.append(loss(th + step / 2))
        th = th + step
    measured_a, v = np.array(measured), np.array(v_mid)
    predicted = np.array([speed(x, st.energy0) for x in v])  # from the loss and H_0 only
    rel = np.abs(measured_a - predicted) / predicted
    assert rel[5:].max() < 1e-2  # empirical: the derived speed, to the integrator's error
    # the claim: at the lowest loss of the run the particle is slower than where the derived
    # speed peaks (V = e^E / 2, s = 1): it slows down near low loss
    peak = int(np.argmin(np.abs(v - np.exp(st.energy0) / 2)))
    assert measured_a[int(np.argmin(v))] < measured_a[peak]
