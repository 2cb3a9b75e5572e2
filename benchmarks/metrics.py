"""Batched metrics vs a per-state QuTiP loop and vs bare ``numpy.linalg.eigvalsh``.

Run: ``python benchmarks/metrics.py [--n 100000] [--n-loop 100000]``

Ergotropy of ``n`` random 8x8 states and concurrence of ``n`` random two-qubit states.
The QuTiP loops run over Qobj states (as ``result.states``). Ergotropy: a per-state metric
function (``Qobj.eigenenergies`` of rho and H + ``qutip.expect``), and the leanest loop with
H's spectrum hoisted out of it; concurrence: ``qutip.concurrence``. The cost of building a Qobj
per state from the numpy stack is printed separately. Concurrence factorises the
full-rank random states by Cholesky (see ``qbtoolkit.concurrence``), so it never calls
``eigh`` here. With ``--n-loop`` smaller than
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


def qutip_ergotropy(rho: qutip.Qobj, H: qutip.Qobj) -> float:
    """Per-state ergotropy in plain QuTiP, as a metric function called once per state."""
    r = rho.eigenenergies()[::-1]
    return qutip.expect(H, rho) - float(np.dot(r, H.eigenenergies()))


def qutip_ergotropy_hoisted(rho: qutip.Qobj, H: qutip.Qobj, eps: np.ndarray) -> float:
    """The leanest QuTiP loop body: H's spectrum computed once outside the loop."""
    r = rho.eigenenergies()[::-1]
    return qutip.expect(H, rho) - float(np.dot(r, eps))


def timed_loop(fn, items, n_total: int) -> tuple[float, np.ndarray]:
    t0 = time.perf_counter()
    out = np.array([fn(x) for x in items])
    return (time.perf_counter() - t0) * n_total / len(items), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--n-loop", type=int, default=100_000)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    n, n_loop = args.n, min(args.n_loop, args.n)
    scaled = "" if n_loop == n else f" (loops timed on {n_loop} states, scaled)"

    # ---- ergotropy, 8x8
    rho8 = random_states(rng, n, 8)
    H8 = np.diag(np.arange(8.0))
    t_batch = best_of(lambda: qb.ergotropy(rho8, H8))
    t_eig = best_of(lambda: np.linalg.eigvalsh(rho8))
    Hq = qutip.Qobj(H8)
    eps = Hq.eigenenergies()
    t_build, qobjs = timed_loop(qutip.Qobj, rho8[:n_loop], n)
    t_fn, loop = timed_loop(lambda r: qutip_ergotropy(r, Hq), qobjs, n)
    t_lean, loop2 = timed_loop(lambda r: qutip_ergotropy_hoisted(r, Hq, eps), qobjs, n)
    ref = qb.ergotropy(rho8[:n_loop], H8)
    assert np.allclose(loop, ref, atol=1e-10) and np.allclose(loop2, ref, atol=1e-10)
    print(f"ergotropy   {n} x 8x8{scaled}:")
    print(f"  batched qb.ergotropy {t_batch:.3f} s | bare numpy eigvalsh {t_eig:.3f} s "
          f"-> cost relative to bare eigvalsh: {t_batch / t_eig:.2f}x")
    print(f"  QuTiP loop, metric function per state:  {t_fn:6.2f} s -> {t_fn / t_batch:5.1f}x")
    print(f"  QuTiP loop, H spectrum hoisted:         {t_lean:6.2f} s -> {t_lean / t_batch:5.1f}x")
    print(f"  (+ Qobj construction from the array:    {t_build:6.2f} s)")

    # ---- concurrence, 4x4
    rho4 = random_states(rng, n, 4)
    t_batch = best_of(lambda: qb.concurrence(rho4))
    t_eig = best_of(lambda: np.linalg.eigvalsh(rho4))
    t_build, qobjs = timed_loop(lambda r: qutip.Qobj(r, dims=[[2, 2], [2, 2]]), rho4[:n_loop], n)
    t_loop, loop = timed_loop(qutip.concurrence, qobjs, n)
    assert np.allclose(loop, qb.concurrence(rho4[:n_loop]), atol=1e-8)
    print(f"concurrence {n} x 4x4{scaled}:")
    print(f"  batched qb.concurrence {t_batch:.3f} s | bare numpy eigvalsh {t_eig:.3f} s "
          f"-> cost relative to bare eigvalsh: {t_batch / t_eig:.2f}x")
    print(f"  QuTiP loop, qutip.concurrence:          {t_loop:6.2f} s -> {t_loop / t_batch:5.1f}x")
    print(f"  (+ Qobj construction from the array:    {t_build:6.2f} s)")
    print(f"(batched metrics used {qb._linalg.num_threads()} thread(s); "
          "set QBTOOLKIT_NUM_THREADS=1 to compare single-threaded)")


if __name__ == "__main__":
    main()
