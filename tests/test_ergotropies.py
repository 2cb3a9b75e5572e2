"""The ergotropy family (metrics.ergotropies) against closed forms and brute force.

Closed forms: the qubit ergotropy, a Bell state fully locked, pure and Gibbs states for the
asymptotic ergotropy, omega/2 daemonic ergotropy of a Bell state. Brute force: the ergotropy
of the explicit tensor power rho^(x)n for n <= 4, an independent root find (scipy.brentq) for
the Gibbs state of given entropy.
"""

import time

import numpy as np
import pytest
import qutip
import scipy.optimize as so
from hypothesis import given, settings
from hypothesis import strategies as st

import qbtoolkit as qb
from qbtoolkit import ops
from qbtoolkit.metrics import (
    asymptotic_ergotropy,
    daemonic_ergotropy,
    local_ergotropies,
    locked_ergotropy,
    multi_copy_ergotropy,
)

N = qutip.num(2)  # omega = 1: |e><e|


def qubit_erg(rho, w=1.0):
    r = rho.full() if isinstance(rho, qutip.Qobj) else rho
    ree, reg = r[1, 1].real, abs(r[1, 0])
    return w * (ree - 0.5 + 0.5 * np.sqrt((1 - 2 * ree) ** 2 + 4 * reg**2))


def brute(rho, H, n):
    R, Hn = rho, H
    d = H.shape[0]
    for k in range(1, n):
        R = np.kron(R, rho)
        Hn = np.kron(Hn, np.eye(d)) + np.kron(np.eye(d**k), H)
    return qb.ergotropy(R, Hn) / n


def rand_state(d, seed, rank=None):
    return qutip.rand_dm(d, rank=rank, seed=seed).full()


# ----------------------------------------------------------------------------- local / locked
def test_local_ergotropies_are_the_reduced_states_ergotropies():
    a, b = qutip.rand_dm(2, seed=1), qutip.rand_dm(2, seed=2)
    rho = qutip.tensor(a, b)
    W = local_ergotropies(rho, [N, 2.0 * N])
    np.testing.assert_allclose(W, [qubit_erg(a), qubit_erg(b, 2.0)], atol=1e-13)
    batch = np.stack([rho.full(), qutip.ket2dm(qutip.bell_state("00")).full()])
    Wb = local_ergotropies(batch, [N, 2.0 * N])
    assert Wb.shape == (2, 2)
    np.testing.assert_allclose(Wb[0], W, atol=1e-14)
    np.testing.assert_allclose(Wb[1], 0.0, atol=1e-14)  # locally maximally mixed


def test_bell_state_is_fully_locked():
    bell = qutip.bell_state("00")  # (|gg> + |ee>)/sqrt 2
    H_locals = [1.0 * N, 0.6 * N]
    assert locked_ergotropy(bell, H_locals) == pytest.approx((1.0 + 0.6) / 2, abs=1e-13)
    H = qutip.tensor(N, qutip.qeye(2)) + 0.6 * qutip.tensor(qutip.qeye(2), N)
    assert locked_ergotropy(bell, H_locals) == pytest.approx(qb.ergotropy(bell, H), abs=1e-14)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), w=st.floats(0.1, 10.0))
def test_products_of_qubits_with_equal_hamiltonians_have_no_locked_ergotropy(seed, w):
    rho = qutip.tensor(qutip.rand_dm(2, seed=seed), qutip.rand_dm(2, seed=seed + 1))
    assert locked_ergotropy(rho, [w * N, w * N]) == pytest.approx(0.0, abs=1e-12 * w)


def test_products_with_different_local_spectra_can_be_locked():
    """Passive (x) passive is not passive when the spectra differ: a global swap of |eg> and
    |ge> extracts 0.06 * 1 + 0.36 * 3 - (0.36 * 1 + 0.06 * 3) = 0.6."""
    rho = np.kron(np.diag([0.9, 0.1]), np.diag([0.6, 0.4]))
    assert locked_ergotropy(rho, [N, 3.0 * N]) == pytest.approx(0.6, abs=1e-13)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_locked_ergotropy_is_nonnegative_and_bounded(seed):
    rng = np.random.default_rng(seed)
    rho = rand_state(6, seed)
    Hs = [np.diag(rng.uniform(0, 2, 2)), np.diag(rng.uniform(0, 2, 3))]
    L = locked_ergotropy(rho, Hs, dims=[2, 3])
    total = qb.ergotropy(rho, np.kron(Hs[0], np.eye(3)) + np.kron(np.eye(2), Hs[1]))
    assert -1e-14 <= L <= total + 1e-14


