"""qbtoolkit.steady: vectorised steady states of the thermal network vs qutip.steadystate."""

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit import steady
from qbtoolkit.models import thermal_network


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


def test_pauli_path_matches_qutip_steadystate_on_random_points(rng):
    for omegas, lam, T in _random_points(rng, 12):
        model = thermal_network(omegas, lam, T, kappa=rng.uniform(0.1, 2))
        ref = qb.steady_state(model).full()
        ours = steady.thermal_steady_states(omegas, lam, T)
        assert np.abs(ours - ref).max() < 1e-9
        assert qb.ergotropy(ours, model.H) == pytest.approx(
            qb.ergotropy(ref, model.H), abs=1e-9
        )


def test_model_steady_states_reuses_the_model_parameters():
    model = thermal_network([1.0, 0.8], {(0, 1): 0.2}, [1.0, 0.0], kappa=0.4,
                            spectral_density=lambda w: w**2)
    T = np.array([[1.0, 0.0], [0.3, 2.0]])
    rho = steady.model_steady_states(model, T)
    assert np.abs(rho[0] - qb.steady_state(model).full()).max() < 1e-9
    other = thermal_network([1.0, 0.8], {(0, 1): 0.2}, T[1], kappa=0.4,
                            spectral_density=lambda w: w**2)
    assert np.abs(rho[1] - qb.steady_state(other).full()).max() < 1e-9
    with pytest.raises(ValueError, match="model"):
        steady.model_steady_states(qb.models.BatteryModel(
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
        p = steady.thermal_populations(omegas, lam, T)
        assert np.abs(L[:, diag] @ p).max() < 1e-12
        s = np.linalg.svd(L, compute_uv=False)
        assert s[-1] < 1e-12 * s[0] and s[-2] > 1e-6 * s[0]


def test_batched_liouvillian_path(rng):
    omegas, lam = [1.0, 1.0, 1.0], 0.1
    T = rng.uniform(0, 2, (2, 3, 3))
    Ls = steady.thermal_liouvillians(omegas, lam, T)
    assert Ls.shape == (2, 3, 64, 64)
    for idx in np.ndindex(2, 3):
        model = thermal_network(omegas, lam, T[idx])
        assert np.abs(Ls[idx] - model.liouvillian().full()).max() < 1e-12
    rho = steady.liouvillian_steady_states(Ls, chunk=4)
    assert rho.shape == (2, 3, 8, 8)
    ref = np.stack([qutip.steadystate(thermal_network(omegas, lam, t).H,
                                      list(thermal_network(omegas, lam, t).c_ops)).full()
                    for t in T.reshape(-1, 3)]).reshape(rho.shape)
    assert np.abs(rho - ref).max() < 1e-9
    assert np.abs(rho - steady.thermal_steady_states(omegas, lam, T)).max() < 1e-9
    # generic: a stack of Liouvillians of other models, and a single Qobj
    one = thermal_network([1.0, 0.7], {(0, 1): 0.2}, [0.3, 1.1])
    single = steady.liouvillian_steady_states(one.liouvillian())
    assert np.abs(single - qb.steady_state(one).full()).max() < 1e-9


def test_grid_shapes_and_populations():
    T = np.random.default_rng(3).uniform(0, 1, (4, 5, 3))
    rho = steady.thermal_steady_states([1, 1, 1], 0.1, T)
    assert rho.shape == (4, 5, 8, 8)
    np.testing.assert_allclose(np.trace(rho, axis1=-2, axis2=-1), 1.0, atol=1e-14)
    p = steady.thermal_populations([1, 1, 1], 0.1, T)
    np.testing.assert_allclose(np.diagonal(rho, axis1=-2, axis2=-1).real, p, atol=0)
    assert np.all(p >= 0)
    R = steady.thermal_rate_matrices([1, 1, 1], 0.1, T)
    np.testing.assert_allclose(R.sum(axis=-2), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.einsum("...ij,...j->...i", R, p), 0.0, atol=1e-12)
    # all baths at T = 0: everything relaxes to |ggg>
    p0 = steady.thermal_populations([1, 1, 1], 0.1, np.zeros(3))
    np.testing.assert_allclose(p0, np.eye(8)[0], atol=1e-15)


def test_non_unique_steady_state_is_detected():
    # lambda = omega/2: the Bohr frequency omega - 2 lambda is zero, the channel disappears
    with pytest.raises(ValueError, match="not unique"):
        steady.thermal_steady_states([1, 1, 1], 0.5, [1.0, 1.0, 0.0])
    T = np.array([[1.0, 1.0, 0.0]])
    assert np.isnan(steady.thermal_populations([1, 1, 1], 0.5, T, on_singular="nan")).all()
    with pytest.raises(ValueError, match="not unique|no unique"):
        steady.liouvillian_steady_states(steady.thermal_liouvillians([1, 1, 1], 0.5, T))
    ok = steady.thermal_populations([1, 1, 1], 0.49, T)
    assert np.isfinite(ok).all()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: steady.thermal_steady_states([1, 1, 1], 0.1, [1, 1]), "temperatures"),
        (lambda: steady.thermal_steady_states([1, 1, 1], 0.1, [1, -1, 0]), "temperatures"),
        (lambda: steady.thermal_steady_states([1, 1, 1], 0.1, [1, np.inf, 0]), "temperatures"),
        (lambda: steady.thermal_steady_states([1, 1], np.ones((3, 3)), [1, 1]), "couplings"),
        (lambda: steady.thermal_steady_states([1, 1], 0.1, [1, 1], kappa=0), "kappa"),
        (lambda: steady.thermal_populations([1, 1], 0.1, [1, 1], on_singular="x"),
         "on_singular"),
        (lambda: steady.liouvillian_steady_states(np.zeros((3, 3))), "L"),
        (lambda: steady.stationary_distributions(np.zeros(3)), "R"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_grid_is_fast():
    """100 x 100 three-cell grid in well under a second (qutip loop: minutes)."""
    import time

    t = np.linspace(0, 2, 100)
    TL, TR = np.meshgrid(t, t, indexing="ij")
    T = np.stack([TL, np.ones_like(TL), TR], -1)
    start = time.perf_counter()
    rho = steady.thermal_steady_states([1, 1, 1], 0.1, T)
    W = qb.ergotropy(rho, thermal_network([1, 1, 1], 0.1, [1, 1, 0]).H)
    assert time.perf_counter() - start < 3.0
    assert W.shape == (100, 100) and W.max() == pytest.approx(0.10922, abs=1e-4)
