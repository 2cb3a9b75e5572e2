"""Interrupted, killed and failing sweeps keep every finished chunk, stop their workers at once
(no worker outlives its parent) and resume exactly.

The signal tests run a real sweep in a subprocess (its own session, so Ctrl-C is simulated as a
terminal sends it: SIGINT to the whole process group) on 8 points, chunk 1: points a < 2 are
instant, the others sleep for ten minutes, so at the signal chunks 0 and 1 are finished and the
workers are busy.  The resumed run must compute exactly points 2..7 and equal an uninterrupted
run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
import xarray as xr
from _helpers import point_module

from qbtoolkit.studies import checkpoint as checkpoint_module
from qbtoolkit.studies import sweep

MODULE = '''
import os, time, uuid
import numpy as np


def point(a):
    calls = os.environ["QB_SWEEP_CALLS"]
    with open(os.path.join(calls, f"{a}_{os.getpid()}_{uuid.uuid4().hex}"), "w"):
        pass
    if a == float(os.environ.get("QB_RAISE_AT", "nan")):
        raise ArithmeticError(f"no result at a={a}")
    if a == float(os.environ.get("QB_DIE_AT", "nan")):
        os._exit(3)  # a worker killed from inside (like the OOM killer)
    if a >= float(os.environ.get("QB_SLOW_FROM", "inf")):
        time.sleep(600)
    return {"y": np.array([a, a * a]), "z": a + 0.5j}
'''
GRID = {"a": [float(i) for i in range(8)]}
SCRIPT = '''
import sys
sys.path.insert(0, {dir!r})
from qbtoolkit.studies import sweep
import {name} as m

if __name__ == "__main__":  # dask's worker processes import this file
    sweep(m.point, {grid!r}, backend={backend!r}, workers={workers}, chunk=1,
          checkpoint={ckpt!r}, progress=False)
'''


@pytest.fixture
def mod(tmp_path, monkeypatch):
    with point_module(tmp_path, monkeypatch, "qb_intr", MODULE, sleep=None) as module:
        yield module


def _calls(mod) -> list[tuple[float, int]]:
    out = []
    for f in mod.calls_dir.iterdir():
        a, pid, _ = f.name.split("_")
        out.append((float(a), int(pid)))
        f.unlink()
    return sorted(out)


def _chunks(ckpt: Path) -> list[int]:
    return sorted(int(f.stem.split("_")[1]) for f in ckpt.glob("chunk_*.npz"))


def _alive(pids) -> list[int]:
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _same(a: xr.Dataset, b: xr.Dataset) -> None:
    xr.testing.assert_identical(a.drop_attrs(deep=False), b.drop_attrs(deep=False))


@pytest.mark.parametrize(
    ("backend", "workers", "sig"),
    [
        ("processes", 2, signal.SIGINT),
        ("processes", 2, signal.SIGKILL),
        ("dask", 1, signal.SIGINT),
        ("dask", 1, signal.SIGKILL),
    ],
    ids=["processes-SIGINT", "processes-SIGKILL", "dask-SIGINT", "dask-SIGKILL"],
)
def test_signal_keeps_finished_chunks_kills_workers_and_resumes_exactly(
        mod, tmp_path, backend, workers, sig):
    ckpt = tmp_path / "ckpt"
    script = textwrap.dedent(SCRIPT.format(dir=str(tmp_path), name=mod.name, grid=GRID,
                                           backend=backend, workers=workers, ckpt=str(ckpt)))
    (tmp_path / "run.py").write_text(script)
    env = {**os.environ, "QB_SLOW_FROM": "2"}
    proc = subprocess.Popen([sys.executable, str(tmp_path / "run.py")], env=env,
                            start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(_chunks(ckpt)) < 2 or sum(
                float(f.name.split("_")[0]) >= 2 for f in mod.calls_dir.iterdir()) < workers:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the sweep did not reach its slow points"
            time.sleep(0.05)
        workers_pids = {pid for _, pid in _calls(mod)}
        family = {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        sent = time.monotonic()
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # Ctrl-C in a terminal: the whole foreground group
        else:
            proc.send_signal(sig)  # the parent alone is killed
        err = proc.communicate(timeout=60)[1]
        stopped = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -sig, err
    assert stopped < 15, f"took {stopped:.1f} s to stop"
    assert _chunks(ckpt) == [0, 1]
    if sig == signal.SIGINT:
        assert "2 of 8 chunks (2 of 8 points) are saved in the checkpoint" in err
        assert f"checkpoint={str(ckpt)!r}" in err
    # no worker outlives its parent
    deadline = time.monotonic() + 10
    while _alive(workers_pids | family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(workers_pids | family) == []
    assert not list(ckpt.glob(".*.tmp"))
    # the same call resumes: exactly the missing points, same result as uninterrupted
    resumed = sweep(mod.point, GRID, backend="serial", chunk=1, checkpoint=ckpt, progress=False)
    assert [a for a, _ in _calls(mod)] == GRID["a"][2:]
    _same(resumed, sweep(mod.point, GRID, backend="serial", progress=False))


def test_failing_point_is_named_and_chunks_finished_alongside_are_kept(
        mod, tmp_path, monkeypatch):
    """Chunk 1 raises while the parent is still saving chunk 0; chunks 2 and 3 finish in the
    meantime and must be saved although the error arrives with them."""
    monkeypatch.setenv("QB_RAISE_AT", "1.0")
    save = checkpoint_module.Checkpoint.save

    def slow_save(self, ci, res):
        if ci == 0:
            time.sleep(1.0)  # meanwhile the workers finish (or fail) every other chunk
        save(self, ci, res)

    monkeypatch.setattr(checkpoint_module.Checkpoint, "save", slow_save)
    ckpt = tmp_path / "ckpt"
    grid = {"a": [0.0, 1.0, 2.0, 3.0]}
    with pytest.raises(ArithmeticError, match=r"no result at a=1.0") as info:
        sweep(mod.point, grid, workers=2, chunk=1, checkpoint=ckpt, progress=False)
    notes = "\n".join(info.value.__notes__)
    assert "raised at point a=1.0" in notes
    assert "3 of 4 chunks (3 of 4 points) are saved" in notes and "sweep(" in notes
    assert _chunks(ckpt) == [0, 2, 3]
    _calls(mod)
    monkeypatch.delenv("QB_RAISE_AT")
    monkeypatch.setattr(checkpoint_module.Checkpoint, "save", save)
    resumed = sweep(mod.point, grid, backend="serial", chunk=1, checkpoint=ckpt, progress=False)
    assert [a for a, _ in _calls(mod)] == [1.0]
    _same(resumed, sweep(mod.point, grid, backend="serial", progress=False))


def test_worker_death_is_reported_and_finished_chunks_are_kept(mod, tmp_path, monkeypatch):
    monkeypatch.setenv("QB_DIE_AT", "3.0")
    ckpt = tmp_path / "ckpt"
    grid = {"a": [0.0, 1.0, 2.0, 3.0]}
    with pytest.raises(Exception) as info:
        sweep(mod.point, grid, workers=1, chunk=1, checkpoint=ckpt, progress=False)
    assert "a worker process died" in "\n".join(info.value.__notes__)
    assert _chunks(ckpt) == [0, 1, 2]
    pids = {pid for _, pid in _calls(mod)}
    deadline = time.monotonic() + 10
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(pids) == []


def test_serial_interrupt_and_no_checkpoint_say_what_is_kept(mod, tmp_path, monkeypatch):
    def stop_at_two(a):
        if a == 2.0 and os.environ.get("QB_STOP"):
            raise KeyboardInterrupt
        return mod.point(a)

    monkeypatch.setenv("QB_STOP", "1")

    with pytest.raises(KeyboardInterrupt) as info:
        sweep(stop_at_two, GRID, backend="serial", chunk=1, checkpoint=tmp_path / "c",
              progress=False)
    assert "2 of 8 chunks (2 of 8 points) are saved" in info.value.__notes__[-1]
    assert _chunks(tmp_path / "c") == [0, 1]
    with pytest.raises(KeyboardInterrupt) as info:
        sweep(stop_at_two, GRID, backend="serial", chunk=1, progress=False)
    assert "no checkpoint was given, so the 2 finished points are lost" in \
        info.value.__notes__[-1]
    monkeypatch.delenv("QB_STOP")
    _calls(mod)
    resumed = sweep(stop_at_two, GRID, backend="serial", chunk=1, checkpoint=tmp_path / "c",
                    progress=False)
    assert [a for a, _ in _calls(mod)] == GRID["a"][2:]
    np.testing.assert_array_equal(resumed["y"][:, 1], np.square(GRID["a"]))
