"""Qubit networks coupled to several thermal reservoirs: the global (secular) master equation.

Implements the model of M. Hadipour and S. Haseli, *Nonequilibrium quantum batteries: amplified
work extraction through thermal reservoir modulation* (2025), Eqs. (1), (3)-(6), as
reconstructed in ``SPEC.md`` section 004:

.. math::

    H_S = \\sum_i \\frac{\\omega_i}{2}\\sigma_z^i
          + \\sum_{i<j} \\frac{\\lambda_{ij}}{2}\\sigma_z^i\\sigma_z^j ,

each cell ``i`` coupled through :math:`\\sigma_x^i` to its own bosonic bath at temperature
:math:`T_i`, and the Born-Markov-secular (global) Lindblad equation

.. math::

    \\dot\\rho = -i[H_S,\\rho] + \\sum_i\\sum_{\\omega>0} J(\\omega)\\big[
        (1+n_i(\\omega))\\,\\mathcal D[A_i(\\omega)]\\rho
        + n_i(\\omega)\\,\\mathcal D[A_i^\\dagger(\\omega)]\\rho\\big],

with :math:`A_i(\\omega)=\\sum_{\\varepsilon'-\\varepsilon=\\omega}\\Pi(\\varepsilon)\\sigma_x^i
\\Pi(\\varepsilon')` (lowering form, degenerate Bohr frequencies grouped), Bose-Einstein
occupations :math:`n_i(\\omega)=1/(e^{\\omega/T_i}-1)` (``n = 0`` at ``T = 0``) and an Ohmic
spectral density :math:`J(\\omega)=\\kappa\\omega` by default.

Units: hbar = k_B = 1; frequencies, couplings, energies and temperatures share one unit
(the paper's figures use omega = 1).

Convention: the paper's spin-up is the toolkit's excited state (basis index 1) and
:math:`\\sigma_z = \\mathrm{diag}(-1, +1)`; tensor order is the order of ``omegas``
(L, M, R for the paper's three cells). Because :math:`H_S` only contains
:math:`\\sigma_z` terms it is diagonal in the product (computational) basis, which is used as
its eigenbasis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import qutip

from .._validate import check_positive, check_rate, check_real, check_temperature
from .base import BatteryModel

__all__ = ["thermal_network", "bose_einstein", "thermal_energies"]

#: Relative tolerance used to decide that two Bohr frequencies are equal (grouped into one
#: jump operator) and that a Bohr frequency is zero (no channel: only omega > 0 is kept).
FREQ_RTOL = 1e-10


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
        Occupations, shape ``broadcast(omega, T)``.
    """
    omega = np.asarray(omega, dtype=float)
    T = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        x = np.where(T > 0, omega / np.where(T > 0, T, 1.0), np.inf)
        n = 1.0 / np.expm1(x)
    return np.where(np.isfinite(x), n, 0.0)


def _check_omegas(omegas: Any) -> np.ndarray:
    try:
        arr = np.asarray(omegas, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"omegas must be a sequence of real frequencies, got {omegas!r}") from None
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(
            f"omegas must be a 1-D sequence with one frequency per cell, got {omegas!r}"
        )
    if arr.size > 10:
        raise ValueError(f"omegas: at most 10 cells are supported (2**N states), got {arr.size}")
    for k, w in enumerate(arr):
        check_real(w, f"omegas[{k}]")
    return arr


