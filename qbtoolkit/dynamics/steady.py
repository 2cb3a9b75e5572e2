"""Steady states of dissipative models: :func:`steady_state`."""

from __future__ import annotations

from typing import Any

import qutip

from ..models.base import BatteryModel

__all__ = ["steady_state"]


def steady_state(model: BatteryModel, **kwargs: Any) -> qutip.Qobj:
    """Steady state ``L rho_ss = 0`` of a dissipative model (``qutip.steadystate``).

    Parameters
    ----------
    model : BatteryModel
        A time-independent model with at least one collapse operator.
    **kwargs
        Forwarded to :func:`qutip.steadystate` (``method``, ``solver``, ...).

    Returns
    -------
    Qobj
        The steady-state density matrix (full system).

    Raises
    ------
    ValueError
        Not a BatteryModel; no collapse operators (no unique steady state); time dependent.
    """
    if not isinstance(model, BatteryModel):
        raise ValueError(f"model must be a BatteryModel, got {type(model).__name__}")
    if model.is_time_dependent:
        raise ValueError("a time-dependent model has no steady state in general")
    if not model.c_ops:
        raise ValueError("model has no collapse operators: its steady state is not unique")
    return qutip.steadystate(model.H, list(model.c_ops), **kwargs)
