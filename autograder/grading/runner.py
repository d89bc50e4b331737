"""Run a week's hidden pytest suite against one student process.

The suite runs in *this* process (the grader), in-process through
``pytest.main``; every call into student code goes through the
:class:`~autograder.sandbox.process.StudentProcess` fixture ``student``.
Each test is tied to one autograder-test cell of the notebook by the
``cell`` marker (``pytestmark = pytest.mark.cell("test_sigmoid")``). A
test marked ``isolated`` (it sends grader code) runs in a session of its
own; those run after the others, which share one session.
The plugin records, per test, whether it passed and the student-facing
message; pytest's own report, which quotes test code, is never kept.
"""

import dataclasses
import logging
import os

import numpy as np
import pytest

from ..checks.expect import Mistake
from ..course.weeks import SUITES
from ..errors import SuiteProblem
from ..sandbox.errors import StudentCodeProblem
from .secret import seed_for

log = logging.getLogger(__name__)

INTERNAL = "a hidden check could not run (a grader problem, not your code); your instructor has been told"


@dataclasses.dataclass
class Outcome:
    test_id: str
    cell: str
    passed: bool
    message: str = ""
    side: bool = False  # a secondary property: pays only when the cell's value checks all pass


class _KitPlugin:
    """Gives the suites their fixtures and records each test's outcome."""

    def __init__(self, student, assignment, student_id, secret):
        self._student, self.assignment, self.student_id, self.secret = (
            student, assignment, student_id, secret)
        self.outcomes = {}
        self.internal_errors = []
        self.collect_errors = []

    @pytest.fixture
    def student(self, request):
        if request.node.get_closest_marker("isolated") is None:
            yield self._student
            return
        with self._student.isolated():
            yield self._student

    @pytest.fixture
    def rng(self, request):
        """A generator seeded per (assignment, student, test)."""
        return np.random.default_rng(seed_for(self.secret, self.assignment, self.student_id,
                                              _test_id(request.node)))

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr))

    def pytest_collection_modifyitems(self, items):
        for item in items:
            if item.get_closest_marker("cell") is None:
                self.collect_errors.append(f"{item.nodeid} has no cell marker")
        # the shared session serves every plain test first; each isolated one then gets its own
        items.sort(key=lambda item: item.get_closest_marker("isolated") is not None)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        yield
        marker = item.get_closest_marker("cell")
        if marker is None:
            return
        test_id = _test_id(item)
        if call.when == "call" or (call.excinfo is not None and test_id not in self.outcomes):
            self.outcomes[test_id] = Outcome(test_id, marker.args[0], call.excinfo is None,
                                             self._message(item, call.excinfo),
                                             item.get_closest_marker("side") is not None)

    def _message(self, item, excinfo):
        if excinfo is None:
            return ""
        exc = excinfo.value
        if isinstance(exc, (Mistake, StudentCodeProblem)):
            return str(exc)
        self.internal_errors.append(f"{item.nodeid}: {excinfo.exconly()}")
        return INTERNAL


def run_suite(student, assignment: str, student_id: str, secret: str, suite_dir=None) -> dict:
    """Run the hidden suite; return ``{test_id: Outcome}``.

    Raises :class:`SuiteProblem` if the suite cannot be collected or a test
    lacks its ``cell`` marker: a broken suite must never grade anyone.
    """
    suite_dir = suite_dir or SUITES / assignment
    if not suite_dir.is_dir():
        raise SuiteProblem(f"no hidden suite for {assignment} at {suite_dir}")
    plugin = _KitPlugin(student, assignment, student_id, secret)
    args = [str(suite_dir), "-c", str(SUITES / "pytest.ini"), "--rootdir", str(SUITES),
            "-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:stepwise",
            # these two run gc.collect() twice per session: a third of the grading time
            "-p", "no:unraisableexception", "-p", "no:threadexception",
            "--import-mode=importlib"]
    with _quiet_environment():
        code = pytest.main(args, plugins=[plugin])
    if plugin.collect_errors or code in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR,
                                          pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED):
        detail = "\n".join(plugin.collect_errors) or f"pytest exit code {code}"
        raise SuiteProblem(f"the hidden suite for {assignment} is broken:\n{detail}")
    for error in plugin.internal_errors:
        log.error("hidden suite error (%s, %s): %s", assignment, student_id, error)
    return plugin.outcomes


class _quiet_environment:
    """pytest reads PYTEST_ADDOPTS and friends; the grader must not."""

    KEYS = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")

    def __enter__(self):
        self.saved = {k: os.environ.pop(k) for k in self.KEYS if k in os.environ}

    def __exit__(self, *exc):
        os.environ.update(self.saved)


def _test_id(item):
    """``module::test[param]``: stable across machines and folders."""
    return item.nodeid.rsplit("/", 1)[-1]
