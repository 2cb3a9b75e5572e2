"""The Bessel-Chebyshev propagator: its error bound, its windows, and its choice by the
sector route, against dense ``expm`` of the Liouvillian."""

import numpy as np
import pytest
import qutip
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st
from random_models import random_model
from scipy.special import jv

import qbtoolkit as qb
from qbtoolkit.dynamics.backends.chebyshev import (
    ChebyshevPropagator,
    bessel_bound,
    semigroup_bound,
    spectral_ellipse,
)
from qbtoolkit.dynamics.backends.sectors import SectorPropagator
from qbtoolkit.dynamics.lindblad import lindblad_terms


@settings(max_examples=60, deadline=None)
@given(k=st.integers(0, 400), x=st.floats(0.0, 300.0))
def test_bessel_bound_dominates_every_smaller_argument(k, x):
    y = np.linspace(0.0, x, 2001)
    assert np.max(np.abs(jv(k, y))) <= bessel_bound(k, x) * (1 + 1e-12) + 1e-300


def test_bessel_bound_is_tight_beyond_the_turning_point():
    # within a factor sqrt(2 pi k tanh(alpha)) of J_k(x) itself (Debye): the bound decides
    # when to stop, so a loose one would cost terms
    for k, x in ((60, 40.0), (300, 250.0), (1300, 1200.0)):
        ratio = bessel_bound(k, x) / jv(k, x)
        assert 1.0 <= ratio < np.sqrt(2 * np.pi * k)


class FullLiouvillian:
    """The dense Liouvillian as a complex-linear operator (a second implementation)."""

    def __init__(self, L):
        self.L, self.n = L, L.shape[0]

    def apply(self, x, out, shift):
        out[:] = self.L @ x - shift * x


def _dense_model(seed, N=3):
    return random_model(seed, N, "xyz", symmetric=False, mixed=True,
                        channels=("decay", "dephasing", "pump"))


def _propagator(m, tol=1e-12, scale=None):
    L = m.liouvillian().full()
    terms = lindblad_terms(m)
    diag = np.diag(L).real
    c, f, b = spectral_ellipse(terms.H, diag.min(), diag.max())
    hs = lambda V: np.linalg.norm(V, axis=-1)  # noqa: E731 - the plain vec norm is HS
    return L, ChebyshevPropagator(FullLiouvillian(L), c, f if scale is None else scale,
                                  norm=hs, growth=semigroup_bound(terms, True), tol=tol,
                                  spread=b)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_dense_expm_on_a_long_irregular_grid(seed):
    m = _dense_model(seed)
    L, prop = _propagator(m)
    t = np.sort(np.concatenate([[0.0, 1e-3, 0.7], np.random.default_rng(seed).uniform(0, 40, 9)]))
    v0 = m.rho0.full().ravel(order="F")
    got = np.concatenate([V for _, V in prop.run(v0, t, max_rows=4)])
    ref = np.stack([sla.expm(L * s) @ v0 for s in t])
    assert np.max(np.abs(got - ref)) < 1e-10


@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-9])
def test_error_bound_holds_at_loose_tolerances(tol):
    """One window from a state: the trace-norm error never exceeds tol (the bound is proved),
    and a looser tolerance takes fewer products."""
    m = _dense_model(4)
    L, prop = _propagator(m, tol=tol)
    t = np.linspace(0, 3, 13)
    v0 = m.rho0.full().ravel(order="F")
    got = next(prop.run(v0, t[1:]))[1]
    d = m.rho0.shape[0]
    for s, g in zip(t[1:], got, strict=True):
        err = (g - sla.expm(L * s) @ v0).reshape(d, d, order="F")
        assert np.abs(np.linalg.eigvalsh(0.5 * (err + err.conj().T))).sum() <= tol
    tight = _propagator(m, tol=1e-13)[1]
    next(tight.run(v0, t[1:]))
    assert prop.matvecs < tight.matvecs


def test_windows_shrink_when_the_estimates_are_wrong():
    """A focal length far below the spectrum makes U_k grow; windows are halved until the
    series converges, and the answer is still exact."""
    m = _dense_model(5)
    L, prop = _propagator(m)
    prop.f /= 20
    prop.MAX_TERMS = 60
    t = np.linspace(0, 2, 5)
    v0 = m.rho0.full().ravel(order="F")
    got = np.concatenate([V for _, V in prop.run(v0, t)])
    ref = np.stack([sla.expm(L * s) @ v0 for s in t])
    assert np.max(np.abs(got - ref)) < 1e-10


