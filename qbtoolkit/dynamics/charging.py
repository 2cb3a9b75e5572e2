"""Charging power of a model and the quantum advantage ratio of collective charging.

``P(t) = (X(t) - X(0)) / t`` with ``X`` the battery energy (or ergotropy), and
``Gamma = P_max(collective) / P_max(parallel)`` (Binder et al., NJP 17, 075015 (2015);
Campaioli et al., PRL 118, 150601 (2017)).
"""

from __future__ import annotations

from typing import Any

from .._validate import check_positive, check_real
from ..analysis import optimal_power
from ..models.base import BatteryModel
from .evolve import evolve

__all__ = ["max_average_power", "quantum_advantage"]


def max_average_power(
    model: BatteryModel, tlist: Any, *, ergotropic: bool = False, method: str = "expm"
) -> tuple[float, float]:
    """``(t_P, P_max)``: the maximum over ``tlist`` of ``P(t) = (X(t) - X(0)) / t``.

    Parameters
    ----------
    model : BatteryModel
        The charging model.
    tlist : array_like
        Times bracketing the peak (inverse energy units).
    ergotropic : bool, default False
        ``X`` is the ergotropy instead of the energy (exact for models with a reduced
        representation, e.g. the cavity kinds of ``models.collective_battery``).
    method : str, default "expm"
        ``evolve`` method.

    Returns
    -------
    Peak
        ``(t_P, P_max)``: the time of the peak (refined on a spline,
        :func:`qbtoolkit.analysis.optimal_power`) and the peak power (energy units per unit
        time); ``at_edge`` when the power is largest at the last time.

    Raises
    ------
    ValueError
        ``ergotropic`` not a bool, or anything :func:`qbtoolkit.evolve` or
        :func:`qbtoolkit.analysis.optimal_power` refuses.
    """
    if not isinstance(ergotropic, bool):
        raise ValueError(f"ergotropic must be True or False, got {ergotropic!r}")
    name = "ergotropy" if ergotropic else "energy"
    traj = evolve(model, tlist, method=method)
    X = traj.evaluate([name])[name].values
    return optimal_power(traj.times, X)


def quantum_advantage(P_collective: float, P_parallel: float) -> float:
    """``Gamma = P_max(collective) / P_max(parallel)`` (Campaioli et al., PRL 118, 150601).

    ``Gamma > 1``: collective assembling charges faster; ``Gamma < 1``: parallel wins.

    Parameters
    ----------
    P_collective : float
        Peak average power of the collective charger (energy per time).
    P_parallel : float
        Peak average power of the parallel charger (same unit), > 0.

    Returns
    -------
    float
        The ratio ``Gamma`` (dimensionless).

    Raises
    ------
    ValueError
        ``P_collective`` not a real number, or ``P_parallel`` not > 0.
    """
    P_collective = check_real(P_collective, "P_collective")
    P_parallel = check_positive(P_parallel, "P_parallel")
    return P_collective / P_parallel
