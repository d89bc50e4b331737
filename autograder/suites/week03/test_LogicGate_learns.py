"""Hidden checks for week03: `LogicGate` learns AND, OR and NAND (cell test_LogicGate_learns, 1 point).

Each gate starts from the grader's parameters (uniform in [0, 1), like the
constructor's draws) and trains a few dozen epochs with learning rate 1.0;
the reference needs at most 5 such epochs from any such start.
"""

import numpy as np
import pytest

from autograder.checks import expect

pytestmark = [pytest.mark.cell("test_LogicGate_learns"), pytest.mark.isolated]

EPOCHS, LEARNING_RATE = 30, 1.0


@pytest.mark.parametrize("name", ["AND", "OR", "NAND"])
def test_learns_the_gate(gates, rng, name):
    targets = gates.targets[name]
    gate = gates.create(name, gates.inputs, targets, learning_rate=LEARNING_RATE, seed=0)
    gates.inject(gate, rng.random((2, 1)), rng.random(1))
    start = gates.loss(gate)
    losses = gates.train(gate, EPOCHS)
    expect(losses[-1] < start and np.all(np.isfinite(losses)),
           f"training {name} for {EPOCHS} epochs (learning rate {LEARNING_RATE}) did not lower the loss "
           f"({start:.4f} → {losses[-1]:.4f}); gradient descent subtracts learning rate × derivative")
    _, labels = gates.predict(gate, gates.inputs)
    got = np.asarray(labels).reshape(-1)
    expect(got.shape == (4,) and np.array_equal(got, targets),
           f"after {EPOCHS} epochs (learning rate {LEARNING_RATE}) the gate should compute {name}, "
           f"{targets.tolist()}; it predicts {got.tolist()}")
