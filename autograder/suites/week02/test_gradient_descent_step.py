"""Hidden checks for week02 `gradient_descent_step` (cell test_gradient_descent_step, 2 points).

"In place" is checked on the caller's own array: the arguments come back
as the student's function left them (``return_args``), and whether the
returned object *is* the param it was given is asked inside the student
process (an identity cannot cross the process boundary).
"""

import numpy as np
import pytest

from autograder.checks import Mistake, diagnose, expect, expect_shape, expect_unchanged
from autograder.checks.expect import with_hint
from autograder.sandbox.protocol import Expr, Ref
from autograder.texts import domain

_ = domain("week02")
pytestmark = pytest.mark.cell("test_gradient_descent_step")

RULE = _("one descent step is W ← W - α·∂E/∂W")
CLIMBS = ("climbs_the_gradient", _("moved UP the gradient (+ instead of -): one descent step is W ← W - α·∂E/∂W"))
WRAPS = ("integer_wraps", _("-grad on an unsigned (uint8) array wraps around (it has no negative numbers, -1 is 255); "
                            "compute param -= lr * grad"))
FLOAT32_ATOL = 1e-5  # float32 keeps about 7 digits of numbers near 1
# runs in the student process: is the returned object the very array that was passed?
SAME_OBJECT = Expr("lambda step, p, g, lr: (lambda out: 'same' if out is p else type(out).__name__)(step(p, g, lr))")


def check_step(value, param, grad, lr, what):
    """``value`` is param - lr·grad; name the wrong variant it equals, if any. With a float32 param or
    grad the step is compared to float32 rounding (lr·grad of a float32 grad is float32 in numpy)."""
    param, grad = np.asarray(param), np.asarray(grad)
    start, step = param.astype(np.float64), lr * grad.astype(np.float64)
    wrong = {CLIMBS: start + step}
    if grad.dtype.kind == "u":
        with np.errstate(all="ignore"):
            wrong[WRAPS] = start + lr * (-grad)  # what `param += lr * -grad` gives
    if np.float32 not in (param.dtype, grad.dtype):
        diagnose(value, start - step, what, RULE, wrong)
        return
    got = expect_shape(value, param.shape, what, RULE)
    with np.errstate(all="ignore"):
        got = got.astype(np.float64)
    for (kind, text), values in wrong.items():
        if not np.allclose(values, start - step, rtol=0, atol=FLOAT32_ATOL) and np.allclose(
                got, values, rtol=0, atol=FLOAT32_ATOL):
            raise Mistake(with_hint(_("wrong values"), text), kind, what)
    expect(bool(np.allclose(got, start - step, rtol=0, atol=FLOAT32_ATOL)), with_hint(_("wrong values"), RULE),
           where=what)


def check_in_place(after, value, param, grad, lr, what):
    """``after`` (the caller's param after the call) holds the step; name a new-array answer."""
    expected = param - lr * np.asarray(grad, dtype=np.float64)
    if np.array_equal(np.asarray(after), param) and not np.array_equal(expected, param):
        returned_right = (isinstance(value, np.ndarray) and value.shape == param.shape
                          and np.allclose(value, expected, rtol=1e-5, atol=1e-6))
        if returned_right:
            raise Mistake(_("returned the stepped values in a new array and left the caller's param unchanged: "
                            "an assignment param = ... (param - lr * grad, np.asarray(param, dtype=float), "
                            "param.copy()) makes a new array and only rebinds the local name; write into param "
                            "itself (param -= lr * grad)"), "not_in_place", what)
        raise Mistake(_("left the caller's param unchanged; the step must write into the array it was given "
                        "(in place: param -= lr * grad)"), "not_in_place", what)


def check_same_object(result, what):
    if result == "same":
        return
    if result == "NoneType":
        raise Mistake(_("returned None: return param itself, the array it updated in place (is a `return param` "
                        "missing?)"), "not_param_itself", what)
    raise Mistake(_("returned another {type} than the very param it was given (a copy or a new array); return "
                    "param itself, the array it updated in place", type=result), "not_param_itself", what)


SHAPES = {"W (2,1)": (2, 1), "b (1,)": (1,), "W (3,4)": (3, 4), "3-D (2,2,3)": (2, 2, 3)}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_returned_values(student, rng, shape):
    param, grad = rng.normal(size=shape), rng.normal(size=shape)
    check_step(student.call("gradient_descent_step", param, grad, 0.1), param, grad, 0.1,
               _("gradient_descent_step(param, grad, lr) for param of shape {shape}", shape=shape))


