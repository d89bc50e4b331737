"""Hidden checks for week06 `rel_error` (cell test_rel_error, 1 point)."""

import numpy as np
import pytest

from autograder.checks import Mistake, call_strict, diagnose, expect, kind_of
from autograder.checks.expect import with_hint
from autograder.sandbox.errors import RaisedError
from autograder.texts import domain
from solutions import week06 as ref

_ = domain("week06")
pytestmark = pytest.mark.cell("test_rel_error")

HINT = _("rel_error is max(|a − b| / max(1e-8, |a| + |b|)) over all elements")
FLOOR_HINT = _("the floor 1e-8 keeps two nearly-zero gradients from counting as a 100% error")
MEAN = ("mean", _("report the WORST element (np.max), not the mean"))
SIGNED = ("signed_difference", _("the numerator is the absolute difference |a − b|"))
ABS_OF_SUM = ("abs_of_sum", _("the denominator is |a| + |b| (both absolute values), not |a + b|"))
ONE_SIDED = ("one_sided", _("the denominator is |a| + |b|, the same whichever argument comes first, "
                            "not |a| or |b| alone"))
NO_FLOOR = ("no_floor", _("the denominator is max(1e-8, |a| + |b|): the floor 1e-8 is missing"))
FLOOR_ADDED = ("floor_added", _("the floor is max(1e-8, |a| + |b|), not |a| + |b| + 1e-8"))
ZERO_BY_ZERO = _("0 / 0: the floor 1e-8 in the denominator, max(1e-8, |a| + |b|), prevents it")
ELEMENTWISE = _("the floor has to be taken element by element: np.maximum(1e-8, |a| + |b|) (Python's max() and "
                "an `if` compare single numbers, not arrays)")


def rel_error(student, a, b, what, strict=False):
    """The student's rel_error(a, b), checked to be one float; ``strict``: a warning (0 / 0) is a mistake."""
    try:
        if strict:
            try:
                value = call_strict(student, "rel_error", a, b, what=what, mistake=ZERO_BY_ZERO).value
            except Mistake as mistake:
                raise Mistake(mistake.text, NO_FLOOR[0], mistake.where) from None
        else:
            value = student.call("rel_error", a, b)
    except RaisedError as exc:
        if exc.exc_type == "ValueError" and "ambiguous" in exc.exc_message:
            raise Mistake(with_hint(exc.text, ELEMENTWISE), "not_elementwise", what) from None
        raise
    return as_float(value, what)


def as_float(value, what):
    expect(isinstance(value, float), _("returned {value}; return one Python float (the worst element), "
                                       "e.g. float(np.max(...))", value=kind_of(value)), "return_type", what)
    return value


def wrong_answers(a, b):
    """What the known mistakes give for a and b (each computed in float64)."""
    A, B = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(all="ignore"):
        return {
            MEAN: np.mean(np.abs(A - B) / np.maximum(1e-8, np.abs(A) + np.abs(B))),
            SIGNED: np.max((A - B) / np.maximum(1e-8, np.abs(A) + np.abs(B))),
            ABS_OF_SUM: np.max(np.abs(A - B) / np.maximum(1e-8, np.abs(A + B))),
            ONE_SIDED: np.max(np.abs(A - B) / np.maximum(1e-8, np.abs(A))),
            NO_FLOOR: np.max(np.abs(A - B) / (np.abs(A) + np.abs(B))),
            FLOOR_ADDED: np.max(np.abs(A - B) / (np.abs(A) + np.abs(B) + 1e-8)),
        }


