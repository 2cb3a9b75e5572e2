"""Fast network solvers: Taylor block propagator and the permutation-symmetric (Dicke) route."""

import tracemalloc

import numpy as np
import pytest
import qutip
import scipy.linalg as sla
import scipy.sparse as sp

import qbtoolkit as qb
from qbtoolkit.dynamics.backends.blocks import BlockPropagator
from qbtoolkit.dynamics.backends.permutation import (
    _dicke_generator,
    _dicke_layout,
    _piqs_generator,
    network_permutation_dynamics,
    permutation_liouvillian,
)
from qbtoolkit.dynamics.backends.taylor import TaylorPropagator
from qbtoolkit.metrics.graph import pair_reduced_states
from qbtoolkit.models import network

SANTOS = dict(J=2.0, gamma_collective=0.5)
OBS = ("energy", "ergotropy", "efficiency")


def test_taylor_propagator_exact_on_random_generator():
    rng = np.random.default_rng(1)
    n = 30
    A = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    A = sp.csr_matrix(A - 3 * np.eye(n))
    v0 = rng.normal(size=n) + 0j
    t = np.array([0.0, 0.013, 0.02, 0.5, 0.51, 1.7, 2.0])  # non-uniform, some tiny steps
    prop = TaylorPropagator(A, segments=[(0, 10, 2.5)], tol=1e-13)
    got = np.empty((len(t), n), dtype=complex)
    for sl, V in prop.run(v0, t, max_rows=2):
        got[sl] = V
    ref = np.stack([sla.expm(A.toarray() * s) @ v0 for s in t])
    ref[:, :10] *= np.exp(-2.5j * t)[:, None]
    assert np.max(np.abs(got - ref)) < 1e-10 * np.abs(ref).max()
    assert prop.norm1 == pytest.approx(
        np.abs(A.toarray() - prop.mu * np.eye(n)).sum(axis=0).max())
    late = np.array([0.7, 1.7])  # first output after t = 0
    out = np.concatenate([V for _, V in prop.run(v0, late)])
    ref = np.stack([sla.expm(A.toarray() * s) @ v0 for s in late])
    ref[:, :10] *= np.exp(-2.5j * late)[:, None]
    assert np.max(np.abs(out - ref)) < 1e-10 * np.abs(ref).max()


