"""Quadratic problems with a chosen spectrum, and measurements beside the theory's values.

:class:`QuadraticProblem` is :math:`E(\\theta) = \\tfrac12 (\\theta-\\theta^*)^T H
(\\theta-\\theta^*)` with :math:`H = Q\\,\\mathrm{diag}(\\lambda)\\,Q^T`, the spectrum running from
``lambda_min`` to ``lambda_max`` and :math:`Q` a seeded random rotation.
:func:`divergence_threshold` measures the largest stable learning rate by bisection and
returns it beside the closed form derived in :mod:`theory.optimization`;
:func:`iterations_to_tolerance` measures the iterations needed to shrink the error by
``eps`` and returns them beside the theory's :math:`N(\\kappa, \\epsilon)` (PEPit style: each
measurement carries its theory).

>>> p = QuadraticProblem(1.0, 10.0, dim=4, seed=0)
>>> r = divergence_threshold(p, "gd", rtol=1e-3)
>>> abs(r.measured - r.theory) <= 2e-3 * r.theory
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy

from analysis.optimizers import Optimizer, gd, momentum, nesterov, run
from analysis.optimizers.transforms import check_positive, check_probability
from theory import optimization as opt
from theory import symbols

__all__ = [
    "classify_trajectory",
    "QuadraticProblem",
    "ThresholdResult",
    "IterationsResult",
    "divergence_threshold",
    "iterations_to_tolerance",
    "theory_threshold",
    "tuned_hyperparameters",
]

_METHODS = ("gd", "momentum", "nesterov")


class QuadraticProblem:
    """A positive definite quadratic with a chosen spectrum and a seeded random rotation.

    Parameters
    ----------
    lambda_min, lambda_max : float
        Smallest and largest eigenvalue, 0 < lambda_min <= lambda_max.
    dim : int
        Dimension >= 1 (>= 2 unless lambda_min == lambda_max).
    seed : int
        Seed of the rotation, the inner eigenvalues and the minimiser.
    spacing : {"linear", "log"}
        How the dim - 2 inner eigenvalues are drawn (uniform in lambda or in log lambda).

    Attributes
    ----------
    eigenvalues : ndarray
        Sorted, the first lambda_min and the last lambda_max.
    rotation : ndarray
        Orthogonal Q whose columns are the eigenvectors.
    hessian_matrix : ndarray
        :math:`H = Q \\mathrm{diag}(\\lambda) Q^T` (symmetrised).
    theta_star : ndarray
        The minimiser.
    kappa : float
        lambda_max / lambda_min.

    Examples
    --------
    >>> import numpy as np
    >>> p = QuadraticProblem(0.5, 2.0, dim=3, seed=1)
    >>> bool(np.allclose(np.linalg.eigvalsh(p.hessian_matrix)[[0, -1]], [0.5, 2.0]))
    True
    >>> p.loss(p.theta_star)
    0.0
    """

    def __init__(
        self,
        lambda_min: float,
        lambda_max: float,
        dim: int = 10,
        *,
        seed: int = 0,
        spacing: str = "linear",
    ) -> None:
        lo = check_positive("lambda_min", lambda_min)
        hi = check_positive("lambda_max", lambda_max)
        if lo > hi:
            raise ValueError(f"need lambda_min <= lambda_max, got {lo} > {hi}")
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
            raise ValueError(f"dim must be an integer >= 1, got {dim!r}")
        if dim == 1 and lo != hi:
            raise ValueError("dim = 1 holds one eigenvalue: need lambda_min == lambda_max")
        if spacing not in ("linear", "log"):
            raise ValueError(f"spacing must be 'linear' or 'log', got {spacing!r}")
        rng = np.random.default_rng(seed)
        inner = rng.uniform(0.0, 1.0, size=max(dim - 2, 0))
        if spacing == "log":
            inner = lo * (hi / lo) ** inner
        else:
            inner = lo + (hi - lo) * inner
        eig = np.sort(np.concatenate([[lo], inner, [hi]] if dim > 1 else [[lo]]))
        q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)  # Haar-distributed rotation
        self.eigenvalues = eig
        self.rotation = q
        h = (q * eig) @ q.T
        self.hessian_matrix = 0.5 * (h + h.T)
        self.theta_star = rng.standard_normal(dim)
        self.lambda_min, self.lambda_max, self.dim = lo, hi, int(dim)
        self.kappa = hi / lo

    def loss(self, theta: np.ndarray) -> float:
        """:math:`\\tfrac12 (\\theta-\\theta^*)^T H (\\theta-\\theta^*)`."""
        e = np.asarray(theta, dtype=float) - self.theta_star
        return float(0.5 * e @ self.hessian_matrix @ e)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """:math:`H(\\theta - \\theta^*)`."""
        return self.hessian_matrix @ (np.asarray(theta, dtype=float) - self.theta_star)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """The constant Hessian :math:`H`."""
        return self.hessian_matrix

    def start(self, seed: int = 0, radius: float = 1.0) -> np.ndarray:
        """A seeded starting point at distance ``radius`` from the minimiser."""
        u = np.random.default_rng(seed).standard_normal(self.dim)
        return self.theta_star + radius * u / np.linalg.norm(u)


@cache
def _derivations() -> dict[str, object]:

    return {
        "gd_stability": opt.gd_stability(),
        "gd_convergence_rate": opt.gd_convergence_rate(),
        "heavy_ball": opt.heavy_ball(),
        "nesterov": opt.nesterov(),
    }


def theory_threshold(method: str, lambda_max: float, gamma: float = 0.0) -> float:
    """The derived largest stable learning rate on a quadratic with top eigenvalue lambda_max.

    gd: ``gd_stability().results["eta_max"]`` = 2/lambda_max. momentum: the supremum of
    ``heavy_ball().results["stability"]`` (an interval for eta*lambda) = 2(1+gamma)/lambda_max.
    nesterov: the root in eta of ``nesterov().results["char_poly"]`` at z = -1, where a root
    leaves the unit disc: 2(1+gamma)/((1+2 gamma) lambda_max).

    >>> theory_threshold("momentum", 4.0, gamma=0.5)
    0.75
    """
    d = _derivations()
    lam_max, lam = symbols.lambda_max, symbols.lam
    eta, gam = symbols.eta, symbols.gamma
    if method == "gd":
        expr = d["gd_stability"].results["eta_max"]  # type: ignore[attr-defined]
    elif method == "momentum":
        expr = d["heavy_ball"].results["stability"].sup / lam_max  # type: ignore[attr-defined]
    elif method == "nesterov":
        poly = d["nesterov"].results["char_poly"].subs(sympy.Symbol("z"), -1)  # type: ignore[attr-defined]
        (root,) = sympy.solve(poly.subs(lam, lam_max), eta)
        expr = root
    else:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    return float(expr.subs({lam_max: lambda_max, gam: gamma}))


def _factory(method: str, gamma: float) -> Callable[[float], Optimizer]:
    if method == "gd":
        return gd
    if method == "momentum":
        return lambda eta: momentum(eta, gamma)
    if method == "nesterov":
        return lambda eta: nesterov(eta, gamma)
    raise ValueError(f"method must be one of {_METHODS}, got {method!r}")


@dataclass(frozen=True)
class ThresholdResult:
    """A measured stability threshold beside the theory's value.

    ``measured`` is the midpoint of the final bisection bracket ``[lo, hi]`` (``lo`` was
    observed stable, ``hi`` unstable); ``theory`` is None when no closed form applies.
    """

    measured: float
    theory: float | None
    lo: float
    hi: float
    n_steps: int


def _is_stable(
    problem: QuadraticProblem,
    make: Callable[[float], Optimizer],
    eta: float,
    theta0: np.ndarray,
    n_steps: int,
) -> bool:
    res = run(make(eta), problem.grad, theta0, n_steps, max_norm=1e50)
    if res.diverged:
        return False
    e0 = np.linalg.norm(theta0 - problem.theta_star)
    return bool(np.linalg.norm(res.theta - problem.theta_star) <= e0)


#: the smallest relative tolerance a float64 bisection can meet (a few ulps)
_RTOL_MIN = 8 * float(np.finfo(np.float64).eps)
#: bisection steps at most (the bracket halves each step)
_MAX_BISECTIONS = 64


def divergence_threshold(
    problem: QuadraticProblem,
    method: str | Callable[[float], Optimizer] = "gd",
    *,
    gamma: float = 0.0,
    rtol: float = 1e-3,
    n_steps: int = 2000,
    seed: int = 0,
) -> ThresholdResult:
    """Largest stable learning rate, by bisection on runs, beside the theory's value.

    A learning rate counts as stable when, after ``n_steps`` steps from a seeded start, the
    distance to the minimiser has not grown (and the run did not diverge). The bracket
    starts at ``[0, eta_hi]`` with ``eta_hi`` doubled until unstable, and is bisected until
    ``hi - lo <= rtol * hi``.

    Which claim: below the true threshold every mode contracts, so runs are stable and
    ``lo`` never exceeds it by more than the bracket; above it by a relative margin
    :math:`\\delta` the unstable mode grows like :math:`(1+c\\delta)^{n}`, so a finite horizon
    can call a barely unstable rate stable: the measurement may sit above the theory by
    :math:`O(\\log(1/|a|)/n)` relative, with :math:`a` the start's component on the top
    eigenvector. Tests allow ``rtol`` plus that horizon term.

    Parameters
    ----------
    problem : QuadraticProblem
    method : {"gd", "momentum", "nesterov"} or callable
        A name (then the theory's value is returned too) or ``eta -> Optimizer``.
    gamma : float
        Momentum parameter for "momentum" and "nesterov".
    rtol : float
        Relative width of the final bracket.
    n_steps : int
        Horizon of each run.
    seed : int
        Seed of the start (distance 1 from the minimiser).

    Returns
    -------
    ThresholdResult

    Examples
    --------
    >>> p = QuadraticProblem(1.0, 4.0, dim=3, seed=2)
    >>> r = divergence_threshold(p, "momentum", gamma=0.5, rtol=1e-3)
    >>> r.theory
    0.75
    >>> abs(r.measured / r.theory - 1) < 2e-3
    True
    """
    check_positive("rtol", rtol)
    if not rtol >= _RTOL_MIN:
        raise ValueError(
            f"rtol must be >= {_RTOL_MIN:g}: float64 cannot resolve a learning rate more "
            f"finely (got {rtol!r})"
        )
    if isinstance(method, str):
        gamma = check_probability("gamma", gamma)
        make = _factory(method, gamma)
        theory: float | None = theory_threshold(method, problem.lambda_max, gamma)
    elif callable(method):
        make, theory = method, None
    else:
        raise TypeError(
            "method must be 'gd', 'momentum', 'nesterov' or a callable eta -> Optimizer"
        )
    theta0 = problem.start(seed)
    lo, hi = 0.0, 1.0 / problem.lambda_max
    for _ in range(60):
        if not _is_stable(problem, make, hi, theta0, n_steps):
            break
        lo, hi = hi, 2.0 * hi
    else:
        raise ValueError("divergence_threshold: no unstable learning rate up to 2**60 / lambda_max")
    for _ in range(_MAX_BISECTIONS):  # bounded: 2^-60 of the bracket is below float resolution
        if not hi - lo > rtol * hi:
            break
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            break
        if _is_stable(problem, make, mid, theta0, n_steps):
            lo = mid
        else:
            hi = mid
    return ThresholdResult(0.5 * (lo + hi), theory, lo, hi, n_steps)


def tuned_hyperparameters(method: str, lambda_min: float, lambda_max: float) -> dict[str, float]:
    """The theory's tuning and rate: GD at eta_opt, heavy ball at its optimum, Nesterov standard.

    From ``gd_convergence_rate()`` (eta_opt = 2/(lambda_min+lambda_max), rate (kappa-1)/(kappa+1)),
    ``heavy_ball()`` (eta_opt, gamma_opt, rate (sqrt kappa - 1)/(sqrt kappa + 1)) and
    ``nesterov()`` (eta = 1/lambda_max, gamma_standard, rate 1 - 1/sqrt kappa).

    >>> tuned_hyperparameters("gd", 1.0, 3.0)
    {'eta': 0.5, 'gamma': 0.0, 'rate': 0.5}
    """
    d = _derivations()
    lmin, lmax, kap = symbols.lambda_min, symbols.lambda_max, symbols.kappa
    subs = {lmin: lambda_min, lmax: lambda_max, kap: lambda_max / lambda_min}
    if method == "gd":
        r = d["gd_convergence_rate"].results  # type: ignore[attr-defined]
        return {
            "eta": float(r["eta_opt"].subs(subs)),
            "gamma": 0.0,
            "rate": float(r["rate_opt"].subs(subs)),
        }
    if method == "momentum":
        r = d["heavy_ball"].results  # type: ignore[attr-defined]
        return {
            "eta": float(r["eta_opt"].subs(subs)),
            "gamma": float(r["gamma_opt"].subs(subs)),
            "rate": float(r["rate_opt"].subs(subs)),
        }
    if method == "nesterov":
        r = d["nesterov"].results  # type: ignore[attr-defined]
        return {
            "eta": 1.0 / lambda_max,
            "gamma": float(r["gamma_standard"].subs(subs)),
            "rate": float(r["rate"].subs(subs)),
        }
    raise ValueError(f"method must be one of {_METHODS}, got {method!r}")


@dataclass(frozen=True)
class IterationsResult:
    """Measured iterations to tolerance beside the theory's :math:`N = \\log\\epsilon/\\log\\rho`.

    ``measured`` is the first t with :math:`\\|\\theta_t-\\theta^*\\| \\le \\epsilon
    \\|\\theta_0-\\theta^*\\|` (None if not reached within ``max_steps``); ``theory`` is
    :math:`\\log\\epsilon / \\log\\rho` (real, not rounded) with the rate ``rate``.
    """

    measured: int | None
    theory: float
    rate: float
    eta: float
    gamma: float


def iterations_to_tolerance(
    problem: QuadraticProblem,
    method: str = "gd",
    eps: float = 1e-6,
    *,
    seed: int = 0,
    max_steps: int | None = None,
) -> IterationsResult:
    """Iterations to shrink the distance to the minimiser by ``eps``, beside N(kappa, eps).

    The method runs at the theory's tuning (:func:`tuned_hyperparameters`). Which claim: for
    GD at eta_opt, :math:`\\|e_t\\| \\le \\rho^t \\|e_0\\|` (H is normal), so ``measured <=
    ceil(theory)`` is a bound. For heavy ball and Nesterov :math:`\\rho` is the spectral radius
    of a non-normal iteration (with a Jordan block at the heavy ball's optimum), so
    ``theory`` is the asymptotic count; the measurement exceeds it by a transient of order
    :math:`\\log(t)/\\log(1/\\rho)`.

    >>> p = QuadraticProblem(1.0, 9.0, dim=5, seed=0)
    >>> r = iterations_to_tolerance(p, "gd", 1e-6)
    >>> r.measured <= math.ceil(r.theory)
    True
    """
    eps = check_positive("eps", eps)
    if not eps < 1:
        raise ValueError(f"eps must be < 1, got {eps}")
    tuned = tuned_hyperparameters(method, problem.lambda_min, problem.lambda_max)
    rate = tuned["rate"]
    theory = math.log(eps) / math.log(rate) if rate > 0 else 1.0
    if max_steps is None:
        max_steps = int(4 * theory + 200)
    make = _factory(method, tuned["gamma"])
    theta0 = problem.start(seed)
    res = run(make(tuned["eta"]), problem.grad, theta0, max_steps)
    err = np.linalg.norm(res.trajectory - problem.theta_star, axis=1)
    hit = np.nonzero(err <= eps * err[0])[0]
    measured = int(hit[0]) if hit.size else None
    return IterationsResult(measured, theory, rate, tuned["eta"], tuned["gamma"])


def classify_trajectory(traj: np.ndarray) -> str:
    """Classify a 1-D trajectory of errors (distance to the minimum at 0) by what it does.

    From the ratios of successive errors: ``"one step"`` (exactly 0 after one step, Newton's
    rate), ``"monotone convergent"`` (ratios in (0, 1)), ``"oscillating convergent"`` (in
    (-1, 0)), ``"marginal (oscillates forever)"`` (exactly -1), ``"divergent"`` (|ratio| > 1),
    else ``"unclassified"``. The lecture's regimes of eta/eta_opt are these four behaviours.

    >>> classify_trajectory(np.array([1.0, 0.5, 0.25]))
    'monotone convergent'
    >>> classify_trajectory(np.array([1.0, -2.0, 4.0]))
    'divergent'

    """
    e = traj[1:]
    e0 = traj[0]
    if np.all(e == 0):
        return "one step"
    r = e[1:] / e[:-1]
    if np.all(r > 0) and np.all(r < 1) and e[0] / e0 > 0:
        return "monotone convergent"
    if np.all(r < 0) and np.all(r > -1):
        return "oscillating convergent"
    if np.all(r == -1) and e[0] == -e0:
        return "marginal (oscillates forever)"
    if np.all(np.abs(r) > 1):
        return "divergent"
    return "unclassified"
