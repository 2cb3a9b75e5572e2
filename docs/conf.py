"""Sphinx configuration of the qbtoolkit documentation.

Build (warnings are errors, as in CI)::

    .venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

Everything that can go stale is generated at build time by ``_ext/qbdocs.py``: the figure
lists of the paper pages and the gallery (from ``qbtoolkit.papers.all_figures()``), the table
of dynamics backends (from ``qbtoolkit.dynamics.backends.BACKENDS``), the table of metric
names (from ``qbtoolkit.metrics.registry``) and the copies of ``notebooks/*.ipynb`` that
myst-nb renders with their stored outputs (never executed here).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # document the tree being built, not another installed copy
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")  # importing the recipes must never open a window

import qbtoolkit  # noqa: E402

project = "qbtoolkit"
author = "qbtoolkit developers"
copyright = "qbtoolkit developers"
release = qbtoolkit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "qbdocs",
]

root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "README.md"]

# -- API reference ---------------------------------------------------------------------------
# One page per module: docs/api/index.rst lists them, _ext/qbdocs.py writes the pages (a page
# documents what its module defines; names a package re-exports are documented once, where
# they are defined). autosummary only draws the summary tables inside the pages.
autosummary_generate = False
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = False  # its source parser fails on some multi-line signatures
autodoc_inherit_docstrings = False

# numpydoc parses the docstrings; the member tables of classes come from the module template
# (numpydoc's own would need stub pages for every method).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- MyST and notebooks ----------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # render the committed outputs; the test suite executes notebooks
nb_merge_streams = True

# -- HTML ------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"qbtoolkit {release}"
html_static_path = ["_static"]
html_css_files = ["qbdocs.css"]
html_show_sourcelink = False
html_theme_options = {
    "navigation_depth": 3,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"gallery": [], "index": []}
