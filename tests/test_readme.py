"""Every Python example of the README runs as written (each in a fresh interpreter), and its
figure gallery lists exactly the registered figures, each linking to a file in ``figures/``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_readme_example_runs(k, tmp_path):
    script = tmp_path / f"example_{k}.py"
    script.write_text(BLOCKS[k])
    env = {**os.environ, "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]


def test_readme_gallery_lists_every_figure():
    from qbtoolkit import papers

    root = README.parent
    linked = re.findall(r"^\| \[`([^`]+)`\]\((figures/[^)]+\.png)\) \|", README.read_text(), re.M)
    ids = [f.id for f in papers.all_figures()]
    assert sorted(i for i, _ in linked) == sorted(ids)
    for fid, path in linked:
        assert path == f"figures/{fid}.png", (fid, path)
        assert (root / path).is_file(), f"{path} missing: run `qbtoolkit figures make`"
