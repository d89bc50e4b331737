"""Past one machine: grading on a Dask cluster, the gradebook on PostgreSQL.

One small class of week01 (5 submissions, one of them late) is released in a
SQLite course folder and graded there by the local path (``grade_week``, two
forked workers): that run is the reference. Then

* a real Dask scheduler with two ``dask worker`` processes on localhost
  (subprocesses, from this environment, ``DLKIT_INSTRUCTOR=1``:
  :class:`~autograder.simulation.bench_cluster.LocalDaskCluster`) grades a copy:
  the gradebook and every stored result must be exactly the local ones, and
  the grade process must never grade a notebook itself (the writer takes the
  workers' results);
* a worker is killed mid-batch (SIGKILL, while it holds a submission): every
  submission is still stored once, with the local score;
* a real PostgreSQL server (``initdb`` in a scratch folder, a unix socket,
  run as ``nobody`` when the tests run as root) is the gradebook of a course
  folder (``c.CourseDirectory.db_url``): release and ``grade`` store there
  exactly what the SQLite run stored, while another process reads the
  gradebook the way Formgrader does; Formgrader's reads (``NbGraderAPI``)
  see the same submissions on both.

Each part is skipped with its reason when dask/distributed, psycopg2 or the
PostgreSQL binaries (or, as root, a user to run them as) are missing.
"""

import datetime as dt
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring.gate import GateReport
from autograder.cli import parser
from autograder.course import calendar, table, weeks
from autograder.course.folder import CourseFolder, create
from autograder.course.nbgrader_cli import environment
from autograder.errors import CourseTableError
from autograder.grading import cluster, store
from autograder.nbgrader_plugins import hidden_suites
from autograder.simulation import cohort
from autograder.simulation.bench_cluster import LocalDaskCluster
from autograder.staff import writer
from autograder.staff.gradebook import cell_scores, submissions
from autograder.staff.grade import grade_week
from autograder.staff.release import release_week

WEEK = "week01"
LATE_BY = dt.timedelta(hours=26)
STAMP = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's timestamp.txt
slow = pytest.mark.slow


def _proven(week_id):
    """The release gate is proven by tests/test_gate.py; what is tested here starts after release."""
    report = GateReport(week_id)
    report.add("the gate runs in tests/test_gate.py", True)
    return report


def hand_in(folder, notebooks, late):
    """``submitted/<student>/<week>/`` as ``nbgrader collect`` leaves it (the exchange is tested elsewhere)."""
    now = dt.datetime.now(dt.timezone.utc)
    due = folder.table.week(WEEK).due
    for student, nb in notebooks.items():
        directory = folder.submitted(student, WEEK)
        directory.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, directory / f"{weeks.week(WEEK).notebook}.ipynb")
        when = due + LATE_BY if student == late else min(now, due - dt.timedelta(hours=1))
        (directory / "timestamp.txt").write_text(when.astimezone(dt.timezone.utc).strftime(STAMP))


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """A released week01 in a SQLite course folder, 5 submissions collected, nothing graded."""
    base = tmp_path_factory.mktemp("scaling")
    folder = create(base / "class", table_text=calendar.example_table())
    release_week(folder, WEEK, gate=_proven)
    simulated = cohort.students(weeks.week(WEEK), wrong_count=2)
    wrong = [s for s in simulated if s.startswith("wrong_")]
    chosen = ["reference", "blank", *wrong[:2], "cheater"]
    hand_in(folder, {s: simulated[s][1] for s in chosen}, late=wrong[0])
    return base, folder, wrong[0]


def _copy(folder, target):
    return CourseFolder(shutil.copytree(folder.root, target))


def _results(folder):
    """``{student: stored result as data}``, timings left out."""
    return {s: stored.result.to_dict() for s, stored in store.load_all(folder.results(WEEK)).items()}


