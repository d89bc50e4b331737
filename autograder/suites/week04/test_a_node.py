"""Hidden checks for week04 `a_node` (cell test_a_node, 1 point)."""

import numpy as np
import pytest

from autograder.checks import call_strict, diagnose, expect_close, expect_float64
from solutions import week04 as ref

pytestmark = pytest.mark.cell("test_a_node")

HINT = "a_j = sigmoid(z_j): use the provided sigmoid"


@pytest.mark.parametrize("shape", [(), (7,), (3, 4)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    z = rng.normal(0.0, 3.0, size=shape)
    z = float(z) if shape == () else z
    diagnose(student.call("a_node", z), ref.a_node(z), f"a_node(z) for z of shape {shape}", HINT,
             {"a_node returned z itself: apply the activation sigmoid to z": z,
              "check the sign inside e^{...}: sigmoid(z) = 1 / (1 + e^{-z})": ref.a_node(-np.asarray(z))})


def test_no_overflow(student):
    z = np.array([-1000.0, 0.0, 1000.0])
    reply = call_strict(student, "a_node", z, what="a_node at z = ±1000",
                        mistake="1 / (1 + np.exp(-z)) overflows at z = -1000; the provided sigmoid never does")
    expect_close(reply.value, ref.a_node(z), "a_node at z = ±1000", HINT)


def test_integer_input_gives_float64(student, rng):
    z = rng.integers(-4, 5, size=5)
    out = student.call("a_node", z)
    expect_float64(out, "a_node of an int64 array")
    expect_close(out, ref.a_node(z), "a_node of an int64 array", HINT)
