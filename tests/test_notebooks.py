"""The notebooks, as a user meets them: under a real Jupyter kernel, every figure displayed.

* Default step: the committed notebooks carry the outputs of a full run of their current code
  (``tools/notebooks.py execute``), every code cell executed once in order, no error, and an
  image in every cell that draws a figure.
* Slow step: each notebook is executed again under a fresh ``python3`` kernel (inline backend,
  quick grids) and the same is required of the fresh outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import notebooks as nbtools  # noqa: E402

NOTEBOOKS = nbtools.notebooks()


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"your_own_battery.ipynb", "thermal_machines.ipynb"} <= names
    assert len(names) >= 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_are_current_and_complete(path):
    assert nbtools.problems(nbformat.read(path, as_version=4), committed=True) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_reference_outside_the_repository(path):
    text = path.read_text()
    assert "SPEC" not in text and "../shared" not in text


def test_checker_catches_a_missing_figure():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("fig, ax = plt.subplots()\nax.plot([1, 2])")]
    nb.cells[0].execution_count = 1
    assert any("shows no image" in p for p in nbtools.problems(nb, committed=False))
    nb.metadata["qbtoolkit"] = {"source_sha256": "0" * 64, "quick": False}
    assert any("not current" in p for p in nbtools.problems(nb, committed=True))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_under_a_kernel_shows_every_figure(path):
    nb = nbtools.execute(path, quick=True, timeout=900)
    assert nbtools.problems(nb, committed=False) == []
