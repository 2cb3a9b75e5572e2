"""Santos, "Quantum advantage of two-level batteries in self-discharging process",
PRE 103, 042118 (2021): Figs. 2-5 (SPEC.md, section 002).

Units: energy in omega (hbar = 1), time in 1/Gamma (``gamma = 1``). Model reconstruction:
``H_int = J sum_edges sigma^z sigma^z`` (the printed H_int is garbled), collective decay in
Lehmberg form on the graph's edges, ``J = 2 Gamma`` and ``Gamma_icl = Gamma / 2``. Fig. 2 is
drawn in both decay conventions (``decay="paper"`` reproduces the paper's numbers,
``decay="amplitude"`` is Eq. 5 literally); Figs. 3-5 use ``decay="amplitude"`` as SPEC.md does.
"""

from __future__ import annotations

import functools

import numpy as np
import xarray as xr

from .. import analysis
from ..dynamics import evolve
from ..metrics import energy, ergotropy
from ..metrics.graph import mean_pairwise_concurrence, normalised_l1_coherence
from ..models.network import network
from ..plotting import label_panels, subplots
from ..studies import sweep
from . import register

PAPER = "santos_2021"
TOPOLOGY_LABELS = {"star": "central", "linear": "linear", "ring": "circular",
                   "all_to_all": "symmetric"}
J_PAPER, GAMMA_IC_PAPER = 2.0, 0.5


def closed_form_ergotropy(t: np.ndarray, state: str) -> np.ndarray:
    """Paper-convention single-cell ergotropy in units of E_1/2 (SPEC 002, Eqs. 9a/9b fixed)."""
    x = np.exp(-np.asarray(t) / 2)
    if state == "classical":
        return np.maximum(0.0, 3 * x - 2)
    return x - 1 + np.sqrt(1 - 2 * x + 2 * x**2)


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


# ---- Fig. 2 --------------------------------------------------------------------------
def fig2_compute(quick: bool = False) -> xr.Dataset:
    """Single cell: ergotropy/E_1/2 and efficiency, classical vs coherent, both conventions."""
    t = _times(quick, 3.0, 601, 121)
    decays, states = ["paper", "amplitude"], ["classical", "coherent"]
    erg = np.empty((2, 2, t.size))
    eff = np.empty_like(erg)
    hl = np.empty((2, 2))
    for i, dec in enumerate(decays):
        for j, st in enumerate(states):
            r = trajectory_metrics(network(1, initial=st, decay=dec), t)
            erg[i, j] = r["ergotropy"] / 0.5
            eff[i, j] = r["efficiency"]
            hl[i, j] = analysis.half_life(t, r["ergotropy"])
    closed = np.stack([closed_form_ergotropy(t, s) for s in states])
    return xr.Dataset(
        dict(ergotropy=(("decay", "state", "time"), erg, {"units": "E_1/2 = omega/2"}),
             efficiency=(("decay", "state", "time"), eff, {"units": "dimensionless"}),
             half_life=(("decay", "state"), hl, {"units": "1/Gamma"}),
             ergotropy_closed_form=(("state", "time"), closed,
                                    {"note": "paper convention, SPEC 002 Eqs. 9a/9b"})),
        coords=dict(decay=decays, state=states, time=("time", t, {"units": "1/Gamma"})),
        attrs=dict(paper=PAPER, figure="2"),
    )


