"""Sub-system arguments are validated, two-qubit metrics check the dims, and the public
batched partial trace ``qb.ptrace`` equals ``Qobj.ptrace`` on every kind of input."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st
from states import random_density

import qbtoolkit as qb
from qbtoolkit.metrics import graph

BELL = qutip.ket2dm(qutip.bell_state("00"))
GHZ = qutip.ket2dm(qutip.ghz_state(3))

BIPARTITE = (qb.negativity, qb.log_negativity, qb.entanglement_entropy,
             qb.mutual_information)
BAD_SUBSYS = [
    ([], "at least one subsystem"),
    ((), "at least one subsystem"),
    ([0.7], "integers"),
    (0.0, "subsystem index or a list"),
    ([True], "integers"),
    (True, "subsystem index or a list"),
    ("0", "subsystem index or a list"),
    ([0, 0], "twice"),
    ([3], "contains subsystem 3"),
    ([-1], "contains subsystem -1"),
    ([0, 1, 2], "leave at least one subsystem"),
    (None, "subsystem index or a list"),
]


@pytest.mark.parametrize("fn", BIPARTITE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("subsys, message", BAD_SUBSYS)
def test_bad_subsys_is_refused(fn, subsys, message):
    with pytest.raises(ValueError, match=rf"subsys .*{message}|subsys must .*{message}"):
        fn(GHZ, subsys)


@pytest.mark.parametrize("fn", (qb.entanglement_entropy, qb.mutual_information,
                                qb.relative_entropy_coherence), ids=lambda f: f.__name__)
@pytest.mark.parametrize("base", [1, 1.0, 0.5, 0, -2, np.nan, np.inf, "2", True, None, 2j])
def test_bad_base_is_refused(fn, base):
    with pytest.raises(ValueError, match="base must be"):
        fn(BELL, base=base)


@pytest.mark.parametrize("fn", BIPARTITE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dims, message", [
    ([2, 3], "multiply to 6"),
    ([4, 2], "multiply to 8"),
    ([2.0, 2.0], "integers >= 1"),
    ([True, 4], "integers >= 1"),
    ([0, 4], "integers >= 1"),
    ([], "non-empty"),
    (4, "list of subsystem dimensions"),
    ("22", "list of subsystem dimensions"),
    ([[2, 2], [2, 2]], "integers >= 1"),
])
def test_bad_dims_are_refused(fn, dims, message):
    with pytest.raises(ValueError, match=f"dims.*{message}"):
        fn(BELL.full(), 0, dims)


def test_dims_must_agree_with_qobj_dims():
    rho = qutip.rand_dm([2, 3], seed=1)
    with pytest.raises(ValueError, match=r"dims=\[3, 2\] disagree with rho's Qobj dims \[2, 3\]"):
        qb.negativity(rho, 0, dims=[3, 2])
    assert qb.negativity(rho, 0, dims=[2, 3]) == pytest.approx(qutip.negativity(rho, 0),
                                                               abs=1e-12)
    mixed = [qutip.rand_dm([2, 3], seed=1), qutip.rand_dm([3, 2], seed=2)]
    with pytest.raises(ValueError, match=r"rho\[1\] has dims \[3, 2\]"):
        qb.entanglement_entropy(mixed)


def test_valid_subsystem_arguments():
    # numpy integers and arrays are integers; an unsorted list means the same party
    assert qb.entanglement_entropy(GHZ, np.int64(1)) == pytest.approx(1.0, abs=1e-12)
    assert qb.mutual_information(GHZ, np.array([2, 0])) == pytest.approx(
        qb.mutual_information(GHZ, [0, 2]), abs=1e-14)
    assert qb.entanglement_entropy(BELL, 0, base=np.e) == pytest.approx(np.log(2), abs=1e-12)
    assert qb.entanglement_entropy(BELL, 0, base=4) == pytest.approx(0.5, abs=1e-12)


TWO_QUBIT = (qb.concurrence, qb.steering, qb.bell_chsh, qb.correlation_matrix)


@pytest.mark.parametrize("fn", TWO_QUBIT, ids=lambda f: f.__name__)
def test_two_qubit_metrics_check_qobj_dims(fn):
    arr = BELL.full()
    for dims in ([[4], [4]], [[1, 4], [1, 4]], [[4, 1], [4, 1]]):
        with pytest.raises(ValueError, match=r"two-qubit state \(dims \[2, 2\]\)"):
            fn(qutip.Qobj(arr, dims=dims))
        with pytest.raises(ValueError, match=r"two-qubit state \(dims \[2, 2\]\)"):
            fn([qutip.Qobj(arr, dims=dims)] * 2)
    with pytest.raises(ValueError, match="two-qubit state"):
        fn(GHZ)  # dims [2, 2, 2]
    with pytest.raises(ValueError, match="two-qubit state"):
        fn(GHZ.full())  # d = 8
    # a plain 4 x 4 array and a [2, 2] Qobj are two qubits
    np.testing.assert_allclose(fn(arr), fn(BELL), atol=1e-14)
    ket = qutip.Qobj(qutip.bell_state("00").full(), dims=[[4], [1]])
    with pytest.raises(ValueError, match="two-qubit state"):
        fn(ket)


def test_graph_pairs_are_validated():
    states = qutip.ket2dm(qutip.ghz_state(3)).full()
    for pairs, message in (([(0, 0)], "two distinct cells"), ([(0, 3)], "two distinct"),
                           ([(0, 1.0)], "integers"), ([(True, 1)], "integers"),
                           ([(0, 1, 2)], "pairs of cells"), ([0], "pairs of cells"),
                           ([], "at least one pair"), ("01", "at least one pair")):
        with pytest.raises(ValueError, match=f"pairs .*{message}|pairs must {message}"):
            graph.pairwise_concurrence(states, pairs)
    with pytest.raises(ValueError, match="n_sites"):
        graph.pair_reduced_states(states, [(0, 1)], n_sites=2.5)
    with pytest.raises(ValueError, match=r"N-qubit states \(Qobj dims \[2, 2, ...\]\)"):
        graph.mean_pairwise_concurrence(qutip.Qobj(states, dims=[[4, 2], [4, 2]]), [(0, 1)])
    np.testing.assert_allclose(  # GHZ: every two-qubit reduced state is separable
        graph.pairwise_concurrence(qutip.Qobj(states, dims=[[2] * 3] * 2), [(0, 1), (2, 0)]),
        [0.0, 0.0], atol=1e-12)


# ---------------------------------------------------------------- qb.ptrace
def _qobj_kinds(rng, dims):
    d = int(np.prod(dims))
    return qutip.Qobj(random_density(rng, d), dims=[dims, dims])


DIMS = [[2, 2], [2, 3], [3, 2, 2], [2, 2, 2, 2], [2, 1, 3], [4, 2, 3]]


def _keeps(n: int) -> list[list[int]]:
    out = [[i] for i in range(n)] + [[0, n - 1], list(range(n))]
    if n > 2:
        out += [[n - 1, 0, 1], [1, n - 1]]
    return out


@pytest.mark.parametrize("dims", DIMS, ids=str)
def test_ptrace_equals_qobj_ptrace(dims):
    rng = np.random.default_rng(len(dims) * 7 + dims[0])
    d = int(np.prod(dims))
    for keep in _keeps(len(dims)):
        rho = _qobj_kinds(rng, dims)
        ref = rho.ptrace(keep)
        out = qb.ptrace(rho, keep)
        assert isinstance(out, qutip.Qobj) and out.dims == ref.dims
        np.testing.assert_allclose(out.full(), ref.full(), atol=1e-13)
        ket = qutip.rand_ket(dims, seed=int(rng.integers(1000)))
        out = qb.ptrace(ket, keep)
        ref = qutip.ket2dm(ket).ptrace(keep)  # (Qobj.ptrace of a ket fails for dims with 1)
        assert out.dims == ref.dims
        np.testing.assert_allclose(out.full(), ref.full(), atol=1e-13)
        # batches: arrays (..., d, d), kets (..., d, 1), lists of Qobj -> ndarray
        batch = np.stack([random_density(rng, d) for _ in range(6)]).reshape(2, 3, d, d)
        loop = np.array([[qutip.Qobj(b, dims=[dims, dims]).ptrace(keep).full() for b in row]
                         for row in batch])
        np.testing.assert_allclose(qb.ptrace(batch, keep, dims), loop, atol=1e-13)
        qobjs = [qutip.Qobj(b, dims=[dims, dims]) for b in batch[0]]
        np.testing.assert_allclose(qb.ptrace(qobjs, keep), loop[0], atol=1e-13)
        kets = [qutip.rand_ket(dims, seed=s) for s in range(4)]
        arr = np.stack([k.full() for k in kets])  # (4, d, 1)
        loop = np.array([qutip.ket2dm(k).ptrace(keep).full() for k in kets])
        np.testing.assert_allclose(qb.ptrace(arr, keep, dims), loop, atol=1e-13)
        np.testing.assert_allclose(qb.ptrace(kets, keep), loop, atol=1e-13)
        np.testing.assert_allclose(qb.ptrace(arr[0, :, 0], keep, dims), loop[0], atol=1e-13)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), data=st.data())
def test_ptrace_random_qubit_registers(seed, n, data):
    rng = np.random.default_rng(seed)
    keep = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    d = 2**n
    rho = random_density(rng, d, rank=int(rng.integers(1, d + 1)))
    ref = qutip.Qobj(rho, dims=[[2] * n] * 2).ptrace(keep).full()
    np.testing.assert_allclose(qb.ptrace(rho, keep), ref, atol=1e-13)  # default: qubits
    # trace preserved, the full keep is the identity map
    assert np.trace(qb.ptrace(rho, keep)).real == pytest.approx(1.0, abs=1e-13)
    np.testing.assert_allclose(qb.ptrace(rho, list(range(n))), rho, atol=1e-15)


def test_ptrace_computes_in_double():
    rho = random_density(np.random.default_rng(1), 8)
    for dtype in (np.complex64,):
        low = rho.astype(dtype)
        out = qb.ptrace(low, [0], [2, 4])
        assert out.dtype == np.complex128
        np.testing.assert_allclose(out, qb.ptrace(low.astype(complex), [0], [2, 4]),
                                   atol=1e-15)
    assert qb.ptrace(np.eye(4, dtype=int), [1]).dtype == np.float64
    np.testing.assert_array_equal(qb.ptrace(np.eye(4, dtype=int), [1]), 2 * np.eye(2))


def test_ptrace_refusals():
    rho = qutip.rand_dm([2, 3, 2], seed=1)
    for keep, message in (([], "at least one"), ([0, 0], "twice"), ([3], "contains "
                          "subsystem 3"), ([0.5], "integers"), ([True], "integers"),
                          ("0", "index or a list")):
        with pytest.raises(ValueError, match=f"keep .*{message}|keep must .*{message}"):
            qb.ptrace(rho, keep)
    with pytest.raises(ValueError, match=r"dims=\[3, 2, 2\] disagree with the Qobj's dims"):
        qb.ptrace(rho, [0], dims=[3, 2, 2])
    with pytest.raises(ValueError, match="dims.*multiply to 8, not the dimension 12"):
        qb.ptrace(rho.full(), [0], dims=[2, 2, 2])
    with pytest.raises(ValueError, match="dims must be given for a space of dimension 12"):
        qb.ptrace(rho.full(), [0])
    with pytest.raises(ValueError, match="states must be a ket or an operator"):
        qb.ptrace(qutip.rand_ket([2, 2]).dag(), [0])
    with pytest.raises(ValueError, match="states must be kets"):
        qb.ptrace(np.ones((4, 3)), [0])
    with pytest.raises(ValueError, match="states must be a Qobj, a list of Qobj or a numeric"):
        qb.ptrace("rho", [0])
    bad = rho.full()
    bad[5, 7] = np.inf  # an entry the partial trace would never read is still refused
    with pytest.raises(ValueError, match="states contains NaN or inf"):
        qb.ptrace(bad, [0], [2, 3, 2])
    big = np.zeros((3, 64, 64), dtype=complex)
    big[2, 3, 60] = np.nan
    with pytest.raises(ValueError, match="states contains NaN or inf"):
        qb.ptrace(big, [0])
