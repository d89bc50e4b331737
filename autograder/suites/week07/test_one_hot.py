"""Hidden checks for week07 `one_hot` (cell test_one_hot, 1 point)."""

import numpy as np
import pytest

from autograder.checks import (Mistake, diagnose, expect, expect_float64, expect_unchanged, expect_vectorised,
                               integers)
from autograder.checks.expect import with_hint
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain
from solutions import week07 as ref

_ = domain("week07")
pytestmark = pytest.mark.cell("test_one_hot")

HINT = _("one row per label: a 1 in column t[i] of row i, 0 everywhere else (shape (m, k))")
DTYPES = ["int8", "uint8", "int16", "int32", "int64"]
EMPTY = _("m = 0 labels (t = [] or an empty integer array; np.asarray([]) is float64) give an empty (0, k) "
          "array: handle t.size == 0 before anything that needs a label")
IGNORES_K = _("has one column per class up to the largest label in t (t.max() + 1), not k columns: the number of "
              "columns is the k you are given, whatever labels t holds")
TRANSPOSED = ("transposed", _("the result is (m, k): one ROW per label and one column per class, "
                              "not one column per label"))


def one_hot(student, t, k, what):
    try:
        return student.call("one_hot", t, k)
    except RaisedError as exc:
        if np.size(t) == 0:
            raise Mistake(with_hint(exc.text, EMPTY), "empty", what) from None
        if exc.exc_type == "ValueError" and np.size(t) and np.min(t) >= 0 and np.max(t) < k:
            raise Mistake(with_hint(exc.text, _("these labels are all valid (integers from 0 to k - 1): raise "
                                                "ValueError only for a label < 0 or >= k, a non-integer t or a "
                                                "t that is not 1-D")), "rejects_valid_labels", what) from None
        raise


def check(student, t, k, what):
    value = one_hot(student, t, k, what)
    expected = ref.one_hot(t, k)
    columns = int(np.max(t)) + 1
    expect(columns == k or np.shape(value) != (len(expected), columns), IGNORES_K, "ignores_k", what)
    known = {TRANSPOSED: expected.T} if expected.shape[0] != expected.shape[1] else {}
    return diagnose(value, expected, what, HINT, known)


@pytest.mark.parametrize("m, k", [(6, 10), (4, 3), (1, 10), (10, 2)], ids=["m=6 k=10", "m=4 k=3", "m=1", "k=2"])
def test_values(student, rng, m, k):
    t = rng.integers(0, k, size=m)
    check(student, t, k, _("one_hot(t, {k}) for {m} labels", k=k, m=m))


def test_every_class_and_repeats(student, rng):
    # every label from 0 to k - 1 (the first and the last column too), some of them twice
    k = int(rng.integers(4, 8))
    t = np.concatenate([np.arange(k), rng.integers(0, k, size=3)])
    check(student, rng.permutation(t), k, _("one_hot(t, {k}) with every class 0, ..., {last}", k=k, last=k - 1))


def test_more_classes_than_labels_seen(student, rng):
    # k comes from the argument, not from the largest label present
    t = rng.integers(0, 3, size=5)
    check(student, t, 10, _("one_hot(t, 10) for labels 0 to 2 only"))


def test_python_list(student, rng):
    t = rng.integers(0, 10, size=5).tolist()
    check(student, t, 10, _("one_hot(t, 10) for t a Python list"))


@pytest.mark.parametrize("dtype", DTYPES)
def test_label_dtypes(student, rng, dtype):
    t = rng.integers(0, 10, size=6).astype(dtype)
    what = _("one_hot(t, 10) for t of dtype {dtype}", dtype=dtype)
    value = check(student, t, 10, what)
    expect_float64(value, what)


@pytest.mark.parametrize("t", [[], np.zeros(0, dtype=np.int64)], ids=["[]", "empty int array"])
def test_no_labels(student, t):
    what = _("one_hot(t, 10) for no labels at all (m = 0)")
    value = one_hot(student, t, 10, what)
    expect(isinstance(value, np.ndarray) and value.shape == (0, 10),
           with_hint(_("returned {value}", value=getattr(value, "shape", type(value).__name__)), EMPTY), "empty",
           what)


INVALID = {
    "label = k": ([0, 3, 10, 2], 10, "label_too_large"),
    "label > k": ([1, 12], 10, "label_too_large"),
    "label = -1": ([0, -1, 2], 10, "negative_label"),
    "float labels 0.5": ([0.5, 1.0], 10, "non_integer"),
    "float labels 2.7": ([2.7, 0.2, 1.5], 4, "non_integer"),
    "column (m, 1)": ([[1], [2], [0]], 3, "not_1d"),
    "one-hot matrix": ([[0, 1], [1, 0]], 2, "not_1d"),
    "a single number": (3, 10, "not_1d"),
}
WHY = {
    "label_too_large": _("a label >= k has no column: raise ValueError (t.max() >= k), do not let numpy raise "
                         "IndexError or skip it"),
    "negative_label": _("a negative label would silently pick a column from the end (Y[i, -1] is the last "
                        "column): raise ValueError for t.min() < 0"),
    "non_integer": _("labels are integers: a float label such as 0.5 names no class; raise ValueError for a t "
                     "whose dtype is not an integer one (np.issubdtype(t.dtype, np.integer)), do not round it"),
    "not_1d": _("t holds one label per sample, shape (m,): raise ValueError for a t of another number of "
                "dimensions (t.ndim != 1)"),
}


@pytest.mark.parametrize("t, k, kind", INVALID.values(), ids=INVALID.keys())
def test_invalid_labels_raise_value_error(student, t, k, kind):
    what = f"one_hot({t}, {k})"
    try:
        value = student.call("one_hot", t, k)
    except RaisedError as exc:
        expect(exc.exc_type == "ValueError", with_hint(_("raised {type}, not ValueError", type=exc.exc_type),
                                                       WHY[kind]), kind, what)
        return
    raise Mistake(with_hint(_("returned an array instead of raising ValueError") if isinstance(value, np.ndarray)
                            else _("returned instead of raising ValueError"), WHY[kind]), kind, what)


@pytest.mark.side
def test_errors_say_why(student):
    # "a ValueError with a clear message": at least some words, not a bare `raise ValueError`
    for t, k, _kind in INVALID.values():
        try:
            student.call("one_hot", t, k)
        except RaisedError as exc:
            expect(exc.exc_type != "ValueError" or len(exc.exc_message.strip()) >= 10,
                   _("raised ValueError without a message; say what is wrong with t (raise ValueError(\"...\"))"),
                   "no_message", f"one_hot({t}, {k})")


@pytest.mark.side
def test_returns_float64_and_keeps_input(student, rng):
    t = rng.integers(0, 5, size=7)
    reply = student.invoke("one_hot", (t, 5), return_args=True)
    expect_float64(reply.value, "one_hot(t, 5)")
    expect_unchanged(t, reply.args[0], "one_hot")


@pytest.mark.side
def test_vectorised(student, rng):
    # k = 2: few numbers per label, so a Python loop over the labels stands out
    expect_vectorised(student, "one_hot", [integers("n", high=2), 2], ref.one_hot, rng=rng)
