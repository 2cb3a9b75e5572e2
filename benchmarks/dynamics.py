"""The dynamics front against plain QuTiP, measured in the same run.

1. A time-dependent charging pulse (the lab-frame driven atom, ``H(t) = (omega0/2) sigma_z +
   Omega cos(omega_L t) sigma_x`` with decay, on a 6-qubit register so the ODE does real work):
   ``qb.evolve`` (states stored, and energy recorded as a metric) vs ``qutip.mesolve`` on the
   same QobjEvo with the same options. Target: within 10 %.
2. ``Trajectory.evaluate(..., subsystems=(0, 1))`` (concurrence of two cells) on 1,000 states of
   8 qubits vs the batched partial trace alone. Target: at most 2x.

Run: ``python benchmarks/dynamics.py`` (prints the ratios).
"""

from __future__ import annotations

import time

import numpy as np
import qutip

import qbtoolkit as qb
from qbtoolkit import ops


def _best(fn, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _best_pair(a, b, repeat: int = 5) -> tuple[float, float]:
    """Best times of ``a`` and ``b`` run alternately, so that a drift in the machine's speed
    (it is shared) affects both alike."""
    ta = tb = np.inf
    for _ in range(repeat):
        ta, tb = min(ta, _best(a, 1)), min(tb, _best(b, 1))
    return ta, tb


def time_dependent(N: int = 6, T: int = 400) -> dict[str, float]:
    sm = ops.site_operators(ops.sigma_minus(), N)
    sx = ops.site_operators(ops.sigma_x(), N)
    num = [s.dag() * s for s in sm]
    H0 = sum(num[1:], num[0]) + 0.2 * sum(sm[i].dag() * sm[i + 1] + sm[i + 1].dag() * sm[i]
                                           for i in range(N - 1))
    drive = 0.1 * sum(sx[1:], sx[0])
    H = [H0, [drive, lambda t, w: np.cos(w * t)]]
    c_ops = [np.sqrt(0.02) * s for s in sm]
    rho0 = qutip.ket2dm(ops.product_state([ops.ground()] * N))
    model = qb.BatteryModel(H, c_ops, rho0, H0, tuple(range(N)), args={"w": 1.0})
    t = np.linspace(0, 60, T)
    opts = {"atol": 1e-10, "rtol": 1e-8}
    evo = qutip.QobjEvo(H, args={"w": 1.0})

    def plain_states():
        qutip.mesolve(evo, rho0, t, c_ops, options={**opts, "progress_bar": ""})

    def plain_eops():
        qutip.mesolve(evo, rho0, t, c_ops, e_ops=[H0], options={**opts, "progress_bar": ""})

    def ours_states():
        qb.evolve(model, t, options=opts)

    def ours_eops():
        qb.evolve(model, t, e_ops=[H0], options=opts)

    a, b = _best_pair(plain_states, ours_states)
    c, d = _best_pair(plain_eops, ours_eops)
    ref = qutip.mesolve(evo, rho0, t, c_ops, e_ops=[H0], options=opts).expect[0]
    err = float(np.abs(qb.evolve(model, t, e_ops=[H0], options=opts).expect[0] - ref).max())
    return {"mesolve_states_s": a, "evolve_states_s": b, "ratio_states": b / a,
            "mesolve_eops_s": c, "evolve_eops_s": d, "ratio_eops": d / c, "max_diff": err}


def subsystems(N: int = 8, T: int = 1000) -> dict[str, float]:
    rng = np.random.default_rng(0)
    d = 2**N
    psi = rng.normal(size=(T, d)) + 1j * rng.normal(size=(T, d))
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    states = np.einsum("ti,tj->tij", psi, psi.conj())
    model = qb.models.network(N, "linear")
    tr = qb.Trajectory(np.arange(T, dtype=float), states, states, model.H_battery, model)
    t_pt = _best(lambda: qb.ptrace(states, [0, 1], [2] * N))
    t_ev = _best(lambda: tr.evaluate([qb.concurrence], subsystems=(0, 1)))
    return {"ptrace_s": t_pt, "evaluate_s": t_ev, "ratio": t_ev / t_pt}


def main() -> None:
    td = time_dependent()
    print("time-dependent pulse, 6 qubits, 400 times (best of 5, alternating):")
    print(f"  states stored: qutip.mesolve {td['mesolve_states_s']:.3f} s, qb.evolve "
          f"{td['evolve_states_s']:.3f} s -> ratio {td['ratio_states']:.3f} (target <= 1.10)")
    print(f"  e_ops=[H0]:    qutip.mesolve {td['mesolve_eops_s']:.3f} s, qb.evolve "
          f"{td['evolve_eops_s']:.3f} s -> ratio {td['ratio_eops']:.3f} (target <= 1.10)")
    print(f"  max |<H0>| difference {td['max_diff']:.2e}")
    sub = subsystems()
    print("evaluate(subsystems=(0, 1)), 1,000 states of 8 qubits:")
    print(f"  ptrace alone {sub['ptrace_s']:.3f} s, evaluate(concurrence) {sub['evaluate_s']:.3f} s"
          f" -> ratio {sub['ratio']:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
