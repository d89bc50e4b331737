"""Hidden checks for week01 `relu` (cell test_relu, 1 point)."""

import pytest

from autograder.checks import expect_close
from autograder.texts import domain
from solutions import week01 as ref

_ = domain("week01")
pytestmark = pytest.mark.cell("test_relu")

HINT = _("ReLU keeps positive inputs and turns negative ones into 0")


@pytest.mark.parametrize("shape", [(), (9,), (3, 5)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    x = rng.normal(0.0, 3.0, size=shape)
    x = float(x) if shape == () else x
    expect_close(student.call("relu", x), ref.relu(x), _("relu(x) for x of shape {shape}", shape=shape), HINT)


def test_single_numbers_at_the_extremes(student):
    # one check for all of them: an answer that is always 0 must not pass the negative half
    for x in (-1000.0, -1e-300, 0.0, 1e-300, 1000.0):
        expect_close(student.call("relu", x), ref.relu(x), f"relu({x:g})", HINT, atol=0.0)
