"""evolve / Trajectory / steady_state against closed forms and a second method."""

from __future__ import annotations

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit import ops
from qbtoolkit.models import BatteryModel


def decaying_qubit(gamma: float = 0.7, theta: float = np.pi / 2) -> BatteryModel:
    """H = |e><e|, c = sqrt(gamma) sigma_minus, rho0 = Bloch state (Santos 2021 Eq. 5)."""
    H = ops.number()
    return BatteryModel(H, [np.sqrt(gamma) * ops.sigma_minus()], ops.bloch_state(theta), H, (0,),
                        {"gamma": gamma}, "decaying_qubit")


def driven_damped_qubit(omega_r: float, gamma: float) -> BatteryModel:
    """Resonant drive in the rotating frame: H = (Omega/2) sigma_x (reconstructed driven atom,
    Rabat 2026)."""
    return BatteryModel(0.5 * omega_r * ops.sigma_x(), [np.sqrt(gamma) * ops.sigma_minus()],
                        ops.ground(), ops.number(), (0,), {}, "driven")


def test_amplitude_damping_closed_form():
    gamma, p = 0.7, 0.5
    model = decaying_qubit(gamma)
    t = np.linspace(0, 5, 101)
    for method in ("expm", "mesolve"):
        opts = {"atol": 1e-12, "rtol": 1e-10} if method == "mesolve" else None
        traj = qb.evolve(model, t, method=method, options=opts)
        ree = p * np.exp(-gamma * t)
        reg = np.sqrt(p * (1 - p)) * np.exp(-gamma * t / 2)
        np.testing.assert_allclose(traj.states[:, 1, 1].real, ree, atol=1e-9)
        np.testing.assert_allclose(np.abs(traj.states[:, 1, 0]), reg, atol=1e-9)
        erg = ree - 0.5 + 0.5 * np.sqrt((1 - 2 * ree) ** 2 + 4 * reg**2)
        np.testing.assert_allclose(qb.ergotropy(traj.battery_states, traj.H_battery), erg,
                                   atol=1e-9)
    # Santos (2021): Eq. 5-consistent ergotropy half-life of |+> is ln(8/5)/gamma
    ds = qb.evolve(model, np.linspace(0, 3, 301), method="expm").evaluate({"W": qb.ergotropy})
    tau = qb.analysis.half_life(ds.time.values, ds.W.values)
    assert gamma * tau == pytest.approx(np.log(8 / 5), abs=1e-7)


def test_two_qubit_expm_vs_mesolve_and_invariants():
    sa, sb = ops.site_operators(ops.sigma_minus(), 2)
    H = sa.dag() * sa + sb.dag() * sb + 0.3 * (sa.dag() * sb + sb.dag() * sa)
    model = BatteryModel(H, [np.sqrt(0.2) * sa], ops.product_state([ops.excited(), ops.ground()]),
                         ops.number(), (1,), {}, "pair")
    t = np.linspace(0, 10, 201)
    a = qb.evolve(model, t, method="expm")
    b = qb.evolve(model, t, options={"atol": 1e-12, "rtol": 1e-10})
    assert np.max(np.abs(a.states - b.states)) < 1e-8
    # trace, Hermiticity and positivity preserved; reduced state = Qobj.ptrace
    np.testing.assert_allclose(np.trace(a.states, axis1=1, axis2=2).real, 1, atol=1e-12)
    assert np.linalg.eigvalsh(a.states).min() > -1e-12
    np.testing.assert_allclose(a.battery_state(57).full(), a.state(57).ptrace(1).full(),
                               atol=1e-14)
    # non-uniform grids take the step-by-step route
    t2 = np.array([0.0, 0.1, 0.5, 2.0, 7.3])
    c = qb.evolve(model, t2, method="expm")
    ref = [(model.liouvillian() * tt).expm() * qutip.operator_to_vector(model.rho0) for tt in t2]
    for k, r in enumerate(ref):
        np.testing.assert_allclose(c.states[k], qutip.vector_to_operator(r).full(), atol=1e-10)


def test_metrics_during_integration_match_stored():
    model = decaying_qubit(0.4, 2.0)
    t = np.linspace(0, 4, 41)
    opts = {"atol": 1e-12, "rtol": 1e-10}
    stored = qb.evolve(model, t, options=opts)
    light = qb.evolve(model, t, store_states=False, options=opts,
                      metrics={"E": qb.energy, "W": qb.ergotropy, "C": qb.l1_coherence})
    assert light.states is None
    ds = light.evaluate()
    np.testing.assert_allclose(ds.W.values, qb.ergotropy(stored.battery_states, ops.number()),
                               atol=1e-9)
    np.testing.assert_allclose(ds.C.values, qb.l1_coherence(stored.battery_states), atol=1e-9)


def test_xarray_view():
    traj = qb.evolve(decaying_qubit(), np.linspace(0, 1, 11), method="expm")
    ds = traj.to_xarray({"E": qb.energy, "K": qb.capacity, "C": qb.l1_coherence})
    assert ds.time.attrs["units"].startswith("1/energy")
    assert ds.E.attrs["units"].startswith("energy")
    assert ds.C.attrs["units"] == "dimensionless"
    assert ds.battery_state.shape == (11, 2, 2)
    assert ds.attrs["param_gamma"] == 0.7


def test_steady_state_closed_form():
    # reconstructed driven atom (Rabat 2026), steady state:
    # rho_ee = x^2/(1+2x^2), C_l1 = 2x/(1+2x^2),
    # Erg = (sqrt(1+4x^2)-1)/(2(1+2x^2)) with x = Omega/gamma
    for x in (0.5, 1.0, np.sqrt((1 + np.sqrt(2)) / 2), 3.0):
        model = driven_damped_qubit(x * 1.3, 1.3)
        rho = qb.steady_state(model)
        assert rho[1, 1].real == pytest.approx(x**2 / (1 + 2 * x**2), abs=1e-10)
        assert qb.l1_coherence(rho) == pytest.approx(2 * x / (1 + 2 * x**2), abs=1e-10)
        erg = (np.sqrt(1 + 4 * x**2) - 1) / (2 * (1 + 2 * x**2))
        assert qb.ergotropy(rho, ops.number()) == pytest.approx(erg, abs=1e-10)
        # second method: long-time limit of the dynamics
        late = qb.evolve(model, [0.0, 60.0], method="expm").states[-1]
        np.testing.assert_allclose(late, rho.full(), atol=1e-10)


def test_bad_inputs():
    model = decaying_qubit()
    with pytest.raises(ValueError, match="tlist must be finite and strictly increasing"):
        qb.evolve(model, [0.0, 1.0, 0.5])
    with pytest.raises(ValueError, match="unknown method 'rk4'"):
        qb.evolve(model, [0.0, 1.0], method="rk4")
    with pytest.raises(ValueError, match="model must be a BatteryModel"):
        qb.evolve(qutip.qeye(2), [0.0, 1.0])
    closed = model.replace(c_ops=())
    with pytest.raises(ValueError, match="no collapse operators"):
        qb.steady_state(closed)
