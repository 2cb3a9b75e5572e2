"""Driven two-level atom and driven two-qubit battery.

Models for the Rabat group's paper "Coherence-driven ergotropy stabilization and collective
quantum advantage in few-body quantum batteries" (EPJ Plus 2026). Only its abstract is
available, so the Hamiltonians, dissipators and parameters here are reconstructed from the
abstract with textbook choices (a resonantly driven, spontaneously emitting and dephasing
qubit; two such qubits with exchange and Ising couplings), not taken from the paper.

:func:`driven_atom` is available in the frame rotating at the drive frequency, within the
rotating-wave approximation (RWA, static ``H``), and in the lab frame (time-dependent ``H``,
no RWA). :func:`two_qubit_battery` is written in the rotating frame. Energies, ergotropies,
populations, ``|rho_eg|`` (hence l1 coherence) and concurrence are the same in both frames,
because the frame rotation commutes with the bare Hamiltonian
``H0 = omega0 * sum_i sigma_i^+ sigma_i^-`` used as ``H_battery``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .. import ops
from .._validate import check_choice, check_positive, check_rate, check_real
from .base import BatteryModel
from .register import local_c_ops

__all__ = ["driven_atom", "two_qubit_battery", "FRAMES"]

#: Frames of :func:`driven_atom`.
FRAMES = ("rotating", "lab")


def lab_drive(t: float, omega_L: float) -> float:
    """Coefficient ``cos(omega_L t)`` of the lab-frame drive (QuTiP's ``f(t, **args)``)."""
    return np.cos(omega_L * t)


def driven_atom(
    Omega: float = 1.0,
    gamma: float = 0.0,
    gamma_phi: float = 0.0,
    delta: float | None = None,
    omega0: float = 1.0,
    theta: float = 0.0,
    phi: float = 0.0,
    *,
    frame: str = "rotating",
    omega_L: float | None = None,
) -> BatteryModel:
    r"""Coherently driven two-level atom with spontaneous emission and dephasing.

    Lab frame (``frame="lab"``, time-dependent, no rotating-wave approximation):

    .. math:: H(t) = \frac{\omega_0}{2}\sigma_z + \Omega\cos(\omega_L t)\,\sigma_x .

    Frame rotating at :math:`\omega_L`, rotating-wave approximation (``frame="rotating"``,
    the default, static):

    .. math:: H = \frac{\Delta}{2}\sigma_z + \frac{\Omega}{2}\sigma_x,\qquad
              \Delta = \omega_0 - \omega_L .

    The two agree up to corrections of relative order :math:`\Omega/\omega_0`: the
    counter-rotating terms add a micromotion of amplitude :math:`\sim\Omega/(4\omega_0)` at
    :math:`2\omega_L` and the Bloch-Siegert shift :math:`\Omega^2/(4\omega_0)` of the
    resonance (Bloch & Siegert, Phys. Rev. 57, 522 (1940)). Both frames have the collapse
    operators :math:`\sqrt{\gamma}\,\sigma_-` (population decay rate :math:`\gamma`) and
    :math:`\sqrt{\gamma_\phi/2}\,\sigma_z` (coherences decay at the extra rate
    :math:`\gamma_\phi`, so :math:`\Gamma_2 = \gamma/2 + \gamma_\phi`), which the frame
    rotation leaves unchanged. ``sigma_z = diag(-1, +1)`` in the toolkit's convention
    (ground = index 0).

    Parameters
    ----------
    Omega : float
        Rabi frequency of the drive, >= 0 (``Omega = 0``: free decay).
    gamma : float
        Spontaneous-emission rate, >= 0.
    gamma_phi : float
        Pure-dephasing rate, >= 0.
    delta : float, optional
        Detuning ``omega0 - omega_L``; give it or ``omega_L``, not both (default: resonance).
    omega0 : float
        Atomic transition frequency, > 0: the battery Hamiltonian is ``omega0 sigma^+ sigma^-``.
    theta, phi : float
        Initial Bloch state ``cos(theta/2)|g> + e^{i phi} sin(theta/2)|e>`` (default ``|g>``).
    frame : {"rotating", "lab"}
        ``"rotating"``: static RWA Hamiltonian; ``"lab"``: the time-dependent lab-frame
        Hamiltonian in QuTiP's list format, ``[(omega0/2) sigma_z, [Omega sigma_x,
        lab_drive]]`` with ``args = {"omega_L": omega_L}`` (evolve it with
        ``method="mesolve"``).
    omega_L : float, optional
        Drive (laser) frequency, > 0; default ``omega0 - delta``. In the lab frame it must be
        > 0.

    Returns
    -------
    BatteryModel
        One subsystem, ``battery = (0,)``, ``H_battery = omega0 * sigma^+ sigma^-`` (also
        ``H_local[0]``). ``params`` holds every argument, with ``delta`` and ``omega_L``
        resolved.

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range, both ``delta`` and ``omega_L`` given,
        or a lab frame with ``omega_L <= 0``.

    Examples
    --------
    Rabi charging, ``rho_ee = sin^2(Omega t / 2)``, and the steady state with decay:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> from qbtoolkit import analytic
    >>> traj = qb.evolve(qb.models.driven_atom(Omega=1.0), [0.0, np.pi / 2, np.pi])
    >>> qb.energy(traj.battery_states, traj.H_battery).round(6)   # omega0 = 1
    array([0. , 0.5, 1. ])
    >>> model = qb.models.driven_atom(Omega=1.0, gamma=1.0)
    >>> rho_ss = qb.steady_state(model)
    >>> print(round(qb.ergotropy(rho_ss, model.H_battery), 9),
    ...       round(float(analytic.atom_steady_ergotropy(1.0, 1.0)), 9))
    0.20601133 0.20601133
    """
    Omega = check_rate(Omega, "Omega")
    gamma = check_rate(gamma, "gamma")
    gamma_phi = check_rate(gamma_phi, "gamma_phi")
    omega0 = check_positive(omega0, "omega0")
    theta = check_real(theta, "theta")
    phi = check_real(phi, "phi")
    frame = check_choice(frame, "frame", FRAMES)
    if delta is not None and omega_L is not None:
        raise ValueError("give the drive frequency once: delta (= omega0 - omega_L) or omega_L, "
                         "not both")
    if omega_L is not None:
        omega_L = check_positive(omega_L, "omega_L")
        delta = omega0 - omega_L
    else:
        delta = 0.0 if delta is None else check_real(delta, "delta")
        omega_L = omega0 - delta
        if frame == "lab" and omega_L <= 0:
            raise ValueError(f"the lab frame needs a drive frequency omega_L = omega0 - delta > 0,"
                             f" got {omega_L:g} (delta={delta:g})")

    args: dict[str, Any] = {}
    if frame == "rotating":
        H: Any = 0.5 * delta * ops.sigma_z() + 0.5 * Omega * ops.sigma_x()
    elif Omega == 0:
        H = 0.5 * omega0 * ops.sigma_z()
    else:
        H = [0.5 * omega0 * ops.sigma_z(), [Omega * ops.sigma_x(), lab_drive]]
        args = {"omega_L": omega_L}
    c_ops = local_c_ops([ops.sigma_minus()], [ops.sigma_z()], gamma, gamma_phi)
    rho0 = qutip.ket2dm(ops.bloch_state(theta, phi))
    H_battery = omega0 * ops.number()
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=rho0,
        H_battery=H_battery,
        battery=(0,),
        params={
            "Omega": Omega,
            "gamma": gamma,
            "gamma_phi": gamma_phi,
            "delta": delta,
            "omega0": omega0,
            "theta": theta,
            "phi": phi,
            "frame": frame,
            "omega_L": omega_L,
        },
        name="driven_atom",
        args=args,
        H_local=(H_battery,),
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
    r"""Two interacting, driven, decaying qubits forming one battery (reconstructed model).

    Lab-frame model: :math:`H = (\omega_0/2)(\sigma_z^1+\sigma_z^2) + J(\sigma_1^+\sigma_2^- +
    \mathrm{h.c.}) + J_z\sigma_z^1\sigma_z^2` plus a charging field. In the frame rotating at the
    drive frequency (RWA):

    .. math:: H = \frac{\Delta}{2}(\sigma_z^1+\sigma_z^2)
              + J(\sigma_1^+\sigma_2^- + \sigma_1^-\sigma_2^+)
              + J_z\sigma_z^1\sigma_z^2 + \frac{\Omega}{2}(\sigma_x^1+\sigma_x^2),

    (the flip-flop and ``zz`` terms are invariant under the rotation). Local decay
    :math:`\sqrt{\gamma}\sigma_i^-` and optional local dephasing
    :math:`\sqrt{\gamma_\phi/2}\sigma_z^i`.
    Initial state ``|gg>``. The couplings and the charging field are the simplest choice
    consistent with the paper's abstract ("interacting", "coherently driven"), an assumption.

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
        Both qubits form the battery, ``battery = (0, 1)``; ``H_local`` = ``omega0 n`` on each.

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range.
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
    c_ops = local_c_ops(sm, sz, gamma, gamma_phi)
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
        H_local=(omega0 * ops.number(), omega0 * ops.number()),
    )
