"""Tests of ``physml report``: the framework, the quick report, and the plotting functions."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.report import (
    Check,
    FigureOut,
    Section,
    SectionResult,
    build,
    build_report,
    core,
    default_sections,
)
from analysis.report.common import new_figure


def _good(ctx):
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    return SectionResult(
        "Good section body.",
        [Check("one plus one", "$2$", 1 + 1, "exact", 1 + 1 == 2, expected=2)],
        [FigureOut("good", fig, "a line")],
    )


def _bad(ctx):
    raise RuntimeError("deliberate failure in a section")


def _failing_check(ctx):
    return SectionResult("x", [Check("a false claim", "$0 = 1$", 0, "exact", False, expected=1)])


# ----------------------------------------------------------------------------- framework


def test_report_writes_files_and_figures(tmp_path: Path) -> None:
    res = build_report(tmp_path / "r", sections=[Section("good", "Good", _good)], progress=False)
    assert res.path == (tmp_path / "r").resolve()  # equality: the folder written
    for name in ("REPORT.md", "report.json", "figures/good.png", "figures/good.svg"):
        assert (res.path / name).is_file(), name  # equality: every file exists
    md = (res.path / "REPORT.md").read_text()
    assert "Good section body." in md and "| one plus one |" in md and "✓" in md
    assert res.n_failed == 0 and res.n_checks == 1  # equality


def test_failed_section_is_reported_and_rest_builds(tmp_path: Path, capsys) -> None:
    secs = [Section("bad", "Bad", _bad), Section("good", "Good", _good)]
    res = build_report(tmp_path / "r", sections=secs, progress=True)
    md = (res.path / "REPORT.md").read_text()
    assert "failed to build" in md and "deliberate failure in a section" in md
    assert "Good section body." in md  # the rest still builds
    assert res.n_errored_sections == 1 and res.n_failed == 1  # equality
    rec = json.loads((res.path / "report.json").read_text())
    assert [s["status"] for s in rec["sections"]] == ["error", "ok"]  # equality
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "ERROR" in err[0] and "ok" in err[1]  # one progress line each


def test_failed_check_is_shown_not_hidden(tmp_path: Path) -> None:
    res = build_report(tmp_path / "r", sections=[Section("f", "F", _failing_check)], progress=False)
    assert res.n_failed_checks == 1  # equality
    assert "✗" in (res.path / "REPORT.md").read_text()


def test_crash_leaves_no_partial_report(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "r"
    build_report(target, sections=[Section("good", "Good", _good)], progress=False)
    before = (target / "REPORT.md").read_text()

    def boom(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(build, "_render", boom)
    with pytest.raises(OSError, match="simulated"):
        build_report(target, sections=[Section("good", "Good", _good)], progress=False)
    assert (target / "REPORT.md").read_text() == before  # equality: the old report is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no temporary folder left
    fresh = tmp_path / "fresh"
    with pytest.raises(OSError):
        build_report(fresh, sections=[Section("good", "Good", _good)], progress=False)
    assert not fresh.exists()  # equality: nothing written at all


def test_svg_is_deterministic(tmp_path: Path) -> None:
    a = build_report(tmp_path / "a", sections=[Section("good", "Good", _good)], progress=False)
    b = build_report(tmp_path / "b", sections=[Section("good", "Good", _good)], progress=False)
    for name in ("figures/good.svg", "figures/good.png", "report.json"):
        assert (a.path / name).read_bytes() == (b.path / name).read_bytes(), name  # equality


@pytest.mark.parametrize("kind", ["exact", "upper bound", "lower bound", "asymptote"])
def test_check_kinds_accepted(kind: str) -> None:
    assert Check("c", "f", 1, kind, True).mark == "✓"  # equality


@pytest.mark.parametrize("kind", ["", "bound", "Exact", "approximately"])
def test_check_kind_rejected(kind: str) -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        Check("c", "f", 1, kind, True)


def test_section_returning_wrong_type_is_an_error(tmp_path: Path) -> None:
    res = build_report(
        tmp_path / "r", sections=[Section("w", "W", lambda ctx: "text")], progress=False
    )
    assert res.n_errored_sections == 1  # equality
    assert "not SectionResult" in (res.path / "REPORT.md").read_text()


@given(
    st.recursive(
        st.one_of(
            st.integers(-(10**30), 10**30),
            st.fractions(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=5),
            st.none(),
            st.booleans(),
        ),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=10,
    )
)
def test_jsonable_round_trips_through_json(value) -> None:
    out = core.jsonable(value)
    assert json.loads(json.dumps(out)) == out  # equality: JSON-safe

    def back(v):
        if isinstance(v, Fraction):
            return str(v)
        if isinstance(v, (list, tuple)):
            return [back(x) for x in v]
        if isinstance(v, dict):
            return {k: back(x) for k, x in v.items()}
        return v

    assert out == back(value)  # equality: Fractions become "p/q", nothing else changes


def test_rng_is_deterministic_per_purpose() -> None:
    a, b = core.ReportContext(quick=True), core.ReportContext(quick=True)
    x = a.rng("p").standard_normal(3)
    assert np.array_equal(x, b.rng("p").standard_normal(3))  # equality
    assert not np.array_equal(x, a.rng("q").standard_normal(3))  # different purposes differ


# ----------------------------------------------------------------------------- the quick report


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory) -> core.ReportResult:
    return build_report(tmp_path_factory.mktemp("q") / "reports", quick=True, progress=False)


def test_quick_report_writes_every_file(quick_report) -> None:
    rec = json.loads((quick_report.path / "report.json").read_text())
    files = [f for s in rec["sections"] for f in s["figures"]]
    for f in files:
        assert (quick_report.path / f).is_file(), f
    md = (quick_report.path / "REPORT.md").read_text()
    for f in files:
        if f.endswith(".png"):
            assert f in md, f  # every figure is shown in REPORT.md
    assert len(rec["sections"]) == len(default_sections())  # equality


def test_quick_report_all_checks_pass(quick_report) -> None:
    rec = json.loads((quick_report.path / "report.json").read_text())
    errors = [(s["key"], s["error"]) for s in rec["sections"] if s["status"] != "ok"]
    failed = [c["claim"] for s in rec["sections"] for c in s["checks"] if not c["ok"]]
    assert errors == []  # equality: no section errored
    assert failed == []  # equality: every check is ✓
    assert quick_report.n_failed == 0 and quick_report.n_checks >= 40  # bound


def test_quick_report_is_deterministic(quick_report, tmp_path: Path) -> None:
    keys = {"regimes", "particle", "fine_print_svd", "fine_print_width"}
    secs = [s for s in default_sections() if s.key in keys]
    again = build_report(tmp_path / "again", quick=True, sections=secs, progress=False)
    first = json.loads((quick_report.path / "report.json").read_text())
    second = json.loads((again.path / "report.json").read_text())
    a = [s for s in first["sections"] if s["key"] in keys]
    assert a == second["sections"]  # equality: same numbers twice


def test_every_derivation_is_rendered(quick_report) -> None:
    from theory.derivation import registered

    md = (quick_report.path / "REPORT.md").read_text()
    appendix = md[md.index("Every derivation physml registers") :]
    listed = appendix.split("Shown with their topics above:", 1)[1].split(".", 1)[0]
    for name in registered():
        # equality: each one is either listed as shown with its topic, or rendered in the appendix
        assert f"`{name}`" in listed or f"`physml derive {name}`" in appendix, name
    assert md.count("**Results.**") >= len(registered())  # bound: every one rendered


# ----------------------------------------------------------------------------- plotting


def _plot_cases():
    from analysis.plots import optimization as po

    quad = lambda th: float(th[0] ** 2 + 3 * th[1] ** 2)  # noqa: E731
    path = np.array([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]])
    return [
        ("lr_regimes", lambda ax: po.plot_lr_regimes(n_steps=4, ax=ax)),
        ("thresholds", lambda ax: po.plot_thresholds([1.0, 2.0], [2.0, 1.0], ax=ax)),
        (
            "iterations",
            lambda ax: po.plot_iterations([10, 100], {"GD": [10, 100]}, {"GD": [9, 99]}, ax=ax),
        ),
        ("particle", lambda ax: po.plot_particle([0, 1], [1, 0], [0, 1], [1, 0.1], ax=ax)),
        (
            "momentum_map",
            lambda ax: po.plot_momentum_map([0.1, 1], [0.5, 0.9], [0.1, 0.01], 1, 0.1, ax=ax),
        ),
        ("paths", lambda ax: po.plot_paths(quad, {"GD": path}, (-1, 1), (-1, 1), ax=ax)),
        ("sgd", lambda ax: po.plot_sgd_losses({"B = 1": [1.0, 0.5, 0.1]}, ax=ax)),
    ]


@pytest.mark.parametrize("case", range(7))
def test_plot_optim_returns_its_ax(case: int) -> None:
    name, draw = _plot_cases()[case]
    fig, ax = plt.subplots()
    try:
        assert draw(ax) is ax, name  # equality: the same ax comes back
        assert draw(None) is not None
    finally:
        plt.close("all")


def _net_cases():
    from analysis.constructions import lecture_network, max_regions_network
    from analysis.plots import networks as pn

    net = lecture_network()
    return [
        ("shallow_1d", lambda ax: pn.plot_shallow_1d(net, (0.0, 2.0), ax=ax)),
        ("composition", lambda ax: pn.plot_composition([max_regions_network([3])], ax=ax)),
        (
            "counts",
            lambda ax: pn.plot_counts_vs_bounds({"a": ([4, 16], [4, 16]), "b": ([9], [5])}, ax=ax),
        ),
        (
            "depth",
            lambda ax: pn.plot_depth_efficiency(
                ([4, 7], [2, 3]), {"D = 3": ([10, 22], [4, 16])}, {"c": ([10], [4])}, ax=ax
            ),
        ),
    ]


@pytest.mark.parametrize("case", range(4))
def test_plot_networks_returns_its_ax(case: int) -> None:
    name, draw = _net_cases()[case]
    fig, ax = plt.subplots()
    try:
        assert draw(ax) is ax, name  # equality: the same ax comes back
        assert draw(None) is not None
    finally:
        plt.close("all")


def test_lecture_network_matches_the_slide() -> None:
    from analysis.constructions import lecture_network

    net = lecture_network()
    # the slide's shaded region: h1 and h3 active, h2 inactive (here for x > 3/2)
    assert net.activation_pattern([Fraction(7, 4)]) == ((True, False, True),)  # equality
    assert net.n_parameters == 10  # equality: the lecture's ten parameters


def test_pieces_1d_joints_are_exact() -> None:
    from analysis.constructions import lecture_network
    from analysis.plots.networks import pieces_1d

    pieces = pieces_1d(lecture_network(), (0, 2))
    # joints where theta_d0 + theta_d1 x = 0: x = 2/5, 1, 3/2 (worked out by hand)
    assert [p[0] for p in pieces] == [0, Fraction(2, 5), 1, Fraction(3, 2)]  # equality
    assert [p[1] for p in pieces] == [Fraction(2, 5), 1, Fraction(3, 2), 2]  # equality
    # slopes: sum of phi_d theta_d1 over active units (by hand: -1*-1=1; 2*1/2+1=2; 1; 1-5/2)
    assert [p[3] for p in pieces] == [1, 2, 1, Fraction(-3, 2)]  # equality


@pytest.mark.parametrize(
    "weights, biases, match",
    [
        ([[[1, 1]], [[1]]], [[0], [0]], "1 input"),
        ([[[1]], [[1]], [[1]]], [[0], [0], [0]], "one hidden layer"),
    ],
)
def test_plot_shallow_1d_rejects_other_networks(weights, biases, match) -> None:
    from analysis.networks import ReLUNetwork
    from analysis.plots.networks import plot_shallow_1d

    with pytest.raises(ValueError, match=match):
        plot_shallow_1d(ReLUNetwork(weights, biases))


@pytest.mark.parametrize(
    "strict, failing, rc", [(False, True, 0), (True, True, 1), (True, False, 0)]
)
def test_cli_strict_exit_code(tmp_path: Path, monkeypatch, capsys, strict, failing, rc) -> None:
    from analysis import cli
    from analysis.report import sections

    secs = [Section("f", "F", _failing_check if failing else _good)]
    monkeypatch.setattr(sections, "default_sections", lambda: secs)
    argv = ["report", "--quick", "--out", str(tmp_path / "r")] + (["--strict"] if strict else [])
    assert cli.main(argv) == rc  # equality: exit status
    assert "REPORT.md" in capsys.readouterr().out


@pytest.mark.parametrize(
    "value, expected",
    [(float("inf"), "inf"), (float("nan"), "nan"), (np.int64(7), 7), (np.bool_(True), True)],
)
def test_jsonable_special_values(value, expected) -> None:
    assert core.jsonable(value) == expected  # equality


# ----------------------------------------------------------------------------- review additions


def test_quick_report_header_and_figure_list(quick_report) -> None:
    md = (quick_report.path / "REPORT.md").read_text()
    head = md[: md.index("## 1.")]
    assert "`physml report --quick`" in head and "Seed: 20250206" in head  # equality: stated
    rec = json.loads((quick_report.path / "report.json").read_text())
    pngs = [f for s in rec["sections"] for f in s["figures"] if f.endswith(".png")]
    lecture = [f for f in pngs if f.startswith("figures/fig")]
    assert len(lecture) == 11  # equality: the lecture's eleven figures
    for name in ("regions_vs_neurons", "shallow_vs_deep", "sgd_generalisation"):
        assert f"figures/{name}.png" in pngs  # the training experiments' figures
    for f in pngs:
        assert f"]({f})" in head, f  # equality: each figure is linked from the top


def _math_spans(md: str) -> list[str]:
    from analysis.report.markdown import MATH_SPAN

    return MATH_SPAN.findall(md)


def test_quick_report_math_survives_github(quick_report) -> None:
    import re

    md = (quick_report.path / "REPORT.md").read_text()
    spans = _math_spans(md)
    assert len(spans) > 100  # bound: the report is full of formulas
    # equality: no construct that Markdown's backslash escapes would eat inside math
    assert [s for s in spans if re.search(r"\\[\\{},!;:|]", s)] == []
    for line in md.splitlines():
        if line.startswith("|"):  # a table row: a pipe inside math would split the cell
            assert all("|" not in s for s in _math_spans(line)), line


@pytest.mark.parametrize(
    ("text", "in_table", "expected"),
    [
        (r"$\left\{1\right\}$", False, r"$\left\lbrace 1\right\rbrace $"),
        (r"$$\begin{matrix}a\\b\end{matrix}$$", False, r"$$\begin{matrix}a\cr b\end{matrix}$$"),
        (r"$a\,b\!c$", False, r"$a\thinspace b\negthinspace c$"),
        (r"$|x|$", True, r"$\vert x\vert $"),
        (r"$|x|$", False, r"$|x|$"),
        (r"text \{ outside $x$", False, r"text \{ outside $x$"),
    ],
)
def test_github_math_table(text: str, in_table: bool, expected: str) -> None:
    from analysis.report.markdown import github_math

    assert github_math(text, in_table=in_table) == expected  # equality


@given(st.text(alphabet="ab ${}\\|,", max_size=40))
def test_github_math_leaves_text_without_dollars(text: str) -> None:
    from analysis.report.markdown import github_math

    plain = text.replace("$", "")
    assert github_math(plain) == plain  # equality: only math spans are rewritten


def test_github_math_rejects_non_text() -> None:
    from analysis.report.markdown import github_math

    with pytest.raises(TypeError, match="text must be a str"):
        github_math(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_region_map_neighbours_differ(seed: int) -> None:
    from analysis.networks import ReLUNetwork
    from analysis.plots.regions import REGION_COLOURS, distinct_colouring, plot_regions_2d
    from analysis.regions import count_regions, region_graph

    net = ReLUNetwork.random((2, 4, 3, 1), seed=seed)
    box = [(-2, 2), (-2, 2)]
    ax = plot_regions_2d(net, box, graph=True)
    n = count_regions(net, box)
    assert ax.get_title() == f"{n} activation regions"  # equality: one polygon per region
    G = region_graph(net, box)
    col = distinct_colouring(G, len(REGION_COLOURS))
    # equality: no two regions sharing a facet share a colour (degrees stay below 12 here)
    assert max(dict(G.degree).values(), default=0) < len(REGION_COLOURS)
    assert all(col[u] != col[v] for u, v in G.edges)
    plt.close(ax.figure)


def test_region_map_rejects_one_input() -> None:
    from analysis.networks import ReLUNetwork
    from analysis.plots.regions import plot_regions_2d

    with pytest.raises(ValueError, match="needs a network with 2 inputs"):
        plot_regions_2d(ReLUNetwork([[[1]], [[1]]], [[0], [0]]), [(-1, 1)])


@pytest.mark.parametrize(
    ("w0", "b0", "w1", "b1", "expected"),
    [
        # h1 = a[x], h2 = a[x - 1]; z = h1 - 2 h2 - 1/4 crosses zero at 1/4 and 7/4
        ([[1], [1]], [0, -1], [[1, -2], [0, 0]], [Fraction(-1, 4), 1], 2),
        # z = h1 + h2 + 1 > 0 everywhere: no crossing
        ([[1], [-1]], [0, 0], [[1, 1], [1, 1]], [1, 1], 0),
        # z = h1 - 1 crosses once, at x = 1
        ([[1], [0]], [0, 1], [[1, 0], [1, 0]], [-1, -1], 1),
    ],
)
def test_second_layer_crossings_against_a_dense_grid(w0, b0, w1, b1, expected) -> None:
    from analysis.networks import ReLUNetwork
    from analysis.report.sections.fine_print_widths import second_layer_crossings

    net = ReLUNetwork([w0, w1, [[1, 1]]], [b0, b1, [0]])
    assert second_layer_crossings(net) == expected  # equality: the table's hand count
    # independent: sign changes of the second layer's pre-activation on a fine grid
    x = np.linspace(-10, 10, 20001)
    h = np.maximum(np.outer(x, np.asarray(w0, float)[:, 0]) + np.asarray(b0, float), 0)
    z = h @ np.asarray(w1, float).T + np.asarray([float(v) for v in b1])
    grid = max(int(np.sum(np.diff(np.sign(z[:, j])[z[:, j] != 0]) != 0)) for j in range(2))
    assert grid == expected  # equality: the grid sees the same crossings


def test_every_check_says_how_its_value_was_obtained(quick_report) -> None:
    rec = json.loads((quick_report.path / "report.json").read_text())
    for s in rec["sections"]:
        for c in s["checks"]:
            assert c["method"], f"{s['key']}: {c['claim'][:60]} has no method"
            assert c["kind"] in ("exact", "upper bound", "lower bound", "asymptote", "empirical")


def test_the_lecture_ids_of_the_whole_lecture_are_present_and_pass(quick_report) -> None:
    rec = json.loads((quick_report.path / "report.json").read_text())
    ok = {c["id"]: c["ok"] for s in rec["sections"] for c in s["checks"] if c["id"]}
    needed = {
        "three_slopes", "shared_joints", "identity_embedding", "convex_regions",
        "momentum_directions", "heavy_ball_phase", "nesterov_phase", "nesterov_lecture_sign",
        "saddle_escape", "newton_saddle", "sgd_variance", "temperature_escape",
        "initial_conditions", "which_optimizer", "regions_vs_neurons", "shallow_vs_deep",
        "sgd_generalisation", "universal_approximation", "depth_efficiency_approximation",
    }  # fmt: skip
    assert needed <= set(ok), sorted(needed - set(ok))
    assert all(ok[i] for i in needed)


def test_which_optimizer_builds_without_scikit_learn(monkeypatch) -> None:
    from analysis import datasets
    from analysis.report.core import ReportContext
    from analysis.report.sections.optimizer_choice import sec_which_optimizer

    def missing() -> None:
        raise ImportError("digits() needs scikit-learn")

    monkeypatch.setattr(datasets, "digits", missing)
    res = sec_which_optimizer(ReportContext(quick=True))
    assert "skipped here" in res.markdown and "digits" not in res.checks[0].value
    assert len(res.checks) == 1  # the claim is still checked, on the other problems
