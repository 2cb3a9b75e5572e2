"""Systems coupled to thermal baths: the global (Davies) and local master equations.

:func:`thermal_model` takes any Hermitian system Hamiltonian and a list of
:class:`~qbtoolkit.thermo.Bath` (coupling operator, temperature, spectral density) and builds
the Born-Markov master equation -- global (secular, from the Bohr decomposition of every
coupling in ``H``'s eigenbasis; :mod:`qbtoolkit.thermo.davies`) or local (each bath's
dissipator from its subsystems' Hamiltonian; :mod:`qbtoolkit.thermo.local`). The model records
its :class:`~qbtoolkit.thermo.ThermalStructure` in ``params["thermal"]``, which the fast steady
states, heat currents and entropy production of :mod:`qbtoolkit.thermo` use.

:func:`thermal_network` is the case of qubit cells with pairwise couplings, each cell in
contact with its own bath through :math:`\\sigma_x^i` -- the model of M. Hadipour and S. Haseli,
*Nonequilibrium quantum batteries: amplified work extraction through thermal reservoir
modulation* (2025), Eqs. (1), (3)-(6) for ZZ couplings:

.. math::

    H_S = \\sum_i \\frac{\\omega_i}{2}\\sigma_z^i
          + \\sum_{i<j} \\frac{\\lambda_{ij}}{2}\\big[\\epsilon_\\perp(\\sigma_x^i\\sigma_x^j
          + \\sigma_y^i\\sigma_y^j) + \\Delta\\,\\sigma_z^i\\sigma_z^j\\big],

with :math:`(\\epsilon_\\perp, \\Delta)` = (0, 1) for ``"zz"``, (1, 0) ``"xx"``, (1, delta)
``"xxz"`` and (1, 1) ``"heisenberg"``; jump operators :math:`A_i(\\omega)` in lowering form,
rates :math:`\\kappa J(\\omega)(1+n_i)` and :math:`\\kappa J(\\omega)n_i`, Ohmic
:math:`J(\\omega) = \\omega` by default, and -- as in the paper's Eq. (4), a sum over
:math:`\\omega > 0` -- no zero-frequency channel.

Units: hbar = k_B = 1; frequencies, couplings, energies and temperatures share one unit (the
paper's figures use omega = 1). Convention: the paper's spin-up is the toolkit's excited state
(basis index 1), :math:`\\sigma_z = \\mathrm{diag}(-1, +1)`; tensor order is the order of
``omegas`` (L, M, R for the paper's three cells). With ZZ couplings :math:`H_S` is diagonal in
the product basis, which is then used as its eigenbasis.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import qutip
import scipy.sparse as sp

from .. import ops
from .._memory import check_memory
from .._validate import check_choice, check_real, check_temperature
from ..thermo import Bath, global_structure, jump_operators, local_structure, steady_states
from ..thermo.structure import ThermalStructure
from .base import BatteryModel

__all__ = [
    "Bath",
    "thermal_model",
    "thermal_network",
    "thermal_energies",
    "thermal_steady_states",
    "coupling_matrix",
]

INTERACTIONS = ("zz", "xx", "xxz", "heisenberg")


# --------------------------------------------------------------------------- any system
def _c_ops(s: ThermalStructure, dims: list[int], name: str) -> list[qutip.Qobj]:
    """Collapse operators :math:`L_g` in the computational basis, one per bath and Bohr
    frequency (emission before absorption), zero-rate ones omitted."""
    jumps = jump_operators(s)
    d = s.d
    support = [None if b.V is None else np.count_nonzero(b.V, axis=0) for b in s.bases]
    nnz = sum(len(r) if support[k] is None else
              int(min(d * d, support[k][r].sum() * support[k][c].sum()))
              for k, _, (r, c, _) in jumps)
    check_memory(24 * nnz + 16 * d * d, f"{name}: {len(jumps)} collapse operators of dimension "
                 f"{d} (about {nnz:.3g} stored entries)",
                 "Jump operators between eigenstates of a many-body H are dense in the "
                 "computational basis; work in H's eigenbasis instead with "
                 "qbtoolkit.thermo.global_structure(H, baths) and thermo.steady_states / "
                 "heat_currents / entropy_production, which form no collapse operator.")
    out = []
    qdims = [list(dims), list(dims)]
    for k, _, (rows, cols, vals) in jumps:
        V = s.bases[k].V
        if V is None:
            L = sp.csr_matrix((vals, (rows, cols)), shape=(d, d))
        else:
            L = sp.csr_matrix((V[:, rows] * vals) @ V[:, cols].conj().T)
        out.append(qutip.Qobj(L, dims=qdims))
    return out


def _ground_projector(s: ThermalStructure) -> np.ndarray:
    """The normalised projector on the ground eigenspace of ``H`` (basis independent)."""
    eig = s.eigenbasis
    sel = eig.labels == eig.labels[np.argmin(eig.energies)]
    if eig.V is None:
        return np.diag(sel / sel.sum()).astype(complex)
    Vg = eig.V[:, sel]
    return Vg @ Vg.conj().T / sel.sum()


def _build(H: Any, baths: Any, master_equation: str) -> ThermalStructure:
    check_choice(master_equation, "master_equation", ("global", "local"))
    if master_equation == "global":
        return global_structure(H, baths)
    return local_structure(H, baths)


def _model(s: ThermalStructure, Hq: qutip.Qobj, name: str, params: dict[str, Any],
           rho0: Any = None, battery: Any = None, H_battery: Any = None,
           H_local: Any = None) -> BatteryModel:
    dims = list(s.dims)
    c_ops = _c_ops(s, dims, name)
    s = dataclasses.replace(s, c_ops=tuple(c_ops))
    if rho0 is None:
        rho0 = qutip.Qobj(_ground_projector(s), dims=[dims, dims])
    if battery is None:
        battery = tuple(range(len(dims)))
    battery = tuple(battery)
    if H_battery is None:
        if len(battery) != len(dims):
            raise ValueError("H_battery must be given when the battery is a part of the system "
                             f"(battery={battery}, {len(dims)} subsystems)")
        H_battery = Hq
    return BatteryModel(H=Hq, c_ops=tuple(c_ops), rho0=rho0, H_battery=H_battery,
                        battery=battery, params={**params, "thermal": s}, name=name,
                        H_local=H_local)


def thermal_model(
    H: qutip.Qobj,
    baths: Sequence[Bath],
    master_equation: str = "global",
    *,
    rho0: qutip.Qobj | None = None,
    battery: Sequence[int] | None = None,
    H_battery: qutip.Qobj | None = None,
    name: str = "thermal_model",
) -> BatteryModel:
    r"""Any system in contact with thermal baths: the global (Davies) or local master equation.

    Parameters
    ----------
    H : Qobj
        Hermitian system Hamiltonian (energy units), any dims, degenerate or not.
    baths : sequence of Bath
        ``Bath(op, T, spectral_density=None, kappa=1.0, cutoff=None, J_zero_slope=None,
        subsystems=None, H_local=None)``: coupling operator (on the whole system, or on
        ``subsystems``), temperature :math:`T \ge 0`, spectral density (Ohmic
        :math:`\omega e^{-\omega/\omega_c}` by default).
    master_equation : {"global", "local"}
        ``"global"``: Davies generator from the Bohr decomposition of each coupling in ``H``'s
        eigenbasis (degenerate levels and Bohr frequencies grouped within ``1e-9`` of the
        spectrum's spread; rates :math:`\gamma(-\omega) = e^{-\omega/T}\gamma(\omega)`).
        ``"local"``: each bath's dissipator from the Hamiltonian of its ``subsystems`` --
        ``Bath(..., H_local=h)`` on those subsystems, default the partial-trace projection
        :math:`\mathrm{Tr}_{\bar S}H/d_{\bar S}`; every bath then needs ``subsystems`` and a
        coupling acting on them only.
    rho0 : Qobj, optional
        Initial state for dynamics; default the normalised projector on ``H``'s ground
        eigenspace.
    battery : sequence of int, optional
        Battery subsystems (default: all).
    H_battery : Qobj, optional
        Battery Hamiltonian; default ``H`` (required when the battery is a part).
    name : str
        Model name.

    Returns
    -------
    BatteryModel
        ``c_ops``: one jump operator per bath and Bohr frequency (emission before absorption,
        increasing frequency; zero-rate ones omitted), ``params``: ``master_equation``,
        ``temperatures``, ``kappas``, ``bath_names`` and ``thermal`` (the
        :class:`~qbtoolkit.thermo.ThermalStructure` the thermal routines use).

    Raises
    ------
    ValueError
        Invalid ``H``, baths or options; an ambiguous grouping of Bohr frequencies; a model
        whose collapse operators would not fit in memory (work with
        :func:`qbtoolkit.thermo.global_structure` instead).

    Notes
    -----
    The Lamb shift is neglected. ``qbtoolkit.steady_state`` of a global model solves only the
    block-diagonal sector in ``H``'s eigenbasis (a Pauli rate equation for a non-degenerate
    spectrum) and refuses non-unique steady states (:mod:`qbtoolkit.thermo.steady`).

    Examples
    --------
    A qubit in contact with one bath at temperature ``T`` relaxes to the Gibbs state:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.models import Bath, thermal_model
    >>> model = thermal_model(qb.ops.number(), [Bath(qb.ops.sigma_x(), T=0.5)])
    >>> rho = qb.steady_state(model)
    >>> print(round(rho.full()[1, 1].real, 9), round(1 / (1 + np.exp(1 / 0.5)), 9))
    0.119202922 0.119202922
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    s = _build(H, baths, master_equation)
    Hq = H if isinstance(H, qutip.Qobj) else qutip.Qobj(s.H)
    params = {
        "master_equation": master_equation,
        "temperatures": tuple(float(b.T) for b in s.baths),
        "kappas": tuple(float(b.kappa) for b in s.baths),
        "bath_names": s.names,
    }
    return _model(s, Hq, name, params, rho0, battery, H_battery)


