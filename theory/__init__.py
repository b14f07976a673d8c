"""physml.theory: the lecture's results, derived with sympy from their premises."""

from theory import symbols
from theory.derivation import Derivation, derive, register, registered

__all__ = ["Derivation", "derive", "register", "registered", "symbols"]
