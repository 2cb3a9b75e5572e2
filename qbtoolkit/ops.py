"""Qubit operators and states in the toolkit's convention.

Convention (see ``CONVENTIONS.md``): basis index 0 is the ground state ``|g>`` and index 1
the excited state ``|e>``, so the computational basis is ordered by energy.

* ``sigma_minus() = |g><e|`` (identical to ``qutip.destroy(2)``),
* ``sigma_plus() = |e><g|``,
* ``sigma_z() = |e><e| - |g><g| = diag(-1, +1)``,
* ``sigma_x() = sigma_plus + sigma_minus``, ``sigma_y() = -i (sigma_plus - sigma_minus)``,
  so that ``[sigma_x, sigma_y] = 2 i sigma_z`` holds in this basis.

QuTiP's own ``sigmaz()``/``sigmam()`` treat index 0 as *excited*; do not mix them with these.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import qutip

from ._validate import check_int

__all__ = [
    "ground",
    "excited",
    "bloch_state",
    "sigma_minus",
    "sigma_plus",
    "sigma_z",
    "sigma_x",
    "sigma_y",
    "number",
    "embed",
    "site_operators",
    "product_state",
]


def ground() -> qutip.Qobj:
    """Ground state ``|g>`` of a qubit (basis index 0).

    Returns
    -------
    Qobj
        Ket ``(1, 0)``, dims ``[[2], [1]]``.
    """
    return qutip.basis(2, 0)


def excited() -> qutip.Qobj:
    """Excited state ``|e>`` of a qubit (basis index 1).

    Returns
    -------
    Qobj
        Ket ``(0, 1)``, dims ``[[2], [1]]``.
    """
    return qutip.basis(2, 1)


def bloch_state(theta: float, phi: float = 0.0) -> qutip.Qobj:
    """Pure qubit state ``cos(theta/2)|g> + exp(i phi) sin(theta/2)|e>``.

    Downing & Ukhtary (2026), Eq. 1: ``theta = 0`` is the empty (ground) pole and
    ``theta = pi`` the full (excited) pole. With this toolkit's operators the Bloch vector is
    ``(<sigma_x>, <sigma_y>, <sigma_z>) = (sin theta cos phi, -sin theta sin phi, -cos theta)``.

    Parameters
    ----------
    theta, phi : float
        Polar and azimuthal Bloch angles (rad); ``phi`` defaults to 0.

    Returns
    -------
    Qobj
        Normalised ket, dims ``[[2], [1]]``.

    Raises
    ------
    ValueError
        ``theta`` or ``phi`` not a finite real number.

    Examples
    --------
    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> psi = qb.ops.bloch_state(np.pi / 3)
    >>> print(round(qutip.expect(qb.ops.number(), psi), 12))  # sin^2(theta / 2)
    0.25
    >>> print(round(qutip.expect(qb.ops.sigma_z(), psi), 12))  # -cos(theta)
    -0.5
    """
    theta = float(theta)
    phi = float(phi)
    if not (np.isfinite(theta) and np.isfinite(phi)):
        raise ValueError(f"theta and phi must be finite, got theta={theta}, phi={phi}")
    return np.cos(theta / 2) * ground() + np.exp(1j * phi) * np.sin(theta / 2) * excited()


def sigma_minus() -> qutip.Qobj:
    """Lowering operator ``|g><e|`` (equals ``qutip.destroy(2)``).

    Returns
    -------
    Qobj
        ``[[0, 1], [0, 0]]``, dims ``[[2], [2]]``.
    """
    return qutip.destroy(2)


def sigma_plus() -> qutip.Qobj:
    """Raising operator ``|e><g|``.

    Returns
    -------
    Qobj
        ``[[0, 0], [1, 0]]``, dims ``[[2], [2]]``.
    """
    return qutip.create(2)


def sigma_z() -> qutip.Qobj:
    """Population inversion ``|e><e| - |g><g| = diag(-1, +1)``.

    Returns
    -------
    Qobj
        ``diag(-1, 1)``, dims ``[[2], [2]]`` (the opposite sign of ``qutip.sigmaz()``).
    """
    return qutip.Qobj(np.diag([-1.0, 1.0]))


def sigma_x() -> qutip.Qobj:
    """Pauli x, ``sigma_plus + sigma_minus``.

    Returns
    -------
    Qobj
        ``[[0, 1], [1, 0]]``, dims ``[[2], [2]]``.
    """
    return sigma_plus() + sigma_minus()


def sigma_y() -> qutip.Qobj:
    """Pauli y, ``-i (sigma_plus - sigma_minus)``, so that ``sigma_x sigma_y = i sigma_z``.

    Returns
    -------
    Qobj
        ``[[0, i], [-i, 0]]``, dims ``[[2], [2]]``.
    """
    return -1j * (sigma_plus() - sigma_minus())


def number() -> qutip.Qobj:
    """Excitation number ``sigma_plus sigma_minus = |e><e|``.

    Returns
    -------
    Qobj
        ``diag(0, 1)``, dims ``[[2], [2]]``.
    """
    return qutip.num(2)


def embed(
    op: qutip.Qobj, site: int, n_sites: int, dims: Sequence[int] | None = None
) -> qutip.Qobj:
    """Place a single-site operator on ``site`` of an ``n_sites`` tensor product.

    Parameters
    ----------
    op : Qobj
        Operator acting on one subsystem.
    site : int
        Index of the subsystem (0-based, in the model's listing order).
    n_sites : int
        Number of subsystems (>= 1).
    dims : sequence of int, optional
        Local dimensions of all subsystems; default: every subsystem has ``op``'s dimension.

    Returns
    -------
    Qobj
        ``1 x ... x op x ... x 1`` with dims ``[dims, dims]``, stored in CSR (the format
        QuTiP's Liouvillians and solvers are fastest with).

    Raises
    ------
    ValueError
        ``op`` not a Qobj operator; ``site`` or ``n_sites`` not integers, ``site >= n_sites``;
        ``dims`` of the wrong length or disagreeing with ``op``'s dimension at ``site``.

    Examples
    --------
    >>> import qbtoolkit as qb
    >>> op = qb.ops.embed(qb.ops.number(), 1, 3)   # |e><e| on the middle qubit
    >>> op.dims
    [[2, 2, 2], [2, 2, 2]]
    >>> op.diag().real.tolist()
    [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    """
    n_sites = check_int(n_sites, "n_sites", minimum=1)
    site = check_int(site, "site", minimum=0)
    if site >= n_sites:
        raise ValueError(f"site must be < n_sites={n_sites}, got {site}")
    if not isinstance(op, qutip.Qobj) or not op.isoper:
        raise ValueError("op must be a qutip.Qobj operator")
    local = [op.shape[0]] * n_sites if dims is None else [int(d) for d in dims]
    if len(local) != n_sites:
        raise ValueError(f"dims must have n_sites={n_sites} entries, got {len(local)}")
    if local[site] != op.shape[0]:
        raise ValueError(
            f"op has dimension {op.shape[0]} but dims[{site}] = {local[site]}"
        )
    factors = [qutip.qeye(d) for d in local]
    factors[site] = op
    # CSR: the format QuTiP's liouvillian and solvers are fastest with (tensor gives Dia)
    return qutip.tensor(factors).to("csr")


def site_operators(op: qutip.Qobj, n_sites: int) -> list[qutip.Qobj]:
    """``op`` on each site: ``[embed(op, i, n_sites) for i in range(n_sites)]``.

    Parameters
    ----------
    op : Qobj
        Single-site operator.
    n_sites : int
        Number of (identical) sites, >= 1.

    Returns
    -------
    list of Qobj
        ``n_sites`` operators on the full space (CSR), site 0 first.

    Raises
    ------
    ValueError
        ``n_sites`` not an integer >= 1, or ``op`` not a Qobj operator.
    """
    return [embed(op, i, n_sites) for i in range(check_int(n_sites, "n_sites", minimum=1))]


def product_state(states: Sequence[qutip.Qobj]) -> qutip.Qobj:
    """Tensor product of single-site states (kets or density matrices, not mixed).

    Kets give a ket; if any factor is a density matrix all kets are promoted to density
    matrices first.

    Parameters
    ----------
    states : sequence of Qobj
        Kets or density matrices, site 0 first; at least one.

    Returns
    -------
    Qobj
        The product ket (all factors kets) or density matrix, dims the concatenation of the
        factors' dims.

    Raises
    ------
    ValueError
        An empty sequence, or an item that is not a Qobj.
    """
    states = list(states)
    if not states:
        raise ValueError("states must contain at least one state")
    if any(not isinstance(s, qutip.Qobj) for s in states):
        raise ValueError("states must all be qutip.Qobj kets or density matrices")
    if all(s.isket for s in states):
        return qutip.tensor(states)
    return qutip.tensor([qutip.ket2dm(s) if s.isket else s for s in states])
