"""Benchmark: thermal machines with the global (Davies) master equation, ours vs plain QuTiP.

1. Steady state + heat currents of a 6-qubit XXZ chain with a bath on each end (sigma_x on
   the first and last qubit, T_h = 2, T_c = 0.5, Ohmic). Ours: ``qb.steady_state(model)`` +
   ``thermo.heat_currents(model)`` (the block-diagonal sector in H's eigenbasis, from the
   structure recorded on the model). Baselines, on the same operators:
   (a) ``qutip.liouvillian(model.H, model.c_ops)`` + ``qutip.steadystate`` + the currents
       ``Tr[H D_k(rho)]`` with ``qutip.lindblad_dissipator`` (the model's computational-basis
       collapse operators);
   (b) the same in H's eigenbasis (diagonal H, single-entry jump operators: what an expert
       QuTiP user would write), state rotated back.
2. The 8-qubit chain (d = 256): ``thermo.global_structure`` + ``steady_states`` +
   ``heat_currents``, wall time and peak resident memory (a fresh child process).
3. A 50 x 50 (T_h, T_c) grid of the 3-qubit XXZ machine: steady state, ergotropy and heat
   currents. Ours: one batched call each; baseline: per point ``thermal_model`` +
   ``qutip.steadystate`` + the same metrics.

Usage::

    python benchmarks/thermal_machines.py            # everything (baseline (a) takes minutes)
    python benchmarks/thermal_machines.py --skip-a   # without the slow literal baseline
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

import numpy as np
import qutip
import scipy.sparse as sp

import qbtoolkit as qb
from qbtoolkit import ops, thermo
from qbtoolkit.models import Bath, thermal_model

OMEGA, J, DELTA = 1.0, 0.1, 0.5
T_H, T_C = 2.0, 0.5


def xxz_chain(n: int) -> qutip.Qobj:
    X, Y, Z = (ops.site_operators(f(), n) for f in (ops.sigma_x, ops.sigma_y, ops.sigma_z))
    H = sum(0.5 * OMEGA * z for z in Z)
    return H + sum(J * (X[i] * X[i + 1] + Y[i] * Y[i + 1] + DELTA * Z[i] * Z[i + 1])
                   for i in range(n - 1))


def end_baths(n: int, Th: float = T_H, Tc: float = T_C) -> list[Bath]:
    return [Bath(ops.sigma_x(), Th, subsystems=(0,), name="hot"),
            Bath(ops.sigma_x(), Tc, subsystems=(n - 1,), name="cold")]


def qutip_currents(H: qutip.Qobj, c_by_bath: list[list[qutip.Qobj]], rho: qutip.Qobj
                   ) -> np.ndarray:
    return np.array([sum((H * qutip.lindblad_dissipator(c)(rho)).tr() for c in cs).real
                     for cs in c_by_bath])


def by_bath(model) -> list[list[qutip.Qobj]]:
    owners = [k for k, _, _ in thermo.jump_operators(model.params["thermal"])]
    out: list[list[qutip.Qobj]] = [[] for _ in model.params["thermal"].baths]
    for k, c in zip(owners, model.c_ops, strict=True):
        out[k].append(c)
    return out


def eigenbasis_operators(model):
    """H and the jump operators in H's eigenbasis as QuTiP objects (baseline b)."""
    s = model.params["thermal"]
    d = s.d
    H = qutip.Qobj(sp.diags(s.eigenbasis.energies).tocsr())  # sparse: keeps L sparse
    cs: list[list[qutip.Qobj]] = [[] for _ in s.baths]
    for k, _, (r, c, v) in thermo.jump_operators(s):
        cs[k].append(qutip.Qobj(sp.csr_matrix((v, (r, c)), shape=(d, d))))
    return H, cs


def part1(skip_a: bool) -> None:
    n = 6
    H = xxz_chain(n)
    t0 = time.perf_counter()
    model = thermal_model(H, end_baths(n))
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    rho = qb.steady_state(model)
    Jc = thermo.heat_currents(model)
    t_first = time.perf_counter() - t0
    reps = []
    for _ in range(5):
        t0 = time.perf_counter()
        rho = qb.steady_state(model)
        Jc = thermo.heat_currents(model)
        reps.append(time.perf_counter() - t0)
    t_ours = min(reps)
    print(f"[1] 6-qubit XXZ chain, d = 64, {len(model.c_ops)} collapse operators "
          f"(model built in {t_build:.2f} s)")
    print(f"    ours: steady state + heat currents {t_ours * 1e3:8.1f} ms (best of 5; first "
          f"call incl. sector set-up {t_first * 1e3:.1f} ms)")
    # baseline (b): eigenbasis operators
    He, ce = eigenbasis_operators(model)
    t0 = time.perf_counter()
    Lb = qutip.liouvillian(He, [c for cs in ce for c in cs])
    rho_b = qutip.steadystate(Lb)
    J_b = qutip_currents(He, ce, rho_b)
    t_b = time.perf_counter() - t0
    V = model.params["thermal"].eigenbasis.V
    rho_b = V @ rho_b.full() @ V.conj().T
    print(f"    qutip (b) eigenbasis liouvillian + steadystate + currents: {t_b:8.3f} s -> "
          f"ours {t_b / t_ours:6.0f}x faster (first call {t_b / t_first:.0f}x); "
          f"max|d rho| = {np.abs(rho.full() - rho_b).max():.1e}, "
          f"max|d J|/|J| = {np.abs(Jc - J_b).max() / np.abs(Jc).max():.1e}")
    if skip_a:
        return
    t0 = time.perf_counter()
    La = qutip.liouvillian(model.H, list(model.c_ops))
    t_L = time.perf_counter() - t0
    rho_a = qutip.steadystate(La)
    J_a = qutip_currents(model.H, by_bath(model), rho_a)
    t_a = time.perf_counter() - t0
    print(f"    qutip (a) model.c_ops liouvillian ({t_L:.1f} s) + steadystate + currents: "
          f"{t_a:8.1f} s -> ours {t_a / t_ours:6.0f}x faster (first call "
          f"{t_a / t_first:.0f}x); max|d rho| = {np.abs(rho.full() - rho_a.full()).max():.1e}, "
          f"max|d J|/|J| = {np.abs(Jc - J_a).max() / np.abs(Jc).max():.1e}")


