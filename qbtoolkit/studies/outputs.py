"""What a swept function returns: declarations, one point's output, chunks, the Dataset.

``func(**point)`` may return a ``dict`` of scalars/arrays, an :class:`xarray.Dataset` (e.g.
``Trajectory.evaluate(...)``) or a named :class:`xarray.DataArray`.  Plain numpy outputs get
their dimension names and attributes from :func:`annotate`; a returned 1-D array named after one
of those dimensions (e.g. ``"time"``) is that dimension's coordinate, which must be the same at
every point.  :func:`run_chunk` evaluates a list of points and stacks them along a leading point
axis; :func:`assemble` turns all chunks into one Dataset.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np
import xarray as xr

__all__ = ["annotate", "declared", "run_chunk", "check_same", "assemble", "jsonable",
           "point_text"]

F = TypeVar("F", bound=Callable[..., Any])

_SPEC_ATTR = "__qbtoolkit_sweep__"


def annotate(**variables: Mapping[str, Any] | str) -> Callable[[F], F]:
    """Declare units, long names and dimensions of a sweep function's variables.

    Parameters
    ----------
    **variables : dict or str
        ``name={"units": ..., "long_name": ..., "dims": (...), <any other attribute>}`` for an
        output variable, an output coordinate (e.g. ``time``) or a grid parameter.  A plain
        string is shorthand for ``{"units": string}``.  ``dims`` names the dimensions of a plain
        numpy output; every other key becomes an attribute in the swept Dataset.

    Returns
    -------
    decorator
        Returns the function itself (not a wrapper), with the declaration attached, so it
        still pickles by reference for worker processes.

    Raises
    ------
    ValueError
        An entry that is neither a dict of attributes nor a units string; a function that
        cannot carry attributes.

    Examples
    --------
    >>> import qbtoolkit as qb
    >>> from qbtoolkit import annotate
    >>> @annotate(ergotropy={"units": "omega", "long_name": "ergotropy"}, gamma="omega")
    ... def f(gamma):
    ...     return {"ergotropy": 1.0 - gamma}
    >>> ds = qb.sweep(f, {"gamma": [0.0, 0.5]}, backend="serial", progress=False)
    >>> ds["ergotropy"].attrs, ds["gamma"].attrs
    ({'units': 'omega', 'long_name': 'ergotropy'}, {'units': 'omega'})
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
        merged = {**declared(func), **spec}
        try:
            setattr(func, _SPEC_ATTR, merged)
        except AttributeError as exc:  # builtins, methods
            raise ValueError(f"annotate: cannot attach declarations to {func!r}") from exc
        return func

    return decorator


def declared(func: Any) -> dict[str, dict[str, Any]]:
    """The :func:`annotate` declarations of ``func`` (of the wrapped function of a partial).

    Parameters
    ----------
    func : callable
        A swept function.

    Returns
    -------
    dict of str to dict
        ``{name: attributes}`` (empty if nothing was declared).
    """
    spec = getattr(func, _SPEC_ATTR, None)
    if spec is None and isinstance(func, functools.partial):
        return declared(func.func)
    return dict(spec or {})


def point_text(point: Mapping[str, Any]) -> str:
    """``a=1.0, b='ring'``: a point's parameter values for messages.

    Parameters
    ----------
    point : mapping
        ``{name: value}``.

    Returns
    -------
    str
        The values, comma separated.
    """
    return ", ".join(f"{k}={v!r}" for k, v in point.items())


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
    dims_of = {n: (spec.get(n) or {}).get("dims") for n in plain}
    # A returned 1-D array named after a dimension of another output is that coordinate.
    own_dims = {d for dims, _ in vars_.values() for d in dims}
    own_dims |= {d for n, dims in dims_of.items() if dims is not None for d in dims if d != n}
    for name, arr in plain.items():
        dims = dims_of[name]
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


