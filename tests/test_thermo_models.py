"""thermal_model and Bath: the Davies and local master equations of any system.

Independent routes: closed forms for a qubit in one bath, a Davies generator rebuilt here
from ``qutip`` eigenstates and projectors, basis independence (a unitary applied to H and the
couplings), detailed balance transition by transition.
"""

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st

import qbtoolkit as qb
from qbtoolkit import ops, thermo
from qbtoolkit.models import Bath, thermal_model


def rand_herm(d, rng, dims=None):
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    dims = [d] if dims is None else dims
    return qutip.Qobj((A + A.conj().T) / 2, dims=[dims, dims])


def n_be(w, T):
    return 1 / np.expm1(w / T)


# ----------------------------------------------------------------------------- closed forms
def test_qubit_in_one_bath_has_the_golden_rule_rates_and_relaxes_to_gibbs():
    w, T, kappa, wc = 1.3, 0.7, 0.2, 2.0
    m = thermal_model(0.5 * w * ops.sigma_z(), [Bath(ops.sigma_x(), T, kappa=kappa,
                                                     cutoff=wc)])
    down, up = m.c_ops  # emission, absorption
    J = w * np.exp(-w / wc)
    assert abs(down.full()[0, 1]) ** 2 == pytest.approx(kappa * J * (1 + n_be(w, T)), rel=1e-13)
    assert abs(up.full()[1, 0]) ** 2 == pytest.approx(kappa * J * n_be(w, T), rel=1e-13)
    p_e = 1 / (1 + np.exp(w / T))
    np.testing.assert_allclose(qb.steady_state(m).full(), np.diag([1 - p_e, p_e]), atol=1e-15)
    vac = thermal_model(0.5 * w * ops.sigma_z(), [Bath(ops.sigma_x(), 0.0)])
    assert len(vac.c_ops) == 1  # no absorption at T = 0
    np.testing.assert_allclose(qb.steady_state(vac).full(), np.diag([1.0, 0.0]), atol=1e-15)
    assert m.rho0.full()[0, 0] == 1.0  # ground state of H by default


def test_zero_frequency_channel_dephases_at_kappa_T():
    """A sigma_z bath on a qubit: A(0) = sigma_z, rate gamma(0) = kappa T lim J/w."""
    w, T, kappa = 1.0, 0.8, 0.3
    m = thermal_model(0.5 * w * ops.sigma_z(), [Bath(ops.sigma_z(), T, kappa=kappa)])
    (L0,) = m.c_ops
    np.testing.assert_allclose(L0.full(), np.sqrt(kappa * T) * np.diag([-1, 1]), atol=1e-15)
    # coherence rho_ge decays at 2 gamma(0): column-stacked index of (0, 1) is 2
    Lm = m.liouvillian().full()
    assert Lm[2, 2].real == pytest.approx(-2 * kappa * T, rel=1e-13)
    # a custom spectral density must say what happens at zero frequency
    with pytest.raises(ValueError, match="J_zero_slope"):
        thermal_model(0.5 * ops.sigma_z(), [Bath(ops.sigma_z(), T, spectral_density=np.sqrt)])
    m3 = thermal_model(0.5 * ops.sigma_z(), [Bath(ops.sigma_z(), T, spectral_density=lambda x:
                                                  x**3, J_zero_slope=2.0, kappa=kappa)])
    np.testing.assert_allclose(m3.c_ops[0].full(), np.sqrt(2 * kappa * T) * np.diag([-1, 1]))
    none = thermal_model(0.5 * ops.sigma_z(), [Bath(ops.sigma_z() + ops.sigma_x(), T,
                                                    J_zero_slope=0.0)])
    assert len(none.c_ops) == 2  # emission and absorption only


