"""Grades out of the gradebook: CSV files for staff.

* ``reports/grades.csv``: nbgrader's own totals export (``CsvExportPlugin``,
  what ``nbgrader export`` writes), every assignment and student;
* ``reports/<week>-questions.csv``: one row per student and test cell:
  ``student_id, assignment, exercise, cell, score, max_score, mistakes,
  first_failure`` (scores as nbgrader stored them; the ids of the mistakes
  the grading found, and the first student-facing message);
* ``reports/<week>-mistakes.csv``: one row per mistake id, how many
  students made it (most first), with one of the messages they got.
"""

import collections
import csv

from nbgrader.api import Gradebook
from nbgrader.plugins import CsvExportPlugin

from ..course import weeks
from ..grading import store
from .gradebook import cell_scores

QUESTION_FIELDS = ["student_id", "assignment", "exercise", "cell", "score", "max_score", "mistakes",
                   "first_failure"]
MISTAKE_FIELDS = ["mistake", "students", "message"]


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
            graded = result.cell(cell.grade_id) if result and _has(result, cell.grade_id) else None
            messages = graded.messages if graded else []
            rows.append({"student_id": student, "assignment": week_id,
                         "exercise": week.exercise_of(cell.grade_id) or cell.grade_id, "cell": cell.grade_id,
                         "score": "" if score is None else f"{score:g}", "max_score": f"{maximum:g}",
                         "mistakes": " ".join(m["id"] for m in graded.mistakes) if graded else "",
                         "first_failure": messages[0] if messages else ""})
    return rows


def mistake_counts(stored):
    """``[{"mistake", "students", "message"}]`` over the stored results (``{student: Stored}``):
    each mistake id once per student, most common first, with its most common message."""
    students, messages = collections.Counter(), collections.defaultdict(collections.Counter)
    for entry in stored.values():
        if entry.result is None:
            continue
        mine = {m["id"]: m["message"] for cell in entry.result.cells for m in cell.mistakes}
        students.update(mine.keys())
        for mistake_id, message in mine.items():
            messages[mistake_id][message] += 1
    return [{"mistake": mistake_id, "students": n, "message": messages[mistake_id].most_common(1)[0][0]}
            for mistake_id, n in sorted(students.items(), key=lambda item: (-item[1], item[0]))]


def export_all(folder, week_id):
    """Write ``reports/grades.csv``, ``reports/<week>-questions.csv`` and ``reports/<week>-mistakes.csv``;
    returns their paths."""
    folder.reports.mkdir(exist_ok=True)
    totals = folder.reports / "grades.csv"
    with Gradebook(folder.db_url, folder.course_id) as gb:
        CsvExportPlugin(config=folder.config, to=str(totals)).export(gb)
    questions = folder.reports / f"{week_id}-questions.csv"
    with open(questions, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, QUESTION_FIELDS)
        writer.writeheader()
        writer.writerows(question_rows(folder, week_id))
    mistakes = folder.reports / f"{week_id}-mistakes.csv"
    with open(mistakes, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, MISTAKE_FIELDS)
        writer.writeheader()
        writer.writerows(mistake_counts(store.load_all(folder.results(week_id))))
    return totals, questions, mistakes


def _has(result, grade_id):
    return any(c.grade_id == grade_id for c in result.cells)
