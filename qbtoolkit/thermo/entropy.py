"""Entropy production and the second law for thermal models.

Spohn's entropy production rate (Spohn, J. Math. Phys. 19, 1227 (1978); Spohn & Lebowitz,
Adv. Chem. Phys. 38, 109 (1978)) of a state :math:`\\rho` with heat currents
:math:`J_k = \\mathrm{Tr}[H\\mathcal D_k\\rho]` from baths at temperatures :math:`T_k`:

.. math::

    \\sigma = -\\mathrm{Tr}[\\mathcal L(\\rho)\\ln\\rho] - \\sum_k \\frac{J_k}{T_k},

the rate of change of the system's entropy minus the entropy flow from the baths; at a steady
state :math:`\\sigma = -\\sum_k J_k/T_k`. For the global (Davies) master equation every
dissipator has the Gibbs state of ``H`` at :math:`T_k` as a stationary state, and Spohn's
inequality gives :math:`\\sigma \\ge 0` for every state. The local master equation satisfies it
with heat measured by the local Hamiltonians (``energy="local"``) but can violate it with heat
measured by the whole ``H`` (Levy & Kosloff, EPL 107, 20004 (2014)).

Conventions: a current within :math:`10^{-12}` of the largest current its bath can carry,
:math:`\\|\\mathcal D_k^\\dagger H\\|_\\infty`, is round-off and carries no entropy; otherwise
a bath at :math:`T_k = 0` contributes :math:`+\\infty` when heat flows into it and
:math:`-\\infty` when heat flows out of it. A state with zero eigenvalues into which the
dynamics moves population has :math:`-\\mathrm{Tr}[\\mathcal L(\\rho)\\ln\\rho] = +\\infty`.
Units: rate (1/time); multiplying
every energy, temperature and rate by ``c`` multiplies :math:`\\sigma` by ``c``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._linalg import eigh
from .._validate import check_choice, check_positive
from .currents import _check, currents_and_scales
from .generators import apply_dissipator
from .structure import ThermalStructure

__all__ = ["entropy_production", "satisfies_second_law"]

#: Currents of a zero-temperature bath below this fraction of its largest possible current are
#: round-off (their entropy flow counts as zero instead of an infinite one).
ZERO_T_RTOL = 1e-12


def _entropy_flow(J: np.ndarray, scale: np.ndarray, T: np.ndarray) -> np.ndarray:
    """``-J_k / T_k`` per bath, with the zero-temperature conventions of the module (a current
    at round-off level carries no entropy, whatever the temperature)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        flow = -J / np.where(T > 0, T, 1.0)
    small = np.abs(J) <= ZERO_T_RTOL * scale
    zero_T = np.where(J < 0, np.inf, -np.inf)
    return np.where(small, 0.0, np.where(T > 0, flow, zero_T))


def _internal(s: ThermalStructure, arr: np.ndarray, temperatures: Any, kappas: Any
              ) -> np.ndarray:
    """:math:`-\\mathrm{Tr}[\\mathcal L(\\rho)\\ln\\rho]` for states ``arr (..., d, d)``."""
    p, W = eigh(arr, "states")
    rates = s.rates(temperatures, kappas)
    Lrho = 0.0
    for tr, g, basis in zip(s.transitions, rates, s.bases, strict=True):
        Lrho = Lrho + basis.from_basis(apply_dissipator(tr, np.sqrt(g), basis.to_basis(arr)))
    W = np.broadcast_to(W, np.broadcast_shapes(W.shape, np.shape(Lrho)))
    f = np.einsum("...ji,...jk,...ki->...i", W.conj(), Lrho, W).real  # <w_i|L(rho)|w_i>
    p = np.broadcast_to(p, f.shape)
    tol = 1e-12 * np.max(np.abs(f), axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -f * np.log(np.where(p > 0, p, 1.0)),
                         np.where(f > tol, np.inf, 0.0))
    return terms.sum(axis=-1)


