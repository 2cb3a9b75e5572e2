"""Parameter sweeps that return labelled data: the front, :func:`sweep`.

:func:`sweep` calls a function on every point of a parameter grid, on one core, on all local
cores or on a Dask cluster, and returns one :class:`xarray.Dataset` with a dimension per
parameter (plus the function's own dimensions, e.g. time), the units the function declares and
provenance attributes.  With ``checkpoint=DIR`` every finished chunk of points is written to
disk as it completes, so a sweep that was interrupted, failed or was killed resumes where it
stopped -- but only if the code it depends on is unchanged (:mod:`.identity`).

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

import math
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import xarray as xr

from .._validate import check_choice, check_int
from .checkpoint import Checkpoint
from .grid import Grid, check_signature
from .identity import Identity, function_identity, function_name
from .outputs import assemble, declared
from .runners import BACKENDS, run

__all__ = ["sweep"]


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_version(version: Any) -> str | int | None:
    if version is None or (isinstance(version, str) and version):
        return version
    if isinstance(version, int) and not isinstance(version, bool):
        return int(version)
    raise ValueError(f"version must be a non-empty string or an integer (a label of your code's "
                     f"revision), got {version!r}")


def sweep(
    func: Callable[..., Any],
    grid: Mapping[str, Any],
    *,
    mode: str = "product",
    backend: str = "processes",
    workers: int | None = None,
    chunk: int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool = True,
    version: str | int | None = None,
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
        ``{name: 1-D values}``: finite numbers, booleans or strings, one kind per parameter (a
        1-D :class:`xarray.DataArray` also passes its attributes, e.g. units, to the
        coordinate).
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
        Directory for resumable results (``~`` expanded): ``manifest.json`` (what the results
        depend on: the identity of ``func`` and of the module-level functions, classes and
        constants it uses, ``version``, the library versions, the grid) and one
        ``chunk_NNNNNN.npz`` per finished chunk, each written atomically as it completes.  The
        directory is locked while the sweep runs.  Re-running the same call computes only
        the missing chunks; a checkpoint written by different code, libraries or grid is
        refused (ValueError saying what changed), as is one whose code identity cannot be
        established.  The directory is kept afterwards (delete it to recompute).
    resume : bool
        With ``checkpoint``: False discards the checkpoint's finished chunks and starts fresh.
    version : str or int, optional
        Your label for the revision of the code (a salt of the checkpoint identity): change it
        whenever results would change in a way the code identity cannot see (data files read
        by ``func``, environment variables).
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
        ``created``, and ``sweep_version`` when given).

    Raises
    ------
    ValueError
        Empty, non-1-D or non-finite grid arrays, mixed kinds of values, grid names that are
        not arguments of ``func``, required arguments of ``func`` missing from the grid, a
        checkpoint that is locked by another sweep, mismatched or corrupt, or outputs whose
        variables/shapes/coordinates change between points.
    Exception
        Whatever ``func`` raises, with a note naming the point, after every chunk finished
        until then is saved; notes say how to resume.

    Examples
    --------
    The battery energy after a quarter period, ``E = omega sin^2(theta/2) sin^2(J pi/2)``
    (Downing & Ukhtary Eq. 30), over a 2 x 2 grid:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> def final_energy(theta, J):
    ...     model = qb.models.charger_battery(J=J, theta=theta)
    ...     traj = qb.evolve(model, [0.0, np.pi / 2], method="expm", metrics=["energy"])
    ...     return {"energy": traj.values["energy"][-1]}
    >>> ds = qb.sweep(final_energy, {"theta": [np.pi / 2, np.pi], "J": [0.5, 1.0]},
    ...               backend="serial", progress=False)
    >>> dict(ds.sizes)
    {'theta': 2, 'J': 2}
    >>> ds["energy"].values.round(6)
    array([[0.25, 0.5 ],
           [0.5 , 1.  ]])
    >>> qb.analytic.energy(ds.theta.values[:, None], ds.J.values * np.pi / 2).round(6)
    array([[0.25, 0.5 ],
           [0.5 , 1.  ]])
    """
    if not callable(func):
        raise ValueError(f"func must be callable, got {type(func).__name__}")
    g = Grid(grid, mode)
    backend = check_choice(backend, "backend", BACKENDS)
    if client is not None and backend != "dask":
        raise ValueError(f"client is only used with backend='dask' (got backend={backend!r})")
    fname = function_name(func)
    check_signature(func, g.names, fname)
    workers = _default_workers() if workers is None else check_int(workers, "workers", 1)
    if chunk is not None:
        chunk = check_int(chunk, "chunk", 1)
    resume = _check_flag(resume, "resume")
    progress = _check_flag(progress, "progress")
    version = _check_version(version)
    if checkpoint is None and not resume:
        raise ValueError("resume=False is only used with checkpoint=DIR (there is nothing to "
                         "resume without a checkpoint)")
    identity = function_identity(func, version)
    manifest = {
        "function": fname,
        "identity": identity.to_json(),
        "mode": g.mode,
        "grid": g.to_json(),
        "grid_sha256": g.sha256(),
        "n_points": g.size,
    }
    spec = declared(func)
    auto_chunk = max(1, math.ceil(g.size / (4 * workers)))
    store = None
    if checkpoint is not None:
        store = Checkpoint(checkpoint, manifest, chunk, auto_chunk, resume)
        chunk = store.chunk
    elif chunk is None:
        chunk = auto_chunk
    n_chunks = math.ceil(g.size / chunk)
    try:
        results = store.load(g.size) if store is not None else {}
        tasks = [
            (ci, g.points(ci * chunk, min((ci + 1) * chunk, g.size)))
            for ci in range(n_chunks)
            if ci not in results
        ]
        if tasks:
            _compute(func, spec, tasks, results, store, backend, workers, client, progress,
                     g.size, fname, n_chunks, version)
    finally:
        if store is not None:
            store.close()
    return assemble(g, results, n_chunks, spec, _provenance(manifest, identity, backend))


