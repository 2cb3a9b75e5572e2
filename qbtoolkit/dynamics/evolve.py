"""The front of the dynamics layer: :func:`evolve`.

It validates everything once, for every route — the model, the time list (``rho0`` is the
state at ``t = 0``, whatever the first output time), ``rho0``, ``args``, ``e_ops``,
``metrics``, ``progress_bar`` and the options (unknown keys are refused, listing those the
chosen backend takes) — then hands a :class:`~qbtoolkit.dynamics.backends.base.Request` to the
backend registered under ``method`` in :data:`~qbtoolkit.dynamics.backends.BACKENDS`, and
wraps what comes back in a :class:`~qbtoolkit.dynamics.trajectory.Trajectory`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import qutip

from .._validate import ATOL, check_choice, check_times
from ..metrics import registry
from ..models.base import BatteryModel, as_density_qobj
from .backends import BACKENDS, Collector, EOps, Request
from .trajectory import Trajectory

__all__ = ["evolve", "check_times"]

#: Options every backend understands (QuTiP's names), handled by the front.
_COMMON = {"progress_bar", "progress_kwargs", "store_states", "store_final_state"}


def _progress_bar(value: Any, kwargs: Any) -> tuple[Any, dict[str, Any]]:
    from qutip.ui.progressbar import progress_bars

    if value is None:
        value = ""
    if isinstance(value, str | bool) and value in progress_bars:
        name = value
    else:
        names = sorted(k for k in progress_bars if isinstance(k, str) and k.islower())
        raise ValueError(f"progress_bar must be one of {names} or True/False (QuTiP's values), "
                         f"got {value!r}")
    if kwargs is None:
        kwargs = {}
    if not isinstance(kwargs, Mapping):
        raise ValueError(f"progress_kwargs must be a dict, got {type(kwargs).__name__}")
    return name, dict(kwargs)


def _split_options(options: Mapping[str, Any] | None, backend: Any, method: str,
                   kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(backend options with defaults, common options)``; unknown keys are refused."""
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise ValueError(f"options must be a dict, got {type(options).__name__}")
    unknown = [k for k in options if k not in backend.options and k not in _COMMON]
    if unknown:
        allowed = sorted(set(backend.options) | _COMMON)
        raise ValueError(f"unknown option(s) {unknown} for method={method!r}; it accepts "
                         f"{allowed}")
    common = {}
    for key in _COMMON:
        if key in options:
            if kwargs.get(key) is not None:
                raise ValueError(f"{key} is given both as an argument and in options")
            common[key] = options[key]
        elif kwargs.get(key) is not None:
            common[key] = kwargs[key]
    opts = dict(backend.options)
    opts.update({k: v for k, v in options.items() if k in backend.options})
    return opts, common


def _check_bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool | np.bool_):
        return None if value is None else bool(value)
    raise ValueError(f"{name} must be True, False or None, got {value!r}")


