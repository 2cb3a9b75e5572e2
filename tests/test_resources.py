"""Two-qubit resources (steering, CHSH, texture) and the Wang et al. (2026) XXZ battery.

Closed forms: Werner states; product states; the parameter-free curves of the reconstructed
Wang et al. (2026) model
K_b = 2 omega_b sqrt(1 - C^2), F3 = sqrt(1 + 2 C^2), B = 2 sqrt(1 + C^2),
T_tr(rho_b) = sqrt(2 - C^2) / 2, C_l1 = C.
"""

from __future__ import annotations

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st

import qbtoolkit as qb
from qbtoolkit import ops
from qbtoolkit.metrics.nonlocality import correlation_matrix

ATOL = 1e-10


def werner(p: np.ndarray) -> np.ndarray:
    psi_minus = (
        ops.product_state([ops.ground(), ops.excited()])
        - ops.product_state([ops.excited(), ops.ground()])
    ).unit()
    P = qutip.ket2dm(psi_minus).full()
    p = np.asarray(p, dtype=float)[..., None, None]
    return p * P + (1 - p) * np.eye(4) / 4


P_GRID = np.linspace(0.0, 1.0, 21)


def test_werner_chsh_steering_concurrence():
    W = werner(P_GRID)
    np.testing.assert_allclose(qb.bell_chsh(W), 2 * np.sqrt(2) * P_GRID, atol=ATOL)
    np.testing.assert_allclose(qb.steering(W), np.sqrt(3) * P_GRID, atol=ATOL)
    np.testing.assert_allclose(
        qb.concurrence(W), np.maximum(0.0, (3 * P_GRID - 1) / 2), atol=1e-8
    )
    # thresholds: steerable (F3 > 1) iff p > 1/sqrt3, CHSH-violating iff p > 1/sqrt2
    assert qb.steering(werner(0.58)) > 1 > qb.steering(werner(0.57))
    assert qb.bell_chsh(werner(0.71)) > 2 > qb.bell_chsh(werner(0.70))


def test_single_state_returns_float_and_correlation_matrix():
    psi = qutip.ket2dm(ops.product_state([ops.ground(), ops.excited()]))
    assert isinstance(qb.steering(psi), float)
    T = correlation_matrix(psi)
    np.testing.assert_allclose(T, np.diag([0.0, 0.0, -1.0]), atol=ATOL)


def _bloch_dm(theta: float, phi: float, r: float) -> np.ndarray:
    n = np.array([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)])
    paulis = [ops.sigma_x().full(), ops.sigma_y().full(), ops.sigma_z().full()]
    return 0.5 * (np.eye(2) + r * sum(c * s for c, s in zip(n, paulis, strict=True)))


angle = st.floats(0, np.pi)
radius = st.floats(0, 1)


@settings(max_examples=60, deadline=None)
@given(angle, angle, radius, angle, angle, radius)
def test_product_states_never_steer_or_violate(t1, p1, r1, t2, p2, r2):
    rho = np.kron(_bloch_dm(t1, 2 * p1, r1), _bloch_dm(t2, 2 * p2, r2))
    F3 = qb.steering(rho)
    assert F3 <= 1 + 1e-12
    np.testing.assert_allclose(F3, r1 * r2, atol=1e-10)  # F3 = |r_A| |r_B|
    assert qb.bell_chsh(rho) <= 2 + 1e-12


def test_bell_states_maximal():
    for sign in (1, -1):
        phi = (ops.product_state([ops.ground()] * 2) + sign * ops.product_state(
            [ops.excited()] * 2)).unit()
        assert qb.steering(phi) == pytest.approx(np.sqrt(3), abs=ATOL)
        assert qb.bell_chsh(phi) == pytest.approx(2 * np.sqrt(2), abs=ATOL)


def test_nonlocality_rejects_wrong_dimension():
    with pytest.raises(ValueError, match="two-qubit"):
        qb.steering(np.eye(8) / 8)
    with pytest.raises(ValueError, match="rho"):
        qb.bell_chsh(np.eye(4))  # trace 4


