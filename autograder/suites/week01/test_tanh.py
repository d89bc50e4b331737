"""Hidden checks for week01 `tanh` (cell test_tanh, 1.5 points)."""

import numpy as np
import pytest

from autograder.checks import call_strict, expect_close
from solutions import week01 as ref

pytestmark = pytest.mark.cell("test_tanh")

HINT = "tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x}), between -1 and 1"


@pytest.mark.parametrize("shape", [(), (9,), (3, 5)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    x = rng.normal(0.0, 2.0, size=shape)
    x = float(x) if shape == () else x
    expect_close(student.call("tanh", x), ref.tanh(x), f"tanh(x) for x of shape {shape}", HINT)


@pytest.mark.parametrize("x", [1000.0, -1000.0], ids=["+1000", "-1000"])
def test_finite_at_large_inputs(student, x):
    inputs = np.array([x, 0.5])
    reply = call_strict(student, "tanh", inputs, what=f"tanh at x = {x:+g}",
                        mistake="e^x overflows float64 near x = 710; tanh(±1000) is ±1")
    expect_close(reply.value, ref.tanh(inputs), f"tanh at x = {x:+g}",
                 "this far from 0, tanh is ±1 to float64 precision (and never nan)")
