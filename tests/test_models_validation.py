"""Every builder honours every argument or refuses it: types, ranges, arguments that do not
apply, bases that cannot hold a model, sizes that cannot fit in memory; every model records
its arguments and knows its subsystems' own Hamiltonians.
"""

from __future__ import annotations

import inspect
import math
import re
import time
import tracemalloc

import numpy as np
import pytest
import qutip

import qbtoolkit as qb
from qbtoolkit import _memory
from qbtoolkit.models import (
    charger_battery,
    collective_battery,
    driven_atom,
    network,
    parallel_battery,
    two_qubit_battery,
    xxz_charger_battery,
)
from qbtoolkit.models.collective import piqs_charging, tavis_cummings_charging

NAN, INF = float("nan"), float("inf")
BAD = {
    "real": ["1.0", True, NAN, INF, -INF, 1 + 1j, [1.0], None],
    "int": ["3", True, 3.5, NAN, INF, None],
    "bool": ["no", 1, 0, "True", 1.0],
    "choice": ["bogus", 1, True],
}
BAD["rate"] = BAD["real"] + [-0.5]
BAD["positive"] = BAD["real"] + [0.0, -1.0]
BAD["optional_real"] = [v for v in BAD["real"] if v is not None]
BAD["optional_positive"] = [v for v in BAD["positive"] if v is not None]
BAD["optional_rate"] = [v for v in BAD["rate"] if v is not None]
BAD["optional_int"] = [v for v in BAD["int"] if v is not None]
BAD["optional_choice"] = [v for v in BAD["choice"] if v is not None]

TC = {"kind": "tavis_cummings"}
SPEC = [
    (driven_atom, {}, {"Omega": "rate", "gamma": "rate", "gamma_phi": "rate",
                       "delta": "optional_real", "omega0": "positive", "theta": "real",
                       "phi": "real", "frame": "choice", "omega_L": "optional_positive"}),
    (driven_atom, {"frame": "lab"}, {"Omega": "rate", "omega_L": "optional_positive"}),
    (two_qubit_battery, {}, {"Omega": "rate", "J": "real", "Jz": "real", "gamma": "rate",
                             "gamma_phi": "rate", "delta": "real", "omega0": "positive"}),
    (charger_battery, {}, {"omega": "positive", "J": "positive", "theta": "real", "phi": "real",
                           "gamma": "rate"}),
    (xxz_charger_battery, {}, {"omega_b": "positive", "omega_c": "positive", "J1": "real",
                               "J2": "real", "theta_c": "real", "gamma_b": "rate",
                               "gamma_c": "rate"}),
    (network, {"N": 3}, {"N": "int", "omega": "real", "J": "real", "coupling": "choice",
                         "gamma": "rate", "gamma_collective": "rate", "initial": "choice",
                         "decay": "choice", "topology": "choice"}),
    (parallel_battery, {"N": 2}, {"N": "int", "omega0": "positive", "Omega": "positive",
                                  "gamma": "rate", "gamma_phi": "rate", "basis": "choice"}),
    (collective_battery, {"N": 3}, {"N": "int", "kind": "choice", "omega0": "positive",
                                    "Omega": "optional_positive", "J": "optional_real",
                                    "Jz": "optional_real", "periodic": "bool",
                                    "gamma": "rate", "gamma_phi": "rate",
                                    "basis": "optional_choice"}),
    (collective_battery, {"N": 3, "kind": "global_swap"},
     {"Omega": "optional_positive", "norm_matched": "bool", "gamma": "rate",
      "gamma_phi": "rate", "basis": "optional_choice"}),
    (collective_battery, {"N": 2, **TC},
     {"omega_c": "optional_positive", "g": "optional_positive", "n_max": "optional_int",
      "gamma": "rate", "gamma_phi": "rate", "kappa": "optional_rate",
      "basis": "optional_choice", "omega0": "positive"}),
    (collective_battery, {"N": 2, "kind": "dicke", "n_max": 4},
     {"g": "optional_positive", "kappa": "optional_rate"}),
]
CASES = [(fn, base, arg, bad) for fn, base, args in SPEC for arg, kind in args.items()
         for bad in BAD[kind]]


