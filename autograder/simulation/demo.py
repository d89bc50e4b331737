"""``make demo``: a whole course cycle in a fresh course folder, as its staff would run it.

For each week: the TA releases it by its date (``release``: date, gate,
``generate_assignment``, due date, exchange, LMS zip); simulated students
(:mod:`autograder.simulation.cohort`) fetch it and submit through the local
exchange with nbgrader's own commands, one of them late; the instructor
``collect``\\ s and ``grade``\\ s in parallel (feedback, CSV exports, class
report), and the demo prints the per-student, per-cell table read back
from nbgrader's gradebook.

The demo course's calendar is the kit's example table moved by whole days
so that today sits where 2026-11-29 sits in it
(:func:`autograder.course.calendar.example_table`: week01 and week02 open, week03
opening on 12-03, once their late days are over), so the demo runs alike
on any date. A week not open yet is released as a TA rehearsing would:
``release --today`` at its release date (so the answer check still
holds: the weeks whose answers it ships have closed by then), and says so.

The students start from the kit's committed release (git's copy, else the
release the demo course generated), never from an edited working tree.
"""

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from ..course import calendar, weeks
from ..course.folder import create
from ..staff import exchange
from ..staff.grade import grade_week
from ..staff.gradebook import cell_scores, format_table
from ..staff.release import GateFailed, release_week
from . import classroom, cohort

LATE_BY = dt.timedelta(hours=26)  # the late student's delay: two started days


def run_demo(folder="demo-course", week_ids=None, jobs=None):
    started = time.monotonic()
    week_ids = week_ids or list(weeks.weeks())
    root = Path(folder).resolve()
    if root.exists():
        shutil.rmtree(root)
    course_folder = create(root, table_text=calendar.example_table())
    print(f"course folder: {root}")
    failed = []
    with tempfile.TemporaryDirectory(prefix="dlkit-students-") as homes:
        for week_id in week_ids:
            week = weeks.week(week_id)
            print(f"\n=== {week_id}: {week.title} ===")
            try:
                released = _release(course_folder, week_id)
            except GateFailed as exc:
                print(exc)
                failed.append(week_id)
                continue
            print(released.summary())
            release_nb = cohort.committed_release(week) or nbformat.read(
                course_folder.release(week_id) / f"{week.notebook}.ipynb", as_version=4)
            students = cohort.students(week, release_nb=release_nb)
            classroom.hand_in(course_folder, week_id, {s: nb for s, (_, nb) in students.items()}, homes)
            late = next((s for s in students if s.startswith("wrong_")), None)
            if late and released.due:
                classroom.backdate(course_folder, late, week_id, released.due + LATE_BY)
            collected = exchange.collect(course_folder, week_id)
            print(f"collected {len(collected)} submissions from the exchange"
                  + (f" ({late} handed in {LATE_BY.total_seconds() / 3600:.0f} h late)" if late else ""))
            run = grade_week(course_folder, week_id, jobs=jobs)
            print(run.summary())
            scores = cell_scores(course_folder.db_url, week_id, week.notebook)
            print(format_table(scores, [c.grade_id for c in week.test_cells],
                               title=f"\n{week_id} scores from the gradebook (before late penalties):"))
            for student_id, (description, _) in students.items():
                print(f"  {student_id}: {description}")
            print(f"class report: {course_folder.reports / f'{week_id}-report.html'}")
    print(f"\ngrades: {course_folder.reports / 'grades.csv'}; per question: {course_folder.reports}/<week>-questions.csv;"
          f" feedback in {root / 'feedback'}")
    print(f"demo finished in {time.monotonic() - started:.0f} s")
    if failed:
        print(f"gate FAILED for {', '.join(failed)}: not released")
        return 1
    return 0


def _release(course_folder, week_id):
    opens = course_folder.table.week(week_id).release
    if opens is None or calendar.now() >= opens:
        return release_week(course_folder, week_id)
    print(f"(demo: {week_id} opens on {opens:%Y-%m-%d %H:%M %z}; rehearsed as "
          f"`release {week_id} --today {opens.isoformat()}`)")
    return release_week(course_folder, week_id, at=opens)
