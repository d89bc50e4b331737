"""Run a week's hidden pytest suite against one student process.

The suite runs in *this* process (the grader), in-process, collected once
per process and run per notebook; every call into student code goes through the
:class:`~autograder.sandbox.process.StudentProcess` fixture ``student``.
Each test is tied to one autograder-test cell of the notebook by the
``cell`` marker (``pytestmark = pytest.mark.cell("test_sigmoid")``). A
test marked ``isolated`` (it sends grader code) runs in a session of its
own; those run after the others, which share one session.
The plugin records, per test, whether it passed, the student-facing
message and the kind of mistake it showed (:data:`PROBLEM_KINDS` for what
the student's code did, the Mistake's own kind, else the test's name);
pytest's own report, which quotes test code, is never kept.
"""

import dataclasses
import logging
import os
import sys
import threading
from pathlib import Path

import _pytest.config
import _pytest.nodes
import _pytest.runner
import numpy as np
import pytest

from ..checks.expect import Mistake
from ..course.weeks import SUITES
from ..errors import SuiteProblem
from ..sandbox import errors as sandbox_errors
from ..sandbox.errors import StudentCodeProblem
from ..texts import Text, domain
from . import known_errors
from .secret import seed_for

log = logging.getLogger(__name__)
_ = domain("grading")

INTERNAL = _("a hidden check could not run (a grader problem, not your code); your instructor has been told")


# what the student's code did, as the kind of its mistake
PROBLEM_KINDS = {sandbox_errors.NotDefined: "not_defined", sandbox_errors.TimedOut: "too_slow",
                 sandbox_errors.OutOfTime: "out_of_time", sandbox_errors.Crashed: "crashes",
                 sandbox_errors.BadReply: "bad_reply", sandbox_errors.RaisedError: "raises"}


@dataclasses.dataclass
class Outcome:
    test_id: str
    cell: str
    passed: bool
    side: bool = False  # a secondary property: pays only when the cell's value checks all pass
    kind: str = ""  # the mistake's kind: its id is <exercise>.<kind>
    text: Text | str = ""  # what the student is told (without ``where``), rendered when read
    where: Text | str = ""  # the input the check saw it on


def _kind_of_test(test_id):
    """``test_values_on_random_inputs`` of ``test_sigmoid.py::test_values_on_random_inputs[vector]``."""
    name = test_id.split("::")[-1].split("[")[0]
    return name[len("test_"):] if name.startswith("test_") else name


