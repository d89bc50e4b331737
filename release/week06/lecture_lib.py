"""Functions from earlier weeks, provided by the course kit (read-only).

Import what you need, e.g. `from lecture_lib import sigmoid`. This file is
replaced by the course's own copy at grading time: edits here are lost.
이전 주차의 함수들입니다 (읽기 전용). 채점할 때 원본으로 바뀌므로 수정하지 마세요.
"""

import numpy as np


# from week01
def sigmoid(x):
    """Sigmoid 1 / (1 + e^{-x}) of a scalar or an array of any shape.

    x: scalar or array, any shape, any numeric dtype.
    Returns float64 of x's shape; never overflows, even at x = ±1000.
    """
    x = np.asarray(x, dtype=np.float64)
    # e^{-|x|} is at most 1, so nothing overflows for either sign of x
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


# from week02
def cross_entropy(y, t, delta=1e-7):
    """Summed binary cross-entropy -Σ [t·log(y+δ) + (1-t)·log(1-y+δ)].

    y: predictions in (0, 1), shape (m,) or (m, 1); t: targets 0/1, shape
    (m,) or (m, 1) (t (m,) against y (m, 1) is paired row by row, never
    broadcast to (m, m)). Returns a Python float.
    """
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64).reshape(y.shape)
    return float(-np.sum(t * np.log(y + delta) + (1 - t) * np.log(1 - y + delta)))


# from week02
def numerical_derivative(f, x, delta_x=1e-4):
    """Central-difference gradient of scalar f(x) w.r.t. every element of x.

    x: float array of any shape, perturbed IN PLACE one element at a time
    and restored bit for bit, so f may ignore its argument and read x.
    Returns a float64 array of x's shape. Raises TypeError for integer x.
    """
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise TypeError("numerical_derivative needs a float numpy array x (an integer array "
                        "cannot hold x + delta_x); convert it with x.astype(float)")
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx].copy()
        x[idx] = saved + delta_x
        fx1 = f(x)
        x[idx] = saved - delta_x
        fx2 = f(x)
        grad[idx] = (fx1 - fx2) / (2 * delta_x)
        x[idx] = saved
        it.iternext()
    return grad


# from week04
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


# from week04
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
