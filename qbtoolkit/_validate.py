"""Input validation shared by every public entry point.

All checks raise :class:`ValueError` with a message that names the offending argument and
says what was expected, so errors read the same everywhere in the toolkit.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import qutip

from ._threads import batched

#: Default absolute tolerance for the Hermiticity, unit-trace and positivity checks of states.
#: Loose enough for states returned by ODE solvers at their default accuracy
#: (``qutip.mesolve``: atol 1e-8 per element, eigenvalues down to about -1e-7), tight enough
#: to catch any real error (a wrong normalisation or sign).
ATOL = 1e-6

#: Relative tolerance for the Hermiticity check of double-precision Hamiltonians:
#: ``max |H - H^dag| <= H_RTOL * max |H_ij|``. Lower-precision input (float32, complex64)
#: gets ``8 sqrt(d)`` times its machine epsilon instead when that is larger.
H_RTOL = 1e-10


def check_int(value: Any, name: str, minimum: int | None = None) -> int:
    """Return ``value`` as ``int``; it must be integral and ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def check_real(value: Any, name: str) -> float:
    """Return ``value`` as a finite ``float`` (strings and bools are not numbers here)."""
    if isinstance(value, str | bytes | bool | np.bool_):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if isinstance(value, complex) and value.imag != 0:
        raise ValueError(f"{name} must be real, got {value!r}")
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def _check_nonnegative(value: Any, name: str, what: str) -> float:
    out = check_real(value, name)
    if out < 0:
        raise ValueError(f"{name} is {what} and must be >= 0, got {out}")
    return out


def check_rate(value: Any, name: str) -> float:
    """A rate (1/time): a finite real number ``>= 0``."""
    return _check_nonnegative(value, name, "a rate")


def check_positive(value: Any, name: str) -> float:
    """A finite real number ``> 0`` (a frequency, a time step, ...)."""
    out = check_real(value, name)
    if out <= 0:
        raise ValueError(f"{name} must be > 0, got {out}")
    return out


def check_temperature(value: Any, name: str) -> float:
    """A temperature in energy units (k_B = 1): finite and ``>= 0`` (0 means the vacuum)."""
    return _check_nonnegative(value, name, "a temperature")


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """``value`` must be one of ``choices`` (strings)."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(
            f"unknown {name} {value!r}; expected one of {', '.join(map(repr, choices))}"
        )
    return value


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError("<name> contains NaN or inf")`` unless every entry is finite."""
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")


def check_times(tlist: Any, name: str = "tlist") -> np.ndarray:
    """A non-empty, finite, strictly increasing 1-D array of real times ``>= 0``.

    Parameters
    ----------
    tlist : array_like, shape (T,)
        Times (inverse energy units).
    name : str, default "tlist"
        Argument name used in error messages.

    Returns
    -------
    ndarray, shape (T,)
        The times as float64.

    Raises
    ------
    ValueError
        Not real numbers, not 1-D or empty, NaN/inf, not strictly increasing, or starting
        below 0 (the initial state is the state at ``t = 0``).
    """
    arr = np.asarray(tlist)
    if arr.dtype == object or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of times, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be finite and strictly increasing")
    if arr[0] < 0:
        raise ValueError(f"{name} must start at t >= 0 (the initial state is the state at t = 0)")
    return arr


def check_base(base: Any, name: str = "base") -> float:
    """A logarithm base for entropies: a finite real number ``> 1`` (2 for bits, e for nats)."""
    out = check_real(base, name)
    if out <= 1:
        raise ValueError(f"{name} must be a logarithm base > 1 (2 for bits, e for nats), got {out}")
    return out


def _is_index(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool | np.bool_)


