"""Hidden checks for week05 `XORNet.__init__` (cell test_XORNet_init, 2 points):
the params dict, its shapes and dtype for several hidden_nodes, and the draws
from one generator in the order W2, b2, W3, b3."""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_float64, expect_shape, expect_unchanged
from autograder.texts import domain
from solutions import week05 as ref

_ = domain("week05")
pytestmark = pytest.mark.cell("test_XORNet_init")

W2_HINT = _("W is (n_prev, n_next): 2 rows for the input nodes, one column per hidden node")
W3_HINT = _("W is (n_prev, n_next): one row per hidden node, 1 column for the output node")
B_HINT = _("a bias is 1-D, one value per node of its layer: (n_next,), not a column")
SHAPE_HINTS = {"W2": W2_HINT, "b2": B_HINT, "W3": W3_HINT, "b3": B_HINT}
USE_HIDDEN = _("use the hidden_nodes argument")
HIDDEN = {"hidden_nodes=1": 1, "hidden_nodes=2": 2, "default": None, "hidden_nodes=7": 7}


def described(hidden):
    if hidden is None:
        return _("with the default hidden_nodes (4)")
    return _("with hidden_nodes={h}", h=hidden)


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_shapes_and_dtype(xornet, hidden):
    kwargs = {} if hidden is None else {"hidden_nodes": hidden}
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=5, **kwargs)
    params = xornet.params(net)
    for key, shape in xornet.shapes(hidden or 4).items():
        where = _("self.params['{key}'] {setting}", key=key, setting=described(hidden))
        hint = SHAPE_HINTS[key] if hidden is None else _("{hint}; {also}", hint=SHAPE_HINTS[key], also=USE_HIDDEN)
        expect_shape(params[key], shape, where, hint)
        expect_float64(params[key], where)


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_draws_from_one_generator_in_order(xornet, rng, hidden):
    seed = int(rng.integers(0, 2**31))
    kwargs = {} if hidden is None else {"hidden_nodes": hidden}
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=seed, **kwargs)
    params = xornet.params(net)
    expected = ref.XORNet(xornet.inputs, xornet.targets["XOR"], hidden_nodes=hidden or 4, seed=seed).params
    for key in xornet.keys:
        expect_shape(params[key], expected[key].shape,
                     _("self.params['{key}'] {setting}", key=key, setting=described(hidden)), SHAPE_HINTS[key])
    if all(np.array_equal(params[key], expected[key]) for key in xornet.keys):
        return
    stream = np.concatenate([expected[key].ravel() for key in xornet.keys])
    drawn = np.concatenate([params[key].ravel() for key in xornet.keys])
    fresh = {key: np.random.default_rng(seed).random(expected[key].shape) for key in xornet.keys}
    if all(np.array_equal(params[key], fresh[key]) for key in xornet.keys):
        raise Mistake(_("every parameter starts with the same numbers: make ONE generator "
                        "np.random.default_rng(seed) and draw all four parameters from it"),
                      "generator_per_parameter")
    if np.array_equal(np.sort(drawn), np.sort(stream)):
        raise Mistake(_("the parameters hold the right random numbers in the wrong places: draw them "
                        "in the order W2, b2, W3, b3, each with its own shape"), "draw_order")
    legacy = np.random.RandomState(seed)
    if all(np.array_equal(params[key], legacy.random_sample(expected[key].shape)) for key in xornet.keys):
        raise Mistake(_("the parameters are the draws of np.random.seed(seed) and np.random.rand, numpy's "
                        "old generator; draw them with rng = np.random.default_rng(seed) and rng.random"),
                      "legacy_random")
    raise Mistake(_("the starting parameters are not the draws of np.random.default_rng(seed).random "
                    "in the order W2, b2, W3, b3"), "not_default_rng_draws")


def test_default_seed_is_none(xornet):
    net = xornet.create(xornet.inputs, xornet.targets["XNOR"])
    params = xornet.params(net)
    for key in xornet.keys:
        expect(np.all((params[key] >= 0.0) & (params[key] < 1.0)),
               _("self.params['{key}'] without a seed should hold draws of .random, between 0 and 1", key=key))


@pytest.mark.side
def test_keeps_training_data(student, xornet):
    xdata, tdata = xornet.inputs.copy(), xornet.targets["XOR"].copy()
    reply = student.invoke("XORNet", (xdata, tdata), {"seed": 1}, return_args=True)
    expect(reply.args[1].shape == (4,), _("XORNet(xdata, tdata) changed the shape of the tdata it was "
                                          "given; reshape into a new array (tdata.reshape(...)) instead of "
                                          "setting tdata.shape"), "changes_input")
    expect_unchanged(xornet.inputs, reply.args[0], "XORNet(xdata, tdata)")
    expect_unchanged(xornet.targets["XOR"], reply.args[1], "XORNet(xdata, tdata)")
