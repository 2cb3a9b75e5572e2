r"""Parallel versus collective charging of N qubits.

After the Rabat group's EPJ Plus (2026) abstract (doi:10.1140/epjp/s13360-026-07815-1), which
promises a "generalized quantum advantage ratio that incorporates interaction-induced
corrections". Only the abstract exists, so the ratio is reconstructed from it as the
Binder / Campaioli ratio (Campaioli et al., PRL 118, 150601 (2017)), the standard figure of
merit of collective charging:

    ``Gamma = P_max(collective) / P_max(parallel)``,  ``P(t) = (E(t) - E(0)) / t``,

and the chargers are textbook models chosen to show an interaction-induced correction.
Energies are always measured against the bare battery Hamiltonian
``H_B = omega0 sum_i sigma_+^i sigma_-^i``.

Models (all charge ``N`` empty qubits; local decay ``sqrt(gamma) sigma_-^i`` and dephasing
``sqrt(gamma_phi / 2) sigma_z^i`` optional everywhere):

* :func:`parallel_battery`: each qubit driven on resonance, ``H = (Omega/2) sum_i sigma_x^i``
  (frame rotating at ``omega0``; ``H_B`` commutes with the frame change).
* :func:`collective_battery` with ``kind=``

  - ``"spin_chain"``: the same drive plus a nearest-neighbour XXZ interaction
    ``J sum (sigma_+^i sigma_-^{i+1} + h.c.) + Jz sum sigma_z^i sigma_z^{i+1}``: Gamma - 1 is the
    interaction-induced correction (Gamma = 1 at ``J = Jz = 0``);
  - ``"global_swap"``: ``H = Omega_g (|g..g><e..e| + h.c.)``, with ``Omega_g = N Omega / 2``
    operator-norm matched to the parallel charger (Gamma = N, the Campaioli bound; 2 at N = 2);
  - ``"tavis_cummings"`` / ``"dicke"``: N qubits in one cavity holding N photons (Ferraro et
    al., PRL 120, 117702 (2018); :mod:`qbtoolkit.models.cavity`), with cavity loss and local
    decay/dephasing. The parallel reference is N copies of the N = 1 cell (one qubit, one
    photon).

Permutation-invariant models can be stored in a reduced basis (``basis="symmetric"`` or
``"piqs"``, :mod:`qbtoolkit.models.register`): the model then carries a
:class:`qbtoolkit.metrics.dicke.DickeRepresentation`, so ``Trajectory.evaluate``, sweeps and
studies compute energetic metrics exactly with the block degeneracies and refuse the others
(the stored matrix is not the ``2^N`` state; its naive ergotropy is wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import qutip

from .. import ops
from .._memory import check_memory, dense_state_bytes, sparse_bytes
from .._validate import (
    check_bool,
    check_choice,
    check_int,
    check_positive,
    check_rate,
    check_real,
    check_times,
)
from ..metrics.dicke import (
    _passive_energy_binomial,
    dicke_blocks,
    permutation_invariant_ergotropy,
)
from ..metrics.work import _passive_energy
from .base import BatteryModel
from .cavity import CAVITY_KINDS, cavity_model, default_n_max
from .dicke_basis import (
    collective_operators,
    dicke_dimension,
    dicke_dissipator,
    dicke_dissipator_nnz,
    dicke_state_index,
)
from .register import (
    check_register_memory,
    register_dimension,
    register_model,
    register_operator_nnz,
    resolve_basis,
)

__all__ = [
    "COLLECTIVE_KINDS",
    "parallel_battery",
    "collective_battery",
    "tavis_cummings_charging",
    "piqs_charging",
    "symmetric_spin_operators",
]

COLLECTIVE_KINDS = ("spin_chain", "global_swap", *CAVITY_KINDS)

#: The arguments of :func:`collective_battery` that only some kinds use.
_APPLIES_TO = {
    "Omega": ("spin_chain", "global_swap"),
    "J": ("spin_chain",),
    "Jz": ("spin_chain",),
    "periodic": ("spin_chain",),
    "norm_matched": ("global_swap",),
    "omega_c": CAVITY_KINDS,
    "g": CAVITY_KINDS,
    "n_max": CAVITY_KINDS,
    "kappa": CAVITY_KINDS,
}


# ---------------------------------------------------------------------------------------------
# qubit registers
# ---------------------------------------------------------------------------------------------


def _register_memory(N: int, basis: str, terms: int, what: str, reducible: bool) -> None:
    """Refuse a register model that cannot fit; ``reducible``: it has Dicke-basis forms."""
    nnz, sup = register_operator_nnz(N, basis, terms)
    advice = ("Use basis='symmetric' (closed charging) or basis='piqs' (with local decay or "
              "dephasing): they store O(N) or O(N^2) states instead of 2^N."
              if basis == "full" and reducible else "Use fewer qubits.")
    check_register_memory(what, register_dimension(N, basis), nnz, sup, advice)


def _collective_drive(N: int, Omega: float, basis: str) -> qutip.Qobj:
    """``(Omega/2) sum_i sigma_x^i = Omega J_x``: every qubit driven on resonance."""
    if basis == "full":
        return 0.5 * Omega * sum(ops.site_operators(ops.sigma_x(), N))
    Jp, _ = collective_operators(N, basis)
    return 0.5 * Omega * (Jp + Jp.dag())


def parallel_battery(
    N: int,
    *,
    omega0: float = 1.0,
    Omega: float = 1.0,
    gamma: float = 0.0,
    gamma_phi: float = 0.0,
    basis: str = "full",
) -> BatteryModel:
    r"""N independent qubits, each driven on resonance: the parallel charger.

    .. math:: H = \frac{\Omega}{2}\sum_{i=1}^N \sigma_x^i ,\qquad
              H_B = \omega_0 \sum_i \sigma_+^i\sigma_-^i ,

    in the frame rotating at ``omega0``; start ``|g...g>``; optional local decay
    ``sqrt(gamma) sigma_-^i`` and dephasing ``sqrt(gamma_phi / 2) sigma_z^i``. Each closed cell
    stores ``omega0 sin^2(Omega t / 2)``, so ``P_max = N omega0 (Omega/2) B`` with
    ``B = max sin^2(x)/x = 0.7246114``.

    Parameters
    ----------
    N : int
        Number of cells (>= 1).
    omega0 : float
        Cell splitting (energy unit), > 0.
    Omega : float
        Rabi frequency of the drive, > 0.
    gamma, gamma_phi : float
        Local amplitude-damping and pure-dephasing rates, >= 0.
    basis : {"full", "symmetric", "piqs"}
        Storage: the ``2^N`` space (default), the ``N + 1`` symmetric states (no local
        processes), or the PIQS Dicke blocks (local processes as a superoperator).

    Returns
    -------
    BatteryModel
        The whole register is the battery, ``H_battery = H_B``. Reduced bases carry
        ``representation = DickeRepresentation(N, omega0, basis)``.

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range; ``basis="symmetric"`` with local
        processes; a model that would not fit in memory.

    Examples
    --------
    Two closed cells: ``P_max = N omega0 (Omega / 2) B`` at ``Omega t_P = 2 A``
    (``A``, ``B`` of :mod:`qbtoolkit.analytic`):

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> from qbtoolkit import analytic
    >>> from qbtoolkit.dynamics import max_average_power
    >>> t_P, P = max_average_power(qb.models.parallel_battery(2), np.linspace(0, 6, 121))
    >>> print(round(t_P, 5), round(2 * analytic.A, 5), round(P, 6), round(analytic.B, 6))
    2.33112 2.33112 0.724611 0.724611
    """
    N = check_int(N, "N", minimum=1)
    omega0 = check_positive(omega0, "omega0")
    Omega = check_positive(Omega, "Omega")
    gamma = check_rate(gamma, "gamma")
    gamma_phi = check_rate(gamma_phi, "gamma_phi")
    basis = resolve_basis(basis, gamma, gamma_phi, "full")
    _register_memory(N, basis, N, f"parallel_battery(N={N}, basis={basis!r})", True)
    H = _collective_drive(N, Omega, basis)
    params = {"N": N, "omega0": omega0, "Omega": Omega, "gamma": gamma,
              "gamma_phi": gamma_phi, "basis": basis}
    return register_model(N, H, omega0=omega0, gamma=gamma, gamma_phi=gamma_phi, basis=basis,
                          params=params, name="parallel_battery")


def symmetric_spin_operators(N: int) -> tuple[qutip.Qobj, qutip.Qobj]:
    """``(J_+, J_n)`` on the symmetric (j = N/2) subspace, dimension ``N + 1``.

    Basis index ``k`` = number of excited qubits (toolkit order, ground first), i.e. the Dicke
    state ``|j = N/2, m = k - N/2>``. ``J_+|k> = sqrt((k+1)(N-k)) |k+1>`` and
    ``J_n = J_z + N/2 = diag(0, 1, ..., N)``
    (:func:`qbtoolkit.models.dicke_basis.collective_operators` in the symmetric layout).

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).

    Returns
    -------
    J_plus : Qobj
        Collective raising operator ``sum_i sigma_+^i``, ``(N + 1, N + 1)``, sparse.
    J_n : Qobj
        Excitation number ``sum_i sigma_+^i sigma_-^i``, diagonal.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1.
    """
    return collective_operators(N, "symmetric")


def _spin_chain(N, omega0, Omega, J, Jz, periodic, gamma, gamma_phi, params) -> BatteryModel:
    _register_memory(N, "full", 3 * N, f"collective_battery(N={N}, 'spin_chain')", False)
    sm = ops.site_operators(ops.sigma_minus(), N)
    sz = ops.site_operators(ops.sigma_z(), N)
    H = _collective_drive(N, Omega, "full")
    bonds = [(i, i + 1) for i in range(N - 1)]
    if periodic:
        bonds.append((N - 1, 0))
    for i, k in bonds:
        if J != 0:
            H = H + J * (sm[i].dag() * sm[k] + sm[k].dag() * sm[i])
        if Jz != 0:
            H = H + Jz * sz[i] * sz[k]
    return register_model(N, H, omega0=omega0, gamma=gamma, gamma_phi=gamma_phi, basis="full",
                          params=params, name="collective_battery")


def _global_swap(N, omega0, Omega_g, gamma, gamma_phi, basis, params) -> BatteryModel:
    _register_memory(N, basis, 2, f"collective_battery(N={N}, 'global_swap', basis={basis!r})",
                     True)
    if basis == "full":
        gs = ops.product_state([ops.ground()] * N)
        es = ops.product_state([ops.excited()] * N)
    else:
        D = dicke_dimension(N, basis)
        gs = qutip.basis(D, dicke_state_index(N, 0, basis))
        es = qutip.basis(D, dicke_state_index(N, N, basis))
    H = Omega_g * (gs * es.dag() + es * gs.dag())
    return register_model(N, H, omega0=omega0, gamma=gamma, gamma_phi=gamma_phi, basis=basis,
                          params=params, name="collective_battery")


def _refuse_inapplicable(kind: str, given: Mapping[str, Any]) -> None:
    for name, value in given.items():
        if value is not None and kind not in _APPLIES_TO[name]:
            users = ", ".join(repr(k) for k in _APPLIES_TO[name])
            raise ValueError(
                f"{name} does not apply to kind={kind!r} (it is used by kind {users}); "
                f"leave {name} unset")


def collective_battery(
    N: int,
    kind: str = "spin_chain",
    *,
    omega0: float = 1.0,
    Omega: float | None = None,
    J: float | None = None,
    Jz: float | None = None,
    periodic: bool | None = None,
    norm_matched: bool | None = None,
    omega_c: float | None = None,
    g: float | None = None,
    n_max: int | None = None,
    gamma: float = 0.0,
    gamma_phi: float = 0.0,
    kappa: float | None = None,
    basis: str | None = None,
) -> BatteryModel:
    """Collective charger for N qubits (see the module docstring for the four kinds).

    Every argument is honoured or refused: an argument that does not apply to ``kind`` raises
    ValueError when it is given (the defaults below are those of the kinds that use it).

    Parameters
    ----------
    N : int
        Number of battery qubits (>= 1; >= 2 for ``"spin_chain"``).
    kind : {"spin_chain", "global_swap", "tavis_cummings", "dicke"}
        Charger type.
    omega0 : float
        Qubit splitting (energy unit), > 0; ``H_battery = omega0 * (number of excitations)``.
    Omega : float, optional
        Drive Rabi frequency (``spin_chain``, ``global_swap``), > 0; default 1.
    J, Jz : float, optional
        XX (flip-flop) and ZZ couplings of the spin chain (energy unit); default 0.
    periodic : bool, optional
        Close the chain into a ring (``spin_chain``, needs N >= 3); default False.
    norm_matched : bool, optional
        ``global_swap``: ``Omega_g = N Omega / 2`` (operator norm of the parallel charger,
        default True); otherwise ``Omega_g = Omega``.
    omega_c : float, optional
        Cavity frequency (cavity kinds), > 0; default ``omega0`` (resonance).
    g : float, optional
        Single-qubit cavity coupling (cavity kinds; vacuum Rabi splitting ``2 g``), > 0;
        default 0.05.
    n_max : int, optional
        Photon cutoff (cavity kinds), >= N; default ``N`` for TC (exact: excitations never
        grow) and ``2 N + 12`` for Dicke.
    gamma : float
        Local qubit decay rate, >= 0 (collapse operators ``sqrt(gamma) sigma_-^i``).
    gamma_phi : float
        Local pure-dephasing rate, >= 0 (``sqrt(gamma_phi / 2) sigma_z^i``).
    kappa : float, optional
        Cavity loss rate (cavity kinds), >= 0; default 0.
    basis : {"full", "symmetric", "piqs"}, optional
        Storage of the qubits. ``spin_chain``: ``"full"`` only. ``global_swap``: default
        ``"full"``. Cavity kinds: default ``"symmetric"`` without local processes (exact) and
        ``"piqs"`` with them; ``"full"`` builds ``cavity (x) 2^N``. ``"symmetric"`` cannot hold
        local decay or dephasing.

    Returns
    -------
    BatteryModel
        Qubit kinds, full basis: ``battery`` = all ``N`` qubits. Cavity kinds: subsystems
        ``[cavity, qubits...]`` (full) or ``[cavity, Dicke space]``. Reduced bases carry
        ``representation = DickeRepresentation(N, omega0, basis)``: evaluate metrics through
        ``Trajectory.evaluate`` (exact or refused), not ``qbtoolkit.ergotropy`` on the stored
        matrix. ``params`` holds every argument that applies, with defaults resolved.

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range, an argument that does not apply to
        ``kind``, a basis that cannot hold the model, or a model that would not fit in memory.

    Examples
    --------
    The norm-matched global swap of two qubits reaches the Campaioli bound ``Gamma = N``:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.dynamics import max_average_power, quantum_advantage
    >>> t = np.linspace(0, 6, 121)
    >>> _, P_par = max_average_power(qb.models.parallel_battery(2), t)
    >>> _, P_col = max_average_power(qb.models.collective_battery(2, "global_swap"), t)
    >>> print(round(quantum_advantage(P_col, P_par), 6))
    2.0

    A Tavis-Cummings charger stores its qubits in the symmetric Dicke basis and evaluates
    energetic metrics exactly there:

    >>> tc = qb.models.collective_battery(4, "tavis_cummings")
    >>> tc.dims, tc.representation.description
    ([5, 5], "4 qubits in the 'symmetric' Dicke layout")
    >>> qb.models.collective_battery(4, "tavis_cummings", J=0.1)
    Traceback (most recent call last):
        ...
    ValueError: ...
    """
    kind = check_choice(kind, "kind", COLLECTIVE_KINDS)
    N = check_int(N, "N", minimum=2 if kind == "spin_chain" else 1)
    omega0 = check_positive(omega0, "omega0")
    gamma = check_rate(gamma, "gamma")
    gamma_phi = check_rate(gamma_phi, "gamma_phi")
    # type checks of everything given, then the kind's applicability
    Omega = None if Omega is None else check_positive(Omega, "Omega")
    J = None if J is None else check_real(J, "J")
    Jz = None if Jz is None else check_real(Jz, "Jz")
    periodic = None if periodic is None else check_bool(periodic, "periodic")
    norm_matched = None if norm_matched is None else check_bool(norm_matched, "norm_matched")
    omega_c = None if omega_c is None else check_positive(omega_c, "omega_c")
    g = None if g is None else check_positive(g, "g")
    n_max = None if n_max is None else check_int(n_max, "n_max", minimum=N)
    kappa = None if kappa is None else check_rate(kappa, "kappa")
    _refuse_inapplicable(kind, {"Omega": Omega, "J": J, "Jz": Jz, "periodic": periodic,
                                "norm_matched": norm_matched, "omega_c": omega_c, "g": g,
                                "n_max": n_max, "kappa": kappa})
    common = {"N": N, "kind": kind, "omega0": omega0}
    rates = {"gamma": gamma, "gamma_phi": gamma_phi}
    if kind == "spin_chain":
        basis = resolve_basis(basis, gamma, gamma_phi, "full", ("full",))
        periodic = bool(periodic)
        if periodic and N < 3:
            raise ValueError(f"periodic=True needs N >= 3 (a ring of {N} qubits is the open "
                             "chain with its bond doubled); leave periodic unset")
        Omega = 1.0 if Omega is None else Omega
        J = 0.0 if J is None else J
        Jz = 0.0 if Jz is None else Jz
        params = {**common, "Omega": Omega, "J": J, "Jz": Jz, "periodic": periodic, **rates,
                  "basis": basis}
        return _spin_chain(N, omega0, Omega, J, Jz, periodic, gamma, gamma_phi, params)
    if kind == "global_swap":
        basis = resolve_basis(basis, gamma, gamma_phi, "full")
        Omega = 1.0 if Omega is None else Omega
        norm_matched = True if norm_matched is None else norm_matched
        Omega_g = 0.5 * N * Omega if norm_matched else Omega
        params = {**common, "Omega": Omega, "Omega_g": Omega_g, "norm_matched": norm_matched,
                  **rates, "basis": basis}
        return _global_swap(N, omega0, Omega_g, gamma, gamma_phi, basis, params)
    local = gamma > 0 or gamma_phi > 0
    basis = resolve_basis(basis, gamma, gamma_phi, "piqs" if local else "symmetric")
    omega_c = omega0 if omega_c is None else omega_c
    g = 0.05 if g is None else g
    n_max = default_n_max(N, kind) if n_max is None else n_max
    kappa = 0.0 if kappa is None else kappa
    params = {**common, "omega_c": omega_c, "g": g, "n_max": n_max, **rates, "kappa": kappa,
              "basis": basis}
    return cavity_model(N, kind, omega0=omega0, omega_c=omega_c, g=g, n_max=n_max, gamma=gamma,
                        gamma_phi=gamma_phi, kappa=kappa, basis=basis, params=params)


# ---------------------------------------------------------------------------------------------
# closed-form and PIQS helpers for large N
# ---------------------------------------------------------------------------------------------


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
    ``(N+1)``-dim diagonalisation, so N in the hundreds is cheap. Same physics as
    ``collective_battery(N, "tavis_cummings")``, which it is tested against.

    Parameters
    ----------
    N : int
        Number of qubits (and photons), >= 1.
    tlist : array_like (T,)
        Strictly increasing times >= 0.
    omega0 : float
        Qubit splitting, > 0.
    omega_c : float, optional
        Cavity frequency, > 0; default ``omega0``.
    g : float
        Single-qubit coupling, > 0.

    Returns
    -------
    dict
        ``times``, ``populations`` (T, N+1), ``energy`` and ``ergotropy`` (the exact ``2^N``
        value, energy units) and, to show the degeneracy trap only, ``ergotropy_naive``
        (the ergotropy of the stored ``(N+1)``-state matrix, which is *not* the battery's).

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range, or an invalid ``tlist``.
    """
    N = check_int(N, "N", minimum=1)
    omega0 = check_positive(omega0, "omega0")
    omega_c = omega0 if omega_c is None else check_positive(omega_c, "omega_c")
    g = check_positive(g, "g")
    t = check_times(tlist)
    check_memory(16 * 6 * t.size * (N + 1) + dense_state_bytes(N + 1, 3),
                 f"tavis_cummings_charging(N={N}) on {t.size} times")
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


