"""The figures CLI and the recipe registry."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from qbtoolkit import cli, papers
from qbtoolkit.plotting import subplots


def _demo_compute(quick: bool = False) -> xr.Dataset:
    t = np.linspace(0, 1, 5 if quick else 50)
    return xr.Dataset({"y": ("t", t**2)}, coords={"t": t})


def _demo_plot(data: xr.Dataset):
    fig, ax = subplots()
    ax.plot(data.t, data.y)
    return fig


@pytest.fixture
def demo_recipe():
    recipe = papers.register("zz_demo", "fig1", "demo figure", _demo_compute, _demo_plot)
    yield recipe
    papers._REGISTRY.pop(recipe.id)


def test_registry_lookup(demo_recipe):
    assert papers.get("zz_demo/fig1") is demo_recipe
    assert papers.select(["zz_demo"]) == [demo_recipe]
    with pytest.raises(ValueError, match="unknown figure id 'nope/fig9'"):
        papers.get("nope/fig9")
    with pytest.raises(ValueError, match="registered twice"):
        papers.register("zz_demo", "fig1", "other", lambda quick=False: None, _demo_plot)


def test_figures_make_writes_png(demo_recipe, tmp_path, capsys):
    assert cli.main(["figures", "make", "zz_demo/fig1", "--quick", "--out", str(tmp_path),
                     "--no-progress"]) == 0
    png = tmp_path / "zz_demo" / "fig1.png"
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert cli.main(["figures", "make", "nope/fig9", "--out", str(tmp_path)]) == 2
    assert "unknown figure id" in capsys.readouterr().err


def test_figures_list_console_script():
    out = subprocess.run([sys.executable, "-m", "qbtoolkit", "figures", "list"],
                         capture_output=True, text=True, check=True).stdout
    for recipe in papers.all_figures():
        assert recipe.id in out


def test_quick_mode_env(monkeypatch):
    monkeypatch.setenv("QBTOOLKIT_QUICK", "1")
    assert papers.quick_mode()
    monkeypatch.setenv("QBTOOLKIT_QUICK", "0")
    assert not papers.quick_mode()


@pytest.mark.slow
def test_every_figure_regenerates_quick(tmp_path):
    """All registered figures regenerate from the CLI in quick mode (CI smoke run)."""
    figs = papers.all_figures()
    assert figs, "no figures registered"
    assert cli.main(["figures", "make", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    for recipe in figs:
        assert (tmp_path / recipe.paper / f"{recipe.name}.png").stat().st_size > 10_000
