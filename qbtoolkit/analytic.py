"""Closed-form results used as overlays in figures and as references in tests.

Two groups of formulas live here:

* **Downing & Ukhtary (2026), "Charging a quantum battery from the Bloch sphere"**.
  A charger qubit ``a`` prepared on the Bloch sphere,
  ``cos(theta/2)|g> + e^{i phi} sin(theta/2)|e>``, exchanges energy with a battery qubit ``b``
  (initially ``|g>``) through ``H = w_b(n_a + n_b) + J(s_a^+ s_b + h.c.)``; optionally the charger
  decays at rate ``gamma`` (Eq. 60).  All functions take the dimensionless time ``Jt`` or the
  time ``t`` together with ``J`` as documented, and return energies in units of ``omega``
  (``omega = 1`` by default).  Equation numbers refer to the paper.
* **Driven two-level atom** (a *reconstructed* model for the Rabat-group abstract; the
  paper itself was not available, see its page in the documentation):
  ``H = (Delta/2) sigma_z + (Omega/2) sigma_x`` in the frame rotating at the drive frequency,
  decay ``sqrt(gamma) sigma_-`` and pure dephasing ``sqrt(gamma_phi/2) sigma_z``.

Every function is vectorised over numpy arrays (broadcasting), ``hbar = 1``.

The numerical constants of the paper (A, B, C, D, K, L) are computed here by root finding
rather than hard-coded; they are exposed as module attributes ``A, B, C, D, K, L``.

Paper typos accounted for (listed on the Downing-Ukhtary page of the documentation): Eq. 36
(energy variance) is implemented in the corrected form ``w^2 n (1 - n)``;
:func:`energy_variance_printed` keeps the printed form for comparison. Eqs. 24/28 miss a
factor ``-i``; :func:`charger_battery_moments` returns the corrected complex moments.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq, minimize_scalar

__all__ = [
    "A",
    "B",
    "C",
    "D",
    "K",
    "L",
    "constant_A",
    "constant_B",
    "constant_C",
    "constant_D",
    "constant_K",
    "constant_L",
    "excited_fraction",
    "charger_battery_moments",
    "energy",
    "power",
    "energy_variance",
    "energy_variance_printed",
    "energy_std_at_tE",
    "optimal_energy_time",
    "max_energy",
    "optimal_power_time",
    "max_power",
    "ergotropy",
    "ergotropy_pi",
    "passive_energy",
    "ergotropic_power",
    "optimal_ergotropy_time",
    "max_ergotropy",
    "ergotropic_power_optimum",
    "optimal_ergotropic_power_time_approx",
    "max_ergotropic_power_approx",
    "inversion",
    "coherence",
    "capacity",
    "concurrence",
    "qubit_ergotropy",
    "qubit_antiergotropy",
    "qubit_capacity",
    "damped_frequency",
    "damped_f",
    "damped_energy",
    "damped_ergotropy",
    "damped_capacity",
    "damped_optimal_energy_time",
    "damped_max_energy",
    "damped_optimal_energy_time_approx",
    "damped_max_energy_approx",
    "damped_power_optimum",
    "damped_optimal_power_time_approx",
    "damped_max_power_approx",
    "atom_rabi_population",
    "atom_rabi_coherence",
    "atom_decay_energy",
    "atom_decay_coherence",
    "atom_decay_ergotropy",
    "atom_energy_from_coherence",
    "atom_incoherent_death_time",
    "atom_ergotropy_half_life",
    "atom_steady_population",
    "atom_steady_coherence",
    "atom_steady_ergotropy",
    "atom_steady_ergotropy_max",
]


# ---------------------------------------------------------------------------------------------
# Numerical constants (Eqs. 34, 35, 42, 44, 67)
# ---------------------------------------------------------------------------------------------


@cache
def constant_A() -> float:
    """A: root of ``tan A = 2A`` in ``(0, pi/2)`` (Eq. 34); ``J t_P = A``. A = 1.1655612.

    Returns
    -------
    float
        The constant (dimensionless), cached.
    """
    return float(
        brentq(lambda a: np.sin(a) - 2.0 * a * np.cos(a), 0.5, np.pi / 2 - 1e-12, xtol=1e-15)
    )


@cache
def constant_B() -> float:
    """B = sin^2(A)/A (Eq. 35); peak power ``P(t_P) = B w J sin^2(theta/2)``. B = 0.7246114.

    Returns
    -------
    float
        The constant (dimensionless), cached.
    """
    a = constant_A()
    return float(np.sin(a) ** 2 / a)


@cache
def constant_C() -> float:
    """C: root of ``1 + 2C tan(2C) = 0`` in ``(pi/4, pi/2)`` (Eq. 42). C = 1.3991930.

    Returns
    -------
    float
        The constant (dimensionless), cached.
    """
    # written as cos(2C) + 2C sin(2C) = 0 to avoid the pole of tan at C = pi/4
    return float(
        brentq(
            lambda c: np.cos(2 * c) + 2 * c * np.sin(2 * c),
            np.pi / 4 + 1e-9,
            np.pi / 2 - 1e-12,
            xtol=1e-15,
        )
    )


@cache
def constant_D() -> float:
    """D = -cos(2C)/C (Eq. 44); peak ergotropic power at ``theta = pi``. D = 0.6730168.

    Returns
    -------
    float
        The constant (dimensionless), cached.
    """
    c = constant_C()
    return float(-np.cos(2 * c) / c)


@cache
def constant_K() -> float:
    """K = -A tan(2A)/4 = A^2/(4A^2 - 1) (Sec. 8, text above Eq. 67). K = 0.3063808.

    Returns
    -------
    float
        The constant (dimensionless), cached.
    """
    a = constant_A()
    return float(a**2 / (4 * a**2 - 1))


@cache
def constant_L() -> float:
    """L = K/A = A/(4A^2 - 1) (Eq. 67). L = 0.2628612 (the paper prints 0.262...).

    Returns
    -------
    float
        The constant (dimensionless), cached.
    """
    a = constant_A()
    return float(a / (4 * a**2 - 1))


A: float = constant_A()
B: float = constant_B()
C: float = constant_C()
D: float = constant_D()
K: float = constant_K()
L: float = constant_L()


# ---------------------------------------------------------------------------------------------
# Closed system (Eqs. 22-59)
# ---------------------------------------------------------------------------------------------


def _root(s2: ArrayLike, f2: ArrayLike) -> np.ndarray | float:
    """``sqrt(1 - 4 s^4 f^2 (1 - f^2))`` evaluated stably as ``hypot(1 - 2 s^2 f^2, 2 s c f)``.

    The two are algebraically identical (``c^2 = 1 - s^2``); the sum of squares (``(2I)^2 +
    (2C)^2`` of Eq. 52) avoids the ``sqrt(rounding error)`` of the printed form near zero.
    With ``f = sin(Jt)`` it is the root of Eqs. 38/57; with Eq. 69's ``f(t)`` that of Eqs. 69/70.
    """
    s2 = np.asarray(s2, dtype=float)
    f2 = np.asarray(f2, dtype=float)
    return np.hypot(1 - 2 * s2 * f2, 2 * np.sqrt(np.clip(s2 * (1 - s2) * f2, 0.0, None)))


def _ergotropy_from_f2(s2: ArrayLike, f2: ArrayLike, omega: ArrayLike) -> np.ndarray | float:
    """Battery ergotropy ``w [s^2 f^2 - (1 - root)/2]`` for the battery amplitude ``f``: Eq. 38
    with ``f = sin(Jt)``, Eq. 69 with the lossy charger's ``f(t)``."""
    return omega * (s2 * f2 - 0.5 * (1 - _root(s2, f2)))


