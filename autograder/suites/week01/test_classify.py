"""Hidden checks for week01 `classify` (cell test_classify, 1 point)."""

import numpy as np
import pytest

from autograder.checks import expect, expect_shape, expect_unchanged, expect_vectorised, uniform
from autograder.texts import domain
from solutions import week01 as ref

_ = domain("week01")
pytestmark = pytest.mark.cell("test_classify")
RULE = _("1 where a > threshold, else 0")


def expect_labels(out, expected, what):
    """Integer labels of the expected shape and values."""
    out = expect_shape(out, np.shape(expected), what, _("one label per activation"))
    expect(out.dtype.kind in "iu", _("has dtype {dtype}; labels are integers 0 and 1 (convert the "
                                     "comparison's booleans with .astype(int))", dtype=out.dtype), "dtype", what)
    expect(np.array_equal(out, expected), _("wrong labels: {rule}", rule=RULE), where=what)


@pytest.mark.parametrize("shape", [(8,), (4, 1), (2, 3)], ids=["vector", "column", "matrix"])
def test_labels(student, rng, shape):
    a = rng.uniform(size=shape)
    expect_labels(student.call("classify", a), ref.classify(a), _("classify(a) for a of shape {shape}", shape=shape))


def test_a_single_number(student):
    for a in (0.9, 0.1):
        expect_labels(student.call("classify", a), ref.classify(a), _("classify of the number a = {a:g}", a=a))


def test_threshold_is_strict_and_honoured(student):
    a = np.array([0.5, 0.5000001, 0.7, 0.3, 0.69])
    expect(np.array_equal(student.call("classify", a), [0, 1, 1, 0, 1]),
           _("an activation exactly equal to the threshold is class 0 (a > threshold, not >=)"),
           "threshold_strict", "classify(a)")
    expect(np.array_equal(student.call("classify", a, threshold=0.69), [0, 0, 1, 0, 0]),
           _("must compare against the threshold it is given"), "threshold_ignored", "classify(a, threshold=0.69)")


@pytest.mark.parametrize("threshold", [0.0, 0.9, 1.0, -0.5], ids=["0", "0.9", "1", "-0.5"])
def test_any_threshold(student, rng, threshold):
    a = np.concatenate([[threshold, 0.0, 1.0], rng.uniform(-1.0, 1.5, size=7)])
    expect_labels(student.call("classify", a, threshold=threshold), ref.classify(a, threshold),
                  _("classify(a, threshold={threshold:g})", threshold=threshold))


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
def test_other_dtypes(student, dtype):
    a = np.array([0, 1, 0, 1, 1]).astype(dtype)
    expect_labels(student.call("classify", a), ref.classify(a), _("classify of a {dtype} array", dtype=dtype))


@pytest.mark.side
def test_keeps_input(student, rng):
    a = rng.uniform(size=5)
    reply = student.invoke("classify", (a,), return_args=True)
    expect_unchanged(a, reply.args[0], "classify(a)")


@pytest.mark.side
def test_vectorised(student, rng):
    expect_vectorised(student, "classify", [uniform("n")], ref.classify, rng=rng)
