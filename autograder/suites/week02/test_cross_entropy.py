"""Hidden checks for week02 `cross_entropy` (cell test_cross_entropy, 3 points).

Wrong values are compared with the known wrong variants (mean, (m, m)
broadcasting, missing minus sign, a default delta) so the message names
the likely mistake only when the answer is that variant's value.
"""

import numpy as np
import pytest

from autograder.checks import (ATOL, RTOL, Mistake, expect, expect_unchanged, expect_vectorised, integers,
                               kind_of, uniform)
from autograder.texts import domain
from solutions import week02 as ref

_ = domain("week02")
pytestmark = pytest.mark.cell("test_cross_entropy")

FORMULA = _("E = -Σ [t·log(y + delta) + (1 - t)·log(1 - y + delta)], summed over every sample")
LOG_OF_ZERO = _("is not a finite number when some y is exactly 0 or 1: log(0) = -inf; add delta inside BOTH "
                "logs, log(y + delta) and log(1 - y + delta)")
DTYPES = ["int8", "uint8", "int32", "int64", "float32"]


def sample(rng, m, y_shape, t_shape):
    """Predictions strictly inside (0, 1) and 0/1 integer targets."""
    y = rng.uniform(0.05, 0.95, size=m).reshape(y_shape)
    t = rng.integers(0, 2, size=m).reshape(t_shape)
    return y, t


def as_number(value, what):
    expect(not isinstance(value, np.ndarray),
           _("returned an array of shape {shape}; the loss is one number (a Python float: float(np.sum(...)))",
             shape=getattr(value, "shape", "?")), "return_type", what)
    expect(isinstance(value, float) and not isinstance(value, bool),
           _("returned {value}; the loss is one number, a Python float (float(np.sum(...)))",
             value=kind_of(value)), "return_type", what)
    return float(value)


def close(a, b):
    return bool(np.isclose(a, b, rtol=RTOL, atol=ATOL))


def every_pair(yf, tf, delta):
    """The loss when every y is paired with every t: what (m, 1) against (m,) broadcasting gives."""
    col, row = tf.reshape(-1, 1), yf.reshape(1, -1)
    return -np.sum(col * np.log(row + delta) + (1 - col) * np.log(1 - row + delta))


def check_loss(value, y, t, what, delta=1e-7):
    """The loss must equal the reference; otherwise name the wrong variant it equals, if any."""
    got = as_number(value, what)
    expected = ref.cross_entropy(y, t, delta)
    if close(got, expected):
        return
    yf, tf = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    m = yf.size
    if not np.isfinite(got) and np.any((yf == 0) | (yf == 1)):
        raise Mistake(LOG_OF_ZERO, "log_of_zero", what)
    if m > 1 and close(got, expected / m):
        raise Mistake(_("is the MEAN over the samples; the course's loss is the SUM (np.sum, not np.mean)"),
                      "mean_not_sum", what)
    if close(got, -expected):
        raise Mistake(_("has the wrong sign: the loss is minus the sum of the log terms, so it is never "
                        "negative"), "wrong_sign", what)
    if m > 1 and close(got, every_pair(yf, tf, delta)):
        raise Mistake(_("is the sum over all m·m pairs of a y with a t: y and t were combined into an (m, m) "
                        "array ((m, 1) against (m,) broadcasts); give t the shape of y first (t.reshape(y.shape)), "
                        "one target per prediction"), "broadcasts_to_m_by_m", what)
    raise Mistake(_("has the wrong value — {formula}", formula=FORMULA), where=what)


SHAPES = {
    "column y (m,1), t (m,1)": ((6, 1), (6, 1)),
    "vector y (m,), t (m,)": ((7,), (7,)),
    "one sample y (1,), t (1,)": ((1,), (1,)),
    "one sample y (1,1), t (1,1)": ((1, 1), (1, 1)),
}


@pytest.mark.parametrize("y_shape, t_shape", SHAPES.values(), ids=SHAPES.keys())
def test_values(student, rng, y_shape, t_shape):
    y, t = sample(rng, y_shape[0], y_shape, t_shape)
    check_loss(student.call("cross_entropy", y, t), y, t,
               _("cross_entropy(y, t) for y {y_shape} and t {t_shape}", y_shape=y_shape, t_shape=t_shape))


# t (m,) against y (m, 1) for any number of samples m (1 included), and the other way round
MIXED = {**{f"y ({m},1), t ({m},)": ((m, 1), (m,)) for m in (1, 2, 3, 5, 7)},
         **{f"y ({m},), t ({m},1)": ((m,), (m, 1)) for m in (1, 4)}}


