"""Reference solutions for week07, digits.ipynb (instructor-only).

The sigmoid networks of weeks 04-06 with a softmax output layer, the MEAN
softmax cross-entropy and mini-batch training, on scikit-learn's 8x8
handwritten digits. ``sigmoid`` is week01's reference; the notebook imports
the same code from ``lecture_lib``.
"""

import numpy as np

from solutions.week01 import sigmoid


def one_hot(t, k):
    """Integer labels t (m,) -> float64 (m, k): 1 at [i, t[i]], 0 elsewhere.

    t: a 1-D integer array-like (a list, or an array of any integer dtype),
    m >= 0. Raises ValueError for a label < 0 or >= k, a non-integer or a
    non-1-D t.
    """
    t = np.asarray(t)
    if t.ndim != 1:
        raise ValueError(f"t must be a 1-D array of labels (m,), not of shape {t.shape}")
    if t.size == 0:  # no labels: np.asarray([]) is float64, and that is fine
        return np.zeros((0, k))
    if not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"labels must be integers, not {t.dtype}")
    if t.min() < 0 or t.max() >= k:
        raise ValueError(f"labels must lie in 0, ..., {k - 1}; got {t.min()} to {t.max()}")
    Y = np.zeros((t.size, k))
    Y[np.arange(t.size), t] = 1.0  # one 1 per row, at the column of its label
    return Y


def softmax(Z):
    """Row-wise softmax of Z (m, k), or of one row (k,): Z's shape, float64, rows sum to 1.

    Subtracting each row's max changes nothing mathematically (the factor
    e^{-max} cancels) and keeps every exponent <= 0: no overflow.
    """
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))  # axis=-1: the row, for 1-D and 2-D alike
    return E / E.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(Y, T, delta=1e-7):
    """Mean softmax cross-entropy -(1/m) Σ_i Σ_k T_ik · log(Y_ik + δ), a float.

    Y, T: one shape (m, k), or one 1-D pair (k,) counting as m = 1.
    Raises ValueError when the shapes differ (nothing is broadcast).
    """
    Y = np.asarray(Y, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    if Y.shape != T.shape:
        raise ValueError(f"Y and T must have one shape, not {Y.shape} and {T.shape}")
    m = Y.shape[0] if Y.ndim == 2 else 1  # one 1-D pair is one sample
    return float(-np.sum(T * np.log(Y + delta)) / m)


def forward_softmax(X, params):
    """The cache of feed_forward, with softmax on the output layer.

    X: (m, n); params: {"W2": (n, n2), "b2": (n2,), ..., "WL", "bL"}, any depth.
    Returns {"A1": X as float64, "Z2", "A2", ..., "ZL", "AL"}: sigmoid on
    every hidden layer, softmax on the output layer L.
    """
    L = 1
    while f"W{L + 1}" in params:  # the depth from the keys, whatever their order
        L += 1
    A = np.asarray(X, dtype=np.float64)
    cache = {"A1": A}
    for l in range(2, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = softmax(Z) if l == L else sigmoid(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return cache


def backward_softmax(X, T, params, cache):
    """Gradients of the MEAN softmax cross-entropy (δ taken as 0) w.r.t. every parameter.

    T: (m, k) targets, rows summing to 1. cache: forward_softmax(X, params).
    Returns {key: gradient shaped like params[key]}, float64, in params'
    order. Nothing given is modified.
    """
    L = 1
    while f"W{L + 1}" in params:
        L += 1
    A_L = cache[f"A{L}"]
    m = A_L.shape[0]
    # softmax + cross-entropy: dLoss/dZ_L = (A_L - T) / m; the 1/m of the mean, once
    dZ = (A_L - np.asarray(T, dtype=np.float64)) / m
    grads = {}
    for l in range(L, 1, -1):
        A_prev = cache[f"A{l - 1}"]
        grads[f"W{l}"] = A_prev.T @ dZ
        grads[f"b{l}"] = dZ.sum(axis=0)
        if l > 2:  # sigmoid hidden layers, as in week06
            dZ = (dZ @ params[f"W{l}"].T) * A_prev * (1.0 - A_prev)
    return {key: grads[key] for key in params}


def train_minibatch(X, T, params, lr, epochs, batch_size, seed=None):
    """Mini-batch gradient descent, IN PLACE on the arrays of ``params``.

    rng = np.random.default_rng(seed) once; each epoch order = rng.permutation(m),
    and the batches are consecutive slices of order of batch_size samples
    (the last may be smaller). Per batch: one forward_softmax, one
    backward_softmax, then p -= lr * g for every parameter. Returns the
    list of the mean loss on all of X after each epoch ([] for epochs = 0).
    """
    rng = np.random.default_rng(seed)
    m = X.shape[0]
    L = len(params) // 2 + 1
    losses = []
    for _epoch in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            X_b, T_b = X[batch], T[batch]
            grads = backward_softmax(X_b, T_b, params, forward_softmax(X_b, params))
            for key in params:
                params[key] -= lr * grads[key]
        losses.append(softmax_cross_entropy(forward_softmax(X, params)[f"A{L}"], T))
    return losses


def accuracy(X, t, params):
    """Fraction (a float) of the samples whose most probable class is their int label t (m,)."""
    L = len(params) // 2 + 1
    Y = forward_softmax(X, params)[f"A{L}"]
    return float(np.mean(np.argmax(Y, axis=1) == np.asarray(t)))
