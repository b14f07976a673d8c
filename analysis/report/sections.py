"""The report's sections, in order, and the derivations appendix."""

from __future__ import annotations

from analysis.report import fineprint, fineprint2, sec_networks, sec_optim, sec_optim2
from analysis.report.core import ReportContext, Section, SectionResult

__all__ = ["default_sections", "derivations_appendix"]


def derivations_appendix(ctx: ReportContext) -> SectionResult:
    """Every registered derivation that no topic section has shown yet."""
    import importlib

    from theory.derivation import registered

    for mod in ("theory.optimization", "theory.networks"):
        importlib.import_module(mod)  # a missing theory module fails this section visibly
    names = sorted(set(registered()) - ctx.used_derivations)
    shown = sorted(ctx.used_derivations)
    listed = ", ".join(f"`{n}`" for n in shown) if shown else "none"
    tail = " The others follow." if names else " That is all of them."
    parts = [
        "Every derivation physml registers (`physml derive --list`) appears in this report "
        f"once. Shown with their topics above: {listed}." + tail
    ]
    for name in names:
        parts.append(ctx.derivation(name).to_markdown(heading="###"))
        parts.append(f"*(`physml derive {name}`)*")
    return SectionResult("\n\n".join(parts))


def default_sections() -> list[Section]:
    """The report's sections, in order (topics, fine print, then the derivations appendix).

    >>> [s.key for s in default_sections()][-1]
    'derivations'
    """
    return [
        Section("regimes", "Learning-rate regimes and Newton's step", sec_optim.sec_regimes),
        Section("stability", "Stability of gradient descent: η < 2/λ_max", sec_optim.sec_stability),
        Section("rates", "Convergence against the condition number κ", sec_optim.sec_rates),
        Section("particle", "Momentum as a damped massive particle", sec_optim.sec_particle),
        Section("paths", "Optimizers on Beale's function and a quadratic", sec_optim2.sec_paths),
        Section("sgd", "SGD with mini-batches", sec_optim2.sec_sgd),
        Section("shallow", "A shallow network with one input", sec_networks.sec_shallow),
        Section("deep", "Deep networks: composition multiplies regions", sec_networks.sec_deep),
        Section("two_inputs", "Networks with two inputs", sec_networks.sec_two_inputs),
        Section("counts", "Exact counts against the formulas", sec_networks.sec_counts),
        Section("depth", "Depth efficiency", sec_networks.sec_depth),
        Section(
            "fine_print_width",
            "Fine print: (D+1)^K needs every width ≥ 3",
            fineprint.fp_width_three,
        ),
        Section(
            "fine_print_svd",
            "Fine print: the SVD of the Hessian loses negative curvature",
            fineprint.fp_svd_hessian,
        ),
        Section(
            "fine_print_beta2", "Fine print: Adam's β₂ is 0.999, not 0.99", fineprint.fp_adam_beta2
        ),
        Section(
            "fine_print_rmsprop",
            "Fine print: RMSProp's ε inside or outside the square root",
            fineprint.fp_rmsprop_eps,
        ),
        Section(
            "fine_print_gamma",
            "Fine print: momentum with γ = 1 never converges",
            fineprint2.fp_momentum_gamma_one,
        ),
        Section(
            "fine_print_minibatch",
            "Fine print: the mini-batch sum is B/n of the gradient",
            fineprint2.fp_minibatch_sum,
        ),
        Section("derivations", "All derivations", derivations_appendix),
    ]
