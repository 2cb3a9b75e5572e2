"""Time evolution of a :class:`~qbtoolkit.models.BatteryModel` and steady states.

``evolve`` runs the model and returns a :class:`Trajectory` that keeps the states as one
numpy batch ``(T, d, d)`` (and the battery's reduced states ``(T, d_b, d_b)``), so any
metric applies to the whole time series in one call::

    traj = qb.evolve(model, tlist)
    erg = qb.ergotropy(traj.battery_states, traj.H_battery)   # shape (T,)
    ds = traj.evaluate({"E": qb.energy, "W": qb.ergotropy})  # xarray.Dataset over time
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import qutip
import scipy.sparse.linalg as spla
import xarray as xr

from ._validate import check_choice
from .models.base import BatteryModel

__all__ = ["Trajectory", "evolve", "steady_state", "call_metric", "METRIC_UNITS"]

#: Units of the standard metrics, used for xarray attributes.
METRIC_UNITS: dict[str, str] = {
    "energy": "energy (units of H_battery)",
    "ergotropy": "energy (units of H_battery)",
    "antiergotropy": "energy (units of H_battery)",
    "capacity": "energy (units of H_battery)",
    "incoherent_ergotropy": "energy (units of H_battery)",
    "coherent_ergotropy": "energy (units of H_battery)",
    "energy_variance": "energy^2 (units of H_battery squared)",
}

MetricFn = Callable[..., Any]


def call_metric(fn: MetricFn, states: np.ndarray, H: Any) -> np.ndarray:
    """Call ``fn(states, H=H)`` if ``fn`` *requires* an ``H`` argument (energetic metrics),
    else ``fn(states)`` (an optional ``H``, e.g. a coherence reference basis, is not filled)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        params = {}
    p = params.get("H")
    if p is not None and p.default is inspect.Parameter.empty:
        return np.asarray(fn(states, H=H))
    return np.asarray(fn(states))


def _metric_dict(metrics: Mapping[str, MetricFn] | Sequence[MetricFn] | None) -> dict:
    if metrics is None:
        from .metrics import energy, ergotropy

        return {"energy": energy, "ergotropy": ergotropy}
    if isinstance(metrics, Mapping):
        return dict(metrics)
    return {getattr(fn, "__name__", f"metric{i}"): fn for i, fn in enumerate(metrics)}


@dataclasses.dataclass(frozen=True)
class Trajectory:
    """The result of :func:`evolve`.

    Attributes
    ----------
    times : ndarray (T,)
        Times (inverse energy units).
    states : ndarray (T, d, d) or None
        Full density matrices (None when ``store_states=False``).
    battery_states : ndarray (T, d_b, d_b) or None
        Reduced states of the battery subsystems.
    H_battery : Qobj
        The battery Hamiltonian metrics are measured against.
    model : BatteryModel
        The model that was run.
    values : dict of str -> ndarray (T, ...)
        Metrics computed during integration (``evolve(..., metrics=...)``).
    """

    times: np.ndarray
    states: np.ndarray | None
    battery_states: np.ndarray | None
    H_battery: qutip.Qobj
    model: BatteryModel
    values: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.times)

    def state(self, i: int) -> qutip.Qobj:
        """The full state at time index ``i`` as a Qobj."""
        if self.states is None:
            raise ValueError("states were not stored (evolve(..., store_states=False))")
        return qutip.Qobj(self.states[i], dims=[self.model.dims, self.model.dims])

    def battery_state(self, i: int) -> qutip.Qobj:
        """The battery's reduced state at time index ``i`` as a Qobj."""
        if self.battery_states is None:
            raise ValueError("states were not stored (evolve(..., store_states=False))")
        bd = self.model.battery_dims
        return qutip.Qobj(self.battery_states[i], dims=[bd, bd])

    def evaluate(
        self,
        metrics: Mapping[str, MetricFn] | Sequence[MetricFn] | None = None,
        on: str = "battery",
    ) -> xr.Dataset:
        """Evaluate metrics on the whole time series (one batched call each).

        Parameters
        ----------
        metrics : dict name -> function, or list of functions
            Each is called once with the stacked states, plus ``H=H_battery`` if it requires
            an ``H`` argument. Default: energy and ergotropy.
        on : {"battery", "full"}
            Which states to pass: the battery's reduced states or the full states.

        Returns
        -------
        xarray.Dataset
            One variable per metric over the ``time`` coordinate, with units attributes,
            plus any metrics computed during integration.
        """
        check_choice(on, "on", ("battery", "full"))
        states = self.battery_states if on == "battery" else self.states
        data: dict[str, Any] = {}
        for name, arr in self.values.items():
            data[name] = (("time",) + tuple(f"{name}_dim{i}" for i in range(arr.ndim - 1)), arr)
        if metrics is not None or not self.values:
            if states is None:
                raise ValueError("states were not stored; pass metrics= to evolve instead")
            H = self.H_battery.full() if on == "battery" else None
            for name, fn in _metric_dict(metrics).items():
                arr = call_metric(fn, states, H)
                data[name] = (("time",) + tuple(f"{name}_dim{i}" for i in range(arr.ndim - 1)), arr)
        ds = xr.Dataset(data, coords={"time": ("time", self.times)})
        ds["time"].attrs.update(units="1/energy (hbar = 1)", long_name="time")
        for name in ds.data_vars:
            fn_name = name
            if isinstance(metrics, Mapping) and name in metrics:
                fn_name = getattr(metrics[name], "__name__", name)
            ds[name].attrs["units"] = METRIC_UNITS.get(fn_name, "dimensionless")
        ds.attrs.update(model=self.model.name, **{f"param_{k}": _attr(v) for k, v in
                                                  self.model.params.items()})
        return ds

    def to_xarray(self, metrics: Mapping[str, MetricFn] | Sequence[MetricFn] | None = None):
        """Labelled view: metrics (default energy, ergotropy) and the battery states."""
        ds = self.evaluate(metrics)
        if self.battery_states is not None:
            ds["battery_state"] = (("time", "row", "col"), self.battery_states)
            ds["battery_state"].attrs["long_name"] = "battery reduced density matrix"
        return ds


