"""Energetic metrics: energy, passive/active states, ergotropy, antiergotropy, capacity.

Every function takes a state ``rho`` (Qobj ket or density matrix, ndarray, or a batch of
shape ``(..., d, d)``) and a Hermitian ``H`` (Qobj or ndarray, shape ``(d, d)`` or a batch that
broadcasts against ``rho``), in energy units with hbar = 1. One state gives a ``float``; a
batch gives an ``ndarray`` of shape ``(...)``.

All of them rest on one batched core, :func:`_spectra`: ``numpy.linalg.eigvalsh`` on the
whole stack of states (fused with the validation checks, in cache-sized chunks spread over
the cores) and once on ``H`` (sorted, not diagonalised, when ``H`` is diagonal). With ``r``
the eigenvalues of ``rho`` and
``eps`` those of ``H``, both ascending (``d`` levels):

* passive energy  ``sum_k r_{d-1-k} eps_k``  (largest population in the lowest level),
* active energy   ``sum_k r_k eps_k``        (largest population in the highest level),
* ergotropy       ``Tr(rho H) - passive``     (Allahverdyan, Balian & Nieuwenhuizen,
  EPL 67, 565 (2004), Eq. 4),
* antiergotropy   ``active - Tr(rho H) >= 0`` (Yang et al., PRL 131, 030402 (2023); the
  Downing-Ukhtary script-A is its negative, ``E - A``),
* capacity        ``active - passive = sum_k eps_k (r_k - r_{d-1-k})`` (Yang et al., Eq. 2),
  equal to ergotropy + antiergotropy and invariant under ``rho -> U rho U^dag``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .._linalg import clip_roundoff, dag, eigvalsh
from .._validate import ATOL, as_hamiltonian, as_states, states_and_spectrum

__all__ = [
    "energy",
    "passive_state",
    "active_state",
    "ergotropy",
    "antiergotropy",
    "capacity",
    "incoherent_ergotropy",
    "coherent_ergotropy",
    "energy_variance",
]


def _out(x: np.ndarray, single: bool) -> float | np.ndarray:
    return float(x) if single else np.asarray(x)


def _prepare(
    rho: Any, H: Any, *, spectrum: bool = False
) -> tuple[np.ndarray, np.ndarray, bool, np.ndarray | None]:
    """Validate ``rho`` and ``H`` together (matching dimensions and Qobj dims).

    Returns ``(states, H array, single, r)`` where ``r`` are the ascending eigenvalues of the
    states when ``spectrum`` (computed in the validation pass, which also checks positivity).
    """
    if spectrum:
        states, single, r = states_and_spectrum(rho, "rho")
    else:
        (states, single), r = as_states(rho, "rho"), None
    if isinstance(rho, qutip.Qobj) and isinstance(H, qutip.Qobj) and rho.dims[0] != H.dims[0]:
        raise ValueError(
            f"H has subsystem dims {H.dims[0]} but rho has dims {rho.dims[0]}; "
            "pass the Hamiltonian of the subsystem rho describes"
        )
    Harr = as_hamiltonian(H, "H", dim=states.shape[-1])
    if Harr.ndim > 2:
        single = False
    return states, Harr, single, r


def _is_diagonal(Harr: np.ndarray) -> bool:
    """True for a single ``(d, d)`` H with no off-diagonal entry."""
    return Harr.ndim == 2 and not np.any(Harr - np.diag(np.diagonal(Harr)))


def _h_eigh(Harr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ascending spectrum and eigenvectors of H; a diagonal H (the usual battery
    Hamiltonian, e.g. a 4096 x 4096 network ``H_battery``) is sorted, not diagonalised."""
    if _is_diagonal(Harr):
        diag = np.diagonal(Harr).real
        order = np.argsort(diag, kind="stable")
        return diag[order], np.eye(Harr.shape[0])[:, order]
    return np.linalg.eigh(Harr)


