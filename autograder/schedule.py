"""The course calendar: when each week opens, when it is due, how late work is marked.

Read from the course table (``course.toml``) of a course folder, or the
kit's own table when the folder has none. Each week may state::

    [weeks.week01]
    release = 2026-11-16T10:00:00+09:00   # not released before this
    due = 2026-11-30T23:59:00+09:00       # nbgrader's due date: later submissions are late
    late_policy = { per_day = 0.1, max_days = 3 }

``late_policy`` (default: ``[defaults] late_policy``, else ``"none"``) is
``"none"`` (late work is marked like any other), ``"zero"`` (late work
scores 0) or ``{ per_day = f, max_days = d }``: a fraction ``f`` of the
notebook's score is lost per started day late, and everything after
``d`` days. Dates carry their UTC offset; naive ones are taken as UTC.

"Now" is read in one place, :func:`now`: the real clock, unless a
moment is pinned with :func:`pinned` (the ``--today`` rehearsal option,
the tests) or passed explicitly, so nothing depends on today's date.

The kit's own ``course.toml`` is an example semester. :func:`example_table`
moves all its dates by whole days so that any moment falls where
:data:`EXAMPLE_TODAY` falls in it (week01 and week02 open, week03 not yet):
the demo and the tests run the example semester around today.
"""

import contextlib
import dataclasses
import datetime as dt
import math
import re
import tomllib
from pathlib import Path

from . import course
from .course import KIT_ROOT

TABLE = "course.toml"
DAY = 86400.0
UTC = dt.timezone.utc
KST = dt.timezone(dt.timedelta(hours=9))
# The moment of the example semester that the demo and tests replay "now"
# at: week01 and week02 open (due 11-30), week03 opening on 12-03.
EXAMPLE_TODAY = dt.datetime(2026, 11, 29, 12, 0, tzinfo=KST)

_pinned = None  # the moment `now()` returns instead of the clock (see `pinned`)


class TooEarly(ValueError):
    """A week was asked to be released before its release date."""


@dataclasses.dataclass(frozen=True)
class LatePolicy:
    kind: str = "none"  # "none", "zero" or "per_day"
    per_day: float = 0.0  # fraction of the score lost per started day late
    max_days: int = 0  # after this many days late, the whole score is lost

    @classmethod
    def parse(cls, value):
        if value in (None, "none"):
            return cls()
        if value == "zero":
            return cls("zero")
        if isinstance(value, dict) and set(value) <= {"per_day", "max_days"} and "per_day" in value:
            per_day, max_days = float(value["per_day"]), int(value.get("max_days", 0))
            if 0 <= per_day <= 1 and max_days >= 0:
                return cls("per_day", per_day, max_days)
        raise ValueError(f"late_policy must be 'none', 'zero' or {{ per_day = 0.1, max_days = 3 }}, not {value!r}")

    def penalty(self, score, seconds_late):
        """Points taken off a notebook that scored ``score``, handed in ``seconds_late`` late."""
        if seconds_late <= 0 or self.kind == "none":
            return 0.0
        if self.kind == "zero":
            return float(score)
        days = math.ceil(seconds_late / DAY)
        if self.max_days and days > self.max_days:
            return float(score)
        return round(min(1.0, self.per_day * days) * score, 2)

    def describe(self):
        if self.kind == "per_day":
            after = f", nothing after {self.max_days} days" if self.max_days else ""
            return f"-{self.per_day:.0%} per started day late{after}"
        return {"none": "no penalty", "zero": "late work scores 0"}[self.kind]


@dataclasses.dataclass(frozen=True)
class WeekDates:
    id: str
    release: dt.datetime | None  # aware; None: may be released any time
    due: dt.datetime | None  # aware; None: no due date
    late_policy: LatePolicy = LatePolicy()

    @property
    def closes(self):
        """When the last (late) submission can still earn points: due date plus
        ``max_days`` for a per-day policy, else the due date; None: no due date."""
        if self.due is None:
            return None
        if self.late_policy.kind == "per_day":
            return self.due + dt.timedelta(days=self.late_policy.max_days)
        return self.due

    @property
    def due_utc_naive(self):
        """The due date as nbgrader's gradebook stores it (naive UTC)."""
        return None if self.due is None else self.due.astimezone(UTC).replace(tzinfo=None)


