"""qbtoolkit.io: netCDF (h5netcdf) files that round-trip exactly.

Values come back bit for bit (NaN payloads, inf, -0.0, complex numbers with infinite or NaN
parts), with their dtypes, and attributes come back unchanged, including the ones CF decoders
act upon (``scale_factor``, ``_FillValue``, ``units = "days since ..."``, ...).
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from qbtoolkit import io
from qbtoolkit.studies import sweep


def _dataset() -> xr.Dataset:
    rng = np.random.default_rng(7)
    rho = rng.normal(size=(2, 3, 2, 2)) + 1j * rng.normal(size=(2, 3, 2, 2))
    return xr.Dataset(
        {
            "rho": (("gamma", "time", "row", "col"), rho, {"units": "dimensionless"}),
            "energy": (("gamma", "time"), rng.normal(size=(2, 3)), {"units": "ω"}),
            "n": ("gamma", np.array([1, 2], dtype=np.int64)),
        },
        coords={
            "gamma": ("gamma", [0.1, 0.2], {"units": "ω", "long_name": "decay rate"}),
            "time": ("time", [0.0, 0.5, 1.0]),
            "topology": ("gamma", ["ring", "star"]),
            "phase": ("time", np.exp(1j * np.array([0.0, 0.5, 1.0]))),
        },
        attrs={"sweep_grid": '{"gamma": [0.1, 0.2]}', "n_cells": 3},
    )


def _bits(values: np.ndarray) -> tuple:
    values = np.ascontiguousarray(values)
    return values.dtype.str, values.shape, values.tobytes()


def _same_attrs(a: dict, b: dict) -> bool:
    if set(a) != set(b):
        return False
    for k in a:
        x, y = a[k], b[k]
        if type(x) is not type(y) and not (np.isscalar(x) and np.isscalar(y)):
            return False
        if isinstance(x, float | np.floating | np.ndarray):
            if _bits(np.asarray(x)) != _bits(np.asarray(y, dtype=np.asarray(x).dtype)):
                return False
        elif x != y:
            return False
    return True


def _assert_exact(ds: xr.Dataset, back: xr.Dataset) -> None:
    assert set(back.variables) == set(ds.variables)
    assert set(back.coords) == set(ds.coords)
    assert _same_attrs(ds.attrs, back.attrs), (ds.attrs, back.attrs)
    for name, var in ds.variables.items():
        got = back.variables[name]
        assert got.dims == var.dims
        assert _bits(got.values) == _bits(var.values), name
        assert _same_attrs(var.attrs, got.attrs), (name, var.attrs, got.attrs)


def test_complex_round_trip_is_identical(tmp_path):
    ds = _dataset()
    path = io.save(ds, tmp_path / "sub" / "data.nc")
    assert path.is_file() and not list(path.parent.glob(".*.tmp"))
    back = io.load(path)
    xr.testing.assert_identical(back, ds)
    _assert_exact(ds, back)
    assert back["rho"].dtype == np.complex128 and back["phase"].dtype == np.complex128
    assert "qbtoolkit__complex" not in back["rho"].attrs
    assert "complex_part" not in ds.dims and "qbtoolkit__complex" not in ds["rho"].attrs


def test_complex_infinities_and_nans_survive(tmp_path):
    parts = [np.inf, -np.inf, np.nan, -0.0, 0.0, 1.5]
    z = np.array([complex(a, b) for a in parts for b in parts])
    for dtype in (np.complex128, np.complex64):
        ds = xr.Dataset({"z": ("k", z.astype(dtype))})
        back = io.load(io.save(ds, tmp_path / "z.nc"))
        assert _bits(back["z"].values) == _bits(ds["z"].values)
    assert back["z"].values[0] == complex(np.inf, np.inf)  # not nan + inf j


def test_file_is_plain_netcdf4_and_other_readers_see_the_true_values(tmp_path):
    ds = _dataset()
    ds["energy"].attrs.update(scale_factor=10.0, add_offset=1.0, units="days since 2000-01-01")
    io.save(ds, tmp_path / "d.nc")
    raw = xr.load_dataset(tmp_path / "d.nc", engine="h5netcdf")  # default CF decoding
    assert raw["rho"].dims[-1] == "complex_part" and raw["rho"].dtype == np.float64
    np.testing.assert_array_equal(raw["rho"][..., 1], ds["rho"].values.imag)
    np.testing.assert_array_equal(raw["energy"], ds["energy"])  # not rescaled, not dates
    assert raw["energy"].attrs["qbtoolkit__scale_factor"] == 10.0


def test_attrs_netcdf_cannot_hold_come_back_as_they_were(tmp_path):
    attrs = {"flag": True, "meta": {"k": 1, "nested": [1, None]}, "none": None,
             "pair": (1, "a"), "z": 1 + 2j, "grid": np.eye(2), "x": np.float32(0.25),
             "big": 2**70, "empty": [], "n": np.int16(3)}
    ds = xr.Dataset({"x": ("a", [1.0, 2.0], attrs)})
    back = io.load(io.save(ds["x"], tmp_path / "x.nc"))
    got = back["x"].attrs
    assert got["flag"] is True and got["none"] is None and got["pair"] == (1, "a")
    assert got["meta"] == {"k": 1, "nested": [1, None]} and got["z"] == 1 + 2j
    assert got["big"] == 2**70 and got["empty"] == [] and got["n"] == 3
    np.testing.assert_array_equal(got["grid"], np.eye(2))
    assert got["x"].dtype == np.float32
    assert ds["x"].attrs["flag"] is True  # the caller's dataset is untouched


# ---------------------------------------------------------------------------------------------
# Property: every value and attribute survives, bit for bit
# ---------------------------------------------------------------------------------------------
DTYPES = [np.float64, np.float32, np.complex128, np.complex64, np.int8, np.int16, np.int32,
          np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.bool_]
CF_NAMES = ["scale_factor", "add_offset", "_FillValue", "missing_value", "valid_range",
            "valid_min", "units", "calendar", "dtype", "coordinates", "bounds", "_Unsigned",
            "_Encoding", "CLASS", "NAME", "DIMENSION_LIST", "qbtoolkit__json",
            "qbtoolkit__complex", "long_name", "complex", "json"]
ATTR_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from(["days since 2000-01-01", "hours", "seconds since 1970-01-01 00:00",
                     "noleap", "bool", "x y", "true", "omega", ""]),
    st.booleans(),
    st.none(),
    st.lists(st.floats(allow_nan=False), max_size=3),
    hnp.arrays(np.float64, st.integers(1, 3)),
)
ATTRS = st.dictionaries(st.sampled_from(CF_NAMES), ATTR_VALUES, max_size=5)


@st.composite
def datasets(draw):
    n = draw(st.integers(1, 4))
    variables = {}
    for i in range(draw(st.integers(1, 3))):
        dtype = np.dtype(draw(st.sampled_from(DTYPES)))
        shape = draw(st.sampled_from([(n,), (n, 2), ()]))
        dims = ("k", "m")[: len(shape)]
        values = draw(hnp.arrays(dtype, shape))
        variables[f"v{i}"] = (dims, values, draw(ATTRS))
    coords = {"k": ("k", draw(hnp.arrays(np.float64, n, unique=True,
                                         elements=st.floats(allow_nan=False))), draw(ATTRS)),
              "c": ("k", draw(hnp.arrays(np.complex128, n)), draw(ATTRS))}
    return xr.Dataset(variables, coords=coords, attrs=draw(ATTRS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(ds=datasets())
def test_round_trip_is_bit_exact_with_any_attributes(tmp_path, ds):
    _assert_exact(ds, io.load(io.save(ds, tmp_path / "p.nc")))


def test_sweep_result_round_trip(tmp_path):
    def f(a, b):
        return {"y": np.array([a, b]) * (1 + 1j), "s": a * b}

    ds = sweep(f, {"a": [1.0, 2.0], "b": [3.0, 4.0, 5.0]}, backend="serial", progress=False)
    back = io.load(io.save(ds, tmp_path / "sweep.nc"))
    xr.testing.assert_identical(back, ds)
    _assert_exact(ds, back)
    assert back.attrs["sweep_function"].endswith("f")


def test_paths_expand_home_and_bad_paths_are_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    ds = _dataset()
    path = io.save(ds, "~/out/x.nc")
    assert path == tmp_path / "home" / "out" / "x.nc" and not (tmp_path / "~").exists()
    xr.testing.assert_identical(io.load("~/out/x.nc"), ds)
    with pytest.raises(ValueError, match=r"is a directory; give a file name"):
        io.save(ds, tmp_path / "home")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match=r"cannot be written"):
        io.save(ds, tmp_path / "file" / "x.nc")


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="needs a name"):
        io.save(xr.DataArray([1.0]), tmp_path / "x.nc")
    with pytest.raises(ValueError, match="ds must be"):
        io.save({"x": 1}, tmp_path / "x.nc")
    with pytest.raises(ValueError, match="complex index coordinate"):
        io.save(xr.Dataset(coords={"z": [1j, 2j]}), tmp_path / "x.nc")
    with pytest.raises(ValueError, match="reserved by qbtoolkit.io"):
        io.save(xr.Dataset({"x": ("complex_part", [1.0])}), tmp_path / "x.nc")
    with pytest.raises(ValueError, match=r"ds\['t'\]: datetime"):
        io.save(xr.Dataset({"t": ("a", np.array(["2020-01-01"], "datetime64[ns]"))}),
                tmp_path / "x.nc")
    with pytest.raises(ValueError, match=r"ds\['x'\] attribute 'f': cannot store .*function"):
        io.save(xr.Dataset({"x": ("a", [1.0], {"f": len})}), tmp_path / "x.nc")
    with pytest.raises(ValueError, match="is not a file"):
        io.load(tmp_path / "missing.nc")
