"""Hidden checks for week01 `relu` (cell test_relu, 1 point)."""

import pytest

from autograder.checks import expect_close
from solutions import week01 as ref

pytestmark = pytest.mark.cell("test_relu")

HINT = "ReLU keeps positive inputs and turns negative ones into 0"


@pytest.mark.parametrize("shape", [(), (9,), (3, 5)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    x = rng.normal(0.0, 3.0, size=shape)
    x = float(x) if shape == () else x
    expect_close(student.call("relu", x), ref.relu(x), f"relu(x) for x of shape {shape}", HINT)
