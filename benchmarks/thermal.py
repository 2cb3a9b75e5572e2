"""Benchmark: steady-state ergotropy over a 100 x 100 (T_L, T_R) grid, three thermal cells.

Ours: ``qbtoolkit.models.thermal_steady_states`` (batched Pauli rate equation) + the batched
``qbtoolkit.ergotropy``. Baseline: one ``qutip.steadystate`` per grid point in a Python loop
(model built with ``models.thermal_network``), then the same ergotropy. Both run in this one
process; the results are compared point by point.

Usage::

    python benchmarks/thermal.py                 # full baseline loop (~5 min)
    python benchmarks/thermal.py --subsample 500 # time 500 random qutip points, extrapolate

Parameters: omega = 1, lambda = 0.1, T_M = 1, T_L, T_R in [0, 2] (Hadipour & Haseli Fig. 5).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import qutip

import qbtoolkit as qb
from qbtoolkit.models import thermal_network, thermal_steady_states

OMEGAS = [1.0, 1.0, 1.0]
LAM = 0.1
T_M = 1.0


def grid(n: int) -> np.ndarray:
    t = np.linspace(0.0, 2.0, n)
    TL, TR = np.meshgrid(t, t, indexing="ij")
    return np.stack([TL, np.full_like(TL, T_M), TR], -1)


def ours(T: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rho = thermal_steady_states(OMEGAS, LAM, T)
    return rho, qb.ergotropy(rho, H)


def baseline(points: np.ndarray, H: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    states = np.empty((len(points), 8, 8), dtype=complex)
    t_solve = 0.0
    for k, t in enumerate(points):
        model = thermal_network(OMEGAS, LAM, t)
        t0 = time.perf_counter()
        states[k] = qutip.steadystate(model.H, list(model.c_ops)).full()
        t_solve += time.perf_counter() - t0
    return states, qb.ergotropy(states, H), t_solve


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="grid points per axis (default 100)")
    ap.add_argument("--subsample", type=int, default=0,
                    help="run qutip on this many random points only and EXTRAPOLATE its time")
    ap.add_argument("--repeat", type=int, default=5, help="repetitions of our (fast) path")
    args = ap.parse_args()

    T = grid(args.n)
    H = thermal_network(OMEGAS, LAM, [1, 1, 0]).H.full()
    npts = args.n * args.n

    ours(T[:2, :2], H)  # warm-up (imports, caches)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        rho, W = ours(T, H)
        times.append(time.perf_counter() - t0)
    t_ours = min(times)

    flat = T.reshape(-1, 3)
    if args.subsample and args.subsample < npts:
        idx = np.random.default_rng(0).choice(npts, args.subsample, replace=False)
    else:
        idx = np.arange(npts)
    t0 = time.perf_counter()
    states_q, W_q, t_solve = baseline(flat[idx], H)
    t_q = time.perf_counter() - t0
    extrapolated = len(idx) < npts
    scale = npts / len(idx)

    d_rho = np.abs(rho.reshape(-1, 8, 8)[idx] - states_q).max()
    d_W = np.abs(W.ravel()[idx] - W_q).max()
    print(f"three cells, {args.n} x {args.n} (T_L, T_R) grid, T_M = {T_M}, lambda = {LAM}")
    print(f"ours  (batched Pauli + batched ergotropy): {t_ours:8.3f} s "
          f"(best of {args.repeat}; {1e6 * t_ours / npts:.1f} us/point)")
    label = "EXTRAPOLATED from" if extrapolated else "measured on"
    print(f"qutip (steadystate per point, loop)     : {t_q * scale:8.3f} s "
          f"({label} {len(idx)} points; {1e3 * t_q / len(idx):.1f} ms/point, "
          f"of which steadystate {1e3 * t_solve / len(idx):.1f} ms)")
    print(f"speed-up: {t_q * scale / t_ours:.0f}x overall, "
          f"{t_solve * scale / t_ours:.0f}x vs steadystate calls alone"
          + (" (extrapolated)" if extrapolated else ""))
    print(f"agreement on {len(idx)} points: max |d rho| = {d_rho:.2e}, max |d W| = {d_W:.2e}")
    print(f"target: >= 100x and ours < 3 s -> "
          f"{'MET' if t_q * scale / t_ours >= 100 and t_ours < 3 else 'NOT MET'}")


if __name__ == "__main__":
    main()
