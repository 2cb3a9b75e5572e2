"""Metrics against closed forms, QuTiP, and invariants over random states (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st
from states import random_density, random_hamiltonian, random_unitary

import qbtoolkit as qb
from qbtoolkit import ops

TOL = 1e-12

seeds = st.integers(min_value=0, max_value=2**32 - 1)
dims = st.sampled_from([2, 3, 4, 8])


def qubit_closed_form(rho_ee: float, rho_eg: complex, w: float) -> float:
    """Qubit ergotropy for H = w|e><e| (Downing & Ukhtary Eq. 50)."""
    return w * (rho_ee - 0.5 + 0.5 * np.sqrt((1 - 2 * rho_ee) ** 2 + 4 * abs(rho_eg) ** 2))


# ---------------------------------------------------------------- closed forms
@pytest.mark.parametrize("seed", range(10))
def test_qubit_ergotropy_closed_form(seed):
    rng = np.random.default_rng(seed)
    rho = random_density(rng, 2)
    w = 1.7
    H = w * ops.number()
    expected = qubit_closed_form(rho[1, 1].real, rho[1, 0], w)
    assert qb.ergotropy(rho, H) == pytest.approx(expected, abs=1e-13)


def test_qubit_capacity_and_antiergotropy_closed_form():
    # Downing & Ukhtary Eqs. 51-52: K = w (l+ - l-), A = w(l+ - rho_ee) (sign as in Yang et al.)
    rng = np.random.default_rng(3)
    rho = random_density(rng, 2)
    lam = np.linalg.eigvalsh(rho)
    w = 2.0
    H = w * ops.number()
    assert qb.capacity(rho, H) == pytest.approx(w * (lam[1] - lam[0]), abs=TOL)
    assert qb.antiergotropy(rho, H) == pytest.approx(w * (lam[1] - rho[1, 1].real), abs=TOL)


def test_pure_states_and_poles():
    H = ops.number()
    assert qb.ergotropy(ops.excited(), H) == pytest.approx(1.0, abs=TOL)
    assert qb.ergotropy(ops.ground(), H) == pytest.approx(0.0, abs=TOL)
    assert qb.antiergotropy(ops.ground(), H) == pytest.approx(1.0, abs=TOL)
    # pure states: ergotropy = energy - E_min, capacity = spread of H
    for theta in np.linspace(0, np.pi, 7):
        psi = ops.bloch_state(theta, 0.3)
        assert qb.ergotropy(psi, H) == pytest.approx(np.sin(theta / 2) ** 2, abs=TOL)
        assert qb.capacity(psi, H) == pytest.approx(1.0, abs=TOL)


def test_gibbs_states_have_zero_ergotropy(rng):
    for d in (2, 3, 5, 8):
        H = random_hamiltonian(rng, d)
        for beta in (0.0, 0.3, 2.0, 20.0):
            rho = (-beta * qutip.Qobj(H)).expm()
            rho = rho / rho.tr()
            assert abs(qb.ergotropy(rho, H)) <= 1e-12
            assert qb.coherent_ergotropy(rho, H) <= 1e-12


def test_bell_states():
    H = qutip.tensor(ops.number(), qutip.qeye(2)) + qutip.tensor(qutip.qeye(2), ops.number())
    for name in ("00", "01", "10", "11"):
        b = qutip.bell_state(name)
        assert qb.concurrence(b) == pytest.approx(1.0, abs=1e-12)
        assert qb.negativity(b) == pytest.approx(0.5, abs=1e-12)
        assert qb.log_negativity(b) == pytest.approx(1.0, abs=1e-12)
        assert qb.entanglement_entropy(b) == pytest.approx(1.0, abs=1e-12)
        assert qb.mutual_information(b) == pytest.approx(2.0, abs=1e-12)
        # local reduced states are maximally mixed: no local ergotropy
        assert qb.ergotropy(b.ptrace(1), ops.number()) == pytest.approx(0.0, abs=1e-12)
        assert qb.capacity(b, H) >= 0


@pytest.mark.parametrize("p", [0.0, 0.2, 1 / 3, 0.5, 0.8, 1.0])
def test_werner_states(p):
    singlet = qutip.bell_state("11")
    rho = p * qutip.ket2dm(singlet) + (1 - p) * qutip.qeye([2, 2]) / 4
    assert qb.concurrence(rho) == pytest.approx(max(0.0, (3 * p - 1) / 2), abs=1e-12)
    assert qb.negativity(rho) == pytest.approx(max(0.0, (3 * p - 1) / 4), abs=1e-12)


def test_coherence_closed_forms():
    psi = ops.bloch_state(np.pi / 2, np.pi / 2)  # (|g> + i|e>)/sqrt2
    assert qb.l1_coherence(psi) == pytest.approx(1.0, abs=TOL)
    assert qb.imaginarity(psi) == pytest.approx(1.0, abs=TOL)
    assert qb.relative_entropy_coherence(psi) == pytest.approx(1.0, abs=TOL)
    real = ops.bloch_state(np.pi / 3)
    assert qb.imaginarity(real) == pytest.approx(0.0, abs=TOL)
    # maximally coherent state in d = 4: C_l1 = d - 1, C_re = log2 d
    plus = qutip.Qobj(np.ones(4) / 2)
    assert qb.l1_coherence(plus) == pytest.approx(3.0, abs=TOL)
    assert qb.relative_entropy_coherence(plus) == pytest.approx(2.0, abs=TOL)
    # in its own eigenbasis a state has no coherence
    rho = qutip.rand_dm(4, seed=3)
    assert qb.l1_coherence(rho, H=rho) == pytest.approx(0.0, abs=1e-12)
    assert qb.l1_coherence(ops.ground(), basis=[ops.bloch_state(np.pi / 2),
                                                ops.bloch_state(np.pi / 2, np.pi)]) \
        == pytest.approx(1.0, abs=TOL)


def test_energy_and_variance(rng):
    rho = random_density(rng, 3)
    H = random_hamiltonian(rng, 3)
    assert qb.energy(rho, H) == pytest.approx(np.trace(rho @ H).real, abs=TOL)
    var = np.trace(rho @ H @ H).real - np.trace(rho @ H).real ** 2
    assert qb.energy_variance(rho, H) == pytest.approx(var, abs=1e-12)
    assert qb.energy_variance(ops.excited(), ops.number()) == pytest.approx(0.0, abs=TOL)


def test_passive_and_active_states():
    rho = qutip.Qobj(np.array([[0.2, 0.1], [0.1, 0.8]]))
    H = ops.number()
    pas = qb.passive_state(rho, H)
    act = qb.active_state(rho, H)
    assert isinstance(pas, qutip.Qobj) and pas.dims == rho.dims
    lam = np.linalg.eigvalsh(rho.full())
    np.testing.assert_allclose(pas.full(), np.diag(lam[::-1]), atol=1e-14)
    np.testing.assert_allclose(act.full(), np.diag(lam), atol=1e-14)
    assert qb.ergotropy(pas, H) == pytest.approx(0.0, abs=1e-14)
    assert qb.antiergotropy(act, H) == pytest.approx(0.0, abs=1e-14)


# ---------------------------------------------------------------- QuTiP cross-checks
@pytest.mark.parametrize("seed", range(8))
def test_against_qutip(seed):
    rho = qutip.rand_dm([2, 2], seed=seed)
    assert qb.concurrence(rho) == pytest.approx(qutip.concurrence(rho), abs=1e-10)
    assert qb.negativity(rho, 0) == pytest.approx(qutip.negativity(rho, 0), abs=1e-10)
    assert qb.negativity(rho, 1) == pytest.approx(qutip.negativity(rho, 1), abs=1e-10)
    assert qb.log_negativity(rho) == pytest.approx(
        qutip.negativity(rho, 0, logarithmic=True), abs=1e-10)  # log2
    assert qb.entanglement_entropy(rho, 1, base=np.e) == pytest.approx(
        qutip.entropy_vn(rho.ptrace(1)), abs=1e-10)
    assert qb.mutual_information(rho, 0, base=np.e) == pytest.approx(
        qutip.entropy_mutual(rho, 0, 1), abs=1e-10)
    pure = qutip.rand_ket([2, 2], seed=seed)
    a = pure.full().ravel()
    # closed form 2|a00 a11 - a01 a10|; QuTiP's sqrt of a non-Hermitian spectrum with zero
    # eigenvalues is only accurate to ~1e-8 for pure states
    assert qb.concurrence(pure) == pytest.approx(2 * abs(a[0] * a[3] - a[1] * a[2]), abs=1e-12)
    assert qb.concurrence(pure) == pytest.approx(qutip.concurrence(qutip.ket2dm(pure)), abs=1e-6)


def _eigh_concurrence(rho: np.ndarray) -> np.ndarray:
    """Independent route: Wootters' l_i from the eigen-factor V sqrt(w) (no Cholesky)."""
    w, V = np.linalg.eigh(rho)
    A = V * np.sqrt(np.clip(w, 0.0, None))[..., None, :]
    yy = np.kron(ops.sigma_y().full(), ops.sigma_y().full())
    s = np.linalg.svd(np.swapaxes(A, -1, -2) @ yy @ A, compute_uv=False)
    return np.maximum(s[..., 0] - s[..., 1:].sum(axis=-1), 0.0)


