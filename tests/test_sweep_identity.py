"""Checkpoint identity: a resumed sweep never mixes results of different code.

The swept function lives in real module files written to ``tmp_path``; between runs a file is
edited and the modules are imported afresh, as a user would between two sessions.  Every change
the function's results can depend on -- a module constant, a transitively called helper, a
constant read only by that helper, a helper in a second module, defaults, closures, bound
arguments, dataclass fields, the user's ``version=`` -- must refuse the resume and name what
changed; unrelated edits must not.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from qbtoolkit.studies import StudyPoint, sweep
from qbtoolkit.studies import identity as identity_module
from qbtoolkit.studies.identity import function_identity

MAIN = '''
import os, uuid
from {helpers} import shift

SCALE = 2.0
OFFSET = 0.5
TABLE = {{"x": {{0.5, 0.25}}, "y": (1, 2.5, "s")}}


def inner(x):
    return shift(x) + OFFSET


def helper(x):
    return SCALE * inner(x)


def unrelated():
    return 0


def point(a, k=1.0):
    with open(os.path.join(os.environ["QB_SWEEP_CALLS"], f"{{a}}_{{uuid.uuid4().hex}}"), "w"):
        pass
    return {{"y": k * helper(a), "n": len(TABLE["x"])}}
'''
HELPERS = '''
SHIFT = 1.0


def shift(x):
    return x + SHIFT
'''
GRID = {"a": [0.0, 1.0, 2.0, 3.0]}


class UserCode:
    """Two user modules on disk that can be edited and re-imported."""

    def __init__(self, tmp_path, monkeypatch):
        tag = tmp_path.name.replace("-", "_")
        self.main_name, self.helpers_name = f"qb_user_{tag}", f"qb_helpers_{tag}"
        self.dir = tmp_path / "code"
        self.dir.mkdir()
        self.sources = {self.main_name: MAIN.format(helpers=self.helpers_name),
                        self.helpers_name: HELPERS}
        self.calls = tmp_path / "calls"
        self.calls.mkdir()
        monkeypatch.setenv("QB_SWEEP_CALLS", str(self.calls))
        monkeypatch.syspath_prepend(str(self.dir))
        monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no stale .pyc after an edit
        self.load()

    def load(self):
        for name, text in self.sources.items():
            (self.dir / f"{name}.py").write_text(text)
            sys.modules.pop(name, None)
        importlib.invalidate_caches()
        self.main = importlib.import_module(self.main_name)
        return self.main

    def edit(self, module: str, old: str, new: str):
        name = self.main_name if module == "main" else self.helpers_name
        assert old in self.sources[name]
        self.sources[name] = self.sources[name].replace(old, new)
        return self.load()

    def called(self) -> list[float]:
        out = sorted(float(f.name.split("_")[0]) for f in self.calls.iterdir())
        for f in self.calls.iterdir():
            f.unlink()
        return out

    def close(self):
        for name in self.sources:
            sys.modules.pop(name, None)


@pytest.fixture
def code(tmp_path, monkeypatch):
    user = UserCode(tmp_path, monkeypatch)
    yield user
    user.close()


def _run(func, ckpt, **kwargs):
    return sweep(func, GRID, backend="serial", chunk=1, checkpoint=ckpt, progress=False,
                 **kwargs)


def _y(a, scale=2.0, offset=0.5, shift=1.0, k=1.0):
    return k * scale * (np.asarray(a) + shift + offset)


def test_unchanged_code_resumes_and_unrelated_edits_do_not_matter(code, tmp_path):
    ckpt = tmp_path / "ckpt"
    first = _run(code.main.point, ckpt)
    assert code.called() == GRID["a"]
    np.testing.assert_array_equal(first["y"], _y(GRID["a"]))
    # another session: same files imported afresh; then edits the results cannot depend on
    for module, old, new in [
        (None, None, None),
        ("main", "def unrelated():\n    return 0", "def unrelated():\n    return 1  # edited"),
        ("main", "SCALE = 2.0\n", "# a comment\n\nSCALE = 2.0\nUNUSED = 7\n"),
    ]:
        mod = code.load() if module is None else code.edit(module, old, new)
        again = _run(mod.point, ckpt)
        assert code.called() == []  # everything came from the checkpoint
        np.testing.assert_array_equal(again["y"], first["y"])


@pytest.mark.parametrize(
    ("module", "old", "new", "changed", "expected"),
    [
        ("main", "SCALE = 2.0", "SCALE = 3.0", "SCALE", {"scale": 3.0}),
        # read only by inner(), which point() reaches through helper()
        ("main", "OFFSET = 0.5", "OFFSET = 0.25", "OFFSET", {"offset": 0.25}),
        ("main", "return shift(x) + OFFSET", "return shift(x) + 2 * OFFSET", "inner",
         {"offset": 1.0}),
        ("main", "def point(a, k=1.0):", "def point(a, k=0.5):", "point", {"k": 0.5}),
        ("helpers", "SHIFT = 1.0", "SHIFT = -1.0", "SHIFT", {"shift": -1.0}),
        ("helpers", "return x + SHIFT", "return x + 3 * SHIFT", "shift", {"shift": 3.0}),
    ],
)
def test_changed_dependency_refuses_resume_and_names_it(code, tmp_path, module, old, new,
                                                        changed, expected):
    ckpt = tmp_path / "ckpt"
    _run(code.main.point, ckpt)
    before = {f.name: f.stat().st_mtime_ns for f in ckpt.glob("chunk_*.npz")}
    code.called()
    mod = code.edit(module, old, new)
    owner = code.main_name if module == "main" else code.helpers_name
    with pytest.raises(ValueError, match=rf"different code \(changed: [^)]*{owner}\.{changed}\b"
                       rf".*resume=False"):
        _run(mod.point, ckpt)
    assert code.called() == []  # refused before computing anything
    assert {f.name: f.stat().st_mtime_ns for f in ckpt.glob("chunk_*.npz")} == before
    fresh = _run(mod.point, ckpt, resume=False)  # the advice of the message works
    assert code.called() == GRID["a"]
    np.testing.assert_allclose(fresh["y"], _y(GRID["a"], **expected), rtol=1e-15)


def test_version_salt_is_honoured(code, tmp_path):
    ckpt = tmp_path / "ckpt"
    _run(code.main.point, ckpt, version="v1")
    code.called()
    _run(code.main.point, ckpt, version="v1")
    assert code.called() == []
    with pytest.raises(ValueError, match=r"version='v1' -> version='v2'"):
        _run(code.main.point, ckpt, version="v2")
    with pytest.raises(ValueError, match=r"version='v1' -> version=None"):
        _run(code.main.point, ckpt)
    ds = _run(code.main.point, ckpt, version=2, resume=False)
    assert ds.attrs["sweep_version"] == 2 and code.called() == GRID["a"]


def test_closures_partials_and_dataclass_fields_are_part_of_the_identity(code, tmp_path):
    def make(scale):
        def scaled(a):
            return {"y": scale * a}
        return scaled

    _run(make(2.0), tmp_path / "closure")
    _run(make(2.0), tmp_path / "closure")
    with pytest.raises(ValueError, match=r"changed: .*scaled \(closure variable 'scale'\)"):
        _run(make(3.0), tmp_path / "closure")

    _run(functools.partial(code.main.point, k=2.0), tmp_path / "partial")
    with pytest.raises(ValueError, match=r"changed: partial\(.*point\) \(bound arguments"):
        _run(functools.partial(code.main.point, k=3.0), tmp_path / "partial")

    study = StudyPoint(model="charger_battery", params={"theta": 2.0}, metrics=("energy",),
                       times=(0.0, 1.0), method="expm")
    grid = {"J": [0.5, 1.0]}
    sweep(study, grid, backend="serial", checkpoint=tmp_path / "study", progress=False)
    sweep(StudyPoint(**{**study.__dict__}), grid, backend="serial",
          checkpoint=tmp_path / "study", progress=False)  # equal fields: resumes
    with pytest.raises(ValueError, match=r"changed: .*StudyPoint \(bound arguments or state\)"):
        sweep(StudyPoint(**{**study.__dict__, "params": {"theta": 1.0}}), grid,
              backend="serial", checkpoint=tmp_path / "study", progress=False)


def test_unknown_identity_never_resumes(tmp_path):
    lock = threading.Lock()

    def guarded(a):
        with lock:
            return {"y": a}

    identity = function_identity(guarded)
    assert identity.sha256 is None and "lock" in identity.unknown
    ds = sweep(guarded, GRID, backend="serial", progress=False)  # no checkpoint: fine
    assert ds.attrs["sweep_function_sha256"].startswith("unknown (")
    ckpt = tmp_path / "ckpt"
    _run(guarded, ckpt)  # a fresh checkpoint is written ...
    with pytest.raises(ValueError, match=r"cannot tell whether .*guarded is the code that wrote"
                       r".*_thread.lock.*resume=False"):
        _run(guarded, ckpt)  # ... but never resumed
    np.testing.assert_array_equal(_run(guarded, ckpt, resume=False)["y"], GRID["a"])


def test_other_library_versions_refuse_resume(code, tmp_path):
    ckpt = tmp_path / "ckpt"
    _run(code.main.point, ckpt)
    manifest = json.loads((ckpt / "manifest.json").read_text())
    real = manifest["identity"]["libraries"]["numpy"]
    manifest["identity"]["libraries"]["numpy"] = "0.0.1"
    (ckpt / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=rf"numpy 0\.0\.1 -> {real}"):
        _run(code.main.point, ckpt)


IDENTITY_SCRIPT = '''
import importlib.util, sys
sys.path.insert(0, {dir!r})
# the identity module needs only numpy: load it alone (importing qbtoolkit takes seconds)
spec = importlib.util.spec_from_file_location("qb_identity", {identity!r})
identity = importlib.util.module_from_spec(spec)
sys.modules["qb_identity"] = identity
spec.loader.exec_module(identity)
function_identity = identity.function_identity
import {main} as m
LIMIT = {{"b": 2, "a": frozenset({{"q", "r", "s"}})}}
f = lambda a: {{"y": m.helper(a) * len(LIMIT["a"])}}   # a function typed in a session
print(function_identity(m.point).sha256, function_identity(f).sha256)
'''


def test_identity_is_the_same_in_every_process(code):
    """Canonical encoding: sets, dicts and string hashing do not leak into the identity."""
    script = textwrap.dedent(IDENTITY_SCRIPT.format(dir=str(code.dir), main=code.main_name,
                                                    identity=identity_module.__file__))
    shas = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONDONTWRITEBYTECODE": "1"}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, check=True).stdout.split()
        assert len(out) == 2 and all(len(s) == 64 for s in out)
        shas.add(tuple(out))
    assert len(shas) == 1
    assert shas.pop()[0] == function_identity(code.main.point).sha256
