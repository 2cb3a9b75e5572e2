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
