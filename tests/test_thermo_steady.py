"""Fast steady states of thermal models and the uniqueness test of ``qb.steady_state``.

Independent routes: ``qutip.steadystate`` of the model's full Liouvillian (1e-10), the Gibbs
state of H when all baths share one temperature, the kernel dimension of the dense
Liouvillian, and the unit-scaling invariance (energies x c change nothing but units).
"""

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st

import qbtoolkit as qb
from qbtoolkit import ops, thermo
from qbtoolkit.models import Bath, BatteryModel, thermal_model, thermal_network
from qbtoolkit.thermo.steady import sector_of


def rand_herm(d, rng, dims=None):
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    dims = [d] if dims is None else dims
    return qutip.Qobj((A + A.conj().T) / 2, dims=[dims, dims])


def qutip_ss(m):
    return qutip.steadystate(m.H, list(m.c_ops)).full()


def _systems(rng):
    """Random non-degenerate, degenerate-decoupled and degenerate-coupled global models."""
    out = []
    for d, dims in ((3, [3]), (4, [2, 2]), (6, [3, 2])):
        H = rand_herm(d, rng, dims)
        baths = [Bath(rand_herm(d, rng, dims), rng.uniform(0.1, 3), cutoff=5.0),
                 Bath(rand_herm(d, rng, dims), 0.0, kappa=0.3)]
        out.append(thermal_model(H, baths))
    sz = [ops.embed(ops.sigma_z(), i, 2) for i in range(2)]
    sx = [ops.embed(ops.sigma_x(), i, 2) for i in range(2)]
    H = 0.5 * (sz[0] + sz[1])  # |eg>, |ge> degenerate
    out.append(thermal_model(H, [Bath(sx[0], 0.4), Bath(sx[1], 1.7)]))  # decoupled sector
    out.append(thermal_model(H, [Bath(sx[0] + sx[1], 0.5), Bath(sx[0], 1.5, kappa=0.3)]))
    U = qutip.rand_unitary(4, seed=7)
    U.dims = H.dims
    out.append(thermal_model(U * H * U.dag(), [Bath(sx[0], 0.5), Bath(sx[1] + sz[0], 1.5)]))
    return out


def test_sector_route_equals_qutip_on_the_full_liouvillian(rng):
    kinds = set()
    for m in _systems(rng):
        sec = sector_of(m.params["thermal"])
        kinds.add((sec.n > m.H.shape[0], sec.decoupled))
        rho = qb.steady_state(m)
        assert isinstance(rho, qutip.Qobj) and rho.dims == m.H.dims
        assert np.abs(rho.full() - qutip_ss(m)).max() < 1e-10
        assert np.abs(thermo.steady_states(m) - rho.full()).max() < 1e-14
    assert kinds == {(False, True), (True, True), (True, False)}  # all three routes ran
    # the coupled sector really has coherences inside the degenerate block
    m = _systems(rng)[4]
    assert abs(qb.steady_state(m).full()[1, 2]) > 1e-3


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), d=st.integers(2, 6), T=st.floats(0.05, 10.0),
       degenerate=st.booleans())
def test_equal_temperatures_give_the_gibbs_state(seed, d, T, degenerate):
    rng = np.random.default_rng(seed)
    if degenerate:  # repeated levels, rotated: eigenvectors are LAPACK's choice
        levels = rng.integers(0, 3, d).astype(float)
        U = qutip.rand_unitary(d, seed=seed)
        H = U * qutip.Qobj(np.diag(levels)) * U.dag()
    else:
        H = rand_herm(d, rng)
    baths = [Bath(rand_herm(d, rng), T, kappa=rng.uniform(0.1, 2)) for _ in range(2)]
    try:
        rho = qb.steady_state(thermal_model(H, baths))
    except ValueError as exc:  # a degenerate H can leave a dark subspace: then kernel > 1
        assert "not unique" in str(exc)
        assert thermo.kernel_dimension(thermal_model(H, baths).liouvillian()) > 1
        return
    G = (-H / T).expm()
    assert np.abs(rho.full() - (G / G.tr()).full()).max() < 1e-10


def test_grids_equal_the_point_by_point_solution(rng):
    m = _systems(rng)[1]
    T = rng.uniform(0, 2, (3, 4, 2))
    kap = rng.uniform(0.2, 2, (3, 4, 2))
    grid = thermo.steady_states(m, T, kappas=kap)
    assert grid.shape == (3, 4, 4, 4)
    for idx in np.ndindex(3, 4):
        point = thermal_model(m.H, [b.replace(T=t, kappa=k) for b, t, k in zip(
            m.params["thermal"].baths, T[idx], kap[idx], strict=True)])
        assert np.abs(grid[idx] - qutip_ss(point)).max() < 1e-10


def test_local_master_equation_steady_states_equal_qutip():
    sz = [ops.embed(ops.sigma_z(), i, 3) for i in range(3)]
    X = [ops.embed(ops.sigma_x(), i, 3) for i in range(3)]
    Y = [ops.embed(ops.sigma_y(), i, 3) for i in range(3)]
    H = sum(0.5 * s for s in sz) + sum(0.1 * (X[i] * X[i + 1] + Y[i] * Y[i + 1] + 0.5 * sz[i]
                                              * sz[i + 1]) for i in range(2))
    m = thermal_model(H, [Bath(ops.sigma_x(), 2.0, subsystems=(0,)),
                          Bath(ops.sigma_x(), 0.3, subsystems=(2,))], "local")
    assert np.abs(qb.steady_state(m).full() - qutip_ss(m)).max() < 1e-10
    T = np.array([[2.0, 0.3], [1.0, 1.0]])
    grid = thermo.steady_states(m, T)
    assert np.abs(grid[0] - qutip_ss(m)).max() < 1e-10


