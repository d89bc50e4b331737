"""Hidden checks for week07 `softmax_cross_entropy` (cell test_softmax_cross_entropy, 1 point).

A wrong loss is compared with the known wrong variants (the sum instead of
the mean, the mean over every element, week02's binary cross-entropy, a 1-D
pair divided by k) so the message names a mistake only when the answer is
that variant's value.
"""

import numpy as np
import pytest

from autograder.checks import (ATOL, RTOL, Mistake, expect, expect_unchanged, expect_vectorised, kind_of,
                               uniform)
from autograder.checks.expect import with_hint
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain
from solutions import week07 as ref

_ = domain("week07")
pytestmark = pytest.mark.cell("test_softmax_cross_entropy")

FORMULA = _("E = -(1/m) Σ_i Σ_k T_ik · log(Y_ik + delta): the MEAN over the m samples of each sample's "
            "-Σ_k T_ik · log(Y_ik + delta)")
DTYPES = ["int8", "uint8", "int32", "int64", "float32"]


def sample(rng, m, k, soft=False):
    """Y: softmax outputs (m, k), strictly inside (0, 1); T: one-hot rows (or soft labels summing to 1)."""
    Y = ref.softmax(rng.normal(0.0, 2.0, size=(m, k)))
    if soft:
        T = rng.uniform(0.0, 1.0, size=(m, k))
        T /= T.sum(axis=1, keepdims=True)
    else:
        T = np.eye(k)[rng.integers(0, k, size=m)]
    return Y, T


def as_number(value, what):
    expect(not isinstance(value, np.ndarray),
           _("returned an array of shape {shape}; the loss is one number (a Python float: float(...))",
             shape=getattr(value, "shape", "?")), "return_type", what)
    expect(isinstance(value, float) and not isinstance(value, bool),
           _("returned {value}; the loss is one number, a Python float (float(...))", value=kind_of(value)),
           "return_type", what)
    return float(value)


def close(a, b):
    return bool(np.isclose(a, b, rtol=RTOL, atol=ATOL))


def check_loss(value, Y, T, what, delta=1e-7):
    """The loss must equal the reference; otherwise name the wrong variant it equals, if any."""
    got = as_number(value, what)
    expected = ref.softmax_cross_entropy(Y, T, delta)
    if close(got, expected):
        return
    Yf, Tf = np.asarray(Y, dtype=float), np.asarray(T, dtype=float)
    one_pair = Yf.ndim == 1
    m, k = (1, Yf.size) if one_pair else Yf.shape
    if not np.isfinite(got) and np.any(Yf == 0):
        raise Mistake(_("is not a finite number when some Y is exactly 0: log(0) = -inf (and 0 · log(0) is nan); "
                        "add delta inside the log, log(Y + delta)"), "log_of_zero", what)
    if one_pair and k > 1 and close(got, expected / k):
        raise Mistake(_("one 1-D pair (k,) is ONE sample (m = 1): it was divided by k = len(Y); for 1-D Y "
                        "divide by 1"), "one_pair_divided_by_k", what)
    if m > 1 and close(got, expected * m):
        raise Mistake(_("is the SUM over the samples; this week's loss is the MEAN (divide by m, the number of "
                        "rows)"), "sum_not_mean", what)
    if k > 1 and close(got, expected / k):
        raise Mistake(_("is the mean over all m·k elements (np.mean of T · log Y); divide the sum by m, the "
                        "number of samples, only"), "mean_over_elements", what)
    if close(got, -expected):
        raise Mistake(_("has the wrong sign: the loss is MINUS the mean of the log terms, so it is never "
                        "negative"), "wrong_sign", what)
    with np.errstate(all="ignore"):
        binary = -np.sum(Tf * np.log(Yf + delta) + (1 - Tf) * np.log(1 - Yf + delta)) / m
        no_delta = -np.sum(Tf * np.log(Yf)) / m
    if np.isfinite(no_delta) and not close(no_delta, expected) and close(got, no_delta):
        raise Mistake(_("is the loss without delta, -(1/m) Σ T · log(Y): put delta inside the log, "
                        "log(Y + delta), as the contract says"), "no_delta", what)
    if close(got, binary):
        raise Mistake(_("is week02's binary cross-entropy (with its (1 - T)·log(1 - Y) term); with softmax the "
                        "loss is -Σ_k T_k · log(Y_k + delta) only"), "binary_cross_entropy", what)
    raise Mistake(_("has the wrong value — {formula}", formula=FORMULA), where=what)


def loss(student, Y, T, what, **kwargs):
    try:
        return student.call("softmax_cross_entropy", Y, T, **kwargs)
    except RaisedError as exc:
        if exc.exc_type == "ValueError" and np.shape(Y) == np.shape(T):
            raise Mistake(with_hint(exc.text, _("Y and T have the same shape here: raise ValueError only when "
                                                "their shapes differ")), "rejects_same_shapes", what) from None
        raise


@pytest.mark.parametrize("m, k", [(5, 10), (3, 3), (1, 10), (8, 2)], ids=["m=5 k=10", "m=3 k=3", "m=1", "k=2"])
def test_values(student, rng, m, k):
    Y, T = sample(rng, m, k)
    what = _("softmax_cross_entropy(Y, T) for Y and T of shape {shape}", shape=(m, k))
    check_loss(loss(student, Y, T, what), Y, T, what)


