"""What the thermal routines need to know about a model, derived once and recorded on it.

:class:`ThermalStructure` holds the system Hamiltonian, its eigenbasis, and for every bath the
Bohr transitions of its coupling in the master equation's working basis (H's eigenbasis for
the global master equation, the local Hamiltonian's for the local one). Builders store it in
``model.params["thermal"]``; the fast steady states, heat currents and entropy production
read it from there and never re-derive it. Rates are evaluated from it at the model's
temperatures or on any grid of temperatures and couplings.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import qutip

from .._validate import check_choice, check_finite
from .baths import Bath
from .bohr import Eigenbasis, Transitions
from .spectral import transition_rates

__all__ = ["ThermalStructure", "structure_of", "jump_operators"]

MASTER_EQUATIONS = ("global", "local")


@dataclasses.dataclass(frozen=True, repr=False)
class ThermalStructure:
    """The thermal master equation of a system, in the form the fast routines use.

    Parameters
    ----------
    master_equation : {"global", "local"}
        Global: Davies (secular) generator from the Bohr decomposition in ``H``'s eigenbasis.
        Local: each bath's dissipator from its local Hamiltonian (see
        :func:`qbtoolkit.thermo.local_structure`).
    H : ndarray, shape (d, d)
        System Hamiltonian (computational basis, energy units).
    dims : tuple of int
        Subsystem dimensions.
    eigenbasis : Eigenbasis
        Eigenbasis of ``H`` (the global working basis).
    baths : tuple of Bath
        The baths, in the order given (their temperatures and couplings are the model's).
    bases : tuple of Eigenbasis
        Working basis of each bath's transitions (``eigenbasis`` for the global equation).
    transitions : tuple of Transitions
        Bohr transitions of each bath's coupling in its working basis.
    jvals : tuple of ndarray
        ``J(|omega_t|)`` of each transition (0 at zero frequency), energy units.
    c_ops : tuple of Qobj
        The collapse operators a builder made from this structure at the baths' temperatures
        (the fast routes apply to a model only while its ``c_ops`` are exactly these).
    """

    master_equation: str
    H: np.ndarray
    dims: tuple[int, ...]
    eigenbasis: Eigenbasis
    baths: tuple[Bath, ...]
    bases: tuple[Eigenbasis, ...]
    transitions: tuple[Transitions, ...]
    jvals: tuple[np.ndarray, ...]
    c_ops: tuple[qutip.Qobj, ...] = ()

    def __post_init__(self) -> None:
        check_choice(self.master_equation, "master_equation", MASTER_EQUATIONS)

    @property
    def d(self) -> int:
        """Hilbert-space dimension."""
        return int(self.H.shape[0])

    @property
    def n_baths(self) -> int:
        """Number of baths."""
        return len(self.baths)

    @property
    def temperatures(self) -> np.ndarray:
        """Bath temperatures, shape (n_baths,)."""
        return np.array([b.T for b in self.baths], dtype=float)

    @property
    def kappas(self) -> np.ndarray:
        """Bath coupling strengths, shape (n_baths,)."""
        return np.array([b.kappa for b in self.baths], dtype=float)

    @property
    def names(self) -> tuple[str, ...]:
        """Bath labels (``bath.name`` or ``"bath<k>"``)."""
        return tuple(b.name or f"bath{k}" for k, b in enumerate(self.baths))

    def grid(self, temperatures: Any = None, kappas: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Validated, broadcast grids ``(T, kappa)`` of shape ``(..., n_baths)``.

        Parameters
        ----------
        temperatures : array_like, shape (..., n_baths), optional
            Bath temperatures (>= 0); default the baths' own.
        kappas : array_like, shape (..., n_baths), optional
            Bath couplings (> 0); default the baths' own.

        Returns
        -------
        T : ndarray, shape (..., n_baths)
            Temperatures (energy units).
        kappa : ndarray, shape (..., n_baths)
            Couplings, broadcast against ``T``.

        Raises
        ------
        ValueError
            Grids whose last axis is not ``n_baths``, or with negative/non-finite temperatures or
            non-positive couplings.
        """
        T = self.temperatures if temperatures is None else _grid(
            temperatures, self.n_baths, "temperatures", positive=False)
        K = self.kappas if kappas is None else _grid(kappas, self.n_baths, "kappas",
                                                     positive=True)
        T, K = np.broadcast_arrays(T, K)
        return T, K

    def rates(self, temperatures: Any = None, kappas: Any = None) -> list[np.ndarray]:
        """Rates of every transition of every bath on a grid.

        Parameters
        ----------
        temperatures, kappas : array_like, shape (..., n_baths), optional
            Bath temperatures (>= 0) and couplings (> 0); default the baths' own.

        Returns
        -------
        list of ndarray
            One array per bath, shape ``(..., n_transitions)`` (rates, 1/time).
        """
        T, K = self.grid(temperatures, kappas)
        out = []
        for k, (bath, tr, jv) in enumerate(zip(self.baths, self.transitions, self.jvals,
                                               strict=True)):
            slope = bath.slope if bath.slope is not None else 0.0
            out.append(transition_rates(tr.kind, jv, tr.freq, T[..., k, None], K[..., k, None],
                                        slope))
        return out

    def __repr__(self) -> str:
        n_t = sum(t.n for t in self.transitions)
        return (f"ThermalStructure({self.master_equation}, dims={list(self.dims)}, "
                f"{self.n_baths} baths, {n_t} transitions)")


def _grid(values: Any, n: int, name: str, positive: bool) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real array of shape (..., {n}), got "
                         f"{values!r}") from None
    if arr.dtype == object or arr.ndim < 1 or arr.shape[-1] != n:
        raise ValueError(f"{name} must have shape (..., {n}) (one value per bath along the "
                         f"last axis), got shape {arr.shape}")
    check_finite(arr, name)
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got minimum {arr.min():g}")
    if not positive and np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got minimum {arr.min():g}")
    return arr


