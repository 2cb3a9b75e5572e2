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

Scale and precision. Ergotropy, antiergotropy, capacity and their incoherent/coherent split
do not change under ``H -> H + c I`` (the eigenvalues of ``rho`` sum to its trace), so they are
computed with ``H`` centred on the mean of its spectrum, ``H - (Tr H / d) I``: an energy offset
costs no digits, and round-off is relative to the spread of the spectrum, the scale that
matters. Every tolerance is relative to that spread; multiplying ``H`` by ``c`` multiplies
every energetic result by ``c`` (``c^2`` for the variance) and nothing else. ``H`` of any
precision (float32, complex64, integers) is converted to double first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .._linalg import DEGENERACY_RTOL, clip_roundoff, dag, eigenspace_labels, eigh, eigvalsh
from .._validate import (
    ATOL,
    as_hamiltonian,
    as_states,
    input_eps,
    qobj_dims,
    states_and_spectrum,
)

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
    if not np.all(np.isfinite(x)):
        raise ValueError(
            "the result overflows double precision: the energies of H are too large "
            "(rescale H, e.g. measure energies in a larger unit)"
        )
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
    rho_dims = qobj_dims(rho, "rho")
    if rho_dims is not None and isinstance(H, qutip.Qobj) and rho_dims != H.dims[0]:
        raise ValueError(
            f"H has subsystem dims {H.dims[0]} but rho has dims {rho_dims}; "
            "pass the Hamiltonian of the subsystem rho describes"
        )
    Harr = as_hamiltonian(H, "H", dim=states.shape[-1])
    if Harr.ndim > 2:
        single = False
    return states, Harr, single, r


def _is_diagonal(Harr: np.ndarray) -> bool:
    """True for a single ``(d, d)`` H with no off-diagonal entry."""
    return Harr.ndim == 2 and not np.any(Harr - np.diag(np.diagonal(Harr)))


