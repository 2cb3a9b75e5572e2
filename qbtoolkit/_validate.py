"""Input validation shared by every public entry point.

All checks raise :class:`ValueError` with a message that names the offending argument and
says what was expected, so errors read the same everywhere in the toolkit.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import qutip

#: Default absolute tolerance for the Hermiticity, unit-trace and positivity checks of states.
#: Loose enough for states returned by ODE solvers at their default accuracy
#: (``qutip.mesolve``: atol 1e-8 per element, eigenvalues down to about -1e-7), tight enough
#: to catch any real error (a wrong normalisation or sign).
ATOL = 1e-6

#: Relative tolerance for the Hermiticity check of Hamiltonians.
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
    """Return ``value`` as a finite ``float``."""
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
        arrays = [_to_array(o, name)[0] for o in obj]
        out = [np.outer(a, a.conj()) if a.ndim == 1 else a for a in arrays]
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
    name : str
        Argument name used in error messages.
    allow_ket : bool
        If False a ket is an error ("a density matrix is required").
    check_positivity : bool
        Check that every matrix is positive semidefinite (smallest eigenvalue >= -atol).
        Metrics that diagonalise ``rho`` anyway pass ``False`` and call
        :func:`check_spectrum` on the eigenvalues they compute.
    atol : float
        Tolerance for Hermiticity, unit trace and positivity.

    Returns
    -------
    states : ndarray, complex, shape (..., d, d)
    single : bool
        True if one state was given (so a metric returns a float).
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
    """Per-matrix ``max |a - a^dag|`` and trace (and eigenvalues) of a stack ``(k, d, d)``."""
    herm = np.abs(a - np.swapaxes(a.conj(), -1, -2)).max(axis=(-2, -1))
    trace = np.trace(a, axis1=-2, axis2=-1).real
    if spectrum:
        return herm, trace, np.linalg.eigvalsh(a)
    return herm, trace


def _check_stack(
    arr: np.ndarray, name: str, atol: float, positivity: bool, spectrum: bool = False
) -> np.ndarray | None:
    """Hermiticity, unit trace and positivity of a stack, in one pass over the data chunked
    over threads; returns the ascending eigenvalues when ``spectrum``. Positivity of large
    matrices (d > 256) whose spectrum is not wanted uses a Cholesky test instead."""
    from ._linalg import batched

    d = arr.shape[-1]
    eig_in_pass = spectrum or (positivity and d <= 256)
    out = batched(lambda a: _chunk_checks(a, eig_in_pass), arr)
    herm_err = float(np.max(out[0], initial=0.0))
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
    times cheaper than a full eigenvalue solve.
    """
    d = arr.shape[-1]
    if d <= 256:
        return bool(np.linalg.eigvalsh(arr)[0] >= -atol)
    try:
        np.linalg.cholesky(arr + atol * np.eye(d))
    except np.linalg.LinAlgError:
        return False
    return True


def check_spectrum(eigenvalues: np.ndarray, name: str = "rho", atol: float = ATOL) -> None:
    """Raise if any eigenvalue of a state is below ``-atol`` (state not positive)."""
    if eigenvalues.size and np.min(eigenvalues) < -atol:
        raise ValueError(
            f"{name} must be positive semidefinite; smallest eigenvalue {np.min(eigenvalues):.3g}"
        )


def as_hamiltonian(
    H: Any, name: str = "H", dim: int | None = None, rtol: float = H_RTOL
) -> np.ndarray:
    """Return a Hermitian operator as an array ``(d, d)`` or a batch ``(..., d, d)``.

    Parameters
    ----------
    H : Qobj or ndarray
        Hermitian operator (energy units).
    dim : int, optional
        Required dimension ``d`` (e.g. that of the state it is paired with).
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
    err = np.max(np.abs(arr - np.swapaxes(arr.conj(), -1, -2)), initial=0.0)
    scale = max(1.0, float(np.max(np.abs(arr), initial=0.0)))
    if err > rtol * scale:
        raise ValueError(f"{name} must be Hermitian; max |H - H^dag| = {err:.3g}")
    return arr


def check_qobj_hermitian(H: qutip.Qobj, name: str = "H") -> qutip.Qobj:
    """Check a Qobj Hamiltonian (kept sparse) is a Hermitian operator; return it."""
    if not isinstance(H, qutip.Qobj) or not H.isoper:
        raise ValueError(f"{name} must be a qutip.Qobj operator")
    if not H.isherm:
        raise ValueError(f"{name} must be Hermitian")
    return H


def check_dims_match(a: Sequence[int], b: Sequence[int], name_a: str, name_b: str) -> None:
    """Two subsystem-dimension lists must agree."""
    if list(a) != list(b):
        raise ValueError(f"{name_a} has dims {list(a)} but {name_b} has dims {list(b)}")
