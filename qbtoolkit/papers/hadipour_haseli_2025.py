"""Figures of Hadipour & Haseli (2025), "Nonequilibrium quantum batteries: amplified work
extraction through thermal reservoir modulation" (see ``SPEC.md`` section 004).

Model: :func:`qbtoolkit.models.thermal_network` (global secular master equation, lowering-form
jump operators, Ohmic baths). Steady states over whole grids come from
:func:`qbtoolkit.models.thermal_steady_states` (Pauli rate equation, checked against
``qutip.steadystate``); ergotropy from the shared batched metric :func:`qbtoolkit.ergotropy`
with respect to the full :math:`H_S`. Units: omega = 1 (all cells), temperatures in units of
omega.

Assumed where the paper is silent (SPEC.md): ranges T in [0, 1] (Figs. 2, 3, 5) and [0, 2]
(Fig. 4), lambda in [0, 1.5] (Fig. 6), T_M in {0.5, 0.75, 1} (Figs. 4, 6).

**Figs. 2-3 (two cells) cannot be reproduced by the model as printed**: with lambda_LR = 0.1
(the value of the three-cell figures; the caption lost it) the steady state is passive for
every (T_L, T_R), W = 0 identically, and in particular W(T_L = 0) = 0 for every T_R (the paper
claims W > 0 there). The recipes plot what the model gives, together with lambda_LR = -0.5,
the most favourable coupling we found inside [0, 1]^2, where W stays below 2e-3.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import ergotropy
from ..models.thermal import thermal_energies, thermal_steady_states
from ..plotting import label_panels, subplots
from . import register

PAPER = "hadipour_haseli_2025"
OMEGA = 1.0
T_M_VALUES = (0.5, 0.75, 1.0)
LAMBDA_3 = 0.1  # Figs. 4-5
LAMBDA_2 = (0.1, -0.5)  # Figs. 2-3: assumed printed value, and the most favourable one
T_R_CURVES = (0.25, 0.5, 0.75, 1.0)  # Fig. 2a (T_R = 0.25 is the text's solid blue curve)
T_L_CURVES = (0.25, 0.5, 0.75, 1.0)  # Fig. 2b

__all__ = ["work_grid", "occupation", "weak_coupling_ergotropy"]


def occupation(T: np.ndarray | float, omega: float = OMEGA) -> np.ndarray:
    """Local excited-state population ``p(T) = 1/(1 + exp(omega/T))`` (0 at T = 0)."""
    T = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(T > 0, 1.0 / (1.0 + np.exp(omega / np.where(T > 0, T, 1.0))), 0.0)


def weak_coupling_ergotropy(T_L, T_M, omega: float = OMEGA) -> np.ndarray:
    """lambda -> 0 limit of the three-cell W at T_R = 0: ``omega p(T_L) p(T_M)`` (SPEC 004)."""
    return omega * occupation(T_L, omega) * occupation(T_M, omega)


def work_grid(
    omegas, couplings, temperatures, kappa: float = 1.0, spectral_density=None,
    on_singular: str = "nan",
) -> np.ndarray:
    """Steady-state ergotropy ``W`` (w.r.t. H_S) over a temperature grid ``(..., N)``.

    Arguments as in :func:`qbtoolkit.models.thermal_steady_states`. Points where the steady
    state is not unique (level crossings) are NaN.
    """
    energies, _ = thermal_energies(omegas, couplings)
    rho = thermal_steady_states(
        omegas, couplings, temperatures, kappa, spectral_density, on_singular=on_singular
    )
    ok = ~np.isnan(rho[..., 0, 0].real)
    W = np.full(rho.shape[:-2], np.nan)
    W[ok] = ergotropy(rho[ok], np.diag(energies))
    return W


def _grid(lo: float, hi: float, n: int) -> np.ndarray:
    return np.linspace(lo, hi, n)


# --------------------------------------------------------------------------- two cells
def _fig2(quick: bool, sweep: str) -> xr.Dataset:
    x = _grid(0.0, 1.0, 21 if quick else 201)
    curves = T_R_CURVES if sweep == "T_L" else T_L_CURVES
    other = "T_R" if sweep == "T_L" else "T_L"
    W = np.empty((len(LAMBDA_2), len(curves), x.size))
    for a, lam in enumerate(LAMBDA_2):
        X, C = np.meshgrid(x, curves)  # (curves, x)
        T = np.stack([X, C], -1) if sweep == "T_L" else np.stack([C, X], -1)
        W[a] = work_grid([OMEGA, OMEGA], {(0, 1): lam}, T)
    ds = xr.Dataset(
        {"W": (("lambda_LR", other, sweep), W, {"long_name": "ergotropy", "units": "omega"})},
        coords={"lambda_LR": list(LAMBDA_2), other: list(curves), sweep: x},
        attrs={
            "paper": PAPER,
            "model": "two cells, omega_L = omega_R = 1 (4-dim model, no idle middle qubit)",
            "note": "Model as printed: W == 0 for lambda_LR = 0.1 (and any 0 < lambda <= 0.8); "
            "the paper's Fig. 2 (W > 0 at T_L = 0) is not reproduced.",
        },
    )
    return ds


def _plot_fig2(ds: xr.Dataset):
    _, other, sweep = ds["W"].dims
    fig, axes = subplots(1, 2, figsize=(7.2, 2.9))
    for ax, lam in zip(axes, ds["lambda_LR"].values, strict=True):
        for c in ds[other].values:
            ax.plot(ds[sweep], ds["W"].sel(lambda_LR=lam, **{other: c}),
                    label=f"${other[0]}_{other[-1]} = {c:g}$")
        ax.set_xlabel(f"${sweep[0]}_{sweep[-1]}/\\omega$")
        ax.set_ylabel(r"$\mathcal{W}/\omega$")
        ax.set_title(rf"$\lambda_{{LR}} = {lam:g}$")
        if np.nanmax(np.abs(ds["W"].sel(lambda_LR=lam))) < 1e-12:
            ax.set_ylim(-0.01, 0.1)
            ax.text(0.5, 0.3, "W = 0 identically\n(model as printed)", ha="center",
                    transform=ax.transAxes)
            ax.legend(loc="upper right")
        else:
            ax.set_ylim(top=1.4 * float(np.nanmax(ds["W"].sel(lambda_LR=lam))))
            ax.legend(loc="upper right", ncol=2)
    label_panels(axes)
    return fig


def compute_fig2a(quick: bool = False) -> xr.Dataset:
    """Fig. 2(a): two cells, W against T_L for several T_R."""
    return _fig2(quick, "T_L")


def compute_fig2b(quick: bool = False) -> xr.Dataset:
    """Fig. 2(b): two cells, W against T_R for several T_L."""
    return _fig2(quick, "T_R")


def compute_fig3(quick: bool = False) -> xr.Dataset:
    """Fig. 3: two cells, W(T_L, T_R) on [0, 1]^2."""
    t = _grid(0.0, 1.0, 21 if quick else 101)
    TL, TR = np.meshgrid(t, t, indexing="ij")
    T = np.stack([TL, TR], -1)
    W = np.stack([work_grid([OMEGA, OMEGA], {(0, 1): lam}, T) for lam in LAMBDA_2])
    return xr.Dataset(
        {"W": (("lambda_LR", "T_L", "T_R"), W, {"long_name": "ergotropy", "units": "omega"})},
        coords={"lambda_LR": list(LAMBDA_2), "T_L": t, "T_R": t},
        attrs={"paper": PAPER, "note": "two cells; W == 0 at lambda_LR = 0.1 (model as printed)"},
    )


def _maps(ds: xr.Dataset, panel_dim: str, fmt: str):
    vals = ds[panel_dim].values
    fig, axes = subplots(1, len(vals), figsize=(3.3 * len(vals), 3.0))
    axes = np.atleast_1d(axes)
    for ax, v in zip(axes, vals, strict=True):
        W = ds["W"].sel({panel_dim: v})
        im = ax.pcolormesh(ds["T_R"], ds["T_L"], W, shading="auto",
                           vmin=0.0, vmax=max(float(np.nanmax(W)), 1e-3))
        ax.set_xlabel(r"$T_R/\omega$")
        ax.set_ylabel(r"$T_L/\omega$")
        ax.set_title(fmt.format(v))
        ax.set_aspect("equal")
        fig.colorbar(im, ax=ax, label=r"$\mathcal{W}/\omega$", shrink=0.85)
    label_panels(axes)
    return fig


def plot_fig3(ds: xr.Dataset):
    return _maps(ds, "lambda_LR", r"two cells, $\lambda_{{LR}} = {:g}$")


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
                       {"long_name": "lambda -> 0 closed form omega p(T)p(T_M)"}),
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


def plot_fig4(ds: xr.Dataset):
    sweep = ds["W"].dims[1]
    fig, ax = subplots(figsize=(4.2, 3.2))
    for k, tm in enumerate(ds["T_M"].values):
        line, = ax.plot(ds[sweep], ds["W"].sel(T_M=tm), label=f"$T_M = {tm:g}$")
        ax.plot(ds[sweep], ds["W_weak"].sel(T_M=tm), ls=":", color=line.get_color(),
                label=r"$\lambda\to 0$: $\omega\,p(T)p(T_M)$" if k == 0 else None)
    ax.set_xlabel(f"${sweep[0]}_{sweep[-1]}/\\omega$")
    ax.set_ylabel(r"$\mathcal{W}/\omega$")
    fixed = "T_R" if sweep == "T_L" else "T_L"
    ax.set_title(rf"three cells, $\lambda = {ds.attrs['lambda']:g}$, ${fixed[0]}_{fixed[-1]} = 0$")
    ax.legend()
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
               "note": "each map is symmetric under T_L <-> T_R"},
    )


def plot_fig5(ds: xr.Dataset):
    return _maps(ds, "T_M", r"$T_M = {:g}$")


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


def plot_fig6(ds: xr.Dataset):
    fig, ax = subplots(figsize=(4.6, 3.2))
    for tm in ds["T_M"].values:
        ax.plot(ds["lambda"], ds["W"].sel(T_M=tm), label=f"$T_M = {tm:g}$")
    for x in (0.5, 1.0):
        ax.axvline(x, color="0.7", lw=0.8, ls="--")
    ax.set_xlabel(r"$\lambda/\omega$")
    ax.set_ylabel(r"$\mathcal{W}/\omega$")
    ax.set_title(r"three cells, $T_L = 1$, $T_R = 0$")
    ax.legend()
    return fig


_FIGS = {
    "fig2a": ("Two cells: W vs T_L for several T_R (model as printed gives W = 0)",
              compute_fig2a, _plot_fig2),
    "fig2b": ("Two cells: W vs T_R for several T_L (model as printed gives W = 0)",
              compute_fig2b, _plot_fig2),
    "fig3": ("Two cells: W(T_L, T_R) map", compute_fig3, plot_fig3),
    "fig4a": ("Three cells: W vs T_L at T_R = 0 for several T_M", compute_fig4a, plot_fig4),
    "fig4b": ("Three cells: W vs T_R at T_L = 0 for several T_M", compute_fig4b, plot_fig4),
    "fig5": ("Three cells: W(T_L, T_R) maps for T_M = 0.5, 0.75, 1", compute_fig5, plot_fig5),
    "fig6": ("Three cells: W vs coupling lambda for several T_M", compute_fig6, plot_fig6),
}

for _name, (_title, _compute, _plot) in _FIGS.items():
    register(paper=PAPER, name=_name, title=_title, compute=_compute, plot=_plot)
