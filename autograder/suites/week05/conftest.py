"""Fixtures of the week05 suites: drive a student's ``XORNet`` and its reference twin.

Every test that checks values sets the student's parameters to the
grader's own starting values first (``inject``), so a mistake in the
constructor's random draws or shapes costs points only in ``test_XORNet_init``.
A weight matrix the student keeps transposed, (n_next, n_prev), receives
the grader's values transposed and is read back the same way (as week03
keeps a transposed ``W``), so that convention costs points only where shapes
are checked; any other shape is replaced by the contract's.
"""

import numpy as np
import pytest

from autograder.checks import Mistake, expect, kind_of, numeric
from autograder.checks.models import ModelDriver, inject
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain
from solutions import week05 as ref

_ = domain("week05")

KEYS = ("W2", "b2", "W3", "b3")  # the contract's parameter names, in the lecture's update order


def shapes(h):
    """The contract's parameter shapes for h hidden nodes."""
    return {"W2": (2, h), "b2": (h,), "W3": (h, 1), "b3": (1,)}


def transposed(shape, array):
    """Whether ``array`` is held as the transpose of a 2-D, non-square contract ``shape``."""
    return len(shape) == 2 and shape[0] != shape[1] and array.shape == shape[::-1]


def is_number(value):
    """One number: a Python or numpy scalar, or an array holding exactly one."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf"


class XORNetDriver(ModelDriver):
    """Calls into the student's XORNet with student-facing checks on every reply.

    Test modules cannot import from this file (importlib mode), so the
    shared data and helpers are attributes of the fixture.
    """

    cls, arguments = "XORNet", "xdata, tdata"
    loss_value = _("float(...) of the summed cross-entropy")
    keys = KEYS
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])  # the lecture's four inputs
    targets = {"XOR": np.array([0, 1, 1, 0]), "XNOR": np.array([1, 0, 0, 1])}
    shapes = staticmethod(shapes)
    is_number = staticmethod(is_number)

    def create(self, *args, **kwargs):
        try:
            return super().create(*args, **kwargs)
        except RaisedError as exc:
            given_lists = any(isinstance(arg, list) for arg in args[:2])
            if given_lists and exc.exc_type in ("AttributeError", "TypeError") and "'list'" in exc.exc_message:
                raise Mistake(_("XORNet(...) raised {error}: {message}; xdata and tdata may be Python lists, "
                                "so turn them into arrays first, np.asarray(xdata, dtype=np.float64)",
                                error=exc.exc_type, message=exc.exc_message), "list_inputs") from None
            raise

    def params(self, net):
        """The student's ``params`` dict, checked for its keys (not its shapes)."""
        params = self.student.getattr(net, "params")
        expect(isinstance(params, dict), _("self.params should be a dict of numpy arrays with the keys "
                                           "'W2', 'b2', 'W3', 'b3', not {value}", value=kind_of(params)),
               "params_not_a_dict")
        expect(set(params) == set(KEYS), _("self.params has the keys {keys}; it should have exactly 'W2', "
                                           "'b2', 'W3', 'b3' (layers numbered from 1, the input layer)",
                                           keys=sorted(map(str, params))), "params_keys")
        return {key: numeric(params[key], f"self.params['{key}']") for key in KEYS}

    def inject(self, net, params):
        """Give the student's net the grader's starting parameters (into ``self.params``):
        in place where the student's array has the contract's shape, transposed where it is
        the transposed matrix; anything else is replaced in the dict."""
        held = self.params(net)
        values = {key: np.asarray(value).T if transposed(np.shape(value), held[key]) else value
                  for key, value in params.items()}
        inject(self.student, net, values, attribute="params")

    def contract_params(self, net, h, when):
        """The student's parameters in the contract's shapes for h hidden nodes (a transposed
        weight matrix read back transposed), as float64; a wrong number of values is a Mistake."""
        params = self.params(net)
        found = {}
        for key, shape in shapes(h).items():
            value = params[key]
            expect(value.size == int(np.prod(shape)),
                   _("{when}, params['{key}'] holds {count} numbers; with {h} hidden nodes it has shape "
                     "{shape}", when=when, key=key, count=value.size, h=h, shape=shape), "shape")
            value = value.T if transposed(shape, value) else value.reshape(shape)
            found[key] = value.astype(np.float64)
        return found

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
