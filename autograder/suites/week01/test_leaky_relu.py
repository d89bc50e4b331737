"""Hidden checks for week01 `leaky_relu` (cell test_leaky_relu, 1.5 points)."""

import pytest

from autograder.checks import expect_close
from solutions import week01 as ref

pytestmark = pytest.mark.cell("test_leaky_relu")

HINT = "leaky ReLU is x for x > 0 and alpha·x otherwise"


@pytest.mark.parametrize("shape", [(), (9,), (3, 5)], ids=["scalar", "vector", "matrix"])
def test_default_alpha(student, rng, shape):
    x = rng.normal(0.0, 3.0, size=shape)
    x = float(x) if shape == () else x
    expect_close(student.call("leaky_relu", x), ref.leaky_relu(x),
                 f"leaky_relu(x) for x of shape {shape}", HINT + " with alpha = 0.01 by default")


@pytest.mark.parametrize("alpha", [0.2, 0.05], ids=["alpha=0.2", "alpha=0.05"])
def test_honours_alpha(student, rng, alpha):
    x = rng.normal(0.0, 3.0, size=10)
    x[:2] = [-2.0, 3.0]
    expect_close(student.call("leaky_relu", x, alpha=alpha), ref.leaky_relu(x, alpha),
                 f"leaky_relu(x, alpha={alpha})", "the negative part must use the alpha it is given, "
                 "not a fixed 0.01")
