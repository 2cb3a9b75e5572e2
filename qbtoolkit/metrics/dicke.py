r"""Energetic metrics of permutation-invariant N-qubit states stored in a reduced basis.

A permutation-invariant state of N qubits is ``rho = sum_j rho_j (x) 1_{d_j} / d_j``: each
Dicke block ``j`` appears ``d_j`` times in the full ``2^N`` space (``d_j`` the number of copies
of the spin-j irrep, :func:`qutip.piqs.state_degeneracy`), and the bare battery Hamiltonian
``H_B = omega0 sum_i sigma_+^i sigma_-^i`` has level ``n omega0`` with multiplicity
``binom(N, n)``. The full state's spectrum is therefore ``{mu / d_j}`` (each ``d_j`` times,
``mu`` the eigenvalues of the stored block ``rho_j``) and the passive state fills the *full*
binomially degenerate ladder (Allahverdyan, Balian & Nieuwenhuizen, EPL 67, 565 (2004)).

Diagonalising the stored ``(N+1)`` or PIQS matrix against its own diagonal Hamiltonian (what
:func:`qbtoolkit.ergotropy` does with the stored matrix) ignores both multiplicities and is
wrong for mixed states — the *degeneracy trap*. The functions here do it right; they are
tested against full ``2^N`` simulations.

Two layouts (:func:`dicke_blocks`): ``"symmetric"`` — the single block ``j = N/2`` in the
toolkit order (basis index = number of excited qubits, ground first); ``"piqs"`` — the
:mod:`qutip.piqs` Dicke basis (``j = N/2, N/2 - 1, ...``; inside a block ``m = j`` down to
``-j``; ``num_dicke_states(N)`` states).

:class:`DickeRepresentation` bundles a layout with ``N`` and ``omega0``; a
:class:`~qbtoolkit.models.BatteryModel` whose battery lives in such a basis carries one
(``model.representation``), and every metric evaluated through
:mod:`qbtoolkit.metrics.registry` (``Trajectory.evaluate``, sweeps, TOML studies) uses the
exact functions below or refuses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._linalg import clip_roundoff
from .._validate import as_states, check_choice, check_int, check_positive, check_spectrum
from .work import _passive_energy

__all__ = [
    "DickeRepresentation",
    "dicke_blocks",
    "permutation_invariant_ergotropy",
    "permutation_invariant_antiergotropy",
    "permutation_invariant_capacity",
    "permutation_invariant_energy",
    "permutation_invariant_energy_variance",
]

LAYOUTS = ("piqs", "symmetric")


@dataclass(frozen=True)
class DickeBlock:
    """One spin-``j`` block of the Dicke basis.

    Attributes
    ----------
    j : float
        Total spin of the block.
    start, size : int
        Position of the block in the stored matrix, and its dimension ``2 j + 1``.
    degeneracy : float
        ``d_j``, the number of copies of the irrep in the ``2^N`` space (a float: it can
        exceed ``2^63``).
    excitations : ndarray (size,)
        Number of excited qubits ``m + N/2`` of each basis state of the block.
    """

    j: float
    start: int
    size: int
    degeneracy: float
    excitations: np.ndarray


def dicke_blocks(N: int, basis: str = "piqs") -> list[DickeBlock]:
    """Layout of the Dicke-basis blocks of ``N`` qubits.

    Parameters
    ----------
    N : int
        Number of qubits (>= 1).
    basis : {"piqs", "symmetric"}, default "piqs"
        ``"piqs"``: the :mod:`qutip.piqs` ordering (``j = N/2, N/2 - 1, ...``; inside a block
        ``m = j`` down to ``-j``). ``"symmetric"``: the single block ``j = N/2`` in the toolkit
        order (index = number of excitations, ascending).

    Returns
    -------
    list of DickeBlock
        In storage order; ``d_j = binom(N, N/2 - j) (2 j + 1) / (N/2 + j + 1)``.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1, or an unknown ``basis``.
    """
    N = check_int(N, "N", minimum=1)
    check_choice(basis, "basis", LAYOUTS)
    if basis == "symmetric":
        return [DickeBlock(N / 2, 0, N + 1, 1.0, np.arange(N + 1.0))]
    out, start = [], 0
    j = N / 2
    while j >= 0:
        size = int(round(2 * j + 1))
        m = j - np.arange(size)
        dj = math.comb(N, int(round(N / 2 - j))) * size / (N / 2 + j + 1)
        out.append(DickeBlock(j, start, size, float(dj), m + N / 2))
        start += size
        j -= 1
    return out


def _passive_energy_binomial(vals: np.ndarray, counts: np.ndarray, N: int) -> np.ndarray:
    """Passive energy (units of omega0) of a spectrum ``vals`` (each with multiplicity
    ``counts``) on the full ladder ``n = 0..N`` with multiplicities ``binom(N, n)``.

    ``vals`` has shape ``(..., K)``; ``counts`` shape ``(K,)``. Largest eigenvalues fill the
    lowest levels; the overlap of each eigenvalue run with each level is integrated with the
    piecewise-linear cumulative energy ``F(x)`` of the first ``x`` levels.
    """
    order = np.argsort(-vals, axis=-1)
    v = np.take_along_axis(vals, order, axis=-1)
    c = np.asarray(counts, dtype=float)[order]
    hi = np.cumsum(c, axis=-1)
    lo = hi - c
    n = np.arange(N + 1.0)
    mult = np.array([float(math.comb(N, k)) for k in range(N + 1)])
    c_hi = np.cumsum(mult)
    c_lo = c_hi - mult
    f_lo = np.cumsum(n * mult) - n * mult

    def F(x: np.ndarray) -> np.ndarray:
        i = np.clip(np.searchsorted(c_hi, x, side="left"), 0, N)
        return f_lo[i] + (x - c_lo[i]) * n[i]

    return np.sum(v * (F(hi) - F(lo)), axis=-1)


def _layout_states(rho: Any, N: int, basis: str) -> tuple[np.ndarray, bool, list[DickeBlock]]:
    N = check_int(N, "N", minimum=1)
    blocks = dicke_blocks(N, basis)
    states, single = as_states(rho, "rho", check_positivity=False)
    D = blocks[-1].start + blocks[-1].size
    if states.shape[-1] != D:
        raise ValueError(
            f"rho has dimension {states.shape[-1]} but the {basis!r} layout for N={N} has {D}"
        )
    return states, single, blocks


def _excitations(blocks: list[DickeBlock]) -> np.ndarray:
    return np.concatenate([b.excitations for b in blocks])


def _stored_spectrum(
    states: np.ndarray, blocks: list[DickeBlock], naive: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues of the full-space state ``(..., K)`` and their multiplicities ``(K,)``."""
    mus, counts = [], []
    for b in blocks:
        sl = slice(b.start, b.start + b.size)
        mu = np.linalg.eigvalsh(states[..., sl, sl])
        check_spectrum(mu, "rho")
        mus.append(mu if naive else mu / b.degeneracy)
        counts.append(np.full(b.size, 1.0 if naive else b.degeneracy))
    return np.concatenate(mus, axis=-1), np.concatenate(counts)


