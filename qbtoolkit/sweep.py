"""Parameter sweeps that return labelled data.

:func:`sweep` calls a function on every point of a parameter grid, on one core, on all local cores
or on a Dask cluster, and returns one :class:`xarray.Dataset` with a dimension per parameter (plus
the function's own dimensions, e.g. time), the units the function declares and provenance
attributes.  With ``checkpoint=DIR`` every finished chunk of points is written to disk as it
completes, so a sweep that was killed resumes where it stopped.

What the swept function returns
-------------------------------
``func(**point)`` is called with one keyword per grid parameter and may return

* a ``dict`` of scalars and/or arrays, ``{"ergotropy": 0.3, "energy": E_t}``;
* an :class:`xarray.Dataset`, e.g. ``evolve(model, tlist).evaluate({...})`` (time series keep
  their ``time`` coordinate and their ``units``/``long_name`` attributes);
* a named :class:`xarray.DataArray`, or a ``dict`` mixing DataArrays and plain values.

Plain numpy arrays get dimensions from :func:`annotate` (``dims=("time",)``) or, failing that,
``<name>_dim_0, ...``.  A returned key whose name is one of those dimensions (e.g. ``"time"``) is
used as that dimension's coordinate.  Coordinates of the function's own dimensions must be the
same at every point.

Example
-------
>>> import numpy as np, qbtoolkit as qb
>>> @qb.annotate(energy={"units": "omega", "dims": ("time",)}, time={"units": "1/omega"},
...              gamma={"units": "omega", "long_name": "decay rate"})
... def decay(gamma, theta):
...     time = np.linspace(0.0, 5.0, 11)
...     return {"energy": np.sin(theta / 2) ** 2 * np.exp(-gamma * time), "time": time}
>>> ds = qb.sweep(decay, {"gamma": [0.1, 0.2], "theta": [1.0, 2.0, 3.0]}, backend="serial",
...               progress=False)
>>> ds["energy"].dims
('gamma', 'theta', 'time')
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import math
import multiprocessing
import os
import pickle
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import xarray as xr

from ._validate import check_choice, check_int

__all__ = ["annotate", "sweep"]

F = TypeVar("F", bound=Callable[..., Any])

MODES = ("product", "zip")
BACKENDS = ("processes", "serial", "dask")
_SPEC_ATTR = "__qbtoolkit_sweep__"
_CHECKPOINT_FORMAT = 1
_MANIFEST = "manifest.json"
_THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "QBTOOLKIT_NUM_THREADS",
)
_THREADS_LIMITED = False


# --------------------------------------------------------------------------------------------
# Declaring what a function returns
# --------------------------------------------------------------------------------------------
def annotate(**variables: Mapping[str, Any] | str) -> Callable[[F], F]:
    """Declare units, long names and dimensions of a sweep function's variables.

    Parameters
    ----------
    **variables
        ``name={"units": ..., "long_name": ..., "dims": (...), <any other attribute>}`` for an
        output variable, an output coordinate (e.g. ``time``) or a grid parameter.  A plain
        string is shorthand for ``{"units": string}``.  ``dims`` names the dimensions of a plain
        numpy output; every other key becomes an attribute in the swept Dataset.

    Returns
    -------
    decorator
        Returns the function itself (not a wrapper), with the declaration attached, so it
        still pickles by reference for worker processes.

    Examples
    --------
    >>> @annotate(ergotropy={"units": "omega", "long_name": "ergotropy"}, gamma="omega")
    ... def f(gamma):
    ...     return {"ergotropy": 1.0 - gamma}
    """
    spec: dict[str, dict[str, Any]] = {}
    for name, entry in variables.items():
        if isinstance(entry, str):
            entry = {"units": entry}
        if not isinstance(entry, Mapping):
            raise ValueError(
                f"annotate: {name} must be a dict of attributes (units, long_name, dims) or a "
                f"units string, got {type(entry).__name__}"
            )
        attrs = dict(entry)
        dims = attrs.pop("dims", None)
        if isinstance(dims, str):
            dims = (dims,)
        spec[name] = {"dims": None if dims is None else tuple(dims), "attrs": attrs}

    def decorator(func: F) -> F:
        merged = {**_declared(func), **spec}
        try:
            setattr(func, _SPEC_ATTR, merged)
        except AttributeError as exc:  # builtins, methods
            raise ValueError(f"annotate: cannot attach declarations to {func!r}") from exc
        return func

    return decorator


def _declared(func: Any) -> dict[str, dict[str, Any]]:
    spec = getattr(func, _SPEC_ATTR, None)
    if spec is None and isinstance(func, functools.partial):
        return _declared(func.func)
    return dict(spec or {})


# --------------------------------------------------------------------------------------------
# Grid handling
# --------------------------------------------------------------------------------------------
class _Grid:
    """Validated grid: names, 1-D value arrays, mode and point enumeration."""

    def __init__(self, grid: Any, mode: str):
        self.mode = check_choice(mode, "mode", MODES)
        if not isinstance(grid, Mapping) or len(grid) == 0:
            raise ValueError(
                "grid must be a non-empty mapping {parameter name: 1-D array of values}, "
                f"got {grid!r}"
            )
        self.names: list[str] = []
        self.values: dict[str, np.ndarray] = {}
        self.attrs: dict[str, dict[str, Any]] = {}
        for name, raw in grid.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ValueError(f"grid: parameter name {name!r} must be a Python identifier")
            if isinstance(raw, xr.DataArray):
                self.attrs[name] = dict(raw.attrs)
                raw = raw.values
            try:
                arr = np.asarray(raw)
            except ValueError as exc:  # ragged nested sequences
                raise ValueError(f"grid[{name!r}] must be a 1-D array of values: {exc}") from None
            if arr.ndim != 1:
                raise ValueError(
                    f"grid[{name!r}] must be a 1-D array of values, got shape {arr.shape}"
                )
            if arr.size == 0:
                raise ValueError(f"grid[{name!r}] is empty: give at least one value")
            if arr.dtype.kind not in "biufcU":
                raise ValueError(
                    f"grid[{name!r}] must hold numbers or strings, got dtype {arr.dtype}"
                )
            self.names.append(name)
            self.values[name] = arr
        lengths = [self.values[n].size for n in self.names]
        if self.mode == "zip":
            if len(set(lengths)) != 1:
                raise ValueError(
                    "grid: mode='zip' needs equally long arrays, got lengths "
                    + ", ".join(f"{n}={k}" for n, k in zip(self.names, lengths, strict=True))
                )
            self.shape: tuple[int, ...] = (lengths[0],)
        else:
            self.shape = tuple(lengths)
        self.size = math.prod(self.shape)
        self._py = {n: self.values[n].tolist() for n in self.names}

    def points(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Parameter dicts (plain Python scalars) of flat points ``start..stop-1``."""
        out = []
        for flat in range(start, stop):
            if self.mode == "zip":
                out.append({n: self._py[n][flat] for n in self.names})
            else:
                idx = np.unravel_index(flat, self.shape)
                out.append({n: self._py[n][i] for n, i in zip(self.names, idx, strict=True)})
        return out

    def sha256(self) -> str:
        h = hashlib.sha256(self.mode.encode())
        for n in self.names:
            arr = np.ascontiguousarray(self.values[n])
            h.update(f"|{n}|{arr.dtype.str}|{arr.size}|".encode())
            h.update(arr.tobytes())
        return h.hexdigest()

    def to_json(self) -> str:
        return json.dumps({n: self._py[n] for n in self.names}, default=str)


