"""Fixtures of the week05 suites: drive a student's ``XORNet`` and its reference twin.

Every test that checks values sets the student's parameters to the
grader's own starting values first (``inject``), so a mistake in the
constructor's random draws costs points only in ``test_XORNet_init``.
"""

import numpy as np
import pytest

from autograder.checks import expect, numeric
from autograder.sandbox.protocol import Expr, Handle
from solutions import week05 as ref

KEYS = ("W2", "b2", "W3", "b3")  # the contract's parameter names, in the lecture's update order

# Writes the grader's parameters into the student's arrays in place (so an
# alias such as self.W2 = self.params["W2"] keeps working); an array of
# another shape or dtype is replaced in the dict instead.
INJECT = Expr(
    "lambda net, new: [np.copyto(net.params[k], v) if isinstance(net.params.get(k), np.ndarray) "
    "and net.params[k].shape == v.shape and net.params[k].dtype == v.dtype "
    "else net.params.__setitem__(k, v.copy()) for k, v in new.items()] and None")


def shapes(h):
    """The contract's parameter shapes for h hidden nodes."""
    return {"W2": (2, h), "b2": (h,), "W3": (h, 1), "b3": (1,)}


class XORNetDriver:
    """Calls into the student's XORNet with student-facing checks on every reply.

    Test modules cannot import from this file (importlib mode), so the
    shared data and helpers are attributes of the fixture.
    """

    keys = KEYS
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])  # the lecture's four inputs
    targets = {"XOR": np.array([0, 1, 1, 0]), "XNOR": np.array([1, 0, 0, 1])}
    shapes = staticmethod(shapes)

    def __init__(self, student):
        self.student = student

    def create(self, xdata, tdata, **kwargs):
        net = self.student.call("XORNet", xdata, tdata, **kwargs)
        expect(isinstance(net, Handle), "XORNet(xdata, tdata, ...) should create an XORNet object "
               "(is XORNet a class with an __init__ method?)")
        return net

    def params(self, net):
        """The student's ``params`` dict, checked for its keys (not its shapes)."""
        params = self.student.getattr(net, "params")
        expect(isinstance(params, dict), "self.params should be a dict of numpy arrays with the keys "
               f"'W2', 'b2', 'W3', 'b3', not {type(params).__name__}")
        expect(set(params) == set(KEYS), f"self.params has the keys {sorted(params)}; it should have "
               "exactly 'W2', 'b2', 'W3', 'b3' (layers numbered from 1, the input layer)")
        return {key: numeric(params[key], f"self.params['{key}']") for key in KEYS}

    def inject(self, net, params):
        """Give the student's net the grader's starting parameters."""
        self.params(net)
        self.student.call(INJECT, net, {key: np.array(value, dtype=np.float64) for key, value in params.items()})

    def loss(self, net):
        value = self.student.call((net, "loss_val"))
        expect(isinstance(value, (int, float)) and not isinstance(value, bool),
               f"loss_val() returned {_kind(value)}; it should return one number, a Python float "
               "(float(...) of the summed cross-entropy)")
        return float(value)

    def train(self, net, epochs):
        losses = self.student.call((net, "train"), epochs)
        expect(isinstance(losses, list), f"train({epochs}) returned {_kind(losses)}; it should return a "
               "list with the loss after each epoch")
        expect(len(losses) == epochs, f"train({epochs}) returned a list of {len(losses)} losses; "
               "it should hold one loss per epoch")
        return [float(numeric(value, f"an element of the list returned by train({epochs})")) for value in losses]

    def predict(self, net, x):
        result = self.student.call((net, "predict"), x)
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               f"predict(x) returned {_kind(result)}; it should return the pair (y, labels)")
        return numeric(result[0], "y of predict(x)"), numeric(result[1], "labels of predict(x)")

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


def _kind(value):
    if value is None:
        return "None (is a `return` missing?)"
    return f"a {type(value).__name__}"


@pytest.fixture
def xornet(student):
    return XORNetDriver(student)
