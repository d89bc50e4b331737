"""Hidden checks for week04 `a_node` (cell test_a_node, 1 point)."""

import numpy as np
import pytest

from autograder.checks import call_strict, diagnose, expect, expect_float64, expect_unchanged
from autograder.checks.expect import with_hint
from autograder.texts import domain
from solutions import week04 as ref

_ = domain("week04")
pytestmark = pytest.mark.cell("test_a_node")

HINT = _("a_j = sigmoid(z_j): use the provided sigmoid")
RETURNS_Z = ("returns_z", _("a_node returned z itself: apply the activation sigmoid to z"))
SIGN = ("sign", _("check the sign inside e^{{...}}: sigmoid(z) = 1 / (1 + e^{{-z}})"))
OVERFLOW = _("np.exp(-z) overflows when -z is large (z = -1000); the provided sigmoid never does")
WRAPS = _("-z on an unsigned (uint8) array wraps around (it has no negative numbers): the provided sigmoid "
          "converts z to float first")
FAR_OUT = _("this far from 0, sigmoid is 0 or 1 to float64 precision (and never nan)")


def sign_flipped(z):
    return ref.a_node(-np.asarray(z, dtype=float))


@pytest.mark.parametrize("shape", [(), (7,), (3, 4)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    z = rng.normal(0.0, 3.0, size=shape)
    # a lone number is kept away from 0, where a straight line 0.5 + z/4 matches to 1e-6
    z = float(np.copysign(max(abs(z), 0.5), z)) if shape == () else z
    diagnose(student.call("a_node", z), ref.a_node(z), _("a_node(z) for z of shape {shape}", shape=shape), HINT,
             {RETURNS_Z: z, SIGN: sign_flipped(z)})


def test_no_overflow(student):
    z = np.array([-1000.0, 0.0, 1000.0])
    what = _("a_node at z = ±1000")
    reply = call_strict(student, "a_node", z, what=what, mistake=OVERFLOW)
    diagnose(reply.value, ref.a_node(z), what, FAR_OUT, {RETURNS_Z: z, SIGN: sign_flipped(z)})


@pytest.mark.parametrize("z", [1000.0, -1000.0, -1000], ids=["+1000", "-1000", "int -1000"])
def test_no_overflow_for_a_number(student, z):
    # a lone number may take other code paths than an array (math.exp, an `if z >= 0`)
    what = _("a_node of the number z = {z}", z=z)
    reply = call_strict(student, "a_node", z, what=what, mistake=OVERFLOW)
    diagnose(reply.value, ref.a_node(z), what, FAR_OUT, {RETURNS_Z: z, SIGN: sign_flipped(z)})


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64"])
def test_integer_input_gives_float64(student, rng, dtype):
    low = 0 if dtype == "uint8" else -4
    z = np.concatenate([[0, 2], rng.integers(low, 5, size=5)]).astype(dtype)
    what = _("a_node of an array of dtype {dtype}", dtype=dtype)
    # z is small here: an overflow on a uint8 array comes from -z wrapping around to large numbers
    out = call_strict(student, "a_node", z, what=what, mistake=WRAPS if dtype == "uint8" else OVERFLOW).value
    if dtype == "uint8":
        with np.errstate(all="ignore"):
            wrapped = 1 / (1 + np.exp(-z))  # -z of unsigned integers wraps around instead of going negative
        expect(not (np.shape(out) == z.shape and np.allclose(np.asarray(out, dtype=float), wrapped, rtol=1e-6)),
               with_hint(_("wrong values"), WRAPS), "integer_wraps", what)
    mistakes = {RETURNS_Z: z, SIGN: sign_flipped(z)}
    diagnose(out, ref.a_node(z), what, HINT, mistakes, rtol=1e-2)  # a named mistake before the dtype
    expect_float64(out, what)
    diagnose(out, ref.a_node(z), what, HINT, mistakes)


def test_float32_input_gives_float64(student, rng):
    z = rng.normal(0.0, 3.0, size=6).astype(np.float32)
    what = _("a_node of an array of dtype {dtype}", dtype="float32")
    out = student.call("a_node", z)
    mistakes = {RETURNS_Z: z, SIGN: sign_flipped(z)}
    diagnose(out, ref.a_node(z), what, HINT, mistakes, rtol=1e-2)  # a named mistake before the dtype
    expect_float64(out, what)
    diagnose(out, ref.a_node(z), what, HINT, mistakes)


@pytest.mark.side
def test_keeps_input(student, rng):
    z = rng.normal(size=(3, 2))
    reply = student.invoke("a_node", (z,), return_args=True)
    expect_unchanged(z, reply.args[0], _("a_node (its argument z)"))
