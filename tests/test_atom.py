"""driven_atom (rotating-wave and lab frame) and two_qubit_battery, models reconstructed from
the Rabat group's abstract."""

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit import analysis, analytic, ops
from qbtoolkit.models import driven_atom, two_qubit_battery


def _atom(model, t):
    traj = qb.evolve(model, t, method="expm")
    rb, Hb = traj.battery_states, traj.H_battery
    return traj, qb.energy(rb, Hb), qb.ergotropy(rb, Hb), qb.l1_coherence(rb)


def test_driven_atom_builder():
    m = driven_atom(Omega=0.7, gamma=0.2, gamma_phi=0.3, delta=0.1, omega0=2.0, theta=0.5)
    H = 0.05 * qutip.Qobj(np.diag([-1.0, 1.0])) + 0.35 * (qutip.destroy(2) + qutip.create(2))
    assert (m.H - H).norm() < 1e-14
    assert len(m.c_ops) == 2
    assert (m.c_ops[0] - np.sqrt(0.2) * qutip.destroy(2)).norm() < 1e-14
    assert (m.c_ops[1] - np.sqrt(0.15) * ops.sigma_z()).norm() < 1e-14
    assert (m.H_battery - 2.0 * qutip.num(2)).norm() < 1e-14
    assert m.battery == (0,)
    assert (m.rho0 - qutip.ket2dm(ops.bloch_state(0.5))).norm() < 1e-14
    assert (m.H_local[0] - 2.0 * qutip.num(2)).norm() == 0
    assert m.params == {"Omega": 0.7, "gamma": 0.2, "gamma_phi": 0.3, "delta": 0.1,
                        "omega0": 2.0, "theta": 0.5, "phi": 0.0, "frame": "rotating",
                        "omega_L": 1.9}
    assert driven_atom().c_ops == ()
    assert (driven_atom().rho0 - qutip.ket2dm(qutip.basis(2, 0))).norm() < 1e-14


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({"Omega": -1.0}, "Omega"),
        ({"gamma": -1.0}, "gamma"),
        ({"gamma_phi": -1}, "gamma_phi"),
        ({"omega0": 0.0}, "omega0"),
        ({"delta": float("inf")}, "delta"),
    ],
)
def test_driven_atom_validation(kw, name):
    with pytest.raises(ValueError, match=name):
        driven_atom(**kw)


def test_driven_atom_lab_frame_builder():
    m = driven_atom(Omega=0.3, gamma=0.1, gamma_phi=0.05, omega0=2.0, frame="lab", delta=0.4)
    assert m.is_time_dependent and m.args == {"omega_L": pytest.approx(1.6)}
    assert m.params["frame"] == "lab" and m.params["omega_L"] == pytest.approx(1.6)
    for t in (0.0, 0.37, 2.9):
        H = 1.0 * ops.sigma_z() + 0.3 * np.cos(1.6 * t) * ops.sigma_x()
        assert (m.H_at(t) - H).norm() < 1e-14
    rwa = driven_atom(Omega=0.3, gamma=0.1, gamma_phi=0.05, omega0=2.0, delta=0.4)
    assert m.c_ops == rwa.c_ops and (m.H_battery - rwa.H_battery).norm() == 0
    assert (m.H_local[0] - 2.0 * qutip.num(2)).norm() == 0
    # omega_L instead of delta, in either frame
    assert driven_atom(omega_L=0.7).params["delta"] == pytest.approx(0.3)
    assert driven_atom(frame="lab", omega_L=0.7).args == {"omega_L": 0.7}
    assert not driven_atom(Omega=0.0, frame="lab").is_time_dependent  # no drive: static
    with pytest.raises(ValueError, match="delta.*omega_L"):
        driven_atom(delta=0.1, omega_L=0.9)
    with pytest.raises(ValueError, match="omega_L"):
        driven_atom(frame="lab", delta=1.5)  # omega_L = -0.5
    with pytest.raises(ValueError, match="omega_L"):
        driven_atom(omega_L=0.0)
    with pytest.raises(ValueError, match="frame"):
        driven_atom(frame="Lab")
    with pytest.raises(ValueError, match="time-independent"):
        qb.evolve(m, [0.0, 1.0], method="expm")


