"""Hidden checks for week04 `z_node` (cell test_z_node, 1 point)."""

import numpy as np
import pytest

from autograder.checks import diagnose, expect_float64, expect_unchanged
from autograder.texts import domain
from solutions import week04 as ref

_ = domain("week04")
pytestmark = pytest.mark.cell("test_z_node")

HINT = _("z_j = x1·w_j1 + x2·w_j2 + b_j")
SWAPPED = ("swapped_weights", _("x1 goes with w_j1 (the weight from input node 1) and x2 with w_j2: "
                                "are the two weights swapped?"))
NO_BIAS = ("forgets_bias", _("did you forget to add the bias b_j?"))
ARRAYS = {"6 samples": (6,), "3x4": (3, 4)}


def mistakes(x1, x2, w1, w2, b):
    return {SWAPPED: x1 * w2 + x2 * w1 + b, NO_BIAS: x1 * w1 + x2 * w2}


def test_one_node(student, rng):
    x1, x2, w1, w2, b = (float(v) for v in rng.normal(0.0, 2.0, size=5))
    diagnose(student.call("z_node", x1, x2, w1, w2, b), ref.z_node(x1, x2, w1, w2, b),
             _("z_node for numbers"), HINT, mistakes(x1, x2, w1, w2, b))


@pytest.mark.parametrize("shape", ARRAYS.values(), ids=ARRAYS.keys())
def test_one_value_per_sample(student, rng, shape):
    x1, x2 = rng.normal(size=shape), rng.normal(size=shape)
    w1, w2, b = (float(v) for v in rng.normal(0.0, 2.0, size=3))
    diagnose(student.call("z_node", x1, x2, w1, w2, b), ref.z_node(x1, x2, w1, w2, b),
             _("z_node for arrays x1, x2 of shape {shape}", shape=shape),
             _("z_j = x1·w_j1 + x2·w_j2 + b_j elementwise: one z per sample, of the shape of x1"),
             mistakes(x1, x2, w1, w2, b))


def test_lecture_hidden_node(student):
    # z_2^{(2)} of the lecture's XOR network at x = (1, 0): only w_21 and b_2 count
    diagnose(student.call("z_node", 1.0, 0.0, 0.7, -1.3, 0.2), 0.9, _("z_2^(2) at x = (1, 0)"), HINT,
             {SWAPPED: -1.1, NO_BIAS: 0.7})


def test_integer_numbers(student, rng):
    x1, x2, w1, w2, b = (int(v) for v in rng.integers(-5, 6, size=5))
    diagnose(student.call("z_node", x1, x2, w1, w2, b), ref.z_node(x1, x2, w1, w2, b),
             _("z_node for the integers {args}", args=(x1, x2, w1, w2, b)), HINT, mistakes(x1, x2, w1, w2, b))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "float32"])
def test_other_dtypes(student, rng, dtype):
    # integer (or float32) samples x, float weights: the 0/1 inputs of a truth table, say
    x1, x2 = rng.integers(0, 4, size=5).astype(dtype), rng.integers(0, 4, size=5).astype(dtype)
    w1, w2, b = (float(v) for v in rng.normal(0.0, 2.0, size=3))
    expected = ref.z_node(x1.astype(float), x2.astype(float), w1, w2, b)
    diagnose(student.call("z_node", x1, x2, w1, w2, b), expected,
             _("z_node for {dtype} arrays x1, x2", dtype=dtype), HINT, mistakes(x1, x2, w1, w2, b), rtol=1e-5)


@pytest.mark.side
def test_keeps_inputs(student, rng):
    x1, x2 = rng.normal(size=4), rng.normal(size=4)
    reply = student.invoke("z_node", (x1, x2, 0.5, -1.5, 0.25), return_args=True)
    expect_unchanged(x1, reply.args[0], _("z_node (its argument x1)"))
    expect_unchanged(x2, reply.args[1], _("z_node (its argument x2)"))


@pytest.mark.side
@pytest.mark.parametrize("dtype", ["int64", "uint8", "float32"])
def test_arrays_come_back_float64(student, rng, dtype):
    # "every array returned is float64": integer (or float32) samples and weights alike
    x1, x2 = rng.integers(0, 4, size=5).astype(dtype), rng.integers(0, 4, size=5).astype(dtype)
    expect_float64(student.call("z_node", x1, x2, np.array(2, dtype=dtype), np.array(1, dtype=dtype), 1),
                   _("z_node for {dtype} arrays x1, x2", dtype=dtype))
