"""The shape of the package: layers, no import cycles, small modules named after what they hold.

Layers, lowest first: ``theory`` (depends on nothing of ours) <- the analysis core <- the plots
and the report <- the command line. A module may import its own layer or a lower one, never a
higher one, and no set of modules imports itself round in a cycle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theory", "analysis")


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for p in (ROOT / pkg).rglob("*.py"):
            name = ".".join(p.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = p
    return out


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at module level?) for every import of one of our modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for n in names:
            if n in MODULES:
                out.append((n, id(node) in top))
    return out


def _layer(module: str) -> int:
    if module.startswith("theory"):
        return 0
    if module.startswith("analysis.cli"):
        return 3
    if module.startswith(("analysis.plots", "analysis.report")):
        return 2
    return 1


GRAPH = {m: {t for t, _ in _imports(p) if t != m} for m, p in MODULES.items()}


def test_no_import_cycles():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []  # equality: no strongly connected set of more than one module


def test_no_module_imports_a_higher_layer():
    bad = [(m, t) for m, ts in GRAPH.items() for t in ts if _layer(t) > _layer(m)]
    assert bad == []  # equality: theory <- analysis core <- plots/report <- cli


def test_own_modules_are_imported_at_module_level():
    """Function-local imports of our modules only for the plotting modules (matplotlib)."""
    local = [
        (m, t)
        for m, p in MODULES.items()
        for t, at_top in _imports(p)
        if not at_top and not t.startswith("analysis.plots")
    ]
    assert local == []  # equality


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_small_and_named_by_what_they_hold(module):
    path = MODULES[module]
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= 460, f"{module} has {n} lines"  # upper bound (~450)
    stem = path.stem
    assert not re.search(r"\d", stem), f"{module}: a number in a file name"
    assert not re.search(r"_(fast|float|slow|new|old|helpers?)$", stem), module
    assert not (stem.startswith("_") and stem != "__init__" and stem != "__main__"), module


def test_package_inits_only_re_export():
    for m, p in MODULES.items():
        if p.name != "__init__.py":
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in tree.body:
            ok = isinstance(node, (ast.Import, ast.ImportFrom)) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            )
            ok = ok or (
                isinstance(node, ast.Assign)
                and all(getattr(t, "id", "") == "__all__" for t in node.targets)
            )
            if m in ("analysis.regions.methods", "analysis.report.sections"):
                ok = True  # the method table; the sections' order
            assert ok, f"{m}: {ast.dump(node)[:80]}"
