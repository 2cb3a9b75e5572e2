"""State metrics, batched over time and parameters (see the submodules for the equations).

work          energy, passive/active states, ergotropy, antiergotropy, capacity, ...
coherence     l1 and relative-entropy coherence, imaginarity
texture       quantum state texture
correlations  concurrence, negativity, entropies, mutual information
nonlocality   steering (F3) and Bell-CHSH from the correlation matrix
"""

from . import coherence, correlations, nonlocality, texture, work
from .coherence import *  # noqa: F403
from .correlations import *  # noqa: F403
from .nonlocality import *  # noqa: F403
from .texture import *  # noqa: F403
from .work import *  # noqa: F403

__all__ = [
    *work.__all__,
    *coherence.__all__,
    *texture.__all__,
    *correlations.__all__,
    *nonlocality.__all__,
]
