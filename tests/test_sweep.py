"""qbtoolkit.sweep: labelled results, identical backends, checkpoint/resume, bad grids.

Checkpoint identity, locks and corrupt files: test_sweep_identity.py, test_sweep_checkpoint.py;
Ctrl-C, SIGKILL and failing points: test_sweep_interrupt.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from _helpers import point_module

import qbtoolkit as qb
from qbtoolkit.studies import StudyPoint, annotate, sweep

GRID = {"gamma": [0.1, 0.2, 0.4], "theta": [0.5, 1.5]}
TIMES = np.linspace(0.0, 4.0, 9)


@annotate(
    energy={"units": "omega", "long_name": "battery energy", "dims": ("time",)},
    time={"units": "1/omega"},
    gamma={"units": "omega", "long_name": "decay rate"},
    amplitude="dimensionless",
)
def decay(gamma, theta):
    """Closed-form amplitude-damped excited population (a plain numpy sweep function)."""
    p0 = np.sin(theta / 2) ** 2
    return {
        "energy": p0 * np.exp(-gamma * TIMES),
        "time": TIMES,
        "amplitude": p0,
        "coherence": 0.5 * np.sin(theta) * np.exp(-gamma * TIMES[-1] / 2) * (1 + 1j),
    }


def _closed_form(gamma, theta):
    return np.sin(theta / 2) ** 2 * np.exp(-gamma * TIMES)


def _same_data(a: xr.Dataset, b: xr.Dataset) -> None:
    """Equal data, coordinates and variable attributes; provenance may differ only in
    ``created``/``sweep_backend``."""
    xr.testing.assert_identical(a.drop_attrs(deep=False), b.drop_attrs(deep=False))
    skip = {"created", "sweep_backend"}
    assert {k: v for k, v in a.attrs.items() if k not in skip} == {
        k: v for k, v in b.attrs.items() if k not in skip
    }


# ---------------------------------------------------------------------------------------------
# Result layout
# ---------------------------------------------------------------------------------------------
def test_product_layout_units_and_values():
    ds = sweep(decay, GRID, backend="serial", progress=False)
    assert ds["energy"].dims == ("gamma", "theta", "time")
    assert ds["amplitude"].dims == ("gamma", "theta")
    np.testing.assert_array_equal(ds["gamma"], GRID["gamma"])
    np.testing.assert_array_equal(ds["time"], TIMES)
    for g in GRID["gamma"]:
        for th in GRID["theta"]:
            np.testing.assert_allclose(
                ds["energy"].sel(gamma=g, theta=th), _closed_form(g, th), rtol=1e-14
            )
    assert ds["coherence"].dtype == np.complex128
    assert ds["energy"].attrs == {"units": "omega", "long_name": "battery energy"}
    assert ds["amplitude"].attrs["units"] == "dimensionless"
    assert ds["time"].attrs["units"] == "1/omega"
    assert ds["gamma"].attrs == {"units": "omega", "long_name": "decay rate"}
    assert ds.attrs["sweep_function"].endswith("decay")
    assert json.loads(ds.attrs["sweep_grid"]) == GRID
    assert ds.attrs["qutip_version"] and ds.attrs["qbtoolkit_version"]
    assert ds.attrs["sweep_mode"] == "product" and ds.attrs["sweep_backend"] == "serial"


def test_zip_mode_has_point_dimension():
    ds = sweep(decay, {"gamma": [0.1, 0.3], "theta": [1.0, 2.0]}, mode="zip", backend="serial",
               progress=False)
    assert ds["energy"].dims == ("point", "time")
    np.testing.assert_array_equal(ds["theta"].values, [1.0, 2.0])
    np.testing.assert_allclose(ds["energy"][1], _closed_form(0.3, 2.0), rtol=1e-14)


def test_dataset_outputs_of_evolve_keep_time_and_units():
    def charge(J):
        model = qb.models.charger_battery(J=J)
        return qb.evolve(model, np.linspace(0, 3, 7), method="expm").evaluate(
            {"energy": qb.energy}
        )

    ds = sweep(charge, {"J": [0.5, 1.0]}, backend="serial", progress=False)
    assert ds["energy"].dims == ("J", "time")
    assert "units" in ds["energy"].attrs and "units" in ds["time"].attrs
    # full charger -> battery transfer: E_b(t) = omega sin^2(J t) (Downing & Ukhtary, gamma = 0)
    expected = np.sin(np.outer([0.5, 1.0], np.linspace(0, 3, 7))) ** 2
    np.testing.assert_allclose(ds["energy"].values, expected, atol=1e-9)


def test_inconsistent_outputs_are_refused():
    def ragged(n):
        return {"y": np.zeros(n)}

    with pytest.raises(ValueError, match="different shapes"):
        sweep(ragged, {"n": [2, 3]}, backend="serial", chunk=2, progress=False)

    def moving_coord(a):
        return xr.Dataset({"y": ("t", [a, a])}, coords={"t": [0.0, a]})

    with pytest.raises(ValueError, match="coordinate 't' differs"):
        sweep(moving_coord, {"a": [1.0, 2.0]}, backend="serial", chunk=1, progress=False)

    with pytest.raises(TypeError, match="must return a dict"):
        sweep(lambda a: a, {"a": [1.0]}, backend="serial", progress=False)


# ---------------------------------------------------------------------------------------------
# Backends give identical results
# ---------------------------------------------------------------------------------------------
def test_serial_equals_processes_including_lambdas():
    serial = sweep(decay, GRID, backend="serial", progress=False)
    procs = sweep(decay, GRID, backend="processes", workers=2, chunk=2, progress=False)
    _same_data(serial, procs)
    assert procs.attrs["sweep_backend"] == "processes"
    # a closure is not picklable by reference: it is shipped with cloudpickle
    scale = 3.0
    ds = sweep(lambda a: {"y": scale * a}, {"a": [1.0, 2.0]}, workers=2, progress=False)
    np.testing.assert_array_equal(ds["y"], [3.0, 6.0])


def test_worker_processes_run_single_threaded_blas():
    def threads(a):
        from threadpoolctl import threadpool_info

        n = max([p["num_threads"] for p in threadpool_info()] or [1])
        return {"blas": n, "omp": int(os.environ.get("OMP_NUM_THREADS", "0"))}

    ds = sweep(threads, {"a": [0, 1, 2, 3]}, workers=2, chunk=1, progress=False)
    assert np.all(ds["blas"] == 1) and np.all(ds["omp"] == 1)


def test_serial_equals_processes_equals_dask_localcluster():
    distributed = pytest.importorskip("distributed")
    study = StudyPoint(
        model="charger_battery", params={"theta": 2.0}, metrics=("energy", "ergotropy"),
        times=tuple(np.linspace(0, 2, 5)), method="expm",
    )
    grid = {"J": [0.5, 1.0], "gamma": [0.0, 0.2]}
    serial = sweep(study, grid, backend="serial", progress=False)
    procs = sweep(study, grid, backend="processes", workers=2, chunk=1, progress=False)
    # real worker processes (spawned, single-threaded) ...
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            dask_proc = sweep(study, grid, backend="dask", client=client, chunk=1,
                              progress=False)
            # ... and a scheduler address string
            dask_addr = sweep(study, grid, backend="dask", client=cluster.scheduler_address,
                              chunk=3, progress=False)
    # an in-process cluster with the numpy function (cloudpickled by value)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            dask_threads = sweep(decay, GRID, backend="dask", client=client, progress=False)
    for other in (procs, dask_proc, dask_addr):
        _same_data(serial, other)
    _same_data(sweep(decay, GRID, backend="serial", progress=False), dask_threads)
    assert dask_proc.attrs["sweep_backend"] == "dask"


# ---------------------------------------------------------------------------------------------
# Checkpoint / resume
# ---------------------------------------------------------------------------------------------
RESUME_MODULE = '''
import os, time, uuid
import numpy as np
from qbtoolkit import annotate

T = np.linspace(0.0, 1.0, 5)

@annotate(y={"dims": ("t",), "units": "omega"})
def slow_point(a, b):
    with open(os.path.join(os.environ["QB_SWEEP_CALLS"], f"{a}_{b}_{uuid.uuid4().hex}"), "w"):
        pass
    time.sleep(float(os.environ.get("QB_SWEEP_SLEEP", "0")))
    return {"y": a * np.exp(-b * T), "t": T, "z": a + 1j * b}

def other_point(a, b):
    return {"y": a - b}
'''
RESUME_GRID = {"a": [1.0, 2.0, 3.0, 4.0], "b": [0.5, 1.0, 1.5]}  # 12 points, chunk 2: 6 chunks


@pytest.fixture
def resume_module(tmp_path, monkeypatch):
    with point_module(tmp_path, monkeypatch, "qb_resume", RESUME_MODULE) as module:
        yield module, module.name, module.calls_dir


def _calls(calls: Path) -> list[tuple[float, float]]:
    out = []
    for f in calls.iterdir():
        a, b, _ = f.name.split("_")
        out.append((float(a), float(b)))
    return out


def test_killed_sweep_resumes_only_missing_points(tmp_path, resume_module):
    module, name, calls = resume_module
    ckpt = tmp_path / "ckpt"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from qbtoolkit.studies import sweep
        import {name} as m
        sweep(m.slow_point, {RESUME_GRID!r}, backend="serial", chunk=2,
              checkpoint={str(ckpt)!r}, progress=False)
        """)
    env = {**os.environ, "QB_SWEEP_SLEEP": "0.2"}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 60
        while len(list(ckpt.glob("chunk_*.npz"))) < 2:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_chunks = sorted(int(f.stem.split("_")[1]) for f in ckpt.glob("chunk_*.npz"))
    assert 2 <= len(done_chunks) < 6
    first_run = _calls(calls)
    for f in calls.iterdir():
        f.unlink()

    # re-run with the same arguments: only the points of the missing chunks are computed
    points = [(a, b) for a in RESUME_GRID["a"] for b in RESUME_GRID["b"]]
    done = {points[i] for c in done_chunks for i in (2 * c, 2 * c + 1)}
    resumed = sweep(module.slow_point, RESUME_GRID, backend="serial", chunk=2,
                    checkpoint=ckpt, progress=False)
    second_run = _calls(calls)
    assert sorted(second_run) == sorted(set(points) - done)  # nothing recomputed or duplicated
    assert done <= set(first_run)  # the checkpointed points came from the killed run
    assert len(list(ckpt.glob("chunk_*.npz"))) == 6
    assert not list(ckpt.glob(".*.tmp"))

    fresh = sweep(module.slow_point, RESUME_GRID, backend="serial", progress=False)
    _same_data(fresh, resumed)
    assert resumed["y"].attrs["units"] == "omega"

    # a third run finds everything checkpointed (chunk size adopted from the manifest)
    for f in calls.iterdir():
        f.unlink()
    again = sweep(module.slow_point, RESUME_GRID, backend="processes", workers=2,
                  checkpoint=ckpt, progress=False)
    assert _calls(calls) == []
    _same_data(fresh, again)


