"""The course calendar: dates from the table, release refusals, late penalties."""

import datetime as dt
import tomllib

import pytest

from autograder.course import calendar, table, weeks
from autograder.course.calendar import TooEarly
from autograder.course.table import LatePolicy, WeekEntry
from autograder.nbgrader_plugins.late_penalty import CourseTableLatePenalty

pytestmark = pytest.mark.dates

KST = dt.timezone(dt.timedelta(hours=9))
DAY = 86400


def test_every_week_of_the_kit_has_dates_in_order():
    entries = table.kit().weeks
    assert set(weeks.weeks()) <= set(entries)
    releases = [w.release for w in entries.values()]
    assert releases == sorted(releases)
    assert all(w.due > w.release for w in entries.values())


def test_week01_is_open_on_the_day_the_table_was_written_and_week03_is_not():
    today = dt.datetime(2026, 11, 29, 12, 0, tzinfo=KST)
    kit = table.kit()
    calendar.check_release(kit.week("week01"), kit, today)
    calendar.check_release(kit.week("week02"), kit, today)
    with pytest.raises(TooEarly, match=r"week03 opens on 2026-12-03.*--force"):
        calendar.check_release(kit.week("week03"), kit, today)


def test_now_accepts_an_iso_override_and_assumes_utc_when_naive():
    assert calendar.now("2026-11-20") == dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)
    assert calendar.now("2026-11-20T10:00+09:00").utcoffset() == dt.timedelta(hours=9)


def test_due_date_is_stored_as_naive_utc_like_nbgrader():
    week = WeekEntry("w", due=dt.datetime(2026, 11, 30, 23, 59, tzinfo=KST))
    assert week.due_utc_naive == dt.datetime(2026, 11, 30, 14, 59)


@pytest.mark.parametrize("seconds_late, expected", [
    (0, 0.0), (1, 0.8), (DAY, 0.8), (DAY + 1, 1.6), (3 * DAY, 2.4), (3 * DAY + 1, 8.0)])
def test_per_day_policy(seconds_late, expected):
    policy = LatePolicy.parse({"per_day": 0.1, "max_days": 3})
    assert policy.penalty(8.0, seconds_late) == pytest.approx(expected)


def test_none_and_zero_policies():
    assert LatePolicy.parse("none").penalty(8.0, 10 * DAY) == 0
    assert LatePolicy.parse("zero").penalty(8.0, 1) == 8.0


@pytest.mark.parametrize("bad", ["half", {"per_day": 2}, {"per_day": 0.1, "weekly": 1}, {"max_days": 3}])
def test_bad_policies_are_refused(bad):
    with pytest.raises(ValueError, match="late_policy"):
        LatePolicy.parse(bad)


def test_a_course_folder_table_overrides_the_kit_one(tmp_path):
    (tmp_path / "course.toml").write_text(
        '[defaults]\nlate_policy = "zero"\n[weeks.week01]\nrelease = 2030-01-01T09:00:00+09:00\n'
        'due = 2030-01-08T09:00:00+09:00\n')
    week = table.for_folder(tmp_path).week("week01")
    assert week.release.year == 2030 and week.late_policy.kind == "zero"
    with pytest.raises(ValueError, match="week02 is not in the course table"):
        table.for_folder(tmp_path).week("week02")
    assert table.for_folder(tmp_path / "no-table-here") == table.kit()


