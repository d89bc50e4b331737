"""The gradebook writer: nbgrader's own autograde pipeline, for one student at a time.

Parallel grading (:mod:`autograder.staff.grade`) does two things per submission:

* a grading worker (a process) runs :func:`autograder.grading.grade.grade_notebook`
  on it and keeps the result on disk (:mod:`autograder.grading.store`);
* a writer runs ``nbgrader autograde`` for that student through
  :class:`nbgrader.apps.NbGraderAPI`, with the course's own preprocessor
  pipeline except that the kit's grading step is
  :class:`~autograder.nbgrader_plugins.worker_results.GradeFromWorkerResults`:
  it takes the worker's result when the key of the notebook nbgrader hands
  it matches, and grades it itself otherwise.

Each local grading worker has a writer and stores what it graded, so
several write the gradebook (SQLite, or the database the course's
``CourseDirectory.db_url`` names) at once, each for its own students; their
transactions take turns. With SQLite that is the database's lock, waited
for (Python's sqlite3 begins a transaction only at its first write, so
no transaction holds a read lock it must then upgrade, and two writers
cannot deadlock: one waits); a writer puts a local gradebook in SQLite's
write-ahead-log mode, where readers and a writer do not wait for each
other (:func:`autograder.course.gradebook_engines.write_ahead`). Each
student's rows are written by nbgrader's own ``SaveAutoGrades`` and
``AssignLatePenalties``, exactly as a plain ``nbgrader autograde`` would
write them.
"""

import contextlib
import copy
import logging
import re
import warnings

from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning

from ..course import gradebook_engines
from ..errors import KitError
from ..grading.sanitize import sanitize_steps
from ..nbgrader_plugins.hidden_suites import GradeWithHiddenSuites

KIT_STEP = "autograder.nbgrader_plugins.hidden_suites.GradeWithHiddenSuites"
# the name course folders made before the kit's packages were split use
KIT_STEP_BEFORE = "autograder.nbgrader_plugin.GradeWithHiddenSuites"
WRITER_STEP = "autograder.nbgrader_plugins.worker_results.GradeFromWorkerResults"
SANITISE_STEP = "autograder.nbgrader_plugins.worker_results.TakeWorkerSanitised"


class NotKitConfig(KitError, ValueError):
    """The course's autograde pipeline does not use the kit's grading step."""


def limits_for(config):
    """The limits a course's ``nbgrader autograde`` grades with."""
    return GradeWithHiddenSuites(config=config).limits()


def writer_config(config, results_dir):
    """The course's config with its sanitising and the kit's grading step fed by ``results_dir``."""
    config = copy.deepcopy(config)
    steps = _names(config.Autograde.get("autograde_preprocessors", []))
    if not {KIT_STEP, KIT_STEP_BEFORE} & set(steps):
        raise NotKitConfig(f"the course's Autograde.autograde_preprocessors do not use {KIT_STEP}")
    config.Autograde.autograde_preprocessors = [WRITER_STEP if s in (KIT_STEP, KIT_STEP_BEFORE) else s
                                                for s in steps]
    config.GradeFromWorkerResults.results_dir = str(results_dir)
    config.TakeWorkerSanitised.steps = _names(sanitize_steps(config))
    config.TakeWorkerSanitised.results_dir = str(results_dir)
    config.Autograde.sanitize_preprocessors = [SANITISE_STEP]
    return config


def _names(steps):
    return [s if isinstance(s, str) else f"{s.__module__}.{s.__name__}" for s in steps]


def api(folder, config):
    """nbgrader's Python API on course ``folder`` with ``config``."""
    gradebook_engines.share()  # its Gradebooks, eight a submission, compile their SQL once
    config = copy.deepcopy(config)
    # nbgrader logs every copied file; each call's log is captured, and errors are reported
    config.NbGraderAPI.log_level = logging.ERROR
    coursedir = CourseDirectory(config=config, root=str(folder.root))
    return NbGraderAPI(coursedir=coursedir, config=config)


class Writer:
    """Stores submissions in the gradebook, one at a time, through nbgrader (one per process)."""

    def __init__(self, folder, week_id):
        self.week_id = week_id
        gradebook_engines.write_ahead(folder.db_url)  # writers in several processes: see there
        self.api = api(folder, writer_config(folder.config, folder.results(week_id)))

    def store(self, student):
        """``nbgrader autograde <week> --student <student> --force``; returns '' or the error."""
        with warnings.catch_warnings(), captured_only(self.api.log):
            # nbgrader's own session use warns on a first submission; the rows are right
            warnings.simplefilter("ignore", SAWarning)
            outcome = self.api.autograde(self.week_id, student, force=True, create=True)
        return "" if outcome["success"] else f"nbgrader autograde failed: {last_error(outcome)}"


@contextlib.contextmanager
def captured_only(logger):
    """nbgrader's log goes to the captured call log only (errors are reported from it)."""
    saved, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.propagate = saved


def last_error(outcome):
    """The exception line of nbgrader's captured traceback (instructor-facing)."""
    text = "\n".join(filter(None, [outcome.get("log"), outcome.get("error")]))
    raised = [line.strip() for line in text.splitlines()
              if re.match(r"\s*[\w.]*(Error|Exception|Problem|Failed)\b.*:", line)
              and "NbGraderException" not in line]
    errors = [line.strip() for line in text.splitlines() if "[ERROR]" in line]
    return (raised or errors or ["nbgrader failed"])[-1][:500]
