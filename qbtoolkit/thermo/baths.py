"""A thermal bath: what it couples to, its temperature and its spectral density."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import qutip

from .._validate import (
    as_hamiltonian,
    check_positive,
    check_rate,
    check_subsystems,
    check_temperature,
)

__all__ = ["Bath"]


def check_hermitian(op: qutip.Qobj, name: str) -> None:
    """Finite and Hermitian relative to its largest entry (the dense check; bath operators are
    small or used densely anyway)."""
    as_hamiltonian(op.full(), name)


@dataclasses.dataclass(frozen=True, repr=False)
class Bath:
    r"""A bosonic bath in thermal equilibrium, coupled to the system through ``op``.

    The interaction is :math:`A\otimes B` with :math:`A` = ``op`` (Hermitian) and :math:`B` a
    bath operator; only the bath's temperature and spectral density enter the (Born-Markov)
    master equations built from it (:mod:`qbtoolkit.thermo.spectral` gives the rates).

    Parameters
    ----------
    op : Qobj
        Hermitian system coupling operator, either on the whole system (the dims of ``H``) or,
        with ``subsystems``, on those subsystems only (it is then embedded with identities).
    T : float
        Temperature (energy units, k_B = 1), ``>= 0``; ``T = 0`` is the vacuum.
    spectral_density : callable, optional
        ``J(omega) -> float >= 0`` for ``omega > 0`` (energy units; the golden-rule
        :math:`2\pi` included). Default: Ohmic :math:`J = \omega e^{-\omega/\omega_c}`.
    kappa : float, default 1.0
        Dimensionless coupling strength (> 0); every rate of this bath is proportional to it.
    cutoff : float, optional
        Cutoff :math:`\omega_c > 0` of the default Ohmic density (None: no cutoff). Refused
        together with a custom ``spectral_density``.
    J_zero_slope : float, optional
        :math:`\lim_{\omega\to 0^+} J(\omega)/\omega \ge 0`, which sets the rate
        :math:`\gamma(0) = \kappa T\,\cdot` ``J_zero_slope`` of the zero-frequency
        (dephasing) part of ``op`` -- its matrix elements inside each eigenspace of the
        reference Hamiltonian. Default 1 for the Ohmic density; with a custom
        ``spectral_density`` it must be given whenever ``op`` has such elements. ``0`` means no
        zero-frequency channel (master equations that sum over :math:`\omega > 0` only).
    subsystems : sequence of int, optional
        The subsystems the bath touches (tensor order of ``H``): ``op`` may then be given on
        those subsystems only, and the local master equation uses them.
    H_local : Qobj, optional
        The local Hamiltonian of ``subsystems`` (on their space) that defines the local master
        equation's Bohr frequencies. Default there: the partial-trace projection
        :math:`\mathrm{Tr}_{\bar S} H / d_{\bar S}`, the bare Hamiltonian of the subsystems
        when the interactions are traceless on each side (XX, XXZ, ZZ couplings of qubits).
        Unused (and refused) by the global master equation.
    name : str, default ""
        Label used in results (default ``"bath<k>"`` by position).

    Raises
    ------
    ValueError
        Non-Hermitian or non-Qobj ``op``; negative or non-finite ``T``, ``kappa <= 0``,
        non-callable ``spectral_density``, ``cutoff <= 0`` or combined with a custom density,
        negative ``J_zero_slope``, invalid ``subsystems``, ``H_local`` without ``subsystems``.

    Examples
    --------
    >>> import qbtoolkit as qb
    >>> from qbtoolkit.thermo import Bath
    >>> bath = Bath(qb.ops.sigma_x(), T=0.5)             # Ohmic, kappa = 1
    >>> bath
    Bath('unnamed', T=0.5, kappa=1, J=ohmic, op dims [2])
    >>> bath.replace(T=1.0).T
    1.0
    >>> Bath(qb.ops.sigma_x(), T=-1.0)
    Traceback (most recent call last):
        ...
    ValueError: T is a temperature and must be >= 0, got -1.0

    The global master equation of a qubit with this bath relaxes to the Gibbs state
    (:func:`qbtoolkit.models.thermal_model`).
    """

    op: qutip.Qobj
    T: float
    spectral_density: Callable[[float], float] | None = None
    kappa: float = 1.0
    cutoff: float | None = None
    J_zero_slope: float | None = None
    subsystems: Sequence[int] | None = None
    H_local: qutip.Qobj | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.op, qutip.Qobj) or not self.op.isoper:
            raise ValueError(f"op must be a qutip.Qobj operator, got {type(self.op).__name__}")
        check_hermitian(self.op, "op")
        if not np.any(self.op.full()):
            raise ValueError("op is zero: the bath would not couple to the system")
        object.__setattr__(self, "T", check_temperature(self.T, "T"))
        object.__setattr__(self, "kappa", check_positive(self.kappa, "kappa"))
        J = self.spectral_density
        if J is not None and not callable(J):
            raise ValueError("spectral_density must be a callable J(omega) or None (Ohmic)")
        if self.cutoff is not None:
            if J is not None:
                raise ValueError("cutoff applies to the default Ohmic spectral density; give "
                                 "a custom spectral_density its own cutoff instead")
            object.__setattr__(self, "cutoff", check_positive(self.cutoff, "cutoff"))
        if self.J_zero_slope is not None:
            object.__setattr__(self, "J_zero_slope",
                               check_rate(self.J_zero_slope, "J_zero_slope"))
        if self.subsystems is not None:
            if isinstance(self.subsystems, int | np.integer):
                object.__setattr__(self, "subsystems", (int(self.subsystems),))
            subs = check_subsystems(self.subsystems, 10**9, "subsystems")
            if list(self.subsystems) != subs:
                raise ValueError(f"subsystems must be distinct and increasing, got "
                                 f"{list(self.subsystems)!r}")
            object.__setattr__(self, "subsystems", tuple(subs))
        if self.H_local is not None:
            if self.subsystems is None:
                raise ValueError("H_local needs subsystems= (the subsystems it acts on)")
            if not isinstance(self.H_local, qutip.Qobj) or not self.H_local.isoper:
                raise ValueError("H_local must be a qutip.Qobj operator")
            check_hermitian(self.H_local, "H_local")
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a string, got {self.name!r}")

    @property
    def slope(self) -> float | None:
        """:math:`\\lim J(\\omega)/\\omega` at zero frequency (None: unknown)."""
        if self.J_zero_slope is not None:
            return self.J_zero_slope
        return 1.0 if self.spectral_density is None else None

    def __repr__(self) -> str:
        J = "ohmic" if self.spectral_density is None else getattr(
            self.spectral_density, "__name__", "custom")
        extra = f", cutoff={self.cutoff:g}" if self.cutoff is not None else ""
        subs = f", subsystems={self.subsystems}" if self.subsystems is not None else ""
        return (f"Bath({self.name or 'unnamed'!r}, T={self.T:g}, kappa={self.kappa:g}, "
                f"J={J}{extra}{subs}, op dims {self.op.dims[0]})")

    def replace(self, **changes: Any) -> Bath:
        """A copy with some fields changed, re-validated.

        Parameters
        ----------
        **changes : Any
            New values of fields by name (``T=``, ``kappa=``, ...).

        Returns
        -------
        Bath
            The new bath; the original is unchanged.

        Raises
        ------
        ValueError
            The changed bath does not validate (see :class:`Bath`).
        """
        return dataclasses.replace(self, **changes)