def check_subsystems(
    value: Any, n: int, name: str = "subsys", *, leave_one: bool = False
) -> list[int]:
    """Subsystem indices as a sorted list: an integer or a non-empty sequence of distinct
    integers in ``0..n-1`` (no bools, no floats). With ``leave_one`` at least one subsystem
    must stay outside the selection (the other party of a bipartition)."""
    if _is_index(value):
        items = [value]
    elif isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(
            f"{name} must be a subsystem index or a list of indices, got {value!r}"
        )
    else:
        items = list(value)
    if not items:
        raise ValueError(f"{name} must name at least one subsystem, got an empty list")
    for x in items:
        if not _is_index(x):
            raise ValueError(f"{name} must list subsystem indices (integers), got {x!r}")
    out = sorted(int(x) for x in items)
    if out[0] < 0 or out[-1] >= n:
        bad = out[0] if out[0] < 0 else out[-1]
        raise ValueError(f"{name} contains subsystem {bad}; the indices are 0..{n - 1}")
    for a, b in zip(out, out[1:], strict=False):
        if a == b:
            raise ValueError(f"{name} lists subsystem {a} twice")
    if leave_one and len(out) == n:
        raise ValueError(f"{name} must leave at least one subsystem for the other party")
    return out


def check_dims(dims: Any, d: int, name: str = "dims") -> list[int]:
    """Subsystem dimensions: a non-empty list of integers >= 1 whose product is ``d``."""
    if isinstance(dims, str | bytes) or not isinstance(dims, Iterable):
        raise ValueError(f"{name} must be a list of subsystem dimensions, got {dims!r}")
    dims = list(dims)
    if not dims or not all(_is_index(x) and x >= 1 for x in dims):
        raise ValueError(f"{name} must be a non-empty list of integers >= 1, got {dims!r}")
    dims = [int(x) for x in dims]
    if math.prod(dims) != d:
        raise ValueError(f"{name}={dims} multiply to {math.prod(dims)}, not the dimension {d}")
    return dims


def qobj_dims(obj: Any, name: str = "rho") -> list[int] | None:
    """Subsystem dims ``dims[0]`` of a Qobj, or of a sequence of Qobj (which must agree);
    None for arrays."""
    if isinstance(obj, qutip.Qobj):
        return list(obj.dims[0])
    if isinstance(obj, list | tuple) and obj and isinstance(obj[0], qutip.Qobj):
        dims = list(obj[0].dims[0])
        for k, o in enumerate(obj):
            if isinstance(o, qutip.Qobj) and list(o.dims[0]) != dims:
                raise ValueError(
                    f"{name}[{k}] has dims {list(o.dims[0])} but {name}[0] has dims {dims}"
                )
        return dims
    return None


def _to_array(obj: Any, name: str) -> tuple[np.ndarray, bool]:
    """Convert Qobj / ndarray / sequence of Qobj to an array; return (array, is_ket)."""
    if isinstance(obj, qutip.Qobj):
        if obj.isket:
            return obj.full().ravel(), True
        if obj.isbra:
            raise ValueError(f"{name} must be a ket or a density matrix, got a bra")
        if not obj.isoper:
            raise ValueError(f"{name} must be a ket or a density matrix, got a {obj.type}")
        return obj.full(), False
    if isinstance(obj, list | tuple) and obj and all(isinstance(o, qutip.Qobj) for o in obj):
        qobj_dims(obj, name)
        out = []
        for k, o in enumerate(obj):
            a, ket = _to_array(o, f"{name}[{k}]")
            if ket:
                if not np.isfinite(np.linalg.norm(a)):
                    raise ValueError(f"{name}[{k}] contains NaN or inf")
                a = np.outer(a, a.conj())
            out.append(a)
        shapes = {a.shape for a in out}
        if len(shapes) != 1:
            raise ValueError(f"{name}: all states in the sequence must have the same shape")
        return np.stack(out), False
    try:
        arr = np.asarray(obj)
    except Exception as exc:  # pragma: no cover - defensive
        raise ValueError(f"{name} must be a Qobj or an array, got {type(obj).__name__}") from exc
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be a numeric array or Qobj, got dtype {arr.dtype}")
    return arr, arr.ndim == 1


