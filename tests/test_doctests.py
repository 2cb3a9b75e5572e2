"""The Examples sections of the docstrings run, and print what they say.

Every module of the package (private ones too: an example anywhere must be right) is
imported and its doctests run with ``doctest`` (``NORMALIZE_WHITESPACE | ELLIPSIS``), one test
per module. The examples are small and print rounded numbers that their own lines check
against closed forms; the whole set runs in seconds. A module without examples passes
trivially, so a last test makes sure the examples of the core API are actually collected.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil

import pytest

import qbtoolkit

os.environ.setdefault("MPLBACKEND", "Agg")  # an example that draws must never open a window

FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _modules() -> list[str]:
    names = ["qbtoolkit"]
    names += [m.name for m in pkgutil.walk_packages(qbtoolkit.__path__, "qbtoolkit.")
              if m.name.rsplit(".", 1)[-1] != "__main__"]
    return sorted(names)


MODULES = _modules()


def _finder() -> doctest.DocTestFinder:
    return doctest.DocTestFinder(exclude_empty=True)


@pytest.mark.parametrize("modname", MODULES)
def test_module_doctests(modname):
    mod = importlib.import_module(modname)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    failures: list[str] = []
    for test in _finder().find(mod, modname, globs={}):
        runner.run(test, out=failures.append)
    assert not failures, "".join(failures)


def test_core_examples_are_collected():
    """Doctests of the core API are found (a broken finder would make the tests vacuous)."""
    mod = importlib.import_module("qbtoolkit.metrics.work")
    names = {t.name for t in _finder().find(mod, mod.__name__) if t.examples}
    assert "qbtoolkit.metrics.work.ergotropy" in names
    total = sum(len(t.examples) for m in MODULES
                for t in _finder().find(importlib.import_module(m), m))
    assert total > 300, f"only {total} doctest examples collected"
