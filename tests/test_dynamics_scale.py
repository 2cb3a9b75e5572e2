"""Scale invariance of the exact routes: every energy and rate times c, every time over c,
changes nothing but the units (c from 1e-12 to 1e12)."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from random_models import random_model

import qbtoolkit as qb
from qbtoolkit.dynamics.backends.blocks import BlockPropagator
from qbtoolkit.dynamics.backends.permutation import network_permutation_dynamics
from qbtoolkit.models import network

SCALES = st.floats(min_value=-12, max_value=12).map(lambda x: 10.0**x)
T = np.linspace(0.0, 2.5, 6)


def _network(c, topology="ring", **kw):
    return network(4, topology, omega=1.3 * c, J=0.7 * c, gamma=c, gamma_collective=0.3 * c,
                   **kw)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(c=SCALES)
@example(c=1e-12)
@example(c=1e-10)
@example(c=1e12)
def test_blocks_scale_free(c):
    ref = qb.evolve(_network(1.0, decay="paper", coupling="xy"), T, method="blocks")
    tr = qb.evolve(_network(c, decay="paper", coupling="xy"), T / c, method="blocks",
                   metrics=["energy", "ergotropy"], store_states=True)
    assert np.max(np.abs(tr.states - ref.states)) < 1e-10
    Hb = ref.H_battery.full()
    np.testing.assert_allclose(tr.values["energy"] / c, qb.energy(ref.states, Hb), atol=1e-10)
    np.testing.assert_allclose(tr.values["ergotropy"] / c, qb.ergotropy(ref.states, Hb),
                               atol=1e-10)
    # the same blocks and symmetry reduction at every scale
    a, b = BlockPropagator(_network(1.0)), BlockPropagator(_network(c))
    assert (a.n, a.n_propagated, len(a.blocks)) == (b.n, b.n_propagated, len(b.blocks))


@settings(max_examples=5, deadline=None, derandomize=True)
@given(c=SCALES, seed=st.integers(0, 3))
@example(c=1e-12, seed=1)
@example(c=1e12, seed=2)
def test_sectors_and_auto_scale_free(c, seed):
    kind = ("tfi", "xx_chain", "xy", "xyz")[seed]
    kw = dict(symmetric=seed % 2 == 0, mixed=seed >= 2, channels=("decay", "dephasing", "pump"))
    ref = qb.evolve(random_model(seed, 3, kind, **kw), T, method="sectors")
    m = random_model(seed, 3, kind, scale=c, **kw)
    tr = qb.evolve(m, T / c, method="sectors")
    assert np.max(np.abs(tr.states - ref.states)) < 1e-10
    assert tr.meta["propagated"] == ref.meta["propagated"]
    assert tr.meta["cell_permutations"] == ref.meta["cell_permutations"]
    auto = qb.evolve(m, T / c, method="auto")
    assert np.max(np.abs(auto.states - ref.states)) < 1e-10


@settings(max_examples=5, deadline=None, derandomize=True)
@given(c=SCALES)
@example(c=1e-12)
@example(c=1e12)
def test_permutation_route_scale_free(c):
    kw = dict(coupling="zz", initial="coherent", decay="paper")
    ref = network_permutation_dynamics(5, T, omega=1.0, J=0.8, gamma=1.0,
                                       gamma_collective=0.4, **kw)
    r = network_permutation_dynamics(5, T / c, omega=c, J=0.8 * c, gamma=c,
                                     gamma_collective=0.4 * c, **kw)
    for k in ("energy", "ergotropy"):
        np.testing.assert_allclose(r[k] / c, ref[k], atol=1e-10)
    np.testing.assert_allclose(r["efficiency"], ref["efficiency"], atol=1e-10)


def test_blocks_tiny_energies_regression():
    # all energies x 1e-10: the block solver's states stay Hermitian and exact
    m = _network(1e-10, topology="linear")
    t = np.linspace(0, 3e10, 5)
    st_ = qb.evolve(m, t, method="blocks").states
    assert np.max(np.abs(st_ - st_.conj().transpose(0, 2, 1))) < 1e-14
    ref = qb.evolve(_network(1.0, topology="linear"), t * 1e-10, method="blocks").states
    assert np.max(np.abs(st_ - ref)) < 1e-10
    assert abs(np.trace(st_[-1]) - 1) < 1e-12


@settings(max_examples=4, deadline=None, derandomize=True)
@given(c=SCALES)
@example(c=1e-12)
@example(c=1e12)
def test_liouvillian_routes_scale_free(c):
    """expm and mesolve integrate the model's QuTiP Liouvillian; QuTiP's absolute tidy-up
    (1e-14) must not erase the small Bohr frequencies of a model at energies ~1e-12 (it used
    to: 2.1e-5 error at c = 1e-12 on this model)."""
    kw = dict(symmetric=False, mixed=True)
    ref = qb.evolve(random_model(3, 3, "tfi", **kw), T, method="expm")
    m = random_model(3, 3, "tfi", scale=c, **kw)
    assert np.max(np.abs(qb.evolve(m, T / c, method="expm").states - ref.states)) < 1e-10
    tight = {"atol": 1e-12, "rtol": 1e-10}
    a = qb.evolve(m, T / c, method="mesolve", options=tight)
    b = qb.evolve(random_model(3, 3, "tfi", **kw), T, method="mesolve", options=tight)
    assert np.max(np.abs(a.states - b.states)) < 1e-8
    assert np.max(np.abs(a.states - ref.states)) < 1e-8