def run_chunk(
    func: Callable[..., Any], spec: Mapping[str, dict[str, Any]], points: list[dict[str, Any]]
) -> dict[str, Any]:
    """Evaluate ``func`` on each point; stack the outputs along a leading point axis.

    Parameters
    ----------
    func : callable
        The swept function, called as ``func(**point)``.
    spec : mapping
        Its :func:`annotate` declarations.
    points : list of dict
        The chunk's points.

    Returns
    -------
    dict
        ``{"dims": {name: dims}, "data": {name: (k, ...) array}, "coords": {name: (dims,
        values)}, "attrs": {name: attrs}}`` for the chunk's ``k`` points.  An exception of
        ``func`` carries a note naming the point.

    Raises
    ------
    ValueError
        Outputs of a kind the sweep cannot store, or that change their variables, dims or
        coordinates between points.
    """
    first: dict[str, Any] | None = None
    columns: dict[str, list[np.ndarray]] = {}
    for point in points:
        try:
            res = _normalize(func(**point), spec)
            if first is not None:
                check_same(first, res, f"point {point_text(point)}",
                           "the first point of its chunk")
        except Exception as exc:
            exc.add_note(f"qbtoolkit.sweep: raised at point {point_text(point)}")
            raise
        if first is None:
            first = res
            columns = {n: [] for n in res["vars"]}
        for n, (_, arr) in res["vars"].items():
            columns[n].append(arr)
    assert first is not None
    return {
        "dims": {n: d for n, (d, _) in first["vars"].items()},
        "data": {n: np.stack(col) for n, col in columns.items()},
        "coords": first["coords"],
        "attrs": jsonable(first["attrs"]),  # as a checkpoint stores them: resumed == fresh
    }


def check_same(ref: dict[str, Any], new: dict[str, Any], where: str, what: str) -> None:
    """Outputs of two points (or chunks) must have the same variables, dims and coordinates.

    Parameters
    ----------
    ref : dict
        The reference output (first point or chunk).
    new : dict
        The output compared with it.
    where : str
        Which point or chunk ``new`` is, for the message.
    what : str
        What is compared (``"point"``, ``"chunk"``), for the message.

    Raises
    ------
    ValueError
        Different variables, dimensions, shapes or coordinate values.
    """
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
        if tuple(dims) != tuple(ndims) or not _same_values(values, nvalues):
            raise ValueError(
                f"sweep: coordinate {cname!r} differs at {where} from {what}; coordinates of "
                "func's own dimensions must be the same at every point (return varying "
                "quantities as data variables instead)"
            )


def _dims_of(res: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    if "vars" in res:
        return {n: d for n, (d, _) in res["vars"].items()}
    return {n: tuple(d) for n, d in res["dims"].items()}


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


def jsonable(obj: Any) -> Any:
    """Attributes as JSON can hold them (what a checkpoint stores; complex -> string).

    Parameters
    ----------
    obj : Any
        An attribute value (scalars, arrays, lists, dicts).

    Returns
    -------
    Any
        Plain Python values (lists for arrays, strings for complex numbers).
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray | np.generic):
        return jsonable(obj.tolist())
    if isinstance(obj, complex):
        return str(obj)
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    return str(obj)


def assemble(
    grid: Any,
    results: Mapping[int, dict[str, Any]],
    n_chunks: int,
    spec: Mapping[str, dict[str, Any]],
    attrs: dict[str, Any],
) -> xr.Dataset:
    """All chunks of a sweep -> one Dataset (grid dimensions first, then func's own).

    Parameters
    ----------
    grid : Grid
        The sweep's grid.
    results : dict of int to dict
        Chunk index -> chunk (as returned by :func:`run_chunk`).
    n_chunks : int
        Number of chunks (every one must be in ``results``).
    spec : dict
        :func:`annotate` declarations (attributes of the grid coordinates).
    attrs : dict
        The Dataset's attributes (provenance).

    Returns
    -------
    xarray.Dataset
        Grid dimensions (or ``point`` for ``"zip"``) first, then the function's own; declared
        attributes on variables and coordinates, ``attrs`` on the Dataset.

    Raises
    ------
    ValueError
        Chunks whose outputs disagree (see :func:`check_same`).
    """
    ref = results[0]
    for ci in range(1, n_chunks):
        check_same(ref, results[ci], f"chunk {ci}", "chunk 0")
    lead_dims = ("point",) if grid.mode == "zip" else tuple(grid.names)
    reserved = set(lead_dims) | set(grid.names)
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
        arr = arr.reshape(grid.shape + arr.shape[1:])
        data_vars[name] = xr.Variable(lead_dims + tuple(dims), arr, dict(ref["attrs"][name]))
    coords: dict[str, xr.Variable] = {}
    for cname, (dims, values) in ref["coords"].items():
        coords[cname] = xr.Variable(tuple(dims), values, dict(ref["attrs"].get(cname, {})))
    if grid.mode == "zip":
        coords["point"] = xr.Variable("point", np.arange(grid.size))
    for n in grid.names:
        cattrs = {**grid.attrs.get(n, {}), **(spec.get(n) or {}).get("attrs", {})}
        coords[n] = xr.Variable(lead_dims[0] if grid.mode == "zip" else n, grid.values[n], cattrs)
    return xr.Dataset(data_vars, coords, attrs=attrs)
