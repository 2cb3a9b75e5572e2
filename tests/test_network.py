"""N-cell networks, the block solver and Santos (2021) checks (the reconstructed network:
docs/papers/santos_2021.md)."""

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit.dynamics.backends.blocks import BlockPropagator, is_phase_covariant
from qbtoolkit.metrics.graph import (
    mean_pairwise_concurrence,
    normalised_l1_coherence,
    pair_reduced_states,
)
from qbtoolkit.models import network, network_edges
from qbtoolkit.papers.santos_2021 import closed_form_ergotropy, trajectory_metrics

T1 = np.linspace(0.0, 3.0, 601)


@pytest.mark.parametrize(
    "decay, state, expected",
    [("paper", "classical", 2 * np.log(6 / 5)),                      # 0.364643
     ("paper", "coherent", 2 * np.log(2 * (1 + np.sqrt(6)) / 5)),    # 0.643871
     ("amplitude", "classical", np.log(6 / 5)),                      # 0.182322
     ("amplitude", "coherent", np.log(8 / 5))],                      # 0.470004
)
def test_single_cell_half_lives(decay, state, expected):
    r = trajectory_metrics(network(1, initial=state, decay=decay), T1)
    assert qb.analysis.half_life(T1, r["ergotropy"]) == pytest.approx(expected, abs=1e-6)


def test_half_life_numbers_quoted_in_spec():
    assert 2 * np.log(6 / 5) == pytest.approx(0.364643, abs=1e-6)
    assert 2 * np.log(2 * (1 + np.sqrt(6)) / 5) == pytest.approx(0.643871, abs=1e-6)
    assert np.log(8 / 5) == pytest.approx(0.470004, abs=1e-6)


@pytest.mark.parametrize("state", ["classical", "coherent"])
def test_paper_convention_matches_closed_forms(state):
    r = trajectory_metrics(network(1, initial=state, decay="paper"), T1)
    assert np.allclose(r["ergotropy"] / 0.5, closed_form_ergotropy(T1, state), atol=1e-7)


@pytest.mark.parametrize("N", [1, 2, 3, 4, 5])
def test_initial_efficiency_every_N(N):
    for state, eps0 in (("classical", 2 / 3), ("coherent", 1.0)):
        m = network(N, "linear", J=2.0, gamma_collective=0.5, initial=state)
        Hb = m.H_battery
        assert qb.ergotropy(m.rho0, Hb) == pytest.approx(N / 2, abs=1e-10)
        assert qb.ergotropy(m.rho0, Hb) / qb.energy(m.rho0, Hb) == pytest.approx(eps0, abs=1e-10)


def test_phase_damping_keeps_classical_kills_coherent():
    t = np.linspace(0, 6, 61)
    pd = [qutip.num(2) * np.sqrt(2.0)]  # phase damping: coherence ~ exp(-t)
    for state in ("classical", "coherent"):
        m = network(1, initial=state, gamma=0.0)
        m = m.replace(c_ops=tuple(pd), params={**m.params, "dissipator": None})
        traj = qb.evolve(m, t, method="blocks")
        W = qb.ergotropy(traj.states, m.H_battery)
        if state == "classical":
            assert np.allclose(W, 0.5, atol=1e-12)
        else:  # Santos Eq. 10: E = (omega/2) exp(-gamma t)
            assert np.allclose(W, 0.5 * np.exp(-t), atol=1e-8)
    assert W[-1] < 2e-3


def test_spec_fig4_and_fig3_table():
    t = np.array([0.0, 0.5, 1.0, 2.0])
    ref_U = {"star": [0.571, 0.369, 0.135], "linear": [0.553, 0.349, 0.125],
             "ring": [0.544, 0.297, 0.109], "all_to_all": [0.341, 0.118, 0.030]}
    ref_eps = {"star": [0.614, 0.391, 0.186], "linear": [0.548, 0.324, 0.123],
               "ring": [0.503, 0.204, 0.047], "all_to_all": [0.277, 0.031, 0.001]}
    for top in ref_U:
        r = trajectory_metrics(network(5, top, J=2.0, gamma_collective=0.5), t)
        assert np.allclose(r["energy"][1:] / r["energy"][0], ref_U[top], atol=1.5e-3)
        assert np.allclose(r["efficiency"][1:], ref_eps[top], atol=1.5e-3)
        if top == "star":
            assert np.allclose(r["coherence"][1:3], [0.407, 0.235], atol=1.5e-3)
    eps1 = [trajectory_metrics(network(N, "linear", J=2.0, gamma_collective=0.5),
                               np.array([0.0, 1.0]))["efficiency"][1] for N in range(1, 6)]
    assert np.allclose(eps1, [0.6631, 0.3260, 0.3959, 0.3482, 0.3237], atol=2e-4)


