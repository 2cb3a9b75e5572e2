"""Figure recipes: Downing & Ukhtary (2026), "Charging a quantum battery from the Bloch sphere".

Every curve is *simulated* (:func:`~qbtoolkit.models.charger_battery` propagated by
:func:`qbtoolkit.evolve` with ``method="auto"``, an exact route: the reachable excitation
sectors of the Liouvillian) and the closed forms of :mod:`qbtoolkit.analytic` are stored next to
it as ``*_exact`` variables and drawn as thin black dotted overlays.

Figures:

* ``fig2``: energetics. (a) E(t), (b) P = E/t for five Bloch angles; (c) E(t_E), P(t_P)/B and
  sigma_E(t_E) against theta (Eqs. 30-37, with Eq. 36 corrected).
* ``fig3``: thermodynamics. (a, b) energy, passive-state energy, ergotropy and the powers at
  theta = pi/2; (c, d) the same at theta = pi; (e) optimal times, (f) optimal values against
  theta with the approximations Eqs. 43 and 45.
* ``fig4``: mechanisms. (a, b) ergotropy, capacity, inversion and coherence at theta = pi/2, pi;
  (c) charger-battery concurrence for the five angles.
* ``sec8``: lossy charger (Sec. 8, no figure in the paper). (a) E(t) and (b) ergotropy(t) for
  several gamma/J at theta = pi; (c) t_E and t_P, (d) E(t_E) and P(t_P) against gamma/J, with the
  exact Eqs. 63-64 (and the exact root for t_P) and the first-order Eqs. 65-68.

The five Bloch angles {0, pi/4, pi/2, 3pi/4, pi} are an assumption (the paper names only the
green theta = 0 and red theta = pi curves; Fig. 4c says "five values"); so is the time window
``J t in [0, pi]``. ``omega_b = 1`` and ``J = 0.05``: in units of ``omega_b`` and ``J t`` the
curves are the same for every ``J``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from .. import analysis, analytic
from ..dynamics import evolve
from ..metrics import capacity, concurrence, energy, energy_variance, ergotropy, l1_coherence
from ..models import charger_battery
from ..plotting import label_panels, pi_ticks, reference_line, subplots
from . import register
from ._style import legend_right, styled

PAPER = "downing_ukhtary_2026"
OMEGA = 1.0
J = 0.05
METHOD = "auto"
THETAS = np.array([0.0, np.pi / 4, np.pi / 2, 3 * np.pi / 4, np.pi])
THETA_LABELS = ["0", r"\pi/4", r"\pi/2", r"3\pi/4", r"\pi"]
COLORS = ["tab:green", "tab:olive", "tab:orange", "tab:purple", "tab:red"]
EXACT = {"color": "k", "ls": ":", "lw": 1.0}
EXACT_HANDLE = Line2D([], [], **EXACT, label="closed form")


def _jt(quick: bool, stop: float = np.pi) -> np.ndarray:
    return np.linspace(0.0, stop, 121 if quick else 601)


def _trajectory(theta: float, Jt: np.ndarray, gamma_over_J: float = 0.0):
    model = charger_battery(omega=OMEGA, J=J, theta=theta, gamma=gamma_over_J * J)
    return evolve(model, Jt / J, method=METHOD)


def _battery_series(theta: float, Jt: np.ndarray, gamma_over_J: float = 0.0) -> dict:
    """Simulated battery quantities (energies in omega_b) along ``Jt``."""
    traj = _trajectory(theta, Jt, gamma_over_J)
    rb, Hb = traj.battery_states, traj.H_battery
    E = energy(rb, Hb) / OMEGA
    return {
        "E": E,
        "ergotropy": ergotropy(rb, Hb) / OMEGA,
        "capacity": capacity(rb, Hb) / OMEGA,
        "inversion": E - 0.5,
        "coherence": 0.5 * l1_coherence(rb),  # |<sigma_b>| = |rho_eg| = C_l1 / 2
        "concurrence": concurrence(traj.states),
        "variance": energy_variance(rb, Hb) / OMEGA**2,
    }


def _state_at(theta: float, Jt: float, gamma_over_J: float = 0.0):
    """Battery state exactly at ``Jt`` (propagated to the refined optimum, no interpolation)."""
    traj = _trajectory(theta, np.array([0.0, Jt]), gamma_over_J)
    return traj.battery_states[-1], traj.H_battery


def _optima(theta: float, Jt: np.ndarray, gamma_over_J: float = 0.0) -> dict:
    """Refined optima of E, P = E/t, ergotropy and ergotropic power (times in 1/J)."""
    s = _battery_series(theta, Jt, gamma_over_J)
    tE, EtE = analysis.peak(Jt, s["E"])
    tP, PtP = analysis.optimal_power(Jt, s["E"])
    tW, WtW = analysis.peak(Jt, s["ergotropy"])
    tPW, PWt = analysis.optimal_power(Jt, s["ergotropy"])
    rho, Hb = _state_at(theta, tE, gamma_over_J)
    return {
        "t_E": tE,
        "E_tE": EtE,
        "t_P": tP,
        "P_tP": PtP,
        "t_erg": tW,
        "erg_terg": WtW,
        "t_Perg": tPW,
        "Perg_tPerg": PWt,
        "sigma_E_tE": float(np.sqrt(max(energy_variance(rho, Hb), 0.0))) / OMEGA,
    }


def _stack(theta_values, Jt, fn) -> dict:
    rows = [fn(th, Jt) for th in theta_values]
    return {k: np.stack([r[k] for r in rows]) for k in rows[0]}


def _theta_scan(quick: bool) -> np.ndarray:
    # theta = 0 is excluded from simulated optima: every quantity vanishes identically there
    return np.linspace(0.0, np.pi, 9 if quick else 49)[1:]


def _powers(Jt: np.ndarray, series: np.ndarray) -> np.ndarray:
    """Average power ``X(t)/t`` of each row of ``series`` (units of omega_b J)."""
    return np.stack([analysis.average_power(Jt, x) for x in series])


def _attrs(figure: str, **extra) -> dict:
    """Dataset attributes common to every figure of this paper, followed by ``extra``."""
    return {"paper": PAPER, "figure": figure, "omega_b": OMEGA, "J": J, "method": METHOD,
            **extra}


def _mark(ax, x, text, *, color="0.4", ls="--", y=0.97, side="right"):
    """Annotated vertical line; ``side="left"`` writes the text to the left of the line."""
    if side == "right":
        reference_line(ax, x, text, color=color, ls=ls, y=y)
        return
    ax.axvline(x, color=color, ls=ls, lw=0.8)
    ax.annotate(text, xy=(x, y), xycoords=("data", "axes fraction"), xytext=(-3, 0),
                textcoords="offset points", ha="right", va="top", color=color,
                fontsize="small")


def _jt_axis(ax, stop: float = np.pi, denominator: int = 4):
    """``J t`` axis from 0 to ``stop`` with ticks in fractions of pi."""
    ax.set_xlim(0.0, stop)
    pi_ticks(ax, "x", denominator)
    ax.set_xlabel(r"time $Jt$")


def _theta_axis(ax):
    ax.set_xlim(0.0, np.pi)
    pi_ticks(ax, "x", 4)
    ax.set_xlabel(r"Bloch polar angle $\theta$")


def _optimum_curves(ax, x, sim, exact, approx, *, color, marker, ms, labels):
    """One optimum against ``x``: simulated (markers), exact closed form (line) and first-order
    approximation (dashed); ``labels`` = (simulated, exact, approximation)."""
    sim_label, exact_label, approx_label = labels
    ax.plot(x, exact, color=color, label=exact_label)
    ax.plot(x, approx, color=color, ls="--", lw=1, label=approx_label)
    ax.plot(x, sim, marker, color=color, ms=ms, mfc="none", label=sim_label)


# ---------------------------------------------------------------------------------------- fig 2


def fig2_compute(quick: bool = False) -> xr.Dataset:
    Jt = _jt(quick)
    sim = _stack(THETAS, Jt, _battery_series)
    P = _powers(Jt, sim["E"])
    scan = _theta_scan(quick)
    opt = _stack(scan, Jt, _optima)
    th2 = THETAS[:, None]
    ds = xr.Dataset(
        {
            "E": (("theta", "Jt"), sim["E"]),
            "E_exact": (("theta", "Jt"), analytic.energy(th2, Jt)),
            "P": (("theta", "Jt"), P),
            "P_exact": (("theta", "Jt"), analytic.power(th2, Jt)),
            "variance": (("theta", "Jt"), sim["variance"]),
            "variance_exact": (("theta", "Jt"), analytic.energy_variance(th2, Jt)),
            "variance_printed": (("theta", "Jt"), analytic.energy_variance_printed(th2, Jt)),
            "E_tE": ("theta_scan", opt["E_tE"]),
            "P_tP": ("theta_scan", opt["P_tP"]),
            "t_E": ("theta_scan", opt["t_E"]),
            "t_P": ("theta_scan", opt["t_P"]),
            "sigma_E_tE": ("theta_scan", opt["sigma_E_tE"]),
            "E_tE_exact": ("theta_scan", analytic.max_energy(scan)),
            "P_tP_exact": ("theta_scan", analytic.max_power(scan)),
            "sigma_E_tE_exact": ("theta_scan", analytic.energy_std_at_tE(scan)),
        },
        coords={"theta": THETAS, "Jt": Jt, "theta_scan": scan},
        attrs=_attrs(
            "fig2", A=analytic.A, B=analytic.B, energy_units="omega_b", power_units="omega_b J"
        ),
    )
    return ds


@styled
def fig2_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12, 3.9))
    Jt = ds.Jt.values
    curves = []
    for k, (lab, col) in enumerate(zip(THETA_LABELS, COLORS, strict=True)):
        note = r" ($E\equiv0$)" if k == 0 else ""
        curves += axes[0].plot(Jt, ds.E[k], color=col, label=rf"$\theta={lab}${note}")
        axes[0].plot(Jt, ds.E_exact[k], **EXACT)
        axes[1].plot(Jt[1:], ds.P[k, 1:], color=col)
        axes[1].plot(Jt[1:], ds.P_exact[k, 1:], **EXACT)
    axes[0].set(ylabel=r"stored energy $E/\omega_b$", ylim=(-0.02, 1.18))
    axes[1].set(ylabel=r"charging power $P/(\omega_b J)$", ylim=(-0.015, 0.86))
    for ax in axes[:2]:
        _jt_axis(ax)
    _mark(axes[0], np.pi / 2, r"$t_E=\pi/2J$")
    _mark(axes[1], analytic.A, rf"$t_P=A/J$, $A={analytic.A:.4f}$")
    th = ds.theta_scan.values
    ax = axes[2]
    fine = np.linspace(0, np.pi, 200)
    ax.plot(fine, analytic.max_energy(fine), color="tab:purple", lw=1.2,
            label=r"$\sin^2(\theta/2)$ (Eqs. 32, 35)")
    ax.plot(fine, analytic.energy_std_at_tE(fine), color="tab:green", lw=0.8,
            label=r"$\frac{1}{2}\sin\theta$ (Eq. 37)")
    ax.plot(fine, np.sqrt(analytic.energy_variance_printed(fine, np.pi / 2)), color="0.5",
            ls="--", lw=0.8, label=r"$\sigma_E(t_E)$ from Eq. 36 as printed")
    ax.plot(th, ds.E_tE, "o", color="tab:purple", ms=5, mfc="none", label=r"$E(t_E)/\omega_b$")
    ax.plot(th, ds.P_tP / analytic.B, "+", color="goldenrod", ms=6,
            label=r"$P(t_P)/(B\omega_bJ)$")
    ax.plot(th, ds.sigma_E_tE, "^", color="tab:green", ms=3, label=r"$\sigma_E(t_E)/\omega_b$")
    ax.set(ylabel=r"optimum (units of $\omega_b$; $P$: $B\omega_bJ$)", ylim=(-0.02, 1.05))
    _theta_axis(ax)
    legend_right(ax, title="markers: simulated\nlines: closed forms")
    fig.legend(handles=[*curves, EXACT_HANDLE], loc="outside lower center",
               ncol=6)
    label_panels(axes)
    fig.suptitle("Downing & Ukhtary (2026), Fig. 2: energetics (colour: simulation; black "
                 "dotted: Eqs. 30 and 33)")
    return fig


# ---------------------------------------------------------------------------------------- fig 3


def fig3_compute(quick: bool = False) -> xr.Dataset:
    Jt = _jt(quick)
    cols = np.array([np.pi / 2, np.pi])
    sim = _stack(cols, Jt, _battery_series)
    E, W = sim["E"], sim["ergotropy"]
    P, PW, PP = _powers(Jt, E), _powers(Jt, W), _powers(Jt, E - W)
    scan = _theta_scan(quick)
    opt = _stack(scan, Jt, _optima)
    t_ex, p_ex = analytic.ergotropic_power_optimum(scan)
    c2 = cols[:, None]
    return xr.Dataset(
        {
            "E": (("theta", "Jt"), E),
            "ergotropy": (("theta", "Jt"), W),
            "passive": (("theta", "Jt"), E - W),
            "P": (("theta", "Jt"), P),
            "P_erg": (("theta", "Jt"), PW),
            "P_passive": (("theta", "Jt"), PP),
            "E_exact": (("theta", "Jt"), analytic.energy(c2, Jt)),
            "ergotropy_exact": (("theta", "Jt"), analytic.ergotropy(c2, Jt)),
            "passive_exact": (("theta", "Jt"), analytic.passive_energy(c2, Jt)),
            "P_erg_exact": (("theta", "Jt"), analytic.ergotropic_power(c2, Jt)),
            **{k: ("theta_scan", v) for k, v in opt.items()},
            "t_Perg_exact": ("theta_scan", t_ex),
            "Perg_tPerg_exact": ("theta_scan", p_ex),
            "t_Perg_eq43": ("theta_scan", analytic.optimal_ergotropic_power_time_approx(scan)),
            "Perg_tPerg_eq45": ("theta_scan", analytic.max_ergotropic_power_approx(scan)),
        },
        coords={"theta": cols, "Jt": Jt, "theta_scan": scan},
        attrs=_attrs(
            "fig3",
            A=analytic.A,
            C=analytic.C,
            D=analytic.D,
            energy_units="omega_b",
            power_units="omega_b J",
            time_units="1/J",
        ),
    )


@styled
def fig3_plot(ds: xr.Dataset):
    fig, axes = subplots(2, 3, figsize=(12, 6.9))
    Jt = ds.Jt.values
    tops = {0: 0.62, 1: 1.24}
    bots = {0: 0.45, 1: 0.92}
    for col, lab in enumerate([r"$\theta=\pi/2$", r"$\theta=\pi$"]):
        top, bot = axes[0, col], axes[1, col]
        top.plot(Jt, ds.E[col], color="hotpink", lw=1)
        top.plot(Jt, ds.passive[col], color="c", lw=1)
        top.plot(Jt, ds.ergotropy[col], color="tab:red", lw=2.2)
        top.plot(Jt, ds.ergotropy_exact[col], **EXACT)
        _mark(top, np.pi / 2, r"$t_E=t_\mathcal{E}=\pi/2J$", color="tab:red")
        top.set(ylabel=r"energy$/\omega_b$", title=lab, ylim=(-0.02, tops[col]))
        bot.plot(Jt[1:], ds.P[col, 1:], color="hotpink", lw=1)
        bot.plot(Jt[1:], ds.P_passive[col, 1:], color="c", lw=1)
        bot.plot(Jt[1:], ds.P_erg[col, 1:], color="tab:red", lw=2.2)
        bot.plot(Jt[1:], ds.P_erg_exact[col, 1:], **EXACT)
        t_perg = float(analytic.ergotropic_power_optimum(float(ds.theta[col]))[0])
        _mark(bot, analytic.A, r"$t_P$", color="hotpink", ls="-", side="left")
        _mark(bot, t_perg, rf"$t_\mathcal{{P}}={t_perg:.3f}/J$", color="tab:red", ls="-")
        bot.set(ylabel=r"power$/(\omega_b J)$", ylim=(-0.01, bots[col]))
        for ax in (top, bot):
            _jt_axis(ax)
    handles = [
        Line2D([], [], color="hotpink", lw=1, label=r"energy $E$ (top), power $P=E/t$ (bottom)"),
        Line2D([], [], color="c", lw=1, label=r"passive-state energy $E-\mathcal{E}$, its power"),
        Line2D([], [], color="tab:red", lw=2.2,
               label=r"ergotropy $\mathcal{E}$, ergotropic power $\mathcal{P}=\mathcal{E}/t$"),
        Line2D([], [], **EXACT, label="Eq. 38 and Eq. 38 / t"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    th = ds.theta_scan.values
    fine = np.linspace(1e-3, np.pi, 200)
    t_fine, p_fine = analytic.ergotropic_power_optimum(fine)
    ax = axes[0, 2]
    ax.axhline(np.pi / 2, color="tab:purple", lw=1, label=r"$\pi/2$ (Eqs. 31, 40)")
    ax.axhline(analytic.A, color="hotpink", lw=1, label=r"$A$ (Eq. 34)")
    ax.plot(fine, t_fine, color="goldenrod", lw=2, label=r"exact $t_\mathcal{P}$")
    ax.plot(fine, analytic.optimal_ergotropic_power_time_approx(fine), color="tab:orange",
            ls="--", lw=1, label="Eq. 43")
    ax.plot(th, ds.t_E, "o", color="tab:purple", ms=5, mfc="none", label=r"$t_E$")
    ax.plot(th, ds.t_erg, "x", color="k", ms=4, label=r"$t_\mathcal{E}$ (= $t_E$)")
    ax.plot(th, ds.t_P, "s", color="hotpink", ms=3, label=r"$t_P$")
    ax.plot(th, ds.t_Perg, "D", color="goldenrod", ms=3, mfc="none", label=r"$t_\mathcal{P}$")
    ax.set(ylabel=r"optimal time $Jt$", ylim=(1.1, 1.62))
    _theta_axis(ax)
    legend_right(ax, title="markers: simulated\nlines: closed forms")
    ax = axes[1, 2]
    ax.plot(fine, analytic.max_energy(fine), color="tab:purple", lw=1,
            label=r"$\sin^2(\theta/2)$ (Eqs. 32, 41)")
    ax.plot(fine, analytic.max_power(fine), color="hotpink", lw=1,
            label=r"$B\sin^2(\theta/2)$ (Eq. 35)")
    ax.plot(fine, p_fine, color="goldenrod", lw=2, label=r"exact $\mathcal{P}(t_\mathcal{P})$")
    ax.plot(fine, analytic.max_ergotropic_power_approx(fine), color="tab:orange", ls="--",
            lw=1, label="Eq. 45")
    ax.plot(th, ds.E_tE, "o", color="tab:purple", ms=5, mfc="none", label=r"$E(t_E)$")
    ax.plot(th, ds.erg_terg, "x", color="k", ms=4,
            label=r"$\mathcal{E}(t_\mathcal{E})$ (= $E(t_E)$)")
    ax.plot(th, ds.P_tP, "s", color="hotpink", ms=3, label=r"$P(t_P)$")
    ax.plot(th, ds.Perg_tPerg, "D", color="goldenrod", ms=3, mfc="none",
            label=r"$\mathcal{P}(t_\mathcal{P})$")
    ax.set(ylabel=r"optimum ($E,\mathcal{E}$: $\omega_b$; $P,\mathcal{P}$: $\omega_bJ$)",
           ylim=(-0.02, 1.05))
    _theta_axis(ax)
    legend_right(ax, title="markers: simulated\nlines: closed forms")
    label_panels(axes.T)  # (a, b) first column, (c, d) second, (e, f) third, as in the paper
    fig.suptitle("Downing & Ukhtary (2026), Fig. 3: thermodynamics (colour: simulation; black "
                 "dotted: Eq. 38)")
    return fig


# ---------------------------------------------------------------------------------------- fig 4


def fig4_compute(quick: bool = False) -> xr.Dataset:
    Jt = _jt(quick)
    sim = _stack(THETAS, Jt, _battery_series)
    th2 = THETAS[:, None]
    data = {
        k: (("theta", "Jt"), sim[k])
        for k in ("ergotropy", "capacity", "inversion", "coherence", "concurrence")
    }
    data.update(
        ergotropy_exact=(("theta", "Jt"), analytic.ergotropy(th2, Jt)),
        capacity_exact=(("theta", "Jt"), analytic.capacity(th2, Jt)),
        inversion_exact=(("theta", "Jt"), analytic.inversion(th2, Jt)),
        coherence_exact=(("theta", "Jt"), analytic.coherence(th2, Jt)),
        concurrence_exact=(("theta", "Jt"), analytic.concurrence(th2, Jt)),
    )
    return xr.Dataset(
        data,
        coords={"theta": THETAS, "Jt": Jt},
        attrs=_attrs("fig4"),
    )


@styled
def fig4_plot(ds: xr.Dataset):
    fig, axes = subplots(1, 3, figsize=(12, 3.9))
    Jt = ds.Jt.values
    for ax, k, lab in ((axes[0], 2, r"$\theta=\pi/2$"), (axes[1], 4, r"$\theta=\pi$")):
        ax.axhline(0, color="0.7", lw=0.5)
        ax.plot(Jt, ds.ergotropy[k], color="tab:red", lw=2.2)
        ax.plot(Jt, ds.capacity[k], color="c", ls="--", lw=1.5)
        ax.plot(Jt, ds.inversion[k], color="tab:green")
        ax.plot(Jt, ds.coherence[k], color="goldenrod")
        for v in ("ergotropy", "capacity", "inversion", "coherence"):
            ax.plot(Jt, ds[f"{v}_exact"][k], **EXACT)
        ax.set(ylabel=r"$\mathcal{E}/\omega_b$, $\mathcal{K}/\omega_b$, $\mathcal{I}$, "
                      r"$\mathcal{C}$ (dimensionless)", title=lab, ylim=(-0.55, 1.3))
        _jt_axis(ax)
    _mark(axes[0], np.pi / 2, r"$\mathcal{I}=0$: $\mathcal{E}=\omega_b\mathcal{C}$", color="0.3",
          side="left")
    axes[1].annotate(r"$\mathcal{C}\equiv0$", xy=(0.35, 0.0), xytext=(0.25, 0.25),
                     color="goldenrod", arrowprops={"arrowstyle": "->", "color": "goldenrod"})
    axes[1].annotate(r"$\mathcal{E}=\mathcal{K}$ where $\mathcal{I}>0$", xy=(1.2, 0.82),
                     xytext=(1.75, 1.12), fontsize="small", color="tab:red",
                     arrowprops={"arrowstyle": "->", "color": "tab:red"})
    handles = [
        Line2D([], [], color="tab:red", lw=2.2, label=r"ergotropy $\mathcal{E}$"),
        Line2D([], [], color="c", ls="--", lw=1.5, label=r"capacity $\mathcal{K}$"),
        Line2D([], [], color="tab:green", label=r"inversion $\mathcal{I}=n_b-\frac{1}{2}$"),
        Line2D([], [], color="goldenrod",
               label=r"coherence $\mathcal{C}=|\langle\sigma_b\rangle|$"),
        Line2D([], [], **EXACT, label="Eqs. 38, 55-57"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=5)
    ax = axes[2]
    for k, (lab, col) in enumerate(zip(THETA_LABELS, COLORS, strict=True)):
        note = r" ($\equiv0$)" if k == 0 else ""
        ax.plot(Jt, ds.concurrence[k], color=col, label=rf"$\theta={lab}${note}")
        ax.plot(Jt, ds.concurrence_exact[k], **EXACT)
    ax.plot([], [], **EXACT, label="Eq. 59")
    ax.set(ylabel=r"concurrence $C$", ylim=(-0.02, 1.2))
    _jt_axis(ax)
    _mark(ax, np.pi / 4, r"Bell state at $\theta=\pi$", y=0.97, side="left")
    _mark(ax, np.pi / 2, r"$t_E$: product state", y=0.89)
    legend_right(ax)
    label_panels(axes)
    fig.suptitle("Downing & Ukhtary (2026), Fig. 4: where ergotropy and capacity come from "
                 "(colour: simulation; black dotted: closed forms)")
    return fig


# ---------------------------------------------------------------------------------------- Sec. 8

SEC8_GAMMAS = np.array([0.0, 0.1, 0.2, 0.5, 1.0])
SEC8_COLORS = ["k", "tab:blue", "tab:green", "tab:orange", "tab:red"]


def sec8_compute(quick: bool = False) -> xr.Dataset:
    Jt = _jt(quick, stop=2 * np.pi)
    theta = np.pi
    sim = [_battery_series(theta, Jt, g) for g in SEC8_GAMMAS]
    g_scan = np.linspace(0.0, 1.0, 6 if quick else 21)
    Jt_opt = np.linspace(0.0, 2.0, 161 if quick else 801)
    opt = [_optima(theta, Jt_opt, g) for g in g_scan]
    tP_ex, PtP_ex = analytic.damped_power_optimum(theta, 1.0, g_scan)
    t = Jt  # J = 1 in the closed forms, so t is J t
    gm = SEC8_GAMMAS[:, None]
    return xr.Dataset(
        {
            "E": (("gamma", "Jt"), np.stack([s["E"] for s in sim])),
            "ergotropy": (("gamma", "Jt"), np.stack([s["ergotropy"] for s in sim])),
            "capacity": (("gamma", "Jt"), np.stack([s["capacity"] for s in sim])),
            "E_exact": (("gamma", "Jt"), analytic.damped_energy(theta, t, 1.0, gm)),
            "ergotropy_exact": (("gamma", "Jt"), analytic.damped_ergotropy(theta, t, 1.0, gm)),
            "capacity_exact": (("gamma", "Jt"), analytic.damped_capacity(theta, t, 1.0, gm)),
            "t_E_curves": ("gamma", analytic.damped_optimal_energy_time(1.0, SEC8_GAMMAS)),
            "E_tE_curves": ("gamma", analytic.damped_max_energy(theta, 1.0, SEC8_GAMMAS)),
            "t_E": ("gamma_scan", [o["t_E"] for o in opt]),
            "E_tE": ("gamma_scan", [o["E_tE"] for o in opt]),
            "t_P": ("gamma_scan", [o["t_P"] for o in opt]),
            "P_tP": ("gamma_scan", [o["P_tP"] for o in opt]),
            "t_E_exact": ("gamma_scan", analytic.damped_optimal_energy_time(1.0, g_scan)),
            "E_tE_exact": ("gamma_scan", analytic.damped_max_energy(theta, 1.0, g_scan)),
            "t_P_exact": ("gamma_scan", tP_ex),
            "P_tP_exact": ("gamma_scan", PtP_ex),
            "t_E_eq65": ("gamma_scan", analytic.damped_optimal_energy_time_approx(1.0, g_scan)),
            "E_tE_eq66": ("gamma_scan", analytic.damped_max_energy_approx(theta, 1.0, g_scan)),
            "t_P_eq67": ("gamma_scan", analytic.damped_optimal_power_time_approx(1.0, g_scan)),
            "P_tP_eq68": ("gamma_scan", analytic.damped_max_power_approx(theta, 1.0, g_scan)),
        },
        coords={"gamma": SEC8_GAMMAS, "Jt": Jt, "gamma_scan": g_scan},
        attrs=_attrs("sec8", theta=theta, gamma_units="J (gamma/J)", time_units="1/J"),
    )


@styled
def sec8_plot(ds: xr.Dataset):
    fig, axes = subplots(2, 2, figsize=(10.5, 6.6))
    Jt = ds.Jt.values
    curves = []
    for k, g in enumerate(ds.gamma.values):
        col = SEC8_COLORS[k]
        curves += axes[0, 0].plot(Jt, ds.E[k], color=col, label=rf"$\gamma/J={g:g}$")
        axes[0, 0].plot(Jt, ds.E_exact[k], **EXACT)
        axes[0, 0].plot(float(ds.t_E_curves[k]), float(ds.E_tE_curves[k]), "v", color=col, ms=5)
        axes[0, 1].plot(Jt, ds.ergotropy[k], color=col)
        axes[0, 1].plot(Jt, ds.ergotropy_exact[k], **EXACT)
    axes[0, 0].set(ylabel=r"stored energy $E/\omega_b$", ylim=(-0.02, 1.1))
    axes[0, 1].set(ylabel=r"ergotropy $\mathcal{E}/\omega_b$", ylim=(-0.02, 1.1))
    for ax in axes[0]:
        _jt_axis(ax, 2 * np.pi, 2)
    handles = [*curves,
               Line2D([], [], **EXACT, label="Eqs. 62, 69"),
               Line2D([], [], ls="", marker="v", color="0.3",
                      label=r"$t_E$, $E(t_E)$ (Eqs. 63-64)")]
    legend_right(axes[0, 1], handles=handles, title=r"charger loss, $\theta=\pi$")
    g = ds.gamma_scan.values
    ax = axes[1, 0]
    _optimum_curves(ax, g, ds.t_E, ds.t_E_exact, ds.t_E_eq65, color="tab:purple", marker="o",
                    ms=5, labels=(r"$Jt_E$ simulated", "Eq. 63", "Eq. 65 (first order)"))
    _optimum_curves(ax, g, ds.t_P, ds.t_P_exact, ds.t_P_eq67, color="hotpink", marker="s",
                    ms=4, labels=(r"$Jt_P$ simulated", "exact root", "Eq. 67 (first order)"))
    ax.set(xlabel=r"charger loss rate $\gamma/J$", ylabel=r"optimal time $Jt$",
           ylim=(0.8, 1.65), xlim=(-0.03, 1.03))
    legend_right(ax)
    ax = axes[1, 1]
    _optimum_curves(ax, g, ds.E_tE, ds.E_tE_exact, ds.E_tE_eq66, color="tab:purple", marker="o",
                    ms=5, labels=(r"$E(t_E)/\omega_b$ simulated", "Eq. 64",
                                  "Eq. 66 (first order)"))
    _optimum_curves(ax, g, ds.P_tP, ds.P_tP_exact, ds.P_tP_eq68, color="hotpink", marker="s",
                    ms=4, labels=(r"$P(t_P)/(\omega_bJ)$ simulated", "exact",
                                  "Eq. 68 (first order)"))
    ax.set(xlabel=r"charger loss rate $\gamma/J$",
           ylabel=r"$E(t_E)/\omega_b$, $P(t_P)/(\omega_b J)$", ylim=(0.2, 1.05), xlim=(-0.03, 1.03))
    legend_right(ax)
    label_panels(axes)
    fig.suptitle(r"Downing & Ukhtary (2026), Sec. 8: a lossy charger, $\theta=\pi$ "
                 "(colour: simulation; black dotted: Eqs. 62 and 69)")
    return fig


register(
    paper=PAPER,
    name="fig2",
    title="Energetics: E(t), P(t), optima vs theta (Eqs. 30-37)",
    compute=fig2_compute,
    plot=fig2_plot,
)
register(
    paper=PAPER,
    name="fig3",
    title="Thermodynamics: ergotropy, ergotropic power, optimal times (Eqs. 38-45)",
    compute=fig3_compute,
    plot=fig3_plot,
)
register(
    paper=PAPER,
    name="fig4",
    title="Mechanisms: inversion, coherence, capacity, concurrence (Eqs. 50-59)",
    compute=fig4_compute,
    plot=fig4_plot,
)
register(
    paper=PAPER,
    name="sec8",
    title="Lossy charger: E, ergotropy vs t and optima vs gamma/J (Eqs. 60-70)",
    compute=sec8_compute,
    plot=sec8_plot,
)
