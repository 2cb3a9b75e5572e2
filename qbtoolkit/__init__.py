"""qbtoolkit: quantum-battery simulations on top of QuTiP.

Conventions: hbar = k_B = 1; qubit basis index 0 = ground ``|g>``, 1 = excited ``|e>``
(``qbtoolkit.ops``). Metrics take a state (Qobj, ndarray or batch ``(..., d, d)``) and,
where energetic, the Hamiltonian they are measured against.
"""

from importlib.metadata import PackageNotFoundError, version

from . import analysis, analytic, metrics, models, ops, thermo
from ._linalg import ptrace  # batched partial trace (Qobj, kets, batches)
from .dynamics import Stage, Trajectory, evolve, optimal_stage_duration, protocol, steady_state
from .metrics import *  # noqa: F403 (the metric functions, listed in metrics.__all__)
from .models import BatteryModel
from .studies import annotate, sweep

try:
    __version__ = version("qbtoolkit")
except PackageNotFoundError:  # pragma: no cover
    __version__ = "0.0.0"

__all__ = [
    "__version__",
    "analysis",
    "analytic",
    "metrics",
    "models",
    "ops",
    "thermo",
    "BatteryModel",
    "Stage",
    "Trajectory",
    "evolve",
    "optimal_stage_duration",
    "protocol",
    "steady_state",
    "sweep",
    "annotate",
    "ptrace",
    *metrics.__all__,
]
