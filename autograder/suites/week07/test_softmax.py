"""Hidden checks for week07 `softmax` (cell test_softmax, 2 points).

Every call that could overflow runs under numpy's strict error state
(``call_strict``): an overflow, a 0 / 0 or a warning is a mistake, as the
contract says softmax never overflows or warns for finite Z.
"""

import numpy as np
import pytest

from autograder.checks import (Mistake, call_strict, diagnose, expect_float64, expect_unchanged, expect_vectorised,
                               uniform)
from autograder.checks.expect import with_hint
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain
from solutions import week07 as ref

_ = domain("week07")
pytestmark = pytest.mark.cell("test_softmax")

HINT = _("softmax(Z) = e^(Z − max) / Σ e^(Z − max), each row on its own: every row of the result sums to 1")
OVERFLOW = _("e^z overflows for large z (and e^z / Σ e^z becomes 0 / 0 when every z is very negative): subtract "
             "each row's max first, Z - Z.max(axis=-1, keepdims=True); softmax does not change, and every "
             "exponent is then <= 0")
GLOBAL_MAX = _("each row alone comes out right, but not the rows together: the max was taken over the whole "
               "array, so a row far below it underflows to 0 / 0; subtract each ROW's own max "
               "(Z.max(axis=-1, keepdims=True))")
CONVERT = _("convert Z to float64 first (np.asarray(Z, dtype=float)): integer arithmetic such as Z - max wraps "
            "around, and np.exp of a small integer type computes in float16")
ONE_ROW = _("a single 1-D row (k,) has only axis 0: take the max and the sum over the LAST axis (axis=-1, with "
            "keepdims=True), which is the row for 1-D and 2-D alike")
KEEPDIMS = _("Z (m, k) against a row max or a row sum of shape (m,) does not line up row by row: keep the axis "
             "(keepdims=True), so they have the shape (m, 1)")
DTYPES = {"int8": (-100, 100), "uint8": (0, 250), "int16": (-300, 300), "int32": (-50, 50), "int64": (-50, 50),
          "float32": (-20, 20)}


def variants(Z):
    """What the usual mistakes give for Z (computed in float64)."""
    Z = np.asarray(Z, dtype=np.float64)
    found = {}
    if Z.ndim != 2:
        return found
    with np.errstate(all="ignore"):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        found[("normalises_columns", _("each COLUMN sums to 1: the sum runs over the rows (axis=0); sum over "
                                       "each row instead (axis=-1, keepdims=True)"))] = E / E.sum(axis=0)
        found[("column_max", _("the max subtracted is each column's (axis=0); subtract each ROW's max "
                               "(axis=-1, keepdims=True): only a constant per row leaves softmax unchanged"))] \
            = np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=1, keepdims=True)
        found[("whole_array", _("the whole array sums to 1: the sum has to run over each row (axis=-1, "
                                "keepdims=True), not over every element"))] = E / E.sum()
        m, k = Z.shape
        if k == m or k == 1 or m == 1:  # (m, k) against (m,) broadcasts without an error
            found[("no_keepdims", _("the sum of row j divided column j: E / E.sum(axis=1) lines the row sums "
                                    "up with the columns; keep the axis, E / E.sum(axis=1, keepdims=True)"))] \
                = E / E.sum(axis=1)
            shifted = np.exp(Z - Z.max(axis=1))
            found[("no_keepdims", _("row maxima and row sums of shape (m,) were lined up with the columns: "
                                    "keep the axis (keepdims=True), so they have the shape (m, 1)"))] \
                = shifted / shifted.sum(axis=1)
    return found


def softmax(student, Z, what, mistake=OVERFLOW):
    """The student's softmax(Z) under the strict error state; an axis or broadcast error named."""
    try:
        return call_strict(student, "softmax", Z, what=what, mistake=mistake).value
    except RaisedError as exc:
        if np.ndim(Z) == 1 and exc.exc_type in ("AxisError", "IndexError", "ValueError"):
            raise Mistake(with_hint(exc.text, ONE_ROW), "one_row", what) from None
        if np.ndim(Z) == 2 and exc.exc_type == "ValueError" and "broadcast" in exc.exc_message:
            raise Mistake(with_hint(exc.text, KEEPDIMS), "no_keepdims", what) from None
        raise


SHAPES = {"(4, 10)": (4, 10), "(3, 5)": (3, 5), "one row (1, 10)": (1, 10), "square (4, 4)": (4, 4),
          "one class (6, 1)": (6, 1)}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_values(student, rng, shape):
    Z = rng.normal(0.0, 3.0, size=shape)
    what = _("softmax(Z) for Z of shape {shape}", shape=shape)
    diagnose(softmax(student, Z, what), ref.softmax(Z), what, HINT, variants(Z))


