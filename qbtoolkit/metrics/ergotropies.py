"""The ergotropy family: local, locked, asymptotic, multi-copy and daemonic ergotropy.

All are built on the ergotropy :math:`W(\\rho, H) = \\mathrm{Tr}(\\rho H) - \\sum_k r_k^\\downarrow
\\varepsilon_k^\\uparrow` (Allahverdyan, Balian & Nieuwenhuizen, EPL 67, 565 (2004)) and share its
batched spectral core (:mod:`qbtoolkit.metrics.work`): states are a Qobj (ket or density
matrix), an ndarray or a batch ``(..., d, d)``; one state gives a float (``local_ergotropies``:
an array over subsystems), a batch an array over the batch axes. Energies are in the units of
the Hamiltonians, and every tolerance is relative to the spread of their spectra.

* :func:`local_ergotropies` -- :math:`W(\\rho_i, H_i)` of every subsystem's reduced state;
* :func:`locked_ergotropy` -- the ergotropic gap :math:`W(\\rho, \\sum_i H_i) - \\sum_i W(\\rho_i,
  H_i)`, the work only global unitaries can extract (Mukherjee, Roy, Bhattacharya & Rao,
  PRE 93, 052140 (2016); Alimuddin, Guha & Parashar, PRA 99, 052320 (2019));
* :func:`asymptotic_ergotropy` -- :math:`\\lim_n W(\\rho^{\\otimes n})/n = E(\\rho) -
  E(\\gamma^*)`, with :math:`\\gamma^*` the Gibbs state of ``H`` of the same entropy as
  :math:`\\rho` (Alicki & Fannes, PRE 87, 042123 (2013));
* :func:`multi_copy_ergotropy` -- :math:`W(\\rho^{\\otimes n}, \\sum H)/n`, exact from the types
  (multinomial structure) of the two spectra, never forming the :math:`d^n` matrix;
* :func:`daemonic_ergotropy` -- the average ergotropy of the battery conditioned on the
  outcomes of a measurement of an ancilla (Francica, Goold, Plastina & Paternostro, npj
  Quantum Inf. 3, 12 (2017)).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import qutip
from scipy.special import gammaln

from .._linalg import (
    DEGENERACY_RTOL,
    clip_roundoff,
    eigvalsh,
    embed_array,
    entropy_from_eigs,
    ptrace,
)
from .._validate import (
    ATOL,
    as_hamiltonian,
    as_states,
    check_dims,
    check_int,
    check_subsystems,
    qobj_dims,
)
from .work import _centred_spectra, _h_spectrum, _out, _passive_energy, _scale, ergotropy

__all__ = [
    "local_ergotropies",
    "locked_ergotropy",
    "asymptotic_ergotropy",
    "multi_copy_ergotropy",
    "daemonic_ergotropy",
]

#: Largest number of types (compositions of n into d parts) multi_copy_ergotropy enumerates.
MAX_TYPES = 5_000_000


# --------------------------------------------------------------------------- local / locked
def _local_hamiltonians(rho: Any, H_locals: Any, dims: Any) -> tuple[list[np.ndarray],
                                                                        list[int]]:
    """Validated local Hamiltonians (one per subsystem) and the subsystem dims."""
    if isinstance(H_locals, str | bytes | qutip.Qobj | np.ndarray) or not isinstance(
            H_locals, Sequence):
        raise ValueError("H_locals must be a list with one Hamiltonian per subsystem")
    if not H_locals:
        raise ValueError("H_locals must name at least one subsystem's Hamiltonian")
    Hs = []
    for i, h in enumerate(H_locals):
        if h is None:
            raise ValueError(f"H_locals[{i}] is None: every subsystem needs its Hamiltonian")
        Hs.append(as_hamiltonian(h, f"H_locals[{i}]"))
        if Hs[-1].ndim != 2:
            raise ValueError(f"H_locals[{i}] must be one (d_i, d_i) matrix")
    implied = [h.shape[0] for h in Hs]
    rho_dims = qobj_dims(rho, "rho")
    d = int(math.prod(implied))
    if dims is not None:
        dims = check_dims(dims, d, "dims")
        if dims != implied:
            raise ValueError(f"dims={dims} disagree with the sizes of H_locals {implied}")
    if rho_dims is not None and rho_dims != implied:
        raise ValueError(f"rho has dims {rho_dims} but H_locals have dimensions {implied}")
    return Hs, implied


def local_ergotropies(rho: Any, H_locals: Sequence[Any], dims: Sequence[int] | None = None
                      ) -> np.ndarray:
    r"""Ergotropy of every subsystem's reduced state, :math:`W(\mathrm{Tr}_{\bar i}\rho, H_i)`.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s) of the whole system (kets accepted).
    H_locals : sequence of Qobj or array_like
        One Hermitian Hamiltonian per subsystem, ``(d_i, d_i)``, in tensor order (energy
        units); ``d = prod(d_i)``.
    dims : sequence of int, optional
        Subsystem dimensions; default the sizes of ``H_locals`` (a given ``dims`` and a Qobj
        ``rho``'s dims must agree with them).

    Returns
    -------
    ndarray, shape (..., n_subsystems)
        Local ergotropies, in the units of each ``H_i`` (``(n_subsystems,)`` for one state).

    Raises
    ------
    ValueError
        ``H_locals`` not a non-empty list of Hermitian ``(d_i, d_i)`` matrices; ``dims`` or a
        Qobj ``rho``'s dims disagreeing with their sizes; invalid ``rho`` (not a state, NaN/inf,
        wrong dimension).

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> h = np.diag([0.0, 1.0])                                   # each qubit: omega = 1
    >>> qb.local_ergotropies(qutip.tensor(e, g), [h, h]).round(12)  # |e> on cell 0
    array([1., 0.])
    >>> qb.local_ergotropies(bell, [h, h]).round(12)  # each cell is maximally mixed
    array([0., 0.])
    """
    Hs, dims = _local_hamiltonians(rho, H_locals, dims)
    states, _ = as_states(rho, "rho")
    if states.shape[-1] != math.prod(dims):
        raise ValueError(f"rho has dimension {states.shape[-1]} but H_locals describe a space "
                         f"of dimension {math.prod(dims)}")
    out = [np.asarray(ergotropy(ptrace(states, [i], dims), h)) for i, h in enumerate(Hs)]
    return np.stack(np.broadcast_arrays(*out), axis=-1)


def locked_ergotropy(rho: Any, H_locals: Sequence[Any], dims: Sequence[int] | None = None
                     ) -> float | np.ndarray:
    r"""Ergotropy locked in correlations: the ergotropic gap of a sum of local Hamiltonians.

    The gap is :math:`W(\rho, \sum_i H_i) - \sum_i W(\rho_i, H_i)`.
    Local unitaries :math:`\bigotimes_i U_i` extract at most :math:`\sum_i W(\rho_i, H_i)`
    when ``H`` is a sum of local terms; the rest (:math:`\ge 0`) needs entangling operations
    (Mukherjee et al., PRE 93, 052140 (2016), Eq. 5). It is the full ergotropy
    :math:`\sum_i \omega_i/2` for a Bell state of two qubits (locally maximally mixed), zero
    for a product state whose local passive states form a passive product (e.g. qubits with
    equal local Hamiltonians), and in general *not* zero for product states with different
    local spectra (their product of passive states need not be passive).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s) of the whole system (kets accepted).
    H_locals : sequence of Qobj or array_like
        One Hermitian Hamiltonian per subsystem, ``(d_i, d_i)``, in tensor order (energy
        units); ``d = prod(d_i)``.
    dims : sequence of int, optional
        Subsystem dimensions; default the sizes of ``H_locals`` (a given ``dims`` and a Qobj
        ``rho``'s dims must agree with them).

    Returns
    -------
    float or ndarray, shape (...)
        Locked ergotropy (energy units); round-off below zero relative to the spread of
        :math:`\sum_i H_i` is clipped. A float for one state, an array over the batch shape
        for a batch.

    Raises
    ------
    ValueError
        ``H_locals`` not a non-empty list of Hermitian ``(d_i, d_i)`` matrices; ``dims`` or a
        Qobj ``rho``'s dims disagreeing with their sizes; invalid ``rho`` (not a state, NaN/inf,
        wrong dimension).

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> h = np.diag([0.0, 1.0])                                   # each qubit: omega = 1
    >>> print(round(qb.locked_ergotropy(bell, [h, 2 * h]), 12))  # (omega_1 + omega_2) / 2
    1.5
    >>> print(round(qb.locked_ergotropy(qutip.tensor(e, g), [h, h]), 12))
    0.0
    """
    Hs, dims = _local_hamiltonians(rho, H_locals, dims)
    states, single = as_states(rho, "rho")
    H = sum(embed_array(h, [i], dims) for i, h in enumerate(Hs))
    total = np.asarray(ergotropy(states, H))
    local = local_ergotropies(states, Hs, dims).sum(axis=-1)
    scale = float(np.ptp(_h_spectrum(H)))
    return _out(clip_roundoff(total - local, scale), single)


# --------------------------------------------------------------------------- asymptotic
def _gibbs_entropy_energy(x: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entropy (nats) and mean of ``e`` (levels >= 0, ground at 0) of the Gibbs state at
    dimensionless inverse temperature ``x`` (..., one per spectrum) -- stable for any
    ``x >= 0`` (no exponent is positive)."""
    w = np.exp(-x[..., None] * e)
    Z = w.sum(axis=-1)
    mean = (w * e).sum(axis=-1) / Z
    return x * mean + np.log(Z), mean


