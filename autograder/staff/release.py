"""``release WEEK``: put a week in the students' hands, by the course calendar.

In a course folder, in this order (each step only if the one before passed):

1. the calendar (:func:`autograder.course.calendar.check_release`): not
   before the week's ``release`` date (``force=True`` overrides the date,
   nothing else), not while an earlier week whose answers it ships still
   takes submissions (never overridden), not after its due date unless
   ``after_due=True``; every reason that stands is named at once;
2. the release gate (:mod:`autograder.authoring.gate`): never overridden;
3. ``nbgrader generate_assignment`` from the kit's source (copied into the
   folder's ``source/<week>/``: a week is there only once released), which
   registers the assignment and its cells in the gradebook; then the due
   date is stored on the assignment, and the release is recorded
   (:mod:`autograder.course.releases`), which nbgrader's own
   ``release_assignment`` checks, so Formgrader's button cannot release a
   week around this path;
4. ``nbgrader release_assignment`` into the local exchange, and
   ``lms/<week>.zip`` for an LMS upload.
"""

import dataclasses

from nbgrader.api import Gradebook

from ..course import calendar, releases, weeks
from ..course.folder import copy_week_sources
from ..course.nbgrader_cli import nbgrader
from ..errors import KitError
from . import exchange


class GateFailed(KitError, RuntimeError):
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


def release_week(folder, week_id, force=False, after_due=False, at=None, gate=None):
    """Release ``week_id`` in ``folder`` (a :class:`~autograder.course.folder.CourseFolder`).

    ``at`` replaces the clock (tests, rehearsals); ``gate`` replaces the
    release gate (a function ``week_id -> report`` with ``ok`` and
    ``print_report()``). Raises :class:`~autograder.course.calendar.ReleaseRefused`
    or :class:`GateFailed` when the week may not be released.
    """
    weeks.week(week_id)  # an unknown week is refused before anything else
    table = folder.table
    dates = table.week(week_id)
    calendar.check_release(dates, table, at, force=force, after_due=after_due)
    forced = any(isinstance(r, calendar.TooEarly) for r in calendar.release_refusals(dates, table, at))
    if gate is None:
        from ..authoring.gate import run_gate as gate
    if not gate(week_id).print_report(verbose=False):
        raise GateFailed(f"{week_id} is NOT released: its release gate failed (see above); "
                         f"--force does not override the gate")

    copy_week_sources(week_id, folder.source(week_id))
    nbgrader(["generate_assignment", week_id, "--force"], cwd=folder.root)
    with Gradebook(folder.db_url, folder.course_id) as gb:
        gb.update_or_create_assignment(week_id, duedate=dates.due_utc_naive)
    releases.record(folder.root, week_id, released_at=calendar.now(at).isoformat(), forced=forced)
    zip_path = exchange.release_assignment(folder, week_id)
    return Released(week_id, dates.due, zip_path.relative_to(folder.root), forced)
