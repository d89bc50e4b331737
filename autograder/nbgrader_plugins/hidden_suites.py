"""nbgrader's side: a preprocessor that grades with the hidden suites.

Configured in ``nbgrader_config.py`` as the first step of
``Autograde.autograde_preprocessors``, in place of nbgrader's ``Execute``:
no kernel runs the submission in nbgrader's process. The preprocessor
grades the sanitised notebook with :func:`autograder.grading.grade.grade_notebook`
(the student's code runs in its own limited process) and writes, under
each autograder-test cell, the student-facing summary (stdout) and the
cell's score as the cell's result. nbgrader's own ``SaveAutoGrades`` then
reads that result as partial credit and stores it in the gradebook, so
``generate_feedback``, ``export`` and the formgrader work unchanged.

The hidden section of each test cell (``### BEGIN HIDDEN TESTS`` ...)
is removed from the autograded notebook, so feedback never shows it.
"""

import copy
import os

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Enum, Float, Integer

from .. import texts
from ..course import cells, table, weeks
from ..grading import grade
from ..sandbox.limits import Limits


class GradeWithHiddenSuites(NbGraderPreprocessor):
    """Score autograder-test cells with the kit's hidden pytest suites."""

    call_seconds = Float(Limits.call_seconds, help="Wall time of one call into student code (s).").tag(config=True)
    cell_seconds = Float(Limits.cell_seconds, help="Wall time of one notebook cell at start-up (s).").tag(config=True)
    notebook_seconds = Float(Limits.notebook_seconds,
                             help="Wall time of all of one notebook's hidden checks together (s); when it is "
                                  "spent, the remaining checks fail with that reason.").tag(config=True)
    memory_mb = Integer(Limits.memory_bytes // 2**20,
                        help="Address-space limit of the student process (MiB).").tag(config=True)
    restarts = Integer(Limits.restarts,
                       help="Fresh starts of a notebook's process after a crash or a hang before grading stops "
                            "calling its code.").tag(config=True)

    language = Enum(("",) + texts.LANGUAGES, "",
                    help="The language of the feedback's messages: 'ko', 'en' or 'both'; empty: the course "
                         "table's `language`.").tag(config=True)

    strip_hidden_sections = Bool(
        True, help="Remove '### BEGIN/END HIDDEN TESTS' sections from test cells of the "
                   "autograded notebook (and so from feedback).").tag(config=True)

    def limits(self):
        """The student process's limits, as configured (parallel grading workers use them too)."""
        return Limits(call_seconds=self.call_seconds, cell_seconds=self.cell_seconds,
                      notebook_seconds=self.notebook_seconds, memory_bytes=self.memory_mb * 2**20,
                      restarts=self.restarts)

    def lang(self):
        """The messages' language, as configured, else the course table's (of nbgrader's course root)."""
        root = self.config.get("CourseDirectory", {}).get("root") or os.getcwd()
        return self.language or table.for_folder(root).language

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        workdir = resources.get("metadata", {}).get("path") or None
        result = grade.grade_notebook(nb, info["assignment"], info["student"], workdir=workdir,
                                      limits=self.limits(), lang=self.lang())
        self.log.info("%s/%s: %s of %s points", info["assignment"], info["student"],
                      result.score, result.max_score)
        write_results(nb, result, self.strip_hidden_sections)
        return nb, resources


def write_results(nb, result, strip_hidden=True):
    """Put each cell's summary and score under its test cell in ``nb``, and the
    messages and start-up problems in ``nb.metadata.dlkit``.

    A test cell the student deleted (or whose metadata they stripped) is put
    back from the source notebook first, so its score is stored rather than
    silently missing. (nbgrader's own ``add_missing_cells`` fails on
    duplicated or stripped cells, hence this.)
    """
    restore_test_cells(nb, weeks.week(result.assignment))
    by_id = {cell.grade_id: cell for cell in result.cells}
    # what the feedback summary reads (feedback_summary.findings): student-facing text only
    nb.metadata["dlkit"] = {"problems": list(result.problems), "language": result.language,
                            "messages": {cell.grade_id: list(cell.messages) for cell in result.cells}}
    for cell in nb.cells:
        if cell.cell_type != "code" or not cells.is_test_cell(cell):
            continue
        if strip_hidden:
            cell.source = cells.without_hidden_tests(cell.source)
        graded = by_id.get(cells.grade_id(cell))
        if graded is None:
            continue
        # stdout, never stderr: nbgrader zeroes a cell with any stderr output. The outputs nbformat's
        # new_output makes, without its schema check of each (the notebook is checked when written)
        cell.outputs = [
            NotebookNode(output_type="stream", name="stdout", text=graded.summary(result.language)),
            NotebookNode(output_type="execute_result", metadata=NotebookNode(),
                         data=NotebookNode({"text/plain": f"{graded.score:g}"}), execution_count=None),
        ]


def restore_test_cells(nb, week):
    """Insert the source's version of every test cell missing from ``nb``."""
    present = {cells.grade_id(cell) for cell in nb.cells if cells.is_test_cell(cell)}
    previous = None
    for cell in week.source.cells:
        grade_id = cells.grade_id(cell)
        if cells.is_test_cell(cell) and grade_id not in present:
            restored = copy.deepcopy(cell)
            restored.source = cells.without_hidden_tests(restored.source)
            if restored.get("id") in {c.get("id") for c in nb.cells}:  # a stripped copy keeps the id
                restored["id"] = f"{grade_id}-restored"[:64]
            nb.cells.insert(_position_after(nb, previous), restored)
        if grade_id:
            previous = grade_id


def _position_after(nb, grade_id):
    """Index just after the cell ``grade_id`` in ``nb`` (the end if it is gone)."""
    for index, cell in enumerate(nb.cells):
        if cells.grade_id(cell) == grade_id:
            return index + 1
    return len(nb.cells)


class RepairCellMetadata(NbGraderPreprocessor):
    """Make a submission's nbgrader metadata safe before nbgrader checks it.

    nbgrader aborts a whole ``autograde`` batch when one notebook has
    cell metadata of an old schema, which duplicated cells (after
    ``DeduplicateIds`` empties them) or a hand-edited cell produce. Here,
    before nbgrader's own checks: a cell whose ``grade_id`` the source
    notebook knows gets the source's metadata back (the last copy wins,
    as in ``DeduplicateIds``); any other nbgrader metadata is removed, so
    the cell is graded as ordinary student code.
    """

    def preprocess(self, nb, resources):
        week = weeks.week(resources["nbgrader"]["assignment"])
        source = {cells.grade_id(cell): cell.metadata["nbgrader"]
                  for cell in week.source.cells if cells.grade_id(cell)}
        seen = set()
        for cell in reversed(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if isinstance(grade_id, str) and grade_id in source and grade_id not in seen:
                seen.add(grade_id)
                cell.metadata["nbgrader"] = copy.deepcopy(source[grade_id])
            else:
                del cell.metadata["nbgrader"]
        return nb, resources
