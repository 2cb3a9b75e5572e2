"""Stationary states of generators, with a test that they are unique.

A generator :math:`G` (a Pauli rate matrix, a Liouvillian, or a sector of one) has a unique
stationary state exactly when the *bordered* matrix -- :math:`G` with one balance equation
replaced by the normalisation -- is invertible: the balance equations sum to zero (trace
preservation), so the remaining rows span the row space when the kernel is one-dimensional,
and the normalisation row is independent of them because it does not annihilate the
stationary state. The test used everywhere is therefore the condition number of the bordered
matrix, computed after scaling the generator rows to a largest entry of one (so it is the
same in every unit of energy and time): above :data:`COND_MAX` the stationary state is
declared not unique -- or so close to it (relaxation rates below ``1/COND_MAX`` of the
generator's scale) that double precision does not determine it.

* Dense batches (rate matrices, small Liouvillians, sectors): exact 1-norm condition numbers
  from batched inverses for matrices up to :data:`SVD_MAX` (the 2-norm ones from singular
  values where a batch holds an exactly singular matrix), else LAPACK's 1-norm estimate from
  the LU factors (``?gecon``).
* Large sparse Liouvillians (:func:`check_unique_liouvillian`): the kernel dimension from a
  dense SVD while :math:`d \\le` :data:`DENSE_D_MAX`; beyond, one sparse LU factorisation of the
  bordered matrix and Higham's 1-norm estimate of its inverse
  (``scipy.sparse.linalg.onenormest``, a few triangular solves with the same factors). The
  estimate is a lower bound of :math:`\\|M^{-1}\\|_1`, so a refusal is always justified; an
  exactly singular matrix makes the factorisation fail or produce a pivot at round-off level,
  which the estimate exposes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._validate import check_choice, check_finite, check_int

__all__ = [
    "COND_MAX",
    "stationary_distributions",
    "liouvillian_steady_states",
    "bordered_solve",
    "invertible",
    "kernel_dimension",
    "check_unique_liouvillian",
]

#: Condition number above which a bordered generator is singular (the stationary state is not
#: unique, or not determined in double precision).
COND_MAX = 1e12
#: Largest bordered matrix whose condition number is computed exactly (batched inverse).
SVD_MAX = 512
#: Largest Hilbert-space dimension whose Liouvillian kernel is counted by a dense SVD.
DENSE_D_MAX = 16


def _conditions(M: np.ndarray, norm_rows: slice) -> np.ndarray:
    """Condition numbers of a batch ``(B, n, n)`` after scaling the rows ``norm_rows`` (the
    generator's) by their largest entry (per matrix)."""
    Ms = M.copy()
    part = Ms[:, norm_rows]
    s = np.max(np.abs(part), axis=(-2, -1))
    Ms[:, norm_rows] = part / np.where(s > 0, s, 1.0)[:, None, None]
    n = M.shape[-1]
    if n <= SVD_MAX:
        with np.errstate(all="ignore"):
            try:  # exact 1-norm condition numbers from batched inverses (cheaper than SVDs)
                inv = np.linalg.inv(Ms)
            except np.linalg.LinAlgError:  # an exactly singular matrix in the batch
                return np.linalg.cond(Ms)
            cond = np.abs(Ms).sum(axis=-2).max(axis=-1) * np.abs(inv).sum(axis=-2).max(axis=-1)
        return np.where(np.isfinite(cond), cond, np.inf)
    out = np.empty(M.shape[0])
    for b in range(M.shape[0]):
        out[b] = _cond1(Ms[b])
    return out


def _cond1(A: np.ndarray) -> float:
    """1-norm condition estimate from an LU factorisation (LAPACK ``?gecon``)."""
    anorm = float(np.max(np.sum(np.abs(A), axis=0)))
    with np.errstate(all="ignore"):
        lu, _ = sla.lu_factor(A, check_finite=False)
    if not np.all(np.isfinite(lu)) or np.any(np.diagonal(lu) == 0):
        return np.inf
    gecon = sla.get_lapack_funcs("gecon", (lu,))
    rcond, info = gecon(lu, anorm, norm="1")
    return np.inf if info != 0 or rcond <= 0 else 1.0 / rcond


def invertible(A: np.ndarray) -> np.ndarray:
    """Whether each matrix of a batch is invertible: ``cond(A / max|A|) < COND_MAX``.

    Matrices strictly diagonally dominant by columns or by rows (with a relative margin of
    1e-9) are invertible (Levy-Desplanques) and skip the singular values; dissipative blocks
    of coherences usually are.

    Parameters
    ----------
    A : ndarray, shape (B, n, n)
        The matrices.

    Returns
    -------
    ndarray of bool, shape (B,)
        True where invertible (True for ``n = 0``).
    """
    B, n = A.shape[0], A.shape[-1]
    ok = np.ones(B, dtype=bool)
    if n == 0:
        return ok
    mag = np.abs(A)
    diag = np.diagonal(mag, axis1=-2, axis2=-1)
    margin = (1 - 1e-9) * diag
    by_col = np.all(mag.sum(axis=-2) - diag < margin, axis=-1)
    by_row = np.all(mag.sum(axis=-1) - diag < margin, axis=-1)
    rest = ~(by_col | by_row)
    if np.any(rest):
        ok[rest] = _conditions(A[rest], slice(None)) < COND_MAX
    return ok


def bordered_solve(
    G: np.ndarray, norm_row: int, norm: np.ndarray, on_singular: str, what: str,
    index_shape: tuple[int, ...] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``G x = 0`` with ``norm @ x = 1`` for a batch of generators.

    Parameters
    ----------
    G : ndarray, shape (B, n, n)
        Generators (rows: time derivatives of the variables).
    norm_row : int
        Balance equation replaced by the normalisation (one whose row is a combination of the
        others, e.g. a population's).
    norm : ndarray, shape (n,)
        Normalisation functional (the trace).
    on_singular : {"raise", "nan"}
        What to do where the bordered matrix is singular (condition > :data:`COND_MAX`).
    what : str
        Description used in the error message.
    index_shape : tuple of int, default ()
        Grid shape of the batch (for the error message).

    Returns
    -------
    x : ndarray, shape (B, n)
        Solutions (NaN where singular).
    bad : ndarray of bool, shape (B,)
        True where the bordered matrix is singular (the stationary state is not unique).

    Raises
    ------
    ValueError
        A singular bordered matrix with ``on_singular="raise"`` (the message names the grid
        point).
    """
    M = G.copy()
    M[:, norm_row, :] = norm
    rows = np.ones(M.shape[1], dtype=bool)
    rows[norm_row] = False
    keep = np.flatnonzero(rows)
    cond = _conditions(M[:, np.r_[norm_row, keep]], slice(1, None))
    bad = ~(cond < COND_MAX)
    if np.any(bad):
        if on_singular == "raise":
            k = int(np.argmax(bad))
            where = f" at grid index {tuple(int(i) for i in np.unravel_index(k, index_shape))}" \
                if index_shape else ""
            raise ValueError(f"the steady state is not unique{where}: {what}")
        M[bad] = np.eye(M.shape[-1])
    b = np.zeros(M.shape[-1], dtype=M.dtype)
    b[norm_row] = 1.0
    x = np.linalg.solve(M, np.broadcast_to(b, M.shape[:-1])[..., None])[..., 0]
    if np.any(bad):
        x[bad] = np.nan
    return x, bad


def _square_stack(A: Any, name: str, dtype: type, size: str) -> np.ndarray:
    """A finite stack of square matrices, shape ``(..., n, n)``.

    Parameters
    ----------
    A : array_like
        The matrices.
    name : str
        Argument name used in error messages.
    dtype : type
        ``float`` or ``complex``.
    size : str
        Name of the matrix size in the error message (``"d"``, ``"D"``).

    Returns
    -------
    ndarray, shape (..., n, n)
        ``A`` as an array of ``dtype``.

    Raises
    ------
    ValueError
        Fewer than two axes, non-square matrices, or NaN/inf entries.
    """
    A = np.asarray(A, dtype=dtype)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"{name} must have shape (..., {size}, {size}), got {A.shape}")
    check_finite(A, name)
    return A


def stationary_distributions(R: Any, on_singular: str = "raise") -> np.ndarray:
    """Stationary probability vectors of a batch of rate matrices (``R p = 0``, ``sum p = 1``).

    Solved as one batched linear system (the first balance equation is replaced by the
    normalisation).

    Parameters
    ----------
    R : ndarray, shape (..., d, d)
        Rate matrices, ``R[k, m]`` = rate m -> k (1/time), columns summing to zero.
    on_singular : {"raise", "nan"}
        What to do where the stationary state is not unique (see the module docstring): raise
        ``ValueError`` or return NaNs there.

    Returns
    -------
    ndarray, shape (..., d)
        Populations (>= 0, summing to one).

    Raises
    ------
    ValueError
        Wrong shape, non-finite rates, or a non-unique stationary state (``"raise"``).
    """
    check_choice(on_singular, "on_singular", ("raise", "nan"))
    R = _square_stack(R, "R", float, "d")
    d = R.shape[-1]
    grid = R.shape[:-2]
    p, bad = bordered_solve(
        R.reshape(-1, d, d), 0, np.ones(d), on_singular,
        "disconnected rate graph (e.g. a Bohr frequency exactly zero at a level crossing, or "
        "all baths at T = 0 with several local minima)", grid)
    p = np.clip(p, 0.0, None)  # remove -1e-17 round-off
    p /= p.sum(axis=-1, keepdims=True)
    if np.any(bad):
        p[bad] = np.nan
    return p.reshape(grid + (d,))


def liouvillian_steady_states(L: Any, on_singular: str = "raise", chunk: int = 512
                              ) -> np.ndarray:
    """Batched null-space solve ``L vec(rho) = 0``, ``Tr rho = 1`` for stacked Liouvillians.

    Parameters
    ----------
    L : ndarray or Qobj, shape (..., d**2, d**2)
        Liouvillian superoperators in QuTiP's column-stacking convention
        (``vec(rho) = rho.ravel(order="F")``), e.g. from :func:`qbtoolkit.thermo.liouvillians`
        or ``np.stack([model.liouvillian().full() for model in models])``.
    on_singular : {"raise", "nan"}
        Behaviour where the steady state is not unique (module docstring).
    chunk : int
        Number of Liouvillians solved per batched LAPACK call (bounds memory).

    Returns
    -------
    ndarray, complex, shape (..., d, d)
        Hermitian, unit-trace steady states.

    Raises
    ------
    ValueError
        Wrong shape, non-finite entries, or a non-unique steady state (``"raise"``).
    """
    check_choice(on_singular, "on_singular", ("raise", "nan"))
    chunk = check_int(chunk, "chunk", minimum=1)
    if isinstance(L, qutip.Qobj):
        L = L.full()
    L = _square_stack(L, "L", complex, "D")
    D = L.shape[-1]
    d = int(round(np.sqrt(D)))
    if d * d != D:
        raise ValueError(f"L must act on vectorised d x d matrices (D = d**2), got D = {D}")
    batch = L.shape[:-2]
    Lf = L.reshape((-1, D, D))
    trace_row = np.zeros(D, dtype=complex)
    trace_row[:: d + 1] = 1.0
    out = np.empty((Lf.shape[0], D), dtype=complex)
    for start in range(0, Lf.shape[0], chunk):
        x, bad = bordered_solve(Lf[start: start + chunk], 0, trace_row, "nan", "")
        if np.any(bad) and on_singular == "raise":
            k = start + int(np.argmax(bad))
            where = f" at batch index {tuple(int(i) for i in np.unravel_index(k, batch))}" \
                if batch else ""
            raise ValueError(f"L has no unique steady state{where}")
        out[start: start + chunk] = x
    rho = out.reshape((-1, d, d)).transpose(0, 2, 1)  # undo column stacking
    rho = 0.5 * (rho + rho.conj().transpose(0, 2, 1))
    return rho.reshape(batch + (d, d))


def kernel_dimension(L: Any, rtol: float = 1.0 / COND_MAX) -> int:
    """Dimension of the null space of a (dense) generator.

    The number of singular values at most ``rtol`` times the largest.

    Parameters
    ----------
    L : ndarray or Qobj, shape (D, D)
        The generator (e.g. a Liouvillian superoperator).
    rtol : float, optional
        Relative tolerance (default ``1 / COND_MAX``).

    Returns
    -------
    int
        The kernel dimension (1 for a unique steady state).

    Examples
    --------
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.thermo import kernel_dimension
    >>> decay = qb.models.driven_atom(Omega=1.0, gamma=1.0).liouvillian()
    >>> kernel_dimension(decay), kernel_dimension(qutip.liouvillian(qb.ops.sigma_z()))
    (1, 2)
    """
    A = L.full() if isinstance(L, qutip.Qobj) else np.asarray(L)
    s = np.linalg.svd(A, compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return int(A.shape[-1])
    return int(np.sum(s <= rtol * s[0]))


_NOT_UNIQUE = (
    "the steady state of this model is not unique ({why}): the long-time state depends on "
    "the initial state (a conserved quantity, a decoupled subsystem, or a level crossing "
    "where a channel vanishes). Evolve from an initial state instead (qb.evolve(model, "
    "times, rho0=...)), or add a bath or dephasing that connects the stationary states")


def check_unique_liouvillian(L: qutip.Qobj) -> None:
    """Raise ``ValueError`` unless the Liouvillian ``L`` has a unique steady state.

    Parameters
    ----------
    L : Qobj
        A Liouvillian superoperator.

    Raises
    ------
    ValueError
        The steady state is not unique (the kernel has dimension > 1), with the reason.

    Notes
    -----
    Small systems (``d <= DENSE_D_MAX``): kernel dimension by SVD, relative to the largest
    singular value. Larger ones: condition estimate of the bordered sparse matrix from one
    sparse LU factorisation (module docstring).
    """
    D = L.shape[0]
    d = int(round(np.sqrt(D)))
    if d <= DENSE_D_MAX:
        k = kernel_dimension(L)
        if k != 1:
            raise ValueError(_NOT_UNIQUE.format(
                why=f"the Liouvillian's kernel has dimension {k} (singular values below "
                    f"{1 / COND_MAX:g} of the largest)"))
        return
    A = L.data.as_scipy() if hasattr(L.data, "as_scipy") else sp.csr_matrix(L.full())
    A = sp.coo_matrix(A)
    scale = float(np.max(np.abs(A.data), initial=0.0))
    if scale == 0:
        raise ValueError(_NOT_UNIQUE.format(why="the Liouvillian is zero"))
    keep = A.row != 0
    diag = np.arange(d) * (d + 1)
    rows = np.r_[A.row[keep], np.zeros(d, dtype=int)]
    cols = np.r_[A.col[keep], diag]
    vals = np.r_[A.data[keep] / scale, np.ones(d)]
    M = sp.csc_matrix((vals, (rows, cols)), shape=(D, D))
    try:
        lu = spla.splu(M)
    except RuntimeError:
        raise ValueError(_NOT_UNIQUE.format(
            why="the bordered Liouvillian is exactly singular")) from None
    op = spla.LinearOperator(
        (D, D), matvec=lu.solve, rmatvec=lambda x: lu.solve(x, trans="H"),
        matmat=lu.solve, rmatmat=lambda x: lu.solve(x, trans="H"), dtype=complex)
    with np.errstate(all="ignore"):
        inv_norm = spla.onenormest(op)
    cond = float(np.max(np.abs(M).sum(axis=0))) * inv_norm
    if not cond < COND_MAX:
        raise ValueError(_NOT_UNIQUE.format(
            why=f"condition number of the bordered Liouvillian >= {cond:.2g}"))
