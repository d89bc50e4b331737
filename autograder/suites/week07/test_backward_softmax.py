"""Hidden checks for week07 `backward_softmax` (cell test_backward_softmax, 2 points).

backward_softmax gets a cache computed by the grader with the reference
forward_softmax, so only backward_softmax itself is graded here.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, expect_float64, expect_unchanged, expect_vectorised, uniform
from autograder.checks.expect import with_hint
from autograder.checks.gradients import (backpropagate, expect_gradient_dict, expect_gradient_shapes,
                                         expect_gradient_values, hidden_mistakes)
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain
from solutions import week07 as ref

_ = domain("week07")
pytestmark = pytest.mark.cell("test_backward_softmax")

NETWORKS = {"2-layer": (4, 3), "3-layer": (3, 5, 4), "4-layer": (3, 5, 4, 3)}
DEEP = (3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 2)  # 12 layers: W2 ... W12
ORDERS = {"reversed": ["b4", "W4", "b3", "W3", "b2", "W2"], "mixed": ["b3", "W4", "W2", "b4", "b2", "W3"]}
DTYPES = ["int8", "uint8", "int32", "int64", "float32"]
HINT = _("dZ_L = (A_L − T) / m; dW_l = A_(l-1).T · dZ_l; db_l = dZ_l summed over the samples; "
         "dZ_(l-1) = (dZ_l · W_l.T) ⊙ A_(l-1) ⊙ (1 − A_(l-1))")
MISTAKES = {
    "sum_not_mean": _("these are the gradients of the SUM over the samples (week06's): this week's loss is the "
                      "MEAN, so dZ_L = (A_L − T) / m"),
    "divides_every_layer": _("the 1/m of the mean belongs to dZ_L only, once: dividing again at every layer "
                             "makes the earlier layers' gradients m, m², ... times too small"),
    "softmax_derivative": _("softmax and the cross-entropy together give dZ_L = (A_L − T) / m directly: do not "
                            "multiply the output layer by A_L(1 − A_L) (that factor belongs to the sigmoid hidden "
                            "layers)"),
    **hidden_mistakes(),
}


def variant(params, cache, T, kind):
    """A known-wrong backward_softmax (grader-side), to name the mistake an answer matches."""
    L = len(params) // 2 + 1
    A_L = cache[f"A{L}"]
    m = A_L.shape[0]
    dZ = A_L - np.asarray(T, dtype=np.float64)
    if kind == "softmax_derivative":
        dZ = dZ * A_L * (1 - A_L)
    if kind != "sum_not_mean":
        dZ = dZ / m
    return backpropagate(params, cache, dZ, hidden=kind, scale=1 / m if kind == "divides_every_layer" else 1.0)


def gradients(student, X, T, params, what):
    """(the student's grads, the reference grads, the cache) for one network."""
    cache = ref.forward_softmax(X, params)
    try:
        grads = student.call("backward_softmax", X, T, params, cache)
    except RaisedError as exc:
        if exc.exc_type in ("KeyError", "ValueError", "IndexError"):
            raise Mistake(with_hint(exc.text, _(
                "backward_softmax has to find the layers from the keys of params, whatever their number and "
                "order, and at every layer the shapes of dZ, W.T and A_prev have to fit")), None, what) from None
        raise
    expect_gradient_dict(grads, params, "backward_softmax", what)
    return grads, ref.backward_softmax(X, T, params, cache), cache


def check(student, network, X, T, params):
    what = network.describe(params, len(X))
    grads, expected, cache = gradients(student, X, T, params, what)
    expect_gradient_shapes(grads, params, len(X), what, HINT)
    variants = {(kind, MISTAKES[kind]): variant(params, cache, T, kind) for kind in MISTAKES}
    expect_gradient_values(grads, expected, params, what, HINT, variants)
    return grads


@pytest.mark.parametrize("sizes", NETWORKS.values(), ids=NETWORKS.keys())
def test_gradients(student, network, sizes):
    X, _t, T, params = network(sizes, 5)
    check(student, network, X, T, params)


def test_soft_labels(student, network, rng):
    # targets that are rows of probabilities (summing to 1), not one-hot
    X, _t, _T, params = network((3, 4, 3), 6)
    T = rng.uniform(0.0, 1.0, size=(6, 3))
    T /= T.sum(axis=1, keepdims=True)
    check(student, network, X, T, params)


def test_deep_network(student, network):
    # 11 layers of parameters: the depth has to come from the keys, counted as numbers
    X, _t, T, params = network(DEEP, 4)
    check(student, network, X, T, params)


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_any_key_order(student, network, order):
    X, _t, T, params = network((3, 5, 4, 3), 5)
    check(student, network, X, T, {key: params[key] for key in order})


def test_square_layers(student, network):
    # square weight matrices: a transposed dW has the right shape, only its values tell
    X, _t, T, params = network((3, 3, 3, 3), 4)
    check(student, network, X, T, params)


@pytest.mark.parametrize("m", [1, 2, 9], ids=["m=1", "m=2", "m=9"])
def test_any_batch_size(student, network, m):
    # mini-batches come in every size: the 1/m is the batch's own m
    X, _t, T, params = network((4, 5, 3), m)
    check(student, network, X, T, params)


def test_integer_data(student, network, rng):
    # pixels and one-hot targets as integers (or float32): the gradients are float64 all the same
    _X, _t, _T, params = network((3, 4, 3), 5)
    for dtype in DTYPES:
        X = rng.integers(0, 17, size=(5, 3)).astype(dtype)
        T = np.eye(3, dtype=dtype)[rng.integers(0, 3, size=5)]
        grads = check(student, network, X, T, params)
        for key in params:
            expect_float64(grads[key], _("grads['{key}'] for X and T of dtype {dtype}", key=key, dtype=dtype))


@pytest.mark.side
def test_keeps_inputs(student, network):
    X, _t, T, params = network((2, 3, 3), 4)
    cache = ref.forward_softmax(X, params)
    reply = student.invoke("backward_softmax", (X, T, params, cache), return_args=True)
    X_after, T_after, params_after, cache_after = reply.args
    expect_unchanged(X, X_after, _("backward_softmax (its argument X)"))
    expect_unchanged(T, T_after, _("backward_softmax (its argument T)"))
    for key in params:
        expect(key in params_after, _("backward_softmax removed params['{key}']; leave params as it is", key=key),
               "changes_input", "backward_softmax")
        expect_unchanged(params[key], params_after[key], _("backward_softmax (params['{key}'])", key=key))
    L = len(params) // 2 + 1
    for key in cache:
        expect(key in cache_after, _("backward_softmax removed cache['{key}']; leave the cache as it is", key=key),
               "changes_input", "backward_softmax")
        if key == f"A{L}" and np.shape(cache_after[key]) == cache[key].shape and not np.array_equal(
                cache_after[key], cache[key]):
            raise Mistake(_("backward_softmax changed cache['{key}'] (an in-place -= or /= on the cache's A_L): "
                            "compute dZ in a new array, dZ = (A_L - T) / m", key=key), "changes_cache",
                          "backward_softmax")
        expect_unchanged(cache[key], cache_after[key], _("backward_softmax (cache['{key}'])", key=key))


@pytest.mark.isolated
@pytest.mark.side
def test_vectorised(student, stand_ins, network, rng):
    _X, _t, _T, params = network((2, 3, 2), 2)
    expect_vectorised(student, "backward_softmax", [uniform("n", 2, low=-2.0, high=2.0), uniform("n", 2), params],
                      lambda X, T, params: ref.backward_softmax(X, T, params, ref.forward_softmax(X, params)),
                      rng=rng, via=stand_ins["backward_softmax"].helper("with_cache"),
                      what=_("backward_softmax for m samples"))