class _KitPlugin:
    """Gives the suites their fixtures and records each test's outcome."""

    def __init__(self, assignment):
        self.assignment = assignment
        self.collect_errors = []
        self.begin(None, "", "")

    def begin(self, student, student_id, secret):
        """Record the next run, of the suite against ``student``."""
        self._student, self.student_id, self.secret = student, student_id, secret
        self.item = None  # the test being run
        self.outcomes = {}
        self.internal_errors = []

    # The fixtures read the test being run from ``self.item`` (set by _CollectedSuite.run), not
    # from pytest's ``request``: a fixture that asks for ``request`` has pytest build a fixture
    # definition for it each time, inspecting signatures (some 400 times a week01 notebook).

    @pytest.fixture
    def student(self):
        if self.item.get_closest_marker("isolated") is None:
            yield self._student
            return
        with self._student.isolated():
            yield self._student

    @pytest.fixture
    def rng(self):
        """A generator seeded per (assignment, student, test)."""
        return np.random.default_rng(seed_for(self.secret, self.assignment, self.student_id, _test_id(self.item)))

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr))

    def pytest_collection_modifyitems(self, items):
        for item in items:
            if item.get_closest_marker("cell") is None:
                self.collect_errors.append(f"{item.nodeid} has no cell marker")
        # the shared session serves every plain test first; each isolated one then gets its own
        items.sort(key=lambda item: item.get_closest_marker("isolated") is not None)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Record the outcome, and make pytest's report without its traceback text: nothing
        reads it (it quotes test code), and formatting it cost half the time of a failing suite."""
        marker = item.get_closest_marker("cell")
        test_id = _test_id(item)
        if marker is not None and (call.when == "call" or (call.excinfo is not None and test_id not in self.outcomes)):
            outcome = Outcome(test_id, marker.args[0], call.excinfo is None,
                              side=item.get_closest_marker("side") is not None)
            if call.excinfo is not None:
                self._describe(outcome, item, call.excinfo)
            self.outcomes[test_id] = outcome
        if call.excinfo is None:
            state, longrepr = "passed", None
        elif call.excinfo.errisinstance(pytest.skip.Exception):
            state, longrepr = "skipped", (str(item.path), item.location[1] or 0, str(call.excinfo.value))
        else:
            state, longrepr = "failed", "failed"
        return pytest.TestReport(item.nodeid, item.location, {}, state, longrepr, call.when,
                                 duration=call.duration, start=call.start, stop=call.stop)

    def _describe(self, outcome, item, excinfo):
        """The failure's message, kind and input, as the student reads them."""
        exc = excinfo.value
        outcome.kind = _kind_of_test(outcome.test_id)
        if isinstance(exc, Mistake):
            outcome.kind, outcome.text, outcome.where = exc.kind or outcome.kind, exc.text, exc.where or ""
        elif isinstance(exc, StudentCodeProblem):
            outcome.text = exc.text
            outcome.kind = next((kind for cls, kind in PROBLEM_KINDS.items() if isinstance(exc, cls)), "raises")
            if getattr(exc, "exc_type", "") == "NotImplementedError":
                outcome.kind = "not_implemented"
            outcome.kind, outcome.text = known_errors.explain(exc) or (outcome.kind, outcome.text)
        else:
            self.internal_errors.append(f"{item.nodeid}: {excinfo.exconly()}")
            outcome.kind, outcome.text = "grader_problem", INTERNAL


def run_suite(student, assignment: str, student_id: str, secret: str, suite_dir=None) -> dict:
    """Run the hidden suite; return ``{test_id: Outcome}``.

    The suite is collected once per process (:class:`_CollectedSuite`) and
    its tests run again for each notebook, each with fresh fixtures.
    Raises :class:`SuiteProblem` if the suite cannot be collected or a test
    lacks its ``cell`` marker: a broken suite must never grade anyone.
    """
    suite_dir = _suite_dir(assignment, suite_dir)
    with _ONE_RUN_AT_A_TIME:
        suite = _collected(suite_dir, assignment)
        try:
            outcomes, internal_errors = suite.run(student, student_id, secret)
        except BaseException:
            _COLLECTED.pop(suite_dir).close()  # a run cut short leaves fixtures set up: collect afresh
            raise
    for error in internal_errors:
        log.error("hidden suite error (%s, %s): %s", assignment, student_id, error)
    return outcomes


def collect(assignment: str, suite_dir=None) -> None:
    """Collect the hidden suite now (as :func:`run_suite` would on its first notebook), so
    grading processes forked after this inherit it; raises :class:`SuiteProblem` as it does."""
    suite_dir = _suite_dir(assignment, suite_dir)
    with _ONE_RUN_AT_A_TIME:
        _collected(suite_dir, assignment)


def _suite_dir(assignment, suite_dir):
    suite_dir = Path(suite_dir or SUITES / assignment)
    if not suite_dir.is_dir():
        raise SuiteProblem(f"no hidden suite for {assignment} at {suite_dir}")
    return suite_dir


def _collected(suite_dir, assignment):
    """The suite collected in this process, collected again if its files changed since."""
    stamp = _stamp(suite_dir)
    suite = _COLLECTED.get(suite_dir)
    if suite is None or suite.stamp != stamp:
        if suite is not None:
            _COLLECTED.pop(suite_dir).close()
        suite = _COLLECTED[suite_dir] = _CollectedSuite(suite_dir, assignment, stamp)
    return suite


_COLLECTED = {}  # suite folder -> its _CollectedSuite, in this process (a forked worker inherits it)
_ONE_RUN_AT_A_TIME = threading.Lock()  # a collected suite holds one run's fixtures and outcomes