@pytest.mark.parametrize("shape", [(2, 1), (3,), (2, 3, 2)], ids=["W (2,1)", "b (3,)", "3-D (2,3,2)"])
def test_updates_param_in_place(student, rng, shape):
    param, grad = rng.normal(size=shape), rng.normal(size=shape)
    reply = student.invoke("gradient_descent_step", (param, grad, 0.5), return_args=True)
    what = _("the caller's param after gradient_descent_step(param, grad, lr), param of shape {shape}", shape=shape)
    check_in_place(reply.args[0], reply.value, param, grad, 0.5, what)
    check_step(reply.args[0], param, grad, 0.5, what)


CASES = {"float64 (2,2), lr=0.1": ("float64", (2, 2), 0.1), "float64 (3,), lr=0": ("float64", (3,), 0.0),
         "float32 (2,3), lr=0.5": ("float32", (2, 3), 0.5)}


@pytest.mark.isolated
@pytest.mark.parametrize("dtype, shape, lr", CASES.values(), ids=CASES.keys())
def test_returns_param_itself(student, rng, dtype, shape, lr):
    param, grad = rng.normal(size=shape).astype(dtype), rng.normal(size=shape)
    result = student.call(SAME_OBJECT, Ref("gradient_descent_step"), param, grad, lr)
    check_same_object(result, _("gradient_descent_step(param, grad, lr) for a {dtype} param of shape {shape}, "
                                "lr = {lr:g}", dtype=dtype, shape=shape, lr=lr))


@pytest.mark.parametrize("shape", [(2, 1), (4,)], ids=["W (2,1)", "b (4,)"])
def test_float32_param_in_place(student, rng, shape):
    param, grad = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape)
    reply = student.invoke("gradient_descent_step", (param, grad, 0.5), return_args=True)
    what = _("the caller's float32 param after gradient_descent_step(param, grad, lr), param of shape {shape}",
             shape=shape)
    after = reply.args[0]
    check_in_place(after, reply.value, param, grad, 0.5, what)
    expect(isinstance(after, np.ndarray) and after.dtype == np.float32,
           _("the caller's param is now {dtype}; in place it stays float32", dtype=getattr(after, "dtype", "?")),
           "dtype", what)
    check_step(after, param, grad, 0.5, what)


GRAD_DTYPES = ["int8", "uint8", "int32", "int64", "float32"]


@pytest.mark.parametrize("dtype", GRAD_DTYPES)
def test_grad_dtypes(student, rng, dtype):
    low = 0 if dtype.startswith("u") else -3
    param, grad = rng.normal(size=5), rng.integers(low, 4, size=5).astype(dtype)
    grad[0] = 2  # never all zeros
    if dtype == "float32":
        grad = rng.normal(size=5).astype(dtype)
    reply = student.invoke("gradient_descent_step", (param, grad, 0.25), return_args=True)
    what = _("gradient_descent_step(param, grad, lr) for grad of dtype {dtype}", dtype=dtype)
    check_step(reply.value, param, grad, 0.25, what)
    check_in_place(reply.args[0], reply.value, param, grad, 0.25,
                   _("the caller's param after gradient_descent_step(param, grad, lr), grad of dtype {dtype}",
                     dtype=dtype))


LEARNING_RATES = {"lr=0": 0.0, "lr=0.01": 0.01, "lr=0.5": 0.5, "lr=1 (an int)": 1, "lr=1.5": 1.5, "lr=10": 10.0}


@pytest.mark.parametrize("lr", LEARNING_RATES.values(), ids=LEARNING_RATES.keys())
def test_honours_learning_rate(student, rng, lr):
    param, grad = rng.normal(size=4), rng.normal(size=4)
    check_step(student.call("gradient_descent_step", param, grad, lr), param, grad, lr,
               f"gradient_descent_step(param, grad, lr={lr:g})")


@pytest.mark.side
@pytest.mark.parametrize("shape", [(3,), (2, 1)], ids=["b (3,)", "W (2,1)"])
def test_keeps_grad(student, rng, shape):
    param, grad = rng.normal(size=shape), rng.normal(size=shape)
    reply = student.invoke("gradient_descent_step", (param, grad, 0.1), return_args=True)
    expect_unchanged(grad, reply.args[1], _("gradient_descent_step (the gradient)"))
