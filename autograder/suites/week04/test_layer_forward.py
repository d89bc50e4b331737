"""Hidden checks for week04 `layer_forward` (cell test_layer_forward, 3 points).

The activation is one of numpy's own functions wherever Z and A are both
checked (``np.tanh``, ``np.abs``, ``np.positive`` as the identity: no grader
code enters the student's process, so these checks share its session), and
the default is compared with the reference sigmoid (the notebook imports
that very function from lecture_lib).
"""

import numpy as np
import pytest

from autograder.checks import (Mistake, call_strict, diagnose, expect, expect_close, expect_float64,
                               expect_unchanged, expect_vectorised, uniform)
from autograder.checks.expect import with_hint
from autograder.sandbox.protocol import NumpyFunction
from autograder.texts import domain
from solutions import week04 as ref

_ = domain("week04")
pytestmark = pytest.mark.cell("test_layer_forward")

TANH = NumpyFunction("tanh")
IDENTITY = NumpyFunction("positive")  # +z
ABS = NumpyFunction("abs")
SHAPE_HINT = _("Z = A_prev·W + b with A_prev (m, n_prev), W (n_prev, n_next) used as it is, and b (n_next,) "
               "added to every row")
NO_BIAS = ("forgets_bias", _("did you forget to add b?"))
COLUMN = ("bias_column", _("b is added as a row of shape (n_next,), one bias per next-layer node: "
                           "did you reshape b into a column (n_next, 1)?"))
TRANSPOSED = ("W_transposed", _("W is (n_prev, n_next) and used as it is: Z = A_prev·W, not A_prev·W.T"))
GIVEN = _("A = activation(Z): call the `activation` you are given")
ALWAYS_SIGMOID = ("ignores_activation", _("A is sigmoid(Z), but another activation was given: call the "
                                          "`activation` argument, not sigmoid directly"))
# (m, n_prev, n_next): any number of samples m, layers of any width (an output layer of one node too)
BATCHES = {"5x3->2": (5, 3, 2), "4x2->4": (4, 2, 4), "3x3->3": (3, 3, 3), "7x2->1": (7, 2, 1), "2x4->3": (2, 4, 3)}
INTEGER_DTYPES = ["int8", "uint8", "int32", "int64"]


def layer(student, A_prev, W, b, strict_what=None, **kwargs):
    """(Z, A) from the student (an error it raises is explained by the kit). With ``strict_what``,
    numpy's overflow and invalid operations raise (see call_strict)."""
    what = "layer_forward(A_prev, W, b)"
    if strict_what is not None:
        out = call_strict(student, "layer_forward", A_prev, W, b, what=strict_what,
                          mistake=_("the default activation is the provided sigmoid, which never overflows"),
                          **kwargs).value
    else:
        out = student.call("layer_forward", A_prev, W, b, **kwargs)
    expect(isinstance(out, (tuple, list)) and len(out) == 2,
           _("should return the pair (Z, A), got {type}", type=type(out).__name__), "return_type", what)
    return out


def check_shape(value, expected, A_prev, what):
    """The shape mistakes a wrong shape of Z or A shows (a bias column, a squeeze, a batch made of one sample)."""
    shape = np.shape(value) if isinstance(value, (np.ndarray, np.generic, int, float)) else None
    if shape is not None and shape != expected.shape:
        n_next = expected.shape[-1]
        if A_prev.ndim == 2 and shape == (n_next, n_next):
            raise Mistake(with_hint(_("has shape {got}, expected {want}", got=shape, want=expected.shape),
                                    COLUMN[1]), COLUMN[0], what)
        if shape == np.squeeze(expected).shape:
            raise Mistake(_("has shape {got}, expected {want}: keep the axes of length 1 (a batch of m = 1 "
                            "sample, a layer of one node); np.squeeze or ravel drops them",
                            got=shape, want=expected.shape), "squeezes", what)
        if A_prev.ndim == 1 and shape == (1, n_next):
            raise Mistake(_("has shape {got}: one 1-D sample A_prev (n_prev,) gives Z and A of shape (n_next,), "
                            "not a batch (1, n_next)", got=shape), "one_sample_2d", what)


def check_A(A, activation, A_prev, W, b, what, hint=GIVEN):
    """A = activation(Z) for ``activation``, the numpy function the student's code was given; sigmoid(Z)
    in its place is named."""
    Z = A_prev @ W + b
    expected = activation(Z)
    check_shape(A, expected, A_prev, what)
    return diagnose(A, expected, what, hint, {ALWAYS_SIGMOID: ref.sigmoid(Z)})


def check_Z(Z, A_prev, W, b, what, hint=SHAPE_HINT, more=None, rtol=1e-6):
    """Z = A_prev·W + b, the known mistakes (and ``more``) named."""
    A_prev, W, b = (np.asarray(v, dtype=float) for v in (A_prev, W, b))
    expected = A_prev @ W + b
    check_shape(Z, expected, A_prev, what)
    mistakes = {NO_BIAS: A_prev @ W, **(more or {})}
    if A_prev.ndim == 2 and len(A_prev) == W.shape[1]:
        mistakes[COLUMN] = A_prev @ W + b.reshape(-1, 1)
    if W.shape[0] == W.shape[1]:
        mistakes[TRANSPOSED] = A_prev @ W.T + b
    return diagnose(Z, expected, what, hint, mistakes, rtol=rtol)


