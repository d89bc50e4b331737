"""Hidden checks for week06 `train_step_backprop` (cell test_train_step_backprop, 3 points).

Starting parameters are injected, and the result of ONE step is compared
with the reference step from the same start. The student's backward is
replaced by a correct one while the step runs.
"""

import numpy as np
import pytest

from autograder.checks import diagnose, expect, expect_unchanged
from solutions import week06 as ref

pytestmark = [pytest.mark.cell("test_train_step_backprop"), pytest.mark.isolated]

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([[0.0], [1.0], [1.0], [0.0]])
HINT = ("one forward pass at the current params, every gradient from its cache, then each parameter "
        "moved by lr against its gradient, in place")
MISTAKES = {
    "mean": "the loss is the SUM over the samples: did you divide the gradients by m (the mean)?",
    "sequential": "all gradients come from ONE forward pass at the same [W, b]: compute every gradient "
                  "before changing any parameter (no new forward pass between updates, unlike week 05)",
    "updated_weights": "a layer's W was updated before dZ was propagated back through it: finish the "
                       "backward pass (all gradients) before any update",
    "ascent": "the step went UP the gradient: gradient descent moves each parameter against its "
              "gradient, so the loss falls",
    "unchanged": "the caller's params did not change: update the arrays of the params dict you are "
                 "given, in place (a new dict or new arrays made inside the function are lost)",
}


def copy(params):
    return {k: v.copy() for k, v in params.items()}


def xor_params(rng, hidden):
    """A starting point of the 2-h-1 XOR network, drawn as week 05 draws it."""
    shapes = {"W2": (2, hidden), "b2": (hidden,), "W3": (hidden, 1), "b3": (1,)}
    return {key: rng.random(shape) for key, shape in shapes.items()}


def step_variant(X, T, params, lr, kind):
    """params after one known-wrong step (grader-side); "unchanged" leaves them as they were."""
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
        dZ = A_L - T.reshape(A_L.shape)
        for l in range(L, 1, -1):
            A_prev = cache[f"A{l - 1}"]
            p[f"W{l}"] -= lr * (A_prev.T @ dZ)
            p[f"b{l}"] -= lr * dZ.sum(axis=0)
            dZ = (dZ @ p[f"W{l}"].T) * A_prev * (1 - A_prev)
    return p


def check_step(result, X, T, params, lr, what):
    loss, after, originals, _, _ = result
    expected = copy(params)
    expected_loss = ref.train_step_backprop(X, T, expected, lr)
    expect(isinstance(after, dict) and set(after) == set(params),
           f"{what}: params has the keys {sorted(after) if isinstance(after, dict) else after} after the step; "
           "update the arrays of params, keep its keys")
    variants = {kind: step_variant(X, T, params, lr, kind) for kind in MISTAKES}
    for key in sorted(params, key=lambda k: (-int(k[1:]), k)):
        diagnose(after[key], expected[key], f"params['{key}'] after one step of {what}", HINT,
                 {MISTAKES[kind]: variants[kind][key] for kind in MISTAKES})
    before = ref.cross_entropy(ref.feed_forward(X, params)[f"A{len(params) // 2 + 1}"], T)
    expect(isinstance(loss, float), f"train_step_backprop returned {type(loss).__name__}; return the loss "
           "as a float")
    diagnose(loss, expected_loss, f"the loss returned by one step of {what}",
             "return cross_entropy of the network AFTER the update",
             {"return the loss AFTER the step (a new forward pass with the updated params), "
              "not the loss of the forward pass before it": before})
    return originals, expected


@pytest.mark.parametrize("hidden", [4, 3], ids=["xor-2-4-1", "xor-2-3-1"])
def test_xor_step(train_step, rng, hidden):
    params = xor_params(rng, hidden)
    lr = float(rng.uniform(0.2, 1.0))
    result = train_step(XOR_X, XOR_T, params, lr)
    check_step(result, XOR_X, XOR_T, params, lr, f"the XOR network 2-{hidden}-1")


@pytest.mark.parametrize("sizes", [(3, 4, 3, 2), (4, 2)], ids=["4-layer", "2-layer"])
def test_any_depth(train_step, network, rng, sizes):
    X, T, params = network(sizes, 5)
    lr = float(rng.uniform(0.05, 0.3))
    result = train_step(X, T, params, lr)
    check_step(result, X, T, params, lr, f"a {len(sizes)}-layer network")


def test_in_place(train_step, rng):
    params = xor_params(rng, 4)
    _, after, originals, _, _ = train_step(XOR_X, XOR_T, params, 0.5)
    expect(isinstance(after, dict) and set(after) == set(params), "train_step_backprop changed the keys of params")
    expect(any(not np.array_equal(after[key], params[key]) for key in params), MISTAKES["unchanged"])
    for key in params:
        expect(np.array_equal(originals[key], after[key]),
               f"the array params['{key}'] the caller holds was not updated: the dict now holds a NEW array; "
               "change the existing array in place (-=)")


def test_targets_shaped_m(train_step, rng):
    params = xor_params(rng, 3)
    T = XOR_T[:, 0]  # (m,) against A_L (m, 1)
    result = train_step(XOR_X, T, params, 0.5)
    check_step(result, XOR_X, T, params, 0.5, "the XOR network with targets T (m,)")


@pytest.mark.side
def test_keeps_data(train_step, network):
    X, T, params = network((2, 3, 1), 4)
    _, _, _, X_after, T_after = train_step(X, T, params, 0.1)
    expect_unchanged(X, X_after, "train_step_backprop (its argument X)")
    expect_unchanged(T, T_after, "train_step_backprop (its argument T)")

