"""Hidden checks for week03 `LogicGate.train` (cell test_LogicGate_train, 2 points).

The student's gate starts from the grader's W and b; after a few epochs its
W, b and returned losses must match the reference gate trained from the
same start. Wrong results are compared with the usual wrong variants of the
update so the message can name the mistake.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect_close
from solutions.week02 import numerical_derivative

pytestmark = [pytest.mark.cell("test_LogicGate_train"), pytest.mark.isolated]

RULE = ("each epoch: W ← W - α·∂E/∂W, then b ← b - α·∂E/∂b with the derivative taken at the new W, "
        "each from numerical_derivative(f, ...) with f = lambda _: self.loss_val()")


def variant(gates, name, xdata, tdata, W, b, lr, epochs, mode):
    """W, b and losses of a (possibly wrong) way of training, on the reference gate."""
    gate = gates.reference(name, xdata, tdata, W, b, learning_rate=lr)
    f = lambda _: gate.loss_val()  # noqa: E731 - the lecture's pattern
    losses = []
    for _ in range(epochs):
        before = gate.loss_val()
        if mode == "simultaneous":
            gW, gb = numerical_derivative(f, gate.W), numerical_derivative(f, gate.b)
            gate.W -= lr * gW
            gate.b -= lr * gb
        elif mode == "b_first":
            gate.b -= lr * numerical_derivative(f, gate.b)
            gate.W -= lr * numerical_derivative(f, gate.W)
        elif mode == "ascent":
            gate.W += lr * numerical_derivative(f, gate.W)
            gate.b += lr * numerical_derivative(f, gate.b)
        else:
            gate.W -= lr * numerical_derivative(f, gate.W)
            gate.b -= lr * numerical_derivative(f, gate.b)
        losses.append(before if mode == "loss_before" else gate.loss_val())
    return gate.W, gate.b, losses


def as_shape(value, like):
    """``value`` in the shape of ``like`` if it has as many elements (else unchanged)."""
    if isinstance(value, np.ndarray) and value.size == np.size(like):
        return value.reshape(np.shape(like))
    return value


def close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


MISTAKES = {
    "simultaneous": "both derivatives were taken before either update; update W first, then take b's "
                    "derivative at the new W (as the lecture's two lines in train do)",
    "b_first": "b was updated before W; the lecture updates W first, then b",
    "ascent": "the loss went UP: gradient descent SUBTRACTS learning rate × derivative",
    "default_lr": "the updates used the learning rate 1e-2, not self.learning_rate",
}


def diagnose(gates, name, xdata, tdata, W, b, lr, epochs, W_after, b_after, what):
    """Raise the Mistake naming the variant that W_after, b_after match, if any."""
    for mode in ("simultaneous", "b_first", "ascent", "default_lr"):
        if mode == "default_lr":
            W2, b2, _ = variant(gates, name, xdata, tdata, W, b, 1e-2, epochs, "right")
        else:
            W2, b2, _ = variant(gates, name, xdata, tdata, W, b, lr, epochs, mode)
        if close(W_after, W2) and close(b_after, b2):
            raise Mistake(f"{what}: {MISTAKES[mode]}")


CASES = {"NAND, 3 epochs, lr 0.3": ("NAND", 3, 0.3), "OR, 2 epochs, lr 0.5": ("OR", 2, 0.5)}


@pytest.mark.parametrize("name, epochs, lr", CASES.values(), ids=CASES.keys())
def test_parameters_after_training(gates, rng, name, epochs, lr):
    xdata, tdata = gates.inputs, gates.targets[name]
    gate = gates.create(name, xdata, tdata, learning_rate=lr, seed=0)
    W, b = gates.start(rng)
    gates.inject(gate, W, b)
    gates.train(gate, epochs)
    # a W or b of the right size in another shape is the construction check's business
    W_after, b_after = as_shape(gates.attribute(gate, "W"), W), as_shape(gates.attribute(gate, "b"), b)
    what = f"W and b after train({epochs}) from the grader's start"
    W_ref, b_ref, _ = variant(gates, name, xdata, tdata, W, b, lr, epochs, "right")
    if not (close(W_after, W_ref) and close(b_after, b_ref)):
        if close(W_after, W) and close(b_after, b):
            raise Mistake(f"{what}: W and b did not change; update self.W and self.b in place "
                          "(self.W -= ...), and pass those very arrays to numerical_derivative")
        diagnose(gates, name, xdata, tdata, W, b, lr, epochs, W_after, b_after, what)
    expect_close(W_after, W_ref, f"W after train({epochs})", RULE)
    expect_close(b_after, b_ref, f"b after train({epochs})", RULE)


def test_returns_the_loss_after_each_epoch(gates, rng):
    name, epochs, lr = "AND", 3, 0.4
    xdata, tdata = gates.inputs, gates.targets[name]
    gate = gates.create(name, xdata, tdata, learning_rate=lr, seed=0)
    W, b = gates.start(rng)
    gates.inject(gate, W, b)
    losses = gates.train(gate, epochs)
    _, _, expected = variant(gates, name, xdata, tdata, W, b, lr, epochs, "right")
    if not close(losses, expected):
        _, _, before = variant(gates, name, xdata, tdata, W, b, lr, epochs, "loss_before")
        if close(losses, before):
            raise Mistake(f"train({epochs}) returned the loss BEFORE each epoch; return the loss after "
                          "each epoch's updates of W and b")
    expect_close(np.array(losses), np.array(expected), f"the losses returned by train({epochs})",
                 "one loss_val() per epoch, taken after that epoch's updates: " + RULE)


def test_training_continues(gates, rng):
    name, lr = "NAND", 0.5
    m = 6
    xdata = np.vstack([gates.inputs, rng.integers(0, 2, size=(m - 4, 2))])
    tdata = 1 - (xdata[:, 0] & xdata[:, 1])
    gate = gates.create(name, xdata, tdata, learning_rate=lr, seed=0)
    W, b = gates.start(rng)
    gates.inject(gate, W, b)
    gates.train(gate, 2)
    gates.train(gate, 1)
    W_ref, b_ref, _ = variant(gates, name, xdata, tdata, W, b, lr, 3, "right")
    what = "W after train(2) then train(1) on 6 samples"
    expect_close(as_shape(gates.attribute(gate, "W"), W), W_ref, what,
                 "a second call to train goes on from the current W and b (and any number m of samples)")
    expect_close(as_shape(gates.attribute(gate, "b"), b), b_ref, "b after train(2) then train(1) on 6 samples",
                 "a second call to train goes on from the current W and b")