def test_state_texture_closed_forms():
    plus = (ops.ground() + ops.excited()).unit()
    assert qb.state_texture(plus) == pytest.approx(0.0, abs=ATOL)  # f_1 is textureless
    assert qb.state_texture(ops.ground()) == pytest.approx(np.sqrt(0.5), abs=ATOL)
    assert qb.state_texture(np.eye(2) / 2) == pytest.approx(0.5, abs=ATOL)
    # pure states: T = sqrt(1 - |<f1|psi>|^2); maximally mixed: 1/2 ||1/d - f1|| = 1 - 1/d
    rng = np.random.default_rng(1)
    for d in (2, 3, 4, 8):
        v = rng.normal(size=d) + 1j * rng.normal(size=d)
        v /= np.linalg.norm(v)
        f1 = np.ones(d) / np.sqrt(d)
        expected = np.sqrt(1 - abs(f1 @ v) ** 2)
        assert qb.state_texture(v) == pytest.approx(expected, abs=1e-10)
        assert qb.state_texture(np.eye(d) / d) == pytest.approx(1 - 1 / d, abs=1e-10)
    # a qubit with Bloch vector r has T = |r - e_x| / 2 (batched call)
    thetas = np.linspace(0, np.pi, 7)
    batch = np.stack([_bloch_dm(t, 0.3, 0.8) for t in thetas])
    r = 0.8 * np.stack([np.sin(thetas) * np.cos(0.3), np.sin(thetas) * np.sin(0.3),
                        np.cos(thetas)], axis=-1)
    np.testing.assert_allclose(
        qb.state_texture(batch), np.linalg.norm(r - [1, 0, 0], axis=-1) / 2, atol=1e-12
    )


def test_state_texture_reference_basis():
    # in the basis {|+>, |->}, |+> is a basis state, not textureless
    plus = (ops.ground() + ops.excited()).unit()
    minus = (ops.ground() - ops.excited()).unit()
    assert qb.state_texture(plus, basis=[plus, minus]) == pytest.approx(np.sqrt(0.5), abs=ATOL)
    # the phases of the basis vectors matter: |e> = (|+> - |->)/sqrt2 is the flat f_1 of the
    # basis {|+>, -|->} (T = 0) but orthogonal to the f_1 of {|+>, |->} (T = 1)
    e = ops.excited()
    assert qb.state_texture(e, basis=[plus, -minus]) == pytest.approx(0.0, abs=ATOL)
    assert qb.state_texture(e, basis=[plus, minus]) == pytest.approx(1.0, abs=ATOL)
    # ... so H, whose eigenvectors have no definite phases, is refused
    with pytest.raises(ValueError, match="state_texture does not accept H.*basis="):
        qb.state_texture(plus, H=ops.sigma_x())


# --------------------------------------------------------------------------- XXZ battery


def _xxz_run(omega_b=1.0, omega_c=1.0, J1=0.3, J2=0.2, n=241):
    model = qb.models.xxz_charger_battery(omega_b, omega_c, J1, J2)
    Omega = np.hypot(omega_b - omega_c, J1)
    traj = qb.evolve(model, np.linspace(0, 2 * np.pi / Omega, n), method="expm")
    return model, traj


def test_xxz_builder_conventions():
    m = qb.models.xxz_charger_battery(1.0, 0.8, 0.3, 0.2)
    assert m.battery == (1,) and m.dims == [2, 2]
    # H_b = -omega_b sigma_z^paper = +omega_b sigma_z (toolkit): ground |g> is index 0
    np.testing.assert_allclose(m.H_battery.full(), np.diag([-1.0, 1.0]), atol=0)
    # initial state |e>_c |g>_b
    np.testing.assert_allclose(m.rho0.diag(), [0, 0, 1, 0], atol=1e-15)
    with pytest.raises(ValueError, match="omega_b"):
        qb.models.xxz_charger_battery(omega_b=-1.0)
    with pytest.raises(ValueError, match="gamma_c"):
        qb.models.xxz_charger_battery(gamma_c=-0.1)


