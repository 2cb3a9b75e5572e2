"""Steady states of dissipative models: :func:`steady_state`.

Every steady state returned is unique; a model whose long-time state depends on where it
starts is refused with the reason. Thermal (Davies) models take the fast route of
:mod:`qbtoolkit.thermo.steady` (the block-diagonal sector in ``H``'s eigenbasis, whose
uniqueness decides that of the whole generator); every other model gets a uniqueness test of
its Liouvillian (:func:`qbtoolkit.thermo.check_unique_liouvillian`: the kernel dimension by SVD
for ``d <= 16``, else the condition number of the bordered sparse Liouvillian from one LU
factorisation) before ``qutip.steadystate``.
"""

from __future__ import annotations

from typing import Any

import qutip

from ..models.base import BatteryModel
from ..thermo import check_unique_liouvillian, steady_states
from ..thermo.structure import matching_structure

__all__ = ["steady_state"]


def steady_state(model: BatteryModel, **kwargs: Any) -> qutip.Qobj:
    """The unique steady state ``L rho_ss = 0`` of a dissipative model.

    Parameters
    ----------
    model : BatteryModel
        A time-independent model with collapse operators (or a ``superoperator``).
    **kwargs : Any
        Forwarded to :func:`qutip.steadystate` (``method``, ``solver``, ...). Without them a
        global thermal model (:func:`qbtoolkit.models.thermal_model`,
        :func:`~qbtoolkit.models.thermal_network`) is solved in its block-diagonal sector
        (a Pauli rate equation for a non-degenerate spectrum), which agrees with
        ``qutip.steadystate`` of its full Liouvillian to round-off.

    Returns
    -------
    Qobj
        The steady-state density matrix (full system, the model's dims).

    Raises
    ------
    ValueError
        Not a BatteryModel; time dependent; no dissipation; a steady state that is not unique
        (the message says why and what to do instead: evolve from an initial state, or add a
        bath that connects the stationary states).

    Examples
    --------
    The driven, damped atom against its closed form ``rho_ee = x^2 / (1 + 2 x^2)``,
    ``x = Omega / gamma``; a model without dissipation is refused:

    >>> import qbtoolkit as qb
    >>> rho = qb.steady_state(qb.models.driven_atom(Omega=2.0, gamma=1.0))
    >>> print(round(rho.full()[1, 1].real, 9), round(4 / (1 + 2 * 4), 9))
    0.444444444 0.444444444
    >>> qb.steady_state(qb.models.driven_atom(Omega=1.0))
    Traceback (most recent call last):
        ...
    ValueError: model has no collapse operators: its steady state is not unique ...
    """
    if not isinstance(model, BatteryModel):
        raise ValueError(f"model must be a BatteryModel, got {type(model).__name__}")
    if model.is_time_dependent:
        raise ValueError("a time-dependent model has no steady state in general")
    if not model.c_ops and model.superoperator is None:
        raise ValueError("model has no collapse operators: its steady state is not unique "
                         "(every eigenstate of H is stationary); evolve from an initial state "
                         "instead")
    dims = model.dims
    s = matching_structure(model)
    if s is not None and s.master_equation == "global" and not kwargs:
        return qutip.Qobj(steady_states(s), dims=[dims, dims])
    L = model.liouvillian()
    check_unique_liouvillian(L)
    return qutip.steadystate(L, **kwargs)
