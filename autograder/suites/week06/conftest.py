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

from autograder.checks import Mistake
from autograder.checks.expect import with_hint
from autograder.checks.stand_ins import StandIns
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain

_ = domain("week06")

# Runs in the student process (only numpy there) and, for expected values, in the grader.
STAND_INS = StandIns('''
def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))

def rel_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))

def backward(X, T, params, cache):  # the grader's stand-in: the keys in params' order, as the reference
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
    return {key: grads[key] for key in params}

def network_loss(params, X, T):
    A, l = np.asarray(X, dtype=np.float64), 2
    while f"W{l}" in params:
        A = _sigmoid(A @ params[f"W{l}"] + params[f"b{l}"])
        l += 1
    T = np.asarray(T, dtype=np.float64).reshape(A.shape)
    return float(-np.sum(T * np.log(A + 1e-7) + (1 - T) * np.log(1 - A + 1e-7)))

def check_gradients(fn, params, grads, X, T, **kwargs):
    originals = dict(params)
    loss_fn = lambda: network_loss(params, X, T)
    value = run(fn, loss_fn, params, grads, **kwargs)
    same = {key: key in params and params[key] is array for key, array in originals.items()}
    return value, params, grads, originals, same

def train_step(fn, X, T, params, lr):
    originals = dict(params)
    loss = run(fn, X, T, params, lr)
    return loss, params, originals, X, T
''', ["rel_error", "backward"])
NO_ARGUMENT = _("loss_fn takes no argument: it reads params, whose arrays the numerical derivative "
                "perturbs in place; hand numerical_derivative f = lambda _: loss_fn(), not loss_fn itself")

ANY_DEPTH = _("train_step_backprop has to work for any number of layers, with the keys of params in any order: "
              "take the output layer L from the number of keys (or from the cache), whatever their order")


@pytest.fixture
def network(rng):
    """``network(sizes, m)`` → (X (m, n), T (m, n_L) of 0/1, params) with moderate weights;
    ``network.describe(params, m)``: that network as the student reads it."""
    def make(sizes, m):
        X = rng.normal(size=(m, sizes[0]))
        T = rng.integers(0, 2, size=(m, sizes[-1])).astype(np.float64)
        params = {}
        for layer, (n_prev, n_next) in enumerate(zip(sizes[:-1], sizes[1:]), start=2):
            params[f"W{layer}"] = rng.normal(0.0, 1.0, size=(n_prev, n_next))
            params[f"b{layer}"] = rng.normal(0.0, 0.5, size=n_next)
        return X, T, params
    make.describe = _network_text
    return make


def _network_text(params, m):
    """"the 3-5-4-2 network, m = 5" (with the order of params when it is not W2, b2, W3, b3, ...)."""
    L = len(params) // 2 + 1
    sizes = "-".join(str(n) for n in [params["W2"].shape[0]] + [params[f"W{l}"].shape[1] for l in range(2, L + 1)])
    if list(params) == [f"{p}{l}" for l in range(2, L + 1) for p in "Wb"]:
        return _("the {sizes} network, m = {m}", sizes=sizes, m=m)
    return _("the {sizes} network with params in the order {keys}, m = {m}", sizes=sizes, keys=", ".join(params),
             m=m)


@pytest.fixture
def network_loss():
    """``network_loss(params, X, T)``: the grader's loss, the same code the student process runs."""
    return STAND_INS.local("network_loss")


@pytest.fixture
def check_gradients(student):
    """``check_gradients(params, grads, X, T, **kw)`` → (value, params after, grads after,
    the caller's original arrays after, {key: the dict still holds that very array}).

    Calls the student's gradient_check with a loss_fn (no argument) that
    reads the very params dict it is given, in the student process.
    """
    def call(params, grads, X, T, **kwargs):
        try:
            return STAND_INS.invoke(student, "gradient_check", params, grads, X, T,
                                    helper="check_gradients", **kwargs).value
        except RaisedError as exc:
            if exc.exc_type == "TypeError" and "positional argument" in exc.exc_message and "given" in exc.exc_message:
                raise Mistake(with_hint(exc.text, NO_ARGUMENT), "calls_loss_with_argument") from None
            raise
    return call


@pytest.fixture
def train_step(student):
    """``train_step(X, T, params, lr, what, deep=False)`` → (loss, params after, the original arrays
    after, X, T); ``deep``: params of another depth or order than the lecture's, named on an error."""
    def call(X, T, params, lr, what=None, deep=False):
        try:
            return STAND_INS.invoke(student, "train_step_backprop", X, T, params, lr, helper="train_step").value
        except RaisedError as exc:
            if deep and exc.exc_type in ("KeyError", "ValueError", "IndexError"):
                raise Mistake(with_hint(exc.text, ANY_DEPTH), None, what) from None
            raise
    return call