def as_states(
    rho: Any,
    name: str = "rho",
    *,
    allow_ket: bool = True,
    check_positivity: bool = True,
    atol: float = ATOL,
) -> tuple[np.ndarray, bool]:
    """Return ``rho`` as a complex array of density matrices of shape ``(..., d, d)``.

    Parameters
    ----------
    rho : Qobj, ndarray or sequence of Qobj
        A ket (Qobj or 1-D array), a density matrix ``(d, d)`` or a batch ``(..., d, d)``.
        Any precision; the result is complex double.
    name : str
        Argument name used in error messages.
    allow_ket : bool
        If False a ket is an error ("a density matrix is required").
    check_positivity : bool
        Check that every matrix is positive semidefinite (smallest eigenvalue >= -atol).
        Metrics that diagonalise ``rho`` anyway pass ``False`` and call
        :func:`check_spectrum` on the eigenvalues they compute.
    atol : float
        Tolerance for Hermiticity, unit trace and positivity (absolute: a state is
        dimensionless).

    Returns
    -------
    states : ndarray, complex, shape (..., d, d)
    single : bool
        True if one state was given (so a metric returns a float).

    Raises
    ------
    ValueError
        ``"<name> contains NaN or inf"``, or a state that is not Hermitian, of unit trace or
        positive semidefinite (within ``atol``), or of the wrong shape.
    """
    arr = _as_stack(rho, name, allow_ket, atol)
    _check_stack(arr, name, atol, positivity=check_positivity)
    return arr, arr.ndim == 2


def _as_stack(rho: Any, name: str, allow_ket: bool, atol: float) -> np.ndarray:
    """Convert to a complex stack ``(..., d, d)`` (kets become projectors); shape checks."""
    arr, is_ket = _to_array(rho, name)
    if is_ket:
        if not allow_ket:
            raise ValueError(f"{name} must be a density matrix, got a ket")
        norm = np.linalg.norm(arr)
        if not np.isfinite(norm):
            raise ValueError(f"{name} contains NaN or inf")
        if abs(norm - 1) > atol:
            raise ValueError(f"{name} must be a normalised ket, got norm {norm:.6g}")
        arr = np.outer(arr, arr.conj())
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise ValueError(
            f"{name} must be a ket or a square density matrix (..., d, d), got shape {arr.shape}"
        )
    if arr.shape[-1] == 0:
        raise ValueError(f"{name} must have dimension >= 1")
    return np.asarray(arr, dtype=complex)


def states_and_spectrum(
    rho: Any, name: str = "rho", atol: float = ATOL
) -> tuple[np.ndarray, bool, np.ndarray]:
    """Like :func:`as_states` (kets allowed), and also return the ascending eigenvalues
    ``(..., d)`` of every state, computed in the same cache-friendly pass as the checks."""
    arr = _as_stack(rho, name, True, atol)
    return arr, arr.ndim == 2, _check_stack(arr, name, atol, positivity=True, spectrum=True)


def _chunk_checks(a: np.ndarray, spectrum: bool) -> tuple[np.ndarray, ...]:
    """Per-matrix ``max |a - a^dag|`` and trace (and eigenvalues) of a stack ``(k, d, d)``.

    A NaN or inf anywhere in a matrix makes its ``max |a - a^dag|`` NaN or inf (``inf - inf``
    is NaN, ``nan`` propagates through ``max``), so that number doubles as the finiteness
    check; the eigensolver is not run on such a chunk (its eigenvalues are NaN).
    """
    with np.errstate(invalid="ignore"):  # inf - inf: reported as "contains NaN or inf"
        herm = np.abs(a - np.swapaxes(a.conj(), -1, -2)).max(axis=(-2, -1))
    trace = np.trace(a, axis1=-2, axis2=-1).real
    if spectrum:
        if not np.all(np.isfinite(herm)):
            return herm, trace, np.full(a.shape[:-1], np.nan)
        return herm, trace, np.linalg.eigvalsh(a)
    return herm, trace


def _check_stack(
    arr: np.ndarray, name: str, atol: float, positivity: bool, spectrum: bool = False
) -> np.ndarray | None:
    """Finiteness, Hermiticity, unit trace and positivity of a stack, in one pass over the
    data chunked over threads; returns the ascending eigenvalues when ``spectrum``.
    Positivity of large matrices (d > 256) whose spectrum is not wanted uses a Cholesky test
    instead."""
    d = arr.shape[-1]
    eig_in_pass = spectrum or (positivity and d <= 256)
    try:
        out = batched(lambda a: _chunk_checks(a, eig_in_pass), arr)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"{name}: the eigenvalue solver failed on this state ({exc})") from None
    herm_err = float(np.max(out[0], initial=0.0))
    if not np.isfinite(herm_err):
        check_finite(arr, name)  # NaN/inf entries (else finite entries overflowed)
    if herm_err > atol:
        raise ValueError(
            f"{name} must be Hermitian (a density matrix); max |rho - rho^dag| = {herm_err:.3g}"
        )
    bad = np.abs(out[1] - 1) > atol
    if np.any(bad):
        first = np.ravel(out[1])[np.argmax(np.ravel(bad))]
        raise ValueError(f"{name} must have unit trace; got trace {first:.8g}")
    if eig_in_pass:
        check_spectrum(out[2], name, atol)
        return out[2] if spectrum else None
    if positivity and not all(is_positive_semidefinite(m, atol) for m in arr.reshape(-1, d, d)):
        raise ValueError(f"{name} must be positive semidefinite (an eigenvalue below {-atol:g})")
    return None


