"""``method="auto"``: the fastest exact route that provably applies, and why it was chosen.

In order:

1. time-dependent ``H`` or ``c_ops`` -> ``mesolve`` (the only integrator of them);
2. an extra ``superoperator`` term -> ``expm`` (exact ``exp(L t)`` of the whole generator);
3. an all-to-all uniform :func:`qbtoolkit.models.network` with its own permutation-invariant
   initial state, when only energy and ergotropy are asked -> ``permutation`` (Dicke basis,
   ``O(N^3)`` numbers);
4. a phase-covariant model (diagonal ``H_battery`` commuting with ``H``, every dissipator
   shifting it by a fixed amount) -> ``blocks`` (energy-difference blocks in the frame
   rotating with ``H_battery``);
5. any other static model -> ``sectors`` (reachable charge sectors, verified cell
   permutations, one triangle of Hermitian sectors), or ``matrix_free`` (the generator
   applied to the dense blocks of ``rho``, never assembled) when the reduced generator would
   need more than ``options["generator_bytes"]``.

The choice and its reason are in ``Trajectory.meta["selected"]`` and ``meta["reason"]``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ...metrics import energy, ergotropy
from . import blocks, expm, matrix_free, mesolve, permutation, sectors
from .base import Backend, Request

__all__ = ["BACKEND", "choose"]

_ROUTES = {b.name: b for b in (mesolve.BACKEND, expm.BACKEND, blocks.BACKEND,
                               permutation.BACKEND, sectors.BACKEND, matrix_free.BACKEND)}


def _permutation_applies(req: Request) -> bool:
    model, sink = req.model, req.sink
    try:
        permutation._network_params(model)
    except ValueError:
        return False
    if any(f not in (energy, ergotropy) for f in sink.metrics.values()):
        return False
    if sink.states is not None or len(sink.e_ops):
        return False
    return bool(np.array_equal(req.rho0.full(), model.rho0.full()))


def choose(req: Request) -> tuple[str, str]:
    """``(method, reason)``: the fastest exact route that applies to a request.

    Time-dependent models go to ``"mesolve"``, models with an extra superoperator to
    ``"expm"``, uniform all-to-all networks asking only for energetic metrics to
    ``"permutation"``, phase-covariant models to ``"blocks"``, other static models to
    ``"sectors"`` (or ``"matrix_free"`` when the reduced generator would exceed the
    ``generator_bytes`` budget).

    Parameters
    ----------
    req : Request
        The validated request (its ``options["generator_bytes"]`` is the memory budget).

    Returns
    -------
    method : str
        The backend name.
    reason : str
        Why, in words (recorded in ``Trajectory.meta["reason"]``).
    """
    model = req.model
    if model.is_time_dependent:
        return "mesolve", "H or c_ops are time dependent: only mesolve integrates them"
    if model.superoperator is not None:
        return "expm", ("the model has an extra superoperator term: exact exp(L t) of the whole "
                        "generator")
    if _permutation_applies(req):
        return "permutation", ("all-to-all uniform network with a permutation-invariant "
                               "initial state, energy/ergotropy only: Dicke basis")
    if blocks.is_phase_covariant(model):
        return "blocks", ("phase-covariant: diagonal H_battery commutes with H and every "
                          "dissipator shifts it by a fixed amount (energy-difference blocks, "
                          "rotating frame)")
    d = int(np.prod(model.dims))
    budget = req.options["generator_bytes"]
    # skip the estimate when even d^2 elements with 64 nonzeros each fit the budget
    need = sectors.generator_bytes(model, req.rho0.full()) if 1280.0 * d * d > budget else 0.0
    if need > budget:
        return "matrix_free", (f"static model whose reduced generator would need ~"
                               f"{need / 2**30:.1f} GiB: applied matrix-free to the dense "
                               "blocks of rho")
    return "sectors", ("static model: reachable charge sectors, verified cell permutations and "
                       "Hermitian half of the Liouville space")


def run(req: Request) -> dict[str, Any]:
    name, reason = choose(req)
    backend = _ROUTES[name]
    opts = dict(backend.options)
    if "tol" in opts:
        opts["tol"] = req.options["tol"]
    if "max_bytes" in opts:
        opts["max_bytes"] = req.options["max_bytes"]
    if name == "sectors":
        opts["generator_bytes"] = max(req.options["generator_bytes"], opts["generator_bytes"])
    if name == "blocks" and not np.array_equal(req.rho0.full(), req.model.rho0.full()):
        opts["symmetry"] = False  # its symmetry is that of the model's own initial state
    # the collector drives the progress bar; a route with its own bar gets none
    sub = dataclasses.replace(req, options=opts,
                              progress_bar="" if backend.own_progress else req.progress_bar)
    meta = backend.run(sub)
    return {"selected": name, "reason": reason, **meta}


BACKEND = Backend(
    name="auto",
    run=run,
    options={"tol": 1e-12, "max_bytes": 1e9, "generator_bytes": 8e9},
    summary="the fastest exact route that provably applies (mesolve for time-dependent "
            "models); the choice and its reason in Trajectory.meta",
    time_dependent=True,
)
