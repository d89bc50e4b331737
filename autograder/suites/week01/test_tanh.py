"""Hidden checks for week01 `tanh` (cell test_tanh, 1.5 points)."""

import numpy as np
import pytest

from autograder.checks import call_strict, expect_close
from autograder.texts import domain
from solutions import week01 as ref

_ = domain("week01")
pytestmark = pytest.mark.cell("test_tanh")

HINT = _("tanh(x) = (e^x - e^{{-x}}) / (e^x + e^{{-x}}), between -1 and 1")
OVERFLOW = _("e^x overflows float64 near x = 710; tanh(±1000) is ±1")
FAR_OUT = _("this far from 0, tanh is ±1 to float64 precision (and never nan)")


@pytest.mark.parametrize("shape", [(), (9,), (3, 5)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    x = rng.normal(0.0, 2.0, size=shape)
    x = float(x) if shape == () else x
    expect_close(student.call("tanh", x), ref.tanh(x), _("tanh(x) for x of shape {shape}", shape=shape), HINT)


@pytest.mark.parametrize("x", [1000.0, -1000.0], ids=["+1000", "-1000"])
def test_finite_at_large_inputs(student, x):
    inputs = np.array([x, 0.5])
    what = _("tanh at x = {x:+g}", x=x)
    reply = call_strict(student, "tanh", inputs, what=what, mistake=OVERFLOW)
    expect_close(reply.value, ref.tanh(inputs), what, FAR_OUT)


@pytest.mark.parametrize("x", [1000.0, -1000.0], ids=["+1000", "-1000"])
def test_finite_for_a_scalar(student, x):
    what = _("tanh of the number x = {x:+g}", x=x)
    reply = call_strict(student, "tanh", x, what=what, mistake=OVERFLOW)
    expect_close(reply.value, ref.tanh(x), what, FAR_OUT)
