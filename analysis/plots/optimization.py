"""Figures of the optimization lecture (figures 1-6 of the report).

Each function draws on an optional matplotlib ``ax`` (a new figure when ``None``) and returns
the ax, so the figures can be reused in a script or a notebook. Functions that need a computation
take its results as arrays (the report computes them with :mod:`analysis.optimizers` and
:mod:`analysis.quadratics`); :func:`plot_lr_regimes` runs gradient descent itself.

>>> import numpy as np
>>> ax = plot_thresholds([1.0, 2.0, 4.0], [2.0, 1.0, 0.5])
>>> ax.get_title()
'GD divergence threshold on random Hessians'
>>> plt.close(ax.figure)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt  # noqa: F401 (the examples close their figures with it)
import numpy as np
from numpy.typing import ArrayLike

from analysis.optimizers import gd, run
from analysis.plots.axes import axes_or_new

__all__ = [
    "plot_lr_regimes",
    "plot_thresholds",
    "plot_iterations",
    "plot_particle",
    "plot_momentum_map",
    "plot_paths",
    "plot_sgd_losses",
]


def _regime(ratio: float) -> str:
    if ratio < 1:
        return "monotone"
    if ratio == 1:
        return "one step"
    if ratio < 2:
        return "oscillating, convergent"
    if ratio == 2:
        return "marginal"
    return "divergent"


def plot_lr_regimes(
    lam: float = 1.0,
    theta0: float = 1.0,
    n_steps: int = 10,
    ratios: Sequence[float] = (0.5, 1.0, 1.5, 2.2),
    ax: Any = None,
) -> Any:
    r"""The learning-rate regimes of gradient descent on ``E(θ) = λθ²/2``.

    Runs :func:`analysis.optimizers.gd` at ``η = r·η_opt`` (``η_opt = 1/λ``) for each ratio r and
    draws the iterates θ_t against t.

    Parameters
    ----------
    lam : float
        The curvature λ = E''.
    theta0 : float
        Starting point.
    n_steps : int
        Number of GD steps.
    ratios : sequence of float
        η/η_opt for each curve.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_lr_regimes(n_steps=3, ratios=(0.5, 2.5))
    >>> [float(line.get_ydata()[1]) for line in ax.get_lines()[:2]]  # θ_1 = (1 - r) θ_0
    [0.5, -1.5]
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    for r in ratios:
        eta = r / lam
        res = run(gd(eta=eta), lambda th: lam * th, np.array([theta0]), n_steps)
        traj = np.asarray(res.trajectory, dtype=float)[:, 0]
        ax.plot(
            np.arange(len(traj)),
            traj,
            "o-",
            ms=3.5,
            label=rf"$\eta = {r:g}\,\eta_{{opt}}$ ({_regime(r)})",
        )
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel("iteration $t$")
    ax.set_ylabel(r"parameter $\theta_t$")
    ax.set_title(rf"GD on $E(\theta) = \lambda\theta^2/2$, $\lambda = {lam:g}$")
    ax.legend(fontsize="small")
    return ax


