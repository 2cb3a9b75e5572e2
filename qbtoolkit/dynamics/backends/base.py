"""What every solver backend receives and how it hands its states back.

A backend is a function ``run(request) -> dict`` registered with a :class:`Backend` record
(its options and what it can do) in :data:`qbtoolkit.dynamics.backends.BACKENDS`. It
propagates ``request.rho0`` — the state at ``t = 0`` — to the output times ``request.times``
and feeds the states, in time order and in chunks of any size, to ``request.sink``
(a :class:`Collector`). The collector stores them if asked, evaluates the metrics on the
battery's reduced states and the ``e_ops`` on the full states (one batched call per chunk),
and drives the progress bar, so that every backend honours the same options the same way.
The returned dict is the route's metadata (``Trajectory.meta``).

A backend that can compute a metric more cheaply from its own representation (e.g. the
energy from the populations of a block) :meth:`Collector.claim`\\ s it and passes its values
with the chunk; a backend that never forms states (the Dicke route) claims every metric and
passes ``states=None``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import qutip

from ...metrics import energy, ergotropy, registry
from ...models.base import BatteryModel

__all__ = ["Backend", "Request", "Collector", "EOps"]


@dataclasses.dataclass(frozen=True)
class Backend:
    """A solver route.

    Parameters
    ----------
    name : str
        The ``method`` that selects it.
    run : callable
        ``run(request) -> dict`` (metadata); see the module docstring.
    options : dict
        Accepted option names and their defaults; any other key is refused by the front.
    summary : str
        One line: what the route does and for which models.
    time_dependent : bool, default False
        Whether it runs models with a time-dependent ``H`` or ``c_ops``.
    states : bool, default True
        Whether it can produce full states (store them, evaluate any metric or ``e_ops``).
    own_progress : bool, default False
        The route drives its own progress bar (``progress_bar`` is passed through to it).
    """

    name: str
    run: Callable[[Request], dict[str, Any]]
    options: Mapping[str, Any]
    summary: str
    time_dependent: bool = False
    states: bool = True
    own_progress: bool = False


@dataclasses.dataclass(frozen=True)
class Request:
    """One propagation problem, validated by the front.

    Parameters
    ----------
    model : BatteryModel
        The model (``H``, ``c_ops``; ``model.args`` merged with ``evolve(args=...)`` in
        ``args``).
    rho0 : Qobj
        Density matrix at ``t = 0``.
    times : ndarray, shape (T,)
        Output times, strictly increasing, ``>= 0``.
    options : dict
        The backend's options with defaults filled in.
    args : dict
        Coefficient arguments for time-dependent models.
    sink : Collector
        Receives the states.
    progress_bar : str or bool, default ""
        QuTiP's progress-bar name (``"tqdm"``, ``"text"``, ``"enhanced"``, ``"html"``, ``""``),
        for backends that drive their own bar (the collector drives it for the others).
    progress_kwargs : dict, optional
        Keyword arguments of the progress bar.
    """

    model: BatteryModel
    rho0: qutip.Qobj
    times: np.ndarray
    options: Mapping[str, Any]
    args: Mapping[str, Any]
    sink: Collector
    progress_bar: Any = ""
    progress_kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class EOps:
    """``e_ops`` as :func:`qutip.mesolve` takes them, evaluated on full states.

    A Qobj/QobjEvo/callable ``f(t, state)``, a list of them, or a dict ``name -> e_op``.
    After the run, ``expect`` is a list of arrays (one per e_op, in order) and ``e_data`` a
    dict keyed by the names (dict input) or the positions (list input), as in ``qutip.Result``
    (:meth:`results`).

    Parameters
    ----------
    e_ops : Qobj, QobjEvo, callable, list, dict or None
        The observables (None: none).
    dims : list of int
        Subsystem dimensions of the model; operators must have them.

    Raises
    ------
    ValueError
        ``e_ops`` of another type, or an operator that is not an operator with ``dims``.
    """

    def __init__(self, e_ops: Any, dims: list[int]):
        if e_ops is None:
            items: list[tuple[Any, Any]] = []
        elif isinstance(e_ops, Mapping):
            items = list(e_ops.items())
        elif isinstance(e_ops, qutip.Qobj | qutip.QobjEvo) or callable(e_ops):
            items = [(0, e_ops)]
        elif isinstance(e_ops, Sequence) and not isinstance(e_ops, str):
            items = list(enumerate(e_ops))
        else:
            raise ValueError(
                "e_ops must be a Qobj, a QobjEvo, a callable f(t, state), or a list or dict of "
                f"them (as in qutip.mesolve), got {type(e_ops).__name__}")
        self.keys = [k for k, _ in items]
        self.ops: list[Any] = []
        for k, op in items:
            where = f"e_ops[{k!r}]"
            if isinstance(op, qutip.Qobj | qutip.QobjEvo):
                if not op.isoper or op.dims[0] != dims:
                    raise ValueError(f"{where} must be an operator with dims {dims}, got "
                                     f"{op.dims}")
                if isinstance(op, qutip.Qobj):
                    self.ops.append(("static", op.full(), bool(op.isherm)))
                else:
                    self.ops.append(("evo", op, None))
            elif callable(op):
                self.ops.append(("call", op, None))
            else:
                raise ValueError(f"{where} must be a Qobj, a QobjEvo or a callable f(t, state), "
                                 f"got {type(op).__name__}")
        self.dims = dims
        self.parts: list[list[np.ndarray]] = [[] for _ in self.ops]

    def __len__(self) -> int:
        return len(self.ops)

    def add(self, times: np.ndarray, states: np.ndarray) -> None:
        """Evaluate every e_op on a chunk of full states at ``times``.

        Parameters
        ----------
        times : ndarray, shape (k,)
            The chunk's output times (for QobjEvo and callables).
        states : ndarray, shape (k, d, d)
            The chunk's full density matrices.
        """
        for i, (kind, op, herm) in enumerate(self.ops):
            if kind == "static":
                val = np.einsum("ij,tji->t", op, states)
                self.parts[i].append(val.real if herm else val)
            elif kind == "evo":
                val = np.array([np.einsum("ij,ji->", op(t).full(), s)
                                for t, s in zip(times, states, strict=True)])
                self.parts[i].append(val)
            else:
                val = [op(float(t), qutip.Qobj(s, dims=[self.dims, self.dims]))
                       for t, s in zip(times, states, strict=True)]
                self.parts[i].append(np.asarray(val))

    def results(self) -> tuple[list[np.ndarray], dict[Any, np.ndarray]]:
        """The expectation values collected so far, as ``qutip.Result`` has them.

        Returns
        -------
        expect : list of ndarray, shape (T,)
            One array per e_op (real when every value is real).
        e_data : dict
            The same arrays keyed by the e_ops' names or positions.
        """
        expect = []
        for chunks in self.parts:
            arr = np.concatenate(chunks) if chunks else np.empty(0)
            if np.iscomplexobj(arr) and arr.size and not np.any(arr.imag):
                arr = arr.real
            expect.append(arr)
        return expect, dict(zip(self.keys, expect, strict=True))


class Collector:
    """Receives a backend's states chunk by chunk; stores them and evaluates what was asked.

    Parameters
    ----------
    model : BatteryModel
        Gives the battery's reduced states, ``H_battery`` and ``representation``.
    times : ndarray (T,)
        The output times.
    store_states : bool
        Keep the full states ``(T, d, d)``.
    metrics : dict name -> function
        Resolved metrics (:func:`qbtoolkit.metrics.registry.resolve`), evaluated on the
        battery's reduced states of every chunk.
    e_ops : EOps
        Expectation values on the full states.
    progress : qutip progress bar or None
        Updated once per output time.
    """

    def __init__(self, model: BatteryModel, times: np.ndarray, *, store_states: bool,
                 metrics: Mapping[str, Callable[..., Any]], e_ops: EOps, progress: Any = None):
        self.model = model
        self.times = times
        d = int(np.prod(model.dims))
        self.states = np.empty((len(times), d, d), dtype=complex) if store_states else None
        self.metrics = dict(metrics)
        self.e_ops = e_ops
        self.progress = progress
        self._claimed: set[str] = set()
        self._values: dict[str, list[np.ndarray]] = {k: [] for k in self.metrics}
        #: units of every value series (metrics by their function, backend observables given)
        self.units: dict[str, str] = {k: registry.units_of(f) for k, f in self.metrics.items()}
        self.n = 0
        self.final_state: np.ndarray | None = None

    @property
    def needs_states(self) -> bool:
        """True if the backend must pass full states (to store or to evaluate on)."""
        return (self.states is not None or len(self.e_ops) > 0
                or any(k not in self._claimed for k in self.metrics))

    def claim(self, name: str, units: str | None = None) -> None:
        """Declare that the backend passes the values of ``name`` itself (``add(values=...)``).

        ``name`` is one of the requested metrics, or (with ``units``) an observable of the
        backend's own.

        Parameters
        ----------
        name : str
            Metric or observable name.
        units : str, optional
            Units of an observable that is not a requested metric (required then).

        Raises
        ------
        KeyError
            ``name`` is not a requested metric and no ``units`` are given.
        """
        if name not in self.metrics:
            if units is None:
                raise KeyError(name)
            self._values[name] = []
            self.units[name] = units
        self._claimed.add(name)

    def add(self, states: np.ndarray | None, values: Mapping[str, np.ndarray] | None = None,
            count: int | None = None) -> None:
        """Hand over the next ``k`` output times, in time order.

        Parameters
        ----------
        states : ndarray, shape (k, d, d), or None
            Full density matrices, or None if the backend claimed every metric and no states are
            stored.
        values : dict of str to ndarray, shape (k, ...), optional
            Values of the claimed metrics/observables (exactly the claimed names).
        count : int, optional
            ``k`` when ``states`` is None (default: the length of the first value array).

        Raises
        ------
        RuntimeError
            More output times than requested, values for other names than claimed, or no states
            although they are needed (a backend bug, not a user error).
        """
        values = dict(values or {})
        k = len(states) if states is not None else int(count if count is not None
                                                           else len(next(iter(values.values()))))
        sl = slice(self.n, self.n + k)
        if sl.stop > len(self.times):
            raise RuntimeError("backend produced more states than output times")
        if set(values) != self._claimed:
            raise RuntimeError("backend passed values for other metrics than it claimed")
        if states is None and self.needs_states:
            raise RuntimeError("backend passed no states although they are needed")
        if states is not None:
            if self.states is not None:
                self.states[sl] = states
            todo = {n: f for n, f in self.metrics.items() if n not in self._claimed}
            if todo:
                values.update(registry.evaluate(
                    self.model.reduce(states), todo, H=self.model.H_battery,
                    representation=self.model.representation))
            if len(self.e_ops):
                self.e_ops.add(self.times[sl], states)
            self.final_state = np.array(states[-1])
        for name, v in values.items():
            self._values[name].append(np.asarray(v).reshape((k,) + np.shape(v)[1:]))
        self.n = sl.stop
        if self.progress is not None:
            for _ in range(k):
                self.progress.update()

    def values(self) -> dict[str, np.ndarray]:
        """The metric values collected so far.

        Returns
        -------
        dict of str to ndarray, shape (T, ...)
            One array per metric or claimed observable.
        """
        return {k: np.concatenate(v) if v else np.empty(0) for k, v in self._values.items()}


def claim_native_metrics(sink: Collector, model: BatteryModel) -> dict[str, str]:
    """Claim the requested energy and ergotropy metrics a backend computes from its own vectors.

    Only when the battery is the whole system, stored in the full basis, is its reduced state
    the propagated state itself: the energy is then the linear functional
    ``Tr(rho H_battery)`` and the ergotropy follows from the spectrum of that state, both
    available from the backend's own vectors without forming reduced states.

    Parameters
    ----------
    sink : Collector
        The run's collector; every metric found is claimed on it.
    model : BatteryModel
        The model (``is_whole_system`` and ``representation`` decide).

    Returns
    -------
    dict of str to str
        Requested metric name -> ``"energy"`` or ``"ergotropy"`` (empty when the battery is a
        subsystem or stored in a reduced basis).
    """
    native: dict[str, str] = {}
    if model.is_whole_system and model.representation is None:
        for name, fn in sink.metrics.items():
            if fn is energy:
                native[name] = "energy"
            elif fn is ergotropy:
                native[name] = "ergotropy"
    for name in native:
        sink.claim(name)
    return native
