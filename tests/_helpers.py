"""Helpers shared by several test modules (figures, sweep point modules, study configs)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

#: A study of the three-qubit thermal network (ergotropy over the couplings): a TOML template
#: with the placeholders ``{out}`` (output file) and ``{couplings}`` (the grid).
_THERMAL_STUDY = """
[study]
model = "thermal_network"
metrics = ["ergotropy"]
output = "{out}"
backend = "serial"

[params]
omegas = [1.0, 1.0, 1.0]
temperatures = [1.0, 0.5, 0.0]

[grid]
couplings = {couplings}
"""


def thermal_study(couplings: Sequence[float]) -> str:
    """The thermal-network study config over ``couplings``, its output left as ``{out}``.

    Parameters
    ----------
    couplings : sequence of float
        The grid of the coupling.

    Returns
    -------
    str
        TOML text; ``.format(out=...)`` fills in the output file.
    """
    return _THERMAL_STUDY.replace("{couplings}", repr([float(c) for c in couplings]))


def drawn_figures(paper: str, names: Sequence[str]) -> Iterator[dict[str, tuple[Any, Any]]]:
    """Compute (quick grids) and draw the registered figures of a paper; close them after.

    Meant for a fixture: ``yield from drawn_figures(PAPER, NAMES)``.

    Parameters
    ----------
    paper : str
        The paper's id in :mod:`qbtoolkit.papers`.
    names : sequence of str
        The figure names.

    Yields
    ------
    dict of str to (xarray.Dataset, matplotlib.figure.Figure)
        The data and the drawn figure of every name.
    """
    import matplotlib.pyplot as plt

    from qbtoolkit import papers

    out = {}
    for name in names:
        recipe = papers.get(f"{paper}/{name}")
        ds = recipe.compute(quick=True)
        out[name] = (ds, recipe.plot(ds))
    yield out
    for _, fig in out.values():
        plt.close(fig)


def axes_and_texts(fig: Any) -> tuple[list[Any], list[str]]:
    """Every axes of a figure (inset axes too) and every text drawn on it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The drawn figure.

    Returns
    -------
    axes : list of matplotlib.axes.Axes
        The figure's axes followed by their child axes.
    texts : list of str
        The text of every artist that has one.
    """
    axes = list(fig.axes)
    for ax in fig.axes:
        axes += ax.child_axes
    return axes, [t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text"))]


@contextlib.contextmanager
def point_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str, source: str,
                 sleep: str | None = "0") -> Iterator[ModuleType]:
    """Import ``source`` as a fresh module of sweep points that log their calls to a directory.

    The module is written to ``tmp_path`` under a name unique to the test (so that worker
    processes can import it too), ``QB_SWEEP_CALLS`` names the call directory, and the
    module is forgotten afterwards.

    Parameters
    ----------
    tmp_path : Path
        The test's temporary directory.
    monkeypatch : pytest.MonkeyPatch
        Sets ``sys.path`` and the environment for the test only.
    prefix : str
        Start of the module name.
    source : str
        The module's code.
    sleep : str or None, default "0"
        ``QB_SWEEP_SLEEP`` (seconds a point sleeps); None leaves it unset.

    Yields
    ------
    ModuleType
        The module, with ``calls_dir`` (the call directory) and ``name`` (its module name).
    """
    name = f"{prefix}_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    calls = tmp_path / "calls"
    calls.mkdir()
    monkeypatch.setenv("QB_SWEEP_CALLS", str(calls))
    if sleep is not None:
        monkeypatch.setenv("QB_SWEEP_SLEEP", sleep)
    module = __import__(name)
    module.calls_dir, module.name = calls, name
    try:
        yield module
    finally:
        sys.modules.pop(name, None)


def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Point ``HOME`` at a fresh directory and work from another one, for the test only.

    Parameters
    ----------
    tmp_path : Path
        The test's temporary directory.
    monkeypatch : pytest.MonkeyPatch
        Sets ``HOME`` and the working directory for the test only.

    Returns
    -------
    home, cwd : Path
        The new home and working directories (both empty).
    """
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    return home, cwd