def is_positive_semidefinite(arr: np.ndarray, atol: float = ATOL) -> bool:
    """True if the Hermitian matrix ``arr`` has no eigenvalue below ``-atol``.

    Small matrices use ``eigvalsh``; large ones (d > 256) a Cholesky factorisation of
    ``arr + atol * I``, which succeeds exactly when ``lambda_min > -atol`` and is several
    times cheaper than a full eigenvalue solve. NaN/inf entries give False.
    """
    if not np.all(np.isfinite(arr)):
        return False
    d = arr.shape[-1]
    try:
        if d <= 256:
            return bool(np.linalg.eigvalsh(arr)[0] >= -atol)
        np.linalg.cholesky(arr + atol * np.eye(d))
    except np.linalg.LinAlgError:
        return False
    return True


def check_spectrum(eigenvalues: np.ndarray, name: str = "rho", atol: float = ATOL) -> None:
    """Raise if any eigenvalue of a state is below ``-atol`` (state not positive) or is not
    finite."""
    if eigenvalues.size and not np.isfinite(np.sum(eigenvalues)):
        raise ValueError(f"{name} contains NaN or inf")
    if eigenvalues.size and np.min(eigenvalues) < -atol:
        raise ValueError(
            f"{name} must be positive semidefinite; smallest eigenvalue {np.min(eigenvalues):.3g}"
        )


def input_eps(H: Any) -> float:
    """Machine epsilon of the precision ``H`` was given in (double for Qobj and integers):
    the relative accuracy its entries, and anything derived from them, can have."""
    dtype = getattr(H, "dtype", None)
    if isinstance(H, qutip.Qobj) or dtype is None or not np.issubdtype(dtype, np.inexact):
        return float(np.finfo(np.float64).eps)
    return float(np.finfo(dtype).eps)


def as_hamiltonian(
    H: Any, name: str = "H", dim: int | None = None, rtol: float = H_RTOL
) -> np.ndarray:
    """Return a Hermitian operator as a double-precision array ``(d, d)`` or batch ``(..., d, d)``.

    Parameters
    ----------
    H : Qobj or ndarray
        Hermitian operator (energy units), any precision; computed on in double.
    name : str
        Argument name used in error messages.
    dim : int, optional
        Required dimension ``d`` (e.g. that of the state it is paired with).
    rtol : float
        Hermiticity tolerance relative to the largest entry of each matrix,
        ``max |H - H^dag| <= rtol * max |H_ij|`` (scale-free); input of lower precision
        than double gets ``8 sqrt(d) eps`` of its dtype when that is larger.

    Returns
    -------
    ndarray, float64 (real input) or complex128, shape (..., d, d)
        ``H`` itself if exactly Hermitian, else its Hermitian part ``(H + H^dag) / 2`` (the two
        differ by round-off only).

    Raises
    ------
    ValueError
        ``"<name> contains NaN or inf"``, a non-square or wrongly sized matrix, or one that is
        not Hermitian within the tolerance.
    """
    if isinstance(H, qutip.Qobj):
        if not H.isoper:
            raise ValueError(f"{name} must be an operator (square matrix), got a {H.type}")
        arr = H.full()
    else:
        arr = np.asarray(H)
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
            raise ValueError(f"{name} must be a Qobj or a numeric array")
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise ValueError(f"{name} must be a square matrix (..., d, d), got shape {arr.shape}")
    if dim is not None and arr.shape[-1] != dim:
        raise ValueError(
            f"{name} has dimension {arr.shape[-1]} but the state has dimension {dim}"
        )
    eps_in = input_eps(arr)
    arr = arr.astype(complex if np.iscomplexobj(arr) else float, copy=False)
    check_finite(arr, name)
    adj = np.swapaxes(arr.conj(), -1, -2)
    err = np.max(np.abs(arr - adj), axis=(-2, -1), initial=0.0)
    scale = np.max(np.abs(arr), axis=(-2, -1), initial=0.0)
    tol = max(rtol, 8.0 * np.sqrt(arr.shape[-1]) * eps_in)
    bad = err > tol * scale
    if np.any(bad):
        k = int(np.argmax(np.ravel(bad)))
        e, s = float(np.ravel(err)[k]), float(np.ravel(scale)[k])
        raise ValueError(
            f"{name} must be Hermitian; max |H - H^dag| = {e:.3g} is {e / s:.3g} of "
            f"max |H_ij| = {s:.3g} (tolerance {tol:.3g})"
        )
    if np.any(err):
        arr = (arr + adj) / 2
    return arr