def _lab_vs_rwa(eps, rates, sampling, scale=1.0):
    """max |lab - RWA| of energy, ergotropy (units of omega0) and excited population over one
    Rabi period, resonant drive Omega = eps omega0 (all energies and rates x scale).
    ``sampling="dense"``: 16 samples per optical period; ``"stroboscopic"``: t = k pi/omega_L."""
    omega0, Omega = scale, eps * scale
    kw = dict(Omega=Omega, gamma=rates[0] * Omega, gamma_phi=rates[1] * Omega, omega0=omega0)
    T = 2 * np.pi / Omega
    if sampling == "dense":
        t = np.linspace(0.0, T, int(16 * omega0 * T / (2 * np.pi)) + 1)
    else:
        t = np.arange(int(T * omega0 / np.pi) + 1) * np.pi / omega0
    opts = {"atol": 1e-11, "rtol": 1e-10, "nsteps": 10**6}
    lab = qb.evolve(driven_atom(frame="lab", **kw), t, options=opts)
    rwa = qb.evolve(driven_atom(**kw), t, method="expm")
    a, b = lab.evaluate(["energy", "ergotropy"]), rwa.evaluate(["energy", "ergotropy"])
    out = {name: np.max(np.abs(a[name].values - b[name].values)) / omega0
           for name in ("energy", "ergotropy")}
    out["population"] = np.max(np.abs(lab.battery_states[:, 1, 1] - rwa.battery_states[:, 1, 1]))
    return out


@pytest.mark.parametrize("rates", [(0.0, 0.0), (0.3, 0.15)])
def test_lab_frame_agrees_with_rwa_to_its_accuracy(rates):
    """RWA accuracy for Omega << omega0 (resonance). The counter-rotating part of
    Omega cos(omega_L t) sigma_x drives a micromotion at 2 omega_L of relative amplitude
    ~ Omega / (4 omega0): sampled densely, lab and RWA differ by O(Omega/omega0) (measured
    0.21 Omega/omega0 on the energy), halving with Omega. At the stroboscopic times
    t = k pi / omega_L the micromotion vanishes and what is left is second order (the
    Bloch-Siegert shift Omega^2 / (4 omega0) of the resonance; measured 0.04-0.15
    (Omega/omega0)^2):
    it drops 4-fold when Omega halves."""
    d1, d2 = _lab_vs_rwa(0.04, rates, "dense"), _lab_vs_rwa(0.02, rates, "dense")
    s1, s2 = _lab_vs_rwa(0.04, rates, "stroboscopic"), _lab_vs_rwa(0.02, rates, "stroboscopic")
    for name in d1:
        assert 0.15 * 0.04 < d1[name] < 0.3 * 0.04, (name, d1[name])
        assert d1[name] / d2[name] == pytest.approx(2.0, rel=0.05), name
        assert s1[name] < 0.2 * 0.04**2, (name, s1[name])
        assert s1[name] / s2[name] == pytest.approx(4.0, rel=0.1), name


def test_lab_frame_is_scale_free():
    """All energies and rates x 1e4, times / 1e4: the same numbers."""
    a = _lab_vs_rwa(0.04, (0.3, 0.15), "dense")
    b = _lab_vs_rwa(0.04, (0.3, 0.15), "dense", scale=1e4)
    for name in a:
        assert b[name] == pytest.approx(a[name], rel=1e-5)


@pytest.mark.parametrize("delta", [0.0, 0.5, 1.3])
def test_a1_rabi_charging(delta):
    t = np.linspace(0, 4 * np.pi, 201)
    _, E, W, C = _atom(driven_atom(Omega=1.0, delta=delta), t)
    assert np.max(np.abs(E - analytic.atom_rabi_population(t, 1.0, delta))) < 1e-8
    assert np.max(np.abs(C - analytic.atom_rabi_coherence(t, 1.0, delta))) < 1e-6
    assert np.max(np.abs(W - E)) < 1e-8  # pure state: ergotropy = energy
    assert np.max(np.abs(C**2 - 4 * E * (1 - E))) < 1e-8


