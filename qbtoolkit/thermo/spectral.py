"""Bath spectral densities and the transition rates they give (detailed balance).

A bosonic bath at temperature ``T`` (k_B = 1) coupled through a system operator ``A`` drives
each Bohr transition of frequency ``omega`` (energy lost by the system; hbar = 1) at the rate

.. math::

    \\gamma(\\omega) = \\kappa J(\\omega)\\,[1 + n_T(\\omega)]\\ (\\omega > 0),\\qquad
    \\gamma(-\\omega) = \\kappa J(\\omega)\\, n_T(\\omega) = e^{-\\omega/T}\\gamma(\\omega),

with :math:`n_T(\\omega) = 1/(e^{\\omega/T} - 1)` the Bose-Einstein occupation (Breuer &
Petruccione, *The Theory of Open Quantum Systems*, Eqs. 3.140-3.145; the golden-rule factor
:math:`2\\pi` is absorbed in :math:`J`). The zero-frequency rate is the common limit of both,

.. math::

    \\gamma(0) = \\lim_{\\omega\\to 0}\\kappa J(\\omega)[1 + n_T(\\omega)]
               = \\kappa\\, T \\lim_{\\omega\\to 0^+} J(\\omega)/\\omega ,

which needs :math:`J(\\omega)\\to 0` as :math:`\\omega\\to 0` (Ohmic-like baths). The default
spectral density is Ohmic with an exponential cutoff, :math:`J(\\omega) = \\omega
e^{-\\omega/\\omega_c}` (no cutoff: :math:`J = \\omega`), whose zero-frequency slope is 1.

Units: ``omega``, ``T`` and ``cutoff`` in one energy unit; ``J`` in energy units, ``kappa``
dimensionless, so rates are in that unit (1/time with hbar = 1). Multiplying every frequency,
temperature and cutoff by ``c`` multiplies every Ohmic rate by ``c``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._validate import check_rate

__all__ = ["bose_einstein", "ohmic", "spectral_values", "transition_rates"]


def bose_einstein(omega: Any, T: Any) -> np.ndarray:
    """Bose-Einstein occupation :math:`n(\\omega) = 1/(e^{\\omega/T}-1)`, broadcasting.

    Parameters
    ----------
    omega : array_like
        Frequencies (> 0; energy units).
    T : array_like
        Temperatures (>= 0, same units, k_B = 1). ``T = 0`` gives ``n = 0`` exactly.

    Returns
    -------
    ndarray
        Occupations (dimensionless), shape ``broadcast(omega, T)``.
    """
    omega = np.asarray(omega, dtype=float)
    T = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        x = np.where(T > 0, omega / np.where(T > 0, T, 1.0), np.inf)
        n = 1.0 / np.expm1(x)
    return np.where(np.isfinite(x), n, 0.0)


def ohmic(omega: Any, cutoff: float | None = None) -> np.ndarray:
    """Ohmic spectral density :math:`J(\\omega) = \\omega e^{-\\omega/\\omega_c}` (energy units).

    Parameters
    ----------
    omega : array_like
        Frequencies >= 0 (energy units).
    cutoff : float, optional
        Cutoff frequency :math:`\\omega_c > 0`; None means no cutoff, ``J = omega`` exactly.

    Returns
    -------
    ndarray
        ``J(omega)``, same shape as ``omega``.
    """
    omega = np.asarray(omega, dtype=float)
    if cutoff is None:
        return omega
    return omega * np.exp(-omega / cutoff)


def spectral_values(
    freq: np.ndarray, spectral_density: Callable[[float], float] | None,
    cutoff: float | None, name: str = "spectral_density",
) -> np.ndarray:
    """``J(freq)`` elementwise for frequencies ``freq > 0`` (validated finite and >= 0).

    The default (``spectral_density=None``) is :func:`ohmic`; a callable is evaluated once per
    distinct frequency with a Python float.

    Parameters
    ----------
    freq : ndarray
        Frequencies ``> 0`` (energy units), any shape.
    spectral_density : callable or None
        ``J(omega) -> float``, or None for the Ohmic default.
    cutoff : float or None
        Cutoff of the Ohmic default (None: no cutoff).
    name : str, default "spectral_density"
        Name used in error messages.

    Returns
    -------
    ndarray
        Same shape as ``freq`` (energy units).

    Raises
    ------
    ValueError
        The callable raised, or returned a negative, non-finite or non-real value.
    """
    freq = np.asarray(freq, dtype=float)
    if spectral_density is None:
        return ohmic(freq, cutoff)
    uniq, inv = np.unique(freq, return_inverse=True)
    vals = np.empty(uniq.size)
    for k, w in enumerate(uniq):
        try:
            v = spectral_density(float(w))
        except Exception as exc:
            raise ValueError(f"{name} raised {exc!r} at omega={w:g}") from exc
        vals[k] = check_rate(v, f"{name}({w:g})")
    return vals[inv].reshape(freq.shape)


def transition_rates(
    kind: np.ndarray, jvals: np.ndarray, freq: np.ndarray, T: Any, kappa: Any, slope: Any,
) -> np.ndarray:
    """Rates of Bohr transitions obeying detailed balance, broadcast over grids.

    Parameters
    ----------
    kind : ndarray of int, shape (n,)
        +1 emission (the system loses ``freq``), -1 absorption (gains ``freq``), 0 a
        zero-frequency transition (inside one eigenspace).
    jvals : ndarray, shape (n,)
        ``J(freq)`` (unused where ``kind == 0``).
    freq : ndarray, shape (n,)
        ``|omega| > 0`` (unused where ``kind == 0``).
    T, kappa, slope : array_like, broadcastable to (..., n)
        Temperature, coupling and zero-frequency slope ``lim J(w)/w`` of the bath driving each
        transition.

    Returns
    -------
    ndarray, shape (..., n)
        ``kappa J (1 + n_T)`` for emission, ``kappa J n_T`` for absorption and
        ``kappa T slope`` at zero frequency (rates in the units of ``J``).
    """
    T = np.asarray(T, dtype=float)
    base = kappa * jvals
    nbar = bose_einstein(freq, T)
    down = base * (1.0 + nbar)
    up = base * nbar
    zero = (kappa * T) * slope
    return np.where(kind > 0, down, np.where(kind < 0, up, zero))
