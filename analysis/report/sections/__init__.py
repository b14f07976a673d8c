"""The report's sections, one module per topic, and their order."""

from __future__ import annotations

from analysis.report.core import Section
from analysis.report.sections import (
    appendix,
    approximation,
    counts,
    deep,
    depth,
    digits,
    fine_print_adam,
    fine_print_minibatch,
    fine_print_momentum,
    fine_print_rmsprop,
    fine_print_svd,
    fine_print_widths,
    momentum_phases,
    network_claims,
    optimizer_choice,
    particle,
    paths,
    rates,
    regimes,
    saddles,
    sgd,
    shallow,
    stability,
    training_generalisation,
    training_regions,
    two_inputs,
)

__all__ = ["default_sections"]


def default_sections() -> list[Section]:
    """The report's sections, in order (topics, fine print, then the derivations appendix).

    >>> [s.key for s in default_sections()][-1]
    'derivations'
    """
    return [
        Section("regimes", "Learning-rate regimes and Newton's step", regimes.sec_regimes),
        Section("stability", "Stability of gradient descent: η < 2/λ_max", stability.sec_stability),
        Section("rates", "Convergence against the condition number κ", rates.sec_rates),
        Section("particle", "Momentum as a damped massive particle", particle.sec_particle),
        Section(
            "momentum_phases",
            "Momentum's stability regions: heavy ball, Nesterov, the slide's sign",
            momentum_phases.sec_momentum_phases,
        ),
        Section("paths", "Optimizers on Beale's function and a quadratic", paths.sec_paths),
        Section(
            "momentum_directions",
            "Momentum per direction: damping the steep, speeding the flat",
            optimizer_choice.sec_momentum_directions,
        ),
        Section(
            "initial_conditions",
            "Initial conditions: basins of attraction",
            optimizer_choice.sec_initial_conditions,
        ),
        Section(
            "which_optimizer",
            "Which optimizer? Each tuned, on several problems",
            optimizer_choice.sec_which_optimizer,
        ),
        Section("sgd", "SGD with mini-batches", sgd.sec_sgd),
        Section("saddles", "Saddles, mini-batch noise and temperature", saddles.sec_saddles),
        Section("shallow", "A shallow network with one input", shallow.sec_shallow),
        Section("deep", "Deep networks: composition multiplies regions", deep.sec_deep),
        Section("two_inputs", "Networks with two inputs", two_inputs.sec_two_inputs),
        Section(
            "network_claims",
            "The lecture's remarks on networks, checked",
            network_claims.sec_network_claims,
        ),
        Section("counts", "Exact counts against the formulas", counts.sec_counts),
        Section("depth", "Depth efficiency", depth.sec_depth),
        Section(
            "regions_vs_neurons",
            "Regions at initialisation and during training",
            training_regions.sec_regions_vs_neurons,
        ),
        Section(
            "shallow_vs_deep",
            "Shallow vs deep at the same parameter budget",
            training_generalisation.sec_shallow_vs_deep,
        ),
        Section(
            "sgd_generalisation",
            "SGD, GD and overfitting under label noise",
            training_generalisation.sec_sgd_generalisation,
        ),
        Section(
            "universal_approximation",
            "Universal approximation: the D⁻² law",
            approximation.sec_universal_approximation,
        ),
        Section(
            "depth_efficiency_approximation",
            "Depth efficiency as approximation: the sawtooth",
            approximation.sec_depth_efficiency_approximation,
        ),
        Section("digits", "A real data set: handwritten digits", digits.sec_digits),
        Section(
            "fine_print_width",
            "Fine print: when (D+1)^K is reached with one input",
            fine_print_widths.fp_width_three,
        ),
        Section(
            "fine_print_svd",
            "Fine print: the SVD of the Hessian loses negative curvature",
            fine_print_svd.fp_svd_hessian,
        ),
        Section(
            "fine_print_beta2",
            "Fine print: Adam's β₂, 0.999 by default and 0.99 in the lecture",
            fine_print_adam.fp_adam_beta2,
        ),
        Section(
            "fine_print_rmsprop",
            "Fine print: RMSProp's ε inside or outside the square root",
            fine_print_rmsprop.fp_rmsprop_eps,
        ),
        Section(
            "fine_print_gamma",
            "Fine print: momentum with γ = 1 never converges",
            fine_print_momentum.fp_momentum_gamma_one,
        ),
        Section(
            "fine_print_minibatch",
            "Fine print: the mini-batch sum is B/n of the gradient",
            fine_print_minibatch.fp_minibatch_sum,
        ),
        Section("derivations", "All derivations", appendix.derivations_appendix),
    ]
