"""`dlkit serve`: each submission graded at once, its feedback fetched with nbgrader's own command.

A real course folder (week01 released by its date, the example semester
moved around today), students at their own desks submitting with `nbgrader
submit`, the service as its users run it (`python -m autograder serve`, in
the foreground, stopped by a signal), and `nbgrader fetch_feedback`.
"""

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring import catalogue
from autograder.course import calendar, weeks
from autograder.course.nbgrader_cli import environment
from autograder.course.folder import create
from autograder.simulation import classroom, cohort
from autograder.staff import attempts, inbound
from autograder.staff.release import release_week

pytestmark = pytest.mark.slow

WEEK = "week01"
WAIT = 120  # seconds a feedback may take on a busy 2-core machine before the test gives up
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def course(tmp_path_factory, proven_gate):
    base = tmp_path_factory.mktemp("serve")
    table = calendar.example_table().replace(
        'attempts = ["3/hour", "10/day"]', 'attempts = ["2/hour", "10/day"]')  # a limit a test reaches
    folder = create(base / "course", table_text=table)
    release_week(folder, WEEK, gate=proven_gate)
    return folder, base / "homes"


class Running:
    """`python -m autograder serve --course FOLDER` in the background, its output kept."""

    def __init__(self, folder, log):
        self.log_path = log
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder", "serve", "--course", str(folder.root)],
                                     stdout=open(log, "a"), stderr=subprocess.STDOUT, env=environment(),
                                     start_new_session=True)

    def lines(self):
        return self.log_path.read_text().splitlines()

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def service(course, tmp_path_factory):
    folder, _homes = course
    running = Running(folder, tmp_path_factory.mktemp("log") / "serve.log")
    yield running
    if running.proc.poll() is None:
        running.stop()


def notebook(answer=None):
    week = weeks.week(WEEK)
    reference = cohort.students(week, wrong_count=0)["reference"][1]
    if answer is None:
        return reference
    wrong = next(a for a in catalogue.load(WEEK) if a.id == answer)
    return catalogue.apply(reference, wrong)


def hand_in(folder, homes, student, nb):
    home = homes / student
    path = home / WEEK / f"{weeks.week(WEEK).notebook}.ipynb"
    if not path.exists():  # fetched once; later attempts edit the same copy
        classroom.fetch(folder, student, WEEK, home)
    if isinstance(nb, str):
        path.write_text(nb)  # a damaged file, as handed in
    else:
        nbformat.write(nb, path)
    classroom.submit(folder, student, WEEK, home)
    return home


def feedback_of(folder, student, home, count=1):
    """The student's fetched feedback pages, once there are ``count`` of them."""
    deadline = time.monotonic() + WAIT
    while True:
        pages = classroom.fetch_feedback(folder, student, WEEK, home)
        if len(pages) >= count or time.monotonic() > deadline:
            return [page.read_text(encoding="utf-8") for page in pages]
        time.sleep(0.5)


def test_a_wrong_answer_is_named_in_feedback_fetched_a_moment_later(course, service):
    folder, homes = course
    home = hand_in(folder, homes, "alice", notebook("sigmoid_sign_flipped"))
    [page] = feedback_of(folder, "alice", home)
    assert "e^{-x}" in page and "부호" in page  # the named mistake, Korean then English
    assert "check the sign" in page
    assert "Points are shown after the due date" in page and "Score:" not in page  # before_due = messages
    assert "def test_" not in page and "solutions" not in page
    with Gradebook(folder.db_url, folder.course_id) as gb:  # the one writer stored it
        assert 0 < gb.find_submission(WEEK, "alice").score < 10
    assert any(" week01 alice (" in line and "graded" in line for line in service.lines())


def test_each_student_fetches_only_their_own_feedback(course, service):
    folder, homes = course
    bob = hand_in(folder, homes, "bob", notebook())
    [page] = feedback_of(folder, "bob", bob)
    assert "✓" in page and "e^{-x}" not in page  # bob's reference, not alice's mistake
    assert len(classroom.fetch_feedback(folder, "bob", WEEK, bob)) == 1


