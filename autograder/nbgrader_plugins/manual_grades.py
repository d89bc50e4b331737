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

from nbgrader.preprocessors import SaveAutoGrades


class SaveAutoGradesKeepingReviews(SaveAutoGrades):
    """``SaveAutoGrades``, leaving reviewed manual grades of unchanged cells reviewed."""

    def _add_score(self, cell, resources):
        grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                          self.assignment_id, self.student_id)
        reviewed = grade.manual_score is not None and not grade.needs_manual_grade
        before = grade.auto_score
        super()._add_score(cell, resources)
        if reviewed and grade.auto_score is not None and before is not None \
                and abs(float(grade.auto_score) - float(before)) < 1e-9:
            grade.needs_manual_grade = False
            self.gradebook.db.commit()
