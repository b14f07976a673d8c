"""The report's "Fine print": where the lecture is loose, with the evidence physml computed.

Each section builder takes the report's :class:`~analysis.report.core.ReportContext` and returns a
:class:`~analysis.report.core.SectionResult`; :func:`analysis.report.default_sections` lists
them in order and ``tests/test_report.py`` builds every one in quick mode.
"""

from __future__ import annotations

import numpy as np

from analysis.report.common import fmt
from analysis.report.core import Check, ReportContext, SectionResult

__all__ = ["fp_width_three", "fp_svd_hessian", "fp_adam_beta2", "fp_rmsprop_eps"]


def _random_int_net(rng: np.random.Generator, widths: tuple[int, ...], lim: int = 4):  # noqa: ANN202
    from analysis.networks import ReLUNetwork

    sizes = (1, *widths, 1)
    ws = [rng.integers(-lim, lim + 1, size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.integers(-lim, lim + 1, size=b) for b in sizes[1:]]
    return ReLUNetwork(ws, bs)


def fp_width_three(ctx: ReportContext) -> SectionResult:
    """(D+1)^K is reached by 1-input networks only when every width is at least 3."""
    from analysis.constructions import max_regions_network
    from analysis.regions import count_regions
    from theory.networks import max_regions_1d

    checks = []
    rows = [
        "| widths | $\\prod(n_l+1)$ | exact count | how the network was made |",
        "|---|---|---|---|",
    ]
    for widths in [(3, 3), (4, 3)] + ([] if ctx.quick else [(3, 3, 3), (5, 4)]):
        bound = int(max_regions_1d(list(widths)))
        n = count_regions(max_regions_network(list(widths)))
        rows.append(f"| {widths} | {bound} | {n} | `max_regions_network` |")
        checks.append(
            Check(
                f"widths {widths} (all ≥ 3): the construction reaches the product",
                r"$\prod_l (n_l+1)$",
                n,
                "exact",
                n == bound,
                expected=bound,
            )
        )
    rng = ctx.rng("fine-print-width")
    n_tries = 60 if ctx.quick else 400
    most_crossings = 0
    for widths in [(1, 1), (1, 1, 1), (2, 2)]:
        bound = int(max_regions_1d(list(widths)))
        nets = [_random_int_net(rng, widths) for _ in range(n_tries)]
        best = max(count_regions(net) for net in nets)
        if widths == (2, 2):
            most_crossings = max(_second_layer_crossings(net) for net in nets)
        k = len(widths)
        rows.append(
            f"| {widths} | {bound} | {best} (largest of {n_tries} random integer networks) | "
            "random search |"
        )
        if set(widths) == {1}:
            checks.append(
                Check(
                    f"widths {widths}: at most K + 1 = {k + 1} regions, not 2^K = {bound}",
                    "$K+1$ (width-1 layers)",
                    best,
                    "upper bound",
                    best <= k + 1,
                    expected=k + 1,
                )
            )
        else:
            checks.append(
                Check(
                    f"widths {widths}: a second-layer unit's pre-activation crosses zero at most "
                    f"twice (exact sign changes, all {n_tries} networks)",
                    "slopes of $w_1 a[h_1] + w_2 a[h_2]$ change sign at most once",
                    most_crossings,
                    "upper bound",
                    most_crossings <= 2,
                    expected=2,
                )
            )
            checks.append(
                Check(
                    f"widths {widths}: hence at most 3 + 2·2 = 7 regions, below the product "
                    f"{bound} (largest of the {n_tries} networks)",
                    r"$3 + 2\cdot 2 = 7 < \prod_l (n_l+1) = 9$",
                    best,
                    "upper bound",
                    best <= 7 < bound,
                    expected=7,
                )
            )
    md = (
        "The lecture says a deep network with K layers of width D > 2 and one input can create "
        "up to $(D+1)^K$ regions. The product $\\prod_l(n_l+1)$ is *reached* (Serra, "
        "Tjandraatmadja & Ramalingam 2018) when every width is at least 3; below that it is not. "
        "A width-1 layer passes on a single piecewise-linear function, and each later width-1 "
        "unit adds at most one joint, so K width-1 layers give at most K + 1 regions, not 2^K. "
        "With width 2, a second-layer pre-activation built from two ReLUs cannot change the sign "
        "of its slope twice, so it crosses zero at most twice; the first layer's 2 joints and "
        "the second layer's at most 2 · 2 zero crossings cut the line into at most 7 pieces, so "
        "(2, 2) stays below 9. The table lists exact counts; a random search only shows what "
        "it found, while the bounds in the check table hold for every network:\n\n"
        + "\n".join(rows)
    )
    return SectionResult(md, checks)


def _second_layer_crossings(net) -> int:  # noqa: ANN001
    """The most sign changes on ℝ of a second-layer pre-activation of a 1-input net (exact)."""
    from fractions import Fraction

    W0, b0 = net.exact_weights[0], net.exact_biases[0]
    W1, b1 = net.exact_weights[1], net.exact_biases[1]
    joints = sorted({-b0[i] / W0[i][0] for i in range(len(b0)) if W0[i][0] != 0})
    if not joints:
        return 0

    def z(j: int, x: Fraction) -> Fraction:
        h = [max(W0[i][0] * x + b0[i], Fraction(0)) for i in range(len(b0))]
        return sum((W1[j][i] * h[i] for i in range(len(h))), b1[j])

    most = 0
    for j in range(len(b1)):
        vals = [z(j, x) for x in joints]
        # beyond the outer joints z is affine: its sign at -inf / +inf follows its slope there
        left = vals[0] - z(j, joints[0] - 1)
        right = z(j, joints[-1] + 1) - vals[-1]
        ends = [-left if left != 0 else vals[0], *vals, right if right != 0 else vals[-1]]
        signs = [v > 0 for v in ends if v != 0]
        most = max(most, sum(a != b for a, b in zip(signs, signs[1:])))
    return most


def fp_svd_hessian(ctx: ReportContext) -> SectionResult:
    """The "SVD of the Hessian" loses the sign of negative curvature.

    >>> res = fp_svd_hessian(ReportContext(quick=True))
    >>> [c.ok for c in res.checks]
    [True, True]
    """
    rng = ctx.rng("fine-print-svd")
    q, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    lam = np.array([3.0, -1.0])
    H = q @ np.diag(lam) @ q.T
    H = (H + H.T) / 2
    sv = np.linalg.svd(H, compute_uv=False)
    ev = np.linalg.eigvalsh(H)
    eta = 0.5  # below 2/sigma_max = 2/3
    theta = q[:, 1] * 1e-3 + q[:, 0] * 1e-3  # near the saddle, off both eigen-directions
    traj = [theta]
    for _ in range(30):
        theta = theta - eta * (H @ theta)
        traj.append(theta)
    comp = np.array([p @ q[:, 1] for p in traj])  # component along the negative-curvature vector
    growth = comp[-1] / comp[-2]
    escape = int(np.argmax(np.abs(comp) >= 1.0))  # first step with offset >= 1 (simulated)
    checks = [
        Check(
            "singular values of a symmetric H are the |eigenvalues|",
            r"$\sigma_i = |\lambda_i|$",
            fmt(float(np.sort(sv)[0])) + ", " + fmt(float(np.sort(sv)[1])),
            "exact",
            np.allclose(np.sort(sv), np.sort(np.abs(ev)), rtol=1e-12, atol=1e-12),
            expected="1, 3",
        ),
        Check(
            f"GD at η = {eta} < 2/σ_max = {fmt(2 / sv.max())} on the indefinite H: "
            "growth factor along the negative-curvature eigenvector",
            r"$1 - \eta\lambda_{\min} = 1.5$ (diverges)",
            fmt(float(growth), 12),
            "exact",
            abs(growth - (1 - eta * lam[1])) < 1e-9,
            expected=1 - eta * lam[1],
        ),
    ]
    md = (
        "The lecture performs a *singular value decomposition* of the Hessian, $H = UDV^T$, and "
        "calls the entries of $D$ eigenvalues. For a symmetric Hessian the right tool is the "
        "eigen-decomposition $H = Q\\Lambda Q^T$: the two agree when $H$ is positive "
        "semi-definite, but singular values are $|\\lambda_i|$ and lose the sign of negative "
        f"curvature. On a random rotation of diag(3, −1), numpy's SVD gives σ = "
        f"{fmt(float(sv[0]))}, {fmt(float(sv[1]))} while the eigenvalues are "
        f"{fmt(float(ev[1]))}, {fmt(float(ev[0]))}. The rule η < 2/σ_max would call η = {eta} "
        "safe, yet GD leaves the saddle along the negative-curvature direction by a factor "
        f"{fmt(float(growth), 6)} per step (after 30 steps the component has grown from 1e-3 to "
        f'{fmt(float(abs(comp[-1])))}). The lecture also says GD "takes exponential amount '
        'of time to escape a saddle point": at this strict saddle the offset grows '
        f"geometrically, so it reaches 1 from 1e-3 after {escape} steps, "
        "$\\lceil\\ln(10^3)/\\ln(1.5)\\rceil$ = "
        f"{int(np.ceil(np.log(1e3) / np.log(1.5)))}: logarithmic in the starting offset. The "
        "exponential time (Du et al. 2017, *Gradient descent can take exponential time to "
        "escape saddle points*) needs a chain of saddles in many dimensions."
    )
    return SectionResult(md, checks)


def fp_adam_beta2(ctx: ReportContext) -> SectionResult:
    """The lecture's beta_2 = 0.99 is not Adam's default 0.999."""
    from analysis.optimizers import adam

    def implied_beta_2(**kw: object) -> float:
        """beta_2 read off Adam's behaviour: one unit gradient, then a zero gradient.

        Step 2 is eta (beta_1/(1+beta_1)) / sqrt(beta_2/(1+beta_2)) (eps = 0), so
        r = step_2 (1+beta_1)/(eta beta_1) gives beta_2 = 1/(r^2 - 1).
        """
        opt = adam(eta=1.0, beta_1=0.5, eps=0.0, **kw)  # type: ignore[arg-type]
        th = np.zeros(1)
        st = opt.init(th)
        s1, st = opt.update(np.array([1.0]), st, th)
        s2, st = opt.update(np.array([0.0]), st, th + s1)
        r = abs(float(s2[0])) * 1.5 / 0.5
        return 1.0 / (r * r - 1.0)

    checks = []
    b_default = implied_beta_2()
    b_torch = implied_beta_2(convention="torch")
    physml_default = (
        f'{b_default:.6g} (lecture convention) and {b_torch:.6g} with `convention="torch"`'
    )
    checks.append(
        Check(
            'physml\'s `adam` follows the lecture by default and the paper with convention="torch" '
            "(β₂ read off two steps of the optimizer)",
            "0.99 and 0.999",
            f"{b_default:.10g}, {b_torch:.10g}",
            "exact",
            abs(b_default - 0.99) < 1e-9 and abs(b_torch - 0.999) < 1e-9,
            expected="0.99, 0.999",
        )
    )
    lines = []
    for b2 in (0.99, 0.999):
        s = 0.0
        for _ in range(100):  # the second-moment recursion with g_t^2 = 1
            s = b2 * s + (1 - b2) * 1.0
        predicted = 1 - b2**100
        lines.append(f"| {b2} | {fmt(1 / (1 - b2))} steps | {fmt(s)} | {fmt(predicted)} |")
        checks.append(
            Check(
                f"β₂ = {b2}: s_100 with a constant unit gradient (bias to correct)",
                r"$1-\beta_2^{\,t}$ at $t = 100$",
                fmt(s, 10),
                "exact",
                abs(s - predicted) < 1e-12,
                expected=fmt(predicted, 10),
            )
        )
    torch_line = "torch is not installed here, so its default was not read."
    try:
        import torch

        betas = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults["betas"]
        torch_line = f"torch.optim.Adam's default betas are {tuple(betas)}."
        checks.append(
            Check(
                "torch's Adam default β₂ (peer library) is the paper's 0.999, not 0.99",
                r"Kingma & Ba (2015): $\beta_2 = 0.999$",
                betas[1],
                "exact",
                betas[1] == 0.999,
                expected=0.999,
            )
        )
    except ImportError:
        pass
    md = (
        "The lecture gives β₁ = 0.9, β₂ = 0.99 as typical; Adam's paper (Kingma & Ba 2015) and "
        "the libraries default to β₂ = 0.999. The second moment's memory is 1/(1 − β₂): 100 "
        "steps against 1000, and early on the uncorrected $s_t$ is only a fraction "
        "$1-\\beta_2^t$ of its target, which bias correction divides out. "
        f"{torch_line} physml's `adam` uses β₂ = {physml_default}.\n\n"
        "| β₂ | memory 1/(1−β₂) | $s_{100}$ iterated | $1-\\beta_2^{100}$ |\n|---|---|---|---|\n"
        + "\n".join(lines)
    )
    return SectionResult(md, checks)


def fp_rmsprop_eps(ctx: ReportContext) -> SectionResult:
    """RMSProp's eps inside the square root (lecture) against outside (torch)."""
    from analysis.optimizers import rmsprop

    eta, beta, eps = 0.01, 0.9, 1e-8
    checks = []
    rows = []
    for g in (1.0, 1e-4):
        opt = rmsprop(eta=eta, beta=beta, eps=eps)
        theta = np.array([0.0])
        step, _ = opt.update(np.array([g]), opt.init(theta), theta)
        lecture = -eta * g / np.sqrt((1 - beta) * g * g + eps)
        outside = -eta * g / (np.sqrt((1 - beta) * g * g) + eps)
        torch_step = None
        try:
            import torch

            p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
            o = torch.optim.RMSprop([p], lr=eta, alpha=beta, eps=eps)
            p.grad = torch.tensor([g], dtype=torch.float64)
            o.step()
            torch_step = float(p.detach()[0])
        except ImportError:
            pass
        rows.append(
            f"| {g:g} | {fmt(float(step[0]), 6)} | {fmt(lecture, 6)} | {fmt(outside, 6)} | "
            f"{'—' if torch_step is None else fmt(torch_step, 6)} |"
        )
        checks.append(
            Check(
                f"physml's rmsprop, first step at g = {g:g}, is the lecture's (ε inside √)",
                r"$-\eta g/\sqrt{(1-\beta)g^2+\epsilon}$",
                fmt(float(step[0]), 10),
                "exact",
                abs(float(step[0]) - lecture) <= 1e-12 * abs(lecture),
                expected=fmt(lecture, 10),
            )
        )
        if torch_step is not None:
            checks.append(
                Check(
                    f"torch.optim.RMSprop's first step at g = {g:g} puts ε outside √",
                    r"$-\eta g/(\sqrt{(1-\beta)g^2}+\epsilon)$",
                    fmt(torch_step, 10),
                    "exact",
                    abs(torch_step - outside) <= 1e-12 * abs(outside),
                    expected=fmt(outside, 10),
                )
            )
    md = (
        "The lecture divides by $\\sqrt{s_t + \\epsilon}$; torch.optim.RMSprop divides by "
        '$\\sqrt{s_t} + \\epsilon$ (physml offers both: `rmsprop(..., convention="torch")`). '
        "With ε ≈ 1e-8 the two agree "
        "for gradients much larger than √ε = 1e-4 and differ strongly for small ones: "
        f"η = {eta}, β = {beta}, ε = {eps:g}, first step from $s_0 = 0$:\n\n"
        "| g | physml `rmsprop` | lecture formula | ε outside √ | torch.optim.RMSprop |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows)
    )
    return SectionResult(md, checks)
