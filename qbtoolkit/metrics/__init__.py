"""State metrics, batched over time and parameters (see the submodules for the equations)."""

from .coherence import imaginarity, l1_coherence, relative_entropy_coherence
from .correlations import (
    concurrence,
    entanglement_entropy,
    log_negativity,
    mutual_information,
    negativity,
)
from .work import (
    active_state,
    antiergotropy,
    capacity,
    coherent_ergotropy,
    energy,
    energy_variance,
    ergotropy,
    incoherent_ergotropy,
    passive_state,
)

__all__ = [
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
]
