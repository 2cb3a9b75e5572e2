"""Optimal times and peaks of sampled time series, refined beyond the grid spacing.

A time series sampled on a grid (``times``, ``values``) is interpolated with a cubic spline
and the optimum is refined with bounded scalar optimisation / root finding inside the grid
cell that brackets it, so results do not depend on the grid step to first order.

Quantities (Downing & Ukhtary 2026, Eqs. 11-13): the energetic optimum ``t_E`` and
``E(t_E)``; the average charging power ``P(t) = (E(t) - E(0)) / t`` and its peak ``t_P``;
the ergotropic power ``Erg(t) / t``; Santos (2021): the half-life ``tau`` with
``Erg(tau) = Erg(0) / 2``.

A maximum found at the first or last sample is not an optimum of the physics but of the
sampling: :func:`peak` and :func:`optimal_power` then return a :class:`Peak` with
``at_edge=True`` and issue an :class:`EdgeOptimumWarning` (silence it with
:func:`warnings.catch_warnings` where a monotone series is expected).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import CubicSpline
from scipy.optimize import brentq, minimize_scalar

__all__ = [
    "Peak",
    "EdgeOptimumWarning",
    "peak",
    "maximize",
    "first_crossing",
    "half_life",
    "average_power",
    "optimal_power",
]


def _check_series(times: ArrayLike, values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    if t.ndim != 1 or v.shape != t.shape:
        raise ValueError(
            f"times and values must be 1-D of the same length, got {t.shape} and {v.shape}"
        )
    if not np.all(np.isfinite(t)):
        raise ValueError("times contains NaN or inf")
    if t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError("times must be strictly increasing with at least two points")
    return t, v


class EdgeOptimumWarning(UserWarning):
    """The maximum of a sampled series (or of a grid search) is at its first or last point."""


class Peak(tuple):
    """``(time, value)`` of a maximum: a pair (it unpacks and compares as one).

    Parameters
    ----------
    time : float
        Location of the maximum (units of the series' times).
    value : float
        Height of the maximum (units of the series' values).
    at_edge : bool, default False
        True when the largest sample is the first or last one: the series may keep rising
        beyond the grid, so this is not a refined optimum.

    Attributes
    ----------
    at_edge : bool
        As given.

    Examples
    --------
    >>> from qbtoolkit.analysis import Peak
    >>> t, v = Peak(1.5, 0.25)
    >>> print(t, v, Peak(2.0, 1.0, at_edge=True))
    1.5 0.25 Peak(time=2, value=1, at_edge=True)
    """

    at_edge: bool

    def __new__(cls, time: float, value: float, at_edge: bool = False) -> Peak:
        obj = super().__new__(cls, (float(time), float(value)))
        obj.at_edge = bool(at_edge)
        return obj

    def __repr__(self) -> str:
        edge = ", at_edge=True" if self.at_edge else ""
        return f"Peak(time={self[0]:.10g}, value={self[1]:.10g}{edge})"

    @property
    def time(self) -> float:
        """Location of the maximum (the first element of the pair)."""
        return self[0]

    @property
    def value(self) -> float:
        """Height of the maximum (the second element of the pair)."""
        return self[1]


def maximize(
    f: Callable[[float], float], lo: float, hi: float, xatol: float | None = None
) -> tuple[float, float]:
    """Maximum of a scalar function on ``[lo, hi]`` (bounded Brent): ``(x*, f(x*))``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` on ``[lo, hi]``.
    lo, hi : float
        Bounds of the search interval, ``lo < hi``.
    xatol : float, optional
        Absolute tolerance on ``x*`` (units of ``x``); default ``1e-10 * (hi - lo)``, relative
        to the interval so that the result does not depend on the unit of ``x``.

    Returns
    -------
    x : float
        Location of the maximum found (a local maximum if ``f`` has several).
    fx : float
        ``f(x)``.
    """
    if xatol is None:
        xatol = 1e-10 * (hi - lo)
    res = minimize_scalar(lambda x: -f(x), bounds=(lo, hi), method="bounded",
                          options={"xatol": xatol})
    return float(res.x), float(-res.fun)


def peak(times: ArrayLike, values: ArrayLike) -> Peak:
    """Global maximum ``(t*, v*)`` of a sampled series, refined on a cubic spline.

    The spline through the samples around the largest one is maximised by bounded Brent
    iteration inside the two neighbouring grid cells, so the result does not depend on the grid
    step to first order.

    Parameters
    ----------
    times : array_like, shape (T,)
        Strictly increasing sample times, at least two.
    values : array_like, shape (T,)
        Samples; NaN samples are ignored (at least one must be finite).

    Returns
    -------
    Peak
        ``(time, value)``; a maximum at the first or last finite sample is returned as
        sampled with ``at_edge=True`` and an :class:`EdgeOptimumWarning`.

    Raises
    ------
    ValueError
        ``times`` and ``values`` not 1-D of the same length, or ``times`` non-finite or not strictly
        increasing with at least two points; or no finite sample.

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit.analysis import peak
    >>> t = np.linspace(0.0, 3.0, 61)              # grid step 0.05
    >>> tp, Ep = peak(t, np.sin(t) ** 2)           # refined to the true maximum at pi / 2
    >>> print(round(tp, 5), round(np.pi / 2, 5), round(Ep, 6))
    1.5708 1.5708 1.0
    """
    t, v = _check_series(times, values)
    ok = np.isfinite(v)
    if not np.any(ok):
        raise ValueError("values has no finite sample")
    t, v = t[ok], v[ok]
    i = int(np.argmax(v))
    if i == 0 or i == len(t) - 1:
        warnings.warn(f"the maximum of the series is at its {'first' if i == 0 else 'last'} "
                      f"sample (t = {t[i]:g}): extend the time grid to bracket the optimum",
                      EdgeOptimumWarning, stacklevel=2)
        return Peak(t[i], v[i], at_edge=True)
    lo, hi = max(0, i - 3), min(len(t), i + 4)
    spline = CubicSpline(t[lo:hi], v[lo:hi])
    x, fx = maximize(lambda x: float(spline(x)), t[i - 1], t[i + 1])
    if fx < v[i]:
        return Peak(t[i], v[i])
    return Peak(x, fx)


def first_crossing(
    times: ArrayLike, values: ArrayLike, level: float, direction: str = "down"
) -> float:
    """First time the series crosses ``level`` (``direction`` "down" or "up").

    Refined by root finding on a cubic spline of the bracketing cells (linear interpolation if
    the spline does not change sign there).

    Parameters
    ----------
    times : array_like, shape (T,)
        Strictly increasing sample times, at least two.
    values : array_like, shape (T,)
        Samples of the series at ``times``.
    level : float
        The level (units of ``values``).
    direction : {"down", "up"}, default "down"
        Crossing from above (``"down"``) or from below (``"up"``).

    Returns
    -------
    float
        The crossing time (units of ``times``), or ``nan`` if the series never crosses.

    Raises
    ------
    ValueError
        ``times`` and ``values`` not 1-D of the same length, or ``times`` non-finite or not strictly
        increasing with at least two points; or an unknown ``direction``.

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit.analysis import first_crossing
    >>> t = np.linspace(0.0, 3.0, 61)
    >>> print(round(first_crossing(t, np.exp(-t), 0.25), 6), round(np.log(4), 6))
    1.386294 1.386294
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
        # tolerance relative to the grid cell: the root does not depend on the unit of time
        return float(brentq(lambda x: float(spline(x)), t[i], t[i + 1],
                            xtol=1e-14 * (t[i + 1] - t[i])))
    except ValueError:  # spline does not change sign in the cell: fall back to linear
        return float(t[i] + (t[i + 1] - t[i]) * s[i] / (s[i] - s[i + 1]))


def half_life(times: ArrayLike, values: ArrayLike) -> float:
    """Time at which ``values`` first falls to half of ``values[0]`` (Santos 2021, Sec. II).

    Parameters
    ----------
    times : array_like, shape (T,)
        Strictly increasing sample times, at least two.
    values : array_like, shape (T,)
        Samples of the series at ``times``.

    Returns
    -------
    float
        The half-life (units of ``times``), or ``nan`` if the series never halves.

    Raises
    ------
    ValueError
        ``times`` and ``values`` not 1-D of the same length, or ``times`` non-finite or not strictly
        increasing with at least two points.

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit.analysis import half_life
    >>> t = np.linspace(0.0, 3.0, 61)
    >>> print(round(half_life(t, np.exp(-t)), 6), round(np.log(2), 6))
    0.693147 0.693147
    """
    t, v = _check_series(times, values)
    return first_crossing(t, v, 0.5 * v[0], "down")


def average_power(
    times: ArrayLike, energy: ArrayLike, e0: float | None = None
) -> np.ndarray:
    """Average charging power ``P(t) = (E(t) - E0) / t`` (NaN at ``t = 0``).

    Downing & Ukhtary Eq. 12; ``E0 = energy[0]`` by default. Pass the ergotropy series to get
    the ergotropic power.

    Parameters
    ----------
    times : array_like, shape (T,)
        Strictly increasing sample times, at least two.
    energy : array_like, shape (T,)
        Stored energy (or ergotropy) at ``times``.
    e0 : float, optional
        Reference energy ``E0``; default ``energy[0]``.

    Returns
    -------
    ndarray, shape (T,)
        Power in units of energy / time; NaN where ``t = 0``.

    Raises
    ------
    ValueError
        ``times`` and ``values`` not 1-D of the same length, or ``times`` non-finite or not strictly
        increasing with at least two points.
    """
    t, E = _check_series(times, energy)
    e0 = E[0] if e0 is None else float(e0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, (E - e0) / np.where(t > 0, t, 1.0), np.nan)


def optimal_power(times: ArrayLike, energy: ArrayLike, e0: float | None = None) -> Peak:
    """``(t_P, P(t_P))``: the peak of the average charging power, refined.

    Parameters
    ----------
    times : array_like, shape (T,)
        Strictly increasing sample times, at least two.
    energy : array_like, shape (T,)
        Stored energy (or ergotropy, for the ergotropic power) at ``times``.
    e0 : float, optional
        Reference energy ``E0``; default ``energy[0]``.

    Returns
    -------
    Peak
        ``(t_P, P(t_P))`` (units of time, energy / time); ``at_edge`` and an
        :class:`EdgeOptimumWarning` when the power is largest at the last sample.

    Raises
    ------
    ValueError
        ``times`` and ``values`` not 1-D of the same length, or ``times`` non-finite or not strictly
        increasing with at least two points.

    Examples
    --------
    Closed-system charging ``E = sin^2(J t)`` (Downing & Ukhtary Eq. 30 at ``theta = pi``)
    peaks in power at ``J t_P = A`` with ``P = B`` (Eqs. 34, 35):

    >>> import numpy as np
    >>> from qbtoolkit import analytic
    >>> from qbtoolkit.analysis import optimal_power
    >>> t = np.linspace(0.0, 3.0, 61)
    >>> tp, P = optimal_power(t, np.sin(t) ** 2)
    >>> print(round(tp, 5), round(analytic.A, 5), round(P, 6), round(analytic.B, 6))
    1.16556 1.16556 0.724611 0.724611
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EdgeOptimumWarning)
        out = peak(times, average_power(times, energy, e0))
    for w in caught:
        warnings.warn(str(w.message).replace("the series", "the average power"),
                      EdgeOptimumWarning, stacklevel=2)
    return out
