"""Hidden checks for week05 `XORNet.predict` (cell test_XORNet_predict, 1.5 points):
(y, labels) shaped like week03's LogicGate.predict, from the grader's parameters:
x (2,) gives (1,) and (1,), x (m, 2) gives (m, 1) and (m, 1) for any m; y is
float64 and the labels are integers, for integer and float32 inputs too."""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_close, expect_float64, expect_shape, expect_unchanged
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain

_ = domain("week05")
pytestmark = [pytest.mark.cell("test_XORNet_predict"), pytest.mark.isolated]

Y_HINT = _("y is the output of the feed forward with the parameters in self.params")
DTYPES = [("int8", 1), ("uint8", 2), ("int32", 3), ("int64", 5), ("float32", 7)]  # dtype of x, samples


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
            raise Mistake(_("predict of a batch raised ValueError: `if y > 0.5:` needs ONE number; "
                            "compare the whole array y > 0.5 and turn it into integer labels"),
                          "if_on_batch") from None
        raise


def check_labels(labels, expected_labels, what):
    expect(labels.dtype.kind in "iu", _("the labels have dtype {dtype}; labels are integers 0 and 1 (convert "
                                        "the comparison's booleans with .astype(int))", dtype=labels.dtype),
           "labels_not_integers", what)
    expect(np.array_equal(labels, expected_labels),
           _("the labels are wrong: 1 where y > 0.5, else 0, computed from this y (not a fixed table)"),
           "wrong_labels", what)


def check_batch(xornet, net, reference, x, what):
    samples = len(x)
    y, labels = predict_batch(xornet, net, x)
    expected_y, expected_labels = reference.predict(x)
    expect_shape(y, (samples, 1), _("y of predict(x) for {what}", what=what), _("one row per sample"))
    expect_shape(labels, (samples, 1), _("labels of predict(x) for {what}", what=what),
                 _("one label per sample, shaped like y"))
    expect_close(y, expected_y, _("y of predict(x) for {what}", what=what), Y_HINT)
    check_labels(labels, expected_labels, _("predict(x) for {what}", what=what))
    return y


def test_one_sample(xornet, rng):
    net, reference = net_with_start(xornet, rng, hidden=3)
    x = rng.uniform(-0.5, 1.5, size=2)
    y, labels = xornet.predict(net, x)
    expected_y, expected_labels = reference.predict(x)
    one = _("predict(x) for one sample x (2,)")
    expect_shape(y, (1,), _("y of {what}", what=one),
                 _("like LogicGate.predict: a 1-D x gives y of shape (1,); do not reshape x into a batch"))
    expect_shape(labels, (1,), _("labels of {what}", what=one))
    expect_close(y, expected_y, _("y of {what}", what=one), Y_HINT)
    check_labels(labels, expected_labels, one)


@pytest.mark.parametrize("samples", [4, 1, 9], ids=["the 4 inputs", "a batch of 1", "9 random inputs"])
def test_batch(xornet, rng, samples):
    net, reference = net_with_start(xornet, rng, hidden=5)
    x = xornet.inputs[rng.permutation(4)] if samples == 4 else rng.uniform(-0.5, 1.5, size=(samples, 2))
    check_batch(xornet, net, reference, x, _("a batch x ({m}, 2)", m=samples))


def test_input_dtypes(xornet, rng):
    net, reference = net_with_start(xornet, rng)
    for dtype, samples in DTYPES:
        x = rng.integers(0, 3, size=(samples, 2)).astype(dtype)
        what = _("a batch x ({m}, 2) of dtype {dtype}", dtype=dtype, m=samples)
        y = check_batch(xornet, net, reference, x, what)
        expect_float64(y, _("y of predict(x) for {what}", what=what))


def test_threshold_is_strict(xornet):
    net = xornet.create(xornet.inputs, xornet.targets["XOR"], seed=0)
    zero = {key: np.zeros(shape) for key, shape in xornet.shapes(4).items()}
    for b3, want in ((0.0, 0), (1e-6, 1)):  # y = sigmoid(0) = 0.5 exactly, then y just above 0.5
        zero["b3"] = np.array([b3])
        xornet.inject(net, zero)
        _y, labels = predict_batch(xornet, net, xornet.inputs)
        labels = np.ravel(labels)
        if want == 0 and np.array_equal(labels, [1, 1, 1, 1]):
            raise Mistake(_("every output is exactly y = 0.5 and every label is 1: an output of exactly 0.5 is "
                            "label 0, the label is 1 only where y > 0.5 (not y >= 0.5)"), "threshold_not_strict")
        expect(np.array_equal(labels, [want] * 4),
               _("the labels are wrong: 1 where y > 0.5, else 0, computed from this y (not a fixed table)"),
               "wrong_labels", _("predict(x) when every output y is {y}", y=_("exactly 0.5") if want == 0
                                 else _("just above 0.5")))


@pytest.mark.side
def test_keeps_its_input(student, xornet, rng):
    net, _reference = net_with_start(xornet, rng)
    for x in (np.array([[1, 1], [0, 1], [1, 0]]), rng.uniform(-0.5, 1.5, size=2)):
        try:
            reply = student.invoke((net, "predict"), (x,), return_args=True)
        except RaisedError:
            continue  # the value checks say what it raised
        expect_unchanged(x, reply.args[0], "predict(x)")
