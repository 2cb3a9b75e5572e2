"""Driven two-level atom and driven two-qubit battery.

These are the *reconstructed* models 000-A and 000-B of SPEC.md for the Rabat-group paper
("Coherence-driven ergotropy stabilization and collective quantum advantage in few-body
quantum batteries", EPJ Plus 2026), of which only the abstract is available. The Hamiltonians,
dissipators and parameters below are assumptions, not the paper's content.

Both models are written in the frame rotating at the drive frequency, within the rotating-wave
approximation. Energies, ergotropies, populations, ``|rho_eg|`` (hence l1 coherence) and
concurrence are unchanged by that frame rotation, because it commutes with the bare Hamiltonian
``H0 = omega0 * sum_i sigma_i^+ sigma_i^-`` used as ``H_battery``.
"""

from __future__ import annotations

import numpy as np
import qutip

from .. import ops
from .._validate import check_positive, check_rate, check_real
from .base import BatteryModel

__all__ = ["driven_atom", "two_qubit_battery"]


def _decay_and_dephasing(
    lowering: list[qutip.Qobj], sigma_z: list[qutip.Qobj], gamma: float, gamma_phi: float
) -> tuple[qutip.Qobj, ...]:
    """Local collapse operators ``sqrt(gamma) sigma_-^i`` (population decay at rate ``gamma``)
    and ``sqrt(gamma_phi / 2) sigma_z^i`` (coherences decay at the extra rate ``gamma_phi``);
    zero-rate channels are omitted."""
    c_ops = []
    if gamma > 0:
        c_ops += [np.sqrt(gamma) * s for s in lowering]
    if gamma_phi > 0:
        c_ops += [np.sqrt(gamma_phi / 2) * z for z in sigma_z]
    return tuple(c_ops)


def driven_atom(
    Omega: float = 1.0,
    gamma: float = 0.0,
    gamma_phi: float = 0.0,
    delta: float = 0.0,
    omega0: float = 1.0,
    theta: float = 0.0,
    phi: float = 0.0,
) -> BatteryModel:
    r"""Coherently driven two-level atom with spontaneous emission and dephasing (SPEC 000-A).

    Lab frame: :math:`H(t) = (\omega_0/2)\sigma_z + \Omega\cos(\omega_L t)\sigma_x`. In the
    rotating-wave approximation and the frame rotating at :math:`\omega_L`:

    .. math:: H = \frac{\Delta}{2}\sigma_z + \frac{\Omega}{2}\sigma_x,\qquad
              \Delta = \omega_0 - \omega_L,

    with collapse operators :math:`\sqrt{\gamma}\,\sigma_-` (population decay rate
    :math:`\gamma`) and :math:`\sqrt{\gamma_\phi/2}\,\sigma_z` (coherences decay at the extra rate
    :math:`\gamma_\phi`, so :math:`\Gamma_2 = \gamma/2 + \gamma_\phi`).
    ``sigma_z = diag(-1, +1)`` in the toolkit's convention (ground = index 0).

    Parameters
    ----------
    Omega : float
        Rabi frequency of the drive, >= 0 (``Omega = 0``: free decay, SPEC A2).
    gamma : float
        Spontaneous-emission rate, >= 0.
    gamma_phi : float
        Pure-dephasing rate, >= 0.
    delta : float
        Detuning ``omega0 - omega_L`` (default: resonance).
    omega0 : float
        Atomic transition frequency, > 0: the battery Hamiltonian is ``omega0 sigma^+ sigma^-``.
    theta, phi : float
        Initial Bloch state ``cos(theta/2)|g> + e^{i phi} sin(theta/2)|e>`` (default ``|g>``).

    Returns
    -------
    BatteryModel
        One subsystem, ``battery = (0,)``, ``H_battery = omega0 * sigma^+ sigma^-``.
    """
    Omega = check_rate(Omega, "Omega")
    gamma = check_rate(gamma, "gamma")
    gamma_phi = check_rate(gamma_phi, "gamma_phi")
    delta = check_real(delta, "delta")
    omega0 = check_positive(omega0, "omega0")
    theta = check_real(theta, "theta")
    phi = check_real(phi, "phi")

    H = 0.5 * delta * ops.sigma_z() + 0.5 * Omega * ops.sigma_x()
    c_ops = _decay_and_dephasing([ops.sigma_minus()], [ops.sigma_z()], gamma, gamma_phi)
    rho0 = qutip.ket2dm(ops.bloch_state(theta, phi))
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=rho0,
        H_battery=omega0 * ops.number(),
        battery=(0,),
        params={
            "Omega": Omega,
            "gamma": gamma,
            "gamma_phi": gamma_phi,
            "delta": delta,
            "omega0": omega0,
            "theta": theta,
            "phi": phi,
        },
        name="driven_atom",
    )