def _rows(folder):
    return {s: (round(sub.score, 4), round(sub.late_penalty, 4), round(sub.seconds_late))
            for s, sub in submissions(folder, WEEK).items()}


@pytest.fixture(scope="module")
def local(klass):
    """The reference: the same class graded by the local path (two forked workers, SQLite)."""
    base, folder, _ = klass
    graded = _copy(folder, base / "local")
    run = grade_week(graded, WEEK, jobs=2, progress=False, feedback=False)
    assert not run.errors and len(run.graded) == 5
    return graded


# -- fast: the settings ------------------------------------------------------

def test_course_table_reads_and_checks_the_cluster(tmp_path):
    text = (table.KIT_ROOT / table.NAME).read_text(encoding="utf-8")
    path = tmp_path / table.NAME
    path.write_text(text + '\n[grading]\ncluster = "tcp://grader.example.org:8786"\n', encoding="utf-8")
    assert table.read(path).cluster == "tcp://grader.example.org:8786"
    assert table.kit().cluster == ""  # the embedded default: local processes
    assert table.cluster_for(table.read(path), None) == "tcp://grader.example.org:8786"
    assert table.cluster_for(table.read(path), "local") == ""
    assert table.cluster_for(table.kit(), "tls://[::1]:8786") == "tls://[::1]:8786"
    for bad in ('"grader.example.org:8786"', '"http://x:1"', '"tcp://x:99999"', "8786"):
        path.write_text(text + f"\n[grading]\ncluster = {bad}\n", encoding="utf-8")
        with pytest.raises(CourseTableError, match="Dask scheduler's address"):
            table.read(path)
    path.write_text(text + '\n[grading]\nclusters = "tcp://x:1"\n', encoding="utf-8")
    with pytest.raises(CourseTableError, match="takes only cluster"):
        table.read(path)
    with pytest.raises(CourseTableError):
        table.cluster_for(table.kit(), "x:1")


def test_grade_and_serve_take_cluster():
    assert parser().parse_args(["grade", WEEK, "--cluster", "tcp://h:1"]).cluster == "tcp://h:1"
    assert parser().parse_args(["grade", WEEK]).cluster is None
    assert parser().parse_args(["serve", "--cluster", "tcp://h:1"]).cluster == "tcp://h:1"


