"""Santos, "Quantum advantage of two-level batteries in self-discharging process",
PRE 103, 042118 (2021): Figs. 2-5.

Units: energy in omega (hbar = 1), time in 1/Gamma (``gamma = 1``). Model reconstruction
(:func:`qbtoolkit.models.network`): ``H_int = J sum_edges sigma^z sigma^z`` (the printed
H_int is garbled), collective decay in Lehmberg form on the graph's edges, ``J = 2 Gamma`` and
``Gamma_icl = Gamma / 2``.

Two decay conventions are drawn in every figure, labelled in words:

* *populations and coherences decay at Gamma/2* (``decay="paper"``): the only convention in
  which the paper's Eqs. 8-9 and its Fig. 2 half-lives follow. Drawn solid (Fig. 2) or in the
  top row (Figs. 3-5): the paper's Fig. 3 has N = 1 equal to the single cell of Fig. 2, so its
  network figures were drawn in this convention too. In a network the whole rate matrix
  (``Gamma_icl`` included) is halved and every cell dephases at ``Gamma / 2``, so that N = 1
  is exactly the single cell; how ``Gamma_icl`` enters is part of the reconstruction.
* *amplitude damping, Eq. 5 as printed* (``decay="amplitude"``): dashed (Fig. 2) or the bottom
  row (Figs. 3-5).

Single-cell closed forms (both conventions, :func:`single_cell`): with populations
``rho_ee(t)`` and coherence ``|rho_eg(t)|``, the ergotropy is
``rho_ee - 1/2 + sqrt((1 - 2 rho_ee)^2 + 4 |rho_eg|^2) / 2`` (in units of omega). The classical
state ``3/4 |e><e| + 1/4 |g><g|`` loses all its ergotropy when ``rho_ee = 1/2``: at
``Gamma t = 2 ln(3/2) = 0.811`` (populations at Gamma/2) or ``ln(3/2) = 0.405`` (Eq. 5). The
coherent state's efficiency ``E/U`` tends to ``|rho_eg|^2 / rho_ee``: 0 in the paper's
convention, 1/2 under Eq. 5.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from .. import analysis
from ..dynamics import evolve
from ..metrics import energy, ergotropy
from ..metrics.graph import mean_pairwise_concurrence, normalised_l1_coherence
from ..models.network import CLASSICAL_EXCITED_POPULATION, network
from ..plotting import house_style, label_panels, reference_line
from ..studies import sweep
from . import register

PAPER = "santos_2021"
TOPOLOGY_LABELS = {"star": "central", "linear": "linear", "ring": "circular",
                   "all_to_all": "symmetric"}
J_PAPER, GAMMA_IC_PAPER = 2.0, 0.5
DECAYS = ("paper", "amplitude")
#: The two decay conventions, in words (figure legends and row titles).
DECAY_WORDS = {
    "paper": r"populations and coherences decay at $\Gamma/2$ (reproduces the paper's numbers)",
    "amplitude": "amplitude damping, Eq. 5 as printed",
}
STATE_COLORS = {"classical": "#d95f02", "coherent": "#1b9e77"}
TOPOLOGY_STYLE = {  # one colour and one marker per geometry, in every panel and inset
    "star": dict(color="#1b9e77", marker="o"),
    "linear": dict(color="#d95f02", marker="s"),
    "ring": dict(color="#7570b3", marker="^"),
    "all_to_all": dict(color="#e7298a", marker="D"),
}
N_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]
N_MARKERS = ["o", "s", "^", "D", "v"]  # N = 1 carries the closed form's circles instead
CLOSED = dict(ls="none", marker="o", ms=3.2, mfc="none", mew=0.8)
REF = dict(color="0.45", ls=":", lw=1.0)


# ---- single cell: closed forms ------------------------------------------------------
def single_cell(t: np.ndarray, state: str, decay: str = "paper") -> tuple[np.ndarray, np.ndarray]:
    """Closed-form ergotropy and energy of one cell (units of omega).

    Parameters
    ----------
    t : array_like
        Times in units of 1/Gamma.
    state : {"classical", "coherent"}
        ``3/4 |e><e| + 1/4 |g><g|`` or ``(|g> + |e>)/sqrt 2``.
    decay : {"paper", "amplitude"}
        ``"paper"``: populations and coherences both decay as ``exp(-Gamma t / 2)`` (the
        convention behind the paper's Eqs. 8-9); ``"amplitude"``: Eq. 5, populations as
        ``exp(-Gamma t)`` and coherences as ``exp(-Gamma t / 2)``.

    Returns
    -------
    (ergotropy, energy) : two ndarrays shaped like ``t``
        ``E = rho_ee - 1/2 + sqrt((1 - 2 rho_ee)^2 + 4 |rho_eg|^2) / 2`` and ``U = rho_ee``.
    """
    t = np.asarray(t, dtype=float)
    x = np.exp(-t / 2)
    pop = x if decay == "paper" else x**2
    if state == "classical":
        ree, reg = CLASSICAL_EXCITED_POPULATION * pop, np.zeros_like(t)
    else:
        ree, reg = 0.5 * pop, 0.5 * x
    a, q = 1 - 2 * ree, 4 * reg**2
    root = np.sqrt(a**2 + q)
    # (root - a) / 2, written without cancellation where the cell is not inverted (a > 0)
    den = 2 * (root + np.abs(a))
    stable = np.divide(q, den, out=np.zeros_like(den), where=den > 0)
    W = np.where(a > 0, stable, (root - a) / 2)
    return W, ree


def closed_form_ergotropy(t: np.ndarray, state: str, decay: str = "paper") -> np.ndarray:
    """Single-cell ergotropy in units of E_1/2 = omega/2 (Santos Eqs. 9a/9b, de-garbled).

    With ``x = exp(-Gamma t / 2)`` in the paper's convention:
    ``E_cl / E_1/2 = max(0, 3 x - 2)`` and ``E_qu / E_1/2 = x - 1 + sqrt(1 - 2 x + 2 x^2)``.
    See :func:`single_cell` for the parameters.
    """
    return single_cell(t, state, decay)[0] / 0.5


def classical_death_time(decay: str = "paper") -> float:
    """Gamma t at which the classical cell's ergotropy vanishes (rho_ee = 1/2): the solution
    of ``(3/4) exp(-k Gamma t) = 1/2``, ``2 ln(3/2)`` (k = 1/2, paper) or ``ln(3/2)`` (Eq. 5)."""
    return (2.0 if decay == "paper" else 1.0) * np.log(1.5)


def coherent_efficiency_limit(decay: str = "paper") -> float:
    """Long-time efficiency ``E/U -> |rho_eg|^2 / rho_ee`` of the coherent cell: 0 or 1/2."""
    return 0.0 if decay == "paper" else 0.5


def uncoupled_coherence(t: np.ndarray, N: int) -> np.ndarray:
    """Normalised l1 coherence of N independent coherent cells (J = Gamma_icl = 0), in either
    convention (coherences decay as exp(-Gamma t / 2) in both): every cell's entries have
    absolute sum ``1 + exp(-Gamma t / 2)``, so ``C = ((1 + e^{-Gamma t/2})^N - 1)/(2^N - 1)``."""
    return ((1 + np.exp(-np.asarray(t) / 2)) ** N - 1) / (2**N - 1)


def uncoupled_energy_ratio(t: np.ndarray, decay: str = "paper") -> np.ndarray:
    """U(t)/U0 without collective decay (any J: the Ising coupling conserves every cell's
    excitation): ``exp(-Gamma t / 2)`` (paper) or ``exp(-Gamma t)`` (Eq. 5)."""
    return np.exp(-np.asarray(t) * (0.5 if decay == "paper" else 1.0))


def trajectory_metrics(model, t: np.ndarray, edges=None) -> dict[str, np.ndarray]:
    """Energy U, ergotropy, efficiency, normalised l1 coherence, mean edge concurrence."""
    traj = evolve(model, t, method="blocks")
    Hb = traj.H_battery.full()
    U = np.asarray(energy(traj.states, Hb))
    W = np.asarray(ergotropy(traj.states, Hb))
    out = dict(energy=U, ergotropy=W, efficiency=W / U,
               coherence=np.asarray(normalised_l1_coherence(traj.states)))
    edges = model.params["edges"] if edges is None else edges
    out["concurrence"] = (np.asarray(mean_pairwise_concurrence(traj.states, edges))
                          if edges else np.zeros_like(U))
    return out


def _times(quick: bool, tmax: float, full: int = 401, small: int = 81) -> np.ndarray:
    return np.linspace(0.0, tmax, small if quick else full)


# ---- drawing helpers -----------------------------------------------------------------
def _hline(ax, y: float, text: str, *, x: float = 0.98, va: str = "bottom", **kw) -> None:
    """A horizontal reference line at ``y`` with ``text`` at its right end."""
    ax.axhline(y, **{**REF, **kw})
    ax.annotate(text, xy=(x, y), xycoords=("axes fraction", "data"), xytext=(0, 2 if
                va == "bottom" else -2), textcoords="offset points", ha="right", va=va,
                color=kw.get("color", REF["color"]), fontsize="small")


def _two_conventions(figsize=(8.6, 6.6)):
    """A figure with one row of two panels per decay convention, each row titled in words;
    returns ``(fig, {decay: (ax_left, ax_right)})``."""
    fig = plt.figure(figsize=figsize, layout="constrained")
    rows = {}
    for sub, dec in zip(fig.subfigures(2, 1, hspace=0.04), DECAYS, strict=True):
        axes = sub.subplots(1, 2)
        sub.suptitle(DECAY_WORDS[dec], fontsize=9, fontweight="bold")
        rows[dec] = tuple(axes)
    label_panels([*rows["paper"], *rows["amplitude"]])
    return fig, rows


def _convention_key(fig) -> None:
    """Figure legend: solid = paper's convention, dashed = Eq. 5 as printed."""
    handles = [Line2D([], [], color="k", ls="-", label=DECAY_WORDS["paper"]),
               Line2D([], [], color="k", ls="--", label=DECAY_WORDS["amplitude"])]
    fig.legend(handles=handles, loc="outside upper center", ncol=2, fontsize=7.5)


# ---- Fig. 2 --------------------------------------------------------------------------
def fig2_compute(quick: bool = False) -> xr.Dataset:
    """Single cell: ergotropy/E_1/2 and efficiency, classical vs coherent, both conventions."""
    t = _times(quick, 3.0, 601, 121)
    states = ["classical", "coherent"]
    erg = np.empty((2, 2, t.size))
    eff = np.empty_like(erg)
    hl = np.empty((2, 2))
    for i, dec in enumerate(DECAYS):
        for j, st in enumerate(states):
            r = trajectory_metrics(network(1, initial=st, decay=dec), t)
            erg[i, j] = r["ergotropy"] / 0.5
            eff[i, j] = r["efficiency"]
            hl[i, j] = analysis.half_life(t, r["ergotropy"])
    closed = np.stack([np.stack([closed_form_ergotropy(t, s, d) for s in states])
                       for d in DECAYS])
    closed_eff = np.stack([np.stack([np.divide(*single_cell(t, s, d)) for s in states])
                           for d in DECAYS])
    dims = ("decay", "state", "time")
    return xr.Dataset(
        dict(ergotropy=(dims, erg, {"units": "E_1/2 = omega/2"}),
             efficiency=(dims, eff, {"units": "dimensionless"}),
             half_life=(("decay", "state"), hl, {"units": "1/Gamma"}),
             ergotropy_closed_form=(dims, closed, {"units": "E_1/2 = omega/2"}),
             efficiency_closed_form=(dims, closed_eff, {"units": "dimensionless"})),
        coords=dict(decay=list(DECAYS), state=states,
                    time=("time", t, {"units": "1/Gamma"})),
        attrs=dict(paper=PAPER, figure="2"),
    )


def _closed_markers(ax, t, y, color, n: int = 16) -> None:
    step = max(1, t.size // n)
    ax.plot(t[::step], y[::step], color=color, **CLOSED)


def fig2_plot(ds: xr.Dataset):
    with house_style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.7), layout="constrained")
        styles = {"paper": "-", "amplitude": "--"}
        t = ds.time.values
        for dec in DECAYS:
            for st in ds.state.values:
                c = STATE_COLORS[st]
                ax1.plot(t, ds.ergotropy.sel(decay=dec, state=st), styles[dec], color=c)
                ax2.plot(t, ds.efficiency.sel(decay=dec, state=st), styles[dec], color=c)
                _closed_markers(ax1, t, ds.ergotropy_closed_form.sel(decay=dec, state=st).values,
                                c)
                _closed_markers(ax2, t,
                                ds.efficiency_closed_form.sel(decay=dec, state=st).values, c)
                tau = float(ds.half_life.sel(decay=dec, state=st))
                ax1.vlines(tau, 0, 0.5, color=c, ls=":", lw=0.9)
                ax1.plot(tau, 0.5, marker="v", color=c, ms=4, ls="none")
        _hline(ax1, 0.5, "half of the initial ergotropy", x=0.98)
        hl = ds.half_life
        handles = [
            Line2D([], [], color=STATE_COLORS["coherent"],
                   label=r"coherent $|+\rangle$: $\Gamma\tau_{1/2}$ = "
                   f"{float(hl.sel(decay='paper', state='coherent')):.3f} (solid), "
                   f"{float(hl.sel(decay='amplitude', state='coherent')):.3f} (dashed)"),
            Line2D([], [], color=STATE_COLORS["classical"],
                   label=r"classical $\rho_{cl}$: $\Gamma\tau_{1/2}$ = "
                   f"{float(hl.sel(decay='paper', state='classical')):.3f} (solid), "
                   f"{float(hl.sel(decay='amplitude', state='classical')):.3f} (dashed)"),
            Line2D([], [], color="0.3", label="closed forms", **CLOSED),
            Line2D([], [], color="0.3", ls=":", marker="v", ms=4,
                   label=r"half-lives $\tau_{1/2}$"),
        ]
        ax1.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.92))
        ax1.set(xlabel=r"time $\Gamma t$", ylabel=r"ergotropy $\mathcal{E}(t)/\mathcal{E}_{1/2}$",
                xlim=(0, t[-1]), ylim=(0, 1.05))
        ax2.set(xlabel=r"time $\Gamma t$", ylabel=r"efficiency $\varepsilon(t)=\mathcal{E}/U$",
                xlim=(0, t[-1]), ylim=(0, 1.05))
        for dec in DECAYS:
            ax2.axvline(classical_death_time(dec), color=STATE_COLORS["classical"],
                        ls=styles[dec], lw=0.8)
        ax2.annotate("classical: no ergotropy after\n"
                     rf"$\Gamma t$ = 2 ln(3/2) = {classical_death_time('paper'):.3f} (solid)"
                     "\n"
                     rf"$\Gamma t$ = ln(3/2) = {classical_death_time('amplitude'):.3f} (dashed)",
                     xy=(classical_death_time("paper"), 0.03), xytext=(4, 0),
                     textcoords="offset points", ha="left", va="bottom", fontsize="small",
                     color=STATE_COLORS["classical"])
        _hline(ax2, 0.5, r"coherent, Eq. 5: $\varepsilon\to|\rho_{eg}|^2/\rho_{ee}=1/2$",
               va="top")
        ax2.annotate(r"decay at $\Gamma/2$: $\varepsilon\to 0$",
                     xy=(t[-1], float(ds.efficiency.sel(decay="paper", state="coherent")[-1])),
                     xytext=(-2, -5), textcoords="offset points", ha="right", va="top",
                     fontsize="small", color=STATE_COLORS["coherent"])
        _convention_key(fig)
        label_panels([ax1, ax2])
    return fig


