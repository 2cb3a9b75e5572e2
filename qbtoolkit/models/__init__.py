"""Model builders: each returns a frozen :class:`BatteryModel` (H, c_ops, rho0, H_battery, ...)."""

from .atom import driven_atom, two_qubit_battery
from .base import BatteryModel, kossakowski_c_ops
from .charger import charger_battery
from .collective import collective_battery, parallel_battery
from .dicke_basis import collective_operators, dicke_dissipator
from .network import network, network_edges
from .thermal import Bath, thermal_model, thermal_network, thermal_steady_states
from .xxz import xxz_charger_battery

__all__ = [
    "BatteryModel",
    "kossakowski_c_ops",
    "charger_battery",
    "network",
    "network_edges",
    "driven_atom",
    "two_qubit_battery",
    "thermal_network",
    "thermal_model",
    "thermal_steady_states",
    "Bath",
    "xxz_charger_battery",
    "parallel_battery",
    "collective_battery",
    "collective_operators",
    "dicke_dissipator",
]
