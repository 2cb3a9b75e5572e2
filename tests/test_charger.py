"""charger_battery (Downing & Ukhtary 2026): builder, and simulation vs the closed forms."""

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit import analysis, analytic
from qbtoolkit.models import charger_battery

THETAS = [0.0, np.pi / 4, np.pi / 2, 2.0, 3 * np.pi / 4, np.pi]
J = 0.05
JT = np.linspace(0, 2 * np.pi, 241)
TOL = 1e-6  # required agreement; the exact propagation reaches ~1e-10


def _series(theta, gamma_over_J=0.0, Jt=JT, omega=1.0, J=J, phi=0.0, method="expm", **kw):
    model = charger_battery(omega=omega, J=J, theta=theta, phi=phi, gamma=gamma_over_J * J)
    traj = qb.evolve(model, Jt / J, method=method, **kw)
    rb, Hb = traj.battery_states, traj.H_battery
    return {
        "E": qb.energy(rb, Hb) / omega,
        "erg": qb.ergotropy(rb, Hb) / omega,
        "K": qb.capacity(rb, Hb) / omega,
        "var": qb.energy_variance(rb, Hb) / omega**2,
        "coh": qb.l1_coherence(rb) / 2,
        "conc": qb.concurrence(traj.states),
        "traj": traj,
    }


def test_builder_structure():
    m = charger_battery(omega=1.0, J=0.1, theta=np.pi / 3, phi=0.4, gamma=0.02)
    assert isinstance(m, qb.BatteryModel)
    assert m.dims == [2, 2] and m.battery == (1,) and m.battery_dims == [2]
    sa = qutip.tensor(qutip.destroy(2), qutip.qeye(2))
    sb = qutip.tensor(qutip.qeye(2), qutip.destroy(2))
    H = sa.dag() * sa + sb.dag() * sb + 0.1 * (sa.dag() * sb + sb.dag() * sa)
    assert (m.H - H).norm() < 1e-14
    assert len(m.c_ops) == 1 and (m.c_ops[0] - np.sqrt(0.02) * sa).norm() < 1e-14
    alpha = np.cos(np.pi / 6) * qutip.basis(2, 0) + np.exp(0.4j) * np.sin(np.pi / 6) * qutip.basis(
        2, 1
    )
    rho0 = qutip.ket2dm(qutip.tensor(alpha, qutip.basis(2, 0)))
    assert (m.rho0 - rho0).norm() < 1e-14
    assert (m.H_battery - qutip.num(2)).norm() < 1e-14
    assert m.params == {"omega": 1.0, "J": 0.1, "theta": np.pi / 3, "phi": 0.4, "gamma": 0.02}
    assert charger_battery(gamma=0.0).c_ops == ()
    assert m.liouvillian().issuper


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({"omega": 0.0}, "omega"),
        ({"J": -1.0}, "J"),
        ({"gamma": -0.1}, "gamma"),
        ({"theta": float("nan")}, "theta"),
        ({"phi": "x"}, "phi"),
    ],
)
def test_builder_validation(kw, name):
    with pytest.raises(ValueError, match=name):
        charger_battery(**kw)


@pytest.mark.parametrize("theta", THETAS)
def test_closed_system_matches_closed_forms(theta):
    s = _series(theta)
    assert np.max(np.abs(s["E"] - analytic.energy(theta, JT))) < TOL  # Eq. 30
    assert np.max(np.abs(s["erg"] - analytic.ergotropy(theta, JT))) < TOL  # Eq. 38
    assert np.max(np.abs(s["K"] - analytic.capacity(theta, JT))) < TOL  # Eq. 57
    assert np.max(np.abs(s["conc"] - analytic.concurrence(theta, JT))) < TOL  # Eq. 59
    assert np.max(np.abs(s["coh"] - analytic.coherence(theta, JT))) < TOL  # Eq. 56
    assert np.max(np.abs(s["E"] - 0.5 - analytic.inversion(theta, JT))) < TOL  # Eq. 55
    assert np.max(np.abs(s["var"] - analytic.energy_variance(theta, JT))) < TOL  # Eq. 36 fixed


