"""Models stored in a Dicke basis: operators, the double-precision local dissipator, and
every reduced model against the same model in the full 2^N space (Tavis-Cummings/Dicke
chargers with decaying cells, parallel and global-swap registers).
"""

from __future__ import annotations

import numpy as np
import pytest
import qutip
import scipy.sparse.linalg as spla
from qutip import piqs

import qbtoolkit as qb
from qbtoolkit import ops
from qbtoolkit.metrics.dicke import permutation_invariant_ergotropy
from qbtoolkit.models import collective_battery, parallel_battery
from qbtoolkit.models.dicke_basis import (
    collective_operators,
    dicke_dimension,
    dicke_dissipator,
    dicke_dissipator_nnz,
)

ENERGETIC = ["energy", "ergotropy", "capacity", "antiergotropy", "energy_variance"]


# ------------------------------------------------------------------ operators and generator


@pytest.mark.parametrize("N", [1, 2, 3, 6, 9])
def test_collective_operators_match_piqs_and_symmetric(N):
    Jp, Jn = collective_operators(N, "piqs")
    assert Jp.shape[0] == dicke_dimension(N, "piqs") == piqs.num_dicke_states(N)
    np.testing.assert_array_equal(Jp.full(), piqs.jspin(N, "+").full())
    np.testing.assert_allclose(Jn.full(), piqs.jspin(N, "z").full() + N / 2 * np.eye(Jn.shape[0]),
                               rtol=0, atol=0)
    Jp, Jn = collective_operators(N, "symmetric")
    k = np.arange(N)
    np.testing.assert_allclose(np.diag(Jp.full(), -1), np.sqrt((k + 1.0) * (N - k)), rtol=1e-15)
    np.testing.assert_array_equal(np.diag(Jn.full()).real, np.arange(N + 1.0))
    # su(2): [J+, J-] = 2 J_z in every layout
    for basis in ("symmetric", "piqs"):
        Jp, Jn = collective_operators(N, basis)
        comm = (Jp * Jp.dag() - Jp.dag() * Jp).full()
        np.testing.assert_allclose(comm, 2 * (Jn.full() - N / 2 * np.eye(Jn.shape[0])),
                                   atol=1e-12 * N)


RATES = [dict(emission=0.7), dict(dephasing=0.3), dict(pumping=0.4),
         dict(collective_emission=0.9),
         dict(emission=0.3, dephasing=0.2, pumping=0.1, collective_emission=0.5)]


