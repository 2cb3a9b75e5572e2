"""How much memory a model or a propagation needs, and the limit it must stay under.

Builders call :func:`check_memory` with an estimate *before* they allocate anything, so that a
model that cannot fit (``network(40)`` holds a ``2^40 x 2^40`` density matrix) is refused at
once with a message saying what to do, instead of dying with ``MemoryError`` after filling the
machine.

The limit is the physical memory available now (``MemAvailable`` of ``/proc/meminfo``, or
``os.sysconf`` where there is no ``/proc``), or the value of the environment variable
``QBTOOLKIT_MAX_MEMORY_GB`` (in GB = 1e9 bytes) when it is set.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import Any

__all__ = [
    "ENV_VAR",
    "DENSE_STATE_COPIES",
    "memory_limit",
    "check_memory",
    "dense_state_bytes",
    "sparse_bytes",
    "model_bytes",
    "liouvillian_nnz_bound",
    "format_bytes",
    "format_count",
]

#: Environment variable overriding the memory limit (GB = 1e9 bytes, a positive number).
ENV_VAR = "QBTOOLKIT_MAX_MEMORY_GB"

#: Dense ``d x d`` complex matrices alive at once while a model is built and first evolved:
#: ``rho0`` itself, the copies its validation makes (its adjoint, the difference, a Cholesky
#: factor of a shifted copy for the positivity test), and the state an integrator propagates.
DENSE_STATE_COPIES = 6

#: Bytes of one stored entry of a sparse operator: a complex128 value and an int64 index.
SPARSE_ENTRY_BYTES = 24

#: Bytes of one dense complex128 entry.
COMPLEX_BYTES = 16


def _available_physical_bytes() -> tuple[float, str] | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return (float(line.split()[1]) * 1024.0,
                            "the available physical memory, MemAvailable in /proc/meminfo")
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    if pages > 0 and size > 0:
        return float(pages) * float(size), "the available physical memory, from os.sysconf"
    return None


def memory_limit() -> tuple[float, str]:
    """The memory limit in bytes and where it comes from.

    Returns
    -------
    (float, str)
        ``QBTOOLKIT_MAX_MEMORY_GB * 1e9`` when the variable is set, else the available physical
        memory; ``inf`` when neither is known.

    Raises
    ------
    ValueError
        ``QBTOOLKIT_MAX_MEMORY_GB`` is set but is not a positive finite number.
    """
    raw = os.environ.get(ENV_VAR)
    if raw is not None and raw.strip() != "":
        try:
            gb = float(raw)
        except ValueError:
            gb = math.nan
        if not math.isfinite(gb) or gb <= 0:
            raise ValueError(f"{ENV_VAR} must be a positive number of GB, got {raw!r}")
        return gb * 1e9, f"set by {ENV_VAR}={raw}"
    found = _available_physical_bytes()
    if found is None:
        return math.inf, "unknown (no memory information on this system)"
    return found


def format_count(n: int | float) -> str:
    """An exact count below 10^7, else ``"1.1e+12"`` (``"10^1233"`` beyond the float range)."""
    if n < 10**7:
        return str(int(n))
    if isinstance(n, int) and n > 10**300:
        return f"10^{math.log10(n):.0f}"
    return f"{float(n):.3g}"


def format_bytes(nbytes: float | int) -> str:
    """``"3.7 GB"``-style size; works for integers beyond the float range."""
    if isinstance(nbytes, int) and nbytes > 10**300:
        return f"10^{math.log10(nbytes) - 9:.0f} GB"
    x = float(nbytes)
    if x >= 1e9:
        return f"{x / 1e9:.3g} GB"
    if x >= 1e6:
        return f"{x / 1e6:.3g} MB"
    return f"{x / 1e3:.3g} kB"


def dense_state_bytes(d: int, copies: int = DENSE_STATE_COPIES) -> int:
    """Bytes of ``copies`` dense complex ``d x d`` matrices (exact integer, any ``d``)."""
    return int(copies) * COMPLEX_BYTES * int(d) ** 2


def sparse_bytes(nnz: float | int) -> int:
    """Bytes of a sparse operator with ``nnz`` stored entries."""
    return SPARSE_ENTRY_BYTES * int(nnz)


def model_bytes(d: int, operator_nnz: float | int = 0, superoperator_nnz: float | int = 0) -> int:
    """Estimated peak memory of building a model of dimension ``d`` and starting to evolve it.

    Parameters
    ----------
    d : int
        Hilbert-space dimension of the model (product of its subsystem dimensions).
    operator_nnz : int
        Stored entries of all its sparse operators (H, collapse operators, H_battery, local
        Hamiltonians and the intermediate site operators), an upper estimate.
    superoperator_nnz : int
        Stored entries of an extra superoperator (dissipation in a Dicke basis).

    Returns
    -------
    int
        Bytes: :data:`DENSE_STATE_COPIES` dense ``d x d`` states plus the sparse operators.
    """
    return dense_state_bytes(d) + sparse_bytes(int(operator_nnz) + int(superoperator_nnz))


def check_memory(nbytes: float | int, what: str, advice: str = "") -> None:
    """Refuse a computation whose estimated memory exceeds :func:`memory_limit`.

    Parameters
    ----------
    nbytes : int or float
        The estimate (bytes).
    what : str
        What needs it, e.g. ``"network(N=40): the 2^40-dimensional density matrix"``.
    advice : str
        What to do instead (a smaller size, a reduced basis, another method).

    Raises
    ------
    ValueError
        The estimate exceeds the limit; the message gives the estimate, the limit and its
        source, ``advice``, and how to change the limit.
    """
    limit, source = memory_limit()
    if nbytes <= limit:
        return
    text = (f"{what} needs about {format_bytes(nbytes)} of memory, more than the limit of "
            f"{format_bytes(limit)} ({source}).")
    if advice:
        text += f" {advice}"
    text += f" (Set {ENV_VAR} to change the limit.)"
    raise ValueError(text)


def _nnz(op: Any) -> int:
    """Stored entries of a Qobj (all entries for a dense one)."""
    import qutip.core.data as _data

    data = op.data
    if isinstance(data, _data.Dense):
        return int(op.shape[0] * op.shape[1])
    return int(_data.to(_data.CSR, data).as_scipy().nnz)


def liouvillian_nnz_bound(H: Any, c_ops: Iterable[Any] = (), superoperator: Any = None) -> int:
    """Upper bound on the stored entries of ``qutip.liouvillian(H, c_ops)`` (+ ``superoperator``).

    ``spre(A) = 1 (x) A`` and ``spost(A)`` have ``d nnz(A)`` entries each and
    ``sprepost(L, L^dag)`` has ``nnz(L)^2``, so
    ``nnz <= 2 d nnz(H) + sum_k (nnz(L_k)^2 + 2 d nnz(L_k^dag L_k)) + nnz(S)``, computed from
    the operators without building the superoperator. A solver front can compare
    :func:`sparse_bytes` of it with :func:`memory_limit` before it builds the generator.

    Parameters
    ----------
    H : Qobj
        Hamiltonian (static; for a ``QobjEvo`` pass ``H(0)``, the pattern is the same).
    c_ops : iterable of Qobj
        Collapse operators.
    superoperator : Qobj, optional
        An extra superoperator term.

    Returns
    -------
    int
        The bound.
    """
    d = int(H.shape[0])
    total = 2 * d * _nnz(H)
    for c in c_ops:
        n = _nnz(c)
        total += n * n + 2 * d * _nnz(c.dag() * c)
    if superoperator is not None:
        total += _nnz(superoperator)
    return int(total)
