"""models.thermal_network: Hadipour & Haseli (2025) global master equation
(docs/papers/hadipour_haseli_2025.md).

Physics checks use ``qutip.steadystate`` of the model's full Liouvillian (``W_qutip``) and the
shared ``qbtoolkit.ergotropy``; the fast routes (``qbtoolkit.steady_state``, the batched
``thermal_steady_states``) are compared with it here and in ``test_thermal_steady.py``.
"""

import itertools

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st

import qbtoolkit as qb
from qbtoolkit import ops
from qbtoolkit.models import thermal_network, thermal_steady_states
from qbtoolkit.papers import hadipour_haseli_2025 as hh

W3 = [1.0, 1.0, 1.0]


def W_qutip(omegas, couplings, temps, **kw) -> float:
    """Steady-state ergotropy from plain ``qutip.steadystate`` of the model's operators."""
    model = thermal_network(omegas, couplings, temps, **kw)
    rho = qutip.steadystate(model.H, list(model.c_ops))
    fast = qb.steady_state(model)
    assert np.abs(rho.full() - fast.full()).max() < 1e-10
    return qb.ergotropy(rho, model.H_battery)


def p(T, omega=1.0):
    return 1.0 / (1.0 + np.exp(omega / T))


# ----------------------------------------------------------------------------- model structure
def test_hamiltonian_matches_eq1_in_toolkit_convention():
    omegas, lam = [0.9, 1.0, 1.3], {(0, 1): 0.1, (1, 2): 0.2, (0, 2): 0.3}
    m = thermal_network(omegas, lam, [1, 1, 0])
    sz = ops.site_operators(ops.sigma_z(), 3)
    H = sum(w / 2 * s for w, s in zip(omegas, sz, strict=True))
    H = H + sum(v / 2 * sz[i] * sz[j] for (i, j), v in lam.items())
    assert (m.H - H).norm() < 1e-12
    assert m.H_battery is m.H and m.battery == (0, 1, 2) and m.dims == [2, 2, 2]
    assert m.rho0.full()[0, 0] == 1.0  # |ggg>
    # matrix and dict inputs agree; each pair counted once
    M = np.zeros((3, 3))
    for (i, j), v in lam.items():
        M[i, j] = M[j, i] = v
    assert (thermal_network(omegas, M, [1, 1, 0]).H - m.H).norm() < 1e-12
    np.testing.assert_array_equal(m.params["couplings"], M)


def test_jump_operators_lower_energy_and_degenerate_frequencies_are_grouped():
    m = thermal_network(W3, 0.1, [1.0, 1.0, 1.0])
    # flipping one cell: omega + lambda (z_j + z_k) in {0.8, 1.0 (twice), 1.2}
    for freqs in m.params["bohr_frequencies"]:
        np.testing.assert_allclose(freqs, [0.8, 1.0, 1.2], atol=1e-12)
    assert len(m.c_ops) == 3 * 3 * 2  # cells x distinct frequencies x (emission, absorption)
    E = np.diag(m.H.full()).real
    emission = m.c_ops[0::2]
    sizes = sorted(int(np.count_nonzero(c.full())) for c in emission)
    assert sizes == [1] * 6 + [2] * 3  # the two omega transitions of each bath are grouped
    for c in emission:
        k, mm = np.nonzero(c.full())
        w = E[mm] - E[k]
        assert np.all(w > 0) and np.ptp(w) < 1e-12  # lowering, one Bohr frequency per operator
    # at lambda = omega/2 the Bohr frequency omega - 2 lambda is zero: no channel (omega > 0 only),
    # and a spectral density singular at 0 is never evaluated there
    crossing = thermal_network(W3, 0.5, [1, 1, 0], spectral_density=lambda w: 1 / w)
    assert crossing.params["bohr_frequencies"] == [[1.0, 2.0]] * 3
    # rates: kappa w (1 + n) and kappa w n, n Bose-Einstein
    m2 = thermal_network([1.0], 0.0, [0.7], kappa=0.3)
    c_down, c_up = m2.c_ops
    down, up = abs(c_down.full()[0, 1]) ** 2, abs(c_up.full()[1, 0]) ** 2
    n = 1 / np.expm1(1 / 0.7)
    assert down == pytest.approx(0.3 * (1 + n)) and up == pytest.approx(0.3 * n)


