"""Fixtures shared by week04's hidden suites.

``independent``: calls a student function with correct versions of the
other exercises it may use (``layer_forward``, ``a_node``) swapped into the
notebook's namespace for the duration of the call, so a mistake in one
exercise is never counted again in another (feed_forward may reuse
layer_forward). ``diagnose``: compares with the reference and, on a
mismatch, names the known mistake the answer matches.
"""

import numpy as np
import pytest

from autograder.checks import ATOL, RTOL, Mistake, expect_close
from autograder.sandbox.protocol import Expr, Ref

# Grader-written stand-ins, executed in the student process (only numpy there).
HELPERS = '''
def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))

def layer_forward(A_prev, W, b, activation=_sigmoid):
    Z = (np.asarray(A_prev, dtype=np.float64) @ np.asarray(W, dtype=np.float64)
         + np.asarray(b, dtype=np.float64))
    return Z, activation(Z)

def a_node(z):
    return _sigmoid(z)

STAND_INS = {"layer_forward": layer_forward, "a_node": a_node}

def run(fn, *args, **kwargs):
    names = getattr(fn, "__globals__", {})
    saved = {k: names[k] for k in STAND_INS if k in names}
    names.update(STAND_INS)
    try:
        return fn(*args, **kwargs)
    finally:
        for k in STAND_INS:
            if k in saved:
                names[k] = saved[k]
            else:
                names.pop(k, None)
'''
RUN_INDEPENDENT = Expr(f'(lambda ns: (exec({HELPERS!r}, ns), ns["run"])[1])({{"np": np}})')


@pytest.fixture
def independent(student):
    """``independent(name, *args, return_args=False, count_lines=False)`` → Reply.

    ``reply.args`` (with ``return_args``) are the arguments after the call,
    without the function itself.
    """
    def call(name, *args, return_args=False, count_lines=False, **kwargs):
        student.require(name)
        reply = student.invoke(RUN_INDEPENDENT, (Ref(name), *args), kwargs, return_args=return_args,
                               count_lines=count_lines, what=f"{name}(...)")
        if return_args:
            reply.args = reply.args[1:]
        return reply
    return call


def _close(value, expected):
    try:
        value, expected = np.asarray(value), np.asarray(expected)
    except ValueError:  # a ragged list
        return False
    if value.shape != expected.shape or value.dtype.kind not in "biuf":
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(value.astype(float), expected, rtol=RTOL, atol=ATOL))


@pytest.fixture
def diagnose():
    """``diagnose(value, expected, what, hint, mistakes={message: wrong_value})``.

    Passes if ``value`` matches ``expected`` (shape, then values, within the
    checks' tolerances). Otherwise, if it matches one of the known wrong
    values, the failure names that mistake; else it gives ``hint``.
    """
    def check(value, expected, what, hint, mistakes=None):
        for message, wrong in (mistakes or {}).items():
            if not _close(expected, wrong) and _close(value, wrong):
                raise Mistake(f"{what} has wrong values — {message}")
        return expect_close(value, expected, what, hint)
    return check

