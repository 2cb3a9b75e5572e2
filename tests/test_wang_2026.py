"""Wang et al. (2026) figure recipes (reconstructed model): each claim of the summary with a
number.

Closed forms for the one-excitation state a|e_c g_b> + b|g_c e_b> (C = 2|ab|):
K_b/2 omega_b = sqrt(1 - C^2), RBC/2(omega_b + omega_c) = 1 - sqrt(1 - C^2),
T_tr(rho_b) = sqrt(1 + (K_b/2 omega_b)^2)/2. On resonance C = |sin 2 J1 t| and
K_b/2 omega_b = |cos 2 J1 t|, so over whole periods the Pearson correlation of capacity and
concurrence is r = (E[CK] - E[C]E[K]) / (E[C^2] - E[C]^2) = 2(pi - 4)/(pi^2 - 8) = -0.91828
(E[C] = E[K] = 2/pi, E[CK] = 1/pi, E[C^2] = 1/2), the same for every resonant J1, J2.
Where the imaginarity vanishes again (Omega t = pi/2): K_b/2 omega_b = |J1^2 - D^2|/(J1^2 + D^2).
"""

import re

import numpy as np
import pytest
from _helpers import axes_and_texts
from scipy.integrate import quad

import qbtoolkit as qb
from qbtoolkit import papers
from qbtoolkit.papers import wang_2026 as w26

IDS = ["dynamics", "resources", "imaginarity", "texture"]
R_RESONANT = 2 * (np.pi - 4) / (np.pi**2 - 8)


@pytest.fixture(scope="module")
def data():
    return {n: papers.get(f"wang_2026/{n}").compute(quick=True) for n in IDS}


def test_registered():
    ids = {f.id for f in papers.all_figures() if f.paper == "wang_2026"}
    assert ids == {f"wang_2026/{n}" for n in IDS}


def test_every_set_on_the_parameter_free_curves(data):
    d = data["resources"]
    assert float(d["max_dev_curves"]) < 1e-6
    C = d["C"]
    np.testing.assert_allclose(d["l1"], C, atol=1e-12)
    np.testing.assert_allclose(d["F3"], np.sqrt(1 + 2 * C**2), atol=1e-9)
    np.testing.assert_allclose(d["B"], 2 * np.sqrt(1 + C**2), atol=1e-9)
    np.testing.assert_allclose(d["RBC"], 2 * (d["omega_b"] + d["omega_c"])
                               * (1 - np.sqrt(np.clip(1 - C**2, 0, None))), atol=1e-6)
    # a pure two-qubit state has the whole spectrum's width as capacity: 2(omega_b + omega_c)
    width = 2 * (d["omega_b"] + d["omega_c"])
    np.testing.assert_allclose(d["K_total"], width.broadcast_like(d["K_total"]), rtol=1e-12)
    # the sets really are different dynamics: the concurrence reached differs
    cmax = d["C"].max("phase").values
    assert cmax.min() == pytest.approx(0.8, abs=1e-3) and cmax.max() == pytest.approx(1, abs=1e-3)


def test_capacity_concurrence_correlation_closed_form(data):
    r = data["resources"]["pearson"]
    assert R_RESONANT == pytest.approx(-0.918277, abs=1e-6)
    for case in ("A", "B"):  # resonance: independent of J1, J2
        assert float(r.sel(case=case, pair="K-C")) == pytest.approx(R_RESONANT, rel=1e-3)
    assert bool((r.sel(pair=["K-C", "K-F3", "K-B", "K-l1"]) < -0.9).all())


def test_residual_capacity_correlates_positively(data):
    r = data["resources"]["pearson"].sel(pair="RBC-C")
    assert float(r.sel(case="A")) == pytest.approx(-R_RESONANT, rel=1e-3)
    assert bool((r > 0.9).all())
    d = data["resources"]
    # and monotonically: along each trajectory RBC rises whenever C rises
    for i in range(d.sizes["case"]):
        order = np.argsort(d["C"].values[i])
        assert np.all(np.diff(d["RBC_norm"].values[i][order]) > -1e-9)


def test_texture_capacity_correlation(data):
    """Positive: r(K, T_tr(rho_b)) > 0.97 for every set; on resonance the value is the
    integral over one period of K = |cos u|, T = sqrt(1 + K^2)/2."""
    def mean(f):
        return quad(f, 0, np.pi / 2)[0] / (np.pi / 2)

    K = lambda u: abs(np.cos(u))  # noqa: E731
    T = lambda u: np.sqrt(1 + np.cos(u) ** 2) / 2  # noqa: E731
    mk, mt = mean(K), mean(T)
    r_exact = (mean(lambda u: K(u) * T(u)) - mk * mt) / np.sqrt(
        (mean(lambda u: K(u) ** 2) - mk**2) * (mean(lambda u: T(u) ** 2) - mt**2))
    r = data["texture"]["pearson"].sel(pair="K-T_b")
    assert float(r.sel(case="A")) == pytest.approx(r_exact, rel=1e-3)
    assert r_exact == pytest.approx(0.98289, abs=1e-5)
    assert bool((r > 0.97).all())
    d = data["texture"]
    np.testing.assert_allclose(d["T_b"], np.sqrt(1 + d["K"] ** 2) / 2, atol=1e-9)
    # the two-qubit state's texture is constant on resonance: no correlation to draw
    np.testing.assert_allclose(d["T_full"].sel(case=["A", "B"]), np.sqrt(3) / 2, atol=1e-9)


