r"""Exact propagation ``v(t) = exp(t A) v0`` of oscillation-dominated generators by a Chebyshev
(Bessel) series with a rigorous a-posteriori error bound.

A Lindblad generator whose Hamiltonian part dominates has its spectrum in a thin ellipse
around the imaginary segment ``c + i [-a, a]`` (``a``: the spread of ``H``'s spectrum,
``c``: the mean decay rate). With ``X = (A - c) / f``, ``f = sqrt(a^2 - b^2)`` (``b``: the
half-spread of the decay rates), the Jacobi-Anger expansion

.. math:: e^{sA} v = e^{sc} \Big[J_0(sf)\, v + 2 \sum_{k \ge 1} J_k(sf)\, U_k(X) v\Big],
   \qquad U_{k+1} = 2 X U_k + U_{k-1},\ U_0 = v,\ U_1 = X v,

(``U_k(X) = i^{-k} T_k(i X)``, bounded on the imaginary segment) needs about ``s f`` terms
plus a margin that grows only like ``(s f)^{1/3}``, where the Taylor series with the
1-norm bound needs ``e ||A||_1 s``. Every coefficient is real, so the series also applies to
the real-linear maps ``w -> A w + B conj(w)`` of a Hermitian state stored on one triangle.

**Error bound.** The truncation after ``U_m`` leaves the residual
``r(s) = A p(s) - p'(s) = (f / 2) (b_m(s) U_{m+1} + b_{m+1}(s) U_m)``
(``b_k = 2 e^{sc} J_k(sf)``), so the error ``int_0^s e^{(s - u) A} r(u) du`` obeys
``||err(s)|| <= M(s) f s max(1, e^{sc}) (C_m ||U_{m+1}|| + C_{m+1} ||U_m||)``, with the
Cauchy estimate ``|J_k(y)| <= C_k(x) = exp(sqrt(k^2 - x^2) - k arccosh(k / x))`` for
``y <= x < k`` and ``M(s)`` a bound on ``||e^{uA}||`` for ``u <= s`` supplied by the caller
(``sqrt(d)`` for a completely positive trace-preserving semigroup measured in the trace norm
through the Hilbert-Schmidt norm, or ``exp(s mu)`` from a logarithmic-norm bound ``mu``). The
series is truncated when this bound is below ``tol ||v||`` at the window's end (it is
largest there), so the bound is proved, not estimated; the spectral estimates ``a, b, c``
only decide how fast it is reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.special import jv

from ..._linalg import single_blas_thread
from ..._validate import check_positive
from .taylor import Propagator, accumulate_rows

__all__ = ["ChebyshevPropagator", "bessel_bound", "decay_range", "semigroup_bound",
           "spectral_ellipse"]

#: The Bessel series is used when the Hamiltonian spread exceeds this many decay spreads.
OSCILLATION_RATIO = 2.0


def decay_range(blocks: Any) -> tuple[float, float]:
    """Range of the real parts of a generator's diagonal (its decay rates, negative).

    Parameters
    ----------
    blocks : sequence of sparse matrices or of pairs ``(A, B)``
        The blocks (a pair is the real-linear ``w -> A w + B conj(w)``, whose diagonal
        ``2 x 2`` real blocks have real parts within ``Re A_ii +- |B_ii|``).

    Returns
    -------
    (lo, hi) : tuple of float
        Smallest and largest real part (1/time).
    """
    lo, hi = np.inf, -np.inf
    for M in blocks:
        A, B = M if isinstance(M, tuple) else (M, None)
        re = A.diagonal().real
        w = np.abs(B.diagonal()) if B is not None else 0.0
        if re.size:
            lo, hi = min(lo, float(np.min(re - w))), max(hi, float(np.max(re + w)))
    return (lo, hi) if lo <= hi else (0.0, 0.0)


def _spread(H: sp.spmatrix) -> float:
    """``E_max - E_min`` of a Hermitian matrix (an estimate: only speed depends on it)."""
    d = H.shape[0]
    if d <= 256:
        e = np.linalg.eigvalsh(H.toarray())
        return float(e[-1] - e[0])
    try:
        hi = spla.eigsh(H, k=1, which="LA", tol=1e-8, return_eigenvectors=False)[0]
        lo = spla.eigsh(H, k=1, which="SA", tol=1e-8, return_eigenvectors=False)[0]
        return float(hi - lo)
    except spla.ArpackError:  # pragma: no cover - ARPACK failure: the Gershgorin spread
        return float(2 * abs(H).sum(axis=1).max())


def spectral_ellipse(H: sp.spmatrix, lo: float, hi: float) -> tuple[float, float, float] | None:
    """The ellipse around a Lindbladian's spectrum: centre, focal half-length, decay spread.

    None when the Hamiltonian does not dominate.

    The Liouvillian's eigenvalues lie near ``c + x + i y`` with ``|x| <= b = (hi - lo) / 2``
    (decay rates, ``c = (hi + lo) / 2``, ``hi`` raised to 0 for the stationary modes) and
    ``|y| <= a = E_max - E_min`` (Bohr frequencies); the ellipse with these semi-axes has foci
    ``c +- i f``, ``f = sqrt(a^2 - b^2)``.

    Parameters
    ----------
    H : sparse matrix (d, d)
        Hamiltonian (energy units).
    lo, hi : float
        Range of the decay rates (:func:`decay_range`).

    Returns
    -------
    (c, f, b) or None
        None when ``a < OSCILLATION_RATIO * b`` (the Taylor series is then as good).
    """
    a = 1.001 * _spread(sp.csr_matrix(H))
    hi = max(hi, 0.0)  # the stationary modes
    b, c = 0.5 * (hi - lo), 0.5 * (hi + lo)
    if not a > OSCILLATION_RATIO * b or a == 0.0:
        return None
    return c, float(np.sqrt(a * a - b * b)), b


def _norm2_bound(M: sp.spmatrix) -> float:
    """``sqrt(||M||_1 ||M||_inf) >= ||M||_2``."""
    A = abs(sp.csr_matrix(M))
    if A.nnz == 0:
        return 0.0
    return float(np.sqrt(A.sum(axis=0).max() * A.sum(axis=1).max()))


def semigroup_bound(terms: Any, completely_positive: bool) -> Callable[[float], float]:
    """A bound ``M(s)`` on ``||exp(u L)||`` for ``0 <= u <= s``.

    The norm is the Hilbert-Schmidt norm, or the trace norm bounded through it.
    The Hamiltonian part is anti-Hermitian in the Hilbert-Schmidt inner product, so the
    logarithmic norm of ``L`` is at most ``mu = -lambda_min(K) + sum_j |c_j| ||A_j|| ||B_j||``
    (``lambda_min`` by Gershgorin, operator norms by ``sqrt(||.||_1 ||.||_inf)``), and
    ``||exp(uL)|| <= exp(u max(mu, 0))``. A completely positive trace-preserving semigroup
    contracts the trace norm, and ``||X||_HS <= ||X||_1 <= sqrt(d) ||X||_HS``, which bounds the
    error in the trace norm by ``sqrt(d)`` times the Hilbert-Schmidt residual: ``M <= sqrt(d)``.

    Parameters
    ----------
    terms : LindbladTerms
        The generator's pieces.
    completely_positive : bool
        The generator is of Lindblad form (``c_ops``: completely positive).

    Returns
    -------
    callable
        ``M(s)``.
    """
    K = sp.csr_matrix(terms.K)
    diag = K.diagonal().real
    off = np.asarray(abs(K).sum(axis=1)).ravel() - np.abs(K.diagonal())
    lam_min = float(np.min(diag - off)) if K.shape[0] else 0.0
    mu = max(0.0, -lam_min) + sum(abs(c) * _norm2_bound(A) * _norm2_bound(B)
                                  for c, A, B in terms.jumps)
    cap = np.sqrt(terms.d) if completely_positive else np.inf

    def growth(s: float) -> float:
        return float(min(cap, np.exp(min(700.0, s * mu))))

    return growth


def bessel_bound(k: np.ndarray | int, x: float) -> np.ndarray:
    """Rigorous bound on ``max_{0 <= y <= x} |J_k(y)|``.

    The Cauchy estimate of the Laurent coefficient of ``exp((y / 2)(w - 1 / w))`` on the
    circle ``|w| = r`` with the optimal ``r = k / x + sqrt(k^2 / x^2 - 1)``:
    ``|J_k(y)| <= exp(sqrt(k^2 - y^2) - k arccosh(k / y))``, increasing in ``y < k``
    (and ``|J_k| <= 1`` always).

    Parameters
    ----------
    k : int or ndarray of int
        Orders ``>= 0``.
    x : float
        Largest argument ``>= 0``.

    Returns
    -------
    ndarray
        The bounds, in ``[0, 1]``.
    """
    k = np.asarray(k, dtype=float)
    out = np.ones_like(k)
    if x <= 0:
        return np.where(k > 0, 0.0, 1.0)
    big = k > x
    kk = k[big]
    with np.errstate(over="ignore"):  # k / x = inf for tiny x: the bound is then 0
        out[big] = np.exp(np.sqrt(kk * kk - x * x) - kk * np.arccosh(kk / x))
    return np.minimum(out, 1.0)


class ChebyshevPropagator(Propagator):
    r"""``v(t) = exp(t A) v0`` at many output times by the Bessel-Chebyshev series.

    Parameters
    ----------
    operator : object
        The generator: ``n`` (length of the vectors) and ``apply(x, out, shift)``
        (``out = (A - shift) x``, real ``shift``; complex-linear or real-linear).
    center : float
        ``c``, the real centre of the spectrum (mean decay rate, ``<= 0`` for a Lindbladian).
    scale : float
        ``f > 0``: ``(A - c) / f`` has its spectrum near ``i [-1, 1]``.
    norm : callable
        ``norm(V)``: the norm of each row of ``V`` (the norm the bound ``M`` refers to).
    growth : callable
        ``growth(s)``: a bound on ``||exp(u A)||`` for ``0 <= u <= s`` in that norm.
    tol : float
        Truncation tolerance per window, relative to the norm of the window's start vector.
    spread : float
        ``b >= 0``, the half-spread of the decay rates (1/time): with ``|c|`` it sets the
        longest window, ``MAX_DECAY / max(|c|, b)``.

    Attributes
    ----------
    matvecs : int
        Generator applications so far.
    peak : float
        Largest term of the last window, in units of its start vector's norm.
    """

    #: Most terms of one window; beyond it the window is halved (dissipation or transient
    #: growth larger than the spectral estimates).
    MAX_TERMS = 4000
    #: Largest ``s * max(|c|, b)`` of a window.
    MAX_DECAY = 30.0
    #: Largest term ``|b_k(s)| ||U_k||`` of a window, in units of ``||v||``: the round-off of
    #: the sum is ~1e-16 times it. Longer windows while the peak stays below ``PEAK_LOW``.
    PEAK_MAX, PEAK_LOW = 1e4, 1e2

    def __init__(self, operator: Any, center: float, scale: float,
                 norm: Callable[[np.ndarray], np.ndarray], growth: Callable[[float], float],
                 tol: float = 1e-12, spread: float = 0.0):
        self.operator = operator
        self.n = int(operator.n)
        self.c = float(center)
        self.f = check_positive(scale, "scale")
        self.spread = float(spread)
        self.norm = norm
        self.growth = growth
        self.tol = check_positive(tol, "tol")
        self.matvecs = 0
        self.peak = 1.0

    def _X(self, x: np.ndarray, out: np.ndarray) -> None:
        """``out = (A - c) x / f``."""
        self.operator.apply(x, out, self.c)
        out *= 1.0 / self.f
        self.matvecs += 1

    def _window(self, v: np.ndarray, s: np.ndarray) -> np.ndarray | None:
        # no multithreaded BLAS inside: its idle threads spin against the sparse products
        with single_blas_thread():
            return self._series(v, s)

    def _series(self, v: np.ndarray, s: np.ndarray) -> np.ndarray | None:
        """``exp(s_i A) v`` for increasing ``s_i`` in ``(0, h]``, ``h = s[-1]``: shape
        ``(len(s), n)``; None when the series does not converge within ``MAX_TERMS`` terms or
        its terms grow past ``PEAK_MAX ||v||`` (the round-off would exceed ~1e-12 ``||v||``)."""
        n, f, c = self.n, self.f, self.c
        h = float(s[-1])
        x = h * f
        beta = float(self.norm(v[None, :])[0])
        if beta == 0.0:
            return np.zeros((len(s), n), dtype=complex)
        # the bound's factor: M(h) f h max(1, e^{hc}); the series stops once
        # factor * (C_m ||U_{m+1}|| + C_{m+1} ||U_m||) <= tol * beta
        factor = self.growth(h) * f * h * max(1.0, float(np.exp(h * c)))
        target = self.tol * beta / factor
        thresh = 1e-3 * self.tol * beta
        decay = np.exp(c * s)
        chunk = int(min(32, max(8, 2**27 // (16 * max(1, n)))))
        out = np.zeros((len(s), n), dtype=complex)
        buf = np.empty((chunk, n), dtype=complex)
        norms = np.empty(chunk)

        state = {"k0": 0, "nb": 0, "peak": 1.0}

        def flush(k0: int, nb: int) -> None:
            ks = np.arange(k0, k0 + nb)
            coef = jv(ks[None, :], (f * s)[:, None]) * decay[:, None]
            coef[:, ks > 0] *= 2.0
            terms = np.abs(coef) * norms[:nb]
            state["peak"] = max(state["peak"], float(terms.max()) / beta)
            live = np.flatnonzero(terms.sum(axis=1) > thresh)
            if live.size == 0:
                return
            a = int(live[0])
            accumulate_rows(out[a:], coef[a:], buf[:nb])

        def append(u: np.ndarray, nrm: float) -> bool:
            """Store ``u``; False when the terms have grown past ``PEAK_MAX``."""
            if state["nb"] == chunk:
                flush(state["k0"], chunk)
                state["k0"] += chunk
                state["nb"] = 0
                if state["peak"] > self.PEAK_MAX:
                    return False
            buf[state["nb"]] = u
            norms[state["nb"]] = nrm
            state["nb"] += 1
            return True

        prev, cur, nxt = v.copy(), np.empty(n, dtype=complex), np.empty(n, dtype=complex)
        self._X(prev, cur)
        append(prev, beta)
        append(cur, float(self.norm(cur[None, :])[0]))
        k = 1  # cur = U_k
        while True:
            self._X(cur, nxt)
            nxt *= 2.0
            nxt += prev
            k += 1
            nrm = float(self.norm(nxt[None, :])[0])
            m = k - 1  # terms U_0 .. U_m are in; U_{m+1} = nxt bounds the rest
            if m > x:
                C = bessel_bound(np.array([m, m + 1]), x)
                if C[0] * nrm + C[1] * norms[state["nb"] - 1] <= target:
                    flush(state["k0"], state["nb"])
                    self.peak = state["peak"]
                    return out if self.peak <= self.PEAK_MAX else None
            if k > self.MAX_TERMS or not np.isfinite(nrm) or not append(nxt, nrm):
                return None
            prev, cur, nxt = cur, nxt, prev

    def _run(self, v: np.ndarray, tlist: np.ndarray,
             max_rows: int) -> Iterator[tuple[slice, np.ndarray]]:
        # windows as long as the rows allow, up to MAX_DECAY / max(|c|, b); halved while the
        # series fails to converge or its terms grow past PEAK_MAX, lengthened again while
        # they stay below PEAK_LOW
        rate = max(abs(self.c), self.spread)
        h_max = self.MAX_DECAY / rate if rate > 0 else np.inf
        h_cap = h_max = min(h_max, self.MAX_TERMS / (2 * self.f))
        t, i, T = 0.0, 0, len(tlist)
        while i < T:
            if tlist[i] <= t:  # output at the current time (t = 0 only)
                yield slice(i, i + 1), v[None, :].copy()
                i += 1
                continue
            j = min(T, i + max_rows)
            cnt = int(np.searchsorted(tlist[i:j], t + h_cap, side="right"))
            silent = cnt == 0  # no output within reach: a step to t + h_cap first
            s = np.array([h_cap]) if silent else tlist[i:i + cnt] - t
            out = self._window(v, s)
            while out is None:  # not converged, or grown (non-normal growth): shorter window
                if len(s) > 1:
                    s = s[: len(s) // 2]
                else:
                    s, silent = s / 2, True
                if s[-1] * self.f < 1e-6:  # pragma: no cover - only a non-finite generator
                    raise RuntimeError("the Chebyshev series does not converge")
                h_cap = min(h_cap, float(s[-1]))
                out = self._window(v, s)
            if self.peak < self.PEAK_LOW:
                h_cap = min(h_max, 1.5 * h_cap)
            v = out[-1].copy()
            if silent:
                t += float(s[-1])
                continue
            t = float(tlist[i + len(s) - 1])
            yield slice(i, i + len(s)), out
            i += len(s)