@pytest.mark.parametrize("y_shape, t_shape", MIXED.values(), ids=MIXED.keys())
def test_mixed_shapes_pair_row_by_row(student, rng, y_shape, t_shape):
    y, t = sample(rng, y_shape[0], y_shape, t_shape)
    check_loss(student.call("cross_entropy", y, t), y, t,
               _("cross_entropy(y, t) for y {y_shape} and t {t_shape}", y_shape=y_shape, t_shape=t_shape))


def check_dtype(student, y, t, what):
    """The loss of y and t as given; if it is wrong but right for the same values as float64, say so."""
    value = student.call("cross_entropy", y, t)
    got = as_number(value, what)
    if close(got, ref.cross_entropy(y, t)):
        return
    as_float = student.call("cross_entropy", y.astype(np.float64), t.astype(np.float64))
    if isinstance(as_float, float) and close(as_float, ref.cross_entropy(y, t)):
        unsigned = "u" in (y.dtype.kind + t.dtype.kind)
        raise Mistake(_("gives another loss than for the same values as float64 arrays{extra}; convert y and t "
                        "to float64 first (np.asarray(t, dtype=float))",
                        extra=_(": arithmetic on an unsigned (uint8) array wraps around (0 - 1 is 255, it has no "
                                "negative numbers)") if unsigned else ""), "depends_on_dtype", what)
    check_loss(value, y, t, what)


@pytest.mark.parametrize("dtype", DTYPES)
def test_target_dtypes(student, rng, dtype):
    y, t = sample(rng, 6, (6, 1), (6,))
    t = t.astype(dtype)
    check_dtype(student, y, t, _("cross_entropy(y, t) for t of dtype {dtype} (m,) and y (m, 1)", dtype=dtype))


@pytest.mark.parametrize("dtype", ["float32", "uint8", "int64"])
def test_prediction_dtypes(student, rng, dtype):
    if dtype == "float32":  # a float32 network's outputs, and float32 targets
        y, t = sample(rng, 5, (5, 1), (5, 1))
        t = t.astype(np.float32)
    else:  # hard 0/1 predictions: delta keeps every log finite
        y, t = rng.integers(0, 2, size=(5, 1)), rng.integers(0, 2, size=(5, 1))
        y[:2, 0], t[:2, 0] = (0, 1), (0, 0)  # a right and a wrong one, whatever the draw
    check_dtype(student, y.astype(dtype), t, _("cross_entropy(y, t) for y of dtype {dtype} and t of dtype {t_dtype}",
                                               dtype=dtype, t_dtype=t.dtype))


def test_delta_inside_both_logs(student):
    # y exactly 0 and 1: without delta, log(0) = -inf (and 0·log(0) = nan)
    y = np.array([[0.0], [1.0], [0.0], [1.0], [0.5]])
    t = np.array([[1], [0], [0], [1], [1]])
    what = _("cross_entropy(y, t) with y = 0 and y = 1")
    check_loss(student.call("cross_entropy", y, t), y, t, what)


@pytest.mark.parametrize("delta", [1e-3, 1e-5, 0.1], ids=["delta=1e-3", "delta=1e-5", "delta=0.1"])
def test_honours_delta(student, rng, delta):
    y, t = sample(rng, 6, (6, 1), (6, 1))
    y[0, 0], t[0, 0] = 0.0, 1
    y[1, 0], t[1, 0] = 1.0, 0
    value = student.call("cross_entropy", y, t, delta=delta)
    what = f"cross_entropy(y, t, delta={delta:g})"
    got = as_number(value, what)
    if not close(got, ref.cross_entropy(y, t, delta)) and close(got, ref.cross_entropy(y, t)):
        raise Mistake(_("ignored its delta argument (it used 1e-7); use the delta it is given"),
                      "ignores_delta", what)
    check_loss(value, y, t, what, delta=delta)


@pytest.mark.side
@pytest.mark.parametrize("y_shape, t_shape", [((5, 1), (5,)), ((4,), (4, 1))], ids=["y (m,1), t (m,)", "y (m,), t (m,1)"])
def test_keeps_inputs(student, rng, y_shape, t_shape):
    y, t = sample(rng, y_shape[0], y_shape, t_shape)
    reply = student.invoke("cross_entropy", (y, t), return_args=True)
    expect_unchanged(y, reply.args[0], "cross_entropy (y)")
    expect_unchanged(t, reply.args[1], "cross_entropy (t)")


@pytest.mark.side
def test_vectorised(student, rng):
    expect_vectorised(student, "cross_entropy", [uniform("n", 1, low=0.001, high=0.999), integers("n", 1)],
                      ref.cross_entropy, rng=rng)