def test_taylor_propagator_real_linear_and_matrix_free_blocks():
    # v' = A v + B conj(v) (a Hermitian state on one triangle) against the real 2n x 2n
    # exponential, and the same map given matrix-free
    rng = np.random.default_rng(2)
    n = 12
    A = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)) - 2 * np.eye(n)
    B = 0.5 * (rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    R = np.block([[A.real + B.real, -A.imag + B.imag], [A.imag + B.imag, A.real - B.real]])
    v0 = rng.normal(size=n) + 1j * rng.normal(size=n)
    t = np.array([0.0, 0.3, 1.1, 4.0])
    ref = np.stack([sla.expm(R * s) @ np.concatenate([v0.real, v0.imag]) for s in t])
    ref = ref[:, :n] + 1j * ref[:, n:]
    prop = TaylorPropagator([(sp.csr_matrix(A), sp.csr_matrix(B))], tol=1e-13)
    got = np.concatenate([V for _, V in prop.run(v0, t)])
    assert np.max(np.abs(got - ref)) < 1e-10 * np.abs(ref).max()
    assert prop.mu.imag == 0.0

    class Op:
        mu = float(np.trace(A).real / n)
        norm1 = float((np.abs(A - mu * np.eye(n)) + np.abs(B)).sum(axis=0).max())

        def __init__(self):
            self.n = n

        def apply_shifted(self, x, out):
            out[...] = A @ x + B @ x.conj() - self.mu * x

    got = np.concatenate([V for _, V in TaylorPropagator(Op(), tol=1e-13).run(v0, t)])
    assert np.max(np.abs(got - ref)) < 1e-10 * np.abs(ref).max()


def test_taylor_windows_grow_for_oscillating_generators():
    # an anti-Hermitian generator: the terms' sum stays small, so windows lengthen and the
    # number of products falls below the fixed-window count
    rng = np.random.default_rng(3)
    n = 40
    Hm = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    A = sp.csr_matrix(-1j * (Hm + Hm.conj().T))
    v0 = rng.normal(size=n) + 0j
    t = np.linspace(0, 10, 11)
    adaptive = TaylorPropagator(A, tol=1e-13)
    fixed = TaylorPropagator(A, tol=1e-13)
    fixed.x_cap = fixed.x_max
    a = np.concatenate([V for _, V in adaptive.run(v0, t)])
    b = np.concatenate([V for _, V in fixed.run(v0, t)])
    ref = np.stack([sla.expm(A.toarray() * s) @ v0 for s in t])
    assert np.max(np.abs(a - ref)) < 1e-10 * np.abs(ref).max()
    assert np.max(np.abs(b - ref)) < 1e-10 * np.abs(ref).max()
    assert adaptive.matvecs < 0.9 * fixed.matvecs


def test_blocks_agree_with_mesolve_tight():
    m = network(5, "linear", initial="coherent", **SANTOS)
    t = np.linspace(0, 3, 31)
    ours = qb.evolve(m, t, method="blocks").states
    ref = qutip.mesolve(m.H, m.rho0, t, c_ops=list(m.c_ops),
                        options={"atol": 1e-12, "rtol": 1e-10, "progress_bar": False})
    assert np.max(np.abs(ours - np.stack([s.full() for s in ref.states]))) < 1e-8


def test_blocks_agree_with_dense_expm_n6_and_stream():
    m = network(6, "ring", initial="classical", decay="paper", coupling="xy", **SANTOS)
    t = np.linspace(0, 2, 41)
    ref = qb.evolve(m, t, method="expm").states
    tr = qb.evolve(m, t, method="blocks")
    assert np.max(np.abs(tr.states - ref)) < 1e-10
    Hb = m.H_battery.full()
    s = qb.evolve(m, t, method="blocks", store_states=False,
        options=dict(max_bytes=2e5, observables=OBS + ("coherence",)))
    U, W = qb.energy(ref, Hb), qb.ergotropy(ref, Hb)
    assert np.allclose(s.values["energy"], U, atol=1e-10)
    assert np.allclose(s.values["ergotropy"], W, atol=1e-9)
    assert np.allclose(s.values["efficiency"], W / U, atol=1e-9)
    assert np.allclose(s.values["coherence"], qb.l1_coherence(ref) / 63, atol=1e-9)
    ev = qb.evolve(m, t, method="blocks", store_states=False, metrics={"W": qb.ergotropy})
    assert ev.states is None and np.allclose(ev.values["W"], W, atol=1e-9)


def test_pair_states_from_stacked_vectors():
    m = network(5, "star", initial="coherent", decay="paper", **SANTOS)
    prop = BlockPropagator(m)
    V = []
    prop.propagate(np.array([0.0, 0.2, 0.7]), lambda ts, W: V.append(W))
    V = np.concatenate(V)
    pairs = [(0, 3), (4, 1), (2, 3)]
    ref = pair_reduced_states(prop.assemble(V), pairs)
    assert np.max(np.abs(prop.pair_states(V, pairs) - ref)) < 1e-14


def test_streaming_memory_is_bounded():
    m = network(8, "linear", **SANTOS)
    t = np.linspace(0, 3, 200)
    prop = BlockPropagator(m)
    gen_bytes = prop.nnz * 20 + prop.n * 40
    del prop
    tracemalloc.start()
    tr = qb.evolve(m, t, method="blocks", store_states=False,
        options=dict(observables=("energy",), max_bytes=5e6))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert tr.states is None and tr.values["energy"].shape == (200,)
    # the trajectory alone would be 200 * 256^2 * 16 B = 210 MB
    assert peak < 6 * gen_bytes + 6e7, peak / 2**20


@pytest.mark.parametrize("N", [2, 3, 4, 5, 6])
def test_permutation_route_matches_full_space(N):
    t = np.linspace(0, 2, 11)
    for initial in ("coherent", "classical"):
        for decay in ("amplitude", "paper"):
            kw = dict(initial=initial, decay=decay, **SANTOS)
            full = qb.evolve(network(N, "all_to_all", **kw), t, method="blocks", store_states=False,
                options=dict(observables=OBS))
            ours = network_permutation_dynamics(N, t, **kw)
            for k in OBS:
                assert np.max(np.abs(ours[k] - full.values[k])) < 1e-9, (initial, decay, k)


def test_permutation_route_xy_coupling_and_evolve_dispatch():
    kw = dict(omega=1.3, J=0.7, coupling="xy", gamma=0.8, gamma_collective=0.3,
              initial="coherent", decay="paper")
    m = network(4, "all_to_all", **kw)
    t = np.linspace(0, 1.5, 7)
    tr = qb.evolve(m, t, method="permutation")
    assert tr.states is None
    full = qb.evolve(m, t, method="blocks", store_states=False, options=dict(observables=OBS))
    for k in OBS:
        assert np.max(np.abs(tr.values[k] - full.values[k])) < 1e-9
    # PIQS's own (single-precision) matrix: same physics to ~1e-7
    r = network_permutation_dynamics(4, t, rates="piqs", **kw)
    for k in OBS:
        assert np.max(np.abs(r[k] - full.values[k])) < 1e-6
    ds = tr.evaluate()
    assert set(ds.data_vars) == set(OBS)


@pytest.mark.parametrize("N", [2, 5, 9])
def test_double_precision_generator_equals_piqs(N):
    for kw in (dict(J=0.8, coupling="zz", gamma=1.0, gamma_collective=0.4, decay="paper"),
               dict(J=-0.3, coupling="xy", gamma=0.7, gamma_collective=0.7, decay="amplitude")):
        lay = _dicke_layout(N)
        ours = _dicke_generator(N, lay, **kw)
        ref = _piqs_generator(permutation_liouvillian(N, omega=1.3, **kw), lay, 1.3)
        assert abs(ours - ref).max() < 1e-6 * abs(ref).max()


def test_permutation_route_large_N_closed_forms():
    # no interaction, no collective decay: a product of identical cells, so U and the
    # ergotropy are N times the single-cell values (degeneracies must be right for this)
    N, t = 40, np.linspace(0, 2, 9)
    cell = network(1, initial="coherent")
    one = qb.evolve(cell, t, method="expm").states
    Hb1 = cell.H_battery.full()
    r = network_permutation_dynamics(N, t, initial="coherent")
    assert np.allclose(r["energy"], N * qb.energy(one, Hb1), atol=1e-9)
    assert np.allclose(r["ergotropy"], N * qb.ergotropy(one, Hb1), atol=1e-8)
    # a diagonal (ZZ) interaction leaves the populations, hence U, unchanged
    r = network_permutation_dynamics(N, t, J=1.0, initial="coherent")
    assert np.allclose(r["energy"], N * qb.energy(one, Hb1), atol=1e-9)
    r = network_permutation_dynamics(N, t, initial="classical")
    assert np.allclose(r["energy"], N * 0.75 * np.exp(-t), atol=1e-9)
    r = network_permutation_dynamics(20, [0.0, 0.5], initial="classical", **SANTOS)
    assert r["efficiency"][0] == pytest.approx(2 / 3, abs=1e-9)
    assert r["efficiency"][1] < 2 / 3


def test_permutation_route_errors():
    t = [0.0, 1.0]
    with pytest.raises(ValueError, match="all-to-all"):
        qb.evolve(network(4, "linear"), t, method="permutation")
    with pytest.raises(ValueError, match="all-to-all"):
        qb.evolve(network(4, [(0, 1), (1, 2), (2, 3), (0, 3), (0, 2)]), t,
                  method="permutation")
    rho = qutip.tensor([qutip.basis(2, 1)] + [qutip.basis(2, 0)] * 2)
    with pytest.raises(ValueError, match="initial"):
        qb.evolve(network(3, "all_to_all", initial=rho), t, method="permutation")
    with pytest.raises(ValueError, match="energy and ergotropy only"):
        qb.evolve(network(3, "all_to_all"), t, method="permutation", metrics=[qb.l1_coherence])
    with pytest.raises(ValueError, match="does not form states"):
        qb.evolve(network(3, "all_to_all"), t, method="permutation", store_states=True)
    with pytest.raises(ValueError, match="rho0= cannot be changed"):
        qb.evolve(network(3, "all_to_all"), t, method="permutation", rho0=rho)
    m = network(3, "all_to_all", J=0.5)
    asked = qb.evolve(m, t, method="permutation", metrics={"E": qb.energy, "W": "ergotropy"})
    ref = qb.evolve(m, t, method="expm").evaluate()
    np.testing.assert_allclose(asked.values["E"], ref.energy.values, atol=1e-12)
    np.testing.assert_allclose(asked.values["W"], ref.ergotropy.values, atol=1e-12)
    assert set(asked.values) == {"E", "W", "energy", "ergotropy", "efficiency"}
    with pytest.raises(ValueError, match="models.network"):
        qb.evolve(qb.models.parallel_battery(2), t, method="permutation")
    with pytest.raises(ValueError, match="gamma_collective"):
        permutation_liouvillian(3, gamma=0.5, gamma_collective=0.6)
    with pytest.raises(ValueError, match="initial"):
        network_permutation_dynamics(3, t, initial="thermal")
    with pytest.raises(ValueError, match="tlist"):
        network_permutation_dynamics(3, [1.0, 0.5])
    # a complete graph given explicitly is all-to-all
    m = network(3, [(0, 1), (1, 2), (0, 2)], **SANTOS)
    assert qb.evolve(m, t, method="permutation").values["energy"].shape == (2,)
