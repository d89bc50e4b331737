"""Hidden checks for week04 `build_weight_matrix` (cell test_build_weight_matrix, 2 points).

The dict {(j, i): value} has tuple keys, which do not cross to the student
process as plain data: a grader helper builds it there from (j, i, value)
triples and returns the function's result with the dict's entries after the call.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_float64, expect_shape, numeric
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr, Ref
from solutions import week04 as ref

pytestmark = [pytest.mark.cell("test_build_weight_matrix"), pytest.mark.isolated]

CALL_WITH_DICT = Expr(
    "lambda f, entries, n_prev, n_next: (lambda w: (f(w, n_prev, n_next), sorted("
    "(int(k[0]), int(k[1]), float(v)) for k, v in w.items())))({(j, i): v for j, i, v in entries})")
HINT = ("W[i-1, j-1] = w_ji: row = previous-layer node i, column = next-layer node j, "
        "counted from 0 in numpy and from 1 in the notation")
SHAPES = {"2x3": (2, 3), "3x2": (3, 2), "3x3": (3, 3), "4x1": (4, 1)}


def build(student, w, n_prev, n_next):
    """(W, entries after the call) for the dict ``w`` built in the student process."""
    student.require("build_weight_matrix")
    entries = [(j, i, v) for (j, i), v in w.items()]
    try:
        return student.invoke(CALL_WITH_DICT, (Ref("build_weight_matrix"), entries, n_prev, n_next),
                              what="build_weight_matrix(...)").value
    except RaisedError as exc:
        if exc.exc_type == "IndexError":
            raise Mistake(f"{exc} — {HINT}") from None
        raise


def dense(rng, n_prev, n_next):
    return {(j, i): float(rng.normal()) for j in range(1, n_next + 1) for i in range(1, n_prev + 1)}


def check(W, w, n_prev, n_next, what):
    expected = ref.build_weight_matrix(w, n_prev, n_next)
    W = numeric(W, what)
    if n_prev != n_next:
        expect(W.shape != (n_next, n_prev), f"{what} has shape {W.shape}, the shape (n_next, n_prev): "
               "W has one ROW per previous-layer node and one COLUMN per next-layer node")
    W = expect_shape(W, (n_prev, n_next), what, "W has shape (n_prev, n_next)")
    expect(W.dtype.kind == "f", f"{what} has dtype {W.dtype}: an integer matrix (np.zeros(..., dtype=int)) "
           "cuts a weight such as 0.25 down to 0; W is float64")
    expect(not (n_prev == n_next and np.allclose(W, expected.T) and not np.allclose(W, expected)),
           f"{what} is transposed: w_ji (next-layer node j first) goes to row i-1, column j-1")
    expect(np.allclose(W, expected, rtol=RTOL, atol=ATOL), f"{what} has wrong values — {HINT}")
    return W


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_every_weight(student, rng, shape):
    n_prev, n_next = shape
    w = dense(rng, n_prev, n_next)
    W, _ = build(student, w, n_prev, n_next)
    check(W, w, n_prev, n_next, f"build_weight_matrix(w, {n_prev}, {n_next})")


def test_lecture_weight_w21(student):
    W, _ = build(student, {(2, 1): 0.7}, 2, 2)
    W = expect_shape(W, (2, 2), "build_weight_matrix({(2, 1): 0.7}, 2, 2)")
    expect(np.isclose(W[0, 1], 0.7) and np.count_nonzero(W) == 1,
           "w_21 (into next-layer node 2, from node 1) must be W[0, 1]: "
           "row = previous-layer node, column = next-layer node, counted from 0")


def test_missing_weights_are_zero(student, rng):
    w = {(j, i): float(rng.uniform(1.0, 2.0)) for j, i in [(1, 1), (3, 2), (2, 4)]}
    W, _ = build(student, w, 4, 3)
    check(W, w, 4, 3, "build_weight_matrix for a dict with only 3 of the 12 weights")


def test_float64_and_fractions_kept(student, rng):
    w = {(1, 1): 2, (2, 1): -1, (1, 2): 0.25, (2, 2): float(rng.uniform(0.1, 0.9))}
    W, _ = build(student, w, 2, 2)
    expect_float64(W, "build_weight_matrix(w, 2, 2)")
    check(W, w, 2, 2, "build_weight_matrix with the weights 2, -1, 0.25, ...")


@pytest.mark.side
def test_keeps_the_dict(student, rng):
    w = dense(rng, 2, 3)
    _, after = build(student, w, 2, 3)
    expect(after == sorted((j, i, v) for (j, i), v in w.items()),
           "build_weight_matrix changed the dict w it was given; read it, never modify it")
