"""Hidden checks that relu, leaky_relu and tanh share (each counts for its own cell).

Every elementwise activation returns float64 for integer input, leaves
the array it was given alone, and works on the whole array at once.
"""

import pytest

from autograder.checks import expect_close, expect_float64, expect_unchanged, expect_vectorised, uniform
from solutions import week01 as ref

HINTS = {
    "relu": "ReLU keeps positive inputs and turns negative ones into 0",
    "leaky_relu": "leaky ReLU is x for x > 0 and alpha·x otherwise",
    "tanh": "tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x}), between -1 and 1",
}
EACH = [pytest.param(name, marks=pytest.mark.cell(f"test_{name}"), id=name) for name in HINTS]


@pytest.mark.parametrize("name", EACH)
def test_integer_input_gives_float64(student, rng, name):
    x = rng.integers(-5, 6, size=8)
    x[:2] = [-3, 4]  # both signs, whatever the draw
    out = student.call(name, x)
    expect_float64(out, f"{name} of an int64 array")
    expect_close(out, getattr(ref, name)(x), f"{name} of an int64 array", HINTS[name])


@pytest.mark.parametrize("name", EACH)
@pytest.mark.side
def test_keeps_input(student, rng, name):
    x = rng.normal(size=6)
    x[0] = -1.0  # a negative element, which a careless in-place update would change
    reply = student.invoke(name, (x,), return_args=True)
    expect_unchanged(x, reply.args[0], name)


@pytest.mark.parametrize("name", EACH)
@pytest.mark.side
def test_vectorised(student, rng, name):
    expect_vectorised(student, name, [uniform("n", low=-3.0, high=3.0)], getattr(ref, name), rng=rng)
