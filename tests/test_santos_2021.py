"""Santos (2021) figure recipes: the paper's decay convention in Figs. 3-5, with Eq. 5 beside.

Closed forms (single cell, x = exp(-Gamma t / 2), y = exp(-Gamma t)):
- paper's convention: rho_ee = rho_ee(0) x, |rho_eg| = |rho_eg(0)| x;
  Eq. 5 (amplitude damping): rho_ee = rho_ee(0) y, |rho_eg| = |rho_eg(0)| sqrt(y);
- classical cell (rho_ee(0) = 3/4) has no ergotropy once rho_ee <= 1/2:
  Gamma t = 2 ln(3/2) = 0.810930 (paper) and ln(3/2) = 0.405465 (Eq. 5);
- coherent cell: efficiency E/U -> |rho_eg|^2 / rho_ee, i.e. ~ x/2 -> 0 (paper) and
  1/2 + 3y/8 -> 1/2 (Eq. 5).
"""

import re

import numpy as np
import pytest
import qutip
from _helpers import axes_and_texts

import qbtoolkit as qb
from qbtoolkit import papers
from qbtoolkit.models import network
from qbtoolkit.papers import santos_2021 as s21

IDS = ["fig2", "fig3", "fig4", "fig5"]


@pytest.fixture(scope="module")
def data():
    return {n: papers.get(f"santos_2021/{n}").compute(quick=True) for n in IDS}


def test_classical_death_times_closed_form():
    assert s21.classical_death_time("paper") == pytest.approx(2 * np.log(1.5), rel=1e-15)
    assert s21.classical_death_time("paper") == pytest.approx(0.810930, abs=1e-6)
    assert s21.classical_death_time("amplitude") == pytest.approx(0.405465, abs=1e-6)
    for dec in ("paper", "amplitude"):  # rho_ee = 1/2 exactly there
        tau = s21.classical_death_time(dec)
        assert s21.single_cell(tau, "classical", dec)[1] == pytest.approx(0.5, rel=1e-14)


@pytest.mark.parametrize("decay", ["paper", "amplitude"])
def test_classical_death_time_simulated(decay):
    """The simulated classical cell has ergotropy just before the closed-form time and none
    just after; the ergotropy is linear there (3x - 2 in units of E_1/2), so the root of the
    line through two nearby samples is the death time."""
    tau = s21.classical_death_time(decay)
    t = tau * np.array([0.0, 0.999, 0.9995, 1.001])
    W = s21.trajectory_metrics(network(1, initial="classical", decay=decay), t)["ergotropy"]
    assert W[1] > 0 and W[2] > 0
    assert W[3] <= 1e-13 * W[0]
    root = t[1] - W[1] * (t[2] - t[1]) / (W[2] - W[1])
    assert root == pytest.approx(tau, rel=1e-6)


@pytest.mark.parametrize("decay", ["paper", "amplitude"])
def test_single_cell_efficiency_matches_closed_form(decay):
    t = np.linspace(0.0, 12.0, 97)
    for state in ("classical", "coherent"):
        r = s21.trajectory_metrics(network(1, initial=state, decay=decay), t)
        W, U = s21.single_cell(t, state, decay)
        np.testing.assert_allclose(r["energy"], U, rtol=1e-10, atol=1e-13 * U[0])
        np.testing.assert_allclose(r["ergotropy"], W, rtol=1e-7, atol=1e-14 * W[0])
        assert r["efficiency"][0] == pytest.approx(2 / 3 if state == "classical" else 1.0,
                                                   rel=1e-12)


def test_coherent_efficiency_limits():
    """N = 1 efficiency: -> 0 as x/2 in the paper's convention, -> 1/2 from above under Eq. 5."""
    t = np.array([0.0, 12.0, 20.0])
    paper = s21.trajectory_metrics(network(1, decay="paper"), t)["efficiency"]
    x = np.exp(-t / 2)
    assert paper[2] / x[2] == pytest.approx(0.5, rel=1e-4)
    assert paper[2] < 3e-5 and paper[1] > paper[2]
    assert paper[2] == pytest.approx(np.divide(*s21.single_cell(t[2], "coherent")), rel=1e-5)
    amp = s21.trajectory_metrics(network(1, decay="amplitude"), t)["efficiency"]
    y = np.exp(-t[1])
    assert amp[1] - 0.5 == pytest.approx(3 * y / 8, rel=1e-3)
    assert s21.coherent_efficiency_limit("paper") == 0.0
    assert s21.coherent_efficiency_limit("amplitude") == 0.5


