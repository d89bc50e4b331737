"""Hidden checks for week06 `rel_error` (cell test_rel_error, 1 point)."""

import numpy as np
import pytest

from autograder.checks import call_strict, diagnose, expect
from solutions import week06 as ref

pytestmark = pytest.mark.cell("test_rel_error")

HINT = "rel_error is max(|a − b| / max(1e-8, |a| + |b|)) over all elements"


def as_float(value, what):
    expect(isinstance(value, float) and not isinstance(value, np.ndarray),
           f"{what} returned {type(value).__name__}; return one float (the worst element), "
           "e.g. float(np.max(...))")
    return value


@pytest.mark.parametrize("shape", [(), (8,), (3, 4)], ids=["scalar", "vector", "matrix"])
def test_values(student, rng, shape):
    a = rng.normal(size=shape)
    b = a + rng.normal(0.0, 0.3, size=shape) * np.abs(a)
    a, b = (float(a), float(b)) if shape == () else (a, b)
    out = as_float(student.call("rel_error", a, b), f"rel_error for arrays of shape {shape}")
    A, B = np.asarray(a), np.asarray(b)
    with np.errstate(all="ignore"):
        mistakes = {
            "report the WORST element (np.max), not the mean":
                np.mean(np.abs(A - B) / np.maximum(1e-8, np.abs(A) + np.abs(B))),
            "the numerator is the absolute difference |a − b|": np.max((A - B) / (np.abs(A) + np.abs(B))),
            "the denominator is |a| + |b| (both absolute values)": np.max(np.abs(A - B) / np.abs(A + B)),
        }
    diagnose(out, ref.rel_error(a, b), f"rel_error for arrays of shape {shape}", HINT, mistakes)


def test_worst_element(student):
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 1.0, 4.0])
    diagnose(student.call("rel_error", a, b), 0.5, "rel_error with one differing element",
             HINT, {"report the WORST element (np.max), not the mean": 0.125})


def test_zeros_give_zero_without_warning(student):
    reply = call_strict(student, "rel_error", np.zeros(4), np.zeros(4), what="rel_error of two zero arrays",
                        mistake="0 / 0: the floor 1e-8 in the denominator, max(1e-8, |a| + |b|), prevents it")
    value = as_float(reply.value, "rel_error of two zero arrays")
    expect(value == 0.0, "rel_error of two zero arrays should be 0 (0 / max(1e-8, 0))")


def test_floor_for_tiny_values(student):
    a, b = np.array([1e-10, 0.5]), np.array([0.0, 0.5])
    out = student.call("rel_error", a, b)
    diagnose(out, 0.01, "rel_error for a gradient of 1e-10 against 0", HINT + " (the floor 1e-8 keeps "
             "two nearly-zero gradients from counting as a 100% error)",
             {"the denominator is max(1e-8, |a| + |b|): the floor 1e-8 is missing": 1.0})
