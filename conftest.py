"""Repository-level pytest configuration (applies to tests/ and notebooks/)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# CI runs are reproducible (derandomized examples); local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# Notebooks executed by nbmake inherit the environment: small grids in the test suite.
os.environ.setdefault("QBTOOLKIT_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_modifyitems(config, items):
    """Notebook runs (nbmake) belong to the slow step."""
    for item in items:
        if str(getattr(item, "path", "")).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
