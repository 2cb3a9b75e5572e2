"""NaN and inf are refused by every public metric, naming the argument; no LinAlgError
reaches a user.

Every function in ``qbtoolkit.metrics.__all__`` defined in the metric modules (work,
coherence, texture, correlations, nonlocality), the graph metrics and ``qbtoolkit.ptrace``
get a NaN or an inf in every form a state can take (ndarray, batch, Qobj, list of Qobj, ket
as array and as Qobj), in several positions (diagonal, one off-diagonal entry, complex inf),
and in the Hamiltonian where they take one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import qutip
import scipy.sparse as sp
from states import random_density

import qbtoolkit as qb
from qbtoolkit import metrics
from qbtoolkit.metrics import coherence, correlations, graph, nonlocality, texture, work

H4 = np.diag([0.0, 1.0, 2.2, 3.5])
PAIRS = [(0, 1)]

#: metric name -> call(rho, H) on a two-qubit state (d = 4); H is used where taken.
CALLS = {
    "energy": lambda r, H: qb.energy(r, H),
    "passive_state": lambda r, H: qb.passive_state(r, H),
    "active_state": lambda r, H: qb.active_state(r, H),
    "ergotropy": lambda r, H: qb.ergotropy(r, H),
    "antiergotropy": lambda r, H: qb.antiergotropy(r, H),
    "capacity": lambda r, H: qb.capacity(r, H),
    "incoherent_ergotropy": lambda r, H: qb.incoherent_ergotropy(r, H),
    "coherent_ergotropy": lambda r, H: qb.coherent_ergotropy(r, H),
    "energy_variance": lambda r, H: qb.energy_variance(r, H),
    "l1_coherence": lambda r, H: qb.l1_coherence(r, H=H),
    "relative_entropy_coherence": lambda r, H: qb.relative_entropy_coherence(r, H=H),
    "imaginarity": lambda r, H: qb.imaginarity(r),
    "state_texture": lambda r, H: qb.state_texture(r),
    "concurrence": lambda r, H: qb.concurrence(r),
    "negativity": lambda r, H: qb.negativity(r),
    "log_negativity": lambda r, H: qb.log_negativity(r),
    "entanglement_entropy": lambda r, H: qb.entanglement_entropy(r),
    "mutual_information": lambda r, H: qb.mutual_information(r),
    "correlation_matrix": lambda r, H: qb.correlation_matrix(r),
    "steering": lambda r, H: qb.steering(r),
    "bell_chsh": lambda r, H: qb.bell_chsh(r),
}
TAKES_H = {n for n in CALLS if n in work.__all__} | {"l1_coherence",
                                                       "relative_entropy_coherence"}
#: functions whose state argument is called ``states``
STATES_CALLS = {
    "pair_reduced_states": lambda s: graph.pair_reduced_states(s, PAIRS),
    "pairwise_concurrence": lambda s: graph.pairwise_concurrence(s, PAIRS),
    "mean_pairwise_concurrence": lambda s: graph.mean_pairwise_concurrence(s, PAIRS),
    "normalised_l1_coherence": lambda s: graph.normalised_l1_coherence(s),
    "ptrace": lambda s: qb.ptrace(s, [0]),
}
MINE = {m.__name__ for m in (work, coherence, texture, correlations, nonlocality)}


def test_every_public_metric_is_covered():
    mine = {n for n in metrics.__all__ if getattr(metrics, n).__module__ in MINE}
    assert mine == set(CALLS), "add the new metric to CALLS"
    assert set(graph.__all__) | {"ptrace"} == set(STATES_CALLS)


BAD = [np.nan, np.inf, -np.inf, complex(0, np.inf), complex(np.nan, 1.0)]
POSITIONS = [(0, 0), (1, 2), (3, 3)]


def _poisoned(value, pos) -> np.ndarray:
    rho = random_density(np.random.default_rng(1), 4)
    rho[pos] = value  # one entry (an off-diagonal one breaks Hermiticity too)
    return rho


def _forms(value, pos):
    """The same poisoned state as ndarray, batch, Qobj, list of Qobj."""
    rho = _poisoned(value, pos)
    good = random_density(np.random.default_rng(2), 4)
    dims = [[2, 2], [2, 2]]
    yield "array", rho
    yield "batch", np.stack([good, rho, good]).reshape(3, 4, 4)
    yield "Qobj", qutip.Qobj(rho, dims=dims)
    yield "list of Qobj", [qutip.Qobj(good, dims=dims), qutip.Qobj(rho, dims=dims)]


def _poisoned_forms() -> Iterator[Any]:
    """Every form of every poisoned state: each bad value at each position.

    Yields
    ------
    ndarray, Qobj or list of Qobj
        One poisoned input (see :func:`_forms`).
    """
    for value in BAD:
        for pos in POSITIONS:
            for _, rho in _forms(value, pos):
                yield rho


def _kets(value):
    v = np.full(4, 0.5, dtype=complex)
    v[2] = value
    yield "ket array", v
    yield "ket Qobj", qutip.Qobj(v.reshape(4, 1), dims=[[2, 2], [1, 1]])
    yield "list of kets", [qutip.Qobj(np.full((4, 1), 0.5), dims=[[2, 2], [1, 1]]),
                           qutip.Qobj(v.reshape(4, 1), dims=[[2, 2], [1, 1]])]


def _refused(call, match: str) -> None:
    with pytest.raises(ValueError, match=match) as info:
        call()
    assert not isinstance(info.value, np.linalg.LinAlgError)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_nonfinite_state_is_refused(name):
    call = CALLS[name]
    for rho in _poisoned_forms():
        _refused(lambda rho=rho: call(rho, H4), r"rho(\[\d+\])? contains NaN or inf")
    for value in BAD:
        for _, ket in _kets(value):
            _refused(lambda ket=ket: call(ket, H4), r"rho(\[\d+\])? contains NaN or inf")


@pytest.mark.parametrize("name", sorted(STATES_CALLS))
def test_nonfinite_states_argument_is_refused(name):
    call = STATES_CALLS[name]
    for rho in _poisoned_forms():
        _refused(lambda rho=rho: call(rho), r"states(\[\d+\])? contains NaN or inf")


@pytest.mark.parametrize("name", sorted(TAKES_H))
def test_nonfinite_hamiltonian_is_refused(name):
    call = CALLS[name]
    rho = random_density(np.random.default_rng(3), 4)
    for value in BAD:
        for pos in ((0, 0), (3, 3)):
            H = H4.astype(complex)
            H[pos] = value
            for form in (H, qutip.Qobj(H, dims=[[2, 2], [2, 2]]), np.stack([H4, H])):
                _refused(lambda form=form: call(rho, form), "H contains NaN or inf")
        # a Hermitian pair of infinite couplings
        H = H4.astype(complex)
        H[0, 1] = H[1, 0] = value
        _refused(lambda H=H: call(rho, H), "H contains NaN or inf")


def test_issue_examples():
    rho = np.diag([0.5, 0.25, 0.25, 0.0]).astype(complex)
    rho[3, 3] = np.nan
    with pytest.raises(ValueError, match="rho contains NaN or inf"):
        qb.capacity(rho, H4)
    with pytest.raises(ValueError, match="rho contains NaN or inf"):
        qb.mutual_information(rho)


def test_huge_energies_overflow_is_refused():
    rho = random_density(np.random.default_rng(4), 2)
    with pytest.raises(ValueError, match="overflows double precision"):
        qb.energy_variance(rho, np.diag([-1e200, 1e200]))


def test_sparse_and_dense_qobj_hamiltonians():
    from qbtoolkit._validate import check_qobj_hermitian

    # a sparse H with stored NaN entries (built as scipy CSR: QuTiP's dense -> CSR
    # conversion would drop them)
    nan_csr = sp.csr_matrix((np.array([np.nan, np.nan, 1.0]), ([0, 1, 1], [1, 0, 1])),
                            shape=(2, 2))
    for fmt in ("csr", "dense", "dia"):
        H = qutip.Qobj(nan_csr).to(fmt)
        with pytest.raises(ValueError, match="H contains NaN or inf"):
            check_qobj_hermitian(H, "H")
        H = qutip.Qobj(sp.csr_matrix(np.diag([1.0, np.inf]))).to(fmt)
        with pytest.raises(ValueError, match="H_battery contains NaN or inf"):
            check_qobj_hermitian(H, "H_battery")
        with pytest.raises(ValueError, match="H contains NaN or inf"):
            qb.ergotropy(np.eye(2) / 2, qutip.Qobj(nan_csr).to(fmt))


@pytest.mark.parametrize("fn", ["eigvalsh", "eigh", "svd", "cholesky"])
def test_linalg_errors_never_reach_the_user(monkeypatch, fn):
    """Whatever LAPACK routine fails, a metric raises a plain ValueError naming rho or H."""
    def fail(*args, **kwargs):
        raise np.linalg.LinAlgError("did not converge")

    rho = random_density(np.random.default_rng(5), 4)
    H = H4 + 0.1 * np.ones((4, 4))  # not diagonal: H is diagonalised too
    monkeypatch.setattr(np.linalg, fn, fail)
    for name, call in CALLS.items():
        try:
            call(rho, H)
        except ValueError as exc:
            assert not isinstance(exc, np.linalg.LinAlgError), name
            assert str(exc).startswith(("rho", "H")), (name, str(exc))
    for name, call in STATES_CALLS.items():
        try:
            call(rho)
        except ValueError as exc:
            assert not isinstance(exc, np.linalg.LinAlgError), name
