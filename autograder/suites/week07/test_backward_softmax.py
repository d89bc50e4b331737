"""Hidden checks for week07 `backward_softmax` (cell test_backward_softmax, 2 points).

backward_softmax gets a cache computed by the grader with the reference
forward_softmax, so only backward_softmax itself is graded here.
"""

import numpy as np
import pytest

from autograder.checks import (Mistake, diagnose, expect, expect_float64, expect_unchanged, expect_vectorised,
                               kind_of, numeric, uniform)
from autograder.checks.expect import with_hint
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
    "no_derivative": _("going one layer back, multiply by the sigmoid's derivative a(1 − a): "
                       "dZ_(l-1) = (dZ_l · W_l.T) ⊙ A_(l-1) ⊙ (1 − A_(l-1))"),
    "z_derivative": _("the sigmoid's derivative is a(1 − a) with the activations A_(l-1), not Z_(l-1)"),
}
TRANSPOSED = ("dW_transposed", _("dW = A_prev.T · dZ (not its transpose)"))


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
    grads = {}
    for l in range(L, 1, -1):
        A_prev = cache[f"A{l - 1}"]
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        if l > 2:
            dA = dZ @ params[f"W{l}"].T
            if kind == "no_derivative":
                dZ = dA
            elif kind == "z_derivative":
                dZ = dA * cache[f"Z{l - 1}"] * (1 - cache[f"Z{l - 1}"])
            else:
                dZ = dA * A_prev * (1 - A_prev)
            if kind == "divides_every_layer":
                dZ = dZ / m
    return grads


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
    expect(isinstance(grads, dict), _("backward_softmax returned {value}; return a dict of gradients with the keys "
                                      "of params ('W2', 'b2', ...)", value=kind_of(grads)), "return_type", what)
    expect(set(grads) == set(params), _("backward_softmax returned the keys {got}; return one gradient for each "
                                        "key of params, {want}", got=", ".join(map(str, grads)),
                                        want=", ".join(params)), "wrong_keys", what)
    return grads, ref.backward_softmax(X, T, params, cache), cache


def check_shapes(grads, params, m, what):
    """Each gradient has its parameter's shape; a shape a known mistake gives is named."""
    for key, param in params.items():
        shape = numeric(grads[key], _("grads['{key}'] of {network}", key=key, network=what)).shape
        if shape == param.shape:
            continue
        n = param.shape[-1]
        where = _("grads['{key}'] of shape {got} for params['{key}'] of shape {want}, {network}", key=key,
                  got=shape, want=param.shape, network=what)
        if key.startswith("W") and shape == param.shape[::-1]:
            raise Mistake(_("the gradient of W has the shape of W.T: dW = A_prev.T · dZ has the shape "
                            "(n_prev, n_next) of W"), "dW_transposed", where)
        if key.startswith("b") and shape == (1, n):
            raise Mistake(_("the gradient of b is 2-D (one row) where b is 1-D: sum dZ over the samples "
                            "without keepdims (dZ.sum(axis=0))"), "bias_keepdims", where)
        if key.startswith("b") and shape == (m, n):
            raise Mistake(_("the gradient of b has one row per sample: db sums dZ over the samples (the rows), "
                            "one value per node"), "bias_not_summed", where)
        raise Mistake(_("each gradient has the shape of its parameter — {hint}", hint=HINT), "shape", where)


def check_values(grads, expected, params, cache, T, what):
    variants = {kind: variant(params, cache, T, kind) for kind in MISTAKES}
    # from the output layer back, so the first mismatch names the nearest cause
    for key in sorted(params, key=lambda k: (-int(k[1:]), k)):
        mistakes = {(kind, MISTAKES[kind]): variants[kind][key] for kind in MISTAKES}
        if key.startswith("W") and params[key].shape[0] == params[key].shape[1]:
            mistakes[TRANSPOSED] = expected[key].T
        diagnose(grads[key], expected[key], _("grads['{key}'] of {network}", key=key, network=what), HINT,
                 mistakes)


def check(student, network, X, T, params):
    what = network.describe(params, len(X))
    grads, expected, cache = gradients(student, X, T, params, what)
    check_shapes(grads, params, len(X), what)
    check_values(grads, expected, params, cache, T, what)
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
