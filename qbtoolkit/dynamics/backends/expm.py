"""Exact propagation with the Liouvillian's exponential: ``vec(rho(t)) = exp(L t) vec(rho0)``.

Uses :func:`scipy.sparse.linalg.expm_multiply` (Al-Mohy & Higham, SIAM J. Sci. Comput. 33,
488 (2011)): no ODE integrator, accurate to double precision, fast for small and moderately
sized time-independent models. Uniform output grids are propagated in one call per chunk
(``start``/``stop``/``num``); other grids step from one output time to the next.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse.linalg as spla

from ..._memory import check_memory, liouvillian_nnz_bound, sparse_bytes
from .base import Backend, Request

__all__ = ["BACKEND", "is_uniform"]

#: Bytes of output vectors per chunk.
CHUNK_BYTES = 2**26


def is_uniform(times: np.ndarray, rtol: float = 1e-10) -> bool:
    """True if the steps of ``times`` agree to ``rtol`` relative to the first step.

    Parameters
    ----------
    times : ndarray, shape (T,)
        Increasing times.
    rtol : float, default 1e-10
        Relative tolerance on the steps.

    Returns
    -------
    bool
        Whether one ``expm_multiply`` sweep on a uniform grid applies (True for ``T < 3``).
    """
    if len(times) < 3:
        return True
    dt = np.diff(times)
    return bool(np.all(np.abs(dt - dt[0]) <= rtol * dt[0]))


def run(req: Request) -> dict[str, Any]:
    model, times, sink = req.model, req.times, req.sink
    d = int(np.prod(model.dims))
    chunk = max(2, CHUNK_BYTES // (16 * d * d))
    nnz = liouvillian_nnz_bound(model.H, model.c_ops, model.superoperator)
    check_memory(sparse_bytes(nnz) + 4 * 16 * d * d * min(len(times), chunk),
                 "method='expm' (the sparse Liouvillian and a chunk of states)",
                 "Use method='blocks' or 'auto' for structured networks, or 'mesolve'.")
    L = model.liouvillian().to("csr").data.as_scipy()
    v = req.rho0.full().ravel(order="F")  # QuTiP's column stacking: vec[j d + i] = rho[i, j]
    if times[0] != 0.0:
        v = spla.expm_multiply(L * times[0], v)
    uniform = is_uniform(times)
    i = 0
    while i < len(times):
        j = min(len(times), i + chunk)
        ts = times[i:j]
        if uniform and len(ts) > 1:
            vecs = spla.expm_multiply(L, v, start=0.0, stop=ts[-1] - ts[0], num=len(ts),
                                      endpoint=True)
        else:
            vecs = np.empty((len(ts), d * d), dtype=complex)
            t_prev = ts[0]
            for k, t in enumerate(ts):
                if t != t_prev:
                    v = spla.expm_multiply(L * (t - t_prev), v)
                vecs[k], t_prev = v, t
        vecs = np.asarray(vecs)
        v = vecs[-1]
        sink.add(vecs.reshape(len(ts), d, d).transpose(0, 2, 1))
        if j < len(times):
            v = spla.expm_multiply(L * (times[j] - ts[-1]), v)
        i = j
    return {"route": "scipy.sparse.linalg.expm_multiply", "liouvillian_nnz": int(L.nnz)}


BACKEND = Backend(
    name="expm",
    run=run,
    options={},
    summary="exact exp(L t) rho0 with scipy's expm_multiply; time-independent models of "
            "moderate size",
)
