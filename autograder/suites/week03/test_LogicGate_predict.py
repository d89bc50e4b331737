"""Hidden checks for week03 `LogicGate.predict` (cell test_LogicGate_predict, 1.5 points).

The student's gate holds the grader's W (2, 1) and b (1,) (a transposed W
keeps its own shape), so only ``predict`` itself is judged here: x (2,) gives
y and labels of shape (1,), x (m, 2) shapes (m, 1), for any m and any
numeric dtype of x; labels are integers, 1 where y > 0.5.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_close, expect_float64, expect_shape, expect_unchanged
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain

_ = domain("week03")
pytestmark = [pytest.mark.cell("test_LogicGate_predict"), pytest.mark.isolated]

Y_HINT = _("y = sigmoid(x · W + b)")
SCALAR_IF = _("`if y > 0.5:` works for one number only; for a batch compare the whole array, "
              "(y > 0.5), and turn the booleans into integers")
BATCH = _("a batch X (m, 2) gives one output per row, shape (m, 1), for any m (1 and 2 included)")


def prepared(gates, rng, name="AND"):
    W, b = gates.start(rng, scale=2.0)
    gate = gates.prepared(name, gates.inputs, gates.targets[name], W, b)
    return gate, gates.reference(name, gates.inputs, gates.targets[name], W, b)


def predict(gates, gate, x, where, call=None):
    """``gates.predict(gate, x)`` (or ``call()``), an `if` on a batch named as the lecture's mistake."""
    try:
        return call() if call else gates.predict(gate, x)
    except RaisedError as exc:
        if exc.exc_type == "ValueError" and "truth value" in exc.exc_message:
            raise Mistake(_("raised ValueError ({message}): {hint}", message=str(exc.exc_message)[:120],
                            hint=SCALAR_IF), "if_on_array", where) from None
        raise


def check_labels(labels, y_expected, shape, where):
    labels = expect_shape(labels, shape, _("labels of {what}", what=where))
    expect(labels.dtype.kind in "iu", _("the labels have dtype {dtype}; labels are integers 0 and 1 (convert the "
                                        "comparison's booleans with .astype(int))", dtype=labels.dtype),
           "labels_not_int", where)
    right = (y_expected > 0.5).astype(int)
    if np.array_equal(labels, right):
        return
    if np.array_equal(labels, (y_expected >= 0.5).astype(int)):
        raise Mistake(_("the labels are 1 where y = 0.5 exactly; a label is 1 only where y > 0.5"),
                      "labels_at_one_half", where)
    raise Mistake(_("the labels are wrong: 1 where y > 0.5, else 0"), "wrong_labels", where)


def test_one_sample(gates, rng):
    gate, reference = prepared(gates, rng)
    x = rng.integers(0, 2, size=2).astype(float)
    what = _("predict(x) for one sample x (2,)")
    y, labels = predict(gates, gate, x, what)
    y_ref, _labels = reference.predict(x)
    y = expect_shape(y, (1,), _("y of {what}", what=what), _("x (2,) · W (2, 1) + b (1,) has shape (1,)"))
    expect_float64(y, _("y of {what}", what=what))
    expect_close(y, y_ref, _("y of {what}", what=what), Y_HINT)
    check_labels(labels, y_ref, (1,), what)


def test_batch(gates, rng):
    gate, reference = prepared(gates, rng, "OR")
    x = rng.normal(0.5, 0.6, size=(6, 2))
    what = _("predict(X) for a batch X (6, 2)")
    y, labels = predict(gates, gate, x, what)
    y_ref, _labels = reference.predict(x)
    expect_close(y, y_ref, _("y of {what}", what=what), _("{batch}: {formula}", batch=BATCH, formula=Y_HINT))
    expect_float64(y, _("y of {what}", what=what))
    check_labels(labels, y_ref, (6, 1), what)


@pytest.mark.parametrize("m", [1, 2])
def test_small_batches(gates, rng, m):
    gate, reference = prepared(gates, rng, "NAND")
    x = rng.normal(0.5, 0.6, size=(m, 2))
    what = _("predict(X) for a batch X ({m}, 2)", m=m)
    y, labels = predict(gates, gate, x, what)
    y_ref, _labels = reference.predict(x)
    expect_close(y, y_ref, _("y of {what}", what=what), _("{batch}: {formula}", batch=BATCH, formula=Y_HINT))
    check_labels(labels, y_ref, (m, 1), what)


def test_integer_inputs(gates, rng):
    gate, reference = prepared(gates, rng, "NAND")
    what = _("predict(X) for the integer inputs [[0, 0], [0, 1], [1, 0], [1, 1]]")
    y, labels = predict(gates, gate, gates.inputs, what)
    y_ref, _labels = reference.predict(gates.inputs)
    expect_float64(y, _("y of {what}", what=what))
    expect_close(y, y_ref, _("y of {what}", what=what), Y_HINT)
    check_labels(labels, y_ref, (4, 1), what)


def test_inputs_of_other_dtypes(gates, rng):
    gate, reference = prepared(gates, rng, "OR")
    for dtype, m in (("int8", 3), ("uint8", 5), ("int32", 2), ("float32", 4)):
        x = rng.integers(0, 2, size=(m, 2)).astype(dtype)
        what = _("predict(X) for a {dtype} batch X ({m}, 2)", dtype=dtype, m=m)
        y, labels = predict(gates, gate, x, what)
        y_ref, _labels = reference.predict(x)
        expect_float64(y, _("y of {what}", what=what))
        expect_close(y, y_ref, _("y of {what}", what=what), Y_HINT)
        check_labels(labels, y_ref, (m, 1), what)


def test_exactly_one_half_is_class_0(gates, rng):
    gate = gates.prepared("AND", gates.inputs, gates.targets["AND"], np.zeros((2, 1)), np.zeros(1))
    what = _("predict(X) with W = 0 and b = 0 (y = 0.5 exactly)")
    _y, labels = predict(gates, gate, gates.inputs, what)
    check_labels(labels, np.full((4, 1), 0.5), (4, 1), what)


@pytest.mark.side
def test_keeps_its_input(gates, rng):
    gate, _reference = prepared(gates, rng)
    x = rng.normal(0.5, 0.6, size=(5, 2))
    where = _("predict(X) for a float64 batch X (5, 2)")
    reply = predict(gates, gate, x, where,
                    call=lambda: gates.student.invoke((gate, "predict"), (x,), return_args=True))
    expect_unchanged(x, reply.args[0], where)
