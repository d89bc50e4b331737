"""nbgrader's side: a preprocessor that grades with the hidden suites.

Configured in ``nbgrader_config.py`` as the first step of
``Autograde.autograde_preprocessors``, in place of nbgrader's ``Execute``:
no kernel runs the submission in nbgrader's process. The preprocessor
grades the sanitised notebook with :func:`autograder.grading.grade_notebook`
(the student's code runs in its own limited process) and writes, under
each autograder-test cell, the student-facing summary (stdout) and the
cell's score as the cell's result. nbgrader's own ``SaveAutoGrades`` then
reads that result as partial credit and stores it in the gradebook, so
``generate_feedback``, ``export`` and the formgrader work unchanged.

The hidden section of each test cell (``### BEGIN HIDDEN TESTS`` ...)
is removed from the autograded notebook, so feedback never shows it.
"""

import re

from nbformat.v4 import new_output
from traitlets import Bool

from nbgrader.preprocessors import NbGraderPreprocessor

from . import grading, notebooks

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


class GradeWithHiddenSuites(NbGraderPreprocessor):
    """Score autograder-test cells with the kit's hidden pytest suites."""

    strip_hidden_sections = Bool(
        True, help="Remove '### BEGIN/END HIDDEN TESTS' sections from test cells of the "
                   "autograded notebook (and so from feedback).").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        workdir = resources.get("metadata", {}).get("path") or None
        result = grading.grade_notebook(nb, info["assignment"], info["student"], workdir=workdir)
        self.log.info("%s/%s: %s of %s points", info["assignment"], info["student"],
                      result.score, result.max_score)
        write_results(nb, result, self.strip_hidden_sections)
        return nb, resources


def write_results(nb, result, strip_hidden=True):
    """Put each cell's summary and score under its test cell in ``nb``."""
    by_id = {cell.grade_id: cell for cell in result.cells}
    for cell in nb.cells:
        if cell.cell_type != "code" or not notebooks.is_test_cell(cell):
            continue
        if strip_hidden:
            cell.source = HIDDEN.sub("", cell.source).rstrip()
        graded = by_id.get(cell.metadata["nbgrader"]["grade_id"])
        if graded is None:
            continue
        # stdout, never stderr: nbgrader zeroes a cell with any stderr output
        cell.outputs = [
            new_output("stream", name="stdout", text=graded.summary()),
            new_output("execute_result", data={"text/plain": f"{graded.score:g}"}, execution_count=None),
        ]