def _check_signature(
    func: Callable[..., Any], names: list[str], fname: str, what: str = "grid"
) -> None:
    """Unknown grid parameters or missing required arguments -> ValueError."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # some builtins/extension callables
        return
    params = list(sig.parameters.values())
    keyword = {
        p.name
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        unknown = [n for n in names if n not in keyword]
        if unknown:
            raise ValueError(
                f"{what}: unknown parameter(s) {', '.join(map(repr, unknown))} for {fname}; "
                f"it accepts {', '.join(map(repr, sorted(keyword))) or 'no keyword arguments'}"
            )
    missing = [
        p.name
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        and p.name not in names
    ]
    if missing:
        raise ValueError(
            f"{what}: {fname} needs parameter(s) {', '.join(map(repr, missing))} that are not "
            "given (add them to the grid or bind them with functools.partial)"
        )


# --------------------------------------------------------------------------------------------
# Function identity (for checkpoints and provenance)
# --------------------------------------------------------------------------------------------
def _function_name(func: Any) -> str:
    if isinstance(func, functools.partial):
        return f"partial({_function_name(func.func)})"
    qual = getattr(func, "__qualname__", None) or type(func).__qualname__
    module = getattr(func, "__module__", None) or type(func).__module__
    return f"{module}.{qual}"


def _stable_bytes(obj: Any) -> bytes:
    try:
        return pickle.dumps(obj, protocol=4)
    except Exception:  # unpicklable state: fall back to its repr
        return repr(obj).encode()


def _source(obj: Any) -> bytes:
    try:
        return inspect.getsource(obj).encode()
    except (OSError, TypeError):
        code = getattr(obj, "__code__", None)
        if code is not None:
            return code.co_code + repr(code.co_consts).encode()
        return repr(obj).encode()


def _function_sha256(func: Any) -> str:
    """Hash of the function's qualified name, source, defaults and bound state."""
    h = hashlib.sha256(_function_name(func).encode())
    while isinstance(func, functools.partial):
        h.update(_stable_bytes((func.args, func.keywords)))
        func = func.func
    if inspect.ismethod(func):
        h.update(_stable_bytes(func.__self__))
        func = func.__func__
    if inspect.isfunction(func):
        h.update(_source(func))
        h.update(_stable_bytes((func.__defaults__, func.__kwdefaults__)))
        if func.__closure__:
            h.update(_stable_bytes([c.cell_contents for c in func.__closure__]))
    else:  # callable object: its class's source and its state
        h.update(_source(type(func)))
        h.update(_stable_bytes(func))
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# Running one chunk of points (in a worker)
# --------------------------------------------------------------------------------------------
def _limit_threads() -> None:
    """In a worker process, pin BLAS/OpenMP pools to one thread (no oversubscription)."""
    global _THREADS_LIMITED
    if _THREADS_LIMITED or multiprocessing.parent_process() is None:
        return  # never touch the user's own process (serial backend, in-process dask)
    for var in _THREAD_VARS:
        os.environ[var] = "1"
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    from ._linalg import set_num_threads

    set_num_threads(1)  # qbtoolkit's own threaded batched eigensolvers
    _THREADS_LIMITED = True


