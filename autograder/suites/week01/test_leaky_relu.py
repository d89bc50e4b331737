"""Hidden checks for week01 `leaky_relu` (cell test_leaky_relu, 1.5 points)."""

import numpy as np
import pytest

from autograder.checks import expect_close
from autograder.texts import domain
from solutions import week01 as ref

_ = domain("week01")
pytestmark = pytest.mark.cell("test_leaky_relu")


@pytest.mark.parametrize("shape", [(), (9,), (3, 5)], ids=["scalar", "vector", "matrix"])
def test_default_alpha(student, rng, shape):
    x = rng.normal(0.0, 3.0, size=shape)
    x = float(np.copysign(max(abs(x), 0.5), x)) if shape == () else x
    expect_close(student.call("leaky_relu", x), ref.leaky_relu(x),
                 _("leaky_relu(x) for x of shape {shape}", shape=shape),
                 _("leaky ReLU is x for x > 0 and alpha·x otherwise, with alpha = 0.01 by default"))


# alpha over its range: 0 (ReLU), small, 1 (the identity), above 1
@pytest.mark.parametrize("alpha", [0.2, 0.05, 0.0, 1.0, 1.5], ids=["0.2", "0.05", "0", "1", "1.5"])
def test_honours_alpha(student, rng, alpha):
    x = rng.normal(0.0, 3.0, size=10)
    x[:2] = [-2.0, 3.0]
    expect_close(student.call("leaky_relu", x, alpha=alpha), ref.leaky_relu(x, alpha),
                 _("leaky_relu(x, alpha={alpha:g})", alpha=alpha),
                 _("the negative part must use the alpha it is given, not a fixed 0.01"), )


def test_a_negative_number(student):
    expect_close(student.call("leaky_relu", -4.0, alpha=0.25), -1.0, "leaky_relu(-4.0, alpha=0.25)",
                 _("leaky ReLU is x for x > 0 and alpha·x otherwise"))