def _davies_by_hand(H, baths):
    """The Davies Liouvillian from qutip eigenstates and projectors (no qbtoolkit code)."""
    evals, evecs = H.eigenstates()
    c_ops = []
    for A, T, kappa, wc in baths:
        comps = {}
        for a, va in zip(evals, evecs, strict=True):
            for c, vc in zip(evals, evecs, strict=True):
                key = round(c - a, 9)
                Aw, _ = comps.get(key, (0, 0.0))
                comps[key] = (Aw + va * va.dag() * A * vc * vc.dag(), 0.0 if key == 0 else c - a)
        for w, Aw in ((w, Aw) for Aw, w in comps.values()):
            if w == 0:
                g = kappa * T
            elif w > 0:
                g = kappa * w * np.exp(-w / wc) * (1 + n_be(w, T))
            else:
                g = kappa * -w * np.exp(w / wc) * n_be(-w, T)
            if Aw.norm() > 1e-12 and g > 0:
                c_ops.append(np.sqrt(g) * Aw)
    return qutip.liouvillian(H, c_ops)


def test_davies_generator_matches_an_independent_construction(rng):
    """Two qubits with XX coupling and a qutrit (x) qubit: our c_ops vs projector sums."""
    sx = [ops.embed(ops.sigma_x(), i, 2) for i in range(2)]
    sz = [ops.embed(ops.sigma_z(), i, 2) for i in range(2)]
    H = 0.5 * sz[0] + 0.35 * sz[1] + 0.1 * sx[0] * sx[1]
    spec = [(sx[0], 1.1, 0.4, 3.0), (sx[1] + 0.3 * sz[1], 0.3, 0.7, 5.0)]
    m = thermal_model(H, [Bath(A, T, kappa=k, cutoff=wc) for A, T, k, wc in spec])
    ref = _davies_by_hand(H, spec)
    assert np.abs(m.liouvillian().full() - ref.full()).max() < 1e-12
    # any dims: a coupling given on one subsystem is embedded in tensor order
    dims = [3, 2]
    H2 = rand_herm(6, rng, dims)
    op = rand_herm(3, rng)
    m2 = thermal_model(H2, [Bath(op, 0.9, subsystems=(0,), cutoff=4.0)])
    ref2 = _davies_by_hand(H2, [(qutip.tensor(op, qutip.qeye(2)), 0.9, 1.0, 4.0)])
    assert np.abs(m2.liouvillian().full() - ref2.full()).max() < 1e-11
    assert m2.dims == dims


def test_degenerate_spectrum_generator_does_not_depend_on_the_eigenvectors(rng):
    """Rotating H and the couplings by U rotates the Liouvillian by U (x) U*: the grouping
    of degenerate levels and Bohr frequencies is a property of (H, A), not of LAPACK."""
    sz = [ops.embed(ops.sigma_z(), i, 3) for i in range(3)]
    sx = [ops.embed(ops.sigma_x(), i, 3) for i in range(3)]
    H = 0.5 * (sz[0] + sz[1] + sz[2])  # levels with degeneracies 1, 3, 3, 1
    baths = [(sx[0] + 0.5 * sx[1], 0.6), (sx[2], 1.4)]
    U = qutip.rand_unitary(8, seed=4)
    U.dims = H.dims
    m = thermal_model(H, [Bath(A, T) for A, T in baths])
    mr = thermal_model(U * H * U.dag(), [Bath(U * A * U.dag(), T) for A, T in baths])
    S = qutip.to_super(U)
    assert np.abs((S * m.liouvillian() * S.dag()).full() - mr.liouvillian().full()).max() < 1e-12
    assert len(m.c_ops) == len(mr.c_ops) == 4  # Bohr frequencies +-1, two baths
    rho, rho_r = qb.steady_state(m), qb.steady_state(mr)
    assert ((U * rho * U.dag()) - rho_r).norm() < 1e-12


