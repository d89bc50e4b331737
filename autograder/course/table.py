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

``instant`` (default: ``[defaults] instant``, else off) is the policy of
``dlkit serve``, which grades each submission as it arrives::

    instant = { feedback = true, attempts = ["3/hour", "10/day"], before_due = "messages" }

``attempts``: at most that many feedbacks in any such window (a submission
over it is kept, and graded at the deadline like any other); ``before_due``:
what the feedback shows before the due date, ``"messages"`` (no points) or
``"scores"`` too.

The top-level ``language`` (``"ko"``, ``"en"`` or ``"both"``, the default)
is the language of everything students and staff read: feedback, grading
JSON, CSVs, the class report.

``late_policy`` (default: ``[defaults] late_policy``, else ``"none"``) is
``"none"`` (late work is marked like any other), ``"zero"`` (late work
scores 0) or ``{ per_day = f, max_days = d }``: a fraction ``f`` of the
notebook's score is lost per started day late, and everything after
``d`` days. Dates carry their UTC offset; naive ones are taken as UTC.

``[grading] cluster = "tcp://HOST:8786"`` (default: none) sends ``dlkit grade``'s
per-submission grading to that Dask scheduler's workers instead of local processes
(:mod:`autograder.grading.cluster`); ``grade --cluster`` overrides it.
"""

import dataclasses
import datetime as dt
import functools
import math
import re
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


WINDOWS = {"minute": 60.0, "hour": 3600.0, "day": DAY, "week": 7 * DAY}


@dataclasses.dataclass(frozen=True)
class InstantPolicy:
    """Feedback at once on each submission (``dlkit serve``), as ``instant`` in the table says."""

    feedback: bool = False  # on or off
    attempts: tuple = ()  # ((count, seconds), ...): at most count feedbacks in any window of seconds
    before_due: str = "messages"  # before the due date students see "messages" only, or "scores" too

    @classmethod
    def parse(cls, value):
        if value is None:
            return cls()
        if not isinstance(value, dict) or not set(value) <= {"feedback", "attempts", "before_due"}:
            raise CourseTableError(f"instant must be {{ feedback = true, attempts = [\"3/hour\", \"10/day\"], "
                                   f"before_due = \"messages\" }}, not {value!r}")
        attempts = []
        for rule in value.get("attempts", []):
            count, _, window = str(rule).partition("/")
            if not count.isdigit() or int(count) < 1 or window not in WINDOWS:
                raise CourseTableError(f"an attempts rule is COUNT/{'|'.join(WINDOWS)} (\"3/hour\"), not {rule!r}")
            attempts.append((int(count), WINDOWS[window]))
        before_due = value.get("before_due", "messages")
        if before_due not in ("messages", "scores"):
            raise CourseTableError(f"instant.before_due is \"messages\" or \"scores\", not {before_due!r}")
        return cls(bool(value.get("feedback", False)), tuple(attempts), before_due)


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
    instant: InstantPolicy = InstantPolicy()

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
    cluster: str = ""  # [grading] cluster: a Dask scheduler's address; "": grade in local processes

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
    default_instant = table.get("defaults", {}).get("instant")
    weeks = {}
    for week_id, entry in table.get("weeks", {}).items():
        release, due = aware(entry.get("release")), aware(entry.get("due"))
        if release and due and due <= release:
            raise CourseTableError(f"{week_id}: due date {due} is not after its release date {release}")
        provides = tuple((w, tuple(names)) for w, names in entry.get("provides", {}).items())
        weeks[week_id] = WeekEntry(week_id, entry.get("notebook", ""), entry.get("title", ""), provides,
                                   release, due, LatePolicy.parse(entry.get("late_policy", default)),
                                   InstantPolicy.parse(entry.get("instant", default_instant)))
    language = table.get("language", texts.DEFAULT)
    if language not in texts.LANGUAGES:
        raise CourseTableError(f"{path}: language must be one of {', '.join(texts.LANGUAGES)}, not {language!r}")
    return CourseTable(path, weeks, language, cluster_address(table.get("grading", {}), path))


# a Dask scheduler's address: tcp:// (or tls://, ws://, wss://), a host name or [IPv6], a port
CLUSTER_ADDRESS = re.compile(r"(tcp|tls|wss?)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
                             r"(:[0-9]{1,5})?/?")


def cluster_address(grading, where="course.toml"):
    """``[grading] cluster`` of a course table, checked ('' when it has none)."""
    if not isinstance(grading, dict) or not set(grading) <= {"cluster"}:
        raise CourseTableError(f"{where}: [grading] takes only cluster = \"tcp://HOST:PORT\", not {grading!r}")
    value = grading.get("cluster", "")
    if value == "":
        return ""
    match = CLUSTER_ADDRESS.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or (match.group(3) and int(match.group(3)[1:]) > 65535):
        raise CourseTableError(f"{where}: the cluster must be a Dask scheduler's address such as "
                               f"\"tcp://grader.example.org:8786\", not {value!r}")
    return value.strip().rstrip("/")


def cluster_for(table, given=None):
    """The Dask scheduler to grade on: ``given`` (``--cluster``; "local" or '': none), else the table's."""
    if given is None:
        return table.cluster
    return "" if given in ("", "local") else cluster_address({"cluster": given}, "--cluster")


def aware(value):
    """A TOML date or datetime as an aware datetime (naive ones taken as UTC)."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if not isinstance(value, dt.datetime):
        raise CourseTableError(f"not a date: {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)
