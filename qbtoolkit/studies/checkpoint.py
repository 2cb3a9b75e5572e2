"""Resumable sweeps on disk: ``DIR/manifest.json``, ``DIR/chunk_NNNNNN.npz``, ``DIR/.sweep.lock``.

The manifest records what the chunks depend on: the identity of the swept function
(:mod:`.identity`), the grid, the chunk size and the library versions.  Each finished chunk of
points is written atomically (temporary name, ``fsync``, rename) as soon as it arrives, so an
interrupted or killed sweep loses only the chunks that were still running.  A run holds an
exclusive lock on the directory from start to end (``flock``, released by the operating system
when the process dies), so two sweeps can never write into one directory at once.

A checkpoint is resumed only if everything it depends on is unchanged; otherwise, and for
corrupt files, a ValueError names what differs (or the file) and how to start fresh.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .grid import MODES
from .identity import Identity

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["Checkpoint", "DirectoryLock", "FORMAT", "MANIFEST", "LOCK"]

FORMAT = 2
MANIFEST = "manifest.json"
LOCK = ".sweep.lock"
_CHUNK = re.compile(r"chunk_(\d{6,})\.npz")
_TMP = re.compile(r"\..*\.tmp")


def atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    """Write ``path`` through a temporary file in the same directory, then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class DirectoryLock:
    """An exclusive lock on a directory, held until :meth:`release` or the process's death.

    Parameters
    ----------
    directory : Path
        An existing directory; the lock file ``directory/.sweep.lock`` records the holder
        (pid, host, start time) for the error message of a second sweep.

    Raises
    ------
    ValueError
        The directory is locked by another live sweep.
    """

    def __init__(self, directory: Path):
        self.path = directory / LOCK
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._acquire()
        except BaseException:
            os.close(self._fd)
            self._fd = None
            raise
        holder = {"pid": os.getpid(), "host": socket.gethostname(),
                  "started": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(holder).encode(), 0)

    def _acquire(self) -> None:
        assert self._fd is not None
        try:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows: a byte-range lock, also freed at exit
                import msvcrt

                msvcrt.locking(self._fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # BlockingIOError / PermissionError: held by a live process
            raise ValueError(
                f"checkpoint {str(self.path.parent)!r} is in use by another sweep "
                f"({self._holder()}); two sweeps must not write into one checkpoint. Wait for "
                "it to finish, or give this sweep another checkpoint directory"
            ) from None

    def _holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
            return f"pid {info['pid']} on {info['host']}, started {info['started']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "holder unknown"

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _corrupt_manifest(path: Path, what: str) -> ValueError:
    return ValueError(
        f"checkpoint manifest {str(path)!r} is corrupt ({what}). Delete the directory "
        f"{str(path.parent)!r} or pass resume=False to start the sweep fresh"
    )


def _start_fresh(directory: Path) -> str:
    return (f"To start fresh, pass resume=False (discards the finished chunks in "
            f"{str(directory)!r}), delete that directory, or use another checkpoint directory")


class Checkpoint:
    """A locked checkpoint directory for one sweep.

    Parameters
    ----------
    path : path-like
        The directory (created if missing; ``~`` is expanded).
    manifest : dict
        What this sweep's chunks depend on: ``identity`` (:meth:`Identity.to_json`),
        ``function``, ``mode``, ``grid``, ``grid_sha256``, ``n_points``.
    requested_chunk : int or None
        The caller's ``chunk=``; None adopts the checkpoint's (or ``auto_chunk`` when new).
    auto_chunk : int
        Chunk size for a new checkpoint without ``requested_chunk``.
    resume : bool
        False: discard an existing checkpoint of a sweep in this directory and start fresh.

    Raises
    ------
    ValueError
        The path is a file, or a non-empty directory that is not a sweep checkpoint; the
        directory is locked by another sweep; the checkpoint was written by different code,
        libraries, grid or chunk size, or its identity cannot be established; the manifest is
        corrupt.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        manifest: dict[str, Any],
        requested_chunk: int | None,
        auto_chunk: int,
        resume: bool = True,
    ):
        self.path = Path(path).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"checkpoint {str(self.path)!r} exists and is not a directory")
        self.path.mkdir(parents=True, exist_ok=True)
        self.lock = DirectoryLock(self.path)
        try:
            self.manifest = self._open(manifest, requested_chunk, auto_chunk, resume)
        except BaseException:
            self.lock.release()
            raise
        self.chunk: int = int(self.manifest["chunk"])

    # -- manifest ------------------------------------------------------------------------------
    def _open(self, manifest: dict[str, Any], requested: int | None, auto: int,
              resume: bool) -> dict[str, Any]:
        for tmp in self.path.iterdir():  # left by a run killed while writing (we hold the lock)
            if _TMP.fullmatch(tmp.name):
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
        mfile = self.path / MANIFEST
        if mfile.exists() and resume:
            old = self._read_manifest(mfile)
            self._refuse_if_different(old, manifest, requested)
            return old
        if mfile.exists():  # resume=False: this sweep's directory, started afresh
            self._clear()
        elif foreign := [p.name for p in self.path.iterdir() if p.name != LOCK]:
            raise ValueError(
                f"checkpoint {str(self.path)!r} is a non-empty directory without a sweep "
                f"{MANIFEST} (it holds {', '.join(sorted(foreign)[:3])}"
                f"{', ...' if len(foreign) > 3 else ''}); refusing to write into it: give an "
                "empty or new directory"
            )
        new = {"format": FORMAT, **manifest, "chunk": requested or auto}
        text = json.dumps(new, indent=1)
        atomic_write(mfile, lambda fh: fh.write(text.encode()))
        return new

    def _clear(self) -> None:
        for p in self.path.iterdir():
            if p.name == MANIFEST or _CHUNK.fullmatch(p.name):
                p.unlink()

    def _read_manifest(self, mfile: Path) -> dict[str, Any]:
        try:
            old = json.loads(mfile.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise _corrupt_manifest(mfile, f"not readable JSON: {exc}") from None
        if not isinstance(old, dict):
            raise _corrupt_manifest(mfile, f"a JSON {type(old).__name__}, not an object")
        if old.get("format") != FORMAT:
            raise ValueError(
                f"checkpoint {str(self.path)!r} was written in format {old.get('format')!r}, "
                f"this qbtoolkit reads format {FORMAT}. " + _start_fresh(self.path))
        kinds = {str: "a string", int: "an integer", dict: "a JSON object"}
        types_ = {"function": str, "mode": str, "grid": str, "grid_sha256": str,
                  "n_points": int, "chunk": int, "identity": dict}
        for key, typ in types_.items():
            value = old.get(key)
            if not isinstance(value, typ) or isinstance(value, bool):
                raise _corrupt_manifest(
                    mfile, f"{key!r} must be {kinds[typ]}, got {type(value).__name__}")
        if old["chunk"] < 1 or old["n_points"] < 1 or old["mode"] not in MODES:
            raise _corrupt_manifest(mfile, "chunk, n_points or mode out of range")
        try:
            old["identity"] = Identity.from_json(old["identity"]).to_json()
        except ValueError as exc:
            raise _corrupt_manifest(mfile, str(exc)) from None
        return old

    def _refuse_if_different(self, old: dict, new: dict, chunk: int | None) -> None:
        where = f"checkpoint {str(self.path)!r}"
        was, now = Identity.from_json(old["identity"]), Identity.from_json(new["identity"])
        if was.unknown is not None or now.unknown is not None:
            why = now.unknown if now.unknown is not None else (
                f"it was written by a function whose identity could not be established: "
                f"{was.unknown}")
            raise ValueError(
                f"cannot tell whether {now.name} is the code that wrote {where}: {why}. "
                "Resuming could mix results of different code. " + _start_fresh(self.path)
                + " (and, to make later resumes possible, refer to objects that can be "
                "pickled, e.g. define the function and its helpers in a module file)")
        code = now.differences(was)
        diffs = [f"different code ({'; '.join(code)})"] if code else []
        if old["grid_sha256"] != new["grid_sha256"]:
            diffs.append(
                f"a different grid (checkpoint: mode={old['mode']!r}, "
                f"{_short(old['grid'])}; now: mode={new['mode']!r}, {_short(new['grid'])})"
            )
        if diffs:
            raise ValueError(
                f"{where} was written by {' and '.join(diffs)}; its results will not be mixed "
                "into this sweep. " + _start_fresh(self.path))
        if chunk is not None and chunk != old["chunk"]:
            raise ValueError(
                f"{where} was written with chunk={old['chunk']}; pass chunk={old['chunk']} "
                "(or leave chunk unset) to resume it"
            )

    # -- chunks --------------------------------------------------------------------------------
    def chunk_file(self, ci: int) -> Path:
        """The file of chunk ``ci``.

        Parameters
        ----------
        ci : int
            Chunk index.

        Returns
        -------
        Path
            ``<checkpoint>/chunk_NNNNNN.npz``.
        """
        return self.path / f"chunk_{ci:06d}.npz"

    def load(self, n_points: int) -> dict[int, dict[str, Any]]:
        """Every finished chunk on disk, validated.

        Parameters
        ----------
        n_points : int
            Number of points of the sweep (fixes the number and sizes of the chunks).

        Returns
        -------
        dict of int to dict
            ``{chunk index: chunk}`` (as :func:`~qbtoolkit.studies.outputs.run_chunk` returns
            them).

        Raises
        ------
        ValueError
            A file that is not one of this sweep's chunk files, or a truncated, corrupt or foreign
            chunk file (named, with what to do).
        """
        n_chunks = math.ceil(n_points / self.chunk)
        done = {}
        for f in sorted(self.path.glob("chunk_*")):
            m = _CHUNK.fullmatch(f.name)
            ci = int(m.group(1)) if m else -1
            if not 0 <= ci < n_chunks:
                raise ValueError(
                    f"checkpoint file {str(f)!r} is not one of this sweep's {n_chunks} chunk "
                    "files; delete it (or pass resume=False to start the sweep fresh)")
            expected = min(self.chunk, n_points - ci * self.chunk)
            done[ci] = _read_chunk(f, expected)
        return done

    def save(self, ci: int, res: dict[str, Any]) -> None:
        """Write chunk ``ci`` atomically (a temporary file renamed into place).

        Parameters
        ----------
        ci : int
            Chunk index.
        res : dict
            The chunk (as :func:`~qbtoolkit.studies.outputs.run_chunk` returns it).
        """
        names = list(res["data"])
        cnames = list(res["coords"])
        meta = {
            "names": names,
            "dims": {n: list(res["dims"][n]) for n in names},
            "coord_names": cnames,
            "coord_dims": {c: list(res["coords"][c][0]) for c in cnames},
            "attrs": res["attrs"],
        }
        arrays = {f"var_{i}": res["data"][n] for i, n in enumerate(names)}
        arrays.update({f"coord_{i}": res["coords"][c][1] for i, c in enumerate(cnames)})
        arrays["meta"] = np.array(json.dumps(meta))
        atomic_write(self.chunk_file(ci), lambda fh: np.savez(fh, **arrays))

    def close(self) -> None:
        """Release the directory's lock."""
        self.lock.release()


def _read_chunk(f: Path, expected: int) -> dict[str, Any]:
    """One chunk file, with every field checked (ValueError naming the file if not)."""
    try:
        with np.load(f, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"][()]))
            names, cnames = meta["names"], meta["coord_names"]
            dims, cdims, attrs = meta["dims"], meta["coord_dims"], meta["attrs"]
            if not (_strings(names) and _strings(cnames) and isinstance(attrs, dict)
                    and isinstance(dims, dict) and isinstance(cdims, dict)):
                raise ValueError("malformed metadata")
            if set(dims) != set(names) or set(cdims) != set(cnames):
                raise ValueError("metadata names and dimensions disagree")
            if not all(_strings(d) for d in [*dims.values(), *cdims.values()]):
                raise ValueError("dimension names must be strings")
            data = {n: z[f"var_{i}"] for i, n in enumerate(names)}
            coords = {c: (tuple(cdims[c]), z[f"coord_{i}"]) for i, c in enumerate(cnames)}
    except Exception as exc:  # whatever fails while reading: the file is damaged
        raise ValueError(
            f"checkpoint chunk {str(f)!r} is unreadable ({type(exc).__name__}: {exc}); delete "
            "this file to recompute its points, or pass resume=False to start the sweep fresh"
        ) from None
    for n, arr in data.items():
        if arr.dtype.kind not in "biufc" or arr.ndim != 1 + len(dims[n]) \
                or arr.shape[0] != expected:
            raise ValueError(
                f"checkpoint chunk {str(f)!r} holds {n!r} with dtype {arr.dtype} and shape "
                f"{arr.shape}, expected numbers for {expected} points with dims {dims[n]}; "
                "delete this file to recompute its points")
    for c, (cd, arr) in coords.items():
        if arr.dtype.kind not in "biufcU" or arr.ndim != len(cd):
            raise ValueError(f"checkpoint chunk {str(f)!r} holds a malformed coordinate {c!r}; "
                             "delete this file to recompute its points")
    return {"dims": {n: tuple(dims[n]) for n in names}, "data": data, "coords": coords,
            "attrs": attrs}


def _strings(seq: Any) -> bool:
    return isinstance(seq, list) and all(isinstance(s, str) for s in seq)


def _short(grid_json: str, limit: int = 120) -> str:
    return grid_json if len(grid_json) <= limit else grid_json[: limit - 3] + "..."
