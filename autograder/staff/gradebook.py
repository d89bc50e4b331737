"""Reading nbgrader's gradebook: submissions, per-cell scores, and a table of them.

Everything reads through nbgrader's own :class:`nbgrader.api.Gradebook`,
so what the kit reports is what nbgrader stored (and what its formgrader
and ``export`` show).
"""

import dataclasses

from nbgrader.api import (Assignment, Grade, GradeCell, Gradebook, Notebook, Student, SubmittedAssignment,
                          SubmittedNotebook)
from sqlalchemy.orm import contains_eager, joinedload, undefer


@dataclasses.dataclass
class Submission:
    """One student's stored submission of a week, as the gradebook has it."""

    student: str
    score: float
    max_score: float
    timestamp: object  # naive UTC datetime or None
    seconds_late: float
    late_penalty: float


def submissions(folder, week_id):
    """``{student: Submission}`` of ``week_id`` in the gradebook.

    One query: nbgrader's submission objects with their scores (SQL it computes on
    demand), student and assignment loaded with them; read one attribute at a time
    they cost four queries a student (0.3 s of each report of 100)."""
    with Gradebook(folder.db_url, folder.course_id) as gb:
        subs = (gb.db.query(SubmittedAssignment)
                .join(SubmittedAssignment.assignment).filter(Assignment.name == week_id)
                .options(contains_eager(SubmittedAssignment.assignment), joinedload(SubmittedAssignment.student),
                         *(undefer(column) for column in (SubmittedAssignment.score, SubmittedAssignment.max_score,
                                                          SubmittedAssignment.late_submission_penalty)))
                .all())
        return {sub.student.id: Submission(sub.student.id, float(sub.score), float(sub.max_score), sub.timestamp,
                                           float(sub.total_seconds_late), float(sub.late_submission_penalty or 0))
                for sub in subs}


def cell_scores(db_url, assignment, notebook):
    """``{student: {grade_id: (score, max_score)}}`` for the test cells of one notebook.

    Students without a submission are left out; a cell nbgrader could not
    score (``None``) is reported as ``None``. Two queries in all (the
    students who handed the notebook in, then every test cell's grade):
    reading each submission's grades object by object cost 16 ms a student,
    for the report and again for the exports.
    """
    with Gradebook(db_url) as gb:
        submitted = (gb.db.query(SubmittedNotebook.id, Student.id)
                     .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
                     .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
                     .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                     .join(Student, Student.id == SubmittedAssignment.student_id)
                     .filter(Notebook.name == notebook, Assignment.name == assignment)
                     .order_by(Student.last_name, Student.first_name, Student.id)
                     .all())
        grades = (gb.db.query(Grade.notebook_id, GradeCell.name, Grade.score, GradeCell.max_score)
                  .join(GradeCell, GradeCell.id == Grade.cell_id)  # a test cell's grade, not a task's
                  .filter(Grade.notebook_id.in_([notebook_id for notebook_id, _ in submitted]),
                          GradeCell.max_score != 0)
                  .all()) if submitted else []
    by_notebook = {notebook_id: {} for notebook_id, _ in submitted}
    for notebook_id, name, score, max_score in grades:
        by_notebook[notebook_id][name] = (None if score is None else float(score), float(max_score))
    return {student: by_notebook[notebook_id] for notebook_id, student in submitted}


def format_table(scores, cell_order, title=""):
    """A fixed-width table: one row per student, one column per test cell."""
    short = [c[len("test_"):] if c.startswith("test_") else c for c in cell_order]
    width = max([len("student")] + [len(s) for s in scores]) + 2
    cols = [max(len(s), 5) for s in short]
    lines = [title] if title else []
    lines.append("student".ljust(width) + " ".join(s.rjust(w) for s, w in zip(short, cols)) + "   total")
    for student in sorted(scores):
        row = scores[student]
        values = [row.get(cell, (None, 0))[0] for cell in cell_order]
        total = sum(v or 0 for v in values)
        maximum = sum(row.get(cell, (0, 0))[1] for cell in cell_order)
        lines.append(student.ljust(width)
                     + " ".join(("-" if v is None else f"{v:g}").rjust(w) for v, w in zip(values, cols))
                     + f"   {total:g}/{maximum:g}")
    return "\n".join(lines)