def test_zero_temperature_is_allowed_and_means_vacuum():
    m = thermal_network(W3, 0.1, [0.0, 0.0, 0.0])
    assert len(m.c_ops) == 9  # no absorption channels
    rho = qb.steady_state(m).full()
    assert rho[0, 0].real == pytest.approx(1.0, abs=1e-10)
    assert W_qutip(W3, 0.1, [0, 1, 0]) == pytest.approx(0.0, abs=1e-12)


def test_custom_spectral_density():
    base = thermal_network(W3, 0.1, [1, 0.5, 0])
    same = thermal_network(W3, 0.1, [1, 0.5, 0], spectral_density=lambda w: w)
    assert all((a - b).norm() < 1e-12 for a, b in zip(base.c_ops, same.c_ops, strict=True))
    cubic = dict(spectral_density=lambda w: w**3)
    W_cubic = W_qutip(W3, 0.1, [1, 0.5, 0], **cubic)
    assert abs(W_cubic - 0.039266) > 1e-4  # the spectral density is really used
    assert float(hh.work_grid(W3, 0.1, [1, 0.5, 0], **cubic)) == pytest.approx(W_cubic, abs=1e-10)
    assert W_qutip(W3, 0.1, [0.6, 0.6, 0.6], **cubic) == pytest.approx(0.0, abs=1e-10)


# ------------------------------------------------ reference numbers of Hadipour & Haseli (2025)
@pytest.mark.parametrize(
    "temps, expected",
    [
        ((1, 0.5, 0), 0.039266),
        ((1, 0.75, 0), 0.063950),
        ((1, 1, 0), 0.080088),
        ((2, 1, 0), 0.10922),
        ((0, 0.7, 0), 0.0),
        ((0.8, 0.8, 0.8), 0.0),
    ],
)
def test_spec_table_three_cells(temps, expected):
    assert W_qutip(W3, 0.1, temps) == pytest.approx(expected, abs=1e-6)


@settings(max_examples=15, deadline=None)
@given(
    T=st.floats(0.05, 3.0),
    lam=st.floats(-0.45, 0.45),
    n=st.sampled_from([2, 3]),
)
def test_equal_temperatures_give_the_gibbs_state_and_no_work(T, lam, n):
    m = thermal_network([1.0] * n, lam, [T] * n)
    rho = qb.steady_state(m)
    gibbs = (-m.H / T).expm()
    gibbs = gibbs / gibbs.tr()
    assert (rho - gibbs).norm() < 1e-8
    assert qb.ergotropy(rho, m.H) == pytest.approx(0.0, abs=1e-10)


@settings(max_examples=15, deadline=None)
@given(TL=st.floats(0.1, 3.0), TM=st.floats(0.1, 3.0))
def test_weak_coupling_limit(TL, TM):
    """lambda -> 0, T_R = 0: W = omega p(T_L) p(T_M) (closed form)."""
    W = hh.work_grid(W3, 1e-8, [TL, TM, 0.0])
    assert W == pytest.approx(p(TL) * p(TM), abs=1e-7)
    assert hh.weak_coupling_ergotropy(TL, TM) == pytest.approx(p(TL) * p(TM), rel=1e-14)


def test_weak_coupling_spec_values():
    for (TL, TM), expected in {
        (1, 1): 0.072329, (1, 0.5): 0.032059, (1, 0.75): 0.056103, (2, 1): 0.101536,
    }.items():
        assert W_qutip(W3, 1e-7, [TL, TM, 0]) == pytest.approx(expected, abs=1e-6)


