"""Repository-level pytest configuration."""

from __future__ import annotations

import os

from hypothesis import settings

# CI runs are reproducible (derandomized examples); local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# Figure recipes called by the tests use small grids; figures render without a display.
# (tools/notebooks.py gives each notebook kernel its own environment.)
os.environ.setdefault("QBTOOLKIT_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
