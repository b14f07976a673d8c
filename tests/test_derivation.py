"""The Derivation record and the derivation registry."""

import sympy
from hypothesis import given
from hypothesis import strategies as st

from theory import derivation, symbols
from theory.derivation import Derivation, derive, latex, register, registered


def test_steps_results_and_markdown():
    x = sympy.Symbol("x")
    d = Derivation("Parabola", assumptions=["a > 0"], references=["lecture slide 3"])
    E = d.step("loss", (x - 3) ** 2)
    (root,) = d.step("stationary point", sympy.solve(sympy.diff(E, x), x))
    d.result("x_min", root, "the minimum", claim="exact")
    d.note("a remark")
    assert d["x_min"] == 3  # equality: solve((x-3)^2)' = 0 gives 3
    md = d.to_markdown()
    assert md.startswith("### Parabola")
    assert "a > 0" in md and "lecture slide 3" in md and "*(exact)*" in md
    assert "$$ \\left(x - 3\\right)^{2} $$" in md
    assert d._repr_markdown_() == md
    assert len(d.steps) == 4


def test_latex_of_containers():
    x = sympy.Symbol("x")
    assert latex([x, 1]) == r"\left(x, 1\right)"
    assert "mapsto" in latex({x: 2})
    assert latex("word") == r"\text{word}"


def test_register_and_derive_unknown(monkeypatch):
    # a private copy of the registry, so the tiny derivation does not leak into other tests
    registered()  # import the theory modules first: they register into the real registry
    monkeypatch.setattr(derivation, "_REGISTRY", dict(derivation._REGISTRY))

    @register
    def _tiny_test_derivation() -> Derivation:
        """A tiny derivation."""
        return Derivation("tiny")

    assert "_tiny_test_derivation" in registered()
    assert derive("_tiny_test_derivation").name == "_tiny_test_derivation"
    try:
        derive("no_such_derivation")
    except ValueError as exc:
        assert "no_such_derivation" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("unknown derivation must raise")


@given(st.sampled_from(symbols.__all__))
def test_symbols_are_the_positive_symbols_of_their_name(name):
    sym = getattr(symbols, name)
    assert sym == sympy.Symbol(sym.name, positive=True)