def test_work_is_independent_of_kappa():
    ref = W_qutip(W3, 0.1, [1, 1, 0])
    for kappa in (0.01, 0.37, 5.0):
        assert W_qutip(W3, 0.1, [1, 1, 0], kappa=kappa) == pytest.approx(ref, abs=1e-10)
    T = np.random.default_rng(1).uniform(0, 2, (20, 3))
    np.testing.assert_allclose(
        thermal_steady_states(W3, 0.3, T, kappa=0.02), thermal_steady_states(W3, 0.3, T),
        atol=1e-12,
    )


def test_permutation_symmetry_of_three_equal_cells():
    T = np.random.default_rng(2).uniform(0, 2, (30, 3))
    perms = list(itertools.permutations(range(3)))
    W = np.stack([hh.work_grid(W3, 0.1, T[:, list(q)]) for q in perms])
    assert np.ptp(W, axis=0).max() < 1e-12
    assert hh.work_grid(W3, 0.1, [0, 1, 0.5]) == pytest.approx(
        float(hh.work_grid(W3, 0.1, [0, 0.5, 1])), abs=1e-14
    )
    a, b = hh.compute_fig4a(quick=True), hh.compute_fig4b(quick=True)
    np.testing.assert_allclose(a["W"].values, b["W"].values, atol=1e-12)
    f5 = hh.compute_fig5(quick=True)["W"].values
    np.testing.assert_allclose(f5, f5.transpose(0, 2, 1), atol=1e-12)


def test_fig4_and_fig5_trends():
    ds = hh.compute_fig4a(quick=True)
    W = ds["W"].values  # (T_M, T_L)
    assert np.all(np.diff(W, axis=1) >= -1e-12)  # rises with T_L
    assert np.all(np.diff(W, axis=0) > 0 - 1e-12)  # rises with T_M
    assert np.all(W >= ds["W_weak"].values - 1e-12)  # coupling adds to the lambda -> 0 value
    f5 = hh.compute_fig5(quick=True)["W"]
    assert float(f5.sel(T_M=1.0).max()) > float(f5.sel(T_M=0.5).max())


def test_fig6_features():
    ds = hh.compute_fig6(quick=False)
    lam = ds["lambda"].values
    assert not np.any(np.isclose(lam, 0.5)) and not np.any(np.isclose(lam, 1.0))
    below = lam < 0.75
    for tm, at049, at051, zero_lo, zero_hi in [
        (0.5, 0.07407, 0.0583, 0.66, 0.90),
        (0.75, 0.09434, 0.0831, 0.70, 0.88),
        (1.0, 0.10858, 0.0999, 0.74, 0.86),
    ]:
        W = ds["W"].sel(T_M=tm).values
        assert W[0] == pytest.approx(p(1.0) * p(tm), abs=1e-3)  # lambda -> 0
        peak = lam[below][np.argmax(W[below])]
        assert 0.48 < peak < 0.5  # maximum just below lambda = omega/2
        assert W_qutip(W3, 0.49, [1, tm, 0]) == pytest.approx(at049, abs=1e-5)
        assert W_qutip(W3, 0.51, [1, tm, 0]) == pytest.approx(at051, abs=1e-4)  # the drop
        window = (lam > zero_lo + 0.01) & (lam < zero_hi - 0.01)
        assert np.all(np.abs(W[window]) < 1e-12)  # exactly zero window
        assert W[np.argmin(np.abs(lam - 0.95))] <= 2.1e-3  # tiny bump
        assert float(hh.work_grid(W3, 1.2, [1, tm, 0])) > 5e-3  # revival above lambda = 1
    np.testing.assert_allclose(
        hh.work_grid(W3, 2.0, [[1, tm, 0] for tm in (0.5, 0.75, 1.0)]),
        [0.010, 0.049, 0.053], atol=1.5e-3,
    )


