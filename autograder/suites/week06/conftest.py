"""Fixtures shared by week06's hidden suites.

Fairness: ``gradient_check`` may use the student's ``rel_error`` and
``train_step_backprop`` their ``backward``; while those run, correct
grader-written stand-ins replace the other exercises in the notebook's
namespace, so one mistake is counted once. The grader's own loss (the
summed cross-entropy of a sigmoid network) is the same source run on both
sides, so expected values match bit for bit.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect_close
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr, Ref

# Runs in the student process (only numpy there) and, for expected values, in the grader.
HELPERS = '''
def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))

def rel_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))

def backward(X, T, params, cache):  # the grader's stand-in
    L = 1
    while f"W{L + 1}" in params:
        L += 1
    A = cache[f"A{L}"]
    dZ = A - np.asarray(T, dtype=np.float64).reshape(A.shape)
    grads = {}
    for l in range(L, 1, -1):
        A_prev = cache[f"A{l - 1}"]
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        dZ = (dZ @ params[f"W{l}"].T) * A_prev * (1.0 - A_prev)
    return grads

STAND_INS = {"rel_error": rel_error, "backward": backward}

def run(fn, *args, **kwargs):
    names = getattr(fn, "__globals__", {})
    saved = {k: names[k] for k in STAND_INS if k in names}
    names.update(STAND_INS)
    try:
        return fn(*args, **kwargs)
    finally:
        for k in STAND_INS:
            if k in saved:
                names[k] = saved[k]
            else:
                names.pop(k, None)

def network_loss(params, X, T):
    A, l = X, 2
    while f"W{l}" in params:
        A = _sigmoid(A @ params[f"W{l}"] + params[f"b{l}"])
        l += 1
    T = T.reshape(A.shape)
    return float(-np.sum(T * np.log(A + 1e-7) + (1 - T) * np.log(1 - A + 1e-7)))

def check_gradients(fn, params, grads, X, T, **kwargs):
    loss_fn = lambda: network_loss(params, X, T)
    return run(fn, loss_fn, params, grads, **kwargs), params, grads

def train_step(fn, X, T, params, lr):
    originals = dict(params)
    loss = run(fn, X, T, params, lr)
    return loss, params, originals, X, T
'''
GRADER_SIDE = {"np": np}
exec(HELPERS, GRADER_SIDE)


def _helper(name):
    return Expr(f'(lambda ns: (exec({HELPERS!r}, ns), ns[{name!r}])[1])({{"np": np}})')


RUN, CHECK_GRADIENTS, TRAIN_STEP = _helper("run"), _helper("check_gradients"), _helper("train_step")
NO_ARGUMENT = ("loss_fn takes no argument: it reads params, whose arrays the numerical derivative "
               "perturbs in place (f = lambda _: loss_fn())")


@pytest.fixture
def network(rng):
    """``network(sizes, m)`` → (X (m, n), T (m, n_L) of 0/1, params) with moderate weights."""
    def make(sizes, m):
        X = rng.normal(size=(m, sizes[0]))
        T = rng.integers(0, 2, size=(m, sizes[-1])).astype(np.float64)
        params = {}
        for layer, (n_prev, n_next) in enumerate(zip(sizes[:-1], sizes[1:]), start=2):
            params[f"W{layer}"] = rng.normal(0.0, 1.0, size=(n_prev, n_next))
            params[f"b{layer}"] = rng.normal(0.0, 0.5, size=n_next)
        return X, T, params
    return make


@pytest.fixture
def network_loss():
    """``network_loss(params, X, T)``: the grader's loss, the same code the student process runs."""
    return GRADER_SIDE["network_loss"]


@pytest.fixture
def independent(student):
    """``independent(name, *args, count_lines=False)`` → Reply, with correct stand-ins."""
    def call(name, *args, count_lines=False, **kwargs):
        student.require(name)
        return student.invoke(RUN, (Ref(name), *args), kwargs, count_lines=count_lines,
                              what=f"{name}(...)")
    return call


@pytest.fixture
def check_gradients(student):
    """``check_gradients(params, grads, X, T, **kw)`` → (value, params after, grads after).

    Calls the student's gradient_check with a loss_fn (no argument) that
    reads the very params dict it is given, in the student process.
    """
    def call(params, grads, X, T, **kwargs):
        student.require("gradient_check")
        try:
            return student.invoke(CHECK_GRADIENTS, (Ref("gradient_check"), params, grads, X, T), kwargs,
                                  what="gradient_check(...)").value
        except RaisedError as exc:
            if exc.exc_type == "TypeError" and "argument" in exc.exc_message:
                raise Mistake(f"{exc} — {NO_ARGUMENT}") from None
            raise
    return call


@pytest.fixture
def train_step(student):
    """``train_step(X, T, params, lr)`` → (loss, params after, the original arrays after, X, T)."""
    def call(X, T, params, lr):
        student.require("train_step_backprop")
        return student.invoke(TRAIN_STEP, (Ref("train_step_backprop"), X, T, params, lr),
                              what="train_step_backprop(...)").value
    return call


def _close(value, expected, rtol=RTOL, atol=ATOL):
    try:
        value, expected = np.asarray(value), np.asarray(expected)
    except ValueError:  # a ragged list
        return False
    if value.shape != expected.shape or value.dtype.kind not in "biuf":
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(value.astype(float), expected, rtol=rtol, atol=atol))


@pytest.fixture
def diagnose():
    """``diagnose(value, expected, what, hint, mistakes={message: wrong_value}, rtol=RTOL)``.

    Passes if ``value`` matches ``expected``; otherwise names the first
    known mistake it matches (one that differs from the right answer), else
    gives ``hint``.
    """
    def check(value, expected, what, hint, mistakes=None, rtol=RTOL):
        for message, wrong in (mistakes or {}).items():
            if not _close(expected, wrong, rtol) and _close(value, wrong, rtol):
                raise Mistake(f"{what} has wrong values — {message}")
        return expect_close(value, expected, what, hint, rtol=rtol)
    return check
