"""Hidden checks for week06 `train_step_backprop` (cell test_train_step_backprop, 3 points).

Starting parameters are injected, and the result of ONE step is compared
with the reference step from the same start. The student's backward is
replaced by a correct one while the step runs.
"""

import numpy as np
import pytest

from autograder.checks import diagnose, expect, expect_float64, expect_unchanged, kind_of
from autograder.texts import domain
from solutions import week06 as ref

_ = domain("week06")
pytestmark = [pytest.mark.cell("test_train_step_backprop"), pytest.mark.isolated]

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([[0.0], [1.0], [1.0], [0.0]])
DEEP = (3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 2)  # 12 layers: W2 ... W12
DTYPES = ["int8", "uint8", "int32", "int64", "float32"]
HINT = _("one forward pass at the current params, every gradient from its cache, then each parameter "
         "moved by lr against its gradient, in place")
MISTAKES = {
    "mean": _("the loss is the SUM over the samples: these steps use the gradients divided by m (the mean's)"),
    "sequential": _("all gradients come from ONE forward pass at the same [W, b]: compute every gradient "
                    "before changing any parameter (no new forward pass between updates, unlike week 05)"),
    "updated_weights": _("a layer's W was updated before dZ was propagated back through it: finish the "
                         "backward pass (all gradients) before any update"),
    "ascent": _("the step went UP the gradient: gradient descent moves each parameter against its "
                "gradient, so the loss falls"),
    "unchanged": _("the caller's params did not change: update the arrays of the params dict you are "
                   "given, in place (a new dict or new arrays made inside the function are lost)"),
}
LOSS_HINT = _("return cross_entropy of the network AFTER the update (the summed cross-entropy)")
LOSS_BEFORE = ("loss_before", _("return the loss AFTER the step (a new forward pass with the updated params), "
                                "not the loss of the forward pass before it"))
LOSS_MEAN = ("loss_mean", _("the loss is the SUM of the cross-entropy over the samples, not the mean"))


def copy(params):
    return {k: v.copy() for k, v in params.items()}


def xor_params(rng, hidden):
    """A starting point of the 2-h-1 XOR network, drawn as week 05 draws it."""
    shapes = {"W2": (2, hidden), "b2": (hidden,), "W3": (hidden, 1), "b3": (1,)}
    return {key: rng.random(shape) for key, shape in shapes.items()}


def step_variant(X, T, params, lr, kind):
    """params after one known-wrong step (grader-side)."""
    p = copy(params)
    if kind == "mean":
        ref.train_step_backprop(X, T, p, lr / len(X))
    elif kind == "ascent":
        ref.train_step_backprop(X, T, p, -lr)
    elif kind == "sequential":  # week 05's order: a fresh forward pass for each parameter
        for key in p:
            p[key] -= lr * ref.backward(X, T, p, ref.feed_forward(X, p))[key]
    elif kind == "updated_weights":  # updates inside the backward loop
        cache = ref.feed_forward(X, p)
        L = len(p) // 2 + 1
        A_L = cache[f"A{L}"]
        dZ = A_L - np.asarray(T, dtype=np.float64).reshape(A_L.shape)
        for l in range(L, 1, -1):
            A_prev = cache[f"A{l - 1}"]
            p[f"W{l}"] -= lr * (A_prev.T @ dZ)
            p[f"b{l}"] -= lr * dZ.sum(axis=0)
            dZ = (dZ @ p[f"W{l}"].T) * A_prev * (1 - A_prev)
    return p


def check_step(result, X, T, params, lr, what):
    loss, after, originals, _X, _T = result
    expected = copy(params)
    expected_loss = ref.train_step_backprop(X, T, expected, lr)
    expect(isinstance(after, dict) and set(after) == set(params),
           _("params has the keys {keys} after the step; update the arrays of params, keep its keys",
             keys=", ".join(map(str, after)) if isinstance(after, dict) else kind_of(after)), "changes_keys", what)
    expect(any(not np.array_equal(after[key], params[key]) for key in params), MISTAKES["unchanged"],
           "unchanged", what)
    variants = {kind: step_variant(X, T, params, lr, kind) for kind in MISTAKES if kind != "unchanged"}
    for key in sorted(params, key=lambda k: (-int(k[1:]), k)):
        diagnose(after[key], expected[key], _("params['{key}'] after one step on {network}", key=key, network=what),
                 HINT, {(kind, MISTAKES[kind]): variants[kind][key] for kind in variants})
    before = ref.cross_entropy(ref.feed_forward(X, params)[f"A{len(params) // 2 + 1}"], T)
    loss_what = _("the loss returned by one step on {network}", network=what)
    expect(isinstance(loss, float), _("returned {value}; return the loss as a float", value=kind_of(loss)),
           "return_type", loss_what)
    diagnose(loss, expected_loss, loss_what, LOSS_HINT, {LOSS_BEFORE: before, LOSS_MEAN: expected_loss / len(X)})
    return originals, expected


