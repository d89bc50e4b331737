"""The course calendar: dates from the table, release refusals, late penalties."""

import datetime as dt
import tomllib

import pytest

from autograder import course, schedule
from autograder.late_policy import CourseTableLatePenalty

KST = dt.timezone(dt.timedelta(hours=9))
DAY = 86400


def test_every_week_of_the_kit_has_dates_in_order():
    weeks = schedule.load()
    assert set(course.weeks()) <= set(weeks)
    releases = [w.release for w in weeks.values()]
    assert releases == sorted(releases)
    assert all(w.due > w.release for w in weeks.values())


def test_week01_is_open_on_the_day_the_table_was_written_and_week03_is_not():
    today = dt.datetime(2026, 11, 29, 12, 0, tzinfo=KST)
    schedule.check_release(schedule.dates("week01"), today)
    schedule.check_release(schedule.dates("week02"), today)
    with pytest.raises(schedule.TooEarly, match=r"week03 opens on 2026-12-03.*--force"):
        schedule.check_release(schedule.dates("week03"), today)


def test_now_accepts_an_iso_override_and_assumes_utc_when_naive():
    assert schedule.now("2026-11-20") == dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)
    assert schedule.now("2026-11-20T10:00+09:00").utcoffset() == dt.timedelta(hours=9)


def test_due_date_is_stored_as_naive_utc_like_nbgrader():
    week = schedule.WeekDates("w", None, dt.datetime(2026, 11, 30, 23, 59, tzinfo=KST))
    assert week.due_utc_naive == dt.datetime(2026, 11, 30, 14, 59)


@pytest.mark.parametrize("seconds_late, expected", [
    (0, 0.0), (1, 0.8), (DAY, 0.8), (DAY + 1, 1.6), (3 * DAY, 2.4), (3 * DAY + 1, 8.0)])
def test_per_day_policy(seconds_late, expected):
    policy = schedule.LatePolicy.parse({"per_day": 0.1, "max_days": 3})
    assert policy.penalty(8.0, seconds_late) == pytest.approx(expected)


def test_none_and_zero_policies():
    assert schedule.LatePolicy.parse("none").penalty(8.0, 10 * DAY) == 0
    assert schedule.LatePolicy.parse("zero").penalty(8.0, 1) == 8.0


@pytest.mark.parametrize("bad", ["half", {"per_day": 2}, {"per_day": 0.1, "weekly": 1}, {"max_days": 3}])
def test_bad_policies_are_refused(bad):
    with pytest.raises(ValueError, match="late_policy"):
        schedule.LatePolicy.parse(bad)


def test_a_course_folder_table_overrides_the_kit_one(tmp_path):
    (tmp_path / "course.toml").write_text(
        '[defaults]\nlate_policy = "zero"\n[weeks.week01]\nrelease = 2030-01-01T09:00:00+09:00\n'
        'due = 2030-01-08T09:00:00+09:00\n')
    week = schedule.dates("week01", tmp_path)
    assert week.release.year == 2030 and week.late_policy.kind == "zero"
    with pytest.raises(ValueError, match="week02 is not in the course table"):
        schedule.dates("week02", tmp_path)


def test_due_before_release_is_an_error(tmp_path):
    table = tmp_path / "course.toml"
    table.write_text("[weeks.week01]\nrelease = 2030-01-08T00:00:00Z\ndue = 2030-01-01T00:00:00Z\n")
    with pytest.raises(ValueError, match="not after its release date"):
        schedule.load(path=table)


def test_shift_text_moves_every_date_and_keeps_the_gaps():
    text = (course.KIT_ROOT / "course.toml").read_text()
    moved = schedule.shift_text(text, dt.timedelta(days=10))
    before, after = tomllib.loads(text)["weeks"], tomllib.loads(moved)["weeks"]
    for week_id in before:
        assert after[week_id]["release"] - before[week_id]["release"] == dt.timedelta(days=10)
        assert after[week_id]["due"] - after[week_id]["release"] == before[week_id]["due"] - before[week_id]["release"]


def test_nbgrader_plugin_reads_the_week_policy(tmp_path):
    table = tmp_path / "course.toml"
    table.write_text('[weeks.week01]\nlate_policy = { per_day = 0.25 }\n[weeks.week02]\nlate_policy = "none"\n')
    assert _penalty(table, "week01", 8.0, 2 * DAY) == 4.0
    assert _penalty(table, "week02", 8.0, 2 * DAY) == 0.0
    assert _penalty(table, "week09", 8.0, 2 * DAY) is None


def _penalty(table, assignment, score, late):
    from nbgrader.preprocessors import AssignLatePenalties

    step = AssignLatePenalties()
    step.assignment_id = assignment
    plugin = CourseTableLatePenalty(parent=step, table=str(table))
    return plugin.late_submission_penalty("alice", score, late)


def test_the_kit_calendar_never_ships_answers_of_an_open_week():
    assert schedule.calendar_problems() == []


def test_a_week_shipping_an_open_weeks_answers_is_refused(tmp_path):
    (tmp_path / "course.toml").write_text(
        '[defaults]\nlate_policy = { per_day = 0.1, max_days = 2 }\n'
        '[weeks.week02]\nrelease = 2026-11-23T10:00:00+09:00\ndue = 2026-12-07T23:59:00+09:00\n'
        '[weeks.week03]\nrelease = 2026-11-30T10:00:00+09:00\ndue = 2026-12-14T23:59:00+09:00\n')
    assert schedule.calendar_problems(tmp_path) == [
        "week03 opens 2026-11-30 10:00 before week02 closes 2026-12-09 23:59"]
    with pytest.raises(schedule.TooEarly, match=r"week03 ships week02's reference functions.*--force"):
        schedule.check_release(schedule.dates("week03", tmp_path), "2026-12-01T00:00+09:00", tmp_path)
    schedule.check_release(schedule.dates("week03", tmp_path), "2026-12-10T00:00+09:00", tmp_path)


@pytest.mark.parametrize("today", ["2020-02-29T23:30+09:00", "2026-12-01T09:00+09:00", "2031-07-15T00:00Z"])
def test_the_example_semester_runs_around_any_date(tmp_path, today):
    (tmp_path / "course.toml").write_text(schedule.example_table(today), encoding="utf-8")
    weeks = schedule.load(tmp_path)
    at = schedule.now(today)
    schedule.check_release(weeks["week01"], at, tmp_path)
    schedule.check_release(weeks["week02"], at, tmp_path)
    assert weeks["week01"].due - at > dt.timedelta(hours=11)  # submitting now is on time
    with pytest.raises(schedule.TooEarly, match="week03 opens on"):
        schedule.check_release(weeks["week03"], at, tmp_path)
    assert schedule.calendar_problems(tmp_path) == []


def test_the_clock_is_read_in_one_place_and_can_be_pinned():
    with schedule.pinned("2030-05-05T10:00+09:00") as moment:
        assert schedule.now() == moment == dt.datetime(2030, 5, 5, 1, 0, tzinfo=dt.timezone.utc)
        with schedule.pinned(None):
            assert schedule.now() != moment
        assert schedule.now("2031-01-01") == dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc)
    assert abs(schedule.now() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
