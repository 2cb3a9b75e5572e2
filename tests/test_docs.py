"""The documentation site (docs/): complete, and built with warnings as errors.

Fast checks: every public module of the package has a page in the API reference (and every
module listed there exists), and every paper with registered figures has a page. Slow check:
``sphinx-build -W --keep-going -b html docs <tmp>`` succeeds without a single warning, and the
built gallery shows every registered figure.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "qbtoolkit"


def public_modules() -> set[str]:
    """Dotted names of every module and package under qbtoolkit/ without a private part."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not any(p.startswith("_") for p in parts[1:]):
            names.add(".".join(parts))
    return names


def documented_modules() -> list[str]:
    """Modules listed in the API reference (the ``qb-modules`` tables of docs/api/*.rst)."""
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from qbdocs import listed_modules
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return listed_modules(DOCS)


def test_public_modules_found():
    """The walk sees the package (a broken walk would make the next test vacuous)."""
    mods = public_modules()
    assert {"qbtoolkit", "qbtoolkit.dynamics.evolve", "qbtoolkit.metrics.registry"} <= mods
    assert not any(".__main__" in m or "._" in m for m in mods)


def test_every_public_module_is_in_the_api_reference():
    missing = sorted(public_modules() - set(documented_modules()))
    assert not missing, (
        "modules without a page in the API reference; add them to a qb-modules table of "
        f"docs/api/index.rst: {missing}")


def test_api_reference_lists_only_existing_modules_once():
    listed = documented_modules()
    stale = sorted(set(listed) - public_modules())
    assert not stale, f"docs/api/index.rst lists modules that do not exist: {stale}"
    assert len(listed) == len(set(listed)), "docs/api/index.rst lists a module twice"


def test_every_paper_has_a_page():
    from qbtoolkit import papers

    wanted = {f.paper for f in papers.all_figures()}
    pages = {p.stem for p in (DOCS / "papers").glob("*.md")} - {"index"}
    assert wanted, "no figure registered"
    assert not wanted - pages, f"papers without a page docs/papers/<paper>.md: {wanted - pages}"
    assert not pages - wanted, f"paper pages without registered figures: {pages - wanted}"


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    out = tmp_path / "html"
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
           "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    log = proc.stdout + proc.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert proc.returncode == 0 and not warnings, (
        f"sphinx-build failed (exit {proc.returncode}):\n" + "\n".join(warnings or [log[-4000:]]))

    from qbtoolkit import papers

    gallery = (out / "gallery.html").read_text()
    shown = set(re.findall(r'<img[^>]+alt="([^"]*)"', gallery))
    titles = {f.title for f in papers.all_figures()}
    shown = {html.unescape(t) for t in shown}
    assert titles <= shown, (
        f"figures missing from the gallery: {sorted(titles - shown)}")
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    rendered = {p.stem for p in (out / "generated" / "notebooks").glob("*.html")}
    assert notebooks and notebooks <= rendered, f"notebooks not rendered: {notebooks - rendered}"
