"""Checkpoint directories: one sweep at a time (lock), corrupt files refused with advice that
works, ``resume=False``, ``~`` paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import xarray as xr
from _helpers import fake_home, point_module

from qbtoolkit.studies import sweep
from qbtoolkit.studies.checkpoint import LOCK, DirectoryLock

MODULE = '''
import os, time, uuid
import numpy as np

T = np.linspace(0.0, 1.0, 3)


def point(a, b):
    with open(os.path.join(os.environ["QB_SWEEP_CALLS"], f"{a}_{b}_{uuid.uuid4().hex}"), "w"):
        pass
    time.sleep(float(os.environ.get("QB_SWEEP_SLEEP", "0")))
    return {"y": a * np.exp(-b * T), "z": a + 1j * b}
'''
GRID = {"a": [1.0, 2.0, 3.0], "b": [0.5, 1.0]}  # 6 points, chunk 2: 3 chunks
POINTS = [(a, b) for a in GRID["a"] for b in GRID["b"]]


@pytest.fixture
def mod(tmp_path, monkeypatch):
    with point_module(tmp_path, monkeypatch, "qb_ckpt", MODULE) as module:
        yield module


def _calls(mod) -> list[tuple[float, float]]:
    out = sorted((float(f.name.split("_")[0]), float(f.name.split("_")[1]))
                 for f in mod.calls_dir.iterdir())
    for f in mod.calls_dir.iterdir():
        f.unlink()
    return out


def _run(mod, ckpt, grid=GRID, **kwargs):
    return sweep(mod.point, grid, backend="serial", chunk=2, checkpoint=ckpt, progress=False,
                 **kwargs)


def _same(a: xr.Dataset, b: xr.Dataset) -> None:
    xr.testing.assert_identical(a.drop_attrs(deep=False), b.drop_attrs(deep=False))


# ---------------------------------------------------------------------------------------------
# One sweep per directory
# ---------------------------------------------------------------------------------------------
def test_a_locked_directory_is_refused_and_freed_afterwards(mod, tmp_path):
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    holder = DirectoryLock(ckpt)  # held as by a running sweep
    try:
        with pytest.raises(ValueError, match=rf"in use by another sweep \(pid {os.getpid()} "):
            _run(mod, ckpt)
    finally:
        holder.release()
    assert _calls(mod) == [] and not (ckpt / "manifest.json").exists()
    _run(mod, ckpt)  # released: the next sweep runs
    assert len(_calls(mod)) == 6


def test_stale_lock_of_a_dead_process_is_taken_over(mod, tmp_path):
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (ckpt / LOCK).write_text(json.dumps({"pid": int(dead), "host": "h", "started": "t"}))
    ds = _run(mod, ckpt)
    assert ds["y"].shape == (3, 2, 3)
    assert json.loads((ckpt / LOCK).read_text())["pid"] == os.getpid()


RACE = '''
import os, sys, time
sys.path.insert(0, {dir!r})
from qbtoolkit.studies import sweep
import {name} as m
while not os.path.exists({go!r}):
    time.sleep(0.005)
sweep(m.point, {grid!r}, backend="serial", chunk=1, checkpoint={ckpt!r}, progress=False)
'''


def test_two_sweeps_started_together_do_not_interleave(mod, tmp_path):
    """Two processes released at the same instant on one directory with different grids:
    one runs, the other is refused at once; the checkpoint holds one consistent sweep."""
    ckpt, go = tmp_path / "ckpt", tmp_path / "go"
    grids = [GRID, {"a": [5.0, 6.0, 7.0], "b": [0.5, 1.0]}]
    env = {**os.environ, "QB_SWEEP_SLEEP": "0.25"}  # each sweep takes >= 1.5 s
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(RACE.format(
                dir=str(tmp_path), name=mod.name, go=str(go), grid=g, ckpt=str(ckpt)))],
            env=env, stderr=subprocess.PIPE, text=True)
        for g in grids
    ]
    time.sleep(0.5)
    go.touch()
    errs = [p.communicate(timeout=120)[1] for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 1], errs
    winner = codes.index(0)
    assert "in use by another sweep" in errs[1 - winner]
    manifest = json.loads((ckpt / "manifest.json").read_text())
    assert json.loads(manifest["grid"]) == grids[winner]
    ran = {(a, b) for a, b in _calls(mod)}
    assert ran == {(a, b) for a in grids[winner]["a"] for b in grids[winner]["b"]}
    # the winner's checkpoint is complete and consistent: resuming computes nothing
    resumed = sweep(mod.point, grids[winner], backend="serial", checkpoint=ckpt,
                    progress=False)
    assert _calls(mod) == []
    _same(resumed, sweep(mod.point, grids[winner], backend="serial", progress=False))
    with pytest.raises(ValueError, match="different grid"):
        sweep(mod.point, grids[1 - winner], backend="serial", checkpoint=ckpt, progress=False)


# ---------------------------------------------------------------------------------------------
# Corrupt files
# ---------------------------------------------------------------------------------------------
def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _short_chunk(path):
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["var_0"] = arrays["var_0"][:1]
    np.savez(path, **arrays)


def _object_meta(path):
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["meta"] = np.array(json.dumps({"names": "y"}))
    np.savez(path, **arrays)


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (_truncate, r"chunk '.*chunk_000001\.npz' is unreadable .*delete this file"),
        (lambda p: p.write_bytes(b"\x00garbage" * 10), r"chunk_000001\.npz' is unreadable"),
        (_short_chunk, r"chunk_000001\.npz' holds 'y' .* expected numbers for 2 points"),
        (_object_meta, r"chunk_000001\.npz' is unreadable \(KeyError: 'coord_names'"),
        (lambda p: p.rename(p.with_name("chunk_000009.npz")),
         r"chunk_000009\.npz' is not one of this sweep's 3 chunk files; delete it"),
        (lambda p: p.rename(p.with_name("chunk_x.npz")), r"chunk_x\.npz' is not one of"),
    ],
)
def test_corrupt_chunk_is_named_and_deleting_it_recomputes_only_its_points(
        mod, tmp_path, damage, match):
    ckpt = tmp_path / "ckpt"
    fresh = _run(mod, ckpt)
    _calls(mod)
    damage(ckpt / "chunk_000001.npz")
    with pytest.raises(ValueError, match=match):
        _run(mod, ckpt)
    assert _calls(mod) == []
    for f in ckpt.glob("chunk_*"):
        if f.name not in {"chunk_000000.npz", "chunk_000002.npz"}:
            f.unlink()  # the advice of the message
    _same(_run(mod, ckpt), fresh)
    assert _calls(mod) == POINTS[2:4]


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda m: "{not json", r"manifest '.*manifest\.json' is corrupt \(not readable JSON"),
        (lambda m: "[1, 2]", r"manifest .* is corrupt \(a JSON list, not an object\)"),
        (lambda m: json.dumps({**m, "chunk": "2"}), r"corrupt \('chunk' must be an integer"),
        (lambda m: json.dumps({**m, "grid_sha256": None}), r"'grid_sha256' must be a string"),
        (lambda m: json.dumps({k: v for k, v in m.items() if k != "identity"}),
         r"'identity' must be a JSON object, got NoneType"),
        (lambda m: json.dumps({**m, "identity": {**m["identity"], "parts": [1]}}),
         r"corrupt \('identity.parts' must map strings to strings"),
        (lambda m: json.dumps({**m, "format": 1}), r"written in format 1, this qbtoolkit reads"),
    ],
)
def test_corrupt_manifest_is_named_and_resume_false_starts_fresh(mod, tmp_path, edit, match):
    ckpt = tmp_path / "ckpt"
    fresh = _run(mod, ckpt)
    _calls(mod)
    mfile = ckpt / "manifest.json"
    mfile.write_text(edit(json.loads(mfile.read_text())))
    with pytest.raises(ValueError, match=match) as info:
        _run(mod, ckpt)
    assert "resume=False" in str(info.value)
    _same(_run(mod, ckpt, resume=False), fresh)
    assert _calls(mod) == POINTS


# ---------------------------------------------------------------------------------------------
# Starting fresh, paths
# ---------------------------------------------------------------------------------------------
def test_resume_false_discards_only_the_sweeps_own_files(mod, tmp_path):
    ckpt = tmp_path / "ckpt"
    _run(mod, ckpt)
    (ckpt / "notes.txt").write_text("mine")
    (ckpt / ".chunk_000001.npz.123.abc.tmp").write_bytes(b"half")  # left by a killed run
    _calls(mod)
    _run(mod, ckpt, resume=False)
    assert _calls(mod) == POINTS
    assert (ckpt / "notes.txt").read_text() == "mine"
    assert not list(ckpt.glob(".*.tmp"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    for resume in (True, False):  # never writes into a directory that is not a checkpoint
        with pytest.raises(ValueError, match=r"without a sweep manifest.json \(it holds x.txt"):
            _run(mod, tmp_path / "other", resume=resume)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="exists and is not a directory"):
        _run(mod, tmp_path / "file")


def test_checkpoint_path_expands_the_home_directory(mod, tmp_path, monkeypatch):
    home, cwd = fake_home(tmp_path, monkeypatch)
    _run(mod, "~/ckpt")
    assert (home / "ckpt" / "manifest.json").is_file() and not (cwd / "~").exists()
