"""The lecture's optimizers, built from the transforms in :mod:`.transforms`.

Each factory returns an :class:`~analysis.optimizers.transforms.Optimizer`. The lecture's
equations are the default; ``convention="torch"`` reproduces torch.optim's arithmetic, and each
docstring gives the exact conversion between the two.

>>> import numpy as np
>>> opt = gd(0.1)
>>> opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)), np.zeros(2))[0]
array([-0.1,  0.2])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from analysis.optimizers.transforms import (
    Optimizer,
    chain,
    check_positive,
    check_probability,
    scale,
    scale_by_adagrad,
    scale_by_adam,
    scale_by_rms,
    trace,
)

__all__ = ["gd", "sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad", "newton"]

_CONVENTIONS = ("lecture", "torch")


def _check_convention(convention: str) -> str:
    if convention not in _CONVENTIONS:
        raise ValueError(f"convention must be one of {_CONVENTIONS}, got {convention!r}")
    return convention


def gd(eta: float) -> Optimizer:
    """Gradient descent: :math:`\\theta_{t+1} = \\theta_t - \\eta \\nabla E(\\theta_t)`.

    Equal to torch.optim.SGD with ``lr = eta`` (no momentum).

    Parameters
    ----------
    eta : float
        Learning rate, > 0.

    Examples
    --------
    >>> import numpy as np
    >>> gd(0.5).update(np.array([2.0]), None, np.zeros(1))[0]
    array([-1.])
    """
    return scale(-check_positive("eta", eta))


def sgd(eta: float) -> Optimizer:
    """Stochastic gradient descent: :func:`gd` applied to mini-batch gradients.

    The update is the lecture's :math:`v_t = \\eta \\nabla E^{MB}(\\theta_t)`; the stochasticity
    comes from the gradient, so use it with
    :func:`analysis.optimizers.run_minibatch`.

    >>> import numpy as np
    >>> sgd(0.1).update(np.array([1.0]), None, np.zeros(1))[0]
    array([-0.1])
    """
    return gd(eta)


def momentum(eta: float, gamma: float, *, convention: str = "lecture") -> Optimizer:
    """Gradient descent with momentum (heavy ball).

    Lecture: :math:`v_t = \\gamma v_{t-1} + \\eta \\nabla E(\\theta_t)`,
    :math:`\\theta_{t+1} = \\theta_t - v_t`, :math:`v_0 = 0`.

    torch.optim.SGD(lr, momentum=mu): :math:`b_t = \\mu b_{t-1} + g_t`,
    :math:`\\theta_{t+1} = \\theta_t - \\mathrm{lr}\\, b_t`. For a constant learning rate the two
    are the same iteration with ``lr = eta``, ``mu = gamma`` and :math:`v_t = \\mathrm{lr}\\,b_t`;
    ``convention="torch"`` computes it in torch's order (equal up to rounding).

    Parameters
    ----------
    eta : float
        Learning rate, > 0.
    gamma : float
        Momentum parameter, 0 <= gamma < 1.
    convention : {"lecture", "torch"}
        Order of the arithmetic.

    Examples
    --------
    >>> import numpy as np
    >>> opt = momentum(0.1, 0.9)
    >>> s = opt.init(np.zeros(1))
    >>> step, s = opt.update(np.ones(1), s, np.zeros(1))
    >>> step, s = opt.update(np.ones(1), s, np.zeros(1))
    >>> step
    array([-0.19])
    """
    eta = check_positive("eta", eta)
    gamma = check_probability("gamma", gamma)
    if _check_convention(convention) == "torch":
        return chain(trace(gamma), scale(-eta))
    return chain(trace(gamma, input_scale=eta), scale(-1.0))


def nesterov(eta: float, gamma: float, *, convention: str = "lecture") -> Optimizer:
    """Nesterov accelerated gradient (NAG), in the form that needs the gradient at the iterate.

    The lecture (Mehta et al. 2019, eq. for NAG) evaluates the gradient at the look-ahead
    point: :math:`v_t = \\gamma v_{t-1} + \\eta \\nabla E(\\theta_t - \\gamma v_{t-1})`,
    :math:`\\theta_{t+1} = \\theta_t - v_t`. (The slide prints :math:`\\theta_t + \\gamma v_{t-1}`;
    with its own sign convention :math:`\\theta_{t+1} = \\theta_t - v_t` the expected next
    position is :math:`\\theta_t - \\gamma v_{t-1}`, as in the review.)

    Here the iterate is the look-ahead point :math:`\\phi_t = \\theta_t - \\gamma v_{t-1}`.
    Substituting gives the equivalent iteration with the gradient at :math:`\\phi_t`:

    .. math::
        v_t = \\gamma v_{t-1} + \\eta \\nabla E(\\phi_t),\\qquad
        \\phi_{t+1} = \\phi_t - (\\gamma v_t + \\eta \\nabla E(\\phi_t)),

    with :math:`\\phi_0 = \\theta_0` (:math:`v_{-1} = 0`). So the trajectory returned by ``run``
    is :math:`\\phi_t`, and the slide's :math:`\\theta_t = \\phi_t + \\gamma v_{t-1}`; both
    converge to the same minimum. torch.optim.SGD(nesterov=True) is this same iteration with
    ``lr = eta``, ``mu = gamma``, :math:`v_t = \\mathrm{lr}\\, b_t`.

    Examples
    --------
    >>> import numpy as np
    >>> opt = nesterov(0.1, 0.5)
    >>> opt.update(np.ones(1), opt.init(np.zeros(1)), np.zeros(1))[0]
    array([-0.15])
    """
    eta = check_positive("eta", eta)
    gamma = check_probability("gamma", gamma)
    if _check_convention(convention) == "torch":
        return chain(trace(gamma, nesterov=True), scale(-eta))
    return chain(trace(gamma, input_scale=eta, nesterov=True), scale(-1.0))


def rmsprop(
    eta: float, beta: float = 0.9, eps: float = 1e-8, *, convention: str = "lecture"
) -> Optimizer:
    """RMSProp (Tieleman & Hinton 2012).

    Lecture: :math:`s_t = \\beta s_{t-1} + (1-\\beta) g_t^2`,
    :math:`\\theta_{t+1} = \\theta_t - \\eta\\, g_t / \\sqrt{s_t + \\epsilon}` (epsilon inside the
    root), defaults beta = 0.9, eps = 1e-8 as on the slide.

    ``convention="torch"``: torch.optim.RMSprop(lr=eta, alpha=beta, eps=eps), which divides by
    :math:`\\sqrt{s_t} + \\epsilon` (epsilon outside). The two agree exactly when eps = 0;
    otherwise no choice of eps makes them equal for all :math:`s_t` (torch's defaults are
    alpha = 0.99, eps = 1e-8).

    Examples
    --------
    >>> import numpy as np
    >>> opt = rmsprop(0.1, beta=0.0, eps=0.0)
    >>> opt.update(np.array([5.0]), opt.init(np.zeros(1)), np.zeros(1))[0]
    array([-0.1])
    """
    eta = check_positive("eta", eta)
    beta = check_probability("beta", beta)
    eps = check_positive("eps", eps, allow_zero=True)
    inside = _check_convention(convention) == "lecture"
    return chain(scale_by_rms(beta, eps, eps_inside=inside), scale(-eta))


def adam(
    eta: float = 1e-3,
    beta_1: float = 0.9,
    beta_2: float | None = None,
    eps: float = 1e-8,
    *,
    convention: str = "lecture",
) -> Optimizer:
    """Adam with bias correction (Kingma & Ba 2015).

    :math:`m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t`,
    :math:`s_t = \\beta_2 s_{t-1} + (1-\\beta_2) g_t^2`,
    :math:`\\hat m_t = m_t/(1-\\beta_1^t)`, :math:`\\hat s_t = s_t/(1-\\beta_2^t)`,
    :math:`\\theta_{t+1} = \\theta_t - \\eta\\, \\hat m_t / (\\sqrt{\\hat s_t} + \\epsilon)`.

    The update is the same in the lecture, the paper and torch.optim.Adam (lr = eta,
    betas = (beta_1, beta_2)); only the default of ``beta_2`` differs: the lecture's 0.99
    (``convention="lecture"``) or the paper's and torch's 0.999 (``convention="torch"``).
    An explicit ``beta_2`` overrides the default of either convention.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adam(0.1)
    >>> opt.update(np.array([3.0]), opt.init(np.zeros(1)), np.zeros(1))[0]
    array([-0.1])
    """
    eta = check_positive("eta", eta)
    beta_1 = check_probability("beta_1", beta_1)
    if beta_2 is None:
        beta_2 = 0.99 if _check_convention(convention) == "lecture" else 0.999
    beta_2 = check_probability("beta_2", beta_2)
    _check_convention(convention)
    eps = check_positive("eps", eps, allow_zero=True)
    return chain(scale_by_adam(beta_1, beta_2, eps), scale(-eta))


def adagrad(eta: float = 0.01, eps: float = 1e-10) -> Optimizer:
    """AdaGrad (Duchi, Hazan & Singer 2011).

    :math:`G_t = G_{t-1} + g_t^2`,
    :math:`\\theta_{t+1} = \\theta_t - \\eta\\, g_t / (\\sqrt{G_t} + \\epsilon)`; the same as
    torch.optim.Adagrad(lr=eta, eps=eps) with lr_decay = 0 and initial accumulator 0.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adagrad(0.5, eps=0.0)
    >>> opt.update(np.array([-2.0]), opt.init(np.zeros(1)), np.zeros(1))[0]
    array([0.5])
    """
    eta = check_positive("eta", eta)
    eps = check_positive("eps", eps, allow_zero=True)
    return chain(scale_by_adagrad(eps), scale(-eta))


def newton(hessian_fn: Callable[[np.ndarray], Any], eta: float = 1.0) -> Optimizer:
    """Newton's method: step :math:`-\\eta H^{-1}(\\theta_t) \\nabla E(\\theta_t)`.

    The lecture's step minimises the second-order Taylor expansion; ``eta = 1`` is the full
    Newton step (a quadratic is minimised in one step). A singular or non-finite Hessian is a
    ValueError.

    Parameters
    ----------
    hessian_fn : callable
        ``hessian_fn(theta)`` returns the (n, n) Hessian at theta.
    eta : float
        Damping of the step, > 0.

    Examples
    --------
    >>> import numpy as np
    >>> H = np.diag([2.0, 8.0])
    >>> opt = newton(lambda th: H)
    >>> opt.update(H @ np.array([1.0, 1.0]), None, np.array([1.0, 1.0]))[0]
    array([-1., -1.])
    """
    eta = check_positive("eta", eta)
    if not callable(hessian_fn):
        raise TypeError("newton: hessian_fn must be callable, hessian_fn(theta) -> (n, n) array")

    def update(grad: np.ndarray, state: None, theta: np.ndarray) -> tuple[np.ndarray, None]:
        H = np.asarray(hessian_fn(theta), dtype=float)
        n = np.size(grad)
        if H.shape != (n, n):
            raise ValueError(f"newton: hessian_fn returned shape {H.shape}, expected {(n, n)}")
        if not np.all(np.isfinite(H)):
            raise ValueError("newton: the Hessian has non-finite entries")
        try:
            v = np.linalg.solve(H, np.ravel(grad))
        except np.linalg.LinAlgError as err:
            raise ValueError(f"newton: the Hessian is singular at theta = {theta!r}") from err
        return -eta * v.reshape(np.shape(grad)), None

    return Optimizer(lambda theta: None, update)
