"""The model record every builder returns, and the one place dissipators are built.

A :class:`BatteryModel` is immutable: change a parameter by calling the builder again (or
``dataclasses.replace``), which makes sweeps trivially parallel.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import qutip

from .._linalg import ptrace
from .._validate import check_dims_match, check_qobj_hermitian, is_positive_semidefinite

__all__ = ["BatteryModel", "kossakowski_c_ops", "as_density_qobj"]


def as_density_qobj(state: qutip.Qobj, name: str = "rho0", atol: float = 1e-8) -> qutip.Qobj:
    """Return a density-matrix Qobj (kets are promoted); check trace, Hermiticity, positivity."""
    if not isinstance(state, qutip.Qobj):
        raise ValueError(f"{name} must be a qutip.Qobj ket or density matrix")
    if state.isket:
        norm = state.norm()
        if abs(norm - 1) > atol:
            raise ValueError(f"{name} must be a normalised ket, got norm {norm:.6g}")
        return qutip.ket2dm(state)
    if not state.isoper:
        raise ValueError(f"{name} must be a ket or a density matrix, got a {state.type}")
    arr = state.full()
    if np.max(np.abs(arr - arr.conj().T)) > atol:
        raise ValueError(f"{name} must be Hermitian")
    if abs(np.trace(arr).real - 1) > atol:
        raise ValueError(f"{name} must have unit trace, got {np.trace(arr).real:.8g}")
    if not is_positive_semidefinite(arr, atol):
        raise ValueError(f"{name} must be positive semidefinite")
    return state


@dataclasses.dataclass(frozen=True)
class BatteryModel:
    """A quantum-battery model: everything a solver and the metrics need.

    Attributes
    ----------
    H : Qobj
        Full Hamiltonian (energy units, hbar = 1), time independent.
    c_ops : tuple of Qobj
        Lindblad collapse operators ``L_k`` (rates already included: ``sqrt(gamma) sigma``).
    rho0 : Qobj
        Initial density matrix.
    H_battery : Qobj
        The battery's own (bare) Hamiltonian on the battery subsystems; ergotropy and energy
        are measured against it.
    battery : tuple of int
        Subsystem indices (in ``H``'s tensor order) whose partial trace is the battery.
    params : dict
        The builder's parameters, for provenance and plotting.
    name : str
        Builder name.
    """

    H: qutip.Qobj
    c_ops: tuple[qutip.Qobj, ...]
    rho0: qutip.Qobj
    H_battery: qutip.Qobj
    battery: tuple[int, ...]
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    name: str = ""

    def __post_init__(self) -> None:
        check_qobj_hermitian(self.H, "H")
        object.__setattr__(self, "c_ops", tuple(self.c_ops))
        object.__setattr__(self, "battery", tuple(int(i) for i in self.battery))
        object.__setattr__(self, "params", dict(self.params))
        dims = self.H.dims[0]
        for k, c in enumerate(self.c_ops):
            if not isinstance(c, qutip.Qobj) or not c.isoper:
                raise ValueError(f"c_ops[{k}] must be a qutip.Qobj operator")
            check_dims_match(c.dims[0], dims, f"c_ops[{k}]", "H")
        rho0 = as_density_qobj(self.rho0, "rho0")
        check_dims_match(rho0.dims[0], dims, "rho0", "H")
        object.__setattr__(self, "rho0", rho0)
        if not self.battery or min(self.battery) < 0 or max(self.battery) >= len(dims):
            raise ValueError(f"battery must list subsystem indices in 0..{len(dims) - 1}")
        if len(set(self.battery)) != len(self.battery) or list(self.battery) != sorted(
            self.battery
        ):
            raise ValueError("battery indices must be distinct and increasing")
        check_qobj_hermitian(self.H_battery, "H_battery")
        check_dims_match(self.H_battery.dims[0], self.battery_dims, "H_battery", "battery")

    @property
    def dims(self) -> list[int]:
        """Local dimensions of all subsystems, in tensor order."""
        return list(self.H.dims[0])

    @property
    def battery_dims(self) -> list[int]:
        """Local dimensions of the battery subsystems."""
        return [self.dims[i] for i in self.battery]

    @property
    def is_whole_system(self) -> bool:
        """True when the battery is the entire system (no partial trace needed)."""
        return len(self.battery) == len(self.dims)

    def liouvillian(self) -> qutip.Qobj:
        """Lindblad superoperator ``L`` with ``d rho/dt = L rho`` (``qutip.liouvillian``)."""
        return qutip.liouvillian(self.H, list(self.c_ops))

    def reduce(self, states: np.ndarray) -> np.ndarray:
        """Battery reduced states of a batch of full states ``(..., d, d)`` (batched ptrace)."""
        if self.is_whole_system:
            return states
        return ptrace(states, self.battery, self.dims)

    def replace(self, **changes: Any) -> BatteryModel:
        """A copy with some fields changed (``dataclasses.replace``), re-validated."""
        return dataclasses.replace(self, **changes)


def kossakowski_c_ops(
    ops: Sequence[qutip.Qobj], matrix: Any, name: str = "matrix", atol: float = 1e-12
) -> list[qutip.Qobj]:
    """Diagonalise a Kossakowski (rate) matrix into ordinary collapse operators.

    The dissipator ``D[rho] = sum_{nm} G_nm (A_n rho A_m^dag - 1/2 {A_m^dag A_n, rho})``
    (Lehmberg form; Santos 2021 Eqs. 12-13 de-garbled) equals
    ``sum_k (L_k rho L_k^dag - 1/2 {L_k^dag L_k, rho})`` with ``L_k = sqrt(g_k) sum_n V_nk A_n``
    where ``G = V diag(g) V^dag``. ``G`` must be Hermitian positive semidefinite, otherwise the
    dynamics is not completely positive.

    Parameters
    ----------
    ops : sequence of Qobj
        The operators ``A_n`` (e.g. ``sigma_minus`` on each cell).
    matrix : array_like (n, n)
        Rate matrix ``G`` (1/time).
    name : str
        Name used in error messages.

    Returns
    -------
    list of Qobj
        Collapse operators; channels with zero rate are dropped.
    """
    G = np.asarray(matrix, dtype=complex)
    n = len(ops)
    if G.shape != (n, n):
        raise ValueError(f"{name} must be a ({n}, {n}) matrix for {n} operators, got {G.shape}")
    if not np.allclose(G, G.conj().T, atol=1e-12):
        raise ValueError(f"{name} (Kossakowski matrix) must be Hermitian")
    g, V = np.linalg.eigh(G)
    scale = max(1.0, float(np.max(np.abs(g), initial=0.0)))
    if g.size and g[0] < -atol * scale:
        raise ValueError(
            f"{name} (Kossakowski matrix) is not positive semidefinite (smallest eigenvalue "
            f"{g[0]:.4g}): these rates give unphysical, non-completely-positive dynamics"
        )
    out = []
    for k in range(n):
        if g[k] > atol * scale:
            L = sum(complex(V[m, k]) * ops[m] for m in range(n) if V[m, k] != 0)
            out.append(np.sqrt(g[k]) * L)
    return out
