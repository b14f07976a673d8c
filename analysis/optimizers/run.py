"""Running an optimizer: one loop, one result type.

:func:`run` iterates full-batch gradients; :func:`run_minibatch` iterates epochs of shuffled
mini-batches with a seeded ``numpy.random.Generator``. Both stop cleanly when an iterate, a
gradient or a loss stops being finite or grows past ``max_norm``: floating-point warnings are
suppressed inside the loop (``numpy.errstate``) and the result says ``diverged=True``; a
diverged run is never reported as converged, and its trajectory holds only finite iterates.

>>> import numpy as np
>>> from analysis.optimizers.factories import gd
>>> res = run(gd(0.5), lambda th: th, [4.0], 3, loss_fn=lambda th: 0.5 * float(th @ th))
>>> res.trajectory.ravel()
array([4. , 2. , 1. , 0.5])
>>> res.diverged
False
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.optimizers.transforms import Optimizer

__all__ = ["OptimizeResult", "run", "run_minibatch"]


@dataclass
class OptimizeResult:
    """What a run produced.

    Attributes
    ----------
    trajectory : ndarray, shape (n_steps + 1, *theta0.shape)
        The iterates, :math:`\\theta_0` first; only finite iterates.
    losses : ndarray or None
        ``loss_fn`` at every iterate (None without ``loss_fn``).
    grad_norms : ndarray
        Euclidean norm of the gradient the optimizer received at each iterate (for
        :func:`run` also at the last iterate; for :func:`run_minibatch` the mini-batch
        gradients, one per step).
    diverged : bool
        True if the run stopped because something became non-finite or exceeded ``max_norm``.
    converged : bool
        True if ``gtol`` was given and the gradient norm fell to ``gtol`` or below (never true
        for a diverged run).
    n_steps : int
        Number of updates applied (``len(trajectory) - 1``).
    state : object
        The optimizer state after the last update.
    message : str
        Why the run stopped.
    """

    trajectory: np.ndarray
    losses: np.ndarray | None
    grad_norms: np.ndarray
    diverged: bool
    converged: bool
    n_steps: int
    state: Any
    message: str

    @property
    def theta(self) -> np.ndarray:
        """The last iterate."""
        return self.trajectory[-1]


def _check_common(optimizer: Any, theta0: Any, n_steps: Any, max_norm: float) -> np.ndarray:
    if not (isinstance(optimizer, tuple) and hasattr(optimizer, "init")):
        raise TypeError("optimizer must be an Optimizer(init, update) pair")
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be an integer >= 0, got {n_steps!r}")
    theta = np.array(theta0, dtype=float)
    if theta.size == 0:
        raise ValueError("theta0 is empty")
    if not np.all(np.isfinite(theta)):
        raise ValueError("theta0 has non-finite entries")
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
    return theta


def _norm(x: np.ndarray) -> float:
    """Euclidean norm; inf or nan only when an entry is (scaled, so 1e160 stays finite)."""
    flat = x.ravel()
    if not flat.size:
        return 0.0
    with np.errstate(all="ignore"):
        sq = float(flat @ flat)
        if math.isfinite(sq) and sq > 1e-290:
            return math.sqrt(sq)
        scale = float(np.max(np.abs(flat)))  # squares over- or underflow: scale first
        if not math.isfinite(scale) or scale == 0.0:
            return scale
        y = flat / scale
        return scale * math.sqrt(float(y @ y))


def _loop(
    optimizer: Optimizer,
    theta: np.ndarray,
    grad_at: Callable[[int, np.ndarray], Any],
    n_steps: int,
    loss_fn: Callable[[np.ndarray], Any] | None,
    gtol: float | None,
    max_norm: float,
    grad_at_end: bool,
) -> OptimizeResult:
    traj = [theta.copy()]
    losses: list[float] = []
    norms: list[float] = []
    diverged = converged = False
    message = f"completed {n_steps} steps"
    with np.errstate(all="ignore"):
        state = optimizer.init(theta)
        if loss_fn is not None:
            losses.append(float(loss_fn(theta)))
            if not np.isfinite(losses[-1]):
                return _result(traj, losses, norms, True, False, state, "loss is not finite")
        for k in range(n_steps + 1):
            if k == n_steps and not grad_at_end:
                break
            g = np.asarray(grad_at(k, theta), dtype=float)
            if g.shape != theta.shape:
                raise ValueError(f"gradient has shape {g.shape}, parameters have {theta.shape}")
            gn = _norm(g)
            norms.append(gn)
            if not np.isfinite(gn):
                diverged, message = True, f"gradient not finite at step {k}"
                break
            if gtol is not None and gn <= gtol:
                converged, message = True, f"gradient norm {gn:.3g} <= gtol at step {k}"
                break
            if k == n_steps:
                break
            step, state = optimizer.update(g, state, theta)
            new = theta + np.asarray(step, dtype=float)
            if not _norm(new) <= max_norm:  # also catches nan and inf
                diverged, message = True, f"iterate not finite or beyond max_norm at step {k + 1}"
                break
            if loss_fn is not None:
                lv = float(loss_fn(new))
                if not np.isfinite(lv):
                    diverged, message = True, f"loss not finite at step {k + 1}"
                    break
                losses.append(lv)
            theta = new
            traj.append(theta.copy())
    return _result(traj, losses if loss_fn else None, norms, diverged, converged, state, message)


def _result(traj, losses, norms, diverged, converged, state, message) -> OptimizeResult:
    trajectory = np.array(traj)
    return OptimizeResult(
        trajectory=trajectory,
        losses=None if losses is None else np.array(losses, dtype=float),
        grad_norms=np.array(norms, dtype=float),
        diverged=diverged,
        converged=converged and not diverged,
        n_steps=len(traj) - 1,
        state=state,
        message=message,
    )


def run(
    optimizer: Optimizer,
    grad_fn: Callable[[np.ndarray], Any],
    theta0: Any,
    n_steps: int,
    loss_fn: Callable[[np.ndarray], Any] | None = None,
    *,
    gtol: float | None = None,
    max_norm: float = 1e100,
) -> OptimizeResult:
    """Iterate ``theta <- theta + step`` with full gradients.

    Parameters
    ----------
    optimizer : Optimizer
        An ``(init, update)`` pair.
    grad_fn : callable
        ``grad_fn(theta)`` returns the gradient, same shape as theta.
    theta0 : array_like
        Starting point (finite).
    n_steps : int
        Maximum number of updates.
    loss_fn : callable, optional
        ``loss_fn(theta)`` recorded at every iterate.
    gtol : float, optional
        Stop (converged) once the gradient norm is <= gtol.
    max_norm : float
        An iterate with a larger Euclidean norm counts as diverged.

    Returns
    -------
    OptimizeResult

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.optimizers.factories import gd
    >>> res = run(gd(3.0), lambda th: th, [1.0], 10_000)  # |1 - eta| > 1: diverges
    >>> res.diverged, res.converged, bool(np.all(np.isfinite(res.trajectory)))
    (True, False, True)
    """
    theta = _check_common(optimizer, theta0, n_steps, max_norm)
    if not callable(grad_fn):
        raise TypeError("grad_fn must be callable, grad_fn(theta) -> gradient")
    return _loop(
        optimizer, theta, lambda k, th: grad_fn(th), n_steps, loss_fn, gtol, max_norm, True
    )


def run_minibatch(
    optimizer: Optimizer,
    grad_fn_batch: Callable[..., Any],
    theta0: Any,
    data: np.ndarray | Sequence[np.ndarray],
    batch_size: int,
    n_epochs: int,
    seed: int | np.random.Generator | None = 0,
    loss_fn: Callable[[np.ndarray], Any] | None = None,
    *,
    max_norm: float = 1e100,
) -> OptimizeResult:
    """Stochastic optimisation over epochs of shuffled mini-batches.

    Each epoch draws a permutation of the ``n`` samples from a
    ``numpy.random.default_rng(seed)`` generator and cuts it into consecutive batches of
    ``batch_size`` (the last one smaller if ``batch_size`` does not divide ``n``). Step ``k``
    calls ``grad_fn_batch(theta, *arrays_of_batch_k)``. The same seed gives the same run.

    Parameters
    ----------
    optimizer : Optimizer
        An ``(init, update)`` pair, e.g. ``sgd(eta)``.
    grad_fn_batch : callable
        ``grad_fn_batch(theta, X_batch, y_batch, ...)``, the mini-batch gradient.
    theta0 : array_like
        Starting point.
    data : ndarray or sequence of ndarray
        One array or a tuple of arrays with the same first dimension ``n``.
    batch_size : int
        1 <= batch_size <= n.
    n_epochs : int
        Number of passes over the data, >= 0.
    seed : int or Generator or None
        Seed of the shuffling.
    loss_fn : callable, optional
        ``loss_fn(theta)`` (e.g. the full-data loss), recorded at every iterate.
    max_norm : float
        An iterate with a larger norm counts as diverged.

    Returns
    -------
    OptimizeResult

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.optimizers.factories import sgd
    >>> x = np.arange(6.0)
    >>> g = lambda th, xb: th - xb.mean(keepdims=True)
    >>> res = run_minibatch(sgd(0.5), g, [0.0], x, batch_size=2, n_epochs=2, seed=1)
    >>> res.n_steps
    6
    """
    arrays = [np.asarray(data)] if isinstance(data, np.ndarray) else [np.asarray(a) for a in data]
    if not arrays or arrays[0].ndim == 0:
        raise ValueError("data must be an array or a sequence of arrays with a sample axis")
    n = arrays[0].shape[0]
    if any(a.ndim == 0 or a.shape[0] != n for a in arrays):
        raise ValueError(f"all data arrays need the same first dimension {n}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be an integer, got {batch_size!r}")
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must satisfy 1 <= batch_size <= n = {n}, got {batch_size}")
    if isinstance(n_epochs, bool) or not isinstance(n_epochs, (int, np.integer)) or n_epochs < 0:
        raise ValueError(f"n_epochs must be an integer >= 0, got {n_epochs!r}")
    if not callable(grad_fn_batch):
        raise TypeError("grad_fn_batch must be callable")
    per_epoch = -(-n // batch_size)
    n_steps = per_epoch * int(n_epochs)
    theta = _check_common(optimizer, theta0, n_steps, max_norm)
    rng = np.random.default_rng(seed)
    batches: list[np.ndarray] = []
    for _ in range(int(n_epochs)):
        perm = rng.permutation(n)
        batches.extend(perm[i : i + batch_size] for i in range(0, n, batch_size))

    def grad_at(k: int, th: np.ndarray) -> Any:
        idx = batches[k]
        return grad_fn_batch(th, *(a[idx] for a in arrays))

    return _loop(optimizer, theta, grad_at, n_steps, loss_fn, None, max_norm, False)
