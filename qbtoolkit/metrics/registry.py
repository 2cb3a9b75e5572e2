"""Metrics by name, and the one routine that evaluates them on a stack of states.

``Trajectory.evaluate``, ``evolve(..., metrics=...)``, sweeps and TOML studies all go through
:func:`evaluate`, so every path treats metrics the same way:

* a metric is a function of the states (``fn(states)``) or, if it *requires* an ``H``
  argument (the energetic family), of the states and the Hamiltonian they are measured
  against (``fn(states, H=H)``);
* metrics may be named (``"ergotropy"``: any name in :data:`METRIC_NAMES`) or passed as
  functions; names of the result are unique (two lambdas give ``<lambda>`` and
  ``<lambda>_2``);
* units come from :data:`METRIC_UNITS` (by the function's name), else ``"dimensionless"``;
* when the states live in a reduced representation (e.g. the symmetric subspace of N
  qubits, :class:`qbtoolkit.metrics.dicke.DickeRepresentation`), each metric is replaced by
  its exact version on that representation, or refused: the naive value of the stored matrix
  is never returned.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from . import coherence, correlations, ergotropies, nonlocality, texture, work

__all__ = [
    "METRIC_NAMES",
    "METRIC_UNITS",
    "Representation",
    "MetricSpec",
    "get",
    "requires_hamiltonian",
    "resolve",
    "units_of",
    "evaluate",
]

MetricFn = Callable[..., Any]
MetricSpec = Mapping[str, "MetricFn | str"] | Sequence["MetricFn | str"] | None

_ENERGY = "energy (units of H)"
#: Units of the standard metrics (xarray ``units`` attributes).
METRIC_UNITS: dict[str, str] = {
    "energy": _ENERGY,
    "ergotropy": _ENERGY,
    "antiergotropy": _ENERGY,
    "capacity": _ENERGY,
    "incoherent_ergotropy": _ENERGY,
    "coherent_ergotropy": _ENERGY,
    "asymptotic_ergotropy": _ENERGY,
    "energy_variance": "energy^2 (units of H squared)",
    "relative_entropy_coherence": "bits",
    "entanglement_entropy": "bits",
    "mutual_information": "bits",
}

# Functions of a state (and H) that return numbers; passive/active states return states, and
# the rest of the ergotropy family needs more than (rho, H) (local Hamiltonians, n, a POVM).
_MODULES = (work, coherence, texture, correlations, nonlocality)
_EXCLUDED = {"passive_state", "active_state", "correlation_matrix"}
_TABLE: dict[str, MetricFn] = {
    name: getattr(mod, name)
    for mod in _MODULES
    for name in mod.__all__
    if name not in _EXCLUDED
}
_TABLE["asymptotic_ergotropy"] = ergotropies.asymptotic_ergotropy
#: Names accepted wherever a metric may be given by name.
METRIC_NAMES: tuple[str, ...] = tuple(sorted(_TABLE))


class Representation(Protocol):
    """A reduced representation of the battery's states (e.g. a Dicke layout).

    ``exact(fn)`` returns a function of the stored states computing the metric ``fn`` of the
    *full* state exactly, or None when it cannot (the metric is then refused).
    """

    @property
    def description(self) -> str:
        """One line naming the representation, for error messages."""
        ...

    def exact(self, fn: MetricFn) -> Callable[[np.ndarray], Any] | None:
        """The exact version of the metric ``fn`` on the stored states, or None.

        Parameters
        ----------
        fn : callable
            A metric function (``fn(states)`` or ``fn(states, H=H)``).

        Returns
        -------
        callable or None
            ``states -> values`` computing ``fn`` of the full states from their stored form,
            or None when the representation has no exact route (the metric is refused).
        """
        ...


def get(name: str) -> MetricFn:
    """The metric function called ``name`` (one of :data:`METRIC_NAMES`).

    Parameters
    ----------
    name : str
        A metric name, e.g. ``"ergotropy"`` (the function's own name).

    Returns
    -------
    callable
        The metric function (``qbtoolkit.metrics.<module>.<name>``).

    Raises
    ------
    ValueError
        ``name`` is not a string in :data:`METRIC_NAMES` (the message lists them).

    Examples
    --------
    >>> from qbtoolkit.metrics import registry
    >>> registry.get("ergotropy").__module__
    'qbtoolkit.metrics.work'
    """
    if not isinstance(name, str) or name not in _TABLE:
        raise ValueError(
            f"unknown metric {name!r}; expected a function or one of {', '.join(METRIC_NAMES)}"
        )
    return _TABLE[name]


def requires_hamiltonian(fn: MetricFn) -> bool:
    """True if ``fn`` has a parameter ``H`` without a default (energetic metrics).

    Parameters
    ----------
    fn : callable
        A metric function.

    Returns
    -------
    bool
        Whether :func:`evaluate` must pass ``H=`` (False for callables without a signature).
    """
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False
    p = params.get("H")
    return p is not None and p.default is inspect.Parameter.empty


def _fn_name(fn: MetricFn) -> str:
    return str(getattr(fn, "__name__", type(fn).__name__))


def resolve(metrics: MetricSpec, default: Sequence[str] = ("energy", "ergotropy")
            ) -> dict[str, MetricFn]:
    """Metrics as an ordered ``{unique name: function}``.

    Parameters
    ----------
    metrics : dict of str to (callable or str), sequence of callables/str, str, or None
        ``None`` gives ``default``; a single name is a one-element list. In a dict, keys are
        the result's names and values functions or metric names. In a sequence, a function is
        named by its ``__name__`` and repeated names get a suffix (``_2``, ``_3``, ...).
    default : sequence of str, default ("energy", "ergotropy")
        Metric names used for ``None``.

    Returns
    -------
    dict of str to callable
        ``{name: metric function}`` in the order given.

    Raises
    ------
    ValueError
        An unknown metric name, an item that is neither a name nor a callable, a dict key that
        is not a non-empty string, an empty list, or ``metrics`` of another type.

    Examples
    --------
    >>> from qbtoolkit.metrics import registry
    >>> list(registry.resolve(["energy", "ergotropy", lambda s: 0, lambda s: 1]))
    ['energy', 'ergotropy', '<lambda>', '<lambda>_2']
    """
    if metrics is None:
        return {n: get(n) for n in default}
    if isinstance(metrics, str):
        metrics = [metrics]
    if isinstance(metrics, Mapping):
        out = {}
        for key, fn in metrics.items():
            if not isinstance(key, str) or not key:
                raise ValueError(f"metrics keys must be non-empty strings, got {key!r}")
            out[key] = get(fn) if isinstance(fn, str) else _check_callable(fn, key)
        return out
    if not isinstance(metrics, Sequence):
        raise ValueError("metrics must be a dict, a list of functions/names, or None; got "
                         f"{type(metrics).__name__}")
    out: dict[str, MetricFn] = {}
    for i, item in enumerate(metrics):
        fn = get(item) if isinstance(item, str) else _check_callable(item, f"metrics[{i}]")
        base = item if isinstance(item, str) else _fn_name(fn)
        name, k = base, 1
        while name in out:
            k += 1
            name = f"{base}_{k}"
        out[name] = fn
    if not out:
        raise ValueError("metrics is empty: give at least one metric (or None for the default)")
    return out


def _check_callable(fn: Any, name: str) -> MetricFn:
    if not callable(fn):
        raise ValueError(f"{name} must be a metric function or a metric name, got {fn!r}")
    return fn


def units_of(fn: MetricFn, energy_unit: str | None = None) -> str:
    """Units of a metric's values, by the function's name.

    Standard metrics take their units from :data:`METRIC_UNITS`; a custom function is
    ``"dimensionless"`` unless it sets ``fn.units``.

    Parameters
    ----------
    fn : callable
        A metric function.
    energy_unit : str, optional
        Replaces ``"units of H"`` in the result (e.g. ``"J"`` or ``"omega_0"``).

    Returns
    -------
    str
        The units (an xarray ``units`` attribute).

    Examples
    --------
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.metrics import registry
    >>> registry.units_of(qb.energy_variance)
    'energy^2 (units of H squared)'
    >>> registry.units_of(qb.ergotropy, energy_unit="omega_0")
    'energy (omega_0)'
    """
    units = getattr(fn, "units", None)
    if isinstance(units, str):
        return units
    units = METRIC_UNITS.get(_fn_name(fn), "dimensionless")
    if energy_unit is not None:
        units = units.replace("units of H", energy_unit)
    return units


def evaluate(
    states: np.ndarray,
    metrics: Mapping[str, MetricFn],
    H: Any = None,
    representation: Representation | None = None,
) -> dict[str, np.ndarray]:
    """Evaluate resolved metrics on a stack of states in one batched call each.

    Parameters
    ----------
    states : ndarray, shape (..., d, d)
        Density matrices (or their stored form in ``representation``).
    metrics : dict of str to callable
        As returned by :func:`resolve`.
    H : Qobj or ndarray, shape (d, d), optional
        Hamiltonian for the metrics that require one (energy units).
    representation : Representation, optional
        The states' reduced representation: each metric is replaced by its exact version, or
        refused if it has none.

    Returns
    -------
    dict of str to ndarray
        ``{name: values}``, each of shape ``states.shape[:-2]`` (plus the metric's own axes).

    Raises
    ------
    ValueError
        A metric that requires ``H`` while ``H`` is None; a metric without an exact version on
        ``representation``; whatever a metric raises on invalid states.
    """
    out = {}
    for name, fn in metrics.items():
        if representation is not None:
            exact = representation.exact(fn)
            if exact is None:
                raise ValueError(
                    f"metric {name!r} cannot be computed on states stored as "
                    f"{representation.description}: the stored matrix is not the full state "
                    "(its spectrum lacks the block degeneracies). Energetic metrics "
                    "(energy, ergotropy, antiergotropy, capacity, energy_variance) are exact; "
                    "for anything else build the model in the full Hilbert space")
            out[name] = np.asarray(exact(states))
            continue
        if requires_hamiltonian(fn):
            if H is None:
                raise ValueError(
                    f"metric {name!r} needs a Hamiltonian: pass H= (the Hamiltonian of the "
                    "states' subsystem)")
            out[name] = np.asarray(fn(states, H=H))
        else:
            out[name] = np.asarray(fn(states))
    return out
