"""Hidden checks for week02 `cross_entropy` (cell test_cross_entropy, 3 points).

Wrong values are compared with the known wrong variants (mean, (m, m)
broadcasting, missing minus sign) so the message names the likely mistake.
"""

import numpy as np
import pytest

from autograder.checks import (ATOL, RTOL, Mistake, expect, expect_unchanged, expect_vectorised, integers,
                               uniform)
from solutions import week02 as ref

pytestmark = pytest.mark.cell("test_cross_entropy")

FORMULA = "E = -Σ [t·log(y + delta) + (1 - t)·log(1 - y + delta)], summed over every sample"


def sample(rng, m, y_shape, t_shape):
    """Predictions strictly inside (0, 1) and 0/1 integer targets."""
    y = rng.uniform(0.05, 0.95, size=m).reshape(y_shape)
    t = rng.integers(0, 2, size=m).reshape(t_shape)
    return y, t


def as_number(value, what):
    expect(not isinstance(value, np.ndarray),
           f"{what} returned an array of shape {getattr(value, 'shape', '?')}; the loss is one number "
           "(a Python float: float(np.sum(...)))")
    expect(isinstance(value, float) and not isinstance(value, bool),
           f"{what} returned a {type(value).__name__}; the loss is one number, a Python float")
    return float(value)


def close(a, b):
    return bool(np.isclose(a, b, rtol=RTOL, atol=ATOL))


def check_loss(value, y, t, what, delta=1e-7):
    """The loss must equal the reference; otherwise name the wrong variant."""
    got = as_number(value, what)
    expected = ref.cross_entropy(y, t, delta)
    if close(got, expected):
        return
    yf, tf = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    if close(got, expected / yf.shape[0]):
        raise Mistake(f"{what} is the MEAN over the samples; the course's loss is the SUM "
                      "(np.sum, not np.mean)")
    if close(got, -expected):
        raise Mistake(f"{what} has the wrong sign: the loss is minus the sum of the log terms, "
                      "so it is never negative")
    if yf.shape != tf.shape:
        broadcast = -np.sum(tf * np.log(yf + delta) + (1 - tf) * np.log(1 - yf + delta))
        if close(got, broadcast):
            raise Mistake(f"{what}: t of shape {tf.shape} against y of shape {yf.shape} broadcast to "
                          f"{np.broadcast_shapes(tf.shape, yf.shape)}, pairing every y with every t; "
                          "reshape t to y's shape first (one target per prediction)")
    raise Mistake(f"{what} has the wrong value — {FORMULA}")


SHAPES = {
    "column y (m,1), t (m,1)": ((6, 1), (6, 1)),
    "vector y (m,), t (m,)": ((7,), (7,)),
    "one sample y (1,), t (1,)": ((1,), (1,)),
}


@pytest.mark.parametrize("y_shape, t_shape", SHAPES.values(), ids=SHAPES.keys())
def test_values(student, rng, y_shape, t_shape):
    y, t = sample(rng, y_shape[0], y_shape, t_shape)
    check_loss(student.call("cross_entropy", y, t), y, t, f"cross_entropy(y, t) for y {y_shape}")


MIXED = {"y (m,1), t (m,)": ((5, 1), (5,)), "y (m,), t (m,1)": ((4,), (4, 1))}


@pytest.mark.parametrize("y_shape, t_shape", MIXED.values(), ids=MIXED.keys())
def test_mixed_shapes_pair_row_by_row(student, rng, y_shape, t_shape):
    y, t = sample(rng, y_shape[0], y_shape, t_shape)
    check_loss(student.call("cross_entropy", y, t), y, t,
               f"cross_entropy(y, t) for y {y_shape} and t {t_shape}")


def test_delta_inside_both_logs(student):
    # y exactly 0 and 1: without delta, log(0) = -inf (and 0·log(0) = nan)
    y = np.array([[0.0], [1.0], [0.0], [1.0], [0.5]])
    t = np.array([[1], [0], [0], [1], [1]])
    reply = student.invoke("cross_entropy", (y, t))
    value = as_number(reply.value, "cross_entropy(y, t) with y = 0 and y = 1")
    expect(np.isfinite(value),
           f"cross_entropy(y, t) is {value} when some y is exactly 0 or 1: log(0) = -inf; "
           "add delta inside BOTH logs, log(y + delta) and log(1 - y + delta)")
    check_loss(value, y, t, "cross_entropy(y, t) with y = 0 and y = 1")


def test_honours_delta(student, rng):
    y, t = sample(rng, 6, (6, 1), (6, 1))
    y[0, 0], t[0, 0] = 0.0, 1
    y[1, 0], t[1, 0] = 1.0, 0
    value = student.call("cross_entropy", y, t, delta=1e-3)
    check_loss(value, y, t, "cross_entropy(y, t, delta=1e-3)", delta=1e-3)


@pytest.mark.side
def test_keeps_inputs(student, rng):
    y, t = sample(rng, 5, (5, 1), (5,))
    y = y.copy()
    tf = t.astype(float)
    reply = student.invoke("cross_entropy", (y, tf), return_args=True)
    expect_unchanged(y, reply.args[0], "cross_entropy")
    expect_unchanged(tf, reply.args[1], "cross_entropy")


@pytest.mark.side
def test_vectorised(student, rng):
    expect_vectorised(student, "cross_entropy", [uniform("n", 1, low=0.001, high=0.999), integers("n", 1)], ref.cross_entropy, rng=rng)