def plot_thresholds(lambda_max: ArrayLike, measured: ArrayLike, ax: Any = None) -> Any:
    r"""Measured divergence thresholds of GD against the theory line ``2/λ_max``.

    Parameters
    ----------
    lambda_max : sequence of float
        λ_max of each random Hessian.
    measured : sequence of float
        The largest stable η found by bisection for each.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_thresholds([1.0, 4.0], [2.0, 0.5])
    >>> ax.get_lines()[1].get_ydata().tolist()
    [2.0, 0.5]
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    lm = np.asarray(lambda_max, dtype=float)
    grid = np.geomspace(lm.min() / 1.5, lm.max() * 1.5, 100)
    ax.loglog(grid, 2.0 / grid, "-", color="0.3", label=r"theory $2/\lambda_{\max}$")
    ax.loglog(lm, measured, "o", color="C3", label="measured by bisection")
    ax.set_xlabel(r"largest eigenvalue $\lambda_{\max}$")
    ax.set_ylabel(r"largest stable learning rate $\eta_c$")
    ax.set_title("GD divergence threshold on random Hessians")
    ax.legend()
    return ax


def plot_iterations(
    kappas: ArrayLike,
    measured: Mapping[str, ArrayLike],
    theory: Mapping[str, ArrayLike],
    ax: Any = None,
    theory_kappas: ArrayLike | None = None,
) -> Any:
    r"""Iterations to tolerance against the condition number κ, measured and theory.

    Parameters
    ----------
    kappas : sequence of float
        The condition numbers.
    measured, theory : mapping of str to sequence of float
        Per method (same keys), the measured iteration counts and the theory's N(κ, ε).
    ax : matplotlib Axes, optional
    theory_kappas : sequence of float, optional
        The κ at which ``theory`` is given, when it is a finer grid than ``kappas``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_iterations([10, 100], {"GD": [60, 600]}, {"GD": [69, 691]})
    >>> len(ax.get_lines())
    2
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    k = np.asarray(kappas, dtype=float)
    kt = k if theory_kappas is None else np.asarray(theory_kappas, dtype=float)
    for i, name in enumerate(measured):
        ax.loglog(k, measured[name], "o", color=f"C{i}", label=f"{name}: measured")
        if name in theory:
            ax.loglog(kt, theory[name], "-", color=f"C{i}", alpha=0.7, label=f"{name}: theory")
    ax.set_xlabel(r"condition number $\kappa = \lambda_{\max}/\lambda_{\min}$")
    ax.set_ylabel(r"iterations to reach tolerance $\varepsilon$")
    ax.set_title("Iterations against condition number")
    ax.legend(fontsize="small")
    return ax


def plot_particle(
    t_ode: ArrayLike,
    w_ode: ArrayLike,
    t_gdm: ArrayLike,
    w_gdm: ArrayLike,
    ax: Any = None,
) -> Any:
    r"""A damped particle ``m ẅ + μ ẇ = −∇E`` and the momentum iterates overlaid.

    Parameters
    ----------
    t_ode, w_ode : sequence of float
        The finely integrated trajectory w(t).
    t_gdm, w_gdm : sequence of float
        The GD-with-momentum iterates, iterate k drawn at time k·Δt.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_particle([0, 1, 2], [1, 0, -1], [0, 2], [1, -1])
    >>> ax.get_xlabel()
    'time $t$'
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    ax.plot(t_ode, w_ode, "-", color="0.2", label=r"particle: $m\ddot w + \mu \dot w = -E'(w)$")
    ax.plot(t_gdm, w_gdm, "o", ms=3.5, color="C1", label=r"GDM iterates at $t = k\,\Delta t$")
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xlabel("time $t$")
    ax.set_ylabel("position $w$")
    ax.set_title("Momentum as a damped massive particle")
    ax.legend(fontsize="small")
    return ax


def plot_momentum_map(
    masses: ArrayLike,
    gamma: ArrayLike,
    eta: ArrayLike,
    mu: float | None = None,
    dt: float | None = None,
    ax: Any = None,
) -> Any:
    r"""The map (m, μ, Δt) → (γ, η) as a function of the mass m.

    Parameters
    ----------
    masses : sequence of float
        Masses m.
    gamma, eta : sequence of float
        γ(m) and η(m) from the derived map.
    mu, dt : float, optional
        The fixed damping and time step (for the title).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_momentum_map([0.1, 1.0], [0.67, 0.95], [0.07, 0.01], mu=0.5, dt=0.1)
    >>> ax.get_xlabel()
    'mass $m$'
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    ax.semilogx(masses, gamma, "-", color="C0", label=r"$\gamma = m/(m + \mu\Delta t)$")
    ax.set_xlabel("mass $m$")
    ax.set_ylabel(r"momentum parameter $\gamma$", color="C0")
    ax.set_ylim(0, 1.05)
    ax2 = ax.twinx()
    ax2.semilogx(masses, eta, "--", color="C3", label=r"$\eta = \Delta t^2/(m + \mu\Delta t)$")
    ax2.set_yscale("log")
    ax2.set_ylabel(r"learning rate $\eta$", color="C3")
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize="small", loc="center left")
    if mu is not None and dt is not None:
        ax.set_title(
            rf"$(m, \mu, \Delta t) \to (\gamma, \eta)$ at $\mu = {mu:g}$, "
            rf"$\Delta t = {dt:g}$"
        )
    return ax


