"""Hidden checks for week01 `classify` (cell test_classify, 1 point)."""

import numpy as np
import pytest

from autograder.checks import expect, expect_shape, expect_unchanged, expect_vectorised, uniform
from solutions import week01 as ref

pytestmark = pytest.mark.cell("test_classify")


@pytest.mark.parametrize("shape", [(8,), (4, 1), (2, 3)], ids=["vector", "column", "matrix"])
def test_labels(student, rng, shape):
    a = rng.uniform(size=shape)
    out = expect_shape(student.call("classify", a), shape, f"classify(a) for a of shape {shape}",
                       "one label per activation")
    expect(out.dtype.kind in "iu", f"classify(a) has dtype {out.dtype}; labels are integers 0 and 1 "
           "(convert the comparison's booleans with .astype(int))")
    expect(np.array_equal(out, ref.classify(a)), "classify(a) gives wrong labels: "
           "1 where a > threshold, else 0")


def test_threshold_is_strict_and_honoured(student):
    a = np.array([0.5, 0.5000001, 0.7, 0.3, 0.69])
    expect(np.array_equal(student.call("classify", a), [0, 1, 1, 0, 1]),
           "classify: an activation exactly equal to the threshold is class 0 (a > threshold, not >=)")
    expect(np.array_equal(student.call("classify", a, threshold=0.69), [0, 0, 1, 0, 0]),
           "classify(a, threshold=...) must compare against the threshold it is given")


@pytest.mark.side
def test_keeps_input(student, rng):
    a = rng.uniform(size=5)
    reply = student.invoke("classify", (a,), return_args=True)
    expect_unchanged(a, reply.args[0], "classify")


@pytest.mark.side
def test_vectorised(student, rng):
    expect_vectorised(student, "classify", [uniform("n")], ref.classify, rng=rng)