def _id(case):
    fn, base, arg, bad = case
    extra = ",".join(f"{k}={v}" for k, v in base.items() if k != "N")
    return f"{fn.__name__}[{extra}]-{arg}={bad!r}"


def _mentions(name):
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_every_builder_refuses_every_bad_argument(case):
    fn, base, arg, bad = case
    with pytest.raises(ValueError, match=_mentions(arg)):
        fn(**{**base, arg: bad})


def test_every_builder_argument_is_covered():
    """The table above lists every parameter of every builder."""
    covered = {}
    for fn, _, args in SPEC:
        covered.setdefault(fn, set()).update(args)
    for fn, names in covered.items():
        missing = set(inspect.signature(fn).parameters) - names
        assert not missing, (fn.__name__, missing)


# ------------------------------------------------------------------ arguments that do not apply

INAPPLICABLE = {
    "spin_chain": {"norm_matched": True, "omega_c": 1.0, "g": 0.1, "n_max": 5, "kappa": 0.1},
    "global_swap": {"J": 0.5, "Jz": 0.1, "periodic": False, "omega_c": 1.0, "g": 0.1,
                    "n_max": 5, "kappa": 0.0},
    "tavis_cummings": {"Omega": 1.0, "J": 0.0, "Jz": 0.2, "periodic": False,
                       "norm_matched": True},
    "dicke": {"Omega": 2.0, "J": 0.1, "Jz": 0.0, "periodic": True, "norm_matched": False},
}
INAPP = [(k, a, v) for k, d in INAPPLICABLE.items() for a, v in d.items()]


@pytest.mark.parametrize(("kind", "arg", "value"), INAPP,
                         ids=[f"{k}-{a}" for k, a, _ in INAPP])
def test_collective_battery_refuses_arguments_that_do_not_apply(kind, arg, value):
    with pytest.raises(ValueError, match=rf"{arg} does not apply to kind='{kind}'"):
        collective_battery(3, kind, **{arg: value})


