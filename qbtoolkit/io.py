"""Save and load datasets (sweeps, figure data) as netCDF-4 files via ``h5netcdf``, exactly.

``load(save(ds))`` returns the same values bit for bit (NaN, inf, -0.0 and complex values with
infinite or NaN parts included), the same dtypes and the same attributes:

* netCDF has no complex type: a complex variable ``x`` is stored as a real variable with a
  trailing dimension ``complex_part`` of size 2 (real, imaginary) and rebuilt from the two
  parts without arithmetic (``inf + inf j`` stays ``inf + inf j``);
* attribute names that netCDF libraries or CF decoders act on (``scale_factor``,
  ``add_offset``, ``_FillValue``, ``missing_value``, ``valid_range``, ``calendar``, time-like
  ``units = "days since ..."``, ``coordinates``, names starting with ``_``, ...) are stored
  under the prefix ``qbtoolkit__``, so that no reader -- this one or any other netCDF tool --
  rescales, masks or converts the stored values; :func:`load` restores the names and reads
  with every CF decoding of values switched off;
* attribute values netCDF cannot hold (booleans, None, dicts, lists, tuples, complex numbers,
  multi-dimensional arrays) are stored as JSON strings, listed in the attribute
  ``qbtoolkit__json``, and decoded on load to the same Python types.

Files stay valid netCDF-4, readable by any netCDF tool.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import tempfile
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

__all__ = ["save", "load", "check_writable"]

COMPLEX_DIM = "complex_part"
PREFIX = "qbtoolkit__"
_COMPLEX = PREFIX + "complex"  # marker: the variable holds (real, imaginary) parts
_DTYPE = PREFIX + "numpy_dtype"  # marker: numpy dtype of a string variable
_JSON = PREFIX + "json"  # marker: names of the attributes stored as JSON
#: Attribute names acted upon by netCDF-C/HDF5 dimension scales or CF decoders.
RESERVED = frozenset({
    "scale_factor", "add_offset", "missing_value", "valid_min", "valid_max", "valid_range",
    "calendar", "dtype", "coordinates", "bounds", "grid_mapping", "cell_measures",
    "ancillary_variables", "formula_terms", "compress", "flag_values", "flag_masks",
    "CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST",
})
_TIME_UNITS = frozenset({
    "days", "day", "d", "hours", "hour", "hr", "h", "minutes", "minute", "min", "seconds",
    "second", "sec", "s", "milliseconds", "ms", "microseconds", "us", "nanoseconds", "ns",
})


def _escape(name: str, value: Any) -> str:
    time_like = name == "units" and isinstance(value, str) and (
        " since " in value.lower() or value.strip().lower() in _TIME_UNITS)
    if name in RESERVED or name.startswith(("_", PREFIX)) or time_like:
        return PREFIX + name
    return name


def _unescape(name: str) -> str:
    return name[len(PREFIX):] if name.startswith(PREFIX) else name


# ---------------------------------------------------------------------------------------------
# Attribute values
# ---------------------------------------------------------------------------------------------
def _to_json(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, float) and value != value:  # NaN: JSON would drop sign and payload
        return {"__float__": struct.pack("<d", value).hex()}
    if isinstance(value, int | float):
        return value
    if isinstance(value, complex):
        return {"__complex__": [value.real, value.imag]}
    if isinstance(value, list):
        return [_to_json(v, where) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_to_json(v, where) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError(f"{where}: dict attributes need string keys, got {list(value)!r}")
        return {k: _to_json(v, where) for k, v in value.items()}
    if isinstance(value, np.ndarray | np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufcU":
            raise ValueError(f"{where}: cannot store an array attribute of dtype {arr.dtype}")
        kind = "__ndarray__" if isinstance(value, np.ndarray) else "__numpy__"
        data = arr.tolist() if arr.dtype.kind == "U" else np.ascontiguousarray(arr).tobytes().hex()
        return {kind: data, "dtype": arr.dtype.str, "shape": list(arr.shape)}
    raise ValueError(f"{where}: cannot store an attribute of type {type(value).__name__} "
                     "(give numbers, strings, booleans, None, lists, tuples, dicts or arrays)")


def _from_json(obj: dict[str, Any]) -> Any:
    if set(obj) == {"__complex__"}:
        re, im = obj["__complex__"]
        return complex(re, im)
    if set(obj) == {"__tuple__"}:
        return tuple(obj["__tuple__"])
    if set(obj) == {"__float__"}:
        return struct.unpack("<d", bytes.fromhex(obj["__float__"]))[0]
    for kind in ("__ndarray__", "__numpy__"):
        if set(obj) == {kind, "dtype", "shape"}:
            dtype, data = np.dtype(obj["dtype"]), obj[kind]
            arr = (np.array(data, dtype=dtype) if isinstance(data, list)
                   else np.frombuffer(bytes.fromhex(data), dtype=dtype).copy())
            arr = arr.reshape(obj["shape"])
            return arr if kind == "__ndarray__" else arr[()]
    return obj


def _native(value: Any) -> bool:
    """Values netCDF stores as they are (and gives back equal and of the same kind)."""
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, str | float | np.floating | np.integer):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    # netCDF attributes are vectors; one-element vectors are read back as scalars
    return (isinstance(value, np.ndarray) and value.ndim == 1 and value.size > 1
            and value.dtype.kind in "iuf")


def _encode_attrs(attrs: dict[Any, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    as_json = []
    for key, value in attrs.items():
        if not isinstance(key, str):
            raise ValueError(f"{where}: attribute names must be strings, got {key!r}")
        name = _escape(key, value)
        if _native(value):
            out[name] = value
        else:
            out[name] = json.dumps(_to_json(value, f"{where} attribute {key!r}"))
            as_json.append(name)
    if as_json:
        out[_JSON] = json.dumps(as_json)
    return out


def _decode_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    attrs = dict(attrs)
    as_json = set(json.loads(attrs.pop(_JSON, "[]")))
    for marker in (_COMPLEX, _DTYPE):
        attrs.pop(marker, None)
    return {
        _unescape(k): json.loads(v, object_hook=_from_json) if k in as_json else v
        for k, v in attrs.items()
    }


# ---------------------------------------------------------------------------------------------
# Variables
# ---------------------------------------------------------------------------------------------
def _encode(ds: xr.Dataset) -> tuple[xr.Dataset, dict[str, dict[str, Any]]]:
    if COMPLEX_DIM in ds.dims:
        raise ValueError(f"ds: the dimension name {COMPLEX_DIM!r} is reserved by qbtoolkit.io")
    variables: dict[str, xr.Variable] = {}
    encoding: dict[str, dict[str, Any]] = {}
    for name, var in ds.variables.items():
        name = str(name)
        if not isinstance(name, str):
            raise ValueError(f"ds: variable names must be strings, got {name!r}")
        values = np.asarray(var.values)
        attrs = _encode_attrs(var.attrs, f"ds[{name!r}]")
        if values.dtype.kind in "mM":
            raise ValueError(f"ds[{name!r}]: datetime/timedelta values cannot be stored "
                             "exactly; convert them to numbers (with units) first")
        if values.dtype.kind == "c":
            if name in ds.indexes:
                raise ValueError(f"ds: cannot save the complex index coordinate {name!r}")
            parts = np.ascontiguousarray(values).view(values.real.dtype)
            values = parts.reshape(values.shape + (2,))
            variables[name] = xr.Variable(var.dims + (COMPLEX_DIM,), values,
                                          {**attrs, _COMPLEX: 1})
        elif values.dtype.kind in "US":
            variables[name] = xr.Variable(var.dims, values, {**attrs, _DTYPE: values.dtype.str})
        else:
            variables[name] = xr.Variable(var.dims, values, attrs)
        encoding[name] = {} if values.dtype.kind in "USO" else {"_FillValue": None}
    coords = [str(c) for c in ds.coords]
    out = xr.Dataset(
        {n: v for n, v in variables.items() if n not in coords},
        coords={n: variables[n] for n in coords},
        attrs=_encode_attrs(ds.attrs, "ds"),
    )
    return out, encoding


def _decode(ds: xr.Dataset) -> xr.Dataset:
    variables: dict[str, xr.Variable] = {}
    for name, var in ds.variables.items():
        name = str(name)
        values = var.values
        dims = var.dims
        if var.attrs.get(_COMPLEX) == 1 and dims[-1:] == (COMPLEX_DIM,):
            # the two parts as one complex array, bits untouched (no re + 1j * im arithmetic)
            ctype = np.result_type(values.dtype, np.complex64)
            values = np.ascontiguousarray(values).view(ctype)[..., 0]
            dims = dims[:-1]
        elif _DTYPE in var.attrs:
            values = values.astype(np.dtype(var.attrs[_DTYPE]))
        variables[name] = xr.Variable(dims, values, _decode_attrs(var.attrs))
    coords = [str(c) for c in ds.coords]
    return xr.Dataset(
        {n: v for n, v in variables.items() if n not in coords},
        coords={n: variables[n] for n in coords},
        attrs=_decode_attrs(ds.attrs),
    )


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------
def check_writable(path: str | os.PathLike[str], name: str = "path") -> Path:
    """The file ``path`` (``~`` expanded) if a file can be written there, else ValueError.

    Missing parent directories are created; the check writes and removes a probe file, so it
    sees read-only directories and file systems as they are.

    Parameters
    ----------
    path : str or path-like
        The intended output file.
    name : str
        The argument's name for error messages.

    Returns
    -------
    pathlib.Path
        The expanded path.

    Raises
    ------
    ValueError
        ``path`` is a directory, one of its parents is a file, or the directory is not
        writable.
    """
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise ValueError(f"{name} must be a file path, got {path!r}")
    target = Path(path).expanduser()
    if target.is_dir():
        raise ValueError(f"{name} {str(target)!r} is a directory; give a file name such as "
                         f"{str(target / 'results.nc')!r}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".probe"):
            pass
    except OSError as exc:
        raise ValueError(f"{name} {str(target)!r} cannot be written: {exc.strerror or exc} "
                         f"({exc.filename or target.parent})") from None
    return target


def save(ds: xr.Dataset | xr.DataArray, path: str | os.PathLike[str]) -> Path:
    """Write ``ds`` to a netCDF-4 file (``h5netcdf``) that :func:`load` reads back exactly.

    The file is written to a temporary name and renamed, so a crash never leaves a
    half-written file at ``path``.  Parent directories are created; ``~`` is expanded.

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

    Raises
    ------
    ValueError
        An unnamed DataArray, a non-dataset, a complex index coordinate, datetime values,
        attributes that cannot be stored, a path that is a directory or not writable.
    """
    if isinstance(ds, xr.DataArray):
        if ds.name is None:
            raise ValueError("ds: a DataArray needs a name to be saved")
        ds = ds.to_dataset()
    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"ds must be an xarray Dataset or DataArray, got {type(ds).__name__}")
    encoded, encoding = _encode(ds)
    path = check_writable(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        encoded.to_netcdf(tmp, engine="h5netcdf", encoding=encoding)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return path


def load(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read a file written by :func:`save` into memory, exactly as it was saved.

    Parameters
    ----------
    path : str or path-like
        A netCDF-4 file (``~`` expanded).

    Returns
    -------
    xarray.Dataset
        Fully loaded (the file is closed on return).

    Raises
    ------
    ValueError
        ``path`` is not a file.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ValueError(f"path {str(path)!r} is not a file")
    raw = xr.load_dataset(path, engine="h5netcdf", mask_and_scale=False, decode_times=False,
                          decode_timedelta=False, decode_coords=True)
    return _decode(raw)