def two_qubit_battery(
    Omega: float = 1.0,
    J: float = 0.0,
    Jz: float = 0.0,
    gamma: float = 0.0,
    gamma_phi: float = 0.0,
    delta: float = 0.0,
    omega0: float = 1.0,
) -> BatteryModel:
    r"""Two interacting, driven, decaying qubits forming one battery (SPEC 000-B, reconstructed).

    Lab-frame model: :math:`H = (\omega_0/2)(\sigma_z^1+\sigma_z^2) + J(\sigma_1^+\sigma_2^- +
    \mathrm{h.c.}) + J_z\sigma_z^1\sigma_z^2` plus a charging field. In the frame rotating at the
    drive frequency (RWA):

    .. math:: H = \frac{\Delta}{2}(\sigma_z^1+\sigma_z^2)
              + J(\sigma_1^+\sigma_2^- + \sigma_1^-\sigma_2^+)
              + J_z\sigma_z^1\sigma_z^2 + \frac{\Omega}{2}(\sigma_x^1+\sigma_x^2),

    (the flip-flop and ``zz`` terms are invariant under the rotation). Local decay
    :math:`\sqrt{\gamma}\sigma_i^-` and optional local dephasing
    :math:`\sqrt{\gamma_\phi/2}\sigma_z^i`.
    Initial state ``|gg>``.

    Parameters
    ----------
    Omega : float
        Rabi frequency of the charging field, >= 0.
    J : float
        Flip-flop (exchange) coupling.
    Jz : float
        Ising ``sigma_z sigma_z`` coupling.
    gamma, gamma_phi : float
        Local decay and pure-dephasing rates, >= 0.
    delta : float
        Detuning ``omega0 - omega_L``.
    omega0 : float
        Qubit frequency, > 0; ``H_battery = omega0 (n_1 + n_2)`` (bare, non-interacting).

    Returns
    -------
    BatteryModel
        Both qubits form the battery, ``battery = (0, 1)``.
    """
    Omega = check_rate(Omega, "Omega")
    J = check_real(J, "J")
    Jz = check_real(Jz, "Jz")
    gamma = check_rate(gamma, "gamma")
    gamma_phi = check_rate(gamma_phi, "gamma_phi")
    delta = check_real(delta, "delta")
    omega0 = check_positive(omega0, "omega0")

    sm = ops.site_operators(ops.sigma_minus(), 2)
    sz = ops.site_operators(ops.sigma_z(), 2)
    sx = ops.site_operators(ops.sigma_x(), 2)
    n = [s.dag() * s for s in sm]
    H = (
        0.5 * delta * (sz[0] + sz[1])
        + J * (sm[0].dag() * sm[1] + sm[1].dag() * sm[0])
        + Jz * sz[0] * sz[1]
        + 0.5 * Omega * (sx[0] + sx[1])
    )
    c_ops = _decay_and_dephasing(sm, sz, gamma, gamma_phi)
    rho0 = qutip.ket2dm(ops.product_state([ops.ground(), ops.ground()]))
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=rho0,
        H_battery=omega0 * (n[0] + n[1]),
        battery=(0, 1),
        params={
            "Omega": Omega,
            "J": J,
            "Jz": Jz,
            "gamma": gamma,
            "gamma_phi": gamma_phi,
            "delta": delta,
            "omega0": omega0,
        },
        name="two_qubit_battery",
    )