def _as_values(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "biufc":
        raise ValueError(
            f"sweep: output {name!r} must be numeric (scalar or array), got {type(value).__name__}"
            f" with dtype {arr.dtype}"
        )
    return arr


def _normalize(out: Any, spec: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """One point's output -> {"vars": {name: (dims, array)}, "coords": ..., "attrs": ...}."""
    coords: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    attrs: dict[str, dict[str, Any]] = {}
    plain: dict[str, np.ndarray] = {}
    vars_: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}

    def take_coords(obj: xr.DataArray | xr.Dataset) -> None:
        for cname, c in obj.coords.items():
            coords[str(cname)] = (tuple(map(str, c.dims)), np.asarray(c.values))
            attrs.setdefault(str(cname), dict(c.attrs))

    if isinstance(out, xr.Dataset):
        items: list[tuple[Any, Any]] = list(out.data_vars.items())
        take_coords(out)
    elif isinstance(out, xr.DataArray):
        if out.name is None:
            raise ValueError("sweep: a DataArray returned by func needs a name (da.rename(...))")
        items = [(out.name, out)]
    elif isinstance(out, Mapping):
        items = list(out.items())
    else:
        raise TypeError(
            "sweep: func must return a dict of scalars/arrays, an xarray.Dataset or a named "
            f"xarray.DataArray, got {type(out).__name__}"
        )
    for key, value in items:
        name = str(key)
        if isinstance(value, xr.DataArray):
            vars_[name] = (tuple(map(str, value.dims)), _as_values(name, value.values))
            attrs[name] = dict(value.attrs)
            take_coords(value)
        else:
            plain[name] = _as_values(name, value)
    declared = {n: (spec.get(n) or {}).get("dims") for n in plain}
    # A returned 1-D array named after a dimension of another output is that coordinate.
    own_dims = {d for dims, _ in vars_.values() for d in dims}
    own_dims |= {d for n, dims in declared.items() if dims is not None for d in dims if d != n}
    for name, arr in plain.items():
        dims = declared[name]
        if dims is None and name in own_dims and arr.ndim == 1:
            coords[name] = ((name,), arr)
            attrs.setdefault(name, {})
            continue
        if dims is None:
            dims = tuple(f"{name}_dim_{i}" for i in range(arr.ndim))
        if len(dims) != arr.ndim:
            raise ValueError(
                f"sweep: output {name!r} has shape {arr.shape} but is declared with dims {dims}"
            )
        vars_[name] = (tuple(dims), arr)
        attrs[name] = {}
    for name, entry in spec.items():
        if name in attrs:
            attrs[name] = {**attrs[name], **entry["attrs"]}
    return {"vars": vars_, "coords": coords, "attrs": attrs}


def _run_chunk(
    func: Callable[..., Any], spec: Mapping[str, dict[str, Any]], points: list[dict[str, Any]]
) -> dict[str, Any]:
    """Evaluate ``func`` on each point; stack the outputs along a leading point axis."""
    _limit_threads()
    first: dict[str, Any] | None = None
    columns: dict[str, list[np.ndarray]] = {}
    for point in points:
        try:
            res = _normalize(func(**point), spec)
        except Exception as exc:
            exc.add_note(f"qbtoolkit.sweep: raised at point {point}")
            raise
        if first is None:
            first = res
            columns = {n: [] for n in res["vars"]}
        else:
            _check_same(first, res, f"point {point}", "the first point of its chunk")
        for n, (_, arr) in res["vars"].items():
            columns[n].append(arr)
    assert first is not None
    return {
        "dims": {n: d for n, (d, _) in first["vars"].items()},
        "data": {n: np.stack(col) for n, col in columns.items()},
        "coords": first["coords"],
        "attrs": _jsonable(first["attrs"]),  # as a checkpoint stores them: resumed == fresh
    }


def _check_same(ref: dict[str, Any], new: dict[str, Any], where: str, what: str) -> None:
    """Outputs of two points (or chunks) must have the same variables, dims and coordinates."""
    ref_dims = _dims_of(ref)
    new_dims = _dims_of(new)
    if ref_dims != new_dims:
        raise ValueError(
            f"sweep: func returned different variables/dims at {where} ({new_dims}) than at "
            f"{what} ({ref_dims})"
        )
    ref_shapes, new_shapes = _shapes_of(ref), _shapes_of(new)
    if ref_shapes != new_shapes:
        raise ValueError(
            f"sweep: func returned different shapes at {where} ({new_shapes}) than at {what} "
            f"({ref_shapes})"
        )
    if set(ref["coords"]) != set(new["coords"]):
        raise ValueError(f"sweep: func returned different coordinates at {where} than at {what}")
    for cname, (dims, values) in ref["coords"].items():
        ndims, nvalues = new["coords"][cname]
        if dims != ndims or not _same_values(values, nvalues):
            raise ValueError(
                f"sweep: coordinate {cname!r} differs at {where} from {what}; coordinates of "
                "func's own dimensions must be the same at every point (return varying "
                "quantities as data variables instead)"
            )


def _dims_of(res: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    if "vars" in res:
        return {n: d for n, (d, _) in res["vars"].items()}
    return dict(res["dims"])


def _shapes_of(res: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    if "vars" in res:
        return {n: a.shape for n, (_, a) in res["vars"].items()}
    return {n: a.shape[1:] for n, a in res["data"].items()}


def _same_values(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


# --------------------------------------------------------------------------------------------
# Backends: each yields (chunk index, chunk result) as chunks complete
# --------------------------------------------------------------------------------------------
Task = tuple[int, list[dict[str, Any]]]


def _run_serial(func: Callable[..., Any], spec: dict, tasks: list[Task]) -> Iterator[tuple]:
    for ci, points in tasks:
        yield ci, _run_chunk(func, spec, points)


class _Cloudpickled:
    """A function shipped by value (lambdas, closures) to worker processes."""

    def __init__(self, func: Callable[..., Any]):
        import cloudpickle

        self.payload = cloudpickle.dumps(func)
        self._func: Callable[..., Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"payload": self.payload, "_func": None}

    def __call__(self, **kwargs: Any) -> Any:
        if self._func is None:
            self._func = pickle.loads(self.payload)
        return self._func(**kwargs)


def _picklable(func: Callable[..., Any]) -> Callable[..., Any]:
    try:
        pickle.dumps(func)
        return func
    except Exception as exc:
        try:
            return _Cloudpickled(func)
        except ImportError:
            raise ValueError(
                f"func {_function_name(func)} cannot be pickled for worker processes ({exc}); "
                "define it at module level, install cloudpickle, or use backend='serial'"
            ) from None


def _mp_context() -> multiprocessing.context.BaseContext:
    method = os.environ.get("QBTOOLKIT_START_METHOD")
    if method is None:  # fork: fast start, works with functions defined in notebooks
        method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


@contextlib.contextmanager
def _single_thread_env() -> Iterator[None]:
    """Children started while this is active see OMP/MKL/OPENBLAS_NUM_THREADS=1."""
    saved = {v: os.environ.get(v) for v in _THREAD_VARS}
    os.environ.update({v: "1" for v in _THREAD_VARS})
    try:
        yield
    finally:
        for v, old in saved.items():
            if old is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = old


def _run_processes(
    func: Callable[..., Any], spec: dict, tasks: list[Task], workers: int
) -> Iterator[tuple]:
    func = _picklable(func)
    with _single_thread_env():
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(tasks))),
            mp_context=_mp_context(),
            initializer=_limit_threads,
        )
        try:
            pending = {pool.submit(_run_chunk, func, spec, pts): ci for ci, pts in tasks}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    ci = pending.pop(fut)
                    yield ci, fut.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(
    func: Callable[..., Any], spec: dict, tasks: list[Task], workers: int, client: Any
) -> Iterator[tuple]:
    try:
        import distributed
    except ImportError:
        raise ImportError("backend='dask' needs Dask: pip install 'qbtoolkit[dask]'") from None
    owned: list[Any] = []
    if client is None:
        try:
            client = distributed.default_client()
        except ValueError:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
            owned = [client, cluster]
    elif isinstance(client, str):
        client = distributed.Client(client)
        owned = [client]
    token = uuid.uuid4().hex[:8]
    futures = {
        client.submit(
            _run_chunk, func, spec, pts, key=f"qbtoolkit-sweep-{token}-{ci}", pure=False
        ): ci
        for ci, pts in tasks
    }
    try:
        for fut in distributed.as_completed(list(futures)):
            yield futures[fut], fut.result()
    finally:
        client.cancel(list(futures))
        for obj in owned:
            obj.close()


# --------------------------------------------------------------------------------------------
# Checkpoints: DIR/manifest.json + DIR/chunk_000123.npz, each written atomically
# --------------------------------------------------------------------------------------------
def _atomic_write(path: Path, write: Callable[[Any], None]) -> None:
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


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray | np.generic):
        return _jsonable(obj.tolist())
    if isinstance(obj, complex):
        return str(obj)
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    return str(obj)


