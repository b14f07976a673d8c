"""The lecture, slide by slide: each claim, its derivation, an independent measurement, its kind.

Like sympy's ``test_demidovich.py`` indexes a book, this file indexes Lecture 6 (Physics 361):
every row names the slide, the claim, the registered derivation and result that state it, the
kind of claim (:class:`theory.claims.Kind`), and a measurement that obtains the value
*independently* of the formula (a simulation, an exact count, an enumeration, an eigenvalue
computation). The test evaluates the derived formula, runs the measurement and compares them
by the claim's kind.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy

from analysis.constructions import general_position_shallow, lecture_network, max_regions_network
from analysis.networks import ReLUNetwork
from analysis.optimizers import gd, momentum, newton, run
from analysis.particle import eom_iterates
from analysis.quadratics import QuadraticProblem, classify_trajectory, divergence_threshold
from analysis.regions import count_regions
from analysis.regions.methods.polygon import iter_polygons
from theory.claims import Kind, assert_claim
from theory.derivation import derive
from theory.networks import (
    deep_parameter_count,
    max_regions_1d,
    max_regions_shallow,
    shallow_parameter_count,
)
from theory.symbols import D, Delta_t, K, eta, gamma, kappa, lam, lambda_max, lambda_min, m, mu


@dataclass(frozen=True)
class Claim:
    """One row of the index."""

    slide: str
    claim: str
    derivation: str | None  # registered derivation that states it (None: a theory function)
    kind: Kind
    measure: Callable[[], tuple[Any, Any, float | None]]  # -> (formula value, computed, rtol)


# ------------------------------------------------------------------ approximation
def _interpolation_d2():
    """sup error of the 64-piece interpolant of sin(pi x) on [-1, 1], measured on a grid."""
    bound = derive("interpolation_error").results["sup_error_bound"]
    syms = {v.name: v for v in bound.free_symbols}
    xs = np.linspace(-1, 1, 64 * 200 + 1)
    knots = np.linspace(-1, 1, 65)
    err = float(np.max(np.abs(np.sin(np.pi * xs) - np.interp(xs, knots, np.sin(np.pi * knots)))))
    value = float(bound.subs({syms["M"]: np.pi**2, syms["a"]: -1, syms["b"]: 1, syms["D"]: 64}))
    return value, err, None


def _sawtooth_depth():
    """2^K teeth = 2^(K+1) linear pieces on [0, 1] from K + 1 tent layers of width 2 (K = 4)."""
    from analysis.experiments import sawtooth_network

    pieces = count_regions(sawtooth_network(4), [(0, 1)], kind="linear")
    return 2 ** (4 + 1), pieces, None


def _saddle_strict():
    """Steps GD needs to escape a strict saddle from delta = 1e-6 (eta = 0.1, mu = 1)."""
    import math

    from analysis.saddles import escape_steps

    r = derive("saddle_escape").results["strict_steps"]
    n = {v.name: v for v in r.free_symbols}
    formula = math.ceil(float(r.subs({n["delta"]: 1e-6, n["eta"]: 0.1, n["mu"]: 1})))
    return formula, escape_steps("strict", 1e-6, 0.1, 1.0), None


def _heavy_ball_q_max():
    """Heavy ball's largest stable eta*lambda at gamma = 0.6, from the update matrix's radius."""
    from analysis.momentum_phases import threshold

    r = derive("momentum_phases").results["heavy_ball_q_max"]
    return float(r.subs(gamma, 0.6)), threshold("heavy_ball", 0.6), 1e-9


def _slide_nesterov_sign():
    """The slide's Nesterov sign: stable only for eta*lambda < 1/gamma - 1 (gamma = 0.9)."""
    from analysis.momentum_phases import threshold

    r = derive("momentum_phases").results["lecture_sign_q_max"]
    return float(r.subs(gamma, 0.9)), threshold("lecture_sign", 0.9), 1e-9


def _double_root_count():
    """Tuned heavy ball on its slowest direction (kappa = 1e4): the double root's count."""
    from analysis.momentum_phases import double_root_count, slowest_direction_count

    rate = float(derive("heavy_ball").results["rate_opt"].subs(kappa, 1e4))
    return double_root_count(rate, 1e-6), slowest_direction_count("momentum", 1e4, 1e-6), None


def _minibatch_exact():
    """Variance of the batch mean over all C(6, 2) batches, exactly."""
    from analysis.saddles import minibatch_variance_exact

    g = [Fraction(v) for v in (2, 7, 1, 8, 2, 8)]
    var, s2 = minibatch_variance_exact(g, 2)
    return s2 * Fraction(6 - 2, 2 * 5), var, None


