"""Assertions for the hidden suites, with messages written for students.

A hidden test fails by raising :class:`Mistake` with a sentence that names
the mistake in the lecture's terms ("did you forget to add b?"). pytest's
own assertion text is never shown to a student: it quotes the test's code.
Tolerances are named here so every suite uses the same ones.

Each Mistake has a ``kind``, the second half of its stable id
(``<exercise>.<kind>``, e.g. ``sigmoid.dtype``): the helpers here name the
kinds they check (``dtype``, ``shape``, ``changes_input``, ``overflow``,
``loops``, ``return_type``); a check that names none is known by its test's
name (``sigmoid.values_on_random_inputs``). ``where`` says on which input
the check saw it ("x of shape (3, 4)", "x = -1000"), so feedback can name
a mistake once with every input that showed it.
"""

import numpy as np

from ..sandbox.errors import RaisedError

RTOL = 1e-6  # relative tolerance against the reference
ATOL = 1e-9  # absolute tolerance against the reference


class Mistake(Exception):
    """A check failed: ``text`` explains it to the student, ``kind`` names it (None: the test's
    name), ``where`` is the input it showed on; ``str()`` is the whole sentence."""

    def __init__(self, text: str, kind: str | None = None, where: str | None = None):
        self.text, self.kind, self.where = text, kind, where
        super().__init__(f"{where}: {text}" if where else text)


def expect(condition: object, message: str, kind: str | None = None, where: str | None = None) -> None:
    if not condition:
        raise Mistake(message, kind, where)


def numeric(value: object, what: str) -> np.ndarray:
    """``value`` as an ndarray, if it is a number or a numeric array."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.ndarray, np.generic)):
        raise Mistake(f"returned {kind_of(value)}; expected a number or a numpy array", "return_type", what)
    return np.asarray(value)


def expect_shape(value: object, shape: tuple, what: str, hint: str = "") -> np.ndarray:
    array = numeric(value, what)
    expect(array.shape == tuple(shape), f"has shape {array.shape}, expected {tuple(shape)}" + _hint(hint),
           "shape", what)
    return array


def expect_float64(value: object, what: str) -> None:
    array = numeric(value, what)
    expect(array.dtype == np.float64,
           f"has dtype {array.dtype}; every array the exercises return is float64 "
           "(use np.asarray(x, dtype=float) or a float operation)", "dtype", what)


def expect_close(value: object, expected: object, what: str, hint: str = "", rtol: float = RTOL,
                 atol: float = ATOL) -> np.ndarray:
    """Shape first (a clearer message), then values within the named tolerances."""
    expected = np.asarray(expected)
    array = expect_shape(value, expected.shape, what, hint)
    with np.errstate(all="ignore"):
        ok = np.allclose(array.astype(float), expected, rtol=rtol, atol=atol, equal_nan=False)
    expect(ok and np.all(np.isfinite(array) == np.isfinite(expected)), "wrong values" + _hint(hint),
           where=what)
    return array


def diagnose(value: object, expected: object, what: str, hint: str = "", mistakes: dict | None = None,
             rtol: float = RTOL) -> np.ndarray:
    """:func:`expect_close`, naming the known mistake a wrong answer matches.

    ``mistakes`` maps a message (or a ``(kind, message)`` pair) to the
    wrong value that mistake gives. A wrong ``value`` that matches exactly
    one of them (which itself differs from ``expected``) fails with its
    message; any other wrong value, or one that several mistakes would
    explain, with ``hint``: a cause is named only where the evidence shows it.
    """
    matching = [named for named, wrong in (mistakes or {}).items()
                if not _matches(expected, wrong, rtol) and _matches(value, wrong, rtol)]
    if len(matching) == 1:
        kind, message = matching[0] if isinstance(matching[0], tuple) else (None, matching[0])
        raise Mistake("wrong values" + _hint(message), kind, what)
    return expect_close(value, expected, what, hint, rtol=rtol)


def _matches(value, expected, rtol):
    """Same shape and values within the tolerances; False for anything else."""
    try:
        value, expected = np.asarray(value), np.asarray(expected)
    except ValueError:  # a ragged list
        return False
    if value.shape != expected.shape or value.dtype.kind not in "biuf" or expected.dtype.kind not in "biuf":
        return False
    with np.errstate(all="ignore"):  # in float64: a float16 side would round the tolerance to 0
        return bool(np.allclose(value.astype(float), expected.astype(float), rtol=rtol, atol=ATOL))


def expect_unchanged(before: object, after: object, what: str) -> None:
    expect(np.array_equal(np.asarray(before), np.asarray(after)),
           "changed an array it was given; work on a copy, never on the input", "changes_input", what)


def kind_of(value: object) -> str:
    """What a wrong return value is, for a message ("a str", "None (is a `return` missing?)")."""
    if value is None:
        return "None (is a `return` missing?)"
    return f"a {type(value).__name__}"


def _hint(hint):
    return f" — {hint}" if hint else ""


# numpy's error state for "must not overflow": over/divide/invalid raise, as
# in the curriculum; underflow to 0 is the right answer for e^{-1000}
STRICT = {"over": "raise", "divide": "raise", "invalid": "raise"}

def call_strict(student, name: str, *args, what: str | None = None, mistake: str = "", **kwargs):
    """Call with numpy's STRICT error state; an overflow becomes a Mistake.

    Returns the :class:`~autograder.sandbox.process.Reply`; warnings, if
    any, are a Mistake too ("never overflows or warns").
    """
    what = what or f"{name}(x)"
    try:
        reply = student.invoke(name, args, kwargs, errstate=STRICT)
    except RaisedError as exc:
        if exc.exc_type == "FloatingPointError":
            raise Mistake(f"made numpy raise FloatingPointError ({exc.exc_message})" + _hint(mistake),
                          "overflow", what) from None
        raise
    if reply.warnings:
        raise Mistake(f"warned: {reply.warnings[0]}" + _hint(mistake), "overflow", what)
    return reply
