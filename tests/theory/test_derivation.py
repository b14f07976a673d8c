"""The Derivation record and the derivation registry."""

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from theory import symbols
from theory.derivation import Derivation, derive, latex, register, registered, unregister


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
    assert latex({x: 2}) == "x = 2"  # a dict is a set of equations
    assert latex("word") == r"\text{word}"


def test_register_and_derive_unknown():
    before = set(registered())

    @register
    def _tiny_test_derivation() -> Derivation:
        """A tiny derivation."""
        return Derivation("tiny")

    try:  # unregistered again, so the tiny derivation does not leak into other tests
        assert "_tiny_test_derivation" in registered()
        assert derive("_tiny_test_derivation").name == "_tiny_test_derivation"
        with pytest.raises(ValueError, match="no_such_derivation"):
            derive("no_such_derivation")
    finally:
        unregister("_tiny_test_derivation")
    assert set(registered()) == before  # equality: the registry is as it was


@given(st.sampled_from(symbols.__all__))
def test_symbols_are_the_positive_symbols_of_their_name(name):
    sym = getattr(symbols, name)
    assert sym == sympy.Symbol(sym.name, positive=True)


def test_every_step_renders_as_an_equation_with_its_left_hand_side():
    import sympy

    from theory.derivation import derive, equation, registered

    rel = sympy.core.relational.Relational
    for name in registered():
        d = derive(name)
        for i, (text, obj) in enumerate(d.steps):
            if obj is None:
                continue
            shown = equation(d.lhs.get(i), obj)
            is_relation = isinstance(obj, (rel, dict)) or (
                isinstance(obj, (list, tuple)) and obj and all(isinstance(o, rel) for o in obj)
            )
            assert i in d.lhs or is_relation, f"{name} step {i + 1} ({text[:40]}) has no LHS"
            assert any(r in shown for r in ("=", r"\approx", r"\in", r"\le", "<", ">", r"\sim"))
        md = d.to_markdown()
        assert md.count("$$") % 2 == 0


def test_results_render_with_their_name():
    from theory.derivation import derive

    md = derive("gd_stability").to_markdown()
    assert r"\eta_{max} = \frac{2}{\lambda_{max}}" in md  # equality of the rendered text
