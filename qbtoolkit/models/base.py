"""The model record every builder returns, and the one place dissipators are built.

A :class:`BatteryModel` is immutable: change a parameter by calling the builder again (or
``dataclasses.replace``), which makes sweeps trivially parallel.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import qutip
from qutip.core.coefficient import Coefficient

from .._linalg import ptrace
from .._validate import check_dims_match, check_qobj_hermitian, is_positive_semidefinite

__all__ = ["BatteryModel", "kossakowski_c_ops", "as_density_qobj"]


def as_density_qobj(state: qutip.Qobj, name: str = "rho0", atol: float = 1e-8) -> qutip.Qobj:
    """Validated density-matrix Qobj of a state (kets are promoted).

    Checks finiteness, the norm or trace, Hermiticity and positivity with absolute tolerances
    (a state is dimensionless).

    Parameters
    ----------
    state : Qobj
        Ket or density matrix.
    name : str, default "rho0"
        Argument name used in error messages.
    atol : float, default 1e-8
        Absolute tolerance of the norm, trace, Hermiticity and positivity checks.

    Returns
    -------
    Qobj
        The density matrix (``ket2dm`` of a ket; a density matrix is returned as given).

    Raises
    ------
    ValueError
        Not a Qobj ket or operator; NaN/inf; a ket not normalised; an operator not Hermitian,
        not of unit trace or not positive semidefinite (within ``atol``).
    """
    if not isinstance(state, qutip.Qobj):
        raise ValueError(f"{name} must be a qutip.Qobj ket or density matrix")
    if not (state.isket or state.isoper):
        raise ValueError(f"{name} must be a ket or a density matrix, got a {state.type}")
    arr = state.full()
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    if state.isket:
        norm = float(np.linalg.norm(arr))
        if abs(norm - 1) > atol:
            raise ValueError(f"{name} must be a normalised ket, got norm {norm:.6g}")
        return qutip.ket2dm(state)
    if np.max(np.abs(arr - arr.conj().T)) > atol:
        raise ValueError(f"{name} must be Hermitian")
    if abs(np.trace(arr).real - 1) > atol:
        raise ValueError(f"{name} must have unit trace, got {np.trace(arr).real:.8g}")
    if not is_positive_semidefinite(arr, atol):
        raise ValueError(f"{name} must be positive semidefinite")
    return state


def _check_list_format(op: list, name: str) -> None:
    """QuTiP's list format ``[H0, [H1, coeff], ...]``, checked term by term before it reaches
    ``qutip.QobjEvo`` (which may crash on malformed input instead of raising)."""
    if not op:
        raise ValueError(f"{name} in QuTiP's list format must not be empty")
    for k, term in enumerate(op):
        where = f"{name}[{k}]"
        if isinstance(term, qutip.Qobj | qutip.QobjEvo):
            continue
        if not isinstance(term, list | tuple) or len(term) != 2:
            raise ValueError(f"{where} must be a Qobj or a pair [Qobj, coeff] (QuTiP's list "
                             f"format), got {term!r}")
        q, coeff = term
        if not isinstance(q, qutip.Qobj):
            raise ValueError(f"{where}[0] must be a qutip.Qobj, got {type(q).__name__}")
        ok = callable(coeff) or isinstance(coeff, str | Coefficient)
        if isinstance(coeff, np.ndarray):
            ok = coeff.ndim == 1 and coeff.dtype.kind in "iufc" and bool(np.all(np.isfinite(coeff)))
        if not ok:
            raise ValueError(f"{where}[1] must be a coefficient: a function f(t, args) or "
                             "f(t, **args), a string, or a finite 1-D array sampled at "
                             f"coefficient_tlist; got {coeff!r}")


def _as_operator(op: Any, name: str, args: Mapping[str, Any],
                 tlist: np.ndarray | None) -> qutip.Qobj | qutip.QobjEvo:
    """A Qobj, a QobjEvo, or QuTiP's list format ``[H0, [H1, coeff], ...]`` (made a QobjEvo
    with ``args``, array coefficients sampled at ``tlist``); constant QobjEvo are returned as
    Qobj."""
    if isinstance(op, qutip.Qobj):
        return op
    if isinstance(op, list):
        if len(op) == 2 and isinstance(op[0], qutip.Qobj) and not isinstance(
                op[1], qutip.Qobj | qutip.QobjEvo | list | tuple):
            op = [op]  # a single time-dependent term [Qobj, coeff]
        _check_list_format(op, name)
        has_array = any(isinstance(t, list | tuple) and isinstance(t[1], np.ndarray) for t in op)
        if has_array and tlist is None:
            raise ValueError(f"{name} has array coefficients: give coefficient_tlist (the times "
                             "they are sampled at)")
        try:
            op = qutip.QobjEvo(op, args=dict(args), tlist=tlist if has_array else None)
        except Exception as exc:
            raise ValueError(f"{name} in QuTiP's list format could not be built: {exc}") from None
    if isinstance(op, qutip.QobjEvo):
        if not op.isoper:
            raise ValueError(f"{name} must be an operator")
        return op(0.0) if op.isconstant else op
    raise ValueError(
        f"{name} must be a qutip.Qobj, a qutip.QobjEvo or QuTiP's list format, got "
        f"{type(op).__name__}")


#: Times at which a time-dependent H is checked to be Hermitian (beyond t = 0: irrational
#: values, unlikely to be special points of a drive).
_PROBE_TIMES = (0.0, 0.7390851332, 3.1415926535 * 1.41421356)


def _check_hermitian_evo(H: qutip.QobjEvo, name: str) -> None:
    for t in _PROBE_TIMES:
        try:
            Ht = H(t)
        except Exception as exc:
            raise ValueError(f"{name}({t:g}) cannot be evaluated: {exc}") from None
        check_qobj_hermitian(Ht, f"{name}(t={t:g})")


@dataclasses.dataclass(frozen=True, repr=False)
class BatteryModel:
    """A quantum-battery model: everything a solver and the metrics need.

    Frozen and validated on construction; the builders of :mod:`qbtoolkit.models` return one,
    and every field can also be given directly for a model of one's own.

    Parameters
    ----------
    H : Qobj, QobjEvo or list
        Full Hamiltonian (energy units, hbar = 1). Time-dependent models give a
        ``qutip.QobjEvo`` or QuTiP's list format ``[H0, [H1, coeff], ...]`` (``coeff`` a
        function ``f(t, args)``/``f(t, **args)``, a string or an array; converted to a
        QobjEvo with ``args``). Time is measured from ``t = 0``, where ``rho0`` is the state.
    c_ops : sequence of Qobj or QobjEvo
        Lindblad collapse operators ``L_k`` (rates already included: ``sqrt(gamma) sigma``);
        each may be time dependent like ``H``. Stored as a tuple.
    rho0 : Qobj
        Initial density matrix (kets are promoted), the state at ``t = 0``.
    H_battery : Qobj
        The battery's own (bare, static) Hamiltonian on the battery subsystems; ergotropy and
        energy are measured against it.
    battery : sequence of int
        Subsystem indices (in ``H``'s tensor order, distinct and increasing) whose partial
        trace is the battery.
    params : dict, optional
        The builder's parameters, for provenance and plotting.
    name : str, default ""
        Builder name.
    args : dict, optional
        Arguments of the time-dependent coefficients (QuTiP's ``args``).
    H_local : sequence of (Qobj or None), optional
        The bare Hamiltonian of each subsystem on its own space (None where it has none), so
        metrics on chosen subsystems know their energy operator (``Trajectory.evaluate``).
    representation : object, optional
        When the battery's states are stored in a reduced basis (e.g. the symmetric subspace
        of N qubits, :class:`qbtoolkit.metrics.dicke.DickeRepresentation`): the metrics go
        through its exact versions or are refused. Must provide ``exact(metric)``
        (:class:`qbtoolkit.metrics.registry.Representation`).
    superoperator : Qobj, optional
        A static superoperator added to the Lindblad generator, for dissipation that has no
        collapse operators in the model's basis (e.g. local decay of N qubits written in the
        Dicke basis, :mod:`qutip.piqs`). ``liouvillian()`` includes it.
    coefficient_tlist : array_like, optional
        Times at which array coefficients of the list format are sampled (QuTiP's
        ``QobjEvo(..., tlist=...)``; cubic-spline interpolation between them).

    Raises
    ------
    ValueError
        ``H``, ``c_ops`` or ``H_battery`` not Hermitian operators (``H(t)`` checked at several
        times) or malformed list formats; dims that do not match ``H`` (``c_ops``, ``rho0``,
        ``H_battery`` against the battery, ``H_local``, ``superoperator``); ``rho0`` not a
        state; ``battery`` out of range, repeated or unsorted; ``args`` not a dict;
        ``coefficient_tlist`` not a finite increasing array (or missing for array
        coefficients); a ``representation`` without ``exact``.

    Examples
    --------
    A qubit battery charged by a resonant drive, built by hand:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> model = qb.BatteryModel(H=0.5 * qb.ops.sigma_x(), c_ops=[], rho0=qb.ops.ground(),
    ...                         H_battery=qb.ops.number(), battery=[0], name="rabi")
    >>> model.dims, model.is_whole_system, model.is_time_dependent
    ([2], True, False)
    >>> traj = qb.evolve(model, [0.0, np.pi])        # a pi pulse: |g> -> |e>
    >>> qb.ergotropy(traj.battery_states, traj.H_battery).round(6)
    array([0., 1.])
    """

    H: Any
    c_ops: tuple[Any, ...]
    rho0: qutip.Qobj
    H_battery: qutip.Qobj
    battery: tuple[int, ...]
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    name: str = ""
    args: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    H_local: tuple[qutip.Qobj | None, ...] | None = None
    representation: Any = None
    superoperator: qutip.Qobj | None = None
    coefficient_tlist: Any = None

    def __post_init__(self) -> None:
        if not isinstance(self.args, Mapping):
            raise ValueError(f"args must be a dict, got {type(self.args).__name__}")
        object.__setattr__(self, "args", dict(self.args))
        tl = self.coefficient_tlist
        if tl is not None:
            tl = np.asarray(tl)
            if tl.ndim != 1 or tl.size < 2 or tl.dtype.kind not in "iuf" or not np.all(
                    np.isfinite(tl)) or np.any(np.diff(tl) <= 0):
                raise ValueError("coefficient_tlist must be a finite, strictly increasing 1-D "
                                 "array of at least two times")
            object.__setattr__(self, "coefficient_tlist", tl.astype(float))
        H = _as_operator(self.H, "H", self.args, self.coefficient_tlist)
        if isinstance(H, qutip.QobjEvo):
            _check_hermitian_evo(H, "H")
        else:
            check_qobj_hermitian(H, "H")
        object.__setattr__(self, "H", H)
        if isinstance(self.c_ops, qutip.Qobj | qutip.QobjEvo):
            raise ValueError("c_ops must be a list of operators (got a single operator)")
        c_ops = tuple(_as_operator(c, f"c_ops[{k}]", self.args, self.coefficient_tlist)
                      for k, c in enumerate(self.c_ops))
        object.__setattr__(self, "c_ops", c_ops)
        object.__setattr__(self, "battery", tuple(int(i) for i in self.battery))
        object.__setattr__(self, "params", dict(self.params))
        dims = self.H.dims[0]
        for k, c in enumerate(self.c_ops):
            check_dims_match(c.dims[0], dims, f"c_ops[{k}]", "H")
        rho0 = as_density_qobj(self.rho0, "rho0")
        check_dims_match(rho0.dims[0], dims, "rho0", "H")
        object.__setattr__(self, "rho0", rho0)
        if not self.battery or min(self.battery) < 0 or max(self.battery) >= len(dims):
            raise ValueError(f"battery must list subsystem indices in 0..{len(dims) - 1}")
        if len(set(self.battery)) != len(self.battery) or list(self.battery) != sorted(
            self.battery
        ):
            raise ValueError("battery indices must be distinct and increasing")
        if not isinstance(self.H_battery, qutip.Qobj):
            raise ValueError("H_battery must be a static qutip.Qobj operator")
        check_qobj_hermitian(self.H_battery, "H_battery")
        check_dims_match(self.H_battery.dims[0], self.battery_dims, "H_battery", "battery")
        if self.H_local is not None:
            hl = tuple(self.H_local)
            if len(hl) != len(dims):
                raise ValueError(
                    f"H_local must give one entry per subsystem ({len(dims)}), got {len(hl)}")
            for i, h in enumerate(hl):
                if h is not None:
                    check_qobj_hermitian(h, f"H_local[{i}]")
                    check_dims_match(h.dims[0], [dims[i]], f"H_local[{i}]", f"subsystem {i}")
            object.__setattr__(self, "H_local", hl)
        if self.superoperator is not None:
            S = self.superoperator
            if not isinstance(S, qutip.Qobj) or not S.issuper:
                raise ValueError("superoperator must be a qutip.Qobj superoperator")
            if S.dims != [[dims, dims], [dims, dims]]:
                raise ValueError(f"superoperator has dims {S.dims}, expected a superoperator on "
                                 f"dims {dims}")
        if self.representation is not None and not callable(
                getattr(self.representation, "exact", None)):
            raise ValueError("representation must provide exact(metric) (see "
                             "qbtoolkit.metrics.registry.Representation)")

    def __repr__(self) -> str:
        kind = "time-dependent" if self.is_time_dependent else "static"
        shown = {k: v for k, v in self.params.items()
                 if isinstance(v, bool | int | float | str) and not isinstance(v, np.ndarray)}
        items = ", ".join(f"{k}={v!r}" for k, v in list(shown.items())[:8])
        more = " ..." if len(shown) > 8 or len(shown) < len(self.params) else ""
        extra = f", representation={self.representation.description}" if \
            self.representation is not None else ""
        head = (f"BatteryModel({self.name or 'custom'!r}, dims={self.dims}, "
                f"battery={self.battery}, H {kind}, {len(self.c_ops)} c_ops{extra})")
        return head + (f"\n  params: {items}{more}" if self.params else "")

    @property
    def dims(self) -> list[int]:
        """Local dimensions of all subsystems, in tensor order."""
        return list(self.H.dims[0])

    @property
    def battery_dims(self) -> list[int]:
        """Local dimensions of the battery subsystems."""
        return [self.dims[i] for i in self.battery]

    @property
    def is_whole_system(self) -> bool:
        """True when the battery is the entire system (no partial trace needed)."""
        return len(self.battery) == len(self.dims)

    @property
    def is_time_dependent(self) -> bool:
        """True when ``H`` or any collapse operator is a (non-constant) ``QobjEvo``."""
        return any(isinstance(op, qutip.QobjEvo) for op in (self.H, *self.c_ops))

    def H_at(self, t: float) -> qutip.Qobj:
        """The Hamiltonian at time ``t`` as a Qobj (``H`` itself for static models).

        Parameters
        ----------
        t : float
            Time (inverse energy units; ``t = 0`` is where ``rho0`` is the state).

        Returns
        -------
        Qobj
            ``H(t, args)`` for a time-dependent model, else ``H``.
        """
        return self.H(t, self.args) if isinstance(self.H, qutip.QobjEvo) else self.H

    def liouvillian(self) -> qutip.Qobj | qutip.QobjEvo:
        """Lindblad superoperator ``L`` with ``d rho/dt = L rho``.

        ``qutip.liouvillian(H, c_ops)`` plus ``superoperator`` when the model has one.

        Returns
        -------
        Qobj or QobjEvo
            The superoperator (dims ``[[dims, dims], [dims, dims]]``, units of energy); a
            ``QobjEvo`` for time-dependent models.
        """
        # QuTiP's automatic tidy-up drops real and imaginary parts below an absolute 1e-14:
        # with energies ~1e-12 that erases Bohr frequencies, so it is off here
        with qutip.CoreOptions(auto_tidyup=False):
            L = qutip.liouvillian(self.H, list(self.c_ops))
            return L if self.superoperator is None else L + self.superoperator

    def reduce(self, states: np.ndarray) -> np.ndarray:
        """Battery reduced states of a batch of full states (batched partial trace).

        Parameters
        ----------
        states : ndarray, shape (..., d, d)
            Density matrices of the whole system (``d = prod(dims)``).

        Returns
        -------
        ndarray, shape (..., d_B, d_B)
            The partial trace onto ``battery`` (``states`` itself when the battery is the whole
            system), ``d_B = prod(battery_dims)``.
        """
        if self.is_whole_system:
            return states
        return ptrace(states, self.battery, self.dims)

    def replace(self, **changes: Any) -> BatteryModel:
        """A copy with some fields changed (``dataclasses.replace``), re-validated.

        Parameters
        ----------
        **changes : Any
            New values of fields by name (``H=``, ``rho0=``, ...).

        Returns
        -------
        BatteryModel
            The new model; the original is unchanged.

        Raises
        ------
        ValueError
            The changed model does not validate (see :class:`BatteryModel`).
        """
        return dataclasses.replace(self, **changes)


def kossakowski_c_ops(
    ops: Sequence[qutip.Qobj], matrix: Any, name: str = "matrix", atol: float = 1e-12
) -> list[qutip.Qobj]:
    """Diagonalise a Kossakowski (rate) matrix into ordinary collapse operators.

    The dissipator ``D[rho] = sum_{nm} G_nm (A_n rho A_m^dag - 1/2 {A_m^dag A_n, rho})``
    (Lehmberg form; Santos 2021 Eqs. 12-13 de-garbled) equals
    ``sum_k (L_k rho L_k^dag - 1/2 {L_k^dag L_k, rho})`` with ``L_k = sqrt(g_k) sum_n V_nk A_n``
    where ``G = V diag(g) V^dag``. ``G`` must be Hermitian positive semidefinite, otherwise the
    dynamics is not completely positive.

    Parameters
    ----------
    ops : sequence of Qobj
        The ``n`` operators ``A_n`` (e.g. ``sigma_minus`` on each cell).
    matrix : array_like, shape (n, n)
        Rate matrix ``G`` (1/time).
    name : str, default "matrix"
        Name used in error messages.
    atol : float, default 1e-12
        Channels with rate below ``atol`` times the largest rate are dropped, and eigenvalues
        above ``-atol`` times it count as zero (relative: independent of the unit of time).

    Returns
    -------
    list of Qobj
        Collapse operators ``L_k``; channels with zero rate are dropped.

    Raises
    ------
    ValueError
        ``matrix`` not ``(n, n)``, with NaN/inf, not Hermitian (relative to its largest entry)
        or not positive semidefinite.

    Examples
    --------
    Two qubits decaying collectively, ``G = gamma [[1, 1], [1, 1]]``: one superradiant channel
    ``sqrt(2 gamma) (sigma_1 + sigma_2) / sqrt 2``:

    >>> import numpy as np
    >>> import qbtoolkit as qb
    >>> sm = qb.ops.site_operators(qb.ops.sigma_minus(), 2)
    >>> c_ops = qb.models.kossakowski_c_ops(sm, np.ones((2, 2)))
    >>> len(c_ops), bool(np.allclose(c_ops[0].full(), -(sm[0] + sm[1]).full()) or
    ...                  np.allclose(c_ops[0].full(), (sm[0] + sm[1]).full()))
    (1, True)
    """
    G = np.asarray(matrix, dtype=complex)
    n = len(ops)
    if G.shape != (n, n):
        raise ValueError(f"{name} must be a ({n}, {n}) matrix for {n} operators, got {G.shape}")
    if not np.all(np.isfinite(G)):
        raise ValueError(f"{name} (Kossakowski matrix) contains NaN or inf")
    if np.max(np.abs(G - G.conj().T), initial=0.0) > 1e-12 * np.max(np.abs(G), initial=0.0):
        raise ValueError(f"{name} (Kossakowski matrix) must be Hermitian")
    g, V = np.linalg.eigh(G)
    # relative to the largest rate: the channels kept do not depend on the unit of time
    scale = float(np.max(np.abs(g), initial=0.0))
    if g.size and g[0] < -atol * scale:
        raise ValueError(
            f"{name} (Kossakowski matrix) is not positive semidefinite (smallest eigenvalue "
            f"{g[0]:.4g}): these rates give unphysical, non-completely-positive dynamics"
        )
    out = []
    for k in range(n):
        if g[k] > atol * scale:
            L = sum(complex(V[m, k]) * ops[m] for m in range(n) if V[m, k] != 0)
            out.append(np.sqrt(g[k]) * L)
    return out
