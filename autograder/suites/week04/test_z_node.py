"""Hidden checks for week04 `z_node` (cell test_z_node, 1 point)."""

import pytest

from autograder.checks import diagnose
from solutions import week04 as ref

pytestmark = pytest.mark.cell("test_z_node")

HINT = "z_j = x1·w_j1 + x2·w_j2 + b_j"


def mistakes(x1, x2, w1, w2, b):
    return {"x1 goes with w_j1 (the weight from input node 1) and x2 with w_j2: "
            "are the two weights swapped?": x1 * w2 + x2 * w1 + b,
            "did you forget to add the bias b_j?": x1 * w1 + x2 * w2}


def test_one_node(student, rng):
    x1, x2, w1, w2, b = (float(v) for v in rng.normal(0.0, 2.0, size=5))
    diagnose(student.call("z_node", x1, x2, w1, w2, b), ref.z_node(x1, x2, w1, w2, b),
             "z_node for numbers", HINT, mistakes(x1, x2, w1, w2, b))


def test_one_value_per_sample(student, rng):
    x1, x2 = rng.normal(size=6), rng.normal(size=6)
    w1, w2, b = (float(v) for v in rng.normal(0.0, 2.0, size=3))
    diagnose(student.call("z_node", x1, x2, w1, w2, b), ref.z_node(x1, x2, w1, w2, b),
             "z_node for arrays x1, x2 of 6 samples", HINT + ", elementwise: one z per sample",
             mistakes(x1, x2, w1, w2, b))


def test_lecture_hidden_node(student):
    # z_2^{(2)} of the lecture's XOR network at x = (1, 0): only w_21 and b_2 count
    diagnose(student.call("z_node", 1.0, 0.0, 0.7, -1.3, 0.2), 0.9, "z_2^(2) at x = (1, 0)",
             HINT, {"x1 goes with w_j1, the weight from input node 1: are the weights swapped?": -1.1})