# ---- Fig. 3 --------------------------------------------------------------------------
def fig3_compute(quick: bool = False) -> xr.Dataset:
    """Efficiency for N = 1..5 linear chains (J = 2 Gamma, Gamma_icl = Gamma/2), both
    conventions, with the single-cell closed form."""
    t = _times(quick, 4.0, full=801)
    Ns = [1, 2, 3] if quick else [1, 2, 3, 4, 5]
    states = ["classical", "coherent"]
    eff = np.empty((len(DECAYS), len(states), len(Ns), t.size))
    for d, dec in enumerate(DECAYS):
        for i, st in enumerate(states):
            for j, N in enumerate(Ns):
                m = network(N, "linear", J=J_PAPER, gamma_collective=GAMMA_IC_PAPER,
                            initial=st, decay=dec)
                eff[d, i, j] = trajectory_metrics(m, t)["efficiency"]
    one = np.stack([np.stack([np.divide(*single_cell(t, s, d)) for s in states])
                    for d in DECAYS])
    return xr.Dataset(
        dict(efficiency=(("decay", "state", "N", "time"), eff, {"units": "dimensionless"}),
             single_cell_closed_form=(("decay", "state", "time"), one,
                                      {"units": "dimensionless"})),
        coords=dict(decay=list(DECAYS), state=states, N=Ns,
                    time=("time", t, {"units": "1/Gamma"})),
        attrs=dict(paper=PAPER, figure="3", J=J_PAPER, gamma_collective=GAMMA_IC_PAPER,
                   coupling="zz", topology="linear"),
    )


