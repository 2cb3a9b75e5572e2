"""Save and load datasets (sweeps, figure data) as netCDF-4 files via ``h5netcdf``.

netCDF has no complex type, so :func:`save` stores a complex variable ``x`` as a real variable
with a trailing dimension ``complex_part`` of size 2 (real, imaginary) and the attribute
``qbtoolkit_complex = 1``; :func:`load` turns it back into a complex variable.  Files stay valid
netCDF-4 (readable by any netCDF tool).  Attributes netCDF cannot hold (dicts, booleans, None)
are stored as JSON strings / integers.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

__all__ = ["save", "load"]

COMPLEX_DIM = "complex_part"
COMPLEX_ATTR = "qbtoolkit_complex"


def _attr_value(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return int(value)
    if value is None or isinstance(value, dict):
        return json.dumps(value, default=str)
    if isinstance(value, list | tuple) and any(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    return value


def _clean_attrs(attrs: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): _attr_value(v) for k, v in attrs.items()}


def _encode(ds: xr.Dataset) -> xr.Dataset:
    if COMPLEX_DIM in ds.dims:
        raise ValueError(f"ds: the dimension name {COMPLEX_DIM!r} is reserved by qbtoolkit.io")
    out = ds.copy(deep=False)
    out.attrs = _clean_attrs(ds.attrs)
    for name in list(out.variables):
        var = out.variables[name]
        attrs = _clean_attrs(var.attrs)
        if np.iscomplexobj(var.values):
            if name in out.indexes:
                raise ValueError(f"ds: cannot save the complex index coordinate {name!r}")
            values = np.stack([var.values.real, var.values.imag], axis=-1)
            new = xr.Variable(var.dims + (COMPLEX_DIM,), values, {**attrs, COMPLEX_ATTR: 1})
            if name in out.coords:
                out = out.assign_coords({name: new})
            else:
                out[name] = new
        else:
            out.variables[name].attrs = attrs
    for name in out.variables:
        out.variables[name].encoding = {}
    return out


def _decode(ds: xr.Dataset) -> xr.Dataset:
    for name in list(ds.variables):
        var = ds.variables[name]
        if var.attrs.get(COMPLEX_ATTR) != 1 or var.dims[-1:] != (COMPLEX_DIM,):
            continue
        attrs = {k: v for k, v in var.attrs.items() if k != COMPLEX_ATTR}
        values = var.values[..., 0] + 1j * var.values[..., 1]
        new = xr.Variable(var.dims[:-1], values, attrs)
        if name in ds.coords:
            ds = ds.assign_coords({name: new})
        else:
            ds[name] = new
    return ds


def save(ds: xr.Dataset | xr.DataArray, path: str | os.PathLike[str]) -> Path:
    """Write ``ds`` to a netCDF-4 file (``h5netcdf``), complex data included.

    The file is written to a temporary name and renamed, so a crash never leaves a
    half-written file at ``path``.  Parent directories are created.

    Parameters
    ----------
    ds : xarray.Dataset or named xarray.DataArray
        The data, e.g. the result of :func:`qbtoolkit.sweep`.
    path : str or path-like
        Target file, conventionally ``*.nc``.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    if isinstance(ds, xr.DataArray):
        if ds.name is None:
            raise ValueError("ds: a DataArray needs a name to be saved")
        ds = ds.to_dataset()
    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"ds must be an xarray Dataset or DataArray, got {type(ds).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        _encode(ds).to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path


def load(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read a file written by :func:`save` into memory (complex variables restored).

    Parameters
    ----------
    path : str or path-like
        A netCDF-4 file.

    Returns
    -------
    xarray.Dataset
        Fully loaded (the file is closed on return).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path {str(path)!r} is not a file")
    return _decode(xr.load_dataset(path, engine="h5netcdf"))
