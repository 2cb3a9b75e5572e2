"""Exact propagation ``v(t) = exp(t A) v0`` at many output times by windowed Taylor series.

Shared by the fast routes (blocks, Dicke): no ODE integrator, a rigorous truncation bound per
window from the *exact* matrix 1-norm, and every output time inside a window evaluated from
the same Taylor vectors (one BLAS product), so 200 output times cost about as much as a
single propagation to the final time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..._linalg import _executor, num_threads, single_blas_thread
from ..._validate import check_positive

__all__ = ["Propagator", "TaylorPropagator", "accumulate_rows"]


def _complex_csr(M: sp.spmatrix) -> sp.csr_matrix:
    M = sp.csr_matrix(M)
    M = M if M.dtype == np.complex128 else M.astype(np.complex128)
    if M.indices.dtype != M.indptr.dtype:  # one index type, as the product kernel expects
        idx = np.result_type(M.indices, M.indptr)
        M.indices, M.indptr = M.indices.astype(idx), M.indptr.astype(idx)
    return M


def _rows(M: sp.csr_matrix, r0: int, r1: int) -> sp.csr_matrix:
    """Rows ``r0:r1`` of a CSR matrix sharing its data and index arrays (no copy)."""
    a, b = M.indptr[r0], M.indptr[r1]
    P = sp.csr_matrix((r1 - r0, M.shape[1]), dtype=M.dtype)
    # assigned, not passed to the constructor (which copies): views of M's arrays
    P.data, P.indices, P.indptr = M.data[a:b], M.indices[a:b], M.indptr[r0:r1 + 1] - a
    return P


try:  # scipy's CSR kernel accumulates y += A x in place (no temporary per product)
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - other scipy layouts
    _csr_matvec = None


def _accumulate(M: sp.csr_matrix, x: np.ndarray, out: np.ndarray) -> None:
    """``out += M @ x``."""
    if _csr_matvec is not None and out.flags.c_contiguous and x.flags.c_contiguous:
        _csr_matvec(M.shape[0], M.shape[1], M.indptr, M.indices, M.data, x, out)
    else:  # pragma: no cover
        out += M @ x


def accumulate_rows(out: np.ndarray, coef: np.ndarray, terms: np.ndarray) -> None:
    """``out += coef @ terms``: the output rows of a window from its series terms.

    One real product on the interleaved (re, im) view (half the cost of a complex one), by
    column panels on the worker threads, each with single-threaded BLAS (no BLAS threads are
    left spinning against the sparse products that follow).

    Parameters
    ----------
    out : ndarray, complex, shape (p, n)
        Accumulated in place.
    coef : ndarray, real, shape (p, k)
        Coefficient of each term at each output time.
    terms : ndarray, complex, shape (k, n)
        The terms.
    """
    n = out.shape[1]
    cols = int(max(4096, 2**24 // (16 * max(1, out.shape[0]))))

    def one(c0: int) -> None:
        o = out[:, c0:c0 + cols].view(np.float64)
        o += coef @ terms[:, c0:c0 + cols].view(np.float64)

    starts = range(0, n, cols)
    k = min(num_threads(), len(starts))
    with single_blas_thread():
        if k > 1:
            list(_executor(k).map(one, starts))
        else:
            for c0 in starts:
                one(c0)


class Propagator:
    """Exact ``v(t) = exp(t A) v0`` at many output times, window by window.

    The interface of the Taylor and Bessel-Chebyshev propagators (subclasses implement
    ``_run``).

    Attributes
    ----------
    matvecs : int
        Generator applications so far.
    """

    matvecs: int = 0

    def run(
        self, v0: np.ndarray, tlist: np.ndarray, max_rows: int | None = None
    ) -> Iterator[tuple[slice, np.ndarray]]:
        """Propagate ``v0``, yielding the vectors window by window.

        Parameters
        ----------
        v0 : ndarray, complex, shape (n,)
            The vector at ``t = 0``.
        tlist : ndarray, shape (T,)
            Increasing output times ``>= 0``.
        max_rows : int, optional
            At most this many output vectors are held at a time (default: all).

        Yields
        ------
        sl : slice
            The output times of the window, ``tlist[sl]``.
        V : ndarray, complex, shape (len(tlist[sl]), n)
            ``V[i] = v(tlist[sl][i])``.
        """
        tlist = np.asarray(tlist, dtype=float)
        v = np.asarray(v0, dtype=complex).copy()
        yield from self._run(v, tlist, max(1, int(max_rows or len(tlist))))

    def _run(self, v: np.ndarray, tlist: np.ndarray,
             max_rows: int) -> Iterator[tuple[slice, np.ndarray]]:  # pragma: no cover
        raise NotImplementedError


class TaylorPropagator(Propagator):
    r"""``v(t) = exp(t A) v0`` at many output times, by windowed truncated Taylor series.

    On a window ``[t0, t0 + h]`` the Taylor vectors ``K_k = (h B)^k v / k!`` with
    ``B = A - mu I`` (``mu = tr A / n``, restored exactly as ``exp(mu h theta)``) are generated
    until the rigorous tail bound ``||K_k||_1 r / (1 - r) <= tol ||v||_1``,
    ``r = h ||B||_1 / (k + 1) < 1``, holds (``||B||_1`` is the exact matrix 1-norm, computed once
    in O(nnz)). Every output ``t0 + theta h`` in the window is ``sum_k theta^k K_k``, accumulated
    from the same vectors by one matrix product per few terms. The first window has length
    ``h = x_max / ||B||_1`` (``x_max = 12`` keeps the largest term below ~2e4 ``||v||`` whatever
    ``B``, so cancellation costs < 1e-11); later windows grow (up to ``4 x_max``) while the sum
    of the terms' norms stays below ``1e3 ||v||`` and shrink when it exceeds ``2e4 ||v||``, so
    the round-off of every window stays below ~1e-12 ``||v||`` while a generator whose
    spectrum is much smaller than its 1-norm (oscillations, ``sigma_x`` couplings) takes
    fewer, longer windows.

    Parameters
    ----------
    A : scipy sparse matrix (n, n), or an iterable of them
        Generator (complex), CSR preferred. An iterable means the block-diagonal matrix of
        those blocks (in order; consumed once, so a generator keeps one block in memory at a
        time); each block gets its own shift ``mu``. A block given as a pair ``(A, B)`` is
        the real-linear map ``v -> A v + B conj(v)`` (a Hermitian state stored on one
        triangle); its shift is real and its 1-norm bound is that of ``|A| + |B|``.
        A matrix-free operator is any object with ``n``, ``mu`` (its shift), ``norm1`` (a
        bound on ``||A - mu||_1``) and ``apply_shifted(x, out)`` (``out = (A - mu) x``).
    segments : sequence of (start, stop, freq), optional
        Lab-frame phases: entries ``start:stop`` of the output are multiplied by
        ``exp(-1j freq t)`` (the exact rotating-frame factor of blocks whose generator is
        ``A - 1j freq``).
    tol : float
        Truncation tolerance per window, relative to the 1-norm of the window's start vector.
    x_max : float
        Window length in units of ``1 / ||B||_1``.
    """

    def __init__(
        self,
        A: sp.spmatrix | Sequence[sp.spmatrix | tuple[sp.spmatrix, sp.spmatrix]],
        segments: Sequence[tuple[int, int, float]] = (),
        tol: float = 1e-12,
        x_max: float = 12.0,
    ):
        self.operator = A if hasattr(A, "apply_shifted") else None
        mats = [] if self.operator is not None else [A] if sp.issparse(A) else A
        #: (start, stop, row panels [(r0, r1, A_panel, B_panel or None)], mu)
        self.blocks: list[tuple[int, int, list[tuple[int, int, Any, Any]], complex]] = []
        start, norm, self.nnz = 0, 0.0, 0
        threads = num_threads()
        for M in mats:
            Mc = None
            if isinstance(M, tuple):
                M, Mc = M
                Mc = _complex_csr(Mc)
            M = _complex_csr(M)
            n = M.shape[0]
            if M.shape != (n, n) or (Mc is not None and Mc.shape != (n, n)):
                raise ValueError("A must be square")
            diag = M.diagonal()
            mu = complex(diag.sum() / n) if n else 0.0
            if Mc is not None:  # a real-linear block commutes with real shifts only
                mu = complex(mu.real)
            col = np.bincount(M.indices, weights=np.abs(M.data), minlength=n).astype(float)
            col += np.abs(diag - mu) - np.abs(diag)
            if Mc is not None:
                col += np.bincount(Mc.indices, weights=np.abs(Mc.data), minlength=n)
                self.nnz += Mc.nnz
            norm = max(norm, float(col.max()) if n else 0.0)
            self.nnz += M.nnz
            k = threads if n >= self.PARALLEL_MIN else 1
            cuts = np.linspace(0, n, k + 1).astype(int)
            if k > 1:
                panels = [(int(r0), int(r1), _rows(M, r0, r1),
                           None if Mc is None else _rows(Mc, r0, r1))
                          for r0, r1 in zip(cuts[:-1], cuts[1:], strict=True)]
            else:
                panels = [(0, n, M, Mc)]
            del M, Mc
            self.blocks.append((start, start + n, panels, mu))
            start += n
        if self.operator is not None:  # matrix-free: its own product, norm bound and shift
            op = self.operator
            start, norm = int(op.n), float(op.norm1)
            self.blocks.append((0, start, [], complex(op.mu)))
        self.n, self.norm1 = start, norm
        self.mu = self.blocks[0][3] if self.blocks else 0.0
        self.segments = [(int(a), int(b), float(f)) for a, b, f in segments if f != 0.0]
        self.tol = check_positive(tol, "tol")
        self.x_max = check_positive(x_max, "x_max")
        self.x_cap = 4 * self.x_max
        self.matvecs = 0
        self.growth = 1.0

    #: Bounds of ``sum_k ||K_k||_1 / ||v||_1`` between which the window length is kept.
    GROWTH_LOW, GROWTH_HIGH = 1e3, 2e4
    #: Output rows a lengthened window may hold beyond those of a first-length window.
    WINDOW_BYTES = 2**27

    #: Length above which a block's rows are split into panels multiplied on several threads
    #: (scipy releases the GIL in sparse products; independent blocks run in parallel too).
    PARALLEL_MIN = 200_000

    def _apply(self, Kp: np.ndarray, out: np.ndarray) -> None:
        """``out = (A - mu) Kp`` block by block (``+ B conj(Kp)`` for real-linear blocks);
        large problems run the blocks' row panels on several threads (thread count from
        :func:`qbtoolkit._linalg.num_threads`)."""
        if self.operator is not None:
            self.operator.apply_shifted(Kp, out)
            return
        conj: dict[int, np.ndarray] = {}
        tasks = []
        for a, b, panels, mu in self.blocks:
            if panels[0][3] is not None:
                conj[a] = Kp[a:b].conj()
            for r0, r1, M, Mc in panels:
                tasks.append((a, b, r0, r1, M, Mc, mu))

        def one(task: tuple) -> None:
            a, b, r0, r1, M, Mc, mu = task
            o = out[a + r0:a + r1]
            np.multiply(Kp[a + r0:a + r1], -mu, out=o)
            _accumulate(M, Kp[a:b], o)
            if Mc is not None:
                _accumulate(Mc, conj[a], o)

        k = min(num_threads(), len(tasks))
        if k > 1 and self.n >= self.PARALLEL_MIN:
            # largest first: the pool's dynamic scheduling then balances the load
            tasks.sort(key=lambda t: t[3] - t[2], reverse=True)
            list(_executor(k).map(one, tasks))
        else:
            for task in tasks:
                one(task)

    def apply(self, x: np.ndarray, out: np.ndarray, shift: float) -> None:
        """``out = (A - shift) x`` (the generator, any real shift; used by other propagators).

        Parameters
        ----------
        x : ndarray, complex, shape (n,)
            The vector.
        out : ndarray, complex, shape (n,)
            Overwritten with the product.
        shift : float
            Real multiple of the identity subtracted.
        """
        self._apply(x, out)
        for a, b, _, mu in self.blocks:
            if mu != shift:
                out[a:b] += (mu - shift) * x[a:b]

    def _window(self, v: np.ndarray, h: float, theta: np.ndarray) -> np.ndarray:
        """``exp(theta_i h A) v`` for increasing ``theta_i`` in ``(0, 1]``: ``(len(theta), n)``."""
        # no multithreaded BLAS inside: its idle threads spin against the sparse products
        with single_blas_thread():
            return self._series(v, h, theta)

    def _series(self, v: np.ndarray, h: float, theta: np.ndarray) -> np.ndarray:
        n = self.n
        x = h * self.norm1
        beta = float(np.abs(v).sum())
        thresh = 1e-3 * self.tol * beta
        chunk = int(min(32, max(8, 2**27 // (16 * max(1, n)))))
        out = np.zeros((len(theta), n), dtype=complex)
        buf = np.empty((chunk, n), dtype=complex)
        norms = np.empty(chunk)
        buf[0], norms[0] = v, beta
        nb, k0, k = 1, 0, 0
        total = beta
        Kp = v

        def flush(nb: int) -> None:
            # rows whose theta^k0 * (norms of these terms) is negligible are skipped; theta is
            # increasing, so the rows that still need terms are a suffix
            a = int(np.searchsorted(theta ** k0 * norms[:nb].sum(), thresh, side="left"))
            if a < len(theta):
                accumulate_rows(out[a:], theta[a:, None] ** np.arange(k0, k0 + nb), buf[:nb])

        while True:
            k += 1
            if nb == chunk:
                flush(nb)
                k0, nb = k, 0
            K = buf[nb]
            self._apply(Kp, K)
            K *= h / k
            Kp = K
            self.matvecs += 1
            nrm = float(np.abs(K).sum())
            norms[nb] = nrm
            total += nrm
            nb += 1
            if k + 1 > x:
                r = x / (k + 1)
                if nrm * r / (1 - r) <= self.tol * beta or nrm == 0.0:
                    break
            if k > 100 + 10 * x:  # pragma: no cover - impossible with a finite norm bound
                raise RuntimeError("Taylor series did not converge")
        flush(nb)
        self.growth = total / beta if beta > 0 else 1.0
        for a, b, _, mu in self.blocks:
            if mu != 0:
                out[:, a:b] *= np.exp(mu * h * theta)[:, None]
        return out

    def _run(self, v: np.ndarray, tlist: np.ndarray,
             max_rows: int) -> Iterator[tuple[slice, np.ndarray]]:
        x = self.x_max
        H = H0 = x / self.norm1 if self.norm1 > 0 else np.inf
        t, i, T = 0.0, 0, len(tlist)
        while i < T:
            if tlist[i] <= t:  # output at the current time (t = 0 only)
                yield slice(i, i + 1), self._lab(v[None, :].copy(), tlist[i:i + 1])
                i += 1
                continue
            h = min(H, tlist[-1] - t)
            j = int(np.searchsorted(tlist, t + h * (1 + 1e-13), side="right"))
            # a lengthened window holds no more outputs than a first-length one would, or
            # than fit in WINDOW_BYTES (the window's output rows are its memory)
            base = int(np.searchsorted(tlist, t + H0 * (1 + 1e-13), side="right")) - i
            rows = min(max_rows, max(base, self.WINDOW_BYTES // (16 * max(1, self.n)), 1))
            if j - i > rows:
                j = i + rows
                h = tlist[j - 1] - t
            theta = np.clip(np.append((tlist[i:j] - t) / h, 1.0), 0.0, 1.0)
            out = self._window(v, h, theta)
            v = out[-1].copy()
            t += h
            # longer windows while the terms' sum stays small (the round-off of a window is
            # ~1e-16 times that sum; the truncation bound holds for any length)
            if self.growth < self.GROWTH_LOW and x < self.x_cap:
                x = min(self.x_cap, 1.5 * x)
            elif self.growth > self.GROWTH_HIGH:
                x = max(0.5 * x, 1.0)
            H = x / self.norm1 if self.norm1 > 0 else np.inf
            if j > i:
                V = out[:-1]
                yield slice(i, j), self._lab(V, tlist[i:j])
            i = j

    def _lab(self, V: np.ndarray, ts: np.ndarray) -> np.ndarray:
        for a, b, f in self.segments:
            V[:, a:b] *= np.exp(-1j * f * ts)[:, None]
        return V