def test_two_cells_model_as_printed_gives_no_work():
    """The literal two-cell model cannot produce the paper's Figs. 2-3."""
    t = np.linspace(0, 3, 31)
    T = np.stack(np.meshgrid(t, t, indexing="ij"), -1)
    for lam in (0.1, 0.4, 0.7):
        assert np.abs(hh.work_grid([1, 1], {(0, 1): lam}, T)).max() < 1e-12
    # our first reading said W == 0 on [0, 3]^2 up to lambda = 0.8; at 0.8 it is already
    # (tiny but) nonzero
    assert W_qutip([1, 1], {(0, 1): 0.8}, [0.8, 3.0]) == pytest.approx(8.618e-4, abs=1e-6)
    for lam in (-0.9, -0.5, 0.1, 0.5001, 0.9):  # W(T_L = 0) = 0 for |lambda| < omega
        assert np.abs(hh.work_grid([1, 1], {(0, 1): lam}, T[0])).max() < 1e-12
    # ... but not for lambda > omega, where |ge>, |eg> are below |gg> (the first reading
    # overstated this)
    assert W_qutip([1, 1], {(0, 1): 1.2}, [0.0, 3.0]) == pytest.approx(0.0566170, abs=1e-6)
    ds = hh.compute_fig3(quick=True)
    assert float(np.abs(ds["W"].sel(lambda_LR=0.1)).max()) < 1e-12
    assert 0 < float(ds["W"].sel(lambda_LR=-0.5).max()) < 2e-3


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(temperatures=[1, -0.1, 0]), "temperatures"),
        (dict(temperatures=[1, np.nan, 0]), "temperatures"),
        (dict(temperatures=[1, 1]), "temperatures"),
        (dict(couplings=np.ones((2, 2))), "couplings"),
        (dict(couplings=[[0, 1, 0], [0, 0, 0], [0, 0, 0]]), "symmetric"),
        (dict(couplings=np.eye(3)), "diagonal"),
        (dict(couplings={(0, 3): 0.1}), "couplings"),
        (dict(couplings={(1, 1): 0.1}), "couplings"),
        (dict(couplings={(0, 1): 0.1, (1, 0): 0.2}), "couplings"),
        (dict(couplings="x"), "couplings"),
        (dict(kappa=0.0), "kappa"),
        (dict(kappa=-1.0), "kappa"),
        (dict(omegas=[]), "omegas"),
        (dict(omegas=[[1, 1]]), "omegas"),
        (dict(spectral_density=3.0), "spectral_density"),
        (dict(spectral_density=lambda w: -w), "spectral_density"),
        (dict(spectral_density=lambda w: np.inf), "spectral_density"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(kwargs, match):
    args = dict(omegas=W3, couplings=0.1, temperatures=[1, 0.5, 0])
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        thermal_network(**args)


def test_builder_model_integrates_with_dynamics():
    m = thermal_network(W3, 0.1, [1, 1, 0])
    traj = qb.evolve(m, np.linspace(0, 40, 5))
    rho_ss = qb.steady_state(m).full()
    assert np.abs(traj.states[-1] - rho_ss).max() < 2e-3
    assert isinstance(qb.steady_state(m), qutip.Qobj)


# ----------------------------------------------------------------------------- interactions
def _explicit_network_H(omegas, lam, perp, zz):
    n = len(omegas)
    sx, sy, sz = (ops.site_operators(f(), n) for f in (ops.sigma_x, ops.sigma_y, ops.sigma_z))
    H = sum(w / 2 * s for w, s in zip(omegas, sz, strict=True))
    for i in range(n):
        for j in range(i + 1, n):
            H = H + lam[i][j] / 2 * (perp * (sx[i] * sx[j] + sy[i] * sy[j])
                                     + zz * sz[i] * sz[j])
    return H


@pytest.mark.parametrize("interaction, delta, perp, zz", [
    ("zz", None, 0.0, 1.0), ("xx", None, 1.0, 0.0), ("xxz", 0.4, 1.0, 0.4),
    ("heisenberg", None, 1.0, 1.0),
])
def test_interactions_build_the_documented_hamiltonian(interaction, delta, perp, zz):
    omegas = [1.0, 0.8, 1.3]
    lam = [[0, 0.2, 0.05], [0.2, 0, -0.1], [0.05, -0.1, 0]]
    m = thermal_network(omegas, lam, [1.0, 0.4, 0.0], interaction=interaction, delta=delta)
    H = _explicit_network_H(omegas, lam, perp, zz)
    assert (m.H - H).norm() < 1e-12 * H.norm()
    assert m.params["interaction"] == interaction
    # the fast steady state agrees with plain QuTiP on the model's operators
    ref = qutip.steadystate(m.H, list(m.c_ops)).full()
    assert np.abs(qb.steady_state(m).full() - ref).max() < 1e-10
    # and with the batched grid routine
    grid = thermal_steady_states(omegas, lam, [[1.0, 0.4, 0.0]], interaction=interaction,
                                 delta=delta)
    assert np.abs(grid[0] - ref).max() < 1e-10


def test_xx_chain_at_equal_temperatures_relaxes_to_gibbs():
    m = thermal_network([1.0, 1.0, 1.0], {(0, 1): 0.3, (1, 2): 0.3}, [0.7] * 3,
                        interaction="xx")
    G = (-m.H / 0.7).expm()
    assert np.abs(qb.steady_state(m).full() - (G / G.tr()).full()).max() < 1e-12


@pytest.mark.parametrize("kwargs, match", [
    (dict(interaction="xy"), "interaction"),
    (dict(interaction="xxz"), "delta"),
    (dict(interaction="xx", delta=0.5), "delta"),
    (dict(delta=0.5), "delta"),
    (dict(interaction="xxz", delta="0.5"), "delta"),
    (dict(master_equation="semi"), "master_equation"),
])
def test_interaction_options_are_validated(kwargs, match):
    with pytest.raises(ValueError, match=match):
        thermal_network(W3, 0.1, [1, 0.5, 0], **kwargs)


# ----------------------------------------------------------------------------- trust
def test_level_crossing_steady_state_is_refused_with_the_reason():
    """Ambiguous steady state: at lambda = omega/2 the kernel of L is two-dimensional."""
    m = thermal_network([1, 1, 1], 0.5, [.3, .6, .9])
    from qbtoolkit.thermo import kernel_dimension
    assert kernel_dimension(m.liouvillian()) == 2  # independent check of the claim
    with pytest.raises(ValueError, match="not unique.*disconnected.*evolve"):
        qb.steady_state(m)
    with pytest.raises(ValueError, match="not unique"):  # also through qutip's route
        qb.steady_state(m, method="direct")
    assert np.isnan(thermal_steady_states([1, 1, 1], 0.5, [.3, .6, .9], on_singular="nan")).all()


@pytest.mark.parametrize("c", [1e-12, 1e-10, 1e10, 1e12])
def test_network_results_do_not_depend_on_the_unit_of_energy(c):
    """Unit scaling: energies and temperatures x c change nothing but units."""
    ref = thermal_network(W3, 0.1, [1.0, 0.6, 0.0])
    m = thermal_network([c] * 3, 0.1 * c, [c, 0.6 * c, 0.0])
    assert len(m.c_ops) == len(ref.c_ops)  # no bath channel dropped
    np.testing.assert_allclose(m.params["bohr_frequencies"],
                               c * np.array(ref.params["bohr_frequencies"]), rtol=1e-12)
    assert np.abs(qb.steady_state(m).full() - qb.steady_state(ref).full()).max() < 1e-10
    W = qb.ergotropy(qb.steady_state(m), m.H) / c
    assert W == pytest.approx(qb.ergotropy(qb.steady_state(ref), ref.H), rel=1e-9)
    assert W == pytest.approx(0.050395, abs=1e-6)
