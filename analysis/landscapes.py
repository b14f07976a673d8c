"""Test landscapes of the lecture and of Mehta et al. (2019), with losses, gradients, Hessians.

Every landscape is a :class:`Landscape`: ``loss(theta)``, ``grad(theta)``, ``hessian(theta)``
(closed forms), and its known minimisers. The two-dimensional ones accept ``theta`` of shape
``(2, ...)``, so ``loss(np.meshgrid(...))`` evaluates a grid for contour plots. Data sets for
stochastic gradient descent: :class:`LeastSquaresData` and :class:`DoubleWellData` (a tilted
double well whose mini-batch noise lets SGD cross a barrier that full-batch GD cannot).
:func:`lrp_counterexample` is the one-dimensional function of Lessard, Recht & Packard (2016)
on which the heavy ball, tuned optimally for quadratics, cycles.

>>> import numpy as np
>>> b = beale()
>>> b.loss(np.array([3.0, 0.5]))
0.0
>>> b.minima
((3.0, 0.5),)

References
----------
.. [1] P. Mehta et al., "A high-bias, low-variance introduction to Machine Learning for
   physicists", Phys. Rep. 810 (2019), Sec. IV and its notebook on gradient descent.
.. [2] L. Lessard, B. Recht, A. Packard, "Analysis and design of optimization algorithms
   via integral quadratic constraints", SIAM J. Optim. 26 (2016), Sec. 4.6.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from analysis.optimizers.transforms import check_positive

__all__ = [
    "Landscape",
    "anisotropic_quadratic",
    "saddle",
    "monkey_saddle",
    "beale",
    "rosenbrock",
    "himmelblau",
    "lrp_counterexample",
    "BEALE_STARTS",
    "LeastSquaresData",
    "DoubleWellData",
]

#: The starting points on Beale's function in the gradient-descent notebook of Mehta et al.
BEALE_STARTS = ((4.0, 3.0), (1.5, 1.5), (-1.0, 4.0), (-2.0, -4.0))


@dataclass(frozen=True)
class Landscape:
    """A loss landscape with closed-form derivatives.

    Attributes
    ----------
    name : str
    loss, grad, hessian : callable
        Of ``theta``; ``grad`` has theta's shape, ``hessian`` shape (d, d, ...).
    minima : tuple of tuple of float
        Known global minimisers (empty when the loss is unbounded below).
    min_value : float or None
        The loss at the minimisers.
    """

    name: str
    loss: Callable[[np.ndarray], np.ndarray | float]
    grad: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray]
    minima: tuple[tuple[float, ...], ...] = ()
    min_value: float | None = None
    notes: str = field(default="", compare=False)


def _xy(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(theta, dtype=float)
    if t.ndim == 0 or t.shape[0] != 2:
        raise ValueError(f"this landscape takes theta of shape (2, ...), got {t.shape}")
    return t[0], t[1]


def _scalar(v: np.ndarray) -> np.ndarray | float:
    return float(v) if np.ndim(v) == 0 else v


def _hess(hxx: ArrayLike, hxy: ArrayLike, hyy: ArrayLike) -> np.ndarray:
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    return np.array([[hxx, hxy], [hxy, hyy]], dtype=float)


def anisotropic_quadratic(a: float = 1.0, b: float = 10.0) -> Landscape:
    """:math:`E = (a x^2 + b y^2)/2`: curvatures a and b, condition number max/min.

    >>> anisotropic_quadratic(1.0, 4.0).hessian(np.zeros(2))
    array([[1., 0.],
           [0., 4.]])
    """
    a, b = check_positive("a", a), check_positive("b", b)

    def loss(th):
        x, y = _xy(th)
        return _scalar(0.5 * (a * x**2 + b * y**2))

    def grad(th):
        x, y = _xy(th)
        return np.array([a * x, b * y])

    def hessian(th):
        x, _ = _xy(th)
        return _hess(a + 0 * x, 0 * x, b + 0 * x)

    return Landscape("anisotropic quadratic", loss, grad, hessian, ((0.0, 0.0),), 0.0)


def saddle(a: float = 1.0, b: float = 1.0) -> Landscape:
    """The saddle :math:`E = a x^2 - b y^2` (unbounded below; stationary point at 0).

    >>> saddle().grad(np.array([1.0, 1.0]))
    array([ 2., -2.])
    """
    a, b = check_positive("a", a), check_positive("b", b)

    def loss(th):
        x, y = _xy(th)
        return _scalar(a * x**2 - b * y**2)

    def grad(th):
        x, y = _xy(th)
        return np.array([2 * a * x, -2 * b * y])

    def hessian(th):
        x, _ = _xy(th)
        return _hess(2 * a + 0 * x, 0 * x, -2 * b + 0 * x)

    return Landscape("saddle", loss, grad, hessian, (), None, "a x^2 - b y^2")


def monkey_saddle() -> Landscape:
    """The monkey saddle :math:`E = x^3 - 3 x y^2` (degenerate stationary point at 0).

    >>> bool(np.all(monkey_saddle().hessian(np.zeros(2)) == 0))
    True
    """

    def loss(th):
        x, y = _xy(th)
        return _scalar(x**3 - 3 * x * y**2)

    def grad(th):
        x, y = _xy(th)
        return np.array([3 * x**2 - 3 * y**2, -6 * x * y])

    def hessian(th):
        x, y = _xy(th)
        return _hess(6 * x, -6 * y, -6 * x)

    return Landscape("monkey saddle", loss, grad, hessian, (), None, "x^3 - 3 x y^2")


_BEALE_C = (1.5, 2.25, 2.625)


def beale() -> Landscape:
    """Beale's function :math:`\\sum_{k=1}^3 (c_k - x + x y^k)^2`, c = (1.5, 2.25, 2.625).

    Global minimum 0 at (3, 0.5).

    >>> beale().grad(np.array([3.0, 0.5]))
    array([0., 0.])
    """

    def terms(th):
        x, y = _xy(th)
        return x, y, [c - x + x * y**k for k, c in enumerate(_BEALE_C, start=1)]

    def loss(th):
        _, _, r = terms(th)
        return _scalar(sum(rk**2 for rk in r))

    def grad(th):
        x, y, r = terms(th)
        gx = sum(2 * rk * (y**k - 1) for k, rk in enumerate(r, start=1))
        gy = sum(2 * rk * k * x * y ** (k - 1) for k, rk in enumerate(r, start=1))
        return np.array([gx, gy])

    def hessian(th):
        x, y, r = terms(th)
        hxx = hxy = hyy = 0.0
        for k, rk in enumerate(r, start=1):
            dx, dy = y**k - 1, k * x * y ** (k - 1)
            hxx = hxx + 2 * dx * dx
            hxy = hxy + 2 * dx * dy + 2 * rk * k * y ** (k - 1)
            dyy = k * (k - 1) * x * y ** (k - 2) if k >= 2 else 0.0 * x
            hyy = hyy + 2 * dy * dy + 2 * rk * dyy
        return _hess(hxx, hxy, hyy)

    return Landscape("Beale", loss, grad, hessian, ((3.0, 0.5),), 0.0)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Landscape:
    """Rosenbrock's valley :math:`(a - x)^2 + b (y - x^2)^2`, minimum 0 at (a, a^2).

    >>> rosenbrock().loss(np.array([1.0, 1.0]))
    0.0
    """
    a, b = float(a), check_positive("b", b)

    def loss(th):
        x, y = _xy(th)
        return _scalar((a - x) ** 2 + b * (y - x**2) ** 2)

    def grad(th):
        x, y = _xy(th)
        return np.array([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)])

    def hessian(th):
        x, y = _xy(th)
        return _hess(2 - 4 * b * (y - x**2) + 8 * b * x**2, -4 * b * x, 2 * b + 0 * x)

    return Landscape("Rosenbrock", loss, grad, hessian, ((a, a * a),), 0.0)


def himmelblau() -> Landscape:
    """Himmelblau's function :math:`(x^2 + y - 11)^2 + (x + y^2 - 7)^2`: four minima of value 0.

    >>> himmelblau().loss(np.array([3.0, 2.0]))
    0.0
    """

    def loss(th):
        x, y = _xy(th)
        return _scalar((x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2)

    def grad(th):
        x, y = _xy(th)
        a, b = x**2 + y - 11, x + y**2 - 7
        return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])

    def hessian(th):
        x, y = _xy(th)
        return _hess(12 * x**2 + 4 * y - 42, 4 * x + 4 * y, 4 * x + 12 * y**2 - 26)

    minima = ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848127))
    return Landscape("Himmelblau", loss, grad, hessian, minima, 0.0)


def lrp_counterexample(m: float = 1.0, L: float = 25.0) -> Landscape:
    """Lessard, Recht & Packard's (2016, Sec. 4.6) strongly convex 1-D function.

    Its gradient is piecewise linear with slopes ``L``, ``m``, ``L`` on
    :math:`x < 1`, :math:`1 \\le x < 2`, :math:`x \\ge 2` (continuous, with continuous
    gradient), so it is m-strongly convex and L-smooth with minimum 0 at x = 0. For
    m = 1, L = 25 the heavy ball at its optimal tuning for quadratics,
    :math:`\\eta = 4/(\\sqrt L + \\sqrt m)^2`,
    :math:`\\gamma = ((\\sqrt\\kappa - 1)/(\\sqrt\\kappa + 1))^2`, started at rest at
    :math:`x_0 \\in [3.07, 3.46]`, falls into a limit cycle instead of converging.

    >>> f = lrp_counterexample()
    >>> [float(f.grad(np.array([x]))[0]) for x in (0.5, 1.5, 2.5)]
    [12.5, 25.5, 38.5]
    """
    m, L = check_positive("m", m), check_positive("L", L)
    if not m < L:
        raise ValueError(f"need m < L, got m = {m}, L = {L}")
    # Continuity of E and E' at x = 1 and x = 2 fixes the pieces:
    #   x < 1:      L/2 x^2
    #   1 <= x < 2: m/2 x^2 + (L - m) x - (L - m)/2
    #   x >= 2:     L/2 x^2 - (L - m) x + 3 (L - m) / 2
    # (m = 1, L = 25: x^2/2 + 24 x - 12 and 25/2 x^2 - 24 x + 36, as in the paper.)
    d = L - m

    def pieces(x):
        return np.where(
            x < 1,
            0.5 * L * x**2,
            np.where(x < 2, 0.5 * m * x**2 + d * x - 0.5 * d, 0.5 * L * x**2 - d * x + 1.5 * d),
        )

    def loss(th):
        x = np.asarray(th, dtype=float)[0]
        return _scalar(pieces(x))

    def grad(th):
        x = np.asarray(th, dtype=float)[0]
        return np.array([np.where(x < 1, L * x, np.where(x < 2, m * x + d, L * x - d))])

    def hessian(th):
        x = np.asarray(th, dtype=float)[0]
        return np.array([[np.where((x >= 1) & (x < 2), m, L)]], dtype=float)

    return Landscape("Lessard-Recht-Packard", loss, grad, hessian, ((0.0,),), 0.0)


@dataclass(frozen=True)
class LeastSquaresData:
    """A seeded linear-regression data set :math:`y = X w^* + \\sigma \\xi`.

    The loss is the mean squared error :math:`E(w) = \\frac{1}{2n}\\|X w - y\\|^2`; a
    mini-batch gradient is :math:`X_B^T (X_B w - y_B)/|B|`, an unbiased estimate of
    :math:`\\nabla E`.

    Parameters
    ----------
    n, d : int
        Number of samples and of features (n >= d >= 1).
    noise : float
        Standard deviation of the label noise.
    seed : int
        Seed of X, w* and the noise.

    Examples
    --------
    >>> data = LeastSquaresData.make(50, 3, seed=0)
    >>> w = data.solution()
    >>> bool(np.allclose(data.grad(w), 0.0, atol=1e-12))
    True
    """

    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray

    @classmethod
    def make(cls, n: int = 200, d: int = 5, *, noise: float = 0.1, seed: int = 0):
        """Draw a data set (see the class docstring)."""
        if not (isinstance(n, (int, np.integer)) and isinstance(d, (int, np.integer))):
            raise TypeError("n and d must be integers")
        if not 1 <= d <= n:
            raise ValueError(f"need 1 <= d <= n, got n = {n}, d = {d}")
        noise = check_positive("noise", noise, allow_zero=True)
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((n, d))
        w = rng.standard_normal(d)
        return cls(X, X @ w + noise * rng.standard_normal(n), w)

    @property
    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)``, the arrays to pass to ``run_minibatch``."""
        return self.X, self.y

    def loss(self, w: np.ndarray) -> float:
        """Mean squared error over all samples (with the factor 1/2)."""
        r = self.X @ w - self.y
        return float(0.5 * r @ r / len(self.y))

    def grad(self, w: np.ndarray) -> np.ndarray:
        """Full-batch gradient."""
        return self.grad_batch(w, self.X, self.y)

    @staticmethod
    def grad_batch(w: np.ndarray, Xb: np.ndarray, yb: np.ndarray) -> np.ndarray:
        """Mini-batch gradient :math:`X_B^T (X_B w - y_B)/|B|`."""
        return Xb.T @ (Xb @ w - yb) / len(yb)

    def solution(self) -> np.ndarray:
        """The least-squares minimiser (``numpy.linalg.lstsq``)."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]


@dataclass(frozen=True)
class DoubleWellData:
    """A tilted double well whose mini-batch gradients are noisy.

    Sample i has loss :math:`e_i(\\theta) = (\\theta^2 - 1)^2 + a_i \\theta` with
    :math:`a_i = \\bar a + \\sigma \\xi_i` (the :math:`\\xi_i` centred exactly, so the
    mean is :math:`\\bar a`); :math:`E = \\frac1n \\sum_i e_i`. For
    :math:`0 < \\bar a < 8/(3\\sqrt3)` the full loss has a shallow local minimum near +1 and a
    deeper global one near -1. Full-batch GD started near +1 stays there; mini-batch gradients
    differ from the full one by :math:`(\\bar a_B - \\bar a)`, noise of variance
    :math:`\\sim\\sigma^2/B`, which for small B kicks SGD over the barrier.

    Examples
    --------
    >>> w = DoubleWellData.make(100, tilt=0.3, spread=3.0, seed=0)
    >>> [round(x, 3) for x in w.stationary_points()]
    [-1.036, 0.075, 0.96]
    """

    a: np.ndarray

    @classmethod
    def make(cls, n: int = 100, *, tilt: float = 0.3, spread: float = 3.0, seed: int = 0):
        """Draw the tilts :math:`a_i` (seeded)."""
        if not isinstance(n, (int, np.integer)) or n < 2:
            raise ValueError(f"n must be an integer >= 2, got {n!r}")
        if not 0 < tilt < 8 / (3 * np.sqrt(3)):
            raise ValueError(f"tilt must lie in (0, 8/(3 sqrt 3)) for two wells, got {tilt}")
        spread = check_positive("spread", spread, allow_zero=True)
        xi = np.random.default_rng(seed).standard_normal(n)
        xi = xi - xi.mean()
        sd = xi.std()
        return cls(tilt + spread * (xi / sd if sd > 0 else xi))

    @property
    def tilt(self) -> float:
        """The mean tilt :math:`\\bar a`."""
        return float(self.a.mean())

    def loss(self, theta: np.ndarray) -> float:
        """:math:`E(\\theta) = (\\theta^2-1)^2 + \\bar a \\theta`."""
        x = float(np.asarray(theta, dtype=float).ravel()[0])
        return (x * x - 1) ** 2 + self.tilt * x

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """Full-batch gradient."""
        return self.grad_batch(theta, self.a)

    @staticmethod
    def grad_batch(theta: np.ndarray, a_batch: np.ndarray) -> np.ndarray:
        """Mini-batch gradient :math:`4\\theta(\\theta^2-1) + \\bar a_B`."""
        x = np.asarray(theta, dtype=float)
        return 4 * x * (x * x - 1) + float(np.mean(a_batch))

    def stationary_points(self) -> list[float]:
        """Roots of :math:`4\\theta^3 - 4\\theta + \\bar a` (minimum, barrier, minimum)."""
        r = np.roots([4.0, 0.0, -4.0, self.tilt])
        return sorted(float(v.real) for v in r if abs(v.imag) < 1e-12)
