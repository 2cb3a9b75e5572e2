"""Parallel versus collective charging and the quantum advantage ratio Gamma.

Source: the Rabat group's EPJ Plus (2026) abstract (doi:10.1140/epjp/s13360-026-07815-1)
promises a "generalized quantum advantage ratio that incorporates interaction-induced
corrections". Only the abstract exists, so the definitions here are the ones reconstructed in
SPEC.md, section 000-C [reconstructed/assumed]:

    ``Gamma = P_max(collective) / P_max(parallel)``,  ``P(t) = (E(t) - E(0)) / t``,

the Binder / Campaioli ratio (Campaioli et al., PRL 118, 150601 (2017)). Energies are always
measured against the bare battery Hamiltonian ``H_B = omega0 sum_i sigma_+^i sigma_-^i``.

Models (all charge ``N`` empty qubits):

* :func:`parallel_battery`: each qubit driven on resonance, ``H = (Omega/2) sum_i sigma_x^i``
  (frame rotating at ``omega0``; ``H_B`` commutes with the frame change).
* :func:`collective_battery` with ``kind=``

  - ``"spin_chain"``: the same drive plus a nearest-neighbour XXZ interaction
    ``J sum (sigma_+^i sigma_-^{i+1} + h.c.) + Jz sum sigma_z^i sigma_z^{i+1}``: Gamma - 1 is the
    interaction-induced correction (Gamma = 1 at ``J = Jz = 0``);
  - ``"global_swap"``: ``H = Omega_g (|g..g><e..e| + h.c.)``, with ``Omega_g = N Omega / 2``
    operator-norm matched to the parallel charger (Gamma = N, the Campaioli bound; SPEC 000-C
    gives 2.000 at N = 2);
  - ``"tavis_cummings"`` / ``"dicke"``: N qubits in one cavity holding N photons (Ferraro et
    al., PRL 120, 117702 (2018)), ``H = omega_c a^dag a + omega0 J_n + g (J_+ a + J_- a^dag)``
    (TC) or ``+ g (J_+ + J_-)(a + a^dag)`` (Dicke), written in the symmetric (j = N/2)
    subspace, basis index = number of excited qubits. The parallel reference is N copies of
    the N = 1 cell (one qubit, one photon).

Ergotropy in the symmetric subspace (the degeneracy trap)
--------------------------------------------------------
The cavity kinds store the battery in the symmetric subspace, whose matrix is not the ``2^N``
state: its model carries a :class:`qbtoolkit.metrics.dicke.DickeRepresentation`, so
``Trajectory.evaluate``, sweeps and studies compute energetic metrics exactly with the block
degeneracies and refuse the others (:mod:`qbtoolkit.metrics.dicke`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .. import ops
from .._validate import (
    check_choice,
    check_int,
    check_positive,
    check_rate,
    check_real,
)
from ..metrics.dicke import (
    DickeRepresentation,
    _passive_energy_binomial,
    dicke_blocks,
    permutation_invariant_ergotropy,
)
from ..metrics.work import _passive_energy
from .base import BatteryModel

__all__ = [
    "parallel_battery",
    "collective_battery",
    "tavis_cummings_charging",
    "piqs_charging",
    "symmetric_spin_operators",
]

COLLECTIVE_KINDS = ("spin_chain", "global_swap", "tavis_cummings", "dicke")


# ---------------------------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------------------------


def _resonant_drive(N: int, Omega: float) -> qutip.Qobj:
    """``(Omega/2) sum_i sigma_x^i``: every qubit driven on resonance (rotating frame)."""
    return 0.5 * Omega * sum(ops.site_operators(ops.sigma_x(), N))


def _qubit_register_model(
    H: qutip.Qobj, N: int, omega0: float, gamma: float, params: dict, name: str
) -> BatteryModel:
    """``N`` qubits charged by ``H`` from ``|g...g>``, with local decay ``sqrt(gamma) sigma_-^i``
    (none at ``gamma = 0``); the whole register is the battery, ``H_B = omega0 sum_i n_i``."""
    if gamma == 0:
        c_ops: tuple[qutip.Qobj, ...] = ()
    else:
        c_ops = tuple(np.sqrt(gamma) * s for s in ops.site_operators(ops.sigma_minus(), N))
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=qutip.ket2dm(ops.product_state([ops.ground()] * N)),
        H_battery=omega0 * sum(ops.site_operators(ops.number(), N)),
        battery=tuple(range(N)),
        params=params,
        name=name,
    )


def parallel_battery(
    N: int, *, omega0: float = 1.0, Omega: float = 1.0, gamma: float = 0.0
) -> BatteryModel:
    r"""N independent qubits, each driven on resonance: the parallel charger.

    .. math:: H = \frac{\Omega}{2}\sum_{i=1}^N \sigma_x^i ,\qquad
              H_B = \omega_0 \sum_i \sigma_+^i\sigma_-^i ,

    in the frame rotating at ``omega0`` (SPEC 000-C, [reconstructed/assumed]); start
    ``|g...g>``; optional local decay ``sqrt(gamma) sigma_-^i``. Each cell stores
    ``omega0 sin^2(Omega t / 2)``, so ``P_max = N omega0 (Omega/2) B`` with
    ``B = max sin^2(x)/x = 0.7246114``.

    Parameters
    ----------
    N : int
        Number of cells (>= 1); the full ``2^N`` space is built.
    omega0 : float
        Cell splitting (energy unit), > 0.
    Omega : float
        Rabi frequency of the drive, > 0.
    gamma : float
        Local amplitude-damping rate, >= 0.

    Returns
    -------
    BatteryModel
        ``battery = (0, ..., N-1)`` (the whole register), ``H_battery = H_B``.
    """
    N = check_int(N, "N", minimum=1)
    omega0 = check_positive(omega0, "omega0")
    Omega = check_positive(Omega, "Omega")
    gamma = check_rate(gamma, "gamma")
    H = _resonant_drive(N, Omega)
    params = {"N": N, "omega0": omega0, "Omega": Omega, "gamma": gamma}
    return _qubit_register_model(H, N, omega0, gamma, params, "parallel_battery")


def symmetric_spin_operators(N: int) -> tuple[qutip.Qobj, qutip.Qobj]:
    """``(J_+, J_n)`` on the symmetric (j = N/2) subspace, dimension ``N + 1``.

    Basis index ``k`` = number of excited qubits (toolkit order, ground first), i.e. the Dicke
    state ``|j = N/2, m = k - N/2>``. ``J_+|k> = sqrt((k+1)(N-k)) |k+1>`` and
    ``J_n = J_z + N/2 = diag(0, 1, ..., N)``.
    """
    N = check_int(N, "N", minimum=1)
    k = np.arange(N)
    Jp = qutip.Qobj(np.diag(np.sqrt((k + 1.0) * (N - k)), -1))
    Jn = qutip.Qobj(np.diag(np.arange(N + 1.0)))
    return Jp, Jn


def _spin_chain(N, omega0, Omega, J, Jz, periodic, gamma) -> BatteryModel:
    sm = ops.site_operators(ops.sigma_minus(), N)
    sz = ops.site_operators(ops.sigma_z(), N)
    H = _resonant_drive(N, Omega)
    bonds = [(i, i + 1) for i in range(N - 1)]
    if periodic and N > 2:
        bonds.append((N - 1, 0))
    for i, k in bonds:
        if J != 0:
            H = H + J * (sm[i].dag() * sm[k] + sm[k].dag() * sm[i])
        if Jz != 0:
            H = H + Jz * sz[i] * sz[k]
    params = {"N": N, "kind": "spin_chain", "omega0": omega0, "Omega": Omega, "J": J,
              "Jz": Jz, "periodic": periodic, "gamma": gamma}
    return _qubit_register_model(H, N, omega0, gamma, params, "collective_battery")


def _global_swap(N, omega0, Omega, norm_matched, gamma) -> BatteryModel:
    Omega_g = 0.5 * N * Omega if norm_matched else Omega
    gs = ops.product_state([ops.ground()] * N)
    es = ops.product_state([ops.excited()] * N)
    H = Omega_g * (gs * es.dag() + es * gs.dag())
    params = {"N": N, "kind": "global_swap", "omega0": omega0, "Omega": Omega,
              "Omega_g": Omega_g, "norm_matched": norm_matched, "gamma": gamma}
    return _qubit_register_model(H, N, omega0, gamma, params, "collective_battery")


def _cavity(N, kind, omega0, omega_c, g, n_max, kappa) -> BatteryModel:
    rwa = kind == "tavis_cummings"
    if n_max is None:
        n_max = N if rwa else 2 * N + 12
    n_max = check_int(n_max, "n_max", minimum=N)
    a = qutip.tensor(qutip.destroy(n_max + 1), qutip.qeye(N + 1))
    Jp, Jn = symmetric_spin_operators(N)
    Jp = qutip.tensor(qutip.qeye(n_max + 1), Jp)
    Jn_full = qutip.tensor(qutip.qeye(n_max + 1), Jn)
    H = omega_c * a.dag() * a + omega0 * Jn_full
    if rwa:
        H = H + g * (Jp * a + Jp.dag() * a.dag())
    else:
        H = H + g * (Jp + Jp.dag()) * (a + a.dag())
    c_ops = (np.sqrt(kappa) * a,) if kappa > 0 else ()
    rho0 = qutip.ket2dm(qutip.tensor(qutip.basis(n_max + 1, N), qutip.basis(N + 1, 0)))
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=rho0,
        H_battery=omega0 * Jn,
        battery=(1,),
        params={"N": N, "kind": kind, "omega0": omega0, "omega_c": omega_c, "g": g,
                "n_max": n_max, "kappa": kappa},
        name="collective_battery",
        representation=DickeRepresentation(N, omega0, "symmetric"),
    )


def collective_battery(
    N: int,
    kind: str = "spin_chain",
    *,
    omega0: float = 1.0,
    Omega: float = 1.0,
    J: float = 0.0,
    Jz: float = 0.0,
    periodic: bool = False,
    norm_matched: bool = True,
    omega_c: float | None = None,
    g: float = 0.05,
    n_max: int | None = None,
    gamma: float = 0.0,
    kappa: float = 0.0,
) -> BatteryModel:
    r"""Collective charger for N qubits (see the module docstring for the four kinds).

    Parameters
    ----------
    N : int
        Number of battery qubits (>= 1; >= 2 for ``"spin_chain"``).
    kind : {"spin_chain", "global_swap", "tavis_cummings", "dicke"}
        Charger type.
    omega0 : float
        Qubit splitting (energy unit), > 0; ``H_battery = omega0 * (number of excitations)``.
    Omega : float
        Drive Rabi frequency (``spin_chain``, ``global_swap``), > 0.
    J, Jz : float
        XX (flip-flop) and ZZ couplings of the spin chain (energy unit).
    periodic : bool
        Close the chain into a ring (``spin_chain``, N > 2).
    norm_matched : bool
        ``global_swap``: ``Omega_g = N Omega / 2`` (operator norm of the parallel charger);
        otherwise ``Omega_g = Omega``.
    omega_c : float, optional
        Cavity frequency (``tavis_cummings``, ``dicke``); default ``omega0`` (resonance).
    g : float
        Single-qubit cavity coupling (vacuum Rabi splitting ``2 g``), > 0.
    n_max : int, optional
        Photon cutoff; default ``N`` for TC (exact: excitations are conserved) and
        ``2 N + 12`` for Dicke.
    gamma : float
        Local qubit decay rate (qubit kinds), >= 0.
    kappa : float
        Cavity loss rate (cavity kinds), >= 0.

    Returns
    -------
    BatteryModel
        Qubit kinds: ``battery`` = all ``N`` qubits, full ``2^N`` space. Cavity kinds:
        subsystems ``[cavity (n_max+1), symmetric spin (N+1)]``, ``battery = (1,)`` and
        ``H_battery = omega0 J_n`` on the symmetric subspace and
        ``representation = DickeRepresentation(N, omega0, "symmetric")`` (see the module
        docstring): evaluate metrics through ``Trajectory.evaluate`` or
        :func:`qbtoolkit.permutation_invariant_ergotropy`, not ``qbtoolkit.ergotropy``.
    """
    kind = check_choice(kind, "kind", COLLECTIVE_KINDS)
    N = check_int(N, "N", minimum=2 if kind == "spin_chain" else 1)
    omega0 = check_positive(omega0, "omega0")
    Omega = check_positive(Omega, "Omega")
    J = check_real(J, "J")
    Jz = check_real(Jz, "Jz")
    gamma = check_rate(gamma, "gamma")
    kappa = check_rate(kappa, "kappa")
    if kind == "spin_chain":
        return _spin_chain(N, omega0, Omega, J, Jz, bool(periodic), gamma)
    if kind == "global_swap":
        return _global_swap(N, omega0, Omega, bool(norm_matched), gamma)
    omega_c = omega0 if omega_c is None else check_positive(omega_c, "omega_c")
    g = check_positive(g, "g")
    return _cavity(N, kind, omega0, omega_c, g, n_max, kappa)


def tavis_cummings_charging(
    N: int,
    tlist: Any,
    *,
    omega0: float = 1.0,
    omega_c: float | None = None,
    g: float = 0.05,
) -> dict[str, np.ndarray]:
    r"""Closed Tavis-Cummings charging of N qubits by N photons, exactly, for large N.

    The initial state ``|N photons> |g...g>`` and ``H = omega_c a^dag a + omega0 J_n +
    g (J_+ a + J_- a^dag)`` conserve ``a^dag a + J_n`` and permutation symmetry, so the
    state stays in the ``N + 1`` states ``|N - k>|k>`` (k excited qubits):
    ``<k+1|H|k> = g sqrt(N - k) sqrt((k+1)(N - k))``. The qubits' reduced state is diagonal,
    ``p_k(t)``; energy ``omega0 sum k p_k`` and the exact ``2^N`` ergotropy
    (:func:`qbtoolkit.permutation_invariant_ergotropy`) cost O(N) per time after one
    ``(N+1)``-dim
    diagonalisation, so N in the hundreds is cheap. Same physics as
    ``collective_battery(N, "tavis_cummings")``, which it is tested against.

    Returns
    -------
    dict
        ``times``, ``populations`` (T, N+1), ``energy``, ``ergotropy`` (exact) and
        ``ergotropy_naive`` (stored-matrix ergotropy, wrong), in units of ``omega0``.
    """
    N = check_int(N, "N", minimum=1)
    omega0 = check_positive(omega0, "omega0")
    omega_c = omega0 if omega_c is None else check_positive(omega_c, "omega_c")
    g = check_positive(g, "g")
    t = np.asarray(tlist, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise ValueError("tlist must be a non-empty 1-D array of finite times")
    k = np.arange(N + 1.0)
    hop = g * np.sqrt(N - k[:-1]) * np.sqrt((k[:-1] + 1) * (N - k[:-1]))
    # diagonal relative to the conserved total excitation (global phase dropped)
    w, V = np.linalg.eigh(np.diag((omega0 - omega_c) * k) + np.diag(hop, 1) + np.diag(hop, -1))
    amp = (np.exp(-1j * np.outer(t, w)) * V[0].conj()) @ V.T
    p = np.abs(amp) ** 2
    p /= p.sum(axis=-1, keepdims=True)
    E = omega0 * p @ k
    passive = _passive_energy_binomial(p, np.ones(N + 1), N)
    naive = _passive_energy(np.sort(p, axis=-1), k)
    return {
        "times": t,
        "populations": p,
        "energy": E,
        "ergotropy": np.maximum(E - omega0 * passive, 0.0),
        "ergotropy_naive": np.maximum(E - omega0 * naive, 0.0),
    }


def piqs_charging(
    N: int,
    tlist: Any,
    *,
    omega0: float = 1.0,
    Omega: float = 1.0,
    chi: float = 0.0,
    emission: float = 0.0,
    dephasing: float = 0.0,
    collective_emission: float = 0.0,
    options: dict | None = None,
) -> dict[str, np.ndarray]:
    r"""Open collective charging of N qubits with ``qutip.piqs`` (permutational invariance).

    ``H = Omega J_x + chi J_z^2`` (resonant collective drive in the rotating frame plus a
    one-axis-twisting interaction) with local emission (``sqrt(emission) sigma_-^i``), local
    dephasing (``sqrt(dephasing) sigma_z^i / 2``, i.e. rate ``dephasing/4`` on ``sigma_z``:
    PIQS's convention, checked against the full ``2^N`` Lindblad equation in the tests) and
    collective emission ``sqrt(collective_emission) J_-``.
    Start ``|g...g>``. The Liouvillian acts on ``num_dicke_states(N) ~ N^2/4`` states instead
    of ``2^N``. Local processes populate every ``j`` block, so the ergotropy must be computed
    with the block degeneracies (:func:`qbtoolkit.permutation_invariant_ergotropy`).

    Returns
    -------
    dict
        ``times``, ``energy``, ``ergotropy`` (exact) and ``ergotropy_naive`` (wrong), units of
        ``omega0``.
    """
    from qutip import piqs

    N = check_int(N, "N", minimum=1)
    omega0 = check_positive(omega0, "omega0")
    Omega = check_real(Omega, "Omega")
    chi = check_real(chi, "chi")
    rates = {k: check_rate(v, k) for k, v in (("emission", emission), ("dephasing", dephasing),
                                               ("collective_emission", collective_emission))}
    jx, _, jz = piqs.jspin(N)
    H = Omega * jx + chi * jz * jz
    system = piqs.Dicke(N, hamiltonian=H, **rates)
    rho0 = piqs.dicke(N, N / 2, -N / 2)
    opts = {"progress_bar": False, "atol": 1e-10, "rtol": 1e-8, **(options or {})}
    res = qutip.mesolve(system.liouvillian(), rho0, np.asarray(tlist, dtype=float),
                        options=opts)
    states = np.stack([s.full() for s in res.states])
    blocks = dicke_blocks(N, "piqs")
    n_diag = np.concatenate([b.excitations for b in blocks])
    return {
        "times": np.asarray(tlist, dtype=float),
        "energy": omega0 * np.einsum("tii,i->t", states, n_diag).real,
        "ergotropy": permutation_invariant_ergotropy(states, N, omega0, "piqs"),
        "ergotropy_naive": permutation_invariant_ergotropy(states, N, omega0, "piqs", naive=True),
    }