def test_closed_form_ergotropy_keeps_paper_formulas():
    t = np.linspace(0, 5, 51)
    x = np.exp(-t / 2)
    np.testing.assert_allclose(s21.closed_form_ergotropy(t, "classical"),
                               np.maximum(0, 3 * x - 2), atol=1e-15)
    np.testing.assert_allclose(s21.closed_form_ergotropy(t, "coherent"),
                               x - 1 + np.sqrt(1 - 2 * x + 2 * x**2), atol=1e-15)


def test_fig2_both_conventions(data):
    d = data["fig2"]
    hl = d.half_life
    assert float(hl.sel(decay="paper", state="classical")) == pytest.approx(
        2 * np.log(6 / 5), abs=1e-3)
    assert float(hl.sel(decay="paper", state="coherent")) == pytest.approx(
        2 * np.log(2 * (1 + np.sqrt(6)) / 5), abs=1e-3)
    assert float(hl.sel(decay="amplitude", state="coherent")) == pytest.approx(
        np.log(8 / 5), abs=1e-3)
    np.testing.assert_allclose(d.ergotropy, d.ergotropy_closed_form, atol=1e-7)
    np.testing.assert_allclose(d.efficiency, d.efficiency_closed_form, atol=1e-7)


def test_fig3_one_cell_is_fig2_in_both_conventions(data):
    d = data["fig3"]
    for dec in ("paper", "amplitude"):
        for st in ("classical", "coherent"):
            np.testing.assert_allclose(d.efficiency.sel(decay=dec, state=st, N=1),
                                       d.single_cell_closed_form.sel(decay=dec, state=st),
                                       atol=1e-8)
    np.testing.assert_allclose(d.efficiency.isel(time=0).sel(state="classical"), 2 / 3)
    np.testing.assert_allclose(d.efficiency.isel(time=0).sel(state="coherent"), 1.0)
    # the diagnostic of the convention: the N = 1 coherent efficiency at Gamma t = 4
    end = d.efficiency.sel(state="coherent", N=1).isel(time=-1)
    assert float(end.sel(decay="paper")) < 0.09 < 0.5 < float(end.sel(decay="amplitude"))


def test_fig3_paper_convention_numbers():
    """Linear chains in the paper's convention (Ising J = 2 Gamma, Gamma_icl = Gamma/2):
    coherent efficiency at Gamma t = 0.5, 1, 2 (N = 1 is the closed form)."""
    ref = {1: [0.7555, 0.5433, 0.2698], 2: [0.6142, 0.3550, 0.0994],
           3: [0.6240, 0.4019, 0.1114], 4: [0.6102, 0.3717, 0.0996],
           5: [0.6018, 0.3544, 0.0924]}
    t = np.array([0.0, 0.5, 1.0, 2.0])
    for N, eps in ref.items():
        m = network(N, "linear", J=2.0, gamma_collective=0.5, decay="paper")
        assert np.allclose(s21.trajectory_metrics(m, t)["efficiency"][1:], eps, atol=1e-4)
        mc = network(N, "linear", J=2.0, gamma_collective=0.5, decay="paper",
                     initial="classical")
        eps_cl = s21.trajectory_metrics(mc, t)["efficiency"]
        # one cell: 2 - 4/(3x) at x = exp(-1/4); the chains lose a little more
        assert eps_cl[1] == pytest.approx(2 - 4 / (3 * np.exp(-0.25)) if N == 1 else 0.283,
                                          abs=1e-12 if N == 1 else 1e-3)
        assert eps_cl[2] < 3e-4 and eps_cl[3] == pytest.approx(0.0, abs=1e-12)


def test_paper_convention_network_against_mesolve():
    m = network(3, "linear", J=2.0, gamma_collective=0.5, decay="paper")
    t = np.array([0.0, 1.0])
    ref = qutip.mesolve(m.H, m.rho0, t, c_ops=list(m.c_ops),
                        options={"atol": 1e-12, "rtol": 1e-10, "progress_bar": False})
    rho = ref.states[-1].full()
    eps = qb.ergotropy(rho, m.H_battery) / qb.energy(rho, m.H_battery)
    assert s21.trajectory_metrics(m, t)["efficiency"][1] == pytest.approx(eps, rel=1e-7)
    assert eps == pytest.approx(0.4019, abs=1e-4)


