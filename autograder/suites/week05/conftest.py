"""Fixtures of the week05 suites: drive a student's ``XORNet`` and its reference twin.

Every test that checks values sets the student's parameters to the
grader's own starting values first (``inject``), so a mistake in the
constructor's random draws costs points only in ``test_XORNet_init``.
"""

import numpy as np
import pytest

from autograder.checks import expect, numeric
from autograder.checks.models import ModelDriver, inject
from solutions import week05 as ref

KEYS = ("W2", "b2", "W3", "b3")  # the contract's parameter names, in the lecture's update order


def shapes(h):
    """The contract's parameter shapes for h hidden nodes."""
    return {"W2": (2, h), "b2": (h,), "W3": (h, 1), "b3": (1,)}


class XORNetDriver(ModelDriver):
    """Calls into the student's XORNet with student-facing checks on every reply.

    Test modules cannot import from this file (importlib mode), so the
    shared data and helpers are attributes of the fixture.
    """

    cls, article, arguments = "XORNet", "an", "xdata, tdata"
    loss_value = "float(...) of the summed cross-entropy"
    keys = KEYS
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])  # the lecture's four inputs
    targets = {"XOR": np.array([0, 1, 1, 0]), "XNOR": np.array([1, 0, 0, 1])}
    shapes = staticmethod(shapes)

    def params(self, net):
        """The student's ``params`` dict, checked for its keys (not its shapes)."""
        params = self.student.getattr(net, "params")
        expect(isinstance(params, dict), "self.params should be a dict of numpy arrays with the keys "
               f"'W2', 'b2', 'W3', 'b3', not {type(params).__name__}")
        expect(set(params) == set(KEYS), f"self.params has the keys {sorted(params)}; it should have "
               "exactly 'W2', 'b2', 'W3', 'b3' (layers numbered from 1, the input layer)")
        return {key: numeric(params[key], f"self.params['{key}']") for key in KEYS}

    def inject(self, net, params):
        """Give the student's net the grader's starting parameters (into ``self.params``;
        an array of another shape or dtype is replaced in the dict)."""
        self.params(net)
        inject(self.student, net, params, attribute="params")

    @staticmethod
    def start(rng, h, scale=1.0):
        """Starting parameters for h hidden nodes, of both signs (unlike the constructor's draws)."""
        return {key: rng.normal(0.0, scale, size=shape) for key, shape in shapes(h).items()}

    @staticmethod
    def reference(xdata, tdata, start, learning_rate=0.5):
        """The reference network on the same data, starting from ``start``."""
        net = ref.XORNet(xdata, tdata, hidden_nodes=start["b2"].size, learning_rate=learning_rate, seed=0)
        net.params = {key: np.array(value, dtype=np.float64) for key, value in start.items()}
        return net


@pytest.fixture
def xornet(student):
    return XORNetDriver(student)