def structure_of(model: Any, master_equation: str | None = None) -> ThermalStructure:
    """The :class:`ThermalStructure` a model was built from, or a structure itself.

    Parameters
    ----------
    model : BatteryModel or ThermalStructure
        A model from :func:`qbtoolkit.models.thermal_model` / ``thermal_network``.
    master_equation : {"global", "local"}, optional
        Require this kind.

    Returns
    -------
    ThermalStructure
        The model's recorded structure (``params["thermal"]``), or ``model`` itself.

    Raises
    ------
    ValueError
        The model carries no thermal structure, or it no longer matches the model (``H``,
        ``c_ops`` or ``superoperator`` changed since it was built), or is of the wrong kind.
    """
    if isinstance(model, ThermalStructure):
        s = model
    else:
        s = matching_structure(model)
        if s is None:
            raise ValueError(
                "model must come from qbtoolkit.models.thermal_model or thermal_network, "
                "unchanged since it was built (its H, c_ops and superoperator are those of "
                "its recorded thermal structure)")
    if master_equation is not None and s.master_equation != master_equation:
        raise ValueError(f"this needs a {master_equation} master equation; the model has a "
                         f"{s.master_equation} one")
    return s


def matching_structure(model: Any) -> ThermalStructure | None:
    """The model's recorded structure if it still describes the model, else None."""
    params = getattr(model, "params", None)
    s = params.get("thermal") if isinstance(params, dict) else None
    if not isinstance(s, ThermalStructure):
        return None
    if getattr(model, "superoperator", None) is not None:
        return None
    c_ops = tuple(getattr(model, "c_ops", ()))
    if len(c_ops) != len(s.c_ops) or any(a is not b for a, b in zip(c_ops, s.c_ops,
                                                                       strict=True)):
        return None
    H = getattr(model, "H", None)
    if not isinstance(H, qutip.Qobj) or list(H.dims[0]) != list(s.dims):
        return None
    Hf = H.full()
    if not (np.array_equal(Hf, s.H) or np.array_equal((Hf + Hf.conj().T) / 2, s.H)):
        return None
    return s


def jump_operators(structure: ThermalStructure, temperatures: Any = None, kappas: Any = None,
                   ) -> list[tuple[int, float, np.ndarray]]:
    r"""The jump operators of every bath at one temperature set, in the working bases.

    Parameters
    ----------
    structure : ThermalStructure
        The thermal structure (:func:`structure_of` of a model).
    temperatures : array_like, shape (n_baths,), optional
        Bath temperatures (>= 0), one set; default the baths' own.
    kappas : array_like, shape (n_baths,), optional
        Bath couplings (> 0); default the baths' own.

    Returns
    -------
    list of (bath index, Bohr frequency, sparse data)
        For each bath, groups in increasing ``|nu|`` (emission before absorption), the data
        ``(rows, cols, values)`` of :math:`L_g = \sum_t \sqrt{\gamma_t}\,\mathrm{amp}_t
        |dst_t\rangle\langle src_t|` in that bath's working basis; groups whose rates all
        vanish are omitted.

    Raises
    ------
    ValueError
        Invalid temperatures or couplings, or a grid of them (one set only).
    """
    T, K = structure.grid(temperatures, kappas)
    if T.ndim != 1:
        raise ValueError("jump_operators takes one temperature per bath, not a grid")
    out = []
    for k, (tr, g) in enumerate(zip(structure.transitions,
                                    structure.rates(T, K), strict=True)):
        s = np.sqrt(g)
        bounds = np.r_[0, np.cumsum(np.bincount(tr.group, minlength=tr.nu.size))]
        for grp in range(tr.nu.size):
            sel = slice(bounds[grp], bounds[grp + 1])  # transitions are sorted by group
            vals = s[sel] * tr.amp[sel]
            if not np.any(vals):
                continue
            out.append((k, float(tr.nu[grp]), (tr.dst[sel], tr.src[sel], vals)))
    return out
