"""Parameter studies described in a TOML file (``qbtoolkit sweep CONFIG.toml``).

A study builds a model from a builder of :mod:`qbtoolkit.models` at every grid point, evolves it
(or finds its steady state) and records battery metrics, using :func:`qbtoolkit.sweep`::

    # charging.toml
    [study]
    model = "charger_battery"            # builder name in qbtoolkit.models
    metrics = ["energy", "ergotropy"]    # metric names (qbtoolkit.metrics.registry)
    output = "results/charging.nc"       # netCDF file (qbtoolkit.io.save); ~ is expanded
    # optional: backend = "processes" | "serial" | "dask", workers = 2, chunk = 4,
    #           checkpoint = "results/charging.ckpt", mode = "product" | "zip",
    #           method = "mesolve" | "expm"   (qbtoolkit.evolve)

    [params]                             # fixed builder arguments (optional)
    omega = 1.0

    [grid]                               # swept builder arguments: list, values=[...] or linspace
    J = [0.5, 1.0, 2.0]
    gamma = { start = 0.0, stop = 0.2, num = 5 }

    [times]                              # evolve over linspace(start, stop, num) or values = [...];
    start = 0.0                          # omit [times] for a steady-state study
    stop = 10.0
    num = 101

Metrics are measured on the battery's states against its Hamiltonian through
:func:`qbtoolkit.metrics.registry.evaluate`: for a model stored in a reduced representation
(e.g. ``collective_battery(N, "tavis_cummings")``, whose battery lives in the symmetric
subspace) every metric is exact on the full state or refused.  Relative paths are taken from
the current working directory.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
import numbers
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .. import models as _models
from .._validate import check_choice, check_int, check_real
from ..dynamics.evolve import check_times
from ..io import check_writable
from ..metrics import registry
from .grid import MODES, Grid, check_signature
from .runners import BACKENDS
from .sweep import sweep

__all__ = ["StudyPoint", "load_config", "run_study"]

_TABLES = {"study", "params", "grid", "times"}
_STUDY_KEYS = {
    "model",
    "metrics",
    "output",
    "backend",
    "workers",
    "chunk",
    "checkpoint",
    "mode",
    "method",
}


def _builders() -> list[str]:
    """Names in ``qbtoolkit.models`` whose return annotation is a BatteryModel."""
    out = []
    for name in _models.__all__:
        fn = getattr(_models, name)
        if inspect.isfunction(fn):
            ret = inspect.signature(fn).return_annotation
            if ret is _models.BatteryModel or ret == "BatteryModel":
                out.append(name)
    return sorted(out)


def _axis(name: str, spec: Any) -> list[Any]:
    """A grid axis or time list: a list of values or a {start, stop, num} linspace table."""
    if isinstance(spec, Mapping):
        if set(spec) == {"values"}:
            return _axis(name, spec["values"])
        if set(spec) != {"start", "stop", "num"}:
            raise ValueError(
                f"{name} must be a list of values or a table {{start, stop, num}}, got keys "
                f"{sorted(spec)}"
            )
        num = check_int(spec["num"], f"{name}.num", 1)
        start = check_real(spec["start"], f"{name}.start")
        stop = check_real(spec["stop"], f"{name}.stop")
        return np.linspace(start, stop, num).tolist()
    if isinstance(spec, list):
        return spec
    raise ValueError(
        f"{name} must be a list of values or a table {{start, stop, num}}, got {spec!r}"
    )


def _check_finite_params(params: Mapping[str, Any]) -> None:
    """Numbers among the fixed builder arguments (also inside lists) must be finite."""
    def walk(value: Any, where: str) -> None:
        if isinstance(value, list | tuple):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")
        elif isinstance(value, numbers.Number) and not isinstance(value, bool):
            if not all(math.isfinite(x) for x in (complex(value).real, complex(value).imag)):
                raise ValueError(f"{where} must be finite, got {value!r}")

    for key, value in params.items():
        walk(value, f"config [params] {key}")


def load_config(config: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """Read and validate a study description (a TOML file or an equivalent dict).

    Parameters
    ----------
    config : path or mapping
        A TOML file (``~`` expanded) or the same structure as a dict.

    Returns
    -------
    dict
        Normalised config: ``study`` (with defaults filled in), ``params``, ``grid`` (name ->
        list of values), ``times`` (list or None).

    Raises
    ------
    ValueError
        Unknown tables/keys, an unknown model builder or metric, empty/non-1-D/non-finite grid
        axes, non-finite fixed parameters or times, grid or fixed parameters that the builder
        does not take, a parameter both fixed and swept.
    """
    if isinstance(config, Mapping):
        raw = dict(config)
    else:
        path = Path(config).expanduser()
        if not path.is_file():
            raise ValueError(f"config {str(path)!r} is not a file")
        try:
            raw = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"config {str(path)!r} is not valid TOML: {exc}") from None
    unknown = set(raw) - _TABLES
    if unknown:
        raise ValueError(f"config: unknown table(s) {sorted(unknown)}; expected {sorted(_TABLES)}")
    study = dict(raw.get("study") or {})
    bad = set(study) - _STUDY_KEYS
    if bad:
        raise ValueError(
            f"config [study]: unknown key(s) {sorted(bad)}; expected {sorted(_STUDY_KEYS)}"
        )
    for key in ("model", "metrics", "output"):
        if key not in study:
            raise ValueError(f"config [study]: missing key {key!r}")
    check_choice(study["model"], "config [study] model", _builders())
    metric_list = study["metrics"]
    if isinstance(metric_list, str):
        metric_list = [metric_list]
    if not isinstance(metric_list, list) or not metric_list:
        raise ValueError("config [study] metrics: give a list of at least one metric name")
    for m in metric_list:
        check_choice(m, "config [study] metric", registry.METRIC_NAMES)
    study["metrics"] = list(metric_list)
    for key in ("output", "checkpoint"):
        if key in study and (not isinstance(study[key], str) or not study[key]):
            raise ValueError(f"config [study] {key} must be a path (a non-empty string), got "
                             f"{study[key]!r}")
    study.setdefault("backend", "processes")
    study.setdefault("mode", "product")
    study.setdefault("method", "mesolve")
    check_choice(study["backend"], "config [study] backend", BACKENDS)
    check_choice(study["mode"], "config [study] mode", MODES)
    check_choice(study["method"], "config [study] method", ("mesolve", "expm"))

    params = dict(raw.get("params") or {})
    _check_finite_params(params)
    grid_raw = raw.get("grid")
    if not isinstance(grid_raw, Mapping) or not grid_raw:
        raise ValueError("config [grid]: give at least one swept parameter")
    grid = {name: _axis(f"config [grid] {name}", spec) for name, spec in grid_raw.items()}
    both = set(grid) & set(params)
    if both:
        raise ValueError(f"config: parameter(s) {sorted(both)} are both in [params] and [grid]")
    builder = getattr(_models, study["model"])
    Grid(grid, study["mode"])  # empty / non-1-D / non-finite axes -> ValueError naming them
    check_signature(
        builder, [*grid, *params], f"model builder {study['model']!r}", "config [grid]/[params]"
    )
    times = None
    if "times" in raw:
        times = check_times(_axis("config [times]", raw["times"]), "config [times]").tolist()
    return {"study": study, "params": params, "grid": grid, "times": times}


@dataclasses.dataclass(frozen=True)
class StudyPoint:
    """The function a study sweeps: build the model, run it, evaluate the metrics.

    Picklable (a plain dataclass), so it runs on worker processes and Dask workers; its fields
    enter the sweep's checkpoint identity, so a changed study never resumes an old checkpoint.
    Metrics go through :func:`qbtoolkit.metrics.registry.evaluate` with the model's
    ``representation``: exact on reduced (e.g. Dicke-basis) models, or refused.

    Parameters
    ----------
    model : str
        Builder name in :mod:`qbtoolkit.models`.
    params : dict
        Fixed builder arguments.
    metrics : tuple of str
        Metric names (:data:`qbtoolkit.metrics.registry.METRIC_NAMES`).
    times : tuple of float, optional
        Times of the evolution (``>= 0``, increasing); None: the steady state.
    method : str
        :func:`qbtoolkit.evolve` method.
    """

    model: str
    params: dict[str, Any]
    metrics: tuple[str, ...]
    times: tuple[float, ...] | None = None
    method: str = "mesolve"

    def __call__(self, **point: Any) -> xr.Dataset:
        """Build the model at one grid point, run it and evaluate the metrics.

        Parameters
        ----------
        **point : Any
            The grid parameters of this point (builder arguments, added to ``params``).

        Returns
        -------
        xarray.Dataset
            The metrics over ``time`` (:meth:`qbtoolkit.dynamics.Trajectory.evaluate`), or their
            steady-state values when ``times`` is None, with ``units`` attributes.

        Raises
        ------
        ValueError
            Whatever the builder, :func:`qbtoolkit.evolve`, :func:`qbtoolkit.steady_state` or a
            metric refuses.
        """
        from ..dynamics import evolve, steady_state

        model = getattr(_models, self.model)(**self.params, **point)
        fns = registry.resolve(list(self.metrics))
        if self.times is not None:
            return evolve(model, np.asarray(self.times), method=self.method).evaluate(fns)
        battery = model.reduce(steady_state(model).full())
        values = registry.evaluate(battery, fns, model.H_battery, model.representation)
        return xr.Dataset({name: xr.DataArray(v, attrs={"units": registry.units_of(fns[name])})
                           for name, v in values.items()})


def run_study(
    config: str | os.PathLike[str] | Mapping[str, Any],
    *,
    output: str | os.PathLike[str] | None = None,
    backend: str | None = None,
    workers: int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool = True,
    progress: bool = True,
    save: bool = True,
) -> xr.Dataset:
    """Run the study described by ``config`` and save it to its output file.

    The output path is checked before anything is computed: ``~`` is expanded, and a path
    that is a directory or cannot be written is refused at once.

    Parameters
    ----------
    config : path or dict
        TOML file (see the module docstring) or the same structure as a dict.
    output, backend, workers, checkpoint : optional
        Override the config's ``[study]`` values.
    resume : bool
        False: discard the checkpoint's finished chunks and start fresh.
    progress : bool
        Show the sweep's progress bar.
    save : bool
        Write the Dataset to ``output`` with :func:`qbtoolkit.io.save`.

    Returns
    -------
    xarray.Dataset
        The :func:`qbtoolkit.sweep` result; ``attrs["study_model"]``,
        ``attrs["study_config"]`` (JSON) and ``attrs["study_output"]`` record the study.

    Raises
    ------
    ValueError
        An invalid config (:func:`load_config`), an output path that cannot be written, and
        everything :func:`qbtoolkit.sweep` refuses.
    """
    cfg = load_config(config)
    study = cfg["study"]
    out_path = Path(output if output is not None else study["output"]).expanduser()
    if save:
        out_path = check_writable(out_path, "output")
    point = StudyPoint(
        model=study["model"],
        params=cfg["params"],
        metrics=tuple(study["metrics"]),
        times=None if cfg["times"] is None else tuple(float(t) for t in cfg["times"]),
        method=study["method"],
    )
    ckpt = checkpoint if checkpoint is not None else study.get("checkpoint")
    ds = sweep(
        point,
        cfg["grid"],
        mode=study["mode"],
        backend=backend or study["backend"],
        workers=workers if workers is not None else study.get("workers"),
        chunk=study.get("chunk"),
        checkpoint=None if ckpt is None else Path(ckpt).expanduser(),
        resume=resume,
        progress=progress,
    )
    ds.attrs["study_model"] = study["model"]
    ds.attrs["study_config"] = json.dumps(cfg, default=str)
    ds.attrs["study_output"] = str(out_path)
    if save:
        from ..io import save as save_dataset

        save_dataset(ds, out_path)
    return ds