@pytest.mark.parametrize("shape", [(), (8,), (3, 4)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    a = rng.normal(size=shape)
    b = a + rng.normal(0.0, 0.3, size=shape) * np.abs(a)
    a, b = (float(a), float(b)) if shape == () else (a, b)
    what = _("rel_error(a, b) for a and b of shape {shape}", shape=shape)
    diagnose(rel_error(student, a, b, what), ref.rel_error(a, b), what, HINT, wrong_answers(a, b))


@pytest.mark.parametrize("a, b", [(3, 1), (-2.0, 2.0), (1000.0, -1000.0), (1e-12, 0.0)],
                         ids=["3 vs 1", "-2 vs 2", "1000 vs -1000", "1e-12 vs 0"])
def test_numbers(student, a, b):
    # plain Python numbers (an int too), of both signs, large and tiny
    what = f"rel_error({a!r}, {b!r})"
    diagnose(rel_error(student, a, b, what), ref.rel_error(a, b), what, HINT, wrong_answers(a, b))


def test_worst_element(student):
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 1.0, 4.0])
    what = _("rel_error with one differing element")
    diagnose(rel_error(student, a, b, what), 0.5, what, HINT, wrong_answers(a, b))


def test_symmetric(student, rng):
    a = rng.uniform(0.5, 2.0, size=6) * rng.choice([-1.0, 1.0], size=6)
    b = a * rng.uniform(0.2, 3.0, size=6)
    for first, second, what in [(a, b, "rel_error(a, b)"), (b, a, "rel_error(b, a)")]:
        diagnose(rel_error(student, first, second, what), ref.rel_error(first, second), what,
                 _("rel_error(a, b) and rel_error(b, a) are the same number"), wrong_answers(first, second))


ZEROS = {"rel_error(np.zeros(4), np.zeros(4))": (np.zeros(4), np.zeros(4)),
         "rel_error(np.zeros((2, 3), dtype=int), np.zeros((2, 3), dtype=int))": (np.zeros((2, 3), dtype=np.int64),
                                                                                np.zeros((2, 3), dtype=np.int64)),
         "rel_error(0.0, 0.0)": (0.0, 0.0), "rel_error(0, 0)": (0, 0)}


@pytest.mark.parametrize("what", ZEROS, ids=["zero arrays", "int zero arrays", "0.0 vs 0.0", "0 vs 0"])
def test_zeros_give_zero_without_warning(student, what):
    value = rel_error(student, *ZEROS[what], what, strict=True)
    expect(value == 0.0, _("gave {value}; rel_error of two zeros is 0 (0 / max(1e-8, 0))", value=value),
           where=what)


@pytest.mark.parametrize("a, b", [([1e-10, 0.5], [0.0, 0.5]), ([4e-9, 0.5], [1e-9, 0.5])],
                         ids=["1e-10 vs 0", "4e-9 vs 1e-9"])
def test_floor_for_tiny_values(student, a, b):
    a, b = np.array(a), np.array(b)
    what = _("rel_error for a gradient of {a:g} against {b:g}", a=a[0], b=b[0])
    diagnose(rel_error(student, a, b, what), ref.rel_error(a, b), what, with_hint(HINT, FLOOR_HINT),
             wrong_answers(a, b))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64"])
def test_integer_arrays(student, rng, dtype):
    # uint8 has no negative numbers and int8 stops at 127: a - b and |a| + |b| wrap around there
    low, high = (0, 200) if dtype == "uint8" else (-100, 100)
    a = np.concatenate([[3, 1], rng.integers(low, high, size=6)]).astype(dtype)
    b = np.concatenate([[7, 2], rng.integers(low, high, size=6)]).astype(dtype)
    b[(a == 0) & (b == 0)] = 1  # two zeros belong to test_zeros_give_zero_without_warning
    what = _("rel_error of two {dtype} arrays", dtype=dtype)
    with np.errstate(all="ignore"):
        wrapped = np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    mistakes = wrong_answers(a, b)
    mistakes["integer_wraps", _("a − b and |a| + |b| of integer arrays wrap around (uint8 has no negative numbers, "
                                 "int8 stops at 127): convert a and b to float64 first")] = wrapped
    diagnose(rel_error(student, a, b, what), ref.rel_error(a, b), what, HINT, mistakes)


def test_float32_arrays(student, rng):
    a = rng.normal(size=5).astype(np.float32)
    b = (a * rng.uniform(0.5, 1.5, size=5)).astype(np.float32)
    what = _("rel_error of two float32 arrays")
    diagnose(rel_error(student, a, b, what), ref.rel_error(a, b), what, HINT, wrong_answers(a, b))
