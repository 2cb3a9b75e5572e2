"""Exact dynamics of qubit networks without phase covariance: qbtoolkit vs plain QuTiP.

1. The QuantumToolbox.jl benchmark model (Lambert et al., QuantumToolbox.jl paper):
   ``H = 0.2 sum_i sigma_z^i + sum_i sigma_x^i sigma_x^{i+1}`` (open chain),
   ``sqrt(gamma) sigma_-^i`` on every site, ``gamma = 1``, every cell excited,
   ``t in [0, 10]``, 100 output times, ``<H>(t)`` recorded. ``qutip.mesolve`` with its default
   options (``e_ops=[H]``) vs ``evolve(model, t, method="auto")`` (which takes the ``sectors``
   route: the Z2 parity sector of the initial state, the chain reflection, one triangle of
   the Hermitian state; ``<H>`` straight from the propagated vector). N = 8, 10 (mesolve takes
   minutes at N = 10) and N = 12 (ours only). The benchmark calls ``method="sectors"`` with
   ``options={"expect": {"H": H}}`` (the route ``auto`` selects for this model; ``<H>`` is
   then read from the propagated vector, no state is formed). The Hamiltonian dominates the
   decay, so the reduced problem is propagated by the Bessel-Chebyshev series.
2. Transverse-field Ising battery charged from its ground state:
   ``H = h sum_i sigma_x^i + J sum_i sigma_z^i sigma_z^{i+1}`` (open chain, h = J = 1),
   ``H_battery = sum_i sigma_+^i sigma_-^i`` (omega = 1), ``sqrt(0.05) sigma_-^i`` on every site,
   ``rho0 = |g...g>``, ``t in [0, 10]``, 100 output times; energy and ergotropy of the full
   state at every output time. QuTiP: ``mesolve`` with ``e_ops`` = {H_battery, ergotropy as a
   callable (numpy eigvalsh of each state)}. Ours: ``evolve(method="auto",
   metrics=["energy", "ergotropy"])``. N = 8 and 10.
3. ``method="auto"`` vs ``qutip.mesolve`` (default options, states stored by both) on the
   tests' random model family and two ``models.network`` topologies, N = 2, 4, 6.

Every case runs in a fresh subprocess so its peak RSS is its own; the load average is printed
with every line (the machine is shared).

Usage: ``python benchmarks/network_general.py [--skip-mesolve10] [--skip12]``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

T = np.linspace(0.0, 10.0, 100)


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def qt_chain(N: int):
    import qutip

    from qbtoolkit import ops
    from qbtoolkit.models.base import BatteryModel

    sm = ops.site_operators(ops.sigma_minus(), N)
    sx = ops.site_operators(ops.sigma_x(), N)
    sz = ops.site_operators(ops.sigma_z(), N)
    H = 0.2 * sum(sz) + sum(sx[i] * sx[i + 1] for i in range(N - 1))
    return BatteryModel(H=H, c_ops=tuple(sm), rho0=qutip.tensor([ops.excited()] * N),
                        H_battery=sum(s.dag() * s for s in sm), battery=tuple(range(N)),
                        name="qt_benchmark_chain")


def tfi_battery(N: int, h: float = 1.0, J: float = 1.0, gamma: float = 0.05):
    import qutip

    from qbtoolkit import ops
    from qbtoolkit.models.base import BatteryModel

    sm = ops.site_operators(ops.sigma_minus(), N)
    sx = ops.site_operators(ops.sigma_x(), N)
    sz = ops.site_operators(ops.sigma_z(), N)
    H = h * sum(sx) + J * sum(sz[i] * sz[i + 1] for i in range(N - 1))
    return BatteryModel(H=H, c_ops=tuple(np.sqrt(gamma) * s for s in sm),
                        rho0=qutip.tensor([ops.ground()] * N),
                        H_battery=sum(s.dag() * s for s in sm), battery=tuple(range(N)),
                        name="tfi_battery")


def case_qt(N: int, naive: bool) -> dict:
    import qutip

    import qbtoolkit as qb

    m = qt_chain(N)
    out: dict = {"load": os.getloadavg()[0]}
    t0 = time.perf_counter()
    tr = qb.evolve(m, T, method="sectors", store_states=False, options={"expect": {"H": m.H}})
    out["t_ours"] = time.perf_counter() - t0
    out["meta"] = {k: tr.meta[k] for k in ("propagated", "elements", "generator_nnz",
                                           "matvecs", "propagator")}
    ours = tr.values["H"]
    if naive:
        t0 = time.perf_counter()
        res = qutip.mesolve(m.H, m.rho0, T, c_ops=list(m.c_ops), e_ops=[m.H],
                            options={"progress_bar": False})
        out["t_naive"] = time.perf_counter() - t0
        ref = np.asarray(res.expect[0]).real
        out["err"] = float(np.abs(ours - ref).max() / np.abs(ref).max())
    out["H_end"] = float(ours[-1])
    return out


def case_tfi(N: int, naive: bool) -> dict:
    import qutip

    import qbtoolkit as qb

    m = tfi_battery(N)
    out: dict = {"load": os.getloadavg()[0]}
    t0 = time.perf_counter()
    tr = qb.evolve(m, T, method="auto", metrics=["energy", "ergotropy"])
    out["t_ours"] = time.perf_counter() - t0
    out["selected"] = tr.meta["selected"]
    out["meta"] = {k: tr.meta[k] for k in ("propagated", "generator_nnz", "matvecs",
                                           "propagator")}
    E, W = tr.values["energy"], tr.values["ergotropy"]
    if naive:
        Hb = m.H_battery.full()
        eps = np.sort(np.diag(Hb).real)

        def W_plain(t: float, rho: qutip.Qobj) -> float:
            # ergotropy E - sum_k r_k eps_k (r decreasing, eps increasing) with numpy: ODE
            # states at default tolerances have eigenvalues ~ -1e-6, which qbtoolkit refuses
            r = rho.full()
            return float(np.trace(r @ Hb).real - np.linalg.eigvalsh(r)[::-1] @ eps)

        t0 = time.perf_counter()
        res = qutip.mesolve(m.H, m.rho0, T, c_ops=list(m.c_ops),
                            e_ops={"E": m.H_battery, "W": W_plain},
                            options={"progress_bar": False})
        out["t_naive"] = time.perf_counter() - t0
        out["err"] = float(max(np.abs(E - np.asarray(res.e_data["E"]).real).max(),
                               np.abs(W - np.asarray(res.e_data["W"])).max()) / E.max())
    out["W_max"] = float(W.max())
    return out


def case_family(N: int, naive: bool) -> dict:
    """auto vs qutip.mesolve (default options, states stored as both do by default) on the
    tests' random model family and on models.network, 50 times in [0, 5]."""
    import qutip

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
    from random_models import random_model

    import qbtoolkit as qb
    from qbtoolkit.models import network

    t = np.linspace(0, 5, 50)
    models = [random_model(s, N, kind, symmetric=sym, mixed=mix)
              for s, (kind, sym, mix) in enumerate([("tfi", True, False), ("xx_chain", True, True),
                                                    ("xy", False, False), ("xyz", False, True)])]
    models += [network(N, "linear", J=2.0, gamma_collective=0.5),
               network(N, "all_to_all", J=1.0, gamma_collective=0.3, decay="paper")]
    rows = []
    for m in models:
        qb.evolve(m, t[:2], method="auto")  # warm caches (imports) once per model kind
        t0 = time.perf_counter()
        tr = qb.evolve(m, t, method="auto")
        ta = time.perf_counter() - t0
        t0 = time.perf_counter()
        qutip.mesolve(m.H, m.rho0, t, c_ops=list(m.c_ops), options={"progress_bar": False})
        tm = time.perf_counter() - t0
        rows.append((m.name, tr.meta["selected"], ta, tm))
    return {"rows": rows, "load": os.getloadavg()[0]}