# ----------------------------------------------------------------------------- uniqueness
def test_the_issue_example_is_refused_and_neighbours_are_accepted():
    with pytest.raises(ValueError, match="not unique"):
        qb.steady_state(thermal_network([1, 1, 1], 0.5, [.3, .6, .9]))
    for lam in (0.49, 0.51):
        m = thermal_network([1, 1, 1], lam, [.3, .6, .9])
        assert np.abs(qb.steady_state(m).full() - qutip_ss(m)).max() < 1e-10


def test_dark_states_are_refused():
    sz = [ops.embed(ops.sigma_z(), i, 2) for i in range(2)]
    sx = [ops.embed(ops.sigma_x(), i, 2) for i in range(2)]
    m = thermal_model(0.5 * (sz[0] + sz[1]), [Bath(sx[0] + sx[1], 0.5)])  # singlet is dark
    assert thermo.kernel_dimension(m.liouvillian()) == 2
    with pytest.raises(ValueError, match="not unique"):
        qb.steady_state(m)
    # all baths at T = 0 with two local minima: no emission path between them
    H = qutip.Qobj(np.diag([0.0, 1.0, 0.5]))
    A = qutip.Qobj(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0.0]]))
    with pytest.raises(ValueError, match="not unique"):
        qb.steady_state(thermal_model(H, [Bath(A, 0.0, J_zero_slope=0.0)]))


def _chain(n, decay, coupled):
    """n qubits, XX chain among ``coupled``, sigma_- decay on ``decay``: not thermal."""
    X = [ops.embed(ops.sigma_x(), i, n) for i in range(n)]
    Y = [ops.embed(ops.sigma_y(), i, n) for i in range(n)]
    Z = [ops.embed(ops.sigma_z(), i, n) for i in range(n)]
    H = sum(0.5 * (1 + 0.1 * i) * Z[i] for i in range(n))
    H = H + sum(0.2 * (X[i] * X[i + 1] + Y[i] * Y[i + 1]) for i in coupled)
    c = [np.sqrt(0.1) * ops.embed(ops.sigma_minus(), i, n) for i in decay]
    c += [np.sqrt(0.05) * ops.embed(ops.sigma_x(), 0, n)]
    return BatteryModel(H, c, ops.product_state([ops.ground()] * n), H, tuple(range(n)))


@pytest.mark.parametrize("n", [3, 5])  # dense SVD (d = 8) and sparse LU (d = 32) routes
def test_generic_models_unique_accepted_non_unique_refused(n):
    ok = _chain(n, decay=range(n), coupled=range(n - 1))
    ref = qutip.steadystate(ok.H, list(ok.c_ops)).full()
    assert np.abs(qb.steady_state(ok).full() - ref).max() < 1e-10
    bad = _chain(n, decay=range(n - 1), coupled=range(n - 2))  # last qubit isolated
    assert thermo.kernel_dimension(bad.liouvillian()) == 2
    with pytest.raises(ValueError, match="not unique.*evolve"):
        qb.steady_state(bad)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_random_generic_models_are_accepted_and_agree_with_qutip(seed):
    rng = np.random.default_rng(seed)
    H = rand_herm(4, rng, [2, 2])
    c = [qutip.Qobj(rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4)),
                    dims=[[2, 2], [2, 2]]) for _ in range(2)]
    m = BatteryModel(H, c, qutip.ket2dm(qutip.basis([2, 2], [0, 0])), H, (0, 1))
    assert np.abs(qb.steady_state(m).full() - qutip.steadystate(H, c).full()).max() < 1e-10


def test_no_dissipation_is_refused():
    H = 0.5 * ops.sigma_z()
    m = BatteryModel(H, [], qutip.ket2dm(ops.ground()), H, (0,))
    with pytest.raises(ValueError, match="not unique"):
        qb.steady_state(m)


# ----------------------------------------------------------------------------- units
@pytest.mark.parametrize("me", ["global", "local"])
def test_scaling_every_energy_temperature_and_rate_changes_only_units(me):
    """Unit scaling: H, T, cutoff -> c x (Ohmic rates follow): states equal to 1e-10,
    currents x c^2, entropy production x c."""
    n = 3
    Z = [ops.embed(ops.sigma_z(), i, n) for i in range(n)]
    X = [ops.embed(ops.sigma_x(), i, n) for i in range(n)]
    Y = [ops.embed(ops.sigma_y(), i, n) for i in range(n)]
    H = sum(0.5 * (1 + 0.2 * i) * Z[i] for i in range(n)) + sum(
        0.15 * (X[i] * X[i + 1] + Y[i] * Y[i + 1] + 0.4 * Z[i] * Z[i + 1]) for i in range(2))

    def run(c):
        m = thermal_model(c * H, [Bath(ops.sigma_x(), 2.0 * c, cutoff=4.0 * c, subsystems=(0,)),
                                  Bath(ops.sigma_x(), 0.4 * c, subsystems=(2,))], me)
        probe = 0.5 * qb.steady_state(m).full() + 0.5 * np.eye(8) / 8
        return (qb.steady_state(m).full(), thermo.heat_currents(m),
                thermo.entropy_production(m), thermo.entropy_production(m, probe),
                len(m.c_ops))

    ref = run(1.0)
    for c in (1e-12, 1e-6, 1e6, 1e12):
        rho, J, sig, sig_probe, n_ops = run(c)
        assert n_ops == ref[4]
        assert np.abs(rho - ref[0]).max() < 1e-10
        np.testing.assert_allclose(J / c**2, ref[1], rtol=1e-9)
        assert sig / c == pytest.approx(ref[2], rel=1e-9)
        assert sig_probe / c == pytest.approx(ref[3], rel=1e-9)
