"""The general exact route (method="sectors") and method="auto": structure found without
being told, and every state against dense expm and a tight qutip.mesolve."""

import numpy as np
import pytest
import qutip
import scipy.linalg as sla
from random_models import excited_chain, random_model

import qbtoolkit as qb
from qbtoolkit.dynamics.backends.sectors import SectorPropagator
from qbtoolkit.dynamics.conserved import hilbert_blocks, liouville_sectors, model_permutations
from qbtoolkit.dynamics.lindblad import lindblad_terms
from qbtoolkit.models import network

T = np.linspace(0.0, 2.0, 9)


def dense_reference(model, t, rho0=None):
    """``exp(L t) vec(rho0)`` on a uniform grid from scipy.linalg.expm of the dense
    Liouvillian (one exponential of the step, applied repeatedly)."""
    L = model.liouvillian().full()
    r0 = (model.rho0 if rho0 is None else rho0).full()
    d = r0.shape[0]
    v = sla.expm(L * t[0]) @ r0.ravel(order="F")
    step = sla.expm(L * (t[1] - t[0]))
    out = []
    for _ in t:
        out.append(v.reshape(d, d, order="F"))
        v = step @ v
    return np.stack(out)


CASES = [
    # (seed, N, kind, symmetric, periodic, mixed, channels)
    (1, 3, "tfi", True, False, False, ("decay",)),
    (2, 3, "tfi", False, False, True, ("decay", "dephasing")),
    (3, 4, "xx_chain", True, False, False, ("decay",)),
    (4, 4, "xx_chain", True, True, True, ("decay", "pump")),
    (5, 3, "xy", True, True, False, ("decay", "collective", "dephasing")),
    (6, 4, "xy", False, False, True, ("collective", "pump")),
    (7, 3, "xyz", False, False, False, ("decay", "collective", "dephasing", "pump")),
    (8, 4, "xyz", True, True, True, ("decay", "dephasing")),
    (9, 2, "xyz", True, False, True, ("decay", "collective", "dephasing", "pump")),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[2]}-N{c[1]}-s{c[0]}" for c in CASES])
def test_sectors_match_dense_expm(case):
    seed, N, kind, sym, per, mixed, ch = case
    m = random_model(seed, N, kind, symmetric=sym, periodic=per, mixed=mixed, channels=ch)
    ref = dense_reference(m, T)
    for opts in ({}, {"symmetry": False}, {"hermitian": False},
                 {"symmetry": False, "hermitian": False}, {"propagator": "taylor"},
                 {"propagator": "chebyshev", "hermitian": False}):
        tr = qb.evolve(m, T, method="sectors", options=opts)
        assert np.max(np.abs(tr.states - ref)) < 1e-10, opts
    auto = qb.evolve(m, T, method="auto")
    assert np.max(np.abs(auto.states - ref)) < 1e-10
    assert auto.meta["method"] == "auto" and auto.meta["selected"] in qb.dynamics.BACKENDS
    # natively computed energy, ergotropy and expectation values
    Hb = m.H_battery.full()
    s = qb.evolve(m, T, method="sectors", store_states=False,
                  options={"observables": ("energy", "ergotropy"), "expect": {"H": m.H}},
                  metrics=["ergotropy", "energy"])
    np.testing.assert_allclose(s.values["energy"], qb.energy(ref, Hb), atol=1e-10)
    np.testing.assert_allclose(s.values["ergotropy"], qb.ergotropy(ref, Hb), atol=1e-10)
    np.testing.assert_allclose(s.values["H"], np.einsum("ij,tji->t", m.H.full(), ref).real,
                               atol=1e-10)
    np.testing.assert_allclose(s.final_state.full(), ref[-1], atol=1e-10)


@pytest.mark.parametrize("seed, kind, sym, mixed", [(11, "tfi", True, False),
                                                    (12, "xyz", False, True),
                                                    (13, "xx_chain", True, True)])
def test_sectors_match_tight_mesolve_n6(seed, kind, sym, mixed):
    m = random_model(seed, 6, kind, symmetric=sym, mixed=mixed,
                     channels=("decay", "dephasing", "pump"))
    t = np.linspace(0, 1.5, 7)
    ours = qb.evolve(m, t, method="auto", store_states=False,
                     metrics=["energy", "ergotropy"])
    ref = qutip.mesolve(m.H, m.rho0, t, c_ops=list(m.c_ops),
                        options={"atol": 1e-12, "rtol": 1e-10, "progress_bar": False})
    states = np.stack([s.full() for s in ref.states])
    Hb = m.H_battery.full()
    scale = np.ptp(np.linalg.eigvalsh(Hb))
    for name, fn in (("energy", qb.energy), ("ergotropy", qb.ergotropy)):
        assert np.max(np.abs(ours.values[name] - fn(states, Hb))) < 1e-6 * scale
    assert np.max(np.abs(ours.final_state.full() - states[-1])) < 1e-6