def _compute(func: Callable[..., Any], spec: dict, tasks: list, results: dict,
             store: Checkpoint | None, backend: str, workers: int, client: Any, progress: bool,
             n_points: int, fname: str, n_chunks: int, version: str | int | None) -> None:
    """Run the missing chunks, saving each as it arrives; on any exception say what is kept
    and how to resume."""
    from tqdm.auto import tqdm

    sizes = {ci: len(p) for ci, p in tasks}
    bar = tqdm(total=n_points, initial=n_points - sum(sizes.values()), disable=not progress,
               unit="pt", desc=f"sweep {fname.rsplit('.', 1)[-1]}")

    def deliver(ci: int, res: dict[str, Any]) -> None:
        if store is not None:
            store.save(ci, res)
        results[ci] = res
        bar.update(sizes[ci])

    try:
        run(backend, func, spec, tasks, workers, client, deliver)
    except BaseException as exc:
        done = n_points - sum(sizes[ci] for ci in sizes if ci not in results)
        if store is not None:
            salt = "" if version is None else f", version={version!r}"
            exc.add_note(
                f"qbtoolkit.sweep: {len(results)} of {n_chunks} chunks ({done} of {n_points} "
                f"points) are saved in the checkpoint {str(store.path)!r}. To compute only the "
                f"missing points, repeat the same call with the same function, grid and "
                f"checkpoint: sweep({fname}, <same grid>, chunk={store.chunk}, "
                f"checkpoint={str(store.path)!r}{salt})")
        else:
            exc.add_note(
                f"qbtoolkit.sweep: no checkpoint was given, so the {done} finished points are "
                "lost; pass checkpoint='DIR' to keep finished chunks across interruptions")
        raise
    finally:
        bar.close()


def _provenance(manifest: dict[str, Any], identity: Identity, backend: str) -> dict[str, Any]:
    import qutip

    qb = sys.modules.get("qbtoolkit")
    out = {
        "qbtoolkit_version": str(getattr(qb, "__version__", "unknown")),
        "qutip_version": qutip.__version__,
        "numpy_version": np.__version__,
        "xarray_version": xr.__version__,
        "python_version": sys.version.split()[0],
        "sweep_function": manifest["function"],
        "sweep_function_sha256": identity.sha256 or f"unknown ({identity.unknown})",
        "sweep_mode": manifest["mode"],
        "sweep_grid": manifest["grid"],
        "sweep_grid_sha256": manifest["grid_sha256"],
        "sweep_backend": backend,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if identity.version is not None:
        out["sweep_version"] = identity.version
    return out