def _out(x: np.ndarray, single: bool) -> float | np.ndarray:
    return float(x) if single else np.asarray(x)


def _energetics(rho: Any, N: int, omega0: float, basis: str) -> tuple[Any, ...]:
    """``(E, passive, single)`` in units of ``omega0`` (energy from the stored diagonal)."""
    omega0 = check_positive(omega0, "omega0")
    states, single, blocks = _layout_states(rho, N, basis)
    E = np.einsum("...ii,i->...", states, _excitations(blocks)).real
    vals, cnt = _stored_spectrum(states, blocks)
    return E, _passive_energy_binomial(vals, cnt, int(N)), single, omega0


def permutation_invariant_energy(
    rho: Any, N: int, omega0: float = 1.0, basis: str = "piqs"
) -> float | np.ndarray:
    """Mean energy ``Tr(rho H_B)`` of a permutation-invariant state (stored diagonal).

    ``H_B = omega0 sum_i sigma_+^i sigma_-^i`` is diagonal in both layouts; the energy needs
    only the stored diagonal.

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (D, D) or (..., D, D)
        State(s) in the ``basis`` layout: ``D = num_dicke_states(N)`` for ``"piqs"``,
        ``D = N + 1`` for ``"symmetric"`` (index = number of excitations). Coherences between
        different ``j`` blocks must vanish (they do for permutation-invariant states).
    N : int
        Number of qubits (>= 1).
    omega0 : float, default 1.0
        Qubit splitting (energy unit), > 0.
    basis : {"piqs", "symmetric"}, default "piqs"
        Layout of ``rho`` (see :func:`dicke_blocks`).

    Returns
    -------
    float or ndarray, shape (...)
        ``omega0 sum_{j,m} (m + N/2) <j m|rho|j m>`` (energy units): a float for one state, an
        array over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1, ``omega0`` not > 0, an unknown ``basis``, ``rho`` of the
        wrong dimension for the layout, not Hermitian or of unit trace, NaN/inf, or a block
        with a negative eigenvalue.
    """
    omega0 = check_positive(omega0, "omega0")
    states, single, blocks = _layout_states(rho, N, basis)
    return _out(omega0 * np.einsum("...ii,i->...", states, _excitations(blocks)).real, single)