class _Checkpoint:
    def __init__(
        self,
        path: str | os.PathLike[str],
        manifest: dict[str, Any],
        requested: int | None,
        auto: int,
    ):
        self.path = Path(path)
        mfile = self.path / _MANIFEST
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"checkpoint {str(self.path)!r} exists and is not a directory")
        if mfile.exists():
            old = json.loads(mfile.read_text())
            self._refuse_if_different(old, manifest, requested)
            self.manifest = old
        else:
            if self.path.exists() and any(self.path.iterdir()):
                raise ValueError(
                    f"checkpoint {str(self.path)!r} is a non-empty directory without a sweep "
                    f"{_MANIFEST}; refusing to write into it"
                )
            self.manifest = {**manifest, "chunk": requested or auto}
            self.path.mkdir(parents=True, exist_ok=True)
            text = json.dumps(self.manifest, indent=1)
            _atomic_write(mfile, lambda fh: fh.write(text.encode()))
        self.chunk: int = int(self.manifest["chunk"])

    def _refuse_if_different(self, old: dict, new: dict, chunk: int | None) -> None:
        where = f"checkpoint {str(self.path)!r}"
        if old.get("format") != _CHECKPOINT_FORMAT:
            raise ValueError(f"{where} has an unknown format {old.get('format')!r}")
        diffs = []
        if old["function_sha256"] != new["function_sha256"]:
            diffs.append(
                f"a different function (checkpoint: {old['function']} "
                f"sha256 {old['function_sha256'][:12]}; now: {new['function']} "
                f"sha256 {new['function_sha256'][:12]})"
            )
        if old["grid_sha256"] != new["grid_sha256"]:
            diffs.append(
                f"a different grid (checkpoint: mode={old['mode']!r}, "
                f"{_short(old['grid'])}; now: mode={new['mode']!r}, {_short(new['grid'])})"
            )
        if diffs:
            raise ValueError(
                f"{where} was written by {' and '.join(diffs)}; it will not be mixed into this "
                "sweep. Use another checkpoint directory or delete this one."
            )
        if chunk is not None and chunk != old["chunk"]:
            raise ValueError(
                f"{where} was written with chunk={old['chunk']}; pass chunk={old['chunk']} "
                "(or leave chunk unset) to resume it"
            )

    def chunk_file(self, ci: int) -> Path:
        return self.path / f"chunk_{ci:06d}.npz"

    def load(self, n_points: int) -> dict[int, dict[str, Any]]:
        n_chunks = math.ceil(n_points / self.chunk)
        done = {}
        for f in self.path.glob("chunk_*.npz"):
            ci = int(f.stem.split("_")[1])
            if ci >= n_chunks:
                raise ValueError(f"checkpoint file {f} is outside this sweep's {n_chunks} chunks")
            with np.load(f, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                names = meta["names"]
                done[ci] = {
                    "dims": {n: tuple(meta["dims"][n]) for n in names},
                    "data": {n: z[f"var_{i}"] for i, n in enumerate(names)},
                    "coords": {
                        c: (tuple(meta["coord_dims"][c]), z[f"coord_{i}"])
                        for i, c in enumerate(meta["coord_names"])
                    },
                    "attrs": meta["attrs"],
                }
            expected = min(self.chunk, n_points - ci * self.chunk)
            if any(a.shape[0] != expected for a in done[ci]["data"].values()):
                raise ValueError(f"checkpoint file {f} does not hold {expected} points")
        return done

    def save(self, ci: int, res: dict[str, Any]) -> None:
        names = list(res["data"])
        cnames = list(res["coords"])
        meta = {
            "names": names,
            "dims": {n: list(res["dims"][n]) for n in names},
            "coord_names": cnames,
            "coord_dims": {c: list(res["coords"][c][0]) for c in cnames},
            "attrs": _jsonable(res["attrs"]),
        }
        arrays = {f"var_{i}": res["data"][n] for i, n in enumerate(names)}
        arrays.update({f"coord_{i}": res["coords"][c][1] for i, c in enumerate(cnames)})
        arrays["meta"] = np.array(json.dumps(meta))
        _atomic_write(self.chunk_file(ci), lambda fh: np.savez(fh, **arrays))


def _short(grid_json: str, limit: int = 120) -> str:
    return grid_json if len(grid_json) <= limit else grid_json[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------
def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def sweep(
    func: Callable[..., Any],
    grid: Mapping[str, Any],
    *,
    mode: str = "product",
    backend: str = "processes",
    workers: int | None = None,
    chunk: int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    progress: bool = True,
    client: Any = None,
) -> xr.Dataset:
    """Evaluate ``func(**point)`` over a parameter grid and return labelled data.

    Parameters
    ----------
    func : callable
        Called as ``func(**point)`` with one keyword per grid parameter.  Returns a dict of
        scalars/arrays, an :class:`xarray.Dataset` (e.g. ``Trajectory.evaluate(...)``) or a
        named :class:`xarray.DataArray`.  Plain arrays get their dimension names from
        :func:`annotate` (``dims=("time",)``, else ``<name>_dim_<i>``); a returned 1-D array
        named after such a dimension becomes its coordinate, which must be the same at every
        point.  Units/long names come from DataArray attributes or :func:`annotate`.  For
        ``backend="processes"`` it must be picklable (a module-level function, a
        :func:`functools.partial` of one, or anything ``cloudpickle`` handles); each call must
        be deterministic for resumed sweeps to equal uninterrupted ones.
    grid : mapping
        ``{name: 1-D array}`` of parameter values (numbers or strings; a 1-D
        :class:`xarray.DataArray` also passes its attributes, e.g. units, to the coordinate).
    mode : {"product", "zip"}
        ``"product"``: every combination (the Cartesian product), one result dimension per
        parameter.  ``"zip"``: the i-th values of all parameters together (equal lengths); one
        result dimension ``point`` with each parameter as a coordinate along it.
    backend : {"processes", "serial", "dask"}
        ``"processes"``: local worker processes (default).  ``"serial"``: this process.
        ``"dask"``: a Dask ``distributed`` cluster (``client``); Dask is imported only here.
        All backends give identical results.
    workers : int, optional
        Number of worker processes (``"processes"``, or the ``LocalCluster`` started when
        ``backend="dask"`` without a client).  Default: the number of usable cores.
    chunk : int, optional
        Points per task (and per checkpoint file).  Default: about four chunks per worker
        (``workers``, default the local cores: pass ``workers=`` the size of a remote Dask
        cluster); when resuming a checkpoint, the chunk size it was written with.
    checkpoint : path, optional
        Directory for resumable results: ``manifest.json`` (hash of the function's qualified
        name + source and of the grid) and one ``chunk_NNNNNN.npz`` per finished chunk, each
        written atomically as it completes.  Re-running with the same arguments computes only
        the missing chunks.  A checkpoint from another function or grid raises ValueError.
        The directory is kept afterwards (delete it to recompute).
    progress : bool
        Show one ``tqdm`` bar over points (inner solver bars should stay off).
    client : distributed.Client or str, optional
        For ``backend="dask"``: a client or a scheduler address.  Default: the current default
        client, else a temporary ``LocalCluster`` with ``workers`` single-threaded workers.

    Returns
    -------
    xarray.Dataset
        Dimensions: the grid parameters (or ``point``) followed by the function's own
        dimensions.  Attributes: ``units``/``long_name`` where declared; provenance
        (``qbtoolkit_version``, ``qutip_version``, ``numpy_version``, ``sweep_function``,
        ``sweep_function_sha256``, ``sweep_grid`` (JSON), ``sweep_mode``, ``sweep_backend``,
        ``created``).

    Raises
    ------
    ValueError
        Empty or non-1-D grid arrays, grid names that are not arguments of ``func``,
        required arguments of ``func`` missing from the grid, a mismatched checkpoint, or
        outputs whose variables/shapes/coordinates change between points.
    """
    if not callable(func):
        raise ValueError(f"func must be callable, got {type(func).__name__}")
    g = _Grid(grid, mode)
    backend = check_choice(backend, "backend", BACKENDS)
    if client is not None and backend != "dask":
        raise ValueError(f"client is only used with backend='dask' (got backend={backend!r})")
    fname = _function_name(func)
    _check_signature(func, g.names, fname)
    workers = _default_workers() if workers is None else check_int(workers, "workers", 1)
    if chunk is not None:
        chunk = check_int(chunk, "chunk", 1)
    spec = _declared(func)
    manifest = {
        "format": _CHECKPOINT_FORMAT,
        "function": fname,
        "function_sha256": _function_sha256(func),
        "mode": g.mode,
        "grid": g.to_json(),
        "grid_sha256": g.sha256(),
        "n_points": g.size,
    }
    auto_chunk = max(1, math.ceil(g.size / (4 * workers)))
    store = None
    if checkpoint is not None:
        store = _Checkpoint(checkpoint, manifest, requested=chunk, auto=auto_chunk)
        chunk = store.chunk
    elif chunk is None:
        chunk = auto_chunk
    n_chunks = math.ceil(g.size / chunk)
    results = store.load(g.size) if store is not None else {}
    tasks = [
        (ci, g.points(ci * chunk, min((ci + 1) * chunk, g.size)))
        for ci in range(n_chunks)
        if ci not in results
    ]
    if tasks:
        from tqdm.auto import tqdm

        done_points = g.size - sum(len(p) for _, p in tasks)
        bar = tqdm(
            total=g.size,
            initial=done_points,
            disable=not progress,
            unit="pt",
            desc=f"sweep {fname.rsplit('.', 1)[-1]}",
        )
        sizes = {ci: len(p) for ci, p in tasks}
        if backend == "serial":
            stream = _run_serial(func, spec, tasks)
        elif backend == "processes":
            stream = _run_processes(func, spec, tasks, workers)
        else:
            stream = _run_dask(func, spec, tasks, workers, client)
        try:
            for ci, res in stream:
                if store is not None:
                    store.save(ci, res)
                results[ci] = res
                bar.update(sizes[ci])
        finally:
            stream.close()  # stops the workers' pool / cancels Dask futures on errors
            bar.close()
    return _assemble(g, results, n_chunks, spec, manifest, backend)


def _assemble(
    g: _Grid,
    results: dict[int, dict[str, Any]],
    n_chunks: int,
    spec: Mapping[str, dict[str, Any]],
    manifest: dict[str, Any],
    backend: str,
) -> xr.Dataset:
    ref = results[0]
    for ci in range(1, n_chunks):
        _check_same(ref, results[ci], f"chunk {ci}", "chunk 0")
    lead_dims = ("point",) if g.mode == "zip" else tuple(g.names)
    reserved = set(lead_dims) | set(g.names)
    for name, dims in ref["dims"].items():
        clash = reserved & ({name} | set(dims))
        if clash:
            raise ValueError(
                f"sweep: output {name!r} uses the name(s) {sorted(clash)} of the sweep's own "
                "dimensions/parameters; rename them"
            )
    data_vars = {}
    for name, dims in ref["dims"].items():
        arr = np.concatenate([results[ci]["data"][name] for ci in range(n_chunks)], axis=0)
        arr = arr.reshape(g.shape + arr.shape[1:])
        data_vars[name] = xr.Variable(lead_dims + tuple(dims), arr, dict(ref["attrs"][name]))
    coords: dict[str, xr.Variable] = {}
    for cname, (dims, values) in ref["coords"].items():
        coords[cname] = xr.Variable(dims, values, dict(ref["attrs"].get(cname, {})))
    if g.mode == "zip":
        coords["point"] = xr.Variable("point", np.arange(g.size))
    for n in g.names:
        attrs = {**g.attrs.get(n, {}), **(spec.get(n) or {}).get("attrs", {})}
        coords[n] = xr.Variable(lead_dims[0] if g.mode == "zip" else n, g.values[n], attrs)
    return xr.Dataset(data_vars, coords, attrs=_provenance(manifest, backend))


def _provenance(manifest: dict[str, Any], backend: str) -> dict[str, Any]:
    import qutip

    qb = sys.modules.get("qbtoolkit")
    return {
        "qbtoolkit_version": str(getattr(qb, "__version__", "unknown")),
        "qutip_version": qutip.__version__,
        "numpy_version": np.__version__,
        "xarray_version": xr.__version__,
        "python_version": sys.version.split()[0],
        "sweep_function": manifest["function"],
        "sweep_function_sha256": manifest["function_sha256"],
        "sweep_mode": manifest["mode"],
        "sweep_grid": manifest["grid"],
        "sweep_grid_sha256": manifest["grid_sha256"],
        "sweep_backend": backend,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