def test_structure_of_the_benchmark_chain():
    # sigma_x sigma_x chain with a longitudinal field: parity is the only charge, decay flips
    # it, so the excited state's sector holds half of Liouville space; the reflection and
    # Hermiticity leave about a quarter of that
    N = 6
    m = excited_chain(N)
    terms = lindblad_terms(m)
    hb = hilbert_blocks(terms)
    assert hb.nb == 2
    sect = liouville_sectors(terms, m.rho0.full())
    assert len(sect.kept) == 1 and sum(sect.size(s) for s in sect.kept) == 4**N // 2
    assert len(model_permutations(terms, m.rho0.full(), m.dims)) == 1  # the reflection
    p = SectorPropagator(m, m.rho0.full())
    assert p.n == 4**N // 2 and p.m < 0.3 * p.n
    # a field along x breaks the parity and the reflection-breaking state breaks symmetry
    m2 = random_model(0, 4, "xyz", symmetric=False)
    p2 = SectorPropagator(m2, m2.rho0.full())
    assert p2.info["hilbert_blocks"] == 1 and p2.info["cell_permutations"] == 0


def test_reachable_part_of_a_diagonal_model():
    # ZZ chain decaying from the fully excited state: only populations are ever reached
    N = 4
    m = network(N, "linear", J=1.0, initial=qutip.tensor([qb.ops.excited()] * N))
    p = SectorPropagator(m, m.rho0.full())
    assert p.n == 2**N
    t = np.linspace(0, 1, 5)
    np.testing.assert_allclose(qb.evolve(m, t, method="sectors").states,
                               dense_reference(m, t), atol=1e-12)


def test_u1_sectors_and_mirrors():
    # flip-flop chain conserves the excitation number; decay lowers it by one: the sectors
    # are the excitation differences, and only Delta >= 0 is propagated
    m = random_model(3, 4, "xy", symmetric=True, mixed=False, channels=("decay",))
    terms = lindblad_terms(m)
    assert hilbert_blocks(terms).nb == 5
    sect = liouville_sectors(terms, m.rho0.full())
    assert sect.n_sectors == 9 and len(sect.kept) == 5
    tr = qb.evolve(m, T, method="sectors")
    np.testing.assert_allclose(tr.states, dense_reference(m, T), atol=1e-10)


def test_other_initial_state_and_kossakowski_network():
    m = network(4, "ring", J=0.7, coupling="xy", gamma_collective=0.3, decay="paper")
    rho = qutip.rand_dm([2] * 4, seed=5)
    tr = qb.evolve(m, T, method="sectors", rho0=rho)  # no symmetry: found as none
    np.testing.assert_allclose(tr.states, dense_reference(m, T, rho), atol=1e-10)
    assert qb.evolve(m, T, method="auto", rho0=rho).meta["selected"] == "blocks"
    np.testing.assert_allclose(qb.evolve(m, T, method="auto", rho0=rho).states,
                               tr.states, atol=1e-10)


def test_auto_choices_and_reasons():
    t = np.linspace(0, 1, 3)
    assert qb.evolve(excited_chain(3), t, method="auto").meta["selected"] == "sectors"
    assert qb.evolve(network(3, "star", J=1.0), t, method="auto").meta["selected"] == "blocks"
    a2a = network(4, "all_to_all", J=0.5, gamma_collective=0.2)
    tr = qb.evolve(a2a, t, method="auto", metrics=["energy", "ergotropy"])
    assert tr.meta["selected"] == "permutation" and "Dicke" in tr.meta["reason"]
    ref = qb.evolve(a2a, t, method="expm").evaluate(["energy", "ergotropy"])
    np.testing.assert_allclose(tr.values["ergotropy"], ref.ergotropy.values, atol=1e-10)
    assert qb.evolve(a2a, t, method="auto").meta["selected"] == "blocks"  # states stored
    drive = excited_chain(2)
    drive = drive.replace(H=[drive.H, [qb.ops.site_operators(qb.ops.sigma_x(), 2)[0],
                                       lambda t: np.cos(t)]])
    tr = qb.evolve(drive, t, method="auto")
    assert tr.meta["selected"] == "mesolve" and "time dependent" in tr.meta["reason"]
    # a generator over the memory budget is applied matrix-free
    small = excited_chain(3)
    tr = qb.evolve(small, t, method="auto", options={"generator_bytes": 1e3})
    assert tr.meta["selected"] == "matrix_free" and "GiB" in tr.meta["reason"]
    np.testing.assert_allclose(tr.states, qb.evolve(small, t, method="expm").states,
                               atol=1e-10)


def test_sectors_refusals():
    t = [0.0, 1.0]
    m = excited_chain(3)
    p = SectorPropagator(m, m.rho0.full(), symmetry=False)
    with pytest.raises(ValueError, match="outside the sectors"):
        p.propagate(np.array(t), lambda ts, W: None, qutip.rand_dm([2] * 3, seed=1).full())
    sym = random_model(1, 3, "tfi", symmetric=True)
    ps = SectorPropagator(sym, sym.rho0.full())
    assert ps.info["cell_permutations"] == 1
    with pytest.raises(ValueError, match="symmetry"):
        ps.propagate(np.array(t), lambda ts, W: None, qutip.rand_dm([2] * 3, seed=2).full())
    m = excited_chain(2)
    with pytest.raises(ValueError, match="expect"):
        qb.evolve(m, t, method="sectors", options={"expect": {"x": qutip.qeye(2)}})
    with pytest.raises(ValueError, match="observables"):
        qb.evolve(m, t, method="sectors", options={"observables": ("power",)})
    with pytest.raises(ValueError, match="max_bytes"):
        qb.evolve(m, t, method="sectors", options={"generator_bytes": 10.0})
    with pytest.raises(ValueError, match="time"):
        drive = m.replace(H=[m.H, [m.H, lambda t: np.cos(t)]])
        qb.evolve(drive, t, method="sectors")