@pytest.mark.parametrize("seed", [6, 7])
def test_semigroup_bound_dominates_the_propagator_norm(seed):
    m = _dense_model(seed)
    L = m.liouvillian().full()
    growth = semigroup_bound(lindblad_terms(m), completely_positive=False)
    for s in (0.1, 0.5, 2.0):
        assert np.linalg.norm(sla.expm(L * s), 2) <= growth(s) * (1 + 1e-12)
    d = m.rho0.shape[0]
    assert semigroup_bound(lindblad_terms(m), True)(1e3) == pytest.approx(np.sqrt(d))


def test_route_choice_and_refusals():
    t = np.linspace(0, 1, 5)
    osc = random_model(1, 3, "tfi", symmetric=True)
    assert SectorPropagator(osc, osc.rho0.full()).info["propagator"] == "chebyshev"
    assert SectorPropagator(osc, osc.rho0.full(),
                            propagator="taylor").info["propagator"] == "taylor"
    # collective decay much faster than the coupling: the decay rates spread further than
    # the Bohr frequencies, and the Taylor series is kept
    sm = qb.ops.site_operators(qb.ops.sigma_minus(), 3)
    sx = qb.ops.site_operators(qb.ops.sigma_x(), 3)
    damped = qb.models.BatteryModel(
        H=0.05 * (sx[0] * sx[1] + sx[1] * sx[2]), c_ops=tuple(2.0 * s for s in sm),
        rho0=qutip.tensor([qb.ops.excited()] * 3), H_battery=sum(s.dag() * s for s in sm),
        battery=(0, 1, 2))
    tr = qb.evolve(damped, t, method="sectors")
    assert tr.meta["propagator"] == "taylor"
    np.testing.assert_allclose(tr.states, qb.evolve(damped, t, method="expm").states,
                               atol=1e-10)
    with pytest.raises(ValueError, match="propagator='chebyshev'"):
        qb.evolve(damped, t, method="sectors", options={"propagator": "chebyshev"})
    with pytest.raises(ValueError, match="propagator"):
        qb.evolve(osc, t, method="sectors", options={"propagator": "krylov"})


def test_hamiltonian_only_and_zero_state():
    H = qb.ops.site_operators(qb.ops.sigma_x(), 2)[0] + 0.3 * qb.ops.site_operators(
        qb.ops.sigma_z(), 2)[1]
    m = qb.models.BatteryModel(H=H, c_ops=(), rho0=qutip.ket2dm(qutip.rand_ket([2, 2], seed=3)),
                               H_battery=H, battery=(0, 1))
    t = np.linspace(0, 50, 11)
    tr = qb.evolve(m, t, method="sectors", options={"propagator": "chebyshev"})
    np.testing.assert_allclose(tr.states, qb.evolve(m, t, method="expm").states, atol=1e-10)
    L, prop = _propagator(_dense_model(8))
    out = np.concatenate([V for _, V in prop.run(np.zeros(L.shape[0]), [0.0, 1.0])])
    assert not np.any(out)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), N=st.integers(2, 3),
       kind=st.sampled_from(["tfi", "xx_chain", "xy", "xyz"]),
       symmetric=st.booleans(), mixed=st.booleans(),
       channels=st.sets(st.sampled_from(["decay", "collective", "dephasing", "pump"]),
                        min_size=1).map(tuple),
       scale=st.sampled_from([1e-12, 1e-6, 1.0, 1e4, 1e12]))
def test_sector_route_with_either_series_equals_dense_expm(seed, N, kind, symmetric, mixed,
                                                         channels, scale):
    """Random models of the family at any unit of energy: the auto choice, and each series
    where it applies, against dense expm (rel. 1e-10 of the state's norm)."""
    m = random_model(seed, N, kind, symmetric=symmetric, mixed=mixed, channels=channels,
                     scale=scale)
    t = np.linspace(0, 3.0 / scale, 7)
    L = m.liouvillian().full()
    v0 = m.rho0.full().ravel(order="F")
    d = m.rho0.shape[0]
    ref = np.stack([(sla.expm(L * s) @ v0).reshape(d, d, order="F") for s in t])
    for prop in ("auto", "taylor", "chebyshev"):
        try:
            tr = qb.evolve(m, t, method="sectors", options={"propagator": prop})
        except ValueError as err:
            assert prop == "chebyshev" and "propagator='chebyshev'" in str(err)
            continue
        assert np.max(np.abs(tr.states - ref)) < 1e-10, (prop, tr.meta["propagator"])