@pytest.mark.parametrize(
    "params",
    [
        dict(J1=0.3, J2=0.2),
        dict(J1=0.7, J2=-1.1),
        dict(omega_c=0.8, J1=0.3, J2=0.5),  # detuned
        dict(omega_b=2.0, omega_c=1.4, J1=0.9, J2=0.0),
    ],
)
def test_xxz_parameter_free_curves(params):
    """Wang et al. (2026): capacity vs every resource is one curve, independent of J1, J2 and
    the detuning."""
    model, traj = _xxz_run(**params)
    wb = model.params["omega_b"]
    rho, rho_b = traj.states, traj.battery_states
    C = qb.concurrence(rho)
    np.testing.assert_allclose(qb.capacity(rho_b, model.H_battery), 2 * wb * np.sqrt(
        np.clip(1 - C**2, 0, None)), atol=1e-7)
    np.testing.assert_allclose(qb.steering(rho), np.sqrt(1 + 2 * C**2), atol=1e-9)
    np.testing.assert_allclose(qb.bell_chsh(rho), 2 * np.sqrt(1 + C**2), atol=1e-9)
    np.testing.assert_allclose(qb.l1_coherence(rho), C, atol=1e-9)
    np.testing.assert_allclose(qb.state_texture(rho_b), np.sqrt(2 - C**2) / 2, atol=1e-9)


def test_xxz_resonant_landmarks_and_j2_independence():
    model, traj = _xxz_run(J1=0.3, J2=0.2, n=9)  # J1 t = k pi/4 on the grid
    Kb = qb.capacity(traj.battery_states, model.H_battery)
    C = qb.concurrence(traj.states)
    # J1 t = pi/4: C = 1, K = 0, F3 = sqrt3, B = 2 sqrt2, T_tr(rho_b) = 1/2
    assert C[1] == pytest.approx(1.0, abs=1e-9) and Kb[1] == pytest.approx(0.0, abs=1e-6)
    assert qb.steering(traj.states[1]) == pytest.approx(np.sqrt(3), abs=1e-9)
    assert qb.bell_chsh(traj.states[1]) == pytest.approx(2 * np.sqrt(2), abs=1e-9)
    assert qb.state_texture(traj.battery_states[1]) == pytest.approx(0.5, abs=1e-9)
    # J1 t = pi/2: full charge, K_b = 2 omega_b, no resources
    assert Kb[2] == pytest.approx(2.0, abs=1e-9) and C[2] == pytest.approx(0.0, abs=1e-9)
    assert qb.energy(traj.battery_states[2], model.H_battery) == pytest.approx(1.0, abs=1e-9)
    # full-state texture is constant sqrt3/2 on resonance (Wang et al. 2026, reconstructed)
    np.testing.assert_allclose(qb.state_texture(traj.states), np.sqrt(3) / 2, atol=1e-9)
    # J2 only adds a phase: battery states identical for another J2
    _, traj2 = _xxz_run(J1=0.3, J2=-0.9, n=9)
    np.testing.assert_allclose(traj2.battery_states, traj.battery_states, atol=1e-9)


def test_xxz_imaginarity_detuned_loop():
    """Wang et al. (2026), reconstruction: at Omega t = pi/2 the imaginarity vanishes but
    C = 2|Delta|J1/Omega^2."""
    J1, delta = 0.3, 0.2
    model = qb.models.xxz_charger_battery(1.0 + delta, 1.0, J1, 0.1)
    Om = np.hypot(delta, J1)
    traj = qb.evolve(model, np.array([0.0, np.pi / (2 * Om)]), method="expm")
    rho = traj.states[-1]
    assert qb.imaginarity(rho) == pytest.approx(0.0, abs=1e-9)
    assert qb.concurrence(rho) == pytest.approx(0.9231, abs=1e-4)
    assert qb.capacity(traj.battery_states[-1], model.H_battery) / (
        2 * model.params["omega_b"]) == pytest.approx(0.3846, abs=1e-4)


def test_wang_recipe_quick():
    from qbtoolkit import papers

    data = papers.get("wang_2026/resources").compute(quick=True)
    assert float(data["max_dev_curves"]) < 1e-6
