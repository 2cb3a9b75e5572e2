"""Measures "in H's eigenbasis" are functions of (rho, H) alone, or refused.

* relative-entropy coherence with ``H`` = relative entropy of block coherence,
  ``S(sum_k P_k rho P_k) - S(rho)`` (Aberg, arXiv:quant-ph/0612146; Bischof, Kampermann &
  Bruss, PRL 123, 110402 (2019)); checked against ``S(rho || Delta rho)`` from matrix
  logarithms (scipy), with the projectors built from the construction of ``H``;
* incoherent/coherent ergotropy dephase onto the same eigenspaces (checked against the
  ergotropy of ``sum_k P_k rho P_k``);
* l1 coherence with a non-degenerate ``H``: independent of the eigenvectors' phases and
  order; a degenerate ``H`` is refused;
* imaginarity and texture refuse ``H`` (their value depends on basis phases).

Every value is checked to be unchanged when the eigenvectors inside degenerate eigenspaces
are re-chosen (random unitaries), and under ``H -> c H`` (c > 0) and ``H -> H + c I``.
"""

from __future__ import annotations

import numpy as np
import pytest
import qutip
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st
from states import random_density, random_unitary

import qbtoolkit as qb
from qbtoolkit import ops

seeds = st.integers(min_value=0, max_value=2**32 - 1)
SPECTRA = [
    np.array([0.0, 1.0, 1.0, 2.0]),
    np.array([-1.0, -1.0, 0.5, 2.0, 2.0, 2.0]),
    np.array([0.3, 0.3, 0.3]),
    np.array([0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 3.0, 3.0]),
]


def blocks(eps: np.ndarray) -> list[np.ndarray]:
    return [np.flatnonzero(eps == e) for e in np.unique(eps)]


def rechosen(rng: np.random.Generator, U: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """The eigenvectors U with each eigenspace's basis rotated by a random unitary."""
    U2 = U.copy()
    for idx in blocks(eps):
        U2[:, idx] = U[:, idx] @ random_unitary(rng, idx.size)
    return U2


def projectors(U: np.ndarray, eps: np.ndarray) -> list[np.ndarray]:
    return [U[:, idx] @ U[:, idx].conj().T for idx in blocks(eps)]


def block_dephase(rho: np.ndarray, P: list[np.ndarray]) -> np.ndarray:
    return sum(p @ rho @ p for p in P)


def relative_entropy_bits(rho: np.ndarray, sigma: np.ndarray) -> float:
    """S(rho || sigma) = Tr rho (log rho - log sigma), in bits (matrix logarithms)."""
    val = np.trace(rho @ (sla.logm(rho) - sla.logm(sigma))).real
    return float(val / np.log(2))


@settings(max_examples=30, deadline=None)
@given(seed=seeds, k=st.integers(0, len(SPECTRA) - 1))
def test_block_coherence_and_ergotropy_split_are_functions_of_rho_and_h(seed, k):
    rng = np.random.default_rng(seed)
    eps = SPECTRA[k]
    d = eps.size
    U = random_unitary(rng, d)
    U2 = rechosen(rng, U, eps)
    H = (U * eps) @ U.conj().T
    H2 = (U2 * eps) @ U2.conj().T  # the same H, other eigenvectors in each eigenspace
    rho = random_density(rng, d)  # full rank: the matrix logarithms exist
    P = projectors(U, eps)
    deph = block_dephase(rho, P)

    rec = qb.relative_entropy_coherence(rho, H=H)
    assert rec == pytest.approx(relative_entropy_bits(rho, deph), abs=1e-9)
    inc = qb.incoherent_ergotropy(rho, H)
    assert inc == pytest.approx(qb.ergotropy(deph, H), abs=1e-10)
    coh = qb.coherent_ergotropy(rho, H)
    assert coh == pytest.approx(qb.ergotropy(rho, H) - qb.ergotropy(deph, H), abs=1e-10)

    # (H', unit): re-chosen eigenvectors, other units of energy, energy offsets
    others = ((H2, 1.0), (3.7e-9 * H, 3.7e-9), (4.1e9 * H2, 4.1e9), (H + 5 * np.eye(d), 1.0),
              (H2 - 1e3 * np.eye(d), 1.0))
    for H_other, unit in others:
        assert qb.relative_entropy_coherence(rho, H=H_other) == pytest.approx(rec, abs=1e-9)
        assert qb.incoherent_ergotropy(rho, H_other) == pytest.approx(unit * inc,
                                                                      abs=1e-10 * unit)
        assert qb.coherent_ergotropy(rho, H_other) == pytest.approx(unit * coh,
                                                                    abs=1e-10 * unit)

    # dephasing onto eigenspaces keeps the in-space coherence: for any eigenbasis, the fully
    # dephased state has at least as much entropy
    assert qb.relative_entropy_coherence(rho, basis=U2) >= rec - 1e-12
    if len(blocks(eps)) > 1:
        with pytest.raises(ValueError, match="H is degenerate.*basis="):
            qb.l1_coherence(rho, H=H)
    else:  # H proportional to the identity: no coherence between energies at all
        assert rec == pytest.approx(0.0, abs=1e-12)
        assert coh == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=seeds, d=st.sampled_from([2, 3, 4, 6]))
