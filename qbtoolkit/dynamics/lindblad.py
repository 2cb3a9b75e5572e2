"""The Lindblad generator of a model as sparse pieces, and its rows built from them.

Every exact route writes the generator the same way::

    d rho / dt = G rho + rho G^dag + sum_t c_t A_t rho B_t,    G = -i H - K / 2,

with ``K = sum_k L_k^dag L_k`` and one jump term ``(c_t, A_t, B_t)`` per collapse operator
(``(1, L_k, L_k^dag)``) or, for models that give their Kossakowski structure
(``params["dissipator"] = [(ops, Gamma), ...]``, e.g. :func:`qbtoolkit.models.network`), one per
nonzero ``Gamma_nm`` (``(Gamma_nm, A_n, A_m^dag)``, ``N + 2 E`` sparse terms instead of the
``N^2`` of the diagonalised operators). :func:`lindblad_terms` returns those pieces;
:func:`generator_rows` builds the rows of the generator for any set of stored matrix elements
(a sector, orbit representatives, one triangle of a Hermitian state) directly from them, a
chunk of rows at a time, so no ``d^2 x d^2`` matrix is ever formed.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import qutip
import scipy.sparse as sp

__all__ = ["LindbladTerms", "lindblad_terms", "as_csr", "Ell", "generator_rows"]


def as_csr(op: qutip.Qobj | sp.spmatrix | np.ndarray) -> sp.csr_matrix:
    """A complex CSR copy of an operator (Qobj, scipy sparse or dense array).

    Parameters
    ----------
    op : Qobj, scipy.sparse matrix or ndarray
        A square operator.

    Returns
    -------
    scipy.sparse.csr_matrix
        Complex128 copy in CSR format.
    """
    if isinstance(op, qutip.Qobj):
        return sp.csr_matrix(op.to("csr").data.as_scipy(), dtype=complex)
    return sp.csr_matrix(op, dtype=complex)


class LindbladTerms:
    """``H``, ``K`` and the jump terms ``(c, A, B)`` (``rho -> c A rho B``) as CSR matrices.

    Parameters
    ----------
    H : csr_matrix, shape (d, d)
        Hamiltonian (energy units).
    K : csr_matrix, shape (d, d)
        ``sum_k L_k^dag L_k`` (rates).
    jumps : sequence of (complex, csr_matrix, csr_matrix)
        The jump terms ``(c, A, B)``.

    Attributes
    ----------
    H, K, G : csr_matrix, shape (d, d)
        Hamiltonian, ``sum L^dag L`` and ``G = -i H - K / 2``.
    jumps : list of (complex, csr_matrix, csr_matrix)
        The jump terms.
    d : int
        Hilbert-space dimension.
    """

    def __init__(self, H: sp.csr_matrix, K: sp.csr_matrix,
                 jumps: Sequence[tuple[complex, sp.csr_matrix, sp.csr_matrix]]):
        self.H, self.K = sp.csr_matrix(H), sp.csr_matrix(K)
        self.jumps = list(jumps)
        self.d = self.H.shape[0]
        self.G = sp.csr_matrix(-1j * self.H - 0.5 * self.K)
        self.G.sum_duplicates()
        self.G.eliminate_zeros()

    def scale(self) -> float:
        """Size of the generator, the scale every structural tolerance is relative to.

        ``max(||H||_1, ||K||_1, max |c| ||A||_1 ||B||_1)`` (rates and energies in one unit).

        Returns
        -------
        float
            The scale (energy units); 0 for an empty generator.
        """
        def n1(M: sp.csr_matrix) -> float:
            return float(abs(M).sum(axis=0).max()) if M.nnz else 0.0
        s = max(n1(self.H), n1(self.K))
        for c, A, B in self.jumps:
            s = max(s, abs(c) * n1(A) * n1(B))
        return s


#: The last model's pieces (``method="auto"`` inspects a model with several routes' checks
#: before one of them runs it; models are immutable, so the pieces stay valid).
_LAST: list[tuple[Any, LindbladTerms]] = []


def lindblad_terms(model: Any) -> LindbladTerms:
    """The generator's pieces for a static model.

    Given by ``H`` and ``c_ops``, or, when ``params["dissipator"]`` is set, by its Kossakowski
    structure (one term per nonzero ``Gamma_nm``). The last model's pieces are cached (models
    are immutable).

    Parameters
    ----------
    model : BatteryModel
        A time-independent model.

    Returns
    -------
    LindbladTerms
        ``H``, ``K`` and the jump terms in CSR.

    Examples
    --------
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.dynamics.lindblad import lindblad_terms
    >>> terms = lindblad_terms(qb.models.charger_battery(J=1.0, gamma=0.1))
    >>> terms.d, len(terms.jumps), round(terms.scale(), 12)   # ||H||_1 = omega + omega + J
    (4, 1, 2.0)
    """
    if _LAST and _LAST[0][0]() is model:
        return _LAST[0][1]
    terms = _build_terms(model)
    _LAST[:] = [(weakref.ref(model), terms)]
    return terms


def _build_terms(model: Any) -> LindbladTerms:
    d = model.H.shape[0]
    K = sp.csr_matrix((d, d), dtype=complex)
    jumps: list[tuple[complex, sp.csr_matrix, sp.csr_matrix]] = []
    groups = model.params.get("dissipator")
    if groups is not None:
        for ops_, Gam in groups:
            mats = [as_csr(o) for o in ops_]
            Gam = np.asarray(Gam, dtype=complex)
            for n, m in zip(*np.nonzero(Gam), strict=True):
                A, Bd = mats[n], mats[m]
                jumps.append((complex(Gam[n, m]), A, sp.csr_matrix(Bd.conj().T)))
                K = K + Gam[n, m] * (Bd.conj().T @ A)
    else:
        for c in model.c_ops:
            C = as_csr(c)
            C.eliminate_zeros()
            if C.nnz == 0:
                continue
            jumps.append((1.0 + 0j, C, sp.csr_matrix(C.conj().T)))
            K = K + C.conj().T @ C
    K = sp.csr_matrix(K)
    K.sum_duplicates()
    K.eliminate_zeros()
    return LindbladTerms(as_csr(model.H), K, jumps)


class Ell:
    """Row-padded (ELLPACK) view of a sparse matrix.

    ``cols[r, s], vals[r, s]`` hold the ``s``-th nonzero of row ``r`` (padding: column 0,
    value 0).

    Parameters
    ----------
    M : scipy.sparse matrix, shape (d, d)
        The matrix (duplicates summed, zeros dropped).

    Attributes
    ----------
    width : int
        Largest number of nonzeros in a row.
    cols : ndarray of int64, shape (d, width)
        Column of each stored entry.
    vals : ndarray of complex, shape (d, width)
        Value of each stored entry.
    """

    def __init__(self, M: sp.csr_matrix):
        M = sp.csr_matrix(M)
        M.sum_duplicates()
        M.eliminate_zeros()
        d = M.shape[0]
        counts = np.diff(M.indptr)
        w = int(counts.max()) if d and M.nnz else 0
        self.width = w
        self.cols = np.zeros((d, w), dtype=np.int64)
        self.vals = np.zeros((d, w), dtype=complex)
        if w:
            slot = np.arange(M.nnz) - np.repeat(M.indptr[:-1], counts)
            row = np.repeat(np.arange(d), counts)
            self.cols[row, slot] = M.indices
            self.vals[row, slot] = M.data


def generator_rows(
    G: Ell,
    jumps: Sequence[tuple[complex, Ell, Ell]],
    rows: np.ndarray,
    cols: np.ndarray,
    code: np.ndarray,
    weight: np.ndarray,
    out_weight: np.ndarray,
    m: int,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Rows of the generator for the output elements ``rho[rows[k], cols[k]]``.

    The stored variables are ``w_o`` (``o < m``); a matrix element ``rho_kl`` is
    ``w_o / s_o`` or its complex conjugate, as told by ``code[k, l] = 2 o + conj``
    (``-1``: the element is zero at all times, so it is not stored). ``weight[o] = 1 / s_o``
    and ``out_weight[k] = s`` of the output row's own variable, so that row ``k`` reads
    ``dw/dt = sum_o A[k, o] w_o + B[k, o] conj(w_o)``.

    Parameters
    ----------
    G : Ell
        ``G = -i H - K / 2`` (its rows give the left action; the right action
        ``rho G^dag`` reads row ``cols[k]`` of ``G``, conjugated).
    jumps : list of (c, Ell of A, Ell of B^T)
        Jump terms ``rho -> c A rho B``.
    rows, cols : int arrays (p,)
        Output elements.
    code : int array (d, d)
        Stored-variable code of every matrix element (see above).
    weight : float array (m,)
        ``1 / s_o``.
    out_weight : float array (p,)
        ``s`` of each output element's variable.
    m : int
        Number of stored variables.

    Returns
    -------
    A, B : csr_matrix (p, m)
        Linear and conjugate-linear parts, duplicates summed.
    """
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    p = r.size
    ins, vals = [], []
    if G.width:
        ins.append(code[G.cols[r], c[:, None]])            # (G rho)_rc = G_rk rho_kc
        vals.append(G.vals[r])
        ins.append(code[r[:, None], G.cols[c]])            # (rho G^dag)_rc = rho_rl conj G_cl
        vals.append(G.vals[c].conj())
    for coef, A, Bt in jumps:
        if not (A.width and Bt.width):
            continue
        ka, va = A.cols[r], A.vals[r]                       # A_rk
        lb, vb = Bt.cols[c], Bt.vals[c]                     # B_lc = (B^T)_cl
        ins.append(code[ka[:, :, None], lb[:, None, :]].reshape(p, -1))
        vals.append((coef * va[:, :, None] * vb[:, None, :]).reshape(p, -1))
    if not ins:
        z = sp.csr_matrix((p, m), dtype=complex)
        return z, z.copy()
    inp = np.concatenate(ins, axis=1)
    val = np.concatenate(vals, axis=1)
    del ins, vals
    keep = (inp >= 0) & (val != 0)
    var = inp >> 1
    val = np.where(keep, val * (out_weight[:, None] * weight[np.where(keep, var, 0)]), 0)
    parts = []
    for conj in (0, 1):
        sel = keep & ((inp & 1) == conj)
        counts = sel.sum(axis=1)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        M = sp.csr_matrix((val[sel], var[sel].astype(np.int32), indptr), shape=(p, m))
        M.sum_duplicates()
        M.eliminate_zeros()
        parts.append(M)
    return parts[0], parts[1]
