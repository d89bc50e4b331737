"""The course table, ``course.toml``: the one reader of it.

The kit's own table (at the kit's root) names the weeks: assignment id,
notebook, title, and ``provides`` (earlier weeks' reference functions
shipped read-only as ``lecture_lib.py``). It is also an example semester.
A course folder has its own copy, the course's calendar. Each week may
state::

    [weeks.week01]
    notebook = "activations"
    title = "The neuron and its activation functions"
    release = 2026-11-16T10:00:00+09:00   # not released before this
    due = 2026-11-30T23:59:00+09:00       # nbgrader's due date: later submissions are late
    late_policy = { per_day = 0.1, max_days = 3 }

The top-level ``language`` (``"ko"``, ``"en"`` or ``"both"``, the default)
is the language of everything students and staff read: feedback, grading
JSON, CSVs, the class report.

``late_policy`` (default: ``[defaults] late_policy``, else ``"none"``) is
``"none"`` (late work is marked like any other), ``"zero"`` (late work
scores 0) or ``{ per_day = f, max_days = d }``: a fraction ``f`` of the
notebook's score is lost per started day late, and everything after
``d`` days. Dates carry their UTC offset; naive ones are taken as UTC.
"""

import dataclasses
import datetime as dt
import functools
import math
import tomllib
from pathlib import Path

from .. import texts
from ..errors import CourseTableError

KIT_ROOT = Path(__file__).resolve().parents[2]
NAME = "course.toml"
DAY = 86400.0
UTC = dt.timezone.utc


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
        raise CourseTableError(f"late_policy must be 'none', 'zero' or {{ per_day = 0.1, max_days = 3 }}, "
                               f"not {value!r}")

    def penalty(self, score: float, seconds_late: float) -> float:
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
class WeekEntry:
    """One week of a course table."""

    id: str
    notebook: str = ""
    title: str = ""
    # earlier weeks' reference functions shipped as lecture_lib.py: ((week_id, (name, ...)), ...)
    provides: tuple = ()
    release: dt.datetime | None = None  # aware; None: may be released any time
    due: dt.datetime | None = None  # aware; None: no due date
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


@dataclasses.dataclass(frozen=True)
class CourseTable:
    path: Path
    weeks: dict  # {week_id: WeekEntry}, in table order
    language: str = texts.DEFAULT  # what students and staff read: "ko", "en" or "both"

    def week(self, week_id):
        try:
            return self.weeks[week_id]
        except KeyError:
            raise CourseTableError(f"{week_id} is not in the course table {self.path}") from None


def read(path=None):
    """The table at ``path`` (default: the kit's), parsed once per version of the file."""
    path = Path(path or KIT_ROOT / NAME).resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise CourseTableError(f"the course table {path} cannot be read ({exc.strerror})") from None
    return _parse(path, stat.st_mtime_ns, stat.st_size)


def kit():
    """The kit's own table."""
    return read(KIT_ROOT / NAME)


def for_folder(root):
    """The course table of the course folder ``root``; the kit's where it has none."""
    own = Path(root) / NAME
    return read(own if own.exists() else None)


@functools.lru_cache(maxsize=32)
def _parse(path, _mtime, _size):
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CourseTableError(f"the course table {path} is not valid TOML: {exc}") from None
    default = table.get("defaults", {}).get("late_policy")
    weeks = {}
    for week_id, entry in table.get("weeks", {}).items():
        release, due = aware(entry.get("release")), aware(entry.get("due"))
        if release and due and due <= release:
            raise CourseTableError(f"{week_id}: due date {due} is not after its release date {release}")
        provides = tuple((w, tuple(names)) for w, names in entry.get("provides", {}).items())
        weeks[week_id] = WeekEntry(week_id, entry.get("notebook", ""), entry.get("title", ""), provides,
                                   release, due, LatePolicy.parse(entry.get("late_policy", default)))
    language = table.get("language", texts.DEFAULT)
    if language not in texts.LANGUAGES:
        raise CourseTableError(f"{path}: language must be one of {', '.join(texts.LANGUAGES)}, not {language!r}")
    return CourseTable(path, weeks, language)


def aware(value):
    """A TOML date or datetime as an aware datetime (naive ones taken as UTC)."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if not isinstance(value, dt.datetime):
        raise CourseTableError(f"not a date: {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)
