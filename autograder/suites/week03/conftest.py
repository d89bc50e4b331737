"""Fixtures of the week03 suites: drive a student's ``LogicGate`` and its reference twin.

Every test that checks values gives the student's gate the grader's own
data, learning rate and starting ``W`` and ``b`` first (``prepared``), so a
mistake in the constructor (the random draws, a fixed reshape(4, 2), data
kept as integers, a learning rate not stored, W (2,) or b (1, 1)) costs
points only in ``test_LogicGate_init``. Attributes the lecture keeps private
(``self.__W``) are found and filled under their mangled names too, so that
mistake is charged by the construction checks alone.
"""

import numpy as np
import pytest

from autograder.checks import Mistake
from autograder.checks.models import ModelDriver, inject
from autograder.sandbox.errors import RaisedError
from autograder.sandbox.protocol import Expr
from autograder.texts import domain
from solutions import week03 as ref

_ = domain("week03")

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])  # the lecture's four inputs
TARGETS = {name: np.array(table) for name, table in
           (("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0]), ("XOR", [0, 1, 1, 0]))}

PUBLIC = _("keep the data and parameters as public attributes self.name, self.xdata, self.tdata, self.W, "
           "self.b, self.learning_rate")

# Run in the student process (isolated checks only). SET_ATTRIBUTE gives the gate a plain float
# learning rate; LOSS_STAND_IN gives it a correct loss_val (the summed cross-entropy of the
# reference, reading the gate's own attributes, whatever their names), so the checks of train
# judge the updates alone and a wrong loss_val costs points in its own checks only.
SET_ATTRIBUTE = Expr("lambda obj, name, value: setattr(obj, name, value)")
LOSS_STAND_IN = Expr('''
def install(gate, x_name, t_name, W_name, b_name):
    def loss_val():
        W = getattr(gate, W_name)
        W = np.reshape(W, (2, 1)) if np.size(W) == 2 else W
        z = np.asarray(getattr(gate, x_name), dtype=np.float64) @ W + getattr(gate, b_name)
        e = np.exp(-np.abs(z))
        y = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        t = np.asarray(getattr(gate, t_name), dtype=np.float64).reshape(y.shape)
        return float(-np.sum(t * np.log(y + 1e-7) + (1 - t) * np.log(1 - y + 1e-7)))
    gate.loss_val = loss_val

install
''')


class GateDriver(ModelDriver):
    """Calls into the student's LogicGate with student-facing checks on every reply.

    Test modules cannot import from this file (importlib mode), so the
    shared data and helpers are attributes of the fixture.
    """

    cls, arguments = "LogicGate", "gate_name, xdata, tdata"
    loss_value = _("the summed cross-entropy of sigmoid(xdata · W + b) against tdata")
    inputs = INPUTS
    targets = TARGETS

    def _lookup(self, gate, name):
        """``(value, attribute)`` of a contract attribute, public or name-mangled (self.__W);
        ``(None, None)`` if the gate has neither."""
        for attribute in (name, f"_{self.cls}__{name}"):
            try:
                return self.student.getattr(gate, attribute), attribute
            except RaisedError as exc:
                if exc.exc_type != "AttributeError":
                    raise
        return None, None

    def attribute(self, gate, name):
        """The public attribute ``name`` (the construction checks: a private one is a mistake)."""
        value, found = self._lookup(gate, name)
        if found == name:
            return value
        if found is not None:
            raise Mistake(_("the gate keeps `{name}` as a private self.__{name}: double underscores hide the "
                            "name from outside the class; {public}", name=name, public=PUBLIC),
                          "private_attributes")
        raise Mistake(_("the gate has no attribute `{name}`; {public}", name=name, public=PUBLIC),
                      "missing_attribute")

    def parameter(self, gate, name):
        """W or b after training, public or private (the construction checks charge a private one)."""
        value, found = self._lookup(gate, name)
        if found is None:
            raise Mistake(_("the gate has no attribute `{name}`; {public}", name=name, public=PUBLIC),
                          "missing_attribute")
        return value

    def inject(self, gate, W, b):
        """Give the student's gate the grader's starting parameters.

        A transposed W (1, 2) keeps its shape (the student's code is written
        for it); any other W gets the contract's (2, 1) and b its (1,), so a
        W (2,) or a column b (1, 1) costs points in the construction checks
        only.
        """
        W_now, W_name = self._lookup(gate, "W")
        _b_now, b_name = self._lookup(gate, "b")
        transposed = isinstance(W_now, np.ndarray) and W_now.shape == (1, 2)
        inject(self.student, gate, {W_name or "W": W}, keep_shape=transposed)
        inject(self.student, gate, {b_name or "b": np.reshape(b, 1)})

    def prepared(self, name, xdata, tdata, W, b, learning_rate=1e-2, correct_loss=False):
        """A student gate holding the grader's data (xdata (m, 2), tdata (m, 1) float64), learning rate,
        W and b, whatever its constructor made of them (isolated checks only); with ``correct_loss``,
        its loss_val is the grader's (for the checks of train)."""
        try:
            gate = self.create(name, xdata, tdata, learning_rate=learning_rate, seed=0)
        except RaisedError:  # the constructor's own mistake (a fixed reshape(4, 2)): init's checks charge it
            gate = self.create(name, INPUTS, TARGETS["AND"], learning_rate=learning_rate, seed=0)
        data = {"xdata": np.asarray(xdata, dtype=np.float64).reshape(-1, 2),
                "tdata": np.asarray(tdata, dtype=np.float64).reshape(-1, 1)}
        names = {}
        for key, value in data.items():
            names[key] = self._lookup(gate, key)[1] or key
            inject(self.student, gate, {names[key]: value})
        rate = self._lookup(gate, "learning_rate")[1] or "learning_rate"
        self.student.call(SET_ATTRIBUTE, gate, rate, float(learning_rate))
        self.inject(gate, W, b)
        if correct_loss:
            W_name, b_name = (self._lookup(gate, key)[1] or key for key in ("W", "b"))
            self.student.call(LOSS_STAND_IN, gate, names["xdata"], names["tdata"], W_name, b_name)
        return gate

    def run_train(self, model, epochs: int) -> None:
        """train(epochs), for its effect on W and b (what it returns is judged by its own check)."""
        self.student.call((model, "train"), epochs)

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