def fig2_plot(ds: xr.Dataset):
    fig, (ax1, ax2) = subplots(1, 2, figsize=(8.5, 3.4))
    colors = {"classical": "C3", "coherent": "C0"}
    styles = {"paper": "-", "amplitude": "--"}
    t = ds.time.values
    for dec in ds.decay.values:
        for st in ds.state.values:
            lab = f"{st}, decay={dec}"
            ax1.plot(t, ds.ergotropy.sel(decay=dec, state=st), styles[dec], color=colors[st],
                     label=lab)
            ax2.plot(t, ds.efficiency.sel(decay=dec, state=st), styles[dec], color=colors[st],
                     label=lab)
            ax1.axvline(float(ds.half_life.sel(decay=dec, state=st)), color=colors[st],
                        ls=":", lw=0.8)
    step = max(1, t.size // 15)
    for st in ds.state.values:
        ax1.plot(t[::step], ds.ergotropy_closed_form.sel(state=st)[::step], "o", ms=3,
                 mfc="none", color=colors[st])
    ax1.plot([], [], "ko", ms=3, mfc="none", label="closed form (paper)")
    ax1.axhline(0.5, color="0.6", lw=0.6)
    ax1.set(xlabel=r"$\Gamma t$", ylabel=r"$\mathcal{E}(t)/\mathcal{E}_{1/2}$", xlim=(0, t[-1]))
    ax2.set(xlabel=r"$\Gamma t$", ylabel=r"$\varepsilon(t)=\mathcal{E}/U$", xlim=(0, t[-1]),
            ylim=(0, 1.02))
    ax1.legend(fontsize=6.5)
    label_panels([ax1, ax2])
    return fig


# ---- Fig. 3 --------------------------------------------------------------------------
def fig3_compute(quick: bool = False) -> xr.Dataset:
    """Efficiency for N = 1..5 (linear chain, J = 2 Gamma, Gamma_icl = Gamma/2)."""
    t = _times(quick, 4.0)
    Ns = [1, 2, 3] if quick else [1, 2, 3, 4, 5]
    states = ["classical", "coherent"]
    eff = np.empty((len(states), len(Ns), t.size))
    for i, st in enumerate(states):
        for j, N in enumerate(Ns):
            m = network(N, "linear", J=J_PAPER, gamma_collective=GAMMA_IC_PAPER, initial=st)
            eff[i, j] = trajectory_metrics(m, t)["efficiency"]
    return xr.Dataset(
        dict(efficiency=(("state", "N", "time"), eff, {"units": "dimensionless"})),
        coords=dict(state=states, N=Ns, time=("time", t, {"units": "1/Gamma"})),
        attrs=dict(paper=PAPER, figure="3", J=J_PAPER, gamma_collective=GAMMA_IC_PAPER,
                   coupling="zz", decay="amplitude", topology="linear"),
    )


def fig3_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 2, figsize=(8.5, 3.4), sharey=True)
    for ax, st in zip(axes, ds.state.values, strict=True):
        for N in ds.N.values:
            ax.plot(ds.time, ds.efficiency.sel(state=st, N=N), label=f"N = {N}")
        ax.set(xlabel=r"$\Gamma t$", title=f"{st} initial state", xlim=(0, float(ds.time[-1])))
    axes[0].set_ylabel(r"$\varepsilon(t)$")
    axes[1].legend()
    label_panels(axes)
    return fig


# ---- Figs. 4 and 5 -------------------------------------------------------------------
def _topology_point(state: str, topology: str, times: np.ndarray) -> xr.Dataset:
    """One grid point of the topology study: an N = 5 network trajectory's metrics."""
    m = network(5, topology, J=J_PAPER, gamma_collective=GAMMA_IC_PAPER, initial=state)
    r = trajectory_metrics(m, times)
    return xr.Dataset({k: ("time", v) for k, v in r.items()}, coords={"time": times})


@functools.lru_cache(maxsize=2)
def _topology_dataset(quick: bool) -> xr.Dataset:
    """Figs. 4-5 data: a parameter sweep (state x topology) run on all cores by
    :func:`qbtoolkit.sweep`; cached because both figures share it."""
    t = _times(quick, 4.0)
    tops = list(TOPOLOGY_LABELS)
    grid = {"state": ["classical", "coherent"], "topology": tops}
    res = sweep(functools.partial(_topology_point, times=t), grid, progress=False)
    dims = ("state", "topology", "time")
    data = {k: res[k].transpose(*dims).values for k in
            ("energy", "ergotropy", "efficiency", "coherence", "concurrence")}
    U0 = data["energy"][:, :, :1]
    return xr.Dataset(
        dict(energy=(dims, data["energy"], {"units": "omega"}),
             energy_ratio=(dims, data["energy"] / U0, {"long_name": "U(t)/U0"}),
             ergotropy=(dims, data["ergotropy"], {"units": "omega"}),
             efficiency=(dims, data["efficiency"]),
             coherence=(dims, data["coherence"], {"long_name": "l1 coherence / (2^N - 1)"}),
             concurrence=(dims, data["concurrence"], {"long_name": "mean edge concurrence"})),
        coords=dict(state=grid["state"], topology=tops, time=("time", t, {"units": "1/Gamma"}),
                    label=("topology", [TOPOLOGY_LABELS[k] for k in tops])),
        attrs=dict(paper=PAPER, N=5, J=J_PAPER, gamma_collective=GAMMA_IC_PAPER,
                   coupling="zz", decay="amplitude"),
    )


