"""State metrics, batched over time and parameters (see the submodules for the equations).

work          energy, passive/active states, ergotropy, antiergotropy, capacity, ...
coherence     l1 and relative-entropy coherence, imaginarity
texture       quantum state texture
correlations  concurrence, negativity, entropies, mutual information
nonlocality   steering (F3) and Bell-CHSH from the correlation matrix
graph         pairwise concurrence over a graph, normalised l1 coherence (Santos 2021)
ergotropies   local, locked, asymptotic, multi-copy and daemonic ergotropy
dicke         exact energetic metrics of permutation-invariant states in a Dicke basis
registry      metrics by name, units, and the one evaluation routine every path uses
"""

from . import coherence, correlations, nonlocality, texture, work
from . import dicke as dicke
from . import graph as graph
from . import registry as registry
from .coherence import *  # noqa: F403
from .correlations import *  # noqa: F403
from .dicke import (
    permutation_invariant_antiergotropy,
    permutation_invariant_capacity,
    permutation_invariant_energy,
    permutation_invariant_energy_variance,
    permutation_invariant_ergotropy,
)
from .ergotropies import (
    asymptotic_ergotropy,
    daemonic_ergotropy,
    local_ergotropies,
    locked_ergotropy,
    multi_copy_ergotropy,
)
from .nonlocality import *  # noqa: F403
from .texture import *  # noqa: F403
from .work import *  # noqa: F403

__all__ = [
    *work.__all__,
    *coherence.__all__,
    *texture.__all__,
    *correlations.__all__,
    *nonlocality.__all__,
    "local_ergotropies",
    "locked_ergotropy",
    "asymptotic_ergotropy",
    "multi_copy_ergotropy",
    "daemonic_ergotropy",
    "permutation_invariant_energy",
    "permutation_invariant_ergotropy",
    "permutation_invariant_antiergotropy",
    "permutation_invariant_capacity",
    "permutation_invariant_energy_variance",
]
