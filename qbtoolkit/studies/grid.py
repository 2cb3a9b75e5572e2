"""The parameter grid of a sweep: validated 1-D axes, the point enumeration, its hash.

A grid is ``{name: 1-D values}``; ``mode="product"`` sweeps every combination (one result
dimension per parameter), ``mode="zip"`` the i-th values of all parameters together (one result
dimension ``point``).  Every axis holds only numbers (finite: NaN/inf are refused), only
booleans, or only strings; numbers given as strings and mixtures are refused, so the grid
stored with a result (and in a checkpoint manifest) is exactly what the function was given.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import xarray as xr

from .._validate import check_choice

__all__ = ["MODES", "Grid", "check_signature"]

MODES = ("product", "zip")
_PLURAL = {"bool": "booleans", "number": "numbers", "str": "strings"}
_KINDS = {"b": "bool", "i": "number", "u": "number", "f": "number", "c": "number", "U": "str"}


def _kind(value: Any) -> str:
    """``"bool"``, ``"number"``, ``"str"`` or ``"other"`` for one raw grid value."""
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str | np.str_):
        return "str"
    return "other"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _axis(name: str, raw: Any) -> np.ndarray:
    """One validated grid axis (a 1-D array of finite numbers, booleans or strings)."""
    where = f"grid[{name!r}]"
    if isinstance(raw, np.ndarray):
        arr = raw
        found = {_KINDS.get(arr.dtype.kind, "other")}
    else:
        if isinstance(raw, str | bytes | Mapping) or not hasattr(raw, "__len__"):
            raise ValueError(f"{where} must be a 1-D array of values, got {raw!r}")
        if isinstance(raw, set | frozenset):
            raise ValueError(f"{where} is a set, whose order is arbitrary; give a list")
        values = list(raw)
        found = {_kind(v) for v in values} if values else set()
        if "other" in found:
            bad = next(v for v in values if _kind(v) == "other")
            if isinstance(bad, list | tuple | np.ndarray):
                shape = np.shape(raw) if _regular(raw) else "ragged"
                raise ValueError(f"{where} must be a 1-D array of values, got shape {shape}")
            raise ValueError(f"{where} must hold numbers, booleans or strings, got "
                             f"{type(bad).__name__} {bad!r}")
        if len(found) > 1:
            kinds = " and ".join(_PLURAL[k] for k in sorted(found))
            raise ValueError(f"{where} mixes {kinds} ({values!r}); give one kind of value per "
                             "parameter")
        arr = np.asarray(values)
    if arr.dtype.kind not in _KINDS:
        raise ValueError(f"{where} must hold numbers, booleans or strings, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{where} must be a 1-D array of values, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{where} is empty: give at least one value")
    if arr.dtype.kind in "fc":
        bad = ~np.isfinite(arr)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{where} contains NaN or inf (entry {i} is {arr[i].item()}); every "
                             "grid value must be finite")
    if found == {"str"} and all(_looks_numeric(v) for v in arr.tolist()):
        raise ValueError(f"{where} gives numbers as strings ({arr.tolist()!r}); pass numbers")
    return arr


def _regular(raw: Any) -> bool:
    try:
        np.asarray(raw)
    except ValueError:
        return False
    return True


class Grid:
    """A validated grid: parameter names, 1-D value arrays, mode and point enumeration.

    Parameters
    ----------
    grid : mapping
        ``{name: 1-D values}`` (lists, arrays or 1-D :class:`xarray.DataArray`, whose
        attributes become the coordinate's).
    mode : {"product", "zip"}
        ``"product"``: every combination; ``"zip"``: the i-th values of all parameters together.

    Raises
    ------
    ValueError
        A name that is not an identifier; an axis that is empty, not 1-D, holds NaN/inf,
        mixes kinds of values or gives numbers as strings; a repeated value (a repeated point
        with ``"zip"``); unequal lengths with ``"zip"``.
    """

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
            self.names.append(name)
            self.values[name] = _axis(name, raw)
        lengths = [self.values[n].size for n in self.names]
        if self.mode == "zip":
            if len(set(lengths)) != 1:
                raise ValueError(
                    "grid: mode='zip' needs equally long arrays, got lengths "
                    + ", ".join(f"{n}={k}" for n, k in zip(self.names, lengths, strict=True))
                )
            self.shape: tuple[int, ...] = (lengths[0],)
            rows = list(zip(*(self.values[n].tolist() for n in self.names), strict=True))
            seen: dict[tuple, int] = {}
            for i, row in enumerate(rows):
                if row in seen:
                    point = dict(zip(self.names, row, strict=True))
                    raise ValueError(
                        f"grid: mode='zip' repeats the point {point!r} (entries {seen[row]} and "
                        f"{i}); every point must be distinct")
                seen[row] = i
        else:
            self.shape = tuple(lengths)
            # a repeated value would make the coordinate ambiguous (``sel`` returns several
            # points) and compute the same points twice
            for n in self.names:
                uniq, counts = np.unique(self.values[n], return_counts=True)
                if np.any(counts > 1):
                    raise ValueError(f"grid[{n!r}] repeats the value "
                                     f"{uniq[counts > 1][0].item()!r}; every value must be "
                                     "distinct")
        self.size = math.prod(self.shape)
        self._py = {n: self.values[n].tolist() for n in self.names}

    def points(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Parameter dicts (plain Python scalars) of the flat points ``start..stop-1``.

        Parameters
        ----------
        start : int
            First flat point index.
        stop : int
            One past the last.

        Returns
        -------
        list of dict
            ``[{name: value}, ...]`` in flat (C) order of the grid.
        """
        out = []
        for flat in range(start, stop):
            if self.mode == "zip":
                out.append({n: self._py[n][flat] for n in self.names})
            else:
                idx = np.unravel_index(flat, self.shape)
                out.append({n: self._py[n][i] for n, i in zip(self.names, idx, strict=True)})
        return out

    def sha256(self) -> str:
        """Hash of the mode, the names, dtypes and exact values.

        Returns
        -------
        str
            Hexadecimal SHA-256.
        """
        h = hashlib.sha256(self.mode.encode())
        for n in self.names:
            arr = np.ascontiguousarray(self.values[n])
            h.update(f"|{n}|{arr.dtype.str}|{arr.size}|".encode())
            h.update(arr.tobytes())
        return h.hexdigest()

    def to_json(self) -> str:
        """The grid as JSON (complex values as strings).

        Returns
        -------
        str
            ``{name: [values]}``.
        """
        return json.dumps({n: self._py[n] for n in self.names}, default=str)


def check_signature(
    func: Callable[..., Any], names: list[str], fname: str, what: str = "grid"
) -> None:
    """Refuse grid parameters ``func`` does not take, or required arguments the grid lacks.

    Parameters
    ----------
    func : callable
        The swept function (or model builder).
    names : list of str
        Parameter names that will be passed as keywords.
    fname : str
        Name of ``func`` for the message.
    what : str, default "grid"
        What provides the names, for the message.

    Raises
    ------
    ValueError
        A name that is not an argument of ``func`` (unless it takes ``**kwargs``), or a
        required argument of ``func`` that no name provides.
    """
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
