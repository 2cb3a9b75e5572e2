"""Registers of N identical qubits: local dissipation, bases, memory estimates, and the model.

Shared by the builders whose battery is a register of qubits (the driven atoms, the parallel
and collective chargers, the cavity chargers). A register can be stored

* ``"full"``: the ``2^N`` tensor-product space (subsystem i = qubit i), any Hamiltonian;
* ``"symmetric"``: the ``N + 1`` symmetric Dicke states (exact for permutation-invariant
  Hamiltonians without local dissipation);
* ``"piqs"``: every Dicke block in the :mod:`qutip.piqs` layout, local decay and dephasing as
  the superoperator :func:`~qbtoolkit.models.dicke_basis.dicke_dissipator`.

The reduced bases carry a :class:`~qbtoolkit.metrics.dicke.DickeRepresentation`, so metrics
through :mod:`qbtoolkit.metrics.registry` are the full ``2^N`` values or refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import qutip

from .. import ops
from .._memory import check_memory, format_count, model_bytes
from .._validate import check_choice
from ..metrics.dicke import DickeRepresentation
from .base import BatteryModel
from .dicke_basis import (
    collective_operators,
    dicke_dimension,
    dicke_dissipator,
    dicke_dissipator_nnz,
    dicke_state_index,
)

__all__ = ["BASES", "local_c_ops", "register_dimension", "register_operator_nnz",
           "check_register_memory", "resolve_basis", "register_model"]

#: Storage of a register of N qubits.
BASES = ("full", "symmetric", "piqs")


def local_c_ops(
    lowering: Sequence[qutip.Qobj], sigma_z: Sequence[qutip.Qobj], gamma: float, gamma_phi: float
) -> tuple[qutip.Qobj, ...]:
    """Local collapse operators of decay and pure dephasing on every qubit of a register.

    ``sqrt(gamma) sigma_-^i`` (population decay at rate ``gamma``) and
    ``sqrt(gamma_phi / 2) sigma_z^i`` (coherences decay at the extra rate ``gamma_phi``, so
    ``Gamma_2 = gamma / 2 + gamma_phi``); zero-rate channels are omitted.

    Parameters
    ----------
    lowering : sequence of Qobj
        ``sigma_-^i`` of every qubit, embedded in the full space.
    sigma_z : sequence of Qobj
        ``sigma_z^i`` of every qubit, embedded in the full space.
    gamma : float
        Population decay rate (1/time), >= 0.
    gamma_phi : float
        Pure-dephasing rate (1/time), >= 0.

    Returns
    -------
    tuple of Qobj
        The decay operators (if ``gamma > 0``), then the dephasing operators (if
        ``gamma_phi > 0``).
    """
    c_ops: list[qutip.Qobj] = []
    if gamma > 0:
        c_ops += [np.sqrt(gamma) * s for s in lowering]
    if gamma_phi > 0:
        c_ops += [np.sqrt(gamma_phi / 2) * z for z in sigma_z]
    return tuple(c_ops)


#: Beyond this many qubits the full-space size is only bounded (``2^MAX_EXACT_QUBITS``, far
#: beyond any memory), to keep the estimate itself cheap.
MAX_EXACT_QUBITS = 4096


def register_dimension(N: int, basis: str) -> int:
    """Stored dimension of ``N`` qubits: ``2^N``, ``N + 1`` or ``num_dicke_states(N)``.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).
    basis : {"full", "symmetric", "piqs"}
        Storage of the register.

    Returns
    -------
    int
        The dimension; ``2^N`` is capped at ``2^MAX_EXACT_QUBITS``, already far beyond any
        memory, to keep the estimate cheap.
    """
    return 2 ** min(N, MAX_EXACT_QUBITS) if basis == "full" else dicke_dimension(N, basis)


def resolve_basis(basis: Any, gamma: float, gamma_phi: float, default: str,
                  allowed: Sequence[str] = BASES) -> str:
    """Check ``basis`` (None means ``default``); ``"symmetric"`` cannot hold local dissipation.

    Parameters
    ----------
    basis : str or None
        Requested storage, one of ``allowed``, or None.
    gamma : float
        Local decay rate of the model (>= 0).
    gamma_phi : float
        Local dephasing rate of the model (>= 0).
    default : str
        Storage used for None.
    allowed : sequence of str, default BASES
        Storages the builder supports.

    Returns
    -------
    str
        The resolved basis.

    Raises
    ------
    ValueError
        Unknown basis, or ``"symmetric"`` with ``gamma`` or ``gamma_phi`` > 0.
    """
    basis = default if basis is None else check_choice(basis, "basis", allowed)
    if basis == "symmetric" and (gamma > 0 or gamma_phi > 0):
        rate = "gamma" if gamma > 0 else "gamma_phi"
        raise ValueError(
            f"basis='symmetric' cannot hold local decay or dephasing ({rate} > 0 moves the state "
            "out of the symmetric subspace): use basis='piqs' (all Dicke blocks, exact) or "
            "basis='full'")
    return basis


def check_register_memory(what: str, d: int, operator_nnz: float, superoperator_nnz: float = 0,
                          advice: str = "") -> None:
    """Refuse, before anything is allocated, a model of dimension ``d`` that cannot fit.

    Uses :func:`qbtoolkit._memory.check_memory` with the memory of the model's operators,
    superoperator and states.

    Parameters
    ----------
    what : str
        What is being built, for the message (e.g. ``"network(N=30)"``).
    d : int
        Hilbert-space dimension.
    operator_nnz : float
        Estimated stored entries of the model's operators.
    superoperator_nnz : float, default 0
        Estimated stored entries of a superoperator (Dicke-basis dissipators).
    advice : str, default ""
        What to do instead, appended to the message.

    Raises
    ------
    ValueError
        The estimate exceeds the memory limit.
    """
    over = "over " if d >= 2**MAX_EXACT_QUBITS else ""
    check_memory(model_bytes(d, operator_nnz, superoperator_nnz),
                 f"{what} (Hilbert-space dimension {over}{format_count(d)}; a density matrix "
                 f"has {over}{format_count(d * d)} entries)", advice)


def register_model(
    N: int,
    H: Any,
    *,
    omega0: float,
    gamma: float,
    gamma_phi: float,
    basis: str,
    params: Mapping[str, Any],
    name: str,
    rho0: qutip.Qobj | None = None,
) -> BatteryModel:
    """The model of a register of ``N`` qubits charged by ``H`` (given in ``basis``).

    Parameters
    ----------
    N : int
        Number of qubits; the whole register is the battery.
    H : Qobj or list format
        Hamiltonian on the register in ``basis``.
    omega0 : float
        Qubit splitting: ``H_battery = omega0 sum_i sigma_+^i sigma_-^i``.
    gamma, gamma_phi : float
        Local decay and pure-dephasing rates (collapse operators in the full basis, the
        double-precision Dicke-basis superoperator in ``"piqs"``; zero in ``"symmetric"``).
    basis : {"full", "symmetric", "piqs"}
        Storage (see the module docstring).
    params : dict
        The builder's arguments.
    name : str
        Builder name.
    rho0 : Qobj, optional
        Initial state in ``basis``; default ``|g...g>``.

    Returns
    -------
    BatteryModel
        Full basis: ``N`` subsystems, ``H_local`` = ``omega0 n`` per qubit. Reduced bases: one
        subsystem with ``representation = DickeRepresentation(N, omega0, basis)``.
    """
    superoperator = None
    representation = None
    if basis == "full":
        c_ops = local_c_ops(ops.site_operators(ops.sigma_minus(), N),
                            ops.site_operators(ops.sigma_z(), N), gamma, gamma_phi)
        n_ops = ops.site_operators(ops.number(), N)
        H_battery = omega0 * sum(n_ops[1:], n_ops[0])
        H_local = tuple(omega0 * ops.number() for _ in range(N))
        battery = tuple(range(N))
        if rho0 is None:
            rho0 = qutip.ket2dm(ops.product_state([ops.ground()] * N))
    else:
        c_ops = ()
        _, Jn = collective_operators(N, basis)
        H_battery = omega0 * Jn
        H_local = (H_battery,)
        battery = (0,)
        D = Jn.shape[0]
        if rho0 is None:
            rho0 = qutip.fock_dm(D, dicke_state_index(N, 0, basis))
        if gamma > 0 or gamma_phi > 0:
            superoperator = dicke_dissipator(N, emission=gamma, dephasing=gamma_phi)
        representation = DickeRepresentation(N, omega0, basis)
    return BatteryModel(H=H, c_ops=c_ops, rho0=rho0, H_battery=H_battery, battery=battery,
                        params=params, name=name, H_local=H_local,
                        representation=representation, superoperator=superoperator)


def register_operator_nnz(N: int, basis: str, terms: int) -> tuple[int, int]:
    """Estimated ``(operator entries, superoperator entries)`` of a register model.

    Parameters
    ----------
    N : int
        Number of qubits.
    basis : {"full", "symmetric", "piqs"}
        Storage of the register.
    terms : int
        Number of site or bond terms of the Hamiltonian (each at most ``d`` entries in the full
        basis).

    Returns
    -------
    operators : int
        Estimated stored entries of the Hamiltonian and collapse operators.
    superoperator : int
        Estimated stored entries of the Dicke-basis dissipator (0 unless ``"piqs"``).
    """
    d = register_dimension(N, basis)
    if basis == "full":
        return (terms + 4 * N + 4) * d, 0
    return 8 * d, dicke_dissipator_nnz(N) if basis == "piqs" else 0