def _centre(Harr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(H - c I, c)`` with ``c = Tr H / d`` (per matrix of a batch), the mean of the
    spectrum: removes an energy offset before any eigensolve, so eigenvalues are accurate to
    round-off of the spread instead of the offset."""
    d = Harr.shape[-1]
    c = np.trace(Harr, axis1=-2, axis2=-1).real / d
    return Harr - c[..., None, None] * np.eye(d), c


def _h_eigh(Harr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ascending spectrum and eigenvectors of H; a diagonal H (the usual battery
    Hamiltonian, e.g. a 4096 x 4096 network ``H_battery``) is sorted, not diagonalised."""
    if _is_diagonal(Harr):
        diag = np.diagonal(Harr).real
        order = np.argsort(diag, kind="stable")
        return diag[order], np.eye(Harr.shape[0])[:, order]
    Hc, c = _centre(Harr)
    eps, V = eigh(Hc, "H")
    return eps + c[..., None], V


def _h_spectrum(Harr: np.ndarray) -> np.ndarray:
    """Ascending spectrum of H (sorted diagonal when H is diagonal)."""
    if _is_diagonal(Harr):
        return np.sort(np.diagonal(Harr).real)
    Hc, c = _centre(Harr)
    return eigvalsh(Hc, "H") + c[..., None]


def _energy(states: np.ndarray, Harr: np.ndarray) -> np.ndarray:
    """``Re Tr(rho H)`` for broadcast stacks."""
    return np.einsum("...ij,...ji->...", states, Harr).real


def _spectra(rho: Any, H: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Batched core: ``(E, r, eps, single)`` with ascending spectra of ``rho`` and ``H``."""
    states, Harr, single, r = _prepare(rho, H, spectrum=True)
    return _energy(states, Harr), r, _h_spectrum(Harr), single


def _centred_energy_and_spectrum(
    states: np.ndarray, Harr: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(Tr(rho H_c), ascending spectrum of H_c)`` with ``H_c = H - (Tr H / d) I``.
    A diagonal H needs only the diagonal of rho (``O(d)`` per state)."""
    if _is_diagonal(Harr):
        h = np.diagonal(Harr).real
        h = h - h.mean()
        pops = np.diagonal(states, axis1=-2, axis2=-1).real
        return pops @ h, np.sort(h)
    Hc, _ = _centre(Harr)
    return _energy(states, Hc), eigvalsh(Hc, "H")


def _centred_spectra(rho: Any, H: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """``(E_c, r, eps_c, single)`` like :func:`_spectra` but for the centred ``H_c``: the core
    of every metric invariant under ``H -> H + c I``."""
    states, Harr, single, r = _prepare(rho, H, spectrum=True)
    E, eps = _centred_energy_and_spectrum(states, Harr)
    return E, r, eps, single


def _scale(eps: np.ndarray) -> np.ndarray:
    """Energy scale of the (centred) spectrum, largest |eigenvalue|, for round-off tolerances:
    between half the spread and the spread of H's spectrum."""
    return np.max(np.abs(eps), axis=-1)


def _passive_energy(r: np.ndarray, eps: np.ndarray) -> np.ndarray:
    return np.sum(r[..., ::-1] * eps, axis=-1)


def _active_energy(r: np.ndarray, eps: np.ndarray) -> np.ndarray:
    return np.sum(r * eps, axis=-1)


class _Eigenspaces:
    """The eigenspaces of a Hermitian H, resolved scale-free.

    ``eps`` is the centred ascending spectrum; ``V`` the eigenvectors (columns), or None for
    a diagonal H, whose computational basis already is an eigenbasis (then nothing is
    rotated); ``labels[..., k]`` names the eigenspace of the k-th working-basis vector
    (eigenbasis order, or the computational order for a diagonal H). Levels closer than
    ``DEGENERACY_RTOL * spread`` -- or than ``16 d eps_in max |H_ij|``, the resolution of H's
    entries in the precision ``eps_in`` they were given in -- form one eigenspace, so
    ``H -> c H`` (c > 0) and ``H -> H + c I`` give the same eigenspaces.
    """

    def __init__(self, Harr: np.ndarray, eps_in: float):
        d = Harr.shape[-1]
        floor = 16 * d * eps_in * np.max(np.abs(Harr), axis=(-2, -1))
        rtol = DEGENERACY_RTOL
        if _is_diagonal(Harr):
            h = np.diagonal(Harr).real
            h = h - h.mean()
            order = np.argsort(h, kind="stable")
            self.eps, self.V = h[order], None
            sorted_labels = eigenspace_labels(self.eps, np.maximum(rtol * np.ptp(h), floor))
            self.labels = np.empty_like(sorted_labels)
            self.labels[order] = sorted_labels
        else:
            Hc, _ = _centre(Harr)
            self.eps, self.V = eigh(Hc, "H")
            spread = self.eps[..., -1] - self.eps[..., 0]
            self.labels = eigenspace_labels(self.eps, np.maximum(rtol * spread, floor))

    @property
    def degenerate(self) -> bool:
        """True if some eigenspace has dimension > 1."""
        return bool(np.any(np.max(self.labels, axis=-1) < self.labels.shape[-1] - 1))

    def rotate(self, states: np.ndarray) -> np.ndarray:
        """States in the working basis, ``V^dag rho V``."""
        return states if self.V is None else dag(self.V) @ states @ self.V

    def populations(self, states: np.ndarray) -> np.ndarray:
        """Diagonal ``<v_k|rho|v_k>`` in the working basis, shape (..., d)."""
        if self.V is None:
            return np.diagonal(states, axis1=-2, axis2=-1).real
        return np.sum(self.V.conj() * (states @ self.V), axis=-2).real

    def dephase(self, states: np.ndarray) -> np.ndarray:
        """Block dephasing ``sum_k P_k rho P_k`` onto the eigenspaces (working basis)."""
        same = self.labels[..., :, None] == self.labels[..., None, :]
        return self.rotate(states) * same

    def dephased_spectrum(self, states: np.ndarray) -> np.ndarray:
        """Ascending eigenvalues of ``sum_k P_k rho P_k`` (..., d): the populations when every
        eigenspace is one-dimensional, else the spectra of the diagonal blocks."""
        if not self.degenerate:
            return np.sort(self.populations(states), axis=-1)
        return eigvalsh(self.dephase(states), "rho")


def energy(rho: Any, H: Any) -> float | np.ndarray:
    """Mean energy ``E = Tr(rho H)``.

    The expectation value of ``H``; unlike the ergotropy family it depends on the energy
    offset of ``H`` (``H -> H + c I`` adds ``c``).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    float or ndarray, shape (...)
        Energy in the units of ``H``: a float for one state, an array over the batch shape
        ``(...)`` for a batch.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s); or the result
        overflows double precision.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> H = np.diag([0.0, 1.0])                   # qubit, omega = 1: index 0 = |g>, 1 = |e>
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # rho_ee = 0.3, |rho_eg| = 0.2
    >>> print(round(qb.energy(rho, H), 12))       # = rho_ee omega
    0.3
    >>> print(round(qb.energy(qb.ops.bloch_state(np.pi / 2), H), 12))  # |+>: half excited
    0.5
    >>> qb.energy(np.stack([rho, np.diag([0.0, 1.0])]), H).round(12)   # a batch of two
    array([0.3, 1. ])
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
    energy (Allahverdyan, Balian & Nieuwenhuizen, EPL 67, 565 (2004)): the state of lowest
    energy unitarily reachable from ``rho``. For degenerate ``H`` the eigenbasis chosen by
    ``numpy.linalg.eigh`` is used; the passive *energy* does not depend on that choice.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    Qobj or ndarray
        A density-matrix Qobj (same dims as ``rho``) for a single Qobj input, else an array
        ``(..., d, d)`` (or ``(d, d)``) in the basis of ``rho``.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s).

    See Also
    --------
    active_state : the state of highest energy unitarily reachable from ``rho``.
    ergotropy : ``Tr(rho H)`` minus the energy of the passive state.
    """
    return _reordered_state(rho, H, active=False)


def active_state(rho: Any, H: Any) -> Any:
    """Active (maximal-energy) state: largest eigenvalue of ``rho`` in the top level of ``H``.

    The eigenvalues of ``rho`` in increasing order fill the eigenstates of ``H`` in increasing
    energy: the state of highest energy unitarily reachable from ``rho`` (Yang et al.,
    PRL 131, 030402 (2023)). For degenerate ``H`` the eigenbasis chosen by
    ``numpy.linalg.eigh`` is used.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    Qobj or ndarray
        A density-matrix Qobj (same dims as ``rho``) for a single Qobj input, else an array
        ``(..., d, d)`` (or ``(d, d)``) in the basis of ``rho``.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s).

    See Also
    --------
    passive_state : the state of lowest energy unitarily reachable from ``rho``.
    antiergotropy : the energy of the active state minus ``Tr(rho H)``.
    """
    return _reordered_state(rho, H, active=True)


def ergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Ergotropy: maximal work extractable from ``rho`` by a cyclic unitary.

    ``Erg = Tr(rho H) - sum_k r_k^down eps_k^up`` with ``r^down`` the eigenvalues of ``rho``
    in decreasing and ``eps^up`` those of ``H`` in increasing order (Allahverdyan, Balian &
    Nieuwenhuizen, EPL 67, 565 (2004), Eq. 4; Downing & Ukhtary (2026), Eq. 10). For a qubit
    with ``H = omega |e><e|`` it reduces to
    ``omega [rho_ee - 1/2 + 1/2 sqrt((1 - 2 rho_ee)^2 + 4 |rho_eg|^2)]``.
    Invariant under ``H -> H + c I``; computed with ``H`` centred on its mean level, so the
    round-off is relative to the spread of the spectrum.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    float or ndarray, shape (...)
        Ergotropy ``>= 0`` in the units of ``H`` (round-off below zero, relative to the spread
        of H's spectrum, is clipped): a float for one state, an array ``(...)`` for a batch.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s); or the result
        overflows double precision.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> H = np.diag([0.0, 1.0])                   # qubit, omega = 1: index 0 = |g>, 1 = |e>
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # rho_ee = 0.3, |rho_eg| = 0.2
    >>> print(round(qb.ergotropy(rho, H), 6))
    0.082843
    >>> p, c = 0.3, 0.2                           # the qubit closed form
    >>> print(round(p - 0.5 + 0.5 * np.sqrt((1 - 2 * p) ** 2 + 4 * c**2), 6))
    0.082843
    >>> qb.ergotropy(np.stack([rho, np.diag([0.0, 1.0])]), H).round(6)  # |e><e|: all of omega
    array([0.082843, 1.      ])
    """
    E, r, eps, single = _centred_spectra(rho, H)
    return _out(clip_roundoff(E - _passive_energy(r, eps), _scale(eps)), single)


def antiergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Antiergotropy ``A = Tr(rho_active H) - Tr(rho H) >= 0``.

    The energy that can still be charged into ``rho`` unitarily, up to its active state
    (Yang et al., PRL 131, 030402 (2023)). Downing & Ukhtary's script-A (their Eq. 19) is
    ``-A``. ``A = capacity - ergotropy``; invariant under ``H -> H + c I``.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    float or ndarray, shape (...)
        Antiergotropy ``>= 0`` in the units of ``H`` (round-off below zero clipped): a float
        for one state, an array ``(...)`` for a batch.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s); or the result
        overflows double precision.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> H = np.diag([0.0, 1.0])                   # qubit, omega = 1: index 0 = |g>, 1 = |e>
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # rho_ee = 0.3, |rho_eg| = 0.2
    >>> print(round(qb.antiergotropy(rho, H), 6))
    0.482843
    >>> print(round(qb.capacity(rho, H) - qb.ergotropy(rho, H), 6))  # A = K - Erg
    0.482843
    """
    E, r, eps, single = _centred_spectra(rho, H)
    return _out(clip_roundoff(_active_energy(r, eps) - E, _scale(eps)), single)


def capacity(rho: Any, H: Any) -> float | np.ndarray:
    """Battery capacity ``K = sum_k eps_k (r_k - r_{d-1-k})`` (ascending spectra).

    Yang et al., PRL 131, 030402 (2023), Eq. 2: the energy difference between the active
    and passive states of ``rho``; ``K = ergotropy + antiergotropy``, invariant under
    unitaries on ``rho`` and under ``H -> H + c I``. For a qubit ``K = omega (lambda_+ -
    lambda_-)`` with ``lambda_pm`` the eigenvalues of ``rho`` (Downing & Ukhtary, Eq. 52).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    float or ndarray, shape (...)
        Capacity ``>= 0`` in the units of ``H``: a float for one state, an array ``(...)`` for
        a batch.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s); or the result
        overflows double precision.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> H = np.diag([0.0, 1.0])                   # qubit, omega = 1: index 0 = |g>, 1 = |e>
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # rho_ee = 0.3, |rho_eg| = 0.2
    >>> print(round(qb.capacity(rho, H), 6))
    0.565685
    >>> lam = np.linalg.eigvalsh(rho)             # omega (lambda_+ - lambda_-)
    >>> print(round(lam[1] - lam[0], 6))
    0.565685
    """
    _, r, eps, single = _centred_spectra(rho, H)
    K = _active_energy(r, eps) - _passive_energy(r, eps)
    return _out(clip_roundoff(K, _scale(eps)), single)


def incoherent_ergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Incoherent ergotropy: the ergotropy of ``rho`` dephased onto ``H``'s eigenspaces.

    Francica et al., PRL 125, 180603 (2020): ``Erg_i(rho) = Erg(Delta_H[rho])`` with the
    block dephasing ``Delta_H[rho] = sum_k P_k rho P_k`` onto the eigenspaces ``P_k`` of ``H``:
    coherences between different energies are removed, those inside a degenerate eigenspace
    carry no energetic coherence and are kept, so the result does not depend on the
    eigenvectors chosen. Levels closer than ``1e-9`` of the spectrum's spread are one
    eigenspace.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    float or ndarray, shape (...)
        Incoherent ergotropy ``>= 0`` in the units of ``H``: a float for one state, an array
        ``(...)`` for a batch.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s); or the result
        overflows double precision.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> H = np.diag([0.0, 1.0])                   # qubit, omega = 1: index 0 = |g>, 1 = |e>
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # rho_ee = 0.3, |rho_eg| = 0.2
    >>> print(round(qb.incoherent_ergotropy(rho, H), 12))  # diag(0.7, 0.3) is passive
    0.0
    >>> print(round(qb.incoherent_ergotropy(np.diag([0.2, 0.8]), H), 12))  # inverted: 0.8 - 0.2
    0.6
    """
    states, Harr, single, _ = _prepare(rho, H)
    spaces = _Eigenspaces(Harr, input_eps(H))
    E, _ = _centred_energy_and_spectrum(states, Harr)
    passive = _passive_energy(spaces.dephased_spectrum(states), spaces.eps)
    return _out(clip_roundoff(E - passive, _scale(spaces.eps)), single)


def coherent_ergotropy(rho: Any, H: Any) -> float | np.ndarray:
    """Coherent ergotropy ``Erg_c = Erg - Erg_i >= 0``.

    Francica et al., PRL 125, 180603 (2020): the part of the ergotropy carried by the
    coherences between different energies, with the eigenspace dephasing of
    :func:`incoherent_ergotropy`. Computed as the difference of the two passive energies, so the
    energies cancel exactly.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    float or ndarray, shape (...)
        Coherent ergotropy ``>= 0`` in the units of ``H``: a float for one state, an array
        ``(...)`` for a batch.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s); or the result
        overflows double precision.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> H = np.diag([0.0, 1.0])                   # qubit, omega = 1: index 0 = |g>, 1 = |e>
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # rho_ee = 0.3, |rho_eg| = 0.2
    >>> erg, erg_i = qb.ergotropy(rho, H), qb.incoherent_ergotropy(rho, H)
    >>> print(round(qb.coherent_ergotropy(rho, H), 6), round(erg - erg_i, 6))
    0.082843 0.082843
    """
    states, Harr, single, r = _prepare(rho, H, spectrum=True)
    spaces = _Eigenspaces(Harr, input_eps(H))
    # Erg - Erg_i = passive(dephased) - passive(rho): the energies cancel exactly.
    diff = _passive_energy(spaces.dephased_spectrum(states), spaces.eps) - _passive_energy(
        r, spaces.eps)
    return _out(clip_roundoff(diff, _scale(spaces.eps)), single)


def energy_variance(rho: Any, H: Any) -> float | np.ndarray:
    """Energy variance ``sigma_E^2 = Tr(rho (H - E)^2)`` with ``E = Tr(rho H)``.

    Downing & Ukhtary Eq. 9; for their battery qubit ``sigma_E^2 = omega_b^2 n (1 - n)``
    (the corrected Eq. 36). Computed without the cancellation of ``<H^2> - <H>^2``: ``H`` is
    first centred on the mean of its spectrum (an energy offset costs no digits); a diagonal
    ``H`` then gives the two-pass sum ``sum_k p_k (eps_k - E)^2`` over the populations
    ``p_k = rho_kk``, accurate relative to the variance itself; otherwise
    ``Tr(rho H_c^2) - Tr(rho H_c)^2``, accurate to round-off of the squared spread.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s): a Qobj ket or density matrix, a ket or density-matrix array, or a stack of
        density matrices ``(..., d, d)`` (e.g. a time series). Any precision (computed in
        double).
    H : Qobj or array_like, shape (d, d) or a batch broadcasting against ``rho``
        Hermitian reference Hamiltonian (usually the battery's bare Hamiltonian), in energy
        units (hbar = 1). A Qobj's subsystem dims must match those of a Qobj ``rho``.

    Returns
    -------
    float or ndarray, shape (...)
        Variance ``>= 0`` in the units of ``H`` squared: a float for one state, an array
        ``(...)`` for a batch.

    Raises
    ------
    ValueError
        ``rho`` is not a state (not Hermitian, not positive semidefinite, trace != 1, not
        normalised, NaN/inf, not square) or ``H`` is not a Hermitian operator of the same
        dimension (or contains NaN/inf, or its Qobj dims disagree with ``rho``'s); or the result
        overflows double precision.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> H = np.diag([0.0, 1.0])                   # qubit, omega = 1: index 0 = |g>, 1 = |e>
    >>> rho = np.array([[0.7, 0.2], [0.2, 0.3]])  # rho_ee = 0.3, |rho_eg| = 0.2
    >>> print(round(qb.energy_variance(rho, H), 12))  # omega^2 n (1 - n), n = 0.3
    0.21
    >>> H_offset = np.diag([1e8, 1e8 + 1.0])          # an offset costs no digits
    >>> print(round(qb.energy_variance(qb.ops.bloch_state(np.pi / 2), H_offset), 12))
    0.25
    """
    states, Harr, single, _ = _prepare(rho, H)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _out
        if _is_diagonal(Harr):
            h = np.diagonal(Harr).real
            h = h - h.mean()
            pops = np.diagonal(states, axis1=-2, axis2=-1).real
            E = pops @ h
            var = np.sum(pops * (h - E[..., None]) ** 2, axis=-1)
            norm = np.max(np.abs(h))
        else:
            Hc, _ = _centre(Harr)
            var = _energy(states, Hc @ Hc) - _energy(states, Hc) ** 2
            norm = np.max(np.sum(np.abs(Hc), axis=-1), axis=-1)  # ||H_c||_inf >= spread / 2
        var = clip_roundoff(var, (2 * norm) ** 2, ATOL)
    return _out(var, single)
