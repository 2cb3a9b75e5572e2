"""The result of :func:`qbtoolkit.evolve`: states over time, and metrics on them in one call.

A :class:`Trajectory` keeps the states as one numpy batch ``(T, d, d)`` (and the battery's
reduced states ``(T, d_b, d_b)``), so any metric applies to the whole time series at once::

    traj = qb.evolve(model, tlist)
    erg = qb.ergotropy(traj.battery_states, traj.H_battery)    # shape (T,)
    ds = traj.evaluate(["energy", "ergotropy"])                 # xarray.Dataset over time
    pair = traj.evaluate([qb.concurrence], subsystems=(0, 1))   # on the reduced state of 0, 1
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import qutip
import xarray as xr

from .._linalg import ptrace
from .._validate import check_choice
from ..metrics import registry
from ..models.base import BatteryModel

__all__ = ["Trajectory"]


def _attr(v: Any) -> Any:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float | str | np.integer | np.floating):
        return v
    return repr(v)


def _dims_for(name: str, arr: np.ndarray) -> tuple[str, ...]:
    return ("time",) + tuple(f"{name}_dim{i}" for i in range(arr.ndim - 1))


@dataclasses.dataclass(frozen=True, repr=False)
class Trajectory:
    """States of a model over time, with what was computed along the way.

    Parameters
    ----------
    times : ndarray, shape (T,)
        Output times (inverse energy units); ``rho0`` is the state at ``t = 0``.
    states : ndarray, shape (T, d, d), or None
        Full density matrices (None when not stored).
    battery_states : ndarray, shape (T, d_b, d_b), or None
        Reduced states of the battery subsystems (stored form for models with a
        ``representation``).
    H_battery : Qobj
        The battery Hamiltonian energetic metrics are measured against.
    model : BatteryModel
        The model that was run (the first stage's for a protocol).
    values : dict of str to ndarray, shape (T, ...)
        Metrics computed during integration (``evolve(..., metrics=...)``) and a backend's
        native observables.
    units : dict of str to str
        Units of each entry of ``values``.
    expect : list of ndarray, shape (T,)
        Expectation values of ``e_ops`` on the full states, as ``qutip.Result.expect``.
    e_data : dict
        The same keyed by the ``e_ops`` names (dict input) or positions.
    final_state : Qobj or None
        Full state at the last time (kept even when states are not stored).
    meta : dict
        The route taken (``method``, ``route``, sizes, wall time, ...).
    stage : ndarray of int, shape (T,), or None
        For protocols: the stage each time belongs to (``stage_names`` gives their names).
    stage_names : tuple of str
        Names of the protocol's stages.

    Examples
    --------
    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> traj = qb.evolve(qb.models.driven_atom(Omega=1.0), np.linspace(0, np.pi, 3))
    >>> traj.states.shape, traj.battery_states.shape
    ((3, 2, 2), (3, 2, 2))
    >>> ds = traj.evaluate(["energy", "l1_coherence"])     # xarray.Dataset over time
    >>> ds["energy"].values.round(6), ds["energy"].attrs["units"]
    (array([0. , 0.5, 1. ]), 'energy (units of H)')
    >>> ds["l1_coherence"].values.round(6)                 # |sin(Omega t)|
    array([0., 1., 0.])
    """

    times: np.ndarray
    states: np.ndarray | None
    battery_states: np.ndarray | None
    H_battery: qutip.Qobj
    model: BatteryModel
    values: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    units: dict[str, str] = dataclasses.field(default_factory=dict)
    expect: list[np.ndarray] = dataclasses.field(default_factory=list)
    e_data: dict[Any, np.ndarray] = dataclasses.field(default_factory=dict)
    final_state: qutip.Qobj | None = None
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)
    stage: np.ndarray | None = None
    stage_names: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.times)

    def __repr__(self) -> str:
        T = len(self.times)
        span = f"t = {self.times[0]:.6g} .. {self.times[-1]:.6g}" if T else "no times"
        stored = "states stored" if self.states is not None else "states not stored"
        lines = [f"Trajectory({self.model.name or 'custom'!r}, {T} times, {span}, {stored}, "
                 f"method={self.meta.get('method', '?')!r})"]
        if self.values:
            lines.append("  values: " + ", ".join(self.values))
        if self.expect:
            lines.append(f"  expect: {len(self.expect)} e_ops")
        if self.stage_names:
            lines.append("  stages: " + ", ".join(self.stage_names))
        return "\n".join(lines)

    def _dims_pair(self, dims: list[int]) -> list[list[int]]:
        return [list(dims), list(dims)]

    def state(self, i: int) -> qutip.Qobj:
        """The full state at time index ``i`` as a Qobj.

        Parameters
        ----------
        i : int
            Time index (negative indices count from the end).

        Returns
        -------
        Qobj
            Density matrix with the model's dims.

        Raises
        ------
        ValueError
            The states were not stored (``evolve(..., store_states=False)``).
        """
        if self.states is None:
            raise ValueError("states were not stored (evolve(..., store_states=False))")
        return qutip.Qobj(self.states[i], dims=self._dims_pair(self.model.dims))

    def battery_state(self, i: int) -> qutip.Qobj:
        """The battery's reduced state at time index ``i`` as a Qobj.

        Parameters
        ----------
        i : int
            Time index (negative indices count from the end).

        Returns
        -------
        Qobj
            Density matrix with the battery's dims (the stored form for a model with a
            ``representation``).

        Raises
        ------
        ValueError
            The states were not stored (``evolve(..., store_states=False)``).
        """
        if self.battery_states is None:
            raise ValueError("states were not stored (evolve(..., store_states=False))")
        return qutip.Qobj(self.battery_states[i], dims=self._dims_pair(self.model.battery_dims))

    # -- metrics -------------------------------------------------------------------------------
    def _subsystem_hamiltonian(self, keep: list[int]) -> qutip.Qobj | None:
        """``H_battery`` for the battery's subsystems, else the sum of the models' local
        Hamiltonians of ``keep`` (None if one is unknown)."""
        if tuple(keep) == self.model.battery:
            return self.H_battery
        local = self.model.H_local
        if local is None or any(local[i] is None for i in keep):
            return None
        dims = [self.model.dims[i] for i in keep]
        terms = [qutip.tensor(*[local[i] if q == pos else qutip.qeye(dims[q])
                                for q in range(len(keep))]) for pos, i in enumerate(keep)]
        return sum(terms[1:], terms[0])

    def _subsystem_states(self, subsystems: Sequence[int]) -> tuple[np.ndarray, list[int]]:
        n = len(self.model.dims)
        if isinstance(subsystems, int | np.integer):
            subsystems = [subsystems]
        if isinstance(subsystems, str) or not isinstance(subsystems, Sequence) or \
                not subsystems:
            raise ValueError(f"subsystems must be a non-empty sequence of subsystem indices "
                             f"0..{n - 1}, got {subsystems!r}")
        for s in subsystems:
            if isinstance(s, bool) or not isinstance(s, int | np.integer) or not 0 <= s < n:
                raise ValueError(f"subsystems must hold integer indices 0..{n - 1}, got {s!r}")
        keep = sorted(int(s) for s in subsystems)
        if len(set(keep)) != len(keep):
            raise ValueError(f"subsystems has repeated indices: {list(subsystems)!r}")
        if self.states is None:
            raise ValueError("subsystems= needs the full states: evolve with store_states=True")
        if self.model.representation is not None:
            raise ValueError(
                "subsystems= is not available for a model stored as "
                f"{self.model.representation.description}: its subsystems' reduced states are "
                "not those of the full Hilbert space")
        return ptrace(self.states, keep, self.model.dims), keep

    def evaluate(
        self,
        metrics: registry.MetricSpec = None,
        on: str = "battery",
        *,
        subsystems: Sequence[int] | None = None,
        H: Any = None,
    ) -> xr.Dataset:
        """Evaluate metrics on the whole time series (one batched call each).

        Parameters
        ----------
        metrics : dict name -> function or name, list of functions/names, or None
            Metric functions (``fn(states)`` or, if they require ``H``, ``fn(states, H=H)``)
            or names from :data:`qbtoolkit.metrics.registry.METRIC_NAMES`
            (``["ergotropy", "l1_coherence"]``). Default: energy and ergotropy, or only the
            values computed during integration if there are some.
        on : {"battery", "full"}
            Which states: the battery's reduced states (energetic metrics against
            ``H_battery``) or the full states (pass ``H`` for energetic metrics).
        subsystems : sequence of int, optional
            Measure on the reduced state of these subsystems (tensor order; e.g. ``(0, 1)``
            for the first two cells) instead. Energetic metrics use ``H`` if given, else
            ``H_battery`` when the subsystems are the battery, else the sum of the model's
            ``H_local`` of those subsystems; ValueError if none is known.
        H : Qobj or ndarray, optional
            Hamiltonian of the measured states for energetic metrics (overrides the above).

        Returns
        -------
        xarray.Dataset
            One variable per metric over the ``time`` coordinate (plus a ``stage`` coordinate
            for protocols), with ``units`` attributes, plus the values computed during
            integration.

        Raises
        ------
        ValueError
            Unknown metric names; states not stored; an energetic metric without a known
            Hamiltonian; a metric that has no exact version on the model's reduced
            representation.
        """
        check_choice(on, "on", ("battery", "full"))
        data: dict[str, Any] = {}
        units = dict(self.units)
        for name, arr in self.values.items():
            data[name] = (_dims_for(name, arr), arr)
        if metrics is not None or not self.values:
            fns = registry.resolve(metrics)
            representation = self.model.representation
            if subsystems is not None:
                if on != "battery":
                    raise ValueError("give either subsystems= or on='full', not both")
                states, keep = self._subsystem_states(subsystems)
                Hs = H if H is not None else self._subsystem_hamiltonian(keep)
            elif on == "full":
                if self.states is None:
                    raise ValueError("states were not stored; pass metrics= to evolve instead")
                if representation is not None:
                    raise ValueError(
                        "on='full' is not available for a model stored as "
                        f"{representation.description}: evaluate on the battery")
                states, Hs = self.states, H
            else:
                if self.battery_states is None:
                    raise ValueError("states were not stored; pass metrics= to evolve instead")
                states, Hs = self.battery_states, self.H_battery if H is None else H
            if subsystems is not None or on == "full":
                representation = None
            for name, arr in registry.evaluate(states, fns, Hs, representation).items():
                data[name] = (_dims_for(name, arr), arr)
                units[name] = registry.units_of(fns[name])
        coords: dict[str, Any] = {"time": ("time", self.times)}
        if self.stage is not None:
            coords["stage"] = ("time", self.stage)
        ds = xr.Dataset(data, coords=coords)
        ds["time"].attrs.update(units="1/energy (hbar = 1)", long_name="time")
        if self.stage is not None:
            ds["stage"].attrs.update(long_name="protocol stage", names=", ".join(
                self.stage_names))
        for name in ds.data_vars:
            ds[name].attrs["units"] = units.get(name, "dimensionless")
        ds.attrs.update(model=self.model.name,
                        **{f"param_{k}": _attr(v) for k, v in self.model.params.items()})
        return ds

    def to_xarray(self, metrics: registry.MetricSpec = None) -> xr.Dataset:
        """Labelled view: metrics (default energy, ergotropy) and the battery states.

        Parameters
        ----------
        metrics : dict, list or None, optional
            As in :meth:`evaluate`.

        Returns
        -------
        xarray.Dataset
            :meth:`evaluate`'s Dataset plus ``battery_state`` ``(time, row, col)`` when the
            states are stored.

        Raises
        ------
        ValueError
            As :meth:`evaluate`.
        """
        ds = self.evaluate(metrics)
        if self.battery_states is not None:
            ds["battery_state"] = (("time", "row", "col"), self.battery_states)
            ds["battery_state"].attrs["long_name"] = "battery reduced density matrix"
        return ds
