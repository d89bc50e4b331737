"""Reference solutions for week01, activations.ipynb (instructor-only).

Each function is one exercise; its body becomes the solution block of the
exercise's cell in source/week01/activations.ipynb (see
``python -m autograder sync-solutions``).
"""

import numpy as np


def sigmoid(x):
    """Sigmoid 1 / (1 + e^{-x}) of a scalar or an array of any shape.

    x: scalar or array, any shape, any numeric dtype.
    Returns float64 of x's shape; never overflows, even at x = ±1000.
    """
    x = np.asarray(x, dtype=np.float64)
    # e^{-|x|} is at most 1, so nothing overflows for either sign of x
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


def relu(x):
    """ReLU max(0, x), elementwise; float64 of x's shape."""
    x = np.asarray(x, dtype=np.float64)
    return np.maximum(x, 0.0)[()]


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: x where x > 0, else alpha * x; float64 of x's shape."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, x, alpha * x)[()]


def tanh(x):
    """Hyperbolic tangent, elementwise; float64, finite at x = ±1000."""
    x = np.asarray(x, dtype=np.float64)
    return np.tanh(x)[()]


def neuron(x, w, b, activation=sigmoid):
    """One neuron (= one logistic regression node): z = x·w + b, a = activation(z).

    x: (n,) one sample, or (m, n) one sample per row.
    w: (n,) weights; b: scalar bias.
    Returns (z, a): scalars for x (n,), arrays (m,) for x (m, n).
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    z = (x @ w + b)[()]
    return z, activation(z)


def classify(a, threshold=0.5):
    """Labels from activations: 1 where a > threshold, else 0.

    a: scalar or array; returns an integer array of a's shape.
    """
    return (np.asarray(a) > threshold).astype(np.int64)
