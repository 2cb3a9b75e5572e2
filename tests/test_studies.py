"""qbtoolkit.studies and ``qbtoolkit sweep CONFIG.toml``: studies from TOML files."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
import xarray as xr

from qbtoolkit import io
from qbtoolkit.cli import main
from qbtoolkit.studies import load_config, run_study

CHARGING = """
[study]
model = "charger_battery"
metrics = ["energy", "ergotropy"]
output = "{out}"
backend = "serial"
method = "expm"

[params]
omega = 1.0

[grid]
J = [0.5, 1.0]
gamma = {{ start = 0.0, stop = 0.2, num = 2 }}

[times]
start = 0.0
stop = 3.0
num = 7
"""

THERMAL = """
[study]
model = "thermal_network"
metrics = ["ergotropy"]
output = "{out}"
backend = "serial"

[params]
omegas = [1.0, 1.0, 1.0]
temperatures = [1.0, 0.5, 0.0]

[grid]
couplings = [0.1, 0.49, 0.51]
"""


def _write(tmp_path, text, **fmt):
    path = tmp_path / "study.toml"
    path.write_text(textwrap.dedent(text).format(out=tmp_path / "out.nc", **fmt))
    return path


def test_charging_study_matches_closed_form_and_is_saved(tmp_path):
    ds = run_study(_write(tmp_path, CHARGING), progress=False)
    assert ds["energy"].dims == ("J", "gamma", "time")
    np.testing.assert_allclose(ds["gamma"], [0.0, 0.2])
    # lossless charger -> battery transfer: E_b = omega sin^2(J t) (Downing & Ukhtary, Eq. 9)
    t = ds["time"].values
    for J in (0.5, 1.0):
        np.testing.assert_allclose(ds["energy"].sel(J=J, gamma=0.0), np.sin(J * t) ** 2,
                                   atol=1e-9)
    # charger decay slows the charging at the first times
    assert float(ds["energy"].sel(J=1.0, gamma=0.2, time=1.0)) < np.sin(1.0) ** 2
    assert np.all(ds["ergotropy"] <= ds["energy"] + 1e-12)
    assert ds.attrs["study_model"] == "charger_battery"
    xr.testing.assert_identical(io.load(tmp_path / "out.nc"), ds)


def test_steady_state_study_reproduces_spec_values(tmp_path):
    """Hadipour & Haseli three-cell NESS ergotropy (SPEC.md 004: lambda = 0.1, T = (1, 0.5, 0))."""
    ds = run_study(_write(tmp_path, THERMAL), progress=False, save=False)
    assert ds["ergotropy"].dims == ("couplings",)
    np.testing.assert_allclose(ds["ergotropy"].values, [0.039266, 0.07407, 0.0583], atol=1e-4)
    np.testing.assert_allclose(float(ds["ergotropy"][0]), 0.039266, atol=1e-6)


def test_cli_sweep_writes_the_output(tmp_path, capsys):
    cfg = _write(tmp_path, THERMAL)
    out = tmp_path / "cli.nc"
    assert main(["sweep", str(cfg), "--out", str(out), "--workers", "2", "--no-progress"]) == 0
    assert str(out) in capsys.readouterr().out
    ds = io.load(out)
    np.testing.assert_allclose(float(ds["ergotropy"][0]), 0.039266, atol=1e-6)
    assert ds.attrs["sweep_backend"] == "serial"

    assert main(["sweep", str(tmp_path / "missing.toml")]) == 2
    assert "is not a file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (('model = "charger_battery"', 'model = "flux_capacitor"'), "unknown config .study. model"),
        (('["energy", "ergotropy"]', '["energy", "work"]'), "unknown config .study. metric 'work'"),
        (("J = [0.5, 1.0]", "Jz = [0.5, 1.0]"), r"unknown parameter.*'Jz'.*charger_battery"),
        (("J = [0.5, 1.0]", "J = []"), r"grid\['J'\] is empty"),
        (("J = [0.5, 1.0]", "J = [[0.5, 1.0]]"), r"grid\['J'\] must be a 1-D"),
        (("J = [0.5, 1.0]", "J = 0.5"), "list of values"),
        (("omega = 1.0", "gamma = 0.1"), "both in .params. and .grid."),
        (('backend = "serial"', 'backend = "gpu"'), "unknown config .study. backend"),
        (('backend = "serial"', 'backnd = "serial"'), r"unknown key\(s\) \['backnd'\]"),
        (("[params]", "[parameters]"), r"unknown table\(s\) \['parameters'\]"),
        (("num = 7", "num = 0"), r"config \[times\].num must be an integer >= 1"),
    ],
)
def test_bad_configs_name_the_problem(tmp_path, edit, match):
    old, new = edit
    assert old in CHARGING
    with pytest.raises(ValueError, match=match):
        load_config(_write(tmp_path, CHARGING.replace(old, new)))


def test_missing_keys_and_bad_toml(tmp_path):
    with pytest.raises(ValueError, match="missing key 'output'"):
        load_config({"study": {"model": "charger_battery", "metrics": ["energy"]},
                     "grid": {"J": [1.0]}})
    with pytest.raises(ValueError, match="at least one swept parameter"):
        load_config({"study": {"model": "charger_battery", "metrics": ["energy"],
                               "output": "x.nc"}})
    bad = tmp_path / "bad.toml"
    bad.write_text("[study\nmodel=")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_config(bad)
