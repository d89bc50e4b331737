"""Hidden checks for week05 `XORNet.predict` (cell test_XORNet_predict, 1.5 points):
(y, labels) shaped like week03's LogicGate.predict, from the grader's parameters."""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_close, expect_shape, expect_unchanged
from autograder.sandbox.errors import RaisedError

pytestmark = [pytest.mark.cell("test_XORNet_predict"), pytest.mark.isolated]

Y_HINT = "y is the output of the feed forward with the parameters in self.params"


def net_with_start(xornet, rng, hidden=4):
    start = xornet.start(rng, hidden, scale=2.0)
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], hidden_nodes=hidden, seed=0)
    xornet.inject(net, start)
    return net, xornet.reference(xornet.inputs, xornet.targets["XOR"], start)


def predict_batch(xornet, net, x):
    try:
        return xornet.predict(net, x)
    except RaisedError as exc:
        if exc.exc_type == "ValueError" and "truth value" in exc.exc_message:
            raise Mistake("predict of a batch raised ValueError: `if y > 0.5:` needs ONE number; "
                          "compare the whole array y > 0.5 and turn it into integer labels") from None
        raise


def check_labels(labels, expected_labels, what):
    expect(labels.dtype.kind in "iu", f"the labels of {what} have dtype {labels.dtype}; labels are "
           "integers 0 and 1 (convert the comparison's booleans with .astype(int))")
    expect(np.array_equal(labels, expected_labels), f"the labels of {what} are wrong: 1 where y > 0.5, "
           "else 0, computed from this y (not a fixed table)")


def test_one_sample(xornet, rng):
    net, reference = net_with_start(xornet, rng, hidden=3)
    x = rng.uniform(-0.5, 1.5, size=2)
    y, labels = xornet.predict(net, x)
    expected_y, expected_labels = reference.predict(x)
    expect_shape(y, (1,), "y of predict(x) for one sample x (2,)",
                 "like LogicGate.predict: a 1-D x gives y of shape (1,); do not reshape x into a batch")
    expect_shape(labels, (1,), "labels of predict(x) for one sample x (2,)")
    expect_close(y, expected_y, "y of predict(x) for one sample", Y_HINT)
    check_labels(labels, expected_labels, "predict(x) for one sample")


@pytest.mark.parametrize("samples", [4, 9], ids=["the 4 inputs", "9 random inputs"])
def test_batch(xornet, rng, samples):
    net, reference = net_with_start(xornet, rng, hidden=5)
    x = xornet.inputs[rng.permutation(4)] if samples == 4 else rng.uniform(-0.5, 1.5, size=(samples, 2))
    y, labels = predict_batch(xornet, net, x)
    expected_y, expected_labels = reference.predict(x)
    expect_shape(y, (samples, 1), f"y of predict(x) for a batch x ({samples}, 2)", "one row per sample")
    expect_shape(labels, (samples, 1), f"labels of predict(x) for a batch x ({samples}, 2)",
                 "one label per sample, shaped like y")
    expect_close(y, expected_y, "y of predict(x) for a batch", Y_HINT)
    check_labels(labels, expected_labels, "predict(x) for a batch")


def test_threshold_is_strict(xornet):
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=0)
    zero = {key: np.zeros(shape) for key, shape in xornet.shapes(4).items()}
    xornet.inject(net, zero)  # y = sigmoid(0) = 0.5 exactly
    _, labels = predict_batch(xornet, net, xornet.inputs)
    expect(np.array_equal(np.ravel(labels), [0, 0, 0, 0]),
           "an output exactly y = 0.5 is label 0: the label is 1 only where y > 0.5")
    zero["b3"] = np.array([1e-6])  # y just above 0.5
    xornet.inject(net, zero)
    _, labels = predict_batch(xornet, net, xornet.inputs)
    expect(np.array_equal(np.ravel(labels), [1, 1, 1, 1]), "an output just above 0.5 is label 1")


def test_integer_input_and_no_mutation(student, xornet, rng):
    net, reference = net_with_start(xornet, rng)
    x = np.array([[1, 1], [0, 1], [1, 0]])
    reply = student.invoke((net, "predict"), (x,), return_args=True)
    expect_unchanged(x, reply.args[0], "predict(x)")
    result = reply.value
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           "predict(x) should return the pair (y, labels)")
    expect_close(result[0], reference.predict(x)[0], "y of predict(x) for an integer x", Y_HINT)
