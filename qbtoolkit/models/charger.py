"""Charger-battery qubit pair (Downing & Ukhtary 2026, "Charging a quantum battery from the
Bloch sphere").

Subsystem order: charger ``a`` first (index 0), battery ``b`` second (index 1).
"""

from __future__ import annotations

import numpy as np
import qutip

from .. import ops
from .._validate import check_positive, check_rate, check_real
from .base import BatteryModel

__all__ = ["charger_battery"]


def charger_battery(
    omega: float = 1.0,
    J: float = 0.05,
    theta: float = np.pi,
    phi: float = 0.0,
    gamma: float = 0.0,
) -> BatteryModel:
    r"""Charger qubit prepared on the Bloch sphere, coupled to an empty battery qubit.

    Downing & Ukhtary (2026), Eqs. 1-5 and 60:

    .. math::

        H = \omega\,\sigma_a^\dagger\sigma_a + \omega\,\sigma_b^\dagger\sigma_b
            + J(\sigma_a^\dagger\sigma_b + \sigma_b^\dagger\sigma_a),

    initial state :math:`|\alpha\rangle_a\otimes|g\rangle_b` with
    :math:`|\alpha\rangle = \cos(\theta/2)|g\rangle + e^{i\phi}\sin(\theta/2)|e\rangle`, and an
    optional Lindblad decay of the charger, collapse operator :math:`\sqrt{\gamma}\,\sigma_a`
    (Eq. 60 with the printed typo fixed: the second anticommutator term is
    :math:`\rho\sigma_a^\dagger\sigma_a`).

    Parameters
    ----------
    omega : float
        Common transition frequency :math:`\omega_b` of both qubits (energy unit), > 0.
        It drops out of every plotted quantity (energies are ``omega`` times a function of ``J t``).
    J : float
        Charger-battery exchange coupling (same unit as ``omega``), > 0.
    theta, phi : float
        Bloch polar and azimuthal angles of the charger's initial state (rad).
        ``theta = 0``: empty charger; ``theta = pi``: fully excited charger.
    gamma : float
        Decay rate of the charger (population rate), >= 0. The closed forms of Sec. 8 assume
        ``J > gamma/4``.

    Returns
    -------
    BatteryModel
        ``battery = (1,)``, ``H_battery = omega * sigma_b^dagger sigma_b`` on the battery qubit;
        ``H_local = (omega n_a, omega n_b)``. ``params`` holds ``omega, J, theta, phi, gamma``.

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range.

    Examples
    --------
    The battery's energy and ergotropy against the closed forms of Eqs. 30 and 38:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> from qbtoolkit import analytic
    >>> model = qb.models.charger_battery(J=1.0, theta=np.pi / 2)
    >>> Jt = np.array([0.0, 0.5, np.pi / 2])                  # J = 1: t = J t
    >>> traj = qb.evolve(model, Jt, metrics=["energy", "ergotropy"])
    >>> traj.values["ergotropy"].round(6)
    array([0.      , 0.068516, 0.5     ])
    >>> analytic.ergotropy(np.pi / 2, Jt).round(6)
    array([0.      , 0.068516, 0.5     ])
    >>> print(round(traj.values["energy"][-1], 6), round(analytic.max_energy(np.pi / 2), 6))
    0.5 0.5
    """
    omega = check_positive(omega, "omega")
    J = check_positive(J, "J")
    theta = check_real(theta, "theta")
    phi = check_real(phi, "phi")
    gamma = check_rate(gamma, "gamma")

    sm = ops.sigma_minus()
    sa = ops.embed(sm, 0, 2)
    sb = ops.embed(sm, 1, 2)
    H = omega * sa.dag() * sa + omega * sb.dag() * sb + J * (sa.dag() * sb + sb.dag() * sa)
    c_ops = (np.sqrt(gamma) * sa,) if gamma > 0 else ()
    psi0 = ops.product_state([ops.bloch_state(theta, phi), ops.ground()])
    rho0 = qutip.ket2dm(psi0)
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=rho0,
        H_battery=omega * ops.number(),
        battery=(1,),
        params={"omega": omega, "J": J, "theta": theta, "phi": phi, "gamma": gamma},
        name="charger_battery",
        H_local=(omega * ops.number(), omega * ops.number()),
    )
