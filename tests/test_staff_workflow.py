"""The TA and instructor workflow end to end, in a real course folder.

A TA releases week01 by its date (gate, generate, due date, exchange, LMS
zip); students fetch and submit through the local exchange with nbgrader's
own commands, one of them late; the instructor collects and grades in
parallel. nbgrader's exchange stamps each hand-in with the real clock, so
the course runs the kit's example semester around today
(``calendar.example_table``); every other moment is written explicitly. A copy of the folder, taken before grading, is graded by plain
``nbgrader autograde`` with the same config: the two gradebooks must agree.
"""

import csv
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades
from nbgrader.utils import parse_utc

from autograder.authoring.gate import GateReport
from autograder.course import calendar, weeks
from autograder.course.calendar import TooEarly
from autograder.course.folder import CourseFolder, create
from autograder.course.nbgrader_cli import environment, nbgrader
from autograder.nbgrader_plugins.manual_grades import SaveAutoGradesKeepingReviews
from autograder.simulation import classroom, cohort
from autograder.staff import exchange, writer
from autograder.staff.grade import Busy, grade_lock, grade_week
from autograder.staff.grade import grade_one as _real_grade_one
from autograder.staff.release import GateFailed, release_week
from autograder.staff.gradebook import cell_scores, submissions

pytestmark = pytest.mark.slow

WEEK = "week01"
GATE_PROVEN = "KIT_TESTS_GATE_PROVEN"  # set by test_any_date for its reruns
LATE_BY = dt.timedelta(hours=26)  # two started days: 20% off with the kit's policy
DAY = dt.timedelta(days=1)


def _gate():
    """The real gate, unless test_any_date's reruns say it is proven already (it knows no dates)."""
    if os.environ.get(GATE_PROVEN) != "1":
        return None
    report = GateReport(WEEK)
    report.add("the gate ran in the main test run (tests/test_gate.py)", True)
    return lambda week_id: report


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("staff")
    # today, week01 and week02 are open and week03 is not
    folder = create(base / "course", table_text=calendar.example_table())
    released = release_week(folder, WEEK, gate=_gate())
    week = weeks.week(WEEK)
    simulated = cohort.students(week, wrong_count=1)
    late = next(s for s in simulated if s.startswith("wrong_"))
    students = {s: simulated[s][1] for s in ("reference", "blank", late)}
    classroom.hand_in(folder, WEEK, students, base / "homes")
    classroom.backdate(folder, late, WEEK, released.due + LATE_BY)
    collected = exchange.collect(folder, WEEK)

    plain = CourseFolder(shutil.copytree(folder.root, base / "plain"))  # graded by the `plain` fixture
    run = grade_week(folder, WEEK, jobs=2, progress=False)
    return folder, plain, released, collected, late, run


@pytest.fixture(scope="module")
def plain(graded):
    """The course folder as it was before grading, graded by plain ``nbgrader autograde``."""
    folder = graded[1]
    nbgrader(["autograde", WEEK], cwd=folder.root)
    return folder


@pytest.mark.dates
def test_release_registers_the_due_date_and_publishes(graded):
    folder, _, released, _, _, _ = graded
    assert released.due == folder.table.week(WEEK).due and not released.forced
    con = sqlite3.connect(folder.root / "gradebook.db")
    (duedate,) = con.execute("select duedate from assignment where name = ?", (WEEK,)).fetchone()
    assert duedate.startswith(f"{released.due:%Y-%m-%d} 14:59")  # 23:59 KST, stored as UTC
    outbound = folder.exchange / folder.course_id / "outbound" / WEEK / "activations.ipynb"
    with zipfile.ZipFile(folder.root / "lms" / f"{WEEK}.zip") as archive:
        assert archive.read(f"{WEEK}/activations.ipynb") == outbound.read_bytes()
    assert nbformat.read(outbound, as_version=4) == nbformat.read(weeks.week(WEEK).release_notebook, as_version=4)


@pytest.mark.dates
def test_students_submitted_through_the_exchange(graded):
    folder, _, _, collected, late, _ = graded
    assert collected == sorted(["reference", "blank", late])
    for student in collected:
        assert (folder.submitted(student, WEEK) / "timestamp.txt").exists()


