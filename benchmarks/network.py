"""Self-discharge of N-cell networks: naive qutip.mesolve vs qbtoolkit's fast routes.

Model: ``models.network(N, topology, J=2, gamma_collective=0.5, initial="coherent")``
(Santos 2021 Fig. 3/4 parameters, ``decay="amplitude"``), 200 time points on
``Gamma t in [0, 3]``.

1. Linear chain, N = 6 and 8: naive ``qutip.mesolve`` of the lab-frame Liouvillian (default
   options) vs ``evolve(model, t, method="blocks")`` (exact Taylor propagation of the
   excitation-difference blocks in the rotating frame, one element per orbit of the chain's
   reflection; states stored). Ratio and
   ``max |rho_ours - rho_mesolve|``; for N = 6 also against a tight mesolve
   (``atol=1e-12, rtol=1e-10``).
2. Linear chain, N = 10 and 12: ours only (mesolve takes ~15 min at N = 10), streamed:
   energy, normalised l1 coherence and mean edge concurrence computed window by window
   from the stacked block vectors (``store_states=False``; no ``d x d`` state is formed).
   N = 12 takes about 2 minutes and ~6.5 GiB; ``--skip12`` skips it.
3. All-to-all, permutation-symmetric route (``method="permutation"``, Dicke basis via
   qutip.piqs): N = 6 and 8 checked against the block route (energy, ergotropy,
   efficiency), then N = 12, 20, 50 (energy, ergotropy, efficiency along the trajectory).

4. The cell-permutation reduction at N = 10 for every named topology (``gamma_collective``
   0.5, 0.5, 0.2, 0.1, so that every Kossakowski matrix is positive semidefinite), with vs
   without ``symmetry``.

Every case runs in a fresh subprocess so its peak RSS is its own.

Usage: ``python benchmarks/network.py [--skip12]``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

T = np.linspace(0.0, 3.0, 200)
KW = dict(J=2.0, gamma_collective=0.5, initial="coherent")


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def case_linear_naive(N: int) -> dict:
    import qutip

    from qbtoolkit import evolve
    from qbtoolkit.models import network

    m = network(N, "linear", **KW)
    t0 = time.perf_counter()
    ours = evolve(m, T, method="blocks")
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = qutip.mesolve(m.H, m.rho0, T, c_ops=list(m.c_ops), options={"progress_bar": False})
    t_naive = time.perf_counter() - t0
    ref = np.stack([s.full() for s in res.states])
    out = dict(t_ours=t_ours, t_naive=t_naive, err_naive=float(np.abs(ours.states - ref).max()))
    del res, ref
    if N <= 6:
        tight = qutip.mesolve(m.H, m.rho0, T, c_ops=list(m.c_ops),
                              options={"progress_bar": False, "atol": 1e-12, "rtol": 1e-10})
        out["err_tight"] = float(np.abs(ours.states - np.stack(
            [s.full() for s in tight.states])).max())
    return out


def chain_sizes(N: int) -> tuple[int, int]:
    """Stacked Delta >= 0 elements of an N-cell chain, and how many the block route propagates
    (one per orbit of the reflection n -> N-1-n: (all + fixed) / 2)."""
    i = np.arange(2**N)
    pop = np.array([bin(x).count("1") for x in i])
    rev = np.array([int(format(x, f"0{N}b")[::-1], 2) for x in i])
    pal = rev == i
    upper = pop[:, None] >= pop[None, :]
    return int(upper.sum()), int((upper.sum() + (upper & pal[:, None] & pal[None, :]).sum()) // 2)


def case_linear_stream(N: int) -> dict:
    import qbtoolkit as qb
    from qbtoolkit.models import network

    t0 = time.perf_counter()
    m = network(N, "linear", **KW)
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    tr = qb.evolve(m, T, method="blocks", store_states=False,
        options=dict(max_bytes=2.5e9, observables=("energy", "coherence", "concurrence")))
    t_ours = time.perf_counter() - t0
    U = tr.values["energy"]
    return dict(t_model=t_model, t_ours=t_ours, U_ratio=float(U[-1] / U[0]),
                size=chain_sizes(N)[0], reduced=chain_sizes(N)[1],
                C_end=float(tr.values["coherence"][-1]),
                conc_max=float(tr.values["concurrence"].max()))


def case_perm(N: int, check: bool) -> dict:
    import qbtoolkit as qb
    from qbtoolkit.dynamics.backends.permutation import network_permutation_dynamics
    from qbtoolkit.models import network

    t0 = time.perf_counter()
    r = network_permutation_dynamics(N, T, **KW)
    out = dict(t_ours=time.perf_counter() - t0, size=int(r["size"]),
               eps_mid=float(r["efficiency"][20]), W0=float(r["ergotropy"][0]))
    if check:
        t0 = time.perf_counter()
        full = qb.evolve(network(N, "all_to_all", **KW), T, method="blocks", store_states=False,
            options=dict(observables=("energy", "ergotropy", "efficiency")))
        out["t_blocks"] = time.perf_counter() - t0
        out["err"] = float(max(np.abs(full.values[k] - r[k]).max()
                               for k in ("energy", "ergotropy", "efficiency")))
    return out


SYM_CASES = {"linear": 0.5, "ring": 0.5, "star": 0.2, "all_to_all": 0.1}  # gamma_collective


def case_symmetry(N: int, topology: str) -> dict:
    """Block route with and without the cell-permutation reduction (streamed observables)."""
    import qbtoolkit as qb
    from qbtoolkit.dynamics.backends.blocks import BlockPropagator
    from qbtoolkit.models import network

    m = network(N, topology, J=2.0, gamma_collective=SYM_CASES[topology], initial="coherent")
    obs = ("energy", "coherence", "concurrence")
    out, vals = {}, {}
    for sym in (True, False):
        t0 = time.perf_counter()
        tr = qb.evolve(m, T, method="blocks", store_states=False,
            options=dict(observables=obs, symmetry=sym))
        out["t_sym" if sym else "t_full"] = time.perf_counter() - t0
        vals[sym] = tr.values
    out["err"] = float(max(np.abs(vals[True][k] - vals[False][k]).max() for k in obs))
    p = BlockPropagator(m)
    out["n"], out["m"] = p.n, p.n_propagated
    return out


def _run(kind: str, N: int, extra: str = "") -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--case", kind, str(N), extra]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return dict(error=res.stderr.strip().splitlines()[-1] if res.stderr else "failed")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(linear12: bool = True) -> None:
    load = os.getloadavg()
    print(f"network self-discharge benchmark: J=2, gamma_ic=0.5, coherent |+>^N, "
          f"{T.size} times in Gamma t = [0, 3]")
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} (shared machine: times are indicative)\n")
    print("1) linear chain, naive qutip.mesolve (default tolerances) vs ours "
          "(method='blocks', states stored)")
    for N in (6, 8):
        r = _run("naive", N)
        if "error" in r:
            print(f"  N={N}: failed: {r['error']}")
            continue
        line = (f"  N={N:2d}: naive {r['t_naive']:7.2f} s | ours {r['t_ours']:6.2f} s | "
                f"ratio {r['t_naive'] / r['t_ours']:6.1f}x | max|drho| vs naive "
                f"{r['err_naive']:.1e}")
        if "err_tight" in r:
            line += f", vs mesolve(atol=1e-12) {r['err_tight']:.1e}"
        print(line + f" | peak RSS {r['rss']:.2f} GiB", flush=True)
    print("\n2) linear chain, ours only, streamed (U, normalised l1 coherence, edge "
          "concurrence; no states kept)")
    Ns = (10, 12) if linear12 else (10,)
    for N in Ns:
        r = _run("stream", N)
        if "error" in r:
            print(f"  N={N}: failed: {r['error']}")
            continue
        print(f"  N={N:2d}: ours {r['t_ours']:7.2f} s (+ model build {r['t_model']:.1f} s) | "
              f"dim {r['size']:.3g}, propagated {r['reduced']:.3g} (reflection orbits) | "
              f"U(3)/U(0) {r['U_ratio']:.4f} | "
              f"peak RSS {r['rss']:.2f} GiB", flush=True)
    if not linear12:
        print("  N=12 linear: skipped (--skip12); takes ~2 min and ~6.5 GiB")
    print("\n3) all-to-all, permutation-symmetric route (Dicke basis, qutip.piqs): "
          "energy, ergotropy, efficiency")
    for N, check in ((6, True), (8, True), (12, False), (20, False), (50, False)):
        r = _run("perm", N, "check" if check else "")
        if "error" in r:
            print(f"  N={N}: failed: {r['error']}")
            continue
        line = (f"  N={N:2d}: ours {r['t_ours']:6.2f} s (propagated dim {r['size']}) | "
                f"eps(t=0.30) {r['eps_mid']:.4g} | peak RSS {r['rss']:.2f} GiB")
        if check:
            line += (f" | block route {r['t_blocks']:.2f} s, max diff (U, W, eps) "
                     f"{r['err']:.1e}")
        print(line, flush=True)
    print("\n4) cell-permutation reduction of the block route, N = 10, streamed (U, l1, "
          "concurrence): with vs without")
    for topo in SYM_CASES:
        r = _run("symmetry", 10, topo)
        if "error" in r:
            print(f"  {topo}: failed: {r['error']}")
            continue
        print(f"  {topo:10s}: reduced {r['t_sym']:6.2f} s | full {r['t_full']:6.2f} s | "
              f"{r['t_full'] / r['t_sym']:5.1f}x | propagated {r['m']} of {r['n']} | "
              f"max diff {r['err']:.1e}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--case":
        kind, N = sys.argv[2], int(sys.argv[3])
        extra = sys.argv[4] if len(sys.argv) > 4 else ""
        if kind == "naive":
            out = case_linear_naive(N)
        elif kind == "stream":
            out = case_linear_stream(N)
        elif kind == "symmetry":
            out = case_symmetry(N, extra)
        else:
            out = case_perm(N, extra == "check")
        out["rss"] = _rss_gib()
        print(json.dumps(out))
    else:
        main("--skip12" not in sys.argv)