def _production(model: Any, states: Any, temperatures: Any, kappas: Any, energy: str,
                on_singular: str) -> tuple[np.ndarray, np.ndarray, bool]:
    s, energy = _check(model, energy)
    check_choice(on_singular, "on_singular", ("raise", "nan"))
    J, scale, arr, single = currents_and_scales(s, states, temperatures, kappas, on_singular,
                                                energy)
    T, _ = s.grid(temperatures, kappas)
    T = np.broadcast_to(T, J.shape)
    flow = _entropy_flow(J, scale, T)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        sigma = flow.sum(axis=-1)
        # the scale of the entropy flows: the largest current each bath can carry over T_k
        # (finite terms only, so that an infinite violation is never excused)
        per_bath = np.where(T > 0, scale / np.where(T > 0, T, 1.0), 0.0)
        size = np.where(np.isfinite(per_bath), per_bath, 0.0).sum(axis=-1)
        if arr is not None:
            internal = _internal(s, arr, temperatures, kappas)
            sigma = sigma + internal
            size = size + np.where(np.isfinite(internal), np.abs(internal), 0.0)
    return sigma, size, single


def entropy_production(model: Any, states: Any = None, *, temperatures: Any = None,
                       kappas: Any = None, energy: str = "system",
                       on_singular: str = "raise") -> float | np.ndarray:
    r"""Entropy production rate :math:`\sigma` (Spohn 1978).

    :math:`\sigma = -\mathrm{Tr}[\mathcal L(\rho)\ln\rho] - \sum_k J_k/T_k` (see the module
    docstring).

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        A thermal model.
    states : Qobj, ndarray (d, d) or (..., d, d), optional
        States (model basis). Default: the steady states, where :math:`\sigma = -\sum_k
        J_k/T_k`.
    temperatures, kappas : array_like, shape (..., n_baths), optional
        Bath temperatures and couplings (default: the model's).
    energy : {"system", "local"}, default "system"
        Heat measured with the whole ``H`` or (local master equation) with each bath's local
        Hamiltonian.
    on_singular : {"raise", "nan"}, default "raise"
        For steady states: behaviour where the steady state is not unique.

    Returns
    -------
    float or ndarray (...)
        :math:`\sigma` (1/time, k_B = 1); ``+inf``/``-inf`` per the zero-temperature and
        zero-eigenvalue conventions of the module docstring.

    Raises
    ------
    ValueError
        Not a thermal model, invalid states or grids, or a non-unique steady state.
    """
    sigma, _, single = _production(model, states, temperatures, kappas, energy, on_singular)
    return float(sigma) if single else sigma


def satisfies_second_law(model: Any, states: Any = None, *, temperatures: Any = None,
                         kappas: Any = None, energy: str = "system", rtol: float = 1e-9,
                         on_singular: str = "raise") -> bool | np.ndarray:
    r"""Whether :math:`\sigma \ge 0` within round-off.

    The tolerance is ``rtol`` times the scale of the terms of :math:`\sigma`: the largest
    entropy flow each bath could carry, :math:`\|\mathcal D_k^\dagger H\|_\infty / T_k`, plus
    the magnitude of the internal term -- so it means the same in every unit, also at
    equilibrium where every current is round-off.

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        A thermal model.
    states : Qobj, ndarray, shape (d, d) or (..., d, d), optional
        States (model basis); default the steady states.
    temperatures, kappas : array_like, shape (..., n_baths), optional
        Bath temperatures and couplings (default: the model's).
    energy : {"system", "local"}, default "system"
        As in :func:`entropy_production`.
    rtol : float, default 1e-9
        Relative tolerance (of the scale above).
    on_singular : {"raise", "nan"}, default "raise"
        For steady states: behaviour where the steady state is not unique.

    Returns
    -------
    bool or ndarray of bool, shape (...)
        Whether :math:`\sigma \ge -\mathrm{rtol} \cdot \mathrm{scale}`.

    Raises
    ------
    ValueError
        As :func:`entropy_production`.
    """
    rtol = check_positive(rtol, "rtol")
    sigma, size, single = _production(model, states, temperatures, kappas, energy,
                                      on_singular)
    ok = sigma >= -rtol * size
    return bool(ok) if single else ok