def _qobj_matrix(data: Any) -> Any:
    """A QuTiP data layer object as a numpy array (Dense) or a scipy CSR matrix (CSR, Dia),
    with every stored entry (QuTiP's own sparse arithmetic drops tiny entries; the padding
    of a diagonal-storage array is not an entry)."""
    import qutip.core.data as _data

    if isinstance(data, _data.Dense):
        return data.to_array()
    if isinstance(data, _data.CSR):
        return data.as_scipy()
    if isinstance(data, _data.Dia):
        return data.as_scipy().tocsr()
    return _data.to(_data.Dense, data).to_array()


def _stored(m: Any) -> np.ndarray:
    return m if isinstance(m, np.ndarray) else m.data


def check_qobj_hermitian(H: qutip.Qobj, name: str = "H", rtol: float = H_RTOL) -> qutip.Qobj:
    """Check a Qobj Hamiltonian (kept sparse) is a finite Hermitian operator; return it.

    Relative test on the stored entries, ``max |H - H^dag| <= rtol * max |H_ij|``, so that
    it means the same for every unit of energy (QuTiP's ``isherm`` uses an absolute
    tolerance).

    Raises
    ------
    ValueError
        Not a Qobj operator, ``"<name> contains NaN or inf"``, or not Hermitian.
    """
    if not isinstance(H, qutip.Qobj) or not H.isoper:
        raise ValueError(f"{name} must be a qutip.Qobj operator")
    m = _qobj_matrix(H.data)
    values = _stored(m)
    check_finite(values, name)
    scale = float(np.max(np.abs(values), initial=0.0))
    err = float(np.max(np.abs(_stored(m - m.conj().T)), initial=0.0))
    if err > rtol * scale:
        raise ValueError(
            f"{name} must be Hermitian; max |H - H^dag| = {err:.3g} is {err / scale:.3g} of "
            f"max |H_ij| = {scale:.3g}"
        )
    return H


def check_dims_match(a: Sequence[int], b: Sequence[int], name_a: str, name_b: str) -> None:
    """Two subsystem-dimension lists must agree."""
    if list(a) != list(b):
        raise ValueError(f"{name_a} has dims {list(a)} but {name_b} has dims {list(b)}")


def as_two_qubit_states(
    rho: Any, name: str = "rho", *, check_positivity: bool = True
) -> tuple[np.ndarray, bool]:
    """:func:`as_states` for metrics defined on two qubits: dimension 4, and a Qobj (or
    sequence of Qobj) must have dims ``[2, 2]``; a plain 4 x 4 array is taken as two qubits."""
    dims = qobj_dims(rho, name)
    if dims is not None and dims != [2, 2]:
        raise ValueError(f"{name} must be a two-qubit state (dims [2, 2]), got dims {dims}")
    states, single = as_states(rho, name, check_positivity=check_positivity)
    if states.shape[-1] != 4:
        raise ValueError(
            f"{name} must be a two-qubit state (dimension 4), got dimension {states.shape[-1]}"
        )
    return states, single


def check_bool(value: Any, name: str) -> bool:
    """``value`` must be a bool (``True``/``False`` or a numpy bool), not a string or number."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise ValueError(f"{name} must be True or False, got {value!r}")
