"""Hidden checks for week03 `LogicGate.predict` (cell test_LogicGate_predict, 1.5 points)."""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_close, expect_float64, expect_shape
from autograder.sandbox.errors import RaisedError

pytestmark = [pytest.mark.cell("test_LogicGate_predict"), pytest.mark.isolated]

Y_HINT = "y = sigmoid(x · W + b)"
SCALAR_IF = ("`if y > 0.5:` works for one number only; for a batch compare the whole array, "
             "(y > 0.5), and turn the booleans into integers")


def prepared(gates, rng, name="AND"):
    gate = gates.create(name, gates.inputs, gates.targets[name], seed=0)
    W, b = gates.start(rng, scale=2.0)
    gates.inject(gate, W, b)
    return gate, gates.reference(name, gates.inputs, gates.targets[name], W, b)


def predict(gates, gate, x, what):
    try:
        return gates.predict(gate, x)
    except RaisedError as exc:
        if exc.exc_type == "ValueError" and "truth value" in exc.exc_message:
            raise Mistake(f"{what} raised ValueError: {SCALAR_IF}") from None
        raise


def check_labels(labels, y_expected, shape, what):
    labels = expect_shape(labels, shape, f"labels of {what}")
    expect(labels.dtype.kind in "iu", f"labels of {what} have dtype {labels.dtype}; labels are integers 0 and 1 "
           "(convert the comparison's booleans with .astype(int))")
    expect(np.array_equal(labels, (y_expected > 0.5).astype(int)),
           f"labels of {what} are wrong: 1 where y > 0.5, else 0")


def test_one_sample(gates, rng):
    gate, reference = prepared(gates, rng)
    x = rng.integers(0, 2, size=2).astype(float)
    what = "predict(x) for one sample x (2,)"
    y, labels = predict(gates, gate, x, what)
    y_ref, _ = reference.predict(x)
    y = expect_shape(y, (1,), f"y of {what}", "x (2,) · W (2, 1) + b (1,) has shape (1,)"
                     + (" (is b a column (1, 1)?)" if np.shape(y) == (1, 1) else ""))
    expect_float64(y, f"y of {what}")
    expect_close(y, y_ref, f"y of {what}", Y_HINT)
    check_labels(labels, y_ref, (1,), what)


def test_batch(gates, rng):
    gate, reference = prepared(gates, rng, "OR")
    x = rng.normal(0.5, 0.6, size=(6, 2))
    what = "predict(X) for a batch X (6, 2)"
    y, labels = predict(gates, gate, x, what)
    y_ref, _ = reference.predict(x)
    expect_close(y, y_ref, f"y of {what}", "one output per row, shape (m, 1): " + Y_HINT)
    check_labels(labels, y_ref, (6, 1), what)


def test_integer_inputs(gates, rng):
    gate, reference = prepared(gates, rng, "NAND")
    what = "predict(X) for the integer inputs [[0, 0], [0, 1], [1, 0], [1, 1]]"
    y, labels = predict(gates, gate, gates.inputs, what)
    y_ref, _ = reference.predict(gates.inputs)
    expect_float64(y, f"y of {what}")
    expect_close(y, y_ref, f"y of {what}", Y_HINT)
    check_labels(labels, y_ref, (4, 1), what)


def test_exactly_one_half_is_class_0(gates):
    gate = gates.create("AND", gates.inputs, gates.targets["AND"], seed=0)
    gates.inject(gate, np.zeros((2, 1)), np.zeros(1))
    what = "predict(X) with W = 0 and b = 0 (y = 0.5 exactly)"
    _, labels = predict(gates, gate, gates.inputs, what)
    check_labels(labels, np.full((4, 1), 0.5), (4, 1), what)
