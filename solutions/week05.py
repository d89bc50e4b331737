"""Reference solutions for week05, xor_network.ipynb (instructor-only).

The lecture's XOR network (input 2 → hidden h → output 1, sigmoid at both
layers) trained with the numerical derivative. ``sigmoid``,
``cross_entropy`` and ``numerical_derivative`` are the earlier weeks'
references; the notebook imports the same code from ``lecture_lib``.
"""

import numpy as np

from solutions.week01 import sigmoid
from solutions.week02 import cross_entropy, numerical_derivative


class XORNet:
    """A 2 → h → 1 sigmoid network learning one 2-input logic gate (XOR, XNOR...).

    xdata: (m, 2) inputs, one sample per row (any numeric dtype).
    tdata: (m,) or (m, 1) targets 0/1.
    Attributes: ``xdata`` (m, 2) float64, ``tdata`` (m, 1) float64,
    ``learning_rate``, and ``params``, a dict of float64 arrays
    W2 (2, h), b2 (h,), W3 (h, 1), b3 (1,), drawn in that order with
    ``np.random.default_rng(seed).random``.
    """

    def __init__(self, xdata, tdata, hidden_nodes=4, learning_rate=0.5, seed=None):
        self.xdata = np.asarray(xdata, dtype=np.float64).reshape(-1, 2)
        self.tdata = np.asarray(tdata, dtype=np.float64).reshape(-1, 1)
        self.learning_rate = learning_rate
        rng = np.random.default_rng(seed)
        self.params = {}
        self.params["W2"] = rng.random((2, hidden_nodes))
        self.params["b2"] = rng.random(hidden_nodes)
        self.params["W3"] = rng.random((hidden_nodes, 1))
        self.params["b3"] = rng.random(1)

    def feed_forward(self, x):
        """Output y = a^{(3)} of the network for x (2,) → (1,) or x (m, 2) → (m, 1)."""
        p = self.params
        a2 = sigmoid(np.asarray(x, dtype=np.float64) @ p["W2"] + p["b2"])
        return sigmoid(a2 @ p["W3"] + p["b3"])

    def loss_val(self):
        """Summed cross-entropy (delta = 1e-7) of the whole training set, a float."""
        return cross_entropy(self.feed_forward(self.xdata), self.tdata)

    def train(self, epochs):
        """``epochs`` rounds of gradient descent; returns the loss after each round.

        Each round updates W2, b2, W3, b3 in that order, each with the
        numerical derivative taken at the current (partly updated) parameters.
        """
        f = lambda _: self.loss_val()  # reads self.params, which the derivative perturbs in place
        losses = []
        for _ in range(epochs):
            for key in ("W2", "b2", "W3", "b3"):
                self.params[key] -= self.learning_rate * numerical_derivative(f, self.params[key])
            losses.append(self.loss_val())
        return losses

    def predict(self, x):
        """(y, labels) for x (2,) → shapes (1,), (1,); x (m, 2) → (m, 1), (m, 1).

        labels are integers: 1 where y > 0.5, else 0.
        """
        y = self.feed_forward(x)
        return y, (y > 0.5).astype(np.int64)
