"""qbtoolkit.studies and ``qbtoolkit sweep CONFIG.toml``: studies from TOML files."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
import qutip
import xarray as xr
from _helpers import thermal_study

import qbtoolkit as qb
from qbtoolkit import io, ops
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

THERMAL = thermal_study([0.1, 0.49, 0.51])


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
    """Hadipour & Haseli (2025) three-cell NESS ergotropy: lambda = 0.1, T = (1, 0.5, 0)."""
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
        # non-finite numbers (TOML has nan and inf) and numbers given as strings
        (("J = [0.5, 1.0]", "J = [0.5, nan]"), r"grid\['J'\] contains NaN or inf"),
        (("J = [0.5, 1.0]", "J = [0.5, -inf]"), r"grid\['J'\] contains NaN or inf"),
        (("J = [0.5, 1.0]", 'J = ["0.5", "1.0"]'), r"grid\['J'\] gives numbers as strings"),
        (("J = [0.5, 1.0]", 'J = [0.5, "1.0"]'), r"grid\['J'\] mixes numbers and strings"),
        (("stop = 0.2", "stop = nan"), r"config \[grid\] gamma.stop must be finite"),
        (("stop = 0.2", 'stop = "0.2"'), r"config \[grid\] gamma.stop must be a real number"),
        (("omega = 1.0", "omega = inf"), r"config \[params\] omega must be finite"),
        (("stop = 3.0", "stop = nan"), r"config \[times\].stop must be finite"),
        (("start = 0.0\nstop = 3.0", "start = -1.0\nstop = 3.0"),
         r"config \[times\] must start at t >= 0"),
        # metric names: only those the registry evaluates (exactly or refused)
        (('["energy", "ergotropy"]', '["passive_state"]'), "unknown config .study. metric"),
        (('["energy", "ergotropy"]', '["permutation_invariant_ergotropy"]'),
         "unknown config .study. metric"),
        (('output = "', 'output = 3 #"'), r"config \[study\] output must be a path"),
    ],
)
def test_bad_configs_name_the_problem(tmp_path, edit, match):
    old, new = edit
    assert old in CHARGING
    with pytest.raises(ValueError, match=match):
        load_config(_write(tmp_path, CHARGING.replace(old, new)))


TAVIS_CUMMINGS = """
[study]
model = "collective_battery"
metrics = {metrics}
output = "{out}"
backend = "serial"
method = "expm"

[params]
N = 3
kind = "tavis_cummings"
kappa = 0.05

[grid]
g = [0.1, 0.3]

[times]
start = 0.0
stop = 20.0
num = 41
"""


def _full_tavis_cummings(N, g, kappa, times):
    """The same charging in the full 2^N qubit space (no symmetric-subspace reduction):
    H = a^dag a + sum_i n_i + g sum_i (sigma_+^i a + sigma_-^i a^dag), cavity loss kappa,
    N photons and all qubits in |g> at t = 0; returns the qubits' states."""
    nc = N + 1
    a = qutip.tensor(qutip.destroy(nc), *[qutip.qeye(2)] * N)

    def local(op, i):
        return qutip.tensor(qutip.qeye(nc), *[op if j == i else qutip.qeye(2) for j in range(N)])

    sm = [local(ops.sigma_minus(), i) for i in range(N)]
    H = a.dag() * a + sum(s.dag() * s for s in sm) + g * sum(s.dag() * a + s * a.dag()
                                                              for s in sm)
    rho0 = qutip.ket2dm(qutip.tensor(qutip.basis(nc, N), *[qutip.basis(2, 0)] * N))
    res = qutip.mesolve(H, rho0, times, c_ops=[np.sqrt(kappa) * a],
                        options={"atol": 1e-12, "rtol": 1e-10})
    return np.stack([s.ptrace(list(range(1, N + 1))).full() for s in res.states])


def test_reduced_representation_model_gives_exact_ergotropy_or_a_refusal(tmp_path):
    """collective_battery(3, "tavis_cummings") stores the battery in the symmetric subspace;
    the study's ergotropy must equal that of the full 2^N simulation (the naive value of the
    stored (N+1)x(N+1) matrices is off by ~0.6), and metrics without an exact route are
    refused."""
    ds = run_study(_write(tmp_path, TAVIS_CUMMINGS, metrics='["energy", "ergotropy"]'),
                   save=False, progress=False)
    times = ds["time"].values
    n_excited = np.diag([bin(k).count("1") for k in range(8)]).astype(float)  # H_B, omega0 = 1
    for g in (0.1, 0.3):
        full = _full_tavis_cummings(3, g, 0.05, times)
        erg, energy = qb.ergotropy(full, n_excited), qb.energy(full, n_excited)
        scale = 3.0  # the battery's spectral width N omega0
        np.testing.assert_allclose(ds["ergotropy"].sel(g=g), erg, rtol=0, atol=1e-7 * scale)
        np.testing.assert_allclose(ds["energy"].sel(g=g), energy, rtol=0, atol=1e-7 * scale)
    model = qb.models.collective_battery(3, "tavis_cummings", g=0.3, kappa=0.05)
    stored = qb.evolve(model, times, method="expm").battery_states
    naive = qb.ergotropy(stored, model.H_battery)
    assert np.max(np.abs(naive - ds["ergotropy"].sel(g=0.3).values)) > 0.3  # the trap is real
    with pytest.raises(ValueError, match="cannot be computed on states stored as 3 qubits"):
        run_study(_write(tmp_path, TAVIS_CUMMINGS, metrics='["l1_coherence"]'), save=False,
                  progress=False)


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