def test_db_url_is_the_configs_else_the_sqlite_file(tmp_path):
    folder = create(tmp_path / "a")
    assert folder.db_url == f"sqlite:///{folder.root / 'gradebook.db'}"
    with open(folder.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write('\nc.CourseDirectory.db_url = "postgresql://grader@db.example.org/dl_fall"\n')
    assert CourseFolder(folder.root).db_url == "postgresql://grader@db.example.org/dl_fall"


def test_workers_with_another_kit_are_named():
    ours = "a" * 64
    found = {"tcp://w1:1": {"kit": ours, "not_instructor": ""},
             "tcp://w2:1": {"kit": "b" * 64, "not_instructor": ""},
             "tcp://w3:1": {"kit": ours, "not_instructor": "the reference solutions are instructor-only"},
             "tcp://w4:1": {"error": "ModuleNotFoundError: autograder"}}
    reasons = cluster.mismatches(found, ours)
    assert [r.split(":")[1] for r in reasons] == ["//w2", "//w3", "//w4"]
    assert "another kit" in reasons[0] and "DLKIT_INSTRUCTOR=1" in reasons[1]
    stale = {"tcp://w1:1": {"kit": ours, "keys": "old"}, "tcp://w2:1": {"kit": ours, "keys": "new"}}
    assert [r.split(":")[1] for r in cluster.mismatches(stale, ours, "new")] == ["//w1"]
    assert "restart it" in cluster.mismatches(stale, ours, "new")[0]


# -- a Dask cluster ------------------------------------------------------------

@pytest.fixture(scope="module")
def dask_cluster(klass):
    if not cluster.available():
        pytest.skip("dask and distributed are not installed (pip install dask distributed)")
    base = klass[0] / "dask"
    base.mkdir()
    running = LocalDaskCluster(base, workers=2)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def writer_never_grades(monkeypatch, dask_cluster):
    """In this process, the gradebook writer may only take the workers' results. (Others may
    edit the kit's translations while these tests run: here and on the workers, the results'
    keys are computed afresh.)"""
    store._grading_side.cache_clear()
    dask_cluster.client.run(store._grading_side.cache_clear)
    def refuse(self, nb, resources):
        raise AssertionError(f"the writer graded {resources['nbgrader']['student']} itself (a worker's result "
                             f"was not taken)")

    monkeypatch.setattr(hidden_suites.GradeWithHiddenSuites, "preprocess", refuse)


@slow
def test_a_dask_cluster_stores_exactly_the_local_scores(klass, local, dask_cluster, writer_never_grades):
    base, folder, _ = klass
    course = _copy(folder, base / "on-dask")
    run = grade_week(course, WEEK, cluster=dask_cluster.address, progress=False, jobs=2)
    assert not run.errors and run.graded == sorted(folder.submissions(WEEK))
    notebook = weeks.week(WEEK).notebook
    assert cell_scores(course.db_url, WEEK, notebook) == cell_scores(local.db_url, WEEK, notebook)
    assert _rows(course) == _rows(local)
    assert _results(course) == _results(local)  # every message too
    for student in run.graded:  # feedback, made in this process after the cluster's connection closed
        assert (course.feedback(student, WEEK) / f"{notebook}.html").exists()


def _hand_in(folder, course, student):
    """``student``'s graded notebook of ``folder``, handed in to ``course``'s exchange as `nbgrader submit` leaves it."""
    from autograder.staff import inbound

    when = dt.datetime.now(dt.timezone.utc).strftime(STAMP)
    handed = inbound.inbound(course) / f"{student}+{WEEK}+{when}+0f0f"
    handed.mkdir(parents=True)
    shutil.copy(folder.submitted(student, WEEK) / "activations.ipynb", handed)
    (handed / "timestamp.txt").write_text(when)
    (handed / inbound.SECRET).write_text("ab" * (inbound.SECRET_LENGTH // 2))


@slow
def test_serve_grades_on_the_cluster(klass, local, dask_cluster, writer_never_grades):
    from autograder.staff.serve import Service

    base, folder, _ = klass
    course = _copy(folder, base / "serve-on-dask")
    _hand_in(folder, course, "reference")
    lines = []
    service = Service(course, log=lines.append, cluster=dask_cluster.address)
    try:
        assert service.run_once() == 1
    finally:
        service.close()
    assert "graded 10/10" in lines[-1] and "writer:" not in lines[-1], lines
    assert _results(course)["reference"] == _results(local)["reference"]
    assert cell_scores(course.db_url, WEEK, "activations")["reference"] == \
        cell_scores(local.db_url, WEEK, "activations")["reference"]


@slow
def test_serve_waits_out_a_scheduler_it_cannot_reach(klass, local, dask_cluster, writer_never_grades, monkeypatch):
    """Nobody is answered while the cluster is down (no error page, nothing in the ledger), the
    service says so once and goes on; the next round on a cluster that answers grades them."""
    from autograder.staff import attempts
    from autograder.staff.serve import Service

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 3)  # Dask tries a refused port again until then

    base, folder, _ = klass
    course = _copy(folder, base / "serve-cluster-down")
    _hand_in(folder, course, "reference")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        nobody = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    lines = []
    down = Service(course, log=lines.append, cluster=nobody)
    try:
        assert [down.run_once(), down.run_once()] == [0, 0]
    finally:
        down.close()
    assert len(lines) == 1 and "cannot reach the Dask scheduler" in lines[0], lines
    assert not attempts.Ledger(course).entries
    up = Service(course, log=lines.append, cluster=dask_cluster.address)
    try:
        assert up.run_once() == 1
    finally:
        up.close()
    assert "graded 10/10" in lines[-1], lines


@slow
def test_a_worker_killed_mid_batch_costs_nothing(klass, local, dask_cluster, writer_never_grades, monkeypatch):
    base, folder, _ = klass
    course = _copy(folder, base / "killed")
    with open(course.root / table.NAME, "a", encoding="utf-8") as out:  # the course table's route this time
        out.write(f'\n[grading]\ncluster = "{dask_cluster.address}"\n')
    killed = []
    store_one = writer.Writer.store

    def store_and_kill(self, student):
        if not killed:  # after the first result: SIGKILL a worker that holds a submission now
            processing = dask_cluster.client.processing()
            busy = [a for a, keys in processing.items() if any(str(k).startswith(cluster.KEY_PREFIX) for k in keys)]
            assert busy, f"no worker holds a submission after the first result: {processing}"
            pid = dask_cluster.worker_pids()[busy[0]]
            assert pid in [p.pid for p in dask_cluster.workers]  # one of the processes this test started
            os.kill(pid, signal.SIGKILL)
            killed.append((busy[0], processing[busy[0]]))
        return store_one(self, student)

    monkeypatch.setattr(writer.Writer, "store", store_and_kill)
    run = grade_week(course, WEEK, progress=False, feedback=False, reports=False)
    assert killed and killed[0][1]
    assert not run.errors and run.graded == sorted(folder.submissions(WEEK))
    notebook = weeks.week(WEEK).notebook
    assert cell_scores(course.db_url, WEEK, notebook) == cell_scores(local.db_url, WEEK, notebook)
    assert _rows(course) == _rows(local) and _results(course) == _results(local)
    with Gradebook(course.db_url, course.course_id) as gb:  # stored once: one row per submission and test cell
        assignment = gb.find_assignment(WEEK)
        assert len(assignment.submissions) == 5
        for sub in assignment.submissions:
            assert len([g for g in sub.notebooks[0].grades if g.max_score]) == len(weeks.week(WEEK).test_cells)
    assert killed[0][0] not in dask_cluster.client.scheduler_info()["workers"]


# -- PostgreSQL ----------------------------------------------------------------

def _postgres_bin():
    found = shutil.which("pg_ctl")
    folders = ([str(Path(found).parent)] if found else []) + ["/usr/local/bin"] + \
        sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in folders:
        if all(os.access(Path(folder) / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


class Postgres:
    """A PostgreSQL server of its own: a scratch data folder, a unix socket, no TCP."""

    def __init__(self, bin_dir):
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="dlkit-pg-"))  # not under pytest's 0700 folders: `nobody` reads it
        self.data, self.socket = self.root / "data", self.root / "socket"
        self.socket.mkdir()
        self.run_as = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            user = pwd.getpwnam("nobody")
            for path in (self.root, self.socket):
                os.chown(path, user.pw_uid, user.pw_gid)
            self.run_as = [shutil.which("runuser"), "-u", "nobody", "--"]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._run("initdb", "-D", str(self.data), "-U", "dlkit", "--auth=trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60", "-o",
                  f"-k {self.socket} -p {self.port} -c listen_addresses='' -c fsync=off", "start")

    def _run(self, program, *args):
        proc = subprocess.run([*self.run_as, str(self.bin / program), *args], capture_output=True, text=True,
                              cwd=self.root)
        if proc.returncode:
            log = self.root / "server.log"
            raise RuntimeError(f"{program} failed: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
                               f"{log.read_text()[-2000:] if log.exists() else ''}")

    def database(self, name):
        """A new database; its SQLAlchemy URL."""
        import psycopg2

        con = psycopg2.connect(host=str(self.socket), port=self.port, user="dlkit", dbname="postgres")
        con.autocommit = True
        with con.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        con.close()
        return f"postgresql+psycopg2://dlkit@/{name}?host={self.socket}&port={self.port}"

    def close(self):
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        pytest.skip("psycopg2 is not installed (pip install psycopg2-binary)")
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl, postgres): apt-get install postgresql")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root with no `nobody` user to run PostgreSQL as")
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser to start PostgreSQL as another user")
    server = Postgres(bin_dir)
    try:
        yield server
    finally:
        server.close()


