"""Is a function vectorised? Judged from the CPU time the kernel counts, not from anything the student's process says.

The function is called on a small and a large input (:data:`SMALL`,
:data:`LARGE` elements) that the session generates from a seed; the grader
reads the session's CPU time from the kernel around each call
(:meth:`~autograder.sandbox.process.StudentProcess.timed`) and times the
reference on the same inputs in its own process. A loop over the elements
in Python — written out, or hidden in ``np.vectorize``, ``np.frompyfunc``
or ``map`` — costs hundreds of nanoseconds per element where numpy costs
tens, whatever tracing the student's code switches off. The output comes
back as a digest that needs every element right, so skipping the work
cannot pass either.
"""

import ctypes
import statistics
import time

import numpy as np

from ..sandbox.protocol import Expr, Ref, local
from ..sandbox.worker import digest, generate
from ..texts import domain
from .expect import Mistake, expect

_ = domain("checks")

SMALL, LARGE = 1_000, 20_000  # rows of the two inputs (the large one stays in the CPU's cache)
# A loop is flagged when a row of the large input costs both more than LOOP_NS_PER_NUMBER
# per number it holds (its inputs and outputs) and more than LOOP_FACTOR times the
# reference (the median of its timings; the student's least, which only favours the
# student). The first call after the warm-up passes at once when it is within the floor:
# the repeats could only lower the student's least. Measured on this 2-core machine, idle
# and with both cores busy, per element of an elementwise function (2 numbers), inputs and
# digest included: vectorised answers 5-70 ns (np.tanh, four np.exp, a stable np.where
# sigmoid), up to 1.6 times the reference; Python-level loops 80-600 ns (np.frompyfunc,
# np.vectorize, a list comprehension, np.fromiter over map), 2.3 to 40 times the reference.
# So the floor lies below every loop (30 ns a number is 60 an element), and a vectorised
# answer above it is judged by the factor. (At 50, np.vectorize(math.tanh), 110-200 ns an
# element on a quiet machine, passed as vectorised whenever the machine was fast.)
LOOP_NS_PER_NUMBER = 30
LOOP_FACTOR = 2.0
REPEATS = 6  # timings of each side, in turn, so a busy moment weighs on both alike


def uniform(*shape, low=0.0, high=1.0):
    """An argument the session draws uniformly from [low, high); ``"n"`` in ``shape`` is the input size."""
    return {"__gen__": {"dist": "uniform", "shape": list(shape), "low": low, "high": high}}


def integers(*shape, high=2):
    """An integer argument drawn from 0, 1, ..., high - 1 (labels, targets)."""
    return {"__gen__": {"dist": "integers", "shape": list(shape), "low": 0, "high": high}}


def expect_vectorised(student, name: str, args: list, reference, *, rng, via: Expr | None = None,
                      kwargs: dict | None = None, what: str | None = None) -> None:
    """Fail unless the student's ``name`` is as vectorised as ``reference``.

    ``args`` are the call's positional arguments, generated ones made with
    :func:`uniform` or :func:`integers`; ``reference(*args, **kwargs)`` is
    the grader's version, given the same generated arrays (grader helpers
    and numpy functions as their local twins:
    :func:`~autograder.sandbox.protocol.local`). ``via`` calls the student's
    function through a helper (``via(name, *args)``, e.g. with stand-ins in
    place). ``rng`` (the test's) draws the seed of the inputs.
    """
    what = what or name
    seed = int(rng.integers(2**31))
    target, call_args = (via, [Ref(name), *args]) if via is not None else (name, list(args))

    def timed(n):
        return student.timed(target, call_args, n, seed, kwargs=kwargs, what=f"{name}(...)")

    reference_run = _reference_runner(reference, args, kwargs or {}, seed)
    # warm-up at the large size: a fresh process (and the allocator) pays for its first pages once
    found, _cpu = timed(LARGE)
    expected, _cpu = reference_run(LARGE)
    if found is None or expected is None or abs(found[0] - expected[0]) > 1e-6 * expected[1] + 1e-9:
        raise Mistake(_("gave wrong values on a large input ({size} elements), so whether it is "
                        "vectorised could not be checked", size=LARGE), "values_large", what)
    floor = LOOP_NS_PER_NUMBER * _numbers_per_row(reference, args, kwargs or {}) * (LARGE - SMALL)
    first = timed(LARGE)[1]
    if first <= floor:
        # the work the large input adds is at most the whole of a call on it: within the loop
        # floor, the check passes whatever the repeats would measure (they only lower the least)
        return
    timings = {"large": [first], "small": [], "reference large": [], "reference small": []}
    for _repeat in range(REPEATS):
        timings["large"].append(timed(LARGE)[1])
        timings["small"].append(timed(SMALL)[1])
        timings["reference large"].append(reference_run(LARGE)[1])
        timings["reference small"].append(reference_run(SMALL)[1])
    median = {key: statistics.median(values) for key, values in timings.items()}
    # the student's least time on the large input (noise only ever adds time), the reference's median
    used = min(timings["large"]) - median["small"]
    needed = max(median["reference large"] - median["reference small"], 0)
    expect(used <= floor or used <= LOOP_FACTOR * needed,
           _("runs a Python loop over the elements: it took {used:.0f} ns of CPU per element of a "
             "{size}-element input, where numpy operations on the whole array need about {needed:.0f} ns "
             "(np.vectorize, np.frompyfunc and map loop too); use numpy operations on the whole array instead",
             used=used / (LARGE - SMALL), size=LARGE, needed=needed / (LARGE - SMALL)), "loops", what)


def _numbers_per_row(reference, args, kwargs):
    """How many numbers one row of input and output holds (generous: what does not grow counts too)."""
    rng = np.random.default_rng(0)
    values = [generate(local(a), 1, rng) for a in args]
    generated = sum(np.size(v) for a, v in zip(args, values) if isinstance(a, dict) and "__gen__" in a)
    twins = {k: local(v) for k, v in kwargs.items()}
    with np.errstate(all="ignore"):
        return max(2, generated + _count(reference(*values, **twins)))


def _count(value):
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return sum(_count(v) for v in value)
    return int(np.size(value)) if isinstance(value, (int, float, np.generic, np.ndarray)) else 0


def _reference_runner(reference, args, kwargs, seed):
    """``run(n) -> (digest, CPU ns of this process)``: the reference on the inputs of size n,
    generated and digested as the session does."""
    _keep_big_allocations()
    twins = {k: local(v) for k, v in kwargs.items()}

    def run(n):
        started = time.process_time_ns()  # all of this process's threads: BLAS's too
        rng = np.random.default_rng(seed)
        values = [generate(local(a), n, rng) for a in args]
        found = digest(reference(*values, **twins))
        return found, time.process_time_ns() - started
    return run


def _keep_big_allocations():
    """Big arrays from the heap, kept between calls, as the sandbox's sessions have them
    (``GLIBC_TUNABLES`` there): both sides then time the code, not fresh pages."""
    global _KEPT
    if not _KEPT:
        try:
            libc = ctypes.CDLL(None)
            libc.mallopt(-3, 268435456)  # M_MMAP_THRESHOLD
            libc.mallopt(-1, 1073741824)  # M_TRIM_THRESHOLD
        except (OSError, AttributeError):
            pass
        _KEPT = True


_KEPT = False