ARGS = ["-c", str(SUITES / "pytest.ini"), "--rootdir", str(SUITES),
        "-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:stepwise",
        # these two run gc.collect() twice per session: a third of the grading time
        "-p", "no:unraisableexception", "-p", "no:threadexception",
        # plugins a hidden suite never uses (it logs nothing, debugs nothing, writes no report):
        # each costs hooks on every one of a notebook's checks
        "-p", "no:logging", "-p", "no:junitxml", "-p", "no:doctest", "-p", "no:pastebin",
        "-p", "no:debugging", "-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:legacypath",
        # the collected suite lives as long as the process: nothing may hold its file descriptors
        # (a suite prints nothing; the student's output never reaches this process's)
        "--capture=no", "-p", "no:faulthandler",
        # no installed plugin (anyio's, xdist...) is a suite's, and no suite asserts bare: a check
        # fails with a Mistake, so pytest's rewriting of asserts only cost the first notebook 0.8 s
        "--disable-plugin-autoload", "--assert=plain",
        "--import-mode=importlib"]


class _CollectedSuite:
    """A hidden suite, configured and collected once, run per notebook.

    ``pytest.main`` per notebook configured pytest, loaded its plugins and
    collected the suite's modules again for every notebook: a fifth of the
    grader's time on week01. Here that happens once; :meth:`run` runs every
    test through pytest's own protocol (``runtestprotocol``: setup, call,
    teardown, the same hooks and markers, less the reporting ones), and the
    last test's teardown tears down every fixture, so no notebook sees
    another's.
    """

    def __init__(self, suite_dir, assignment, stamp):
        self.stamp = stamp
        self.plugin = _KitPlugin(assignment)
        _forget_modules(suite_dir)
        try:
            with _quiet_environment():
                self.config = _pytest.config._prepareconfig([str(suite_dir), *ARGS], plugins=[self.plugin])
            self.session = pytest.Session.from_config(self.config)
            self.config._do_configure()
            self.config.hook.pytest_sessionstart(session=self.session)
            self.config.hook.pytest_collection(session=self.session)
        except (pytest.UsageError, _pytest.nodes.Collector.CollectError, pytest.Session.Interrupted) as exc:
            raise SuiteProblem(f"the hidden suite for {assignment} is broken:\n{exc}") from None
        self.items = list(self.session.items)
        if self.plugin.collect_errors or not self.items:
            detail = "\n".join(self.plugin.collect_errors) or "no tests collected"
            raise SuiteProblem(f"the hidden suite for {assignment} is broken:\n{detail}")

    def run(self, student, student_id, secret):
        """``({test_id: Outcome}, [internal error])`` of every test against ``student``."""
        self.plugin.begin(student, student_id, secret)
        for index, item in enumerate(self.items):
            following = self.items[index + 1] if index + 1 < len(self.items) else None
            self.plugin.item = item
            # pytest's own setup, call and teardown with their hooks, without the log hooks
            # (logstart, logreport, logfinish): no plugin here reports, and they cost a fifth
            _pytest.runner.runtestprotocol(item, log=False, nextitem=following)
        return self.plugin.outcomes, self.plugin.internal_errors

    def close(self):
        """Unconfigure pytest (its plugins' end-of-run steps); the suite is not run again."""
        try:
            self.config._ensure_unconfigure()
        except Exception as exc:  # a teardown left half-done cannot stop grading
            log.warning("closing the collected suite failed: %s", exc)


def _forget_modules(suite_dir):
    """Drop the suite's modules from ``sys.modules``: pytest's importlib mode would hand back
    the ones imported before (a suite edited since, or a module that failed half-way)."""
    inside = str(suite_dir.resolve()) + os.sep
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(inside):
            del sys.modules[name]


def _stamp(suite_dir):
    """What the suite's files are now (a suite edited since it was collected is collected again)."""
    stamps = []
    for path in sorted(suite_dir.rglob("*.py")):
        stat = path.stat()
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


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