def evolve(
    model: BatteryModel,
    tlist: Sequence[float] | np.ndarray,
    *,
    method: str = "mesolve",
    rho0: qutip.Qobj | None = None,
    e_ops: Any = None,
    args: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    progress_bar: Any = None,
    store_states: bool | None = None,
    metrics: registry.MetricSpec = None,
) -> Trajectory:
    """Evolve a model's initial state under its Lindblad equation.

    ``d rho/dt = -i[H(t), rho] + sum_k (L_k rho L_k^dag - 1/2 {L_k^dag L_k, rho})``, with
    ``rho(0) = rho0`` (the state at ``t = 0``, also when ``tlist`` starts later).

    Parameters
    ----------
    model : BatteryModel
        The model (``H`` and ``c_ops`` static or, for ``method="mesolve"``, time dependent).
    tlist : array_like (T,)
        Output times, strictly increasing, ``>= 0`` (inverse energy units).
    method : str
        A backend of :data:`qbtoolkit.dynamics.backends.BACKENDS`:

        * ``"mesolve"`` (default): :func:`qutip.mesolve`, adaptive ODE integration; any model,
          time-dependent ones included.
        * ``"auto"``: the fastest *exact* route it can prove valid for this model and request
          (recorded with the reason in ``Trajectory.meta["selected"]``/``["reason"]``).
        * ``"expm"``: exact ``exp(L t)`` (scipy ``expm_multiply``), time-independent models.
        * ``"blocks"``: exact, block by block, phase-covariant models such as
          ``models.network`` (energy-difference blocks, cell-permutation orbits).
        * ``"sectors"``: exact, any static model: only the part of Liouville space reachable
          from ``rho0`` (conserved charges, cell permutations, Hermitian half).
        * ``"matrix_free"``: like ``"sectors"`` without assembling the generator (large
          networks).
        * ``"permutation"``: all-to-all networks in the Dicke basis; energy, ergotropy and
          efficiency only.

        ``"auto"`` is not the default because on tiny models (a few qubits) its structure
        search costs a few milliseconds more than ``mesolve``'s whole run.
    rho0 : Qobj, optional
        Initial state (ket or density matrix) instead of ``model.rho0``.
    e_ops : Qobj, QobjEvo, callable, list or dict, optional
        As in :func:`qutip.mesolve`: operators (expectation ``Tr(O rho)`` on the full state)
        or callables ``f(t, state)``; results in ``Trajectory.expect`` (a list) and
        ``Trajectory.e_data`` (keyed by name for a dict).
    args : dict, optional
        Arguments of the time-dependent coefficients (updates ``model.args``).
    options : dict, optional
        The backend's options (``qbtoolkit.dynamics.backends.BACKENDS[method].options``; for
        mesolve QuTiP's integrator options such as ``atol``, ``rtol``, ``nsteps``,
        ``method``) and QuTiP's ``progress_bar``, ``progress_kwargs``, ``store_states``,
        ``store_final_state``. Unknown keys raise ValueError.
    progress_bar : {"", "text", "enhanced", "tqdm", "html"} or bool, optional
        QuTiP's progress bars, for every method.
    store_states : bool, optional
        Keep the full states (memory ``T d^2``). Default: True unless ``e_ops`` or ``metrics``
        are given (as in QuTiP). The final state is always kept.
    metrics : dict name -> function or name, list, optional
        Metrics evaluated on the battery's reduced states during integration, chunk by chunk
        (memory independent of ``T`` with ``store_states=False``); in ``Trajectory.values``
        with units in ``Trajectory.units``.

    Returns
    -------
    Trajectory
        Times, full and battery states (if stored), ``values``/``units`` of the metrics,
        ``expect``/``e_data`` of ``e_ops``, the final state and ``meta`` (the route taken, sizes,
        wall time).

    Raises
    ------
    ValueError
        Invalid model, times, state, options, e_ops or metrics; a method that cannot run the
        model (time dependence, structure) or cannot honour a request.

    Examples
    --------
    Charging a battery qubit from a full charger (Downing & Ukhtary, ``theta = pi``): the
    ergotropy ``omega max(0, -cos 2Jt)`` (Eq. 39), with an observable on the way:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> from qbtoolkit import analytic
    >>> model = qb.models.charger_battery(J=1.0)
    >>> t = np.linspace(0.0, np.pi / 2, 5)
    >>> n_b = qb.ops.embed(qb.ops.number(), 1, 2)           # battery population
    >>> traj = qb.evolve(model, t, method="expm", metrics=["ergotropy"], e_ops={"n_b": n_b})
    >>> traj.values["ergotropy"].round(6)
    array([0.      , 0.      , 0.      , 0.707107, 1.      ])
    >>> analytic.ergotropy_pi(t).round(6)
    array([0.      , 0.      , 0.      , 0.707107, 1.      ])
    >>> traj.e_data["n_b"].round(6)                          # sin^2(J t)
    array([0.      , 0.146447, 0.5     , 0.853553, 1.      ])
    >>> traj.units["ergotropy"]
    'energy (units of H)'

    ``method="auto"`` picks an exact route and says why; unknown options are refused:

    >>> qb.evolve(model, t, method="auto", metrics=["ergotropy"]).meta["selected"]
    'sectors'
    >>> qb.evolve(model, t, options={"atoll": 1e-10})
    Traceback (most recent call last):
        ...
    ValueError: unknown option(s) ['atoll'] for method='mesolve'; it accepts [...]
    """
    if not isinstance(model, BatteryModel):
        raise ValueError(f"model must be a BatteryModel, got {type(model).__name__}")
    check_choice(method, "method", BACKENDS)
    backend = BACKENDS[method]
    times = check_times(tlist)
    store_states = _check_bool(store_states, "store_states")
    opts, common = _split_options(options, backend, method,
                                  {"progress_bar": progress_bar, "store_states": store_states})
    store_states = _check_bool(common.get("store_states"), "store_states")
    _check_bool(common.get("store_final_state"), "store_final_state")
    bar, bar_kwargs = _progress_bar(common.get("progress_bar"), common.get("progress_kwargs"))
    # ODE solvers' states (e.g. a protocol's previous stage) meet the state tolerance ATOL
    state0 = model.rho0 if rho0 is None else as_density_qobj(rho0, "rho0", atol=ATOL)
    if state0.dims[0] != model.dims:
        raise ValueError(f"rho0 has dims {state0.dims[0]} but the model has {model.dims}")
    if args is not None and not isinstance(args, Mapping):
        raise ValueError(f"args must be a dict, got {type(args).__name__}")
    if model.is_time_dependent:
        if not backend.time_dependent:
            raise ValueError(
                f"method={method!r} needs a time-independent model, but this model's H or "
                "c_ops are time dependent: use method='mesolve', or a protocol of "
                "piecewise-constant stages (qbtoolkit.protocol)")
        run_args = {**model.args, **(args or {})}
    elif args:
        raise ValueError("args given, but the model has no time-dependent coefficient to use "
                         "them")
    else:
        run_args = {}
    fns = registry.resolve(metrics) if metrics is not None else {}
    eops = EOps(e_ops, model.dims)
    if store_states is None:
        store_states = backend.states and not fns and not len(eops)
    if not backend.states and (store_states or len(eops)):
        raise ValueError(f"method={method!r} does not form states: store_states=True and e_ops "
                         "are not available (use metrics=)")
    progress = None
    if not backend.own_progress:
        from qutip.ui.progressbar import progress_bars

        progress = progress_bars[bar](len(times), **bar_kwargs)
    sink = Collector(model, times, store_states=store_states, metrics=fns, e_ops=eops,
                     progress=progress)
    req = Request(model=model, rho0=state0, times=times, options=opts, args=run_args,
                  sink=sink, progress_bar=bar, progress_kwargs=bar_kwargs)
    start = time.perf_counter()
    meta = backend.run(req)
    wall = time.perf_counter() - start
    if progress is not None:
        progress.finished()
    if sink.n != len(times):
        raise RuntimeError(f"backend {method!r} returned {sink.n} of {len(times)} times")
    states = sink.states
    expect, e_data = eops.results()
    final = None
    if sink.final_state is not None:
        final = qutip.Qobj(sink.final_state, dims=[model.dims, model.dims])
    return Trajectory(
        times=times,
        states=states,
        battery_states=None if states is None else model.reduce(states),
        H_battery=model.H_battery,
        model=model,
        values=sink.values(),
        units=sink.units,
        expect=expect,
        e_data=e_data,
        final_state=final,
        meta={"method": method, **meta, "wall_time_s": wall},
    )
