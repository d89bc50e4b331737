"""Hidden checks for week03: `LogicGate` learns AND, OR and NAND (cell test_LogicGate_learns, 1 point).

Each gate starts from the grader's parameters (uniform in [0, 1), like the
constructor's draws) and trains a few dozen epochs with learning rate 1.0;
the reference needs at most 5 such epochs from any such start.

Learning is judged from the gate's own ``W`` and ``b`` after ``train`` alone,
with the grader's forward pass (sigmoid(x · W + b) > 0.5) and loss: the loss
of those parameters must be lower than at the start and the parameters must
compute the gate. Neither ``predict`` nor the losses ``train`` returns are
used here, and ``train`` runs with the grader's ``loss_val`` in place (their
own checks grade them), so a mistake in those is never charged twice, and
invented losses or a table of answers earn nothing.
"""

import numpy as np
import pytest

from autograder.checks import expect, numeric
from autograder.texts import domain
from solutions import week03 as ref

_ = domain("week03")
pytestmark = [pytest.mark.cell("test_LogicGate_learns"), pytest.mark.isolated]

EPOCHS, LEARNING_RATE = 30, 1.0


def parameters(gates, gate):
    """The gate's W (2, 1) and b (1,) as float arrays (a transposed W or a column b is reshaped)."""
    W = numeric(gates.parameter(gate, "W"), _("the gate's W"))
    b = numeric(gates.parameter(gate, "b"), _("the gate's b"))
    expect(W.size == 2 and b.size == 1, _("after training, W holds {W} numbers and b {b}; a gate with two inputs "
                                          "has W (2, 1) and b (1,)", W=W.size, b=b.size), "parameter_sizes")
    return W.astype(np.float64).reshape(2, 1), b.astype(np.float64).reshape(1)


@pytest.mark.parametrize("name", ["AND", "OR", "NAND"])
def test_learns_the_gate(gates, rng, name):
    targets = gates.targets[name]
    W0, b0 = rng.random((2, 1)), rng.random(1)
    gate = gates.prepared(name, gates.inputs, targets, W0, b0, learning_rate=LEARNING_RATE, correct_loss=True)
    gates.run_train(gate, EPOCHS)  # what train returns is test_LogicGate_train's business
    W, b = parameters(gates, gate)
    xdata = gates.inputs.astype(np.float64)
    start = ref.cross_entropy(ref.sigmoid(xdata @ W0 + b0), targets.reshape(-1, 1))
    loss = ref.cross_entropy(ref.sigmoid(xdata @ W + b), targets.reshape(-1, 1))
    where = _("the {name} gate after train({epochs}) with learning rate {lr}", name=name, epochs=EPOCHS,
              lr=LEARNING_RATE)
    expect(np.isfinite(loss) and loss < start,
           _("the loss of the gate's own W and b did not fall ({start:.4f} → {loss:.4f}); each epoch should move "
             "them down the loss, W ← W - α·∂E/∂W and b ← b - α·∂E/∂b", start=start, loss=loss),
           "loss_not_lower", where)
    corners = (ref.sigmoid(xdata @ W + b) > 0.5).astype(int).reshape(-1)
    expect(np.array_equal(corners, targets),
           _("the gate's W and b should compute {name}, {want}; with sigmoid(x · W + b) > 0.5 they compute {got}",
             name=name, want=targets.tolist(), got=corners.tolist()), "does_not_learn", where)