# ----------------------------------------------------------------------------- asymptotic
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), w=st.floats(1e-3, 1e3))
def test_asymptotic_ergotropy_of_a_qubit_is_its_ergotropy(seed, w):
    rho = qutip.rand_dm(2, seed=seed)
    assert asymptotic_ergotropy(rho, w * N) == pytest.approx(qubit_erg(rho, w), abs=1e-12 * w)


def test_asymptotic_ergotropy_pure_gibbs_and_bounds():
    H = np.diag([0.0, 0.7, 1.1, 3.0])
    psi = rand_state(4, 3, rank=1)
    assert asymptotic_ergotropy(psi, H) == pytest.approx(qb.ergotropy(psi, H), abs=1e-13)
    for beta in (0.0, 0.3, 2.0, 40.0):
        G = np.diag(np.exp(-beta * np.diag(H)))
        assert asymptotic_ergotropy(G / np.trace(G), H) == pytest.approx(0.0, abs=1e-12)
    rho = np.stack([rand_state(4, k) for k in range(6)])
    Winf = asymptotic_ergotropy(rho, H)
    E0 = qb.energy(rho, H)
    assert np.all(qb.ergotropy(rho, H) <= Winf + 1e-13) and np.all(Winf <= E0 + 1e-13)
    # degenerate ground level: a state inside it has entropy up to ln 2 and no work at all
    Hd = np.diag([0.0, 0.0, 1.0])
    inside = np.diag([0.5, 0.5, 0.0])
    assert asymptotic_ergotropy(inside, Hd) == pytest.approx(0.0, abs=1e-15)
    excited = np.diag([0.0, 0.0, 1.0])
    assert asymptotic_ergotropy(excited, Hd) == pytest.approx(1.0, abs=1e-14)


def test_asymptotic_ergotropy_against_an_independent_root_find():
    eps = np.array([0.0, 1.0, 3.0])
    rho = rand_state(3, 11)
    p = np.linalg.eigvalsh(rho)
    S = -np.sum(p * np.log(p))

    def entropy(beta):
        w = np.exp(-beta * eps)
        q = w / w.sum()
        return -np.sum(q * np.log(q))

    beta = so.brentq(lambda b: entropy(b) - S, 0.0, 200.0, xtol=1e-15)
    q = np.exp(-beta * eps)
    q /= q.sum()
    ref = np.trace(rho @ np.diag(eps)).real - q @ eps
    assert asymptotic_ergotropy(rho, np.diag(eps)) == pytest.approx(ref, abs=1e-12)
    # units: H -> c H scales the result by c, in every unit
    for c in (1e-12, 1e12):
        assert asymptotic_ergotropy(rho, c * np.diag(eps)) / c == pytest.approx(ref, rel=1e-10)


# ----------------------------------------------------------------------------- multi-copy
RHO3, H3 = np.diag([0.6, 0.25, 0.15]), np.diag([0.0, 1.0, 3.0])


def test_multi_copy_matches_brute_force_and_is_not_monotone():
    W = [multi_copy_ergotropy(RHO3, H3, n) for n in range(1, 5)]
    for n, w in enumerate(W, start=1):
        assert w == pytest.approx(brute(RHO3, H3, n), abs=1e-13)
    assert W[0] == 0.0  # passive
    assert W[2] > W[3]  # W_3/3 = 0.0229167 > W_4/4 = 0.0208656
    assert W[2] == pytest.approx(0.02291666666666, abs=1e-12)
    assert W[3] == pytest.approx(0.020865625, abs=1e-12)


