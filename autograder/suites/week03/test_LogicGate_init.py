"""Hidden checks for week03 `LogicGate.__init__` (cell test_LogicGate_init, 1.5 points)."""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_close, expect_float64, expect_shape

pytestmark = pytest.mark.cell("test_LogicGate_init")

DRAWS = ("draw W and b with one generator, np.random.default_rng(seed), and its .random method: "
         "first W (2, 1), then b (1,)")


def test_data_attributes(gates, rng):
    m = 6
    xdata = rng.integers(0, 2, size=(m, 2))
    tdata = rng.integers(0, 2, size=m)
    gate = gates.create("OR", xdata, tdata, learning_rate=0.25, seed=1)
    expect(gates.attribute(gate, "name") == "OR", "self.name should be the gate_name given to LogicGate")
    lr = gates.attribute(gate, "learning_rate")
    expect(isinstance(lr, (int, float)) and lr == 0.25,
           "self.learning_rate should be the learning_rate argument (here 0.25), not a fixed 1e-2")
    x = expect_shape(gates.attribute(gate, "xdata"), (m, 2), "self.xdata",
                     "one sample per row, (m, 2) for any number m of samples, not only 4")
    expect_float64(x, "self.xdata")
    expect_close(x, xdata, "self.xdata", "keep the inputs you are given")
    t = expect_shape(gates.attribute(gate, "tdata"), (m, 1), "self.tdata",
                     "targets given as (m,) are stored as a column (m, 1)")
    expect_float64(t, "self.tdata")
    expect_close(t, tdata.reshape(m, 1), "self.tdata", "keep the targets you are given, one per row")


def test_column_targets_stay_a_column(gates):
    tdata = gates.targets["NAND"].reshape(4, 1)
    gate = gates.create("NAND", gates.inputs, tdata, seed=0)
    t = expect_shape(gates.attribute(gate, "tdata"), (4, 1), "self.tdata for tdata given as (4, 1)")
    expect_close(t, tdata, "self.tdata for tdata given as (4, 1)", "keep the targets you are given")


def test_default_learning_rate(gates):
    gate = gates.create("AND", gates.inputs, gates.targets["AND"], seed=0)
    expect(gates.attribute(gate, "learning_rate") == 1e-2,
           "the default learning_rate is the lecture's 1e-2")


def check_shapes(gates, gate):
    W = gates.attribute(gate, "W")
    b = gates.attribute(gate, "b")
    W_shape, b_shape = np.shape(W), np.shape(b)
    expect(W_shape != (1, 2), "self.W has shape (1, 2), the transpose: the course's W is (n_prev, n_next) = "
           "(2, 1), rows = inputs, columns = output nodes, so z = x · W + b")
    expect(b_shape not in ((1, 1), (4, 1)), f"self.b has shape {b_shape}; a bias is one number per output "
           "node, shape (n_next,) = (1,), not a column")
    expect_shape(W, (2, 1), "self.W", "W (n_prev, n_next) = (2, 1)")
    expect_shape(b, (1,), "self.b", "b (n_next,) = (1,)")
    expect_float64(W, "self.W")
    expect_float64(b, "self.b")
    return W, b


def test_parameter_shapes(gates):
    gate = gates.create("AND", gates.inputs, gates.targets["AND"], seed=3)
    check_shapes(gates, gate)


@pytest.mark.parametrize("seed", [5, 2024], ids=["seed=5", "seed=2024"])
def test_parameters_drawn_from_the_seed(gates, seed):
    gate = gates.create("OR", gates.inputs, gates.targets["OR"], seed=seed)
    W, b = check_shapes(gates, gate)
    draws = np.random.default_rng(seed)
    expected_W, expected_b = draws.random((2, 1)), draws.random(1)
    if np.array_equal(W, expected_W) and np.array_equal(b, expected_b):
        return
    swapped = np.random.default_rng(seed)
    swapped_b, swapped_W = swapped.random(1), swapped.random((2, 1))
    if np.array_equal(W, swapped_W) and np.array_equal(b, swapped_b):
        raise Mistake("W and b are drawn in the wrong order (b before W): " + DRAWS)
    two = (np.random.default_rng(seed).random((2, 1)), np.random.default_rng(seed).random(1))
    if np.array_equal(W, two[0]) and np.array_equal(b, two[1]):
        raise Mistake("b repeats W's first draw: make ONE generator and draw from it twice; " + DRAWS)
    raise Mistake(f"W and b are not the draws of seed {seed}: " + DRAWS + " (np.random.rand ignores the seed)")


def test_same_seed_same_gate(gates):
    first = gates.create("AND", gates.inputs, gates.targets["AND"], seed=11)
    second = gates.create("AND", gates.inputs, gates.targets["AND"], seed=11)
    other = gates.create("AND", gates.inputs, gates.targets["AND"], seed=12)
    W1, W2, W3 = (np.asarray(gates.attribute(g, "W")) for g in (first, second, other))
    expect(np.array_equal(W1, W2) and not np.array_equal(W1, W3),
           "the same seed should give the same W, another seed another W: " + DRAWS)