def _average_power(x: ArrayLike, Jt: ArrayLike, J: ArrayLike) -> np.ndarray | float:
    """``P = J x / (Jt)`` for an energy-like ``x`` at dimensionless times ``Jt``; the
    ``Jt -> 0`` limit (0) is returned at ``Jt = 0``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = J * x / Jt
    return np.where(Jt == 0, 0.0, out)


def excited_fraction(theta: ArrayLike) -> np.ndarray | float:
    """``s^2 = sin^2(theta/2)``: excited population of the charger's initial Bloch state (Eq. 1).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.

    Returns
    -------
    ndarray or float
        Excited population in ``[0, 1]``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    return np.sin(np.asarray(theta, dtype=float) / 2.0) ** 2


def charger_battery_moments(
    theta: ArrayLike, Jt: ArrayLike, phi: ArrayLike = 0.0, omega_t: ArrayLike = 0.0
) -> dict[str, np.ndarray]:
    """Moments of Eqs. 22-24 and 27-28, with the missing factor ``-i`` of Eqs. 24/28 restored.

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    phi : array_like, default 0.0
        Azimuthal Bloch angle of the charger's initial state (rad).
    omega_t : array_like, default 0.0
        ``omega t``, the phase of the first moments (drops out of every modulus).

    Returns
    -------
    dict of str to ndarray
        ``n_a``, ``n_b`` (populations), ``ab`` = ``<s_a^+ s_b>``, ``s_a`` = ``<s_a>``,
        ``s_b`` = ``<s_b>`` (complex), each of the broadcast shape of the arguments.
    """
    theta = np.asarray(theta, dtype=float)
    Jt = np.asarray(Jt, dtype=float)
    s2 = excited_fraction(theta)
    phase = np.exp(1j * phi) * np.exp(-1j * np.asarray(omega_t, dtype=float))
    return {
        "n_a": s2 * np.cos(Jt) ** 2,
        "n_b": s2 * np.sin(Jt) ** 2,
        "ab": -0.5j * s2 * np.sin(2 * Jt),
        "s_a": 0.5 * phase * np.sin(theta) * np.cos(Jt),
        "s_b": -0.5j * phase * np.sin(theta) * np.sin(Jt),
    }


def energy(theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Battery energy ``E = w sin^2(theta/2) sin^2(Jt)`` (Eq. 30).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Energy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit import analytic
    >>> print(round(float(analytic.energy(np.pi, np.pi / 2)), 12))  # full transfer at J t_E
    1.0
    """
    return omega * excited_fraction(theta) * np.sin(np.asarray(Jt, dtype=float)) ** 2


def power(
    theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0, J: ArrayLike = 1.0
) -> np.ndarray | float:
    """Average charging power ``P = E/t`` (Eq. 33).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        ``P = w J sin^2(theta/2) sin^2(Jt)/(Jt)`` in units of ``omega J``; the ``Jt -> 0``
        limit (0) at ``Jt = 0``, of the broadcast shape of the arguments (a NumPy scalar for
        scalar input).
    """
    Jt = np.asarray(Jt, dtype=float)
    return _average_power(energy(theta, Jt, omega), Jt, J)


def energy_variance(theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Energy variance of the battery, ``sigma_E^2 = w^2 n (1 - n)``, ``n = s^2 sin^2(Jt)``.

    Corrected Eq. 36: the paper prints ``1 - s^2 sin^2(2Jt)`` in the bracket, which contradicts
    Eqs. 9 and 37 (see the Downing-Ukhtary paper page of the documentation).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Variance in units of ``omega^2``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    n = excited_fraction(theta) * np.sin(np.asarray(Jt, dtype=float)) ** 2
    return omega**2 * n * (1 - n)


def energy_variance_printed(
    theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0
) -> np.ndarray | float:
    """Eq. 36 exactly as printed (wrong; kept only to document the typo).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        The printed expression, units of ``omega^2``, of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).
    """
    s2 = excited_fraction(theta)
    Jt = np.asarray(Jt, dtype=float)
    return omega**2 * s2 * np.sin(Jt) ** 2 * (1 - s2 * np.sin(2 * Jt) ** 2)


def energy_std_at_tE(theta: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Energy standard deviation at ``t_E``: ``sigma_E(t_E) = (w/2) sin(theta)`` (Eq. 37).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Standard deviation in units of ``omega``, of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).
    """
    return 0.5 * omega * np.abs(np.sin(np.asarray(theta, dtype=float)))


