"""The course calendar: when a week may be released, and what time it is.

The dates themselves are in the course table (:mod:`autograder.course.table`).

"Now" is read in one place, :func:`now`: the real clock, unless a
moment is pinned with :func:`pinned` (the ``--today`` rehearsal option,
the tests) or passed explicitly, so nothing depends on today's date.

The kit's own ``course.toml`` is an example semester. :func:`example_table`
moves all its dates by whole days so that any moment falls where
:data:`EXAMPLE_TODAY` falls in it (week01 and week02 open, week03 not yet):
the demo and the tests run the example semester around today.
"""

import contextlib
import datetime as dt
import re

from ..errors import KitError
from . import table as course_table
from . import weeks

UTC = dt.timezone.utc
KST = dt.timezone(dt.timedelta(hours=9))
# The moment of the example semester that the demo and tests replay "now"
# at: week01 and week02 open (due 11-30), week03 opening on 12-03.
EXAMPLE_TODAY = dt.datetime(2026, 11, 29, 12, 0, tzinfo=KST)

_pinned = None  # the moment `now()` returns instead of the clock (see `pinned`)


class ReleaseRefused(KitError, ValueError):
    """A week may not be released now; ``flag`` is the release option that overrides it
    (None: nothing does), ``refusals`` every reason that stands (this one first)."""

    flag = None

    def __init__(self, message):
        super().__init__(message)
        self.refusals = [self]


class TooEarly(ReleaseRefused):
    """A week was asked to be released before its release date (``--force`` overrides)."""

    flag = "--force"


class ShipsOpenAnswers(ReleaseRefused):
    """A week would ship, in lecture_lib.py, answers of a week still taking submissions.

    No option overrides it: the course table's dates must change."""


class PastDue(ReleaseRefused):
    """A week's due date has passed: every submission would be late (``--after-due`` overrides)."""

    flag = "--after-due"


def now(override=None):
    """The current time (aware): ``override`` (a datetime or ISO text) if given,
    else the pinned moment (:func:`pinned`), else the real clock."""
    if override is not None:
        return course_table.aware(dt.datetime.fromisoformat(override) if isinstance(override, str) else override)
    if _pinned is not None:
        return _pinned
    return dt.datetime.now(UTC)


@contextlib.contextmanager
def pinned(moment):
    """Within the block, :func:`now` is ``moment`` (a datetime or ISO text; None: the clock)."""
    global _pinned
    saved, _pinned = _pinned, (None if moment is None else now(moment))
    try:
        yield _pinned
    finally:
        _pinned = saved


def check_release(week, table, at=None, force=False, after_due=False):
    """Raise unless ``week`` (a :class:`~autograder.course.table.WeekEntry` of
    ``table``) may be released at ``at``.

    ``force`` overrides the release date alone (:class:`TooEarly`),
    ``after_due`` a past due date (:class:`PastDue`); nothing overrides
    :class:`ShipsOpenAnswers`. The error raised names every reason that
    stands, each with its remedy, and keeps them in ``refusals``.
    """
    given = {"--force": force, "--after-due": after_due}
    standing = [r for r in release_refusals(week, table, at) if not given.get(r.flag)]
    if standing:
        first = standing[0]
        if len(standing) > 1:
            first = type(first)("\n".join(str(r) for r in standing))
            first.refusals = standing
        raise first


def release_refusals(week, table, at=None):
    """Every reason ``week`` may not be released at ``at`` (:class:`ReleaseRefused` instances)."""
    at = now(at)
    found = []
    if week.release is not None and at < week.release:
        found.append(TooEarly(
            f"{week.id} opens on {week.release:%Y-%m-%d %H:%M %z} (in {_span(week.release - at)}); "
            f"it is not released before then. --force releases it early."))
    for other, closes in still_open(week.id, table, at):
        found.append(ShipsOpenAnswers(
            f"{week.id} ships {other}'s reference functions in lecture_lib.py, and {other} takes "
            f"submissions until {closes:%Y-%m-%d %H:%M %z}: releasing it now would hand out answers "
            f"still being graded. --force does not override this; it can be released once {other} "
            f"closes (or when course.toml closes {other} earlier)."))
    if week.due is not None and at > week.due:
        found.append(PastDue(
            f"{week.id} was due {week.due:%Y-%m-%d %H:%M %z} ({_span(at - week.due)} ago): every "
            f"submission would be late ({week.late_policy.describe()}). Move its due date in "
            f"course.toml, or pass --after-due to release it anyway."))
    return found


def still_open(week_id, table, at):
    """``[(week, closes)]``: weeks whose functions ``week_id`` ships that have not closed at ``at``."""
    try:
        provides = weeks.week(week_id).provides
    except KitError:
        return []
    found = []
    for other, _ in provides:
        closes = table.weeks[other].closes if other in table.weeks else None
        if closes is not None and at < closes:
            found.append((other, closes))
    return found


def calendar_problems(table):
    """Weeks that would open while a week they ship answers from is still open."""
    return [f"{week.id} opens {week.release:%Y-%m-%d %H:%M} before {other} closes {closes:%Y-%m-%d %H:%M}"
            for week in table.weeks.values() if week.release is not None
            for other, closes in still_open(week.id, table, week.release)]


def shift_text(text, delta):
    """``text`` (a course table) with every date moved by ``delta`` (a timedelta).

    The gaps between release and due dates stay the table's own.
    """
    def move(match):
        return (dt.datetime.fromisoformat(match.group(0)) + delta).isoformat()
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)?", move, text)


def example_table(at=None):
    """The kit's example course table, every date moved by whole days so that
    ``at`` (default: :func:`now`) falls where :data:`EXAMPLE_TODAY` falls in it."""
    days = (now(at) - EXAMPLE_TODAY) // dt.timedelta(days=1)
    return shift_text(course_table.kit().path.read_text(encoding="utf-8"), dt.timedelta(days=days))


def _span(delta):
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"
