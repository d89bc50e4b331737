"""Grades out of the gradebook: CSV files for staff, a summary for each student.

* ``reports/grades.csv``: nbgrader's own totals export (``CsvExportPlugin``,
  what ``nbgrader export`` writes), every assignment and student;
* ``reports/<week>-questions.csv``: one row per student and test cell:
  ``student_id, assignment, exercise, cell, score, max_score, first_failure``
  (scores as nbgrader stored them; the first student-facing failure
  message from the grading result);
* ``feedback/<student>/<week>/summary.txt``: per exercise, the score and
  the messages (student-facing text only, never hidden test code).
"""

import csv
import dataclasses

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import CsvExportPlugin

from . import course, results
from .gate import _belongs
from .gradebook_view import cell_scores

QUESTION_FIELDS = ["student_id", "assignment", "exercise", "cell", "score", "max_score", "first_failure"]


@dataclasses.dataclass
class Submission:
    """One student's stored submission of a week, as the gradebook has it."""

    student: str
    score: float
    max_score: float
    timestamp: object  # naive UTC datetime or None
    seconds_late: float
    late_penalty: float


def exercise_of(week, grade_id):
    """The exercise a test cell belongs to (``test_<exercise>...``), or the cell's id."""
    return next((e for e in week.exercises if _belongs(grade_id, e, week)), grade_id)


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


def question_rows(folder, week_id):
    """The rows of the per-question CSV, sorted by student then cell order."""
    week = course.week(week_id)
    stored = results.load_all(folder.results(week_id))
    rows = []
    scores = cell_scores(folder.db_url, week_id, week.notebook)
    for student in sorted(scores):
        result = stored.get(student).result if student in stored else None
        for cell in week.test_cells:
            score, maximum = scores[student].get(cell.grade_id, (None, cell.points))
            messages = result.cell(cell.grade_id).messages if result and _has(result, cell.grade_id) else []
            rows.append({"student_id": student, "assignment": week_id,
                         "exercise": exercise_of(week, cell.grade_id), "cell": cell.grade_id,
                         "score": "" if score is None else f"{score:g}", "max_score": f"{maximum:g}",
                         "first_failure": messages[0] if messages else ""})
    return rows


def export_all(folder, week_id):
    """Write ``reports/grades.csv`` and ``reports/<week>-questions.csv``; returns their paths."""
    folder.reports.mkdir(exist_ok=True)
    totals = folder.reports / "grades.csv"
    with Gradebook(folder.db_url, folder.course_id) as gb:
        CsvExportPlugin(config=folder.config, to=str(totals)).export(gb)
    questions = folder.reports / f"{week_id}-questions.csv"
    with open(questions, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, QUESTION_FIELDS)
        writer.writeheader()
        writer.writerows(question_rows(folder, week_id))
    return totals, questions


def write_feedback_summary(folder, week_id, student):
    """``feedback/<student>/<week>/summary.txt`` from the stored grading result."""
    stored = results.load(folder.results(week_id), student)
    target = folder.feedback(student, week_id)
    if stored is None or stored.result is None or not target.is_dir():
        return None
    week = course.week(week_id)
    result = stored.result
    lines = [f"{week_id} — {week.title}", f"{student}: {result.score:g} / {result.max_score:g} points"]
    with Gradebook(folder.db_url, folder.course_id) as gb:
        try:
            penalty = float(gb.find_submission(week_id, student).late_submission_penalty or 0)
        except MissingEntry:
            penalty = 0.0
    if penalty:
        lines.append(f"late submission: -{penalty:g} points, so {max(0.0, result.score - penalty):g} in total")
    lines.append("")
    lines += [f"! {problem}" for problem in result.problems]
    for exercise in week.exercises:
        cells = [c for c in result.cells if exercise_of(week, c.grade_id) == exercise]
        if not cells:
            continue
        score, maximum = sum(c.score for c in cells), sum(c.max_score for c in cells)
        lines.append(f"{exercise}: {score:g} / {maximum:g}")
        messages = dict.fromkeys(m for c in cells for m in c.messages)
        lines += [f"  - {m}" for m in messages]
    path = target / "summary.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _has(result, grade_id):
    return any(c.grade_id == grade_id for c in result.cells)
