"""Figure recipes for the Rabat-group paper (EPJ Plus 2026) — **reconstructed models**.

"Coherence-driven ergotropy stabilization and collective quantum advantage in few-body
quantum batteries", doi:10.1140/epjp/s13360-026-07815-1. Only the abstract is available, so
these are *not* reproductions of the paper's figures: the models, parameters and figures are
the assumptions 000-A and 000-B of SPEC.md, built to test the abstract's claims.

* ``a1_rabi``: closed-system Rabi charging of a driven atom (gamma = 0).
* ``a2_decay``: free decay after charging (drive off) — the one-to-one energy-coherence map
  ``E = w0 C_l1^2 / (4(1-p))`` and the ergotropy half-life ``ln(4/(2+p))/gamma``.
* ``a3_steady``: continuous drive with decay — transient and steady-state ergotropy
  (max ``(sqrt2-1)/2 w0 = 0.20711 w0`` at ``Omega/gamma = 1.0987``).
* ``b_two_qubit``: driven, interacting, decaying two-qubit battery — ergotropy, energy,
  normalised global l1 coherence and concurrence (qualitative claim only).

Simulations use :func:`qbtoolkit.evolve` (``method="expm"``) and :func:`qbtoolkit.steady_state`;
closed forms come from :mod:`qbtoolkit.analytic` (``atom_*``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import analysis, analytic
from ..dynamics import evolve, steady_state
from ..metrics import (
    coherent_ergotropy,
    concurrence,
    energy,
    ergotropy,
    incoherent_ergotropy,
    l1_coherence,
)
from ..models import driven_atom, two_qubit_battery
from ..plotting import label_panels, subplots
from . import register

PAPER = "rabat_2026_atom"
NOTE = "reconstructed model (SPEC.md 000); paper full text unavailable"
EXACT = {"color": "k", "ls": ":", "lw": 1.0}


def _attrs(figure: str, **extra) -> dict:
    """Dataset attributes common to every figure (reconstructed model, omega0 = 1), then
    ``extra``."""
    return {"paper": PAPER, "figure": figure, "note": NOTE, "omega0": 1.0, **extra}


def _theta_for(p: float) -> float:
    """Bloch angle of the pure state with excited population p."""
    return float(2 * np.arcsin(np.sqrt(p)))


# ------------------------------------------------------------------------------------------ A1

A1_DELTAS = np.array([0.0, 0.5, 1.0])


def a1_compute(quick: bool = False) -> xr.Dataset:
    wt = np.linspace(0, 4 * np.pi, 161 if quick else 801)  # Omega t, Omega = 1
    E, W, Cl1 = [], [], []
    for d in A1_DELTAS:
        traj = evolve(driven_atom(Omega=1.0, delta=d), wt, method="expm")
        rb, Hb = traj.battery_states, traj.H_battery
        E.append(energy(rb, Hb))
        W.append(ergotropy(rb, Hb))
        Cl1.append(l1_coherence(rb))
    dd = A1_DELTAS[:, None]
    return xr.Dataset(
        {
            "E": (("delta", "Omega_t"), np.array(E)),
            "ergotropy": (("delta", "Omega_t"), np.array(W)),
            "C_l1": (("delta", "Omega_t"), np.array(Cl1)),
            "E_exact": (("delta", "Omega_t"), analytic.atom_rabi_population(wt, 1.0, dd)),
            "C_l1_exact": (("delta", "Omega_t"), analytic.atom_rabi_coherence(wt, 1.0, dd)),
        },
        coords={"delta": A1_DELTAS, "Omega_t": wt},
        attrs=_attrs("a1_rabi", delta_units="Omega", energy_units="omega0"),
    )


def a1_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 2, figsize=(9, 3.4))
    wt = ds.Omega_t.values
    ax = axes[0]
    ax.plot(wt, ds.E[0], color="hotpink", lw=3, alpha=0.6, label=r"$E/\omega_0$")
    ax.plot(wt, ds.ergotropy[0], color="tab:red", lw=1.2, label=r"$\mathcal{E}/\omega_0$")
    ax.plot(wt, ds.C_l1[0], color="gold", label=r"$C_{l_1}$")
    ax.plot(wt, ds.E_exact[0], **EXACT, label=r"$\sin^2(\Omega t/2)$, $|\sin\Omega t|$")
    ax.plot(wt, ds.C_l1_exact[0], **EXACT)
    ax.set(xlabel=r"$\Omega t$", title=r"resonant drive, $\gamma=0$")
    ax.legend(fontsize=7, loc="upper right", ncol=2)
    ax.set_ylim(-0.02, 1.25)
    ax = axes[1]
    c = np.linspace(0, 1, 200)
    for sign in (+1, -1):
        ax.plot(
            c,
            (1 + sign * np.sqrt(1 - c**2)) / 2,
            color="k",
            lw=1,
            label=r"$C_{l_1}^2=4e(1-e)$" if sign > 0 else None,
        )
    for k, (d, col) in enumerate(
        zip(ds.delta.values, ["tab:red", "tab:blue", "tab:green"], strict=True)
    ):
        ax.plot(
            ds.C_l1[k][::8],
            ds.ergotropy[k][::8],
            "o",
            ms=3,
            color=col,
            label=rf"$\Delta/\Omega={d:g}$",
        )
    ax.set(
        xlabel=r"$C_{l_1}$",
        ylabel=r"$\mathcal{E}/\omega_0 = E/\omega_0$",
        title="pure state: ergotropy = energy",
    )
    ax.legend(fontsize=7)
    label_panels(axes)
    fig.suptitle(
        "Rabat group (2026), 000-A1 — RECONSTRUCTED model: driven atom, Rabi charging", fontsize=9
    )
    return fig


# ------------------------------------------------------------------------------------------ A2

A2_P = np.array([0.25, 0.5, 0.75, 0.9])


def a2_compute(quick: bool = False) -> xr.Dataset:
    gt = np.linspace(0, 4, 161 if quick else 801)  # gamma t, gamma = 1
    out = {k: [] for k in ("E", "ergotropy", "C_l1", "erg_incoherent", "erg_coherent")}
    half = []
    for p in A2_P:
        traj = evolve(driven_atom(Omega=0.0, gamma=1.0, theta=_theta_for(p)), gt, method="expm")
        rb, Hb = traj.battery_states, traj.H_battery
        W = ergotropy(rb, Hb)
        out["E"].append(energy(rb, Hb))
        out["ergotropy"].append(W)
        out["C_l1"].append(l1_coherence(rb))
        out["erg_incoherent"].append(incoherent_ergotropy(rb, Hb))
        out["erg_coherent"].append(coherent_ergotropy(rb, Hb))
        half.append(analysis.half_life(gt, W))
    pp = A2_P[:, None]
    data = {k: (("p", "gamma_t"), np.array(v)) for k, v in out.items()}
    data.update(
        E_exact=(("p", "gamma_t"), analytic.atom_decay_energy(gt, pp)),
        ergotropy_exact=(("p", "gamma_t"), analytic.atom_decay_ergotropy(gt, pp)),
        C_l1_exact=(("p", "gamma_t"), analytic.atom_decay_coherence(gt, pp)),
        E_from_coherence=(
            ("p", "gamma_t"),
            analytic.atom_energy_from_coherence(np.array(out["C_l1"]), pp),
        ),
        half_life=("p", np.array(half)),
        half_life_exact=("p", analytic.atom_ergotropy_half_life(A2_P)),
    )
    return xr.Dataset(
        data,
        coords={"p": A2_P, "gamma_t": gt},
        attrs=_attrs("a2_decay", energy_units="omega0", time_units="1/gamma"),
    )


def a2_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12, 3.4))
    gt = ds.gamma_t.values
    cols = ["tab:blue", "tab:green", "tab:orange", "tab:red"]
    for k, (p, col) in enumerate(zip(ds.p.values, cols, strict=True)):
        W = ds.ergotropy[k]
        axes[0].plot(gt, W / W[0], color=col, label=rf"$p={p:g}$")
        axes[0].plot(gt, ds.ergotropy_exact[k] / ds.ergotropy_exact[k, 0], **EXACT)
        axes[0].axvline(float(ds.half_life_exact[k]), color=col, ls="--", lw=0.8)
        axes[1].plot(ds.C_l1[k][::20], ds.E[k][::20], "o", ms=3, color=col, label=rf"$p={p:g}$")
        c = np.linspace(0, float(ds.C_l1[k].max()), 100)
        axes[1].plot(c, analytic.atom_energy_from_coherence(c, p), color=col, lw=1)
    axes[0].axhline(0.5, color="0.6", lw=0.6)
    axes[0].set(
        xlabel=r"$\gamma t$",
        ylabel=r"$\mathcal{E}(t)/\mathcal{E}(0)$",
        title=r"half-lives $\ln[4/(2+p)]$ (dashed)",
    )
    axes[0].legend(fontsize=7)
    axes[1].set(
        xlabel=r"$C_{l_1}$",
        ylabel=r"$E/\omega_0$",
        title=r"$E=\omega_0 C_{l_1}^2/[4(1-p)]$ (lines)",
    )
    axes[1].legend(fontsize=7)
    k = int(np.argmin(np.abs(ds.p.values - 0.9)))
    ax = axes[2]
    ax.plot(gt, ds.ergotropy[k], color="tab:red", lw=2, label=r"$\mathcal{E}$")
    ax.plot(gt, ds.erg_incoherent[k], color="tab:green", label="incoherent")
    ax.plot(gt, ds.erg_coherent[k], color="gold", label="coherent")
    ax.plot(gt, ds.E[k], color="hotpink", lw=1, label=r"$E$")
    ax.axvline(np.log(2 * 0.9), color="0.5", ls="--", lw=0.8)
    ax.set(xlabel=r"$\gamma t$", ylabel=r"energy $/\omega_0$", title=r"$p=0.9$: death at $\ln 2p$")
    ax.legend(fontsize=7)
    label_panels(axes)
    fig.suptitle(
        "Rabat group (2026), 000-A2 — RECONSTRUCTED model: free decay after charging", fontsize=9
    )
    return fig


# ------------------------------------------------------------------------------------------ A3

A3_X = np.array([0.5, float(analytic.atom_steady_ergotropy_max()[0]), 3.0])
A3_DEPH = np.array([0.0, 0.5, 2.0])


def a3_compute(quick: bool = False) -> xr.Dataset:
    gt = np.linspace(0, 12, 121 if quick else 601)
    W, E, C = [], [], []
    for x in A3_X:
        traj = evolve(driven_atom(Omega=x, gamma=1.0), gt, method="expm")
        rb, Hb = traj.battery_states, traj.H_battery
        W.append(ergotropy(rb, Hb))
        E.append(energy(rb, Hb))
        C.append(l1_coherence(rb))
    xs = np.linspace(0.05, 5, 12 if quick else 60)
    ss_W = np.empty((len(A3_DEPH), len(xs)))
    ss_pop = np.empty_like(ss_W)
    ss_C = np.empty_like(ss_W)
    for i, gphi in enumerate(A3_DEPH):
        for j, x in enumerate(xs):
            model = driven_atom(Omega=x, gamma=1.0, gamma_phi=gphi)
            rho = steady_state(model)
            ss_W[i, j] = ergotropy(rho, model.H_battery)
            ss_pop[i, j] = energy(rho, model.H_battery)
            ss_C[i, j] = l1_coherence(rho)
    xx, gg = xs[None, :], A3_DEPH[:, None]
    xmax, wmax = analytic.atom_steady_ergotropy_max()
    return xr.Dataset(
        {
            "ergotropy": (("x", "gamma_t"), np.array(W)),
            "E": (("x", "gamma_t"), np.array(E)),
            "C_l1": (("x", "gamma_t"), np.array(C)),
            "ergotropy_ss_exact_x": ("x", analytic.atom_steady_ergotropy(A3_X, 1.0)),
            "ss_ergotropy": (("gamma_phi", "x_scan"), ss_W),
            "ss_population": (("gamma_phi", "x_scan"), ss_pop),
            "ss_C_l1": (("gamma_phi", "x_scan"), ss_C),
            "ss_ergotropy_exact": (
                ("gamma_phi", "x_scan"),
                analytic.atom_steady_ergotropy(xx, 1.0, gg),
            ),
            "ss_population_exact": (
                ("gamma_phi", "x_scan"),
                analytic.atom_steady_population(xx, 1.0, gg),
            ),
            "ss_C_l1_exact": (("gamma_phi", "x_scan"), analytic.atom_steady_coherence(xx, 1.0, gg)),
        },
        coords={"x": A3_X, "gamma_t": gt, "gamma_phi": A3_DEPH, "x_scan": xs},
        attrs=_attrs(
            "a3_steady", x="Omega/gamma", gamma_phi_units="gamma", x_max=xmax, ergotropy_max=wmax
        ),
    )


def a3_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12, 3.4))
    gt = ds.gamma_t.values
    cols = ["tab:blue", "tab:red", "tab:green"]
    for k, (x, col) in enumerate(zip(ds.x.values, cols, strict=True)):
        axes[0].plot(gt, ds.ergotropy[k], color=col, label=rf"$\Omega/\gamma={x:.4g}$")
        axes[0].axhline(float(ds.ergotropy_ss_exact_x[k]), color=col, ls=":", lw=1)
    axes[0].set(
        xlabel=r"$\gamma t$",
        ylabel=r"$\mathcal{E}/\omega_0$",
        title=r"transient $\to$ steady (dotted)",
    )
    axes[0].legend(fontsize=7)
    xs = ds.x_scan.values
    ax = axes[1]
    ax.plot(
        xs, ds.ss_ergotropy[0], "o", ms=3, color="tab:red", label=r"$\mathcal{E}_{ss}/\omega_0$"
    )
    ax.plot(xs, ds.ss_population[0], "s", ms=3, color="hotpink", label=r"$\rho_{ee}^{ss}$")
    ax.plot(xs, ds.ss_C_l1[0], "^", ms=3, color="gold", label=r"$C_{l_1}^{ss}$")
    for v in ("ss_ergotropy_exact", "ss_population_exact", "ss_C_l1_exact"):
        ax.plot(xs, ds[v][0], color="k", lw=0.8)
    ax.plot(
        [ds.attrs["x_max"]],
        [ds.attrs["ergotropy_max"]],
        "*",
        ms=12,
        color="k",
        label=rf"max {ds.attrs['ergotropy_max']:.5f} at {ds.attrs['x_max']:.4f}",
    )
    ax.set(xlabel=r"$x=\Omega/\gamma$", title=r"steady state, $\Delta=\gamma_\phi=0$")
    ax.legend(fontsize=7)
    ax = axes[2]
    for i, (g, col) in enumerate(
        zip(ds.gamma_phi.values, ["tab:red", "tab:purple", "tab:gray"], strict=True)
    ):
        ax.plot(xs, ds.ss_ergotropy[i], "o", ms=3, color=col, label=rf"$\gamma_\phi/\gamma={g:g}$")
        ax.plot(xs, ds.ss_ergotropy_exact[i], color="k", lw=0.8)
    ax.set(
        xlabel=r"$x=\Omega/\gamma$",
        ylabel=r"$\mathcal{E}_{ss}/\omega_0$",
        title=r"dephasing lowers $\mathcal{E}_{ss}$",
    )
    ax.legend(fontsize=7)
    label_panels(axes)
    fig.suptitle(
        "Rabat group (2026), 000-A3 — RECONSTRUCTED model: driven atom with decay", fontsize=9
    )
    return fig


# ------------------------------------------------------------------------------------------ B

# J - 2 Jz is the shift of the driven triplet state |T0>; J = 2 Jz would mimic no interaction
B_CASES = (("non-interacting", 0.0, 0.0), ("J=1, Jz=0.25", 1.0, 0.25))
B_GAMMA = 0.1


def b_compute(quick: bool = False) -> xr.Dataset:
    wt = np.linspace(0, 30, 151 if quick else 751)  # Omega t, Omega = 1
    out = {k: [] for k in ("ergotropy", "E", "C_l1_norm", "concurrence")}
    for _, J, Jz in B_CASES:
        traj = evolve(two_qubit_battery(Omega=1.0, J=J, Jz=Jz, gamma=B_GAMMA), wt, method="expm")
        rb, Hb = traj.battery_states, traj.H_battery
        out["ergotropy"].append(ergotropy(rb, Hb))
        out["E"].append(energy(rb, Hb))
        out["C_l1_norm"].append(l1_coherence(rb) / 3.0)
        out["concurrence"].append(concurrence(rb))
    data = {k: (("case", "Omega_t"), np.array(v)) for k, v in out.items()}
    corr = [
        float(np.corrcoef(w, c)[0, 1])
        for w, c in zip(out["ergotropy"], out["C_l1_norm"], strict=True)
    ]
    data["corr_ergotropy_coherence"] = ("case", np.array(corr))
    return xr.Dataset(
        data,
        coords={
            "case": [c[0] for c in B_CASES],
            "J": ("case", [c[1] for c in B_CASES]),
            "Jz": ("case", [c[2] for c in B_CASES]),
            "Omega_t": wt,
        },
        attrs=_attrs("b_two_qubit", gamma=B_GAMMA, units="Omega = 1 (J, Jz, gamma in Omega)"),
    )


def b_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12, 3.4))
    wt = ds.Omega_t.values
    for k in range(ds.sizes["case"]):
        ax = axes[k]
        ax.plot(wt, ds.ergotropy[k], color="tab:red", lw=2, label=r"$\mathcal{E}/\omega_0$")
        ax.plot(wt, ds.E[k], color="hotpink", lw=1, label=r"$E/\omega_0$")
        ax.plot(wt, ds.C_l1_norm[k], color="gold", label=r"$C_{l_1}/3$")
        ax.plot(wt, ds.concurrence[k], color="tab:blue", lw=1, label="concurrence")
        ax.set(
            xlabel=r"$\Omega t$", title=f"{str(ds.case.values[k])}, $\\gamma={B_GAMMA:g}\\Omega$"
        )
        ax.legend(fontsize=7, loc="upper right", ncol=2)
        ax.set_ylim(-0.02, 2.3)
    ax = axes[2]
    for k, col in enumerate(["tab:green", "tab:purple"]):
        ax.plot(
            ds.C_l1_norm[k],
            ds.ergotropy[k],
            ".",
            ms=2,
            color=col,
            label=f"{str(ds.case.values[k])} (r={float(ds.corr_ergotropy_coherence[k]):.2f})",
        )
    ax.set(xlabel=r"$C_{l_1}/3$", ylabel=r"$\mathcal{E}/\omega_0$", title="ergotropy vs coherence")
    ax.legend(fontsize=7)
    label_panels(axes)
    fig.suptitle(
        r"Rabat group (2026), 000-B — RECONSTRUCTED model: driven two-qubit battery, "
        r"local decay",
        fontsize=9,
    )
    return fig


register(
    paper=PAPER,
    name="a1_rabi",
    title="[reconstructed] driven atom: Rabi charging (000-A1)",
    compute=a1_compute,
    plot=a1_plot,
)
register(
    paper=PAPER,
    name="a2_decay",
    title="[reconstructed] driven atom: free decay, energy-coherence map (000-A2)",
    compute=a2_compute,
    plot=a2_plot,
)
register(
    paper=PAPER,
    name="a3_steady",
    title="[reconstructed] driven atom: steady-state ergotropy (000-A3)",
    compute=a3_compute,
    plot=a3_plot,
)
register(
    paper=PAPER,
    name="b_two_qubit",
    title="[reconstructed] two-qubit battery: ergotropy, coherence, concurrence (000-B)",
    compute=b_compute,
    plot=b_plot,
)
