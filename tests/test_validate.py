"""Bad input gets a ValueError naming the argument and what was expected."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
import scipy.sparse as sp

import qbtoolkit as qb
from qbtoolkit import ops
from qbtoolkit.models import BatteryModel, kossakowski_c_ops


def test_non_hermitian_hamiltonian():
    with pytest.raises(ValueError, match="H must be Hermitian"):
        qb.ergotropy(ops.excited(), ops.sigma_minus())


def test_state_checks():
    H = ops.number()
    with pytest.raises(ValueError, match="rho must have unit trace"):
        qb.ergotropy(np.diag([0.5, 0.6]), H)
    with pytest.raises(ValueError, match="rho must be positive semidefinite"):
        qb.ergotropy(np.diag([1.2, -0.2]), H)
    with pytest.raises(ValueError, match="rho must be positive semidefinite"):
        qb.l1_coherence(np.array([[0.5, 0.9], [0.9, 0.5]]))
    with pytest.raises(ValueError, match="rho must be Hermitian"):
        qb.ergotropy(np.array([[0.5, 0.3], [0.0, 0.5]]), H)
    with pytest.raises(ValueError, match="normalised ket"):
        qb.ergotropy(qutip.Qobj(np.array([1.0, 1.0])), H)
    with pytest.raises(ValueError, match="rho must be a ket or a density matrix, got a bra"):
        qb.ergotropy(ops.excited().dag(), H)
    with pytest.raises(ValueError, match="rho must be a ket or a square density matrix"):
        qb.energy(np.ones((2, 3)) / 2, H)


def test_dimension_mismatch():
    with pytest.raises(ValueError, match="H has dimension 4 but the state has dimension 2"):
        qb.ergotropy(ops.excited(), np.eye(4))
    with pytest.raises(ValueError, match="subsystem dims"):
        qb.ergotropy(qutip.rand_dm(4, seed=1), qutip.qeye([2, 2]))
    with pytest.raises(ValueError, match="two-qubit"):
        qb.concurrence(ops.excited())


def test_model_validation():
    sm = ops.sigma_minus()
    with pytest.raises(ValueError, match="H must be Hermitian"):
        BatteryModel(sm, [], ops.ground(), ops.number(), (0,))
    with pytest.raises(ValueError, match="rho0 must have unit trace"):
        BatteryModel(ops.number(), [], 2 * qutip.ket2dm(ops.ground()), ops.number(), (0,))
    with pytest.raises(ValueError, match="rho0 has dims"):
        BatteryModel(ops.number(), [], qutip.rand_dm([2, 2], seed=1), ops.number(), (0,))
    with pytest.raises(ValueError, match="battery must list subsystem indices"):
        BatteryModel(ops.number(), [], ops.ground(), ops.number(), (3,))
    with pytest.raises(ValueError, match=r"c_ops\[0\] has dims"):
        BatteryModel(ops.number(), [qutip.destroy(3)], ops.ground(), ops.number(), (0,))


def test_kossakowski():
    ops2 = ops.site_operators(ops.sigma_minus(), 2)
    with pytest.raises(ValueError, match="not positive semidefinite"):
        kossakowski_c_ops(ops2, [[1.0, 2.0], [2.0, 1.0]], "gamma_matrix")
    with pytest.raises(ValueError, match="must be a \\(2, 2\\) matrix"):
        kossakowski_c_ops(ops2, np.eye(3))
    # the diagonalised collapse operators give the same Lindbladian as the Lehmberg form
    G = np.array([[1.0, 0.4], [0.4, 1.0]])
    c_ops = kossakowski_c_ops(ops2, G)
    L1 = qutip.liouvillian(0 * ops2[0], c_ops)
    L2 = 0 * L1
    for n in range(2):
        for m in range(2):
            A, B = ops2[n], ops2[m]
            L2 += G[n, m] * (qutip.sprepost(A, B.dag())
                             - 0.5 * qutip.spre(B.dag() * A) - 0.5 * qutip.spost(B.dag() * A))
    assert (L1 - L2).norm() < 1e-12


def test_scalar_checks():
    from qbtoolkit._validate import check_choice, check_int, check_rate, check_temperature

    with pytest.raises(ValueError, match="gamma is a rate and must be >= 0"):
        check_rate(-0.1, "gamma")
    with pytest.raises(ValueError, match="T_L is a temperature"):
        check_temperature(-1, "T_L")
    with pytest.raises(ValueError, match="N must be an integer >= 1"):
        check_int(0, "N", minimum=1)
    with pytest.raises(ValueError, match="unknown topology 'web'"):
        check_choice("web", "topology", ("linear", "ring"))
    with pytest.raises(ValueError, match="gamma must be finite"):
        check_rate(float("nan"), "gamma")


def test_positivity_check_large_and_small():
    from qbtoolkit._validate import is_positive_semidefinite

    rng = np.random.default_rng(5)
    for d in (4, 300):
        G = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        rho = G @ G.conj().T
        rho /= np.trace(rho).real
        assert is_positive_semidefinite(rho)
        w, V = np.linalg.eigh(rho)
        w[0] = -1e-5  # one slightly negative eigenvalue (beyond the 1e-6 tolerance)
        bad = (V * w) @ V.conj().T
        assert not is_positive_semidefinite(bad)
        assert is_positive_semidefinite(bad, atol=1e-4)
    big = qutip.Qobj(np.diag(np.r_[1.1, -0.1, np.zeros(510)]), dims=[[2] * 9, [2] * 9])
    with pytest.raises(ValueError, match="rho0 must be positive semidefinite"):
        BatteryModel(qutip.qeye([2] * 9), [], big, ops.number(), (0,))


def test_hermiticity_of_h_is_relative_to_its_norm():
    from qbtoolkit._validate import as_hamiltonian, check_qobj_hermitian

    rng = np.random.default_rng(2)
    A = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    herm = (A + A.conj().T) / 2
    skew = 1e-6 * (A - A.conj().T) / 2  # a non-Hermitian part of relative size ~1e-6
    for c in (1e-24, 1e-12, 1.0, 1e12):
        for fmt in ("dense", "csr", "dia"):
            # built from scipy CSR: QuTiP's dense -> sparse conversion drops tiny entries
            with pytest.raises(ValueError, match="H must be Hermitian"):
                check_qobj_hermitian(qutip.Qobj(sp.csr_matrix(c * (herm + skew))).to(fmt), "H")
            # round-off asymmetry (1e-12 relative) is Hermitian at every scale
            near = qutip.Qobj(sp.csr_matrix(c * (herm + 1e-6 * skew))).to(fmt)
            assert check_qobj_hermitian(near, "H") is near
        with pytest.raises(ValueError, match="H must be Hermitian"):
            as_hamiltonian(c * (herm + skew))
        np.testing.assert_allclose(as_hamiltonian(c * (herm + 1e-6 * skew)), c * herm,
                                   rtol=0, atol=1e-14 * c)
    # the example: a non-Hermitian H of norm 1e-24
    H = qutip.Qobj(np.array([[0, 1e-24], [0, 0]]))
    with pytest.raises(ValueError, match="H must be Hermitian"):
        check_qobj_hermitian(H, "H")
    with pytest.raises(ValueError, match="H must be Hermitian"):
        qb.ergotropy(ops.excited(), H)
    assert check_qobj_hermitian(0 * ops.number(), "H") is not None  # H = 0 is Hermitian


def test_numbers_are_not_strings_or_bools():
    from qbtoolkit._validate import check_base, check_positive, check_real

    for bad in ("1.0", b"1", True, np.bool_(False)):
        with pytest.raises(ValueError, match="omega must be a real number"):
            check_real(bad, "omega")
        with pytest.raises(ValueError, match="omega must be a real number"):
            check_positive(bad, "omega")
    assert check_real(np.float32(0.5), "x") == 0.5
    assert check_base(np.e) == np.e
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        qb._linalg.set_num_threads(True)