# ------------------------------------------------------------------ 2.5 Optimization
def _gd_step():
    factor = derive("gd_stability").results["factor"]  # per-eigenvalue factor 1 - eta*lambda
    lam_v, eta_v = 3.0, 0.125
    traj = run(gd(eta=eta_v), lambda th: lam_v * th, np.array([1.0]), 1).trajectory
    return float(factor.subs({eta: eta_v, lam: lam_v})), float(traj[1, 0]), 1e-15


def _newton_one_step():
    d = derive("newton_step")
    H = np.array([[3.0, 1.0], [1.0, 2.0]])
    theta = np.array([1.0, -2.0])
    traj = run(newton(lambda th: H), lambda th: H @ th, theta, 1).trajectory  # E = th H th / 2
    v = d.results["v"]  # H^-1 grad E from the Taylor model
    subs = dict(
        zip(sorted(v.free_symbols, key=str), [*(H @ theta), H[0, 0], H[0, 1], H[1, 1]], strict=True)
    )
    step = np.array([float(e.subs(subs)) for e in v])
    return 0.0, float(np.abs(traj[1] - (theta - step)).max() + np.abs(traj[1]).max()), 1e-12


def _eta_opt_one_step():
    eta_opt = derive("learning_rate_regimes").results["eta_opt"]  # 1/lambda
    lam_v = 4.0
    traj = run(gd(eta=float(eta_opt.subs(lam, lam_v))), lambda th: lam_v * th, np.ones(1), 1)
    return 0.0, float(traj.trajectory[1, 0]), None  # exactly 0 in floats: 1/4 is dyadic


def _regimes():
    regimes = derive("learning_rate_regimes").results["regimes"]  # name -> set of eta/eta_opt
    lam_v = 2.0
    agree = 0
    for name, ratios in regimes.items():
        # a ratio inside the derived set: its midpoint, or the set's one point
        r = float(ratios.args[0]) if isinstance(ratios, sympy.FiniteSet) else None
        if r is None:
            hi = ratios.end if ratios.end.is_finite else ratios.start + 1
            r = float((ratios.start + hi) / 2)
        traj = run(gd(eta=r / lam_v), lambda th: lam_v * th, np.ones(1), 20).trajectory[:, 0]
        agree += classify_trajectory(traj) == name
    return len(regimes), agree, None


def _stability_threshold():
    eta_max = derive("gd_stability").results["eta_max"]  # 2/lambda_max
    p = QuadraticProblem(lambda_min=1.0, lambda_max=8.0, dim=4, seed=1)
    r = divergence_threshold(p, "gd", rtol=1e-4)  # bisection on real runs
    return float(eta_max.subs(lambda_max, 8.0)), r.measured, 5e-3  # empirical: finite horizon


def _rate_opt_spectral():
    d = derive("gd_convergence_rate")
    lmin, lmax = 1.0, 50.0
    e = float(d.results["eta_opt"].subs({lambda_min: lmin, lambda_max: lmax}))
    rho = max(abs(1 - e * v) for v in (lmin, lmax))  # the iteration's spectral radius
    return float(d.results["rate_opt"].subs(kappa, lmax / lmin)), rho, 1e-14


def _heavy_ball_rate():
    d = derive("heavy_ball")
    lmin, lmax = 1.0, 100.0
    e = float(d.results["eta_opt"].subs({lambda_min: lmin, lambda_max: lmax}))
    g = float(d.results["gamma_opt"].subs(kappa, lmax / lmin))
    rho = 0.0
    for v in np.linspace(lmin, lmax, 201):  # companion matrix of theta_{t+1} on each mode
        M = np.array([[1 + g - e * v, -g], [1.0, 0.0]])
        rho = max(rho, float(np.abs(np.linalg.eigvals(M)).max()))
    return float(d.results["rate_opt"].subs(kappa, lmax / lmin)), rho, 1e-6


def _minibatch_variance():
    var = derive("sgd_minibatch").results["variance"]
    grads = [Fraction(v) for v in (3, -1, 4, 1, -5, 9)]  # per-example gradients
    n, B = len(grads), 3
    mean = sum(grads) / n
    sigma2 = sum((g - mean) ** 2 for g in grads) / n
    means = [sum(c) / B for c in itertools.combinations(grads, B)]  # every batch, equally likely
    exact = sum((x - mean) ** 2 for x in means) / len(means)
    formula = var.subs(
        {
            s: v
            for s, v in zip(
                sorted(var.free_symbols, key=str), (B, n, sympy.sqrt(sigma2)), strict=True
            )
        }
    )
    return Fraction(str(sympy.nsimplify(formula))), exact, None


