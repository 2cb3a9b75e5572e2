"""Vectorised steady states over parameter grids.

``qutip.steadystate`` solves one Liouvillian at a time (about 28 ms per point for three thermal
cells, i.e. minutes for a 100 x 100 temperature map). The models here are small, so whole
grids are solved at once with batched numpy linear algebra:

* :func:`thermal_steady_states` / :func:`thermal_populations`: the Pauli rate equation for the
  populations of :math:`H_S`'s eigenstates in the global thermal master equation of
  :func:`qbtoolkit.models.thermal_network`. For that model the populations obey a closed
  classical rate equation and the steady state has no coherences (each grouped jump operator
  :math:`A_i(\\omega)` maps every eigenstate to at most one eigenstate, so
  :math:`A^\\dagger A` is diagonal and populations never feed coherences; the coherences obey
  a homogeneous, decaying equation). ``tests/test_thermal_steady.py`` checks this against
  the full Liouvillian: its kernel is one-dimensional and spanned by the diagonal state.
* :func:`liouvillian_steady_states`: a generic batched null-space solve of stacked small
  Liouvillians ``(..., d**2, d**2)`` (QuTiP's column-stacking convention), for any model;
  :func:`thermal_liouvillians` builds such a stack for the thermal network.

Both are checked against ``qutip.steadystate`` to 1e-9.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import qutip

from ._validate import check_choice, check_int
from .models.thermal import (
    _check_omegas,
    bath_channels,
    bose_einstein,
    coupling_matrix,
    emission_absorption,
    grouped_jump_operators,
)

__all__ = [
    "thermal_populations",
    "thermal_steady_states",
    "model_steady_states",
    "thermal_rate_matrices",
    "thermal_liouvillians",
    "stationary_distributions",
    "liouvillian_steady_states",
]

#: Condition number above which a (normalised) generator is declared singular, i.e. the
#: steady state is not unique (e.g. at a level crossing where a channel disappears).
COND_MAX = 1e12


def _check_temperature_grid(temperatures: Any, n_cells: int) -> np.ndarray:
    try:
        T = np.asarray(temperatures, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("temperatures must be a real array of shape (..., N)") from None
    if T.ndim < 1 or T.shape[-1] != n_cells:
        raise ValueError(
            f"temperatures must have shape (..., {n_cells}) (one per cell along the last axis), "
            f"got shape {T.shape}"
        )
    if not np.all(np.isfinite(T)):
        raise ValueError("temperatures must be finite")
    if np.any(T < 0):
        raise ValueError(f"temperatures must be >= 0, got minimum {T.min():g}")
    return T


def _structure(
    omegas: Any, couplings: Any, temperatures: Any, kappa: Any, spectral_density: Any
):
    """Validated inputs of the batched solvers: ``(T, energies, channels, kappa * J rates)``."""
    omegas = _check_omegas(omegas)
    n = omegas.size
    lam = coupling_matrix(couplings, n)
    _, _, energies, ch, base = bath_channels(omegas, lam, kappa, spectral_density)
    T = _check_temperature_grid(temperatures, n)
    return T, energies, ch, base


def thermal_rate_matrices(
    omegas: Any,
    couplings: Any,
    temperatures: Any,
    kappa: float = 1.0,
    spectral_density: Callable[[float], float] | None = None,
) -> np.ndarray:
    """Pauli rate matrices ``R[..., k, m]`` (rate m -> k; columns sum to zero), batched.

    Parameters are those of :func:`qbtoolkit.models.thermal_network`, except that
    ``temperatures`` may be an array of shape ``(..., N)`` (one temperature per cell along
    the last axis). Emission ``m -> k`` along a flip of cell ``i`` with Bohr frequency
    ``w > 0`` has rate ``kappa J(w) (1 + n_i(w))``; absorption ``kappa J(w) n_i(w)``.

    Returns
    -------
    ndarray, shape (..., 2**N, 2**N)
    """
    T, energies, ch, base = _structure(omegas, couplings, temperatures, kappa, spectral_density)
    d = energies.size
    nbar = np.where(ch.active, bose_einstein(ch.freq, T[..., :, None]), 0.0)  # (..., N, d/2)
    down, up = emission_absorption(base, nbar)
    R = np.zeros(T.shape[:-1] + (d, d))
    lo, hi = ch.lower.ravel(), ch.upper.ravel()
    flat = T.shape[:-1] + (-1,)
    R[..., lo, hi] = down.reshape(flat)
    R[..., hi, lo] = up.reshape(flat)
    idx = np.arange(d)
    R[..., idx, idx] = -R.sum(axis=-2)
    return R


def stationary_distributions(R: np.ndarray, on_singular: str = "raise") -> np.ndarray:
    """Stationary probability vectors of a batch of rate matrices (``R p = 0``, ``sum p = 1``).

    Solved as one batched linear system (the first balance equation is replaced by the
    normalisation).

    Parameters
    ----------
    R : ndarray, shape (..., d, d)
        Rate matrices, ``R[k, m]`` = rate m -> k, columns summing to zero.
    on_singular : {"raise", "nan"}
        What to do where the stationary state is not unique (condition number of the
        normalised system above :data:`COND_MAX`): raise ``ValueError`` or return NaNs there.

    Returns
    -------
    ndarray, shape (..., d)
    """
    check_choice(on_singular, "on_singular", ("raise", "nan"))
    R = np.asarray(R, dtype=float)
    if R.ndim < 2 or R.shape[-1] != R.shape[-2]:
        raise ValueError(f"R must have shape (..., d, d), got {R.shape}")
    d = R.shape[-1]
    M = R.copy()
    M[..., 0, :] = 1.0
    cond = np.linalg.cond(M)
    bad = ~(cond < COND_MAX)
    if np.any(bad):
        if on_singular == "raise":
            first = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
            raise ValueError(
                f"the steady state is not unique at grid index {tuple(int(i) for i in first)} "
                "(disconnected rate graph, e.g. a Bohr frequency exactly zero at a level "
                "crossing or all baths at T = 0 with several local minima)"
            )
        M[bad] = np.eye(d)
    b = np.zeros(d)
    b[0] = 1.0
    p = np.linalg.solve(M, np.broadcast_to(b, M.shape[:-1])[..., None])[..., 0]
    p = np.clip(p, 0.0, None)  # remove -1e-17 round-off
    p /= p.sum(axis=-1, keepdims=True)
    if np.any(bad):
        p[bad] = np.nan
    return p


def thermal_populations(
    omegas: Any,
    couplings: Any,
    temperatures: Any,
    kappa: float = 1.0,
    spectral_density: Callable[[float], float] | None = None,
    on_singular: str = "raise",
) -> np.ndarray:
    """Steady-state populations of :math:`H_S`'s product eigenbasis over a temperature grid.

    Same physics as ``qbtoolkit.steady_state(models.thermal_network(...))`` (Hadipour &
    Haseli 2025, Eqs. 4-6, lowering-form jump operators), solved for every grid point at
    once with the Pauli rate equation.

    Parameters
    ----------
    omegas, couplings, kappa, spectral_density
        As in :func:`qbtoolkit.models.thermal_network` (one configuration).
    temperatures : array_like, shape (..., N)
        Bath temperatures (>= 0), one per cell along the last axis; any leading grid shape.
    on_singular : {"raise", "nan"}
        Behaviour where the steady state is not unique.

    Returns
    -------
    ndarray, shape (..., 2**N)
        Populations in the basis order of ``qutip.tensor`` (cell 0 most significant,
        0 = ground).
    """
    R = thermal_rate_matrices(omegas, couplings, temperatures, kappa, spectral_density)
    return stationary_distributions(R, on_singular)


def thermal_steady_states(
    omegas: Any,
    couplings: Any,
    temperatures: Any,
    kappa: float = 1.0,
    spectral_density: Callable[[float], float] | None = None,
    on_singular: str = "raise",
) -> np.ndarray:
    """Steady-state density matrices ``(..., 2**N, 2**N)`` over a temperature grid.

    The states are diagonal (no coherences survive in this model; see the module docstring)
    with the populations of :func:`thermal_populations`. Feed them straight to the batched
    metrics, e.g. ``qbtoolkit.ergotropy(states, model.H)``.
    """
    p = thermal_populations(omegas, couplings, temperatures, kappa, spectral_density, on_singular)
    d = p.shape[-1]
    rho = np.zeros(p.shape + (d,), dtype=complex)
    idx = np.arange(d)
    rho[..., idx, idx] = p
    return rho


def model_steady_states(model: Any, temperatures: Any, on_singular: str = "raise") -> np.ndarray:
    """Steady states of a ``thermal_network`` model re-solved over a temperature grid.

    Takes ``omegas``, ``couplings``, ``kappa`` and ``spectral_density`` from
    ``model.params`` and returns :func:`thermal_steady_states` for ``temperatures``
    (shape ``(..., N)``).
    """
    if getattr(model, "name", None) != "thermal_network":
        raise ValueError("model must come from qbtoolkit.models.thermal_network")
    p = model.params
    return thermal_steady_states(
        p["omegas"], p["couplings"], temperatures, p["kappa"], p["spectral_density"],
        on_singular,
    )


def thermal_liouvillians(
    omegas: Any,
    couplings: Any,
    temperatures: Any,
    kappa: float = 1.0,
    spectral_density: Callable[[float], float] | None = None,
) -> np.ndarray:
    """Full Liouvillians of :func:`~qbtoolkit.models.thermal_network` over a temperature grid.

    Returns
    -------
    ndarray, complex, shape (..., 4**N, 4**N)
        Equal, point by point, to ``model.liouvillian().full()`` (QuTiP column stacking).
        Memory grows as ``16**N`` per point: meant for N <= 3 and modest grids.
    """
    T, energies, ch, base = _structure(omegas, couplings, temperatures, kappa, spectral_density)
    H = qutip.Qobj(np.diag(energies))
    L0 = qutip.liouvillian(H).full()
    supers, freqs, cells, rates = [], [], [], []
    for i, w, rate, A in grouped_jump_operators(ch, base):
        Aq = qutip.Qobj(A)
        supers.append(qutip.lindblad_dissipator(Aq).full())
        supers.append(qutip.lindblad_dissipator(Aq.dag()).full())
        freqs.append(w)
        cells.append(i)
        rates.append(rate)
    if not supers:
        return np.broadcast_to(L0, T.shape[:-1] + L0.shape).copy()
    freqs_a, rates_a = np.array(freqs), np.array(rates)
    nbar = bose_einstein(freqs_a, T[..., cells])  # (..., C)
    coeff = np.stack(emission_absorption(rates_a, nbar), axis=-1)
    coeff = coeff.reshape(T.shape[:-1] + (-1,))
    S = np.stack(supers)  # (2C, D, D) ordered (down, up) per channel
    return L0 + np.einsum("...c,cij->...ij", coeff, S)


def liouvillian_steady_states(
    L: Any, on_singular: str = "raise", chunk: int = 512
) -> np.ndarray:
    """Batched null-space solve ``L vec(rho) = 0``, ``Tr rho = 1`` for stacked Liouvillians.

    Parameters
    ----------
    L : ndarray or Qobj, shape (..., d**2, d**2)
        Liouvillian superoperators in QuTiP's column-stacking convention
        (``vec(rho) = rho.ravel(order="F")``), e.g. from :func:`thermal_liouvillians` or
        ``np.stack([model.liouvillian().full() for model in models])``.
    on_singular : {"raise", "nan"}
        Behaviour where the steady state is not unique (condition number above
        :data:`COND_MAX`).
    chunk : int
        Number of Liouvillians solved per batched LAPACK call (bounds memory).

    Returns
    -------
    ndarray, complex, shape (..., d, d)
        Hermitian, unit-trace steady states.
    """
    check_choice(on_singular, "on_singular", ("raise", "nan"))
    chunk = check_int(chunk, "chunk", minimum=1)
    if isinstance(L, qutip.Qobj):
        L = L.full()
    L = np.asarray(L, dtype=complex)
    if L.ndim < 2 or L.shape[-1] != L.shape[-2]:
        raise ValueError(f"L must have shape (..., D, D), got {L.shape}")
    D = L.shape[-1]
    d = int(round(np.sqrt(D)))
    if d * d != D:
        raise ValueError(f"L must act on vectorised d x d matrices (D = d**2), got D = {D}")
    batch = L.shape[:-2]
    Lf = L.reshape((-1, D, D))
    trace_row = np.zeros(D, dtype=complex)
    trace_row[:: d + 1] = 1.0
    b = np.zeros(D, dtype=complex)
    b[0] = 1.0
    out = np.empty((Lf.shape[0], D), dtype=complex)
    for start in range(0, Lf.shape[0], chunk):
        M = Lf[start : start + chunk].copy()
        M[:, 0, :] = trace_row  # row 0 of L is a combination of the other diagonal rows
        cond = np.linalg.cond(M)
        bad = ~(cond < COND_MAX)
        if np.any(bad):
            if on_singular == "raise":
                first = np.unravel_index(start + int(np.argmax(bad)), batch) if batch else ()
                raise ValueError(
                    f"L has no unique steady state at batch index {tuple(int(i) for i in first)}"
                )
            M[bad] = np.eye(D)
        x = np.linalg.solve(M, np.broadcast_to(b, M.shape[:-1])[..., None])[..., 0]
        x[bad] = np.nan
        out[start : start + chunk] = x
    rho = out.reshape((-1, d, d)).transpose(0, 2, 1)  # undo column stacking
    rho = 0.5 * (rho + rho.conj().transpose(0, 2, 1))
    return rho.reshape(batch + (d, d))
