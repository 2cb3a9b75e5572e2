"""Where a sweep's chunks run: this process, local worker processes, or a Dask cluster.

Every runner calls ``deliver(chunk index, chunk)`` in this process as each chunk finishes (the
front saves it to the checkpoint at once), and on any exception -- a point that raises, Ctrl-C
(``KeyboardInterrupt``), a worker that died -- first delivers every chunk that has already
finished, then stops all workers and re-raises.  Worker processes ignore SIGINT (the parent
decides when they stop), are terminated when the sweep ends, and die with their parent even if
it is killed with SIGKILL (``PR_SET_PDEATHSIG`` on Linux, a watchdog thread elsewhere).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .identity import function_name
from .outputs import run_chunk

__all__ = ["BACKENDS", "run"]

BACKENDS = ("processes", "serial", "dask")
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "QBTOOLKIT_NUM_THREADS",
)
_PR_SET_PDEATHSIG = 1
_THREADS_LIMITED = False

Task = tuple[int, list[dict[str, Any]]]
Deliver = Callable[[int, dict[str, Any]], None]


def run(backend: str, func: Callable[..., Any], spec: Mapping[str, Any], tasks: list[Task],
        workers: int, client: Any, deliver: Deliver) -> None:
    """Run ``tasks`` on ``backend``, calling ``deliver`` for each finished chunk.

    Parameters
    ----------
    backend : {"serial", "processes", "dask"}
        Where the chunks run.
    func : callable
        The swept function.
    spec : mapping
        Its :func:`~qbtoolkit.studies.outputs.annotate` declarations.
    tasks : list of (int, list of dict)
        ``(chunk index, points)`` still to compute.
    workers : int
        Number of worker processes (or Dask workers of a local cluster).
    client : distributed.Client, str or None
        Dask client or scheduler address (``"dask"`` only).
    deliver : callable
        ``deliver(chunk index, chunk)``, called in this process as chunks finish (they are
        saved there).

    Raises
    ------
    Exception
        Whatever ``func`` raises (with a note naming the point), after the chunks finished
        until then were delivered; workers are stopped on failure and on interruption.
    """
    if backend == "serial":
        for ci, points in tasks:
            deliver(ci, run_chunk(func, spec, points))
    elif backend == "processes":
        _run_processes(func, spec, tasks, workers, deliver)
    else:
        _run_dask(func, spec, tasks, workers, client, deliver)


# ---------------------------------------------------------------------------------------------
# Worker processes
# ---------------------------------------------------------------------------------------------
def limit_threads() -> None:
    """In a worker process, pin BLAS/OpenMP pools to one thread (no oversubscription)."""
    global _THREADS_LIMITED
    if _THREADS_LIMITED or multiprocessing.parent_process() is None:
        return  # never touch the user's own process (serial backend, in-process dask)
    for var in THREAD_VARS:
        os.environ[var] = "1"
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    from .._linalg import set_num_threads

    set_num_threads(1)  # qbtoolkit's own threaded batched eigensolvers
    _THREADS_LIMITED = True


def _die_with_parent(parent: int) -> None:
    """Make this process exit as soon as the process ``parent`` is gone (even SIGKILLed)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="qbtoolkit-parent-watchdog", daemon=True).start()


