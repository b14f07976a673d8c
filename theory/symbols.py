"""The shared sympy symbols of physml.

Every symbol carries only the assumption ``positive=True`` (where the quantity is positive in
the lecture), so ``sympy.Symbol("eta", positive=True)`` written anywhere else is the *same*
symbol and can be substituted into physml's results directly.

>>> import sympy
>>> from theory.symbols import eta
>>> eta == sympy.Symbol("eta", positive=True)
True
"""

from __future__ import annotations

import sympy

__all__ = [
    "eta",
    "lam",
    "lambda_max",
    "lambda_min",
    "kappa",
    "gamma",
    "m",
    "mu",
    "Delta_t",
    "D",
    "K",
    "D_i",
    "D_o",
    "beta",
    "beta_1",
    "beta_2",
    "t",
    "epsilon",
]


def _pos(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, positive=True)


#: learning rate
eta = _pos("eta")
#: one eigenvalue (curvature) of the Hessian
lam = _pos("lambda")
#: largest and smallest eigenvalue of a positive definite Hessian
lambda_max = _pos("lambda_max")
lambda_min = _pos("lambda_min")
#: condition number lambda_max / lambda_min (>= 1)
kappa = _pos("kappa")
#: momentum parameter (0 <= gamma < 1; taken positive, gamma = 0 is plain GD)
gamma = _pos("gamma")
#: mass, viscous damping coefficient and time step of the particle picture of momentum
m = _pos("m")
mu = _pos("mu")
Delta_t = _pos("Delta_t")
#: hidden width, depth (number of hidden layers), input and output dimension
D = _pos("D")
K = _pos("K")
D_i = _pos("D_i")
D_o = _pos("D_o")
#: decay rates of RMSProp (beta) and Adam (beta_1, beta_2)
beta = _pos("beta")
beta_1 = _pos("beta_1")
beta_2 = _pos("beta_2")
#: iteration counter
t = _pos("t")
#: tolerance / regulariser
epsilon = _pos("epsilon")
