"""Grades out of the gradebook: CSV files for staff.

* ``reports/grades.csv``: nbgrader's own totals export (``CsvExportPlugin``,
  what ``nbgrader export`` writes), every assignment and student;
* ``reports/<week>-questions.csv``: one row per student and test cell:
  ``student_id, assignment, exercise, cell, score, max_score, first_failure``
  (scores as nbgrader stored them; the first student-facing failure
  message from the grading result).
"""

import csv

from nbgrader.api import Gradebook
from nbgrader.plugins import CsvExportPlugin

from ..course import weeks
from ..grading import store
from .gradebook import cell_scores

QUESTION_FIELDS = ["student_id", "assignment", "exercise", "cell", "score", "max_score", "first_failure"]


def question_rows(folder, week_id):
    """The rows of the per-question CSV, sorted by student then cell order."""
    week = weeks.week(week_id)
    stored = store.load_all(folder.results(week_id))
    rows = []
    scores = cell_scores(folder.db_url, week_id, week.notebook)
    for student in sorted(scores):
        result = stored.get(student).result if student in stored else None
        for cell in week.test_cells:
            score, maximum = scores[student].get(cell.grade_id, (None, cell.points))
            messages = result.cell(cell.grade_id).messages if result and _has(result, cell.grade_id) else []
            rows.append({"student_id": student, "assignment": week_id,
                         "exercise": week.exercise_of(cell.grade_id) or cell.grade_id, "cell": cell.grade_id,
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


def _has(result, grade_id):
    return any(c.grade_id == grade_id for c in result.cells)
