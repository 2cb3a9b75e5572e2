"""Closed forms of qbtoolkit.analytic: constants, identities, reference numbers (no simulation)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbtoolkit import analytic as an

THETAS = np.array([0.0, np.pi / 4, np.pi / 2, 2.0, 3 * np.pi / 4, np.pi])
JT = np.linspace(0, 2 * np.pi, 401)


def test_constants_match_paper_and_spec():
    assert an.A == pytest.approx(1.1655612, abs=1e-7)
    assert an.B == pytest.approx(0.7246114, abs=1e-7)
    assert an.C == pytest.approx(1.3991930, abs=1e-7)
    assert an.D == pytest.approx(0.6730168, abs=1e-7)
    assert an.K == pytest.approx(0.3063808, abs=1e-7)
    assert an.L == pytest.approx(0.2628612, abs=1e-7)


def test_constants_solve_their_defining_equations():
    assert np.tan(an.A) == pytest.approx(2 * an.A, rel=1e-12)
    assert an.B == pytest.approx(np.sin(an.A) ** 2 / an.A, rel=1e-14)
    assert 1 + 2 * an.C * np.tan(2 * an.C) == pytest.approx(0, abs=1e-12)
    assert np.pi / 4 < an.C < np.pi / 2
    assert an.K == pytest.approx(-an.A * np.tan(2 * an.A) / 4, rel=1e-12)
    assert an.L == pytest.approx(an.K / an.A, rel=1e-14)


def test_energy_optimum_and_power_optimum():
    for th in THETAS:
        s2 = np.sin(th / 2) ** 2
        assert an.energy(th, np.pi / 2) == pytest.approx(s2, abs=1e-15)
        assert an.power(th, an.A) == pytest.approx(an.B * s2, abs=1e-14)
        assert an.max_power(th) == pytest.approx(an.B * s2)
    assert np.all(an.energy(0.0, JT) == 0)
    # P = E/t is maximal at A (grid check)
    x = np.linspace(0.5, 2.0, 200001)
    assert x[np.argmax(an.power(np.pi, x))] == pytest.approx(an.A, abs=1e-4)


def test_energy_variance_typo_eq36():
    # corrected form: sigma_E(t_E) = sin(theta)/2 (Eq. 37); the printed Eq. 36 gives sin(theta/2)
    for th in THETAS:
        assert np.sqrt(an.energy_variance(th, np.pi / 2)) == pytest.approx(
            an.energy_std_at_tE(th), abs=1e-14
        )
    th = np.pi / 2
    assert np.sqrt(an.energy_variance_printed(th, np.pi / 2)) == pytest.approx(np.sin(th / 2))
    assert np.max(np.abs(an.energy_variance_printed(th, JT) - an.energy_variance(th, JT))) > 0.1


def test_ergotropy_closed_forms():
    # Eq. 38 at theta = pi reduces to Eq. 39
    assert np.allclose(an.ergotropy(np.pi, JT), an.ergotropy_pi(JT), atol=1e-14)
    # exact zeros of Eq. 39 on [0, pi/4] U [3pi/4, 5pi/4]
    z = np.concatenate(
        [np.linspace(0, np.pi / 4, 50), np.linspace(3 * np.pi / 4, 5 * np.pi / 4, 50)]
    )
    assert np.max(np.abs(an.ergotropy(np.pi, z))) < 1e-14
    # Fig. 3a: ergotropy(pi/4) = (sqrt3 - 1)/4 at theta = pi/2; equals E at pi/2
    assert an.ergotropy(np.pi / 2, np.pi / 4) == pytest.approx((np.sqrt(3) - 1) / 4, abs=1e-14)
    assert an.ergotropy(np.pi / 2, np.pi / 2) == pytest.approx(0.5, abs=1e-14)
    # no finite interval of zero ergotropy at theta = pi/2
    assert np.all(an.ergotropy(np.pi / 2, np.linspace(1e-3, np.pi - 1e-3, 500)) > 0)


def test_mechanism_decomposition_eqs_50_52():
    for th in THETAS:
        I, Cb = an.inversion(th, JT), an.coherence(th, JT)
        assert np.allclose(an.qubit_ergotropy(I, Cb), an.ergotropy(th, JT), atol=1e-12)
        assert np.allclose(an.qubit_capacity(I, Cb), an.capacity(th, JT), atol=1e-12)
        assert np.allclose(
            an.qubit_ergotropy(I, Cb) - an.qubit_antiergotropy(I, Cb), an.capacity(th, JT)
        )
    # Fig. 4a checks at Jt = pi/2, theta = pi/2
    assert an.inversion(np.pi / 2, np.pi / 2) == pytest.approx(0, abs=1e-15)
    assert an.coherence(np.pi / 2, np.pi / 2) == pytest.approx(0.5)
    assert an.capacity(np.pi / 2, np.pi / 2) == pytest.approx(1.0)
    # Fig. 4b: K = |cos 2Jt| = 2|I| at theta = pi
    assert np.allclose(an.capacity(np.pi, JT), np.abs(np.cos(2 * JT)), atol=1e-12)
    assert np.allclose(an.capacity(np.pi, JT), 2 * np.abs(an.inversion(np.pi, JT)), atol=1e-12)


def test_moments_give_eqs_55_56_59():
    for th in THETAS:
        m = an.charger_battery_moments(th, JT, phi=0.3, omega_t=7.0 * JT)
        assert np.allclose(np.abs(m["s_b"]), an.coherence(th, JT))
        assert np.allclose(m["n_a"] + m["n_b"], np.sin(th / 2) ** 2)
        assert np.allclose(2 * np.abs(m["ab"]), an.concurrence(th, JT))


def test_ergotropic_power_optimum():
    t, p = an.ergotropic_power_optimum(np.pi / 2)
    assert t == pytest.approx(1.323922, abs=1e-6)
    assert p == pytest.approx(0.344355, abs=1e-6)
    t, p = an.ergotropic_power_optimum(np.pi)
    assert t == pytest.approx(an.C, abs=1e-7)
    assert p == pytest.approx(an.D, abs=1e-9)
    th = np.linspace(0.05, np.pi, 40)
    t, p = an.ergotropic_power_optimum(th)
    assert np.all(np.diff(t) > 0) and np.all(np.diff(p) > 0)
    assert t[0] == pytest.approx(an.A, abs=1e-3)
    assert np.all(p < an.max_power(th))  # ergotropic power below energetic power (theta > 0)
    # Eqs. 43 and 45 approximate the exact curves (max errors 0.0054 and 0.018)
    th = np.linspace(1e-3, np.pi, 300)
    t, p = an.ergotropic_power_optimum(th)
    assert np.max(np.abs(an.optimal_ergotropic_power_time_approx(th) - t)) == pytest.approx(
        0.0054, abs=2e-4
    )
    assert np.max(np.abs(an.max_ergotropic_power_approx(th) - p)) == pytest.approx(0.018, abs=1e-3)
    assert an.optimal_ergotropic_power_time_approx(0.0) == pytest.approx(7 / 6)
    assert an.optimal_ergotropic_power_time_approx(np.pi) == pytest.approx(7 / 5)
    assert an.max_ergotropic_power_approx(np.array([0, np.pi / 2, np.pi])) == pytest.approx(
        [0, 1 / 3, 2 / 3]
    )


@pytest.mark.parametrize(
    ("g", "tE", "EtE", "tP", "PtP", "tE1", "EtE1", "tP1", "PtP1"),
    [
        (0.1, 1.546277, 0.925599, 1.135498, 0.684312, 1.545796, 0.921460, 1.134923, 0.682382),
        (0.2, 1.522680, 0.858758, 1.106547, 0.647569, None, None, None, None),
    ],
)
def test_section8_table(g, tE, EtE, tP, PtP, tE1, EtE1, tP1, PtP1):
    J = 1.0
    assert an.damped_optimal_energy_time(J, g) == pytest.approx(tE, abs=1e-6)
    assert an.damped_max_energy(np.pi, J, g) == pytest.approx(EtE, abs=1e-6)
    t, p = an.damped_power_optimum(np.pi, J, g)
    assert t == pytest.approx(tP, abs=1e-6)
    assert p == pytest.approx(PtP, abs=1e-6)
    if tE1 is not None:
        assert an.damped_optimal_energy_time_approx(J, g) == pytest.approx(tE1, abs=1e-6)
        assert an.damped_max_energy_approx(np.pi, J, g) == pytest.approx(EtE1, abs=1e-6)
        assert an.damped_optimal_power_time_approx(J, g) == pytest.approx(tP1, abs=1e-6)
        assert an.damped_max_power_approx(np.pi, J, g) == pytest.approx(PtP1, abs=1e-6)


def test_damped_reduces_to_lossless_and_rejects_overdamping():
    t = JT
    for th in THETAS:
        assert np.allclose(an.damped_energy(th, t, 1.0, 0.0), an.energy(th, t))
        assert np.allclose(an.damped_ergotropy(th, t, 1.0, 0.0), an.ergotropy(th, t), atol=1e-12)
        assert np.allclose(an.damped_capacity(th, t, 1.0, 0.0), an.capacity(th, t), atol=1e-12)
    assert an.damped_optimal_energy_time(1.0, 0.0) == pytest.approx(np.pi / 2)
    assert an.damped_power_optimum(np.pi, 1.0, 0.0)[0] == pytest.approx(an.A, abs=1e-10)
    with pytest.raises(ValueError, match="gamma"):
        an.damped_frequency(1.0, 4.0)


@settings(max_examples=40, deadline=None)
@given(st.floats(0, np.pi), st.floats(0, 10), st.floats(0, 3.9))
def test_damped_bounds(theta, t, g):
    # 0 <= ergotropy <= energy <= omega and capacity in [0, 1]
    e = an.damped_energy(theta, t, 1.0, g)
    w = an.damped_ergotropy(theta, t, 1.0, g)
    k = an.damped_capacity(theta, t, 1.0, g)
    assert -1e-12 <= w <= e + 1e-12 <= 1 + 1e-12
    assert -1e-12 <= k <= 1 + 1e-12


# ----------------------------------------------------------------------------- 000-A atom


def test_atom_closed_forms():
    Wt = np.linspace(0, 4 * np.pi, 101)
    p = an.atom_rabi_population(Wt)
    assert np.allclose(p, np.sin(Wt / 2) ** 2)
    assert np.allclose(an.atom_rabi_coherence(Wt) ** 2, 4 * p * (1 - p))
    assert np.allclose(an.atom_rabi_coherence(Wt), np.abs(np.sin(Wt)), atol=1e-7)
    # free decay: one-to-one energy-coherence map
    gt = np.linspace(0, 5, 51)
    for pp in (0.3, 0.5, 0.9):
        assert np.allclose(
            an.atom_energy_from_coherence(an.atom_decay_coherence(gt, pp), pp),
            an.atom_decay_energy(gt, pp),
        )
        # half-life of the ergotropy
        th = an.atom_ergotropy_half_life(pp)
        assert an.atom_decay_ergotropy(th, pp) == pytest.approx(pp / 2, abs=1e-14)
    assert an.atom_ergotropy_half_life(0.5) == pytest.approx(np.log(8 / 5), abs=1e-15)
    assert an.atom_ergotropy_half_life(0.5) == pytest.approx(0.4700, abs=1e-4)
    assert an.atom_incoherent_death_time(0.9) == pytest.approx(np.log(1.8))
    with pytest.raises(ValueError, match="p"):
        an.atom_incoherent_death_time(0.4)
    # late-time ergotropy/energy -> 1 - p
    assert an.atom_decay_ergotropy(40.0, 0.7) / an.atom_decay_energy(40.0, 0.7) == pytest.approx(
        0.3, rel=1e-6
    )


def test_atom_steady_state_closed_forms():
    x = np.linspace(0.01, 5, 2001)
    e = an.atom_steady_ergotropy(x, 1.0)
    assert np.allclose(e, (np.sqrt(1 + 4 * x**2) - 1) / (2 * (1 + 2 * x**2)))
    assert np.allclose(an.atom_steady_population(x, 1.0), x**2 / (1 + 2 * x**2))
    assert np.allclose(an.atom_steady_coherence(x, 1.0), 2 * x / (1 + 2 * x**2))
    xs, es = an.atom_steady_ergotropy_max()
    assert xs == pytest.approx(1.0987, abs=1e-4)
    assert es == pytest.approx(0.20711, abs=1e-5)
    assert x[np.argmax(e)] == pytest.approx(xs, abs=3e-3)
    assert np.max(e) <= es
    assert an.atom_steady_ergotropy(xs, 1.0) == pytest.approx(es, abs=1e-14)
    assert an.atom_steady_ergotropy(1.0, 1.0) == pytest.approx(0.20601, abs=1e-5)
    assert np.all(an.atom_steady_population(x, 1.0) < 0.5)
