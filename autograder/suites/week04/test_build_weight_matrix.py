"""Hidden checks for week04 `build_weight_matrix` (cell test_build_weight_matrix, 2 points).

The dict {(j, i): value} has tuple keys, which do not cross to the student
process as plain data: a grader helper builds it there from (j, i, value)
triples, in their order (so the dict's key order is the test's), and returns
the function's result with the dict's entries, in order, after the call.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_float64, expect_shape, numeric
from autograder.checks.expect import with_hint
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr, Ref
from autograder.texts import domain
from solutions import week04 as ref

_ = domain("week04")
pytestmark = [pytest.mark.cell("test_build_weight_matrix"), pytest.mark.isolated]

CALL_WITH_DICT = Expr(
    "lambda f, entries, n_prev, n_next: (lambda w: (f(w, n_prev, n_next), ["
    "(int(k[0]), int(k[1]), float(v)) for k, v in w.items()]))({(j, i): v for j, i, v in entries})")
HINT = _("W[i-1, j-1] = w_ji: row = previous-layer node i, column = next-layer node j, "
         "counted from 0 in numpy and from 1 in the notation")
KEY_ORDER = _("W matches the dict's values read in the order they come; a dict may list its entries in any "
              "order: place each value by its key (j, i), W[i-1, j-1] = w_ji")
# (n_prev, n_next)
SHAPES = {"2x3": (2, 3), "3x2": (3, 2), "3x3": (3, 3), "4x1": (4, 1), "1x4": (1, 4)}


def build(student, w, n_prev, n_next):
    """(W, the dict's (j, i, value) entries after the call) for the dict ``w``, built in the student
    process with the keys in ``w``'s order."""
    student.require("build_weight_matrix")
    entries = [(j, i, v) for (j, i), v in w.items()]
    try:
        return student.invoke(CALL_WITH_DICT, (Ref("build_weight_matrix"), entries, n_prev, n_next),
                              what="build_weight_matrix(...)").value
    except RaisedError as exc:
        if exc.exc_type == "IndexError":
            raise Mistake(with_hint(exc.text, HINT), "index_error") from None
        raise


def dense(rng, n_prev, n_next):
    """Every weight, in the lecture's order: w_11, w_12, ..., w_21, ... (next-layer node j first)."""
    return {(j, i): float(rng.normal()) for j in range(1, n_next + 1) for i in range(1, n_prev + 1)}


def shuffled(rng, w):
    """``w`` with its entries in another (random) order."""
    keys = list(w)
    order = rng.permutation(len(keys))
    while len(keys) > 1 and list(order) == list(range(len(keys))):
        order = rng.permutation(len(keys))
    return {keys[k]: w[keys[k]] for k in order}


def by_position(w, n_prev, n_next):
    """What placing the dict's values by their position (not their keys) gives, both ways."""
    values = np.array(list(w.values()), dtype=float)
    if values.size != n_prev * n_next:
        return []
    return [values.reshape(n_next, n_prev).T, values.reshape(n_prev, n_next)]


def check(W, w, n_prev, n_next, what, positional=False):
    """W is float (n_prev, n_next) with W[i-1, j-1] = w_ji; ``positional``: name a W that placed the
    dict's values by their position (only where that is the one explanation: a dict in random order)."""
    expected = ref.build_weight_matrix(w, n_prev, n_next)
    W = numeric(W, what)
    if n_prev != n_next:
        expect(W.shape != (n_next, n_prev),
               _("has shape {got}, the shape (n_next, n_prev): W has one ROW per previous-layer node and one "
                 "COLUMN per next-layer node", got=W.shape), "transposed", what)
    W = expect_shape(W, (n_prev, n_next), what, _("W has shape (n_prev, n_next)"))
    expect(W.dtype.kind == "f", _("has dtype {dtype}: an integer matrix cuts a weight such as 0.25 down to 0; "
                                  "W is float64", dtype=W.dtype), "integer_matrix", what)
    expect(not (n_prev == n_next and np.allclose(W, expected.T) and not np.allclose(W, expected)),
           _("is the transpose of the right W: w_ji (next-layer node j first) goes to row i-1, column j-1"),
           "transposed", what)
    if not np.allclose(W, expected, rtol=RTOL, atol=ATOL):
        expect(not positional or not any(np.allclose(W, wrong) and not np.allclose(wrong, expected)
                                         for wrong in by_position(w, n_prev, n_next)), KEY_ORDER, "key_order", what)
        raise Mistake(with_hint(_("wrong values"), HINT), where=what)
    return W


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_every_weight(student, rng, shape):
    n_prev, n_next = shape
    w = dense(rng, n_prev, n_next)
    W, _after = build(student, w, n_prev, n_next)
    check(W, w, n_prev, n_next, f"build_weight_matrix(w, {n_prev}, {n_next})")


def test_lecture_weight_w21(student):
    W, _after = build(student, {(2, 1): 0.7}, 2, 2)
    W = expect_shape(W, (2, 2), "build_weight_matrix({(2, 1): 0.7}, 2, 2)")
    expect(np.isclose(W[0, 1], 0.7) and np.count_nonzero(W) == 1,
           _("w_21 (into next-layer node 2, from node 1) must be W[0, 1]: "
             "row = previous-layer node, column = next-layer node, counted from 0"), "w21_misplaced",
           "build_weight_matrix({(2, 1): 0.7}, 2, 2)")


def test_keys_in_any_order(student, rng):
    n_prev, n_next = 3, 4
    w = shuffled(rng, dense(rng, n_prev, n_next))
    W, _after = build(student, w, n_prev, n_next)
    check(W, w, n_prev, n_next, _("build_weight_matrix(w, {n_prev}, {n_next}) for a dict listing its weights "
                                  "in another order", n_prev=n_prev, n_next=n_next), positional=True)


def test_missing_weights_are_zero(student, rng):
    w = shuffled(rng, {(j, i): float(rng.uniform(1.0, 2.0)) for j, i in [(1, 1), (3, 2), (2, 4)]})
    W, _after = build(student, w, 4, 3)
    check(W, w, 4, 3, _("build_weight_matrix for a dict with only 3 of the 12 weights"))


def test_float64_and_fractions_kept(student, rng):
    w = {(1, 1): 2, (2, 1): -1, (1, 2): 0.25, (2, 2): float(rng.uniform(0.1, 0.9))}
    W, _after = build(student, w, 2, 2)
    what = _("build_weight_matrix with the weights 2, -1, 0.25, ...")
    check(W, w, 2, 2, what)
    expect_float64(W, what)


def test_integer_weights_give_float64(student, rng):
    w = {(j, i): int(rng.integers(-20, 21)) for j in (1, 2, 3) for i in (1, 2)}
    W, _after = build(student, w, 2, 3)
    what = _("build_weight_matrix for a dict of integer weights")
    check(W, w, 2, 3, what)
    expect_float64(W, what)


@pytest.mark.side
def test_keeps_the_dict(student, rng):
    w = shuffled(rng, dense(rng, 2, 3))
    _W, after = build(student, w, 2, 3)
    expect(sorted(after) == sorted((j, i, v) for (j, i), v in w.items()),
           _("build_weight_matrix changed the dict w it was given; read it, never modify it"), "changes_input")