def _attr(v: Any) -> Any:
    if isinstance(v, int | float | str | np.integer | np.floating):
        return v
    return repr(v)


def _is_uniform(tlist: np.ndarray) -> bool:
    if len(tlist) < 3:
        return True
    dt = np.diff(tlist)
    return bool(np.allclose(dt, dt[0], rtol=1e-10, atol=1e-14 * max(1.0, abs(tlist[-1]))))


def _propagate_expm(model: BatteryModel, tlist: np.ndarray) -> np.ndarray:
    """Exact propagation ``vec(rho(t)) = exp(L t) vec(rho0)`` with scipy's expm_multiply."""
    d = model.H.shape[0]
    L = model.liouvillian().to("csr").data.as_scipy()
    v0 = model.rho0.full().ravel(order="F")
    if _is_uniform(tlist) and len(tlist) > 1:
        if tlist[0] != 0.0:
            v0 = spla.expm_multiply(L * tlist[0], v0)
        vecs = spla.expm_multiply(
            L, v0, start=0.0, stop=tlist[-1] - tlist[0], num=len(tlist), endpoint=True
        )
    else:
        vecs = np.empty((len(tlist), d * d), dtype=complex)
        v, t_prev = v0, 0.0
        for k, t in enumerate(tlist):
            if t != t_prev:
                v = spla.expm_multiply(L * (t - t_prev), v)
            vecs[k], t_prev = v, t
    # column-stacking (QuTiP's vectorisation): rho[i, j] = vec[j * d + i]
    return np.asarray(vecs).reshape(len(tlist), d, d).transpose(0, 2, 1)


