"""Thermodynamics of open systems: baths, master equations, steady states, heat and entropy.

spectral     spectral densities, Bose-Einstein occupations, detailed-balance rates
baths        :class:`Bath` (coupling operator, temperature, spectral density)
bohr         eigenspaces of H and the Bohr decomposition of a coupling (scale-free grouping)
davies       the global (Davies) master equation of any system: :func:`global_structure`
local        the local master equation: :func:`local_structure`
structure    :class:`ThermalStructure`, recorded on thermal models (``params["thermal"]``)
generators   dissipators as sums over pairs of Bohr transitions (batched)
stationary   stationary states of generators with a uniqueness test
steady       fast steady states of thermal models over temperature grids
superops     full Liouvillians over grids (small systems)
currents     heat currents :math:`J_k = \\mathrm{Tr}[H\\mathcal D_k\\rho]`
entropy      Spohn's entropy production and the second law

Models are built with :func:`qbtoolkit.models.thermal_model` (any ``H``) or
:func:`qbtoolkit.models.thermal_network`; every routine here takes such a model (or a
:class:`ThermalStructure`).
"""

from .baths import Bath
from .currents import heat_currents, heat_operators
from .davies import global_structure
from .entropy import entropy_production, satisfies_second_law
from .local import local_structure
from .spectral import bose_einstein, ohmic
from .stationary import (
    check_unique_liouvillian,
    kernel_dimension,
    liouvillian_steady_states,
    stationary_distributions,
)
from .steady import rate_matrices, steady_states
from .structure import ThermalStructure, jump_operators, structure_of
from .superops import liouvillians

__all__ = [
    "Bath",
    "ThermalStructure",
    "bose_einstein",
    "ohmic",
    "global_structure",
    "local_structure",
    "structure_of",
    "jump_operators",
    "steady_states",
    "rate_matrices",
    "liouvillians",
    "liouvillian_steady_states",
    "stationary_distributions",
    "kernel_dimension",
    "check_unique_liouvillian",
    "heat_currents",
    "heat_operators",
    "entropy_production",
    "satisfies_second_law",
]