def test_checkpoint_from_other_grid_or_function_is_refused(tmp_path, resume_module):
    module, _, _ = resume_module
    ckpt = tmp_path / "ckpt"
    sweep(module.slow_point, RESUME_GRID, backend="serial", chunk=4, checkpoint=ckpt,
          progress=False)
    with pytest.raises(ValueError, match="different grid"):
        sweep(module.slow_point, {**RESUME_GRID, "b": [0.5, 1.0]}, backend="serial",
              checkpoint=ckpt, progress=False)
    with pytest.raises(ValueError, match="different grid"):
        sweep(module.slow_point, {"a": [1.0, 2.0, 3.0], "b": [0.5, 1.0, 1.5]}, mode="zip",
              backend="serial", checkpoint=ckpt, progress=False)
    with pytest.raises(ValueError,
                       match=r"different code \(the function .*slow_point -> .*other_point"):
        sweep(module.other_point, RESUME_GRID, backend="serial", checkpoint=ckpt,
              progress=False)
    with pytest.raises(ValueError, match="chunk=4"):
        sweep(module.slow_point, RESUME_GRID, backend="serial", chunk=3, checkpoint=ckpt,
              progress=False)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_text("x")
    with pytest.raises(ValueError, match="without a sweep manifest"):
        sweep(module.slow_point, RESUME_GRID, backend="serial", checkpoint=tmp_path / "junk",
              progress=False)


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("grid", "kwargs", "match"),
    [
        ({}, {}, "non-empty mapping"),
        ([("gamma", [1.0])], {}, "non-empty mapping"),
        ({"gamma": [], "theta": [1.0]}, {}, r"grid\['gamma'\] is empty"),
        ({"gamma": [[0.1, 0.2]], "theta": [1.0]}, {}, r"grid\['gamma'\] must be a 1-D.*\(1, 2\)"),
        ({"gamma": 0.1, "theta": [1.0]}, {}, r"grid\['gamma'\] must be a 1-D"),
        ({"gamma": [0.1], "theta": [1.0], "omega": [1.0]}, {}, "unknown parameter.*'omega'"),
        ({"gamma": [0.1]}, {}, "needs parameter.*'theta'"),
        ({"gamma": [0.1, 0.2], "theta": [1.0]}, {"mode": "zip"}, "equally long"),
        ({"gamma": [0.1], "theta": [1.0]}, {"mode": "outer"}, "unknown mode"),
        ({"gamma": [0.1], "theta": [1.0]}, {"backend": "mpi"}, "unknown backend"),
        ({"gamma": [0.1], "theta": [1.0]}, {"workers": 0}, "workers must be an integer >= 1"),
        ({"gamma": [0.1], "theta": [1.0]}, {"client": "tcp://x:1"}, "client is only used"),
        ({"gamma": [0.1], "theta": [1.0]}, {"resume": False}, "resume=False is only used"),
        ({"gamma": [0.1], "theta": [1.0]}, {"resume": "no"}, "resume must be True or False"),
        ({"gamma": [0.1], "theta": [1.0]}, {"version": 1.5}, "version must be"),
        ({"gamma": [0.1], "theta": [1.0]}, {"version": True}, "version must be"),
        # non-finite or non-numeric values where numbers are expected
        ({"gamma": [0.1, np.nan], "theta": [1.0]}, {}, r"grid\['gamma'\] contains NaN or inf"),
        ({"gamma": [0.1], "theta": np.array([1.0, np.inf])}, {},
         r"grid\['theta'\] contains NaN or inf \(entry 1 is inf\)"),
        ({"gamma": [0.1], "theta": [complex(1.0, np.nan)]}, {}, r"grid\['theta'\] contains NaN"),
        ({"gamma": [0.1, "0.2"], "theta": [1.0]}, {}, r"grid\['gamma'\] mixes numbers and strings"),
        ({"gamma": [0.1], "theta": [True, 0.5]}, {}, r"grid\['theta'\] mixes booleans and numbers"),
        ({"gamma": ["0.1", "0.2"], "theta": [1.0]}, {}, r"grid\['gamma'\] gives numbers as str"),
        ({"gamma": [0.1, None], "theta": [1.0]}, {}, r"grid\['gamma'\] must hold numbers"),
        ({"gamma": np.array([0.1, None]), "theta": [1.0]}, {}, r"grid\['gamma'\] must hold"),
        ({"gamma": {0.1, 0.2}, "theta": [1.0]}, {}, r"grid\['gamma'\] is a set"),
        ({"gamma": "0.1", "theta": [1.0]}, {}, r"grid\['gamma'\] must be a 1-D"),
        # repeated values: an ambiguous coordinate, the same point computed twice
        ({"gamma": [0.1, 0.2, 0.1], "theta": [1.0]}, {}, r"grid\['gamma'\] repeats the value 0.1"),
        ({"gamma": [0.1, 0.1], "theta": [1.0, 1.0]}, {"mode": "zip"},
         r"mode='zip' repeats the point \{'gamma': 0.1, 'theta': 1.0\} \(entries 0 and 1\)"),
    ],
)
def test_bad_grids_and_arguments(grid, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sweep(decay, grid, progress=False, **{"backend": "serial", **kwargs})


def test_grid_of_strings_booleans_and_integers_is_kept_exactly():
    def f(topology, periodic, n):
        return {"y": float(n) * (2.0 if periodic else 1.0) * len(topology)}

    ds = sweep(f, {"topology": ["ring", "star"], "periodic": [True, False], "n": [1, 2]},
               backend="serial", progress=False)
    assert ds["periodic"].dtype == bool and ds["n"].dtype.kind == "i"
    assert float(ds["y"].sel(topology="star", periodic=True, n=2)) == 16.0


def test_bad_annotation():
    with pytest.raises(ValueError, match="annotate: energy"):
        annotate(energy=3)
    bad = annotate(y={"dims": ("a", "b")})(lambda x: {"y": np.zeros(3)})
    with pytest.raises(ValueError, match="declared with dims"):
        sweep(bad, {"x": [1.0]}, backend="serial", progress=False)


def test_errors_in_func_name_the_point():
    def fails(x):
        if x > 1:
            raise ArithmeticError("boom")
        return {"y": x}

    with pytest.raises(ArithmeticError, match="boom") as info:
        sweep(fails, {"x": [1, 2]}, backend="processes", workers=2, chunk=1, progress=False)
    assert any("point x=2" in note for note in getattr(info.value, "__notes__", []))