FORMGRADER_READS = textwrap.dedent("""
    import json, sys, time
    from nbgrader.api import Gradebook
    url, week, stop, out = sys.argv[1:]
    reads, errors = 0, []
    while True:
        try:
            with Gradebook(url, "dl-from-scratch") as gb:
                gb.submission_dicts(week)
                gb.notebook_submission_dicts("activations", week)
                [s.score for s in gb.find_assignment(week).submissions]
            reads += 1
        except Exception as exc:
            errors.append(repr(exc)[:300])
        if __import__("os").path.exists(stop):
            break
        time.sleep(0.2)
    open(out, "w").write(json.dumps({"reads": reads, "errors": errors}))
""")


@pytest.fixture(scope="module")
def on_postgres(klass, postgres):
    """The same class in a course folder whose gradebook is PostgreSQL: released and graded there,
    while another process reads the gradebook as Formgrader does."""
    base, folder, _ = klass
    course = create(base / "pg", table_text=(folder.root / table.NAME).read_text(encoding="utf-8"))
    url = postgres.database("dl_fall")
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    course = CourseFolder(course.root)
    assert course.db_url == url
    release_week(course, WEEK, gate=_proven)
    shutil.copytree(folder.root / "submitted", course.root / "submitted")
    stop, out = base / "pg-stop", base / "pg-reads.json"
    reader = subprocess.Popen([sys.executable, "-c", FORMGRADER_READS, url, WEEK, str(stop), str(out)],
                              env=environment())
    try:
        run = grade_week(course, WEEK, jobs=2, progress=False)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    return course, run, json.loads(out.read_text())