def test_grouping_tolerance_is_relative_to_the_spectrum():
    """Levels 1e-11 apart (relative) are one eigenspace, 1e-6 apart two, in every unit."""
    counts = {}
    for c in (1e-12, 1.0, 1e12):
        for gap in (1e-11, 1e-6):
            H = qutip.Qobj(c * np.diag([0.0, 1.0, 1.0 + gap, 2.5]))
            A = qutip.Qobj(np.ones((4, 4)) - np.eye(4))
            m = thermal_model(H, [Bath(A, 0.5 * c)])
            counts[(c, gap)] = len(m.c_ops)
    assert {k: v for k, v in counts.items() if k[1] == 1e-11} == {
        (c, 1e-11): counts[(1.0, 1e-11)] for c in (1e-12, 1.0, 1e12)}
    assert {k: v for k, v in counts.items() if k[1] == 1e-6} == {
        (c, 1e-6): counts[(1.0, 1e-6)] for c in (1e-12, 1.0, 1e12)}
    assert counts[(1.0, 1e-6)] > counts[(1.0, 1e-11)]


def test_ambiguous_bohr_grouping_is_refused():
    tau = 2e-9  # 1e-9 of the spread
    H = qutip.Qobj(np.diag([0.0, 1.0, 1.0 + 1.5 * tau, 2.0 + 0.75 * tau]))
    A = qutip.Qobj(np.ones((4, 4)) - np.eye(4))
    with pytest.raises(ValueError, match="ambiguous"):
        thermal_model(H, [Bath(A, 1.0)])


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), d=st.integers(2, 5), T=st.floats(0.05, 5.0),
       wc=st.one_of(st.none(), st.floats(0.5, 10.0)))
def test_detailed_balance_transition_by_transition(seed, d, T, wc):
    rng = np.random.default_rng(seed)
    s = thermo.global_structure(rand_herm(d, rng), [Bath(rand_herm(d, rng), T, cutoff=wc)])
    (tr,), (g,) = s.transitions, s.rates()
    key = {(a, c): k for k, (a, c) in enumerate(zip(tr.dst, tr.src, strict=True))}
    for k, (a, c) in enumerate(zip(tr.dst, tr.src, strict=True)):
        if tr.kind[k] > 0:  # emission c -> a at omega; its reverse a -> c
            rev = key[(c, a)]
            assert g[rev] == pytest.approx(g[k] * np.exp(-tr.omega[k] / T), rel=1e-12)
            assert tr.omega[rev] == -tr.omega[k]


# ----------------------------------------------------------------------------- local ME
def test_local_master_equation_uses_each_baths_local_hamiltonian():
    sz = [ops.embed(ops.sigma_z(), i, 2) for i in range(2)]
    sx = [ops.embed(ops.sigma_x(), i, 2) for i in range(2)]
    sy = [ops.embed(ops.sigma_y(), i, 2) for i in range(2)]
    wh, wc, g = 2.0, 1.0, 0.3
    H = 0.5 * wh * sz[0] + 0.5 * wc * sz[1] + 0.5 * g * (sx[0] * sx[1] + sy[0] * sy[1])
    baths = [Bath(ops.sigma_x(), 1.5, subsystems=(0,)), Bath(ops.sigma_x(), 0.5,
                                                              subsystems=1)]
    m = thermal_model(H, baths, "local")
    explicit = thermal_model(H, [b.replace(H_local=0.5 * w * ops.sigma_z()) for b, w in
                                 zip(baths, (wh, wc), strict=True)], "local")
    assert np.abs(m.liouvillian().full() - explicit.liouvillian().full()).max() < 1e-14
    # the jumps are the local sigma_-/sigma_+ at the local frequencies
    sm = [ops.embed(ops.sigma_minus(), i, 2) for i in range(2)]
    c_ref = []
    for k, (w, T) in enumerate(((wh, 1.5), (wc, 0.5))):
        c_ref += [np.sqrt(w * (1 + n_be(w, T))) * sm[k], np.sqrt(w * n_be(w, T)) * sm[k].dag()]
    ref = qutip.liouvillian(H, c_ref)
    assert np.abs(m.liouvillian().full() - ref.full()).max() < 1e-13
    assert m.params["master_equation"] == "local"
    assert thermo.structure_of(m).master_equation == "local"


# ----------------------------------------------------------------------------- refusals
SX = ops.sigma_x()