def fig3_plot(ds: xr.Dataset):
    t = ds.time.values
    colors = {N: N_COLORS[k % len(N_COLORS)] for k, N in enumerate(ds.N.values)}
    with house_style():
        fig, rows = _two_conventions(figsize=(8.6, 6.9))
        for dec, (axc, axq) in rows.items():
            tau = classical_death_time(dec)
            zoom = axc.inset_axes([0.45, 0.36, 0.52, 0.47])
            for ax, st in ((axc, "classical"), (axq, "coherent"), (zoom, "classical")):
                for k, N in enumerate(ds.N.values):
                    every = t.size // 10
                    ax.plot(t, ds.efficiency.sel(decay=dec, state=st, N=N), color=colors[N],
                            lw=1.0 if ax is zoom else None, ms=3, mfc="none",
                            marker=N_MARKERS[k % 5] if ax is not zoom and k else None,
                            markevery=(every // 2 + k * every // 5, every))
                _closed_markers(ax, t, ds.single_cell_closed_form.sel(decay=dec, state=st).values,
                                colors[1], n=16 if ax is not zoom else 60)
            for ax in (axc, zoom):
                ax.axvline(tau, **REF)
            lab = "2 ln(3/2)" if dec == "paper" else "ln(3/2)"
            axc.annotate(f"one cell: no ergotropy\nfrom $\\Gamma t$ = {lab} = {tau:.2f}",
                         xy=(tau, 0.2), xytext=(4, 0), textcoords="offset points",
                         fontsize="small", color=REF["color"])
            zoom.set(xlim=(0.7 * tau, 1.5 * tau), ylim=(-0.003, 0.12))
            zoom.set_title("zoom: longer chains lose their last ergotropy later", fontsize=6.5)
            zoom.set_xlabel(r"$\Gamma t$", fontsize=7, labelpad=1)
            zoom.set_ylabel(r"$\varepsilon$", fontsize=7, labelpad=1)
            zoom.tick_params(labelsize=6)
            lim = coherent_efficiency_limit(dec)
            if lim:
                axq.axhline(lim, **REF)
            axq.text(0.97, 0.95, "as $\\Gamma t\\to\\infty$, one cell: "
                     + (r"$\varepsilon\to|\rho_{eg}|^2/\rho_{ee}=1/2$ (dotted)" if lim else
                        r"$\varepsilon\to|\rho_{eg}|^2/\rho_{ee}=0$"),
                     transform=axq.transAxes, ha="right", va="top", fontsize="small",
                     color=REF["color"])
            for ax, st in ((axc, "classical"), (axq, "coherent")):
                ax.set(xlabel=r"time $\Gamma t$", xlim=(0, t[-1]), ylim=(-0.03, 1.05),
                       ylabel=rf"efficiency $\varepsilon(t)$, {st} state")
        handles = [Line2D([], [], color=colors[N], marker=N_MARKERS[k % 5] if k else None,
                          ms=3, mfc="none", label=f"N = {N}")
                   for k, N in enumerate(ds.N.values)]
        handles.append(Line2D([], [], color=colors[1], label="one cell, closed form",
                              **CLOSED))
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                   title="linear chain, Ising coupling $J = 2\\Gamma$, collective decay "
                         "$\\Gamma_{icl} = \\Gamma/2$ (reconstructed network model)")
    return fig


# ---- Figs. 4 and 5 -------------------------------------------------------------------
def _topology_point(decay: str, state: str, topology: str, times: np.ndarray) -> xr.Dataset:
    """One grid point of the topology study: an N = 5 network trajectory's metrics."""
    m = network(5, topology, J=J_PAPER, gamma_collective=GAMMA_IC_PAPER, initial=state,
                decay=decay)
    r = trajectory_metrics(m, times)
    return xr.Dataset({k: ("time", v) for k, v in r.items()}, coords={"time": times})


@functools.lru_cache(maxsize=2)
def _topology_dataset(quick: bool) -> xr.Dataset:
    """Figs. 4-5 data: a parameter sweep (decay x state x topology) run on worker processes
    by :func:`qbtoolkit.sweep`; cached because both figures share it."""
    t = _times(quick, 4.0)
    tops = list(TOPOLOGY_LABELS)
    grid = {"decay": list(DECAYS), "state": ["classical", "coherent"], "topology": tops}
    res = sweep(functools.partial(_topology_point, times=t), grid, progress=False)
    dims = ("decay", "state", "topology", "time")
    data = {k: res[k].transpose(*dims).values for k in
            ("energy", "ergotropy", "efficiency", "coherence", "concurrence")}
    U0 = data["energy"][..., :1]
    return xr.Dataset(
        dict(energy=(dims, data["energy"], {"units": "omega"}),
             energy_ratio=(dims, data["energy"] / U0, {"long_name": "U(t)/U0"}),
             ergotropy=(dims, data["ergotropy"], {"units": "omega"}),
             efficiency=(dims, data["efficiency"]),
             coherence=(dims, data["coherence"], {"long_name": "l1 coherence / (2^N - 1)"}),
             concurrence=(dims, data["concurrence"], {"long_name": "mean edge concurrence"})),
        coords=dict(decay=list(DECAYS), state=grid["state"], topology=tops,
                    time=("time", t, {"units": "1/Gamma"}),
                    label=("topology", [TOPOLOGY_LABELS[k] for k in tops])),
        attrs=dict(paper=PAPER, N=5, J=J_PAPER, gamma_collective=GAMMA_IC_PAPER,
                   coupling="zz"),
    )


def _topology_lines(ax, t, curves: dict, n_marks: int = 8, **kw) -> None:
    """One line per geometry, in its colour, with its marker at staggered times (the markers
    tell apart curves that coincide)."""
    for k, (top, y) in enumerate(curves.items()):
        st = TOPOLOGY_STYLE[top]
        every = max(1, t.size // n_marks)
        ax.plot(t, y, color=st["color"], marker=st["marker"], ms=3.2, mfc="none", mew=0.8,
                markevery=(k * every // 4, every), label=TOPOLOGY_LABELS[top], **kw)


def _topology_handles(extra=()):
    return [Line2D([], [], color=s["color"], marker=s["marker"], ms=3.2, mfc="none",
                   label=TOPOLOGY_LABELS[top]) for top, s in TOPOLOGY_STYLE.items()] + list(extra)


def fig4_compute(quick: bool = False) -> xr.Dataset:
    """N = 5, four topologies: U/U0 (coherent) and efficiency (coherent; classical inset),
    both conventions."""
    ds = _topology_dataset(quick).copy()
    ds.attrs["figure"] = "4"
    return ds[["energy_ratio", "efficiency", "ergotropy", "energy"]]


def fig4_plot(ds: xr.Dataset):
    t = ds.time.values
    tops = list(ds.topology.values)
    with house_style():
        fig, rows = _two_conventions()
        for dec, (axU, axE) in rows.items():
            sel = ds.sel(decay=dec)
            _topology_lines(axU, t, {k: sel.energy_ratio.sel(state="coherent", topology=k)
                                     for k in tops})
            axU.plot(t, uncoupled_energy_ratio(t, dec), **REF)
            axU.set(xlabel=r"time $\Gamma t$", ylabel=r"internal energy $U(t)/U_0$, coherent",
                    xlim=(0, t[-1]), ylim=(0, 1.03))
            _topology_lines(axE, t, {k: sel.efficiency.sel(state="coherent", topology=k)
                                     for k in tops})
            axE.set(xlabel=r"time $\Gamma t$", ylabel=r"efficiency $\varepsilon(t)$, coherent",
                    xlim=(0, t[-1]), ylim=(-0.02, 1.03))
            inset = axE.inset_axes([0.47, 0.47, 0.5, 0.48])
            _topology_lines(inset, t, {k: sel.efficiency.sel(state="classical", topology=k)
                                       for k in tops}, n_marks=40, lw=1.0)
            tau = classical_death_time(dec)
            inset.axvline(tau, **REF)
            inset.annotate(f"one cell\ndies at {tau:.2f}", xy=(tau, 0.5), xytext=(3, 0),
                           textcoords="offset points", fontsize=6.5, color=REF["color"])
            inset.set(xlim=(0, 1.5), ylim=(-0.02, 0.7))
            inset.set_xlabel(r"$\Gamma t$", fontsize=7, labelpad=1)
            inset.set_ylabel(r"$\varepsilon$, classical", fontsize=7, labelpad=1)
            inset.tick_params(labelsize=6)
        ref = Line2D([], [], label=r"no collective decay ($\Gamma_{icl}=0$)", **REF)
        rows["paper"][0].legend(handles=_topology_handles([ref]), loc="upper right",
                                title="N = 5 network (reconstructed model)")
    return fig


def fig5_compute(quick: bool = False) -> xr.Dataset:
    """N = 5, coherent state: normalised l1 coherence and mean pairwise concurrence (Eq. 14),
    both conventions."""
    ds = _topology_dataset(quick).sel(state="coherent").copy()
    ds.attrs["figure"] = "5"
    ds = ds[["coherence", "concurrence"]]
    ds["coherence_uncoupled"] = ("time", uncoupled_coherence(ds.time.values, 5),
                                 {"long_name": "independent cells (J = Gamma_icl = 0)"})
    return ds


def _birth_death(t: np.ndarray, c: np.ndarray, floor: float = 1e-9) -> list[tuple[float, float]]:
    """Windows ``(birth, death)`` where the concurrence is above ``floor``."""
    on = np.concatenate([[False], c > floor, [False]])
    edges = np.flatnonzero(np.diff(on.astype(int)))
    return [(float(t[a]), float(t[min(b, t.size - 1)])) for a, b in zip(edges[::2],
                                                                        edges[1::2], strict=True)]


def fig5_plot(ds: xr.Dataset):
    t = ds.time.values
    tops = list(ds.topology.values)
    cmax = 1.3 * max(float(ds.concurrence.max()), 1e-3)
    with house_style():
        fig, rows = _two_conventions()
        for dec, (axC, axE) in rows.items():
            sel = ds.sel(decay=dec)
            _topology_lines(axC, t, {k: sel.coherence.sel(topology=k) for k in tops})
            axC.plot(t, ds.coherence_uncoupled, **REF)
            axC.set(xlabel=r"time $\Gamma t$",
                    ylabel=r"$l_1$ coherence $C_{l_1}/(2^N-1)$", xlim=(0, t[-1]),
                    ylim=(0, 1.03))
            _topology_lines(axE, t, {k: sel.concurrence.sel(topology=k) for k in tops})
            axE.set(xlabel=r"time $\Gamma t$", ylabel=r"mean edge concurrence $\bar C(t)$",
                    xlim=(0, t[-1]), ylim=(-0.005, cmax))
            zoom = axE.inset_axes([0.45, 0.3, 0.52, 0.55])
            _topology_lines(zoom, t, {k: sel.concurrence.sel(topology=k) for k in tops},
                            n_marks=160, lw=1.0)
            zoom.set(xlim=(0, 0.8), ylim=(-0.005, cmax))
            zoom.set_title("zoom: births and deaths", fontsize=6.5)
            zoom.set_xlabel(r"$\Gamma t$", fontsize=7, labelpad=1)
            zoom.set_ylabel(r"$\bar C$", fontsize=7, labelpad=1)
            zoom.tick_params(labelsize=6)
            windows = _birth_death(t, sel.concurrence.sel(topology="star").values)
            if windows:
                death = windows[0][1]
                reference_line(axE, death, f"central: entanglement\ndies at "
                               rf"$\Gamma t$ = {death:.2f}",
                               color=TOPOLOGY_STYLE["star"]["color"], y=0.97)
        ref = Line2D([], [], label=r"independent cells ($J=\Gamma_{icl}=0$)", **REF)
        rows["paper"][0].legend(handles=_topology_handles([ref]), loc="upper right",
                                title="N = 5 network (reconstructed model), coherent state")
    return fig


register(PAPER, "fig2", "Single-cell self-discharge: ergotropy and efficiency in both decay "
         "conventions", fig2_compute, fig2_plot)
register(PAPER, "fig3", "Efficiency of N = 1..5 linear chains (reconstructed network), paper's "
         "decay convention and Eq. 5", fig3_compute, fig3_plot)
register(PAPER, "fig4", "Four geometries, N = 5 (reconstructed network): internal energy and "
         "efficiency, paper's decay convention and Eq. 5", fig4_compute, fig4_plot)
register(PAPER, "fig5", "Four geometries, N = 5 (reconstructed network): coherence and "
         "entanglement, paper's decay convention and Eq. 5", fig5_compute, fig5_plot)
