"""Hidden checks for week01 `relu` (cell test_relu, 1 point)."""

import numpy as np
import pytest

from autograder.checks import expect_close, expect_float64, expect_unchanged, expect_vectorised
from solutions import week01 as ref

pytestmark = pytest.mark.cell("test_relu")

HINT = "ReLU keeps positive inputs and turns negative ones into 0"


@pytest.mark.parametrize("shape", [(), (9,), (3, 5)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    x = rng.normal(0.0, 3.0, size=shape)
    x = float(x) if shape == () else x
    expect_close(student.call("relu", x), ref.relu(x), f"relu(x) for x of shape {shape}", HINT)


def test_integer_input_gives_float64(student, rng):
    x = rng.integers(-5, 6, size=8)
    out = student.call("relu", x)
    expect_float64(out, "relu of an int64 array")
    expect_close(out, ref.relu(x), "relu of an int64 array", HINT)


def test_keeps_input(student, rng):
    x = rng.normal(size=6)
    x[0] = -1.0
    reply = student.invoke("relu", (x,), return_args=True)
    expect_unchanged(x, reply.args[0], "relu")


def test_vectorised(student, rng):
    expect_vectorised(student, "relu", lambda n: (rng.normal(size=n),))