@slow
def test_postgres_gradebook_holds_exactly_the_sqlite_scores(local, on_postgres):
    course, run, _ = on_postgres
    assert not run.errors and len(run.graded) == 5
    assert not (course.root / "gradebook.db").exists()  # nothing went to a SQLite file beside it
    notebook = weeks.week(WEEK).notebook
    assert cell_scores(course.db_url, WEEK, notebook) == cell_scores(local.db_url, WEEK, notebook)
    assert _rows(course) == _rows(local)
    assert any(penalty > 0 for _, penalty, _ in _rows(course).values())  # the late one, on PostgreSQL too
    for name in (f"{WEEK}-questions.csv", f"{WEEK}-mistakes.csv"):  # the exports read the gradebook
        assert (course.reports / name).read_text() == (local.reports / name).read_text()


@slow
def test_formgrader_reads_the_postgres_gradebook_while_grade_writes(local, on_postgres):
    course, _, reads = on_postgres
    assert reads["reads"] > 0 and reads["errors"] == []

    def formgrader(folder):  # what Formgrader's submission list shows
        api = writer.api(folder, folder.config)
        keep = ("student", "timestamp", "score", "max_score", "code_score", "max_code_score", "needs_manual_grade",
                "autograded")
        return sorted(tuple(s[k] for k in keep) for s in api.get_submissions(WEEK))

    assert formgrader(course) == formgrader(local)
    averages = []
    for folder in (course, local):
        with Gradebook(folder.db_url, folder.course_id) as gb:
            # each database sums in its own order: the last bit of a float average may differ
            averages.append((round(gb.average_assignment_score(WEEK), 9),
                             round(gb.average_notebook_score("activations", WEEK), 9),
                             sorted((d["student"], round(d["score"], 9))
                                    for d in gb.notebook_submission_dicts("activations", WEEK))))
    assert averages[0] == averages[1]
