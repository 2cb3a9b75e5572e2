"""Batched metrics vs a per-state QuTiP loop and vs bare ``numpy.linalg.eigvalsh``.

Run: ``python benchmarks/metrics.py [--n 100000] [--n-loop 100000] [--n-ptrace 1000]``

Ergotropy of ``n`` random 8x8 states and concurrence of ``n`` random two-qubit states;
``qb.ptrace`` of ``n_ptrace`` random 8-qubit states (256 x 256, keeping two qubits, as
``Trajectory.evaluate(subsystems=...)`` does) against a loop of ``Qobj.ptrace``, with the
cost of its finiteness check (one pass over the data) printed separately.
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
    ap.add_argument("--n-ptrace", type=int, default=1000)
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

    # ---- partial trace, 8 qubits, keep 2
    m = args.n_ptrace
    dims = [2] * 8
    rho256 = random_states(rng, m, 256)
    for keep in ([0, 1], [3, 6]):
        t_pt = best_of(lambda keep=keep: qb.ptrace(rho256, keep, dims))
        t_check = best_of(lambda: qb._linalg.all_finite(rho256))
        qobjs = [qutip.Qobj(r, dims=[dims, dims]) for r in rho256]
        t_q, loop = timed_loop(lambda q, keep=keep: q.ptrace(keep).full(), qobjs, m)
        assert np.allclose(loop, qb.ptrace(rho256, keep, dims), atol=1e-13)
        print(f"ptrace      {m} x 256x256 keep {keep}:")
        print(f"  qb.ptrace {t_pt:.4f} s (of which the NaN/inf check {t_check:.4f} s) | "
              f"QuTiP loop, Qobj.ptrace {t_q:.4f} s -> {t_q / t_pt:5.1f}x")
    kets = rng.normal(size=(m, 256, 1)) + 1j * rng.normal(size=(m, 256, 1))
    kets /= np.linalg.norm(kets, axis=-2, keepdims=True)
    t_pt = best_of(lambda: qb.ptrace(kets, [0, 1], dims))
    qobjs = [qutip.Qobj(k, dims=[dims, [1] * 8]) for k in kets]
    t_q, loop = timed_loop(lambda q: q.ptrace([0, 1]).full(), qobjs, m)
    assert np.allclose(loop, qb.ptrace(kets, [0, 1], dims), atol=1e-13)
    print(f"ptrace      {m} kets of 8 qubits keep [0, 1]: qb.ptrace {t_pt:.4f} s | "
          f"QuTiP loop {t_q:.4f} s -> {t_q / t_pt:5.1f}x")
    print(f"(batched metrics used {qb._linalg.num_threads()} thread(s); "
          "set QBTOOLKIT_NUM_THREADS=1 to compare single-threaded)")


if __name__ == "__main__":
    main()
