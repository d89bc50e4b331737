"""Hidden checks for week02 `numerical_derivative` (cells
test_numerical_derivative, 3 points, and test_numerical_derivative_in_place,
2 points).

The functions differentiated are grader-written (``Expr``), evaluated in
the student process; the same source is evaluated here for the reference
(``Expr.local()``).
The lecture's pattern ``f = lambda _: loss()`` (a loss that ignores its
argument and reads the array itself) is built inside the student process,
as a closure over the very array handed to the student's function.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_float64, expect_shape
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr, Ref
from solutions import week02 as ref

CELL = "test_numerical_derivative"
IN_PLACE = "test_numerical_derivative_in_place"
DELTA_X = 1e-4

# f(x) = Σ k·x_k³ (k = 1, 2, ... in x's own order): every element has its own slope
CUBIC = "float(np.sum(np.arange(1, {x}.size + 1).reshape({x}.shape) * {x}**3))"
WEIGHTED_CUBIC = Expr("lambda x: " + CUBIC.format(x="x"))
MATRIX_LOSS = Expr("lambda W: float(np.sum(np.sin(W @ W.T)) + np.sum(W)**2)")
# the lecture's pattern: the loss ignores its argument and reads x through a closure
LECTURE_PATTERN = Expr("lambda nd, x: nd(lambda _: " + CUBIC.format(x="x") + ", x)")


def allclose(a, b):
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def one_sided(f, x, delta_x):
    """(f(x + Δx) - f(x)) / Δx, element by element: the forward difference."""
    x = x.copy()
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        fx = f(x)
        x[idx] = saved + delta_x
        grad[idx] = (f(x) - fx) / delta_x
        x[idx] = saved
    return grad


def check_gradient(value, f, x, what, delta_x=DELTA_X):
    """Shape, float64 and values against the reference; name the likely mistake."""
    got = expect_shape(value, x.shape, what, "one partial derivative per element of x, shaped like x")
    expected = ref.numerical_derivative(f, x.copy(), delta_x)
    if not allclose(got.astype(float), expected):
        if allclose(got.astype(float), 2 * expected):
            raise Mistake(f"{what} is twice the derivative: the two points x - Δx and x + Δx are "
                          "2·delta_x apart, so divide by 2·delta_x, not delta_x")
        if allclose(got.astype(float), one_sided(f, x, delta_x)):
            raise Mistake(f"{what}: forward difference (f(x + Δx) - f(x)) / Δx instead of the "
                          "central difference (f(x + Δx) - f(x - Δx)) / (2·Δx)")
        if np.all(got == 0) and np.any(expected != 0):
            raise Mistake(f"{what} is all zeros: f never saw the perturbed values; change the "
                          "elements of x itself (x[idx] = ...), not of a copy of x")
        raise Mistake(f"{what} has wrong values — the central difference "
                      "(f(x + Δx) - f(x - Δx)) / (2·Δx) for each element of x, the others held fixed")
    expect_float64(got, what)


SHAPES = {"1-D (5,)": (5,), "2-D (3,2)": (3, 2), "3-D (2,2,3)": (2, 2, 3)}


@pytest.mark.isolated
@pytest.mark.cell(CELL)
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_values(student, rng, shape):
    x = rng.normal(size=shape)
    check_gradient(student.call("numerical_derivative", WEIGHTED_CUBIC, x), WEIGHTED_CUBIC.local(), x,
                   f"numerical_derivative(f, x) for x of shape {shape}")


@pytest.mark.isolated
@pytest.mark.cell(CELL)
def test_function_of_a_matrix(student, rng):
    W = rng.normal(size=(2, 3))
    check_gradient(student.call("numerical_derivative", MATRIX_LOSS, W), MATRIX_LOSS.local(), W,
                   "numerical_derivative(f, W) for a loss of the whole matrix W (2, 3)")


@pytest.mark.isolated
@pytest.mark.cell(CELL)
def test_honours_delta_x(student, rng):
    x = rng.normal(size=4)
    value = student.call("numerical_derivative", WEIGHTED_CUBIC, x, delta_x=1e-2)
    what = "numerical_derivative(f, x, delta_x=1e-2)"
    try:
        check_gradient(value, WEIGHTED_CUBIC.local(), x, what, delta_x=1e-2)
    except Mistake:
        if allclose(np.asarray(value, dtype=float), ref.numerical_derivative(WEIGHTED_CUBIC.local(), x.copy())):
            raise Mistake(f"{what} ignored its delta_x argument (it used 1e-4)") from None
        raise


LECTURE_SHAPES = {"1-D (4,)": ((4,), "C"), "2-D (2,3)": ((2, 3), "C"),
                  "2-D column-major (3,2)": ((3, 2), "F")}


@pytest.mark.isolated
@pytest.mark.cell(IN_PLACE)
@pytest.mark.parametrize("shape, order", LECTURE_SHAPES.values(), ids=LECTURE_SHAPES.keys())
def test_lecture_pattern_loss_reads_x(student, rng, shape, order):
    x = np.asarray(rng.normal(size=shape), order=order)
    reply = student.invoke(LECTURE_PATTERN, (Ref("numerical_derivative"), x), return_args=True)
    what = "numerical_derivative(lambda _: loss(), x) (a loss that reads x itself)"
    copy_hint = ("the loss reads x itself, so the perturbation must be written into x "
                 "(with a multi-index, e.g. np.nditer(x, flags=['multi_index']) or np.ndindex(x.shape)); "
                 "x.reshape(-1), x.flatten(), x.astype(...) or x.copy() can be copies")
    got = expect_shape(reply.value, shape, what, "shaped like x")
    if np.all(got == 0):
        raise Mistake(f"{what} is all zeros: {copy_hint}")
    expect(np.array_equal(reply.args[1], x), f"{what}: x was not restored after the call")
    # reading x through a closure or through the argument gives the same derivative
    check_gradient(got, WEIGHTED_CUBIC.local(), x, what)


def small_and_ordinary_values(rng, shape):
    """Float values for which x + Δx - Δx (or x + Δx - 2Δx + Δx) is not bit for bit x."""
    x = rng.normal(size=shape)
    x.flat[::2] *= 1e-5  # near-zero weights: the round trip through x ± Δx loses their last bits
    return x


def inexact_round_trip(x):
    return not (np.array_equal(x + DELTA_X - DELTA_X, x) and np.array_equal(x + DELTA_X - 2 * DELTA_X + DELTA_X, x))


@pytest.mark.isolated
@pytest.mark.cell(IN_PLACE)
@pytest.mark.parametrize("shape", [(6,), (3, 4)], ids=["1-D (6,)", "2-D (3,4)"])
def test_restores_x_exactly(student, rng, shape):
    x = small_and_ordinary_values(rng, shape)
    if not inexact_round_trip(x):  # the check is meaningless without such values
        raise RuntimeError("test values do not exercise an inexact restore")
    reply = student.invoke("numerical_derivative", (WEIGHTED_CUBIC, x), return_args=True)
    after = np.asarray(reply.args[1])
    what = "numerical_derivative(f, x)"
    if not np.array_equal(after, x):
        if np.max(np.abs(after - x)) >= DELTA_X / 2:
            raise Mistake(f"{what} left x changed (by about delta_x): put each element back to its "
                          "original value after evaluating f at x + Δx and x - Δx")
        raise Mistake(f"{what} restored x only approximately: x + Δx - Δx is not always x in floating "
                      "point; keep the original value (tmp_val = x[idx]) and assign it back "
                      "(x[idx] = tmp_val)")
    check_gradient(reply.value, WEIGHTED_CUBIC.local(), x, what)


@pytest.mark.isolated
@pytest.mark.cell(IN_PLACE)
@pytest.mark.parametrize("dtype, shape", [("int64", (4,)), ("int32", (2, 2))], ids=["int64 (4,)", "int32 (2,2)"])
def test_integer_array_raises_type_error(student, rng, dtype, shape):
    x = rng.integers(-3, 4, size=shape).astype(dtype)
    what = f"numerical_derivative(f, x) for an {dtype} array x"
    try:
        student.call("numerical_derivative", WEIGHTED_CUBIC, x)
    except RaisedError as exc:
        expect(exc.exc_type == "TypeError",
               f"{what} raised {exc.exc_type}; raise a TypeError (the wrong type of array) "
               "with a message that says x must be a float array")
        expect(len(exc.exc_message.strip()) >= 10,
               f"{what} raised a TypeError without a clear message; say that x must be a float array")
        return
    raise Mistake(f"{what} returned a result: an integer array cannot hold x + delta_x (the "
                  "perturbation is truncated away, or you differentiated a float copy the loss never "
                  "reads); check x.dtype and raise TypeError")