@pytest.mark.parametrize(("call", "match"), [
    (lambda: collective_battery(2, periodic=True), "periodic=True needs N >= 3"),
    (lambda: collective_battery(3, basis="symmetric"), "basis"),
    (lambda: collective_battery(3, basis="piqs"), "basis"),
    (lambda: collective_battery(3, "tavis_cummings", gamma=0.1, basis="symmetric"),
     "basis='symmetric' cannot hold"),
    (lambda: collective_battery(3, "tavis_cummings", gamma_phi=0.1, basis="symmetric"),
     "gamma_phi"),
    (lambda: parallel_battery(3, gamma=0.1, basis="symmetric"), "gamma"),
    (lambda: collective_battery(3, "global_swap", gamma=0.1, basis="symmetric"), "gamma"),
    (lambda: collective_battery(3, "tavis_cummings", n_max=2), "n_max"),
    (lambda: collective_battery(1, "spin_chain"), "N"),
    (lambda: driven_atom(delta=0.1, omega_L=0.9), "not both"),
])
def test_combinations_that_cannot_be_honoured(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_issue_reproducer_gamma_is_honoured():
    """collective_battery(3, "tavis_cummings", g=0.1, kappa=0.02, gamma=0.5) keeps gamma."""
    m = collective_battery(3, "tavis_cummings", g=0.1, kappa=0.02, gamma=0.5)
    assert m.params["gamma"] == 0.5 and m.params["kappa"] == 0.02
    assert m.superoperator is not None and len(m.c_ops) == 1
    closed = collective_battery(3, "tavis_cummings", g=0.1, kappa=0.02)
    t = [0.0, 5.0, 10.0]
    E = qb.evolve(m, t, method="expm").evaluate(["energy"])["energy"].values
    E0 = qb.evolve(closed, t, method="expm").evaluate(["energy"])["energy"].values
    assert np.all(E[1:] < E0[1:] - 1e-3)  # decaying cells hold less energy


def test_periodic_is_honoured():
    ring = collective_battery(4, J=0.7, periodic=True)
    chain = collective_battery(4, J=0.7)
    assert ring.params["periodic"] is True and chain.params["periodic"] is False
    assert (ring.H - chain.H).norm() > 0.5


# ------------------------------------------------------------------ provenance and H_local


def _models():
    return {
        "driven_atom": driven_atom(),
        "driven_atom_lab": driven_atom(frame="lab", Omega=0.1),
        "two_qubit_battery": two_qubit_battery(),
        "charger_battery": charger_battery(),
        "xxz_charger_battery": xxz_charger_battery(),
        "network": network(3, "ring", J=0.5),
        "parallel_battery": parallel_battery(3),
        "parallel_piqs": parallel_battery(3, basis="piqs", gamma=0.1),
        "spin_chain": collective_battery(3, J=0.2),
        "global_swap": collective_battery(3, "global_swap"),
        "tc_symmetric": collective_battery(3, "tavis_cummings"),
        "tc_piqs": collective_battery(3, "tavis_cummings", gamma=0.1),
        "tc_full": collective_battery(2, "tavis_cummings", basis="full"),
        "dicke": collective_battery(2, "dicke", n_max=5),
    }


APPLICABLE = {
    "spin_chain": {"N", "kind", "omega0", "Omega", "J", "Jz", "periodic", "gamma", "gamma_phi",
                   "basis"},
    "global_swap": {"N", "kind", "omega0", "Omega", "norm_matched", "gamma", "gamma_phi",
                    "basis"},
    "cavity": {"N", "kind", "omega0", "omega_c", "g", "n_max", "gamma", "gamma_phi", "kappa",
               "basis"},
}


def test_every_model_records_its_arguments():
    builders = {"driven_atom": driven_atom, "two_qubit_battery": two_qubit_battery,
                "charger_battery": charger_battery, "xxz_charger_battery": xxz_charger_battery,
                "network": network, "parallel_battery": parallel_battery}
    for key, m in _models().items():
        if key.startswith(("tc", "dicke")):
            expected = APPLICABLE["cavity"]
        elif key in ("spin_chain", "global_swap"):
            expected = APPLICABLE[key]
        else:
            expected = set(inspect.signature(builders[m.name]).parameters)
        assert expected <= set(m.params), (key, expected - set(m.params))


def test_every_model_knows_its_subsystems_hamiltonians():
    for key, m in _models().items():
        assert m.H_local is not None and len(m.H_local) == len(m.dims), key
        for h, d in zip(m.H_local, m.dims, strict=True):
            assert h is not None and h.dims[0] == [d], key
        if m.is_whole_system and len(m.dims) > 1:  # H_battery is the sum of the locals
            total = sum(qutip.tensor(*[h if q == i else qutip.qeye(m.dims[q])
                                       for q in range(len(m.dims))])
                        for i, h in enumerate(m.H_local))
            assert (total - m.H_battery).norm() < 1e-12 * m.H_battery.norm(), key


def test_subsystem_energy_from_H_local():
    """A network cell's energy from evaluate(subsystems=) equals its share of H_battery."""
    m = network(3, "linear", J=0.5, initial="classical")
    traj = qb.evolve(m, np.linspace(0, 2, 5), method="expm")
    per_cell = [traj.evaluate(["energy"], subsystems=(i,))["energy"].values for i in range(3)]
    total = traj.evaluate(["energy"])["energy"].values
    np.testing.assert_allclose(sum(per_cell), total, rtol=1e-12)
    charger = charger_battery(theta=2.0, gamma=0.01)
    traj = qb.evolve(charger, np.linspace(0, 30, 4), method="expm")
    Ea = traj.evaluate(["energy"], subsystems=(0,))["energy"].values
    rho_a = qb.ptrace(traj.states, [0], charger.dims)
    np.testing.assert_allclose(Ea, qb.energy(rho_a, qutip.num(2)), rtol=1e-12)


# ------------------------------------------------------------------ memory


@pytest.mark.parametrize("call", [
    lambda: network(40),
    lambda: collective_battery(40, "spin_chain"),
    lambda: parallel_battery(40),
    lambda: collective_battery(40, "global_swap"),
    lambda: collective_battery(30, "tavis_cummings", basis="full"),
    lambda: collective_battery(2000, "dicke"),
    lambda: network(10**6, "all_to_all"),
], ids=["network40", "spin_chain40", "parallel40", "swap40", "tc_full30", "dicke2000",
        "network1e6"])
def test_oversized_models_are_refused_fast_without_allocating(call):
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError, match="needs about .* more than the limit") as err:
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2.0
    assert peak < 20e6
    assert _memory.ENV_VAR in str(err.value)


