"""Dynamics: time evolution, protocols, steady states.

``evolve`` (:mod:`.evolve`, the front) validates a request and runs it on the backend chosen
by ``method`` (:mod:`.backends`, one module per route, one table); the result is a
:class:`~.trajectory.Trajectory`. :mod:`.protocol` runs stages back to back,
:mod:`.structure` finds what a model conserves (cell permutations), :mod:`.steady` gives
steady states, :mod:`.charging` charging powers.
"""

from .backends import BACKENDS
from .charging import max_average_power, quantum_advantage
from .evolve import evolve
from .protocol import Stage, StageOptimum, optimal_stage_duration, protocol
from .steady import steady_state
from .trajectory import Trajectory

__all__ = [
    "BACKENDS",
    "Stage",
    "StageOptimum",
    "Trajectory",
    "evolve",
    "optimal_stage_duration",
    "protocol",
    "max_average_power",
    "quantum_advantage",
    "steady_state",
]
