"""Hidden checks for week04 `layer_forward` (cell test_layer_forward, 3 points).

The activation is a grader-written expression wherever Z and A are both
checked, and the default is compared with the reference sigmoid (the
notebook imports that very function from lecture_lib).
"""

import numpy as np
import pytest

from autograder.checks import (Mistake, diagnose, expect, expect_close, expect_float64,
                               expect_unchanged, expect_vectorised, uniform)
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr
from solutions import week04 as ref

pytestmark = pytest.mark.cell("test_layer_forward")

TANH = Expr("lambda z: np.tanh(z)")
IDENTITY = Expr("lambda z: z * 1.0")
SHAPE_HINT = ("Z = A_prev·W + b with A_prev (m, n_prev), W (n_prev, n_next) and b (n_next,) added to "
              "every row: is W transposed, or b reshaped into a column?")
COLUMN = ("b is added as a row of shape (n_next,), one bias per next-layer node: "
          "did you reshape b into a column (n_next, 1)?")
# (m, n_prev, n_next)
BATCHES = {"5x3->2": (5, 3, 2), "4x2->4": (4, 2, 4), "3x3->3": (3, 3, 3)}


def layer(student, A_prev, W, b, **kwargs):
    """(Z, A) from the student; a shape error names the likely mistake."""
    try:
        out = student.call("layer_forward", A_prev, W, b, **kwargs)
    except RaisedError as exc:
        if exc.exc_type == "ValueError":
            raise Mistake(f"{exc} — {SHAPE_HINT}") from None
        raise
    expect(isinstance(out, (tuple, list)) and len(out) == 2,
           f"layer_forward should return the pair (Z, A), got {type(out).__name__}")
    return out


def check_Z(Z, A_prev, W, b, what):
    m, n_next = len(A_prev), W.shape[1]
    if isinstance(Z, np.ndarray) and Z.shape == (n_next, n_next) != (m, n_next):
        raise Mistake(f"{what} has shape {Z.shape}, expected {(m, n_next)} — {COLUMN}")
    mistakes = {"did you forget to add b?": A_prev @ W}
    if m == n_next:
        mistakes[COLUMN] = A_prev @ W + b.reshape(-1, 1)
    if W.shape[0] == W.shape[1]:
        mistakes["W is (n_prev, n_next) and used as it is: Z = A_prev·W, not A_prev·W.T"] = A_prev @ W.T + b
    return diagnose(Z, A_prev @ W + b, what, SHAPE_HINT, mistakes)


@pytest.mark.isolated
@pytest.mark.parametrize("dims", BATCHES.values(), ids=BATCHES.keys())
def test_batch(student, rng, dims):
    m, n_prev, n_next = dims
    A_prev, W, b = rng.normal(size=(m, n_prev)), rng.normal(size=(n_prev, n_next)), rng.normal(size=n_next)
    Z, A = layer(student, A_prev, W, b, activation=TANH)
    Z = check_Z(Z, A_prev, W, b, f"Z for A_prev {A_prev.shape}, W {W.shape}")
    expect_close(A, np.tanh(A_prev @ W + b), "A with activation=tanh",
                 "A = activation(Z): call the activation you are given")


@pytest.mark.isolated
def test_one_sample_row(student, rng):
    A_prev, W, b = rng.normal(size=(1, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    Z, _ = layer(student, A_prev, W, b, activation=IDENTITY)
    check_Z(Z, A_prev, W, b, "Z for a batch of one sample, A_prev (1, 3)")


@pytest.mark.isolated
def test_single_1d_sample(student, rng):
    A_prev, W, b = rng.normal(size=3), rng.normal(size=(3, 2)), rng.normal(size=2)
    Z, A = layer(student, A_prev, W, b, activation=TANH)
    diagnose(Z, A_prev @ W + b, "Z for one 1-D sample A_prev (3,)",
             "one sample (n_prev,) gives Z of shape (n_next,): the same A_prev·W + b, no reshaping",
             {"did you forget to add b?": A_prev @ W})
    expect_close(A, np.tanh(A_prev @ W + b), "A for one 1-D sample", "A = activation(Z)")


@pytest.mark.isolated
def test_uses_the_given_activation(student, rng):
    A_prev, W, b = rng.normal(size=(4, 2)), rng.normal(size=(2, 3)), rng.normal(size=3)
    _, A = layer(student, A_prev, W, b, activation=Expr("lambda z: np.maximum(z, 0.0)"))
    expect_close(A, np.maximum(A_prev @ W + b, 0.0), "A with activation=relu",
                 "call the `activation` argument, not sigmoid directly")


def test_default_activation_is_sigmoid(student, rng):
    A_prev, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    Z, A = layer(student, A_prev, W, b)
    expect_close(A, ref.sigmoid(A_prev @ W + b), "A with the default activation",
                 "the default activation is sigmoid: A = sigmoid(Z)")


@pytest.mark.isolated
def test_integer_inputs_give_float64(student):
    A_prev = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    W, b = np.array([[-20, 20], [-20, 20]]), np.array([30, -10])
    Z, A = layer(student, A_prev, W, b, activation=IDENTITY)
    expect_float64(Z, "Z for integer A_prev, W and b")
    expect_close(Z, ref.layer_forward(A_prev, W, b)[0], "Z for integer A_prev, W and b", SHAPE_HINT)


@pytest.mark.isolated
@pytest.mark.side
def test_keeps_inputs(student, rng):
    A_prev, W, b = rng.normal(size=(3, 2)), rng.normal(size=(2, 2)), rng.normal(size=2)
    reply = student.invoke("layer_forward", (A_prev, W, b), {"activation": TANH}, return_args=True)
    for before, after, name in zip((A_prev, W, b), reply.args, ("A_prev", "W", "b")):
        expect_unchanged(before, after, f"layer_forward (its argument {name})")


@pytest.mark.isolated
@pytest.mark.side
def test_vectorised(student, rng):
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    expect_vectorised(student, "layer_forward", [uniform("n", 3, low=-2.0, high=2.0), W, b, IDENTITY], ref.layer_forward, rng=rng,
                      what="layer_forward for m samples")