def table_path(course_root=None):
    """The course folder's ``course.toml`` if it has one, else the kit's."""
    if course_root is not None and (Path(course_root) / TABLE).exists():
        return Path(course_root) / TABLE
    return KIT_ROOT / TABLE


def load(course_root=None, path=None):
    """``{week_id: WeekDates}`` of the course table, in table order."""
    table = tomllib.loads(Path(path or table_path(course_root)).read_text(encoding="utf-8"))
    default = table.get("defaults", {}).get("late_policy")
    weeks = {}
    for week_id, entry in table.get("weeks", {}).items():
        release, due = _aware(entry.get("release")), _aware(entry.get("due"))
        if release and due and due <= release:
            raise ValueError(f"{week_id}: due date {due} is not after its release date {release}")
        weeks[week_id] = WeekDates(week_id, release, due, LatePolicy.parse(entry.get("late_policy", default)))
    return weeks


def dates(week_id, course_root=None):
    try:
        return load(course_root)[week_id]
    except KeyError:
        raise ValueError(f"{week_id} is not in the course table {table_path(course_root)}") from None


def now(override=None):
    """The current time (aware): ``override`` (a datetime or ISO text) if given,
    else the pinned moment (:func:`pinned`), else the real clock."""
    if override is not None:
        return _aware(dt.datetime.fromisoformat(override) if isinstance(override, str) else override)
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


def example_table(at=None):
    """The kit's example course table, every date moved by whole days so that
    ``at`` (default: :func:`now`) falls where :data:`EXAMPLE_TODAY` falls in it."""
    days = (now(at) - EXAMPLE_TODAY) // dt.timedelta(days=1)
    return shift_text((KIT_ROOT / TABLE).read_text(encoding="utf-8"), dt.timedelta(days=days))


def check_release(week, at=None, course_root=None):
    """Raise :class:`TooEarly` if ``week`` (WeekDates) may not be released at ``at``:
    before its date, or while a week whose answers it ships (``provides``)
    can still be handed in."""
    at = now(at)
    if week.release is not None and at < week.release:
        wait = week.release - at
        raise TooEarly(f"{week.id} opens on {week.release:%Y-%m-%d %H:%M %z} "
                       f"(in {_span(wait)}); it is not released before then. "
                       f"Use --force to release it early.")
    for other, closes in still_open(week.id, at, course_root):
        raise TooEarly(f"{week.id} ships {other}'s reference functions in lecture_lib.py, and {other} "
                       f"takes submissions until {closes:%Y-%m-%d %H:%M %z}: releasing it now would hand "
                       f"out answers still being graded. Use --force to release it anyway.")


def still_open(week_id, at, course_root=None):
    """``[(week, closes)]``: weeks whose functions ``week_id`` ships that have not closed at ``at``."""
    table = load(course_root)
    try:
        provides = course.week(week_id).provides
    except course.UnknownAssignment:
        return []
    found = []
    for other, _ in provides:
        closes = table[other].closes if other in table else None
        if closes is not None and at < closes:
            found.append((other, closes))
    return found


def calendar_problems(course_root=None):
    """Weeks that would open while a week they ship answers from is still open."""
    table = load(course_root)
    return [f"{week.id} opens {week.release:%Y-%m-%d %H:%M} before {other} closes {closes:%Y-%m-%d %H:%M}"
            for week in table.values() if week.release is not None
            for other, closes in still_open(week.id, week.release, course_root)]


def shift_text(text, delta):
    """``text`` (a course table) with every date moved by ``delta`` (a timedelta).

    The demo uses it to replay the semester around today: the gaps between
    release and due dates stay the table's own.
    """
    def move(match):
        return (dt.datetime.fromisoformat(match.group(0)) + delta).isoformat()
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)?", move, text)


def _aware(value):
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if not isinstance(value, dt.datetime):
        raise ValueError(f"not a date: {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _span(delta):
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"
