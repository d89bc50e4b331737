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

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_float64, expect_shape, kind_of
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr, Ref
from autograder.texts import domain
from solutions import week02 as ref

_ = domain("week02")

CELL = "test_numerical_derivative"
IN_PLACE = "test_numerical_derivative_in_place"
DELTA_X = 1e-4

# f(x) = Σ k·x_k³ (k = 1, 2, ... in x's own order), summed in float64: every element has its own slope
CUBIC = "float(np.sum(np.arange(1, {x}.size + 1).reshape({x}.shape) * np.asarray({x}, dtype=np.float64)**3))"
WEIGHTED_CUBIC = Expr("lambda x: " + CUBIC.format(x="x"))
MATRIX_LOSS = Expr("lambda W: float(np.sum(np.sin(W @ W.T)) + np.sum(W)**2)")
# the lecture's pattern: the loss ignores its argument and reads x through a closure
LECTURE_PATTERN = Expr("lambda nd, x: nd(lambda _: " + CUBIC.format(x="x") + ", x)")
# the weighted cubic, recording how far from the original x each point f is given lies
RECORD_STEPS = Expr(f"""
def run(nd, x, delta_x):
    start = x.copy()
    steps = []
    def f(v):
        steps.append(float(np.max(np.abs(np.asarray(v, dtype=np.float64) - start), initial=0.0)))
        return {CUBIC.format(x="v")}
    grad = nd(f, x, delta_x=delta_x)
    return grad, steps
run
""")

CENTRAL = _("the central difference (f(x + Δx) - f(x - Δx)) / (2·Δx) for each element of x, the others held fixed")
SHAPED_LIKE_X = _("one partial derivative per element of x, shaped like x")
PERTURBS_A_COPY = _("is all zeros, though it is right for a loss of its argument: the perturbed values went into a "
                    "copy of x, which this loss never reads; write them into x itself, with a multi-index "
                    "(np.nditer(x, flags=['multi_index']) or np.ndindex(x.shape)); x.reshape(-1), x.flatten(), "
                    "x.astype(...) and x.copy() can be copies")
NOT_RESTORED = _("left x changed: put each element back to its original value after evaluating f at x + Δx "
                 "and x - Δx")


def allclose(a, b, rtol=RTOL):
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=ATOL))


def one_sided(f, x, delta_x):
    """(f(x + Δx) - f(x)) / Δx, element by element: the forward difference."""
    x = x.copy()
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        saved = x[idx].copy()
        fx = f(x)
        x[idx] = saved + delta_x
        grad[idx] = (f(x) - fx) / delta_x
        x[idx] = saved
    return grad


def check_restored(after, x, what):
    """``after`` (x as the student's function left it) is ``x`` bit for bit, in shape and dtype too."""
    after = np.asarray(after)
    if after.shape == x.shape and after.dtype == x.dtype and np.array_equal(after, x):
        return
    if after.shape != x.shape or after.dtype != x.dtype:
        raise Mistake(_("left x with shape {shape} and dtype {dtype}; give it back as it came, of shape {want} "
                        "and dtype {want_dtype}", shape=after.shape, dtype=after.dtype, want=x.shape,
                        want_dtype=x.dtype), "not_restored", what)
    with np.errstate(all="ignore"):
        off = float(np.max(np.abs(after.astype(np.float64) - x)))
    if not off < DELTA_X / 2:
        raise Mistake(NOT_RESTORED, "not_restored", what)
    raise Mistake(_("restored x only approximately: x + Δx - Δx is not always x in floating point; keep "
                    "the original value (tmp_val = x[idx]) and assign it back (x[idx] = tmp_val)"),
                  "inexact_restore", what)


def check_gradient(value, f, x, what, delta_x=DELTA_X, rtol=RTOL, float64=True):
    """Shape, values against the reference (naming the mistake the answer matches), then float64."""
    got = expect_shape(value, x.shape, what, SHAPED_LIKE_X)
    expected = ref.numerical_derivative(f, x.copy(), delta_x)
    with np.errstate(all="ignore"):
        got_f = got.astype(float)
    if not allclose(got_f, expected, rtol):
        if allclose(got_f, 2 * expected, rtol):
            raise Mistake(_("is twice the derivative: the two points x - Δx and x + Δx are 2·delta_x apart, "
                            "so divide by 2·delta_x, not delta_x"), "twice_the_derivative", what)
        if allclose(got_f, one_sided(f, x, delta_x), rtol):
            raise Mistake(_("is the forward difference (f(x + Δx) - f(x)) / Δx, not the central difference "
                            "(f(x + Δx) - f(x - Δx)) / (2·Δx)"), "forward_difference", what)
        if np.all(got_f == 0) and np.any(expected != 0):
            raise Mistake(_("is all zeros: f gave the same value at x + Δx as at x - Δx, as when the "
                            "perturbed values are written into a copy of x (not into x itself) or grad is "
                            "never filled in"), "all_zeros", what)
        raise Mistake(_("has wrong values — {rule}", rule=CENTRAL), where=what)
    if float64:
        expect_float64(got, what)


