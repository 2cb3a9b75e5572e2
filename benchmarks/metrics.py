"""Batched metrics vs a per-state QuTiP loop and vs bare ``numpy.linalg.eigvalsh``.

Run: ``python benchmarks/metrics.py [--n 100000] [--n-loop 100000]``

Ergotropy of ``n`` random 8x8 states and concurrence of ``n`` random two-qubit states.
The QuTiP loop runs over Qobj states (as ``result.states``) and uses ``Qobj.eigenenergies``
+ ``qutip.expect`` (ergotropy) or ``qutip.concurrence``; the ratio counting the construction
of a Qobj per state from the numpy stack is printed as well. With ``--n-loop`` smaller than
``n`` the loop is timed on that many states and scaled per state (printed as such).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import qutip

import qbtoolkit as qb


def random_states(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    G = rng.normal(size=(n, d, d)) + 1j * rng.normal(size=(n, d, d))
    rho = G @ np.conj(np.swapaxes(G, -1, -2))
    return rho / np.trace(rho, axis1=-2, axis2=-1).real[:, None, None]


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def qutip_ergotropy(rho: qutip.Qobj, H: qutip.Qobj, eps: np.ndarray) -> float:
    r = rho.eigenenergies()[::-1]
    return qutip.expect(H, rho) - float(np.dot(r, eps))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--n-loop", type=int, default=100_000)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    n, n_loop = args.n, min(args.n_loop, args.n)

    # ---- ergotropy, 8x8
    rho8 = random_states(rng, n, 8)
    H8 = np.diag(np.arange(8.0))
    t_batch = best_of(lambda: qb.ergotropy(rho8, H8))
    t_eig = best_of(lambda: np.linalg.eigvalsh(rho8))
    Hq = qutip.Qobj(H8)
    eps = Hq.eigenenergies()
    t0 = time.perf_counter()
    qobjs = [qutip.Qobj(r) for r in rho8[:n_loop]]
    t_build = (time.perf_counter() - t0) * n / n_loop
    t0 = time.perf_counter()
    loop = np.array([qutip_ergotropy(r, Hq, eps) for r in qobjs])
    t_loop = (time.perf_counter() - t0) * n / n_loop
    assert np.allclose(loop, qb.ergotropy(rho8[:n_loop], H8), atol=1e-10)
    print(f"ergotropy   {n} x 8x8:  batched {t_batch:.3f} s | QuTiP loop {t_loop:.2f} s"
          f"{'' if n_loop == n else f' (timed on {n_loop}, scaled)'} | bare eigvalsh {t_eig:.3f} s")
    print(f"  speed-up vs QuTiP loop: {t_loop / t_batch:.1f}x "
          f"({(t_loop + t_build) / t_batch:.1f}x counting Qobj construction from the array)   "
          f"cost relative to bare eigvalsh: {t_batch / t_eig:.2f}x")

    # ---- concurrence, 4x4
    rho4 = random_states(rng, n, 4)
    t_batch = best_of(lambda: qb.concurrence(rho4))
    t_eig = best_of(lambda: np.linalg.eigvalsh(rho4))
    t0 = time.perf_counter()
    qobjs = [qutip.Qobj(r, dims=[[2, 2], [2, 2]]) for r in rho4[:n_loop]]
    t_build = (time.perf_counter() - t0) * n / n_loop
    t0 = time.perf_counter()
    loop = np.array([qutip.concurrence(r) for r in qobjs])
    t_loop = (time.perf_counter() - t0) * n / n_loop
    assert np.allclose(loop, qb.concurrence(rho4[:n_loop]), atol=1e-8)
    print(f"concurrence {n} x 4x4:  batched {t_batch:.3f} s | QuTiP loop {t_loop:.2f} s"
          f"{'' if n_loop == n else f' (timed on {n_loop}, scaled)'} | bare eigvalsh {t_eig:.3f} s")
    print(f"  speed-up vs QuTiP loop: {t_loop / t_batch:.1f}x "
          f"({(t_loop + t_build) / t_batch:.1f}x counting Qobj construction from the array)   "
          f"cost relative to bare eigvalsh: {t_batch / t_eig:.2f}x")
    print(f"(batched metrics used {qb._linalg.num_threads()} thread(s); "
          "set QBTOOLKIT_NUM_THREADS=1 to compare single-threaded)")


if __name__ == "__main__":
    main()
