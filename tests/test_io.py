"""qbtoolkit.io: netCDF (h5netcdf) save/load with complex data and sweep provenance."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from qbtoolkit import io
from qbtoolkit.sweep import sweep


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


def test_complex_round_trip_is_identical(tmp_path):
    ds = _dataset()
    path = io.save(ds, tmp_path / "sub" / "data.nc")
    assert path.is_file() and not list(path.parent.glob(".*.tmp"))
    back = io.load(path)
    xr.testing.assert_identical(back, ds)
    assert back["rho"].dtype == np.complex128 and back["phase"].dtype == np.complex128
    np.testing.assert_array_equal(back["rho"].values, ds["rho"].values)  # bit-exact
    assert "qbtoolkit_complex" not in back["rho"].attrs
    assert "complex_part" not in ds.dims and "qbtoolkit_complex" not in ds["rho"].attrs


def test_file_is_plain_netcdf4_with_real_parts(tmp_path):
    ds = _dataset()
    io.save(ds, tmp_path / "d.nc")
    raw = xr.load_dataset(tmp_path / "d.nc", engine="h5netcdf")
    assert raw["rho"].dims[-1] == "complex_part" and raw["rho"].dtype == np.float64
    np.testing.assert_array_equal(raw["rho"][..., 1], ds["rho"].values.imag)


def test_attrs_netcdf_cannot_hold_are_converted(tmp_path):
    ds = xr.Dataset({"x": ("a", [1.0, 2.0], {"flag": True, "meta": {"k": 1}, "none": None})})
    back = io.load(io.save(ds["x"], tmp_path / "x.nc"))
    assert back["x"].attrs == {"flag": 1, "meta": '{"k": 1}', "none": "null"}
    assert ds["x"].attrs["flag"] is True  # the caller's dataset is untouched


def test_sweep_result_round_trip(tmp_path):
    def f(a, b):
        return {"y": np.array([a, b]) * (1 + 1j), "s": a * b}

    ds = sweep(f, {"a": [1.0, 2.0], "b": [3.0, 4.0, 5.0]}, backend="serial", progress=False)
    back = io.load(io.save(ds, tmp_path / "sweep.nc"))
    xr.testing.assert_identical(back, ds)
    assert back.attrs["sweep_function"].endswith("f")


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="needs a name"):
        io.save(xr.DataArray([1.0]), tmp_path / "x.nc")
    with pytest.raises(ValueError, match="ds must be"):
        io.save({"x": 1}, tmp_path / "x.nc")
    with pytest.raises(ValueError, match="complex index coordinate"):
        io.save(xr.Dataset(coords={"z": [1j, 2j]}), tmp_path / "x.nc")
    with pytest.raises(ValueError, match="is not a file"):
        io.load(tmp_path / "missing.nc")