SHAPES = {"1-D (5,)": (5,), "2-D (3,2)": (3, 2), "3-D (2,2,3)": (2, 2, 3)}


@pytest.mark.isolated
@pytest.mark.cell(CELL)
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_values(student, rng, shape):
    x = rng.normal(size=shape)
    check_gradient(student.call("numerical_derivative", WEIGHTED_CUBIC, x), WEIGHTED_CUBIC.local(), x,
                   _("numerical_derivative(f, x) for x of shape {shape}", shape=shape))


# a 0-d array is made and inspected in the student process: it would cross as shape (1,)
ZERO_D = Expr(f"""
def run(nd, value, reads_x):
    x = np.array(value)
    f = (lambda _: {CUBIC.format(x="x")}) if reads_x else (lambda v: {CUBIC.format(x="v")})
    out = nd(f, x)
    grad = np.asarray(out)
    numbers = grad.ravel().tolist() if grad.dtype.kind in "biuf" else None
    return type(out).__name__, list(grad.shape), grad.dtype.str, numbers, list(x.shape), x.dtype.str, x.ravel().tolist()
run
""")


def zero_dimensional(student, x, reads_x, what):
    """The student's gradient for the 0-d ``x`` (made in the student process) and x as it was left."""
    out_type, shape, dtype, numbers, x_shape, x_dtype, x_after = student.call(
        ZERO_D, Ref("numerical_derivative"), float(x), reads_x)
    returned = kind_of(None) if out_type == "NoneType" else _("a {type}", type=out_type)
    expect(numbers is not None, _("returned {value}; expected a numpy array", value=returned), "return_type", what)
    return np.array(numbers, dtype=np.dtype(dtype)).reshape(shape), x_shape, x_dtype, x_after


def check_zero_dimensional(student, rng, reads_x, what):
    x = np.array(float(rng.uniform(0.5, 2.0)) * float(rng.choice([-1, 1])))
    got, x_shape, x_dtype, x_after = zero_dimensional(student, x, reads_x, what)
    if reads_x and got.shape == () and got == 0:
        by_argument = zero_dimensional(student, x, False, what)[0]
        if allclose(by_argument.astype(float), ref.numerical_derivative(WEIGHTED_CUBIC.local(), x.copy())):
            raise Mistake(PERTURBS_A_COPY, "perturbs_a_copy", what)
    check_restored(np.array(x_after, dtype=np.dtype(x_dtype)).reshape(x_shape), x, what)
    check_gradient(got, WEIGHTED_CUBIC.local(), x, what)


@pytest.mark.isolated
@pytest.mark.cell(CELL)
def test_zero_dimensional_array(student, rng):
    check_zero_dimensional(student, rng, False, _("numerical_derivative(f, x) for a 0-d array x (shape ())"))


@pytest.mark.isolated
@pytest.mark.cell(IN_PLACE)
def test_lecture_pattern_zero_dimensional(student, rng):
    check_zero_dimensional(student, rng, True, _("numerical_derivative(lambda _: loss(), x), a loss that reads x "
                                                 "itself, for a 0-d array x (shape ())"))


@pytest.mark.isolated
@pytest.mark.cell(CELL)
def test_function_of_a_matrix(student, rng):
    W = rng.normal(size=(2, 3))
    check_gradient(student.call("numerical_derivative", MATRIX_LOSS, W), MATRIX_LOSS.local(), W,
                   _("numerical_derivative(f, W) for a loss of the whole matrix W (2, 3)"))


@pytest.mark.isolated
@pytest.mark.cell(CELL)
def test_float32_array(student, rng):
    x = rng.normal(size=(3, 2)).astype(np.float32)
    what = _("numerical_derivative(f, x) for a float32 array x")
    try:
        reply = student.invoke("numerical_derivative", (WEIGHTED_CUBIC, x), return_args=True)
    except RaisedError as exc:
        if exc.exc_type != "TypeError":
            raise
        raise Mistake(_("raised {type}: a float32 array is a float array too; refuse only integer arrays "
                        "(np.issubdtype(x.dtype, np.floating) is True for every float dtype)", type=exc.exc_type),
                      "rejects_float32", what) from None
    # x ± Δx rounds to float32, so the step actually taken differs a little from delta_x
    check_gradient(reply.value, WEIGHTED_CUBIC.local(), x, what, rtol=1e-2, float64=False)
    check_restored(reply.args[1], x, what)
    got = np.asarray(reply.value)
    expect(got.dtype == np.float64,
           _("has dtype {dtype}; the gradient is float64 whatever the float dtype of x (np.zeros(x.shape) is "
             "float64; np.zeros_like(x) keeps the dtype of x)", dtype=got.dtype), "dtype", what)


DELTAS = {"delta_x=1e-2": 1e-2, "delta_x=1e-3": 1e-3, "delta_x=1e-6": 1e-6, "delta_x=0.5": 0.5}