def permutation_invariant_energy_variance(
    rho: Any, N: int, omega0: float = 1.0, basis: str = "piqs"
) -> float | np.ndarray:
    """Energy variance ``Tr(rho H_B^2) - Tr(rho H_B)^2`` of a permutation-invariant state.

    ``H_B`` is diagonal in both layouts, so the variance is that of the excitation-number
    distribution on the stored diagonal, computed about its mean (no cancellation).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (D, D) or (..., D, D)
        State(s) in the ``basis`` layout: ``D = num_dicke_states(N)`` for ``"piqs"``,
        ``D = N + 1`` for ``"symmetric"`` (index = number of excitations). Coherences between
        different ``j`` blocks must vanish (they do for permutation-invariant states).
    N : int
        Number of qubits (>= 1).
    omega0 : float, default 1.0
        Qubit splitting (energy unit), > 0.
    basis : {"piqs", "symmetric"}, default "piqs"
        Layout of ``rho`` (see :func:`dicke_blocks`).

    Returns
    -------
    float or ndarray, shape (...)
        Variance in energy units squared (>= 0): a float for one state, an array over the
        batch shape for a batch.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1, ``omega0`` not > 0, an unknown ``basis``, ``rho`` of the
        wrong dimension for the layout, not Hermitian or of unit trace, NaN/inf, or a block
        with a negative eigenvalue.
    """
    omega0 = check_positive(omega0, "omega0")
    states, single, blocks = _layout_states(rho, N, basis)
    n = _excitations(blocks)
    p = np.diagonal(states, axis1=-2, axis2=-1).real
    mean = p @ n
    var = np.sum(p * (n - mean[..., None]) ** 2, axis=-1)
    return _out(omega0**2 * np.maximum(var, 0.0), single)


