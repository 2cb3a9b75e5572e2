"""N-cell quantum-battery networks with local and collective decay (Santos 2021, Sec. III).

The model (hbar = 1, units of omega for energy and 1/gamma for time)::

    H = omega sum_n sigma_n^+ sigma_n^-  +  H_int,
    H_int = J sum_{<n,m>} sigma_n^z sigma_m^z                 (coupling="zz")
          = J sum_{<n,m>} (sigma_n^+ sigma_m^- + h.c.)        (coupling="xy", flip-flop)
    D[rho] = sum_{n,m} G_nm (sigma_n^- rho sigma_m^+ - 1/2 {sigma_m^+ sigma_n^-, rho})

with ``G_nn = gamma`` and ``G_nm = gamma_collective`` on every edge of the graph (both orders).
The paper's interaction and dissipator are garbled in print (its ``H_int`` is not Hermitian as
printed; its collective sum pairs the wrong operators); they are reconstructed here:
``H_int`` as an Ising coupling over the graph's edges (the printed ``sigma^2`` read as
``sigma^z``; with it the simulated efficiencies are ordered as the paper's legend claims), the
exchange coupling as the alternative, and the dissipator in the Lehmberg form, which keeps
``rho`` Hermitian and reduces to the paper's Eq. 5 for one cell. ``G`` is diagonalised into
ordinary collapse operators by :func:`~qbtoolkit.models.kossakowski_c_ops`.

Two decay conventions:

* ``decay="amplitude"``: Eq. 5 literally. One cell's populations decay as ``exp(-gamma t)``
  and its coherences as ``exp(-gamma t / 2)``.
* ``decay="paper"``: the rates behind the paper's Eqs. 8-9 and its Fig. 2 numbers, where
  populations *and* coherences decay as ``exp(-gamma t / 2)``. This is amplitude damping with
  the whole rate matrix halved (``G / 2``) plus pure dephasing ``sqrt(gamma / 2) sigma^+ sigma^-``
  on every cell. It is not amplitude damping at any single rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip

from .. import ops
from .._validate import check_choice, check_int, check_rate, check_real
from .base import BatteryModel, as_density_qobj, kossakowski_c_ops
from .register import check_register_memory, register_dimension

__all__ = ["network", "network_edges", "TOPOLOGIES"]

#: Named topologies (Santos' names in brackets): linear (linear), star (central),
#: ring (circular), all_to_all (symmetric).
TOPOLOGIES = ("linear", "star", "ring", "all_to_all")


def network_edges(N: int, topology: Any = "linear") -> tuple[tuple[int, int], ...]:
    """Edges ``(n, m)`` with ``n < m`` of an ``N``-cell graph.

    Parameters
    ----------
    N : int
        Number of cells (>= 1).
    topology : str, adjacency matrix or edge list, default "linear"
        ``"linear"`` (open chain), ``"star"`` (hub = cell 0), ``"ring"`` (closed chain),
        ``"all_to_all"``; or an ``(N, N)`` symmetric 0/1 adjacency matrix with zero diagonal;
        or a sequence of pairs ``(n, m)`` of distinct cells.

    Returns
    -------
    tuple of (int, int)
        The edges, each with ``n < m`` (sorted for an edge list, without repetitions).

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1; an unknown topology name; an adjacency matrix that is not
        symmetric 0/1 with zero diagonal; an edge not joining two distinct cells in
        ``0..N-1``.

    Examples
    --------
    >>> from qbtoolkit.models import network_edges
    >>> network_edges(4, "ring")
    ((0, 1), (1, 2), (2, 3), (0, 3))
    >>> network_edges(3, [(2, 0), (1, 2)])
    ((0, 2), (1, 2))
    """
    N = check_int(N, "N", minimum=1)
    if isinstance(topology, str):
        check_choice(topology, "topology", TOPOLOGIES)
        if topology == "linear":
            edges = [(n, n + 1) for n in range(N - 1)]
        elif topology == "star":
            edges = [(0, n) for n in range(1, N)]
        elif topology == "ring":
            edges = [(n, n + 1) for n in range(N - 1)] + ([(0, N - 1)] if N > 2 else [])
        else:
            edges = [(n, m) for n in range(N) for m in range(n + 1, N)]
        return tuple(edges)
    arr = np.asarray(topology)
    if arr.ndim == 2 and arr.shape == (N, N) and N > 2 or (
        arr.shape == (2, 2) and N == 2 and np.all(np.diag(arr) == 0)
    ):
        if not np.allclose(arr, arr.T) or np.any(np.diag(arr) != 0):
            raise ValueError("topology adjacency matrix must be symmetric with a zero diagonal")
        if not np.all((arr == 0) | (arr == 1)):
            raise ValueError("topology adjacency matrix must contain only 0 and 1")
        return tuple((int(n), int(m)) for n, m in zip(*np.nonzero(np.triu(arr)), strict=True))
    if (arr.ndim == 2 and arr.shape[1] == 2) or arr.size == 0:
        edges = set()
        for pair in arr.reshape(-1, 2):
            n, m = (check_int(x, "topology edge", minimum=0) for x in pair)
            if n >= N or m >= N or n == m:
                raise ValueError(
                    f"topology edge ({n}, {m}) must join two distinct cells in 0..{N - 1}"
                )
            edges.add((min(n, m), max(n, m)))
        return tuple(sorted(edges))
    raise ValueError(
        f"topology must be one of {TOPOLOGIES}, an ({N}, {N}) adjacency matrix or a list of "
        f"(n, m) edges, got {topology!r}"
    )


#: Excited population of each cell in Santos' "classical" initial state.
CLASSICAL_EXCITED_POPULATION = 0.75


def check_network_params(
    omega: Any, J: Any, coupling: str, gamma: Any, gamma_collective: Any, decay: str
) -> tuple[float, float, float, float]:
    """Validate the physical parameters of :func:`network` (shared with the solvers' routes);
    returns ``(omega, J, gamma, gamma_collective)`` as floats."""
    omega = check_real(omega, "omega")
    J = check_real(J, "J")
    check_choice(coupling, "coupling", ("zz", "xy"))
    gamma = check_rate(gamma, "gamma")
    gamma_collective = check_rate(gamma_collective, "gamma_collective")
    check_choice(decay, "decay", ("amplitude", "paper"))
    return omega, J, gamma, gamma_collective


def _initial_state(initial: Any, N: int) -> tuple[qutip.Qobj, str]:
    if isinstance(initial, qutip.Qobj):
        rho = as_density_qobj(initial, "initial")
        if rho.shape[0] != 2**N:
            raise ValueError(f"initial must be a state of {N} qubits (dimension {2**N})")
        return qutip.Qobj(rho.full(), dims=[[2] * N, [2] * N]), "custom"
    check_choice(initial, "initial", ("coherent", "classical"))
    if initial == "coherent":
        plus = (ops.ground() + ops.excited()).unit()
        cell = qutip.ket2dm(plus)
    else:
        p = CLASSICAL_EXCITED_POPULATION
        cell = p * qutip.ket2dm(ops.excited()) + (1 - p) * qutip.ket2dm(ops.ground())
    return qutip.tensor([cell] * N), initial


def network(
    N: int,
    topology: Any = "linear",
    omega: float = 1.0,
    J: float = 0.0,
    coupling: str = "zz",
    gamma: float = 1.0,
    gamma_collective: float = 0.0,
    initial: Any = "coherent",
    decay: str = "amplitude",
) -> BatteryModel:
    """N-cell self-discharging battery network (Santos, PRE 103, 042118 (2021), Eqs. 11-13).

    Parameters
    ----------
    N : int
        Number of cells (qubits), ``N >= 1``. Tensor order: cell 0 first.
    topology : str, adjacency matrix or edge list
        Graph of the couplings and of the collective decay; see :func:`network_edges`.
        Santos' names: central = ``"star"``, linear, circular = ``"ring"``,
        symmetric = ``"all_to_all"``.
    omega : float
        Cell frequency (energy unit), ``H0 = omega sum_n sigma_n^+ sigma_n^-``.
    J : float
        Coupling on every edge (energy). The paper uses ``J = 2 gamma``. ``J`` and
        ``gamma_collective`` are per edge: a graph without edges (one cell) has no coupling
        whatever their values, so that a family over ``N`` starts at ``N = 1``.
    coupling : {"zz", "xy"}
        ``"zz"``: ``J sigma^z sigma^z`` (the reconstruction of the paper's garbled H_int, see
        the module docstring); ``"xy"``: flip-flop exchange ``J (sigma^+ sigma^- + h.c.)``.
    gamma : float
        Local decay rate Gamma of every cell (1/time).
    gamma_collective : float
        Collective ("intercell") decay rate Gamma_icl on every edge; the paper uses gamma/2.
        The rate matrix must be positive semidefinite, otherwise ValueError.
    initial : {"coherent", "classical"} or Qobj
        ``"coherent"``: every cell in ``(|g> + |e>)/sqrt 2``; ``"classical"``: every cell in
        ``3/4 |e><e| + 1/4 |g><g|`` (both have ergotropy omega/2 per cell); or any
        N-qubit ket / density matrix.
    decay : {"amplitude", "paper"}
        Decay convention, see the module docstring.

    Returns
    -------
    BatteryModel
        ``H_battery = omega sum_n sigma_n^+ sigma_n^-`` (interaction excluded, as in the
        paper), ``battery`` = all cells, ``H_local`` = ``omega n`` on each cell.
        ``params`` holds every argument (``topology="custom"`` for a matrix or edge list,
        ``initial="custom"`` for a state), ``params["edges"]`` the graph and
        ``params["dissipator"]`` the Kossakowski structure ``[(ops, G), ...]`` used by the
        block solver (``evolve(..., method="blocks")``).

    Raises
    ------
    ValueError
        A parameter of the wrong type or out of range; a model that would not fit in memory
        (the ``2^N x 2^N`` density matrix), with what to do instead.

    Examples
    --------
    One cell prepared in ``|+>`` under amplitude damping: its ergotropy
    ``omega [e - 1/2 + sqrt((1 - 2e)^2 + 4|rho_eg|^2)/2]`` with ``e = e^{-gamma t}/2`` halves at
    ``gamma t = ln(8/5)`` (:func:`qbtoolkit.analytic.atom_ergotropy_half_life`):

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> cell = qb.models.network(1, gamma=1.0, decay="amplitude")
    >>> qb.evolve(cell, [0.0, np.log(8 / 5)], metrics=["ergotropy"]).values["ergotropy"].round(6)
    array([0.5 , 0.25])

    A ring of three cells with Ising coupling and collective decay (Santos' circular network):

    >>> ring = qb.models.network(3, "ring", J=2.0, gamma=1.0, gamma_collective=0.5)
    >>> ring.params["edges"], ring.dims
    (((0, 1), (1, 2), (0, 2)), [2, 2, 2])
    >>> print(round(qb.ergotropy(ring.rho0, ring.H_battery), 12))  # omega / 2 per cell
    1.5
    """
    N = check_int(N, "N", minimum=1)
    omega, J, gamma, gamma_collective = check_network_params(
        omega, J, coupling, gamma, gamma_collective, decay)
    _check_network_memory(N, topology, coupling)
    edges = network_edges(N, topology)
    rho0, initial_name = _initial_state(initial, N)

    sm = ops.site_operators(ops.sigma_minus(), N)
    num = [s.dag() * s for s in sm]
    H_battery = omega * sum(num[1:], num[0])
    H = H_battery.copy()
    if J != 0.0 and edges:
        if coupling == "zz":
            sz = ops.site_operators(ops.sigma_z(), N)
            H = H + J * sum(sz[n] * sz[m] for n, m in edges)
        else:
            H = H + J * sum(sm[n].dag() * sm[m] + sm[m].dag() * sm[n] for n, m in edges)

    G = gamma * np.eye(N)
    for n, m in edges:
        G[n, m] = G[m, n] = gamma_collective
    scale = 0.5 if decay == "paper" else 1.0
    G = scale * G
    c_ops = kossakowski_c_ops(sm, G, name="gamma_collective")
    dissipator: list[tuple[tuple[qutip.Qobj, ...], np.ndarray]] = [(tuple(sm), G)]
    if decay == "paper" and gamma > 0:
        c_ops += [np.sqrt(gamma / 2) * n for n in num]
        dissipator.append((tuple(num), (gamma / 2) * np.eye(N)))

    params = dict(
        N=N,
        topology=topology if isinstance(topology, str) else "custom",
        edges=edges,
        omega=omega,
        J=J,
        coupling=coupling,
        gamma=gamma,
        gamma_collective=gamma_collective,
        initial=initial_name,
        decay=decay,
        dissipator=dissipator,
    )
    return BatteryModel(
        H=H,
        c_ops=tuple(c_ops),
        rho0=rho0,
        H_battery=H_battery,
        battery=tuple(range(N)),
        params=params,
        name="network",
        H_local=tuple(omega * ops.number() for _ in range(N)),
    )


def _check_network_memory(N: int, topology: Any, coupling: str) -> None:
    """Refuse a network whose ``2^N``-dimensional model cannot fit, before building it."""
    d = register_dimension(N, "full")
    n_edges = N * (N - 1) // 2 if isinstance(topology, str) and topology == "all_to_all" else N
    # site operators, H (one term per cell and per bond), 2 N collapse operators
    nnz = (4 * N + (2 if coupling == "xy" else 1) * n_edges + 4) * d
    advice = ("Use fewer cells; for an all-to-all network with uniform rates the Dicke-basis "
              "route qbtoolkit.dynamics.backends.permutation.network_permutation_dynamics(N, "
              "tlist, ...) needs O(N^3) numbers instead of 4^N.")
    check_register_memory(f"network(N={N})", d, nnz, advice=advice)

