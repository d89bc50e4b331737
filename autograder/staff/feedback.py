"""Feedback for each student: nbgrader's HTML, and the kit's per-exercise summary.

* ``feedback/<student>/<week>/<notebook>.html``: ``nbgrader
  generate_feedback`` (it only reads the gradebook, so the grading workers
  run it in parallel);
* ``feedback/<student>/<week>/summary.txt``: per exercise, the score and
  the messages (student-facing text only, never hidden test code).
"""

import functools

from nbgrader.api import Gradebook, MissingEntry

from ..course import weeks
from ..course.folder import CourseFolder
from ..grading import store
from .writer import api, captured_only, last_error


@functools.cache
def _feedback_api(root):
    folder = CourseFolder.at(root)
    return api(folder, folder.config)


def generate_feedback(student, root, week_id):
    """``nbgrader generate_feedback`` for one student (only reads the gradebook); '' or the error."""
    nbgrader_api = _feedback_api(str(root))
    with captured_only(nbgrader_api.log):
        outcome = nbgrader_api.generate_feedback(week_id, student, force=True)
    return "" if outcome["success"] else last_error(outcome)


def write_summary(folder, week_id, student):
    """``feedback/<student>/<week>/summary.txt`` from the stored grading result."""
    stored = store.load(folder.results(week_id), student)
    target = folder.feedback(student, week_id)
    if stored is None or stored.result is None or not target.is_dir():
        return None
    week = weeks.week(week_id)
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
        mine = [c for c in result.cells if week.exercise_of(c.grade_id) == exercise]
        if not mine:
            continue
        score, maximum = sum(c.score for c in mine), sum(c.max_score for c in mine)
        lines.append(f"{exercise}: {score:g} / {maximum:g}")
        messages = dict.fromkeys(m for c in mine for m in c.messages)
        lines += [f"  - {m}" for m in messages]
    path = target / "summary.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