@pytest.mark.parametrize("dims", BATCHES.values(), ids=BATCHES.keys())
def test_batch(student, rng, dims):
    m, n_prev, n_next = dims
    A_prev, W, b = rng.normal(size=(m, n_prev)), rng.normal(size=(n_prev, n_next)), rng.normal(size=n_next)
    Z, A = layer(student, A_prev, W, b, activation=TANH)
    check_Z(Z, A_prev, W, b, _("Z for A_prev {A}, W {W}", A=A_prev.shape, W=W.shape))
    check_A(A, np.tanh, A_prev, W, b, _("A with activation=tanh"))


def test_one_sample_row(student, rng):
    A_prev, W, b = rng.normal(size=(1, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    Z, _A = layer(student, A_prev, W, b, activation=IDENTITY)
    check_Z(Z, A_prev, W, b, _("Z for a batch of one sample, A_prev (1, 3)"))


@pytest.mark.parametrize("dims", [(3, 2), (4, 1)], ids=["3->2", "4->1"])
def test_single_1d_sample(student, rng, dims):
    n_prev, n_next = dims
    A_prev, W, b = rng.normal(size=n_prev), rng.normal(size=(n_prev, n_next)), rng.normal(size=n_next)
    Z, A = layer(student, A_prev, W, b, activation=TANH)
    check_Z(Z, A_prev, W, b, _("Z for one 1-D sample A_prev {shape}", shape=A_prev.shape),
            _("one sample (n_prev,) gives Z of shape (n_next,): the same A_prev·W + b, no reshaping"))
    check_A(A, np.tanh, A_prev, W, b, _("A for one 1-D sample"))


def test_uses_the_given_activation(student, rng):
    A_prev, W, b = rng.normal(size=(4, 2)), rng.normal(size=(2, 3)), rng.normal(size=3)
    Z, A = layer(student, A_prev, W, b, activation=ABS)
    check_Z(Z, A_prev, W, b, _("Z for A_prev {A}, W {W}", A=A_prev.shape, W=W.shape))
    check_A(A, np.abs, A_prev, W, b, "A (activation=np.abs)")


def test_default_activation_is_sigmoid(student, rng):
    A_prev, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    Z, A = layer(student, A_prev, W, b)
    check_Z(Z, A_prev, W, b, _("Z for A_prev {A}, W {W}", A=A_prev.shape, W=W.shape))
    expect_close(A, ref.sigmoid(A_prev @ W + b), _("A with the default activation"),
                 _("the default activation is sigmoid: A = sigmoid(Z)"))


def test_default_activation_never_overflows(student):
    # Z = ±1000 and 0: the provided sigmoid neither overflows nor warns there
    A_prev, W, b = np.eye(2), np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]), np.zeros(3)
    what = _("A with the default activation at Z = ±1000")
    _Z, A = layer(student, A_prev, W, b, strict_what=what)
    expect_close(A, ref.sigmoid(A_prev @ W + b), what,
                 _("this far from 0, sigmoid is 0 or 1 to float64 precision (and never nan)"))


def wrapped(A_prev, W, b):
    """Z computed in the inputs' own integer dtype: wraps around where it does not fit."""
    with np.errstate(all="ignore"):
        return (A_prev @ W + b).astype(float)


@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
def test_integer_inputs_give_float64(student, rng, dtype):
    # sums up to about 1000: more than an int8 or uint8 holds
    low = 0 if dtype == "uint8" else -20
    A_prev = rng.integers(0, 10, size=(4, 3)).astype(dtype)
    W, b = rng.integers(low, 41, size=(3, 2)).astype(dtype), rng.integers(0, 50, size=2).astype(dtype)
    what = _("Z for A_prev, W and b of dtype {dtype}", dtype=dtype)
    Z, _A = layer(student, A_prev, W, b, activation=IDENTITY)
    expect_float64(Z, what)
    check_Z(Z, A_prev, W, b, what,
            more={("integer_overflow", _("the sums were computed in {dtype}, which wraps around beyond its range; "
                                         "convert A_prev, W and b to float64 before multiplying", dtype=dtype)):
                  wrapped(A_prev, W, b)})


def test_lecture_integer_layer(student):
    # the lecture's NAND/OR hidden layer on the XOR truth table, everything an int
    A_prev = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    W, b = np.array([[-20, 20], [-20, 20]]), np.array([30, -10])
    Z, _A = layer(student, A_prev, W, b, activation=IDENTITY)
    what = _("Z for integer A_prev, W and b")
    expect_float64(Z, what)
    check_Z(Z, A_prev, W, b, what)


def test_float32_inputs_give_float64(student, rng):
    A_prev, W, b = (rng.normal(size=shape).astype(np.float32) for shape in ((4, 3), (3, 2), (2,)))
    what = _("Z for A_prev, W and b of dtype {dtype}", dtype="float32")
    Z, _A = layer(student, A_prev, W, b, activation=IDENTITY)
    expect_float64(Z, what)
    check_Z(Z, A_prev, W, b, what, rtol=1e-5)


@pytest.mark.side
@pytest.mark.parametrize("shape", [(3, 2), (2,)], ids=["batch", "one sample"])
def test_keeps_inputs(student, rng, shape):
    A_prev, W, b = rng.normal(size=shape), rng.normal(size=(2, 2)), rng.normal(size=2)
    reply = student.invoke("layer_forward", (A_prev, W, b), {"activation": TANH}, return_args=True)
    for before, after, name in zip((A_prev, W, b), reply.args, ("A_prev", "W", "b")):
        expect_unchanged(before, after, _("layer_forward (its argument {name})", name=name))


@pytest.mark.side
def test_vectorised(student, rng):
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    expect_vectorised(student, "layer_forward", [uniform("n", 3, low=-2.0, high=2.0), W, b, IDENTITY],
                      ref.layer_forward, rng=rng, what=_("layer_forward for m samples"))