def test_parallel_gradebook_equals_plain_nbgrader_autograde(graded, plain):
    folder, _, _, _, _, run = graded
    assert not run.errors and run.graded == folder.submissions(WEEK)
    notebook = weeks.week(WEEK).notebook
    assert cell_scores(folder.db_url, WEEK, notebook) == cell_scores(plain.db_url, WEEK, notebook)
    assert _rows(folder) == _rows(plain)
    # what Formgrader shows beside each answer: "No response." where it was left as released
    assert _comments(folder) == _comments(plain)
    assert _comments(folder)["blank", "sigmoid"] == "No response."


def test_no_lost_or_duplicated_rows(graded):
    folder, _, _, collected, _, _ = graded
    con = sqlite3.connect(folder.root / "gradebook.db")
    assert con.execute("select count(*) from submitted_assignment").fetchone() == (len(collected),)
    rows, distinct = con.execute("select count(*), count(distinct notebook_id || '/' || cell_id) from grade").fetchone()
    # exactly one grade per (submitted notebook, test cell)
    assert rows == distinct == len(collected) * len(weeks.week(WEEK).test_cells)


def test_the_score_table_is_what_nbgraders_objects_hold(graded):
    folder, _, _, collected, _, _ = graded
    notebook = weeks.week(WEEK).notebook
    with Gradebook(folder.db_url) as gb:
        objects = {student: {grade.name: (grade.score, grade.max_score)
                             for grade in gb.find_submission_notebook(notebook, WEEK, student).grades
                             if grade.cell.__class__.__name__ == "GradeCell"}
                   for student in collected}
    assert cell_scores(folder.db_url, WEEK, notebook) == objects
    assert cell_scores(folder.db_url, WEEK, "no_such_notebook") == {}


@pytest.mark.dates
def test_late_submission_loses_what_the_policy_says(graded):
    folder, _, _, _, late, _ = graded
    rows = _rows(folder)
    score, penalty, seconds_late = rows[late]
    assert seconds_late == pytest.approx(LATE_BY.total_seconds(), abs=1)
    assert penalty == pytest.approx(round(0.2 * score, 2))
    assert rows["reference"][1] == 0