#: Integrator options :func:`piqs_charging` passes to ``qutip.mesolve`` by default.
PIQS_OPTIONS = {"atol": 1e-10, "rtol": 1e-8}


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
    r"""Open collective charging of N qubits in the PIQS Dicke basis (permutational invariance).

    ``H = Omega J_x + chi J_z^2`` (resonant collective drive in the rotating frame plus a
    one-axis-twisting interaction) with local emission (``sqrt(emission) sigma_-^i``), local
    dephasing in PIQS's convention (``sqrt(dephasing) sigma_z^i / 2``, i.e. rate
    ``dephasing/4`` on ``sigma_z``; checked against the full ``2^N`` Lindblad equation in the
    tests) and collective emission ``sqrt(collective_emission) J_-``, the dissipation assembled
    in double precision (:func:`qbtoolkit.models.dicke_basis.dicke_dissipator`).
    Start ``|g...g>``. The Liouvillian acts on ``num_dicke_states(N) ~ N^2/4`` states instead
    of ``2^N``. Local processes populate every ``j`` block, so the ergotropy is computed
    with the block degeneracies (:func:`qbtoolkit.permutation_invariant_ergotropy`).

    Parameters
    ----------
    N : int
        Number of qubits, >= 1.
    tlist : array_like (T,)
        Strictly increasing times >= 0.
    omega0 : float
        Qubit splitting (energy unit of the results), > 0.
    Omega, chi : float
        Drive and twisting strengths (real).
    emission, dephasing, collective_emission : float
        Rates, >= 0 (PIQS's conventions, above).
    options : dict, optional
        ``qutip.mesolve`` options (default ``atol=1e-10, rtol=1e-8``).

    Returns
    -------
    dict
        ``times``, ``energy`` and ``ergotropy`` (the exact ``2^N`` value) in units of
        ``omega0``, and, to show the degeneracy trap only, ``ergotropy_naive`` (the ergotropy
        of the stored PIQS matrix, which is *not* the battery's).

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range, an invalid ``tlist`` or an option
        ``qutip.mesolve`` does not take, or a problem that would not fit in memory.
    """
    N = check_int(N, "N", minimum=1)
    omega0 = check_positive(omega0, "omega0")
    Omega = check_real(Omega, "Omega")
    chi = check_real(chi, "chi")
    rates = {k: check_rate(v, k) for k, v in (("emission", emission), ("dephasing", dephasing),
                                               ("collective_emission", collective_emission))}
    t = check_times(tlist)
    if options is not None and not isinstance(options, Mapping):
        raise ValueError(f"options must be a dict, got {type(options).__name__}")
    D = dicke_dimension(N, "piqs")
    check_memory(dense_state_bytes(D, 6 + t.size) + sparse_bytes(dicke_dissipator_nnz(N)
                                                                 + 8 * D * D),
                 f"piqs_charging(N={N}) (Dicke space of dimension {D})",
                 "Use fewer qubits or fewer output times.")
    Jp, Jn = collective_operators(N, "piqs")
    Jz = Jn - 0.5 * N * qutip.qeye(D)
    H = 0.5 * Omega * (Jp + Jp.dag()) + chi * Jz * Jz
    L = qutip.liouvillian(H) + dicke_dissipator(
        N, emission=rates["emission"], dephasing=rates["dephasing"] / 2,
        collective_emission=rates["collective_emission"])
    rho0 = qutip.fock_dm(D, dicke_state_index(N, 0, "piqs"))
    opts = {"progress_bar": False, **PIQS_OPTIONS, **(options or {})}
    try:
        res = qutip.mesolve(L, rho0, t, options=opts)
    except KeyError as exc:
        raise ValueError(f"options: {exc.args[0]}") from None
    states = np.stack([s.full() for s in res.states])
    n_diag = np.concatenate([b.excitations for b in dicke_blocks(N, "piqs")])
    return {
        "times": t,
        "energy": omega0 * np.einsum("tii,i->t", states, n_diag).real,
        "ergotropy": permutation_invariant_ergotropy(states, N, omega0, "piqs"),
        "ergotropy_naive": permutation_invariant_ergotropy(states, N, omega0, "piqs", naive=True),
    }
