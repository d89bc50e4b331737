"""nbgrader's ``SaveAutoGrades``, keeping a reviewed manual grade reviewed.

nbgrader flags every cell with a manual grade as "needs manual grading"
again each time the notebook is autograded, so ``grade --force`` (or a
regrade after a suite fix) undoes the course staff's review of the whole
class. Here a manual grade stays reviewed when the automatic score it
overrode is unchanged: the grader saw the same evidence. When the
automatic score changed (a new submission, a different result), the cell
is flagged again, as nbgrader does, for a person to look at.

Configured in ``nbgrader_config.py`` in place of
``nbgrader.preprocessors.SaveAutoGrades``.
"""

from nbgrader.api import MissingEntry
from nbgrader.preprocessors import SaveAutoGrades


class SaveAutoGradesKeepingReviews(SaveAutoGrades):
    """``SaveAutoGrades``, leaving reviewed manual grades of unchanged cells reviewed."""

    def preprocess(self, nb, resources):
        self._reviewed = None  # read at the first cell, before any grade changes
        return super().preprocess(nb, resources)

    def _add_score(self, cell, resources):
        if self._reviewed is None:
            self._reviewed = self._reviewed_grades()
        super()._add_score(cell, resources)
        reviewed = self._reviewed.get(cell.metadata["nbgrader"]["grade_id"])
        if reviewed is not None:
            grade, before = reviewed
            if grade.auto_score is not None and abs(float(grade.auto_score) - before) < 1e-9:
                grade.needs_manual_grade = False
                self.gradebook.db.commit()

    def _reviewed_grades(self):
        """``{cell name: (its grade row, the automatic score it was reviewed at)}`` of this
        submission's reviewed manual grades: one read of the notebook's grades, where asking
        each cell's grade before nbgrader's step asks it again cost a query a cell."""
        try:
            notebook = self.gradebook.find_submission_notebook(self.notebook_id, self.assignment_id,
                                                               self.student_id)
        except MissingEntry:
            return {}
        return {grade.name: (grade, float(grade.auto_score)) for grade in notebook.grades
                if grade.manual_score is not None and not grade.needs_manual_grade
                and grade.auto_score is not None}