def evolve(
    model: BatteryModel,
    tlist: Sequence[float] | np.ndarray,
    *,
    method: str = "mesolve",
    options: Mapping[str, Any] | None = None,
    store_states: bool = True,
    metrics: Mapping[str, MetricFn] | Sequence[MetricFn] | None = None,
) -> Trajectory:
    """Evolve ``model.rho0`` under the Lindblad equation of ``model`` over ``tlist``.

    ``d rho/dt = -i[H, rho] + sum_k (L_k rho L_k^dag - 1/2 {L_k^dag L_k, rho})``.

    Parameters
    ----------
    model : BatteryModel
        The model (time-independent H and c_ops).
    tlist : array_like
        Increasing times, in inverse energy units.
    method : {"mesolve", "expm", "blocks", "permutation"}
        ``"mesolve"``: :func:`qutip.mesolve` (``options`` forwarded). ``"expm"``: exact
        propagation with the Liouvillian's matrix exponential (scipy ``expm_multiply``),
        fast and integrator-free for small and moderately sized models.
        ``"blocks"``: :func:`qbtoolkit.solvers.evolve_blocks`, exact propagation block by
        block for phase-covariant models such as ``models.network`` (much faster for N >= 6).
        ``"permutation"``: :func:`qbtoolkit.solvers.evolve_permutation`, all-to-all
        ``models.network`` in the Dicke basis; only ``Trajectory.values`` (energy, ergotropy,
        efficiency) are returned, no states.
    options : dict, optional
        Forwarded to ``qutip.mesolve`` (e.g. ``{"atol": 1e-10, "rtol": 1e-8}``).
    store_states : bool
        Keep the states. With ``False``, pass ``metrics``: they are evaluated on the battery's
        reduced state at every time step during integration (memory O(d^2) instead of
        O(T d^2)), and found in ``Trajectory.values``.
    metrics : dict name -> function, optional
        Metrics evaluated during integration when ``store_states=False``.

    Returns
    -------
    Trajectory
    """
    if not isinstance(model, BatteryModel):
        raise ValueError(f"model must be a BatteryModel, got {type(model).__name__}")
    check_choice(method, "method", ("mesolve", "expm", "blocks", "permutation"))
    tlist = np.asarray(tlist, dtype=float)
    if tlist.ndim != 1 or tlist.size == 0:
        raise ValueError("tlist must be a non-empty 1-D array of times")
    if not np.all(np.isfinite(tlist)) or np.any(np.diff(tlist) <= 0):
        raise ValueError("tlist must be finite and strictly increasing")
    if tlist[0] < 0:
        raise ValueError("tlist must start at t >= 0 (rho0 is the state at t = 0)")
    if method == "permutation":  # issue-4 hook: all-to-all networks in the Dicke basis
        from .solvers import evolve_permutation

        if metrics:
            raise ValueError("method='permutation' computes energy, ergotropy and efficiency "
                             "only; metrics= is not supported")
        return evolve_permutation(model, tlist)
    if not store_states and not metrics:
        raise ValueError("store_states=False needs metrics= to compute during integration")
    if method == "blocks":  # issue-4 hook: exact block-diagonal propagation (qbtoolkit.solvers)
        from .solvers import evolve_blocks

        return evolve_blocks(model, tlist, store_states=store_states, metrics=metrics)
    Hb = model.H_battery.full()
    if not store_states:
        if method != "mesolve":
            raise ValueError("store_states=False is supported with method='mesolve'")
        fns = _metric_dict(metrics)

        def make(fn: MetricFn) -> Callable[[float, qutip.Qobj], Any]:
            return lambda t, state: call_metric(fn, model.reduce(state.full()), Hb)

        opts = {"progress_bar": False, "store_states": False, **(options or {})}
        res = qutip.mesolve(model.H, model.rho0, tlist, c_ops=list(model.c_ops),
                            e_ops={k: make(f) for k, f in fns.items()}, options=opts)
        values = {k: np.asarray(res.e_data[k]) for k in fns}
        return Trajectory(tlist, None, None, model.H_battery, model, values)
    if method == "expm":
        states = _propagate_expm(model, tlist)
    else:
        opts = {"progress_bar": False, "store_states": True, **(options or {})}
        res = qutip.mesolve(model.H, model.rho0, tlist, c_ops=list(model.c_ops), options=opts)
        states = np.stack([s.full() if s.isoper else qutip.ket2dm(s).full() for s in res.states])
    return Trajectory(tlist, states, model.reduce(states), model.H_battery, model)


def steady_state(model: BatteryModel, **kwargs: Any) -> qutip.Qobj:
    """Steady state ``L rho_ss = 0`` of a dissipative model (``qutip.steadystate``).

    Keyword arguments are forwarded (``method``, ``solver``, ...). A model without collapse
    operators has no unique steady state and raises ValueError.
    """
    if not isinstance(model, BatteryModel):
        raise ValueError(f"model must be a BatteryModel, got {type(model).__name__}")
    if not model.c_ops:
        raise ValueError("model has no collapse operators: its steady state is not unique")
    return qutip.steadystate(model.H, list(model.c_ops), **kwargs)
