"""Hidden checks for week06 `backward` (cell test_backward, 4 points).

backward gets a cache computed by the grader with the reference
feed_forward, so only backward itself is graded here.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_float64, expect_unchanged, expect_vectorised, integers, uniform
from autograder.checks.expect import with_hint
from autograder.checks.gradients import (backpropagate, expect_gradient_dict, expect_gradient_shapes,
                                         expect_gradient_values, hidden_mistakes)
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr
from autograder.texts import domain
from solutions import week06 as ref

_ = domain("week06")
pytestmark = pytest.mark.cell("test_backward")

NETWORKS = {"2-layer": (3, 2), "3-layer": (2, 4, 1), "4-layer": (3, 5, 4, 2)}
DEEP = (3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 2)  # 12 layers: W2 ... W12 (as strings, "W10" sorts before "W2")
# params of the 4-layer network (3, 5, 4, 2) in other orders than W2, b2, W3, ...
ORDERS = {"reversed": ["b4", "W4", "b3", "W3", "b2", "W2"], "mixed": ["b3", "W4", "W2", "b4", "b2", "W3"]}
DTYPES = ["int8", "uint8", "int32", "int64", "float32"]
HINT = _("dZ_L = A_L − T; dW_l = A_(l-1).T · dZ_l; db_l = dZ_l summed over the samples; "
         "dZ_(l-1) = (dZ_l · W_l.T) ⊙ A_(l-1) ⊙ (1 − A_(l-1))")
TARGETS_M = _("T of shape (m,) against A_L of shape (m, 1): A_L − T broadcasts to an (m, m) matrix unless T is "
              "first reshaped to A_L's shape")
MISTAKES = {
    "mean": _("the loss is the SUM over the samples: these are the gradients divided by m (those of the mean)"),
    **hidden_mistakes(),
}


def variant(params, cache, T, kind):
    """A known-wrong backward (grader-side), to name the mistake an answer matches."""
    L = len(params) // 2 + 1
    dZ = cache[f"A{L}"] - np.asarray(T, dtype=np.float64).reshape(cache[f"A{L}"].shape)
    if kind == "mean":
        dZ = dZ / len(T)
    return backpropagate(params, cache, dZ, hidden=kind)


def gradients(student, X, T, params, what):
    """(the student's grads, the reference grads, the cache) for one network."""
    cache = ref.feed_forward(X, params)
    try:
        grads = student.call("backward", X, T, params, cache)
    except RaisedError as exc:
        if exc.exc_type == "ValueError" and np.ndim(T) == 1 and works(student, X, T.reshape(-1, 1), params, cache):
            # the same call with T shaped (m, 1) runs: the shape of T is the cause
            raise Mistake(with_hint(exc.text, TARGETS_M), "targets_broadcast", what) from None
        if exc.exc_type in ("KeyError", "ValueError", "IndexError"):
            raise Mistake(with_hint(exc.text, _(
                "backward has to find the layers from the keys of params, whatever their number and order, "
                "and at every layer the shapes of dZ, W.T and A_prev have to fit")), None, what) from None
        raise
    expect_gradient_dict(grads, params, "backward", what)
    return grads, ref.backward(X, T, params, cache), cache


def works(student, X, T, params, cache):
    """Does the student's backward run (without raising) on these arguments?"""
    try:
        student.call("backward", X, T, params, cache)
    except RaisedError:
        return False
    return True


def check_shapes(grads, params, T, what):
    """Each gradient has its parameter's shape; T of shape (m,) broadcast against A_L is named first."""
    L = len(params) // 2 + 1
    m = len(T)
    # what A_L - T of shape (m, m) makes of the output layer's gradients
    broadcast = {f"W{L}": (params[f"W{L}"].shape[0], m), f"b{L}": (m,)}

    def targets_broadcast(key, shape, where):
        if np.ndim(T) == 1 and m != params[key].shape[-1] and shape == broadcast.get(key):
            raise Mistake(_("the output layer's gradients do not have the shapes of its parameters — {hint}",
                            hint=TARGETS_M), "targets_broadcast", where)
    expect_gradient_shapes(grads, params, m, what, HINT, explain=targets_broadcast)


def check(student, network, X, T, params):
    what = network.describe(params, len(X))
    grads, expected, cache = gradients(student, X, T, params, what)
    check_shapes(grads, params, T, what)
    variants = {(kind, MISTAKES[kind]): variant(params, cache, T, kind) for kind in MISTAKES}
    expect_gradient_values(grads, expected, params, what, HINT, variants)
    return grads


@pytest.mark.parametrize("sizes", NETWORKS.values(), ids=NETWORKS.keys())
def test_gradients(student, network, sizes):
    X, T, params = network(sizes, 5)
    check(student, network, X, T, params)


def test_deep_network(student, network):
    # 11 layers of parameters: the depth has to come from the keys, counted as numbers
    X, T, params = network(DEEP, 4)
    check(student, network, X, T, params)


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_any_key_order(student, network, order):
    X, T, params = network((3, 5, 4, 2), 5)
    check(student, network, X, T, {key: params[key] for key in order})


def test_square_layers(student, network):
    # square weight matrices: a transposed dW has the right shape, only its values tell
    X, T, params = network((3, 3, 3, 1), 4)
    check(student, network, X, T, params)


@pytest.mark.parametrize("sizes, m", [((3, 1), 6), ((2, 3, 1), 6), ((2, 3, 1), 1)],
                         ids=["2-layer", "3-layer", "one sample"])
def test_targets_shaped_m(student, network, sizes, m):
    X, T, params = network(sizes, m)
    check(student, network, X, T[:, 0], params)  # T (m,) against A_L (m, 1)


@pytest.mark.parametrize("m", [1, 2, 7], ids=["m=1", "m=2", "m=7"])
def test_any_batch_size(student, network, m):
    X, T, params = network((3, 4, 2), m)
    check(student, network, X, T, params)


@pytest.mark.parametrize("dtype", DTYPES)
def test_integer_and_float32_data(student, network, rng, dtype):
    # X and T of another dtype (the targets 0/1 as integers); the gradients are float64 all the same
    _X, _T, params = network((3, 4, 1), 5)
    low = 0 if dtype == "uint8" else -3
    X = rng.integers(low, 4, size=(5, 3)).astype(dtype)
    T = rng.integers(0, 2, size=(5, 1)).astype(dtype)
    grads = check(student, network, X, T, params)
    for key in params:
        expect_float64(grads[key], _("grads['{key}'] for X and T of dtype {dtype}", key=key, dtype=dtype))


@pytest.mark.side
@pytest.mark.parametrize("sizes, flat", [((2, 3, 2), False), ((2, 3, 1), True)], ids=["T (m, 2)", "T (m,)"])
def test_keeps_inputs(student, network, sizes, flat):
    X, T, params = network(sizes, 4)
    T = T[:, 0] if flat else T
    cache = ref.feed_forward(X, params)
    reply = student.invoke("backward", (X, T, params, cache), return_args=True)
    X_after, T_after, params_after, cache_after = reply.args
    expect_unchanged(X, X_after, _("backward (its argument X)"))
    expect_unchanged(T, T_after, _("backward (its argument T of shape {shape})", shape=T.shape))
    for key in params:
        expect(key in params_after, _("backward removed params['{key}']; leave params as it is", key=key),
               "changes_input", "backward")
        expect_unchanged(params[key], params_after[key], _("backward (params['{key}'])", key=key))
    L = len(params) // 2 + 1
    for key in cache:
        expect(key in cache_after, _("backward removed cache['{key}']; leave the cache as it is", key=key),
               "changes_input", "backward")
        subtracted = cache[key] - T.reshape(cache[key].shape) if key == f"A{L}" else None
        changed = np.shape(cache_after[key]) != np.shape(cache[key]) or not np.array_equal(cache_after[key], cache[key])
        # named only when it did change: where T is all 0, A_L − T is A_L itself
        if changed and subtracted is not None and np.shape(cache_after[key]) == subtracted.shape and np.allclose(
                cache_after[key], subtracted):
            raise Mistake(_("backward changed cache['{key}'] into A_L − T: compute dZ in a new array "
                            "(dZ = A_L - T, not an in-place -= on the cache's array)", key=key),
                          "changes_cache", "backward")
        expect_unchanged(cache[key], cache_after[key], _("backward (cache['{key}'])", key=key))


# the cache of X, made in the student's process by the lecture's feed_forward (lecture_lib's)
WITH_CACHE = Expr('''
from lecture_lib import feed_forward

def with_cache(fn, X, T, params):
    return fn(X, T, params, feed_forward(X, params))

with_cache
''')


@pytest.mark.isolated
@pytest.mark.side
def test_vectorised(student, network, rng):
    _X, _T, params = network((3, 4, 1), 2)
    expect_vectorised(student, "backward", [uniform("n", 3, low=-2.0, high=2.0), integers("n", 1), params],
                      lambda X, T, params: ref.backward(X, T, params, ref.feed_forward(X, params)),
                      rng=rng, via=WITH_CACHE, what=_("backward for m samples"))
