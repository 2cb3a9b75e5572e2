"""qbtoolkit: quantum-battery simulations on top of QuTiP.

Conventions: hbar = k_B = 1; qubit basis index 0 = ground |g>, 1 = excited |e>
(``qbtoolkit.ops``). Metrics take a state (Qobj, ndarray or batch ``(..., d, d)``) and,
where energetic, the Hamiltonian they are measured against.
"""

from importlib.metadata import PackageNotFoundError, version

from . import analysis, models, ops, steady
from .dynamics import Trajectory, evolve, steady_state
from .metrics import (
    active_state,
    antiergotropy,
    capacity,
    coherent_ergotropy,
    concurrence,
    energy,
    energy_variance,
    entanglement_entropy,
    ergotropy,
    imaginarity,
    incoherent_ergotropy,
    l1_coherence,
    log_negativity,
    mutual_information,
    negativity,
    passive_state,
    relative_entropy_coherence,
)
from .metrics.nonlocality import bell_chsh, steering
from .metrics.texture import state_texture
from .models import BatteryModel
from .sweep import annotate, sweep  # binds qbtoolkit.sweep to the function

try:
    __version__ = version("qbtoolkit")
except PackageNotFoundError:  # pragma: no cover
    __version__ = "0.0.0"

__all__ = [
    "__version__",
    "analysis",
    "models",
    "ops",
    "steady",
    "BatteryModel",
    "Trajectory",
    "evolve",
    "steady_state",
    "energy",
    "passive_state",
    "active_state",
    "ergotropy",
    "antiergotropy",
    "capacity",
    "incoherent_ergotropy",
    "coherent_ergotropy",
    "energy_variance",
    "l1_coherence",
    "relative_entropy_coherence",
    "imaginarity",
    "concurrence",
    "negativity",
    "log_negativity",
    "entanglement_entropy",
    "mutual_information",
    "steering",
    "bell_chsh",
    "state_texture",
    "sweep",
    "annotate",
]