def _worker_init(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    _die_with_parent(parent)
    limit_threads()


class _Cloudpickled:
    """A function shipped by value (lambdas, closures) to worker processes."""

    def __init__(self, func: Callable[..., Any]):
        import cloudpickle

        self.payload = cloudpickle.dumps(func)
        self._func: Callable[..., Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"payload": self.payload, "_func": None}

    def __call__(self, **kwargs: Any) -> Any:
        if self._func is None:
            self._func = pickle.loads(self.payload)
        return self._func(**kwargs)


def _picklable(func: Callable[..., Any]) -> Callable[..., Any]:
    try:
        pickle.dumps(func)
        return func
    except Exception as exc:
        try:
            return _Cloudpickled(func)
        except ImportError:
            raise ValueError(
                f"func {function_name(func)} cannot be pickled for worker processes ({exc}); "
                "define it at module level, install cloudpickle, or use backend='serial'"
            ) from None


def _mp_context() -> multiprocessing.context.BaseContext:
    method = os.environ.get("QBTOOLKIT_START_METHOD")
    if method is None:  # fork: fast start, works with functions defined in notebooks
        method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


@contextlib.contextmanager
def _single_thread_env() -> Iterator[None]:
    """Children started while this is active see OMP/MKL/OPENBLAS_NUM_THREADS=1."""
    saved = {v: os.environ.get(v) for v in THREAD_VARS}
    os.environ.update({v: "1" for v in THREAD_VARS})
    try:
        yield
    finally:
        for v, old in saved.items():
            if old is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = old


def _deliver_done(pending: dict[Future, int], done: Any, deliver: Deliver) -> None:
    """Deliver the finished futures among ``done`` (in chunk order); raise the first error
    after every successful one is delivered."""
    error: BaseException | None = None
    for fut in sorted(done, key=lambda f: pending[f]):
        ci = pending.pop(fut)
        exc = fut.exception()
        if exc is None:
            deliver(ci, fut.result())
        elif error is None:
            error = exc
    if error is not None:
        if isinstance(error, BrokenProcessPool):
            error.add_note("qbtoolkit.sweep: a worker process died (killed by a signal, or out "
                           "of memory?) while computing; its points are not saved")
        raise error


def _salvage(pending: dict[Future, int], deliver: Deliver) -> None:
    """On the way out after an error: deliver whatever else has finished."""
    for fut, ci in sorted(pending.items(), key=lambda item: item[1]):
        if fut.done() and not fut.cancelled() and fut.exception() is None:
            try:
                deliver(ci, fut.result())
            except Exception:  # e.g. the disk is full: keep the original error
                return


def _stop(pool: ProcessPoolExecutor, graceful: bool) -> None:
    if graceful:
        pool.shutdown(wait=True)
        return
    # the pool's own processes (ProcessPoolExecutor has no public terminate before 3.14)
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    deadline = time.monotonic() + 2.0
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(1.0)


def _run_processes(func: Callable[..., Any], spec: Mapping[str, Any], tasks: list[Task],
                   workers: int, deliver: Deliver) -> None:
    func = _picklable(func)
    with _single_thread_env():
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(tasks))),
            mp_context=_mp_context(),
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )
    pending: dict[Future, int] = {}
    graceful = False
    try:
        for ci, points in tasks:
            pending[pool.submit(run_chunk, func, spec, points)] = ci
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            _deliver_done(pending, done, deliver)
        graceful = True
    except BaseException:
        _salvage(pending, deliver)
        raise
    finally:
        _stop(pool, graceful)


# ---------------------------------------------------------------------------------------------
# Dask
# ---------------------------------------------------------------------------------------------
def _dask_chunk(func: Callable[..., Any], spec: Mapping[str, Any],
                points: list[dict[str, Any]]) -> dict[str, Any]:
    limit_threads()
    return run_chunk(func, spec, points)


def _run_dask(func: Callable[..., Any], spec: Mapping[str, Any], tasks: list[Task],
              workers: int, client: Any, deliver: Deliver) -> None:
    try:
        import distributed
    except ImportError:
        raise ImportError("backend='dask' needs Dask: pip install 'qbtoolkit[dask]'") from None
    owned: list[Any] = []
    if client is None:
        try:
            client = distributed.default_client()
        except ValueError:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
            owned = [client, cluster]
    elif isinstance(client, str):
        client = distributed.Client(client)
        owned = [client]
    token = uuid.uuid4().hex[:8]
    pending = {
        client.submit(_dask_chunk, func, spec, pts, key=f"qbtoolkit-sweep-{token}-{ci}",
                      pure=False): ci
        for ci, pts in tasks
    }
    futures = list(pending)
    try:
        for fut in distributed.as_completed(futures):
            ci = pending.pop(fut)
            if fut.status == "error":
                error = fut.exception()
                _salvage_dask(pending, deliver)
                raise error.with_traceback(fut.traceback())
            deliver(ci, fut.result())
    except BaseException:
        _salvage_dask(pending, deliver)
        raise
    finally:
        with contextlib.suppress(Exception):
            client.cancel(futures)
        for obj in owned:
            with contextlib.suppress(Exception):
                obj.close()


def _salvage_dask(pending: dict[Any, int], deliver: Deliver) -> None:
    for fut, ci in sorted(list(pending.items()), key=lambda item: item[1]):
        if fut.status == "finished":
            try:
                res = fut.result(timeout=10)
            except Exception:
                continue
            del pending[fut]
            try:
                deliver(ci, res)
            except Exception:
                return
