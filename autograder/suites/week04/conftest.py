"""Fixtures shared by week04's hidden suites.

``independent``: calls a student function with correct versions of the
other exercises it may use (``layer_forward``, ``a_node``) swapped into the
notebook's namespace for the duration of the call, so a mistake in one
exercise is never counted again in another (feed_forward may reuse
layer_forward).
"""

import pytest

from autograder.checks.stand_ins import StandIns

STAND_INS = StandIns('''
def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))

def layer_forward(A_prev, W, b, activation=_sigmoid):
    Z = (np.asarray(A_prev, dtype=np.float64) @ np.asarray(W, dtype=np.float64)
         + np.asarray(b, dtype=np.float64))
    return Z, activation(Z)

def a_node(z):
    return _sigmoid(z)
''', ["layer_forward", "a_node"])


@pytest.fixture
def stand_ins():
    """The stand-ins themselves (their helpers, for calls made another way)."""
    return STAND_INS


@pytest.fixture
def independent(student):
    """``independent(name, *args, return_args=False)`` → Reply.

    ``reply.args`` (with ``return_args``) are the arguments after the call,
    without the function itself.
    """
    def call(name, *args, return_args=False, **kwargs):
        return STAND_INS.invoke(student, name, *args, return_args=return_args, **kwargs)
    return call
