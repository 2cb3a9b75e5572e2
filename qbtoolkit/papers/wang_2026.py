"""Figure recipes: Wang, Huang & Zhang (2026), battery capacity vs quantum resources
(arXiv:2605.11399).

**Reconstructed model.** Only a news summary of the paper is available. The Hamiltonian,
initial state (charger full, battery empty), parameter values and the figures below are the
reconstruction of SPEC.md section 003 [reconstructed/assumed]; nothing here is checked
against the paper's own plots. Model: :func:`qbtoolkit.models.xxz_charger_battery`; every
curve is simulated (exact propagation) and the parameter-free closed forms of SPEC 003 are
drawn as black dotted overlays:

``K_b / 2 omega_b = sqrt(1 - C^2)``, ``F3 = sqrt(1 + 2 C^2)``, ``B = 2 sqrt(1 + C^2)``,
``T_tr(rho_b) = sqrt(1 + (K_b / 2 omega_b)^2) / 2``.

Figures:

* ``resources``: (a) on resonance (omega_b = omega_c = 1, J1 = 0.3, J2 = 0.2) capacity,
  concurrence, steering, Bell value, l1 coherence, imaginarity, battery texture and residual
  capacity against J1 t; (b-d) capacity against concurrence / F3 / B and texture for four
  parameter sets (J1, J2, detuning), all on one curve; (e) capacity against imaginarity
  (detuning loops, SPEC 003 "F3").
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import ops
from .._linalg import ptrace
from ..dynamics import evolve
from ..metrics import capacity, concurrence, energy, imaginarity, l1_coherence
from ..metrics.nonlocality import bell_chsh, steering
from ..metrics.texture import state_texture
from ..models import xxz_charger_battery
from ..plotting import label_panels, subplots
from . import register

PAPER = "wang_2026"
# (omega_b, omega_c, J1, J2): resonant reference first, then J1/J2/detuning variations
CASES = [
    (1.0, 1.0, 0.3, 0.2),
    (1.0, 1.0, 0.7, -1.1),
    (1.2, 1.0, 0.3, 0.5),
    (1.6, 1.0, 0.3, 0.0),
]
CASE_LABELS = [
    r"$J_1=0.3,\ J_2=0.2,\ \Delta=0$",
    r"$J_1=0.7,\ J_2=-1.1,\ \Delta=0$",
    r"$J_1=0.3,\ J_2=0.5,\ \Delta=0.2$",
    r"$J_1=0.3,\ J_2=0,\ \Delta=0.6$",
]
COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
EXACT = {"color": "k", "ls": ":", "lw": 1.2}


def _series(omega_b: float, omega_c: float, J1: float, J2: float, tau: np.ndarray) -> dict:
    """All resources along the charging dynamics, at times ``t = tau / J1``."""
    model = xxz_charger_battery(omega_b, omega_c, J1, J2)
    traj = evolve(model, tau / J1, method="expm")
    rho, rho_b = traj.states, traj.battery_states
    rho_c = ptrace(rho, 0, model.dims)
    H_free = omega_b * ops.embed(ops.sigma_z(), 1, 2) + omega_c * ops.embed(ops.sigma_z(), 0, 2)
    K_b = capacity(rho_b, model.H_battery)
    return {
        "K": K_b / (2 * omega_b),
        "E_b": energy(rho_b, model.H_battery),
        "C": concurrence(rho),
        "F3": steering(rho),
        "B": bell_chsh(rho),
        "l1": l1_coherence(rho),
        "imag": imaginarity(rho),
        "T_b": state_texture(rho_b),
        "T_full": state_texture(rho),
        "RBC": capacity(rho, H_free) - K_b - capacity(rho_c, omega_c * ops.sigma_z()),
    }


def resources_compute(quick: bool = False) -> xr.Dataset:
    """Resources and capacity for the four parameter sets of ``CASES`` (J1 t in [0, 2 pi])."""
    tau = np.linspace(0.0, 2 * np.pi, 161 if quick else 801)
    rows = [_series(*c, tau) for c in CASES]
    data = {k: (("case", "J1t"), np.stack([r[k] for r in rows])) for k in rows[0]}
    ds = xr.Dataset(data, coords={"case": np.arange(len(CASES)), "J1t": tau})
    for name, i in (("omega_b", 0), ("omega_c", 1), ("J1", 2), ("J2", 3)):
        ds.coords[name] = ("case", [c[i] for c in CASES])
    C = ds["C"]
    dev = [
        np.abs(ds["K"] - np.sqrt(np.clip(1 - C**2, 0, None))),
        np.abs(ds["F3"] - np.sqrt(1 + 2 * C**2)),
        np.abs(ds["B"] - 2 * np.sqrt(1 + C**2)),
        np.abs(ds["T_b"] - np.sqrt(1 + ds["K"] ** 2) / 2),
    ]
    ds["max_dev_curves"] = max(float(d.max()) for d in dev)
    ds.attrs.update(
        paper="Wang, Huang & Zhang (2026), arXiv:2605.11399 (summary only)",
        model="xxz_charger_battery; reconstructed per SPEC.md section 003",
        K="battery capacity / (2 omega_b)",
        T_b="trace-distance texture of the battery state (Wang, Liu & Zhang, arXiv:2504.18166)",
        RBC="residual capacity K(rho; H_b + H_c) - K(rho_b) - K(rho_c), energy units",
    )
    return ds


def resources_plot(ds: xr.Dataset):
    fig, axes = subplots(2, 3, figsize=(13.0, 7.0))
    ax = axes[0, 0]
    r = ds.isel(case=0)
    x = ds["J1t"]
    for key, lab in (("K", r"$K_b/2\omega_b$"), ("C", "$C$"), ("F3", "$F_3$"), ("B", "$B$"),
                     ("l1", r"$C_{l_1}$"), ("imag", "$I$"), ("T_b", r"$T_{tr}(\rho_b)$"),
                     ("RBC", "RBC")):
        ax.plot(x, r[key], label=lab)
    ax.axhline(1.0, color="0.6", lw=0.6)
    ax.axhline(2.0, color="0.6", lw=0.6)
    ax.set_xlabel(r"$J_1 t$")
    ax.set_title("resonance, $J_1=0.3$, $J_2=0.2$")
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    c = np.linspace(0, 1, 201)
    panels = [
        (axes[0, 1], "C", "concurrence $C$", np.sqrt(1 - c**2), c),
        (axes[0, 2], "F3", "steering $F_3$", np.sqrt(1 - c**2), np.sqrt(1 + 2 * c**2)),
        (axes[1, 0], "B", "Bell value $B$", np.sqrt(1 - c**2), 2 * np.sqrt(1 + c**2)),
    ]
    for ax, key, xlabel, ky, xx in panels:
        for i in ds["case"].values:
            ax.plot(ds[key].isel(case=i), ds["K"].isel(case=i), ".", ms=2.5, color=COLORS[i],
                    label=CASE_LABELS[i])
        ax.plot(xx, ky, **EXACT, label="SPEC 003 closed form")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(r"$K_b/2\omega_b$")
    axes[0, 1].legend(fontsize=7, loc="lower left")
    ax = axes[1, 1]
    k = np.linspace(0, 1, 201)
    for i in ds["case"].values:
        ax.plot(ds["T_b"].isel(case=i), ds["K"].isel(case=i), ".", ms=2.5, color=COLORS[i])
    ax.plot(np.sqrt(1 + k**2) / 2, k, **EXACT)
    ax.set_xlabel(r"texture $T_{tr}(\rho_b)$")
    ax.set_ylabel(r"$K_b/2\omega_b$")
    ax = axes[1, 2]
    for i in ds["case"].values:
        ax.plot(ds["imag"].isel(case=i), ds["K"].isel(case=i), lw=1.0, color=COLORS[i])
    ax.set_xlabel("imaginarity $I$")
    ax.set_ylabel(r"$K_b/2\omega_b$")
    ax.set_title("detuning opens loops: $I=0$ is not peak $K$", fontsize=8)
    label_panels(axes)
    fig.suptitle("Wang et al. (2026), reconstructed model (SPEC 003): capacity vs resources",
                 fontsize=10)
    return fig


register(paper=PAPER, name="resources",
         title="Capacity vs concurrence, steering, Bell, coherence, imaginarity, texture",
         compute=resources_compute, plot=resources_plot)
