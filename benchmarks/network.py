"""Self-discharge of an N-cell network: naive qutip.mesolve vs qbtoolkit's block solver.

Model: ``models.network(N, "linear", J=2, gamma_collective=0.5)`` (Santos 2021 Fig. 3
parameters, coherent initial state), 200 time points on ``Gamma t in [0, 3]``.

* naive: ``qutip.mesolve`` of the lab-frame Liouvillian (default options), N = 6 and 8;
* ours: ``evolve(model, t, method="blocks")`` (exact, block-diagonal, rotating frame). For
  N <= 8 the states are stored and compared with mesolve; for N = 10 and 12 they are
  streamed: energy, normalised l1 coherence and mean edge concurrence are computed during
  the propagation (``store_states=False``).

Usage: ``python benchmarks/network.py [N ...]`` (default 6 8 10 12).
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import qutip

from qbtoolkit import evolve
from qbtoolkit.models import network
from qbtoolkit.solvers import BlockPropagator, evolve_blocks

T = np.linspace(0.0, 3.0, 200)


def model(N: int):
    return network(N, "linear", J=2.0, gamma_collective=0.5, initial="coherent")


def main(Ns: list[int]) -> None:
    print(f"network self-discharge, linear chain, J=2, gamma_ic=0.5, {T.size} times in [0, 3]")
    for N in Ns:
        m = model(N)
        t0 = time.perf_counter()
        prop = BlockPropagator(m)
        t_build = time.perf_counter() - t0
        print(f"N={N}: d={2**N}, Liouville dim {4**N}, propagated (Delta >= 0 half) "
              f"{sum(b['size'] for b in prop.blocks)}, nnz {prop.nnz}, build {t_build:.2f} s")
        del prop
        if N <= 8:
            t0 = time.perf_counter()
            ours = evolve(m, T, method="blocks")
            t_ours = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = qutip.mesolve(m.H, m.rho0, T, c_ops=list(m.c_ops),
                                options={"progress_bar": False})
            t_naive = time.perf_counter() - t0
            ref = np.stack([s.full() for s in res.states])
            err = np.max(np.abs(ours.states - ref))
            print(f"  naive mesolve {t_naive:8.2f} s | ours (states) {t_ours:7.2f} s | "
                  f"ratio {t_naive / t_ours:6.1f}x | max |rho_ours - rho_mesolve| {err:.1e}")
        else:
            t0 = time.perf_counter()
            tr = evolve_blocks(m, T, store_states=False,
                               observables=("energy", "coherence", "concurrence"))
            t_ours = time.perf_counter() - t0
            print(f"  ours (streamed U, C_l1, concurrence) {t_ours:8.2f} s | "
                  f"U(3)/U0 = {tr.values['energy'][-1] / tr.values['energy'][0]:.4f}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"  peak RSS so far {rss:.2f} GiB", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [6, 8, 10, 12])