@pytest.mark.parametrize("scale", [1e-3, 1e-9, 1e-14])
def test_concurrence_cholesky_route_near_singular(scale):
    # full-rank states take the Cholesky factor; near-singular ones must agree with the
    # eigen-factor route to round-off (1e-13), whether a chunk factorises or falls back
    rng = np.random.default_rng(11)
    G = rng.normal(size=(3000, 4, 4)) + 1j * rng.normal(size=(3000, 4, 4))
    G[..., :, 1:] *= np.sqrt(scale)
    rho = G @ np.conj(np.swapaxes(G, -1, -2))
    rho /= np.trace(rho, axis1=-2, axis2=-1).real[:, None, None]
    np.testing.assert_allclose(qb.concurrence(rho), _eigh_concurrence(rho), atol=1e-13)
    # a rank-one state in the batch sends the whole chunk to the eigen route
    mixed = np.concatenate([rho[:5], qutip.ket2dm(qutip.bell_state("00")).full()[None]])
    np.testing.assert_allclose(qb.concurrence(mixed)[-1], 1.0, atol=1e-12)
    np.testing.assert_allclose(qb.concurrence(mixed)[:5], _eigh_concurrence(rho[:5]), atol=1e-13)
    # and a non-positive unit-trace state is still refused
    bad = np.diag([1.2, -0.2, 0.0, 0.0]).astype(complex)
    with pytest.raises(ValueError, match="rho must be positive semidefinite"):
        qb.concurrence(np.concatenate([rho[:5], bad[None]]))


