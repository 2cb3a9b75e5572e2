"""Permutation-symmetric (Dicke-basis) route for all-to-all networks with uniform parameters.

For the ``"all_to_all"`` topology of :func:`qbtoolkit.models.network` with uniform parameters
the model is invariant under permutations of the cells. With ``G_nn = gamma``,
``G_nm = gamma_c`` (n != m), ``sigma_n`` the lowering operator of cell n and
``J_- = sum_n sigma_n``::

    sum_{n,m} G_nm sigma_n rho sigma_m^+ = (gamma - gamma_c) sum_n sigma_n rho sigma_n^+
                                           + gamma_c J_- rho J_+

(the anticommutator terms follow the same way): local emission at ``gamma - gamma_c`` plus
collective emission ``gamma_c D[J_-]``. The couplings (``sz = diag(-1, +1)``)::

    J sum_{n<m} sz_n sz_m             = (J / 2) ((2 J_z)^2 - N)      (coupling="zz")
    J sum_{n<m} (s_n^+ s_m^- + h.c.)  = J (J_+ J_- - J_z - N / 2)    (coupling="xy")

are diagonal in the Dicke basis ``|j, m>`` (``J_z = m``, excitations ``m + N/2``). The
``decay="paper"`` variant halves every rate and adds ``sqrt(gamma/2) sigma^+ sigma^-`` per cell,
which is local dephasing ``(gamma/8) D[sigma_z]`` (= PIQS ``dephasing = gamma/2``).
:func:`permutation_liouvillian` builds this Liouvillian with :mod:`qutip.piqs`; the route
propagates it on the ``O(N^3)`` Dicke-basis elements (instead of ``4^N``), split by
``Delta m`` in the frame rotating with ``omega J_z``, with
:class:`~qbtoolkit.dynamics.backends.taylor.TaylorPropagator`. Ergotropy accounts for the
Dicke-block degeneracies (:func:`qbtoolkit.permutation_invariant_ergotropy`).

Accuracy: PIQS (qutip 5.3.1) evaluates its rates in single precision (``cdef float`` in
``qutip/piqs/_piqs.pyx``), i.e. with ~1e-7 relative errors (also its ``collective_emission``
term). By default (``rates="double"``) the generator is therefore assembled here from the same
PIQS rate formulas (Shammah et al., PRA 98, 063815 (2018)) in double precision; it equals
PIQS's to single precision and the full ``2^N`` simulation to ~1e-13 (tests, N = 2..6).
``rates="piqs"`` uses the PIQS matrix itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import qutip
import scipy.sparse as sp

from ..._validate import check_choice, check_int, check_positive
from ...metrics import energy, ergotropy
from ...metrics.dicke import dicke_blocks, permutation_invariant_ergotropy
from ...models.network import CLASSICAL_EXCITED_POPULATION, check_network_params
from .base import Backend, Request
from .taylor import TaylorPropagator

__all__ = ["BACKEND", "permutation_liouvillian", "network_permutation_dynamics"]


def _check_tlist(tlist: Any) -> np.ndarray:
    tlist = np.asarray(tlist, dtype=float)
    if tlist.ndim != 1 or tlist.size == 0:
        raise ValueError("tlist must be a non-empty 1-D array of times")
    if not np.all(np.isfinite(tlist)) or np.any(np.diff(tlist) <= 0) or tlist[0] < 0:
        raise ValueError("tlist must be finite, strictly increasing and start at t >= 0")
    return tlist


def _check_perm_params(N, omega, J, coupling, gamma, gamma_collective, decay):
    N = check_int(N, "N", minimum=1)
    omega, J, gamma, gamma_collective = check_network_params(
        omega, J, coupling, gamma, gamma_collective, decay)
    if N >= 2 and gamma_collective > gamma * (1 + 1e-12):
        raise ValueError(
            "gamma_collective must not exceed gamma: the all-to-all rate matrix is then not "
            "positive semidefinite")
    return N, omega, J, gamma, gamma_collective


def permutation_liouvillian(
    N: int,
    *,
    omega: float = 1.0,
    J: float = 0.0,
    coupling: str = "zz",
    gamma: float = 1.0,
    gamma_collective: float = 0.0,
    decay: str = "amplitude",
) -> qutip.Qobj:
    """Dicke-basis (:mod:`qutip.piqs`) Liouvillian of ``models.network(N, "all_to_all", ...)``.

    Same parameters and meaning as :func:`qbtoolkit.models.network`; see this module's
    docstring for the mapping (local emission at ``gamma - gamma_collective``, collective
    emission at ``gamma_collective`` (``gamma_collective D[J_-]``, built from
    ``piqs.jspin(N, "-")``), both halved and with PIQS ``dephasing = gamma/2`` for
    ``decay="paper"``; ``H`` diagonal in ``|j, m>``). Requires
    ``gamma_collective <= gamma`` (the rate matrix is positive semidefinite) for ``N >= 2``.

    Parameters
    ----------
    N : int
        Number of cells (>= 1).
    omega : float, default 1.0
        Cell frequency (energy unit).
    J : float, default 0.0
        Coupling on every edge (energy).
    coupling : {"zz", "xy"}, default "zz"
        Ising or flip-flop coupling, as in :func:`qbtoolkit.models.network`.
    gamma : float, default 1.0
        Local decay rate of every cell (1/time).
    gamma_collective : float, default 0.0
        Collective decay rate on every edge, ``<= gamma`` for ``N >= 2``.
    decay : {"amplitude", "paper"}, default "amplitude"
        Decay convention, as in :func:`qbtoolkit.models.network`.

    Returns
    -------
    qutip.Qobj
        Superoperator on the PIQS Dicke space (``num_dicke_states(N)`` states), lab frame.

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range (``omega <= 0``, ``gamma_collective >
        gamma`` for ``N >= 2``, ...).
    """
    from qutip import piqs

    N, omega, J, gamma, gamma_collective = _check_perm_params(
        N, omega, J, coupling, gamma, gamma_collective, decay)
    jz = piqs.jspin(N, "z")
    H = omega * (jz + 0.5 * N)
    if N >= 2 and J != 0.0:
        if coupling == "zz":
            H = H + 0.5 * J * (4 * jz * jz - N)
        else:
            H = H + J * (piqs.jspin(N, "+") * piqs.jspin(N, "-") - jz - 0.5 * N)
    s = 0.5 if decay == "paper" else 1.0
    g_coll = s * gamma_collective if N >= 2 else 0.0
    system = piqs.Dicke(N, hamiltonian=H, emission=s * gamma - g_coll,
                        dephasing=gamma / 2 if decay == "paper" else 0.0)
    L = system.liouvillian()
    if g_coll > 0:  # D[J_-] in double precision (PIQS's collective_emission is single)
        L = L + g_coll * qutip.lindblad_dissipator(piqs.jspin(N, "-"))
    return L


def _dicke_initial(N: int, initial: str) -> np.ndarray:
    """PIQS Dicke-basis density matrix of ``|+>^N`` or ``(3/4|e><e| + 1/4|g><g|)^N``."""
    blocks = dicke_blocks(N, "piqs")
    D = blocks[-1].start + blocks[-1].size
    rho = np.zeros((D, D), dtype=complex)
    if initial == "coherent":
        b = blocks[0]  # symmetric block j = N/2
        k = b.excitations.astype(int)
        amp = np.sqrt([math.comb(N, int(x)) for x in k]) / 2 ** (N / 2)
        rho[:b.size, :b.size] = np.outer(amp, amp)
    else:
        p = CLASSICAL_EXCITED_POPULATION
        for b in blocks:
            k = b.excitations
            idx = np.arange(b.start, b.start + b.size)
            rho[idx, idx] = b.degeneracy * p**k * (1 - p) ** (N - k)
    return rho


def _dicke_layout(N: int) -> dict[str, Any]:
    """Stacked ``Delta m >= 0`` elements ``rho[rows, cols]`` of the PIQS Dicke-basis j-blocks,
    ordered by ``k = Delta m``; ``j`` of each element; PIQS layout from ``dicke_blocks``."""
    blocks = dicke_blocks(N, "piqs")
    D = blocks[-1].start + blocks[-1].size
    exc = np.concatenate([b.excitations for b in blocks])
    rows, cols, jv = [], [], []
    for b in blocks:
        i, j = np.triu_indices(b.size)
        rows.append(b.start + i)
        cols.append(b.start + j)
        jv.append(np.full(i.size, b.j))
    rows, cols, jv = np.concatenate(rows), np.concatenate(cols), np.concatenate(jv)
    k = np.rint(exc[rows] - exc[cols]).astype(int)
    order = np.argsort(k, kind="stable")
    start_of = np.full(N + 3, -1, dtype=np.int64)
    for b in blocks:
        start_of[int(round(2 * b.j))] = b.start
    return dict(blocks=blocks, D=D, exc=exc, rows=rows[order], cols=cols[order],
                k=k[order], j=jv[order], start_of=start_of)


def _piqs_generator(L: qutip.Qobj, lay: dict[str, Any], omega: float) -> sp.csr_matrix:
    """Restriction of a PIQS superoperator to the layout, in the frame rotating with omega J_z."""
    D, rows, cols, k = lay["D"], lay["rows"], lay["cols"], lay["k"]
    idx = rows + D * cols  # QuTiP column stacking: vec[i + D j] = rho[i, j]
    Lc = L.to("csr").data.as_scipy()[:, idx]
    if Lc.nnz:
        leak = np.ones(D * D, dtype=bool)
        leak[idx] = False
        if np.abs(Lc[leak]).sum() > 1e-10 * np.abs(Lc.data).max():
            raise RuntimeError(  # pragma: no cover
                "Dicke-basis Liouvillian does not conserve Delta m")
    A = Lc[idx].tocsr()
    return (A + sp.diags(1j * omega * k.astype(float))).tocsr()


def _dicke_generator(
    N: int, lay: dict[str, Any], *, J: float, coupling: str, gamma: float,
    gamma_collective: float, decay: str,
) -> sp.csr_matrix:
    """Double-precision Dicke-basis generator on the layout, frame rotating with omega J_z.

    Rates: PIQS's ``gamma1..gamma6`` (local emission ``yE``, local dephasing ``yD``,
    collective emission ``yCE``; Shammah et al. 2018), here in float64. Element
    ``(j, m, m1)`` is ``rho_{(j,m),(j,m1)}``; sources ``(j, m+1, m1+1)``,
    ``(j +- 1, m+1, m1+1)`` (emission) and ``(j +- 1, m, m1)`` (dephasing), each rate evaluated
    at the source, as PIQS does.
    """
    s = 0.5 if decay == "paper" else 1.0
    yCE = s * gamma_collective if N >= 2 else 0.0
    yE = s * gamma - yCE
    yD = gamma / 2 if decay == "paper" else 0.0
    rows, cols, jv, start_of = lay["rows"], lay["cols"], lay["j"], lay["start_of"]
    n, D, Nf = len(rows), lay["D"], float(N)
    m = lay["exc"][rows] - Nf / 2
    m1 = lay["exc"][cols] - Nf / 2
    lookup = np.full((D, D), -1, dtype=np.int64)
    lookup[rows, cols] = np.arange(n)

    def source(Js: np.ndarray, M: np.ndarray, M1: np.ndarray) -> np.ndarray:
        twoJ = np.rint(2 * Js).astype(np.int64)
        ok = (twoJ >= 0) & (twoJ <= N) & (np.abs(M) <= Js + 1e-9) & (np.abs(M1) <= Js + 1e-9)
        st = start_of[np.clip(twoJ, 0, N)]
        ok &= st >= 0
        p = np.where(ok, st + np.rint(Js - M).astype(np.int64), 0)
        q = np.where(ok, st + np.rint(Js - M1).astype(np.int64), 0)
        return np.where(ok, lookup[p.clip(0, D - 1), q.clip(0, D - 1)], -1)

    def sq(x: np.ndarray) -> np.ndarray:
        return np.sqrt(np.maximum(x, 0.0))

    j = jv
    if N >= 2 and J != 0.0:
        if coupling == "zz":
            energy = lambda mm: 0.5 * J * (4 * mm**2 - Nf)  # noqa: E731
        else:
            energy = lambda mm: J * (j * (j + 1) - mm**2 - Nf / 2)  # noqa: E731
        coh = -1j * (energy(m) - energy(m1))
    else:
        coh = np.zeros(n, dtype=complex)
    with np.errstate(divide="ignore", invalid="ignore"):
        deph = np.where(j > 0, yD / 2 * (Nf / 2 - m * m1 * (Nf / 2 + 1) / (j * (j + 1))),
                        yD * Nf / 4)
    g1 = (yCE / 2 * (2 * j * (j + 1) - m * (m - 1) - m1 * (m1 - 1))
          + yE / 2 * (Nf + m + m1) + deph)
    R, C, V = [np.arange(n)], [np.arange(n)], [coh - g1]
    M, M1 = m + 1, m1 + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = []
        f = sq((j + M) * (j - M + 1) * (j + M1) * (j - M1 + 1))
        terms.append((j, M, M1, yCE * f + np.where(j > 0, yE / 2 * f * (Nf / 2 + 1)
                                                   / (j * (j + 1)), 0.0)))
        Js = j + 1
        terms.append((Js, M, M1, yE / 2 * sq((Js + M) * (Js + M - 1) * (Js + M1) * (Js + M1 - 1))
                      * (Nf / 2 + Js + 1) / (Js * (2 * Js + 1))))
        terms.append((Js, m, m1, yD / 2 * sq((Js**2 - m**2) * (Js**2 - m1**2))
                      * (Nf / 2 + Js + 1) / (Js * (2 * Js + 1))))
        Js = j - 1
        terms.append((Js, M, M1, yE / 2 * sq((Js - M + 1) * (Js - M + 2) * (Js - M1 + 1)
                                             * (Js - M1 + 2)) * (Nf / 2 - Js)
                      / ((Js + 1) * (2 * Js + 1))))
        terms.append((Js, m, m1, yD / 2 * sq(((Js + 1) ** 2 - m**2) * ((Js + 1) ** 2 - m1**2))
                      * (Nf / 2 - Js) / ((Js + 1) * (2 * Js + 1))))
    for Js, Ms, M1s, g in terms:
        src = source(Js, Ms, M1s)
        keep = (src >= 0) & np.isfinite(g) & (g != 0)
        R.append(np.nonzero(keep)[0])
        C.append(src[keep])
        V.append(g[keep].astype(complex))
    return sp.coo_matrix((np.concatenate(V), (np.concatenate(R), np.concatenate(C))),
                         shape=(n, n)).tocsr()


def network_permutation_dynamics(
    N: int,
    tlist: Sequence[float] | np.ndarray,
    *,
    omega: float = 1.0,
    J: float = 0.0,
    coupling: str = "zz",
    gamma: float = 1.0,
    gamma_collective: float = 0.0,
    initial: str = "coherent",
    decay: str = "amplitude",
    tol: float = 1e-12,
    max_bytes: float = 2e8,
    rates: str = "double",
) -> dict[str, np.ndarray]:
    """Energy, ergotropy and efficiency of an all-to-all network in the Dicke basis.

    Exact (Taylor, see :class:`TaylorPropagator`) propagation of
    :func:`permutation_liouvillian` restricted to the ``Delta m >= 0`` elements of the
    ``j``-blocks (``O(N^3)`` numbers), in the frame rotating with ``omega J_z``. Equals
    ``models.network(N, "all_to_all", ...)`` evolved on the full ``2^N`` space (tested for
    N = 2..6), but runs for N in the tens.

    Parameters
    ----------
    N : int
        Number of cells.
    tlist : array_like
        Increasing times ``>= 0`` (1/energy units).
    omega : float, default 1.0
        Cell frequency (energy unit).
    J : float, default 0.0
        Coupling on every edge (energy).
    coupling : {"zz", "xy"}, default "zz"
        Ising or flip-flop coupling, as in :func:`qbtoolkit.models.network`.
    gamma : float, default 1.0
        Local decay rate of every cell (1/time).
    gamma_collective : float, default 0.0
        Collective decay rate on every edge, ``<= gamma`` for ``N >= 2``.
    initial : {"coherent", "classical"}, default "coherent"
        ``|+>^N`` or ``(3/4 |e><e| + 1/4 |g><g|)^N`` (both permutation invariant).
    decay : {"amplitude", "paper"}, default "amplitude"
        Decay convention, as in :func:`qbtoolkit.models.network`.
    tol : float, default 1e-12
        Taylor truncation tolerance per window.
    max_bytes : float, default 2e8
        Bound on the memory of the window buffers.
    rates : {"double", "piqs"}, default "double"
        ``"double"``: the generator is assembled here from PIQS's Dicke-basis rate formulas
        (Shammah et al., PRA 98, 063815 (2018), as coded in ``qutip/piqs/_piqs.pyx``)
        evaluated in double precision; ``"piqs"``: the restriction of
        :func:`permutation_liouvillian` (``qutip.piqs.Dicke``, single-precision local rates,
        ~1e-7 relative errors). The two agree to PIQS's precision (tested).

    Returns
    -------
    dict
        ``times``, ``energy`` (``Tr rho H_b``, ``H_b = omega sum_n sigma_n^+ sigma_n^-``),
        ``ergotropy`` (exact ``2^N``-space value, block degeneracies included) and
        ``efficiency`` = ergotropy / energy; plus ``size`` (propagated dimension),
        ``matvecs``.

    Examples
    --------
    One coherent cell's ergotropy halves at ``gamma t = ln(8/5)`` for any ``N`` without
    interactions; here ``N = 20`` cells, far beyond the ``2^N`` space:

    >>> import numpy as np
    >>> from qbtoolkit.dynamics.backends.permutation import network_permutation_dynamics
    >>> out = network_permutation_dynamics(20, [0.0, np.log(8 / 5)])
    >>> (out["ergotropy"] / 20).round(6)          # per cell: omega / 2, then half of it
    array([0.5 , 0.25])
    """
    N = check_int(N, "N", minimum=1)
    omega = check_positive(omega, "omega")
    check_choice(initial, "initial", ("coherent", "classical"))
    check_choice(rates, "rates", ("double", "piqs"))
    tlist = _check_tlist(tlist)
    N, omega, J, gamma, gamma_collective = _check_perm_params(
        N, omega, J, coupling, gamma, gamma_collective, decay)
    lay = _dicke_layout(N)
    D, exc, rows, cols, k = lay["D"], lay["exc"], lay["rows"], lay["cols"], lay["k"]
    if rates == "piqs":
        L = permutation_liouvillian(N, omega=omega, J=J, coupling=coupling, gamma=gamma,
                                    gamma_collective=gamma_collective, decay=decay)
        A = _piqs_generator(L, lay, omega)
        del L
    else:
        A = _dicke_generator(N, lay, J=J, coupling=coupling, gamma=gamma,
                             gamma_collective=gamma_collective, decay=decay)
    starts = np.searchsorted(k, np.arange(N + 2))
    segments = [(int(starts[q]), int(starts[q + 1]), omega * q) for q in range(N + 1)]
    prop = TaylorPropagator(A, segments, tol=tol)
    rho0 = _dicke_initial(N, initial)
    v0 = rho0[rows, cols]
    n0 = int(starts[1])
    E, W = np.empty(len(tlist)), np.empty(len(tlist))
    max_rows = int(max(1, max_bytes // (16 * max(len(v0), D * D))))
    for sl, V in prop.run(v0, tlist, max_rows=max_rows):
        E[sl] = omega * (V[:, :n0].real @ exc[rows[:n0]])
        rho = np.zeros((V.shape[0], D, D), dtype=complex)
        rho[:, cols[n0:], rows[n0:]] = V[:, n0:].conj()
        rho[:, rows, cols] = V
        W[sl] = np.atleast_1d(permutation_invariant_ergotropy(rho, N, omega, "piqs"))
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = np.where(E > 0, W / E, np.nan)
    return dict(times=tlist, energy=E, ergotropy=W, efficiency=eff,
                size=np.array(len(v0)), matvecs=np.array(prop.matvecs))


def _network_params(model: Any) -> dict[str, Any]:
    p = model.params
    if model.name != "network" or "edges" not in p or p.get("dissipator") is None:
        raise ValueError("method='permutation' needs a model built by models.network(...)")
    N = int(p["N"])
    complete = {(n, m) for n in range(N) for m in range(n + 1, N)}
    if set(map(tuple, p["edges"])) != complete:
        raise ValueError(
            "method='permutation' needs an all-to-all (complete, uniform) network; got "
            f"topology={p['topology']!r}: use method='blocks'")
    if p["initial"] not in ("coherent", "classical"):
        raise ValueError(
            "method='permutation' needs initial='coherent' or 'classical' (permutation "
            f"invariant), got {p['initial']!r}")
    return p


def run(req: Request) -> dict[str, Any]:
    model, sink = req.model, req.sink
    p = _network_params(model)
    if np.abs(req.rho0.full() - model.rho0.full()).max() > 1e-12:
        raise ValueError("method='permutation' propagates the model's own initial state "
                         f"(initial={p['initial']!r}); rho0= cannot be changed")
    native = {}
    for name, fn in sink.metrics.items():
        if fn is energy:
            native[name] = "energy"
        elif fn is ergotropy:
            native[name] = "ergotropy"
        else:
            raise ValueError(
                f"method='permutation' computes energy and ergotropy only (metric {name!r}); "
                "use method='blocks' for other metrics")
    for name in native:
        sink.claim(name)
    extra = [k for k in ("energy", "ergotropy", "efficiency") if k not in sink.metrics]
    for k in extra:
        sink.claim(k, "dimensionless" if k == "efficiency" else "energy (units of H_battery)")
    r = network_permutation_dynamics(
        int(p["N"]), req.times, omega=p["omega"], J=p["J"], coupling=p["coupling"],
        gamma=p["gamma"], gamma_collective=p["gamma_collective"], initial=p["initial"],
        decay=p["decay"], tol=req.options["tol"], rates=req.options["rates"])
    vals = {name: r[key] for name, key in native.items()}
    vals.update({k: r[k] for k in extra})
    sink.add(None, vals, count=len(req.times))
    return {"route": "permutation (Dicke basis)", "propagated": int(r["size"]),
            "matvecs": int(r["matvecs"])}


BACKEND = Backend(
    name="permutation",
    run=run,
    options={"tol": 1e-12, "rates": "double"},
    summary="all-to-all uniform models.network in the Dicke basis (O(N^3) elements): energy, "
            "ergotropy and efficiency only, no states",
    states=False,
)
