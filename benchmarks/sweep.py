"""Benchmark: a 64-point parameter sweep, serial vs local worker processes.

Each point is a real model run: the self-discharge trajectory of a 4-cell ring network
(Santos 2021, ``qbtoolkit.models.network``; local decay Gamma = 1, collective decay and ZZ
coupling swept), evolved with ``qutip.mesolve`` over 401 times (0 <= Gamma t <= 10), with the
battery's energy and ergotropy evaluated on the whole time series.
Target: processes on 2 cores >= 1.8x serial.

Run: ``python benchmarks/sweep.py [--workers 2] [--cells 4]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import xarray as xr

import qbtoolkit as qb
from qbtoolkit.models import network

TIMES = np.linspace(0.0, 10.0, 401)
N_CELLS = 4


def self_discharge(J: float, gamma_collective: float) -> xr.Dataset:
    """Energy and ergotropy of a coherent ring battery discharging (one sweep point)."""
    model = network(N_CELLS, topology="ring", J=J, gamma=1.0, gamma_collective=gamma_collective)
    traj = qb.evolve(model, TIMES, options={"atol": 1e-10, "rtol": 1e-8})
    return traj.evaluate({"energy": qb.energy, "ergotropy": qb.ergotropy})


def main() -> None:
    global N_CELLS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cells", type=int, default=N_CELLS)
    args = parser.parse_args()
    N_CELLS = args.cells
    # 8 x 8 = 64 points; ring: the Kossakowski matrix is PSD for gamma_collective <= Gamma/2
    grid = {"J": np.linspace(0.5, 4.0, 8), "gamma_collective": np.linspace(0.0, 0.5, 8)}
    print(f"64-point sweep: {N_CELLS}-cell ring self-discharge, {TIMES.size} times, "
          f"{os.cpu_count()} cores visible, workers={args.workers}")
    # other jobs on the machine take cores away from the workers: show how busy it is
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    t0, c0 = time.perf_counter(), time.process_time()
    serial = qb.sweep(self_discharge, grid, backend="serial", progress=False)
    t_serial, cpu_serial = time.perf_counter() - t0, time.process_time() - c0
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    procs = qb.sweep(self_discharge, grid, backend="processes", workers=args.workers,
                     progress=False)
    t_procs = time.perf_counter() - t0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_workers = (kids.ru_utime + kids.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
    xr.testing.assert_allclose(serial, procs, rtol=1e-12, atol=0)
    print(f"serial:               {t_serial:7.2f} s  ({1e3 * t_serial / 64:.0f} ms/point)")
    print(f"processes ({args.workers} workers): {t_procs:7.2f} s")
    print(f"speed-up: {t_serial / t_procs:.2f}x (target >= 1.8x on 2 cores); results identical")
    # CPU seconds do not depend on how busy the machine is: the parallel run's extra work
    # (fork, pickling, checkpoints) and the speed-up the same run would reach on idle cores
    print(f"CPU time: serial {cpu_serial:.2f} s, workers {cpu_workers:.2f} s in total "
          f"(overhead {100 * (cpu_workers / cpu_serial - 1):+.0f}%); idle-machine estimate "
          f"{args.workers * cpu_serial / cpu_workers:.2f}x")
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
