"""Reading nbgrader's gradebook: submissions, per-cell scores, and a table of them.

Everything reads through nbgrader's own :class:`nbgrader.api.Gradebook`,
so what the kit reports is what nbgrader stored (and what its formgrader
and ``export`` show).
"""

import dataclasses

from nbgrader.api import Gradebook, MissingEntry


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
    """``{student: Submission}`` of ``week_id`` in the gradebook."""
    found = {}
    with Gradebook(folder.db_url, folder.course_id) as gb:
        try:
            assignment = gb.find_assignment(week_id)
        except MissingEntry:
            return {}
        for sub in assignment.submissions:
            found[sub.student.id] = Submission(sub.student.id, float(sub.score), float(sub.max_score),
                                               sub.timestamp, float(sub.total_seconds_late),
                                               float(sub.late_submission_penalty or 0))
    return found


def cell_scores(db_url, assignment, notebook):
    """``{student: {grade_id: (score, max_score)}}`` for the test cells of one notebook.

    Students without a submission are left out; a cell nbgrader could not
    score (``None``) is reported as ``None``.
    """
    table = {}
    with Gradebook(db_url) as gb:
        for student in gb.students:
            try:
                submission = gb.find_submission_notebook(notebook, assignment, student.id)
            except MissingEntry:
                continue
            table[student.id] = {
                grade.name: (None if grade.score is None else float(grade.score), float(grade.max_score))
                for grade in submission.grades if grade.cell.__class__.__name__ == "GradeCell"
                and grade.max_score
            }
    return table


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