def _run(kind: str, N: int, naive: bool) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--case", kind, str(N),
           "naive" if naive else "ours"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return dict(error=res.stderr.strip().splitlines()[-1] if res.stderr else "failed")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _line(N: int, r: dict) -> str:
    if "error" in r:
        return f"  N={N:2d}: failed: {r['error']}"
    s = f"  N={N:2d}: ours {r['t_ours']:7.2f} s"
    if "t_naive" in r:
        s += (f" | qutip.mesolve {r['t_naive']:7.2f} s | ratio {r['t_naive'] / r['t_ours']:5.1f}x"
              f" | max rel. diff {r['err']:.1e}")
    return s + f" | peak RSS {r['rss']:.2f} GiB | load {r['load']:.2f}"


def main(mesolve10: bool = True, n12: bool = True) -> None:
    print(f"exact dynamics of non-phase-covariant qubit networks; {T.size} times in [0, 10]")
    print(f"machine: {os.cpu_count()} cores (shared: times are indicative; load with each "
          "line)\n")
    print("1) QuantumToolbox.jl benchmark chain (0.2 sz + sx sx, local decay, all excited), "
          "<H>(t)")
    for N in (8, 10, 12):
        if N == 12 and not n12:
            continue
        r = _run("qt", N, naive=N == 8 or (N == 10 and mesolve10))
        print(_line(N, r), flush=True)
        if "meta" in r:
            mt = r["meta"]
            print(f"        propagated {mt['propagated']} of {mt['elements']} elements "
                  f"(4^N = {4**N}), generator nnz {mt['generator_nnz']}, "
                  f"{mt['matvecs']} products ({mt['propagator']})", flush=True)
    print("\n2) transverse-field Ising battery from the ground state (h = J = 1, gamma = 0.05),"
          " energy + ergotropy of the full state at every time")
    for N in (8, 10):
        r = _run("tfi", N, naive=N == 8 or mesolve10)
        print(_line(N, r), flush=True)
        if "meta" in r:
            mt = r["meta"]
            print(f"        propagated {mt['propagated']} numbers, generator nnz "
                  f"{mt['generator_nnz']}, {mt['matvecs']} products ({mt['propagator']})",
                  flush=True)
    print("\n3) method='auto' vs qutip.mesolve (defaults, states stored) on the tests' model "
          "family and models.network, 50 times in [0, 5]: speed-up per model")
    for N in (2, 4, 6):
        r = _run("family", N, naive=True)
        if "error" in r:
            print(f"  N={N}: failed: {r['error']}")
            continue
        cells = ", ".join(f"{name}->{sel} {tm / ta:.1f}x" for name, sel, ta, tm in r["rows"])
        print(f"  N={N}: {cells} | load {r['load']:.2f}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--case":
        kind, N, mode = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        fn = {"qt": case_qt, "tfi": case_tfi, "family": case_family}[kind]
        out = fn(N, mode == "naive")
        out["rss"] = _rss_gib()
        print(json.dumps(out))
    else:
        main("--skip-mesolve10" not in sys.argv, "--skip12" not in sys.argv)
