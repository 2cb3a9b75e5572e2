"""The toolkit's operator convention: index 0 = ground, sigma_z = diag(-1, +1)."""

from __future__ import annotations

import numpy as np
import pytest
import qutip

from qbtoolkit import ops


def test_basis_and_ladder():
    g, e = ops.ground(), ops.excited()
    assert (ops.sigma_minus() * e - g).norm() < 1e-15
    assert (ops.sigma_plus() * g - e).norm() < 1e-15
    assert (ops.sigma_minus() - qutip.destroy(2)).norm() < 1e-15
    np.testing.assert_array_equal(ops.sigma_z().full().real, np.diag([-1, 1]))
    np.testing.assert_array_equal(ops.number().full().real, np.diag([0, 1]))


def test_pauli_algebra():
    x, y, z = ops.sigma_x(), ops.sigma_y(), ops.sigma_z()
    assert (x * y - 1j * z).norm() < 1e-14
    assert (y * z - 1j * x).norm() < 1e-14
    assert (z * x - 1j * y).norm() < 1e-14
    for s in (x, y, z):
        assert (s * s - qutip.qeye(2)).norm() < 1e-14


def test_bloch_state():
    assert (ops.bloch_state(0) - ops.ground()).norm() < 1e-15
    assert abs(abs(ops.bloch_state(np.pi).overlap(ops.excited())) - 1) < 1e-15
    psi = ops.bloch_state(np.pi / 2, np.pi / 3)
    assert qutip.expect(ops.sigma_x(), psi) == pytest.approx(np.cos(np.pi / 3), abs=1e-14)
    # ground at theta = 0 while sigma_z points to |e>: Bloch vector (s cos phi, -s sin phi, -cos)
    assert qutip.expect(ops.sigma_y(), psi) == pytest.approx(-np.sin(np.pi / 3), abs=1e-14)
    assert qutip.expect(ops.sigma_z(), psi) == pytest.approx(0.0, abs=1e-14)
    assert qutip.expect(ops.sigma_z(), ops.bloch_state(0.4)) == pytest.approx(-np.cos(0.4))
    with pytest.raises(ValueError, match="finite"):
        ops.bloch_state(np.nan)


def test_embed_and_products():
    sm = ops.site_operators(ops.sigma_minus(), 3)
    assert sm[1].dims == [[2, 2, 2], [2, 2, 2]]
    assert (sm[0] - qutip.tensor(qutip.destroy(2), qutip.qeye(2), qutip.qeye(2))).norm() < 1e-15
    assert (sm[0] * sm[2] - sm[2] * sm[0]).norm() < 1e-15
    op = ops.embed(qutip.destroy(3), 1, 2, dims=[2, 3])
    assert op.dims == [[2, 3], [2, 3]]
    with pytest.raises(ValueError, match="site must be < n_sites"):
        ops.embed(ops.sigma_z(), 3, 3)
    ket = ops.product_state([ops.excited(), ops.ground()])
    assert ket.isket and abs(ket.full()[2, 0] - 1) < 1e-15  # |e g> = index 1*2 + 0
    dm = ops.product_state([ops.excited(), qutip.ket2dm(ops.ground())])
    assert dm.isoper