def _gibbs_energy_at_entropy(S: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Energy of the Gibbs state of the ascending spectrum ``eps`` (d,) at inverse
    temperature ``beta >= 0`` with entropy ``S`` (...): the least energy of any state of that
    entropy. ``S <= ln g0`` gives the ground energy, ``S >= ln d`` the mean level."""
    d = eps.size
    spread = eps[-1] - eps[0]
    if d == 1 or spread == 0:
        return np.full(S.shape, eps.mean())
    e = (eps - eps[0]) / spread  # in [0, 1]
    e[e <= DEGENERACY_RTOL] = 0.0  # the ground eigenspace, resolved like the metrics' (work.py)
    g0 = int(np.sum(e == 0))
    lo_S, hi_S = math.log(g0), math.log(d)
    S = np.asarray(S, dtype=float)
    out = np.empty(S.shape)
    top = S >= hi_S * (1 - 1e-15)
    bottom = S <= lo_S + 1e-15
    out[top] = eps.mean()
    out[bottom] = eps[0]
    mid = ~(top | bottom)
    if np.any(mid):
        target = S[mid]
        lo = np.zeros(target.shape)
        hi = np.ones(target.shape)
        for _ in range(1100):  # S decreases in x: find S(hi) < target (x < 2**1100)
            s_hi, _ = _gibbs_entropy_energy(hi, e)
            grow = (s_hi > target) & (hi < 1e300)
            if not np.any(grow):
                break
            lo = np.where(grow, hi, lo)
            hi = np.where(grow, 2 * hi, hi)
        for _ in range(200):  # bisection to full double precision of x
            x = 0.5 * (lo + hi)
            s_x, _ = _gibbs_entropy_energy(x, e)
            above = s_x > target
            lo = np.where(above, x, lo)
            hi = np.where(above, hi, x)
            if np.all(hi - lo <= 4e-16 * hi):
                break
        _, mean = _gibbs_entropy_energy(0.5 * (lo + hi), e)
        out[mid] = eps[0] + spread * mean
    return out


def asymptotic_ergotropy(rho: Any, H: Any) -> float | np.ndarray:
    r"""Asymptotic (regularised) ergotropy :math:`\lim_{n\to\infty} W(\rho^{\otimes n})/n`.

    Alicki & Fannes, PRE 87, 042123 (2013), Eq. (12): :math:`W_\infty = \mathrm{Tr}(\rho H) -
    \mathrm{Tr}(\gamma^* H)` with :math:`\gamma^* = e^{-\beta^* H}/Z` the Gibbs state of ``H``
    with the von Neumann entropy of :math:`\rho`, :math:`S(\gamma^*) = S(\rho)`. It lies
    between the ergotropy and the energy above the ground state, equals the ergotropy for pure
    states (then :math:`\gamma^*` is the ground state, :math:`\beta^* = \infty`) and for every
    qubit, and vanishes exactly for Gibbs states.

    On the temperature: :math:`\beta^* \ge 0` always. Among the states of given entropy the
    Gibbs states with :math:`\beta \ge 0` have the least energy (that is why they are the
    passive limit); those with :math:`\beta < 0` (population inversion) have the *most*, so a
    negative temperature would describe the asymptotic charging capacity, never the
    extractable work. :math:`S(\beta)` decreases monotonically from :math:`\ln d` at
    :math:`\beta = 0` to :math:`\ln g_0` (:math:`g_0` the ground degeneracy) as
    :math:`\beta\to\infty`; an entropy below :math:`\ln g_0` is reached by states inside the
    ground eigenspace (:math:`\gamma^*` has the ground energy). :math:`\beta^*` is found by
    bracketing and bisection on the dimensionless :math:`\beta\,(\varepsilon_{max} -
    \varepsilon_{min})`, with the Gibbs sums written so that no exponent is positive: stable
    and scale-free for any spectrum.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s) (kets accepted).
    H : Qobj or array_like, shape (d, d)
        Hermitian Hamiltonian (energy units); one matrix, not a batch.

    Returns
    -------
    float or ndarray, shape (...)
        Asymptotic ergotropy (units of ``H``), >= 0: a float for one state, an array over the
        batch shape for a batch.

    Raises
    ------
    ValueError
        Invalid ``rho`` or ``H`` (a batch of ``H`` is not supported).

    Examples
    --------
    A passive qutrit (no work from one copy) whose many copies are not passive:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> p, eps = np.array([0.6, 0.25, 0.15]), np.array([0.0, 1.0, 3.0])
    >>> rho, H = np.diag(p), np.diag(eps)
    >>> print(round(qb.ergotropy(rho, H), 12), round(qb.asymptotic_ergotropy(rho, H), 8))
    0.0 0.03205616

    The same number from the Gibbs state of equal entropy, found with ``scipy``:

    >>> from scipy.optimize import brentq
    >>> gibbs = lambda b: np.exp(-b * eps) / np.exp(-b * eps).sum()
    >>> S = lambda q: -np.sum(q * np.log(q))
    >>> beta = brentq(lambda b: S(gibbs(b)) - S(p), 0.0, 50.0)
    >>> print(round(p @ eps - gibbs(beta) @ eps, 8))
    0.03205616
    """
    E, r, eps, single = _centred_spectra(rho, H)
    if eps.ndim != 1:
        raise ValueError("asymptotic_ergotropy takes one H (d, d), not a batch")
    S = entropy_from_eigs(r)
    W = E - _gibbs_energy_at_entropy(S, eps)
    return _out(clip_roundoff(W, _scale(eps)), single)


# --------------------------------------------------------------------------- multi-copy
def _compositions(n: int, d: int) -> np.ndarray:
    """All ``k`` in N^d with ``sum k = n`` (the types), shape ``(C(n+d-1, d-1), d)``."""
    rows = np.zeros((1, 0), dtype=np.int64)
    for _ in range(d - 1):
        left = n - rows.sum(axis=1)
        rep = left + 1
        base = np.repeat(rows, rep, axis=0)
        offs = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
        rows = np.concatenate([base, offs[:, None]], axis=1)
    last = n - rows.sum(axis=1)
    return np.concatenate([rows, last[:, None]], axis=1)


def _log_sub(la: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """``log(exp(la) - exp(lb))`` for ``la >= lb`` (``-inf`` where equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return la + np.log1p(-np.exp(np.minimum(lb - la, 0.0)))


def _passive_energy_of_power(r: np.ndarray, K: np.ndarray, logmult: np.ndarray,
                             E_sorted: np.ndarray, logG: np.ndarray, n_ln_d: float) -> float:
    """Passive energy of :math:`\\rho^{\\otimes n}` under :math:`\\sum H` from the types.

    The eigenvalues :math:`\\prod_i r_i^{k_i}` (multiplicity :math:`\\binom{n}{k}`), sorted
    down, fill the levels :math:`\\sum_i m_i\\varepsilon_i` sorted up. Working with the
    fraction :math:`F` of the :math:`d^n` states (log domain), the passive energy is
    :math:`\\sum_j E_j [M(G_j) - M(G_{j-1})]` with :math:`G_j` the cumulative fraction of the
    levels up to the j-th energy type and :math:`M(F)` the probability mass of the largest
    ``F d^n`` eigenvalues, piecewise linear in ``F``.
    """
    with np.errstate(divide="ignore"):
        logr = np.log(r)
    pos = r > 0
    zero_part = (K[:, ~pos].sum(axis=1) > 0) if np.any(~pos) else np.zeros(K.shape[0], bool)
    loglam = K[:, pos] @ logr[pos]
    keep = ~zero_part
    loglam, lm = loglam[keep], logmult[keep]
    order = np.argsort(-loglam, kind="stable")
    loglam, lm = loglam[order], lm[order]
    logfrac = lm - n_ln_d
    logF = np.logaddexp.accumulate(logfrac)
    mass = np.exp(lm + loglam)
    Mcum = np.cumsum(mass)
    i = np.searchsorted(logF, logG, side="left")
    inside = i < logF.size
    ii = np.minimum(i, logF.size - 1)
    prevF = np.where(ii > 0, logF[np.maximum(ii - 1, 0)], -np.inf)
    prevM = np.where(ii > 0, Mcum[np.maximum(ii - 1, 0)], 0.0)
    part = np.exp(_log_sub(logG, prevF) + loglam[ii] + n_ln_d)
    M = np.where(inside, prevM + part, Mcum[-1])
    M = np.minimum(M, Mcum[-1])
    dM = np.diff(np.r_[0.0, M])
    return float(np.sum(E_sorted * dM))


def multi_copy_ergotropy(rho: Any, H: Any, n: int) -> float | np.ndarray:
    r"""Ergotropy per copy :math:`W_n/n` of :math:`\rho^{\otimes n}` under :math:`\sum_{i=1}^n H_i`.

    Exact, without forming the :math:`d^n`-dimensional state. The spectrum of
    :math:`\rho^{\otimes n}` is :math:`\{\prod_i r_i^{k_i}\}` over the types :math:`k`
    (:math:`\sum_i k_i = n`) with multinomial multiplicities, and that of :math:`\sum H` is
    :math:`\{\sum_i m_i\varepsilon_i\}` likewise; the passive energy pairs them in opposite
    orders (Allahverdyan et al. 2004), computed on the :math:`\binom{n+d-1}{d-1}` types in the
    log domain (so multiplicities up to :math:`d^n` never overflow): about 1 ms for
    ``n = 1000`` copies of a qubit, 30 ms for ``n = 50`` of a ququart.

    :math:`W_1 = W`, :math:`W \le W_n/n \le W_\infty` (:func:`asymptotic_ergotropy`), and
    :math:`W_{kn}/(kn) \ge W_n/n` (superadditivity); :math:`W_n/n \to W_\infty`. It is *not*
    monotone in ``n`` in general: for :math:`\rho = \mathrm{diag}(0.6, 0.25, 0.15)`,
    :math:`H = \mathrm{diag}(0, 1, 3)`, :math:`W_3/3 > W_4/4`. For a qubit
    :math:`W_n/n = W` for every ``n`` (its passive states are Gibbs states).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s) of one copy (kets accepted).
    H : Qobj or array_like, shape (d, d)
        Hamiltonian of one copy (energy units); one matrix, not a batch.
    n : int
        Number of copies, >= 1.

    Returns
    -------
    float or ndarray, shape (...)
        :math:`W_n / n` (units of ``H``): a float for one state, an array over the batch shape
        for a batch.

    Raises
    ------
    ValueError
        Invalid ``rho`` or ``H``; ``n`` not an integer >= 1 (bools refused); more than
        :data:`MAX_TYPES` types (use :func:`asymptotic_ergotropy` for large ``n``).

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> rho, H = np.diag([0.6, 0.25, 0.15]), np.diag([0.0, 1.0, 3.0])
    >>> [round(qb.multi_copy_ergotropy(rho, H, n), 6) for n in (1, 2, 3, 4)]  # not monotone
    [0.0, 0.01375, 0.022917, 0.020866]
    >>> q = np.array([[0.7, 0.2], [0.2, 0.3]])    # a qubit: W_n / n = W for every n
    >>> print(round(qb.multi_copy_ergotropy(q, np.diag([0.0, 1.0]), 10), 9),
    ...       round(qb.ergotropy(q, np.diag([0.0, 1.0])), 9))
    0.082842712 0.082842712
    """
    if isinstance(n, bool | np.bool_):
        raise ValueError(f"n must be an integer number of copies >= 1, got {n!r}")
    n = check_int(n, "n", minimum=1)
    E, r, eps, single = _centred_spectra(rho, H)
    if eps.ndim != 1:
        raise ValueError("multi_copy_ergotropy takes one H (d, d), not a batch")
    d = eps.size
    n_types = math.comb(n + d - 1, d - 1)
    if n_types > MAX_TYPES:
        raise ValueError(
            f"n={n} copies of a {d}-level system have {n_types:.3g} types (more than "
            f"{MAX_TYPES:g}); use asymptotic_ergotropy for the n -> infinity limit")
    K = _compositions(n, d)
    logmult = gammaln(n + 1) - gammaln(K + 1).sum(axis=1)
    n_ln_d = n * math.log(d)
    energies = K @ eps
    order = np.argsort(energies, kind="stable")
    E_sorted = energies[order]
    logG = np.logaddexp.accumulate(logmult[order] - n_ln_d)
    rr = np.clip(r.reshape(-1, d), 0.0, None)
    P = np.array([_passive_energy_of_power(row, K, logmult, E_sorted, logG, n_ln_d)
                  for row in rr]).reshape(r.shape[:-1])
    W = E - P / n
    return _out(clip_roundoff(W, _scale(eps)), single)


# --------------------------------------------------------------------------- daemonic
def _measurement(measurement: Any, d_anc: int) -> np.ndarray:
    """POVM elements as an array ``(n_outcomes, d_anc, d_anc)``, validated."""
    if isinstance(measurement, qutip.Qobj | np.ndarray | str | bytes) or not isinstance(
            measurement, Sequence):
        raise ValueError("measurement must be a list of POVM elements (projectors or positive "
                         "operators on the ancilla that sum to the identity)")
    if not measurement:
        raise ValueError("measurement must have at least one outcome")
    Ms = []
    for b, M in enumerate(measurement):
        if isinstance(M, qutip.Qobj) and M.isket:
            M = qutip.ket2dm(M)
        arr = as_hamiltonian(M, f"measurement[{b}]")
        if arr.shape != (d_anc, d_anc):
            raise ValueError(f"measurement[{b}] has shape {arr.shape}; the ancilla has "
                             f"dimension {d_anc}")
        if np.linalg.eigvalsh(arr)[0] < -ATOL:
            raise ValueError(f"measurement[{b}] must be positive semidefinite (a POVM "
                             "element)")
        Ms.append(arr)
    Ms = np.stack(Ms).astype(complex)
    err = float(np.max(np.abs(Ms.sum(axis=0) - np.eye(d_anc))))
    if err > ATOL:
        raise ValueError(f"measurement elements must sum to the identity (a complete POVM); "
                         f"max |sum_b M_b - 1| = {err:.3g}")
    return Ms


def daemonic_ergotropy(rho: Any, H: Any, measurement: Sequence[Any],
                       dims: Sequence[int] | None = None, battery: int | Sequence[int] = 0
                       ) -> float | np.ndarray:
    r"""Daemonic ergotropy: the average ergotropy of the battery after reading an ancilla.

    Francica, Goold, Plastina & Paternostro, npj Quantum Inf. 3, 12 (2017), Eq. (4): the
    ancilla ``B`` of a battery-ancilla state :math:`\rho_{AB}` is measured with a POVM
    :math:`\{M_b\}`, outcome ``b`` with probability :math:`p_b = \mathrm{Tr}[(1\otimes
    M_b)\rho]` leaving the battery in :math:`\rho_{A|b} = \mathrm{Tr}_B[(1\otimes M_b)\rho]
    / p_b`; a unitary chosen for each outcome then extracts on average

    .. math::

        W_D = \sum_b p_b W(\rho_{A|b}, H) = \mathrm{Tr}(\rho_A H) - \sum_b p_b
              \mathrm{Tr}[\pi(\rho_{A|b}) H] \;\ge\; W(\rho_A, H),

    the inequality from the concavity of the passive energy. Equal to :math:`W(\rho_A)` for
    product states or the trivial measurement; :math:`\omega/2` for a Bell state of two qubits
    with :math:`H = \omega|e\rangle\langle e|` and a :math:`\sigma_z` measurement.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (d, d) or (..., d, d)
        State(s) of battery and ancilla (kets accepted).
    H : Qobj or array_like, shape (d_A, d_A)
        Hermitian Hamiltonian of the battery subsystems (energy units).
    measurement : sequence of Qobj or array_like
        POVM elements on the ancilla (the subsystems other than ``battery``, in tensor order):
        positive operators summing to the identity (projectors, or kets of an orthonormal
        basis, are a special case).
    dims : sequence of int, optional
        Subsystem dimensions (default: a Qobj's dims; required for arrays).
    battery : int or sequence of int, default 0
        Battery subsystem(s); the others are the ancilla (at least one).

    Returns
    -------
    float or ndarray, shape (...)
        Daemonic ergotropy (units of ``H``): a float for one state, an array over the batch
        shape for a batch.

    Raises
    ------
    ValueError
        Invalid states, ``H`` of the wrong size, dims that do not match, an incomplete or
        non-positive POVM, no ancilla left.

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> g, e = qb.ops.ground(), qb.ops.excited()
    >>> bell = (qutip.tensor(g, e) + qutip.tensor(e, g)).unit()  # (|ge> + |eg>) / sqrt(2)
    >>> h = np.diag([0.0, 1.0])                                   # each qubit: omega = 1
    >>> print(round(qb.ergotropy(qb.ptrace(bell, 0), h), 12))  # the battery alone: I / 2
    0.0
    >>> print(round(qb.daemonic_ergotropy(bell, h, [g, e]), 12))  # read the ancilla: omega / 2
    0.5
    """
    states, single = as_states(rho, "rho")
    rho_dims = qobj_dims(rho, "rho")
    d = states.shape[-1]
    if dims is None:
        if rho_dims is None:
            raise ValueError("dims must be given for an array rho (the battery and ancilla "
                             "subsystem dimensions)")
        dims = rho_dims
    dims = check_dims(dims, d, "dims")
    if rho_dims is not None and rho_dims != dims:
        raise ValueError(f"dims={dims} disagree with rho's dims {rho_dims}")
    bat = check_subsystems(battery, len(dims), "battery", leave_one=True)
    anc = [i for i in range(len(dims)) if i not in bat]
    dA = math.prod(dims[i] for i in bat)
    dB = math.prod(dims[i] for i in anc)
    if isinstance(H, qutip.Qobj) and list(H.dims[0]) != [dims[i] for i in bat]:
        raise ValueError(f"H has dims {H.dims[0]} but the battery has dims "
                         f"{[dims[i] for i in bat]}")
    Harr = as_hamiltonian(H, "H", dim=dA)
    Ms = _measurement(measurement, dB)
    n = len(dims)
    batch = states.shape[:-2]
    perm = bat + anc
    nb = len(batch)
    t = states.reshape(batch + tuple(dims) * 2).transpose(
        list(range(nb)) + [nb + p for p in perm] + [nb + n + p for p in perm])
    t = t.reshape(batch + (dA, dB, dA, dB))
    sigma = np.einsum("...aicj,bji->...bac", t, Ms)  # p_b rho_{A|b}
    sigma = 0.5 * (sigma + np.swapaxes(sigma.conj(), -1, -2))
    Hc = Harr - np.trace(Harr).real / dA * np.eye(dA)  # centred: an offset costs no digits
    eps = _h_spectrum(Hc)
    energy = np.einsum("...bij,ji->...", sigma, Hc).real
    passive = _passive_energy(eigvalsh(sigma, "rho"), eps).sum(axis=-1)
    return _out(clip_roundoff(energy - passive, _scale(eps)), single)
