"""Full Liouvillians of thermal models on grids of temperatures and couplings (small systems)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .generators import superoperator
from .structure import structure_of

__all__ = ["liouvillians", "MAX_BYTES"]

#: Largest stack of dense Liouvillians :func:`liouvillians` allocates (bytes).
MAX_BYTES = 2 * 2**30


def liouvillians(model: Any, temperatures: Any = None, kappas: Any = None) -> np.ndarray:
    """Dense Liouvillians of a thermal model (global or local) over a grid.

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        A thermal model.
    temperatures, kappas : array_like, shape (..., n_baths), optional
        Bath temperatures and couplings (default: the model's).

    Returns
    -------
    ndarray, complex, shape (..., d**2, d**2)
        Equal, point by point, to ``model.liouvillian().full()`` of the model built at those
        temperatures (QuTiP's column stacking, ``vec(rho) = rho.ravel(order="F")``), in
        1/time units.

    Raises
    ------
    ValueError
        Not a thermal model, invalid grids, or a stack larger than :data:`MAX_BYTES`.
    """
    s = structure_of(model)
    rates = s.rates(temperatures, kappas)
    grid = rates[0].shape[:-1]
    d = s.d
    D = d * d
    need = 16 * D * D * max(1, int(np.prod(grid)))
    if need > MAX_BYTES:
        raise ValueError(
            f"the Liouvillians would take {need / 2**30:.3g} GiB (d = {d}, grid {grid}); "
            f"the limit is {MAX_BYTES / 2**30:g} GiB: use qbtoolkit.thermo.steady_states for "
            "global models (no Liouvillian is formed), or a smaller grid")
    eye = np.eye(d)
    L = -1j * (np.kron(eye, s.H) - np.kron(s.H.T, eye))
    out = np.broadcast_to(L, grid + (D, D)).copy()
    for tr, g, basis in zip(s.transitions, rates, s.bases, strict=True):
        S = superoperator(tr, np.sqrt(g), d)
        if basis.V is not None:
            U = np.kron(basis.V.conj(), basis.V)  # vec(V X V^dag) = (V* (x) V) vec(X)
            S = U @ S @ U.conj().T
        out += S
    return out
