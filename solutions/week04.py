"""Reference solutions for week04, feed_forward.ipynb (instructor-only).

The lecture's notation w_{ji}^{(l)}, b_j^{(l)}, z_j^{(l)}, a_j^{(l)} node by
node, then the same computation as matrices, layer after layer.
``sigmoid`` is week01's reference; the notebook imports the same code from
``lecture_lib``.
"""

import numpy as np

from solutions.week01 import sigmoid


def z_node(x1, x2, w_j1, w_j2, b_j):
    """Linear value z_j of node j fed by two inputs: x1·w_j1 + x2·w_j2 + b_j.

    w_j1 is the weight from input node 1 to node j (w_{j1}), w_j2 the one
    from input node 2. Numbers, or arrays of one shape (one value per sample).
    Returns float64 (a number for numbers), whatever the inputs' dtype.
    """
    x1, x2, w_j1, w_j2, b_j = (np.asarray(v, dtype=np.float64) for v in (x1, x2, w_j1, w_j2, b_j))
    return (x1 * w_j1 + x2 * w_j2 + b_j)[()]


def a_node(z):
    """Output a_j = sigmoid(z_j) of a node; z a number or an array of any shape."""
    return sigmoid(z)


def build_weight_matrix(w, n_prev, n_next):
    """The weight matrix W of one layer from the lecture's w_{ji} notation.

    w: dict {(j, i): value}, j the node of the NEXT layer (1..n_next), i the
    node of the previous layer (1..n_prev), both 1-based.
    Returns float64 W of shape (n_prev, n_next) with W[i-1, j-1] = w_{ji}
    and 0 where w has no entry.
    """
    W = np.zeros((n_prev, n_next), dtype=np.float64)
    for (j, i), value in w.items():
        W[i - 1, j - 1] = value
    return W


def layer_forward(A_prev, W, b, activation=sigmoid):
    """One layer of feed forward: Z = A_prev·W + b, A = activation(Z).

    A_prev: (m, n_prev) one sample per row, or one sample (n_prev,).
    W: (n_prev, n_next); b: (n_next,).
    Returns (Z, A), float64, shape (m, n_next) (or (n_next,) for one sample).
    """
    A_prev = np.asarray(A_prev, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    Z = A_prev @ W + b  # b (n_next,) is added to every row: one bias per next-layer node
    return Z, activation(Z)


def feed_forward(X, params):
    """Feed forward through every layer of ``params``, sigmoid at each layer.

    X: (m, n) one sample per row, or one sample (n,), any numeric dtype.
    params: {"W2": (n, n2), "b2": (n2,), "W3": (n2, n3), "b3": (n3,), ...},
    consecutive layers from 2, any number of them.
    Returns the cache {"A1": X as float64, "Z2": ..., "A2": ..., ...,
    "ZL": ..., "AL": ...}; inputs are not modified.
    """
    cache = {"A1": np.array(X, dtype=np.float64)}  # a^{(1)} = x: no activation on the input layer
    layer = 2
    while f"W{layer}" in params:
        Z, A = layer_forward(cache[f"A{layer - 1}"], params[f"W{layer}"], params[f"b{layer}"])
        cache[f"Z{layer}"], cache[f"A{layer}"] = Z, A
        layer += 1
    return cache
