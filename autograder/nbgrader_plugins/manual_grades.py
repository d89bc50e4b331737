"""nbgrader's ``SaveAutoGrades``, keeping a reviewed manual grade reviewed, in one transaction.

nbgrader flags every cell with a manual grade as "needs manual grading"
again each time the notebook is autograded, so ``grade --force`` (or a
regrade after a suite fix) undoes the course staff's review of the whole
class. Here a manual grade stays reviewed when the automatic score it
overrode is unchanged: the grader saw the same evidence. When the
automatic score changed (a new submission, a different result), the cell
is flagged again, as nbgrader does, for a person to look at.

nbgrader's step finds each cell's grade or comment row with a query of its
own (seven joined tables) and commits after each: twelve of each for a
week01 notebook, half of all the transactions of storing it, each a turn at
the gradebook's one writer lock while the other grading workers wait. Here
nbgrader's own ``_add_score`` and ``_add_comment`` decide every value, but
the rows come from one read of the notebook's grades and one of its
comments, and the notebook is written in one transaction: the same rows.

Configured in ``nbgrader_config.py`` in place of
``nbgrader.preprocessors.SaveAutoGrades``.
"""

from nbgrader.api import BaseCell, Comment, Grade, Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades


class SaveAutoGradesKeepingReviews(SaveAutoGrades):
    """``SaveAutoGrades``, leaving reviewed manual grades of unchanged cells reviewed."""

    def preprocess(self, nb, resources):
        # SaveAutoGrades.preprocess, with the notebook's rows read once and committed once
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        with Gradebook(self.db_url) as gradebook:
            self.gradebook = rows = NotebookRows(gradebook, self.notebook_id, self.assignment_id, self.student_id)
            # before any grade changes: the automatic score each review saw
            self._reviewed = {name: float(grade.auto_score) for name, grade in rows.grades.items()
                              if grade.manual_score is not None and not grade.needs_manual_grade
                              and grade.auto_score is not None}
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)  # each cell's step
            gradebook.db.commit()
        return nb, resources

    def _add_score(self, cell, resources):
        super()._add_score(cell, resources)
        name = cell.metadata["nbgrader"]["grade_id"]
        grade, before = self.gradebook.grades[name], self._reviewed.get(name)
        if before is not None and grade.auto_score is not None and abs(float(grade.auto_score) - before) < 1e-9:
            grade.needs_manual_grade = False


class NotebookRows:
    """The gradebook as ``SaveAutoGrades`` asks it, for one submitted notebook: its grade and
    comment rows (``{cell name: row}``) read once, in ``gradebook``'s session, and
    ``db.commit()`` left for the notebook's one commit, made by the caller."""

    def __init__(self, gradebook, notebook_id, assignment_id, student_id):
        self.ids = (assignment_id, notebook_id, student_id)
        try:
            notebook = gradebook.find_submission_notebook(notebook_id, assignment_id, student_id)
        except MissingEntry:  # no rows: each cell's lookup fails as nbgrader's does
            self.grades, self.comments = {}, {}
        else:
            self.grades, self.comments = ({name: row for row, name in gradebook.db.query(table, BaseCell.name)
                                           .join(BaseCell, BaseCell.id == table.cell_id)
                                           .filter(table.notebook_id == notebook.id)}
                                          for table in (Grade, Comment))
        self.db = _LaterCommit()

    def find_grade(self, grade_cell, *_notebook_assignment_student):
        return self._row(self.grades, "grade", grade_cell)

    def find_comment(self, solution_cell, *_notebook_assignment_student):
        return self._row(self.comments, "comment", solution_cell)

    def _row(self, rows, kind, name):
        try:
            return rows[name]
        except KeyError:
            assignment, notebook, student = self.ids
            raise MissingEntry(f"No such {kind}: {assignment}/{notebook}/{name} for {student}") from None


class _LaterCommit:
    """A session's commit, made later, once: the pending changes stay pending until then."""

    def commit(self):
        pass
