"""Saddles, mini-batch noise and temperature: escape times, Newton's attraction, Kramers."""

from __future__ import annotations

import math

import numpy as np
import sympy

from analysis.optimizers import gd, newton, run
from analysis.report.common import derivations_markdown, fmt, new_figure, value_at
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult
from analysis.saddles import (
    chain_escape_steps,
    escape_steps,
    langevin_escape_times,
    noise_floor,
    perturbed_escape,
)
from theory.symbols import eta as eta_sym

__all__ = ["sec_saddles"]


def sec_saddles(ctx: ReportContext) -> SectionResult:
    """The lecture's remarks on saddles, noise and temperature, each derived and measured."""
    se = ctx.derivation("saddle_escape").results
    nf = ctx.derivation("sgd_noise_floor").results
    kr = ctx.derivation("kramers_escape").results
    checks = []
    eta, mu = 0.1, 1.0
    rows = []
    for delta in (1e-2, 1e-4, 1e-8):
        m = escape_steps("strict", delta, eta, mu)
        f = value_at(se["strict_steps"].subs(eta_sym, eta), mu=mu, delta=delta)
        rows.append((delta, m, f))
    checks.append(
        Check(
            "strict saddle (E = −y²/2 along y, η = 0.1): GD's steps to escape from δ = "
            "1e-2, 1e-4, 1e-8",
            "$\\lceil \\ln(1/\\delta)/\\ln(1+\\eta\\mu) \\rceil$",
            ", ".join(str(m) for _, m, _ in rows),
            "exact",
            all(m == math.ceil(f) for _, m, f in rows),
            expected=", ".join(str(math.ceil(f)) for _, _, f in rows),
            method="physml's gd iterated until |y| ≥ 1",
            id="saddle_escape",
        )
    )
    deg = []
    for delta in (1e-1, 1e-2, 3e-3):
        m = escape_steps("degenerate", delta, eta)
        f = value_at(se["degenerate_steps"].subs(eta_sym, eta), delta=delta)
        # the discrete map's correction: 1/y^2 falls by 2 eta - 3 eta^2 y^2 per step, adding
        # (3/2) ln(1/delta) steps, and the last step rounds up
        tol = (1.5 * math.log(1 / delta) + 1) / f
        deg.append((delta, m, f, tol))
    checks.append(
        Check(
            "degenerate saddle (E = −y⁴/4): GD's steps against the gradient flow's "
            "(1/δ² − 1)/(2η), for δ = 0.1, 0.01, 0.003, within the derived correction",
            "$(1/\\delta^2-1)/(2\\eta)$, relative error $\\le (1.5\\ln(1/\\delta)+1)/N$",
            ", ".join(f"{m} ({fmt(m / f - 1, 2)})" for _, m, f, _ in deg),
            "asymptote",
            all(0 <= m / f - 1 <= tol for _, m, f, tol in deg),
            expected=", ".join(f"{fmt(f, 7)} (≤ {fmt(tol, 2)})" for _, _, f, tol in deg),
            conditions="limit δ → 0: the steps grow like 1/(2ηδ²), not ln(1/δ)",
            method="physml's gd iterated until |y| ≥ 1",
        )
    )
    pg = perturbed_escape(eta, mu, radius=1e-6, steps=2000)
    kick = abs(pg["kick_y"])
    pred = math.ceil(value_at(se["strict_steps"].subs(eta_sym, eta), mu=mu, delta=kick))
    checks.append(
        Check(
            "started exactly at the saddle GD never moves (2,000 steps); one random kick of "
            f"size 10⁻⁶ (perturbed GD) escapes in {pg['pgd_steps']} steps",
            "0, then the strict-saddle count at the kick's y",
            f"{fmt(pg['gd_final'])}, {pg['pgd_steps']}",
            "exact",
            pg["gd_final"] == 0 and pg["pgd_steps"] == pred,
            expected=f"0, {pred}",
            method="physml's gd from the saddle, then from a seeded kick",
        )
    )
    # a chain of saddles (Du et al.): escape times multiply by r per saddle
    ch = ctx.derivation("saddle_chain").results
    eta_c, mu_c, lam_c, d0 = 1.0, 0.1, 0.1, 0.1
    r_c = math.log(1 / (1 - eta_c * lam_c)) / math.log(1 + eta_c * mu_c)
    n_saddles = 40
    chain = chain_escape_steps(n_saddles, d0, eta_c, mu_c, lam_c)
    tot = ch["total_steps"]
    derived_total = value_at(tot, r=r_c, delta_0=d0, eta=eta_c, mu=mu_c, d=n_saddles)
    growth = chain[-1] / chain[-2]
    checks.append(
        Check(
            f"a chain of {n_saddles} saddles (ημ = ηλ = 0.1, δ₀ = 0.1): GD's total steps, at "
            "least the derived sum (each escape rounded up only adds), and the per-saddle time "
            f"growing by r = {fmt(r_c, 5)} per saddle (last ratio {fmt(growth, 5)})",
            "$T_d = \\frac{r^d-1}{r-1}\\frac{\\ln(1/\\delta_0)}{\\ln(1+\\eta\\mu)}$, "
            "exponential in d",
            sum(chain),
            "lower bound",
            sum(chain) >= derived_total and abs(growth / r_c - 1) <= 1 / chain[-2],
            expected=f"≥ {fmt(derived_total, 6)}; growth {fmt(r_c, 5)} ± {fmt(1 / chain[-2], 2)}",
            conditions="the growth ratio is an asymptote (k → ∞), within one step's rounding",
            method="physml's gd through each saddle of the chain in turn",
        )
    )
    # Newton is attracted to a saddle: E = x^2/2 + y^4/4 - y^2/2 (minima y = +-1, saddle y = 0)

    def grad(th: np.ndarray) -> np.ndarray:
        return np.array([th[0], th[1] ** 3 - th[1]])

    def hess(th: np.ndarray) -> np.ndarray:
        return np.diag([1.0, 3 * th[1] ** 2 - 1])

    start = np.array([1.0, 0.3])
    nt = run(newton(hess), grad, start, 30).trajectory[-1]
    gt = run(gd(eta=0.1), grad, start, 500).trajectory[-1]
    quad = se["newton_point"]
    checks.append(
        Check(
            "Newton's method is attracted to the saddle: from (1, 0.3) on E = x²/2 + y⁴/4 − y²/2 "
            f"it converges to ({fmt(nt[0], 3)}, {fmt(nt[1], 3)}), the saddle, where GD reaches "
            f"the minimum ({fmt(gt[0], 3)}, {fmt(gt[1], 3)}); on an indefinite quadratic one "
            "Newton step lands on the saddle from anywhere (derived)",
            f"the saddle (0, 0); derived step: {sympy.sstr(list(quad))}",
            f"|Newton − saddle| = {fmt(float(np.linalg.norm(nt)), 3)}, |GD − (0, 1)| = "
            f"{fmt(float(np.linalg.norm(gt - [0, 1])), 3)}",
            "exact",
            float(np.linalg.norm(nt)) < 1e-12 and float(np.linalg.norm(gt - [0, 1])) < 1e-6,
            expected="0 and 0",
            method="physml's newton and gd runs",
            id="newton_saddle",
        )
    )
    data = np.random.default_rng(ctx.seed % 2**31).normal(size=50)
    steps = 20_000 if ctx.quick else 100_000
    floors = []
    for e, B in ((0.1, 1), (0.1, 5), (0.05, 1), (0.05, 5)):
        s_var = float(data.var()) * (50 - B) / (B * 49)
        floor_pred = value_at(nf["floor"].subs(eta_sym, e), s=s_var)
        rho = 1 - e  # the iterate's autocorrelation per step: sampling error of a variance
        n_eff = steps * (1 - rho**2) / (1 + rho**2)
        floors.append(
            (e, B, noise_floor(data, e, B, steps, seed=1), floor_pred, 3 * math.sqrt(2 / n_eff))
        )
    checks.append(
        Check(
            "constant-step SGD's noise floor on a quadratic (η = 0.1, 0.05; B = 1, 5): the "
            "stationary variance of θ, measured on a long run",
            "$\\eta s/(2-\\eta)$, $s = \\frac{n-B}{B(n-1)}\\sigma^2$ (∝ η/B)",
            ", ".join(fmt(v, 3) for _, _, v, _, _ in floors),
            "empirical",
            all(abs(v / p - 1) <= tol for _, _, v, p, tol in floors),
            expected=", ".join(
                f"{fmt(p, 3)} (±{fmt(100 * tol, 2)} %)" for _, _, _, p, tol in floors
            ),
            conditions="the tolerance is 3 standard errors of a variance from the run's "
            "effective sample size",
            method=f"physml's sgd, {steps:,} steps after 2,000 of burn-in",
        )
    )
    # temperature: Langevin escape over the double-well barrier
    temps = (0.0625, 0.0833, 0.125) if ctx.quick else (0.05, 0.0625, 0.0833, 0.125)
    mfpt = [float(langevin_escape_times(T, walkers=300, seed=2).mean()) for T in temps]
    slope = float(np.polyfit([1 / T for T in temps], np.log(mfpt), 1)[0])
    barrier = float(kr["barrier"])
    checks.append(
        Check(
            "SGD's 'temperature' is thermal activation: the mean time to cross the double-well "
            f"barrier at T = {', '.join(fmt(T, 3) for T in temps)} follows Arrhenius' law "
            "(the slope of ln τ against 1/T is the barrier)",
            "$\\Delta V = 1/4$",
            fmt(slope, 3),
            "asymptote",
            abs(slope / barrier - 1) <= 0.1,
            expected=f"{fmt(barrier, 3)} ± 10 %",
            conditions="limit T/ΔV → 0 (here 0.2–0.5); 300 walkers per temperature",
            method="Euler–Maruyama Langevin walkers (dt = 0.01), first passage to the other well",
            id="temperature_escape",
        )
    )
    ratios = [m * value_at(kr["rate"], T=T) for m, T in zip(mfpt, temps, strict=True)]
    checks.append(
        Check(
            "Kramers' prefactor: mean crossing time × Kramers' rate, near 1 with a correction "
            "that shrinks with T/ΔV",
            "$\\tau k \\to 1$ as $T/\\Delta V \\to 0$",
            ", ".join(fmt(r, 3) for r in ratios),
            "empirical",
            all(abs(r - 1) <= 1.5 * T / barrier for r, T in zip(ratios, temps, strict=True)),
            expected=", ".join(f"1 ± {fmt(1.5 * T / barrier, 2)}" for T in temps),
            conditions="a tolerance of 1.5 T/ΔV, the measured size of the first finite-T "
            "correction (not derived)",
            method="the same walkers",
        )
    )
    fig, axes = new_figure(ncols=2, width=5.0)
    ds = np.array([d for d, _, _ in rows])
    axes[0].loglog(1 / ds, [m for _, m, _ in rows], "o", label="strict, measured")
    axes[0].loglog(1 / ds, np.log(1 / ds) / np.log(1 + eta), "-", label="ln(1/δ)/ln(1+ημ)")
    dd = np.array([d for d, _, _, _ in deg])
    axes[0].loglog(1 / dd, [m for _, m, _, _ in deg], "s", label="degenerate, measured")
    axes[0].loglog(1 / dd, 1 / (2 * eta * dd**2), "--", label="1/(2ηδ²)")
    axes[0].set(xlabel="1/δ", ylabel="steps to escape", title="escaping a saddle (η = 0.1)")
    axes[0].legend(fontsize=8)
    axes[1].semilogy([1 / T for T in temps], mfpt, "o", label="Langevin, measured")
    axes[1].semilogy(
        [1 / T for T in temps],
        [1 / value_at(kr["rate"], T=T) for T in temps],
        "-",
        label="1/k (Kramers)",
    )
    axes[1].set(xlabel="1/T", ylabel="mean crossing time", title="thermal escape over ΔV = 1/4")
    axes[1].legend(fontsize=8)
    md = (
        "The lecture: GD can take a long time to escape a saddle, Newton's method is drawn to "
        "saddles, and SGD needs a 'temperature' to get over barriers. Near a strict saddle GD "
        "escapes in ln(1/δ)/ln(1 + ημ) steps -- only logarithmic in the distance δ -- but at a "
        "degenerate saddle (zero curvature) it needs about 1/(2ηδ²), and started exactly at a "
        "saddle it never moves; one small random kick (perturbed GD) fixes that. A chain of "
        "saddles, each entered closer than the last, makes the total time exponential in the "
        "number of saddles (Du et al. 2017; run here on its simplest form). "
        "Newton's step, which divides by the curvature, moves *towards* a stationary point of "
        "any kind. SGD's noise floor (∝ η/B, from the SGD section's mini-batch variance) is "
        "derived and measured, and the temperature picture is thermal activation: Langevin "
        "walkers cross a barrier at the Arrhenius–Kramers rate (not tunnelling).\n\n"
        + derivations_markdown(
            ctx, ["saddle_escape", "saddle_chain", "sgd_noise_floor", "kramers_escape"]
        )
    )
    return SectionResult(
        md,
        checks,
        [
            FigureOut(
                "saddles", fig, "Escape times from saddles, and thermal escape over a barrier."
            )
        ],
    )