def _particle_map():
    d = derive("momentum_particle_map")
    mass, damp, dt = 2.0, 0.7, 0.05
    gam = float(d.results["gamma"].subs({m: mass, mu: damp, Delta_t: dt}))
    et = float(d.results["eta"].subs({m: mass, mu: damp, Delta_t: dt}))
    grad = lambda w: w + w**3  # noqa: E731 - an anharmonic potential
    w_eom = eom_iterates(mass, damp, dt, grad, 1.0, 200)
    w_gdm = run(momentum(eta=et, gamma=gam), grad, np.array([1.0]), 200).trajectory[:, 0]
    return 0.0, float(np.abs(w_eom - w_gdm).max()), 1e-12


def _adam_bias():
    expected = derive("adam_bias_correction").results["expected_m_hat"]  # E[m_hat] = E[g]
    b1, g = Fraction(9, 10), Fraction(7, 3)
    (g_mean,) = expected.free_symbols
    m_t = Fraction(0)
    for _ in range(7):  # a constant gradient g, the update rule run in exact rationals
        m_t = b1 * m_t + (1 - b1) * g
    return Fraction(str(expected.subs(g_mean, sympy.Rational(7, 3)))), m_t / (1 - b1**7), None


# ------------------------------------------------------------------ 2.6 Shallow and deep nets
def _lecture_four_regions():
    return int(max_regions_shallow(3)), count_regions(lecture_network()), None


def _d_plus_one():
    Dv = 7
    net = ReLUNetwork([[[1]] * Dv, [[1] * Dv]], [[-j for j in range(Dv)], [0]])  # joints 0..6
    return int(max_regions_shallow(D).subs(D, Dv)), count_regions(net), None


def _shallow_parameters():
    Dv = 6
    net = ReLUNetwork.random((1, Dv, 1), seed=0)
    return int(shallow_parameter_count(D).subs(D, Dv)), net.n_parameters, None


def _deep_regions():
    Dv, Kv = 3, 3
    return int(max_regions_1d([Dv] * Kv)), count_regions(max_regions_network([Dv] * Kv)), None


def _deep_parameters():
    Dv, Kv = 4, 5
    net = ReLUNetwork.random((1, *([Dv] * Kv), 1), seed=0)
    return int(deep_parameter_count(D, K).subs({D: Dv, K: Kv})), net.n_parameters, None


def _shallow_many_inputs():
    Dv, d_in = 6, 2
    net = general_position_shallow(Dv, d_in, seed=0).network
    return int(max_regions_shallow(Dv, d_in)), count_regions(net), None


def _convex_polygons():
    net = ReLUNetwork.random((2, 6, 6, 1), seed=3)
    polys = list(iter_polygons(net, [(-2, 2), (-2, 2)]))
    convex = 0
    for p in polys:
        v = p.vertices
        turns = [
            (v[(i + 1) % len(v)][0] - v[i][0]) * (v[(i + 2) % len(v)][1] - v[(i + 1) % len(v)][1])
            - (v[(i + 1) % len(v)][1] - v[i][1]) * (v[(i + 2) % len(v)][0] - v[(i + 1) % len(v)][0])
            for i in range(len(v))
        ]
        convex += all(tv >= 0 for tv in turns) or all(tv <= 0 for tv in turns)  # exact
    return len(polys), convex, None


def _identity_embedding():
    shallow = ReLUNetwork.random((1, 4, 1), seed=2)
    W0, W1 = shallow.exact_weights
    b0, b1 = shallow.exact_biases
    n = W0.shape[0]
    eye = [[int(i == j) for j in range(n)] for i in range(n)]
    # relu(relu(z)) = relu(z): an identity layer after the hidden layer changes nothing
    deep = ReLUNetwork([W0, eye, W1], [b0, [0] * n, b1])
    xs = [Fraction(k, 7) for k in range(-21, 22)]
    same = sum(deep.exact_forward([x]) == shallow.exact_forward([x]) for x in xs)
    return len(xs), same, None