def part2() -> None:
    """Run in a fresh child process, so that its peak resident memory is its own."""
    out = subprocess.run([sys.executable, __file__, "--part2-child"], capture_output=True,
                         text=True, check=True)
    print(out.stdout, end="")


def _part2_child() -> None:
    n = 8
    H = xxz_chain(n)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    s = thermo.global_structure(H, end_baths(n))
    rho = thermo.steady_states(s)
    Jc = thermo.heat_currents(s)
    t = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"[2] 8-qubit XXZ chain, d = 256, {sum(tr.n for tr in s.transitions)} transitions: "
          f"structure + steady state + currents in {t:.2f} s, peak resident memory "
          f"{peak / 2**30:.2f} GiB (of which {rss0 / 2**30:.2f} GiB before: interpreter, "
          f"qutip); Tr rho = {np.trace(rho).real:.15f}, J = {Jc}, "
          f"sum J / |J| = {Jc.sum() / np.abs(Jc).max():.1e}")
    met = t < 30 and peak < 4 * 2**30
    print(f"    target: < 30 s and < 4 GiB -> {'MET' if met else 'NOT MET'}")


def part3(n_grid: int) -> None:
    n = 3
    H = xxz_chain(n)
    model = thermal_model(H, end_baths(n))
    th = np.linspace(0.2, 3.0, n_grid)
    tc = np.linspace(0.05, 1.0, n_grid)
    T = np.stack(np.meshgrid(th, tc, indexing="ij"), -1)
    Hf = H.full()

    def ours():
        rho = thermo.steady_states(model, T)
        return rho, qb.ergotropy(rho, Hf), thermo.heat_currents(model, temperatures=T)

    ours()
    reps = []
    for _ in range(3):
        t0 = time.perf_counter()
        rho, W, Jg = ours()
        reps.append(time.perf_counter() - t0)
    t_ours = min(reps)
    flat = T.reshape(-1, 2)
    states = np.empty((flat.shape[0], 8, 8), dtype=complex)
    Jq = np.empty((flat.shape[0], 2))
    t_solve = 0.0
    t0 = time.perf_counter()
    for k, (a, b) in enumerate(flat):
        m = thermal_model(H, end_baths(n, a, b))
        t1 = time.perf_counter()
        r = qutip.steadystate(m.H, list(m.c_ops))
        t_solve += time.perf_counter() - t1
        states[k] = r.full()
        Jq[k] = qutip_currents(m.H, by_bath(m), r)
    Wq = qb.ergotropy(states, Hf)
    t_q = time.perf_counter() - t0
    print(f"[3] 3-qubit XXZ machine, {n_grid} x {n_grid} (T_h, T_c) grid: ours {t_ours:.3f} s "
          f"(best of 3), qutip loop {t_q:.1f} s (steadystate calls {t_solve:.1f} s) -> "
          f"{t_q / t_ours:.0f}x overall, {t_solve / t_ours:.0f}x vs steadystate alone")
    print(f"    agreement: max|d rho| = {np.abs(rho.reshape(-1, 8, 8) - states).max():.1e}, "
          f"max|d W| = {np.abs(W.ravel() - Wq).max():.1e}, "
          f"max|d J| = {np.abs(Jg.reshape(-1, 2) - Jq).max():.1e}")
    print(f"    target: >= 100x -> {'MET' if t_q / t_ours >= 100 else 'NOT MET'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-a", action="store_true", help="skip the slow literal baseline (a)")
    ap.add_argument("--grid", type=int, default=50, help="grid points per axis in part 3")
    ap.add_argument("--part2-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part2_child:
        _part2_child()
        return
    print(f"load average {os.getloadavg()}, {os.cpu_count()} cores")
    part1(args.skip_a)
    part2()
    part3(args.grid)
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
