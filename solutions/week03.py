"""Reference solutions for week03, logic_gates.ipynb (instructor-only).

One logistic regression (the lecture's ``LogicGate``) trained with the
numerical derivative, and XOR built from three trained gates.
``sigmoid``, ``cross_entropy`` and ``numerical_derivative`` are the earlier
weeks' references; the notebook imports the same code from ``lecture_lib``.
"""

import numpy as np

from solutions.week01 import sigmoid
from solutions.week02 import cross_entropy, numerical_derivative


class LogicGate:
    """One logistic regression y = sigmoid(x·W + b) learning a 2-input logic gate.

    gate_name: a label such as "AND".
    xdata: (m, 2) inputs, one sample per row (any numeric dtype).
    tdata: (m,) or (m, 1) targets 0/1.
    Attributes: ``name``, ``xdata`` (m, 2) float64, ``tdata`` (m, 1) float64,
    ``W`` (2, 1) and ``b`` (1,) float64 drawn with
    ``np.random.default_rng(seed).random`` (W first, then b), ``learning_rate``.
    """

    def __init__(self, gate_name, xdata, tdata, learning_rate=1e-2, seed=None):
        self.name = gate_name
        self.xdata = np.asarray(xdata, dtype=np.float64).reshape(-1, 2)
        self.tdata = np.asarray(tdata, dtype=np.float64).reshape(-1, 1)
        rng = np.random.default_rng(seed)
        self.W = rng.random((2, 1))
        self.b = rng.random(1)
        self.learning_rate = learning_rate

    def loss_val(self):
        """Summed cross-entropy (delta = 1e-7) of the whole training set, a float."""
        y = sigmoid(self.xdata @ self.W + self.b)
        return cross_entropy(y, self.tdata)

    def train(self, epochs):
        """``epochs`` rounds of gradient descent; returns the loss after each round.

        Each round updates W, then b (its derivative taken at the new W),
        each with the numerical derivative of the loss.
        """
        f = lambda _: self.loss_val()  # reads self.W and self.b, which the derivative perturbs in place
        losses = []
        for _ in range(epochs):
            self.W -= self.learning_rate * numerical_derivative(f, self.W)
            self.b -= self.learning_rate * numerical_derivative(f, self.b)
            losses.append(self.loss_val())
        return losses

    def predict(self, x):
        """(y, labels) for x (2,) → shapes (1,), (1,); x (m, 2) → (m, 1), (m, 1).

        labels are integers: 1 where y > 0.5, else 0.
        """
        y = sigmoid(np.asarray(x, dtype=np.float64) @ self.W + self.b)
        return y, (y > 0.5).astype(np.int64)


def xor_by_composition(nand_gate, or_gate, and_gate, X):
    """XOR = AND(NAND(x), OR(x)), from three trained gates' ``predict``.

    X: (m, 2) inputs. The NAND and OR labels of each sample become the two
    inputs (in that order) of the AND gate. Returns int labels of shape (m,).
    """
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    _, s1 = nand_gate.predict(X)
    _, s2 = or_gate.predict(X)
    _, labels = and_gate.predict(np.hstack([np.reshape(s1, (-1, 1)), np.reshape(s2, (-1, 1))]))
    return np.asarray(labels).reshape(-1).astype(np.int64)