def coupling_matrix(couplings: Any, n_cells: int) -> np.ndarray:
    """Symmetric ``(N, N)`` coupling matrix with zero diagonal from the accepted inputs.

    Parameters
    ----------
    couplings : float, (N, N) array_like or dict {(i, j): lambda_ij}
        A scalar is the same coupling for every pair; a matrix must be symmetric with zero
        diagonal; a dict lists pairs ``i != j`` (each unordered pair at most once, or twice
        with equal values).
    n_cells : int
        Number of cells ``N``.
    """
    lam = np.zeros((n_cells, n_cells))
    if isinstance(couplings, Mapping):
        for key, value in couplings.items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise ValueError(f"couplings keys must be pairs (i, j), got {key!r}")
            i, j = key
            if not all(isinstance(x, int | np.integer) for x in key):
                raise ValueError(f"couplings keys must be integer pairs (i, j), got {key!r}")
            if not (0 <= i < n_cells and 0 <= j < n_cells):
                raise ValueError(
                    f"couplings key {key!r} refers to a cell outside 0..{n_cells - 1}"
                )
            if i == j:
                raise ValueError(f"couplings key {key!r}: a cell cannot couple to itself")
            v = check_real(value, f"couplings[{key!r}]")
            if lam[i, j] != 0 and lam[i, j] != v:
                raise ValueError(f"couplings gives pair {key!r} twice with different values")
            lam[i, j] = lam[j, i] = v
        return lam
    if np.ndim(couplings) == 0:
        v = check_real(couplings, "couplings")
        lam[:] = v
        np.fill_diagonal(lam, 0.0)
        return lam
    try:
        arr = np.asarray(couplings, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("couplings must be a number, an (N, N) matrix or a dict") from None
    if arr.shape != (n_cells, n_cells):
        raise ValueError(
            f"couplings matrix must have shape ({n_cells}, {n_cells}) to match omegas, "
            f"got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("couplings must be finite")
    if not np.allclose(arr, arr.T, rtol=0, atol=1e-12):
        raise ValueError("couplings matrix must be symmetric (lambda_ij = lambda_ji)")
    if np.any(np.diag(arr) != 0):
        raise ValueError("couplings matrix must have a zero diagonal (no self-coupling)")
    return arr.copy()


def _check_temperatures(temperatures: Any, n_cells: int) -> np.ndarray:
    try:
        arr = np.asarray(temperatures, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"temperatures must be real numbers, got {temperatures!r}") from None
    if arr.ndim != 1 or arr.size != n_cells:
        raise ValueError(
            f"temperatures must give one temperature per cell ({n_cells}), got {temperatures!r}"
        )
    for k, t in enumerate(arr):
        check_temperature(t, f"temperatures[{k}]")
    return arr


def _check_spectral_density(spectral_density: Any) -> Callable[[float], float] | None:
    if spectral_density is None:
        return None
    if not callable(spectral_density):
        raise ValueError("spectral_density must be a callable J(omega) or None (Ohmic)")
    return spectral_density


def thermal_energies(omegas: Any, couplings: Any) -> tuple[np.ndarray, np.ndarray]:
    """Diagonal of :math:`H_S` in the product basis and the bit table of that basis.

    Returns
    -------
    energies : ndarray, shape (2**N,)
        :math:`\\varepsilon_s = \\sum_i \\omega_i z_i/2 + \\sum_{i<j}\\lambda_{ij} z_i z_j/2`
        with :math:`z_i = \\pm1` (+1 = excited).
    bits : ndarray of int, shape (2**N, N)
        ``bits[s, i] = 1`` if cell ``i`` is excited in basis state ``s`` (cell 0 is the most
        significant bit, as in ``qutip.tensor``).
    """
    omegas = _check_omegas(omegas)
    lam = coupling_matrix(couplings, omegas.size)
    return _energies(omegas, lam)


def _energies(omegas: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = omegas.size
    s = np.arange(2**n)
    bits = (s[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1
    z = 2.0 * bits - 1.0
    energies = 0.5 * z @ omegas + 0.25 * np.einsum("si,ij,sj->s", z, lam, z)
    return energies, bits


@dataclass(frozen=True)
class FlipChannels:
    """Single-spin-flip transitions of :math:`H_S` (internal; shared with ``qbtoolkit.steady``).

    For cell ``i`` and pair ``p`` (``2**(N-1)`` pairs per cell) the basis states
    ``lower[i, p]`` and ``upper[i, p]`` differ by flipping cell ``i``, with
    ``freq[i, p] = eps[upper] - eps[lower] >= 0``; ``active[i, p]`` is False when that Bohr
    frequency is zero (excluded: only omega > 0 channels exist). ``group[i, p]`` labels the
    distinct (grouped) Bohr frequencies of cell ``i``.
    """

    lower: np.ndarray
    upper: np.ndarray
    freq: np.ndarray
    active: np.ndarray
    group: np.ndarray
    tol: float


def flip_channels(energies: np.ndarray, n_cells: int) -> FlipChannels:
    """Enumerate the single-flip Bohr transitions of a diagonal :math:`H_S` (see FlipChannels)."""
    d = energies.size
    tol = FREQ_RTOL * max(1.0, float(np.max(np.abs(energies))))
    lower = np.empty((n_cells, d // 2), dtype=int)
    upper = np.empty_like(lower)
    freq = np.empty((n_cells, d // 2))
    group = np.empty_like(lower)
    s = np.arange(d)
    for i in range(n_cells):
        mask = 1 << (n_cells - 1 - i)
        s0 = s[(s & mask) == 0]
        s1 = s0 | mask
        w = energies[s1] - energies[s0]
        up = w >= 0
        lower[i] = np.where(up, s0, s1)
        upper[i] = np.where(up, s1, s0)
        freq[i] = np.abs(w)
        # group equal frequencies (within tol) of this cell's bath
        order = np.argsort(freq[i], kind="stable")
        labels = np.cumsum(np.r_[0, np.diff(freq[i][order]) > tol])
        group[i, order] = labels
    active = freq > tol
    return FlipChannels(lower, upper, freq, active, group, tol)


def spectral_rates(
    freq: np.ndarray, kappa: float, spectral_density: Callable[[float], float] | None
) -> np.ndarray:
    """``kappa * J(freq)`` elementwise (``J(w) = w`` by default), validated >= 0 and finite."""
    freq = np.asarray(freq, dtype=float)
    if spectral_density is None:
        return kappa * freq
    uniq, inv = np.unique(freq, return_inverse=True)
    vals = np.empty(uniq.size)
    for k, w in enumerate(uniq):
        try:
            v = spectral_density(float(w))
        except Exception as exc:
            raise ValueError(f"spectral_density raised {exc!r} at omega={w:g}") from exc
        vals[k] = check_rate(v, f"spectral_density({w:g})")
    return kappa * vals[inv].reshape(freq.shape)


def active_rates(
    ch: FlipChannels, kappa: float, spectral_density: Callable[[float], float] | None
) -> np.ndarray:
    """``kappa * J(freq)`` on the active channels, 0 on excluded (zero-frequency) ones."""
    out = np.zeros_like(ch.freq)
    out[ch.active] = spectral_rates(ch.freq[ch.active], kappa, spectral_density)
    return out


def bath_channels(
    omegas: np.ndarray, lam: np.ndarray, kappa: Any, spectral_density: Any
) -> tuple[float, Callable[[float], float] | None, np.ndarray, FlipChannels, np.ndarray]:
    """Validate ``kappa`` and ``spectral_density`` and enumerate the bath channels of
    :math:`H_S` (internal; shared with ``qbtoolkit.steady``).

    ``omegas`` and ``lam`` must already be validated (:func:`coupling_matrix`).

    Returns
    -------
    kappa, spectral_density
        The validated inputs.
    energies : ndarray, shape (2**N,)
        Diagonal of :math:`H_S` in the product basis.
    channels : FlipChannels
        The single-flip transitions.
    rates : ndarray, shape (N, 2**(N-1))
        ``kappa * J(freq)`` on the active channels, 0 on excluded ones (:func:`active_rates`).
    """
    kappa = check_positive(kappa, "kappa")
    J = _check_spectral_density(spectral_density)
    energies, _ = _energies(omegas, lam)
    ch = flip_channels(energies, omegas.size)
    return kappa, J, energies, ch, active_rates(ch, kappa, J)


def grouped_jump_operators(
    ch: FlipChannels, rates: np.ndarray
) -> Iterator[tuple[int, float, float, np.ndarray]]:
    """The grouped lowering operators :math:`A_i(\\omega)` of the global master equation.

    One per cell ``i`` and distinct Bohr frequency :math:`\\omega > 0` of that cell, in order of
    cell, then increasing frequency group (internal; shared with ``qbtoolkit.steady``).

    Yields
    ------
    i : int
        Cell whose bath drives the channel.
    omega : float
        Bohr frequency (mean of the grouped transitions, equal within :data:`FREQ_RTOL`).
    rate : float
        ``kappa * J(omega)`` (mean of ``rates`` over the grouped transitions).
    A : ndarray, shape (2**N, 2**N)
        :math:`\\sum|k\\rangle\\langle k|\\sigma_x^i|m\\rangle\\langle m|` over the grouped
        transitions ``m -> k`` (lowering form: :math:`\\varepsilon_m - \\varepsilon_k = \\omega`).
    """
    n_cells, n_pairs = ch.lower.shape
    d = 2 * n_pairs
    for i in range(n_cells):
        for g in np.unique(ch.group[i]):
            sel = (ch.group[i] == g) & ch.active[i]
            if not np.any(sel):
                continue
            A = np.zeros((d, d))
            A[ch.lower[i][sel], ch.upper[i][sel]] = 1.0  # <k|sigma_x^i|m> = 1 for a flip
            yield i, float(np.mean(ch.freq[i][sel])), float(np.mean(rates[i][sel])), A


def emission_absorption(rate: Any, nbar: Any) -> tuple[Any, Any]:
    """Rates of one bath channel obeying detailed balance: emission ``rate * (1 + n)`` and
    absorption ``rate * n``, with ``rate = kappa J(omega)`` and ``n = n_i(omega)`` the
    Bose-Einstein occupation (:func:`bose_einstein`); broadcasts."""
    return rate * (1.0 + nbar), rate * nbar


def thermal_network(
    omegas: Sequence[float],
    couplings: Any,
    temperatures: Sequence[float],
    kappa: float = 1.0,
    spectral_density: Callable[[float], float] | None = None,
) -> BatteryModel:
    """Qubit cells with ZZ couplings, each in contact with its own thermal bath (global ME).

    Implements Hadipour & Haseli (2025), Eqs. (1) and (3)-(6) (see the module docstring and
    ``SPEC.md`` section 004).

    Parameters
    ----------
    omegas : sequence of float
        Cell frequencies :math:`\\omega_i` (energy units); one per cell, tensor order
        (``[omega_L, omega_M, omega_R]`` for the paper's three cells).
    couplings : float, (N, N) array_like or dict {(i, j): lambda_ij}
        ZZ couplings :math:`\\lambda_{ij}`; each unordered pair enters :math:`H_S` once as
        :math:`(\\lambda_{ij}/2)\\sigma_z^i\\sigma_z^j`. A matrix must be symmetric with zero
        diagonal; a scalar means the same coupling for every pair.
    temperatures : sequence of float
        Bath temperatures :math:`T_i \\ge 0` (k_B = 1), one per cell. ``T = 0`` means the
        vacuum (``n = 0``).
    kappa : float
        Dimensionless system-bath coupling (> 0); rates scale with it. The steady state does
        not depend on it.
    spectral_density : callable, optional
        ``J(omega) -> float >= 0``. Default Ohmic ``J(omega) = omega``. The rates are
        ``kappa * J(omega) * (1 + n_i(omega))`` (emission) and ``kappa * J(omega) * n_i(omega)``
        (absorption).

    Returns
    -------
    BatteryModel
        ``H = H_battery = H_S``; ``battery`` = all cells; ``rho0`` = all cells in their local
        ground state :math:`|g\\dots g\\rangle` (only relevant for dynamics; the steady state
        is unique); ``c_ops`` = :math:`\\sqrt{\\kappa J(\\omega)(1+n_i)}A_i(\\omega)` and
        :math:`\\sqrt{\\kappa J(\\omega) n_i}A_i^\\dagger(\\omega)` for every cell and distinct
        Bohr frequency :math:`\\omega>0` (zero-rate operators omitted); ``params`` holds the
        inputs (``couplings`` as a matrix) and ``bohr_frequencies`` per cell.

    Notes
    -----
    * The paper prints :math:`A_i(\\omega)=\\sum|k\\rangle\\langle k|\\sigma_x^i|m\\rangle
      \\langle m|` with :math:`\\omega_{km}=\\varepsilon_k-\\varepsilon_m>0`, which is literally
      a *raising* operator (it gives an inverted, ergotropic state even at equal temperatures).
      The standard lowering form :math:`A_i(\\omega)=\\sum_{\\varepsilon_m-\\varepsilon_k=
      \\omega}|k\\rangle\\langle k|\\sigma_x^i|m\\rangle\\langle m|` is used (SPEC.md, 004).
    * Transitions with the same Bohr frequency on the same bath are grouped into one jump
      operator (secular approximation); transitions with zero Bohr frequency have no channel.
      At such level crossings (e.g. :math:`\\lambda=\\omega/2` for three equal cells) the
      steady state is not unique.
    * Eq. (1) writes :math:`\\sum_{i\\neq j}`; each pair is counted once here (matches the
      two-cell Eq. 9 and the Fig. 6 threshold at :math:`\\lambda=\\omega/2`).

    Raises
    ------
    ValueError
        Negative or non-finite temperature, mismatched lengths, non-symmetric couplings,
        ``kappa <= 0``, a spectral density returning a negative/non-finite value.
    """
    omegas = _check_omegas(omegas)
    n = omegas.size
    lam = coupling_matrix(couplings, n)
    temps = _check_temperatures(temperatures, n)
    kappa, J, energies, ch, base_rates = bath_channels(omegas, lam, kappa, spectral_density)

    dims = [[2] * n, [2] * n]
    d = 2**n
    c_ops: list[qutip.Qobj] = []
    bohr: list[list[float]] = [[] for _ in range(n)]
    for i, w, rate, A in grouped_jump_operators(ch, base_rates):
        bohr[i].append(w)
        down, up = emission_absorption(rate, float(bose_einstein(w, temps[i])))
        Aq = qutip.Qobj(A, dims=dims)
        if down > 0:
            c_ops.append(np.sqrt(down) * Aq)
        if up > 0:
            c_ops.append(np.sqrt(up) * Aq.dag())

    H = qutip.Qobj(np.diag(energies), dims=dims)
    ground = np.zeros((d, d))
    ground[0, 0] = 1.0
    rho0 = qutip.Qobj(ground, dims=dims)
    params = {
        "omegas": tuple(float(w) for w in omegas),
        "couplings": lam,
        "temperatures": tuple(float(t) for t in temps),
        "kappa": kappa,
        "spectral_density": J,
        "bohr_frequencies": bohr,
    }
    return BatteryModel(
        H=H,
        c_ops=tuple(c_ops),
        rho0=rho0,
        H_battery=H,
        battery=tuple(range(n)),
        params=params,
        name="thermal_network",
    )
