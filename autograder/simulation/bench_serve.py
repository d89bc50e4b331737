"""``make bench-serve``: submit to feedback fetchable, through a running ``dlkit serve``.

One course folder with a week released (its gate included), the service
started as its users start it (``python -m autograder serve --course F
--jobs J``), and students submitting with nbgrader's own exchange code
(``ExchangeSubmit``, in this process, so a submission costs no Python
start-up). A submission's latency is from the moment ``submit`` returns to
the moment its feedback page is where ``nbgrader fetch_feedback`` looks
(``<exchange>/<course>/feedback/<md5(secret + notebook)>.html``).

* ``one``: ``n_one`` students, one after another, each waiting for their
  feedback: p50 and p95 (goal: p95 under 5 s);
* ``burst``: ``n`` students submitting at once: p50, p95 and the time to
  drain them all, per submission, beside the batch grading throughput of
  ``grade --jobs J --no-feedback`` on the same submissions (goal: the
  burst drains at that throughput, within 25%).

Writes ``FOLDER/serve.json`` and prints the figures.
"""

import contextlib
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import notebook_hash
from traitlets.config import Config

from ..course import calendar, weeks
from ..course.folder import create
from ..course.nbgrader_cli import environment
from ..staff.release import release_week
from .bench import submissions, timed

REPORT = "serve.json"
GOALS = {"one_p95_s": 5.0, "burst_vs_batch": 1.25}  # p95 at most 5 s; burst s/nb at most 1.25x batch s/nb
WAIT = 300  # seconds a feedback may take before the bench gives up on it


def submit(folder, week, student, nb, home):
    """``nbgrader submit`` of ``nb`` by ``student`` from ``home``, in this process; returns the
    path its feedback will have once released."""
    assignment = Path(home) / week.id
    shutil.copytree(folder.release(week.id), assignment, dirs_exist_ok=True)
    nbformat.write(nb, assignment / f"{week.notebook}.ipynb")
    config = Config()
    config.CourseDirectory.course_id = folder.course_id
    config.CourseDirectory.assignment_id = week.id
    config.CourseDirectory.student_id = student
    config.Exchange.root = str(folder.exchange)
    config.Exchange.cache = str(Path(home) / "cache")
    config.Exchange.assignment_dir = str(home)
    with contextlib.chdir(home):
        exchange = ExchangeSubmit(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
                                  config=config)
        exchange.log.setLevel("ERROR")
        exchange.start()
    cached = max((Path(home) / "cache" / folder.course_id).glob(f"{student}+{week.id}+*"))
    secret = (cached / "submission_secret.txt").read_text()
    return folder.exchange / folder.course_id / "feedback" / \
        f"{notebook_hash(secret=secret, notebook_id=week.notebook)}.html"


def wait_for(paths, started):
    """``{path: seconds after started[path]}`` as each feedback appears."""
    latency, deadline = {}, time.monotonic() + WAIT
    while len(latency) < len(paths):
        for path in paths:
            if path not in latency and path.exists():
                latency[path] = time.monotonic() - started[path]
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(paths) - len(latency)} feedbacks did not come within {WAIT} s")
        time.sleep(0.01)
    return latency


def percentiles(values):
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {"p50_s": round(statistics.median(ordered), 3), "p95_s": round(pick(0.95), 3)}


