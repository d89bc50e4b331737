"""Hidden checks that relu, leaky_relu and tanh share (each counts for its own cell).

Every elementwise activation returns float64 for integer input, leaves
the array it was given alone, and works on the whole array at once.
"""

import numpy as np
import pytest

from autograder.checks import expect_close, expect_float64, expect_unchanged, expect_vectorised, uniform
from autograder.texts import domain
from solutions import week01 as ref

_ = domain("week01")
HINTS = {
    "relu": _("ReLU keeps positive inputs and turns negative ones into 0"),
    "leaky_relu": _("leaky ReLU is x for x > 0 and alpha·x otherwise"),
    "tanh": _("tanh(x) = (e^x - e^{{-x}}) / (e^x + e^{{-x}}), between -1 and 1"),
}
EACH = [pytest.param(name, marks=pytest.mark.cell(f"test_{name}"), id=name) for name in HINTS]
DTYPES = ["int64", "int32", "int8", "uint8", "float32"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", EACH)
def test_any_dtype_gives_float64(student, rng, name, dtype):
    low = 0 if dtype == "uint8" else -5
    x = np.concatenate([[low, 4], rng.integers(low, 6, size=6)]).astype(dtype)  # both signs where it has them
    what = _("{name} of a {dtype} array", name=name, dtype=dtype)
    out = student.call(name, x)
    expect_float64(out, what)
    expect_close(out, getattr(ref, name)(x), what, HINTS[name])


@pytest.mark.parametrize("name", EACH)
@pytest.mark.side
def test_keeps_input(student, rng, name):
    x = rng.normal(size=6)
    x[0] = -1.0  # a negative element, which a careless in-place update would change
    reply = student.invoke(name, (x,), return_args=True)
    expect_unchanged(x, reply.args[0], f"{name}(x)")


@pytest.mark.parametrize("name", EACH)
@pytest.mark.side
def test_vectorised(student, rng, name):
    expect_vectorised(student, name, [uniform("n", low=-3.0, high=3.0)], getattr(ref, name), rng=rng)
