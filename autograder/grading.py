"""Grade one notebook: student process + hidden suite → per-cell scores.

This is the one place a score is decided. The nbgrader preprocessor
(:mod:`autograder.nbgrader_plugin`) and the ``grade-notebook`` command both
call :func:`grade_notebook`, so they cannot disagree.

A test cell's score is its points times the fraction of its hidden tests
that passed (partial credit), rounded to 1/100 point.
"""

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path

import nbformat

from . import course, notebooks, runner, sanitize
from .sandbox.process import Limits, StudentProcess
from .secret import get_secret


MAX_SUBMISSION_BYTES = 20 * 1024**2  # extra files of a submission copied for its code


class NotInstructor(PermissionError):
    """Grading needs the reference solutions, hence the instructor flag."""


@dataclasses.dataclass
class CellResult:
    grade_id: str
    score: float
    max_score: float
    passed: int
    failed: int
    messages: list

    def summary(self):
        """The text shown under the test cell in the feedback notebook."""
        total = self.passed + self.failed
        lines = [f"{self.grade_id}: {self.passed} of {total} hidden checks passed "
                 f"({self.score:g} / {self.max_score:g} points)"]
        lines += [f"  - {message}" for message in self.messages]
        return "\n".join(lines) + "\n"


@dataclasses.dataclass
class NotebookResult:
    assignment: str
    student: str
    cells: list
    problems: list = dataclasses.field(default_factory=list)  # notebook-level, student-facing

    @property
    def score(self):
        return round(sum(cell.score for cell in self.cells), 2)

    @property
    def max_score(self):
        return round(sum(cell.max_score for cell in self.cells), 2)

    def cell(self, grade_id):
        return next(cell for cell in self.cells if cell.grade_id == grade_id)

    def to_dict(self):
        data = {"assignment": self.assignment, "student": self.student,
                "score": self.score, "max_score": self.max_score,
                "cells": [dataclasses.asdict(cell) for cell in self.cells]}
        if self.problems:
            data["problems"] = self.problems
        return data

    def to_json(self):
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)


def grade_notebook(nb, assignment, student="student", workdir=None, limits=Limits()):
    """Grade ``nb`` (a path or an nbformat node) for ``assignment``.

    A path is read and sanitised like ``nbgrader autograde`` does (locked
    and test cells restored from the source); a node is graded as given
    (the nbgrader preprocessor passes one nbgrader already sanitised).

    ``workdir`` is the folder the student's code runs in (helper files the
    week ships sit there); by default the notebook's own folder. An
    unreadable notebook scores 0 with the reason, it does not raise.
    """
    week = course.week(assignment)
    _require_instructor()
    if not isinstance(nb, nbformat.NotebookNode):
        path = Path(nb)
        workdir = workdir or path.parent
        nb, reason = read_submission(path, week, student)
        if nb is None:
            return zero_result(week, student, reason)

    cells = notebooks.student_code(nb)
    with tempfile.TemporaryDirectory(prefix="dlkit-") as scratch:
        workspace = _workspace(week, workdir, Path(scratch))
        with StudentProcess(cells, workspace, limits) as process:
            outcomes = runner.run_suite(process, assignment, student, get_secret())
    return NotebookResult(assignment, student, _score_cells(week, outcomes.values()))


def read_submission(path, week, student):
    """``(notebook, None)``: the file as handed in, sanitised as ``nbgrader
    autograde`` would; or ``(None, reason)`` when it cannot be graded."""
    try:
        return sanitize.sanitize(notebooks.read(path), week, student), None
    except (notebooks.UnreadableNotebook, sanitize.DamagedNotebook) as exc:
        return None, str(exc)


def _workspace(week, submission_dir, scratch):
    """A scratch folder for the student process: the submission's files,
    then the week's shipped files (``lecture_lib.py``...) over them, as
    ``nbgrader autograde`` does. The student's code never runs in, or
    writes to, a course folder."""
    workspace = scratch / "work"
    workspace.mkdir()
    budget = MAX_SUBMISSION_BYTES
    if submission_dir and Path(submission_dir).is_dir():
        for item in sorted(Path(submission_dir).iterdir()):
            if item.is_file() and not item.is_symlink() and item.suffix != ".ipynb":
                budget -= item.stat().st_size
                if budget < 0:
                    break
                shutil.copy(item, workspace / item.name)
    for item in week.source_dir.iterdir():
        if item.is_file() and item.suffix != ".ipynb":
            shutil.copy(item, workspace / item.name)
    return workspace


def _score_cells(week, outcomes):
    known = {cell.grade_id for cell in week.test_cells}
    strays = sorted({o.cell for o in outcomes} - known)
    if strays:
        raise runner.SuiteProblem(f"hidden tests are marked for cells the notebook lacks: {strays}")
    results = []
    for test_cell in week.test_cells:
        mine = [o for o in outcomes if o.cell == test_cell.grade_id]
        if not mine:
            raise runner.SuiteProblem(f"no hidden test is marked for cell {test_cell.grade_id}")
        passed = sum(o.passed for o in mine)
        score = round(test_cell.points * passed / len(mine), 2)
        messages = list(dict.fromkeys(o.message for o in mine if not o.passed))
        results.append(CellResult(test_cell.grade_id, score, test_cell.points,
                                  passed, len(mine) - passed, messages))
    return results


def zero_result(week, student, reason):
    """Every cell 0, with the reason the notebook could not be graded."""
    cells = [CellResult(c.grade_id, 0.0, c.points, 0, 0, [reason]) for c in week.test_cells]
    return NotebookResult(week.id, student, cells, problems=[reason])


def _require_instructor():
    try:
        import solutions  # noqa: F401  (the import itself checks the flag)
    except ImportError as exc:
        raise NotInstructor(str(exc)) from None