@pytest.mark.parametrize("theta", [np.pi / 4, np.pi / 2, np.pi])
@pytest.mark.parametrize("g", [0.1, 0.2, 0.5, 1.0])
def test_lossy_charger_matches_eqs_62_69_70(theta, g):
    s = _series(theta, g)
    assert np.max(np.abs(s["E"] - analytic.damped_energy(theta, JT, 1.0, g))) < TOL  # Eq. 62
    assert np.max(np.abs(s["erg"] - analytic.damped_ergotropy(theta, JT, 1.0, g))) < TOL  # 69
    assert np.max(np.abs(s["K"] - analytic.damped_capacity(theta, JT, 1.0, g))) < TOL  # 70


def test_independent_of_phi_and_omega():
    a = _series(2.0, 0.2, phi=0.0)
    b = _series(2.0, 0.2, phi=1.3)
    c = _series(2.0, 0.2, omega=10.0, J=1.0)  # omega_b = 10 J instead of 20 J
    for k in ("E", "erg", "K", "conc"):
        assert np.max(np.abs(a[k] - b[k])) < 1e-9
        assert np.max(np.abs(a[k] - c[k])) < 1e-8


def test_mesolve_cross_check():
    Jt = np.linspace(0, np.pi, 61)
    opts = {"atol": 1e-12, "rtol": 1e-10, "nsteps": 100000}
    a = _series(np.pi / 2, 0.5, Jt=Jt, method="mesolve", options=opts)
    b = _series(np.pi / 2, 0.5, Jt=Jt)
    assert np.max(np.abs(a["traj"].states - b["traj"].states)) < 1e-7
    assert np.max(np.abs(a["erg"] - analytic.damped_ergotropy(np.pi / 2, Jt, 1.0, 0.5))) < TOL


def test_lossless_optima_from_simulation():
    Jt = np.linspace(0, 2.0, 201)
    for theta in (np.pi / 2, np.pi):
        s = _series(theta, Jt=Jt)
        tE, EtE = analysis.peak(Jt, s["E"])
        tP, PtP = analysis.optimal_power(Jt, s["E"])
        assert tE == pytest.approx(np.pi / 2, abs=1e-6)  # Eq. 31
        assert EtE == pytest.approx(np.sin(theta / 2) ** 2, abs=1e-6)  # Eq. 32
        assert tP == pytest.approx(analytic.A, abs=1e-6)  # Eq. 34
        assert PtP == pytest.approx(analytic.B * np.sin(theta / 2) ** 2, abs=1e-6)  # Eq. 35
    # exact ergotropic-power optimum (Eqs. 42, 44; the optima of the paper's Fig. 3b/3d)
    tq, pq = analysis.optimal_power(Jt, _series(np.pi / 2, Jt=Jt)["erg"])
    assert tq == pytest.approx(1.323922, abs=1e-6)
    assert pq == pytest.approx(0.344355, abs=1e-6)
    tq, pq = analysis.optimal_power(Jt, _series(np.pi, Jt=Jt)["erg"])
    assert tq == pytest.approx(analytic.C, abs=1e-6)
    assert pq == pytest.approx(analytic.D, abs=1e-6)


@pytest.mark.parametrize(
    ("g", "tE", "EtE", "tP", "PtP"),
    [(0.1, 1.546277, 0.925599, 1.135498, 0.684312), (0.2, 1.522680, 0.858758, 1.106547, 0.647569)],
)
def test_section8_table_from_simulation(g, tE, EtE, tP, PtP):
    Jt = np.linspace(0, 2.0, 201)
    s = _series(np.pi, g, Jt=Jt)
    t1, e1 = analysis.peak(Jt, s["E"])
    t2, p2 = analysis.optimal_power(Jt, s["E"])
    assert t1 == pytest.approx(tE, abs=1e-6)
    assert e1 == pytest.approx(EtE, abs=1e-6)
    assert t2 == pytest.approx(tP, abs=1e-6)
    assert p2 == pytest.approx(PtP, abs=1e-6)