def test_memory_message_gives_estimate_limit_and_advice():
    with pytest.raises(ValueError) as err:
        parallel_battery(40)
    msg = str(err.value)
    assert "basis='symmetric'" in msg and "basis='piqs'" in msg
    with pytest.raises(ValueError) as err:
        network(40)
    assert "network_permutation_dynamics" in str(err.value)
    with pytest.raises(ValueError) as err:
        collective_battery(30, "tavis_cummings", basis="full")
    assert "basis='piqs'" in str(err.value)
    # the symmetric / piqs forms of the same 40 qubits fit
    assert parallel_battery(40, basis="symmetric").dims == [41]
    assert parallel_battery(40, basis="piqs", gamma=0.1).dims == [441]


def test_memory_limit_from_environment(monkeypatch):
    monkeypatch.setenv(_memory.ENV_VAR, "0.01")  # 10 MB
    assert _memory.memory_limit()[0] == pytest.approx(1e7)
    network(6)  # 6 * 16 * 4096 entries: 0.4 MB
    with pytest.raises(ValueError, match=r"limit of 10 MB \(set by QBTOOLKIT_MAX_MEMORY_GB"):
        network(10)  # 6 * 16 * 2^20: 100 MB
    for bad in ("zero", "-1", "nan", "0"):
        monkeypatch.setenv(_memory.ENV_VAR, bad)
        with pytest.raises(ValueError, match=_memory.ENV_VAR):
            _memory.memory_limit()
    monkeypatch.delenv(_memory.ENV_VAR)
    limit, source = _memory.memory_limit()
    assert 0 < limit < math.inf and "available physical memory" in source


def test_model_bytes_counts_the_dense_states_and_operators():
    assert _memory.model_bytes(100) == _memory.DENSE_STATE_COPIES * 16 * 100**2
    assert _memory.model_bytes(10, 5, 7) == _memory.DENSE_STATE_COPIES * 1600 + 24 * 12
    assert _memory.format_bytes(2**4000) == "10^1195 GB"
    assert _memory.format_count(2**40) == "1.1e+12" and _memory.format_count(999) == "999"


@pytest.mark.parametrize("model", [network(3, "ring", J=0.4, coupling="xy", gamma_collective=0.2),
                                   collective_battery(2, "tavis_cummings", gamma=0.1,
                                                      kappa=0.2),
                                   collective_battery(3, "tavis_cummings", gamma=0.1,
                                                      basis="full")],
                         ids=["network", "tc_piqs", "tc_full"])
def test_liouvillian_nnz_bound(model):
    L = model.liouvillian().to("csr").data.as_scipy()
    bound = _memory.liouvillian_nnz_bound(model.H, model.c_ops, model.superoperator)
    assert L.nnz <= bound < 20 * L.nnz


# ------------------------------------------------------------------ helpers


@pytest.mark.parametrize("fn", [tavis_cummings_charging, piqs_charging])
def test_charging_helpers_validate_times_and_arguments(fn):
    for bad in (["0", "1"], [0.0, NAN], [1.0, 0.5], [-1.0, 0.0], [[0.0, 1.0]], []):
        with pytest.raises(ValueError, match="tlist"):
            fn(2, bad)
    with pytest.raises(ValueError, match="omega0"):
        fn(2, [0.0, 1.0], omega0="1")
    with pytest.raises(ValueError, match="N"):
        fn(True, [0.0, 1.0])


def test_piqs_charging_refuses_unknown_options():
    with pytest.raises(ValueError, match="atoll"):
        piqs_charging(2, [0.0, 1.0], options={"atoll": 1e-3})
