"""The local master equation: each bath's dissipator from its own subsystems' Hamiltonian.

Bath :math:`k` touches the subsystems :math:`S_k` (``Bath(..., subsystems=...)``) with the
local Hamiltonian :math:`h_k` on them (``Bath(..., H_local=...)``; default the partial-trace
projection :math:`\\mathrm{Tr}_{\\bar S_k}H/d_{\\bar S_k}`, the bare Hamiltonian of the subsystems
when the interactions are traceless on each side, as for XX/XXZ/ZZ couplings of qubits). Its
dissipator is the Davies dissipator of :math:`A_k` with respect to :math:`h_k\\otimes 1` (Bohr
frequencies and jump operators of the subsystems alone), while the unitary part keeps the
whole :math:`H`:

.. math::

    \\dot\\rho = -i[H, \\rho] + \\sum_k \\mathcal D_k^{(h_k)}\\rho .

This is the usual "local approach" (Levy & Kosloff, EPL 107, 20004 (2014); Hofer et al.,
New J. Phys. 19, 123037 (2017)), valid when the inter-subsystem couplings are weak compared
with the dissipation. Measured with the whole :math:`H`, its heat currents can violate the
second law (Levy & Kosloff); measured with the local Hamiltonians they cannot (Spohn's
inequality holds per bath). The coupling ``op`` must act on :math:`S_k` only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_hamiltonian, check_dims_match
from .bohr import Eigenbasis, eigenbasis
from .structure import ThermalStructure
from .system import (
    bath_transitions,
    check_baths,
    coupling_array,
    embed_array,
    local_part,
    system_hamiltonian,
)

__all__ = ["local_structure"]


def _embedded_basis(loc: Eigenbasis, subs: list[int], dims: tuple[int, ...]) -> Eigenbasis:
    """The eigenbasis of ``h (x) 1`` built from that of ``h`` (exact repeated eigenvalues)."""
    V = None if loc.V is None else embed_array(loc.V, subs, dims)
    energies = embed_array(loc.energies, subs, dims)
    labels = embed_array(loc.labels, subs, dims)
    return Eigenbasis(energies, V, labels, loc.means, loc.tol)


def local_structure(H: Any, baths: Any) -> ThermalStructure:
    """Bohr decomposition of every bath's coupling with respect to its local Hamiltonian.

    Parameters
    ----------
    H : Qobj or ndarray, shape (d, d)
        Hermitian system Hamiltonian (energy units).
    baths : sequence of Bath
        Each with ``subsystems`` (and optionally ``H_local`` on them); ``op`` on those
        subsystems, or on the whole system acting trivially outside them.

    Returns
    -------
    ThermalStructure
        ``master_equation = "local"``.

    Raises
    ------
    ValueError
        A bath without ``subsystems``, ``H_local`` of the wrong dims, an ``op`` acting outside
        its subsystems, and everything :func:`qbtoolkit.thermo.global_structure` refuses.
    """
    Harr, dims, eps_in = system_hamiltonian(H)
    baths = check_baths(baths)
    trs, jvs, bases = [], [], []
    for k, bath in enumerate(baths):
        if bath.subsystems is None:
            raise ValueError(f"baths[{k}] needs subsystems= for the local master equation "
                             "(the subsystems it couples to)")
        subs = list(bath.subsystems)
        if subs[-1] >= len(dims):
            raise ValueError(f"baths[{k}].subsystems {subs} refer to a subsystem outside "
                             f"0..{len(dims) - 1}")
        sub_dims = [dims[i] for i in subs]
        if bath.H_local is not None:
            check_dims_match(bath.H_local.dims[0], sub_dims, f"baths[{k}].H_local",
                             f"subsystems {subs}")
            h = as_hamiltonian(bath.H_local.full(), f"baths[{k}].H_local")
        else:
            h = local_part(Harr, subs, dims)
            h = (h + h.conj().T) / 2
        A = coupling_array(bath, k, dims)
        A_loc = local_part(A, subs, dims)
        scale = float(np.max(np.abs(A)))
        if np.max(np.abs(A - embed_array(A_loc, subs, dims))) > 1e-12 * scale:
            raise ValueError(f"baths[{k}].op acts outside its subsystems {subs}: the local "
                             "master equation needs a local coupling")
        loc = _embedded_basis(eigenbasis(h, eps_in), subs, dims)
        tr, jv = bath_transitions(bath, k, loc.to_basis(A), loc, loc.V is not None)
        trs.append(tr)
        jvs.append(jv)
        bases.append(loc)
    eig = eigenbasis(Harr, eps_in)
    return ThermalStructure("local", Harr, dims, eig, baths, tuple(bases), tuple(trs),
                            tuple(jvs))