def test_fig4_paper_convention_numbers(data):
    """N = 5 in the paper's convention at Gamma t = 0.5, 1, 2: U/U0 and coherent efficiency;
    the geometry ordering of the paper's legend; the classical energy does not care about
    the geometry."""
    d = data["fig4"].sel(decay="paper")
    ref_U = {"star": [0.755, 0.604, 0.365], "linear": [0.747, 0.587, 0.350],
             "ring": [0.742, 0.552, 0.329], "all_to_all": [0.613, 0.396, 0.205]}
    ref_e = {"star": [0.631, 0.389, 0.118], "linear": [0.602, 0.354, 0.092],
             "ring": [0.569, 0.278, 0.059], "all_to_all": [0.415, 0.093, 0.003]}
    at = dict(time=[0.5, 1.0, 2.0])
    for top in ref_U:
        assert np.allclose(d.energy_ratio.sel(state="coherent", topology=top).sel(**at),
                           ref_U[top], atol=1.5e-3)
        assert np.allclose(d.efficiency.sel(state="coherent", topology=top).sel(**at),
                           ref_e[top], atol=1.5e-3)
    eps = d.efficiency.sel(state="coherent", time=slice(0.05, 2.0))
    assert bool((eps.sel(topology="star") > eps.sel(topology="linear")).all())
    assert bool((eps.sel(topology="ring") > eps.sel(topology="all_to_all")).all())
    U1 = d.energy_ratio.sel(state="classical", time=1.0)
    assert float(U1.max() - U1.min()) < 0.02
    # Eq. 5 row: the tables the network tests pin
    e5 = data["fig4"].sel(decay="amplitude", state="coherent", time=1.0).efficiency
    assert float(e5.sel(topology="star")) == pytest.approx(0.391, abs=1.5e-3)


@pytest.mark.parametrize("decay", ["paper", "amplitude"])
def test_uncoupled_reference_curves(decay):
    """References drawn in Figs. 4-5: without collective decay U/U0 is the single-cell decay
    (any Ising J conserves each cell's excitation); independent cells keep product-state
    coherence ((1 + e^{-Gamma t/2})^N - 1)/(2^N - 1) in both conventions."""
    t = np.linspace(0, 4, 21)
    r = s21.trajectory_metrics(network(5, "ring", J=2.0, decay=decay), t)
    np.testing.assert_allclose(r["energy"] / r["energy"][0], s21.uncoupled_energy_ratio(t, decay),
                               rtol=1e-12)
    r = s21.trajectory_metrics(network(5, "linear", decay=decay), t)
    np.testing.assert_allclose(r["coherence"], s21.uncoupled_coherence(t, 5), rtol=1e-12)


def test_fig5_entanglement_birth_and_death(data):
    d = data["fig5"]
    for dec, death in (("paper", 0.27), ("amplitude", 0.28)):
        c = d.concurrence.sel(decay=dec, topology="star").values
        windows = s21._birth_death(d.time.values, c)
        assert windows[0][0] == pytest.approx(d.time.values[1])  # born at 0+
        assert windows[0][1] == pytest.approx(death, abs=0.06)  # quick grid: dt = 0.05
    coh = d.coherence.sel(decay="paper")
    assert float(coh.isel(time=0).min()) == pytest.approx(1.0)
    # the couplings cost coherence: every geometry below independent cells
    assert bool((coh.isel(time=slice(1, None)) < d.coherence_uncoupled[1:]).all())


@pytest.mark.parametrize("name", IDS)
def test_figures_read_like_physics(data, name):
    """Every panel has both axis labels; no code or internal references in any text; both
    conventions are named in words."""
    import matplotlib.pyplot as plt

    fig = papers.get(f"santos_2021/{name}").plot(data[name])
    axes, texts = axes_and_texts(fig)
    for ax in axes:
        assert ax.get_ylabel() and ax.get_xlabel(), f"{name}: a panel without axis labels"
    joined = "\n".join(texts)
    assert not re.search(r"SPEC|decay\s*=|method\s*=|coupling\s*=|gamma_collective|\(00\d",
                         joined), joined
    assert "Eq. 5 as printed" in joined and "reproduces the paper's numbers" in joined
    plt.close(fig)