def permutation_invariant_ergotropy(
    rho: Any, N: int, omega0: float = 1.0, basis: str = "piqs", naive: bool = False
) -> float | np.ndarray:
    """Ergotropy of a permutation-invariant N-qubit state stored in the Dicke basis.

    With ``H_B = omega0 sum_i sigma_+^i sigma_-^i`` on the full ``2^N`` space and the state
    ``rho = sum_j rho_j (x) 1_{d_j}/d_j`` (``rho_j`` the stored blocks):

    * energy ``E = omega0 sum_{j,m} (m + N/2) <j m|rho|j m>``;
    * spectrum ``{mu / d_j}`` with multiplicity ``d_j`` (``mu`` the eigenvalues of ``rho_j``);
    * passive energy: that spectrum in decreasing order on the full ladder
      ``n omega0`` with multiplicities ``binom(N, n)`` (Allahverdyan et al., EPL 67, 565,
      Eq. 4).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (D, D) or (..., D, D)
        State(s) in the ``basis`` layout: ``D = num_dicke_states(N)`` for ``"piqs"``,
        ``D = N + 1`` for ``"symmetric"`` (index = number of excitations). Coherences between
        different ``j`` blocks must vanish (they do for permutation-invariant states).
    N : int
        Number of qubits (>= 1).
    omega0 : float, default 1.0
        Qubit splitting (energy unit), > 0.
    basis : {"piqs", "symmetric"}, default "piqs"
        Layout of ``rho`` (see :func:`dicke_blocks`).
    naive : bool, default False
        Return instead the (wrong) ergotropy of the stored matrix against its own diagonal
        Hamiltonian, ignoring both degeneracies: what ``qbtoolkit.ergotropy`` gives on the
        stored matrix. For demonstrating the trap only.

    Returns
    -------
    float or ndarray, shape (...)
        Ergotropy (energy units), >= 0: a float for one state, an array over the batch shape
        for a batch.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1, ``omega0`` not > 0, an unknown ``basis``, ``rho`` of the
        wrong dimension for the layout, not Hermitian or of unit trace, NaN/inf, or a block
        with a negative eigenvalue.

    Examples
    --------
    Two qubits in the symmetric subspace (index = number of excitations), a mixture of the
    Dicke states ``|gg>``, ``(|ge> + |eg>)/sqrt 2`` and ``|ee>``:

    >>> import numpy as np
    >>> import qutip
    >>> import qbtoolkit as qb
    >>> p = [0.2, 0.3, 0.5]
    >>> print(round(qb.permutation_invariant_ergotropy(np.diag(p), 2, basis="symmetric"), 12))
    0.8
    >>> g, e = qb.ops.ground(), qb.ops.excited()  # the same state in the full 2^N space
    >>> dicke = [qutip.tensor(g, g), (qutip.tensor(g, e) + qutip.tensor(e, g)).unit(),
    ...          qutip.tensor(e, e)]
    >>> full = sum(pk * qutip.ket2dm(d) for pk, d in zip(p, dicke))
    >>> print(round(qb.ergotropy(full, np.diag([0.0, 1.0, 1.0, 2.0])), 12))
    0.8
    >>> print(round(qb.ergotropy(np.diag(p), np.diag([0.0, 1.0, 2.0])), 12))  # the trap
    0.6
    """
    if naive:
        omega0 = check_positive(omega0, "omega0")
        states, single, blocks = _layout_states(rho, N, basis)
        n_diag = _excitations(blocks)
        E = np.einsum("...ii,i->...", states, n_diag).real
        vals, _ = _stored_spectrum(states, blocks, naive=True)
        passive = _passive_energy(np.sort(vals, axis=-1), np.sort(n_diag))
        return _out(omega0 * clip_roundoff(E - passive, float(N)), single)
    E, passive, single, omega0 = _energetics(rho, N, omega0, basis)
    return _out(omega0 * clip_roundoff(E - passive, float(N)), single)


def permutation_invariant_antiergotropy(
    rho: Any, N: int, omega0: float = 1.0, basis: str = "piqs"
) -> float | np.ndarray:
    """Antiergotropy ``A = E_active - E >= 0`` of a permutation-invariant state.

    The ladder ``n omega0`` with multiplicity ``binom(N, n)`` is symmetric under
    ``n -> N - n``, so the active energy (largest eigenvalues on the highest levels) is
    ``N omega0 - E_passive`` (Yang et al., PRL 131, 030402 (2023)).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (D, D) or (..., D, D)
        State(s) in the ``basis`` layout: ``D = num_dicke_states(N)`` for ``"piqs"``,
        ``D = N + 1`` for ``"symmetric"`` (index = number of excitations). Coherences between
        different ``j`` blocks must vanish (they do for permutation-invariant states).
    N : int
        Number of qubits (>= 1).
    omega0 : float, default 1.0
        Qubit splitting (energy unit), > 0.
    basis : {"piqs", "symmetric"}, default "piqs"
        Layout of ``rho`` (see :func:`dicke_blocks`).

    Returns
    -------
    float or ndarray, shape (...)
        Antiergotropy (energy units), >= 0: a float for one state, an array over the batch
        shape for a batch.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1, ``omega0`` not > 0, an unknown ``basis``, ``rho`` of the
        wrong dimension for the layout, not Hermitian or of unit trace, NaN/inf, or a block
        with a negative eigenvalue.
    """
    E, passive, single, omega0 = _energetics(rho, N, omega0, basis)
    return _out(omega0 * clip_roundoff(int(N) - passive - E, float(N)), single)


