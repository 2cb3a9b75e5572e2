"""Execute the notebooks under a real Jupyter kernel and check what they display.

    python tools/notebooks.py execute [NOTEBOOK ...]   # full run, outputs written in place
    python tools/notebooks.py check                   # committed outputs current and complete

A full run (``QBTOOLKIT_QUICK`` unset) writes every output into the notebook together with
``metadata["qbtoolkit"]["source_sha256"]``, the hash of its code cells; ``check`` fails if the
code changed since (outputs not current), a code cell was not executed, a cell raised, or a
cell that draws a figure has no image. The test suite runs the same checks (committed
notebooks in the default step, a quick re-execution under a kernel in the slow step).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: A code cell draws a figure when it calls a plotting function.
PLOTS = re.compile(r"\.plot\(|\bplt\.|subplots\(|\.imshow\(|\.pcolormesh\(|\.contourf?\(|"
                   r"\.scatter\(|plot_\w+\(")


def notebooks() -> list[Path]:
    """Every notebook of the repository, sorted."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def code_hash(nb: Any) -> str:
    """SHA-256 of the notebook's code cells (sources joined in order)."""
    src = "\n\x00\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return hashlib.sha256(src.encode()).hexdigest()


def draws_figure(cell: Any) -> bool:
    return cell.cell_type == "code" and bool(PLOTS.search(cell.source))


def problems(nb: Any, *, committed: bool) -> list[str]:
    """What is wrong with an executed notebook (empty list: nothing)."""
    out = []
    if committed:
        meta = nb.metadata.get("qbtoolkit", {})
        if meta.get("source_sha256") != code_hash(nb):
            out.append("outputs are not current: code changed since the last full run "
                       "(run `python tools/notebooks.py execute`)")
        if meta.get("quick", True):
            out.append("outputs do not come from a full run (quick mode)")
    counts = []
    for k, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        if c.execution_count is None:
            out.append(f"cell {k} was not executed")
        else:
            counts.append(c.execution_count)
        for o in c.outputs:
            if o.output_type == "error":
                out.append(f"cell {k} raised {o.ename}: {o.evalue}")
        if draws_figure(c) and not any("image/png" in o.get("data", {}) for o in c.outputs):
            out.append(f"cell {k} draws a figure but shows no image")
    if counts != sorted(counts) or len(set(counts)) != len(counts):
        out.append("cells were not executed once each, in order")
    return out


def execute(path: Path, *, quick: bool, timeout: int = 1800) -> Any:
    """Run a notebook under a fresh ``python3`` kernel (inline backend) and return it."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    saved = {k: os.environ.get(k) for k in ("QBTOOLKIT_QUICK", "MPLBACKEND")}
    os.environ.pop("MPLBACKEND", None)  # the kernel must use the inline backend
    if quick:
        os.environ["QBTOOLKIT_QUICK"] = "1"
    else:
        os.environ.pop("QBTOOLKIT_QUICK", None)
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    nb.metadata["qbtoolkit"] = {"source_sha256": code_hash(nb), "quick": quick}
    return nb


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("execute", "check"):
        print(__doc__)
        return 2
    paths = [Path(p) for p in argv[1:]] or notebooks()
    bad = 0
    for path in paths:
        if argv[0] == "execute":
            nb = execute(path, quick=False)
            nbformat.write(nb, path)
            issues = problems(nb, committed=True)
        else:
            issues = problems(nbformat.read(path, as_version=4), committed=True)
        for msg in issues:
            print(f"{path.name}: {msg}")
        bad += bool(issues)
        if not issues:
            print(f"{path.name}: ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