def test_non_qubit_dims_from_qobj():
    rho = qutip.rand_dm([2, 3], seed=4)
    assert qb.negativity(rho) == pytest.approx(qutip.negativity(rho, 0), abs=1e-10)
    assert qb.entanglement_entropy(rho, 1, base=np.e) == pytest.approx(
        qutip.entropy_vn(rho.ptrace(1)), abs=1e-10)
    with pytest.raises(ValueError, match="dims"):
        qb.negativity(rho.full())  # d = 6 is not a qubit register


# ---------------------------------------------------------------- invariants (hypothesis)
@settings(max_examples=60, deadline=None)
@given(seed=seeds, d=dims, rank=st.integers(1, 8))
def test_work_invariants(seed, d, rank):
    rng = np.random.default_rng(seed)
    rho = random_density(rng, d, min(rank, d))
    H = random_hamiltonian(rng, d)
    erg = qb.ergotropy(rho, H)
    cap = qb.capacity(rho, H)
    anti = qb.antiergotropy(rho, H)
    assert erg >= 0 and anti >= 0
    assert erg <= cap + 1e-12
    assert cap == pytest.approx(erg + anti, abs=1e-10)
    assert qb.ergotropy(qb.passive_state(rho, H), H) <= 1e-12
    assert qb.antiergotropy(qb.active_state(rho, H), H) <= 1e-12
    U = random_unitary(rng, d)
    assert qb.capacity(U @ rho @ U.conj().T, H) == pytest.approx(cap, abs=1e-10)
    inc = qb.incoherent_ergotropy(rho, H)
    coh = qb.coherent_ergotropy(rho, H)
    assert inc >= 0 and coh >= 0
    assert inc + coh == pytest.approx(erg, abs=1e-10)
    # ergotropy = max over unitaries: any U gives energy >= passive energy
    assert qb.energy(U @ rho @ U.conj().T, H) >= qb.energy(qb.passive_state(rho, H), H) - 1e-12


