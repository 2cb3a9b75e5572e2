"""Hadipour & Haseli (2025) figures as a referee reads them, and the numbers they add.

* Presentation (every figure of the paper, quick grids): every axis labelled with a quantity in
  units of omega, no legend on plotted data, no code or outside reference in any text
  (:func:`presentation_problems`, shared with the other paper figures), panel letters outside
  the axes.
* Fig. 5: the three maps share ONE colour normalisation (vmin = 0, vmax = the largest W of all
  panels) and one colour bar, so the growth with T_M is seen in the colours.
* The two-cell figures: registered under names that cannot be taken for the paper's figures,
  lettered (i), (ii), (iii), and stating on the figure that the printed model gives W = 0;
  the PNGs on disk are exactly the registered figures.
* Numbers: the two-cell coupling scan against ``qutip.steadystate`` of the model (a second
  method), the L <-> R symmetry the figure states, the zero window of Fig. 6 and the maxima
  it marks.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import qutip  # noqa: E402
from _helpers import drawn_figures  # noqa: E402
from test_downing_ukhtary_figures import _texts, presentation_problems  # noqa: E402

import qbtoolkit as qb  # noqa: E402
from qbtoolkit import papers  # noqa: E402
from qbtoolkit.models import thermal_network  # noqa: E402
from qbtoolkit.papers import hadipour_haseli_2025 as hh  # noqa: E402

PAPER = "hadipour_haseli_2025"
NAMES = ["fig4", "fig5", "fig6", "two_cell_printed_model_curves", "two_cell_printed_model_map"]
TWO_CELL = ["two_cell_printed_model_curves", "two_cell_printed_model_map"]
#: Identifiers of the code (dataset variables, dimension names) that must not leak into a text.
CODE = re.compile(r"lambda_LR|lambda_scan|W_square|W_edge|W_weak|T_M=|\(00\d|\bnan\b")
ROOT = Path(__file__).resolve().parents[1]


def _is_colorbar(ax) -> bool:
    return getattr(ax, "_colorbar", None) is not None


@pytest.fixture(scope="module")
def figures():
    yield from drawn_figures(PAPER, NAMES)


def test_registered_figures_and_files_on_disk():
    recipes = [r for r in papers.all_figures() if r.paper == PAPER]
    assert sorted(r.name for r in recipes) == sorted(NAMES)
    pngs = sorted(p.stem for p in (ROOT / "figures" / PAPER).glob("*.png"))
    assert pngs == sorted(NAMES)  # no stale file of an old name
    for name in TWO_CELL:  # cannot be taken for the paper's Figs. 2-3
        assert not re.match(r"fig\d", name) and "printed_model" in name


@pytest.mark.parametrize("name", NAMES)
def test_a_referee_accepts_the_figure(figures, name):
    fig = figures[name][1]
    colorbars = {k for k, ax in enumerate(fig.axes) if _is_colorbar(ax)}
    problems = [p for p in presentation_problems(fig)
                if not any(p == f"axes {k} has no x label" for k in colorbars)]
    assert problems == []
    for text in _texts(fig):
        assert not CODE.search(text), text


@pytest.mark.parametrize("name", NAMES)
def test_every_axis_is_a_quantity_in_units_of_omega(figures, name):
    fig = figures[name][1]
    for ax in fig.axes:
        labels = [ax.get_ylabel()] if _is_colorbar(ax) else [ax.get_xlabel(), ax.get_ylabel()]
        for label in labels:
            assert "/\\omega" in label, (name, label)
            assert re.search(r"[a-z]{4,}", label.split("$")[0]), (name, label)  # words too


@pytest.mark.parametrize("name", NAMES)
def test_panel_letters_sit_outside_the_axes(figures, name):
    fig = figures[name][1]
    expected = ["(i)", "(ii)", "(iii)"] if name in TWO_CELL else ["(a)", "(b)", "(c)"]
    letters = []
    for ax in fig.axes:
        for t in ax.texts:
            if re.fullmatch(r"\([a-z]+\)", t.get_text()) and t.get_transform() == ax.transAxes:
                assert t.get_position()[1] >= 1.0  # above the plotting area
                letters.append(t.get_text())
    data_axes = [ax for ax in fig.axes if not _is_colorbar(ax)]
    if len(data_axes) > 1:
        assert letters == expected[:len(data_axes)]
    if name in TWO_CELL:
        assert not any(t in letters for t in ("(a)", "(b)", "(c)"))


def test_fig5_panels_share_one_colour_scale(figures):
    ds, fig = figures["fig5"]
    meshes = [ax.collections[0] for ax in fig.axes if not _is_colorbar(ax)]
    assert len(meshes) == 3
    norms = {id(m.norm) for m in meshes}
    assert len(norms) == 1  # one normalisation object for all panels
    norm = meshes[0].norm
    assert norm.vmin == 0.0
    assert norm.vmax == pytest.approx(float(ds["W"].max()), rel=1e-12)
    assert len({m.get_cmap().name for m in meshes}) == 1
    assert sum(_is_colorbar(ax) for ax in fig.axes) == 1  # one colour bar
    # the growth with T_M is in the colours: the brightest colour of each panel rises
    peaks = [float(norm(np.nanmax(m.get_array()))) for m in meshes]
    assert peaks == sorted(peaks) and peaks[-1] == pytest.approx(1.0) and peaks[0] < 0.6


def test_two_cell_map_panels_share_one_colour_scale(figures):
    fig = figures["two_cell_printed_model_map"][1]
    meshes = [ax.collections[0] for ax in fig.axes if not _is_colorbar(ax)]
    assert len({id(m.norm) for m in meshes}) == 1
    assert sum(_is_colorbar(ax) for ax in fig.axes) == 1


@pytest.mark.parametrize("name", TWO_CELL)
def test_two_cell_figures_state_that_the_printed_model_gives_no_work(figures, name):
    fig = figures[name][1]
    texts = " ".join(_texts(fig))
    assert hh.PRINTED_MODEL_GIVES in texts
    assert "The model as printed gives $\\mathcal{W} = 0$" in texts
    assert "not the paper's Fig." in fig.get_suptitle()
    # ... and what is drawn instead, with the reason
    assert "an example with $\\mathcal{W} > 0$" in texts
    assert "W}(T_L = 0) = 0" in texts


def test_fig4_and_fig6_annotations_in_words(figures):
    fig4 = " ".join(_texts(figures["fig4"][1]))
    assert "identical to (a)" in fig4 and "permutation" in fig4
    fig6 = " ".join(_texts(figures["fig6"][1]))
    assert "\\lambda = \\omega/2" in fig6 and "level crossing" in fig6
    assert "exactly" in fig6 and "maximum, just below" in fig6


# ------------------------------------------------------------------------------------- numbers


def test_fig4_is_fig4a_and_fig4b(figures):
    ds = figures["fig4"][0]
    a, b = hh.compute_fig4a(quick=True), hh.compute_fig4b(quick=True)
    np.testing.assert_array_equal(ds["W"].sel(swept="T_L").values, a["W"].values)
    np.testing.assert_array_equal(ds["W"].sel(swept="T_R").values, b["W"].values)
    np.testing.assert_array_equal(ds["W_weak"].sel(swept="T_L").values, a["W_weak"].values)


def test_two_cell_scan_and_the_statements_it_supports(figures):
    ds = figures["two_cell_printed_model_curves"][0]
    lam = ds["lambda_scan"].values
    Wsq, Wedge = ds["W_square"].values, ds["W_edge"].values
    scale = float(Wsq.max())
    assert 5e-3 < scale < 2e-2  # the model holds at most ~1e-2 omega for any coupling
    assert np.all(Wsq[(lam > 0) & (lam < 0.9)] <= 1e-12 * scale)  # "0 < lambda_LR < 0.9"
    assert np.all(Wedge[np.abs(lam) < 1] <= 1e-12 * scale)  # W(T_L = 0) = 0, |lambda| < omega
    assert np.all(Wedge <= Wsq + 1e-15 * scale)
    # the curves: zero at lambda_LR = 0.1, below 2e-3 at the example coupling, zero at T_L = 0
    W = ds["W"]
    assert float(np.abs(W.sel(lambda_LR=0.1)).max()) < 1e-12
    ex = W.sel(lambda_LR=-0.5)
    assert 1e-3 < float(ex.max()) < 2e-3
    assert float(np.abs(ex.isel(T_L=0)).max()) < 1e-12


def test_two_cell_scan_against_qutip_steadystate():
    """The scan's values, by plain ``qutip.steadystate`` of the model's operators at every
    point of the square (where QuTiP finds the steady state not unique, the scan has NaN)."""
    t = np.linspace(0.0, 1.0, 6)
    lam = np.array([-1.25, -0.75, 0.35, 1.05])
    Wsq, Wedge = hh.two_cell_coupling_scan(lam, t)
    for k, coupling in enumerate(lam):
        W = np.full((t.size, t.size), np.nan)
        for i, TL in enumerate(t):
            for j, TR in enumerate(t):
                m = thermal_network([1.0, 1.0], {(0, 1): float(coupling)}, [TL, TR])
                try:
                    rho = qutip.steadystate(m.H, list(m.c_ops))
                except ValueError:  # |ge>, |eg> both ground levels and no bath heats
                    grid = hh.work_grid([1.0, 1.0], {(0, 1): float(coupling)}, [TL, TR])
                    assert np.isnan(grid)
                    continue
                W[i, j] = qb.ergotropy(rho, m.H)
        scale = max(float(np.nanmax(Wsq)), 1e-300)
        assert np.nanmax(W) == pytest.approx(Wsq[k], abs=1e-10 * scale)
        assert np.nanmax(W[0]) == pytest.approx(Wedge[k], abs=1e-10 * scale)
    assert Wsq[2] == pytest.approx(0.0, abs=1e-14)  # 0 < lambda < 0.9: passive everywhere
    assert Wedge[1] == pytest.approx(0.0, abs=1e-14)  # |lambda| < omega: W(T_L = 0) = 0
    assert Wsq[1] > 1e-3
    assert Wsq[0] > 1e-2 and Wedge[0] > 1e-2  # |lambda| > omega: the levels are reordered


def test_two_cells_are_symmetric_under_left_right_exchange(figures):
    """What the curves figure states: the paper's second panel (W vs T_R at fixed T_L) is the
    first with L and R exchanged."""
    W = figures["two_cell_printed_model_map"][0]["W"].sel(lambda_LR=-0.5).values
    np.testing.assert_allclose(W, W.T, atol=1e-12 * np.abs(W).max())


def test_zero_window_of_fig6():
    ds = hh.compute_fig6(quick=False)
    lam = ds["lambda"].values
    for tm, lo, hi in [(0.5, 0.651, 0.9125), (0.75, 0.6945, 0.8865), (1.0, 0.7355, 0.8755)]:
        a, b = hh.zero_window(lam, ds["W"].sel(T_M=tm).values)
        assert a == pytest.approx(lo, abs=0.003) and b == pytest.approx(hi, abs=0.003)
    assert all(np.isnan(hh.zero_window(lam, np.ones_like(lam))))
    # the drawn shading is the window common to all T_M, and the maxima sit just below 1/2
    fig = hh.plot_fig6(ds)
    ax = fig.axes[0]
    span = [p for p in ax.patches][0].get_extents().transformed(ax.transData.inverted())
    assert span.x0 == pytest.approx(0.7355, abs=0.003) and span.x1 == pytest.approx(0.8755,
                                                                                    abs=0.003)
    markers = [line for line in ax.get_lines() if line.get_marker() == "v"]
    assert len(markers) == 3
    for line in markers:
        assert 0.48 < float(line.get_xdata()[0]) < 0.5
    plt.close(fig)
