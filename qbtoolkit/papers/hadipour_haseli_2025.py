"""Figures of Hadipour & Haseli (2025), "Nonequilibrium quantum batteries: amplified work
extraction through thermal reservoir modulation": Figs. 2-6.

Model: :func:`qbtoolkit.models.thermal_network` (global secular master equation, lowering-form
jump operators, Ohmic baths, each pair coupled once). Steady states over whole temperature
grids come from :func:`qbtoolkit.models.thermal_steady_states` (a Pauli rate equation, checked
against ``qutip.steadystate``); the ergotropy from the shared batched metric
:func:`qbtoolkit.ergotropy` with respect to the full :math:`H_S`. Units: omega = 1 for every
cell, temperatures and couplings in units of omega, ergotropy in omega.

Ranges the paper does not give (assumed): T in [0, 1] (Figs. 2, 3, 5) and [0, 2] (Fig. 4),
lambda in [0, 1.5] (Fig. 6), T_M in {0.5, 0.75, 1} for Figs. 4 and 6 (the values of Fig. 5).

**The two-cell figures (paper's Figs. 2-3) do not follow from the model as printed.** Their
coupling :math:`\\lambda_{LR}` is lost from the captions; with the three-cell value 0.1 --
indeed for every :math:`0 < \\lambda_{LR} < 0.9` -- the steady state is passive at every
:math:`(T_L, T_R) \\in [0, 1]^2` and W = 0, and for every :math:`|\\lambda_{LR}| < \\omega` a bath
at :math:`T_L = 0` leaves a passive state, :math:`W(T_L = 0) = 0` (the paper shows W > 0
there). The figures are therefore registered as ``two_cell_printed_model_curves`` and
``two_cell_printed_model_map``, their panels lettered (i), (ii), (iii) so they cannot be taken
for the paper's, and each states on the figure that the printed model gives W = 0. Beside it
they draw :math:`\\lambda_{LR} = -0.5`, an example coupling at which the model does hold some
work (W < 2e-3), and the largest W the model gives on the square for every
:math:`\\lambda_{LR} \\in [-2, 2]` (at most about 1.3e-2): no value of the lost coupling
reproduces the paper's curves.

The three-cell figures (Figs. 4-6) are reproduced qualitatively. Fig. 4 keeps the paper's
panels (a) T_R = 0 and (b) T_L = 0, which are identical curve by curve: with equal
frequencies and couplings W is symmetric under every permutation of (T_L, T_M, T_R). The three
maps of Fig. 5 share one colour scale, so the growth with T_M is seen in the colours.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from .. import ergotropy
from ..models.thermal import thermal_energies, thermal_steady_states
from ..plotting import label_panels, reference_line, subplots
from . import register

PAPER = "hadipour_haseli_2025"
OMEGA = 1.0
T_M_VALUES = (0.5, 0.75, 1.0)
LAMBDA_3 = 0.1  # Figs. 4-5
#: Two-cell couplings drawn: the three-cell value (the captions lost lambda_LR) and an example
#: at which the printed model holds some work.
LAMBDA_2 = (0.1, -0.5)
T_R_CURVES = (0.25, 0.5, 0.75, 1.0)  # Fig. 2(a) (T_R = 0.25 is the text's solid blue curve)
#: Text on the two-cell figures: what the model as printed gives.
PRINTED_MODEL_GIVES = r"The model as printed gives $\mathcal{W} = 0$"
#: Colour map of every ergotropy map (dark = no work; white text is legible on it).
CMAP = "viridis"

__all__ = ["work_grid", "occupation", "weak_coupling_ergotropy", "two_cell_coupling_scan",
           "zero_window"]


def occupation(T: np.ndarray | float, omega: float = OMEGA) -> np.ndarray:
    """Excited-state population of a qubit in a Gibbs state, :math:`p(T) = 1/(1 + e^{\\omega/T})`.

    Parameters
    ----------
    T : float or array_like
        Temperature(s) (energy units, k_B = 1), >= 0; ``p(0) = 0``.
    omega : float
        Qubit frequency (same units).

    Returns
    -------
    ndarray
        :math:`p(T)`, the shape of ``T``.
    """
    T = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(T > 0, 1.0 / (1.0 + np.exp(omega / np.where(T > 0, T, 1.0))), 0.0)


def weak_coupling_ergotropy(T_L, T_M, omega: float = OMEGA) -> np.ndarray:
    """Three-cell ergotropy at :math:`T_R = 0` as :math:`\\lambda \\to 0`:
    :math:`\\omega\\,p(T_L)\\,p(T_M)`.

    The steady state tends to the product of the local Gibbs states; sorting its populations
    against the degenerate one- and two-excitation manifolds of :math:`H_S` leaves exactly the
    population of :math:`|e e g\\rangle` above the passive order.

    Parameters
    ----------
    T_L, T_M : float or array_like
        Left and middle bath temperatures (units of omega), broadcast together.
    omega : float
        Cell frequency.

    Returns
    -------
    ndarray
        Ergotropy (units of omega).
    """
    return omega * occupation(T_L, omega) * occupation(T_M, omega)


def work_grid(
    omegas, couplings, temperatures, kappa: float = 1.0, spectral_density=None,
    on_singular: str = "nan",
) -> np.ndarray:
    """Steady-state ergotropy :math:`\\mathcal W` (with respect to :math:`H_S`) over a grid of
    bath temperatures.

    Parameters
    ----------
    omegas, couplings, kappa, spectral_density
        As in :func:`qbtoolkit.models.thermal_steady_states` (ZZ network).
    temperatures : array_like, shape (..., N)
        One temperature per cell along the last axis.
    on_singular : {"nan", "raise"}
        Points where the steady state is not unique (level crossings): NaN, or raise.

    Returns
    -------
    ndarray, shape (...)
        :math:`\\mathcal W` (energy units); NaN where the steady state is not unique.
    """
    energies, _ = thermal_energies(omegas, couplings)
    rho = thermal_steady_states(
        omegas, couplings, temperatures, kappa, spectral_density, on_singular=on_singular
    )
    ok = ~np.isnan(rho[..., 0, 0].real)
    W = np.full(rho.shape[:-2], np.nan)
    W[ok] = ergotropy(rho[ok], np.diag(energies))
    return W


def two_cell_coupling_scan(couplings, temperatures) -> tuple[np.ndarray, np.ndarray]:
    """The largest two-cell ergotropy on a square of temperatures, for each coupling.

    Parameters
    ----------
    couplings : array_like, shape (k,)
        Values of :math:`\\lambda_{LR}` (units of omega; avoid the level crossings
        :math:`\\pm\\omega`, where the steady state is not unique).
    temperatures : array_like, shape (n,)
        Temperatures (units of omega) spanning both axes of the square, ``temperatures[0]``
        the edge :math:`T_L` of the second output.

    Returns
    -------
    W_square : ndarray, shape (k,)
        :math:`\\max_{T_L, T_R}\\mathcal W` over the square (units of omega).
    W_edge : ndarray, shape (k,)
        :math:`\\max_{T_R}\\mathcal W(T_L = \\text{temperatures[0]}, T_R)`.
    """
    t = np.asarray(temperatures, dtype=float)
    T = np.stack(np.meshgrid(t, t, indexing="ij"), -1)
    W = np.stack([work_grid([OMEGA, OMEGA], {(0, 1): float(lam)}, T)
                  for lam in np.asarray(couplings, dtype=float)])
    return np.nanmax(W, axis=(1, 2)), np.nanmax(W[:, 0, :], axis=1)


def _grid(lo: float, hi: float, n: int) -> np.ndarray:
    return np.linspace(lo, hi, n)


def _omega(x: float) -> str:
    """``x`` in units of omega, as mathtext: ``0``, ``\\omega``, ``0.5\\omega``."""
    if x == 0:
        return "0"
    if x == 1:
        return r"\omega"
    return rf"{x:g}\omega"


# --------------------------------------------------------------------------- two cells
def compute_fig2(quick: bool = False) -> xr.Dataset:
    """The paper's Fig. 2 attempted with the printed two-cell model.

    ``W(lambda_LR, T_R, T_L)`` for the couplings :data:`LAMBDA_2` and the curves
    :data:`T_R_CURVES` (the paper's Fig. 2(b), W against T_R at fixed T_L, is the same by the
    L <-> R symmetry of two equal cells), and the coupling scan ``W_square``, ``W_edge``
    (:func:`two_cell_coupling_scan` on [0, 1]^2, edge T_L = 0) for lambda_LR in [-2, 2].
    """
    x = _grid(0.0, 1.0, 21 if quick else 201)
    X, C = np.meshgrid(x, T_R_CURVES)  # (curves, x)
    T = np.stack([X, C], -1)
    W = np.stack([work_grid([OMEGA, OMEGA], {(0, 1): lam}, T) for lam in LAMBDA_2])
    step = 0.1 if quick else 0.02
    scan = np.arange(-2.0 + step / 2, 2.0, step)  # never exactly at the crossings +-1 or 0
    W_square, W_edge = two_cell_coupling_scan(scan, _grid(0.0, 1.0, 11 if quick else 41))
    return xr.Dataset(
        {
            "W": (("lambda_LR", "T_R", "T_L"), W, {"long_name": "ergotropy", "units": "omega"}),
            "W_square": ("lambda_scan", W_square,
                         {"long_name": "largest ergotropy on [0, 1]^2", "units": "omega"}),
            "W_edge": ("lambda_scan", W_edge,
                       {"long_name": "largest ergotropy at T_L = 0", "units": "omega"}),
        },
        coords={"lambda_LR": list(LAMBDA_2), "T_R": list(T_R_CURVES), "T_L": x,
                "lambda_scan": scan},
        attrs={
            "paper": PAPER,
            "model": "two cells, omega_L = omega_R = 1 (the 4-dimensional model)",
            "note": "Model as printed: W = 0 at lambda_LR = 0.1 (every 0 < lambda_LR < 0.9) "
                    "and W(T_L = 0) = 0 for |lambda_LR| < 1; the paper's Fig. 2 is not "
                    "reproduced.",
        },
    )


def _statement(ax, text: str, *, color: str = "k") -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=color,
            fontsize="small", linespacing=1.4)


def plot_fig2(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(11.5, 3.7))
    x = ds["T_L"].values
    zero, example = (float(v) for v in ds["lambda_LR"].values)
    for ax, lam in zip(axes[:2], (zero, example), strict=True):
        W = ds["W"].sel(lambda_LR=lam)
        for c in ds["T_R"].values:
            ax.plot(x, W.sel(T_R=c), label=rf"$T_R = {_omega(c)}$")
        ax.set_xlabel(r"left-bath temperature $T_L/\omega$")
        ax.set_ylabel(r"ergotropy $\mathcal{W}/\omega$")
        ax.legend(loc="upper left", ncol=2)
    ax0, ax1, ax2 = axes
    ax0.set_title(rf"$\lambda_{{LR}} = {_omega(zero)}$ (the three-cell value)")
    ax0.set_ylim(-0.01, 0.1)
    _statement(ax0, f"{PRINTED_MODEL_GIVES}\nat every $(T_L, T_R)$:\nthe four curves lie on "
               "$\\mathcal{W} = 0$\n(a passive steady state for every\n"
               r"$0 < \lambda_{LR} < 0.9\omega$, panel iii)")
    top = float(ds["W"].sel(lambda_LR=example).max())
    ax1.set_ylim(-0.04 * top, 2.7 * top)
    ax1.set_title(rf"$\lambda_{{LR}} = {_omega(example)}$: an example with $\mathcal{{W}} > 0$")
    ax1.text(0.97, 0.76, f"at most ${top * 1e3:.1f}\\times10^{{-3}}\\omega$, and\n"
             "$\\mathcal{W}(T_L = 0) = 0$, unlike the paper;\n"
             "against $T_R$ at fixed $T_L$ (the paper's\nsecond panel) the curves are the "
             "same:\ntwo equal cells are symmetric under L$\\leftrightarrow$R",
             transform=ax1.transAxes, ha="right", va="top", fontsize="small")
    lam = ds["lambda_scan"].values
    ax2.plot(lam, ds["W_square"], color="k", label=r"largest $\mathcal{W}$, $T_L, T_R \leq \omega$")
    ax2.plot(lam, ds["W_edge"], color="C1", ls="--",
             label=r"largest $\mathcal{W}$ at $T_L = 0$ (the paper: $> 0$)")
    for v, name in ((zero, "(i)"), (example, "(ii)")):
        reference_line(ax2, v, name, y=0.55, ymax=0.72)  # below the legend
    for side in (-1, 1):
        ax2.axvspan(side * OMEGA, side * lam.max() * 1.02, color="0.92", lw=0, zorder=0)
    ax2.text(-1.55, 0.80, "$|\\lambda_{LR}| > \\omega$:\nlevels of $H_S$\nreordered",
             transform=ax2.get_xaxis_transform(), ha="center", va="top", fontsize="small",
             color="0.35")
    ax2.set_xlabel(r"coupling $\lambda_{LR}/\omega$")
    ax2.set_ylabel(r"largest ergotropy $\mathcal{W}/\omega$")
    ax2.set_title("every coupling: none gives the paper's curves")
    ax2.set_ylim(-0.0005, 1.6 * float(np.nanmax(ds["W_square"])))
    ax2.legend(loc="upper right")
    fig.suptitle("Two cells, the model as printed (not the paper's Fig. 2): "
                 r"$\mathcal{W}$ against $T_L$ for several $T_R$")
    label_panels(axes, ["i", "ii", "iii"])
    return fig


def compute_fig3(quick: bool = False) -> xr.Dataset:
    """The paper's Fig. 3 attempted with the printed two-cell model: ``W(lambda_LR, T_L, T_R)``
    on [0, 1]^2 for the couplings :data:`LAMBDA_2`."""
    t = _grid(0.0, 1.0, 21 if quick else 101)
    TL, TR = np.meshgrid(t, t, indexing="ij")
    T = np.stack([TL, TR], -1)
    W = np.stack([work_grid([OMEGA, OMEGA], {(0, 1): lam}, T) for lam in LAMBDA_2])
    return xr.Dataset(
        {"W": (("lambda_LR", "T_L", "T_R"), W, {"long_name": "ergotropy", "units": "omega"})},
        coords={"lambda_LR": list(LAMBDA_2), "T_L": t, "T_R": t},
        attrs={"paper": PAPER,
               "note": "two cells; W = 0 at lambda_LR = 0.1 (model as printed)"},
    )


def _maps(ds: xr.Dataset, panel_dim: str, titles: list[str], figsize, labels=None):
    """Ergotropy maps over (T_R, T_L), one per value of ``panel_dim``, on ONE colour scale
    (one normalisation, one colour bar) so that the panels compare by colour. Returns
    ``(fig, axes, mesh list)``."""
    vals = ds[panel_dim].values
    W = ds["W"]
    norm = Normalize(vmin=0.0, vmax=max(float(np.nanmax(W)), 1e-12))
    fig, axes = subplots(1, len(vals), figsize=figsize)
    axes = np.atleast_1d(axes)
    meshes = []
    for ax, v, title in zip(axes, vals, titles, strict=True):
        Wv = W.sel({panel_dim: v})
        meshes.append(ax.pcolormesh(ds["T_R"], ds["T_L"], Wv, shading="auto", norm=norm,
                                    cmap=CMAP, rasterized=True))
        ax.set_xlabel(r"right-bath temperature $T_R/\omega$")
        ax.set_ylabel(r"left-bath temperature $T_L/\omega$")
        ax.set_title(title)
        ax.set_aspect("equal")
    fig.colorbar(meshes[0], ax=list(axes), label=r"ergotropy $\mathcal{W}/\omega$",
                 shrink=0.9, pad=0.02)
    label_panels(axes, labels or "abcdefghijkl")
    return fig, axes, meshes


def plot_fig3(ds: xr.Dataset):
    zero, example = (float(v) for v in ds["lambda_LR"].values)
    titles = [rf"$\lambda_{{LR}} = {_omega(zero)}$ (the three-cell value)",
              rf"$\lambda_{{LR}} = {_omega(example)}$: an example with $\mathcal{{W}} > 0$"]
    fig, axes, _ = _maps(ds, "lambda_LR", titles, (7.6, 3.6), ["i", "ii"])
    _statement(axes[0], f"{PRINTED_MODEL_GIVES}\neverywhere on the square", color="w")
    ax = axes[1]
    ax.plot([0, 1], [0, 1], color="w", ls=":", lw=0.9)
    ax.text(0.42, 0.47, "$T_L = T_R$", color="w", rotation=45, fontsize="small",
            ha="center", va="bottom", rotation_mode="anchor", transform=ax.transAxes)
    Wmax = float(ds["W"].sel(lambda_LR=example).max())
    ax.text(0.97, 0.60, rf"at most ${Wmax * 1e3:.1f}\times10^{{-3}}\omega$"
            "\n$\\mathcal{W}(T_L = 0) = 0$", transform=ax.transAxes, ha="right",
            va="top", color="w", fontsize="small")
    fig.suptitle("Two cells, the model as printed (not the paper's Fig. 3): "
                 "one colour scale for both panels")
    return fig


# --------------------------------------------------------------------------- three cells
def _fig4(quick: bool, sweep: str) -> xr.Dataset:
    x = _grid(0.0, 2.0, 21 if quick else 201)
    X, TM = np.meshgrid(x, T_M_VALUES)  # (T_M, x)
    Z = np.zeros_like(X)
    T = np.stack([X, TM, Z], -1) if sweep == "T_L" else np.stack([Z, TM, X], -1)
    W = work_grid([OMEGA] * 3, LAMBDA_3, T)
    W0 = weak_coupling_ergotropy(X, TM)
    fixed = "T_R" if sweep == "T_L" else "T_L"
    return xr.Dataset(
        {
            "W": (("T_M", sweep), W, {"long_name": "ergotropy", "units": "omega"}),
            "W_weak": (("T_M", sweep), W0,
                       {"long_name": "lambda -> 0 closed form omega p(T)p(T_M)",
                        "units": "omega"}),
        },
        coords={"T_M": list(T_M_VALUES), sweep: x},
        attrs={"paper": PAPER, "lambda": LAMBDA_3, fixed: 0.0,
               "note": "W is symmetric under any permutation of (T_L, T_M, T_R): 4a == 4b"},
    )


def compute_fig4a(quick: bool = False) -> xr.Dataset:
    """Fig. 4(a): three cells, W against T_L at T_R = 0 for several T_M (lambda = 0.1)."""
    return _fig4(quick, "T_L")


def compute_fig4b(quick: bool = False) -> xr.Dataset:
    """Fig. 4(b): three cells, W against T_R at T_L = 0 for several T_M (lambda = 0.1)."""
    return _fig4(quick, "T_R")


def compute_fig4(quick: bool = False) -> xr.Dataset:
    """Fig. 4, both panels: ``W(swept, T_M, T)`` with ``swept`` = "T_L" (panel a, T_R = 0) or
    "T_R" (panel b, T_L = 0) and ``T`` the swept temperature; ``W_weak`` the lambda -> 0
    closed form."""
    a, b = compute_fig4a(quick), compute_fig4b(quick)
    parts = [d.rename({s: "T"}) for d, s in ((a, "T_L"), (b, "T_R"))]
    ds = xr.concat(parts, dim=xr.DataArray(["T_L", "T_R"], dims="swept", name="swept"),
                   combine_attrs="drop")
    ds["T"].attrs = {"long_name": "swept temperature", "units": "omega"}
    ds.attrs = {"paper": PAPER, "lambda": LAMBDA_3,
                "note": "(a) T_R = 0, (b) T_L = 0; identical: W is symmetric under any "
                        "permutation of (T_L, T_M, T_R)"}
    return ds


def plot_fig4(ds: xr.Dataset):
    fig, axes = subplots(1, 2, figsize=(9.4, 3.4), sharey=True)
    x = ds["T"].values
    step = max(1, x.size // 12)
    handles = []
    for ax, swept, fixed in zip(axes, ("T_L", "T_R"), ("T_R", "T_L"), strict=True):
        part = ds.sel(swept=swept)
        for tm in ds["T_M"].values:
            line, = ax.plot(x, part["W"].sel(T_M=tm), label=rf"$T_M = {_omega(tm)}$")
            ax.plot(x, part["W_weak"].sel(T_M=tm), ls=":", color=line.get_color())
            if swept == "T_R":
                other = ds.sel(swept="T_L")["W"].sel(T_M=tm).values
                ax.plot(x[::step], other[::step], "o", ms=4, mfc="none",
                        color=line.get_color())
            else:
                handles.append(line)
        name = "left" if swept == "T_L" else "right"
        ax.set_xlabel(rf"{name}-bath temperature ${swept[0]}_{swept[-1]}/\omega$")
        ax.set_ylabel(r"ergotropy $\mathcal{W}/\omega$")
        ax.set_title(rf"${fixed[0]}_{fixed[-1]} = 0$")
        ax.tick_params(labelleft=True)
    handles += [
        Line2D([], [], color="0.4", ls=":", label=r"$\lambda \to 0$: $\omega\,p(T)\,p(T_M)$"),
        Line2D([], [], color="0.4", ls="none", marker="o", ms=4, mfc="none",
               label="(b): the curves of (a)"),
    ]
    fig.legend(handles=handles, loc="outside right center")
    axes[1].text(0.03, 0.97, "identical to (a): $\\mathcal{W}$ is symmetric under\nevery "
                 "permutation of $(T_L, T_M, T_R)$", transform=axes[1].transAxes,
                 ha="left", va="top", fontsize="small")
    fig.suptitle(rf"Three cells, $\lambda = {_omega(float(ds.attrs['lambda']))}$")
    label_panels(axes)
    return fig


def compute_fig5(quick: bool = False) -> xr.Dataset:
    """Fig. 5(a-c): three cells, W(T_L, T_R) on [0, 1]^2 for T_M = 0.5, 0.75, 1 (lambda = 0.1)."""
    t = _grid(0.0, 1.0, 21 if quick else 101)
    TL, TM, TR = np.meshgrid(t, T_M_VALUES, t, indexing="ij")
    T = np.stack([TL, TM, TR], -1)  # (T_L, T_M, T_R, 3)
    W = work_grid([OMEGA] * 3, LAMBDA_3, T).transpose(1, 0, 2)
    return xr.Dataset(
        {"W": (("T_M", "T_L", "T_R"), W, {"long_name": "ergotropy", "units": "omega"})},
        coords={"T_M": list(T_M_VALUES), "T_L": t, "T_R": t},
        attrs={"paper": PAPER, "lambda": LAMBDA_3,
               "note": "each map is symmetric under T_L <-> T_R; one colour scale"},
    )


def plot_fig5(ds: xr.Dataset):
    titles = [rf"$T_M = {_omega(tm)}$: largest $\mathcal{{W}} = "
              rf"{float(ds['W'].sel(T_M=tm).max()):.3f}\omega$" for tm in ds["T_M"].values]
    fig, axes, _ = _maps(ds, "T_M", titles, (11.0, 3.6))
    floor = 1e-12 * float(np.nanmax(ds["W"]))  # exact zeros: passive steady states
    for ax, tm in zip(axes, ds["T_M"].values, strict=True):
        ax.contour(ds["T_R"], ds["T_L"], ds["W"].sel(T_M=tm), levels=[floor], colors="w",
                   linewidths=0.8, linestyles="--")
        ax.text(0.68, 0.68, "$\\mathcal{W} = 0$\n(passive)", transform=ax.transAxes,
                ha="center", va="center", color="w", fontsize="small")
    fig.suptitle(rf"Three cells, $\lambda = {_omega(float(ds.attrs['lambda']))}$: one colour "
                 "scale for the three middle-bath temperatures (dashed: edge of the region "
                 r"$\mathcal{W} = 0$)")
    return fig


def compute_fig6(quick: bool = False) -> xr.Dataset:
    """Fig. 6: W against lambda (T_L = 1, T_R = 0) for T_M = 0.5, 0.75, 1.

    The lambda grid avoids the level crossings lambda = 0.5 and 1.0 exactly (non-unique
    steady state there); it extends to 1.5 to show the revival above lambda = 1.
    """
    step = 0.02 if quick else 0.0025
    lam = np.arange(step / 2, 1.5, step)
    T = np.stack([np.ones(3), np.array(T_M_VALUES), np.zeros(3)], -1)  # (T_M, 3)
    W = np.stack([work_grid([OMEGA] * 3, float(x), T) for x in lam], axis=-1)
    return xr.Dataset(
        {"W": (("T_M", "lambda"), W, {"long_name": "ergotropy", "units": "omega"})},
        coords={"T_M": list(T_M_VALUES), "lambda": lam},
        attrs={"paper": PAPER, "T_L": 1.0, "T_R": 0.0,
               "W_weak": [float(weak_coupling_ergotropy(1.0, tm)) for tm in T_M_VALUES]},
    )


def zero_window(lam: np.ndarray, W: np.ndarray, lo: float = 0.5, hi: float = 1.0,
                ) -> tuple[float, float]:
    """The longest run of exact zeros of a curve ``W(lam)`` inside ``(lo, hi)``.

    Parameters
    ----------
    lam, W : ndarray, shape (n,)
        Increasing grid and the curve on it; "zero" is ``|W| <= 1e-12`` of the curve's
        largest magnitude.
    lo, hi : float
        Open interval searched.

    Returns
    -------
    tuple of float
        First and last grid points of the run (NaN, NaN if there is none).
    """
    lam, W = np.asarray(lam, dtype=float), np.asarray(W, dtype=float)
    z = (np.abs(W) <= 1e-12 * float(np.nanmax(np.abs(W)))) & (lam > lo) & (lam < hi)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], z.astype(int), [0]])))
    if edges.size == 0:
        return (np.nan, np.nan)
    starts, stops = edges[0::2], edges[1::2]  # runs z[starts[k]:stops[k]]
    k = int(np.argmax(stops - starts))
    return (float(lam[starts[k]]), float(lam[stops[k] - 1]))


def plot_fig6(ds: xr.Dataset):
    fig, ax = subplots(figsize=(6.4, 3.6))
    lam = ds["lambda"].values
    windows, handles = [], []
    below = lam < 0.5
    for k, tm in enumerate(ds["T_M"].values):
        W = ds["W"].sel(T_M=tm).values
        line, = ax.plot(lam, W, label=rf"$T_M = {_omega(tm)}$")
        i = int(np.argmax(np.where(below, W, -np.inf)))
        ax.plot(lam[i], W[i], "v", color=line.get_color(), ms=5)
        ax.plot(0.0, ds.attrs["W_weak"][k], "o", mfc="none", color=line.get_color(),
                clip_on=False)
        handles.append(line)
        windows.append(zero_window(lam, W))
    lo, hi = max(w[0] for w in windows), min(w[1] for w in windows)
    top = 1.45 * float(np.nanmax(ds["W"]))
    ax.set_ylim(-0.03 * top, top)
    ax.axvspan(lo, hi, color="0.88", lw=0)
    ax.text(0.5 * (lo + hi), 0.30 * top, "$\\mathcal{W} = 0$\nexactly\n(every $T_M$)",
            ha="center", va="center", fontsize="small", color="0.3")
    reference_line(ax, 0.5, "$\\lambda = \\omega/2$: the Bohr\nfrequency "
                   "$\\omega - 2\\lambda$ closes", y=0.97)
    reference_line(ax, 1.0, "$\\lambda = \\omega$:\nlevel crossing", y=0.70)
    ax.set_xlabel(r"coupling $\lambda/\omega$ (all pairs)")
    ax.set_ylabel(r"ergotropy $\mathcal{W}/\omega$")
    ax.set_title(r"Three cells, $T_L = \omega$, $T_R = 0$")
    handles += [
        Line2D([], [], color="0.4", ls="none", marker="v", ms=5,
               label=r"maximum, just below $\lambda = \omega/2$"),
        Line2D([], [], color="0.4", ls="none", marker="o", mfc="none",
               label=r"$\lambda \to 0$: $\omega\,p(T_L)\,p(T_M)$"),
    ]
    ax.legend(handles=handles, loc="upper right")
    return fig


_FIGS = {
    "two_cell_printed_model_curves": (
        "Two cells, model as printed (paper's Fig. 2 not reproduced): W = 0 at "
        "lambda_LR = 0.1; an example coupling with W > 0; the largest W for every coupling",
        compute_fig2, plot_fig2),
    "two_cell_printed_model_map": (
        "Two cells, model as printed (paper's Fig. 3 not reproduced): W(T_L, T_R) maps, "
        "W = 0 at lambda_LR = 0.1", compute_fig3, plot_fig3),
    "fig4": ("Three cells: W vs T_L at T_R = 0 and vs T_R at T_L = 0 for several T_M "
             "(identical by symmetry)", compute_fig4, plot_fig4),
    "fig5": ("Three cells: W(T_L, T_R) maps for T_M = 0.5, 0.75, 1 on one colour scale",
             compute_fig5, plot_fig5),
    "fig6": ("Three cells: W vs coupling lambda for several T_M", compute_fig6, plot_fig6),
}

for _name, (_title, _compute, _plot) in _FIGS.items():
    register(paper=PAPER, name=_name, title=_title, compute=_compute, plot=_plot)