def permutation_invariant_capacity(
    rho: Any, N: int, omega0: float = 1.0, basis: str = "piqs"
) -> float | np.ndarray:
    """Capacity ``K = E_active - E_passive = N omega0 - 2 E_passive`` (Yang et al., Eq. 2).

    Parameters
    ----------
    rho : Qobj, array_like or batch, shape (D, D) or (..., D, D)
        State(s) in the ``basis`` layout: ``D = num_dicke_states(N)`` for ``"piqs"``,
        ``D = N + 1`` for ``"symmetric"`` (index = number of excitations). Coherences between
        different ``j`` blocks must vanish (they do for permutation-invariant states).
    N : int
        Number of qubits (>= 1).
    omega0 : float, default 1.0
        Qubit splitting (energy unit), > 0.
    basis : {"piqs", "symmetric"}, default "piqs"
        Layout of ``rho`` (see :func:`dicke_blocks`).

    Returns
    -------
    float or ndarray, shape (...)
        Capacity (energy units), >= 0; equals ergotropy + antiergotropy. A float for one
        state, an array over the batch shape for a batch.

    Raises
    ------
    ValueError
        ``N`` not an integer >= 1, ``omega0`` not > 0, an unknown ``basis``, ``rho`` of the
        wrong dimension for the layout, not Hermitian or of unit trace, NaN/inf, or a block
        with a negative eigenvalue.
    """
    _, passive, single, omega0 = _energetics(rho, N, omega0, basis)
    return _out(omega0 * clip_roundoff(int(N) - 2 * passive, float(N)), single)


@dataclass(frozen=True)
class DickeRepresentation:
    """A battery of ``N`` identical qubits stored in a Dicke-basis layout.

    ``H_B = omega0 sum_i sigma_+^i sigma_-^i`` on the full ``2^N`` space. Energetic metrics on
    the stored states are computed exactly with the block degeneracies (this module); any
    other metric is refused by :func:`qbtoolkit.metrics.registry.evaluate`, because the stored
    matrix is not the ``2^N`` state.

    Parameters
    ----------
    N : int
        Number of qubits.
    omega0 : float
        Qubit splitting (energy unit), > 0.
    basis : {"symmetric", "piqs"}
        Layout of the stored battery states (see :func:`dicke_blocks`).
    """

    N: int
    omega0: float
    basis: str = "symmetric"

    def __post_init__(self) -> None:
        object.__setattr__(self, "N", check_int(self.N, "N", minimum=1))
        object.__setattr__(self, "omega0", check_positive(self.omega0, "omega0"))
        check_choice(self.basis, "basis", LAYOUTS)

    @property
    def description(self) -> str:
        """One line for error messages and reprs."""
        return f"{self.N} qubits in the {self.basis!r} Dicke layout"

    def exact(self, fn: Callable[..., Any]) -> Callable[[np.ndarray], Any] | None:
        """The exact version of the toolkit metric ``fn`` on stored states, or None.

        Parameters
        ----------
        fn : callable
            A metric function of the toolkit (``qbtoolkit.energy``, ``ergotropy``,
            ``antiergotropy``, ``capacity`` or ``energy_variance`` have exact versions).

        Returns
        -------
        callable or None
            ``states -> values`` (the matching ``permutation_invariant_*`` function bound to this
            ``N``, ``omega0`` and layout), or None if ``fn`` has no exact version here.
        """
        from . import work

        table = {
            work.energy: permutation_invariant_energy,
            work.ergotropy: permutation_invariant_ergotropy,
            work.antiergotropy: permutation_invariant_antiergotropy,
            work.capacity: permutation_invariant_capacity,
            work.energy_variance: permutation_invariant_energy_variance,
        }
        impl = table.get(fn)
        if impl is None:
            return None
        return lambda states: impl(states, self.N, self.omega0, self.basis)