def plot_paths(
    loss_fn: Callable[[np.ndarray], Any],
    paths: Mapping[str, np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    minimum: Sequence[float] | np.ndarray | None = None,
    log_levels: bool = True,
    title: str = "",
    ax: Any = None,
) -> Any:
    r"""Optimizer paths over the contour lines of a 2-D loss.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(theta)`` for one point ``theta`` of shape (2,); when it also accepts a stacked
        grid of shape (2, ny, nx) and returns (ny, nx), the contours are computed at once.
    paths : mapping of str to array of shape (T, 2)
        The iterates of each optimizer, θ_0 first.
    xlim, ylim : (float, float)
        The window.
    minimum : (float, float), optional
        The minimum, marked with a star.
    log_levels : bool
        Contour levels spaced logarithmically (for losses spanning decades).
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> f = lambda th: th[0] ** 2 + 4 * th[1] ** 2
    >>> ax = plot_paths(f, {"GD": np.array([[1.0, 1.0], [0.5, 0.2]])}, (-1, 1), (-1, 1))
    >>> ax.get_lines()[0].get_label()
    'GD'
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    xs = np.linspace(*xlim, 241)
    ys = np.linspace(*ylim, 241)
    X, Y = np.meshgrid(xs, ys)
    try:  # a vectorised loss takes the stacked grid at once
        Z = np.asarray(loss_fn(np.stack([X, Y])), dtype=float)
    except Exception:
        Z = np.empty(0)
    if Z.shape != X.shape:
        Z = np.array([[loss_fn(np.array([x, y])) for x in xs] for y in ys], dtype=float)
    if log_levels:
        zpos = Z - Z.min() + 1e-3
        levels = np.geomspace(zpos.min() * 1.01, zpos.max(), 25)
        ax.contour(X, Y, zpos, levels=levels, colors="0.75", linewidths=0.6)
    else:
        ax.contour(X, Y, Z, levels=25, colors="0.75", linewidths=0.6)
    for i, (name, path) in enumerate(paths.items()):
        p = np.asarray(path, dtype=float)
        ax.plot(p[:, 0], p[:, 1], "-", color=f"C{i}", lw=1.3, label=name)
        ax.plot(p[0, 0], p[0, 1], "o", color=f"C{i}", ms=4)
    if minimum is not None:
        ax.plot([minimum[0]], [minimum[1]], "*", color="k", ms=12, label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="x-small", loc="best")
    return ax


def plot_sgd_losses(losses: Mapping[str, ArrayLike], ax: Any = None, title: str = "") -> Any:
    r"""Training loss against epochs, one curve per mini-batch size.

    Parameters
    ----------
    losses : mapping of str to sequence of float
        Per label (e.g. "B = 8"), the full-data loss after each epoch, epoch 0 first.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_sgd_losses({"B = 8": [1.0, 0.3, 0.1]})
    >>> ax.get_xlabel()
    'epoch'
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax)
    for i, (name, ls) in enumerate(losses.items()):
        arr = np.asarray(ls, dtype=float)
        ax.semilogy(np.arange(len(arr)), arr, "-", color=f"C{i}", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"loss $E(\theta)$ on the full data")
    ax.set_title(title or "SGD with mini-batches")
    ax.legend(fontsize="small")
    return ax