def fig4_compute(quick: bool = False) -> xr.Dataset:
    """N = 5, four topologies: U/U0 (coherent) and efficiency (coherent; classical inset)."""
    ds = _topology_dataset(quick).copy()
    ds.attrs["figure"] = "4"
    return ds[["energy_ratio", "efficiency", "ergotropy", "energy"]]


def fig4_plot(ds: xr.Dataset):
    fig, (ax1, ax2) = subplots(1, 2, figsize=(8.5, 3.4))
    t = ds.time.values
    for top in ds.topology.values:
        lab = str(ds.label.sel(topology=top).values)
        ax1.plot(t, ds.energy_ratio.sel(state="coherent", topology=top), label=lab)
        ax2.plot(t, ds.efficiency.sel(state="coherent", topology=top), label=lab)
    ax1.set(xlabel=r"$\Gamma t$", ylabel=r"$U(t)/U_0$", xlim=(0, t[-1]))
    ax2.set(xlabel=r"$\Gamma t$", ylabel=r"$\varepsilon(t)$ (coherent)", xlim=(0, t[-1]))
    ax1.legend()
    inset = ax2.inset_axes([0.5, 0.5, 0.45, 0.42])
    for top in ds.topology.values:
        inset.plot(t, ds.efficiency.sel(state="classical", topology=top), lw=1)
    inset.set_xlim(0, 1)
    inset.set_title("classical", fontsize=7)
    inset.tick_params(labelsize=6)
    label_panels([ax1, ax2])
    return fig


def fig5_compute(quick: bool = False) -> xr.Dataset:
    """N = 5, coherent state: normalised l1 coherence and mean pairwise concurrence (Eq. 14)."""
    ds = _topology_dataset(quick).sel(state="coherent").copy()
    ds.attrs["figure"] = "5"
    return ds[["coherence", "concurrence"]]


def fig5_plot(ds: xr.Dataset):
    fig, (ax1, ax2) = subplots(1, 2, figsize=(8.5, 3.4))
    t = ds.time.values
    for top in ds.topology.values:
        lab = str(ds.label.sel(topology=top).values)
        ax1.plot(t, ds.coherence.sel(topology=top), label=lab)
        ax2.plot(t, ds.concurrence.sel(topology=top), label=lab)
    ax1.set(xlabel=r"$\Gamma t$", ylabel=r"$C_{l_1}(t)$ (normalised)", xlim=(0, t[-1]))
    ax2.set(xlabel=r"$\Gamma t$", ylabel=r"$\bar C(t)$ (edge concurrence)", xlim=(0, t[-1]),
            ylim=(-0.005, 1.25 * max(float(ds.concurrence.max()), 1e-3)))
    ax1.legend()
    label_panels([ax1, ax2])
    return fig


register(PAPER, "fig2", "Single-cell self-discharge: ergotropy and efficiency (both decay "
         "conventions)", fig2_compute, fig2_plot)
register(PAPER, "fig3", "Efficiency of N = 1..5 linear chains", fig3_compute, fig3_plot)
register(PAPER, "fig4", "Four topologies, N = 5: internal energy and efficiency",
         fig4_compute, fig4_plot)
register(PAPER, "fig5", "Four topologies, N = 5: coherence and entanglement",
         fig5_compute, fig5_plot)