def optimal_energy_time(J: ArrayLike = 1.0) -> np.ndarray | float:
    """``t_E = pi/(2J)`` (Eq. 31), independent of theta.

    Parameters
    ----------
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        Time of maximal energy, units of ``1 / J``, of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).
    """
    return np.pi / (2 * J)


def max_energy(theta: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """``E(t_E) = w sin^2(theta/2)`` (Eq. 32).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Energy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return omega * excited_fraction(theta)


def optimal_power_time(J: ArrayLike = 1.0) -> np.ndarray | float:
    """``t_P = A/J`` (Eq. 34), independent of theta.

    Parameters
    ----------
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        Time of maximal average power, units of ``1 / J``, of the broadcast shape of the
        arguments (a NumPy scalar for scalar input).
    """
    return A / J


def max_power(theta: ArrayLike, omega: ArrayLike = 1.0, J: ArrayLike = 1.0) -> np.ndarray | float:
    """``P(t_P) = B w J sin^2(theta/2)`` (Eq. 35).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        Power in units of ``omega J``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return B * omega * J * excited_fraction(theta)


def ergotropy(theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Battery ergotropy (Eq. 38).

    ``w [ s^2 sin^2(Jt) - (1 - sqrt(1 - s^4 sin^2(2Jt)))/2 ]`` with ``s^2 = sin^2(theta/2)``,
    the root evaluated without cancellation.

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Ergotropy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Examples
    --------
    The battery qubit's ergotropy from the qubit formula
    ``omega [n - 1/2 + sqrt((1 - 2n)^2 + 4|rho_eg|^2)/2]`` with ``n = s^2 sin^2(Jt)`` and
    ``|rho_eg| = |sin theta sin Jt| / 2`` (Eqs. 55, 56):

    >>> import numpy as np
    >>> from qbtoolkit import analytic
    >>> theta, Jt = np.pi / 2, 1.0
    >>> n, c = np.sin(theta / 2) ** 2 * np.sin(Jt) ** 2, abs(np.sin(theta) * np.sin(Jt)) / 2
    >>> print(round(float(analytic.ergotropy(theta, Jt)), 12),
    ...       round(n - 0.5 + 0.5 * np.sqrt((1 - 2 * n) ** 2 + 4 * c**2), 12))
    0.299372129745 0.299372129745
    """
    f2 = np.sin(np.asarray(Jt, dtype=float)) ** 2
    return _ergotropy_from_f2(excited_fraction(theta), f2, omega)


def ergotropy_pi(Jt: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Ergotropy at ``theta = pi`` (Eq. 39): ``w max(0, -cos 2Jt)``.

    Parameters
    ----------
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Ergotropy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return omega * np.maximum(0.0, -np.cos(2 * np.asarray(Jt, dtype=float)))


def passive_energy(theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Passive-state energy ``E - ergotropy`` (Eq. 18 with Eqs. 30, 38).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Energy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return energy(theta, Jt, omega) - ergotropy(theta, Jt, omega)


def ergotropic_power(
    theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0, J: ArrayLike = 1.0
) -> np.ndarray | float:
    """Ergotropic power ``ergotropy/t`` (Eq. 12), 0 at ``Jt = 0``.

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        Power in units of ``omega J``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    Jt = np.asarray(Jt, dtype=float)
    return _average_power(ergotropy(theta, Jt, omega), Jt, J)


def optimal_ergotropy_time(J: ArrayLike = 1.0) -> np.ndarray | float:
    """``t_ergo = pi/(2J)`` (Eq. 40).

    Parameters
    ----------
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        Time of maximal ergotropy, units of ``1 / J``, of the broadcast shape of the arguments
        (a NumPy scalar for scalar input).
    """
    return np.pi / (2 * J)


def max_ergotropy(theta: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """``ergotropy(t_ergo) = w sin^2(theta/2)`` (Eq. 41).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Ergotropy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return omega * excited_fraction(theta)


def _ergotropic_power_optimum_scalar(theta: float) -> tuple[float, float]:
    if np.sin(theta / 2) ** 2 < 1e-12:
        # theta -> 0: ergotropy ~ s^2 sin^2(Jt); the optimum tends to (A, 0)  (Eq. 42)
        return A, 0.0

    def neg(x):
        return -float(ergotropy(theta, x)) / x

    # the global maximum lies in [A, C] (Eq. 42 and Fig. 3e); search a safe bracket
    res = minimize_scalar(neg, bounds=(0.9, 1.6), method="bounded", options={"xatol": 1e-12})
    return float(res.x), float(-res.fun)


def ergotropic_power_optimum(
    theta: ArrayLike, omega: ArrayLike = 1.0, J: ArrayLike = 1.0
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Exact optimum of the ergotropic power: ``(t_P_ergo, P_ergo(t_P_ergo))`` (Eqs. 13, 42, 44).

    Found by bounded scalar optimisation of ``ergotropy(theta, Jt)/t`` from Eq. 38.
    Limits: ``J t = A`` as ``theta -> 0`` and ``J t = C`` with ``P = D w J`` at ``theta = pi``;
    at ``theta = pi/2``: ``J t = 1.323922``, ``P = 0.344355 w J``.

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    t : ndarray or float
        Optimal time, units of ``1 / J``; floats for a scalar ``theta``, else arrays of its shape.
    P : ndarray or float
        Maximal ergotropic power, units of ``omega J``.
    """
    theta = np.asarray(theta, dtype=float)
    flat = [_ergotropic_power_optimum_scalar(float(th)) for th in theta.ravel()]
    t = np.array([f[0] for f in flat]).reshape(theta.shape) / J
    p = np.array([f[1] for f in flat]).reshape(theta.shape) * omega * J
    if theta.ndim == 0:
        return float(t), float(p)
    return t, p


def optimal_ergotropic_power_time_approx(
    theta: ArrayLike, J: ArrayLike = 1.0
) -> np.ndarray | float:
    """Approximation Eq. 43 for ``t_P_ergo(theta)``: ``J t`` = 7/6 at theta = 0, 7/5 at theta = pi.

    Implemented exactly as printed: ``(7/5) [5/6 + (1/6 + k pi^{5/2}) (theta/pi)^{5/2}] /
    (1 + k theta^{5/2})`` with ``k = 9 sqrt(3)/32``.

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        Approximate optimal time, units of ``1 / J``, of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).
    """
    theta = np.asarray(theta, dtype=float)
    k = 9 * np.sqrt(3) / 32
    num = 5 / 6 + (1 / 6 + k * np.pi**2.5) * (theta / np.pi) ** 2.5
    return 7 / 5 * num / (1 + k * theta**2.5) / J


def max_ergotropic_power_approx(
    theta: ArrayLike, omega: ArrayLike = 1.0, J: ArrayLike = 1.0
) -> np.ndarray | float:
    """Approximation Eq. 45: ``(w J/3)[tanh(theta - pi/2)/tanh(pi/2) + 1]`` (0, 1/3, 2/3).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).
    J : float or array_like, default 1.0
        Charger-battery coupling (energy, i.e. a rate with hbar = 1).

    Returns
    -------
    ndarray or float
        Approximate maximal ergotropic power, units of ``omega J``, of the broadcast shape of
        the arguments (a NumPy scalar for scalar input).
    """
    theta = np.asarray(theta, dtype=float)
    return omega * J / 3 * (np.tanh(theta - np.pi / 2) / np.tanh(np.pi / 2) + 1)


def inversion(theta: ArrayLike, Jt: ArrayLike) -> np.ndarray | float:
    """Population inversion ``I = s^2 sin^2(Jt) - 1/2`` (Eq. 55).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.

    Returns
    -------
    ndarray or float
        Inversion in ``[-1/2, 1/2]`` (dimensionless), of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).
    """
    return excited_fraction(theta) * np.sin(np.asarray(Jt, dtype=float)) ** 2 - 0.5


def coherence(theta: ArrayLike, Jt: ArrayLike) -> np.ndarray | float:
    """Coherence parameter ``|<sigma_b>| = |sin theta| |sin Jt| / 2`` (Eq. 56).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.

    Returns
    -------
    ndarray or float
        ``|rho_eg|`` of the battery, in ``[0, 1/2]`` (dimensionless), of the broadcast shape of
        the arguments (a NumPy scalar for scalar input).
    """
    return 0.5 * np.abs(
        np.sin(np.asarray(theta, dtype=float)) * np.sin(np.asarray(Jt, dtype=float))
    )


def capacity(theta: ArrayLike, Jt: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Battery capacity ``K = w sqrt(1 - s^4 sin^2(2Jt))`` (Eq. 57).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Capacity in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return omega * _root(excited_fraction(theta), np.sin(np.asarray(Jt, dtype=float)) ** 2)


def concurrence(theta: ArrayLike, Jt: ArrayLike) -> np.ndarray | float:
    """Charger-battery concurrence ``s^2 |sin 2Jt|`` (Eq. 59).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    Jt : array_like
        Dimensionless time ``J t``.

    Returns
    -------
    ndarray or float
        Concurrence in ``[0, 1]``, of the broadcast shape of the arguments (a NumPy scalar for
        scalar input).
    """
    return excited_fraction(theta) * np.abs(np.sin(2 * np.asarray(Jt, dtype=float)))


def qubit_ergotropy(I: ArrayLike, Cb: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Qubit ergotropy from inversion and coherence: ``w (I + sqrt(I^2 + C^2))`` (Eq. 50).

    Parameters
    ----------
    I : array_like
        Population inversion ``rho_ee - 1/2`` of the qubit (Eq. 55).
    Cb : array_like
        Coherence parameter ``|rho_eg| = |<sigma_->|`` of the qubit (Eq. 56).
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Ergotropy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return omega * (I + np.sqrt(np.asarray(I) ** 2 + np.asarray(Cb) ** 2))


def qubit_antiergotropy(I: ArrayLike, Cb: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Qubit antiergotropy ``w (I - sqrt(I^2 + C^2))`` (Eq. 51).

    Parameters
    ----------
    I : array_like
        Population inversion ``rho_ee - 1/2`` of the qubit (Eq. 55).
    Cb : array_like
        Coherence parameter ``|rho_eg| = |<sigma_->|`` of the qubit (Eq. 56).
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Downing & Ukhtary's script-A (``<= 0``, the negative of
        :func:`qbtoolkit.antiergotropy`),     units of ``omega``, of the broadcast shape of the
        arguments (a NumPy scalar for scalar input).
    """
    return omega * (I - np.sqrt(np.asarray(I) ** 2 + np.asarray(Cb) ** 2))


def qubit_capacity(I: ArrayLike, Cb: ArrayLike, omega: ArrayLike = 1.0) -> np.ndarray | float:
    """Qubit capacity ``2 w sqrt(I^2 + C^2)`` (Eq. 52).

    Parameters
    ----------
    I : array_like
        Population inversion ``rho_ee - 1/2`` of the qubit (Eq. 55).
    Cb : array_like
        Coherence parameter ``|rho_eg| = |<sigma_->|`` of the qubit (Eq. 56).
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Capacity in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return 2 * omega * np.sqrt(np.asarray(I) ** 2 + np.asarray(Cb) ** 2)


# ---------------------------------------------------------------------------------------------
# Lossy charger (Sec. 8, Eqs. 60-70)
# ---------------------------------------------------------------------------------------------


def _check_underdamped(J: ArrayLike, gamma: ArrayLike) -> None:
    if np.any(np.asarray(gamma) >= 4 * np.asarray(J)):
        raise ValueError("gamma: the closed forms of Sec. 8 need J > gamma/4 (underdamped charger)")


def damped_frequency(J: ArrayLike, gamma: ArrayLike) -> np.ndarray | float:
    """``G = sqrt(J^2 - gamma^2/16)`` (Eq. 61); requires ``J > gamma/4``.

    Parameters
    ----------
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.

    Returns
    -------
    ndarray or float
        Frequency ``G``, units of ``J``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).
    """
    _check_underdamped(J, gamma)
    return np.sqrt(np.asarray(J, dtype=float) ** 2 - np.asarray(gamma, dtype=float) ** 2 / 16)


def damped_f(t: ArrayLike, J: ArrayLike, gamma: ArrayLike) -> np.ndarray | float:
    """``f(t) = (J/G) sin(G t) exp(-gamma t/4)`` (Eq. 69); the battery amplitude per unit s.

    Parameters
    ----------
    t : array_like
        Time (units of ``1 / J``).
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.

    Returns
    -------
    ndarray or float
        ``f(t)`` (dimensionless), of the broadcast shape of the arguments (a NumPy scalar for
        scalar input).

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).
    """
    G = damped_frequency(J, gamma)
    t = np.asarray(t, dtype=float)
    return J / G * np.sin(G * t) * np.exp(-gamma * t / 4)


def damped_energy(
    theta: ArrayLike, t: ArrayLike, J: ArrayLike, gamma: ArrayLike, omega: ArrayLike = 1.0
) -> np.ndarray | float:
    """Battery energy with a lossy charger, ``w s^2 f(t)^2`` (Eq. 62).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    t : array_like
        Time (units of ``1 / J``).
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Energy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).
    """
    return omega * excited_fraction(theta) * damped_f(t, J, gamma) ** 2


def damped_ergotropy(
    theta: ArrayLike, t: ArrayLike, J: ArrayLike, gamma: ArrayLike, omega: ArrayLike = 1.0
) -> np.ndarray | float:
    """Battery ergotropy with a lossy charger (Eq. 69).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    t : array_like
        Time (units of ``1 / J``).
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Ergotropy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).
    """
    return _ergotropy_from_f2(excited_fraction(theta), damped_f(t, J, gamma) ** 2, omega)


def damped_capacity(
    theta: ArrayLike, t: ArrayLike, J: ArrayLike, gamma: ArrayLike, omega: ArrayLike = 1.0
) -> np.ndarray | float:
    """Battery capacity with a lossy charger (Eq. 70).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    t : array_like
        Time (units of ``1 / J``).
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Capacity in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).
    """
    return omega * _root(excited_fraction(theta), damped_f(t, J, gamma) ** 2)


def damped_optimal_energy_time(J: ArrayLike, gamma: ArrayLike) -> np.ndarray | float:
    """Exact ``t_E = arctan(4G/gamma)/G`` (Eq. 63); ``pi/(2J)`` at ``gamma = 0``.

    Parameters
    ----------
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.

    Returns
    -------
    ndarray or float
        Time of maximal energy, units of ``1 / J``, of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).
    """
    G = damped_frequency(J, gamma)
    return np.arctan2(4 * G, np.asarray(gamma, dtype=float)) / G


def damped_max_energy(
    theta: ArrayLike, J: ArrayLike, gamma: ArrayLike, omega: ArrayLike = 1.0
) -> np.ndarray | float:
    """Exact ``E(t_E) = w s^2 exp(-(gamma/2G) arctan(4G/gamma))`` (Eq. 64).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Energy in units of ``omega``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).
    """
    G = damped_frequency(J, gamma)
    gamma = np.asarray(gamma, dtype=float)
    return omega * excited_fraction(theta) * np.exp(-gamma / (2 * G) * np.arctan2(4 * G, gamma))


def damped_optimal_energy_time_approx(J: ArrayLike, gamma: ArrayLike) -> np.ndarray | float:
    """First-order ``t_E ~ (pi/2J)(1 - gamma/(2 pi J))`` (Eq. 65).

    Parameters
    ----------
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.

    Returns
    -------
    ndarray or float
        Approximate time, units of ``1 / J``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    return np.pi / (2 * J) * (1 - np.asarray(gamma) / (2 * np.pi * J))


def damped_max_energy_approx(
    theta: ArrayLike, J: ArrayLike, gamma: ArrayLike, omega: ArrayLike = 1.0
) -> np.ndarray | float:
    """First-order ``E(t_E) ~ w s^2 (1 - pi gamma/(4J))`` (Eq. 66).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Approximate energy, units of ``omega``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    return omega * excited_fraction(theta) * (1 - np.pi * np.asarray(gamma) / (4 * J))


def _damped_power_scalar(J: float, gamma: float) -> tuple[float, float]:
    G = float(damped_frequency(J, gamma))

    def eq(x):  # (1 + gamma x/2G) tan x = 2x, written without the pole of tan
        return (1 + gamma * x / (2 * G)) * np.sin(x) - 2 * x * np.cos(x)

    x = brentq(eq, 1e-6, np.pi / 2 - 1e-12, xtol=1e-15) if eq(np.pi / 2 - 1e-12) > 0 else None
    if x is None:  # pragma: no cover - cannot happen for G > 0
        raise RuntimeError("no root for the optimal power time")
    t = x / G
    p = float(damped_energy(np.pi, t, J, gamma)) / t
    return t, p


def damped_power_optimum(
    theta: ArrayLike, J: ArrayLike, gamma: ArrayLike, omega: ArrayLike = 1.0
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Exact ``(t_P, P(t_P))`` with a lossy charger (Sec. 8).

    ``x = G t_P`` solves ``(1 + gamma x/(2G)) tan x = 2x``; ``P = E(t_P)/t_P`` from Eq. 62.
    For ``gamma/J = 0.1``, ``theta = pi``: ``J t_P = 1.135498``, ``P = 0.684312 w J``.

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    t : ndarray or float
        Time of maximal average power, units of ``1 / J`` (floats for scalar input).
    P : ndarray or float
        Maximal average power, units of ``omega J``.

    Raises
    ------
    ValueError
        ``gamma >= 4 J`` (the closed forms of Sec. 8 need an underdamped charger).

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit import analytic
    >>> t, P = analytic.damped_power_optimum(np.pi, 1.0, 0.1)
    >>> print(round(t, 6), round(P, 6))
    1.135498 0.684312
    """
    J_b, g_b = np.broadcast_arrays(np.asarray(J, dtype=float), np.asarray(gamma, dtype=float))
    pairs = zip(J_b.ravel(), g_b.ravel(), strict=True)
    res = [_damped_power_scalar(float(j), float(g)) for j, g in pairs]
    t = np.array([r[0] for r in res]).reshape(J_b.shape)
    p = np.array([r[1] for r in res]).reshape(J_b.shape)
    out_t, out_p = t, omega * excited_fraction(theta) * p
    if np.ndim(out_t) == 0 and np.ndim(out_p) == 0:
        return float(out_t), float(out_p)
    return out_t, out_p


def damped_optimal_power_time_approx(J: ArrayLike, gamma: ArrayLike) -> np.ndarray | float:
    """First-order ``t_P ~ (A/J)(1 - L gamma/J)`` (Eq. 67).

    Parameters
    ----------
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.

    Returns
    -------
    ndarray or float
        Approximate time, units of ``1 / J``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    return A / J * (1 - L * np.asarray(gamma) / J)


def damped_max_power_approx(
    theta: ArrayLike, J: ArrayLike, gamma: ArrayLike, omega: ArrayLike = 1.0
) -> np.ndarray | float:
    """First-order ``P(t_P) ~ B w J s^2 (1 - (A/2) gamma/J)`` (Eq. 68).

    Parameters
    ----------
    theta : array_like
        Polar Bloch angle of the charger's initial state (rad); ``s^2 = sin^2(theta/2)``.
    J : float or array_like
        Charger-battery coupling (energy, i.e. a rate with hbar = 1); ``J > gamma / 4``.
    gamma : float or array_like
        Decay rate of the charger (units of ``J``); the closed forms need ``gamma < 4 J``.
    omega : float or array_like, default 1.0
        Qubit splitting ``omega`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Approximate power, units of ``omega J``, of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).
    """
    return B * omega * J * excited_fraction(theta) * (1 - A / 2 * np.asarray(gamma) / J)


# ---------------------------------------------------------------------------------------------
# Driven two-level atom (reconstructed model)
# ---------------------------------------------------------------------------------------------


def _qubit_ergotropy_pop(ree: ArrayLike, eg2: ArrayLike) -> np.ndarray | float:
    """Qubit ergotropy / omega from ``rho_ee`` and ``|rho_eg|^2``:
    ``rho_ee - 1/2 + sqrt((1 - 2 rho_ee)^2 + 4|rho_eg|^2)/2``, evaluated without cancellation."""
    ree = np.asarray(ree, dtype=float)
    eg2 = np.asarray(eg2, dtype=float)
    a = 1 - 2 * ree
    R = np.sqrt(a**2 + 4 * eg2)
    with np.errstate(invalid="ignore", divide="ignore"):
        small = np.where(R + a > 0, 2 * eg2 / (R + a), 0.0)
    return np.where(a > 0, small, 0.5 * (R - a))


def atom_rabi_population(
    Omega_t: ArrayLike, Omega: ArrayLike = 1.0, delta: ArrayLike = 0.0
) -> np.ndarray | float:
    """Closed-system Rabi population ``rho_ee = (Omega/W)^2 sin^2(W t/2)``.

    ``W = sqrt(Omega^2 + Delta^2)`` is the generalised Rabi frequency; at ``delta = 0`` this is
    ``sin^2(Omega t/2)`` (Rabi charging of the driven atom). The atom starts in ``|g>``.

    Parameters
    ----------
    Omega_t : array_like
        Dimensionless time ``Omega t``.
    Omega : float or array_like, default 1.0
        Rabi frequency of the drive (energy unit).
    delta : float or array_like, default 0.0
        Detuning ``Delta = omega_0 - omega_L`` (same unit as ``Omega``).

    Returns
    -------
    ndarray or float
        Excited population in ``[0, 1]``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    W = np.sqrt(Omega**2 + np.asarray(delta, dtype=float) ** 2)
    t = np.asarray(Omega_t, dtype=float) / Omega
    return (Omega / W) ** 2 * np.sin(W * t / 2) ** 2


def atom_rabi_coherence(
    Omega_t: ArrayLike, Omega: ArrayLike = 1.0, delta: ArrayLike = 0.0
) -> np.ndarray | float:
    """Closed-system l1 coherence ``2|rho_eg| = 2 sqrt(p(1-p))`` (pure state).

    At resonance this is ``|sin Omega t|``.

    Parameters
    ----------
    Omega_t : array_like
        Dimensionless time ``Omega t``.
    Omega : float or array_like, default 1.0
        Rabi frequency of the drive (energy unit).
    delta : float or array_like, default 0.0
        Detuning ``Delta = omega_0 - omega_L`` (same unit as ``Omega``).

    Returns
    -------
    ndarray or float
        l1 coherence in ``[0, 1]``, of the broadcast shape of the arguments (a NumPy scalar for
        scalar input).
    """
    p = atom_rabi_population(Omega_t, Omega, delta)
    return 2 * np.sqrt(np.clip(p * (1 - p), 0.0, None))


def atom_decay_energy(
    gamma_t: ArrayLike, p: ArrayLike, omega0: ArrayLike = 1.0
) -> np.ndarray | float:
    """Free decay from a pure state with excited population p: ``E = w0 p e^{-gamma t}``.

    Parameters
    ----------
    gamma_t : array_like
        Dimensionless time ``gamma t`` since the drive was switched off.
    p : array_like
        Excited population of the pure state the decay starts from, in ``[0, 1]``.
    omega0 : float or array_like, default 1.0
        Atomic splitting ``omega_0`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Energy in units of ``omega0``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return omega0 * np.asarray(p) * np.exp(-np.asarray(gamma_t, dtype=float))


def atom_decay_coherence(gamma_t: ArrayLike, p: ArrayLike) -> np.ndarray | float:
    """Free decay: ``C_l1 = 2 sqrt(p(1-p)) e^{-gamma t/2}``.

    Parameters
    ----------
    gamma_t : array_like
        Dimensionless time ``gamma t`` since the drive was switched off.
    p : array_like
        Excited population of the pure state the decay starts from, in ``[0, 1]``.

    Returns
    -------
    ndarray or float
        l1 coherence (dimensionless), of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    p = np.asarray(p, dtype=float)
    return 2 * np.sqrt(p * (1 - p)) * np.exp(-np.asarray(gamma_t, dtype=float) / 2)


def atom_decay_ergotropy(
    gamma_t: ArrayLike, p: ArrayLike, omega0: ArrayLike = 1.0
) -> np.ndarray | float:
    """Free-decay ergotropy ``w0 [rho_ee - 1/2 + sqrt((1 - 2 rho_ee)^2 + 4|rho_eg|^2)/2]``.

    With ``rho_ee = p e^{-gamma t}`` and ``|rho_eg|^2 = p (1 - p) e^{-gamma t}``, evaluated without
    cancellation.

    Parameters
    ----------
    gamma_t : array_like
        Dimensionless time ``gamma t`` since the drive was switched off.
    p : array_like
        Excited population of the pure state the decay starts from, in ``[0, 1]``.
    omega0 : float or array_like, default 1.0
        Atomic splitting ``omega_0`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Ergotropy in units of ``omega0``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    x = np.exp(-np.asarray(gamma_t, dtype=float))
    p = np.asarray(p, dtype=float)
    return omega0 * _qubit_ergotropy_pop(p * x, p * (1 - p) * x)


def atom_energy_from_coherence(
    c_l1: ArrayLike, p: ArrayLike, omega0: ArrayLike = 1.0
) -> np.ndarray | float:
    """One-to-one energy-coherence map of free decay: ``E = w0 C_l1^2 / (4 (1 - p))``.

    Parameters
    ----------
    c_l1 : array_like
        l1 coherence ``2 |rho_eg|`` during the decay.
    p : array_like
        Excited population of the pure state the decay starts from, in ``[0, 1]``.
    omega0 : float or array_like, default 1.0
        Atomic splitting ``omega_0`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Energy in units of ``omega0``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    return omega0 * np.asarray(c_l1) ** 2 / (4 * (1 - np.asarray(p, dtype=float)))


def atom_incoherent_death_time(p: ArrayLike) -> np.ndarray | float:
    """``gamma t = ln(2p)``: the population (incoherent) ergotropy of free decay vanishes.

    Parameters
    ----------
    p : array_like
        Excited population of the pure initial state; ``p > 1/2``.

    Returns
    -------
    ndarray or float
        Dimensionless time ``gamma t``, of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).

    Raises
    ------
    ValueError
        ``p <= 1/2`` somewhere (the incoherent ergotropy is then zero from the start).
    """
    p = np.asarray(p, dtype=float)
    if np.any(p <= 0.5):
        raise ValueError("p: the incoherent ergotropy is zero from the start unless p > 1/2")
    return np.log(2 * p)


def atom_ergotropy_half_life(p: ArrayLike) -> np.ndarray | float:
    """Ergotropy half-life of free decay from a pure state: ``gamma t_1/2 = ln(4/(2 + p))``.

    Derived from :func:`atom_decay_ergotropy` (the ergotropy of a pure state is ``w0 p``).
    For ``|+>`` (p = 1/2): ``ln(8/5) = 0.4700``.

    Parameters
    ----------
    p : array_like
        Excited population of the pure initial state, in ``(0, 1]``.

    Returns
    -------
    ndarray or float
        Dimensionless half-life ``gamma t_1/2``, of the broadcast shape of the arguments (a
        NumPy scalar for scalar input).

    Raises
    ------
    ValueError
        ``p`` outside ``(0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit import analytic
    >>> t = analytic.atom_ergotropy_half_life(0.5)
    >>> print(round(float(t), 6), round(np.log(8 / 5), 6))
    0.470004 0.470004
    >>> print(round(float(analytic.atom_decay_ergotropy(t, 0.5) / 0.5), 12))  # half of w0 p
    0.5
    """
    p = np.asarray(p, dtype=float)
    if np.any((p <= 0) | (p > 1)):
        raise ValueError("p: excited population must lie in (0, 1]")
    return np.log(4 / (2 + p))


def _atom_s(Omega, gamma, gamma_phi, delta):
    g2 = gamma / 2 + gamma_phi
    return Omega**2 * g2 / (2 * gamma * (g2**2 + delta**2)), g2


def atom_steady_population(
    Omega: ArrayLike, gamma: ArrayLike, gamma_phi: ArrayLike = 0.0, delta: ArrayLike = 0.0
) -> np.ndarray | float:
    """Steady excited population of the driven, damped atom: ``s/(1+2s)``.

    ``s = Omega^2 Gamma_2 / (2 gamma (Gamma_2^2 + Delta^2))``, ``Gamma_2 = gamma/2 + gamma_phi``;
    at ``Delta = gamma_phi = 0`` it is ``x^2/(1+2x^2)``, ``x = Omega/gamma``.

    Parameters
    ----------
    Omega : float or array_like
        Rabi frequency of the drive (energy, same unit as ``gamma``).
    gamma : float or array_like
        Spontaneous-emission rate (energy unit, > 0).
    gamma_phi : float or array_like, default 0.0
        Pure-dephasing rate (same unit as ``gamma``).
    delta : float or array_like, default 0.0
        Detuning ``Delta = omega_0 - omega_L`` (same unit as ``Omega``).

    Returns
    -------
    ndarray or float
        Excited population in ``[0, 1/2)``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    s, _ = _atom_s(np.asarray(Omega, dtype=float), np.asarray(gamma, dtype=float), gamma_phi, delta)
    return s / (1 + 2 * s)


def atom_steady_coherence(
    Omega: ArrayLike, gamma: ArrayLike, gamma_phi: ArrayLike = 0.0, delta: ArrayLike = 0.0
) -> np.ndarray | float:
    """Steady l1 coherence ``2|rho_eg| = Omega |1 - 2 rho_ee| / sqrt(Gamma_2^2 + Delta^2)``.

    Parameters
    ----------
    Omega : float or array_like
        Rabi frequency of the drive (energy, same unit as ``gamma``).
    gamma : float or array_like
        Spontaneous-emission rate (energy unit, > 0).
    gamma_phi : float or array_like, default 0.0
        Pure-dephasing rate (same unit as ``gamma``).
    delta : float or array_like, default 0.0
        Detuning ``Delta = omega_0 - omega_L`` (same unit as ``Omega``).

    Returns
    -------
    ndarray or float
        l1 coherence (dimensionless), of the broadcast shape of the arguments (a NumPy scalar
        for scalar input).
    """
    Omega = np.asarray(Omega, dtype=float)
    s, g2 = _atom_s(Omega, np.asarray(gamma, dtype=float), gamma_phi, delta)
    return Omega / np.sqrt(g2**2 + delta**2) / (1 + 2 * s)


def atom_steady_ergotropy(
    Omega: ArrayLike,
    gamma: ArrayLike,
    gamma_phi: ArrayLike = 0.0,
    delta: ArrayLike = 0.0,
    omega0: ArrayLike = 1.0,
) -> np.ndarray | float:
    """Steady-state ergotropy of the driven, damped atom.

    At resonance without dephasing ``w0 (sqrt(1+4x^2) - 1)/(2(1+2x^2))``, ``x = Omega/gamma``.

    Parameters
    ----------
    Omega : float or array_like
        Rabi frequency of the drive (energy, same unit as ``gamma``).
    gamma : float or array_like
        Spontaneous-emission rate (energy unit, > 0).
    gamma_phi : float or array_like, default 0.0
        Pure-dephasing rate (same unit as ``gamma``).
    delta : float or array_like, default 0.0
        Detuning ``Delta = omega_0 - omega_L`` (same unit as ``Omega``).
    omega0 : float or array_like, default 1.0
        Atomic splitting ``omega_0`` (energy unit, hbar = 1).

    Returns
    -------
    ndarray or float
        Ergotropy in units of ``omega0``, of the broadcast shape of the arguments (a NumPy
        scalar for scalar input).
    """
    ree = atom_steady_population(Omega, gamma, gamma_phi, delta)
    c = atom_steady_coherence(Omega, gamma, gamma_phi, delta)
    return omega0 * _qubit_ergotropy_pop(ree, c**2 / 4)


def atom_steady_ergotropy_max(omega0: ArrayLike = 1.0) -> tuple[float, float]:
    """Maximum steady ergotropy at resonance without dephasing, and where it is reached.

    ``x* = Omega/gamma = sqrt((1+sqrt2)/2) = 1.0987`` and ``E* = (sqrt2 - 1)/2 w0 = 0.20711 w0``.

    Parameters
    ----------
    omega0 : float, default 1.0
        Atomic splitting (energy unit).

    Returns
    -------
    x : float
        Optimal ``Omega / gamma`` (dimensionless).
    E : float
        Maximal steady ergotropy, units of ``omega0``.

    Examples
    --------
    >>> import numpy as np
    >>> from qbtoolkit import analytic
    >>> x, E = analytic.atom_steady_ergotropy_max()
    >>> print(round(x, 4), round(E, 5), round(float(analytic.atom_steady_ergotropy(x, 1.0)), 5))
    1.0987 0.20711 0.20711
    """
    return float(np.sqrt((1 + np.sqrt(2)) / 2)), float(omega0 * (np.sqrt(2) - 1) / 2)
