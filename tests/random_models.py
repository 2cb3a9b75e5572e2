"""Seeded random qubit-network Lindblad models for the dynamics tests.

The family covers transverse and longitudinal fields, XX / XY / XYZ couplings on a chain or a
ring, local and collective decay, dephasing and pumping, pure and mixed initial states, with
uniform parameters and symmetric initial states (cell permutations, charges) or without.
"""

from __future__ import annotations

import numpy as np
import qutip

from qbtoolkit import ops
from qbtoolkit.models.base import BatteryModel

#: (name, coupling (Jx, Jy, Jz) pattern, fields (hx, hy, hz) pattern)
KINDS = {
    "tfi": ((0, 0, 1), (1, 0, 0)),        # transverse-field Ising
    "xx_chain": ((1, 0, 0), (0, 0, 1)),   # sigma_x sigma_x + longitudinal field: Z2 parity
    "xy": ((1, 1, 0), (0, 0, 1)),         # flip-flop + field: U(1)
    "xyz": ((1, 1, 1), (1, 1, 1)),        # everything: no charge
}


def random_model(seed: int, N: int, kind: str = "xyz", symmetric: bool = False,
                 periodic: bool = False, mixed: bool = False, scale: float = 1.0,
                 channels: tuple[str, ...] = ("decay", "collective", "dephasing", "pump"),
                 ) -> BatteryModel:
    """A random ``N``-qubit model of the family; ``scale`` multiplies every energy and rate.

    ``symmetric``: uniform fields, couplings and rates and a permutation-invariant initial
    state (the chain reflection, the ring's rotations are symmetries).
    """
    rng = np.random.default_rng(seed)
    (jx, jy, jz), (hx, hy, hz) = KINDS[kind]
    sm = ops.site_operators(ops.sigma_minus(), N)
    sx = ops.site_operators(ops.sigma_x(), N)
    sy = ops.site_operators(ops.sigma_y(), N)
    sz = ops.site_operators(ops.sigma_z(), N)

    def coef(on: int, size: int | None = None) -> np.ndarray:
        if not on:
            return np.zeros(N)
        if symmetric:
            return np.full(N, rng.uniform(0.3, 1.5))
        return rng.uniform(0.3, 1.5, N)

    omega = 1.0
    H = omega * sum(s.dag() * s for s in sm)
    cx, cy, cz = coef(hx), coef(hy), coef(hz)
    for n in range(N):
        H = H + cx[n] * sx[n] + cy[n] * sy[n] + cz[n] * sz[n]
    bonds = [(n, n + 1) for n in range(N - 1)] + ([(N - 1, 0)] if periodic and N > 2 else [])
    Jx, Jy, Jz = coef(jx), coef(jy), coef(jz)
    if kind == "xy":  # isotropic flip-flop: conserves the excitation number
        Jy = Jx
    for k, (a, b) in enumerate(bonds):
        H = H + Jx[k] * sx[a] * sx[b] + Jy[k] * sy[a] * sy[b] + Jz[k] * sz[a] * sz[b]
    c_ops = []
    if "decay" in channels:
        g = coef(1)
        c_ops += [np.sqrt(0.5 * g[n]) * sm[n] for n in range(N)]
    if "collective" in channels:
        c_ops.append(np.sqrt(rng.uniform(0.1, 0.5)) * sum(sm))
    if "dephasing" in channels:
        g = coef(1)
        c_ops += [np.sqrt(0.2 * g[n]) * sz[n] for n in range(N)]
    if "pump" in channels:
        g = coef(1)
        c_ops += [np.sqrt(0.1 * g[n]) * sm[n].dag() for n in range(N)]
    if mixed:
        if symmetric:
            p = rng.uniform(0.1, 0.9)
            cell = qutip.Qobj(np.array([[1 - p, 0.2], [0.2, p]]))
            rho0 = qutip.tensor([cell] * N)
        else:
            rho0 = qutip.rand_dm([2] * N, seed=seed)
    else:
        if symmetric:
            th = rng.uniform(0, np.pi)
            rho0 = qutip.tensor([ops.bloch_state(th, 0.3)] * N)
        else:
            rho0 = qutip.tensor([ops.bloch_state(rng.uniform(0, np.pi), rng.uniform(0, 6))
                                 for _ in range(N)])
    Hb = omega * sum(s.dag() * s for s in sm)
    H = scale * H
    c_ops = [np.sqrt(scale) * c for c in c_ops]
    return BatteryModel(H=H, c_ops=tuple(c_ops), rho0=rho0, H_battery=scale * Hb,
                        battery=tuple(range(N)), name=f"random_{kind}")


def excited_chain(N: int, kind: str = "xx_chain") -> BatteryModel:
    """Uniform chain, local decay only, every cell excited (the QuantumToolbox.jl
    benchmark model for ``kind="xx_chain"``: ``0.2 sum sz + sum sx sx``)."""
    sm = ops.site_operators(ops.sigma_minus(), N)
    sx = ops.site_operators(ops.sigma_x(), N)
    sz = ops.site_operators(ops.sigma_z(), N)
    H = 0.2 * sum(sz) + sum(sx[n] * sx[n + 1] for n in range(N - 1))
    rho0 = qutip.tensor([ops.excited()] * N)
    Hb = sum(s.dag() * s for s in sm)
    return BatteryModel(H=H, c_ops=tuple(sm), rho0=rho0, H_battery=Hb,
                        battery=tuple(range(N)), name=kind)
