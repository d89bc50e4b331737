"""Simulated students at their own desks: fetch, fill in, submit through the exchange.

Each student has a home folder of their own (their ``HOME`` and working
directory, no course config) and runs nbgrader's student commands with
the course's exchange passed on the command line, as students sharing a
machine with the course would::

    nbgrader fetch_assignment week01 --course dl-from-scratch --Exchange.root=<course>/exchange
    nbgrader submit week01 --course dl-from-scratch --Exchange.root=... --student alice
"""

import concurrent.futures
import datetime as dt
import os
from pathlib import Path

import nbformat

from ..course.nbgrader_cli import nbgrader

STUDENT_JOBS = 2  # students working at once (each command is a Python start-up)


def student_args(folder, week_id):
    return [week_id, f"--course={folder.course_id}", f"--Exchange.root={folder.exchange}"]


def fetch(folder, student, week_id, home):
    """``nbgrader fetch_assignment`` into ``home``; returns the fetched notebook's path."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    nbgrader(["fetch_assignment", *student_args(folder, week_id)], cwd=home, env=_env(home))
    return home / week_id / f"{folder.notebook_name(week_id)}.ipynb"


def submit(folder, student, week_id, home):
    nbgrader(["submit", *student_args(folder, week_id), f"--student={student}"], cwd=home, env=_env(home))


def fetch_feedback(folder, student, week_id, home):
    """``nbgrader fetch_feedback`` into ``home``; returns the fetched HTML files (sorted).

    Before any feedback of the course is released the exchange has no feedback
    folder, and nbgrader fails ("Assignment not found"): there is none to fetch yet."""
    home = Path(home)
    if (folder.exchange / folder.course_id / "feedback").is_dir():
        nbgrader(["fetch_feedback", *student_args(folder, week_id), f"--student={student}"], cwd=home, env=_env(home))
    return sorted((home / week_id / "feedback").rglob("*.html"))


def hand_in(folder, week_id, cohort, homes, jobs=STUDENT_JOBS):
    """Every student of ``cohort`` (``{student: notebook node}``) fetches, writes
    their notebook over the fetched one, and submits."""
    def one(student):
        home = Path(homes) / student
        path = fetch(folder, student, week_id, home)
        nbformat.write(cohort[student], path)
        submit(folder, student, week_id, home)
        return student

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        return sorted(pool.map(one, cohort))


def backdate(folder, student, week_id, when):
    """Rewrite the exchange timestamp of ``student``'s latest submission to ``when``
    (an aware datetime): the demo's way of simulating a late hand-in."""
    inbound = folder.exchange / folder.course_id / "inbound"
    mine = sorted(p for p in inbound.glob(f"{student}+{week_id}+*") if p.is_dir())
    if not mine:
        raise FileNotFoundError(f"no submission of {student} for {week_id} in {inbound}")
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (mine[-1] / "timestamp.txt").write_text(stamp)


def _env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "DLKIT"))}
    env["HOME"] = str(home)
    return env