def _h_spectrum(Harr: np.ndarray) -> np.ndarray:
    """Ascending spectrum of H (sorted diagonal when H is diagonal)."""
    if _is_diagonal(Harr):
        return np.sort(np.diagonal(Harr).real)
    return np.linalg.eigvalsh(Harr)


def _energy(states: np.ndarray, Harr: np.ndarray) -> np.ndarray:
    """``Re Tr(rho H)`` for broadcast stacks."""
    return np.einsum("...ij,...ji->...", states, Harr).real


def _spectra(rho: Any, H: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Batched core: ``(E, r, eps, single)`` with ascending spectra of ``rho`` and ``H``."""
    states, Harr, single, r = _prepare(rho, H, spectrum=True)
    return _energy(states, Harr), r, _h_spectrum(Harr), single


def _scale(eps: np.ndarray) -> np.ndarray:
    """Energy scale of H (largest |eigenvalue|) for the round-off tolerance."""
    return np.max(np.abs(eps), axis=-1)


def _passive_energy(r: np.ndarray, eps: np.ndarray) -> np.ndarray:
    return np.sum(r[..., ::-1] * eps, axis=-1)


def _active_energy(r: np.ndarray, eps: np.ndarray) -> np.ndarray:
    return np.sum(r * eps, axis=-1)


def energy(rho: Any, H: Any) -> float | np.ndarray:
    """Mean energy ``E = Tr(rho H)``.

    Parameters
    ----------
    rho : Qobj, ndarray or batch (..., d, d)
        State(s).
    H : Qobj or ndarray
        Hermitian operator the energy is measured against (energy units).

    Returns
    -------
    float or ndarray
        Energy (same unit as ``H``).
    """
    states, Harr, single, _ = _prepare(rho, H)
    return _out(_energy(states, Harr), single)


def _reordered_state(rho: Any, H: Any, active: bool) -> Any:
    states, Harr, single, r = _prepare(rho, H, spectrum=True)
    _, V = _h_eigh(Harr)
    pops = r if active else r[..., ::-1]
    out = (V * pops[..., None, :]) @ dag(V)
    if single and isinstance(rho, qutip.Qobj):
        dims = rho.dims if rho.isoper else [rho.dims[0], rho.dims[0]]
        return qutip.Qobj(out, dims=dims)
    return out


def passive_state(rho: Any, H: Any) -> Any:
    """Passive state ``sum_k r_k^down |eps_k><eps_k|`` of ``rho`` with respect to ``H``.

    Eigenvalues of ``rho`` in decreasing order fill the eigenstates of ``H`` in increasing
    energy (Allahverdyan et al. 2004). For degenerate ``H`` the eigenbasis chosen by
    ``numpy.linalg.eigh`` is used; the passive *energy* does not depend on that choice.

    Returns
    -------
    Qobj or ndarray
        A Qobj (same dims as ``rho``) for a single Qobj input, else an array ``(..., d, d)``.
    """
    return _reordered_state(rho, H, active=False)


def active_state(rho: Any, H: Any) -> Any:
    """Active (maximal-energy) state: largest eigenvalue of ``rho`` in the top level of ``H``.

    Yang et al., PRL 131, 030402 (2023). Returns a Qobj for a single Qobj input.
    """
    return _reordered_state(rho, H, active=True)


def ergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Ergotropy: maximal work extractable by a cyclic unitary.

    ``Erg = Tr(rho H) - sum_k r_k^down eps_k^up``; Allahverdyan, Balian & Nieuwenhuizen,
    EPL 67, 565 (2004), Eq. 4; Downing & Ukhtary (2026), Eq. 10. For a qubit with
    ``H = omega |e><e|`` it reduces to
    ``omega [rho_ee - 1/2 + 1/2 sqrt((1 - 2 rho_ee)^2 + 4 |rho_eg|^2)]``.

    Parameters
    ----------
    rho : Qobj, ndarray or batch (..., d, d)
        State(s); kets are accepted.
    H : Qobj or ndarray (d, d) or broadcastable batch
        Reference Hamiltonian (usually the battery's bare Hamiltonian), energy units.

    Returns
    -------
    float or ndarray
        Ergotropy >= 0 in the units of ``H`` (round-off below zero is clipped).
    """
    E, r, eps, single = _spectra(rho, H)
    return _out(clip_roundoff(E - _passive_energy(r, eps), _scale(eps)), single)


def antiergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Antiergotropy ``A = Tr(rho_active H) - Tr(rho H) >= 0``.

    The energy that can still be charged unitarily: Yang et al., PRL 131, 030402 (2023).
    Downing & Ukhtary's script-A (their Eq. 19) is ``-A``.
    """
    E, r, eps, single = _spectra(rho, H)
    return _out(clip_roundoff(_active_energy(r, eps) - E, _scale(eps)), single)


def capacity(rho: Any, H: Any) -> float | np.ndarray:
    """Battery capacity ``K = sum_k eps_k (r_k - r_{d-1-k})`` (ascending spectra).

    Yang et al., PRL 131, 030402 (2023), Eq. 2: the energy difference between the active and
    passive states; ``K = ergotropy + antiergotropy``, invariant under unitaries on ``rho``.
    For a qubit ``K = omega (lambda_+ - lambda_-)`` (Downing & Ukhtary Eq. 52).
    """
    _, r, eps, single = _spectra(rho, H)
    K = _active_energy(r, eps) - _passive_energy(r, eps)
    return _out(clip_roundoff(K, _scale(eps)), single)


def _dephase_in_eigenbasis(states: np.ndarray, Harr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (dephased states in H's eigenbasis, eps): coherences between different energies
    are removed; coherences inside a degenerate eigenspace are kept (basis independent)."""
    eps, V = _h_eigh(Harr)
    in_eig = dag(V) @ states @ V
    scale = max(1.0, float(np.max(np.abs(eps), initial=0.0)))
    same = np.abs(eps[..., :, None] - eps[..., None, :]) <= 1e-9 * scale
    return in_eig * same, eps


def incoherent_ergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Incoherent ergotropy: the ergotropy of ``rho`` dephased in ``H``'s eigenbasis.

    Francica et al., PRL 125, 180603 (2020): ``Erg_i(rho) = Erg(Delta_H[rho])`` where
    ``Delta_H`` removes coherences between different energy eigenvalues (coherences within
    a degenerate eigenspace carry no energetic coherence and are kept).
    """
    states, Harr, single, _ = _prepare(rho, H)
    deph, eps = _dephase_in_eigenbasis(states, Harr)
    r = eigvalsh(deph)
    E = _energy(states, Harr)
    return _out(clip_roundoff(E - _passive_energy(r, eps), _scale(eps)), single)


def coherent_ergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Coherent ergotropy ``Erg_c = Erg - Erg_i >= 0`` (Francica et al., PRL 125, 180603)."""
    states, Harr, single, r = _prepare(rho, H, spectrum=True)
    deph, eps = _dephase_in_eigenbasis(states, Harr)
    r_deph = eigvalsh(deph)
    # Erg - Erg_i = passive(dephased) - passive(rho): the energies cancel exactly.
    diff = _passive_energy(r_deph, eps) - _passive_energy(r, eps)
    return _out(clip_roundoff(diff, _scale(eps)), single)


def energy_variance(rho: Any, H: Any) -> float | np.ndarray:
    """Energy variance ``sigma_E^2 = Tr(rho H^2) - Tr(rho H)^2`` (energy units squared).

    Downing & Ukhtary Eq. 9; for their battery qubit ``sigma_E^2 = omega_b^2 n (1 - n)``
    (the corrected Eq. 36).
    """
    states, Harr, single, _ = _prepare(rho, H)
    E = _energy(states, Harr)
    E2 = _energy(states, Harr @ Harr)
    return _out(clip_roundoff(E2 - E**2, np.max(np.abs(Harr)) ** 2, ATOL), single)
