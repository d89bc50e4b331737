"""What the hidden suites import: student-facing checks, stand-ins, model drivers.

Suites use ``from autograder.checks import expect_close, Mistake, ...``;
:mod:`~autograder.checks.stand_ins` runs a student's function with correct
versions of the other exercises, :mod:`~autograder.checks.models` drives a
model object the notebook defines (week03, week05).
"""

from .expect import (ATOL, RTOL, STRICT, Mistake, call_strict, diagnose, expect, expect_close, expect_float64,
                     expect_shape, expect_unchanged, kind_of, numeric)
from .vectorised import expect_vectorised, integers, uniform

__all__ = ["ATOL", "RTOL", "STRICT", "Mistake", "call_strict", "diagnose", "expect", "expect_close",
           "expect_float64", "expect_shape", "expect_unchanged", "expect_vectorised", "integers", "kind_of",
           "numeric", "uniform"]
