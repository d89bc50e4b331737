"""Fixtures shared by week07's hidden suites.

Fairness: ``forward_softmax`` may use the student's ``softmax``;
``train_minibatch`` their ``forward_softmax``, ``backward_softmax`` and
``softmax_cross_entropy``; ``accuracy`` their ``forward_softmax``. While
those run, correct grader-written stand-ins replace the other exercises in
the notebook's namespace, so one mistake is counted once. The stand-ins are
the same source run on both sides: expected values of a training run are
computed here with the very functions the student's code was given.
"""

import numpy as np
import pytest

from autograder.checks import Mistake
from autograder.checks.expect import with_hint
from autograder.checks.stand_ins import StandIns
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain

_ = domain("week07")

# Runs in the student process (only numpy there) and, for expected values, in the grader. Each check
# sends only the pieces it needs: the source is compiled on every call.
PIECES = {
    "helpers": '''
def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

def _depth(params):
    L = 1
    while f"W{L + 1}" in params:
        L += 1
    return L
''',
    "softmax": '''
def softmax(Z):  # the grader's stand-in
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)
''',
    "softmax_cross_entropy": '''
def softmax_cross_entropy(Y, T, delta=1e-7):  # the grader's stand-in
    Y, T = np.asarray(Y, dtype=np.float64), np.asarray(T, dtype=np.float64)
    if Y.shape != T.shape:
        raise ValueError(f"Y and T must have one shape, not {Y.shape} and {T.shape}")
    m = Y.shape[0] if Y.ndim == 2 else 1
    return float(-np.sum(T * np.log(Y + delta)) / m)
''',
    "forward_softmax": '''
def forward_softmax(X, params):  # the grader's stand-in
    L = _depth(params)
    A = np.asarray(X, dtype=np.float64)
    cache = {"A1": A}
    for l in range(2, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = softmax(Z) if l == L else _sigmoid(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return cache
''',
    "backward_softmax": '''
def backward_softmax(X, T, params, cache):  # the grader's stand-in
    L = _depth(params)
    A = cache[f"A{L}"]
    dZ = (A - np.asarray(T, dtype=np.float64)) / A.shape[0]
    grads = {}
    for l in range(L, 1, -1):
        A_prev = cache[f"A{l - 1}"]
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        if l > 2:
            dZ = (dZ @ params[f"W{l}"].T) * A_prev * (1.0 - A_prev)
    return {key: grads[key] for key in params}
''',
    "train": '''
def train(fn, X, T, params, lr, epochs, batch_size, **kwargs):
    originals = dict(params)
    losses = run(fn, X, T, params, lr, epochs, batch_size, **kwargs)
    return losses, params, originals, X, T
''',
    "with_cache": '''
def with_cache(fn, X, T, params):
    return fn(X, T, params, forward_softmax(X, params))
''',
}


def made_of(names, extra=()):
    """The stand-ins for the exercises ``names``, with the helper functions ``extra``."""
    return StandIns("".join(PIECES[piece] for piece in ("helpers", *names, *extra)), list(names))


STAND_INS = {  # per exercise graded with stand-ins: those of the exercises it may call
    "forward_softmax": made_of(["softmax"]),
    "accuracy": made_of(["softmax", "forward_softmax"]),
    "train_minibatch": made_of(["softmax", "softmax_cross_entropy", "forward_softmax", "backward_softmax"],
                                 ["train"]),
    "backward_softmax": made_of([], ["softmax", "forward_softmax", "with_cache"]),  # a cache made there
}

ANY_DEPTH = _("it has to work for any number of layers, with the keys of params in any order: find the output "
              "layer L from the keys (count them, or look for W2, W3, ... by name), whatever their order")


@pytest.fixture
def stand_ins():
    """``{exercise: StandIns}``: the stand-ins each exercise is run with (their helpers, and their
    local twins for expected values)."""
    return STAND_INS


@pytest.fixture
def network(rng):
    """``network(sizes, m)`` → (X (m, n), labels t (m,), one-hot T (m, k), params) with N(0, 1/n_prev)
    weights and small biases; ``network.describe(params, m)``: that network as the student reads it."""
    def make(sizes, m):
        X = rng.normal(0.0, 1.0, size=(m, sizes[0]))
        t = rng.integers(0, sizes[-1], size=m)
        T = np.eye(sizes[-1])[t]
        params = {}
        for layer, (n_prev, n_next) in enumerate(zip(sizes[:-1], sizes[1:]), start=2):
            params[f"W{layer}"] = rng.normal(0.0, 1.5 / np.sqrt(n_prev), size=(n_prev, n_next))
            params[f"b{layer}"] = rng.normal(0.0, 0.5, size=n_next)
        return X, t, T, params
    make.describe = describe
    return make


def describe(params, m):
    """"the 3-5-4 network, m = 5" (with the order of params when it is not W2, b2, W3, b3, ...)."""
    L = len(params) // 2 + 1
    sizes = "-".join(str(n) for n in [params["W2"].shape[0]] + [params[f"W{l}"].shape[1] for l in range(2, L + 1)])
    if list(params) == [f"{p}{l}" for l in range(2, L + 1) for p in "Wb"]:
        return _("the {sizes} network, m = {m}", sizes=sizes, m=m)
    return _("the {sizes} network with params in the order {keys}, m = {m}", sizes=sizes, keys=", ".join(params),
             m=m)


def depth_errors(exc, what, deep):
    """A KeyError or shape error on a network of another depth or key order, named as such."""
    if deep and exc.exc_type in ("KeyError", "ValueError", "IndexError"):
        return Mistake(with_hint(exc.text, ANY_DEPTH), "any_depth", what)
    return None


@pytest.fixture
def with_stand_ins(student):
    """``with_stand_ins(name, *args, what=None, deep=False, explain=None, return_args=False)`` → Reply:
    the student's ``name`` run with the stand-ins in place; ``deep``: params of another depth or order
    than W2, b2, W3, b3, named on a KeyError or a shape error; ``explain(exc)``: a Mistake naming an
    error the check knows, or None."""
    def call(name, *args, what=None, deep=False, explain=None, return_args=False, **kwargs):
        try:
            return STAND_INS[name].invoke(student, name, *args, return_args=return_args, **kwargs)
        except RaisedError as exc:
            named = (explain and explain(exc)) or depth_errors(exc, what, deep)
            if named is not None:
                raise named from None
            raise
    return call
