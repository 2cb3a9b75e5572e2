"""Heat currents from each bath, at any state or over steady-state grids.

The heat current from bath :math:`k` into the system is (Alicki, J. Phys. A 12, L103 (1979);
Kosloff, Entropy 15, 2100 (2013))

.. math::

    J_k = \\mathrm{Tr}[H\\,\\mathcal D_k(\\rho)] = \\mathrm{Tr}[\\mathcal D_k^\\dagger(H)\\,\\rho],

positive when energy flows into the system. :math:`Q_k = \\mathcal D_k^\\dagger(H)` is built once
per temperature point from the Bohr transitions (:mod:`qbtoolkit.thermo.generators`), so a
batch of states costs one contraction. At a steady state :math:`\\sum_k J_k = 0` (the first
law: :math:`\\mathrm{Tr}[H\\mathcal L\\rho] = 0`). Units: energy x rate (energy^2 with hbar = 1);
multiplying every energy, temperature and rate by ``c`` multiplies the currents by ``c**2``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .._validate import as_states, check_choice, qobj_dims
from .generators import apply_adjoint
from .steady import steady_states, working_steady_states
from .structure import ThermalStructure, structure_of

__all__ = ["heat_currents", "heat_operators"]


def _reference(s: ThermalStructure, k: int, energy: str) -> np.ndarray:
    """The energy operator of the currents in bath ``k``'s working basis: its own diagonal
    energies for local heat or a global equation (H itself, centred: an offset carries no
    heat), else the system's H rotated into the local bath's basis."""
    basis = s.bases[k]
    if energy == "local" or s.master_equation == "global":
        return np.diag(basis.energies)
    return basis.to_basis(s.H)


def _working_heat_operators(s: ThermalStructure, rates: list[np.ndarray], energy: str
                            ) -> list[np.ndarray]:
    """``Q_k = D_k^dag(H)`` of every bath, each in its bath's working basis."""
    return [apply_adjoint(tr, np.sqrt(g), _reference(s, k, energy))
            for k, (tr, g) in enumerate(zip(s.transitions, rates, strict=True))]


def heat_operators(model: Any, temperatures: Any = None, kappas: Any = None,
                   energy: str = "system") -> list[np.ndarray]:
    """The heat-current operators :math:`Q_k = \\mathcal D_k^\\dagger(H)` of every bath.

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        A thermal model.
    temperatures, kappas : array_like, shape (..., n_baths), optional
        Bath temperatures and couplings (default: the model's).
    energy : {"system", "local"}
        Measure heat with the whole system Hamiltonian (default) or, for a local master
        equation, with each bath's local Hamiltonian :math:`h_k\\otimes 1`.

    Returns
    -------
    list of ndarray, each (..., d, d)
        In the computational basis; ``J_k = Re Tr[Q_k rho]`` (energy x rate).
    """
    s, energy = _check(model, energy)
    Qs = _working_heat_operators(s, s.rates(temperatures, kappas), energy)
    return [basis.from_basis(Q) for basis, Q in zip(s.bases, Qs, strict=True)]


def _check(model: Any, energy: str) -> tuple[ThermalStructure, str]:
    s = structure_of(model)
    check_choice(energy, "energy", ("system", "local"))
    if energy == "local" and s.master_equation != "local":
        raise ValueError("energy='local' measures heat with each bath's local Hamiltonian: it "
                         "needs a local master equation (the global one has only H)")
    return s, energy


def currents_and_scales(s: ThermalStructure, states: Any, temperatures: Any, kappas: Any,
                        on_singular: str, energy: str
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, bool]:
    """``(J (..., n_baths), scale (..., n_baths), states (comp basis) or None, single)``.

    ``scale[k]`` is :math:`\\|Q_k\\|_\\infty`, the largest current bath ``k`` can carry (the
    unit for round-off tests). States are returned only when they were given.
    """
    rates = s.rates(temperatures, kappas)
    if states is None:
        single = rates[0].ndim == 1
        if s.master_equation == "global":
            rho_w = working_steady_states(s, temperatures, kappas, on_singular)
            rho_k = [rho_w] * s.n_baths
        else:
            rho = steady_states(s, temperatures, kappas, on_singular)
            rho_k = [b.to_basis(rho) for b in s.bases]
        arr = None
    else:
        arr, single = as_states(states, "states")
        dims = qobj_dims(states, "states")
        if dims is not None and list(dims) != list(s.dims):
            raise ValueError(f"states have dims {dims} but the model has dims {list(s.dims)}")
        if arr.shape[-1] != s.d:
            raise ValueError(f"states have dimension {arr.shape[-1]}, the model {s.d}")
        single = single and rates[0].ndim == 1
        rho_k = [b.to_basis(arr) for b in s.bases]
    J, scale = [], []
    for Q, rho in zip(_working_heat_operators(s, rates, energy), rho_k, strict=True):
        J.append(np.einsum("...ij,...ji->...", Q, rho).real)
        scale.append(np.max(np.sum(np.abs(Q), axis=-1), axis=-1))
    J = np.stack(np.broadcast_arrays(*J), axis=-1)
    scale = np.broadcast_to(np.stack(np.broadcast_arrays(*scale), axis=-1), J.shape)
    return J, scale, arr, single


def heat_currents(model: Any, states: Any = None, *, temperatures: Any = None,
                  kappas: Any = None, energy: str = "system", on_singular: str = "raise",
                  ) -> np.ndarray:
    r"""Heat current from each bath into the system, :math:`J_k = \mathrm{Tr}[H\mathcal D_k(\rho)]`.

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        A thermal model (global or local master equation).
    states : Qobj, ndarray (d, d) or (..., d, d), optional
        States in the model's basis. Default: the steady states (at the model's temperatures,
        or over the grid given).
    temperatures, kappas : array_like, shape (..., n_baths), optional
        Bath temperatures and couplings (default: the model's); grid axes broadcast against
        the states' batch axes.
    energy : {"system", "local"}
        Heat measured with the whole ``H`` (default; what Levy & Kosloff test) or, for the
        local master equation, with each bath's local Hamiltonian.
    on_singular : {"raise", "nan"}
        For steady states: behaviour where the steady state is not unique.

    Returns
    -------
    ndarray, shape (..., n_baths)
        Currents (energy x rate), positive into the system, in the order of the baths.

    Raises
    ------
    ValueError
        Not a thermal model, invalid states or grids, a non-unique steady state.

    Examples
    --------
    Two qubit cells at different temperatures: in the steady state the heat entering from the
    hot bath leaves through the cold one (:math:`\sum_k J_k = 0`), and the entropy production
    is positive:

    >>> import numpy as np
    >>> from qbtoolkit.models import thermal_network
    >>> from qbtoolkit.thermo import entropy_production, heat_currents
    >>> model = thermal_network([1.0, 1.0], 0.2, [1.0, 0.2])
    >>> J = heat_currents(model)
    >>> bool(J[0] > 0 > J[1]), bool(abs(J.sum()) < 1e-12 * abs(J[0]))
    (True, True)
    >>> bool(entropy_production(model) > 0)
    True
    """
    check_choice(on_singular, "on_singular", ("raise", "nan"))
    s, energy = _check(model, energy)
    if isinstance(states, qutip.Qobj) and not (states.isket or states.isoper):
        raise ValueError("states must be a ket or a density matrix")
    J, _, _, _ = currents_and_scales(s, states, temperatures, kappas, on_singular, energy)
    return J