def test_over_the_limit_the_submission_is_kept_and_the_student_told_when(course, service):
    folder, homes = course
    home = None
    for attempt in range(3):  # the course allows 2 an hour
        home = hand_in(folder, homes, "carol", notebook("relu_minimum" if attempt < 2 else None))
        feedback_of(folder, "carol", home, count=attempt + 1)
    pages = feedback_of(folder, "carol", home, count=3)
    assert len(pages) == 3
    over = [p for p in pages if "next feedback comes" in p]
    assert len(over) == 1 and "다음 피드백" in over[0]
    mine = [p for p in inbound.scan(folder) if p.student == "carol"]
    assert len(mine) == 3  # all kept in the exchange, for the deadline's grading
    outcomes = sorted(e.outcome for e in attempts.Ledger(folder).entries.values() if e.student == "carol")
    assert outcomes == [attempts.GRADED, attempts.GRADED, attempts.OVER_LIMIT]


def test_a_damaged_submission_gets_feedback_saying_why(course, service):
    folder, homes = course
    home = hand_in(folder, homes, "dana", "{ this is not a notebook")
    [page] = feedback_of(folder, "dana", home)
    assert "could not be read" in page and "읽을 수 없습니다" in page


def test_a_second_service_on_the_same_course_refuses(course, service):
    folder, _homes = course
    proc = subprocess.run([sys.executable, "-m", "autograder", "serve", "--course", str(folder.root)],
                          capture_output=True, text=True, env=environment(), timeout=120)
    assert proc.returncode == 2 and "already running" in proc.stderr


def test_killed_and_restarted_it_answers_every_submission_exactly_once(course, service, tmp_path):
    folder, homes = course
    home = hand_in(folder, homes, "dora", notebook())  # so the service has grading workers running
    assert len(feedback_of(folder, "dora", home)) == 1
    service.stop(signal.SIGKILL)  # no goodbye: whatever was in hand is lost
    # its grading workers (forked, in its process group) end with it, and their sandboxes with them
    assert left_running(service.proc.pid) == [], "the killed service's grading workers still run"
    students = ["erin", "fred", "gwen"]
    for student in students:  # handed in while no service runs
        hand_in(folder, homes, student, notebook("classify_greater_equal"))
    restarted = Running(folder, tmp_path / "again.log")
    try:
        for student in students:
            assert len(feedback_of(folder, student, homes / student)) == 1
        time.sleep(1.0)  # a second look at the inbound folder finds nothing new
        answered = [line for line in restarted.lines() if ": graded" in line or "over the limit" in line]
        assert sorted(line.split()[3] for line in answered) == students  # each once, and none of before
    finally:
        assert restarted.stop() == 0  # SIGTERM: a clean stop
    assert restarted.lines()[-1] == "stopped"
    names = [e.name for e in attempts.Ledger(folder).entries.values()]
    assert len(names) == len(set(names)) == len(inbound.scan(folder))


def left_running(group, seconds=20.0):
    """The live (not zombie) processes of process group ``group``, once they have had ``seconds`` to end."""
    deadline = time.monotonic() + seconds
    while True:
        alive = []
        for stat in os.listdir("/proc"):
            try:
                fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
            except (OSError, IndexError, ValueError):
                continue  # not a process, or it just ended
            if int(fields[2]) == group and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
                alive.append(int(stat))
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def test_the_limit_counts_the_submitter_not_the_name_on_a_shared_exchange(tmp_path):
    other = os.getuid() + 1
    made = inbound.Submission(tmp_path, "bob", WEEK, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), other)
    assert inbound.submitter(made) == f"uid:{other}"  # alice submitting as bob is still alice
    mine = inbound.Submission(tmp_path, "bob", WEEK, made.timestamp, os.getuid())
    assert inbound.submitter(mine) == "bob"


def test_attempt_windows():
    at = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.timezone.utc)
    minutes = [at - dt.timedelta(minutes=m) for m in (50, 20)]
    assert attempts.next_allowed([(3, 3600)], minutes, at) is None
    when, rule = attempts.next_allowed([(2, 3600), (10, 86400)], minutes, at)
    assert rule == (2, 3600) and when == at + dt.timedelta(minutes=10)  # the 50-minute-old one leaves the hour
