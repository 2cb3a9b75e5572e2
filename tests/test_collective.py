"""Parallel vs collective charging, the advantage ratio Gamma (the Binder/Campaioli ratio,
reconstructed from the Rabat group's abstract) and permutation-invariant ergotropy.
"""

from __future__ import annotations

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit import analysis, ops
from qbtoolkit.dynamics import max_average_power, quantum_advantage
from qbtoolkit.metrics.dicke import dicke_blocks, permutation_invariant_ergotropy
from qbtoolkit.models.collective import (
    collective_battery,
    parallel_battery,
    piqs_charging,
    tavis_cummings_charging,
)

B_CONST = 0.7246114  # max sin^2(x)/x (Downing & Ukhtary's constant B)
TL = np.linspace(0.0, 8.0, 401)  # Omega t


def _gamma(coll, N):
    return quantum_advantage(max_average_power(coll, TL)[1],
                             max_average_power(parallel_battery(N), TL)[1])


def test_parallel_power_closed_form():
    for N in (1, 2, 3):
        tP, P = max_average_power(parallel_battery(N), TL)
        assert P == pytest.approx(N * 0.5 * B_CONST, abs=2e-6)  # N omega0 (Omega/2) B
        assert tP == pytest.approx(2 * 1.1655612, abs=1e-4)


@pytest.mark.parametrize("N", [2, 3])
def test_gamma_is_one_without_interaction(N):
    assert _gamma(collective_battery(N, "spin_chain", J=0.0, Jz=0.0), N) == pytest.approx(
        1.0, abs=1e-9)


def test_global_swap_n2_gives_two():
    tP, P = max_average_power(collective_battery(2, "global_swap"), TL)
    assert P == pytest.approx(2 * B_CONST, abs=2e-6)  # 2 omega0 Omega_g B with Omega_g = Omega
    assert _gamma(collective_battery(2, "global_swap"), 2) == pytest.approx(2.000, abs=1e-5)
    # Gamma = N for the norm-matched global swap (Campaioli bound)
    assert _gamma(collective_battery(3, "global_swap"), 3) == pytest.approx(3.000, abs=1e-5)


def test_interaction_correction_depends_on_J_minus_2Jz_for_n2():
    """N = 2: the drive stays in the triplet, whose middle level is shifted by J - 2 Jz."""
    g1 = _gamma(collective_battery(2, "spin_chain", J=0.6, Jz=0.0), 2)
    g2 = _gamma(collective_battery(2, "spin_chain", J=0.0, Jz=-0.3), 2)
    g3 = _gamma(collective_battery(2, "spin_chain", J=1.0, Jz=0.2), 2)
    assert g1 == pytest.approx(g2, abs=1e-7) and g1 == pytest.approx(g3, abs=1e-7)
    assert abs(g1 - 1.0) > 1e-2  # a genuine interaction-induced correction


def test_builder_validation():
    with pytest.raises(ValueError, match="kind"):
        collective_battery(3, "ring")
    with pytest.raises(ValueError, match="N"):
        collective_battery(1, "spin_chain")
    with pytest.raises(ValueError, match="Omega"):
        parallel_battery(2, Omega=0.0)
    with pytest.raises(ValueError, match="g"):
        collective_battery(2, "tavis_cummings", g=-1.0)
    with pytest.raises(ValueError, match="basis"):
        permutation_invariant_ergotropy(np.eye(3) / 3, 2, basis="full")
    with pytest.raises(ValueError, match="dimension"):
        permutation_invariant_ergotropy(np.eye(3) / 3, 2, basis="piqs")  # nds(2) = 4


def test_dicke_block_degeneracies_sum_to_full_space():
    from qutip import piqs

    for N in (1, 2, 5, 8, 40):
        blocks = dicke_blocks(N)
        assert sum(b.size for b in blocks) == piqs.num_dicke_states(N)
        assert sum(b.size * b.degeneracy for b in blocks) == pytest.approx(2.0**N, rel=1e-12)
        for b in blocks:
            assert b.degeneracy == pytest.approx(float(piqs.state_degeneracy(N, b.j)), rel=1e-12)


# ------------------------------------------------------------------ reduced vs full 2^N


