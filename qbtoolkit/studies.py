"""Parameter studies described in a TOML file (``qbtoolkit sweep CONFIG.toml``).

A study builds a model from a builder of :mod:`qbtoolkit.models` at every grid point, evolves it
(or finds its steady state) and records battery metrics, using :func:`qbtoolkit.sweep`::

    # charging.toml
    [study]
    model = "charger_battery"            # builder name in qbtoolkit.models
    metrics = ["energy", "ergotropy"]    # qbtoolkit metric names, measured on the battery
    output = "results/charging.nc"       # netCDF file (qbtoolkit.io.save)
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

Relative paths are taken from the current working directory.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import metrics as _metrics
from . import models as _models
from ._validate import check_choice, check_int
from .sweep import BACKENDS, MODES, _check_signature, _Grid, sweep

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
METRIC_NAMES = tuple(_metrics.__all__)


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
            return list(spec["values"])
        if set(spec) != {"start", "stop", "num"}:
            raise ValueError(
                f"{name} must be a list of values or a table {{start, stop, num}}, got keys "
                f"{sorted(spec)}"
            )
        num = check_int(spec["num"], f"{name}.num", 1)
        return np.linspace(float(spec["start"]), float(spec["stop"]), num).tolist()
    if isinstance(spec, list):
        return spec
    raise ValueError(
        f"{name} must be a list of values or a table {{start, stop, num}}, got {spec!r}"
    )


def load_config(config: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """Read and validate a study description (a TOML file or an equivalent dict).

    Returns
    -------
    dict
        Normalised config: ``study`` (with defaults filled in), ``params``, ``grid`` (name ->
        list of values), ``times`` (list or None).

    Raises
    ------
    ValueError
        Unknown tables/keys, an unknown model builder or metric, empty/non-1-D grid axes, grid
        or fixed parameters that the builder does not take, a parameter both fixed and swept.
    """
    if isinstance(config, Mapping):
        raw = dict(config)
    else:
        path = Path(config)
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
    if not metric_list:
        raise ValueError("config [study] metrics: give at least one metric name")
    for m in metric_list:
        check_choice(m, "config [study] metric", METRIC_NAMES)
    study["metrics"] = list(metric_list)
    study.setdefault("backend", "processes")
    study.setdefault("mode", "product")
    study.setdefault("method", "mesolve")
    check_choice(study["backend"], "config [study] backend", BACKENDS)
    check_choice(study["mode"], "config [study] mode", MODES)
    check_choice(study["method"], "config [study] method", ("mesolve", "expm"))

    params = dict(raw.get("params") or {})
    grid_raw = raw.get("grid")
    if not isinstance(grid_raw, Mapping) or not grid_raw:
        raise ValueError("config [grid]: give at least one swept parameter")
    grid = {name: _axis(f"config [grid] {name}", spec) for name, spec in grid_raw.items()}
    both = set(grid) & set(params)
    if both:
        raise ValueError(f"config: parameter(s) {sorted(both)} are both in [params] and [grid]")
    builder = getattr(_models, study["model"])
    _Grid(grid, study["mode"])  # empty / non-1-D axes -> ValueError naming the parameter
    _check_signature(
        builder, [*grid, *params], f"model builder {study['model']!r}", "config [grid]/[params]"
    )
    times = None
    if "times" in raw:
        times = _axis("config [times]", raw["times"])
        if not times:
            raise ValueError("config [times]: give at least one time")
    return {"study": study, "params": params, "grid": grid, "times": times}


@dataclasses.dataclass(frozen=True)
class StudyPoint:
    """The function a study sweeps: build the model, run it, evaluate the metrics.

    Picklable (a plain dataclass), so it runs on worker processes and Dask workers; its fields
    enter the sweep's checkpoint hash, so a changed study never resumes an old checkpoint.
    """

    model: str
    params: dict[str, Any]
    metrics: tuple[str, ...]
    times: tuple[float, ...] | None = None
    method: str = "mesolve"

    def __call__(self, **point: Any) -> xr.Dataset:
        from .dynamics import evolve, steady_state
        from .metrics import registry

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
    progress: bool = True,
    save: bool = True,
) -> xr.Dataset:
    """Run the study described by ``config`` and save it to its output file.

    Parameters
    ----------
    config : path or dict
        TOML file (see the module docstring) or the same structure as a dict.
    output, backend, workers, checkpoint : optional
        Override the config's ``[study]`` values.
    progress : bool
        Show the sweep's progress bar.
    save : bool
        Write the Dataset to ``output`` with :func:`qbtoolkit.io.save`.

    Returns
    -------
    xarray.Dataset
        The :func:`qbtoolkit.sweep` result; ``attrs["study_model"]``,
        ``attrs["study_config"]`` (JSON) and ``attrs["study_output"]`` record the study.
    """
    cfg = load_config(config)
    study = cfg["study"]
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
        checkpoint=ckpt,
        progress=progress,
    )
    ds.attrs["study_model"] = study["model"]
    ds.attrs["study_config"] = json.dumps(cfg, default=str)
    ds.attrs["study_output"] = str(output if output is not None else study["output"])
    if save:
        from .io import save as save_dataset

        save_dataset(ds, ds.attrs["study_output"])
    return ds