@pytest.mark.parametrize("k", [10, 3], ids=["k=10", "k=3"])
def test_one_1d_row(student, rng, k):
    z = rng.normal(0.0, 3.0, size=k)
    what = _("softmax(z) for one 1-D row z of shape {shape}", shape=z.shape)
    diagnose(softmax(student, z, what), ref.softmax(z), what, HINT)


def large(rng, case):
    """(an input where e^z overflows or underflows, finite all the same; how the student reads it)."""
    if case == "+1000":
        return 1000.0 + rng.normal(0.0, 3.0, size=(3, 5)), _("rows near +1000")
    if case == "-1000":
        return -1000.0 + rng.normal(0.0, 3.0, size=(3, 5)), _("rows near -1000")
    if case == "1e4":
        return 1e4 + rng.normal(0.0, 3.0, size=6), _("one 1-D row near 1e4")
    return np.array([[1e300, 0.0, -1e300], [1.0, 2.0, 3.0]]), _("1e300 and -1e300 in one row")


def named_softmax(student, Z, what):
    """:func:`softmax`, naming a max taken over the whole array when each row alone comes out right."""
    try:
        value = softmax(student, Z, what)
    except Mistake as failed:
        if failed.kind == "overflow" and np.ndim(Z) == 2 and len(Z) > 1 and rows_alone_right(student, Z):
            raise Mistake(GLOBAL_MAX, "global_max", what) from None
        raise
    if np.ndim(Z) == 2 and len(Z) > 1 and not same(value, ref.softmax(Z)) and rows_alone_right(student, Z):
        raise Mistake(GLOBAL_MAX, "global_max", what)
    return value


def same(value, expected):
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return value.shape == expected.shape and bool(np.allclose(value, expected, rtol=1e-6, atol=1e-9))


def rows_alone_right(student, Z):
    """Does the student's softmax give each row right when it comes alone, as (1, k)?"""
    for row in Z:
        row = row.reshape(1, -1)
        try:
            value = call_strict(student, "softmax", row, what="softmax").value
        except (Mistake, RaisedError):
            return False
        if not same(value, ref.softmax(row)):
            return False
    return True


@pytest.mark.parametrize("case", ["+1000", "-1000", "1e4", "1e300"])
def test_large_values_without_warning(student, rng, case):
    Z, described = large(rng, case)
    what = _("softmax(Z) for Z: {case}", case=described)
    diagnose(named_softmax(student, Z, what), ref.softmax(Z), what, HINT, variants(Z))


def test_rows_far_apart(student, rng):
    # each row is fine on its own, but a max over the whole array leaves the low row at 0 / 0
    Z = np.vstack([800.0 + rng.normal(0.0, 2.0, size=4), -800.0 + rng.normal(0.0, 2.0, size=4),
                   rng.normal(0.0, 2.0, size=4)])
    what = _("softmax(Z) for rows near +800, -800 and 0")
    diagnose(named_softmax(student, Z, what), ref.softmax(Z), what, HINT, variants(Z))


@pytest.mark.parametrize("dtype", DTYPES.keys())
def test_dtypes(student, rng, dtype):
    low, high = DTYPES[dtype]
    Z = rng.integers(low, high, size=(3, 4)).astype(dtype)
    Z[0, :2] = (low, high - 1)  # the widest spread in one row, whatever the draw
    what = _("softmax(Z) for Z of dtype {dtype}", dtype=dtype)
    try:
        value = softmax(student, Z, what, mistake=CONVERT)
    except Mistake as failed:  # e^z of an integer type computes in float16, and a wrapped Z - max is large
        raise Mistake(failed.text, "not_converted" if failed.kind == "overflow" else failed.kind, what) from None
    expect_float64(value, what)
    with np.errstate(all="ignore"):
        wrapped = np.exp((Z - Z.max(axis=1, keepdims=True)).astype(np.float64))
    known = {} if dtype == "float32" else {("integer_wraps", CONVERT): wrapped / wrapped.sum(axis=1, keepdims=True)}
    diagnose(value, ref.softmax(Z), what, HINT, {**variants(Z), **known})


@pytest.mark.side
@pytest.mark.parametrize("shape", [(3, 4), (5,)], ids=["(m, k)", "(k,)"])
def test_returns_float64_and_keeps_input(student, rng, shape):
    Z = rng.normal(0.0, 2.0, size=shape)
    reply = student.invoke("softmax", (Z,), return_args=True)
    expect_float64(reply.value, "softmax(Z)")
    expect_unchanged(Z, reply.args[0], "softmax")


@pytest.mark.side
def test_vectorised(student, rng):
    expect_vectorised(student, "softmax", [uniform("n", 10, low=-5.0, high=5.0)], ref.softmax, rng=rng)
