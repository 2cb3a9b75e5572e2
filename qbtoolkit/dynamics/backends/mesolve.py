"""The reference route: :func:`qutip.mesolve` (any model, time-dependent ones included).

QuTiP integrates from the first time of its ``tlist``; ``rho0`` is the state at ``t = 0``, so
``t = 0`` is prepended when the output times start later and its state is not returned. The
states are taken from QuTiP's integration loop one output time at a time (through an
``e_ops`` callable) and handed to the collector in chunks, so ``store_states=False`` keeps
only a chunk in memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .base import Backend, Request

__all__ = ["BACKEND", "OPTIONS"]

#: Integrator options of every QuTiP ME integrator, and the solver options the front does not
#: handle itself; ``None`` means QuTiP's default. The tolerances are tighter than QuTiP's
#: (atol 1e-8, rtol 1e-6): at those a pure state's density matrix comes out with eigenvalues
#: down to about -1e-6, which the toolkit's state checks (1e-6) would refuse downstream.
_INTEGRATOR_KEYS = sorted({k for cls in qutip.MESolver.avail_integrators().values()
                           for k in cls.integrator_options})
OPTIONS: dict[str, Any] = {"method": None, "normalize_output": None,
                           **{k: None for k in _INTEGRATOR_KEYS}, "atol": 1e-10, "rtol": 1e-8}

#: Bytes of states handed to the collector at a time.
CHUNK_BYTES = 2**26


def run(req: Request) -> dict[str, Any]:
    model, times, sink = req.model, req.times, req.sink
    prepend = times[0] != 0.0
    tlist = np.concatenate([[0.0], times]) if prepend else times
    d = int(np.prod(model.dims))
    chunk = max(1, CHUNK_BYTES // (16 * d * d))
    buf: list[np.ndarray] = []
    seen = [0]

    def capture(t: float, state: qutip.Qobj) -> float:
        seen[0] += 1
        if prepend and seen[0] == 1:
            return 0.0
        buf.append(state.full())
        if len(buf) >= chunk:
            sink.add(np.stack(buf))
            buf.clear()
        return 0.0

    opts = {k: v for k, v in req.options.items() if v is not None}
    # the toolkit's default tolerances go only to integrators that take them
    known = qutip.MESolver.avail_integrators().get(opts.get("method", "adams"))
    if known is not None:
        for key in ("atol", "rtol"):
            if key not in known.integrator_options and opts.get(key) == OPTIONS[key]:
                del opts[key]
    opts.update(store_states=False, store_final_state=False, progress_bar=req.progress_bar,
                progress_kwargs={"chunk_size": 10, **req.progress_kwargs})
    # an extra superoperator term: QuTiP integrates the whole generator given as H
    H, c_ops = ((model.liouvillian(), []) if model.superoperator is not None
                else (model.H, list(model.c_ops)))
    try:
        # no automatic tidy-up (absolute 1e-14) while QuTiP builds the generator: it would
        # erase the small terms of a model whose energies are ~1e-12
        with qutip.CoreOptions(auto_tidyup=False):
            qutip.mesolve(H, req.rho0, tlist, c_ops=c_ops,
                          e_ops={"_qbtoolkit_state": capture}, args=dict(req.args) or None,
                          options=opts)
    except KeyError as exc:  # QuTiP refuses an option its chosen integrator does not take
        raise ValueError(f"options: {exc.args[0]} (integrator {opts.get('method', 'adams')!r})"
                         ) from None
    if buf:
        sink.add(np.stack(buf))
    return {"route": "qutip.mesolve", "integrator": opts.get("method", "adams")}


BACKEND = Backend(
    name="mesolve",
    run=run,
    options=OPTIONS,
    summary="qutip.mesolve: adaptive ODE integration of the Lindblad equation; any model, "
            "time-dependent H and c_ops included",
    time_dependent=True,
    own_progress=True,
)
