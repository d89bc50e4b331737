"""Reference solutions for week06, backpropagation.ipynb (instructor-only).

Backpropagation for the sigmoid networks of week04 (any depth), its
gradient check against week02's numerical derivative, and one training
step. ``sigmoid``, ``cross_entropy``, ``numerical_derivative``,
``layer_forward`` and ``feed_forward`` are the earlier weeks' references;
the notebook imports the same code from ``lecture_lib``.
"""

import numpy as np

from solutions.week02 import cross_entropy, numerical_derivative
from solutions.week04 import feed_forward


def backward(X, T, params, cache):
    """Gradients of the SUMMED cross-entropy w.r.t. every parameter (δ ignored).

    X: (m, n) inputs; T: targets (m, n_L), or (m,) when n_L = 1.
    params: {"W2": (n, n2), "b2": (n2,), ..., "WL", "bL"}, sigmoid at every layer.
    cache: feed_forward(X, params), {"A1": X, "Z2", "A2", ..., "ZL", "AL"}.
    Returns {"W2": dW2, "b2": db2, ...}, float64, each shaped like its parameter.
    Nothing given is modified.
    """
    L = 1
    while f"W{L + 1}" in params:
        L += 1
    A_L = cache[f"A{L}"]
    T = np.asarray(T, dtype=np.float64).reshape(A_L.shape)  # T (m,) must not broadcast to (m, m)
    dZ = A_L - T  # sigmoid + cross-entropy: dLoss/dZ_L = A_L - T, one row per sample
    grads = {}
    for l in range(L, 1, -1):
        A_prev = cache[f"A{l - 1}"]
        grads[f"W{l}"] = A_prev.T @ dZ  # sums over the samples: the loss is a sum
        grads[f"b{l}"] = dZ.sum(axis=0)
        if l > 2:  # the input layer has no parameters: no dZ for it
            dZ = (dZ @ params[f"W{l}"].T) * A_prev * (1.0 - A_prev)  # sigmoid'(z) = a(1 - a)
    return {key: grads[key] for key in params}


def rel_error(a, b):
    """Largest elementwise relative error max(|a - b| / max(1e-8, |a| + |b|)), a float.

    a, b: numbers or arrays of one shape. The floor 1e-8 keeps 0 vs 0 at 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    # the floor 1e-8 keeps 0 vs 0 (or two tiny values) from dividing by zero
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def gradient_check(loss_fn, params, grads, delta_x=1e-5):
    """Largest rel_error between ``grads`` and the numerical derivative, over all keys.

    loss_fn(): takes no argument and reads ``params``, whose arrays the
    numerical derivative perturbs in place (and restores exactly).
    grads: {key: gradient shaped like params[key]}. Returns a float.
    """
    f = lambda _: loss_fn()  # noqa: E731  (the lecture's form: f ignores its argument)
    worst = 0.0
    for key, param in params.items():
        numeric = numerical_derivative(f, param, delta_x)
        worst = max(worst, rel_error(grads[key], numeric))
    return worst


def train_step_backprop(X, T, params, lr):
    """One full-batch gradient-descent step by backpropagation, IN PLACE.

    All gradients come from ONE forward pass at the current parameters;
    then every array of ``params`` is updated in place (param -= lr * grad).
    Returns the summed cross-entropy after the step, a float.
    """
    cache = feed_forward(X, params)
    grads = backward(X, T, params, cache)
    for key in params:
        params[key] -= lr * grads[key]
    L = len(cache) // 2 + 1  # cache: A1, then Z_l, A_l for l = 2..L
    return cross_entropy(feed_forward(X, params)[f"A{L}"], T)
