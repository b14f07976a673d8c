"""Small composable gradient transforms (the optax shape) over numpy arrays.

A transform is a pair of pure functions ``init(theta) -> state`` and
``update(grad, state, theta) -> (step, state)``; the new parameters are ``theta + step``.
Optimizers are chains of transforms: for example momentum is :func:`trace` followed by
:func:`scale` by :math:`-\\eta`. States are small NamedTuples; nothing is mutated in place.

>>> import numpy as np
>>> opt = chain(trace(0.5), scale(-0.1))
>>> state = opt.init(np.zeros(2))
>>> step, state = opt.update(np.array([1.0, 2.0]), state, np.zeros(2))
>>> step
array([-0.1, -0.2])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "Optimizer",
    "chain",
    "identity",
    "scale",
    "trace",
    "scale_by_rms",
    "scale_by_adam",
    "scale_by_adagrad",
    "bias_correction",
    "TraceState",
    "RmsState",
    "AdamState",
    "check_probability",
    "check_positive",
]

Array = np.ndarray


class Optimizer(NamedTuple):
    """An optimizer or a transform: two pure functions.

    Attributes
    ----------
    init : callable
        ``init(theta) -> state``.
    update : callable
        ``update(grad, state, theta) -> (step, state)``; the new parameters are
        ``theta + step``.
    """

    init: Callable[[Array], Any]
    update: Callable[[Array, Any, Array], tuple[Array, Any]]


class TraceState(NamedTuple):
    """State of a gradient trace: the velocity ``v``."""

    v: Array


class RmsState(NamedTuple):
    """State of a second-moment average: ``s`` (running mean of ``g**2``)."""

    s: Array


class AdamState(NamedTuple):
    """State of Adam: first moment ``m``, second moment ``s`` and the step count ``t``."""

    m: Array
    s: Array
    t: int


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``float(value)``, or raise ValueError naming ``name`` if it is not (>=) > 0.

    >>> check_positive("eta", 0.1)
    0.1
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    ok = np.isfinite(v) and (v >= 0 if allow_zero else v > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}, got {value!r}")
    return v


def check_probability(name: str, value: float) -> float:
    """Return ``float(value)``, or raise ValueError unless ``0 <= value < 1``.

    >>> check_probability("gamma", 0.9)
    0.9
    """
    v = check_positive(name, value, allow_zero=True)
    if not v < 1.0:
        raise ValueError(f"{name} must satisfy 0 <= {name} < 1, got {value!r}")
    return v


def chain(*transforms: Optimizer) -> Optimizer:
    """Compose transforms: the step of one is the gradient fed to the next.

    >>> import numpy as np
    >>> opt = chain(scale(2.0), scale(-0.5))
    >>> opt.update(np.array([3.0]), opt.init(np.zeros(1)), np.zeros(1))[0]
    array([-3.])
    """

    def init(theta: Array) -> tuple[Any, ...]:
        return tuple(tr.init(theta) for tr in transforms)

    def update(grad: Array, state: tuple[Any, ...], theta: Array) -> tuple[Array, Any]:
        new_states = []
        for tr, st in zip(transforms, state, strict=True):
            grad, st = tr.update(grad, st, theta)
            new_states.append(st)
        return grad, tuple(new_states)

    return Optimizer(init, update)


def identity() -> Optimizer:
    """The transform that passes the gradient through unchanged.

    >>> import numpy as np
    >>> identity().update(np.ones(1), None, np.zeros(1))[0]
    array([1.])
    """
    return Optimizer(lambda theta: None, lambda g, s, th: (np.asarray(g, dtype=float), s))


def scale(factor: float) -> Optimizer:
    """Multiply the incoming vector by a constant ``factor`` (e.g. :math:`-\\eta`).

    >>> import numpy as np
    >>> scale(-0.1).update(np.array([1.0]), None, np.zeros(1))[0]
    array([-0.1])
    """
    f = float(factor)
    return Optimizer(lambda theta: None, lambda g, s, th: (f * np.asarray(g, dtype=float), s))


def trace(gamma: float, *, input_scale: float = 1.0, nesterov: bool = False) -> Optimizer:
    """Running sum of gradients (the lecture's velocity): :math:`v_t = \\gamma v_{t-1} + c g_t`.

    Outputs :math:`v_t`, or with ``nesterov`` the look-ahead :math:`\\gamma v_t + c g_t`.
    ``input_scale`` is ``c``: the lecture puts :math:`\\eta` there (``trace(gamma,
    input_scale=eta)`` followed by ``scale(-1)`` is exactly :math:`v_t = \\gamma v_{t-1} +
    \\eta g_t`, :math:`\\theta_{t+1} = \\theta_t - v_t`); torch.optim.SGD's momentum buffer
    :math:`b_t = \\mu b_{t-1} + g_t` (dampening 0, :math:`b_1 = g_1 = \\mu \\cdot 0 + g_1`) is
    ``trace(mu)``, and its Nesterov output :math:`g_t + \\mu b_t` is ``trace(mu,
    nesterov=True)``; torch then steps by :math:`-\\mathrm{lr}` times the output.

    >>> import numpy as np
    >>> tr = trace(0.5)
    >>> s = tr.init(np.zeros(1))
    >>> out, s = tr.update(np.ones(1), s, np.zeros(1))
    >>> out, s = tr.update(np.ones(1), s, np.zeros(1))
    >>> out
    array([1.5])
    >>> tr = trace(0.9, nesterov=True)
    >>> tr.update(np.ones(1), tr.init(np.zeros(1)), np.zeros(1))[0]
    array([1.9])
    """
    c = float(input_scale)

    def init(theta: Array) -> TraceState:
        return TraceState(np.zeros_like(np.asarray(theta, dtype=float)))

    def update(grad: Array, state: TraceState, theta: Array) -> tuple[Array, TraceState]:
        v = gamma * state.v + c * grad
        return (gamma * v + c * grad if nesterov else v), TraceState(v)

    return Optimizer(init, update)


def scale_by_rms(beta: float, eps: float, *, eps_inside: bool = True) -> Optimizer:
    """Divide by the root of a running mean of squares: :math:`g_t / \\sqrt{s_t + \\epsilon}`.

    :math:`s_t = \\beta s_{t-1} + (1-\\beta) g_t^2`, :math:`s_0 = 0`. With
    ``eps_inside=False`` the output is :math:`g_t / (\\sqrt{s_t} + \\epsilon)` (torch, optax).

    >>> import numpy as np
    >>> tr = scale_by_rms(0.0, 0.0)
    >>> tr.update(np.array([-4.0]), tr.init(np.zeros(1)), np.zeros(1))[0]
    array([-1.])
    """

    def init(theta: Array) -> RmsState:
        return RmsState(np.zeros_like(np.asarray(theta, dtype=float)))

    def update(grad: Array, state: RmsState, theta: Array) -> tuple[Array, RmsState]:
        s = beta * state.s + (1.0 - beta) * grad * grad
        denom = np.sqrt(s + eps) if eps_inside else np.sqrt(s) + eps
        return grad / denom, RmsState(s)

    return Optimizer(init, update)


def bias_correction(moment: Any, beta: Any, t: int) -> Any:
    """Adam's bias correction :math:`\\hat m_t = m_t / (1 - \\beta^t)`.

    Works on floats, numpy arrays and ``fractions.Fraction`` (exact arithmetic).

    >>> from fractions import Fraction
    >>> b = Fraction(9, 10)
    >>> bias_correction((1 - b) * 3, b, 1)
    Fraction(3, 1)
    """
    if t < 1:
        raise ValueError(f"bias correction needs a step count t >= 1, got {t}")
    return moment / (1 - beta**t)


def scale_by_adam(beta_1: float, beta_2: float, eps: float) -> Optimizer:
    """Adam's direction :math:`\\hat m_t / (\\sqrt{\\hat s_t} + \\epsilon)` (Kingma & Ba 2015).

    :math:`m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t`,
    :math:`s_t = \\beta_2 s_{t-1} + (1-\\beta_2) g_t^2`, both bias corrected by
    :func:`bias_correction`.

    >>> import numpy as np
    >>> tr = scale_by_adam(0.9, 0.99, 0.0)
    >>> tr.update(np.array([-2.0]), tr.init(np.zeros(1)), np.zeros(1))[0]
    array([-1.])
    """

    def init(theta: Array) -> AdamState:
        z = np.zeros_like(np.asarray(theta, dtype=float))
        return AdamState(z, z.copy(), 0)

    def update(grad: Array, state: AdamState, theta: Array) -> tuple[Array, AdamState]:
        t = state.t + 1
        m = beta_1 * state.m + (1.0 - beta_1) * grad
        s = beta_2 * state.s + (1.0 - beta_2) * grad * grad
        m_hat = bias_correction(m, beta_1, t)
        s_hat = bias_correction(s, beta_2, t)
        return m_hat / (np.sqrt(s_hat) + eps), AdamState(m, s, t)

    return Optimizer(init, update)


def scale_by_adagrad(eps: float) -> Optimizer:
    """AdaGrad's direction :math:`g_t / (\\sqrt{G_t} + \\epsilon)`, :math:`G_t = \\sum_k g_k^2`.

    >>> import numpy as np
    >>> tr = scale_by_adagrad(0.0)
    >>> tr.update(np.array([3.0]), tr.init(np.zeros(1)), np.zeros(1))[0]
    array([1.])
    """

    def init(theta: Array) -> RmsState:
        return RmsState(np.zeros_like(np.asarray(theta, dtype=float)))

    def update(grad: Array, state: RmsState, theta: Array) -> tuple[Array, RmsState]:
        s = state.s + grad * grad
        return grad / (np.sqrt(s) + eps), RmsState(s)

    return Optimizer(init, update)