def run_bench_serve(week_id="week01", n=50, n_one=10, jobs=2, folder="bench-serve", out=print, gate=None):
    """Run both series; print them; write ``folder/serve.json``; return 0 if every feedback came."""
    root = Path(folder).resolve()
    if root.exists():
        shutil.rmtree(root)
    week = weeks.week(week_id)
    course = create(root / "course", table_text=_unlimited(calendar.example_table()))
    release_week(course, week_id, gate=gate)
    made = submissions(week, n + n_one)
    out(f"bench-serve: {n_one} single submissions, then a burst of {n}, of {week_id}; dlkit serve --jobs {jobs}")
    log = open(root / "serve.log", "w")
    service = subprocess.Popen([sys.executable, "-m", "autograder", "serve", "--course", str(course.root),
                                "--jobs", str(jobs)], stdout=log, stderr=subprocess.STDOUT, env=environment())
    try:
        _wait_serving(root / "serve.log")
        one = []
        for student, _kind, nb in made[:n_one]:
            page = submit(course, week, student, nb, root / "homes" / student)
            one.append(wait_for([page], {page: time.monotonic()})[page])
        started, pages = {}, []
        for student, _kind, nb in made[n_one:]:
            page = submit(course, week, student, nb, root / "homes" / student)
            started[page] = time.monotonic()
            pages.append(page)
        first = min(started.values())
        burst = wait_for(pages, started)
        drain = max(started[p] + burst[p] for p in pages) - first
    finally:
        service.terminate()
        service.wait(timeout=120)
        log.close()
    batch = _batch_seconds(course, week, jobs, made[n_one:], root)
    data = {"week": week_id, "jobs": jobs,
            "one": {"n": n_one, **percentiles(one)},
            "burst": {"n": n, **percentiles(burst.values()), "drain_s": round(drain, 3),
                      "drain_s_per_nb": round(drain / n, 3)},
            "batch_grade_s_per_nb": round(batch / n, 3), "goals": GOALS}
    data["burst_vs_batch"] = round(data["burst"]["drain_s_per_nb"] / data["batch_grade_s_per_nb"], 2)
    data["goals_met"] = {"one_p95_s": data["one"]["p95_s"] <= GOALS["one_p95_s"],
                         "burst_vs_batch": data["burst_vs_batch"] <= GOALS["burst_vs_batch"]}
    (root / REPORT).write_text(json.dumps(data, indent=1) + "\n")
    out(f"one submission at a time: p50 {data['one']['p50_s']:.2f} s, p95 {data['one']['p95_s']:.2f} s "
        f"(goal: p95 under {GOALS['one_p95_s']:g} s): {'met' if data['goals_met']['one_p95_s'] else 'NOT met'}")
    out(f"a burst of {n}: p50 {data['burst']['p50_s']:.2f} s, p95 {data['burst']['p95_s']:.2f} s, drained in "
        f"{drain:.1f} s = {data['burst']['drain_s_per_nb']:.3f} s per submission; batch `grade --jobs {jobs} "
        f"--no-feedback`: {data['batch_grade_s_per_nb']:.3f} s per submission ({data['burst_vs_batch']:.2f}x; "
        f"goal at most {GOALS['burst_vs_batch']:g}x): {'met' if data['goals_met']['burst_vs_batch'] else 'NOT met'}")
    out(f"written: {root / REPORT}")
    return 0


def _unlimited(table_text):
    """The example semester with no attempt limit: the bench measures speed, not the policy."""
    return table_text.replace('attempts = ["3/hour", "10/day"]', "attempts = []")


def _wait_serving(log_path):
    deadline = time.monotonic() + 120
    while "serving instant feedback" not in log_path.read_text():
        if time.monotonic() > deadline:
            raise TimeoutError(f"dlkit serve did not start: {log_path.read_text()[-2000:]}")
        time.sleep(0.1)


def _batch_seconds(course, week, jobs, burst, root):
    """Wall seconds of ``grade --jobs J --no-feedback`` on the burst's submissions, in a copy of the course."""
    batch = root / "batch"
    shutil.copytree(course.root, batch, ignore=shutil.ignore_patterns("gradebook.db", ".dlkit", "submitted",
                                                                        "autograded", "exchange"))
    shutil.copy(course.root / "gradebook.db", batch / "gradebook.db")  # the week's rows, no grades yet: replaced
    for student, _kind, nb in burst:
        target = batch / "submitted" / student / week.id
        target.mkdir(parents=True)
        nbformat.write(copy.deepcopy(nb), target / f"{week.notebook}.ipynb")
    return timed([sys.executable, "-m", "autograder", "grade", week.id, "--course", str(batch), "--jobs",
                  str(jobs), "--quiet", "--no-feedback", "--force"], batch)
