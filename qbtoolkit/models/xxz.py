"""XXZ-type charger-battery spin pair of Wang, Huang & Zhang (2026), arXiv:2605.11399.

Only a news summary of the paper is available. The Hamiltonian below is the summary's, with
its garbled typesetting restored to the standard XXZ charger-battery form (flip-flop ``J1``,
Ising ``J2``, fields ``omega_b``, ``omega_c``); the initial state (charger full, battery empty)
is assumed from the summary's description of charging.

Subsystem order: charger ``c`` first (index 0), battery ``b`` second (index 1).
"""

from __future__ import annotations

import numpy as np
import qutip

from .. import ops
from .._validate import check_positive, check_rate, check_real
from .base import BatteryModel

__all__ = ["xxz_charger_battery"]


def xxz_charger_battery(
    omega_b: float = 1.0,
    omega_c: float = 1.0,
    J1: float = 0.3,
    J2: float = 0.2,
    *,
    theta_c: float = np.pi,
    gamma_b: float = 0.0,
    gamma_c: float = 0.0,
) -> BatteryModel:
    r"""Battery spin and charger spin with flip-flop (J1) and Ising (J2) couplings.

    Wang et al. (2026), in their spin convention (:math:`\sigma_z = |\uparrow\rangle\langle
    \uparrow| - |\downarrow\rangle\langle\downarrow|`, :math:`\sigma_\pm = (\sigma_x \pm
    i\sigma_y)/2`):

    .. math::

        H = -\omega_b\sigma_z^b - \omega_c\sigma_z^c
            + J_1(\sigma_+^b\sigma_-^c + \sigma_-^b\sigma_+^c) + J_2\sigma_z^b\sigma_z^c .

    Because of the minus signs, the paper's **spin up is the physical ground state**:
    :math:`|\uparrow\rangle = |g\rangle` (toolkit index 0) and :math:`|\downarrow\rangle =
    |e\rangle`. Then :math:`\sigma_z^{\rm paper} = -\sigma_z`, :math:`\sigma_+^{\rm paper} =
    \sigma_-`, and in the toolkit's operators (:mod:`qbtoolkit.ops`)

    .. math::

        H = \omega_b\sigma_z^b + \omega_c\sigma_z^c
            + J_1(\sigma_+^b\sigma_-^c + \sigma_-^b\sigma_+^c) + J_2\sigma_z^b\sigma_z^c ,

    the same operator (the flip-flop and Ising terms are invariant under the relabelling).
    Each spin's level splitting is ``2 omega``. Initial state (assumed from the summary):
    charger full, battery empty, :math:`|e\rangle_c|g\rangle_b`.
    With ``theta_c`` the charger instead starts in the Bloch state
    ``cos(theta_c/2)|g> + sin(theta_c/2)|e>``.

    Closed-system solution (``theta_c = pi``, checked by the tests):
    :math:`\psi = a|e_c g_b\rangle + b|g_c e_b\rangle` with :math:`\Delta = \omega_b - \omega_c`,
    :math:`\Omega = \sqrt{\Delta^2 + J_1^2}`, :math:`|b| = (J_1/\Omega)|\sin\Omega t|`; ``J2`` only
    adds a global phase. Concurrence ``C = 2|ab|`` and battery capacity
    ``K_b = 2 omega_b sqrt(1 - C^2)``.

    Parameters
    ----------
    omega_b, omega_c : float
        Effective fields on battery and charger (energy unit), > 0.
    J1 : float
        Flip-flop (XX) coupling, real.
    J2 : float
        Ising (ZZ) coupling, real (drops out of every battery quantity for ``theta_c = pi``).
    theta_c : float
        Bloch angle of the charger's initial state (rad); ``pi`` = fully excited (default).
    gamma_b, gamma_c : float
        Optional amplitude-damping rates of battery and charger, collapse operators
        ``sqrt(gamma) sigma_-`` (>= 0; the paper's dynamics is unitary, the default).

    Returns
    -------
    BatteryModel
        ``battery = (1,)``, ``H_battery = omega_b sigma_z^b`` (levels ``-omega_b, +omega_b``);
        ``H_local = (omega_c sigma_z, omega_b sigma_z)``. ``params`` holds all arguments.

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range.

    Examples
    --------
    Closed charging from ``|e_c g_b>``: the battery capacity follows the concurrence,
    ``K_b = 2 omega_b sqrt(1 - C^2)``:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> model = qb.models.xxz_charger_battery(omega_b=1.0, omega_c=1.0, J1=0.3, J2=0.2)
    >>> traj = qb.evolve(model, [0.0, 1.0, 2.0])
    >>> C = qb.concurrence(traj.states)
    >>> qb.capacity(traj.battery_states, traj.H_battery).round(6)
    array([2.      , 1.650671, 0.724716])
    >>> (2 * np.sqrt(1 - C**2)).round(6)
    array([2.      , 1.650671, 0.724716])
    """
    omega_b = check_positive(omega_b, "omega_b")
    omega_c = check_positive(omega_c, "omega_c")
    J1 = check_real(J1, "J1")
    J2 = check_real(J2, "J2")
    theta_c = check_real(theta_c, "theta_c")
    gamma_b = check_rate(gamma_b, "gamma_b")
    gamma_c = check_rate(gamma_c, "gamma_c")

    sm, sz = ops.sigma_minus(), ops.sigma_z()
    s_c, s_b = ops.site_operators(sm, 2)
    z_c, z_b = ops.site_operators(sz, 2)
    H = (
        omega_b * z_b
        + omega_c * z_c
        + J1 * (s_b.dag() * s_c + s_b * s_c.dag())
        + J2 * z_b * z_c
    )
    c_ops = tuple(
        np.sqrt(g) * s for g, s in ((gamma_b, s_b), (gamma_c, s_c)) if g > 0
    )
    psi0 = ops.product_state([ops.bloch_state(theta_c), ops.ground()])
    return BatteryModel(
        H=H,
        c_ops=c_ops,
        rho0=qutip.ket2dm(psi0),
        H_battery=omega_b * sz,
        battery=(1,),
        params={
            "omega_b": omega_b,
            "omega_c": omega_c,
            "J1": J1,
            "J2": J2,
            "theta_c": theta_c,
            "gamma_b": gamma_b,
            "gamma_c": gamma_c,
        },
        name="xxz_charger_battery",
        H_local=(omega_c * sz, omega_b * sz),
    )
