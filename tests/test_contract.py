"""The public names and signatures that other code relies on (the design's contract)."""

import inspect

import pytest
import sympy

import analysis.constructions
import analysis.networks
import analysis.optimizers
import analysis.regions
import theory
import theory.networks
import theory.optimization
from theory import symbols

OPTIMIZATION_RESULTS = {
    "gd_stability": ["eta_max", "factor"],
    "learning_rate_regimes": ["regimes", "eta_opt"],
    "newton_step": ["v", "eta_opt"],
    "gd_convergence_rate": ["eta_opt", "rate_opt", "iterations", "iterations_asymptote"],
    "momentum_particle_map": ["gamma", "eta", "inverse"],
    "heavy_ball": ["stability", "eta_opt", "gamma_opt", "rate_opt"],
    "nesterov": ["char_poly", "rate"],
    "adam_bias_correction": ["expected_m", "expected_m_hat"],
}


@pytest.mark.parametrize("name, keys", OPTIMIZATION_RESULTS.items())
def test_optimization_derivations_and_result_keys(name, keys):
    d = getattr(theory.optimization, name)()
    assert isinstance(d, theory.Derivation)
    assert [k for k in keys if k in d.results] == keys
    assert d.title and d.steps and d.references


@pytest.mark.parametrize(
    "name",
    [
        "eta",
        "lambda_max",
        "lambda_min",
        "kappa",
        "gamma",
        "m",
        "mu",
        "Delta_t",
        "D",
        "K",
        "D_i",
        "D_o",
        "beta_1",
        "beta_2",
        "t",
    ],
)
def test_symbols_are_positive_symbols(name):
    sym = getattr(symbols, name)
    assert sym == sympy.Symbol(sym.name, positive=True)


def test_network_theory_names():
    for name in [
        "parameter_count",
        "deep_parameter_count",
        "shallow_parameter_count",
        "max_regions_shallow",
        "max_regions_1d",
        "serra_upper_bound",
    ]:
        assert callable(getattr(theory.networks, name))
    D, K = symbols.D, symbols.K
    expected = 3 * D + 1 + (K - 1) * D * (D + 1)  # the lecture's total
    assert (
        sympy.simplify(theory.networks.deep_parameter_count(D, K, d_in=1, d_out=1) - expected) == 0
    )


def test_relu_network_contract():
    net = analysis.networks.ReLUNetwork([[[1, 2]], [[3]]], [[0], [1]])
    assert (net.input_dim, net.hidden_widths, net.output_dim, net.n_parameters) == (2, (1,), 1, 5)
    assert len(net.weights) == len(net.biases) == 2
    for name in [
        "from_torch",
        "from_flax",
        "load_npz",
        "save_npz",
        "to_json",
        "from_json",
        "random",
    ]:
        assert hasattr(analysis.networks.ReLUNetwork, name)


def test_regions_contract():
    params = inspect.signature(analysis.regions.count_regions).parameters
    assert list(params)[:3] == ["net", "domain", "kind"]
    assert params["domain"].default is None and params["kind"].default == "activation"
    for name in ["enumerate_regions", "region_graph"]:
        assert list(inspect.signature(getattr(analysis.regions, name)).parameters)[:2] == [
            "net",
            "domain",
        ]
    assert callable(analysis.constructions.max_regions_network)


@pytest.mark.parametrize(
    "factory, keywords",
    [
        ("gd", {"eta"}),
        ("momentum", {"eta", "gamma"}),
        ("nesterov", {"eta", "gamma"}),
        ("rmsprop", {"eta", "beta", "eps"}),
        ("adam", {"eta", "beta_1", "beta_2", "eps"}),
        ("adagrad", {"eta", "eps"}),
        ("newton", set()),
        ("ecd", set()),
    ],
)
def test_optimizer_factories_take_the_lecture_names(factory, keywords):
    params = set(inspect.signature(getattr(analysis.optimizers, factory)).parameters)
    assert keywords <= params


def test_run_returns_trajectory_with_theta0_first():
    import numpy as np

    opt = analysis.optimizers.gd(eta=0.1)
    res = analysis.optimizers.run(opt, lambda th: 2 * th, np.array([1.0, -1.0]), 5)
    assert res.trajectory.shape == (6, 2)
    assert np.array_equal(res.trajectory[0], [1.0, -1.0])
    init, update = opt  # a pair of pure functions
    step, _ = update(np.array([2.0, -2.0]), init(np.array([1.0, -1.0])), np.array([1.0, -1.0]))
    assert np.allclose(step, [-0.2, 0.2])  # theta + step is the new iterate