def test_l1_coherence_with_nondegenerate_h_ignores_phases_and_order(seed, d):
    rng = np.random.default_rng(seed)
    eps = np.sort(rng.normal(size=d))
    U = random_unitary(rng, d)
    H = (U * eps) @ U.conj().T
    rho = random_density(rng, d)
    ref = qb.l1_coherence(rho, H=H)
    phases = np.exp(2j * np.pi * rng.random(d))
    perm = rng.permutation(d)
    assert qb.l1_coherence(rho, basis=(U * phases)[:, perm]) == pytest.approx(ref, abs=1e-12)
    assert qb.relative_entropy_coherence(rho, basis=(U * phases)[:, perm]) == pytest.approx(
        qb.relative_entropy_coherence(rho, H=H), abs=1e-12)
    for H_other in (1e-11 * H, 1e11 * H, H + 5 * np.eye(d), H - 300 * np.eye(d)):
        assert qb.l1_coherence(rho, H=H_other) == pytest.approx(ref, abs=1e-10)


def test_imaginarity_and_texture_refuse_h():
    rho = qutip.rand_dm(2, seed=1)
    for fn in (qb.imaginarity, qb.state_texture):
        for H in (ops.sigma_x(), ops.sigma_x() + 5 * qutip.qeye(2), np.diag([0.0, 1.0])):
            with pytest.raises(ValueError, match=f"{fn.__name__} does not accept H.*basis="):
                fn(rho, H=H)
        # an explicit basis is a definite choice of phases: accepted
        U = np.linalg.eigh(ops.sigma_x().full())[1]
        assert np.isfinite(fn(rho, basis=U))
        assert fn(rho, basis=U * np.exp(1j * np.array([0.0, 0.7]))) != pytest.approx(
            fn(rho, basis=U), abs=1e-6)  # the phases matter


def test_degeneracy_is_relative_to_the_spread():
    rng = np.random.default_rng(2)
    rho = random_density(rng, 4)
    U = random_unitary(rng, 4)
    for delta, degenerate in ((0.0, True), (1e-13, True), (1e-6, False), (0.3, False)):
        eps = np.array([0.0, 1.0, 1.0 + delta, 2.0])
        for c, a in ((1.0, 0.0), (1e-10, 0.0), (1e10, 0.0), (1.0, 1e3), (1e-10, -1e-7)):
            for H in (np.diag(c * eps + a), (U * (c * eps + a)) @ U.conj().T):
                if degenerate:
                    with pytest.raises(ValueError, match="H is degenerate"):
                        qb.l1_coherence(rho, H=H)
                else:
                    assert qb.l1_coherence(rho, H=H) >= 0


def test_basis_and_h_together_are_refused():
    rho = qutip.rand_dm(2, seed=1)
    for fn in (qb.l1_coherence, qb.relative_entropy_coherence):
        with pytest.raises(ValueError, match="either basis or H"):
            fn(rho, basis=np.eye(2), H=ops.sigma_z())


def test_reference_basis_validation():
    rho = qutip.rand_dm(2, seed=1)
    with pytest.raises(ValueError, match="basis must be orthonormal"):
        qb.l1_coherence(rho, basis=np.array([[1.0, 1.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="basis contains NaN or inf"):
        qb.l1_coherence(rho, basis=np.array([[np.nan, 0.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"basis must be a \(2, 2\) unitary"):
        qb.l1_coherence(rho, basis=np.eye(3))
    # a complex64 unitary is orthonormal to its own precision: accepted
    U = random_unitary(np.random.default_rng(1), 2).astype(np.complex64)
    r = U.astype(complex).conj().T @ rho.full() @ U.astype(complex)
    assert qb.l1_coherence(rho, basis=U) == pytest.approx(2 * abs(r[0, 1]), abs=1e-14)
    # ... but the same numbers claimed as double precision are not orthonormal enough
    with pytest.raises(ValueError, match="basis must be orthonormal"):
        qb.l1_coherence(rho, basis=U.astype(complex))
