"""Dynamics: time evolution, protocols, steady states.

``evolve`` (:mod:`.evolve`, the front) validates a request and runs it on the backend chosen
by ``method`` (:mod:`.backends`, one module per route, one table); the result is a
:class:`~.trajectory.Trajectory`. :mod:`.structure` finds what a model conserves (cell
permutations), :mod:`.steady` gives steady states, :mod:`.charging` charging powers.
"""

from .backends import BACKENDS
from .charging import max_average_power, quantum_advantage
from .evolve import evolve
from .steady import steady_state
from .trajectory import Trajectory

__all__ = [
    "BACKENDS",
    "Trajectory",
    "evolve",
    "max_average_power",
    "quantum_advantage",
    "steady_state",
]