def test_soft_labels(student, rng):
    # targets that are not one-hot (rows of probabilities summing to 1): every T_ik counts
    Y, T = sample(rng, 6, 4, soft=True)
    what = _("softmax_cross_entropy(Y, T) for soft labels T (rows summing to 1, not one-hot)")
    check_loss(loss(student, Y, T, what), Y, T, what)


@pytest.mark.parametrize("k", [10, 4], ids=["k=10", "k=4"])
def test_one_1d_pair(student, rng, k):
    Y, T = sample(rng, 1, k)
    y, t = Y[0], T[0]
    what = _("softmax_cross_entropy(y, t) for one 1-D pair of shape {shape} (m = 1)", shape=y.shape)
    check_loss(loss(student, y, t, what), y, t, what)


def test_zero_probabilities(student, rng):
    # hard predictions (one-hot Y): exact zeros where T is 1 (a wrong answer) and where T is 0
    k = 5
    t = rng.integers(0, k, size=6)
    guess = t.copy()
    guess[:2] = (t[:2] + 1) % k  # two wrong answers, whatever the draw
    Y, T = np.eye(k)[guess], np.eye(k)[t]
    what = _("softmax_cross_entropy(Y, T) with probabilities Y exactly 0 and 1")
    check_loss(loss(student, Y, T, what), Y, T, what)


@pytest.mark.parametrize("delta", [1e-3, 0.1], ids=["delta=1e-3", "delta=0.1"])
def test_honours_delta(student, rng, delta):
    Y, T = sample(rng, 5, 4)
    Y[0] = np.eye(4)[(np.argmax(T[0]) + 1) % 4]  # probability 0 for the right class: delta decides the loss
    what = f"softmax_cross_entropy(Y, T, delta={delta:g})"
    got = as_number(loss(student, Y, T, what, delta=delta), what)
    if not close(got, ref.softmax_cross_entropy(Y, T, delta)) and close(got, ref.softmax_cross_entropy(Y, T)):
        raise Mistake(_("ignored its delta argument (it used 1e-7); use the delta it is given"), "ignores_delta",
                      what)
    check_loss(got, Y, T, what, delta=delta)


def mismatched(rng, case):
    """(Y, T, how the student reads it) for two arrays of different shapes that numpy would broadcast."""
    Y, T = sample(rng, 4, 4)
    if case == "row":
        return Y, T[0], _("Y (4, 4) and T (4,): one row of T broadcast over every sample")
    if case == "column":
        return Y, T[:, :1], _("Y (4, 4) and T (4, 1)")
    if case == "labels":
        return Y, np.argmax(T, axis=1), _("Y (4, 4) and integer labels T (4,) instead of one-hot rows")
    return Y[0], T[:1], _("Y (4,) and T (1, 4)")


@pytest.mark.parametrize("case", ["row", "column", "labels", "1-D against 2-D"])
def test_shapes_differ_raise_value_error(student, rng, case):
    Y, T, described = mismatched(rng, case)
    what = _("softmax_cross_entropy(Y, T) for {shapes}", shapes=described)
    why = _("Y and T of different shapes must raise ValueError (check Y.shape != T.shape first): numpy would "
            "broadcast them into a loss of the wrong pairs")
    try:
        value = student.call("softmax_cross_entropy", Y, T)
    except RaisedError as exc:
        expect(exc.exc_type == "ValueError", with_hint(_("raised {type}, not ValueError", type=exc.exc_type), why),
               "no_shape_check", what)
        return
    raise Mistake(with_hint(_("returned {value} instead of raising ValueError", value=kind_of(value)), why),
                  "no_shape_check", what)


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes(student, rng, dtype):
    # one-hot targets of an integer type (or float32 ones, with float32 probabilities)
    Y, T = sample(rng, 5, 4)
    T = T.astype(dtype)
    if dtype == "float32":
        Y = Y.astype(np.float32)
    what = _("softmax_cross_entropy(Y, T) for T of dtype {dtype} and Y of dtype {y_dtype}", dtype=dtype,
             y_dtype=Y.dtype)
    check_loss(loss(student, Y, T, what), Y, T, what)


@pytest.mark.side
@pytest.mark.parametrize("shape", [(4, 3), (3,)], ids=["(m, k)", "(k,)"])
def test_keeps_inputs(student, rng, shape):
    Y, T = sample(rng, 1 if len(shape) == 1 else shape[0], shape[-1])
    Y, T = Y.reshape(shape), T.reshape(shape)
    reply = student.invoke("softmax_cross_entropy", (Y, T), return_args=True)
    expect_unchanged(Y, reply.args[0], "softmax_cross_entropy (Y)")
    expect_unchanged(T, reply.args[1], "softmax_cross_entropy (T)")


@pytest.mark.side
def test_vectorised(student, rng):
    expect_vectorised(student, "softmax_cross_entropy",
                      [uniform("n", 10, low=0.001, high=0.999), uniform("n", 10)], ref.softmax_cross_entropy,
                      rng=rng)