@pytest.mark.parametrize("p", [0.3, 0.5, 0.9])
def test_a2_free_decay(p):
    gt = np.linspace(0, 5, 501)
    theta = 2 * np.arcsin(np.sqrt(p))
    traj, E, W, C = _atom(driven_atom(Omega=0.0, gamma=1.0, theta=theta), gt)
    assert np.max(np.abs(E - analytic.atom_decay_energy(gt, p))) < 1e-8
    assert np.max(np.abs(C - analytic.atom_decay_coherence(gt, p))) < 1e-8
    assert np.max(np.abs(W - analytic.atom_decay_ergotropy(gt, p))) < 1e-8
    # one-to-one energy-coherence map E = C^2 / (4 (1 - p))
    assert np.max(np.abs(E - analytic.atom_energy_from_coherence(C, p))) < 1e-8
    assert analysis.half_life(gt, W) == pytest.approx(
        analytic.atom_ergotropy_half_life(p), abs=1e-6
    )
    inc = qb.incoherent_ergotropy(traj.battery_states, traj.H_battery)
    if p > 0.5:  # population part of the ergotropy dies at gamma t = ln(2p)
        death = analysis.first_crossing(gt, inc, 1e-12)
        assert death == pytest.approx(np.log(2 * p), abs=1e-2)
        assert np.all(inc[gt > np.log(2 * p) + 1e-9] < 1e-12)
    # late times: ergotropy / energy -> 1 - p (the coherent part survives)
    _, E_late, W_late, _ = _atom(
        driven_atom(Omega=0.0, gamma=1.0, theta=theta), np.array([0, 15.0])
    )
    assert W_late[-1] / E_late[-1] == pytest.approx(1 - p, rel=1e-5)


def test_a2_half_life_plus_state():
    gt = np.linspace(0, 1, 101)
    _, _, W, _ = _atom(driven_atom(Omega=0.0, gamma=1.0, theta=np.pi / 2), gt)
    assert analysis.half_life(gt, W) == pytest.approx(np.log(8 / 5), abs=1e-6)
    assert np.log(8 / 5) == pytest.approx(0.4700, abs=5e-5)


@pytest.mark.parametrize(
    ("x", "gphi", "delta"), [(0.5, 0.0, 0.0), (1.0, 0.0, 0.0), (2.0, 0.5, 0.0), (0.8, 0.3, 0.7)]
)
def test_a3_steady_state_closed_forms(x, gphi, delta):
    m = driven_atom(Omega=x, gamma=1.0, gamma_phi=gphi, delta=delta)
    rho = qb.steady_state(m)
    assert qb.energy(rho, m.H_battery) == pytest.approx(
        analytic.atom_steady_population(x, 1.0, gphi, delta), abs=1e-9
    )
    assert qb.l1_coherence(rho) == pytest.approx(
        analytic.atom_steady_coherence(x, 1.0, gphi, delta), abs=1e-9
    )
    assert qb.ergotropy(rho, m.H_battery) == pytest.approx(
        analytic.atom_steady_ergotropy(x, 1.0, gphi, delta), abs=1e-9
    )
    # the steady state is purely coherent: no population inversion
    assert qb.incoherent_ergotropy(rho, m.H_battery) == pytest.approx(0.0, abs=1e-12)


def test_a3_maximum_steady_ergotropy():
    def erg(x):
        m = driven_atom(Omega=x, gamma=1.0)
        return qb.ergotropy(qb.steady_state(m), m.H_battery)

    x, w = analysis.maximize(erg, 0.5, 2.0, xatol=1e-7)
    assert x == pytest.approx(1.0987, abs=1e-4)
    assert x == pytest.approx(np.sqrt((1 + np.sqrt(2)) / 2), abs=1e-5)
    assert w == pytest.approx(0.20711, abs=1e-5)
    assert w == pytest.approx((np.sqrt(2) - 1) / 2, abs=1e-9)
    assert erg(1.0) == pytest.approx(0.20601, abs=1e-5)


