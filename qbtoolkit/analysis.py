"""Optimal times and peaks of sampled time series, refined beyond the grid spacing.

A time series sampled on a grid (``times``, ``values``) is interpolated with a cubic spline
and the optimum is refined with bounded scalar optimisation / root finding inside the grid
cell that brackets it, so results do not depend on the grid step to first order.

Quantities (Downing & Ukhtary 2026, Eqs. 11-13): the energetic optimum ``t_E`` and
``E(t_E)``; the average charging power ``P(t) = (E(t) - E(0)) / t`` and its peak ``t_P``;
the ergotropic power ``Erg(t) / t``; Santos (2021): the half-life ``tau`` with
``Erg(tau) = Erg(0) / 2``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.optimize import brentq, minimize_scalar

__all__ = [
    "peak",
    "maximize",
    "first_crossing",
    "half_life",
    "average_power",
    "optimal_power",
]


def _check_series(times, values) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    if t.ndim != 1 or v.shape != t.shape:
        raise ValueError(
            f"times and values must be 1-D of the same length, got {t.shape} and {v.shape}"
        )
    if t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError("times must be strictly increasing with at least two points")
    return t, v


def maximize(f: Callable[[float], float], lo: float, hi: float, xatol: float = 1e-12):
    """Maximum of a scalar function on ``[lo, hi]`` (bounded Brent): ``(x*, f(x*))``."""
    res = minimize_scalar(lambda x: -f(x), bounds=(lo, hi), method="bounded",
                          options={"xatol": xatol})
    return float(res.x), float(-res.fun)


def peak(times, values) -> tuple[float, float]:
    """Global maximum ``(t*, v*)`` of a sampled series, refined on a cubic spline.

    NaN samples are ignored. A maximum at the edge of the grid is returned as sampled.
    """
    t, v = _check_series(times, values)
    ok = np.isfinite(v)
    t, v = t[ok], v[ok]
    i = int(np.argmax(v))
    if i == 0 or i == len(t) - 1:
        return float(t[i]), float(v[i])
    lo, hi = max(0, i - 3), min(len(t), i + 4)
    spline = CubicSpline(t[lo:hi], v[lo:hi])
    x, fx = maximize(lambda x: float(spline(x)), t[i - 1], t[i + 1])
    if fx < v[i]:
        return float(t[i]), float(v[i])
    return x, fx


def first_crossing(times, values, level: float, direction: str = "down") -> float:
    """First time the series crosses ``level`` (``direction`` "down" or "up").

    Refined by root finding on a cubic spline of the bracketing cells. Returns ``nan`` if the
    series never crosses.
    """
    t, v = _check_series(times, values)
    if direction not in ("down", "up"):
        raise ValueError(f"direction must be 'down' or 'up', got {direction!r}")
    s = (v - level) if direction == "down" else (level - v)
    idx = np.nonzero((s[:-1] > 0) & (s[1:] <= 0))[0]
    if idx.size == 0:
        return float("nan")
    i = int(idx[0])
    if s[i + 1] == 0:
        return float(t[i + 1])
    lo, hi = max(0, i - 2), min(len(t), i + 4)
    spline = CubicSpline(t[lo:hi], v[lo:hi] - level)
    try:
        return float(brentq(lambda x: float(spline(x)), t[i], t[i + 1], xtol=1e-14))
    except ValueError:  # spline does not change sign in the cell: fall back to linear
        return float(t[i] + (t[i + 1] - t[i]) * s[i] / (s[i] - s[i + 1]))


def half_life(times, values) -> float:
    """Time at which ``values`` first falls to half of ``values[0]`` (Santos 2021, Sec. II)."""
    t, v = _check_series(times, values)
    return first_crossing(t, v, 0.5 * v[0], "down")


def average_power(times, energy, e0: float | None = None) -> np.ndarray:
    """Average charging power ``P(t) = (E(t) - E0) / t`` (NaN at ``t = 0``).

    Downing & Ukhtary Eq. 12; ``E0 = energy[0]`` by default. Pass the ergotropy series to get
    the ergotropic power.
    """
    t, E = _check_series(times, energy)
    e0 = E[0] if e0 is None else float(e0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, (E - e0) / np.where(t > 0, t, 1.0), np.nan)


def optimal_power(times, energy, e0: float | None = None) -> tuple[float, float]:
    """``(t_P, P(t_P))``: the peak of the average charging power, refined."""
    return peak(times, average_power(times, energy, e0))