def test_multi_copy_random_states_brute_force(rng):
    for seed in range(3):
        rho = rand_state(3, seed)
        H = np.diag(np.sort(rng.uniform(0, 2, 3)))
        for n in (1, 2, 3, 4):
            assert multi_copy_ergotropy(rho, H, n) == pytest.approx(brute(rho, H, n),
                                                                    abs=1e-12)
    rho4 = rand_state(4, 5)
    H4 = qutip.Qobj(np.diag([0.0, 1.0, 2.5, 4.0]))
    assert multi_copy_ergotropy(rho4, H4, 3) == pytest.approx(brute(rho4, H4.full(), 3),
                                                              abs=1e-12)


def test_multi_copy_bounds_superadditivity_and_limit():
    rho = rand_state(3, 21)
    W1, Winf = qb.ergotropy(rho, H3), asymptotic_ergotropy(rho, H3)
    W = {n: multi_copy_ergotropy(rho, H3, n) for n in (1, 2, 4, 8, 16, 100, 200, 1000)}
    assert W[1] == pytest.approx(W1, abs=1e-14)
    for w in W.values():
        assert W1 - 1e-13 <= w <= Winf + 1e-13
    for n in (1, 2, 4, 8, 100):
        assert W[2 * n] >= W[n] - 1e-13  # W_kn / kn >= W_n / n
    gaps = [Winf - W[n] for n in (16, 100, 1000)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 3e-3 * Winf


def test_multi_copy_of_a_qubit_equals_the_single_copy_ergotropy():
    rho = qutip.rand_dm(2, seed=3)
    for n in (2, 7, 1000):
        assert multi_copy_ergotropy(rho, N, n) == pytest.approx(qubit_erg(rho), abs=1e-12)


def test_multi_copy_is_fast_for_many_copies():
    rho2, rho4 = qutip.rand_dm(2, seed=1), qutip.rand_dm(4, seed=2)
    t = time.perf_counter()
    multi_copy_ergotropy(rho2, N, 1000)
    multi_copy_ergotropy(rho4, np.diag([0.0, 1.0, 2.5, 4.0]), 50)
    assert time.perf_counter() - t < 1.0
    batch = np.stack([rand_state(3, k) for k in range(3)])
    np.testing.assert_allclose(multi_copy_ergotropy(batch, H3, 5),
                               [multi_copy_ergotropy(b, H3, 5) for b in batch], atol=1e-15)


@pytest.mark.parametrize("n", [0, -2, 1.5, True, "3", None])
def test_multi_copy_refuses_bad_n(n):
    with pytest.raises(ValueError, match="n"):
        multi_copy_ergotropy(RHO3, H3, n)


def test_multi_copy_refuses_too_many_types():
    with pytest.raises(ValueError, match="asymptotic_ergotropy"):
        multi_copy_ergotropy(np.eye(8) / 8, np.diag(np.arange(8.0)), 60)


# ----------------------------------------------------------------------------- daemonic
Z_MEAS = [qutip.basis(2, 0).proj(), qutip.basis(2, 1).proj()]


def test_daemonic_ergotropy_of_a_bell_state():
    bell = qutip.bell_state("00")
    assert qb.ergotropy(bell.ptrace(0), N) == pytest.approx(0.0, abs=1e-15)
    assert daemonic_ergotropy(bell, N, Z_MEAS) == pytest.approx(0.5, abs=1e-14)
    assert daemonic_ergotropy(bell, N, [qutip.basis(2, 0), qutip.basis(2, 1)]) == \
        pytest.approx(0.5, abs=1e-14)  # kets are projectors
    assert daemonic_ergotropy(bell, N, [qutip.qeye(2)]) == pytest.approx(0.0, abs=1e-15)
    # battery as the second subsystem, array input with dims
    assert daemonic_ergotropy(qutip.ket2dm(bell).full(), 2.0 * N, Z_MEAS, dims=[2, 2],
                              battery=1) == \
        pytest.approx(1.0, abs=1e-14)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), outcomes=st.integers(1, 4))
