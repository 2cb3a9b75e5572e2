r"""Cavity chargers: N qubits charged by the photons of one cavity mode (Tavis-Cummings, Dicke).

Ferraro, Campisi, Andolina, Pellegrini & Polini, PRL 120, 117702 (2018): N qubits in a cavity
holding N photons,

.. math::

    H_{TC} &= \omega_c a^\dagger a + \omega_0 J_n + g (J_+ a + J_- a^\dagger), \\
    H_{D}  &= \omega_c a^\dagger a + \omega_0 J_n + g (J_+ + J_-)(a + a^\dagger),

``J_n = sum_i sigma_+^i sigma_-^i``, ``J_+ = sum_i sigma_+^i``, start ``|N photons>|g...g>``.
Open dynamics: cavity loss ``sqrt(kappa) a``, local decay ``sqrt(gamma) sigma_-^i`` and local
dephasing ``sqrt(gamma_phi / 2) sigma_z^i`` of every qubit. Three exact storages of the qubits
(``basis``):

* ``"full"``: ``cavity (x) 2^N`` qubits, subsystems ``[cavity, qubit 0, ..., qubit N-1]``;
* ``"symmetric"``: ``cavity (x)`` the ``N + 1`` symmetric Dicke states (the Hamiltonians and the
  cavity loss are permutation invariant and do not leave ``j = N/2``); no local processes;
* ``"piqs"``: ``cavity (x)`` every Dicke block in the :mod:`qutip.piqs` layout, with the local
  processes as the double-precision superoperator
  ``1_cavity (x) dicke_dissipator(N, emission=gamma, dephasing=gamma_phi)``
  (:mod:`qbtoolkit.models.dicke_basis`) in ``BatteryModel.superoperator``. A permutation-
  invariant joint state of cavity and qubits is ``sum_j rho_j (x) 1_{d_j} / d_j`` with
  ``rho_j`` on ``cavity (x)`` block j, which is what is stored; ``O(n_c^2 N^3)`` numbers
  instead of ``n_c^2 4^N``.

The reduced storages carry ``representation = DickeRepresentation(N, omega0, basis)``: the
battery's energy, ergotropy, antiergotropy, capacity and energy variance are the full ``2^N``
values (block degeneracies included) and other metrics are refused.

For TC the total excitation number never grows, so the photon cutoff ``n_max = N`` is exact;
the counter-rotating Dicke model needs a cutoff (default ``2 N + 12``) that the user checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import qutip

from .. import ops
from ..metrics.dicke import DickeRepresentation
from .base import BatteryModel
from .dicke_basis import (
    collective_operators,
    dicke_dissipator,
    dicke_dissipator_nnz,
    dicke_state_index,
)
from .register import check_register_memory, local_c_ops, register_dimension

__all__ = ["CAVITY_KINDS", "default_n_max", "cavity_model"]

CAVITY_KINDS = ("tavis_cummings", "dicke")


def default_n_max(N: int, kind: str) -> int:
    """Photon cutoff: ``N`` for Tavis-Cummings (exact), ``2 N + 12`` for the Dicke model.

    Parameters
    ----------
    N : int
        Number of qubits (and initial photons).
    kind : {"tavis_cummings", "dicke"}
        Cavity charger.

    Returns
    -------
    int
        The default ``n_max``: for Tavis-Cummings the excitation number is conserved, so ``N``
        photons are exact; the counter-rotating Dicke model needs headroom, which the user
        checks.
    """
    return N if kind == "tavis_cummings" else 2 * N + 12


def _check_memory(N: int, n_c: int, basis: str) -> None:
    d = n_c * register_dimension(N, basis)
    if basis == "full":
        nnz = (6 * N + 8) * d
        sup = 0
    else:
        nnz = 10 * d
        sup = n_c**2 * dicke_dissipator_nnz(N) if basis == "piqs" else 0
    advice = {
        "full": "Use basis='piqs' (exact for local processes, O(N^3) Dicke-block elements) or "
                "basis='symmetric' (no local processes), or fewer qubits.",
        "symmetric": "Use fewer qubits or a smaller n_max; for closed Tavis-Cummings charging "
                     "models.collective.tavis_cummings_charging(N, tlist) is exact in the "
                     "N + 1 states of one excitation sector.",
        "piqs": "Use fewer qubits or a smaller n_max (basis='symmetric' if there is no local "
                "decay or dephasing).",
    }[basis]
    check_register_memory(f"collective_battery(N={N}, cavity kind, basis={basis!r}, "
                          f"n_max={n_c - 1})", d, nnz, sup, advice)


def cavity_model(
    N: int,
    kind: str,
    *,
    omega0: float,
    omega_c: float,
    g: float,
    n_max: int,
    gamma: float,
    gamma_phi: float,
    kappa: float,
    basis: str,
    params: Mapping[str, Any],
) -> BatteryModel:
    """Build a cavity charger from arguments already checked by :func:`collective_battery`.

    The public entry point is :func:`qbtoolkit.models.collective_battery`, which validates the
    arguments and resolves the defaults before calling this.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1), and of photons in the initial state ``|N>|g...g>``.
    kind : {"tavis_cummings", "dicke"}
        ``H_TC`` (rotating-wave) or ``H_D`` (with counter-rotating terms), module docstring.
    omega0 : float
        Qubit splitting (energy unit), > 0.
    omega_c : float
        Cavity frequency, > 0.
    g : float
        Single-qubit coupling, > 0.
    n_max : int
        Photon cutoff, >= N (cavity dimension ``n_max + 1``).
    gamma : float
        Local qubit decay rate, >= 0.
    gamma_phi : float
        Local pure-dephasing rate, >= 0.
    kappa : float
        Cavity loss rate, >= 0.
    basis : {"full", "symmetric", "piqs"}
        Storage of the qubits (module docstring).
    params : dict
        The builder's resolved arguments, stored in ``BatteryModel.params``.

    Returns
    -------
    BatteryModel
        ``"full"``: dims ``[n_max + 1, 2, ..., 2]``, ``battery = (1, ..., N)``,
        ``H_battery = omega0 sum_i n_i``. Reduced bases: dims ``[n_max + 1, D]``,
        ``battery = (1,)``, ``H_battery = omega0 J_n`` and ``representation``.
        ``H_local`` = ``(omega_c a^dag a, omega0 n per qubit)`` or ``(omega_c a^dag a,
        omega0 J_n)``.

    Raises
    ------
    ValueError
        The model would not fit in memory (with what to do instead).
    """
    n_c = n_max + 1
    _check_memory(N, n_c, basis)
    rwa = kind == "tavis_cummings"
    if basis == "full":
        dims = [n_c] + [2] * N
        a = ops.embed(qutip.destroy(n_c), 0, N + 1, dims)
        sm = [ops.embed(ops.sigma_minus(), i + 1, N + 1, dims) for i in range(N)]
        sz = [ops.embed(ops.sigma_z(), i + 1, N + 1, dims) for i in range(N)]
        Jp = sum(s.dag() for s in sm)
        Jn = sum(s.dag() * s for s in sm)
        n_ops = ops.site_operators(ops.number(), N)
        H_battery = omega0 * sum(n_ops[1:], n_ops[0])
        spin_local: tuple[qutip.Qobj, ...] = tuple(omega0 * ops.number() for _ in range(N))
        c_qubits = local_c_ops(sm, sz, gamma, gamma_phi)
        battery = tuple(range(1, N + 1))
        rho0 = qutip.ket2dm(qutip.tensor([qutip.basis(n_c, N)] + [ops.ground()] * N))
        superoperator = None
        representation = None
    else:
        Jp_s, Jn_s = collective_operators(N, basis)
        D = Jn_s.shape[0]
        a = qutip.tensor(qutip.destroy(n_c), qutip.qeye(D))
        Jp = qutip.tensor(qutip.qeye(n_c), Jp_s)
        Jn = qutip.tensor(qutip.qeye(n_c), Jn_s)
        H_battery = omega0 * Jn_s
        spin_local = (H_battery,)
        c_qubits = ()
        battery = (1,)
        rho0 = qutip.tensor(qutip.fock_dm(n_c, N), qutip.fock_dm(D, dicke_state_index(N, 0, basis)))
        superoperator = None
        if gamma > 0 or gamma_phi > 0:
            superoperator = qutip.super_tensor(qutip.to_super(qutip.qeye(n_c)),
                                               dicke_dissipator(N, emission=gamma,
                                                                dephasing=gamma_phi))
        representation = DickeRepresentation(N, omega0, basis)
    H = omega_c * a.dag() * a + omega0 * Jn
    if rwa:
        H = H + g * (Jp * a + Jp.dag() * a.dag())
    else:
        H = H + g * (Jp + Jp.dag()) * (a + a.dag())
    c_ops = ((np.sqrt(kappa) * a,) if kappa > 0 else ()) + c_qubits
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=rho0,
        H_battery=H_battery,
        battery=battery,
        params=params,
        name="collective_battery",
        H_local=(omega_c * qutip.num(n_c), *spin_local),
        representation=representation,
        superoperator=superoperator,
    )
