"""``release WEEK``: put a week in the students' hands, by the course calendar.

In a course folder, in this order (each step only if the one before passed):

1. the date: a week is not released before its ``release`` date in the
   course table (``force=True`` overrides the date, nothing else);
2. the release gate (:mod:`autograder.gate`): never overridden;
3. ``nbgrader generate_assignment`` from the kit's source (copied into the
   folder's ``source/<week>/``), which registers the assignment and its
   cells in the gradebook; then the due date is stored on the assignment;
4. ``nbgrader release_assignment`` into the local exchange, and
   ``lms/<week>.zip`` for an LMS upload.
"""

import dataclasses
import shutil

from nbgrader.api import Gradebook

from . import course, exchange, schedule
from .release import nbgrader


class GateFailed(RuntimeError):
    """The week's grading is not proven: it is not released."""


@dataclasses.dataclass
class Released:
    week: str
    due: object  # aware datetime or None
    zip_path: object
    forced: bool

    def summary(self):
        due = f"due {self.due:%Y-%m-%d %H:%M %z}" if self.due else "no due date"
        early = " (forced before its release date)" if self.forced else ""
        return (f"{self.week} released{early}: in the exchange for `nbgrader fetch_assignment {self.week}`, "
                f"and as {self.zip_path} for the LMS; {due}")


def release_week(folder, week_id, force=False, at=None, gate=None):
    """Release ``week_id`` in ``folder`` (a :class:`~autograder.folder.CourseFolder`).

    ``at`` replaces the clock (tests, rehearsals); ``gate`` replaces the
    release gate (a function ``week_id -> report`` with ``ok`` and
    ``print_report()``). Raises :class:`~autograder.schedule.TooEarly` or
    :class:`GateFailed` when the week may not be released.
    """
    week = course.week(week_id)
    dates = schedule.dates(week_id, folder.root)
    forced = False
    try:
        schedule.check_release(dates, at, folder.root)
    except schedule.TooEarly:
        if not force:
            raise
        forced = True
    if gate is None:
        from .gate import run_gate as gate
    if not gate(week_id).print_report(verbose=False):
        raise GateFailed(f"{week_id} is NOT released: its release gate failed (see above); "
                         f"--force does not override the gate")

    target = folder.root / "source" / week_id
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(week.source_dir, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nbgrader(["generate_assignment", week_id, "--force"], cwd=folder.root)
    with Gradebook(folder.db_url, folder.course_id) as gb:
        gb.update_or_create_assignment(week_id, duedate=dates.due_utc_naive)
    zip_path = exchange.publish(folder, week_id)
    return Released(week_id, dates.due, zip_path.relative_to(folder.root), forced)
