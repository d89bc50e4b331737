"""Hidden checks for week03 `LogicGate.__init__` (cell test_LogicGate_init, 1.5 points).

The constructor is judged on every attribute the contract names, in shape and
dtype: ``xdata`` (m, 2) and ``tdata`` (m, 1) float64 for data given as
integer or float arrays of any dtype, as Python lists, with targets (m,) or
(m, 1), and any number m of samples; ``W`` (2, 1) and ``b`` (1,) float64,
the draws of ``np.random.default_rng(seed).random`` (W first, then b).
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_close, expect_float64, expect_shape, expect_unchanged
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain

_ = domain("week03")
pytestmark = pytest.mark.cell("test_LogicGate_init")

DRAWS = _("draw W and b with one generator, np.random.default_rng(seed), and its .random method: "
          "first W (2, 1), then b (1,)")
ROWS = _("one sample per row, (m, 2) for any number m of samples, not only 4")
COLUMN = _("targets given as (m,) or (m, 1) are stored as a column (m, 1)")
KEEP_X = _("keep the inputs you are given (as float64)")
KEEP_T = _("keep the targets you are given, one per row (as float64)")


def check_data(gates, gate, xdata, tdata, where):
    """self.xdata (m, 2) and self.tdata (m, 1), float64, with the values given."""
    m = len(xdata)
    x = expect_shape(gates.attribute(gate, "xdata"), (m, 2), _("self.xdata for {data}", data=where), ROWS)
    expect_float64(x, _("self.xdata for {data}", data=where))
    expect_close(x, np.asarray(xdata, dtype=float), _("self.xdata for {data}", data=where), KEEP_X)
    t = expect_shape(gates.attribute(gate, "tdata"), (m, 1), _("self.tdata for {data}", data=where), COLUMN)
    expect_float64(t, _("self.tdata for {data}", data=where))
    expect_close(t, np.asarray(tdata, dtype=float).reshape(m, 1), _("self.tdata for {data}", data=where), KEEP_T)


def test_data_attributes(gates, rng):
    m = 6
    xdata = rng.integers(0, 2, size=(m, 2))
    tdata = rng.integers(0, 2, size=m)
    gate = gates.create("OR", xdata, tdata, learning_rate=0.25, seed=1)
    name = gates.attribute(gate, "name")
    expect(name == "OR", _("self.name is {got}; it should be the gate_name given to LogicGate (here 'OR')",
                           got=repr(name)[:40]), "name")
    lr = gates.attribute(gate, "learning_rate")
    expect(isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr == 0.25,
           _("self.learning_rate is {got}; it should be the learning_rate argument (here 0.25), a number",
             got=repr(lr)[:40]), "learning_rate")
    check_data(gates, gate, xdata, tdata, _("integer xdata (6, 2) and tdata (6,)"))


def test_column_targets_stay_a_column(gates, rng):
    m = 5
    xdata = rng.integers(0, 2, size=(m, 2)).astype(np.float64)
    tdata = rng.integers(0, 2, size=(m, 1)).astype(np.float64)
    gate = gates.create("NAND", xdata, tdata, seed=0)
    check_data(gates, gate, xdata, tdata, _("float xdata (5, 2) and tdata given as a column (5, 1)"))


def test_one_sample(gates):
    xdata, tdata = np.array([[1, 0]]), np.array([1])
    gate = gates.create("OR", xdata, tdata, seed=0)
    check_data(gates, gate, xdata, tdata, _("one sample: xdata (1, 2), tdata (1,)"))


def test_data_given_as_lists(gates):
    xdata, tdata = [[0, 1], [1, 1], [1, 0]], [1, 0, 1]
    where = _("xdata and tdata given as Python lists (3 samples)")
    try:
        gate = gates.create("XOR", xdata, tdata, seed=0)
    except RaisedError as exc:
        gates.create("XOR", np.array(xdata), np.array(tdata), seed=0)  # the same data as arrays: no error?
        raise Mistake(_("LogicGate(...) raised {error}: {message}; turn xdata and tdata into arrays first, "
                        "np.asarray(xdata, dtype=np.float64)", error=exc.exc_type,
                        message=str(exc.exc_message)[:120]), "list_inputs", where) from None
    check_data(gates, gate, xdata, tdata, where)


# data of every dtype the notebook may pass, each with another number of samples and targets (m,) or (m, 1)
DTYPES = (("int8", 3, False), ("uint8", 5, True), ("int32", 2, False), ("float32", 7, True))


def test_data_of_other_dtypes(gates, rng):
    for dtype, m, column in DTYPES:
        xdata = rng.integers(0, 2, size=(m, 2)).astype(dtype)
        tdata = rng.integers(0, 2, size=(m, 1) if column else m).astype(dtype)
        gate = gates.create("AND", xdata, tdata, seed=0)
        check_data(gates, gate, xdata, tdata, _("{dtype} xdata ({m}, 2) and tdata {shape}", dtype=dtype, m=m,
                                                 shape=tdata.shape))


def test_default_learning_rate(gates):
    gate = gates.create("AND", gates.inputs, gates.targets["AND"], seed=0)
    lr = gates.attribute(gate, "learning_rate")
    expect(lr == 1e-2, _("self.learning_rate is {got} when no learning_rate is given; the default is the "
                         "lecture's 1e-2", got=repr(lr)[:40]), "learning_rate")


def check_shapes(gates, gate):
    W = gates.attribute(gate, "W")
    b = gates.attribute(gate, "b")
    W_shape, b_shape = np.shape(W), np.shape(b)
    expect(W_shape != (1, 2), _("self.W has shape (1, 2), the transpose: the course's W is (n_prev, n_next) = "
                                "(2, 1), rows = inputs, columns = output nodes, so z = x · W + b"), "W_transposed")
    expect(b_shape not in ((1, 1), (4, 1)), _("self.b has shape {shape}; a bias is one number per output node, "
                                              "shape (n_next,) = (1,), not a column", shape=b_shape), "b_column")
    expect_shape(W, (2, 1), "self.W", _("W (n_prev, n_next) = (2, 1)"))
    expect_shape(b, (1,), "self.b", _("b (n_next,) = (1,)"))
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
    where = _("W and b of LogicGate(..., seed={seed})", seed=seed)
    swapped = np.random.default_rng(seed)
    swapped_b, swapped_W = swapped.random(1), swapped.random((2, 1))
    if np.array_equal(W, swapped_W) and np.array_equal(b, swapped_b):
        raise Mistake(_("W and b are drawn in the wrong order (b before W): {rule}", rule=DRAWS), "draw_order",
                      where)
    two = (np.random.default_rng(seed).random((2, 1)), np.random.default_rng(seed).random(1))
    if np.array_equal(W, two[0]) and np.array_equal(b, two[1]):
        raise Mistake(_("b repeats W's first draw, as from a second generator made with the same seed: make ONE "
                        "generator and draw from it twice; {rule}", rule=DRAWS), "two_generators", where)
    if np.array_equal(W, expected_W):
        raise Mistake(_("W is right but b is not the generator's next draw: {rule}", rule=DRAWS), "b_not_drawn",
                      where)
    raise Mistake(_("W and b are not the draws of seed {seed}: {rule}", seed=seed, rule=DRAWS), "not_seeded", where)


def test_same_seed_same_gate(gates):
    first = gates.create("AND", gates.inputs, gates.targets["AND"], seed=11)
    second = gates.create("AND", gates.inputs, gates.targets["AND"], seed=11)
    other = gates.create("AND", gates.inputs, gates.targets["AND"], seed=12)
    W1, W2, W3 = (np.asarray(gates.attribute(g, "W")) for g in (first, second, other))
    if not np.array_equal(W1, W2):
        raise Mistake(_("two gates made with the same seed have different W (np.random.rand ignores the seed): "
                        "{rule}", rule=DRAWS), "not_seeded", "LogicGate(..., seed=11)")
    expect(not np.array_equal(W1, W3), _("the seeds 11 and 12 give the same W: draw W from "
                                         "np.random.default_rng(seed), with the seed given"), "seed_ignored")


@pytest.mark.side
def test_keeps_its_inputs(gates, rng):
    m = 5
    xdata = rng.integers(0, 2, size=(m, 2)).astype(np.float64)
    tdata = rng.integers(0, 2, size=m).astype(np.float64)
    reply = gates.student.invoke("LogicGate", ("AND", xdata, tdata), {"seed": 0}, return_args=True)
    expect_unchanged(xdata, reply.args[1], _("LogicGate(...) with float64 xdata (5, 2): xdata"))
    expect_unchanged(tdata, reply.args[2], _("LogicGate(...) with float64 tdata (5,): tdata"))
