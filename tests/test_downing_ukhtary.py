"""Figure recipes for Downing & Ukhtary (2026): registry, data vs closed forms, plotting."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from qbtoolkit import analytic, papers  # noqa: E402

IDS = ["fig2", "fig3", "fig4", "sec8"]


@pytest.fixture(scope="module")
def data():
    return {n: papers.get(f"downing_ukhtary_2026/{n}").compute(quick=True) for n in IDS}


def test_registered():
    ids = {f.id for f in papers.all_figures()}
    for n in IDS:
        assert f"downing_ukhtary_2026/{n}" in ids


def test_fig2(data):
    ds = data["fig2"]
    assert float(abs(ds.E - ds.E_exact).max()) < 1e-6
    P, Pex = ds.P.values[:, 1:], ds.P_exact.values[:, 1:]
    assert np.max(np.abs(P - Pex)) < 1e-6
    assert np.allclose(ds.t_E, np.pi / 2, atol=1e-6)
    assert np.allclose(ds.t_P, analytic.A, atol=1e-6)
    assert np.allclose(ds.E_tE, ds.E_tE_exact, atol=1e-6)
    assert np.allclose(ds.P_tP, ds.P_tP_exact, atol=1e-6)
    assert np.allclose(ds.sigma_E_tE, ds.sigma_E_tE_exact, atol=1e-6)  # Eq. 37


def test_fig3(data):
    ds = data["fig3"]
    assert float(abs(ds.ergotropy - ds.ergotropy_exact).max()) < 1e-6
    assert np.allclose(ds.t_Perg, ds.t_Perg_exact, atol=1e-5)
    assert np.allclose(ds.Perg_tPerg, ds.Perg_tPerg_exact, atol=1e-6)
    assert np.allclose(ds.t_erg, np.pi / 2, atol=1e-5)
    assert np.allclose(ds.erg_terg, ds.E_tE, atol=1e-6)  # Eq. 41 = Eq. 32
    assert float(ds.t_Perg[-1]) == pytest.approx(analytic.C, abs=1e-5)
    assert float(ds.Perg_tPerg[-1]) == pytest.approx(analytic.D, abs=1e-6)
    assert np.all(ds.Perg_tPerg < ds.P_tP)


def test_fig4(data):
    ds = data["fig4"]
    for v in ("ergotropy", "capacity", "inversion", "coherence", "concurrence"):
        assert float(abs(ds[v] - ds[f"{v}_exact"]).max()) < 1e-6, v
    pi = ds.sel(theta=np.pi)
    assert float(abs(pi.coherence).max()) < 1e-8  # Fig. 4b: no coherence at theta = pi


def test_sec8(data):
    ds = data["sec8"]
    for v in ("E", "ergotropy", "capacity"):
        assert float(abs(ds[v] - ds[f"{v}_exact"]).max()) < 1e-6, v
    for v in ("t_E", "E_tE", "t_P", "P_tP"):
        assert np.allclose(ds[v], ds[f"{v}_exact"], atol=1e-6), v
    row = ds.sel(gamma_scan=0.2)
    assert float(row.t_E) == pytest.approx(1.522680, abs=1e-6)
    assert float(row.P_tP) == pytest.approx(0.647569, abs=1e-6)
    # both optimal times shrink with gamma (Eqs. 65, 67)
    assert np.all(np.diff(ds.t_E) < 0) and np.all(np.diff(ds.t_P) < 0)


@pytest.mark.parametrize("name", IDS)
def test_plot(data, name):
    fig = papers.get(f"downing_ukhtary_2026/{name}").plot(data[name])
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) >= 3
    plt.close(fig)
