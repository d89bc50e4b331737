"""Hidden checks for week01 `sigmoid` (cell test_sigmoid, 3 points)."""

import numpy as np
import pytest

from autograder.checks import (call_strict, diagnose, expect_close, expect_float64, expect_unchanged,
                               expect_vectorised, uniform)
from autograder.texts import domain
from solutions import week01 as ref

_ = domain("week01")
pytestmark = pytest.mark.cell("test_sigmoid")

SHAPES = {"scalar": (), "vector": (7,), "matrix": (3, 4), "3d": (2, 3, 2)}
FORMULA = _("sigmoid is 1 / (1 + e^{{-x}})")
SIGN = ("sign", _("check the sign inside e^{{...}}: sigmoid(x) = 1 / (1 + e^{{-x}})"))
OVERFLOW = _("e^{{-x}} does not fit in float64 when -x is large; rearrange the formula so no exponent is ever "
             "large and positive")
FAR_OUT = _("this far from 0, sigmoid is 0 or 1 to float64 precision (and never nan)")


def sign_flipped(x):
    """What sigmoid with e^{+x} in place of e^{-x} gives."""
    return ref.sigmoid(-np.asarray(x, dtype=float))


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_values_on_random_inputs(student, rng, shape):
    x = rng.normal(0.0, 4.0, size=shape)
    # a lone scalar is kept away from 0, where a straight line 0.5 + x/4 matches to 1e-6
    x = float(np.copysign(max(abs(x), 0.5), x)) if shape == () else x
    diagnose(student.call("sigmoid", x), ref.sigmoid(x), _("sigmoid(x) for x of shape {shape}", shape=shape),
             FORMULA, {SIGN: sign_flipped(x)})


def test_half_at_zero_and_symmetry(student, rng):
    x = rng.uniform(0.1, 8.0, size=5)
    expect_close(student.call("sigmoid", 0.0), 0.5, "sigmoid(0)", FORMULA)
    total = student.call("sigmoid", x) + student.call("sigmoid", -x)
    expect_close(total, np.ones(5), "sigmoid(x) + sigmoid(-x)", _("the two should add up to 1 for every x"))


@pytest.mark.parametrize("x", [1000.0, -1000.0, 710.0, -710.0], ids=["+1000", "-1000", "+710", "-710"])
def test_no_overflow_at_large_inputs(student, x):
    what = _("sigmoid at x = {x:+g}", x=x)
    inputs = np.array([x, 0.0])
    reply = call_strict(student, "sigmoid", inputs, what=what, mistake=OVERFLOW)
    diagnose(reply.value, ref.sigmoid(inputs), what, FAR_OUT, {SIGN: sign_flipped(inputs)})


def test_no_overflow_for_a_scalar(student):
    # a lone number takes other code paths than an array (math.exp, an `if x >= 0`); both signs in one
    # check, so an answer that is always 0 (or always 1) does not pass half of it
    for x in (1000.0, -1000.0):
        what = _("sigmoid of the number x = {x:+g}", x=x)
        reply = call_strict(student, "sigmoid", x, what=what, mistake=OVERFLOW)
        diagnose(reply.value, ref.sigmoid(x), what, FAR_OUT, {SIGN: sign_flipped(x)})


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8"])
def test_integer_inputs_give_float64(student, rng, dtype):
    # small values too: there a wrapped-around -x and a flipped sign give different answers
    x = np.concatenate([[0, 3], rng.integers(0, 120, size=6)]).astype(dtype)
    what = _("sigmoid of a {dtype} array", dtype=dtype)
    out = call_strict(student, "sigmoid", x, what=what,
                      mistake=_("negating an unsigned or integer array does not give float values; "
                                "convert x to float64 first")).value
    expect_float64(out, what)
    with np.errstate(all="ignore"):
        wrapped = 1 / (1 + np.exp(-x))  # -x of unsigned integers wraps around instead of going negative
    known = {SIGN: sign_flipped(x)}
    if dtype == "uint8":  # only an unsigned array has no negatives for -x to become
        known[("integer_wraps", _("-x on an unsigned (uint8) array wraps around (it has no negative numbers); "
                                  "convert x to float first"))] = wrapped
    diagnose(out, ref.sigmoid(x), what, _("sigmoid is 1 / (1 + e^{{-x}}), for integer inputs too"), known)


def test_float32_input_gives_float64(student, rng):
    x = rng.normal(0.0, 4.0, size=6).astype(np.float32)
    what = _("sigmoid of a {dtype} array", dtype="float32")
    out = student.call("sigmoid", x)
    expect_float64(out, what)
    diagnose(out, ref.sigmoid(x), what, FORMULA, {SIGN: sign_flipped(x)})


@pytest.mark.side
def test_returns_float64_and_keeps_input(student, rng):
    x = rng.normal(size=(4, 3))
    reply = student.invoke("sigmoid", (x,), return_args=True)
    expect_float64(reply.value, "sigmoid(x)")
    expect_unchanged(x, reply.args[0], "sigmoid")


@pytest.mark.side
def test_vectorised(student, rng):
    expect_vectorised(student, "sigmoid", [uniform("n", low=-8.0, high=8.0)], ref.sigmoid, rng=rng)