# --------------------------------------------------------------------------- qubit networks
def _check_omegas(omegas: Any) -> np.ndarray:
    try:
        arr = np.asarray(omegas, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"omegas must be a sequence of real frequencies, got {omegas!r}") from None
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(
            f"omegas must be a 1-D sequence with one frequency per cell, got {omegas!r}"
        )
    if arr.size > 10:
        raise ValueError(f"omegas: at most 10 cells are supported (2**N states), got {arr.size}")
    for k, w in enumerate(arr):
        check_real(w, f"omegas[{k}]")
    return arr


def coupling_matrix(couplings: Any, n_cells: int) -> np.ndarray:
    """Symmetric ``(N, N)`` coupling matrix with zero diagonal from the accepted inputs.

    Parameters
    ----------
    couplings : float, (N, N) array_like or dict {(i, j): lambda_ij}
        A scalar is the same coupling for every pair; a matrix must be symmetric with zero
        diagonal; a dict lists pairs ``i != j`` (each unordered pair at most once, or twice
        with equal values).
    n_cells : int
        Number of cells ``N``.

    Returns
    -------
    ndarray, shape (N, N)
        Couplings (energy units).

    Raises
    ------
    ValueError
        Non-real or non-finite values; a matrix of the wrong shape, not symmetric (relative to
        its largest entry) or with a non-zero diagonal; dict keys that are not pairs of distinct
        integer cells in ``0..N-1``, or a pair given twice with different values.
    """
    lam = np.zeros((n_cells, n_cells))
    if isinstance(couplings, Mapping):
        for key, value in couplings.items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise ValueError(f"couplings keys must be pairs (i, j), got {key!r}")
            i, j = key
            if not all(isinstance(x, int | np.integer) and not isinstance(x, bool)
                       for x in key):
                raise ValueError(f"couplings keys must be integer pairs (i, j), got {key!r}")
            if not (0 <= i < n_cells and 0 <= j < n_cells):
                raise ValueError(
                    f"couplings key {key!r} refers to a cell outside 0..{n_cells - 1}"
                )
            if i == j:
                raise ValueError(f"couplings key {key!r}: a cell cannot couple to itself")
            v = check_real(value, f"couplings[{key!r}]")
            if lam[i, j] != 0 and lam[i, j] != v:
                raise ValueError(f"couplings gives pair {key!r} twice with different values")
            lam[i, j] = lam[j, i] = v
        return lam
    if np.ndim(couplings) == 0:
        v = check_real(couplings, "couplings")
        lam[:] = v
        np.fill_diagonal(lam, 0.0)
        return lam
    try:
        arr = np.asarray(couplings, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("couplings must be a number, an (N, N) matrix or a dict") from None
    if arr.shape != (n_cells, n_cells):
        raise ValueError(
            f"couplings matrix must have shape ({n_cells}, {n_cells}) to match omegas, "
            f"got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("couplings must be finite")
    scale = float(np.max(np.abs(arr), initial=0.0))
    if np.max(np.abs(arr - arr.T), initial=0.0) > 1e-12 * scale:
        raise ValueError("couplings matrix must be symmetric (lambda_ij = lambda_ji)")
    if np.any(np.diag(arr) != 0):
        raise ValueError("couplings matrix must have a zero diagonal (no self-coupling)")
    return arr.copy()


def _check_temperatures(temperatures: Any, n_cells: int) -> np.ndarray:
    try:
        arr = np.asarray(temperatures, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"temperatures must be real numbers, got {temperatures!r}") from None
    if arr.ndim != 1 or arr.size != n_cells:
        raise ValueError(
            f"temperatures must give one temperature per cell ({n_cells}), got {temperatures!r}"
        )
    for k, t in enumerate(arr):
        check_temperature(t, f"temperatures[{k}]")
    return arr


def _check_interaction(interaction: Any, delta: Any) -> tuple[str, float, float]:
    """``(interaction, transverse weight, ZZ weight)``."""
    check_choice(interaction, "interaction", INTERACTIONS)
    if interaction == "xxz":
        if delta is None:
            raise ValueError("interaction='xxz' needs delta= (the ZZ anisotropy)")
        return interaction, 1.0, check_real(delta, "delta")
    if delta is not None:
        raise ValueError(f"delta is the anisotropy of interaction='xxz'; interaction="
                         f"{interaction!r} has none (got delta={delta!r})")
    return interaction, *{"zz": (0.0, 1.0), "xx": (1.0, 0.0), "heisenberg": (1.0, 1.0)}[
        interaction]


def thermal_energies(omegas: Any, couplings: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""Diagonal of the ZZ network's :math:`H_S` in the product basis and its bit table.

    Parameters
    ----------
    omegas : sequence of float
        Cell frequencies (energy units), one per cell.
    couplings : float, (N, N) array_like or dict {(i, j): lambda_ij}
        ZZ couplings (energy units), as in :func:`thermal_network`.

    Returns
    -------
    energies : ndarray, shape (2**N,)
        :math:`\varepsilon_s = \sum_i \omega_i z_i/2 + \sum_{i<j}\lambda_{ij} z_i z_j/2`
        with :math:`z_i = \pm1` (+1 = excited), energy units.
    bits : ndarray of int, shape (2**N, N)
        ``bits[s, i] = 1`` if cell ``i`` is excited in basis state ``s`` (cell 0 is the most
        significant bit, as in ``qutip.tensor``).

    Raises
    ------
    ValueError
        Invalid ``omegas`` (not real, empty, more than 10 cells) or ``couplings``.
    """
    omegas = _check_omegas(omegas)
    lam = coupling_matrix(couplings, omegas.size)
    return _energies(omegas, lam)


def _energies(omegas: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = omegas.size
    s = np.arange(2**n)
    bits = (s[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1
    z = 2.0 * bits - 1.0
    energies = 0.5 * z @ omegas + 0.25 * np.einsum("si,ij,sj->s", z, lam, z)
    return energies, bits


def _network_hamiltonian(omegas: np.ndarray, lam: np.ndarray, perp: float, zz: float
                         ) -> np.ndarray:
    """:math:`H_S` of the network as a dense array (ZZ: exactly the diagonal of
    :func:`thermal_energies`)."""
    n = omegas.size
    if perp == 0.0:
        return np.diag(_energies(omegas, zz * lam)[0])
    sx = [ops.embed(ops.sigma_x(), i, n).full() for i in range(n)]
    sy = [ops.embed(ops.sigma_y(), i, n).full() for i in range(n)]
    H = np.diag(_energies(omegas, zz * lam)[0]).astype(complex)
    for i in range(n):
        for j in range(i + 1, n):
            if lam[i, j] != 0:
                H = H + 0.5 * lam[i, j] * perp * (sx[i] @ sx[j] + sy[i] @ sy[j])
    return H.real if not np.any(H.imag) else H


_SIGMA_X = ops.sigma_x()


def _network_baths(n: int, temps: np.ndarray, kappa: Any, spectral_density: Any
                   ) -> list[Bath]:
    sx = _SIGMA_X
    return [Bath(sx, temps[i], spectral_density=spectral_density, kappa=kappa,
                 J_zero_slope=0.0, subsystems=(i,), name=f"cell{i}") for i in range(n)]


@functools.lru_cache(maxsize=16)
def _grid_baths(n: int, kappa: Any, spectral_density: Any) -> tuple[Bath, ...]:
    """The baths of a network whose temperatures come from a grid (placeholders T = 0):
    built once per configuration, as grid routines are called in loops over couplings."""
    return tuple(_network_baths(n, np.zeros(n), kappa, spectral_density))


def _network(omegas: Any, couplings: Any, temperatures: Any, kappa: Any, spectral_density: Any,
             interaction: Any, delta: Any, master_equation: str):
    omegas = _check_omegas(omegas)
    n = omegas.size
    lam = coupling_matrix(couplings, n)
    interaction, perp, zz = _check_interaction(interaction, delta)
    dims = [2] * n
    H = qutip.Qobj(_network_hamiltonian(omegas, lam, perp, zz), dims=[dims, dims])
    if temperatures is None:
        temps = np.zeros(n)
        try:
            baths = list(_grid_baths(n, kappa, spectral_density))
        except TypeError:  # an unhashable argument: validate it the ordinary way
            baths = _network_baths(n, temps, kappa, spectral_density)
    else:
        temps = _check_temperatures(temperatures, n)
        baths = _network_baths(n, temps, kappa, spectral_density)
    return omegas, lam, temps, interaction, H, _build(H, baths, master_equation)


def thermal_network(
    omegas: Sequence[float],
    couplings: Any,
    temperatures: Sequence[float],
    kappa: float = 1.0,
    spectral_density: Callable[[float], float] | None = None,
    interaction: str = "zz",
    delta: float | None = None,
    master_equation: str = "global",
) -> BatteryModel:
    r"""Coupled qubit cells, each in contact with its own thermal bath through its ``sigma_x``.

    ZZ couplings give Hadipour & Haseli (2025), Eqs. (1) and (3)-(6); see the module
    docstring for the Hamiltonian of every ``interaction``.

    Parameters
    ----------
    omegas : sequence of float
        Cell frequencies :math:`\omega_i` (energy units); one per cell, tensor order
        (``[omega_L, omega_M, omega_R]`` for the paper's three cells).
    couplings : float, (N, N) array_like or dict {(i, j): lambda_ij}
        Couplings :math:`\lambda_{ij}` (energy units); each unordered pair enters once. A
        matrix must be symmetric with zero diagonal; a scalar couples every pair.
    temperatures : sequence of float
        Bath temperatures :math:`T_i \ge 0` (k_B = 1), one per cell; ``T = 0`` is the vacuum.
    kappa : float
        Dimensionless system-bath coupling (> 0); rates scale with it, the steady state does
        not depend on it.
    spectral_density : callable, optional
        ``J(omega) -> float >= 0``; default Ohmic ``J(omega) = omega``. Rates
        ``kappa J (1 + n_i)`` (emission) and ``kappa J n_i`` (absorption).
    interaction : {"zz", "xx", "xxz", "heisenberg"}
        Form of the pair coupling (module docstring).
    delta : float, optional
        ZZ anisotropy of ``interaction="xxz"`` (refused otherwise).
    master_equation : {"global", "local"}
        Global Davies equation (the paper's) or local, each cell's bath seeing only
        :math:`\omega_i\sigma_z^i/2`.

    Returns
    -------
    BatteryModel
        ``H = H_battery = H_S``; ``battery`` = all cells; ``H_local`` = the cells' bare
        Hamiltonians; ``rho0`` = :math:`|g\dots g\rangle` (for dynamics); ``c_ops`` =
        :math:`\sqrt{\kappa J(\omega)(1+n_i)}A_i(\omega)` and
        :math:`\sqrt{\kappa J(\omega) n_i}A_i^\dagger(\omega)` for every cell and distinct
        Bohr frequency :math:`\omega>0` (zero-rate operators omitted); ``params`` holds the
        inputs (``couplings`` as a matrix), ``bohr_frequencies`` per cell and ``thermal``.

    Raises
    ------
    ValueError
        Negative or non-finite temperature, mismatched lengths, non-symmetric couplings,
        ``kappa <= 0``, a spectral density returning a negative/non-finite value, an unknown
        ``interaction`` or a ``delta`` it does not take.

    Notes
    -----
    * The paper prints :math:`A_i(\omega)=\sum|k\rangle\langle k|\sigma_x^i|m\rangle
      \langle m|` with :math:`\omega_{km}=\varepsilon_k-\varepsilon_m>0`, literally a
      *raising* operator (it gives an inverted, ergotropic state even at equal temperatures).
      The standard lowering form is used.
    * Transitions with equal Bohr frequencies on one bath are grouped into one jump operator
      (secular approximation); transitions between degenerate levels have no channel (the
      paper sums over :math:`\omega > 0`). At such level crossings (e.g. :math:`\lambda =
      \omega/2` for three equal ZZ cells) the steady state is not unique, and
      ``qbtoolkit.steady_state`` refuses it.
    * Eq. (1) writes :math:`\sum_{i\neq j}`; each pair is counted once here (matches the
      two-cell Eq. 9 and the Fig. 6 threshold at :math:`\lambda=\omega/2`).

    Examples
    --------
    Three equal ZZ-coupled cells (Hadipour & Haseli): the steady-state ergotropy with bath
    temperatures ``(1, 1, 0)``, and no work at equal temperatures (the Gibbs state):

    >>> import qbtoolkit as qb
    >>> from qbtoolkit.models import thermal_network
    >>> model = thermal_network([1.0, 1.0, 1.0], 0.1, [1.0, 1.0, 0.0])
    >>> print(round(qb.ergotropy(qb.steady_state(model), model.H_battery), 6))
    0.080088
    >>> hot = thermal_network([1.0, 1.0, 1.0], 0.1, [0.8, 0.8, 0.8])
    >>> print(round(qb.ergotropy(qb.steady_state(hot), hot.H_battery), 10))
    0.0
    """
    omegas, lam, temps, interaction, H, s = _network(
        omegas, couplings, temperatures, kappa, spectral_density, interaction, delta,
        master_equation)
    n = omegas.size
    dims = [2] * n
    ground = np.zeros((2**n, 2**n))
    ground[0, 0] = 1.0
    params = {
        "omegas": tuple(float(w) for w in omegas),
        "couplings": lam,
        "temperatures": tuple(float(t) for t in temps),
        "kappa": s.baths[0].kappa,
        "spectral_density": spectral_density,
        "interaction": interaction,
        "delta": None if delta is None else float(delta),
        "master_equation": master_equation,
        "bohr_frequencies": [[float(x) for x in tr.nu if x > 0] for tr in s.transitions],
    }
    H_local = tuple(0.5 * w * ops.sigma_z() for w in omegas)
    return _model(s, H, "thermal_network", params, qutip.Qobj(ground, dims=[dims, dims]),
                  H_local=H_local)


def thermal_steady_states(
    omegas: Any,
    couplings: Any,
    temperatures: Any,
    kappa: float = 1.0,
    spectral_density: Callable[[float], float] | None = None,
    on_singular: str = "raise",
    interaction: str = "zz",
    delta: float | None = None,
) -> np.ndarray:
    """Steady states of :func:`thermal_network` over a grid of temperatures.

    The network's thermal structure is derived once (no collapse operators are formed) and
    solved for every grid point at once (:func:`qbtoolkit.thermo.steady_states`: for ZZ
    couplings a Pauli rate equation in the product basis).

    Parameters
    ----------
    omegas : sequence of float
        Cell frequencies (energy units), one per cell, as in :func:`thermal_network`.
    couplings : float, (N, N) array_like or dict {(i, j): lambda_ij}
        Pair couplings (energy units), as in :func:`thermal_network`.
    temperatures : array_like, shape (..., N)
        Bath temperatures (>= 0), one per cell along the last axis; any leading grid shape.
    kappa : float, default 1.0
        System-bath coupling (> 0); the steady states do not depend on it.
    spectral_density : callable, optional
        ``J(omega)``; default Ohmic ``J(omega) = omega``.
    on_singular : {"raise", "nan"}, default "raise"
        Behaviour where the steady state is not unique: raise, or return NaN states there.
    interaction : {"zz", "xx", "xxz", "heisenberg"}, default "zz"
        Form of the pair coupling.
    delta : float, optional
        ZZ anisotropy of ``interaction="xxz"``.

    Returns
    -------
    ndarray, complex, shape (..., 2**N, 2**N)
        Density matrices (basis order of ``qutip.tensor``, 0 = ground). Feed them straight to
        the batched metrics, e.g. ``qbtoolkit.ergotropy(states, model.H)``.

    Raises
    ------
    ValueError
        Invalid network arguments (see :func:`thermal_network`) or temperatures; a steady
        state that is not unique with ``on_singular="raise"``.

    Examples
    --------
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.models import thermal_network, thermal_steady_states
    >>> grid = [[1.0, 0.5, 0.0], [1.0, 1.0, 0.0]]           # two temperature triples
    >>> states = thermal_steady_states([1.0, 1.0, 1.0], 0.1, grid)
    >>> states.shape
    (2, 8, 8)
    >>> H = thermal_network([1.0, 1.0, 1.0], 0.1, grid[0]).H_battery
    >>> qb.ergotropy(states, H).round(6)
    array([0.039266, 0.080088])
    """
    _, _, _, _, _, s = _network(omegas, couplings, None, kappa, spectral_density,
                                interaction, delta, "global")  # temperatures: the grid's
    return steady_states(s, temperatures, on_singular=on_singular)
