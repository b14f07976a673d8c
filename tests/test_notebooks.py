"""The lesson notebooks: stored without outputs, generated from notebooks/build.py, and each
executed top to bottom (a failing cell fails the test)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_three_lessons():
    assert [p.name for p in NOTEBOOKS] == [
        "01_optimizers.ipynb",
        "02_linear_regions.ipynb",
        "03_training.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


def _missing(*mods: str) -> list[str]:
    return [m for m in mods if importlib.util.find_spec(m) is None]


@pytest.mark.skipif(bool(_missing("nbformat")), reason="needs nbformat (the [test] extra)")
def test_stored_notebooks_are_what_build_py_writes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("nb_build", ROOT / "notebooks" / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    import nbformat

    for name, cells in mod.LESSONS.items():
        out = tmp_path / name
        nbformat.write(mod.build(name, cells), out)
        assert out.read_text(encoding="utf-8") == (ROOT / "notebooks" / name).read_text(
            encoding="utf-8"
        ), f"{name} is stale: run python notebooks/build.py"


@pytest.mark.skipif(
    bool(_missing("nbclient", "nbformat", "ipykernel")),
    reason="executing notebooks needs nbclient, nbformat and ipykernel (the [test] extra)",
)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # anything a cell writes lands here
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
