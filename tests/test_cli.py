"""The command line (figures and sweep) and the recipe registry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from _helpers import fake_home, thermal_study

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


# ---------------------------------------------------------------------------------------------
# qbtoolkit sweep: the output is checked before anything is computed
# ---------------------------------------------------------------------------------------------
STUDY = thermal_study([0.1, 0.49])


def _study(tmp_path, out="out.nc"):
    cfg = tmp_path / "study.toml"
    cfg.write_text(STUDY.format(out=out))
    return cfg


def _unwritable_dir(tmp_path):
    """A directory this process cannot create files in (root ignores permission bits)."""
    if os.geteuid() == 0:
        return Path("/proc/qbtoolkit-test")  # no file can be created under /proc
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return locked


@pytest.mark.parametrize("where", ["read-only", "directory", "under-a-file"])
def test_sweep_refuses_an_unwritable_output_before_computing(tmp_path, capsys, monkeypatch,
                                                             where):
    computed = []
    monkeypatch.setattr("qbtoolkit.studies.config.sweep",
                        lambda *a, **k: computed.append(1))
    if where == "read-only":
        out, match = _unwritable_dir(tmp_path) / "x.nc", "cannot be written"
    elif where == "directory":
        out, match = tmp_path, "is a directory; give a file name"
    else:
        (tmp_path / "plain").write_text("x")
        out, match = tmp_path / "plain" / "x.nc", "cannot be written"
    assert cli.main(["sweep", str(_study(tmp_path)), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"error: output {str(out)!r}" in err and match in err
    assert computed == []


def test_sweep_output_and_checkpoint_expand_home(tmp_path, monkeypatch, capsys):
    home, cwd = fake_home(tmp_path, monkeypatch)
    cfg = _study(tmp_path, out="~/results/x.nc")
    assert cli.main(["sweep", str(cfg), "--checkpoint", "~/ck", "--no-progress"]) == 0
    assert (home / "results" / "x.nc").is_file() and (home / "ck" / "manifest.json").is_file()
    assert not (cwd / "~").exists()
    assert str(home / "results" / "x.nc") in capsys.readouterr().out


def test_interrupted_sweep_prints_the_resume_command(tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        exc = KeyboardInterrupt()
        exc.add_note("qbtoolkit.sweep: 1 of 2 chunks (1 of 2 points) are saved in the "
                     "checkpoint 'ck'")
        raise exc

    monkeypatch.setattr("qbtoolkit.studies.run_study", interrupted)
    cfg = _study(tmp_path)
    assert cli.main(["sweep", str(cfg), "--checkpoint", str(tmp_path / "ck")]) == 130
    err = capsys.readouterr().err
    assert "1 of 2 chunks" in err
    assert f"resume (computes only the missing points): qbtoolkit sweep {cfg} --checkpoint" in err
    assert cli.main(["sweep", str(cfg)]) == 130  # no checkpoint: say how to keep work
    assert "--checkpoint DIR" in capsys.readouterr().err


def test_fresh_flag_discards_a_checkpoint_of_other_code(tmp_path, capsys):
    cfg, ck = _study(tmp_path), tmp_path / "ck"
    out = str(tmp_path / "o.nc")
    assert cli.main(["sweep", str(cfg), "--out", out, "--checkpoint", str(ck),
                     "--no-progress"]) == 0
    cfg.write_text(cfg.read_text().replace("[1.0, 0.5, 0.0]", "[1.0, 0.4, 0.0]"))
    assert cli.main(["sweep", str(cfg), "--out", out, "--checkpoint", str(ck),
                     "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "different code" in err and "--fresh" in err
    assert cli.main(["sweep", str(cfg), "--out", out, "--checkpoint", str(ck), "--fresh",
                     "--no-progress"]) == 0