def _tc_full(N, tlist, g):
    """Tavis-Cummings in the full cavity (x) 2^N space with toolkit operators."""
    dims = [N + 1] + [2] * N
    a = ops.embed(qutip.destroy(N + 1), 0, N + 1, dims)
    sms = [ops.embed(ops.sigma_minus(), i + 1, N + 1, dims) for i in range(N)]
    H = a.dag() * a + sum(s.dag() * s for s in sms)
    H += g * sum(s.dag() * a + a.dag() * s for s in sms)
    psi0 = qutip.tensor([qutip.basis(N + 1, N)] + [ops.ground()] * N)
    res = qutip.sesolve(H, psi0, tlist, options={"atol": 1e-11, "rtol": 1e-9})
    kets = np.stack([s.full().ravel() for s in res.states]).reshape(len(tlist), N + 1, 2**N)
    rho = np.einsum("tca,tcb->tab", kets, kets.conj())
    Hb = sum(ops.site_operators(ops.number(), N))
    return qb.energy(rho, Hb), qb.ergotropy(rho, Hb)


@pytest.mark.parametrize("N", [2, 5, 8])
def test_tavis_cummings_reduced_vs_full(N):
    g = 0.05
    t = np.linspace(0.0, 2.5 / (g * np.sqrt(N)), 6)
    red = tavis_cummings_charging(N, t, g=g)
    E, erg = _tc_full(N, t, g)
    np.testing.assert_allclose(red["energy"], E, atol=1e-7)
    np.testing.assert_allclose(red["ergotropy"], erg, atol=1e-7)
    # the naive (stored-matrix) ergotropy misses the binomial degeneracy of H_B
    assert np.max(np.abs(red["ergotropy_naive"] - erg)) > 0.05
    # and the BatteryModel route agrees with the sector route
    model = collective_battery(N, "tavis_cummings", g=g)
    traj = qb.evolve(model, t, method="expm") if N <= 5 else None
    if traj is not None:
        np.testing.assert_allclose(
            permutation_invariant_ergotropy(traj.battery_states, N, basis="symmetric"), erg,
            atol=1e-7)


def _open_full(N, t, Omega, chi, emission, dephasing):
    sx = ops.site_operators(ops.sigma_x(), N)
    sz = ops.site_operators(ops.sigma_z(), N)
    sm = ops.site_operators(ops.sigma_minus(), N)
    H = Omega * 0.5 * sum(sx) + chi * (0.5 * sum(sz)) ** 2
    c_ops = [np.sqrt(emission) * s for s in sm] + [np.sqrt(dephasing) / 2 * z for z in sz]
    rho0 = qutip.ket2dm(ops.product_state([ops.ground()] * N))
    res = qutip.mesolve(H, rho0, t, c_ops=c_ops, options={"atol": 1e-10, "rtol": 1e-8})
    rho = np.stack([s.full() for s in res.states])
    Hb = sum(ops.site_operators(ops.number(), N))
    return qb.energy(rho, Hb), qb.ergotropy(rho, Hb)


@pytest.mark.parametrize("N", [3, 6])
def test_piqs_open_reduced_vs_full(N):
    """Local decay/dephasing populate every j block: degeneracies matter (the trap)."""
    kw = {"Omega": 1.0, "chi": 0.5, "emission": 0.2, "dephasing": 0.4}
    t = np.linspace(0.0, 4.0, 9)
    red = piqs_charging(N, t, **kw)
    E, erg = _open_full(N, t, **kw)
    np.testing.assert_allclose(red["energy"], E, atol=1e-6)
    np.testing.assert_allclose(red["ergotropy"], erg, atol=1e-6)
    # naive ergotropy of the PIQS matrix overestimates (concentrated spectrum)
    assert np.max(red["ergotropy_naive"] - erg) > 0.01


def test_permutation_invariant_ergotropy_large_n_closed_form():
    """Diagonal symmetric state: passive = omega (1 - p_max) (ground + N single-excitation
    states suffice), so ergotropy = E - omega (1 - p_max); N = 120."""
    N = 120
    rng = np.random.default_rng(3)
    p = rng.random(N + 1) ** 4
    p /= p.sum()
    rho = np.diag(p)
    E = p @ np.arange(N + 1)
    assert permutation_invariant_ergotropy(rho, N, 2.0, basis="symmetric") == pytest.approx(
        2.0 * (E - (1 - p.max())), rel=1e-12)
    # a pure symmetric state: the passive state is the ground state, ergotropy = energy
    psi = rng.normal(size=N + 1) + 1j * rng.normal(size=N + 1)
    psi /= np.linalg.norm(psi)
    Epsi = np.abs(psi) ** 2 @ np.arange(N + 1)
    assert permutation_invariant_ergotropy(psi, N, basis="symmetric") == pytest.approx(
        Epsi, rel=1e-10)


