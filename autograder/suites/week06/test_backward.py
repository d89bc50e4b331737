"""Hidden checks for week06 `backward` (cell test_backward, 4 points).

backward gets a cache computed by the grader with the reference
feed_forward, so only backward itself is graded here.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, diagnose, expect, expect_unchanged, expect_vectorised, integers, uniform
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr
from solutions import week06 as ref

pytestmark = pytest.mark.cell("test_backward")

NETWORKS = {"2-layer": (3, 2), "3-layer": (2, 4, 1), "4-layer": (3, 5, 4, 2)}
HINT = ("dZ_L = A_L − T; dW_l = A_(l-1).T · dZ_l; db_l = dZ_l summed over the samples; "
        "dZ_(l-1) = (dZ_l · W_l.T) ⊙ A_(l-1) ⊙ (1 − A_(l-1))")
TARGETS_M = ("T has shape (m,) and A_L (m, 1): reshape T to A_L's shape, else A_L − T broadcasts "
             "to an (m, m) matrix")
MISTAKES = {
    "mean": "the loss is the SUM over the samples: did you divide the gradients by m (the mean)?",
    "no_derivative": "going one layer back, multiply by the sigmoid's derivative a(1 − a): "
                     "dZ_(l-1) = (dZ_l · W_l.T) ⊙ A_(l-1) ⊙ (1 − A_(l-1))",
    "z_derivative": "the sigmoid's derivative is a(1 − a) with the activations A_(l-1), not Z_(l-1)",
}


def variant(params, cache, T, kind):
    """A known-wrong backward (grader-side), to name the mistake an answer matches."""
    L = len(params) // 2 + 1
    dZ = cache[f"A{L}"] - T.reshape(cache[f"A{L}"].shape)
    if kind == "mean":
        dZ = dZ / len(T)
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
    return grads


def gradients(student, X, T, params):
    """(the student's grads, the reference grads, the cache) for one network."""
    cache = ref.feed_forward(X, params)
    try:
        grads = student.call("backward", X, T, params, cache)
    except RaisedError as exc:
        if exc.exc_type == "ValueError" and T.ndim == 1:
            raise Mistake(f"{exc} — {TARGETS_M}") from None
        if exc.exc_type in ("KeyError", "ValueError"):
            raise Mistake(f"{exc} — this network has {len(params) // 2 + 1} layers (params: "
                          f"{', '.join(params)}): does backward handle any number of layers, and do "
                          "the shapes of dZ, W.T and A_prev fit?") from None
        raise
    expect(isinstance(grads, dict), f"backward returned a {type(grads).__name__}; return a dict of "
           "gradients with the keys of params ('W2', 'b2', ...)")
    expect(set(grads) == set(params), f"backward returned the keys {sorted(grads)}; use the keys of "
           f"params, {sorted(params)}, one gradient per parameter")
    return grads, ref.backward(X, T, params, cache), cache


def check_shapes(grads, params, what):
    for key, param in params.items():
        shape = np.shape(grads[key])
        if key.startswith("W"):
            expect(shape != param.shape[::-1] or param.shape[0] == param.shape[1],
                   f"{what}: the gradient {key} has shape {shape}, the transpose of {key}'s; "
                   f"dW = A_prev.T · dZ has the shape (n_prev, n_next) of W")
        else:
            expect(shape == param.shape, f"{what}: the gradient {key} has shape {shape}, expected "
                   f"{param.shape}; db sums dZ over the samples (the rows): one value per node")


def check_values(grads, expected, params, cache, T, what):
    variants = {kind: variant(params, cache, T, kind) for kind in MISTAKES}
    # from the output layer back, so the first mismatch names the nearest cause
    for key in sorted(params, key=lambda k: (-int(k[1:]), k)):
        mistakes = {MISTAKES[kind]: variants[kind][key] for kind in MISTAKES}
        if key.startswith("W") and params[key].shape[0] == params[key].shape[1]:
            mistakes["dW = A_prev.T · dZ (not its transpose)"] = expected[key].T
        diagnose(grads[key], expected[key], f"the gradient {key} of a {what}", HINT, mistakes)


@pytest.mark.parametrize("sizes", NETWORKS.values(), ids=NETWORKS.keys())
def test_gradients(student, network, sizes):
    X, T, params = network(sizes, 5)
    grads, expected, cache = gradients(student, X, T, params)
    what = f"{len(sizes)}-layer network"
    check_shapes(grads, params, what)
    check_values(grads, expected, params, cache, T, what)


def test_square_layers(student, network):
    X, T, params = network((3, 3, 3, 1), 4)
    grads, expected, cache = gradients(student, X, T, params)
    check_values(grads, expected, params, cache, T, "network with square weight matrices")


@pytest.mark.parametrize("sizes", [(3, 1), (2, 3, 1)], ids=["2-layer", "3-layer"])
def test_targets_shaped_m(student, network, sizes):
    X, T, params = network(sizes, 6)
    T = T[:, 0]  # (m,) against A_L (m, 1)
    grads, expected, cache = gradients(student, X, T, params)
    for key, param in params.items():
        expect(np.shape(grads[key]) == param.shape,
               f"with T of shape (m,) the gradient {key} has shape {np.shape(grads[key])}, expected "
               f"{param.shape}: {TARGETS_M}")
    check_values(grads, expected, params, cache, T, "network with targets T (m,)")


def test_one_sample_batch(student, network):
    X, T, params = network((3, 4, 2), 1)
    grads, expected, cache = gradients(student, X, T, params)
    check_shapes(grads, params, "a batch of one sample X (1, 3)")
    check_values(grads, expected, params, cache, T, "batch of one sample")


@pytest.mark.side
def test_keeps_inputs(student, network):
    X, T, params = network((2, 3, 2), 4)
    cache = ref.feed_forward(X, params)
    reply = student.invoke("backward", (X, T, params, cache), return_args=True)
    X_after, T_after, params_after, cache_after = reply.args
    expect_unchanged(X, X_after, "backward (its argument X)")
    expect_unchanged(T, T_after, "backward (its argument T)")
    for key in params:
        expect_unchanged(params[key], params_after[key], f"backward (params['{key}'])")
    for key in cache:
        expect(key in cache_after and np.array_equal(cache[key], cache_after[key]),
               f"backward changed cache['{key}']; compute dZ in a new array "
               "(dZ = A_L - T, not an in-place -= on the cache's array)")


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
    _, _, params = network((3, 4, 1), 2)
    expect_vectorised(student, "backward", [uniform("n", 3, low=-2.0, high=2.0), integers("n", 1), params],
                      lambda X, T, params: ref.backward(X, T, params, ref.feed_forward(X, params)),
                      rng=rng, via=WITH_CACHE, what="backward for m samples")