def test_daemonic_ergotropy_is_at_least_the_ergotropy(seed, outcomes):
    rng = np.random.default_rng(seed)
    rho = qutip.rand_dm([2, 3], seed=seed)
    H = qutip.Qobj(np.diag(np.sort(rng.uniform(0, 2, 2))))
    # a random POVM on the qutrit ancilla: M_b = S^(-1/2) A_b S^(-1/2), S = sum A_b
    A = [rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)) for _ in range(outcomes)]
    A = [a @ a.conj().T for a in A]
    w, V = np.linalg.eigh(sum(A))
    S = V @ np.diag(w ** -0.5) @ V.conj().T
    M = [S @ a @ S for a in A]
    WD = daemonic_ergotropy(rho, H, M)
    assert WD >= qb.ergotropy(rho.ptrace(0), H) - 1e-13
    # a product state gives nothing to the daemon
    prod = qutip.tensor(rho.ptrace(0), rho.ptrace(1))
    assert daemonic_ergotropy(prod, H, M) == pytest.approx(qb.ergotropy(rho.ptrace(0), H),
                                                           abs=1e-13)


@pytest.mark.parametrize("measurement, kwargs, match", [
    ([qutip.basis(2, 0).proj()], {}, "sum to the identity"),
    ([np.diag([1.5, 1.0]), np.diag([-0.5, 0.0])], {}, "positive"),
    ([qutip.qeye(3)], {}, "dimension"),
    ([], {}, "at least one"),
    (qutip.qeye(2), {}, "list"),
    (Z_MEAS, dict(battery=[0, 1]), "battery"),
    (Z_MEAS, dict(battery=2), "battery"),
    (Z_MEAS, dict(dims=[4]), "dims"),
    (Z_MEAS, dict(dims=[2, 3]), "dims"),
])
def test_daemonic_refuses_bad_measurements(measurement, kwargs, match):
    with pytest.raises(ValueError, match=match):
        daemonic_ergotropy(qutip.bell_state("00"), N, measurement, **kwargs)


def test_daemonic_needs_dims_for_arrays():
    with pytest.raises(ValueError, match="dims"):
        daemonic_ergotropy(np.eye(4) / 4, N, Z_MEAS)


# ----------------------------------------------------------------------------- refusals
BAD = np.diag([np.nan, 1.0])


@pytest.mark.parametrize("call, match", [
    (lambda: asymptotic_ergotropy(BAD, N), "rho"),
    (lambda: asymptotic_ergotropy(np.eye(2) / 2, np.diag([np.inf, 0])), "H"),
    (lambda: asymptotic_ergotropy(np.eye(2) / 2, np.array([[0, 1], [0, 0]])), "Hermitian"),
    (lambda: asymptotic_ergotropy(np.eye(2) / 2, np.stack([N.full()] * 2)), "one H"),
    (lambda: multi_copy_ergotropy(BAD, N, 2), "rho"),
    (lambda: multi_copy_ergotropy(np.eye(3) / 3, N, 2), "dimension"),
    (lambda: local_ergotropies(np.eye(4) / 4, N), "list"),
    (lambda: local_ergotropies(np.eye(4) / 4, [N, None]), "None"),
    (lambda: local_ergotropies(np.eye(4) / 4, [N, N], dims=[4, 1]), "dims"),
    (lambda: local_ergotropies(qutip.rand_dm([3, 2]), [N, N]), "dims"),
    (lambda: local_ergotropies(np.eye(6) / 6, [N, N]), "dimension"),
    (lambda: locked_ergotropy(np.full((4, 4), np.nan), [N, N]), "rho"),
    (lambda: locked_ergotropy(np.eye(4) / 4, [N, np.array([[0, 1], [0, 0]])]), "Hermitian"),
    (lambda: daemonic_ergotropy(qutip.bell_state("00"), qutip.qeye(3), Z_MEAS), "dims"),
    (lambda: daemonic_ergotropy(qutip.bell_state("00"), np.eye(3), Z_MEAS), "dimension"),
    (lambda: daemonic_ergotropy(qutip.bell_state("00"), N, [np.full((2, 2), np.nan)]),
     "measurement"),
])
def test_invalid_input_is_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_metrics_are_exported():
    for name in ("local_ergotropies", "locked_ergotropy", "asymptotic_ergotropy",
                 "multi_copy_ergotropy", "daemonic_ergotropy"):
        assert getattr(qb, name) is getattr(qb.metrics, name)
    assert ops.sigma_z() is not None