def test_a3_long_time_limit_is_steady_state():
    m = driven_atom(Omega=1.5, gamma=1.0, gamma_phi=0.2)
    traj = qb.evolve(m, np.array([0.0, 60.0]), method="expm")
    assert np.max(np.abs(traj.states[-1] - qb.steady_state(m).full())) < 1e-9


def test_two_qubit_builder_and_validation():
    m = two_qubit_battery(Omega=1.0, J=0.5, Jz=0.2, gamma=0.1, gamma_phi=0.05)
    assert m.dims == [2, 2] and m.battery == (0, 1)
    assert len(m.c_ops) == 4
    assert m.H.isherm
    n = qutip.num(2)
    Hb = qutip.tensor(n, qutip.qeye(2)) + qutip.tensor(qutip.qeye(2), n)
    assert (m.H_battery - Hb).norm() < 1e-14
    assert (m.rho0 - qutip.ket2dm(qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 0)))).norm() == 0
    for kw, name in (
        ({"gamma": -1}, "gamma"),
        ({"J": float("nan")}, "J"),
        ({"Omega": -2}, "Omega"),
        ({"omega0": -1.0}, "omega0"),
    ):
        with pytest.raises(ValueError, match=name):
            two_qubit_battery(**kw)


def test_two_qubit_noninteracting_is_two_atoms():
    t = np.linspace(0, 20, 101)
    pair = qb.evolve(two_qubit_battery(Omega=1.0, gamma=0.1), t, method="expm")
    single = qb.evolve(driven_atom(Omega=1.0, gamma=0.1), t, method="expm")
    E2 = qb.energy(pair.battery_states, pair.H_battery)
    E1 = qb.energy(single.battery_states, single.H_battery)
    assert np.max(np.abs(E2 - 2 * E1)) < 1e-9
    assert np.max(qb.concurrence(pair.states)) < 1e-9
    # product of identical states: rho_pair = rho1 (x) rho1
    prod = np.einsum("tij,tkl->tikjl", single.states, single.states).reshape(-1, 4, 4)
    assert np.max(np.abs(pair.states - prod)) < 1e-9


def test_two_qubit_interaction_entangles():
    t = np.linspace(0, 10, 101)
    traj = qb.evolve(two_qubit_battery(Omega=1.0, J=1.0, Jz=0.25, gamma=0.1), t, method="expm")
    assert np.max(qb.concurrence(traj.states)) > 0.3
    W = qb.ergotropy(traj.battery_states, traj.H_battery)
    assert np.all(W >= -1e-12) and np.all(W <= 2 + 1e-12)


# ----------------------------------------------------------------- recipes (rabat_2026_atom)


@pytest.mark.parametrize("name", ["a1_rabi", "a2_decay", "a3_steady", "b_two_qubit"])
def test_rabat_recipes_quick(name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from qbtoolkit import papers

    recipe = papers.get(f"rabat_2026_atom/{name}")
    ds = recipe.compute(quick=True)
    assert "reconstructed" in ds.attrs["note"]
    if name == "a1_rabi":
        assert float(abs(ds.E - ds.E_exact).max()) < 1e-8
    elif name == "a2_decay":
        assert float(abs(ds.E - ds.E_from_coherence).max()) < 1e-8
        assert np.allclose(ds.half_life, ds.half_life_exact, atol=1e-6)
    elif name == "a3_steady":
        assert float(abs(ds.ss_ergotropy - ds.ss_ergotropy_exact).max()) < 1e-9
        assert ds.attrs["ergotropy_max"] == pytest.approx(0.20711, abs=1e-5)
    else:
        assert float(ds.concurrence.sel(case="non-interacting").max()) < 1e-9
    fig = recipe.plot(ds)
    assert len(fig.axes) >= 2
    plt.close(fig)
