"""Validated inputs of the thermal builders: the system Hamiltonian, the baths, and operators on
subsystems embedded into the whole system (tensor order of ``H``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import qutip

from .._linalg import embed_array, ptrace
from .._validate import as_hamiltonian, input_eps
from .baths import Bath
from .bohr import Eigenbasis, Transitions, transitions
from .spectral import spectral_values

__all__ = ["system_hamiltonian", "check_baths", "embed_array", "coupling_array",
           "bath_transitions"]


def system_hamiltonian(H: Any) -> tuple[np.ndarray, tuple[int, ...], float]:
    """A system Hamiltonian as a validated double array, with its dims and input precision.

    A Qobj keeps its dims; an ndarray is one subsystem of dimension d.

    Parameters
    ----------
    H : Qobj or array_like, shape (d, d)
        Hermitian system Hamiltonian (energy units).

    Returns
    -------
    H : ndarray, shape (d, d)
        In double precision.
    dims : tuple of int
        Subsystem dimensions.
    eps : float
        Machine epsilon of the precision ``H`` was given in.

    Raises
    ------
    ValueError
        Not a square operator, not Hermitian (relative to its largest entry) or NaN/inf.
    """
    if isinstance(H, qutip.Qobj):
        if not H.isoper or H.dims[0] != H.dims[1]:
            raise ValueError("H must be a square qutip.Qobj operator")
        dims = tuple(int(x) for x in H.dims[0])
        arr = as_hamiltonian(H.full(), "H")  # relative Hermiticity and finiteness
    else:
        arr = as_hamiltonian(H, "H")
        if arr.ndim != 2:
            raise ValueError(f"H must be one (d, d) matrix, got shape {arr.shape}")
        dims = (arr.shape[0],)
    return arr, dims, input_eps(H)


def check_baths(baths: Any) -> tuple[Bath, ...]:
    """A non-empty sequence of :class:`Bath`, validated.

    Parameters
    ----------
    baths : sequence of Bath
        The baths.

    Returns
    -------
    tuple of Bath
        The same baths.

    Raises
    ------
    ValueError
        A single Bath (not in a list), not a sequence, empty, or an item that is not a Bath.
    """
    if isinstance(baths, Bath):
        raise ValueError("baths must be a list of Bath (got a single Bath: wrap it in a list)")
    if isinstance(baths, str | bytes) or not isinstance(baths, Sequence):
        raise ValueError(f"baths must be a list of qbtoolkit.models.Bath, got {baths!r}")
    if not baths:
        raise ValueError("baths must contain at least one Bath")
    for k, b in enumerate(baths):
        if not isinstance(b, Bath):
            raise ValueError(f"baths[{k}] must be a qbtoolkit.models.Bath, got "
                             f"{type(b).__name__}")
    return tuple(baths)


def _check_subsystems(bath: Bath, k: int, dims: Sequence[int]) -> list[int]:
    subs = list(bath.subsystems)
    if subs[-1] >= len(dims):
        raise ValueError(f"baths[{k}].subsystems {subs} refer to a subsystem outside "
                         f"0..{len(dims) - 1} (H has dims {list(dims)})")
    return subs


def coupling_array(bath: Bath, k: int, dims: Sequence[int]) -> np.ndarray:
    """The bath's coupling operator on the whole space.

    Parameters
    ----------
    bath : Bath
        The bath.
    k : int
        Its position among the baths (for messages).
    dims : sequence of int
        Subsystem dimensions of the system.

    Returns
    -------
    ndarray, shape (d, d)
        ``bath.op``, embedded with identities when given on ``bath.subsystems``.

    Raises
    ------
    ValueError
        ``bath.op`` has neither the system's dims nor those of its subsystems, or the
        subsystems lie outside the system.
    """
    op_dims = list(bath.op.dims[0])
    if op_dims == list(dims):
        return bath.op.full()
    if bath.subsystems is not None:
        subs = _check_subsystems(bath, k, dims)
        if op_dims == [dims[i] for i in subs]:
            return embed_array(bath.op.full(), subs, dims)
    where = f" or on subsystems {list(bath.subsystems)}" if bath.subsystems is not None else ""
    raise ValueError(f"baths[{k}].op has dims {op_dims}; expected the system's dims "
                     f"{list(dims)}{where}")


def local_part(Harr: np.ndarray, subsystems: Sequence[int], dims: Sequence[int]) -> np.ndarray:
    """Partial-trace projection :math:`\\mathrm{Tr}_{\\bar S} H / d_{\\bar S}` onto the
    subsystems ``S`` (on their space)."""
    d_rest = Harr.shape[0] // math.prod(dims[i] for i in subsystems)
    return ptrace(Harr, list(subsystems), list(dims)) / d_rest


def bath_transitions(bath: Bath, k: int, Aw: np.ndarray, basis: Eigenbasis, rotated: bool
                     ) -> tuple[Transitions, np.ndarray]:
    """Transitions of one bath's coupling, and ``J(|omega|)`` on them.

    A bath with zero-frequency slope 0 has no zero-frequency channel (those transitions are
    dropped); a custom spectral density without ``J_zero_slope`` is refused when the coupling
    has zero-frequency elements.

    Parameters
    ----------
    bath : Bath
        The bath.
    k : int
        Its position among the baths (for messages).
    Aw : ndarray, shape (d, d)
        The coupling operator in ``basis``.
    basis : Eigenbasis
        Working basis (eigenbasis of the reference Hamiltonian).
    rotated : bool
        True when ``Aw`` was obtained by a basis change (its round-off is then dropped).

    Returns
    -------
    tr : Transitions
        The grouped transitions.
    jvals : ndarray, shape (tr.n,)
        ``J(|omega_t|)`` of each transition (0 at zero frequency), energy units.

    Raises
    ------
    ValueError
        Zero-frequency elements with a custom spectral density but no ``J_zero_slope``; an
        ambiguous grouping of Bohr frequencies; a spectral density returning an invalid value.
    """
    tr = transitions(Aw, basis, rotated, name=f"baths[{k}].op")
    if bath.slope == 0.0:
        tr = tr.without_zero_frequency()
    elif bath.slope is None and np.any(tr.kind == 0):
        raise ValueError(
            f"baths[{k}].op has matrix elements inside eigenspaces (zero Bohr frequency), "
            "whose rate kappa T lim J(w)/w a custom spectral_density does not fix: pass "
            "J_zero_slope= (0 drops that channel)")
    jv = np.zeros(tr.n)
    nz = tr.kind != 0
    jv[nz] = spectral_values(np.abs(tr.omega[nz]), bath.spectral_density, bath.cutoff,
                             f"baths[{k}].spectral_density")
    return tr, jv
