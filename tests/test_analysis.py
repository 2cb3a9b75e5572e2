"""Optimal times refined beyond the grid (Downing & Ukhtary constants A, B)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from qbtoolkit import analysis

A = brentq(lambda a: np.tan(a) - 2 * a, 1.0, 1.5)  # tan A = 2A -> 1.1655612
B = np.sin(A) ** 2 / A  # 0.7246114


def test_constants():
    assert A == pytest.approx(1.1655612, abs=1e-7)
    assert B == pytest.approx(0.7246114, abs=1e-7)


def test_peak_refined_beyond_grid():
    t = np.linspace(0, 3, 31)  # spacing 0.1
    tE, E = analysis.peak(t, np.sin(t) ** 2)
    assert tE == pytest.approx(np.pi / 2, abs=1e-4)
    assert E == pytest.approx(1.0, abs=1e-6)
    t = np.linspace(0, 3, 301)
    tP, P = analysis.optimal_power(t, np.sin(t) ** 2)
    assert tP == pytest.approx(A, abs=1e-6)
    assert P == pytest.approx(B, abs=1e-8)


def test_crossings_and_half_life():
    t = np.linspace(0, 3, 61)
    assert analysis.half_life(t, np.exp(-t)) == pytest.approx(np.log(2), abs=1e-5)
    assert analysis.first_crossing(t, t**2, 2.0, "up") == pytest.approx(np.sqrt(2), abs=1e-10)
    assert np.isnan(analysis.first_crossing(t, np.ones_like(t), 0.5))
    p = analysis.average_power(t, t**2)
    assert np.isnan(p[0]) and p[10] == pytest.approx(t[10])
    x, fx = analysis.maximize(lambda x: -(x - 0.3) ** 2, 0, 1)
    assert x == pytest.approx(0.3, abs=1e-8) and fx == pytest.approx(0.0, abs=1e-14)


def test_bad_series():
    with pytest.raises(ValueError, match="same length"):
        analysis.peak([0, 1, 2], [1, 2])
    with pytest.raises(ValueError, match="strictly increasing"):
        analysis.peak([0, 2, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="direction"):
        analysis.first_crossing([0, 1], [1, 0], 0.5, "sideways")
    for bad in (np.nan, np.inf):
        for fn in (analysis.peak, analysis.half_life, analysis.optimal_power):
            with pytest.raises(ValueError, match="times contains NaN or inf"):
                fn([0.0, 1.0, bad], [0.0, 1.0, 0.5])


@pytest.mark.parametrize("c", [1e-12, 1e-6, 1.0, 1e6, 1e12])
def test_optima_do_not_depend_on_the_unit_of_time(c):
    """Times x (1/c), energies x c: every optimum scales exactly and keeps its accuracy.

    Bounded Brent and Brent's root finder take absolute tolerances; they are set relative to
    the grid cell, so that a grid of picoseconds is refined as well as one of seconds.
    """
    t = np.linspace(0, 3, 301) / c
    ref_peak = analysis.peak(np.linspace(0, 3, 301), np.sin(np.linspace(0, 3, 301)) ** 2)
    tE, E = analysis.peak(t, c * np.sin(c * t) ** 2)
    assert tE * c == pytest.approx(ref_peak.time, rel=1e-9)
    assert tE * c == pytest.approx(np.pi / 2, abs=1e-6)
    assert E / c == pytest.approx(1.0, abs=1e-8)
    tP, P = analysis.optimal_power(t, c * np.sin(c * t) ** 2)
    assert tP * c == pytest.approx(A, abs=1e-6)
    assert P / c**2 == pytest.approx(B, abs=1e-8)
    assert analysis.first_crossing(t, np.cos(c * t), 0.0) * c == pytest.approx(np.pi / 2,
                                                                              abs=1e-8)
    assert analysis.half_life(t, np.exp(-c * t)) * c == pytest.approx(np.log(2), abs=1e-8)
    x, fx = analysis.maximize(lambda x: -((x * c - 1.0) ** 2), 0.0, 3.0 / c)
    assert x * c == pytest.approx(1.0, abs=1e-8)
