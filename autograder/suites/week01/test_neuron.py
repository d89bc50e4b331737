"""Hidden checks for week01 `neuron` (cell test_neuron, 2 points).

The activation is passed in as one of numpy's own functions (``np.tanh``,
``np.abs``, ``np.positive`` as the identity), so a mistake in the student's
own sigmoid never costs points here, and no grader code enters the
student's process: these checks share its session. The default is
compared against the student's own ``sigmoid``.
"""

import numpy as np
import pytest

from autograder.checks import expect, expect_close, expect_unchanged, expect_vectorised, uniform
from autograder.sandbox.errors import StudentCodeProblem
from autograder.sandbox.protocol import NumpyFunction
from autograder.texts import domain
from solutions import week01 as ref

_ = domain("week01")
pytestmark = pytest.mark.cell("test_neuron")

TANH = NumpyFunction("tanh")
ABS = NumpyFunction("abs")
IDENTITY = NumpyFunction("positive")  # +z
Z_HINT = _("z = x·w + b: the weighted sum of the inputs plus the bias b")


def unpack(result, what):
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           _("should return the pair (z, a), got {type}", type=type(result).__name__), "return_type", what)
    return result


def test_single_sample(student, rng):
    x, w, b = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
    z, a = unpack(student.call("neuron", x, w, b, activation=TANH), "neuron(x, w, b)")
    expected_z = x @ w + b
    expect_close(z, expected_z, _("z of one sample x (n,)"), Z_HINT)
    expect_close(a, np.tanh(expected_z), _("a of one sample"),
                 _("a = activation(z): apply the activation to z"))


def test_batch(student, rng):
    x, w, b = rng.normal(size=(5, 3)), rng.normal(size=3), float(rng.normal())
    z, a = unpack(student.call("neuron", x, w, b, activation=IDENTITY), "neuron(X, w, b)")
    expect_close(z, x @ w + b, _("z of a batch X (m, n)"), _("one z per row (sample) of X, shape (m,): X · w + b"))
    expect_close(a, x @ w + b, _("a of a batch with the identity activation"),
                 _("a must be the given activation applied to z"))


@pytest.mark.parametrize("m", [1, 2, 7])
def test_any_number_of_samples(student, rng, m):
    x, w, b = rng.normal(size=(m, 4)), rng.normal(size=4), float(rng.normal())
    z, _a = unpack(student.call("neuron", x, w, b, activation=IDENTITY), "neuron(X, w, b)")
    expect_close(z, x @ w + b, _("z of a batch X of shape {shape}", shape=(m, 4)),
                 _("m, the number of samples, can be any number: one z per row of X"))


def test_uses_the_given_activation(student, rng):
    x, w, b = rng.normal(size=(4, 2)), rng.normal(size=2), -0.5
    z, a = unpack(student.call("neuron", x, w, b, activation=ABS), "neuron(X, w, b, activation=np.abs)")
    expect_close(a, np.abs(x @ w + b), "a (activation=np.abs)",
                 _("call the `activation` argument, not sigmoid directly"))


@pytest.mark.side
def test_default_activation_is_sigmoid(student, rng):
    x, w, b = rng.normal(size=(4, 2)), rng.normal(size=2), 0.3
    # compared with the student's own sigmoid, so its mistakes are not counted twice; a sigmoid
    # that raises, hangs or crashes is sigmoid's own checks' business, and neuron is not called with it
    try:
        own = student.call("sigmoid", x @ w + b)
    except StudentCodeProblem:
        return
    z, a = unpack(student.call("neuron", x, w, b), "neuron(X, w, b)")
    expect_close(a, own, _("a with the default activation"), _("the default activation should be your sigmoid"))


@pytest.mark.side
def test_keeps_inputs(student, rng):
    x, w = rng.normal(size=(3, 2)), rng.normal(size=2)
    reply = student.invoke("neuron", (x, w, 1.0), {"activation": TANH}, return_args=True)
    expect_unchanged(x, reply.args[0], "neuron(x, w, b)")
    expect_unchanged(w, reply.args[1], "neuron(x, w, b)")


@pytest.mark.side
def test_vectorised(student, rng):
    w = rng.normal(size=2)
    expect_vectorised(student, "neuron", [uniform("n", 2, low=-2.0, high=2.0), w, 0.1, IDENTITY], ref.neuron, rng=rng)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8", "float32"])
def test_other_dtypes(student, dtype):
    x, w = np.array([[1, 0], [0, 1], [1, 1], [2, 3]]).astype(dtype), np.array([2, 1]).astype(dtype)
    what = _("z for X and w of dtype {dtype}", dtype=dtype)
    z, _a = unpack(student.call("neuron", x, w, 1, activation=IDENTITY), "neuron(X, w, b)")
    expect_close(z, np.array([3.0, 2.0, 4.0, 8.0]), what, Z_HINT)