def test_tavis_cummings_sqrt_n_scaling_at_n100():
    """Gamma(N) = P_TC(N) / (N P_TC(1)) ~ 0.80 sqrt(N) (Ferraro et al. 2018 anchor)."""
    g = 0.05

    def pmax(N):
        t = np.linspace(0.0, 3.0 / (g * np.sqrt(N)), 800)
        return analysis.optimal_power(t, tavis_cummings_charging(N, t, g=g)["energy"])[1]

    P1 = pmax(1)
    assert P1 == pytest.approx(g * B_CONST, rel=1e-6)  # one qubit, one photon: sin^2(g t)
    G100 = pmax(100) / (100 * P1)
    G64 = pmax(64) / (64 * P1)
    assert G100 / 10 == pytest.approx(0.805, abs=0.005)
    slope = np.log(G100 / G64) / np.log(100 / 64)
    assert slope == pytest.approx(0.5, abs=0.01)


def test_dicke_kind_close_to_tc_in_weak_coupling():
    t = np.linspace(0.0, 30.0, 7)
    tc = collective_battery(2, "tavis_cummings", g=0.01)
    dk = collective_battery(2, "dicke", g=0.01)
    E_tc = qb.energy(qb.evolve(tc, t, method="expm").battery_states, tc.H_battery)
    E_dk = qb.energy(qb.evolve(dk, t, method="expm").battery_states, dk.H_battery)
    np.testing.assert_allclose(E_dk, E_tc, atol=0.02)


def test_collective_recipes_quick():
    from qbtoolkit import papers

    ds = papers.get("rabat_2026_collective/gamma_vs_J").compute(quick=True)
    assert float(ds["Gamma"].sel(J=0.0, Jz=0.0).min()) == pytest.approx(1.0, abs=1e-6)
    assert ds.attrs["Gamma_global_swap_N2"] == pytest.approx(2.0, abs=1e-5)
    ds = papers.get("rabat_2026_collective/gamma_vs_N").compute(quick=True)
    assert float(ds["Gamma_TC"][0]) == 1.0
    np.testing.assert_allclose(ds["Gamma_swap"], ds["N_full"], atol=1e-5)
    np.testing.assert_allclose(ds["Gamma_free"], 1.0, atol=1e-6)


# ------------------------------------------------------------------ advantage with cell decay


def test_advantage_with_decay_is_one_for_one_cell():
    """N = 1: the collective charger (PIQS Dicke basis, superoperator dissipation) against the
    parallel cell built in the full cavity (x) qubit space: two routes, Gamma = 1."""
    from qbtoolkit.papers.rabat_2026_collective import advantage_with_decay

    for kw in ({"gamma": 0.02}, {"gamma": 0.01, "gamma_phi": 0.02, "kappa": 0.005}):
        ds = advantage_with_decay([1], g=0.05, basis="piqs", points=121, **kw)
        assert float(ds["Gamma"][0]) == pytest.approx(1.0, abs=1e-9)
        ds = advantage_with_decay([1], g=0.05, basis="piqs", points=121, ergotropic=True, **kw)
        assert float(ds["Gamma"][0]) == pytest.approx(1.0, abs=1e-9)


def test_advantage_with_decay_free_limit_equals_closed_tavis_cummings():
    """gamma = gamma_phi = kappa = 0: the ratio from evolved models (symmetric subspace and
    PIQS basis) equals the one from the closed-form sector route tavis_cummings_charging."""
    from qbtoolkit.papers.rabat_2026_collective import advantage_with_decay

    g, Ns, points = 0.05, [1, 2, 3, 5], 161

    def pmax(N):
        t = np.linspace(0.0, 3.0 / (g * np.sqrt(N)), points)
        return analysis.optimal_power(t, tavis_cummings_charging(N, t, g=g)["energy"])[1]

    ref = np.array([pmax(N) / (N * pmax(1)) for N in Ns])
    sym = advantage_with_decay(Ns, g=g, points=points)
    np.testing.assert_allclose(sym["Gamma"], ref, rtol=1e-8)
    piqs_route = advantage_with_decay(Ns[:3], g=g, points=points, basis="piqs")
    np.testing.assert_allclose(piqs_route["Gamma"], ref[:3], rtol=1e-8)
    assert ref[-1] > 1.5  # the collective advantage is real


def test_cell_decay_lowers_every_power():
    from qbtoolkit.papers.rabat_2026_collective import advantage_with_decay

    closed = advantage_with_decay([1, 2, 4], g=0.05, points=121)
    lossy = advantage_with_decay([1, 2, 4], g=0.05, gamma=0.02, points=121)
    assert np.all(lossy["P_max"] < closed["P_max"])
    assert lossy.attrs["P_cell"] < closed.attrs["P_cell"]
    # the single cell charges slowest, so it loses most: Gamma grows with decay
    assert np.all(lossy["Gamma"][1:] > closed["Gamma"][1:])
