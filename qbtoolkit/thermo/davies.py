"""The global (Davies) master equation of any system coupled to thermal baths.

For a system Hamiltonian :math:`H` and baths :math:`k` coupled through Hermitian operators
:math:`A_k`, the Born-Markov-secular generator is (Breuer & Petruccione, Eq. 3.140; Davies,
Commun. Math. Phys. 39, 91 (1974))

.. math::

    \\mathcal L\\rho = -i[H, \\rho] + \\sum_k \\mathcal D_k\\rho,\\qquad
    \\mathcal D_k\\rho = \\sum_\\omega \\gamma_k(\\omega)\\Big(A_k(\\omega)\\rho
    A_k^\\dagger(\\omega) - \\tfrac12\\{A_k^\\dagger(\\omega)A_k(\\omega), \\rho\\}\\Big),

with :math:`A_k(\\omega)` the Bohr components of :math:`A_k` in :math:`H`'s eigenbasis
(:mod:`qbtoolkit.thermo.bohr`: degenerate levels and Bohr frequencies grouped, tolerances
relative to the spectrum's spread) and rates :math:`\\gamma_k` obeying detailed balance at the
bath's temperature (:mod:`qbtoolkit.thermo.spectral`). The Lamb shift (a Hamiltonian that
commutes with :math:`H`) is neglected. Each :math:`\\mathcal D_k` has the Gibbs state of
:math:`H` at :math:`T_k` as a stationary state; the generator is covariant
(:math:`e^{-iHt}\\mathcal L(\\rho)e^{iHt} = \\mathcal L(e^{-iHt}\\rho e^{iHt})`), which the fast
steady states exploit (:mod:`qbtoolkit.thermo.steady`).
"""

from __future__ import annotations

from typing import Any

from .bohr import eigenbasis
from .structure import ThermalStructure
from .system import bath_transitions, check_baths, coupling_array, system_hamiltonian

__all__ = ["global_structure"]


def global_structure(H: Any, baths: Any) -> ThermalStructure:
    """Bohr decomposition of every bath's coupling in ``H``'s eigenbasis (global ME).

    Parameters
    ----------
    H : Qobj or ndarray, shape (d, d)
        Hermitian system Hamiltonian (energy units), any dims, degenerate or not.
    baths : sequence of Bath
        The baths (``H_local`` is refused: it belongs to the local master equation).

    Returns
    -------
    ThermalStructure
        ``master_equation = "global"``; no collapse operators are formed (work in ``H``'s
        eigenbasis with :func:`qbtoolkit.thermo.steady_states`, ``heat_currents``, ...).

    Raises
    ------
    ValueError
        Invalid ``H`` or baths, coupling operators of the wrong dims, an ambiguous grouping of
        Bohr frequencies, a custom spectral density without ``J_zero_slope`` where needed.
    """
    Harr, dims, eps_in = system_hamiltonian(H)
    baths = check_baths(baths)
    eig = eigenbasis(Harr, eps_in)
    trs, jvs = [], []
    for k, bath in enumerate(baths):
        if bath.H_local is not None:
            raise ValueError(f"baths[{k}].H_local is used by the local master equation only; "
                             "the global one takes the Bohr frequencies of the whole H")
        A = coupling_array(bath, k, dims)
        tr, jv = bath_transitions(bath, k, eig.to_basis(A), eig, eig.V is not None)
        trs.append(tr)
        jvs.append(jv)
    return ThermalStructure("global", Harr, dims, eig, baths, (eig,) * len(baths), tuple(trs),
                            tuple(jvs))
