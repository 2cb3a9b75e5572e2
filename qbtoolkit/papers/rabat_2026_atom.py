"""Figure recipes for the Rabat-group paper (EPJ Plus 2026): **reconstructed models**.

"Coherence-driven ergotropy stabilization and collective quantum advantage in few-body
quantum batteries", doi:10.1140/epjp/s13360-026-07815-1. Only the abstract is available, so
these are *not* reproductions of the paper's figures: the models (a resonantly driven atom with
spontaneous emission and dephasing; two driven, coupled, decaying qubits), their parameters and
the figures are the simplest textbook reading of the abstract's claims, built to test them.

* ``a1_rabi``: closed-system Rabi charging of a driven atom (gamma = 0) in the rotating frame,
  and the lab-frame atom (no rotating-wave approximation) against it.
* ``a2_decay``: free decay after charging (drive off): the one-to-one energy-coherence map
  ``E = w0 C_l1^2 / (4(1-p))`` and the ergotropy half-life ``ln(4/(2+p))/gamma``.
* ``a3_steady``: continuous drive with decay: transient and steady-state ergotropy
  (max ``(sqrt2-1)/2 w0 = 0.20711 w0`` at ``Omega/gamma = 1.0987``).
* ``b_two_qubit``: driven, interacting, decaying two-qubit battery: ergotropy, energy,
  normalised global l1 coherence and concurrence (a qualitative claim only).

Simulations use :func:`qbtoolkit.evolve` (``method="expm"`` for the static rotating-frame
models, ``"mesolve"`` for the time-dependent lab frame) and :func:`qbtoolkit.steady_state`;
closed forms come from :mod:`qbtoolkit.analytic` (``atom_*``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

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
from ..plotting import label_panels, reference_line, subplots
from . import register
from ._style import styled

PAPER = "rabat_2026_atom"
NOTE = ("reconstructed model: only the paper's abstract is available; the models and "
        "parameters are assumptions built to test its claims")
SUPTITLE = "Rabat group (2026), reconstructed model (abstract only): "
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
A1_LAB_RATIOS = np.array([0.05, 0.2])  # Omega / omega0 of the lab-frame runs
A1_LAB_OPTIONS = {"atol": 1e-10, "rtol": 1e-9, "nsteps": 100000}


def a1_compute(quick: bool = False) -> xr.Dataset:
    wt = np.linspace(0, 4 * np.pi, 161 if quick else 801)  # Omega t, Omega = 1
    E, W, Cl1 = [], [], []
    for d in A1_DELTAS:
        traj = evolve(driven_atom(Omega=1.0, delta=d), wt, method="expm")
        rb, Hb = traj.battery_states, traj.H_battery
        E.append(energy(rb, Hb))
        W.append(ergotropy(rb, Hb))
        Cl1.append(l1_coherence(rb))
    # lab frame, omega0 = 1: the drive Omega cos(omega0 t) sigma_x without the RWA, sampled
    # finely enough to resolve the micromotion at 2 omega0
    wt_lab = np.linspace(0, 4 * np.pi, 801 if quick else 3201)
    E_lab, W_lab, C_lab, E_rwa = [], [], [], []
    for r in A1_LAB_RATIOS:
        lab = evolve(driven_atom(Omega=float(r), frame="lab"), wt_lab / r, method="mesolve",
                     options=A1_LAB_OPTIONS)
        rb, Hb = lab.battery_states, lab.H_battery
        E_lab.append(energy(rb, Hb))
        W_lab.append(ergotropy(rb, Hb))
        C_lab.append(l1_coherence(rb))
        E_rwa.append(analytic.atom_rabi_population(wt_lab))
    dd = A1_DELTAS[:, None]
    return xr.Dataset(
        {
            "E": (("delta", "Omega_t"), np.array(E)),
            "ergotropy": (("delta", "Omega_t"), np.array(W)),
            "C_l1": (("delta", "Omega_t"), np.array(Cl1)),
            "E_exact": (("delta", "Omega_t"), analytic.atom_rabi_population(wt, 1.0, dd)),
            "C_l1_exact": (("delta", "Omega_t"), analytic.atom_rabi_coherence(wt, 1.0, dd)),
            "E_lab": (("Omega_over_omega0", "Omega_t_lab"), np.array(E_lab)),
            "ergotropy_lab": (("Omega_over_omega0", "Omega_t_lab"), np.array(W_lab)),
            "C_l1_lab": (("Omega_over_omega0", "Omega_t_lab"), np.array(C_lab)),
            "E_rwa": (("Omega_over_omega0", "Omega_t_lab"), np.array(E_rwa)),
        },
        coords={"delta": A1_DELTAS, "Omega_t": wt, "Omega_over_omega0": A1_LAB_RATIOS,
                "Omega_t_lab": wt_lab},
        attrs=_attrs("a1_rabi", delta_units="Omega", energy_units="omega0"),
    )


@styled
def a1_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12.5, 3.6))
    wt = ds.Omega_t.values
    ax = axes[0]
    ax.plot(wt, ds.E[0], color="hotpink", lw=3.5, alpha=0.6, label=r"energy $E/\omega_0$")
    ax.plot(wt, ds.ergotropy[0], color="tab:red", lw=1.2,
            label=r"ergotropy $\mathcal{E}/\omega_0$ (= $E$: pure state)")
    ax.plot(wt, ds.C_l1[0], color="goldenrod", label=r"$l_1$ coherence $C_{l_1}$")
    ax.plot(wt, ds.E_exact[0], **EXACT, label=r"$\sin^2(\Omega t/2)$, $|\sin\Omega t|$")
    ax.plot(wt, ds.C_l1_exact[0], **EXACT)
    ax.set(xlabel=r"time $\Omega t$", ylabel=r"$E/\omega_0$, $\mathcal{E}/\omega_0$, $C_{l_1}$",
           title=r"rotating frame, resonant drive, $\gamma=0$", ylim=(-0.02, 1.45))
    ax.legend(loc="upper center", ncol=2)  # in the headroom above 1
    ax = axes[1]
    c = np.linspace(0, 1, 200)
    for sign in (+1, -1):
        ax.plot(c, (1 + sign * np.sqrt(1 - c**2)) / 2, color="k", lw=1,
                label=r"$C_{l_1}^2=4e(1-e)$, $e=E/\omega_0$" if sign > 0 else None)
    for k, (d, col, m) in enumerate(
        zip(ds.delta.values, ["tab:red", "tab:blue", "tab:green"], ["o", "s", "^"], strict=True)
    ):
        pick = slice(4 * k, None, 12)  # interleaved samples: coinciding points stay visible
        ax.plot(ds.C_l1[k][pick], ds.ergotropy[k][pick], m, ms=3.5, color=col, mfc="none",
                label=rf"detuning $\Delta/\Omega={d:g}$")
    ax.set(xlabel=r"$l_1$ coherence $C_{l_1}$", ylabel=r"$\mathcal{E}/\omega_0 = E/\omega_0$",
           title="pure state: ergotropy = energy", xlim=(-0.02, 1.75))
    ax.legend(loc="upper right")  # right of C_l1 = 1: no data there
    ax = axes[2]
    wl = ds.Omega_t_lab.values
    cols = ["tab:blue", "tab:orange"]
    for k, r in enumerate(ds.Omega_over_omega0.values):
        dev = (ds.E_lab[k] - ds.E_rwa[k]) / r  # (E_lab - E_RWA)/omega0 in units of Omega/omega0
        ax.plot(wl, dev, color=cols[k], lw=0.5, alpha=0.8 if k else 1.0,
                label=rf"$\Omega/\omega_0={r:g}$")
    ax.axhline(0.25, color="0.4", ls="--", lw=0.8)
    ax.axhline(-0.25, color="0.4", ls="--", lw=0.8)
    ax.annotate(r"$\pm\Omega/4\omega_0$", xy=(0.2, 0.27), color="0.3", fontsize="small")
    ax.set(xlabel=r"time $\Omega t$", ylabel=r"$(E_{lab}-E_{RWA})/\Omega$",
           title="lab frame: counter-rotating corrections", ylim=(-0.45, 0.6))
    ax.legend(loc="upper right", ncol=2)
    label_panels(axes)
    fig.suptitle(SUPTITLE + "driven atom, Rabi charging")
    return fig


# ------------------------------------------------------------------------------------------ A2

A2_P = np.array([0.25, 0.5, 0.75, 0.9])
A2_COLORS = ["tab:blue", "tab:green", "tab:orange", "tab:red"]


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


@styled
def a2_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12.5, 3.6))
    gt = ds.gamma_t.values
    for k, (p, col) in enumerate(zip(ds.p.values, A2_COLORS, strict=True)):
        W = ds.ergotropy[k]
        th = float(ds.half_life_exact[k])
        axes[0].plot(gt, W / W[0], color=col,
                     label=rf"$p={p:g}$: $\gamma t_{{1/2}}={th:.3f}$")
        axes[0].plot(gt, ds.ergotropy_exact[k] / ds.ergotropy_exact[k, 0], **EXACT)
        axes[0].plot([float(ds.half_life[k])], [0.5], "o", ms=5, mfc="none", color=col)
        axes[1].plot(ds.C_l1[k][::20], ds.E[k][::20], "o", ms=3.5, mfc="none", color=col,
                     label=rf"$p={p:g}$")
        c = np.linspace(0, float(ds.C_l1[k].max()), 100)
        axes[1].plot(c, analytic.atom_energy_from_coherence(c, p), color=col, lw=1)
    axes[0].axhline(0.5, color="0.6", lw=0.6)
    axes[0].plot([], [], **EXACT, label="closed form")
    axes[0].plot([], [], "o", ms=5, mfc="none", color="0.3",
                 label=r"half-life $\ln[4/(2+p)]$")
    axes[0].set(xlabel=r"time $\gamma t$", ylabel=r"$\mathcal{E}(t)/\mathcal{E}(0)$",
                title="ergotropy decay from a pure state", xlim=(0, 4), ylim=(-0.02, 1.02))
    axes[0].legend(loc="upper right")
    axes[1].plot([], [], color="0.3", lw=1, label=r"$E=\omega_0C_{l_1}^2/[4(1-p)]$")
    axes[1].set(xlabel=r"$l_1$ coherence $C_{l_1}$", ylabel=r"stored energy $E/\omega_0$",
                title="energy-coherence map (markers: simulated)")
    axes[1].legend(loc="upper left")
    k = int(np.argmin(np.abs(ds.p.values - 0.9)))
    p = float(ds.p[k])
    ax = axes[2]
    ax.plot(gt, ds.E[k], color="hotpink", lw=1, label=r"energy $E$")
    ax.plot(gt, ds.ergotropy[k], color="tab:red", lw=2.2, label=r"ergotropy $\mathcal{E}$")
    ax.plot(gt, ds.erg_incoherent[k], color="tab:green", label="incoherent part (populations)")
    ax.plot(gt, ds.erg_coherent[k], color="goldenrod", ls="--", label="coherent part")
    reference_line(ax, float(analytic.atom_incoherent_death_time(p)),
                   r"$\gamma t=\ln 2p$: incoherent part dies", y=0.97)
    ax.set(xlabel=r"time $\gamma t$", ylabel=r"energy$/\omega_0$",
           title=rf"$p={p:g}$: only coherence survives", xlim=(0, 4), ylim=(-0.02, 1.05))
    ax.legend(loc="center right")
    label_panels(axes)
    fig.suptitle(SUPTITLE + "free decay of the charged atom (drive off)")
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


@styled
def a3_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12.5, 3.6))
    gt = ds.gamma_t.values
    cols = ["tab:blue", "tab:red", "tab:green"]
    for k, (x, col) in enumerate(zip(ds.x.values, cols, strict=True)):
        w_ss = float(ds.ergotropy_ss_exact_x[k])
        axes[0].plot(gt, ds.ergotropy[k], color=col,
                     label=rf"$\Omega/\gamma={x:.4g}$ $\to$ "
                           rf"$\mathcal{{E}}_{{ss}}={w_ss:.4f}\omega_0$")
        axes[0].axhline(w_ss, color=col, ls=":", lw=1)
    axes[0].plot([], [], color="0.3", ls=":", lw=1, label="steady state (closed form)")
    axes[0].set(xlabel=r"time $\gamma t$", ylabel=r"ergotropy $\mathcal{E}/\omega_0$",
                title="transient relaxes to a stabilised ergotropy", xlim=(0, 12),
                ylim=(-0.01, 0.8))
    axes[0].legend(loc="upper right")  # in the headroom above the transient
    xs = ds.x_scan.values
    ax = axes[1]
    ax.plot(xs, ds.ss_ergotropy[0], "o", ms=3.5, mfc="none", color="tab:red",
            label=r"ergotropy $\mathcal{E}_{ss}/\omega_0$")
    ax.plot(xs, ds.ss_population[0], "s", ms=3, color="hotpink",
            label=r"population $\rho_{ee}^{ss}$ ($<\frac{1}{2}$)")
    ax.plot(xs, ds.ss_C_l1[0], "^", ms=3, color="goldenrod", label=r"coherence $C_{l_1}^{ss}$")
    fine = np.linspace(0.0, float(xs[-1]), 300)
    for fn in (analytic.atom_steady_ergotropy, analytic.atom_steady_population,
               analytic.atom_steady_coherence):
        ax.plot(fine, fn(fine, 1.0), color="k", lw=0.8)
    ax.plot([], [], color="k", lw=0.8, label="closed forms")
    ax.plot([ds.attrs["x_max"]], [ds.attrs["ergotropy_max"]], "*", ms=12, color="k",
            label=rf"max $\mathcal{{E}}_{{ss}}={ds.attrs['ergotropy_max']:.5f}\omega_0$ "
                  rf"at $\Omega/\gamma={ds.attrs['x_max']:.4f}$")
    ax.set(xlabel=r"drive strength $\Omega/\gamma$", ylabel="steady-state value",
           title=r"steady state, $\Delta=\gamma_\phi=0$ (markers: numerical)",
           ylim=(-0.01, 1.02))
    ax.legend(loc="upper right")
    ax = axes[2]
    for i, (g, col, m) in enumerate(
        zip(ds.gamma_phi.values, ["tab:red", "tab:purple", "tab:gray"], ["o", "s", "^"],
            strict=True)
    ):
        ax.plot(xs, ds.ss_ergotropy[i], m, ms=3.5, mfc="none", color=col,
                label=rf"$\gamma_\phi/\gamma={g:g}$")
        ax.plot(fine, analytic.atom_steady_ergotropy(fine, 1.0, float(g)), color="k", lw=0.8)
    ax.plot([], [], color="k", lw=0.8, label="closed form")
    ax.set(xlabel=r"drive strength $\Omega/\gamma$",
           ylabel=r"steady ergotropy $\mathcal{E}_{ss}/\omega_0$",
           title=r"dephasing lowers $\mathcal{E}_{ss}$", ylim=(-0.005, 0.3))
    ax.legend(loc="upper right", ncol=2)
    label_panels(axes)
    fig.suptitle(SUPTITLE + "continuously driven atom with decay")
    return fig


# ------------------------------------------------------------------------------------------ B

# J - 2 Jz is the shift of the driven triplet state |T0>; J = 2 Jz would mimic no interaction
B_CASES = (("non-interacting", 0.0, 0.0), ("interacting", 1.0, 0.25))
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


def _b_case_label(ds: xr.Dataset, k: int) -> str:
    J, Jz = float(ds.J[k]), float(ds.Jz[k])
    if J == 0 and Jz == 0:
        return "no interaction"
    def fmt(x: float) -> str:
        return r"\Omega" if x == 1 else (r"\Omega/4" if x == 0.25 else rf"{x:g}\Omega")

    return rf"$J={fmt(J)}$, $J_z={fmt(Jz)}$"


@styled
def b_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12.5, 3.9))
    wt = ds.Omega_t.values
    for k in range(ds.sizes["case"]):
        ax = axes[k]
        ax.plot(wt, ds.ergotropy[k], color="tab:red", lw=2)
        ax.plot(wt, ds.E[k], color="hotpink", lw=1)
        ax.plot(wt, ds.C_l1_norm[k], color="goldenrod")
        ax.plot(wt, ds.concurrence[k], color="tab:blue", lw=1)
        ax.set(xlabel=r"time $\Omega t$",
               ylabel=r"$\mathcal{E}/\omega_0$, $E/\omega_0$, $C_{l_1}/3$, concurrence",
               title=rf"{_b_case_label(ds, k)}, $\gamma={B_GAMMA:g}\Omega$",
               ylim=(-0.02, 1.9), xlim=(0, float(wt[-1])))
        if float(ds.concurrence[k].max()) < 1e-9:
            ax.text(29, 1.8, r"concurrence $\equiv0$: product state at all times", ha="right",
                    va="top", color="tab:blue", fontsize="small")
    handles = [
        Line2D([], [], color="tab:red", lw=2, label=r"ergotropy $\mathcal{E}/\omega_0$"),
        Line2D([], [], color="hotpink", lw=1, label=r"energy $E/\omega_0$"),
        Line2D([], [], color="goldenrod", label=r"global $l_1$ coherence $C_{l_1}/3$"),
        Line2D([], [], color="tab:blue", lw=1, label="concurrence"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    ax = axes[2]
    for k, (col, m) in enumerate(zip(["tab:green", "tab:purple"], [".", "x"], strict=True)):
        ax.plot(ds.C_l1_norm[k][::2], ds.ergotropy[k][::2], m, ms=2.5, color=col,
                label=f"{_b_case_label(ds, k)}: Pearson "
                      f"$r={float(ds.corr_ergotropy_coherence[k]):.2f}$")
    ax.set(xlabel=r"global $l_1$ coherence $C_{l_1}/3$", ylabel=r"ergotropy $\mathcal{E}/\omega_0$",
           title="ergotropy against coherence", xlim=(-0.02, 1.0), ylim=(-0.02, 2.1))
    ax.legend(loc="upper right")
    label_panels(axes)
    fig.suptitle(SUPTITLE + "driven two-qubit battery with local decay")
    return fig


register(
    paper=PAPER,
    name="a1_rabi",
    title="[reconstructed] driven atom: Rabi charging, rotating and lab frames",
    compute=a1_compute,
    plot=a1_plot,
)
register(
    paper=PAPER,
    name="a2_decay",
    title="[reconstructed] driven atom: free decay, energy-coherence map, half-lives",
    compute=a2_compute,
    plot=a2_plot,
)
register(
    paper=PAPER,
    name="a3_steady",
    title="[reconstructed] driven atom with decay: stabilised steady-state ergotropy",
    compute=a3_compute,
    plot=a3_plot,
)
register(
    paper=PAPER,
    name="b_two_qubit",
    title="[reconstructed] two-qubit battery: ergotropy, coherence, concurrence",
    compute=b_compute,
    plot=b_plot,
)
