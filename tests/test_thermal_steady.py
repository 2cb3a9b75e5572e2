"""Batched steady states of the thermal network (qbtoolkit.thermo) vs qutip.steadystate."""

import time

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit import thermo
from qbtoolkit.models import thermal_network, thermal_steady_states


def _random_points(rng, k):
    """Random (omegas, couplings, temperatures) for 2 and 3 cells, some baths at T = 0."""
    pts = []
    for j in range(k):
        n = 2 + j % 2
        omegas = rng.uniform(0.5, 1.5, n)
        lam = rng.uniform(-0.3, 0.3, (n, n))
        lam = np.triu(lam, 1) + np.triu(lam, 1).T
        T = rng.uniform(0, 2.5, n)
        T[rng.integers(n)] = 0.0 if j % 3 == 0 else T[0]
        pts.append((omegas, lam, T))
    return pts


def _qutip(model):
    return qutip.steadystate(model.H, list(model.c_ops)).full()


def test_grid_path_matches_qutip_steadystate_on_random_points(rng):
    for omegas, lam, T in _random_points(rng, 12):
        model = thermal_network(omegas, lam, T, kappa=rng.uniform(0.1, 2))
        ref = _qutip(model)
        ours = thermal_steady_states(omegas, lam, T)
        assert np.abs(ours - ref).max() < 1e-10
        assert np.abs(qb.steady_state(model).full() - ref).max() < 1e-10
        assert qb.ergotropy(ours, model.H) == pytest.approx(
            qb.ergotropy(ref, model.H), abs=1e-10
        )


def test_model_grid_reuses_the_model_structure():
    model = thermal_network([1.0, 0.8], {(0, 1): 0.2}, [1.0, 0.0], kappa=0.4,
                            spectral_density=lambda w: w**2)
    T = np.array([[1.0, 0.0], [0.3, 2.0]])
    rho = thermo.steady_states(model, T)
    assert np.abs(rho[0] - _qutip(model)).max() < 1e-10
    other = thermal_network([1.0, 0.8], {(0, 1): 0.2}, T[1], kappa=0.4,
                            spectral_density=lambda w: w**2)
    assert np.abs(rho[1] - _qutip(other)).max() < 1e-10
    # per-bath couplings on the grid: only the rates change, the state follows qutip
    kap = np.array([[0.4, 0.4], [0.1, 3.0]])
    rho_k = thermo.steady_states(model, T, kappas=kap)
    assert np.abs(rho_k[0] - rho[0]).max() < 1e-12
    m2 = qb.models.thermal_model(model.H, [b.replace(T=t, kappa=k) for b, t, k in zip(
        model.params["thermal"].baths, T[1], kap[1], strict=True)])
    assert np.abs(rho_k[1] - _qutip(m2)).max() < 1e-10
    # a model whose operators were changed is not a thermal model any more
    with pytest.raises(ValueError, match="thermal_model"):
        thermo.steady_states(model.replace(c_ops=model.c_ops[:-1]), T)
    with pytest.raises(ValueError, match="thermal_model"):
        thermo.steady_states(qb.models.BatteryModel(
            model.H, model.c_ops, model.rho0, model.H, (0, 1)), T)


def test_steady_state_has_no_coherences_proof(rng):
    """The unique steady state is diagonal in H_S's eigenbasis (justifies the Pauli path).

    (i) the Liouvillian never couples populations and coherences (both off-diagonal blocks
    vanish), (ii) diag(p) with the Pauli populations is annihilated by L, and (iii) the
    kernel of L is one-dimensional, so diag(p) is *the* steady state.
    """
    for omegas, lam, T in _random_points(rng, 6) + [([1.0] * 3, 0.1 * (1 - np.eye(3)),
                                                     np.array([1.0, 1.0, 0.0]))]:
        model = thermal_network(omegas, lam, T)
        L = model.liouvillian().full()
        d = model.H.shape[0]
        diag = np.arange(d) * (d + 1)
        off = np.setdiff1d(np.arange(d * d), diag)
        assert np.abs(L[np.ix_(off, diag)]).max() == 0.0
        assert np.abs(L[np.ix_(diag, off)]).max() == 0.0
        p = np.diagonal(thermal_steady_states(omegas, lam, T)).real
        assert np.abs(L[:, diag] @ p).max() < 1e-12
        s = np.linalg.svd(L, compute_uv=False)
        assert s[-1] < 1e-12 * s[0] and s[-2] > 1e-6 * s[0]
        R = thermo.rate_matrices(model)
        assert np.abs(R @ p).max() < 1e-12


