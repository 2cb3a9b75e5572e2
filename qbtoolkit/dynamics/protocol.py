"""Charging protocols: stages of (H, c_ops) held for given durations, run back to back.

A protocol is a sequence of :class:`Stage` s — e.g. charge for ``tau`` with the charger on,
store (self-discharge), extract. :func:`protocol` evolves them in order, the state at the end
of one stage starting the next, and returns one :class:`~.trajectory.Trajectory` over the
whole time axis with a ``stage`` coordinate; metrics apply to it as to any trajectory.
Each stage's model keeps its own clock: a time-dependent stage sees ``t = 0`` at its start.

:func:`optimal_stage_duration` finds the duration of one stage that maximises a metric of the
battery at the end of the protocol (e.g. the ergotropy left after a storage time), on a grid
refined by bounded Brent optimisation beyond the grid spacing.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import qutip
import scipy.optimize as so

from .._validate import check_int, check_positive
from ..analysis import EdgeOptimumWarning
from ..metrics import registry
from ..models.base import BatteryModel
from .evolve import check_times, evolve
from .trajectory import Trajectory

__all__ = ["Stage", "protocol", "optimal_stage_duration", "StageOptimum"]


@dataclasses.dataclass(frozen=True)
class Stage:
    """One stage of a protocol: a model held for a duration.

    Parameters
    ----------
    model : BatteryModel
        Its ``H`` and ``c_ops`` act during the stage (its ``rho0`` is not used: the state
        comes from the previous stage, or ``protocol(rho0=...)`` / the first stage's model).
    duration : float
        Length of the stage (inverse energy units), > 0.
    name : str, default ""
        Label (default ``"stage<k>"``).
    method : str, optional
        ``evolve`` method for this stage (default: the protocol's).
    options : dict, optional
        ``evolve`` options for this stage (default: the protocol's).

    Raises
    ------
    ValueError
        ``model`` not a BatteryModel, ``duration`` not a number > 0, ``name`` not a string.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> stage = qb.Stage(qb.models.driven_atom(Omega=1.0), np.pi, "charge")
    >>> stage.name, round(stage.duration, 6)
    ('charge', 3.141593)
    >>> qb.Stage(stage.model, 0.0)
    Traceback (most recent call last):
        ...
    ValueError: duration must be > 0, got 0.0
    """

    model: BatteryModel
    duration: float
    name: str = ""
    method: str | None = None
    options: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.model, BatteryModel):
            raise ValueError(f"Stage.model must be a BatteryModel, got "
                             f"{type(self.model).__name__}")
        object.__setattr__(self, "duration", check_positive(self.duration, "duration"))
        if not isinstance(self.name, str):
            raise ValueError(f"Stage.name must be a string, got {self.name!r}")


def _as_stages(stages: Sequence[Any]) -> list[Stage]:
    if isinstance(stages, Stage) or not isinstance(stages, Sequence) or not stages:
        raise ValueError("stages must be a non-empty list of Stage (or (model, duration) pairs)")
    out = []
    for k, s in enumerate(stages):
        if isinstance(s, Stage):
            st = s
        elif isinstance(s, tuple) and len(s) in (2, 3):
            st = Stage(*s)
        else:
            raise ValueError(f"stages[{k}] must be a Stage or a (model, duration[, name]) tuple, "
                             f"got {type(s).__name__}")
        out.append(st if st.name else dataclasses.replace(st, name=f"stage{k}"))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ValueError(f"stage names must be distinct, got {names}")
    first = out[0].model
    for k, s in enumerate(out[1:], start=1):
        m = s.model
        if m.dims != first.dims or m.battery != first.battery:
            raise ValueError(f"stages[{k}] ({s.name!r}) has dims {m.dims} / battery {m.battery}, "
                             f"but the first stage has {first.dims} / {first.battery}")
        diff = (m.H_battery - first.H_battery).norm("max")
        if diff > 1e-12 * max(first.H_battery.norm("max"), np.finfo(float).tiny):
            raise ValueError(f"stages[{k}] ({s.name!r}) measures energy with another H_battery: "
                             "a protocol's stages must share the battery's Hamiltonian")
    return out


def _stage_times(times: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[np.ndarray]:
    """Indices of the output times in each stage: ``(start, end]`` (stage 0 also ``t = 0``).
    A time on a boundary belongs to the stage that ends there."""
    out = []
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        lo = times >= a if k == 0 else times > a
        out.append(np.nonzero(lo & (times <= b))[0])
    return out


def protocol(
    stages: Sequence[Stage | tuple],
    tlist: Sequence[float] | np.ndarray | None = None,
    *,
    num: int = 101,
    rho0: qutip.Qobj | None = None,
    method: str = "mesolve",
    options: Mapping[str, Any] | None = None,
    metrics: registry.MetricSpec = None,
    e_ops: Any = None,
    store_states: bool | None = None,
    progress_bar: Any = None,
) -> Trajectory:
    """Run stages back to back: one trajectory over the whole protocol.

    Parameters
    ----------
    stages : list of Stage or (model, duration[, name]) tuples
        In order. All share the dims, the battery subsystems and ``H_battery``.
    tlist : array_like, optional
        Output times on the protocol's axis (``0 <= t <= sum of durations``, increasing). A
        time on a stage boundary belongs to the stage that ends there. Default: ``num`` times
        per stage, evenly spaced, ``t = 0`` included.
    num : int, default 101
        Output times per stage when ``tlist`` is None.
    rho0 : Qobj, optional
        Initial state; default the first stage's ``model.rho0``.
    method : str, default "mesolve"
        ``evolve`` method for every stage (a Stage may set its own).
    options : dict, optional
        ``evolve`` options for every stage (a Stage may set its own).
    metrics : dict, list or None, optional
        Metrics evaluated during integration, as in :func:`qbtoolkit.evolve`.
    e_ops : Qobj, callable, list or dict, optional
        Observables, as in :func:`qbtoolkit.evolve`.
    store_states : bool, optional
        Keep the full states, as in :func:`qbtoolkit.evolve`.
    progress_bar : str or bool, optional
        QuTiP's progress bar for every stage.

    Returns
    -------
    Trajectory
        Over the protocol's times, with ``stage`` (index per time) and ``stage_names``;
        ``model`` is the first stage's; ``meta["stages"]`` lists each stage's route,
        ``meta["boundaries"]`` the stage start/end times.

    Raises
    ------
    ValueError
        Invalid stages (not sharing the battery, non-positive durations), times outside the
        protocol, or anything :func:`qbtoolkit.evolve` refuses.

    Examples
    --------
    Charge an atom with a pi pulse, then let it decay for ``ln 2 / gamma``: half the energy is
    left (``E = omega0 e^{-gamma t}``):

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> charge = qb.models.driven_atom(Omega=1.0)
    >>> store = qb.models.driven_atom(Omega=0.0, gamma=1.0)
    >>> stages = [qb.Stage(charge, np.pi, "charge"), qb.Stage(store, np.log(2), "store")]
    >>> traj = qb.protocol(stages, [0.0, np.pi / 2, np.pi, np.pi + np.log(2)])
    >>> qb.energy(traj.battery_states, traj.H_battery).round(6)
    array([0. , 0.5, 1. , 0.5])
    >>> traj.stage, traj.stage_names
    (array([0, 0, 0, 1]), ('charge', 'store'))
    """
    stages = _as_stages(stages)
    durations = np.array([s.duration for s in stages])
    ends = np.cumsum(durations)
    starts = ends - durations
    total = float(ends[-1])
    if tlist is None:
        num = check_int(num, "num", minimum=2)
        parts = [np.linspace(a, b, num)[(1 if k else 0):] for k, (a, b) in
                 enumerate(zip(starts, ends, strict=True))]
        times = np.concatenate(parts)
    else:
        times = check_times(tlist)
        if times[-1] > total * (1 + 1e-12):
            raise ValueError(f"tlist runs to {times[-1]:g}, beyond the protocol's end {total:g}")
    idx = _stage_times(times, starts, ends)
    state = stages[0].model.rho0 if rho0 is None else rho0
    pieces: list[Trajectory] = []
    kept: list[np.ndarray] = []
    for s, a, sel in zip(stages, starts, idx, strict=True):
        local = times[sel] - a
        # the stage always runs to its end, whose state starts the next stage
        extra = not (local.size and np.isclose(local[-1], s.duration, rtol=1e-13, atol=0.0))
        run = np.append(local, s.duration) if extra else local
        tr = evolve(s.model, run, method=s.method or method, rho0=state,
                    options=s.options if s.options is not None else options, metrics=metrics,
                    e_ops=e_ops, store_states=store_states, progress_bar=progress_bar)
        state = tr.final_state
        pieces.append(tr)
        kept.append(np.arange(len(local)))
    return _join(stages, pieces, kept, times, idx, starts, ends)


def _join(stages: list[Stage], pieces: list[Trajectory], kept: list[np.ndarray],
          times: np.ndarray, idx: list[np.ndarray], starts: np.ndarray,
          ends: np.ndarray) -> Trajectory:
    def cat(get: Callable[[Trajectory], Any]) -> np.ndarray | None:
        arrs = [get(p) for p in pieces]
        if any(a is None for a in arrs):
            return None
        return np.concatenate([a[k] for a, k in zip(arrs, kept, strict=True)])

    first = pieces[0]
    values = {name: cat(lambda p, n=name: p.values[n]) for name in first.values}
    expect = [cat(lambda p, i=i: p.expect[i]) for i in range(len(first.expect))]
    e_data = dict(zip(first.e_data, expect, strict=True))
    stage = np.concatenate([np.full(len(i), k) for k, i in enumerate(idx)])
    states = cat(lambda p: p.states)
    battery = cat(lambda p: p.battery_states)
    meta = {"method": "protocol", "stages": [p.meta for p in pieces],
            "boundaries": [(float(a), float(b)) for a, b in zip(starts, ends, strict=True)]}
    return Trajectory(times=times, states=states, battery_states=battery,
                      H_battery=first.H_battery, model=stages[0].model, values=values,
                      units=dict(first.units), expect=expect, e_data=e_data,
                      final_state=pieces[-1].final_state, meta=meta, stage=stage,
                      stage_names=tuple(s.name for s in stages))


@dataclasses.dataclass(frozen=True)
class StageOptimum:
    """Result of :func:`optimal_stage_duration`.

    Parameters
    ----------
    duration : float
        The optimal duration of the chosen stage (refined beyond the grid).
    value : float
        The metric at that duration.
    grid : ndarray, shape (num,)
        The sampled durations.
    values : ndarray, shape (num,)
        The metric at each sampled duration.
    at_edge : bool
        True when the best sample is the first or last of the grid: the optimum may lie
        outside ``bounds`` (a warning is also issued).
    """

    duration: float
    value: float
    grid: np.ndarray
    values: np.ndarray
    at_edge: bool


def optimal_stage_duration(
    stages: Sequence[Stage | tuple],
    stage: int | str,
    bounds: tuple[float, float],
    metric: str | Callable[..., Any] = "ergotropy",
    *,
    num: int = 21,
    xatol: float | None = None,
    duration_arg: str | None = None,
    method: str = "expm",
    options: Mapping[str, Any] | None = None,
    rho0: qutip.Qobj | None = None,
) -> StageOptimum:
    """Duration of one stage that maximises a metric of the battery at the protocol's end.

    The protocol is run for ``num`` durations evenly spaced in ``bounds``; the best one is
    refined by bounded Brent optimisation (:func:`scipy.optimize.minimize_scalar`) inside
    the neighbouring grid cells. Example: ``stages = [Stage(charger_on, 1.0, "charge"),
    Stage(storage, 20.0, "store")]``, ``optimal_stage_duration(stages, "charge", (0.5, 5))``
    gives the charging time that leaves the most ergotropy after the storage.

    Parameters
    ----------
    stages : list of Stage or tuples
        The protocol; the chosen stage's own duration is replaced.
    stage : int or str
        Index or name of the stage whose duration is varied.
    bounds : (float, float)
        ``0 < lo < hi`` (inverse energy units).
    metric : str or callable, default "ergotropy"
        A metric name or function of the battery's reduced state (and ``H_battery`` if it
        requires ``H``), evaluated at the end of the protocol.
    num : int, default 21
        Grid size (>= 3).
    xatol : float, optional
        Absolute tolerance on the duration; default ``1e-8 (hi - lo)``.
    duration_arg : str, optional
        Name of a coefficient argument of the stage's model (``model.args``) that is set to
        the duration as well, for a time-dependent stage whose shape scales with its length
        (e.g. a pulse envelope ``sin^2(pi t / tau)`` with ``args["tau"]``).
    method : str, default "expm"
        ``evolve`` method of the stages (a Stage may set its own).
    options : dict, optional
        ``evolve`` options of the stages.
    rho0 : Qobj, optional
        Initial state; default the first stage's ``model.rho0``.

    Returns
    -------
    StageOptimum
        The refined duration and its metric value, the grid and its values, and ``at_edge``
        (with an :class:`~qbtoolkit.analysis.EdgeOptimumWarning`) when the best sample is at
        an end of ``bounds``.

    Raises
    ------
    ValueError
        Invalid stages; ``stage`` not a stage's index or name; ``bounds`` not ``0 < lo < hi``;
        ``num < 3``; an unknown metric; ``duration_arg`` not an argument of the stage's model;
        or anything :func:`protocol` refuses.

    Examples
    --------
    The charging time of the protocol above that leaves the most energy after the storage is
    the pi pulse:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> stages = [qb.Stage(qb.models.driven_atom(Omega=1.0), 1.0, "charge"),
    ...           qb.Stage(qb.models.driven_atom(Omega=0.0, gamma=1.0), np.log(2), "store")]
    >>> best = qb.optimal_stage_duration(stages, "charge", (2.0, 4.5), "energy", num=11)
    >>> print(round(best.duration, 6), round(np.pi, 6), round(best.value, 6))
    3.141593 3.141593 0.5
    """
    stages = _as_stages(stages)
    names = [s.name for s in stages]
    if isinstance(stage, str):
        if stage not in names:
            raise ValueError(f"stage {stage!r} is not one of {names}")
        k = names.index(stage)
    else:
        k = check_int(stage, "stage", minimum=0)
        if k >= len(stages):
            raise ValueError(f"stage must be < {len(stages)}, got {k}")
    if not isinstance(bounds, Sequence) or len(bounds) != 2:
        raise ValueError(f"bounds must be (lo, hi), got {bounds!r}")
    lo, hi = check_positive(bounds[0], "bounds[0]"), check_positive(bounds[1], "bounds[1]")
    if hi <= lo:
        raise ValueError(f"bounds must have lo < hi, got {bounds!r}")
    num = check_int(num, "num", minimum=3)
    fns = registry.resolve([metric])
    xatol = 1e-8 * (hi - lo) if xatol is None else check_positive(xatol, "xatol")
    model_k = stages[k].model
    if duration_arg is not None and duration_arg not in model_k.args:
        raise ValueError(f"duration_arg {duration_arg!r} is not an argument of stage "
                         f"{names[k]!r}'s model (args: {sorted(model_k.args)})")

    def value(tau: float) -> float:
        trial = list(stages)
        model = model_k if duration_arg is None else model_k.replace(
            args={**model_k.args, duration_arg: float(tau)})
        trial[k] = dataclasses.replace(stages[k], model=model, duration=float(tau))
        tr = protocol(trial, [0.0, sum(s.duration for s in trial)], rho0=rho0, method=method,
                      options=options)
        out = registry.evaluate(tr.battery_states[-1:], fns, tr.H_battery,
                                tr.model.representation)
        return float(next(iter(out.values()))[0])

    grid = np.linspace(lo, hi, num)
    vals = np.array([value(x) for x in grid])
    i = int(np.nanargmax(vals))
    at_edge = i in (0, num - 1)
    if at_edge:
        warnings.warn(f"the best duration of stage {names[k]!r} is at the edge of bounds "
                      f"({grid[i]:g}): the optimum may lie outside {bounds}", EdgeOptimumWarning,
                      stacklevel=2)
        return StageOptimum(float(grid[i]), float(vals[i]), grid, vals, True)
    res = so.minimize_scalar(lambda x: -value(x), bounds=(grid[i - 1], grid[i + 1]),
                             method="bounded", options={"xatol": xatol})
    best, fbest = (float(res.x), float(-res.fun)) if -res.fun >= vals[i] else (
        float(grid[i]), float(vals[i]))
    return StageOptimum(best, fbest, grid, vals, False)
