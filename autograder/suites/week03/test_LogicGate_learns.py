"""Hidden checks for week03: `LogicGate` learns AND, OR and NAND (cell test_LogicGate_learns, 1 point).

Each gate starts from the grader's parameters (uniform in [0, 1), like the
constructor's draws) and trains a few dozen epochs with learning rate 1.0;
the reference needs at most 5 such epochs from any such start.

Learning is judged from the gate's own ``W`` and ``b`` after ``train``,
with the reference's forward pass and loss: the loss ``train`` reports
must be the loss of those parameters, lower than at the start, and the
parameters must compute the gate. ``predict`` is not called here (its own
checks grade it, on inputs of any value), so invented losses or a table of
answers earn nothing, and a mistake in ``predict`` is not charged twice.
"""

import numpy as np
import pytest

from autograder.checks import expect, numeric
from solutions import week03 as ref

pytestmark = [pytest.mark.cell("test_LogicGate_learns"), pytest.mark.isolated]

EPOCHS, LEARNING_RATE = 30, 1.0
LOSS_RTOL = 1e-6  # the reported loss against the loss of the gate's own parameters


def parameters(gates, gate):
    """The gate's W (2, 1) and b (1,) as float arrays (a transposed W or a column b is reshaped)."""
    W = numeric(gates.attribute(gate, "W"), "the gate's W")
    b = numeric(gates.attribute(gate, "b"), "the gate's b")
    expect(W.size == 2 and b.size == 1, f"after training, W holds {W.size} numbers and b {b.size}; "
           "a gate with two inputs has W (2, 1) and b (1,)")
    return W.astype(np.float64).reshape(2, 1), b.astype(np.float64).reshape(1)


@pytest.mark.parametrize("name", ["AND", "OR", "NAND"])
def test_learns_the_gate(gates, rng, name):
    targets = gates.targets[name]
    gate = gates.create(name, gates.inputs, targets, learning_rate=LEARNING_RATE, seed=0)
    W0, b0 = rng.random((2, 1)), rng.random(1)
    gates.inject(gate, W0, b0)
    losses = gates.train(gate, EPOCHS)
    W, b = parameters(gates, gate)
    xdata = gates.inputs.astype(np.float64)
    start = ref.cross_entropy(ref.sigmoid(xdata @ W0 + b0), targets.reshape(-1, 1))
    loss = ref.cross_entropy(ref.sigmoid(xdata @ W + b), targets.reshape(-1, 1))
    expect(np.isfinite(losses[-1]) and abs(losses[-1] - loss) <= LOSS_RTOL * max(1.0, abs(loss)),
           f"train({EPOCHS}) reported a last loss of {losses[-1]:.6g}, but the gate's own W and b after "
           f"training have the loss {loss:.6g}: report the loss of the parameters after each epoch")
    expect(loss < start, f"training {name} for {EPOCHS} epochs (learning rate {LEARNING_RATE}) did not lower "
           f"the loss of the gate's parameters ({start:.4f} → {loss:.4f}): gradient descent subtracts "
           "learning rate × derivative from W and b")
    corners = (ref.sigmoid(xdata @ W + b) > 0.5).astype(int).reshape(-1)
    expect(np.array_equal(corners, targets),
           f"after {EPOCHS} epochs (learning rate {LEARNING_RATE}) the gate's W and b should compute {name}, "
           f"{targets.tolist()}; they compute {corners.tolist()}")