LECTURE = [
    Claim(
        "Gradient Descent",
        "theta_{t+1} = theta_t - eta grad E",
        "gd_stability",
        Kind.EXACT,
        _gd_step,
    ),
    Claim(
        "Newton's Method",
        "v = H^-1 grad E minimises the quadratic model",
        "newton_step",
        Kind.EXACT,
        _newton_one_step,
    ),
    Claim(
        "GD vs Newton",
        "eta_opt = 1/E'' reaches the minimum in one step",
        "learning_rate_regimes",
        Kind.EXACT,
        _eta_opt_one_step,
    ),
    Claim(
        "Regimes of Learning Rate",
        "four regimes of eta/eta_opt",
        "learning_rate_regimes",
        Kind.EXACT,
        _regimes,
    ),
    Claim(
        "Convergence in Higher Dimensions",
        "eta < 2/lambda_max",
        "gd_stability",
        Kind.EMPIRICAL,
        _stability_threshold,
    ),
    Claim(
        "Convergence in Higher Dimensions",
        "rate (kappa-1)/(kappa+1) at the best eta",
        "gd_convergence_rate",
        Kind.EXACT,
        _rate_opt_spectral,
    ),
    Claim(
        "GD with Momentum",
        "heavy ball rate (sqrt(kappa)-1)/(sqrt(kappa)+1)",
        "heavy_ball",
        Kind.EXACT,
        _heavy_ball_rate,
    ),
    Claim(
        "SGD with Mini-batches",
        "batch-mean variance (n-B)/(B(n-1)) sigma^2",
        "sgd_minibatch",
        Kind.EXACT,
        _minibatch_variance,
    ),
    Claim(
        "GD with Momentum",
        "gamma = m/(m+mu Dt), eta = Dt^2/(m+mu Dt)",
        "momentum_particle_map",
        Kind.EXACT,
        _particle_map,
    ),
    Claim(
        "ADAM optimizer",
        "bias correction makes m_hat unbiased",
        "adam_bias_correction",
        Kind.EXACT,
        _adam_bias,
    ),
    Claim(
        "Activation Pattern", "3 joints, 4 linear regions", None, Kind.EXACT, _lecture_four_regions
    ),
    Claim(
        "Universal Approximation Theorem",
        "D joints, D + 1 regions",
        "shallow_region_recursion",
        Kind.EXACT,
        _d_plus_one,
    ),
    Claim(
        "Shallow vs Deep", "3D + 1 parameters", "parameter_totals", Kind.EXACT, _shallow_parameters
    ),
    Claim(
        "Shallow vs Deep",
        "(D+1)^K regions (every width >= 3)",
        "deep_regions_1d",
        Kind.EXACT,
        _deep_regions,
    ),
    Claim(
        "Shallow vs Deep",
        "3D+1+(K-1)D(D+1) parameters",
        "parameter_totals",
        Kind.EXACT,
        _deep_parameters,
    ),
    Claim(
        "General Case",
        "sum_{j<=D_i} C(D, j) regions in general position",
        "shallow_region_recursion",
        Kind.EXACT,
        _shallow_many_inputs,
    ),
    Claim("Multivariate Inputs", "regions are convex polygons", None, Kind.EXACT, _convex_polygons),
    Claim(
        "Shallow vs Deep",
        "a deep net with identity layers reproduces a shallow one",
        None,
        Kind.EXACT,
        _identity_embedding,
    ),
    Claim(
        "Gradient Descent",
        "escaping a strict saddle takes ln(1/delta)/ln(1 + eta mu) steps",
        "saddle_escape",
        Kind.EXACT,
        _saddle_strict,
    ),
    Claim(
        "GD with Momentum",
        "heavy ball is stable for eta lambda < 2(1 + gamma)",
        "momentum_phases",
        Kind.EXACT,
        _heavy_ball_q_max,
    ),
    Claim(
        "GD with Momentum",
        "the slide's Nesterov sign is unstable beyond eta lambda = 1/gamma - 1",
        "momentum_phases",
        Kind.EXACT,
        _slide_nesterov_sign,
    ),
    Claim(
        "Convergence in Higher Dimensions",
        "tuned heavy ball's count carries the double root's prefactor",
        "double_root_iterations",
        Kind.EXACT,
        _double_root_count,
    ),
    Claim(
        "SGD with Mini-batches",
        "the mini-batch variance, over every batch",
        "sgd_minibatch",
        Kind.EXACT,
        _minibatch_exact,
    ),
    Claim(
        "Universal Approximation Theorem",
        "D units approximate a C^2 target to M(b-a)^2/(8D^2)",
        "interpolation_error",
        Kind.UPPER_BOUND,
        _interpolation_d2,
    ),
    Claim(
        "Shallow vs Deep",
        "a 2^K-tooth sawtooth from K+1 layers of width 2",
        None,
        Kind.EXACT,
        _sawtooth_depth,
    ),
]


@pytest.mark.parametrize("row", LECTURE, ids=lambda r: f"{r.slide}: {r.claim}")
def test_lecture_claim(row: Claim) -> None:
    if row.derivation is not None:
        d = derive(row.derivation)
        assert d.results  # the claim comes out of a registered derivation
    formula, computed, rtol = row.measure()
    assert_claim(row.kind, formula, computed, rtol, what=f"{row.slide}: {row.claim}")


def test_every_slide_of_the_lecture_is_indexed() -> None:
    slides = {r.slide for r in LECTURE}
    needed = {
        "Gradient Descent",
        "Newton's Method",
        "Regimes of Learning Rate",
        "Convergence in Higher Dimensions",
        "SGD with Mini-batches",
        "GD with Momentum",
        "ADAM optimizer",
        "Activation Pattern",
        "Universal Approximation Theorem",
        "Multivariate Inputs",
        "General Case",
        "Shallow vs Deep",
    }
    assert needed <= slides  # every named slide has at least one checked claim
