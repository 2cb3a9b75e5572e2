"""The dynamics front on every backend: time origin, options, e_ops, progress bars, metrics,
time-dependent models, trajectories (repr, final state, evaluate by name, on subsystems, on
reduced representations)."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st

import qbtoolkit as qb
from qbtoolkit import ops
from qbtoolkit.dynamics import BACKENDS
from qbtoolkit.models import BatteryModel

TIGHT = {"atol": 1e-12, "rtol": 1e-10}


def _options(method):
    return TIGHT if method == "mesolve" else None


def _model_for(method):
    """A model every backend runs: a 3-cell all-to-all network (the permutation route's
    domain), with couplings and collective decay."""
    return qb.models.network(3, "all_to_all", J=0.7, gamma=0.4, gamma_collective=0.2)


# -- time origin ---------------------------------------------------------------------------
def test_time_origin_charger_closed_form():
    """Downing-Ukhtary Eq. 30 at theta = pi: E_b = omega sin^2(J t), from rho0 at t = 0."""
    model = qb.models.charger_battery(J=0.2, theta=np.pi)
    t = np.array([1.0, 2.0, 3.0])
    exact = np.sin(0.2 * t) ** 2
    for method in ("mesolve", "expm"):
        for store in (True, False):
            tr = qb.evolve(model, t, method=method, store_states=store, metrics=["energy"],
                           options=_options(method))
            np.testing.assert_allclose(tr.values["energy"], exact, atol=1e-9)
            if store:
                np.testing.assert_allclose(qb.energy(tr.battery_states, tr.H_battery), exact,
                                           atol=1e-9)


@pytest.mark.parametrize("method", list(BACKENDS))
def test_time_origin_every_backend(method):
    """Output times that start after 0 are the tail of the run from 0, for every method."""
    model = _model_for(method)
    full = np.linspace(0.0, 2.0, 9)
    later = full[3:]
    a = qb.evolve(model, full, method=method, metrics=["energy", "ergotropy"],
                  options=_options(method))
    b = qb.evolve(model, later, method=method, metrics=["energy", "ergotropy"],
                  options=_options(method))
    for k in ("energy", "ergotropy"):
        np.testing.assert_allclose(b.values[k], a.values[k][3:], atol=1e-8)
    ref = qb.evolve(model, later, method="expm", metrics=["energy"])
    np.testing.assert_allclose(b.values["energy"], ref.values["energy"], atol=1e-8)


@settings(max_examples=15, deadline=None)
@given(t0=st.floats(0.01, 3.0), span=st.floats(0.1, 2.0))
def test_time_origin_property(t0, span):
    model = qb.models.charger_battery(J=0.3, theta=2.0, gamma=0.05)
    t = np.linspace(t0, t0 + span, 4)
    a = qb.evolve(model, t, method="expm")
    b = qb.evolve(model, t, options=TIGHT)
    L = model.liouvillian()
    for k, tk in enumerate(t):
        ref = qutip.vector_to_operator((L * tk).expm() * qutip.operator_to_vector(model.rho0))
        np.testing.assert_allclose(a.states[k], ref.full(), atol=1e-10)
        np.testing.assert_allclose(b.states[k], ref.full(), atol=1e-8)


# -- options, progress bars -----------------------------------------------------------------
@pytest.mark.parametrize("method", list(BACKENDS))
def test_unknown_options_refused_every_backend(method):
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['atoll'\]"):
        qb.evolve(_model_for(method), [0.0, 1.0], method=method, options={"atoll": 1})


def test_options_and_arguments_validated():
    model = _model_for("expm")
    with pytest.raises(ValueError, match="options must be a dict"):
        qb.evolve(model, [0.0, 1.0], options=[("atol", 1)])
    with pytest.raises(ValueError, match="both as an argument and in options"):
        qb.evolve(model, [0.0, 1.0], progress_bar="text", options={"progress_bar": ""})
    with pytest.raises(ValueError, match="store_states must be True, False or None"):
        qb.evolve(model, [0.0, 1.0], store_states="yes")
    with pytest.raises(ValueError, match="integrator"):  # QuTiP: dop853 has no 'order'
        qb.evolve(model, [0.0, 1.0], options={"method": "dop853", "order": 3})
    with pytest.raises(ValueError, match="unknown method"):
        qb.evolve(model, [0.0, 1.0], method="rk4")
    with pytest.raises(ValueError, match="args given, but the model has no time-dependent"):
        qb.evolve(model, [0.0, 1.0], args={"w": 1.0})


@pytest.mark.parametrize("bad", [["0", "1"], [0, 1j], [0.0, np.nan], [-1.0, 0.0], [[0, 1]],
                                 [], [0.0, 2.0, 1.0], [0.0, np.inf]])
def test_bad_time_lists(bad):
    with pytest.raises(ValueError, match="tlist"):
        qb.evolve(_model_for("expm"), bad, method="expm")


@pytest.mark.parametrize("method", list(BACKENDS))
@pytest.mark.parametrize("bar", ["", "text", "tqdm", True, False])
def test_progress_bar_values_every_backend(method, bar, capsys):
    tr = qb.evolve(_model_for(method), np.linspace(0, 1, 5), method=method, progress_bar=bar,
                   metrics=["energy"])
    assert len(tr.values["energy"]) == 5
    out = capsys.readouterr()
    if bar in ("text", True):
        assert "100.0%" in out.out
    if bar in ("", False):
        assert out.out == "" and out.err == ""


def test_progress_bar_refused():
    with pytest.raises(ValueError, match="progress_bar must be one of"):
        qb.evolve(_model_for("expm"), [0.0, 1.0], method="expm", progress_bar="fancy")


# -- e_ops ------------------------------------------------------------------------------------
def test_e_ops_like_qutip_mesolve():
    model = qb.models.charger_battery(J=0.3, theta=1.2, phi=0.4, gamma=0.1)
    t = np.linspace(0, 6, 31)
    sa = ops.embed(ops.sigma_minus(), 0, 2)
    ops_list = [model.H, sa, lambda tt, state: tt * qutip.expect(model.H, state)]
    ref = qutip.mesolve(model.H, model.rho0, t, list(model.c_ops), e_ops=ops_list,
                        options=TIGHT)
    for method in ("mesolve", "expm"):
        tr = qb.evolve(model, t, method=method, e_ops=ops_list, options=_options(method))
        assert tr.states is None  # QuTiP's default: no states when e_ops are given
        assert len(tr.expect) == 3 and tr.expect[0].dtype == float
        assert np.iscomplexobj(tr.expect[1])  # sigma_- is not Hermitian
        for mine, theirs in zip(tr.expect, ref.expect, strict=True):
            np.testing.assert_allclose(mine, theirs, atol=1e-8)
        assert set(tr.e_data) == {0, 1, 2}
    named = qb.evolve(model, t, method="expm", e_ops={"H": model.H, "sa": sa})
    assert set(named.e_data) == {"H", "sa"}
    np.testing.assert_allclose(named.e_data["H"], ref.expect[0], atol=1e-8)
    # a time-dependent e_op: H(t) = H cos(t)
    evo = qutip.QobjEvo([model.H, lambda tt: np.cos(tt)])
    tr = qb.evolve(model, t, method="expm", e_ops=[evo])
    np.testing.assert_allclose(tr.expect[0], np.cos(t) * ref.expect[0], atol=1e-8)


def test_e_ops_refused():
    model = _model_for("expm")
    with pytest.raises(ValueError, match="dims"):
        qb.evolve(model, [0.0, 1.0], e_ops=[ops.number()])
    with pytest.raises(ValueError, match="e_ops must be"):
        qb.evolve(model, [0.0, 1.0], e_ops="energy")
    with pytest.raises(ValueError, match="does not form states"):
        qb.evolve(model, [0.0, 1.0], method="permutation", e_ops=[model.H])


# -- metrics during integration, store_states --------------------------------------------------
def test_metrics_with_stored_states_and_units():
    model = qb.models.charger_battery(J=0.3, theta=2.0, gamma=0.05)
    t = np.linspace(0, 5, 11)
    tr = qb.evolve(model, t, method="expm", store_states=True,
                   metrics=["ergotropy", qb.l1_coherence, lambda r: r[..., 1, 1].real,
                            lambda r: r[..., 0, 0].real])
    assert tr.states is not None
    assert set(tr.values) == {"ergotropy", "l1_coherence", "<lambda>", "<lambda>_2"}
    np.testing.assert_allclose(tr.values["ergotropy"],
                               qb.ergotropy(tr.battery_states, tr.H_battery), atol=1e-14)
    np.testing.assert_allclose(tr.values["<lambda>"] + tr.values["<lambda>_2"], 1, atol=1e-12)
    assert tr.units["ergotropy"].startswith("energy")
    assert tr.units["l1_coherence"] == "dimensionless"
    ds = tr.evaluate()
    assert ds.ergotropy.attrs["units"].startswith("energy")
    assert set(ds.data_vars) == set(tr.values)


def test_evaluate_by_name_and_refusals():
    model = qb.models.charger_battery(J=0.3, theta=2.0)
    tr = qb.evolve(model, np.linspace(0, 5, 11), method="expm")
    ds = tr.evaluate(["ergotropy", "l1_coherence", "capacity"])
    np.testing.assert_allclose(ds.capacity.values, qb.capacity(tr.battery_states, tr.H_battery))
    two = tr.evaluate([lambda r: r[..., 1, 1].real, lambda r: r[..., 0, 0].real])
    assert len(two.data_vars) == 2
    with pytest.raises(ValueError, match="unknown metric 'ergotropyy'"):
        tr.evaluate(["ergotropyy"])
    with pytest.raises(ValueError, match="needs a Hamiltonian"):
        tr.evaluate(["ergotropy"], on="full")
    full = tr.evaluate(["ergotropy"], on="full", H=model.H)
    np.testing.assert_allclose(full.ergotropy.values, qb.ergotropy(tr.states, model.H))


# -- subsystems --------------------------------------------------------------------------------
def test_evaluate_on_subsystems_matches_qutip_ptrace():
    model = qb.models.network(4, "linear", J=1.0, gamma=0.3, gamma_collective=0.1)
    tr = qb.evolve(model, np.linspace(0, 2, 9), method="blocks")
    ds = tr.evaluate([qb.concurrence, "l1_coherence"], subsystems=(1, 2))
    for k in range(len(tr)):
        red = tr.state(k).ptrace([1, 2])
        assert ds.concurrence.values[k] == pytest.approx(qutip.concurrence(red), abs=1e-10)
        assert ds.l1_coherence.values[k] == pytest.approx(qb.l1_coherence(red), abs=1e-12)
    # energetic metrics need the subsystems' Hamiltonian: explicit H
    H2 = qutip.tensor(ops.number(), qutip.qeye(2)) + qutip.tensor(qutip.qeye(2), ops.number())
    e = tr.evaluate(["energy"], subsystems=[2, 1], H=H2)
    np.testing.assert_allclose(
        e.energy.values, [qutip.expect(H2, tr.state(k).ptrace([1, 2])) for k in range(len(tr))],
        atol=1e-12)
    for bad in ([], [4], [0.5], [True], [1, 1], "01"):
        with pytest.raises(ValueError, match="subsystems"):
            tr.evaluate(["l1_coherence"], subsystems=bad)


def test_subsystem_hamiltonian_from_local_parts():
    n, sm = ops.number(), ops.sigma_minus()
    a, b = ops.embed(sm, 0, 2), ops.embed(sm, 1, 2)
    H = 1.0 * a.dag() * a + 2.0 * b.dag() * b + 0.3 * (a.dag() * b + b.dag() * a)
    model = BatteryModel(H, [0.2 * a], ops.product_state([ops.excited(), ops.ground()]),
                         1.0 * n, (0,), H_local=(1.0 * n, 2.0 * n))
    tr = qb.evolve(model, np.linspace(0, 3, 7), method="expm")
    W = tr.evaluate(["ergotropy", "energy"], subsystems=(1,))
    red = qb.ptrace(tr.states, [1], [2, 2])
    np.testing.assert_allclose(W.energy.values, qb.energy(red, 2.0 * n), atol=1e-14)
    np.testing.assert_allclose(W.ergotropy.values, qb.ergotropy(red, 2.0 * n), atol=1e-14)
    whole = tr.evaluate(["energy"], subsystems=(0, 1))
    np.testing.assert_allclose(whole.energy.values,
                               qb.energy(tr.states, qutip.tensor(n, qutip.qeye(2)) +
                                         2 * qutip.tensor(qutip.qeye(2), n)), atol=1e-13)
    no_local = model.replace(H_local=None)
    tr2 = qb.evolve(no_local, [0.0, 1.0], method="expm")
    with pytest.raises(ValueError, match="needs a Hamiltonian"):
        tr2.evaluate(["ergotropy"], subsystems=(1,))


def test_subsystems_one_batched_call_is_cheap():
    """8 qubits, 1,000 states: evaluate(subsystems=...) costs at most ~2x the ptrace."""
    import time

    rng = np.random.default_rng(3)
    N, T = 8, 1000
    d = 2**N
    psi = rng.normal(size=(T, d)) + 1j * rng.normal(size=(T, d))
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    states = np.einsum("ti,tj->tij", psi, psi.conj())
    model = qb.models.network(N, "linear")
    tr = qb.dynamics.Trajectory(np.arange(T, dtype=float), states, states, model.H_battery,
                                model)
    t0 = time.perf_counter()
    red = qb.ptrace(states, [0, 1], [2] * N)
    t_ptrace = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = tr.evaluate([qb.concurrence], subsystems=(0, 1))
    t_eval = time.perf_counter() - t0
    np.testing.assert_allclose(ds.concurrence.values, qb.concurrence(red), atol=1e-12)
    assert t_eval < 2.0 * t_ptrace + 0.05


# -- reduced representations ------------------------------------------------------------------
def test_reduced_representation_is_exact_or_refused():
    N = 4
    model = qb.models.collective_battery(N, "tavis_cummings", g=0.2)
    t = np.linspace(0, 6, 13)
    tr = qb.evolve(model, t, method="expm")
    ds = tr.evaluate(["energy", "ergotropy", "capacity", "antiergotropy"])
    W = qb.permutation_invariant_ergotropy(tr.battery_states, N, basis="symmetric")
    np.testing.assert_allclose(ds.ergotropy.values, W, atol=1e-14)
    np.testing.assert_allclose(ds.capacity.values,
                               ds.ergotropy.values + ds.antiergotropy.values, atol=1e-12)
    naive = qb.ergotropy(tr.battery_states, tr.H_battery)
    assert np.max(np.abs(naive - W)) > 1e-2  # the trap is real here
    tr2 = qb.evolve(model, t, method="expm", metrics=["ergotropy"])
    np.testing.assert_allclose(tr2.values["ergotropy"], W, atol=1e-14)
    for bad in (["l1_coherence"], [lambda r: r[..., 0, 0].real]):
        with pytest.raises(ValueError, match="cannot be computed on states stored as"):
            tr.evaluate(bad)
    with pytest.raises(ValueError, match="not available for a model stored as"):
        tr.evaluate(["energy"], subsystems=(1,))
    with pytest.raises(ValueError, match="not available for a model stored as"):
        tr.evaluate(["energy"], on="full", H=model.H)


# -- time-dependent models ------------------------------------------------------------------
def _pulse_model(**kw):
    n, sx = ops.number(), ops.sigma_x()
    H = [n, [0.4 * sx, lambda t, w: np.cos(w * t)]]
    return BatteryModel(H, [np.sqrt(0.05) * ops.sigma_minus()], ops.ground(), n, (0,),
                        args={"w": 1.0}, **kw)


def test_time_dependent_model_equals_plain_qutip():
    n, sx = ops.number(), ops.sigma_x()
    t = np.linspace(0.5, 12, 47)
    for H in ([n, [0.4 * sx, lambda t, w: np.cos(w * t)]], [n, [0.4 * sx, "cos(w*t)"]],
              qutip.QobjEvo([n, [0.4 * sx, lambda t, w: np.cos(w * t)]], args={"w": 1.0})):
        model = BatteryModel(H, [np.sqrt(0.05) * ops.sigma_minus()], ops.ground(), n, (0,),
                             args={"w": 1.0})
        assert model.is_time_dependent
        tr = qb.evolve(model, t, e_ops=[n], options=TIGHT)
        ref = qutip.mesolve(qutip.QobjEvo([n, [0.4 * sx, "cos(w*t)"]], args={"w": 1.0}),
                            qutip.ket2dm(ops.ground()), np.concatenate([[0.0], t]),
                            [np.sqrt(0.05) * ops.sigma_minus()], e_ops=[n], options=TIGHT)
        np.testing.assert_allclose(tr.expect[0], ref.expect[0][1:], atol=1e-9)
    # args passed to evolve override the model's
    model = _pulse_model()
    fast = qb.evolve(model, t, e_ops=[n], args={"w": 2.0}, options=TIGHT)
    ref = qutip.mesolve(qutip.QobjEvo([n, [0.4 * sx, "cos(2*t)"]]), qutip.ket2dm(ops.ground()),
                        np.concatenate([[0.0], t]), [np.sqrt(0.05) * ops.sigma_minus()],
                        e_ops=[n], options=TIGHT)
    np.testing.assert_allclose(fast.expect[0], ref.expect[0][1:], atol=1e-9)


def test_array_coefficients():
    n, sx = ops.number(), ops.sigma_x()
    ts = np.linspace(0, 6, 601)
    model = BatteryModel([n, [0.4 * sx, np.cos(ts)]], [], ops.ground(), n, (0,),
                         coefficient_tlist=ts)
    t = np.linspace(0, 6, 13)
    a = qb.evolve(model, t, metrics=["energy"], options=TIGHT)
    ref = qutip.mesolve(qutip.QobjEvo([n, [0.4 * sx, "cos(t)"]]), qutip.ket2dm(ops.ground()), t,
                        [], e_ops=[n], options=TIGHT)
    np.testing.assert_allclose(a.values["energy"], ref.expect[0], atol=1e-6)  # spline error


def test_time_dependent_collapse_operator():
    n, sm = ops.number(), ops.sigma_minus()
    c = [np.sqrt(0.5) * sm, lambda t: np.exp(-t / 2)]  # gamma(t) = 0.5 e^{-t}
    model = BatteryModel(n, [c], ops.excited(), n, (0,))
    t = np.linspace(0, 4, 9)
    tr = qb.evolve(model, t, metrics=["energy"], options=TIGHT)
    # p(t) = exp(-int_0^t 0.5 e^{-s} ds) = exp(-0.5 (1 - e^{-t}))
    np.testing.assert_allclose(tr.values["energy"], np.exp(-0.5 * (1 - np.exp(-t))), atol=1e-9)


@pytest.mark.parametrize("method", [m for m in BACKENDS if not BACKENDS[m].time_dependent])
def test_time_dependent_model_refused_by_static_backends(method):
    with pytest.raises(ValueError, match="needs a time-independent model"):
        qb.evolve(_pulse_model(), [0.0, 1.0], method=method)


def test_time_dependent_model_validation():
    n, sx = ops.number(), ops.sigma_x()
    with pytest.raises(ValueError, match="Hermitian"):  # H(t) = n + i t sigma_x
        BatteryModel([n, [1j * sx, lambda t: t]], [], ops.ground(), n, (0,))
    # malformed list formats are refused before QuTiP sees them (it may crash on them)
    for bad in ([n, [sx]], [n, [sx, 1.0]], [n, [np.eye(2), "cos(t)"]], [],
                [n, [sx, np.array([0.0, np.nan])]]):
        with pytest.raises(ValueError, match="list format|coefficient|empty|must be a qutip.Qobj"):
            BatteryModel(bad, [], ops.ground(), n, (0,), coefficient_tlist=[0.0, 1.0])
    with pytest.raises(ValueError, match="give coefficient_tlist"):
        BatteryModel([n, [sx, np.array([0.0, 1.0])]], [], ops.ground(), n, (0,))
    with pytest.raises(ValueError, match="args must be a dict"):
        BatteryModel([n, [sx, "cos(t)"]], [], ops.ground(), n, (0,), args=[1])
    with pytest.raises(ValueError, match="H must be a qutip.Qobj"):
        BatteryModel(np.eye(2), [], ops.ground(), n, (0,))


# -- the trajectory and the model as values ------------------------------------------------------
def test_final_state_rho0_and_concise_reprs():
    model = qb.models.network(6, "ring", J=0.5)
    tr = qb.evolve(model, np.linspace(0, 1, 301), method="blocks", store_states=False,
                   metrics=["energy"])
    later = qb.evolve(model, [0.0, 1.0], method="expm")
    assert isinstance(tr.final_state, qutip.Qobj) and tr.final_state.dims == [[2] * 6] * 2
    np.testing.assert_allclose(tr.final_state.full(), later.states[-1], atol=1e-10)
    for obj in (tr, model, later):
        text = repr(obj)
        assert len(text.splitlines()) <= 5 and len(text) < 600
    # rho0 override = a model with that initial state
    psi = ops.product_state([ops.excited()] + [ops.ground()] * 5)
    a = qb.evolve(model, [0.0, 0.5], method="expm", rho0=psi)
    b = qb.evolve(model.replace(rho0=psi), [0.0, 0.5], method="expm")
    np.testing.assert_allclose(a.states, b.states, atol=1e-14)
    with pytest.raises(ValueError, match="rho0 has dims"):
        qb.evolve(model, [0.0, 1.0], rho0=ops.ground())


# -- protocols ---------------------------------------------------------------------------------
def _charge_and_store(J=0.2, gamma=0.05, theta=np.pi):
    charge = qb.models.charger_battery(J=J, theta=theta)
    sa, sb = ops.embed(ops.sigma_minus(), 0, 2), ops.embed(ops.sigma_minus(), 1, 2)
    free = sa.dag() * sa + sb.dag() * sb
    store = charge.replace(H=free, c_ops=[np.sqrt(gamma) * sb])
    return charge, store


def test_protocol_equals_chained_evolves():
    charge, store = _charge_and_store(theta=2.1)
    t1, t2 = np.linspace(0, 4, 9), np.linspace(0, 6, 13)
    a = qb.evolve(charge, t1, method="expm")
    b = qb.evolve(store, t2, method="expm", rho0=a.final_state)
    tr = qb.protocol([qb.Stage(charge, 4.0, "charge"), qb.Stage(store, 6.0, "store")],
                     np.concatenate([t1, 4.0 + t2[1:]]), method="expm")
    np.testing.assert_allclose(tr.states, np.concatenate([a.states, b.states[1:]]), atol=1e-13)
    assert list(tr.stage) == [0] * 9 + [1] * 12 and tr.stage_names == ("charge", "store")
    ds = tr.evaluate(["energy"])
    assert "stage" in ds.coords and ds.stage.attrs["names"] == "charge, store"
    # mesolve per stage, metrics only, and a default time grid
    m = qb.protocol([(charge, 4.0), (store, 6.0)], num=9, metrics=["energy"], options=TIGHT)
    e = qb.protocol([(charge, 4.0), (store, 6.0)], num=9, method="expm")
    assert m.states is None and len(m.times) == 17 and e.times[9] == pytest.approx(4.75)
    np.testing.assert_allclose(m.values["energy"], e.evaluate(["energy"]).energy.values,
                               atol=1e-8)


def test_protocol_charge_then_store_closed_forms():
    """Charging: E_b = sin^2(J t) (Downing-Ukhtary Eq. 30, theta = pi); storage: the battery's
    excited population decays as exp(-gamma (t - tau)), ergotropy omega max(0, 2 p - 1)."""
    J, gamma, tau, T = 0.2, 0.05, 6.0, 20.0
    charge, store = _charge_and_store(J, gamma)
    t = np.linspace(0, tau + T, 131)
    tr = qb.protocol([qb.Stage(charge, tau, "charge"), qb.Stage(store, T, "store")], t,
                     method="expm")
    ds = tr.evaluate(["energy", "ergotropy"])
    on = t <= tau
    np.testing.assert_allclose(ds.energy.values[on], qb.analytic.energy(np.pi, J * t[on]),
                               atol=1e-10)
    p = np.sin(J * tau) ** 2 * np.exp(-gamma * (t[~on] - tau))
    np.testing.assert_allclose(ds.energy.values[~on], p, atol=1e-10)
    np.testing.assert_allclose(ds.ergotropy.values[~on], np.maximum(0, 2 * p - 1), atol=1e-10)


def test_optimal_stage_duration():
    """Ergotropy left after storage, max over the charging time: J tau = pi / 2."""
    J = 0.2
    charge, store = _charge_and_store(J, 0.05)
    stages = [qb.Stage(charge, 1.0, "charge"), qb.Stage(store, 10.0, "store")]
    opt = qb.optimal_stage_duration(stages, "charge", (2.0, 12.0), num=11)
    assert not opt.at_edge
    assert opt.duration == pytest.approx(np.pi / (2 * J), abs=1e-6)
    assert opt.value == pytest.approx(2 * np.exp(-0.5) - 1, abs=1e-10)
    with pytest.warns(qb.analysis.EdgeOptimumWarning):
        edge = qb.optimal_stage_duration(stages, 0, (6.0, 7.0), num=5)
    assert edge.at_edge and edge.duration == 7.0
    with pytest.raises(ValueError, match="stage 'charging' is not one of"):
        qb.optimal_stage_duration(stages, "charging", (1.0, 2.0))


def test_protocol_refusals():
    charge, store = _charge_and_store()
    with pytest.raises(ValueError, match="duration must be > 0"):
        qb.Stage(charge, 0.0)
    with pytest.raises(ValueError, match="another H_battery"):
        qb.protocol([(charge, 1.0), (store.replace(H_battery=2 * ops.number()), 1.0)])
    with pytest.raises(ValueError, match="beyond the protocol's end"):
        qb.protocol([(charge, 1.0), (store, 1.0)], [0.0, 3.0])
    with pytest.raises(ValueError, match="stage names must be distinct"):
        qb.protocol([(charge, 1.0, "a"), (store, 1.0, "a")])
    with pytest.raises(ValueError, match="dims"):
        qb.protocol([(charge, 1.0), (qb.models.driven_atom(), 1.0)])


def test_optimal_stage_duration_with_a_pulse_that_scales_with_its_length():
    """A sin^2 pulse of area proportional to its length: with duration_arg the envelope follows
    the stage duration, and the optimum is the refined maximum of the scan."""
    n, sx = ops.number(), ops.sigma_x()

    def envelope(t, tau):
        return np.sin(np.pi * np.clip(t, 0, tau) / tau) ** 2

    pulse = BatteryModel([0 * n, [0.5 * sx, envelope]], [], ops.ground(), n, (0,),
                         args={"tau": 1.0})
    store = pulse.replace(H=0 * n, c_ops=[np.sqrt(0.1) * ops.sigma_minus()])
    stages = [qb.Stage(pulse, 1.0, "pulse"), qb.Stage(store, 2.0, "store")]
    # rotation angle int_0^tau Omega(t) dt = tau / 2: full inversion at tau = 2 pi
    opt = qb.optimal_stage_duration(stages, "pulse", (3.0, 9.0), "energy", num=7,
                                    duration_arg="tau", method="mesolve", options=TIGHT)
    assert opt.duration == pytest.approx(2 * np.pi, abs=1e-5)
    assert opt.value == pytest.approx(np.exp(-0.2), abs=1e-8)
    with pytest.raises(ValueError, match="duration_arg 'T' is not an argument"):
        qb.optimal_stage_duration(stages, "pulse", (3.0, 9.0), duration_arg="T")
