"""Fixtures of the week03 suites: drive a student's ``LogicGate`` and its reference twin.

Every test that checks values gives the student's gate the grader's own
starting ``W`` and ``b`` first (``inject``), so a mistake in the
constructor's random draws costs points only in ``test_LogicGate_init``.
"""

import numpy as np
import pytest

from autograder.checks import Mistake
from autograder.sandbox.errors import RaisedError
from autograder.checks.models import ModelDriver, inject
from solutions import week03 as ref

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])  # the lecture's four inputs
TARGETS = {name: np.array(table) for name, table in
           (("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0]), ("XOR", [0, 1, 1, 0]))}


class GateDriver(ModelDriver):
    """Calls into the student's LogicGate with student-facing checks on every reply.

    Test modules cannot import from this file (importlib mode), so the
    shared data and helpers are attributes of the fixture.
    """

    cls, arguments = "LogicGate", "gate_name, xdata, tdata"
    inputs = INPUTS
    targets = TARGETS

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
        """Give the student's gate the grader's starting parameters.

        A W or b of the right size in another shape (a transposed W (1, 2),
        a column b (1, 1)) keeps its shape, so that mistake costs points in
        the construction and prediction checks only.
        """
        inject(self.student, gate, {"W": W, "b": b}, keep_shape=True)

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


@pytest.fixture
def gates(student):
    return GateDriver(student)
