r"""Figure recipes: Wang, Huang & Zhang (2026), battery capacity vs quantum resources
(arXiv:2605.11399).

**Reconstructed model.** Only a news summary of the paper is available. The Hamiltonian is
de-garbled from it; the initial state (charger full, battery empty), unitary dynamics, the
parameter values and every figure below are reconstructions; nothing here is checked against
the paper's own plots. Model: :func:`qbtoolkit.models.xxz_charger_battery` (subsystem 0 the
charger, 1 the battery). Every curve is simulated (exact propagation, ``method="expm"``) and
measured with the toolkit's metrics through :meth:`qbtoolkit.Trajectory.evaluate`.

The state stays in the one-excitation sector, ``psi = a |e_c g_b> + b |g_c e_b>`` with
``|b| = (J1/Omega) |sin Omega t|``, ``Omega = sqrt(Delta^2 + J1^2)``, ``Delta = omega_b -
omega_c``; ``J2`` is a global phase there. Every resource but the imaginarity is then a function
of the concurrence ``C = 2|ab|`` alone, which is why the capacity curves do not depend on the
parameters (drawn as black lines under the simulated markers):

``K_b / 2 omega_b = sqrt(1 - C^2)``, ``F3 = sqrt(1 + 2 C^2)``, ``B = 2 sqrt(1 + C^2)``,
``C_l1 = C``, residual capacity ``RBC / 2(omega_b + omega_c) = 1 - sqrt(1 - C^2)`` and battery
texture ``T_tr(rho_b) = sqrt(1 + (K_b / 2 omega_b)^2) / 2``.

Imaginarity and texture are measured in the computational (product) basis
``|g>, |e>`` of each spin, the default of :func:`qbtoolkit.imaginarity` and
:func:`qbtoolkit.state_texture` (both depend on the phases of the basis vectors, which no
Hamiltonian fixes). The battery's reduced state is diagonal in that basis, so its texture
does not depend on those phases at all.

Figures:

* ``dynamics``: the charging cycle on resonance, every resource against ``J1 t``.
* ``resources``: capacity against concurrence, steering, Bell value and l1 coherence, and
  the residual capacity against concurrence, for five parameter sets ``CASES``.
* ``imaginarity``: capacity against imaginarity for four detunings, and the capacity at the
  instant where the imaginarity vanishes, against detuning.
* ``texture``: capacity against the battery's texture (the five sets), and against the texture
  of the two-qubit state.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from .. import ops
from ..dynamics import evolve
from ..models import xxz_charger_battery
from ..plotting import house_style, label_panels, pi_ticks
from . import register

PAPER = "wang_2026"
#: Parameter sets (omega_b, omega_c, J1, J2), energies in units of omega_c: two on resonance
#: (different J1, J2), detuned above and below resonance, one at another energy scale.
CASES = [
    (1.0, 1.0, 0.3, 0.2),
    (1.0, 1.0, 0.7, -1.1),
    (1.2, 1.0, 0.3, 0.5),
    (1.6, 1.0, 0.3, 0.0),
    (0.5, 1.0, 1.0, 0.3),
]
CASE_NAMES = "ABCDE"
CASE_STYLE = [
    dict(color="#1b9e77", marker="o"),
    dict(color="#d95f02", marker="s"),
    dict(color="#7570b3", marker="^"),
    dict(color="#e7298a", marker="D"),
    dict(color="#66a61e", marker="v"),
]
#: Detunings Delta / J1 of the imaginarity figure (J1 = 0.3, J2 = 0.2, omega_c = 1).
DETUNINGS = (0.0, 0.5, 1.0, 3.0)
DETUNING_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]
J1_DETUNED, J2_DETUNED = 0.3, 0.2
EXACT = dict(color="k", lw=0.9, zorder=1)
REF = dict(color="0.45", ls=":", lw=1.0)
MARK = dict(ms=4, mfc="none", mew=0.9, ls="none", zorder=3)
#: (x, y) pairs whose Pearson correlation over each trajectory is stored in ``pearson``.
PAIRS = {"K-C": ("C", "K"), "K-F3": ("F3", "K"), "K-B": ("B", "K"), "K-l1": ("l1", "K"),
         "RBC-C": ("C", "RBC_norm"), "K-T_b": ("T_b", "K"), "K-imag": ("imag", "K")}


def case_label(i: int) -> str:
    """Legend text of parameter set ``i`` (energies in units of omega_c)."""
    wb, wc, J1, J2 = CASES[i]
    return (rf"{CASE_NAMES[i]}: $\omega_b={wb:g}$, $J_1={J1:g}$, $J_2={J2:g}$ "
            rf"($\Delta={wb - wc:+.1f}$)").replace("+0.0", "0")


def free_hamiltonian(omega_b: float, omega_c: float):
    """``H_b + H_c = omega_b sigma_z^b + omega_c sigma_z^c`` (charger = subsystem 0)."""
    return (omega_c * ops.embed(ops.sigma_z(), 0, 2) + omega_b * ops.embed(ops.sigma_z(), 1, 2))


def measure(omega_b: float, omega_c: float, J1: float, J2: float, times) -> dict:
    """Every quantity of the figures along one charging trajectory (times in 1/omega_c).

    Returns
    -------
    dict of ndarray (len(times),)
        ``K`` = battery capacity / 2 omega_b; ``K_b``, ``K_c`` capacities of battery and
        charger and ``K_total`` of the two-qubit state against ``H_b + H_c`` (energy);
        ``RBC`` = K_total - K_b - K_c (energy) and ``RBC_norm`` = RBC / 2(omega_b + omega_c);
        ``C`` concurrence, ``F3`` steering, ``B`` Bell value, ``l1`` l1 coherence, ``imag``
        imaginarity, ``T_full`` texture of the two-qubit state, ``T_b`` of the battery
        (computational basis); ``p_e`` the battery's excited population.
    """
    model = xxz_charger_battery(omega_b, omega_c, J1, J2)
    traj = evolve(model, times, method="expm")
    bat = traj.evaluate(["capacity", "energy", "state_texture"])
    full = traj.evaluate(["capacity", "concurrence", "steering", "bell_chsh", "l1_coherence",
                          "imaginarity", "state_texture"], on="full",
                         H=free_hamiltonian(omega_b, omega_c))
    charger = traj.evaluate(["capacity"], subsystems=(0,))
    K_b, K_c, K_tot = (d["capacity"].values for d in (bat, charger, full))
    RBC = K_tot - K_b - K_c
    return dict(K=K_b / (2 * omega_b), K_b=K_b, K_c=K_c, K_total=K_tot, RBC=RBC,
                RBC_norm=RBC / (2 * (omega_b + omega_c)), C=full["concurrence"].values,
                F3=full["steering"].values, B=full["bell_chsh"].values,
                l1=full["l1_coherence"].values, imag=full["imaginarity"].values,
                T_full=full["state_texture"].values, T_b=bat["state_texture"].values,
                p_e=(bat["energy"].values / omega_b + 1) / 2)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))


@functools.lru_cache(maxsize=2)
def _cases_dataset(quick: bool) -> xr.Dataset:
    """All quantities for the parameter sets ``CASES``, over one period ``Omega t in [0, pi)``
    of each (uniform in phase, endpoint excluded, so that trajectory averages are exact)."""
    phase = np.linspace(0.0, np.pi, 160 if quick else 800, endpoint=False)
    rows, times = [], []
    for wb, wc, J1, J2 in CASES:
        Om = np.hypot(wb - wc, J1)
        times.append(phase / Om)
        rows.append(measure(wb, wc, J1, J2, phase / Om))
    data = {k: (("case", "phase"), np.stack([r[k] for r in rows])) for k in rows[0]}
    ds = xr.Dataset(data, coords={"case": list(CASE_NAMES[:len(CASES)]),
                                  "phase": ("phase", phase, {"long_name": "Omega t"})})
    ds.coords["time"] = (("case", "phase"), np.stack(times), {"units": "1/omega_c"})
    for name, i in (("omega_b", 0), ("omega_c", 1), ("J1", 2), ("J2", 3)):
        ds.coords[name] = ("case", [c[i] for c in CASES])
    C = ds["C"]
    closed = {"K": np.sqrt(np.clip(1 - C**2, 0, None)), "F3": np.sqrt(1 + 2 * C**2),
              "B": 2 * np.sqrt(1 + C**2), "l1": C,
              "RBC_norm": 1 - np.sqrt(np.clip(1 - C**2, 0, None)),
              "T_b": np.sqrt(1 + ds["K"] ** 2) / 2}
    ds["max_dev_curves"] = max(float(np.abs(ds[k] - v).max()) for k, v in closed.items())
    ds["pearson"] = (("case", "pair"),
                     [[_pearson(ds[x].values[i], ds[y].values[i]) for x, y in PAIRS.values()]
                      for i in range(len(CASES))])
    ds.coords["pair"] = list(PAIRS)
    ds.attrs.update(
        paper="Wang, Huang & Zhang (2026), arXiv:2605.11399 (summary only)",
        model="xxz_charger_battery, charger full and battery empty at t = 0, unitary",
        K="battery capacity / (2 omega_b)",
        basis="imaginarity and texture in the computational basis |g>, |e> of each spin",
        RBC="residual capacity K(rho; H_b + H_c) - K(rho_b; H_b) - K(rho_c; H_c), energy",
    )
    return ds


def _staggered(x: np.ndarray, y: np.ndarray, keep: np.ndarray, n: int, frac: float):
    """Indices of ``n`` samples evenly spaced in arc length along the kept part of the curve
    (axes-normalised), shifted by ``frac`` of a spacing: markers of several parameter sets on
    one curve interleave instead of hiding each other."""
    idx = np.flatnonzero(keep)
    xs, ys = x[idx], y[idx]
    span = [max(np.ptp(v), 1e-12) for v in (xs, ys)]
    s = np.concatenate([[0], np.cumsum(np.hypot(np.diff(xs) / span[0],
                                                np.diff(ys) / span[1]))])
    if s[-1] == 0:
        return idx[:1]
    targets = (np.arange(n) + frac) * s[-1] / n
    return idx[np.unique(np.searchsorted(s, targets).clip(0, idx.size - 1))]


def _collapse_panel(ax, ds: xr.Dataset, xkey: str, ykey: str, curve, *, n: int = 12) -> None:
    """Simulated markers of every parameter set on the parameter-free curve ``curve``."""
    if curve is not None:
        ax.plot(*curve, **EXACT)
    for i in range(ds.sizes["case"]):
        r = ds.isel(case=i)
        x, y = r[xkey].values, r[ykey].values
        # the first branch, battery not yet inverted: it covers the set's whole curve once
        keep = (r["phase"].values <= np.pi / 2) & (r["p_e"].values <= 0.5 + 1e-12)
        k = _staggered(x, y, keep, n, (i + 0.5) / ds.sizes["case"])
        ax.plot(x[k], y[k], **CASE_STYLE[i], **MARK)


def _pearson_text(ax, ds: xr.Dataset, pair: str, loc: str = "lower left") -> None:
    r = ds["pearson"].sel(pair=pair).values
    text = (f"Pearson r = {r.min():+.2f} ... {r.max():+.2f}\nover the five trajectories"
            if np.ptp(r) > 5e-3 else f"Pearson r = {r.mean():+.2f} for all five")
    x, ha = (0.08, "left") if "left" in loc else (0.97, "right")
    y, va = (0.04, "bottom") if "lower" in loc else (0.96, "top")
    ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize="small", color="0.3")


def _case_handles(closed_label: str | None = "parameter-free curve (closed form)"):
    h = [Line2D([], [], label=case_label(i), **CASE_STYLE[i], **MARK) for i in range(len(CASES))]
    if closed_label:
        h.append(Line2D([], [], label=closed_label, **EXACT))
    return h


K_LABEL = r"battery capacity $K_b/2\omega_b$"


# ---- dynamics -------------------------------------------------------------------------
def dynamics_compute(quick: bool = False) -> xr.Dataset:
    """Parameter set A (resonance) over one period, ``J1 t in [0, pi)``."""
    ds = _cases_dataset(quick).sel(case="A").copy()
    ds.attrs["figure"] = "dynamics"
    return ds


def dynamics_plot(ds: xr.Dataset):
    x = ds["phase"].values  # = J1 t on resonance
    every = max(1, x.size // 24)
    with house_style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.9), layout="constrained")
        ax1.plot(x, ds["K"], color="#1b9e77", lw=2.0, label=K_LABEL)
        ax1.plot(x, ds["RBC_norm"], color="#d95f02",
                 label=r"residual capacity $\mathrm{RBC}/2(\omega_b+\omega_c)$")
        ax1.plot(x, ds["C"], color="#7570b3", label="concurrence $C$")
        ax1.plot(x, ds["l1"], color="#7570b3", marker="o", ms=3.5, mfc="none", ls="none",
                 markevery=(0, every), label=r"$l_1$ coherence $C_{l_1}$ (= $C$)")
        ax1.plot(x, ds["imag"], color="#e7298a", marker="x", ms=3.5, ls="none",
                 markevery=(every // 2, every), label="imaginarity $I$ (= $C$ on resonance)")
        ax1.plot(x, ds["T_b"], color="#a6761d", label=r"battery texture $T_{tr}(\rho_b)$")
        ax1.set(ylabel="capacity (normalised), resources", ylim=(-0.02, 1.05))
        ax2.plot(x, ds["F3"], color="#7570b3", label="steering $F_3$")
        ax2.plot(x, ds["B"], color="#e7298a", label="Bell value $B$")
        ax2.axhline(1.0, **REF)
        ax2.axhline(2.0, **REF)
        for y, text in ((1.0, r"steerable if $F_3 > 1$"), (2.0, r"CHSH violated if $B > 2$")):
            ax2.annotate(text, xy=(0.5, y), xycoords=("axes fraction", "data"), xytext=(0, -2),
                         textcoords="offset points", ha="center", va="top", fontsize="small",
                         color=REF["color"])
        ax2.set(ylabel=r"steering $F_3$, Bell value $B$", ylim=(0.8, 3.0))
        for ax in (ax1, ax2):
            ax.set(xlabel=r"$J_1 t$ (rad)", xlim=(0, np.pi))
            pi_ticks(ax, "x", 4)
            for xv, text in ((np.pi / 4, "$C = 1$, $K_b = 0$"),
                             (np.pi / 2, "full charge,\nno resources")):
                ax.axvline(xv, **REF)
                ax.annotate(text, xy=(xv, 1.0), xycoords=("data", "axes fraction"),
                            xytext=(0, 2), textcoords="offset points", ha="center",
                            va="bottom", fontsize="small", color=REF["color"])
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
        fig.suptitle(r"Resonant charging ($\omega_b=\omega_c$, $J_1=0.3$, $J_2=0.2$), "
                     "reconstructed model", fontsize=9)
        label_panels([ax1, ax2])
    return fig


# ---- capacity vs the four resources and the residual capacity -------------------------
def resources_compute(quick: bool = False) -> xr.Dataset:
    """The five parameter sets ``CASES`` over one period each."""
    ds = _cases_dataset(quick).copy()
    ds.attrs["figure"] = "resources"
    return ds


def resources_plot(ds: xr.Dataset):
    c = np.linspace(0, 1, 301)
    k = np.sqrt(1 - c**2)
    with house_style():
        fig, axes = plt.subplots(2, 3, figsize=(10.5, 6.6), layout="constrained")
        ax = axes[0, 0]
        for i in range(ds.sizes["case"]):
            r = ds.isel(case=i)
            ax.plot(r["time"], r["K"], color=CASE_STYLE[i]["color"], lw=1.1)
            every = max(1, r.sizes["phase"] // 8)
            ax.plot(r["time"][::every], r["K"][::every], **CASE_STYLE[i], **MARK)
        ax.set(xlabel=r"time $t$ ($1/\omega_c$)", ylabel=K_LABEL, ylim=(-0.02, 1.05))
        ax.set_title("five different charging cycles ...", fontsize=8)
        panels = [
            (axes[0, 1], "C", "concurrence $C$", (c, k), "K-C", None),
            (axes[0, 2], "F3", "steering $F_3$", (np.sqrt(1 + 2 * c**2), k), "K-F3",
             (1.0, r"$F_3 = 1$")),
            (axes[1, 0], "B", "Bell value $B$", (2 * np.sqrt(1 + c**2), k), "K-B",
             (2.0, "$B = 2$")),
            (axes[1, 1], "l1", r"$l_1$ coherence $C_{l_1}$", (c, k), "K-l1", None),
        ]
        for ax, key, xlabel, curve, pair, bound in panels:
            _collapse_panel(ax, ds, key, "K", curve)
            ax.set(xlabel=xlabel, ylabel=K_LABEL, ylim=(-0.02, 1.05))
            _pearson_text(ax, ds, pair)
            if bound:
                ax.axvline(bound[0], **REF)
        axes[0, 1].set_title("... one capacity-resource curve", fontsize=8)
        ax = axes[1, 2]
        _collapse_panel(ax, ds, "C", "RBC_norm", (c, 1 - k))
        ax.set(xlabel="concurrence $C$", ylim=(-0.02, 1.05),
               ylabel=r"residual capacity $\mathrm{RBC}/2(\omega_b+\omega_c)$")
        ax.set_title(r"$\mathrm{RBC} = K(\rho; H_b+H_c) - K(\rho_b) - K(\rho_c)$", fontsize=8)
        _pearson_text(ax, ds, "RBC-C", "upper left")
        fig.legend(handles=_case_handles(), loc="outside lower center", ncol=3,
                   title=r"parameter sets (energies in units of $\omega_c$; charger full, "
                         "battery empty at $t = 0$)")
        fig.suptitle("Capacity falls as entanglement, steering, Bell nonlocality and coherence "
                     "grow; the residual capacity rises (reconstructed model)", fontsize=9)
        label_panels(axes)
    return fig


# ---- imaginarity ------------------------------------------------------------------------
def imaginarity_compute(quick: bool = False) -> xr.Dataset:
    """Capacity and imaginarity over one period for the detunings ``DETUNINGS`` (J1 = 0.3),
    and the capacity at the instant ``Omega t = pi/2`` where the imaginarity vanishes, for a
    range of detunings."""
    phase = np.linspace(0.0, np.pi, 160 if quick else 800, endpoint=False)
    rows = []
    for d in DETUNINGS:
        wb = 1.0 + d * J1_DETUNED
        rows.append(measure(wb, 1.0, J1_DETUNED, J2_DETUNED,
                            phase / np.hypot(wb - 1.0, J1_DETUNED)))
    scan = np.linspace(0.0, 3.0, 13 if quick else 61)
    at_zero = np.empty((scan.size, 2))
    for j, d in enumerate(scan):
        wb = 1.0 + d * J1_DETUNED
        r = measure(wb, 1.0, J1_DETUNED, J2_DETUNED,
                    np.array([0.0, np.pi / 2 / np.hypot(wb - 1.0, J1_DETUNED)]))
        at_zero[j] = r["K"][1], r["imag"][1]
    dims = ("detuning", "phase")
    return xr.Dataset(
        dict(K=(dims, np.stack([r["K"] for r in rows])),
             imag=(dims, np.stack([r["imag"] for r in rows])),
             C=(dims, np.stack([r["C"] for r in rows])),
             K_at_zero=("scan", at_zero[:, 0], {"long_name": "K_b/2 omega_b at Omega t = pi/2"}),
             imag_at_zero=("scan", at_zero[:, 1]),
             K_at_zero_closed_form=("scan", np.abs(1 - scan**2) / (1 + scan**2))),
        coords=dict(detuning=("detuning", list(DETUNINGS), {"long_name": "Delta / J1"}),
                    phase=("phase", phase, {"long_name": "Omega t"}),
                    scan=("scan", scan, {"long_name": "Delta / J1"})),
        attrs=dict(figure="imaginarity", J1=J1_DETUNED, J2=J2_DETUNED, omega_c=1.0,
                   basis="computational basis |g>, |e> of each spin"),
    )


def imaginarity_plot(ds: xr.Dataset):
    with house_style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.8), layout="constrained")
        half = np.argmin(np.abs(ds["phase"].values - np.pi / 2))
        for j, d in enumerate(ds["detuning"].values):
            col = DETUNING_COLORS[j]
            r = ds.isel(detuning=j)
            ax1.plot(r["imag"], r["K"], color=col, lw=1.2,
                     label=r"$\Delta = 0$" if d == 0 else r"$\Delta = J_1$" if d == 1
                     else rf"$\Delta = {d:g}\,J_1$")
            ax1.plot(float(r["imag"][half]), float(r["K"][half]), marker="*", ms=9,
                     color=col, ls="none", zorder=4)
            ax2.plot(d, float(r["K"][half]), marker="*", ms=10, color=col, ls="none", zorder=4)
        ax1.plot(0, 1, marker="o", ms=12, mfc="none", color="k", ls="none", zorder=5)
        ax1.set(xlabel="imaginarity $I$ (computational basis)", ylabel=K_LABEL,
                xlim=(-0.02, 1.05), ylim=(-0.02, 1.08))
        h = ax1.get_legend_handles_labels()[0] + [
            Line2D([], [], marker="*", ms=9, color="0.3", ls="none",
                   label=r"$I = 0$ again at $\Omega t = \pi/2$"),
            Line2D([], [], marker="o", ms=8, mfc="none", color="k", ls="none",
                   label="$t = 0$: $I = 0$, peak capacity")]
        ax1.legend(handles=h, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
                   title=r"$J_1 = 0.3$, $J_2 = 0.2$, $\omega_c = 1$, "
                         r"$\omega_b = \omega_c + \Delta$")
        ax1.set_title("imaginarity vanishes twice per cycle", fontsize=8)
        s = ds["scan"].values
        ax2.plot(s, ds["K_at_zero_closed_form"], **EXACT,
                 label=r"$|J_1^2-\Delta^2|/(J_1^2+\Delta^2)$")
        ax2.plot(s, ds["K_at_zero"], "o", ms=2.5, color="0.3", label="simulated")
        ax2.axhline(1.0, **REF)
        ax2.annotate("peak capacity", xy=(0.98, 1.0), xycoords=("axes fraction", "data"),
                     xytext=(0, -3), textcoords="offset points", ha="right", va="top",
                     fontsize="small", color=REF["color"])
        ax2.axvline(1.0, **REF)
        ax2.annotate(r"$|\Delta| = J_1$: $I = 0$" "\nat zero capacity", xy=(1.0, 0.55),
                     xycoords=("data", "axes fraction"), xytext=(4, 0),
                     textcoords="offset points", fontsize="small", color=REF["color"])
        ax2.set(xlabel=r"detuning $\Delta/J_1$",
                ylabel=r"$K_b/2\omega_b$ where $I = 0$ ($\Omega t = \pi/2$)",
                xlim=(-0.05, s[-1] + 0.12), ylim=(-0.02, 1.08))
        ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
        ax2.set_title("the gap to peak capacity grows up to $|\\Delta| = J_1$, then shrinks",
                      fontsize=8)
        fig.suptitle("Vanishing imaginarity is not peak capacity once detuned "
                     "(reconstructed model)", fontsize=9)
        label_panels([ax1, ax2])
    return fig


# ---- texture ----------------------------------------------------------------------------
def texture_compute(quick: bool = False) -> xr.Dataset:
    """The five parameter sets ``CASES``: battery and two-qubit texture against capacity."""
    ds = _cases_dataset(quick)[["K", "T_b", "T_full", "C", "p_e", "pearson",
                                "max_dev_curves"]].copy()
    ds.attrs["figure"] = "texture"
    return ds


def texture_plot(ds: xr.Dataset):
    k = np.linspace(0, 1, 301)
    with house_style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 4.6), layout="constrained")
        _collapse_panel(ax1, ds, "T_b", "K", (np.sqrt(1 + k**2) / 2, k))
        ax1.set(xlabel=r"texture of the battery $T_{tr}(\rho_b)$ (computational basis)",
                ylabel=K_LABEL, ylim=(-0.02, 1.05))
        _pearson_text(ax1, ds, "K-T_b", "upper left")
        ax1.set_title(r"battery state: $T_{tr} = \frac{1}{2}\sqrt{1 + (K_b/2\omega_b)^2}$",
                      fontsize=8)
        for i in range(ds.sizes["case"]):
            r = ds.isel(case=i)
            ax2.plot(r["T_full"], r["K"], color=CASE_STYLE[i]["color"], lw=1.0)
            keep = r["phase"].values <= np.pi / 2
            kk = _staggered(r["T_full"].values, r["K"].values, keep, 10,
                            (i + 0.5) / ds.sizes["case"])
            ax2.plot(r["T_full"].values[kk], r["K"].values[kk], **CASE_STYLE[i], **MARK)
        ax2.axvline(np.sqrt(3) / 2, **REF)
        ax2.set(xlabel=r"texture of the two-qubit state $T_{tr}(\rho)$ (computational basis)",
                ylabel=K_LABEL, ylim=(-0.02, 1.05))
        ax2.set_title("two-qubit state: no single curve; on resonance (A, B)\n"
                      r"$T_{tr}(\rho) = \sqrt{3}/2$ at all times (dotted)", fontsize=8)
        fig.legend(handles=_case_handles(), loc="outside lower center", ncol=3,
                   title=r"parameter sets (energies in units of $\omega_c$)")
        fig.suptitle("Capacity rises with the battery's state texture (reconstructed model)",
                     fontsize=9)
        label_panels([ax1, ax2])
    return fig


register(PAPER, "dynamics", "Resonant charging: capacity and every resource against time",
         dynamics_compute, dynamics_plot)
register(PAPER, "resources", "Capacity vs concurrence, steering, Bell value and l1 coherence; "
         "residual capacity vs concurrence", resources_compute, resources_plot)
register(PAPER, "imaginarity", "Capacity vs imaginarity with detuning", imaginarity_compute,
         imaginarity_plot)
register(PAPER, "texture", "Capacity vs state texture", texture_compute, texture_plot)
