"""Hidden checks for week02 `gradient_descent_step` (cell test_gradient_descent_step, 2 points)."""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect, expect_close, expect_unchanged
from autograder.sandbox.protocol import Expr, Ref

pytestmark = pytest.mark.cell("test_gradient_descent_step")

RULE = "one descent step is W ← W - α·∂E/∂W"
REBINDING = ("an assignment `param = ...` builds a new array and only rebinds the local name, so the "
             "caller's W is not changed; the step must write into the array it was given (in place)")
# runs in the student process: is the returned object the very array that was passed?
RETURNS_ITSELF = Expr("lambda step, p, g: step(p, g, 0.1) is p")


def check_step(value, param, grad, lr, what):
    got = np.asarray(value) if isinstance(value, np.ndarray) else value
    if isinstance(got, np.ndarray) and got.shape == param.shape and np.allclose(
            got, param + lr * grad, rtol=RTOL, atol=ATOL):
        raise Mistake(f"{what} moved UP the gradient (+ instead of -): {RULE}")
    expect_close(value, param - lr * grad, what, RULE)


SHAPES = {"W (2,1)": (2, 1), "b (1,)": (1,), "W (3,4)": (3, 4)}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_returned_values(student, rng, shape):
    param, grad = rng.normal(size=shape), rng.normal(size=shape)
    check_step(student.call("gradient_descent_step", param, grad, 0.1), param, grad, 0.1,
               f"gradient_descent_step(param, grad, lr) for param of shape {shape}")


@pytest.mark.parametrize("shape", [(2, 1), (3,)], ids=["W (2,1)", "b (3,)"])
def test_updates_param_in_place(student, rng, shape):
    param, grad = rng.normal(size=shape), rng.normal(size=shape)
    reply = student.invoke("gradient_descent_step", (param, grad, 0.5), return_args=True)
    after = reply.args[0]
    if np.array_equal(after, param):
        raise Mistake(f"gradient_descent_step did not change param: {REBINDING}")
    check_step(after, param, grad, 0.5, "param after gradient_descent_step(param, grad, lr)")


@pytest.mark.isolated
def test_returns_param_itself(student, rng):
    param, grad = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    same = student.call(RETURNS_ITSELF, Ref("gradient_descent_step"), param, grad)
    expect(same is True, "gradient_descent_step should return param itself (the array it updated "
                         f"in place), not a new array: {REBINDING}")


@pytest.mark.parametrize("lr", [0.01, 1.5], ids=["lr=0.01", "lr=1.5"])
def test_honours_learning_rate(student, rng, lr):
    param, grad = rng.normal(size=4), rng.normal(size=4)
    check_step(student.call("gradient_descent_step", param, grad, lr), param, grad, lr,
               f"gradient_descent_step(param, grad, lr={lr})")


@pytest.mark.side
def test_keeps_grad(student, rng):
    param, grad = rng.normal(size=3), rng.normal(size=3)
    reply = student.invoke("gradient_descent_step", (param, grad, 0.1), return_args=True)
    expect_unchanged(grad, reply.args[1], "gradient_descent_step (the gradient)")