@settings(max_examples=40, deadline=None)
@given(seed=seeds, d=dims)
def test_ket_vs_density_matrix(seed, d):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=d) + 1j * rng.normal(size=d)
    ket = qutip.Qobj(v / np.linalg.norm(v))
    dm = qutip.ket2dm(ket)
    H = random_hamiltonian(rng, d)
    for fn in (qb.energy, qb.ergotropy, qb.capacity, qb.antiergotropy,
               qb.incoherent_ergotropy, qb.coherent_ergotropy, qb.energy_variance):
        assert fn(ket, H) == pytest.approx(fn(dm, H), abs=1e-12)
    for fn in (qb.l1_coherence, qb.imaginarity, qb.relative_entropy_coherence):
        assert fn(ket) == pytest.approx(fn(dm), abs=1e-12)
    assert qb.ergotropy(ket, H) == pytest.approx(
        np.real(v.conj() @ H @ v) / np.linalg.norm(v) ** 2 - np.linalg.eigvalsh(H)[0], abs=1e-10)


@settings(max_examples=25, deadline=None)
@given(seed=seeds)
def test_batch_equals_loop(seed):
    rng = np.random.default_rng(seed)
    batch = np.stack([random_density(rng, 4, rank=1 + k % 4) for k in range(12)])
    batch = batch.reshape(3, 4, 4, 4)
    H = random_hamiltonian(rng, 4)
    for fn in (qb.energy, qb.ergotropy, qb.capacity, qb.antiergotropy, qb.incoherent_ergotropy,
               qb.coherent_ergotropy, qb.energy_variance):
        out = fn(batch, H)
        assert out.shape == (3, 4)
        loop = np.array([[fn(batch[i, j], H) for j in range(4)] for i in range(3)])
        np.testing.assert_allclose(out, loop, atol=1e-12)
    for fn in (qb.concurrence, qb.negativity, qb.log_negativity, qb.entanglement_entropy,
               qb.mutual_information, qb.l1_coherence, qb.imaginarity,
               qb.relative_entropy_coherence):
        out = fn(batch)
        loop = np.array([[fn(batch[i, j]) for j in range(4)] for i in range(3)])
        np.testing.assert_allclose(out, loop, atol=1e-12)
    # a list of Qobj is a batch too
    as_list = [qutip.Qobj(b, dims=[[2, 2], [2, 2]]) for b in batch[0]]
    np.testing.assert_allclose(qb.concurrence(as_list), qb.concurrence(batch[0]), atol=1e-12)


def test_batched_hamiltonians_broadcast(rng):
    rho = random_density(rng, 3)
    Hs = np.stack([random_hamiltonian(rng, 3) for _ in range(5)])
    out = qb.ergotropy(rho, Hs)
    assert out.shape == (5,)
    np.testing.assert_allclose(out, [qb.ergotropy(rho, h) for h in Hs], atol=1e-12)


# ---------------------------------------------------------------- numerical robustness
@settings(max_examples=60, deadline=None)
@given(seed=seeds, d=dims, eps=st.sampled_from([0.0, 1e-16, 1e-13, 1e-9]))
def test_near_degenerate_and_rank_deficient_not_negative(seed, d, eps):
    rng = np.random.default_rng(seed)
    # nearly degenerate spectrum, rank deficient, random eigenbasis
    pops = np.zeros(d)
    pops[: max(1, d // 2)] = 1.0
    pops = pops + eps * rng.normal(size=d) ** 2
    pops /= pops.sum()
    U = random_unitary(rng, d)
    rho = (U * pops) @ U.conj().T
    rho = (rho + rho.conj().T) / 2
    H = np.diag(np.sort(rng.normal(size=d)))
    H[1, 1] = H[0, 0] + eps  # nearly degenerate Hamiltonian too
    for fn in (qb.ergotropy, qb.antiergotropy, qb.capacity, qb.incoherent_ergotropy,
               qb.coherent_ergotropy):
        assert fn(rho, H) >= -1e-12
    gibbs_like = np.diag(np.sort(pops)[::-1])  # passive w.r.t. ascending diagonal H
    assert abs(qb.ergotropy(gibbs_like, H)) <= 1e-12


def test_roundoff_clipping_never_hides_real_errors():
    from qbtoolkit._linalg import clip_roundoff

    x = np.array([-1e-3, -2e-12, -1e-13, 0.0, 0.5])
    np.testing.assert_array_equal(clip_roundoff(x), [-1e-3, -2e-12, 0.0, 0.0, 0.5])
    np.testing.assert_array_equal(clip_roundoff(x, scale=10.0), [-1e-3, 0.0, 0.0, 0.0, 0.5])
    np.testing.assert_array_equal(clip_roundoff(x, rel=1e-6), [-1e-3, 0.0, 0.0, 0.0, 0.5])