@pytest.mark.parametrize("N", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("rates", RATES)
def test_dicke_dissipator_equals_piqs_to_single_precision(N, rates):
    mine = dicke_dissipator(N, **rates)
    pk = {**rates, "dephasing": 2 * rates["dephasing"]} if "dephasing" in rates else rates
    ref = piqs.Dicke(N, **pk).lindbladian().full()
    err = np.abs(mine.full() - ref).max() / np.abs(ref).max()
    assert err < 3e-7  # PIQS's rates are single precision
    assert mine.data.as_scipy().nnz <= dicke_dissipator_nnz(N)
    # trace preserving: the column sums over the diagonal elements vanish
    D = dicke_dimension(N, "piqs")
    diag_rows = np.arange(D) * (D + 1)
    np.testing.assert_allclose(np.asarray(mine.full()[diag_rows].sum(axis=0)), 0,
                               atol=1e-13 * sum(rates.values()) * N)


def _full_register(N, H_extra, rates):
    """Full 2^N Liouvillian of (Omega/2) sum sigma_x + H_extra and the processes of
    dicke_dissipator, from toolkit site operators."""
    sm = ops.site_operators(ops.sigma_minus(), N)
    sz = ops.site_operators(ops.sigma_z(), N)
    H = 0.5 * sum(s + s.dag() for s in sm) + H_extra(0.5 * sum(sz))
    c = [np.sqrt(rates.get("emission", 0)) * s for s in sm]
    c += [np.sqrt(rates.get("dephasing", 0) / 2) * z for z in sz]
    c += [np.sqrt(rates.get("pumping", 0)) * s.dag() for s in sm]
    c += [np.sqrt(rates.get("collective_emission", 0)) * sum(sm)]
    return qutip.liouvillian(H, c)


@pytest.mark.parametrize("N", [2, 3, 5])
def test_dicke_dissipator_evolution_equals_full_space(N):
    """Exact propagation, Dicke basis vs 2^N: energy, ergotropy and capacity to round-off."""
    rates = dict(emission=0.3, dephasing=0.2, pumping=0.1, collective_emission=0.25)
    chi = 0.3
    L = _full_register(N, lambda jz: chi * jz * jz, rates).data.as_scipy()
    Jp, Jn = collective_operators(N, "piqs")
    Jz = Jn - N / 2 * qutip.qeye(Jn.shape[0])
    Ld = qutip.liouvillian(0.5 * (Jp + Jp.dag()) + chi * Jz * Jz) + dicke_dissipator(N, **rates)
    d, D = 2**N, Jn.shape[0]
    v0 = np.zeros(d * d, complex)
    v0[0] = 1  # |g...g>
    w0 = np.zeros(D * D, complex)
    w0[N * (D + 1)] = 1  # |j=N/2, m=-N/2>: index N of the PIQS layout
    Hb = sum(ops.site_operators(ops.number(), N))
    for t in (0.7, 2.5):
        rho = spla.expm_multiply(L * t, v0).reshape(d, d).T
        red = spla.expm_multiply(Ld.data.as_scipy() * t, w0).reshape(D, D).T
        assert qb.energy(rho, Hb) == pytest.approx(
            qb.metrics.dicke.permutation_invariant_energy(red, N), abs=1e-12 * N)
        assert qb.ergotropy(rho, Hb) == pytest.approx(
            permutation_invariant_ergotropy(red, N), abs=1e-12 * N)
        assert qb.capacity(rho, Hb) == pytest.approx(
            qb.metrics.dicke.permutation_invariant_capacity(red, N), abs=1e-12 * N)


def test_dicke_dissipator_validation():
    for kw, name in (({"emission": -1.0}, "emission"), ({"dephasing": float("nan")}, "dephasing"),
                     ({"pumping": "1"}, "pumping"), ({"collective_emission": True},
                                                      "collective_emission")):
        with pytest.raises(ValueError, match=name):
            dicke_dissipator(3, **kw)
    with pytest.raises(ValueError, match="N"):
        dicke_dissipator(0)


# ------------------------------------------------------------------ reduced vs full models


def _eval(model, t, metrics=ENERGETIC):
    ds = qb.evolve(model, t, method="expm").evaluate(metrics)
    return {m: ds[m].values for m in metrics}


def _agree(red, full, scale):
    for m in red:
        err = np.max(np.abs(red[m] - full[m]))
        tol = 1e-8 * (scale**2 if m == "energy_variance" else scale)
        assert err < tol, (m, err)


def _tc_reference(N, t, g, gamma, gamma_phi, kappa):
    """Tavis-Cummings with decaying cells, cavity (x) 2^N, built here from QuTiP operators
    (independent of the builder): battery energy and ergotropy over time (mesolve)."""
    dims = [N + 1] + [2] * N
    a = qutip.tensor([qutip.destroy(N + 1)] + [qutip.qeye(2)] * N)
    sms = [qutip.tensor([qutip.qeye(N + 1)] + [qutip.destroy(2) if k == i else qutip.qeye(2)
                                               for k in range(N)]) for i in range(N)]
    H = a.dag() * a + sum(s.dag() * s for s in sms) + g * sum(s.dag() * a + a.dag() * s
                                                              for s in sms)
    c = [np.sqrt(kappa) * a] + [np.sqrt(gamma) * s for s in sms]
    c += [np.sqrt(gamma_phi / 2) * (2 * s.dag() * s - 1) for s in sms]
    psi0 = qutip.tensor([qutip.basis(N + 1, N)] + [qutip.basis(2, 0)] * N)
    res = qutip.mesolve(H, psi0, t, c_ops=c, options={"atol": 1e-12, "rtol": 1e-10,
                                                        "nsteps": 10**6})
    rho = np.stack([qutip.ptrace(s, list(range(1, N + 1))).full() for s in res.states])
    Hb = sum(ops.site_operators(ops.number(), N))
    assert dims == res.states[0].dims[0]
    return qb.energy(rho, Hb), qb.ergotropy(rho, Hb)


@pytest.mark.parametrize("N", [2, 3])
def test_tc_with_decay_piqs_equals_independent_full_simulation(N):
    kw = dict(g=0.2, gamma=0.05, gamma_phi=0.03, kappa=0.04)
    t = np.linspace(0.0, 3 / (0.2 * np.sqrt(N)), 6)
    red = _eval(collective_battery(N, "tavis_cummings", **kw), t, ["energy", "ergotropy"])
    E, W = _tc_reference(N, t, **kw)
    np.testing.assert_allclose(red["energy"], E, atol=1e-8 * N)
    np.testing.assert_allclose(red["ergotropy"], W, atol=1e-8 * N)
    if N == 3:  # the stored matrix's own ergotropy is not the battery's (degeneracy trap)
        traj = qb.evolve(collective_battery(N, "tavis_cummings", **kw), t, method="expm")
        naive = permutation_invariant_ergotropy(traj.battery_states, N, basis="piqs", naive=True)
        assert np.max(np.abs(naive - W)) > 1e-2


@pytest.mark.parametrize(("N", "kind", "kw"), [
    (2, "tavis_cummings", dict(g=0.2, gamma=0.05, gamma_phi=0.03, kappa=0.04)),
    (3, "tavis_cummings", dict(g=0.2, gamma=0.1, gamma_phi=0.0, kappa=0.0)),
    (4, "tavis_cummings", dict(g=0.2, gamma=0.0, gamma_phi=0.08, kappa=0.02)),
    (3, "dicke", dict(g=0.1, gamma=0.05, gamma_phi=0.02, kappa=0.03, n_max=7)),
    pytest.param(5, "tavis_cummings", dict(g=0.2, gamma=0.1, gamma_phi=0.04, kappa=0.0),
                 marks=pytest.mark.slow),
    pytest.param(6, "tavis_cummings", dict(g=0.2, gamma=0.05, gamma_phi=0.03, kappa=0.04),
                 marks=pytest.mark.slow),
])
def test_cavity_charger_piqs_equals_full(N, kind, kw):
    """Energy and the exact ergotropy (and capacity, antiergotropy, variance) over time:
    Dicke-basis route vs cavity (x) 2^N, both propagated exactly (expm), 1e-8."""
    g = kw["g"]
    t = np.linspace(0.0, 3 / (g * np.sqrt(N)), 5)
    full = _eval(collective_battery(N, kind, basis="full", **kw), t)
    red = _eval(collective_battery(N, kind, basis="piqs", **kw), t)
    _agree(red, full, N)
    assert np.max(full["ergotropy"]) > 0.05 * N  # a charged battery, not a trivial agreement


@pytest.mark.parametrize(("N", "kind"), [(3, "tavis_cummings"), (4, "tavis_cummings"),
                                         (2, "dicke")])
def test_cavity_charger_symmetric_equals_piqs_and_full_without_local_processes(N, kind):
    kw = dict(g=0.15, kappa=0.05) | ({"n_max": 8} if kind == "dicke" else {})
    t = np.linspace(0.0, 3 / (0.15 * np.sqrt(N)), 5)
    sym_model = collective_battery(N, kind, **kw)
    assert sym_model.params["basis"] == "symmetric"
    sym = _eval(sym_model, t)
    _agree(sym, _eval(collective_battery(N, kind, basis="piqs", **kw), t), N)
    _agree(sym, _eval(collective_battery(N, kind, basis="full", **kw), t), N)


@pytest.mark.parametrize("basis", ["symmetric", "piqs"])
@pytest.mark.parametrize("builder", ["parallel", "global_swap"])
def test_register_in_dicke_basis_equals_full(builder, basis):
    N = 4
    rates = {} if basis == "symmetric" else {"gamma": 0.2, "gamma_phi": 0.1}
    t = np.linspace(0.0, 4.0, 6)

    def build(b):
        if builder == "parallel":
            return parallel_battery(N, basis=b, **rates)
        return collective_battery(N, "global_swap", basis=b, **rates)

    red_model = build(basis)
    assert red_model.representation.basis == basis
    _agree(_eval(red_model, t), _eval(build("full"), t), N)


def test_reduced_models_refuse_non_energetic_metrics_and_subsystems():
    models = [collective_battery(3, "tavis_cummings"),
              collective_battery(3, "tavis_cummings", gamma=0.1),
              parallel_battery(3, basis="piqs", gamma=0.1),
              collective_battery(3, "global_swap", basis="symmetric")]
    for m in models:
        traj = qb.evolve(m, [0.0, 1.0], method="expm")
        for name in ("l1_coherence", "incoherent_ergotropy", "imaginarity"):
            with pytest.raises(ValueError, match="stored"):
                traj.evaluate([name])
        with pytest.raises(ValueError, match="subsystems"):
            traj.evaluate(["energy"], subsystems=(0,))
        ds = traj.evaluate(ENERGETIC)
        # metrics evaluated during integration go through the same exact route
        live = qb.evolve(m, [0.0, 1.0], method="expm", metrics=ENERGETIC, store_states=False)
        for name in ENERGETIC:
            np.testing.assert_allclose(live.values[name], ds[name].values, rtol=1e-12,
                                       atol=1e-14)
        with pytest.raises(ValueError, match="stored"):
            qb.evolve(m, [0.0, 1.0], method="expm", metrics=["l1_coherence"])


def test_cavity_models_structure():
    full = collective_battery(3, "tavis_cummings", g=0.1, kappa=0.02, gamma=0.5, basis="full")
    assert full.dims == [4, 2, 2, 2] and full.battery == (1, 2, 3)
    assert full.representation is None and full.superoperator is None
    assert len(full.c_ops) == 4  # cavity loss + one decay channel per qubit
    assert (full.H_local[0] - qutip.num(4)).norm() < 1e-14
    red = collective_battery(3, "tavis_cummings", g=0.1, kappa=0.02, gamma=0.5)
    assert red.params["basis"] == "piqs" and red.params["gamma"] == 0.5
    assert red.dims == [4, piqs.num_dicke_states(3)] and red.battery == (1,)
    assert len(red.c_ops) == 1 and red.superoperator is not None
    assert red.representation.basis == "piqs"
    # the superoperator is 1_cavity (x) the Dicke-basis dissipator
    ref = qutip.super_tensor(qutip.to_super(qutip.qeye(4)), dicke_dissipator(3, emission=0.5))
    assert (red.superoperator - ref).norm("max") == 0
    # photons and excitations: |N photons>|g..g>
    assert qb.energy(red.rho0.ptrace(1), red.H_battery) == 0
    assert qutip.expect(qutip.num(4), red.rho0.ptrace(0)) == pytest.approx(3)


@pytest.mark.parametrize("c", [1e-9, 1e9])
def test_dicke_basis_models_are_scale_free(c):
    """Every energy and rate x c, times / c: energies / c and ergotropies / c unchanged."""
    kw = dict(g=0.2, gamma=0.05, gamma_phi=0.03, kappa=0.04)
    t = np.linspace(0.0, 6.0, 4)
    ref = _eval(collective_battery(3, "tavis_cummings", **kw), t)
    scaled = _eval(collective_battery(3, "tavis_cummings", omega0=c,
                                      **{k: v * c for k, v in kw.items()}), t / c)
    for m in ENERGETIC:
        power = 2 if m == "energy_variance" else 1
        np.testing.assert_allclose(scaled[m] / c**power, ref[m], rtol=1e-9, atol=1e-12)
    par = _eval(parallel_battery(3, basis="piqs", gamma=0.2, gamma_phi=0.1), t)
    par_c = _eval(parallel_battery(3, basis="piqs", omega0=c, Omega=c, gamma=0.2 * c,
                                   gamma_phi=0.1 * c), t / c)
    for m in ENERGETIC:
        power = 2 if m == "energy_variance" else 1
        np.testing.assert_allclose(par_c[m] / c**power, par[m], rtol=1e-9, atol=1e-12)