def test_due_before_release_is_an_error(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text("[weeks.week01]\nrelease = 2030-01-08T00:00:00Z\ndue = 2030-01-01T00:00:00Z\n")
    with pytest.raises(ValueError, match="not after its release date"):
        table.read(path)


def test_shift_text_moves_every_date_and_keeps_the_gaps():
    text = table.kit().path.read_text()
    moved = calendar.shift_text(text, dt.timedelta(days=10))
    before, after = tomllib.loads(text)["weeks"], tomllib.loads(moved)["weeks"]
    for week_id in before:
        assert after[week_id]["release"] - before[week_id]["release"] == dt.timedelta(days=10)
        assert after[week_id]["due"] - after[week_id]["release"] == before[week_id]["due"] - before[week_id]["release"]


def test_nbgrader_plugin_reads_the_week_policy(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[weeks.week01]\nlate_policy = { per_day = 0.25 }\n[weeks.week02]\nlate_policy = "none"\n')
    assert _penalty(path, "week01", 8.0, 2 * DAY) == 4.0
    assert _penalty(path, "week02", 8.0, 2 * DAY) == 0.0
    assert _penalty(path, "week09", 8.0, 2 * DAY) is None


def test_a_course_folder_made_before_the_packages_split_still_names_its_plugins():
    from autograder import late_policy, nbgrader_plugin
    from autograder.nbgrader_plugins import hidden_suites, late_penalty

    assert late_policy.CourseTableLatePenalty is late_penalty.CourseTableLatePenalty
    assert nbgrader_plugin.GradeWithHiddenSuites is hidden_suites.GradeWithHiddenSuites
    assert nbgrader_plugin.RepairCellMetadata is hidden_suites.RepairCellMetadata


def _penalty(path, assignment, score, late):
    from nbgrader.preprocessors import AssignLatePenalties

    step = AssignLatePenalties()
    step.assignment_id = assignment
    plugin = CourseTableLatePenalty(parent=step, table=str(path))
    return plugin.late_submission_penalty("alice", score, late)


def test_the_kit_calendar_never_ships_answers_of_an_open_week():
    assert calendar.calendar_problems(table.kit()) == []


def test_a_week_shipping_an_open_weeks_answers_is_refused(tmp_path):
    (tmp_path / "course.toml").write_text(
        '[defaults]\nlate_policy = { per_day = 0.1, max_days = 2 }\n'
        '[weeks.week02]\nrelease = 2026-11-23T10:00:00+09:00\ndue = 2026-12-07T23:59:00+09:00\n'
        '[weeks.week03]\nrelease = 2026-11-30T10:00:00+09:00\ndue = 2026-12-14T23:59:00+09:00\n')
    course = table.for_folder(tmp_path)
    assert calendar.calendar_problems(course) == [
        "week03 opens 2026-11-30 10:00 before week02 closes 2026-12-09 23:59"]
    for force in (False, True):  # --force overrides the date, never this
        with pytest.raises(calendar.ShipsOpenAnswers,
                           match=r"week03 ships week02's reference functions.*--force does not override"):
            calendar.check_release(course.week("week03"), course, "2026-12-01T00:00+09:00", force=force)
    calendar.check_release(course.week("week03"), course, "2026-12-10T00:00+09:00")


def test_a_week_past_its_due_date_needs_after_due():
    kit = table.kit()
    week01 = kit.week("week01")
    later = week01.due + dt.timedelta(hours=3)
    with pytest.raises(calendar.PastDue, match=r"week01 was due 2026-11-30 23:59 \+0900 \(3.0 hours ago\)"):
        calendar.check_release(week01, kit, later, force=True)
    calendar.check_release(week01, kit, later, after_due=True)


@pytest.mark.parametrize("today", ["2020-02-29T23:30+09:00", "2026-12-01T09:00+09:00", "2031-07-15T00:00Z"])
def test_the_example_semester_runs_around_any_date(tmp_path, today):
    (tmp_path / "course.toml").write_text(calendar.example_table(today), encoding="utf-8")
    course = table.for_folder(tmp_path)
    at = calendar.now(today)
    calendar.check_release(course.week("week01"), course, at)
    calendar.check_release(course.week("week02"), course, at)
    assert course.week("week01").due - at > dt.timedelta(hours=11)  # submitting now is on time
    with pytest.raises(TooEarly, match="week03 opens on"):
        calendar.check_release(course.week("week03"), course, at)
    assert calendar.calendar_problems(course) == []


def test_the_clock_is_read_in_one_place_and_can_be_pinned():
    with calendar.pinned("2030-05-05T10:00+09:00") as moment:
        assert calendar.now() == moment == dt.datetime(2030, 5, 5, 1, 0, tzinfo=dt.timezone.utc)
        with calendar.pinned(None):
            assert calendar.now() != moment
        assert calendar.now("2031-01-01") == dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc)
    assert abs(calendar.now() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