def test_star_concurrence_birth_and_death():
    t = np.linspace(0, 0.6, 241)
    r = trajectory_metrics(network(5, "star", J=2.0, gamma_collective=0.5), t)
    c = r["concurrence"]
    assert c[0] == pytest.approx(0.0, abs=1e-12)
    assert c.max() == pytest.approx(0.215, abs=2e-3)
    death = t[np.nonzero(c > 1e-9)[0][-1]]
    assert death == pytest.approx(0.275, abs=5e-3)


@pytest.mark.parametrize("kw", [
    dict(N=4, topology="linear", J=2.0, gamma_collective=0.5),
    dict(N=4, topology="star", J=1.0, gamma_collective=0.3, coupling="xy", decay="paper",
         initial="classical"),
    dict(N=3, topology="ring", J=0.7, gamma_collective=0.2, omega=1.7, decay="paper"),
])
def test_block_solver_agrees_with_mesolve(kw):
    m = network(**kw)
    t = np.linspace(0, 2.5, 51)
    ours = qb.evolve(m, t, method="blocks")
    ref = qutip.mesolve(m.H, m.rho0, t, c_ops=list(m.c_ops),
                        options={"atol": 1e-12, "rtol": 1e-10, "progress_bar": False})
    ref_states = np.stack([s.full() for s in ref.states])
    assert np.max(np.abs(ours.states - ref_states)) < 1e-6


def test_block_solver_streaming_observables_match_stored():
    m = network(4, "ring", J=2.0, gamma_collective=0.5)
    t = np.linspace(0, 2, 21)
    full = trajectory_metrics(m, t)
    tr = qb.evolve(m, t, method="blocks", store_states=False,
        options=dict(max_bytes=3e4,
                     observables=("energy", "ergotropy", "coherence", "concurrence")))
    assert tr.states is None
    for k in ("energy", "ergotropy", "coherence", "concurrence"):
        assert np.allclose(tr.values[k], full[k], atol=1e-10)
    nonuni = np.array([0.0, 0.1, 0.35, 1.0])
    a = qb.evolve(m, nonuni, method="blocks").states
    b = qb.evolve(m, nonuni, method="expm").states
    assert np.max(np.abs(a - b)) < 1e-9


def test_block_structure_halves_the_work():
    p = BlockPropagator(network(3, "linear", J=1.0, gamma_collective=0.5))
    assert sum(b["size"] for b in p.blocks) == (4**3 + 20) // 2  # C(6,3) = 20 diagonal block
    assert is_phase_covariant(network(2))
    driven = qb.models.driven_atom() if hasattr(qb.models, "driven_atom") else None
    if driven is not None and not driven.is_whole_system:
        assert not is_phase_covariant(driven)


def test_graph_metrics_match_ptrace():
    m = network(4, "all_to_all", J=2.0, gamma_collective=0.5)
    states = qb.evolve(m, [0.0, 0.4], method="blocks").states
    red = pair_reduced_states(states, [(0, 2), (3, 1)])
    for k, (n, mm) in enumerate([(0, 2), (1, 3)]):
        ref = qutip.Qobj(states[1], dims=[[2] * 4] * 2).ptrace([n, mm]).full()
        assert np.allclose(red[1, k], ref, atol=1e-13)
    assert normalised_l1_coherence(m.rho0) == pytest.approx(1.0)
    c = mean_pairwise_concurrence(states, network_edges(4, "all_to_all"))
    assert c.shape == (2,) and c[0] == pytest.approx(0.0, abs=1e-12)


def test_topologies_and_errors():
    assert len(network_edges(5, "star")) == 4
    assert len(network_edges(5, "ring")) == 5
    assert len(network_edges(5, "all_to_all")) == 10
    assert network_edges(3, [(2, 0), (0, 2)]) == ((0, 2),)
    adj = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]])
    assert network_edges(3, adj) == network_edges(3, "star")
    with pytest.raises(ValueError, match="topology"):
        network(3, "triangle")
    with pytest.raises(ValueError, match="topology"):
        network(3, [(0, 3)])
    with pytest.raises(ValueError, match="not positive semidefinite"):
        network(5, "star", gamma_collective=0.6)
    network(5, "star", gamma_collective=0.5)  # marginal (min eigenvalue 0) is fine
    with pytest.raises(ValueError, match="decay"):
        network(2, decay="phase")
    with pytest.raises(ValueError, match="coupling"):
        network(2, coupling="heisenberg")
    with pytest.raises(ValueError, match="initial"):
        network(2, initial="thermal")
    with pytest.raises(ValueError, match="gamma"):
        network(2, gamma=-1.0)
    rho = network(2, initial=qutip.tensor(qutip.basis(2, 1), qutip.basis(2, 0))).rho0
    assert rho.dims == [[2, 2], [2, 2]]
