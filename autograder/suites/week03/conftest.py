"""Fixtures of the week03 suites: drive a student's ``LogicGate`` and its reference twin.

Every test that checks values gives the student's gate the grader's own
starting ``W`` and ``b`` first (``inject``), so a mistake in the
constructor's random draws costs points only in ``test_LogicGate_init``.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, numeric
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr, Handle
from solutions import week03 as ref

# Writes the grader's W and b into the student's arrays in place (so an alias
# such as self.params = [self.W, self.b] keeps working). An attribute of the
# same size but another shape (a transposed W (1, 2), a column b (1, 1))
# receives the same values in its own shape, so that shape mistake costs
# points in the construction and prediction checks only; anything else is
# replaced.
INJECT = Expr(
    "lambda gate, new: [np.copyto(getattr(gate, k), v.reshape(getattr(gate, k).shape)) "
    "if isinstance(getattr(gate, k, None), np.ndarray) and getattr(gate, k).size == v.size "
    "and getattr(gate, k).dtype.kind == 'f' "
    "else setattr(gate, k, v.copy()) for k, v in new.items()] and None")

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])  # the lecture's four inputs
TARGETS = {name: np.array(table) for name, table in
           (("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0]), ("XOR", [0, 1, 1, 0]))}


class GateDriver:
    """Calls into the student's LogicGate with student-facing checks on every reply.

    Test modules cannot import from this file (importlib mode), so the
    shared data and helpers are attributes of the fixture.
    """

    inputs = INPUTS
    targets = TARGETS

    def __init__(self, student):
        self.student = student

    def create(self, name, xdata, tdata, **kwargs):
        gate = self.student.call("LogicGate", name, xdata, tdata, **kwargs)
        expect(isinstance(gate, Handle), "LogicGate(gate_name, xdata, tdata, ...) should create a LogicGate "
               "object (is LogicGate a class with an __init__ method?)")
        return gate

    def attribute(self, gate, name):
        try:
            return self.student.getattr(gate, name)
        except RaisedError as exc:
            if exc.exc_type != "AttributeError":
                raise
        raise Mistake(f"the gate has no attribute `{name}`; keep the data and parameters as public attributes "
                      "self.name, self.xdata, self.tdata, self.W, self.b, self.learning_rate "
                      "(not self.__W: double underscores hide the name)")

    def inject(self, gate, W, b):
        """Give the student's gate the grader's starting parameters."""
        self.student.call(INJECT, gate, {"W": np.array(W, dtype=np.float64), "b": np.array(b, dtype=np.float64)})

    def loss(self, gate):
        value = self.student.call((gate, "loss_val"))
        expect(isinstance(value, (int, float)) and not isinstance(value, bool),
               f"loss_val() returned {_kind(value)}; it should return one number, a Python float "
               "(the summed cross-entropy)")
        return float(value)

    def train(self, gate, epochs):
        losses = self.student.call((gate, "train"), epochs)
        expect(isinstance(losses, list), f"train({epochs}) returned {_kind(losses)}; it should return a "
               "list with the loss after each epoch")
        expect(len(losses) == epochs, f"train({epochs}) returned a list of {len(losses)} losses; "
               "it should hold one loss per epoch")
        return [float(numeric(value, f"an element of the list returned by train({epochs})")) for value in losses]

    def predict(self, gate, x):
        result = self.student.call((gate, "predict"), x)
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               f"predict(x) returned {_kind(result)}; it should return the pair (y, labels)")
        return numeric(result[0], "y of predict(x)"), numeric(result[1], "labels of predict(x)")

    @staticmethod
    def start(rng, scale=1.0):
        """Starting W (2, 1) and b (1,) of both signs (unlike the constructor's draws)."""
        return rng.normal(0.0, scale, size=(2, 1)), rng.normal(0.0, scale, size=1)

    @staticmethod
    def reference(name, xdata, tdata, W, b, learning_rate=1e-2):
        """The reference gate on the same data, starting from W and b."""
        gate = ref.LogicGate(name, xdata, tdata, learning_rate=learning_rate, seed=0)
        gate.W, gate.b = np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)
        return gate


def _kind(value):
    if value is None:
        return "None (is a `return` missing?)"
    return f"a {type(value).__name__}"


@pytest.fixture
def gates(student):
    return GateDriver(student)