def test_batched_liouvillian_path(rng):
    omegas, lam = [1.0, 1.0, 1.0], 0.1
    T = rng.uniform(0, 2, (2, 3, 3))
    model = thermal_network(omegas, lam, T[0, 0])
    Ls = thermo.liouvillians(model, T)
    assert Ls.shape == (2, 3, 64, 64)
    for idx in np.ndindex(2, 3):
        point = thermal_network(omegas, lam, T[idx])
        assert np.abs(Ls[idx] - point.liouvillian().full()).max() < 1e-12
    rho = thermo.liouvillian_steady_states(Ls, chunk=4)
    assert rho.shape == (2, 3, 8, 8)
    ref = np.stack([_qutip(thermal_network(omegas, lam, t)) for t in T.reshape(-1, 3)]
                   ).reshape(rho.shape)
    assert np.abs(rho - ref).max() < 1e-10
    assert np.abs(rho - thermal_steady_states(omegas, lam, T)).max() < 1e-10
    # generic: a single Qobj Liouvillian of another model
    one = thermal_network([1.0, 0.7], {(0, 1): 0.2}, [0.3, 1.1])
    single = thermo.liouvillian_steady_states(one.liouvillian())
    assert np.abs(single - _qutip(one)).max() < 1e-10


def test_grid_shapes_and_populations():
    T = np.random.default_rng(3).uniform(0, 1, (4, 5, 3))
    rho = thermal_steady_states([1, 1, 1], 0.1, T)
    assert rho.shape == (4, 5, 8, 8)
    np.testing.assert_allclose(np.trace(rho, axis1=-2, axis2=-1), 1.0, atol=1e-14)
    p = np.diagonal(rho, axis1=-2, axis2=-1).real
    assert np.all(p >= 0)
    assert np.abs(rho - np.apply_along_axis(np.diag, -1, p)).max() == 0.0  # no coherences
    R = thermo.rate_matrices(thermal_network([1, 1, 1], 0.1, [0, 0, 0]), T)
    np.testing.assert_allclose(R.sum(axis=-2), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.einsum("...ij,...j->...i", R, p), 0.0, atol=1e-12)
    np.testing.assert_allclose(thermo.stationary_distributions(R), p, atol=1e-14)
    # all baths at T = 0: everything relaxes to |ggg>
    p0 = np.diagonal(thermal_steady_states([1, 1, 1], 0.1, np.zeros(3))).real
    np.testing.assert_allclose(p0, np.eye(8)[0], atol=1e-15)


def test_non_unique_steady_state_is_detected():
    # lambda = omega/2: the Bohr frequency omega - 2 lambda is zero, the channel disappears
    with pytest.raises(ValueError, match="not unique"):
        thermal_steady_states([1, 1, 1], 0.5, [1.0, 1.0, 0.0])
    T = np.array([[1.0, 1.0, 0.0], [1.0, 0.5, 0.2]])
    out = thermal_steady_states([1, 1, 1], 0.5, T, on_singular="nan")
    assert np.isnan(out).all()
    m = thermal_network([1, 1, 1], 0.5, T[0])
    with pytest.raises(ValueError, match="not unique|no unique"):
        thermo.liouvillian_steady_states(thermo.liouvillians(m, T))
    with pytest.raises(ValueError, match="grid index"):
        thermo.stationary_distributions(thermo.rate_matrices(m, T))
    ok = thermal_steady_states([1, 1, 1], 0.49, T)
    assert np.isfinite(ok).all()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: thermal_steady_states([1, 1, 1], 0.1, [1, 1]), "temperatures"),
        (lambda: thermal_steady_states([1, 1, 1], 0.1, [1, -1, 0]), "temperatures"),
        (lambda: thermal_steady_states([1, 1, 1], 0.1, [1, np.inf, 0]), "temperatures"),
        (lambda: thermal_steady_states([1, 1, 1], 0.1, [1, "a", 0]), "temperatures"),
        (lambda: thermal_steady_states([1, 1], np.ones((3, 3)), [1, 1]), "couplings"),
        (lambda: thermal_steady_states([1, 1], 0.1, [1, 1], kappa=0), "kappa"),
        (lambda: thermal_steady_states([1, 1], 0.1, [1, 1], on_singular="x"), "on_singular"),
        (lambda: thermo.steady_states(thermal_network([1, 1], 0.1, [1, 1]), [1, 1],
                                      kappas=[0.0, 1.0]), "kappas"),
        (lambda: thermo.liouvillian_steady_states(np.zeros((3, 3))), "L"),
        (lambda: thermo.liouvillian_steady_states(np.full((4, 4), np.nan)), "L"),
        (lambda: thermo.stationary_distributions(np.zeros(3)), "R"),
        (lambda: thermo.steady_states("model"), "thermal_model"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_grid_is_fast():
    """100 x 100 three-cell grid in well under a second (qutip loop: minutes)."""
    t = np.linspace(0, 2, 100)
    TL, TR = np.meshgrid(t, t, indexing="ij")
    T = np.stack([TL, np.ones_like(TL), TR], -1)
    start = time.perf_counter()
    rho = thermal_steady_states([1, 1, 1], 0.1, T)
    W = qb.ergotropy(rho, thermal_network([1, 1, 1], 0.1, [1, 1, 0]).H)
    assert time.perf_counter() - start < 3.0
    assert W.shape == (100, 100) and W.max() == pytest.approx(0.10922, abs=1e-4)