def test_question_csv_has_one_row_per_student_and_cell(graded):
    folder, _, _, collected, late, _ = graded
    week = weeks.week(WEEK)
    with open(folder.reports / f"{WEEK}-questions.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(collected) * len(week.test_cells)
    blank = [r for r in rows if r["student_id"] == "blank"]
    assert all(r["score"] == "0" and "NotImplementedError" in r["first_failure"] for r in blank)
    assert all(r["first_failure"] == "" and r["score"] == r["max_score"] for r in rows if r["student_id"] == "reference")
    assert any(r["first_failure"] and float(r["score"]) < float(r["max_score"]) for r in rows if r["student_id"] == late)
    with open(folder.reports / "grades.csv", encoding="utf-8") as handle:
        assert {r["student_id"] for r in csv.DictReader(handle)} == set(collected)


def test_class_report_is_one_offline_file_with_plots(graded):
    folder, _, _, collected, late, _ = graded
    text = (folder.reports / f"{WEEK}-report.html").read_text(encoding="utf-8")
    # inline SVG histograms: the class's totals, then one per exercise, each bar counting students
    plots = text.split("<svg")[1:]
    assert len(plots) == 1 + len(weeks.week(WEEK).exercises)
    for plot in plots:
        assert sum(int(n) for n in re.findall(r"<rect [^>]*><title>[^<]*: (\d+)</title>", plot)) == len(collected)
    assert "http://" not in text and "https://" not in text
    assert "Late submissions" in text and late in text
    assert "NotImplementedError" in text  # the blank notebook's message, counted
    _assert_no_hidden_test_text(text)


@pytest.mark.dates
def test_feedback_summary_per_exercise_without_hidden_tests(graded):
    folder, _, _, collected, late, _ = graded
    week = weeks.week(WEEK)
    for student in collected:
        summary = (folder.feedback(student, WEEK) / "summary.txt").read_text(encoding="utf-8")
        assert all(f"{exercise}: " in summary for exercise in week.exercises)
        html = (folder.feedback(student, WEEK) / f"{week.notebook}.html").read_text(encoding="utf-8")
        assert "Grading summary" in html and all(f"<code>{e}</code>" in html for e in week.exercises)
        _assert_no_hidden_test_text(summary)
        _assert_no_hidden_test_text(html)
    # the summary's total is nbgrader's: the score less the late penalty it stored
    score, penalty, _ = _rows(folder)[late]
    summary = (folder.feedback(late, WEEK) / "summary.txt").read_text(encoding="utf-8")
    assert f"{late}: {score - penalty:g} / 10 points" in summary and f"late submission: -{penalty:g}" in summary


def test_feedback_html_reads_well_offline(graded):
    folder, _, _, collected, _, _ = graded
    html = (folder.feedback("blank", WEEK) / f"{weeks.week(WEEK).notebook}.html").read_text(encoding="utf-8")
    assert "Out[" not in html  # no score outputs under the test cells
    assert "<math" in html and "$x_i$" not in html  # formulas rendered as the HTML was made
    assert "pre-wrap" in html  # messages wrap


def test_mistakes_are_counted_per_student(graded):
    folder, _, _, collected, _, _ = graded
    with open(folder.reports / f"{WEEK}-mistakes.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    counts = {r["mistake"]: int(r["students"]) for r in rows}
    # the blank notebook: each exercise not implemented, once each however many checks saw it
    assert all(counts[f"{exercise}.not_implemented"] == 1 for exercise in weeks.week(WEEK).exercises)
    assert [int(r["students"]) for r in rows] == sorted((int(r["students"]) for r in rows), reverse=True)
    with open(folder.reports / f"{WEEK}-questions.csv", encoding="utf-8") as handle:
        blank = [r for r in csv.DictReader(handle) if r["student_id"] == "blank"]
    assert all(r["mistakes"].endswith(".not_implemented") for r in blank)
    report = (folder.reports / f"{WEEK}-report.html").read_text(encoding="utf-8")
    assert "Most common mistakes" in report and "sigmoid.not_implemented" in report


def test_nbgraders_own_generate_feedback_keeps_the_summary(graded):
    folder, _, _, collected, _, _ = graded
    nbgrader(["generate_feedback", WEEK, "--force"], cwd=folder.root)
    for student in collected:
        html = (folder.feedback(student, WEEK) / f"{weeks.week(WEEK).notebook}.html").read_text(encoding="utf-8")
        assert "Grading summary" in html and (folder.feedback(student, WEEK) / "summary.txt").exists()


def test_students_fetch_their_feedback_with_the_summary(graded, tmp_path):
    folder = graded[0]
    proc = subprocess.run([sys.executable, "-m", "autograder", "release-feedback", WEEK, "--course", str(folder.root)],
                          capture_output=True, text=True, env=environment())
    assert proc.returncode == 0 and "fetch_feedback" in proc.stdout, proc.stderr
    fetched = classroom.fetch_feedback(folder, "reference", WEEK, folder.root.parent / "homes" / "reference")
    assert fetched, "no feedback fetched"
    html = fetched[-1].read_text(encoding="utf-8")
    assert "Grading summary" in html and "10 / 10" in html


def test_formgrader_shows_failed_tests_and_the_late_penalty(graded):
    folder, _, _, _, late, _ = graded
    api = writer.api(folder, folder.config)
    failed = {row["student"]: row["failed_tests"]
              for row in api.get_notebook_submissions(WEEK, weeks.week(WEEK).notebook)}
    assert failed["reference"] is False and failed["blank"] is True and failed[late] is True
    # Formgrader's view of a submission starts with the kit's note
    _, penalty, _ = _rows(folder)[late]
    first = nbformat.read(folder.autograded(late, WEEK) / "activations.ipynb", as_version=4).cells[0]
    assert first.metadata.get("dlkit") == "staff-note" and f"late penalty **-{penalty:g}**" in first.source


def test_untouched_test_cells_raise_no_checksum_alarm(plain):
    proc = nbgrader(["autograde", WEEK, "--student", "blank", "--force"], cwd=plain.root)
    log = proc.stdout + proc.stderr
    assert "has changed" not in log, log[-2000:]


def test_a_reviewed_manual_grade_survives_a_forced_regrade(graded, tmp_path):
    folder = CourseFolder(shutil.copytree(graded[0].root, tmp_path / "copy"))
    late = graded[4]
    notebook = weeks.week(WEEK).notebook
    with Gradebook(folder.db_url, folder.course_id) as gb:  # what Formgrader's grade box saves
        grade = gb.find_grade("test_relu", notebook, WEEK, late)
        grade.manual_score, grade.needs_manual_grade = 0.25, False
        gb.db.commit()
    run = grade_week(folder, WEEK, jobs=2, force=True, progress=False, reports=False)
    assert not run.errors
    with Gradebook(folder.db_url, folder.course_id) as gb:
        grade = gb.find_grade("test_relu", notebook, WEEK, late)
        assert grade.manual_score == 0.25 and not grade.needs_manual_grade
    summary = (folder.feedback(late, WEEK) / "summary.txt").read_text(encoding="utf-8")
    assert "relu: 0.25 / 1" in summary


def test_the_kits_save_step_writes_the_rows_nbgraders_own_writes(graded, tmp_path):
    """SaveAutoGradesKeepingReviews reads a notebook's rows once and commits once; every value
    it writes is the one nbgrader's SaveAutoGrades writes, a manual grade not yet reviewed
    included (it asks for review, as nbgrader's does)."""
    folder, _, _, collected, _, _ = graded
    notebook = weeks.week(WEEK).notebook
    tables = {}
    for step in (SaveAutoGrades, SaveAutoGradesKeepingReviews):
        db = tmp_path / f"{step.__name__}.db"
        shutil.copy(folder.root / "gradebook.db", db)
        con = sqlite3.connect(db)  # nothing left of the grading's values: the step writes each one
        con.execute("update grade set auto_score = 7, needs_manual_grade = 0, manual_score = null")
        con.execute("update comment set auto_comment = 'stale'")
        con.execute("update grade set manual_score = 0.5, needs_manual_grade = 1 where id in (select id from grade"
                    " limit 1)")
        con.commit()
        con.close()
        for student in collected:
            nb = nbformat.read(folder.autograded(student, WEEK) / f"{notebook}.ipynb", as_version=4)
            info = {"notebook": notebook, "assignment": WEEK, "student": student, "db_url": f"sqlite:///{db}"}
            step().preprocess(nb, {"nbgrader": info})
        con = sqlite3.connect(db)
        tables[step] = [con.execute(f"select * from {table} order by id").fetchall() for table in ("grade", "comment")]
        con.close()
    assert tables[SaveAutoGrades] == tables[SaveAutoGradesKeepingReviews]
    grades, comments = tables[SaveAutoGrades]
    assert len(grades) == len(collected) * len(weeks.week(WEEK).test_cells) and comments
    auto_comments = {row[3] for row in comments}  # id, notebook_id, cell_id, auto_comment, manual_comment
    assert "No response." in auto_comments and "stale" not in auto_comments


@pytest.mark.dates
def test_release_before_its_date_is_refused(graded):
    folder = graded[0]
    with pytest.raises(TooEarly, match="week02 opens on .*--force"):
        release_week(folder, "week02", at=folder.table.week("week02").release - DAY)
    assert not (folder.root / "release" / "week02").exists()


def test_failing_gate_is_refused_even_with_force(graded):
    folder = graded[0]
    failing = GateReport("week02")
    failing.add("reference scores 100%", False, "7 / 10")
    with pytest.raises(GateFailed, match="--force does not override the gate"):
        release_week(folder, "week02", force=True, gate=lambda week_id: failing)
    assert not (folder.root / "release" / "week02").exists()


@pytest.mark.dates
def test_grading_resumes_and_only_regrades_what_changed(graded):
    folder, _, _, collected, late, _ = graded
    again = grade_week(folder, WEEK, jobs=2, progress=False, feedback=False, reports=False)
    assert again.graded == [] and again.skipped == collected
    graded_at = parse_utc((folder.autograded("reference", WEEK) / "timestamp.txt").read_text().strip())
    again_at = graded_at + dt.timedelta(hours=1)  # handed in again, after the graded version
    (folder.submitted("reference", WEEK) / "timestamp.txt").write_text(f"{again_at:%Y-%m-%d %H:%M:%S.%f} UTC")
    again = grade_week(folder, WEEK, jobs=2, progress=False, feedback=False, reports=False)
    assert again.graded == ["reference"]
    forced = grade_week(folder, WEEK, jobs=2, force=True, progress=False, feedback=False, reports=False)
    assert forced.graded == collected and not forced.errors


def test_a_second_grade_in_the_same_folder_is_refused(graded):
    folder = graded[0]
    with grade_lock(folder):
        with pytest.raises(Busy, match="another `grade` .*is running"):
            grade_week(folder, WEEK, progress=False)


@pytest.mark.dates
def test_lms_download_is_collected_by_its_file_names(tmp_path, graded):
    folder = create(tmp_path / "lms-course", [WEEK])
    shutil.copytree(weeks.week(WEEK).release_notebook.parent, folder.root / "release" / WEEK)
    download = tmp_path / "download.zip"
    notebook = weeks.week(WEEK).release_notebook.read_bytes()
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr("alice_20261125T143000+0900_activations.ipynb", notebook)
        archive.writestr("bob.kim_20261126T090000Z_activations.ipynb", notebook)
    assert exchange.collect_lms(folder, WEEK, download) == ["alice", "bob.kim"]
    stamp = (folder.submitted("alice", WEEK) / "timestamp.txt").read_text()
    assert stamp.startswith("2026-11-25 05:30:00")


def _rows(folder):
    """``{student: (score, late penalty, seconds late)}`` of the week, from nbgrader's gradebook."""
    return {s: (sub.score, sub.late_penalty, sub.seconds_late) for s, sub in submissions(folder, WEEK).items()}


def _comments(folder):
    """``{(student, answer cell): nbgrader's automatic comment}`` of the week."""
    con = sqlite3.connect(folder.root / "gradebook.db")
    rows = con.execute("select s.student_id, b.name, c.auto_comment from comment c"
                       " join base_cell b on b.id = c.cell_id join submitted_notebook n on n.id = c.notebook_id"
                       " join submitted_assignment s on s.id = n.assignment_id").fetchall()
    con.close()
    return {(student, cell): text for student, cell, text in rows}


def _assert_no_hidden_test_text(text):
    suite_lines = {line.strip() for path in weeks.week(WEEK).suite_dir.glob("*.py")
                   for line in path.read_text().splitlines() if len(line.strip()) > 24}
    assert not [line for line in suite_lines if line in text]


def test_a_grading_worker_that_dies_costs_only_its_submission(graded, monkeypatch):
    """The worker grading one submission dies (as the OS kills one out of memory): the pool is
    rebuilt, everyone else is graded and gets feedback, and that student has an error line."""
    from autograder.staff import grade as staff_grade

    folder, _, _, collected, late, _ = graded
    monkeypatch.setattr(staff_grade, "grade_one", _dies_grading)
    monkeypatch.setitem(DYING, "student", late)
    run = grade_week(folder, WEEK, jobs=2, force=True, progress=False)
    assert set(run.errors) == {late} and "worker died" in run.errors[late]
    assert sorted(run.graded) == sorted(s for s in collected if s != late)
    for student in run.graded:
        assert (folder.feedback(student, WEEK) / "summary.txt").exists()
    report = (folder.reports / f"{WEEK}-report.html").read_text(encoding="utf-8")
    assert late in report and "worker died" in report


DYING = {"student": None}  # whose grading worker _dies_grading kills


def _dies_grading(student, *args):
    """grade_one, except that the worker grading DYING["student"] dies (module level: the pool pickles it)."""
    if student == DYING["student"]:
        os._exit(9)
    return _real_grade_one(student, *args)
