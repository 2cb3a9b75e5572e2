"""Metrics do not depend on the unit of energy, and avoidable round-off is avoided.

* Scale: ``H -> c H`` (c from 1e-12 to 1e12) multiplies every energetic metric by ``c``
  (the variance by ``c^2``) and changes no dimensionless one; ``H -> H + a I`` changes none
  of the offset-free ones (ergotropy, antiergotropy, capacity, the ergotropy split,
  coherences). Checked to 1e-10 of the metric's natural scale (the spread of H's spectrum)
  on random states and random, diagonal and degenerate Hamiltonians.
* Round-off: the energy variance against exact rational arithmetic (Fractions of the very
  floating-point inputs) with energy offsets up to 1e8 times the spread; float32 / complex64
  input computed in double; documented bounds (>= 0) hold on hard inputs.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st
from states import random_density, random_hamiltonian, random_unitary

import qbtoolkit as qb

SCALES = (1e-12, 1e-7, 1e-3, 1e3, 1e7, 1e12)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
kinds = st.sampled_from(["random", "diagonal", "degenerate", "diagonal-degenerate"])

#: Energetic metrics proportional to H (offset-free ones first).
OFFSET_FREE = (qb.ergotropy, qb.antiergotropy, qb.capacity, qb.incoherent_ergotropy,
               qb.coherent_ergotropy)
LINEAR = (qb.energy, *OFFSET_FREE)


def hamiltonian(rng: np.random.Generator, d: int, kind: str) -> np.ndarray:
    """A test Hamiltonian of spread ~1: GUE, diagonal, or with degenerate levels."""
    if kind == "random":
        return random_hamiltonian(rng, d)
    if kind == "diagonal":
        return np.diag(rng.normal(size=d))
    levels = rng.normal(size=max(1, d // 2))
    eps = np.sort(np.r_[levels, rng.choice(levels, d - levels.size)])  # some levels repeat
    if kind == "diagonal-degenerate":
        return np.diag(rng.permutation(eps))
    U = random_unitary(rng, d)
    return (U * eps) @ U.conj().T


def spread(H: np.ndarray) -> float:
    e = np.linalg.eigvalsh(H)
    return float(e[-1] - e[0])


# ---------------------------------------------------------------- scale invariance
@settings(max_examples=50, deadline=None)
@given(seed=seeds, d=st.sampled_from([2, 3, 4, 6]), kind=kinds, rank=st.integers(1, 6))
def test_energetic_metrics_scale_with_the_unit_of_energy(seed, d, kind, rank):
    rng = np.random.default_rng(seed)
    rho = random_density(rng, d, min(rank, d))
    H = hamiltonian(rng, d, kind)
    S = max(spread(H), np.max(np.abs(np.linalg.eigvalsh(H))))
    ref = {fn: fn(rho, H) for fn in (*LINEAR, qb.energy_variance)}
    ref_passive = qb.energy(qb.passive_state(rho, H), H)
    ref_active = qb.energy(qb.active_state(rho, H), H)
    for c in SCALES:
        for fn in LINEAR:
            assert fn(rho, c * H) == pytest.approx(c * ref[fn], abs=1e-10 * c * S), fn.__name__
        assert qb.energy_variance(rho, c * H) == pytest.approx(
            c**2 * ref[qb.energy_variance], abs=1e-10 * (c * S) ** 2)
        # passive/active states (unique up to degenerate levels): their energies scale
        assert qb.energy(qb.passive_state(rho, c * H), c * H) == pytest.approx(
            c * ref_passive, abs=1e-10 * c * S)
        assert qb.energy(qb.active_state(rho, c * H), c * H) == pytest.approx(
            c * ref_active, abs=1e-10 * c * S)


def test_passive_state_is_unit_free_for_nondegenerate_h(rng):
    rho = random_density(rng, 4)
    H = random_hamiltonian(rng, 4)
    for c in SCALES:
        np.testing.assert_allclose(qb.passive_state(rho, c * H), qb.passive_state(rho, H),
                                   atol=1e-12)
        np.testing.assert_allclose(qb.active_state(rho, c * H), qb.active_state(rho, H),
                                   atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, d=st.sampled_from([2, 3, 4, 6]), kind=kinds,
       offset=st.sampled_from([-1e3, -5.0, 5.0, 1e3]))
def test_offset_free_metrics_ignore_an_energy_offset(seed, d, kind, offset):
    rng = np.random.default_rng(seed)
    rho = random_density(rng, d)
    H = hamiltonian(rng, d, kind)
    S = spread(H)
    shifted = H + offset * S * np.eye(d)
    for fn in OFFSET_FREE:
        assert fn(rho, shifted) == pytest.approx(fn(rho, H), abs=1e-10 * S), fn.__name__
    assert qb.energy_variance(rho, shifted) == pytest.approx(
        qb.energy_variance(rho, H), abs=1e-10 * S**2)
    assert qb.relative_entropy_coherence(rho, H=shifted) == pytest.approx(
        qb.relative_entropy_coherence(rho, H=H), abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, d=st.sampled_from([2, 3, 4, 6]), kind=kinds)
def test_dimensionless_metrics_do_not_see_the_unit_of_h(seed, d, kind):
    rng = np.random.default_rng(seed)
    rho = random_density(rng, d)
    H = hamiltonian(rng, d, kind)
    rec = qb.relative_entropy_coherence(rho, H=H)
    degenerate = "degenerate" in kind
    l1 = None if degenerate else qb.l1_coherence(rho, H=H)
    for c in SCALES:
        assert qb.relative_entropy_coherence(rho, H=c * H) == pytest.approx(rec, abs=1e-10)
        if not degenerate:
            assert qb.l1_coherence(rho, H=c * H) == pytest.approx(l1, abs=1e-10)
        else:
            with pytest.raises(ValueError, match="H is degenerate"):
                qb.l1_coherence(rho, H=c * H)


def test_coherent_ergotropy_with_tiny_energies():
    # a degenerate H in units where every energy is ~1e-10: the split must not merge the
    # distinct levels (0, 1e-10, 2e-10) into one "degenerate" eigenspace
    rng = np.random.default_rng(7)
    rho = random_density(rng, 4)
    H = np.diag([0.0, 1.0, 1.0, 2.0])
    ref = qb.coherent_ergotropy(rho, H)
    assert ref > 0.05
    for c in (1e-10, 1e-12, 1e12):
        assert qb.coherent_ergotropy(rho, c * H) / c == pytest.approx(ref, rel=1e-10)
        assert qb.incoherent_ergotropy(rho, c * H) / c == pytest.approx(
            qb.incoherent_ergotropy(rho, H), rel=1e-10)


def test_roundoff_clipping_is_relative():
    from qbtoolkit._linalg import clip_roundoff

    # a negative of 1e-13 is round-off at scale 1 but a real value at scale 1e-3
    x = np.array([-1e-13, -1e-16])
    np.testing.assert_array_equal(clip_roundoff(x, 1.0), [0.0, 0.0])
    np.testing.assert_array_equal(clip_roundoff(x, 1e-3), [-1e-13, 0.0])
    np.testing.assert_array_equal(clip_roundoff(1e-12 * x, 1e-12), [0.0, 0.0])


# ---------------------------------------------------------------- avoidable round-off
def test_energy_variance_of_plus_state_with_offset():
    plus = np.full((2, 2), 0.5)
    for offset in (0.0, 1e4, 1e8, 1e12):
        H = np.diag([offset, offset + 1.0])
        assert qb.energy_variance(plus, H) == pytest.approx(0.25, abs=1e-12)
    assert qb.energy_variance(plus, np.diag([1e8, 1e8 + 1])) == pytest.approx(0.25, rel=1e-14)


def _fr(z: complex) -> tuple[Fraction, Fraction]:
    return Fraction(float(np.real(z))), Fraction(float(np.imag(z)))


def _exact_variance(rho: np.ndarray, H: np.ndarray) -> float:
    """Variance of the normalised state rho / Tr rho, in exact rational arithmetic on the
    floating-point entries of rho and H."""
    d = rho.shape[0]
    R = [[_fr(rho[i, j]) for j in range(d)] for i in range(d)]
    M = [[_fr(H[i, j]) for j in range(d)] for i in range(d)]

    def mul(A, B):
        return [[(sum(A[i][k][0] * B[k][j][0] - A[i][k][1] * B[k][j][1] for k in range(d)),
                  sum(A[i][k][0] * B[k][j][1] + A[i][k][1] * B[k][j][0] for k in range(d)))
                 for j in range(d)] for i in range(d)]

    def re_tr(A, B):  # Re Tr(A B)
        return sum(A[i][j][0] * B[j][i][0] - A[i][j][1] * B[j][i][1]
                   for i in range(d) for j in range(d))

    T = sum(R[i][i][0] for i in range(d))
    E = re_tr(R, M) / T
    return float(re_tr(R, mul(M, M)) / T - E * E)


@pytest.mark.parametrize("diagonal", [True, False])
@pytest.mark.parametrize("offset", [0.0, 1e3, 1e6, 1e8])
def test_energy_variance_against_exact_rationals(diagonal, offset):
    rng = np.random.default_rng(int(offset) % 97 + diagonal)
    for _ in range(6):
        d = int(rng.integers(2, 5))
        rho = random_density(rng, d)
        H0 = np.diag(rng.normal(size=d)) if diagonal else random_hamiltonian(rng, d)
        H = H0 + offset * np.eye(d)
        exact = _exact_variance(rho, H)
        assert qb.energy_variance(rho, H) == pytest.approx(exact, rel=1e-10)
    # a state close to an eigenstate: variance ~1e-10 of the squared spread; the diagonal
    # route is accurate relative to the variance itself
    rho = np.diag([1 - 1e-10, 1e-10, 0.0]).astype(complex)
    H = np.diag([0.0, 1.0, 2.0]) + offset * np.eye(3)
    exact = _exact_variance(rho, H)
    if diagonal:
        assert qb.energy_variance(rho, H) == pytest.approx(exact, rel=1e-9)
    else:
        U = random_unitary(rng, 3)
        # the same physics in a rotated basis: accurate to round-off of the squared spread
        got = qb.energy_variance(U @ rho @ U.conj().T, U @ (H - offset * np.eye(3)) @ U.conj().T
                                 + offset * np.eye(3))
        assert got == pytest.approx(exact, abs=1e-12 * 4)


def _low_precision_inputs(rng: np.random.Generator, d: int):
    rho = random_density(rng, d)
    A = rng.normal(size=(d, d))
    H32 = ((A + A.T) / 2).astype(np.float32)  # exactly symmetric float32
    U = random_unitary(rng, d).astype(np.complex64)
    eps = (10 ** rng.uniform(-2, 2)) * rng.normal(size=d).astype(np.float32)
    H64c = (U * eps) @ U.conj().T  # Hermitian only to complex64 round-off
    return rho, H32, H64c


@pytest.mark.parametrize("seed", range(6))
def test_low_precision_hamiltonians_are_computed_in_double(seed):
    rng = np.random.default_rng(seed)
    for d in (2, 3, 5, 8):
        rho, H32, Hc64 = _low_precision_inputs(rng, d)
        H32_in_double = H32.astype(np.float64)  # the same numbers, exactly
        Hc_herm = Hc64.astype(np.complex128)
        Hc_herm = (Hc_herm + Hc_herm.conj().T) / 2
        for fn in (*LINEAR, qb.energy_variance):
            assert fn(rho, H32) == pytest.approx(fn(rho, H32_in_double), rel=1e-13, abs=1e-15)
            # complex64 U D U^dag is accepted, as its Hermitian part in double
            assert fn(rho, Hc64) == pytest.approx(fn(rho, Hc_herm), rel=1e-12, abs=1e-14)
        for fn in (qb.ergotropy, qb.antiergotropy, qb.capacity, qb.incoherent_ergotropy,
                   qb.coherent_ergotropy, qb.energy_variance):
            assert fn(rho, H32) >= 0 and fn(rho, Hc64) >= 0
        # float32 states too: the same numbers in double give the same results
        rho32 = rho.astype(np.complex64)
        assert qb.ergotropy(rho32, H32) == pytest.approx(
            qb.ergotropy(rho32.astype(complex), H32_in_double), rel=1e-12, abs=1e-15)


def test_complex64_hermiticity_tolerance_is_that_of_complex64():
    rng = np.random.default_rng(3)
    U = random_unitary(rng, 6).astype(np.complex64)
    H = (U * np.arange(6, dtype=np.float32)) @ U.conj().T
    assert np.abs(H - H.conj().T).max() > 0  # not exactly Hermitian
    rho = random_density(rng, 6)
    assert qb.ergotropy(rho, H) >= 0
    # the same deviation in double precision is not round-off: refused
    with pytest.raises(ValueError, match="H must be Hermitian"):
        qb.ergotropy(rho, H.astype(np.complex128) + 1e-6 * np.triu(np.ones((6, 6)), 1))


# ---------------------------------------------------------------- documented bounds
@settings(max_examples=60, deadline=None)
@given(seed=seeds, d=st.sampled_from([2, 3, 4, 8]), kind=kinds,
       rank=st.integers(1, 8), c=st.sampled_from(SCALES + (1.0,)),
       offset=st.sampled_from([0.0, 1.0, 1e6]), tiny=st.sampled_from([0.0, 1e-16, 1e-9]))
def test_bounds_hold_on_hard_inputs(seed, d, kind, rank, c, offset, tiny):
    rng = np.random.default_rng(seed)
    # rank-deficient, nearly degenerate state; degenerate / offset / rescaled H
    pops = np.zeros(d)
    pops[: min(rank, d)] = 1.0
    pops = pops + tiny * rng.random(d)
    pops /= pops.sum()
    U = random_unitary(rng, d)
    rho = (U * pops) @ U.conj().T
    rho = (rho + rho.conj().T) / 2
    H = c * (hamiltonian(rng, d, kind) + offset * np.eye(d))
    for fn in (qb.ergotropy, qb.antiergotropy, qb.capacity, qb.incoherent_ergotropy,
               qb.coherent_ergotropy, qb.energy_variance):
        assert fn(rho, H) >= 0, fn.__name__
    assert qb.ergotropy(rho, H) <= qb.capacity(rho, H) * (1 + 1e-12) + 1e-12 * c
    assert qb.relative_entropy_coherence(rho, H=H) >= 0
    assert qb.relative_entropy_coherence(rho) >= 0
    if d in (4, 8):
        for fn in (qb.entanglement_entropy, qb.mutual_information, qb.negativity,
                   qb.log_negativity):
            assert fn(rho) >= 0, fn.__name__
    if d == 4:
        assert 0 <= qb.concurrence(rho) <= 1 + 1e-12
        assert qb.steering(rho) >= 0 and qb.bell_chsh(rho) >= 0


def test_entropies_of_pure_states_are_not_negative():
    for seed in range(20):
        psi = qutip.rand_ket([2, 2, 2], seed=seed)
        assert qb.mutual_information(psi, [0]) >= 0
        assert qb.entanglement_entropy(qutip.ket2dm(psi), [0, 1]) >= 0
        assert qb.relative_entropy_coherence(qutip.basis(8, seed % 8)) == 0.0