@pytest.mark.parametrize("kwargs, match", [
    (dict(op=qutip.Qobj([[0, 1], [0, 0]])), "Hermitian"),
    (dict(op=qutip.Qobj([[np.nan, 0], [0, 1]])), "op"),
    (dict(op=np.eye(2)), "op"),
    (dict(op=0 * SX), "zero"),
    (dict(T=-0.1), "T"),
    (dict(T=np.nan), "T"),
    (dict(T="1"), "T"),
    (dict(T=True), "T"),
    (dict(kappa=0.0), "kappa"),
    (dict(kappa=np.inf), "kappa"),
    (dict(cutoff=-1.0), "cutoff"),
    (dict(cutoff=1.0, spectral_density=lambda w: w), "cutoff"),
    (dict(spectral_density=2.0), "spectral_density"),
    (dict(J_zero_slope=-1.0), "J_zero_slope"),
    (dict(subsystems=(1, 0)), "subsystems"),
    (dict(subsystems=(0, 0)), "subsystems"),
    (dict(subsystems=(0.5,)), "subsystems"),
    (dict(H_local=ops.sigma_z()), "subsystems"),
    (dict(name=3), "name"),
])
def test_bath_validates_its_inputs(kwargs, match):
    args = dict(op=SX, T=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        Bath(**args)


H2 = 0.5 * ops.embed(ops.sigma_z(), 0, 2) + 0.4 * ops.embed(ops.sigma_z(), 1, 2)


@pytest.mark.parametrize("call, match", [
    (lambda: thermal_model(H2, Bath(SX, 1.0, subsystems=(0,))), "list"),
    (lambda: thermal_model(H2, []), "at least one"),
    (lambda: thermal_model(H2, [SX]), "Bath"),
    (lambda: thermal_model(H2, [Bath(SX, 1.0)]), "dims"),
    (lambda: thermal_model(H2, [Bath(SX, 1.0, subsystems=(2,))]), "subsystem"),
    (lambda: thermal_model(H2, [Bath(SX, 1.0, subsystems=(0,), H_local=ops.sigma_z())]),
     "local master equation"),
    (lambda: thermal_model(H2, [Bath(SX, 1.0, subsystems=(0,))], "semilocal"),
     "master_equation"),
    (lambda: thermal_model(H2, [Bath(ops.embed(SX, 0, 2), 1.0)], "local"), "subsystems"),
    (lambda: thermal_model(H2, [Bath(ops.embed(SX, 0, 2) * ops.embed(SX, 1, 2), 1.0,
                                     subsystems=(0,))], "local"), "outside"),
    (lambda: thermal_model(H2, [Bath(SX, 1.0, subsystems=(0,), H_local=qutip.qeye(3))],
                           "local"), "H_local"),
    (lambda: thermal_model(qutip.Qobj([[0, 1], [0, 0]]), [Bath(SX, 1.0)]), "Hermitian"),
    (lambda: thermal_model(qutip.Qobj([[np.inf, 0], [0, 0]]), [Bath(SX, 1.0)]), "H"),
    (lambda: thermal_model(H2, [Bath(SX, 1.0, subsystems=(0,))], battery=(0,)), "H_battery"),
    (lambda: thermal_model(H2, [Bath(SX, 1.0, subsystems=(0,))], name=""), "name"),
])
def test_builder_refuses_what_it_cannot_honour(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_model_records_its_structure_and_integrates_with_dynamics():
    m = thermal_model(H2, [Bath(SX, 1.0, subsystems=(0,), name="hot"),
                           Bath(SX, 0.2, subsystems=(1,), name="cold")])
    s = m.params["thermal"]
    assert s.names == ("hot", "cold") == m.params["bath_names"]
    assert s.c_ops == m.c_ops and "ThermalStructure(global" in repr(s)
    assert "thermal" not in repr(m) or len(repr(m)) < 400
    traj = qb.evolve(m, np.linspace(0, 30, 4))
    assert np.abs(traj.states[-1] - qb.steady_state(m).full()).max() < 1e-3
