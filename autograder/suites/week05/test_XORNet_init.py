"""Hidden checks for week05 `XORNet.__init__` (cell test_XORNet_init, 2 points):
the params dict, its shapes and dtype, and the draws from one generator in
the order W2, b2, W3, b3."""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_float64, expect_shape, expect_unchanged
from solutions import week05 as ref

pytestmark = pytest.mark.cell("test_XORNet_init")

SHAPE_HINTS = {
    "W2": "W is (n_prev, n_next): 2 rows for the input nodes, one column per hidden node",
    "b2": "a bias is 1-D, one value per node of its layer: (n_next,), not a column",
    "W3": "W is (n_prev, n_next): one row per hidden node, 1 column for the output node",
    "b3": "a bias is 1-D, one value per node of its layer: (n_next,), not a column",
}


@pytest.mark.parametrize("hidden", [3, None, 6], ids=["hidden_nodes=3", "default", "hidden_nodes=6"])
def test_shapes_and_dtype(xornet, hidden):
    kwargs = {} if hidden is None else {"hidden_nodes": hidden}
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=5, **kwargs)
    params = xornet.params(net)
    h = hidden or 4
    where = f"with hidden_nodes={hidden}" if hidden else "with the default hidden_nodes (4)"
    for key, shape in xornet.shapes(h).items():
        expect_shape(params[key], shape, f"self.params['{key}'] {where}",
                     SHAPE_HINTS[key] + ("" if hidden is None else "; use the hidden_nodes argument"))
        expect_float64(params[key], f"self.params['{key}']")


@pytest.mark.parametrize("hidden", [2, 5], ids=["hidden_nodes=2", "hidden_nodes=5"])
def test_draws_from_one_generator_in_order(xornet, rng, hidden):
    seed = int(rng.integers(0, 2**31))
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], hidden_nodes=hidden, seed=seed)
    params = xornet.params(net)
    expected = ref.XORNet(xornet.inputs, xornet.targets["XOR"], hidden_nodes=hidden, seed=seed).params
    for key in xornet.keys:
        expect_shape(params[key], expected[key].shape, f"self.params['{key}']", SHAPE_HINTS[key])
    if all(np.array_equal(params[key], expected[key]) for key in xornet.keys):
        return
    stream = np.concatenate([expected[key].ravel() for key in xornet.keys])
    drawn = np.concatenate([params[key].ravel() for key in xornet.keys])
    fresh = {key: np.random.default_rng(seed).random(expected[key].shape) for key in xornet.keys}
    if all(np.array_equal(params[key], fresh[key]) for key in xornet.keys):
        raise Mistake("every parameter starts with the same numbers: make ONE generator "
                      "np.random.default_rng(seed) and draw all four parameters from it")
    if np.array_equal(np.sort(drawn), np.sort(stream)):
        raise Mistake("the parameters hold the right random numbers in the wrong places: draw them "
                      "in the order W2, b2, W3, b3, each with its own shape")
    raise Mistake("the starting parameters are not the draws of "
                  "np.random.default_rng(seed).random (np.random.rand or np.random.seed give other "
                  "numbers)")


def test_default_seed_is_none(xornet):
    net = xornet.create(xornet.inputs, xornet.targets["XNOR"])
    params = xornet.params(net)
    for key in xornet.keys:
        expect(np.all((params[key] >= 0.0) & (params[key] < 1.0)),
               f"self.params['{key}'] without a seed should hold draws of .random, between 0 and 1")


@pytest.mark.side
def test_keeps_training_data(student, xornet):
    xdata, tdata = xornet.inputs.copy(), xornet.targets["XOR"].copy()
    reply = student.invoke("XORNet", (xdata, tdata), {"seed": 1}, return_args=True)
    expect(reply.args[1].shape == (4,), "XORNet(xdata, tdata) changed the shape of the tdata it was "
           "given; reshape into a new array (tdata.reshape(...)) instead of setting tdata.shape")
    expect_unchanged(xornet.inputs, reply.args[0], "XORNet(xdata, tdata)")
    expect_unchanged(xornet.targets["XOR"], reply.args[1], "XORNet(xdata, tdata)")