@pytest.mark.isolated
@pytest.mark.cell(CELL)
@pytest.mark.parametrize("delta_x", DELTAS.values(), ids=DELTAS.keys())
def test_honours_delta_x(student, rng, delta_x):
    x = rng.normal(size=4)
    value, steps = student.call(RECORD_STEPS, Ref("numerical_derivative"), x, delta_x)
    what = f"numerical_derivative(f, x, delta_x={delta_x:g})"
    largest = max(steps, default=0.0)
    # the points f saw lie delta_x from x (to rounding: x ± Δx - x is not exactly Δx); never moving
    # x at all is another mistake, named by the values
    if largest > 0 and not np.isclose(largest, delta_x, rtol=1e-3, atol=0):
        raise Mistake(_("evaluated f at x ± {seen:.3g}, not at x ± delta_x: use the delta_x argument it is "
                        "given", seen=largest), "ignores_delta_x", what)
    check_gradient(value, WEIGHTED_CUBIC.local(), x, what, delta_x=delta_x)


LECTURE_SHAPES = {"1-D (4,)": ((4,), "C"), "2-D (2,3)": ((2, 3), "C"),
                  "2-D column-major (3,2)": ((3, 2), "F"), "3-D (2,1,3)": ((2, 1, 3), "C")}


@pytest.mark.isolated
@pytest.mark.cell(IN_PLACE)
@pytest.mark.parametrize("shape, order", LECTURE_SHAPES.values(), ids=LECTURE_SHAPES.keys())
def test_lecture_pattern_loss_reads_x(student, rng, shape, order):
    x = np.asarray(rng.normal(size=shape), order=order)
    reply = student.invoke(LECTURE_PATTERN, (Ref("numerical_derivative"), x), return_args=True)
    what = _("numerical_derivative(lambda _: loss(), x), a loss that reads x itself, for x of shape {shape}",
             shape=shape)
    got = expect_shape(reply.value, shape, what, SHAPED_LIKE_X)
    if np.all(got == 0):
        # the same x through the argument: right there, zeros here mean a copy was perturbed
        by_argument = student.call("numerical_derivative", WEIGHTED_CUBIC, x)
        if isinstance(by_argument, np.ndarray) and allclose(np.asarray(by_argument, dtype=float),
                                                             ref.numerical_derivative(WEIGHTED_CUBIC.local(), x.copy())):
            raise Mistake(PERTURBS_A_COPY, "perturbs_a_copy", what)
    check_restored(reply.args[1], x, what)
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
@pytest.mark.parametrize("shape", [(6,), (3, 4), (2, 2, 2)], ids=["1-D (6,)", "2-D (3,4)", "3-D (2,2,2)"])
def test_restores_x_exactly(student, rng, shape):
    x = small_and_ordinary_values(rng, shape)
    if not inexact_round_trip(x):  # the check is meaningless without such values
        raise RuntimeError("test values do not exercise an inexact restore")
    reply = student.invoke("numerical_derivative", (WEIGHTED_CUBIC, x), return_args=True)
    what = _("numerical_derivative(f, x) for x of shape {shape}", shape=shape)
    check_restored(reply.args[1], x, what)
    check_gradient(reply.value, WEIGHTED_CUBIC.local(), x, what)


INTEGER = {"int64 (4,)": ("int64", (4,)), "int32 (2,2)": ("int32", (2, 2)), "int8 (3,)": ("int8", (3,)),
           "uint8 (2,3)": ("uint8", (2, 3))}


@pytest.mark.isolated
@pytest.mark.cell(IN_PLACE)
@pytest.mark.parametrize("dtype, shape", INTEGER.values(), ids=INTEGER.keys())
def test_integer_array_raises_type_error(student, rng, dtype, shape):
    low = 0 if dtype.startswith("u") else -3
    x = rng.integers(low, 4, size=shape).astype(dtype)
    what = _("numerical_derivative(f, x) for an array x of dtype {dtype}", dtype=dtype)
    try:
        student.call("numerical_derivative", WEIGHTED_CUBIC, x)
    except RaisedError as exc:
        if exc.exc_type == "NotImplementedError":  # the blank exercise: said as for every other check
            raise
        if exc.exc_type != "TypeError" and "TypeError" in exc.exc_type:
            # numpy's own casting error (a TypeError) from an in-place operation, not a check of x
            raise Mistake(_("raised numpy's {type} from an operation on the integer array, not a TypeError of "
                            "its own; check x.dtype first (np.issubdtype(x.dtype, np.floating)) and raise "
                            "TypeError with a message that says x must be a float array", type=exc.exc_type),
                          "wrong_exception", what) from None
        expect(exc.exc_type == "TypeError",
               _("raised {type}; raise a TypeError (the wrong type of array) with a message that says x must "
                 "be a float array", type=exc.exc_type), "wrong_exception", what)
        expect(len(exc.exc_message.strip()) >= 10,
               _("raised a TypeError without a clear message; say that x must be a float array"),
               "unclear_message", what)
        return
    raise Mistake(_("returned a result: an integer array cannot hold x + delta_x (the perturbation is "
                    "truncated away, or a float copy was differentiated that the loss never reads); check "
                    "x.dtype (np.issubdtype(x.dtype, np.floating)) and raise TypeError for every integer dtype"),
                  "accepts_integers", what)