def test_texture_of_battery_does_not_depend_on_basis_phases(data):
    """rho_b is diagonal in the computational basis, so re-phasing the basis vectors leaves
    its texture unchanged, while the imaginarity of the two-qubit state changes."""
    model = qb.models.xxz_charger_battery(1.2, 1.0, 0.3, 0.5)
    traj = qb.evolve(model, np.linspace(0.5, 6.0, 7), method="expm")
    phases = np.diag([1.0, np.exp(0.7j)])
    np.testing.assert_allclose(qb.state_texture(traj.battery_states, basis=phases),
                               qb.state_texture(traj.battery_states), atol=1e-12)
    both = np.kron(np.eye(2), phases)
    assert not np.allclose(qb.imaginarity(traj.states, basis=both), qb.imaginarity(traj.states))
    with pytest.raises(ValueError, match="basis"):
        qb.imaginarity(traj.states, H=model.H)


def test_imaginarity_zero_is_not_peak_capacity(data):
    d = data["imaginarity"]
    np.testing.assert_allclose(d["imag_at_zero"], 0.0, atol=1e-9)
    np.testing.assert_allclose(d["K_at_zero"], d["K_at_zero_closed_form"], atol=1e-9)
    s = d["scan"].values
    K0 = d["K_at_zero"].values
    assert K0[0] == pytest.approx(1.0, abs=1e-9)  # resonance: I = 0 at full charge
    assert K0[np.argmin(np.abs(s - 1))] == pytest.approx(0.0, abs=1e-9)  # |Delta| = J1
    below = s <= 1
    assert np.all(np.diff(K0[below]) < 0)  # the gap grows with detuning up to J1 ...
    assert np.all(np.diff(K0[~below]) > 0)  # ... then shrinks
    # D -> J1^2 / D is a symmetry of the closed form: Delta = J1/2 and 2 J1 both give 0.6
    assert abs(1 - 0.25) / (1 + 0.25) == pytest.approx(abs(1 - 4) / (1 + 4))
    # t = 0 is the other zero of the imaginarity, always at peak capacity
    np.testing.assert_allclose(d["K"].isel(phase=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(d["imag"].isel(phase=0), 0.0, atol=1e-12)


def test_imaginarity_equals_concurrence_on_resonance(data):
    d = data["imaginarity"].sel(detuning=0.0)
    np.testing.assert_allclose(d["imag"], d["C"], atol=1e-9)


def test_J2_drops_out():
    t = np.linspace(0, 10, 11)
    a = w26.measure(1.2, 1.0, 0.3, 0.5, t)
    b = w26.measure(1.2, 1.0, 0.3, -2.0, t)
    for k in ("K", "C", "F3", "B", "imag", "T_b", "RBC"):
        np.testing.assert_allclose(a[k], b[k], atol=1e-9)


def test_dynamics_landmarks(data):
    d = data["dynamics"]
    x = d["phase"].values
    i4, i2 = np.argmin(np.abs(x - np.pi / 4)), np.argmin(np.abs(x - np.pi / 2))
    assert x[i4] == pytest.approx(np.pi / 4) and x[i2] == pytest.approx(np.pi / 2)
    assert float(d["C"][i4]) == pytest.approx(1.0, abs=1e-9)
    assert float(d["K"][i4]) == pytest.approx(0.0, abs=1e-6)
    assert float(d["F3"][i4]) == pytest.approx(np.sqrt(3), abs=1e-9)
    assert float(d["B"][i4]) == pytest.approx(2 * np.sqrt(2), abs=1e-9)
    assert float(d["T_b"][i4]) == pytest.approx(0.5, abs=1e-9)
    assert float(d["K"][i2]) == pytest.approx(1.0, abs=1e-9)
    assert float(d["C"][i2]) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("name", IDS)
def test_figures_read_like_physics(data, name):
    import matplotlib.pyplot as plt

    fig = papers.get(f"wang_2026/{name}").plot(data[name])
    axes, texts = axes_and_texts(fig)
    for ax in axes:
        assert ax.get_ylabel() and ax.get_xlabel(), f"{name}: a panel without axis labels"
    joined = "\n".join(texts)
    assert not re.search(r"SPEC|\(00\d|[a-z]+_[a-z]+\(|method\s*=", joined), joined
    if name in ("resources", "texture"):  # every parameter set in the legend
        for i in range(len(w26.CASES)):
            assert w26.case_label(i) in joined
    if name in ("imaginarity", "texture"):
        assert "computational basis" in joined
    plt.close(fig)
