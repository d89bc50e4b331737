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

Every ``text``, ``hint`` and ``where`` of words is a :class:`~autograder.texts.Text`
(``_("...")`` of the suite's catalogue), so the student reads it in the
course's language; a plain string ``where`` is code (``sigmoid(0)``), read
the same in every language.
"""

import numpy as np

from ..sandbox.errors import RaisedError
from ..texts import Joined, Text, domain

_ = domain("checks")

RTOL = 1e-6  # relative tolerance against the reference
ATOL = 1e-9  # absolute tolerance against the reference


class Mistake(Exception):
    """A check failed: ``text`` explains it to the student, ``kind`` names it (None: the test's
    name), ``where`` is the input it showed on; ``str()`` is the whole sentence."""

    def __init__(self, text: Text, kind: str | None = None, where: Text | str | None = None):
        if not isinstance(text, Text):
            raise TypeError(f"a Mistake's text is a texts.Text, _('...') of the suite's catalogue: {text!r}")
        self.text, self.kind, self.where = text, kind, where
        super().__init__(f"{where}: {text}" if where else str(text))


def expect(condition: object, message: Text, kind: str | None = None, where: Text | str | None = None) -> None:
    if not condition:
        raise Mistake(message, kind, where)


def numeric(value: object, what: str) -> np.ndarray:
    """``value`` as an ndarray, if it is a number or a numeric array."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.ndarray, np.generic)):
        raise Mistake(_("returned {value}; expected a number or a numpy array", value=kind_of(value)),
                      "return_type", what)
    return np.asarray(value)


def expect_shape(value: object, shape: tuple, what, hint: Text | str = "") -> np.ndarray:
    array = numeric(value, what)
    expect(array.shape == tuple(shape), with_hint(_("has shape {got}, expected {want}", got=array.shape,
                                                   want=tuple(shape)), hint), "shape", what)
    return array


def expect_float64(value: object, what) -> None:
    array = numeric(value, what)
    expect(array.dtype == np.float64,
           _("has dtype {dtype}; every array the exercises return is float64 "
             "(use np.asarray(x, dtype=float) or a float operation)", dtype=array.dtype), "dtype", what)


def expect_close(value: object, expected: object, what, hint: Text | str = "", rtol: float = RTOL,
                 atol: float = ATOL) -> np.ndarray:
    """Shape first (a clearer message), then values within the named tolerances."""
    expected = np.asarray(expected)
    array = expect_shape(value, expected.shape, what, hint)
    with np.errstate(all="ignore"):
        ok = np.allclose(array.astype(float), expected, rtol=rtol, atol=atol, equal_nan=False)
    expect(ok and np.all(np.isfinite(array) == np.isfinite(expected)), with_hint(_("wrong values"), hint),
           where=what)
    return array


def diagnose(value: object, expected: object, what, hint: Text | str = "", mistakes: dict | None = None,
             rtol: float = RTOL) -> np.ndarray:
    """:func:`expect_close`, naming the known mistake a wrong answer matches.

    ``mistakes`` maps a message Text (or a ``(kind, message)`` pair) to the
    wrong value that mistake gives. A wrong ``value`` that matches exactly
    one of them (which itself differs from ``expected``) fails with its
    message; any other wrong value, or one that several mistakes would
    explain, with ``hint``: a cause is named only where the evidence shows it.
    """
    matching = [named for named, wrong in (mistakes or {}).items()
                if not _matches(expected, wrong, rtol) and _matches(value, wrong, rtol)]
    if len(matching) == 1:
        kind, message = matching[0] if isinstance(matching[0], tuple) else (None, matching[0])
        raise Mistake(with_hint(_("wrong values"), message), kind, what)
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


def expect_unchanged(before: object, after: object, what) -> None:
    """``after`` (the argument as the student's function left it) equals ``before``, in shape and values."""
    before, after = np.asarray(before), np.asarray(after)
    expect(before.shape == after.shape, _("changed the shape of an array it was given (from {before} to "
                                          "{after}); work on a copy, never on the input",
                                          before=before.shape, after=after.shape), "changes_input", what)
    expect(np.array_equal(before, after),
           _("changed an array it was given; work on a copy, never on the input"), "changes_input", what)


def kind_of(value: object) -> Text:
    """What a wrong return value is, for a message ("a str", "None (is a `return` missing?)")."""
    if value is None:
        return _("None (is a `return` missing?)")
    return _("a {type}", type=type(value).__name__)


def with_hint(text: Text, hint: Text | str = "") -> Text:
    """``text — hint`` (just ``text`` without a hint)."""
    return Joined([text, hint], " — ") if hint else text


# numpy's error state for "must not overflow": over/divide/invalid raise, as
# in the curriculum; underflow to 0 is the right answer for e^{-1000}
STRICT = {"over": "raise", "divide": "raise", "invalid": "raise"}

def call_strict(student, name: str, *args, what=None, mistake: Text | str = "", **kwargs):
    """Call with numpy's STRICT error state; an overflow becomes a Mistake.

    Returns the :class:`~autograder.sandbox.process.Reply`; warnings, if
    any, are a Mistake too ("never overflows or warns").
    """
    what = what or f"{name}(x)"
    try:
        reply = student.invoke(name, args, kwargs, errstate=STRICT)
    except RaisedError as exc:
        if exc.exc_type == "FloatingPointError":
            raise Mistake(with_hint(_("made numpy raise FloatingPointError ({detail})", detail=exc.exc_message),
                                    mistake), "overflow", what) from None
        raise
    if reply.warnings:
        raise Mistake(with_hint(_("warned: {warning}", warning=reply.warnings[0]), mistake), "overflow", what)
    return reply