@pytest.mark.parametrize("hidden", [4, 3], ids=["xor-2-4-1", "xor-2-3-1"])
def test_xor_step(train_step, rng, hidden):
    params = xor_params(rng, hidden)
    lr = float(rng.uniform(0.2, 1.0))
    what = _("the XOR network 2-{hidden}-1", hidden=hidden)
    check_step(train_step(XOR_X, XOR_T, params, lr, what), XOR_X, XOR_T, params, lr, what)


@pytest.mark.parametrize("sizes, m", [((3, 4, 3, 2), 5), ((4, 2), 5), (DEEP, 4), ((3, 4, 2), 1)],
                         ids=["4-layer", "2-layer", "12-layer", "one sample"])
def test_any_depth(train_step, network, rng, sizes, m):
    X, T, params = network(sizes, m)
    lr = float(rng.uniform(0.05, 0.3))
    what = network.describe(params, m)
    check_step(train_step(X, T, params, lr, what, deep=True), X, T, params, lr, what)


def test_any_key_order(train_step, network, rng):
    X, T, params = network((3, 5, 4, 2), 5)
    params = {key: params[key] for key in ["b3", "W4", "W2", "b4", "b2", "W3"]}
    lr = float(rng.uniform(0.05, 0.3))
    what = network.describe(params, 5)
    check_step(train_step(X, T, params, lr, what, deep=True), X, T, params, lr, what)


def test_in_place(train_step, rng):
    params = xor_params(rng, 4)
    _loss, after, originals, _X, _T = train_step(XOR_X, XOR_T, params, 0.5)
    what = _("the caller's params after one step")
    expect(isinstance(after, dict) and set(after) == set(params), _("train_step_backprop changed the keys of params"),
           "changes_keys", what)
    expect(any(not np.array_equal(after[key], params[key]) for key in params), MISTAKES["unchanged"],
           "unchanged", what)
    for key in params:
        expect(np.array_equal(originals[key], after[key]),
               _("the array params['{key}'] the caller holds was not updated: the dict now holds a NEW array; "
                 "change the existing array in place (-=)", key=key), "new_arrays", what)


def test_targets_shaped_m(train_step, rng):
    params = xor_params(rng, 3)
    T = XOR_T[:, 0]  # (m,) against A_L (m, 1)
    what = _("the XOR network with targets T of shape (m,)")
    check_step(train_step(XOR_X, T, params, 0.5, what), XOR_X, T, params, 0.5, what)


def test_integer_and_float32_data(train_step, rng):
    # the XOR data as integers (or float32): the parameters stay float64, the loss a float
    for dtype in DTYPES:
        params = xor_params(rng, 3)
        X, T = XOR_X.astype(dtype), XOR_T.astype(dtype)
        what = _("the XOR network with X and T of dtype {dtype}", dtype=dtype)
        result = train_step(X, T, params, 0.5, what)
        check_step(result, X, T, params, 0.5, what)
        for key in params:
            expect_float64(result[1][key], _("params['{key}'] after one step on {network}", key=key, network=what))


@pytest.mark.side
def test_keeps_data(train_step, network):
    for flat in (False, True):
        X, T, params = network((2, 3, 1), 4)
        T = T[:, 0] if flat else T
        _loss, _after, _originals, X_after, T_after = train_step(X, T, params, 0.1)
        expect_unchanged(X, X_after, _("train_step_backprop (its argument X)"))
        expect_unchanged(T, T_after, _("train_step_backprop (its argument T of shape {shape})", shape=T.shape))