@pytest.mark.parametrize("case", CASES[1::3], ids=[f"{c[2]}-N{c[1]}-s{c[0]}"
                                                  for c in CASES[1::3]])
def test_matrix_free_matches_dense_expm(case):
    seed, N, kind, sym, per, mixed, ch = case
    m = random_model(seed, N, kind, symmetric=sym, periodic=per, mixed=mixed, channels=ch)
    ref = dense_reference(m, T)
    tr = qb.evolve(m, T, method="matrix_free", store_states=True,
                   metrics=["energy", "ergotropy"], options={"expect": {"H": m.H}})
    assert np.max(np.abs(tr.states - ref)) < 1e-10
    Hb = m.H_battery.full()
    np.testing.assert_allclose(tr.values["ergotropy"], qb.ergotropy(ref, Hb), atol=1e-10)
    np.testing.assert_allclose(tr.values["energy"], qb.energy(ref, Hb), atol=1e-10)
    np.testing.assert_allclose(tr.values["H"], np.einsum("ij,tji->t", m.H.full(), ref).real,
                               atol=1e-10)


def test_matrix_free_parity_blocks_and_kossakowski_terms():
    m = excited_chain(4)
    tr = qb.evolve(m, T, method="matrix_free")
    assert tr.meta["groups"] == 2 and tr.meta["stored"] == 4**4 // 2
    np.testing.assert_allclose(tr.states, dense_reference(m, T), atol=1e-10)
    # Kossakowski jump terms A_n rho A_m^dag (n != m) between different cells
    net = network(4, "star", J=0.9, coupling="xy", gamma_collective=0.3, decay="paper")
    np.testing.assert_allclose(qb.evolve(net, T, method="matrix_free").states,
                               dense_reference(net, T), atol=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["sectors", "matrix_free", "auto"])
def test_benchmark_chain_n8_against_tight_mesolve(method):
    m = excited_chain(8)
    t = np.linspace(0, 10, 41)
    ours = qb.evolve(m, t, method=method, store_states=False, options={"expect": {"H": m.H}}
                     if method != "auto" else None, e_ops=[m.H] if method == "auto" else None)
    got = ours.values["H"] if method != "auto" else ours.expect[0]
    ref = qutip.mesolve(m.H, m.rho0, t, c_ops=list(m.c_ops), e_ops=[m.H],
                        options={"atol": 1e-12, "rtol": 1e-10, "progress_bar": False})
    assert np.max(np.abs(got - ref.expect[0])) < 1e-6 * np.abs(ref.expect[0]).max()


EIGEN_CASES = {
    # one Hilbert block split by the reflection
    "tfi_reflection": lambda: random_model(7, 5, "tfi", symmetric=True),
    # a mixed state joining the parity blocks, split by the reflection
    "xx_mixed": lambda: random_model(7, 4, "xx_chain", symmetric=True, mixed=True),
    # U(1) charges on a ring (rotations and reflections)
    "xy_ring": lambda: random_model(7, 4, "xy", symmetric=True, periodic=True),
    # no symmetry: charge blocks, or nothing conserved
    "xy_mixed": lambda: random_model(7, 3, "xy", mixed=True),
    "xyz_mixed": lambda: random_model(7, 3, "xyz", mixed=True),
    # two parity groups, each a part of the space, each split
    "xx_excited": lambda: excited_chain(4),
    # sixteen one-element groups (populations only), some split
    "zz_populations": lambda: network(4, "linear", J=1.0,
                                      initial=qutip.tensor([qb.ops.excited()] * 4)),
}


@pytest.mark.parametrize("case", sorted(EIGEN_CASES))
def test_eigenvalues_straight_from_the_propagated_vectors(case):
    """The state's spectrum formed from the propagated vector (the split blocks' lower
    triangles as sparse products of W) equals the spectrum of the assembled density matrix,
    computed by numpy on the whole matrix (1e-13)."""
    m = EIGEN_CASES[case]()
    p = SectorPropagator(m, m.rho0.full())
    got: list[np.ndarray] = []
    p.propagate(np.linspace(0.0, 2.0, 7), lambda ts, W: got.append(W), m.rho0.full())
    W = np.concatenate(got)
    lam = np.sort(p.vector_eigenvalues(W), axis=-1)
    rho = p.assemble(W)
    full = np.linalg.eigvalsh(rho)
    pad = np.zeros((len(W), rho.shape[-1] - lam.shape[-1]))
    np.testing.assert_allclose(np.sort(np.concatenate([lam, pad], axis=-1), axis=-1), full,
                               atol=1e-13)
