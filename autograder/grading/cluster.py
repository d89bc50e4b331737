"""Grading on a Dask distributed cluster: :func:`each`, like :func:`autograder.grading.pool.each`.

``dlkit grade WEEK --cluster tcp://HOST:8786`` (or ``[grading] cluster`` in the
course's ``course.toml``) grades each submission on a worker of that Dask
scheduler instead of a local process; the gradebook writer stays in the
``grade`` process (one writer), and feedback, exports and the report are made
there as before.

Workers are plain ``dask worker`` processes started from the kit's
environment, with the instructor flag and the course's secret::

    DLKIT_INSTRUCTOR=1 DLKIT_SECRET=... dask worker tcp://HOST:8786 --nthreads 1 --memory-limit 6GiB

What travels is plain data only, never a pickle of anything a student made:

* to the worker (:func:`task`): the student and week ids, the submission's
  bytes (its notebook and the files beside it that grading copies), the
  course's ``nbgrader_config.py`` and ``course.toml`` texts, and the limits;
* back (:func:`grade_remote`): the stored result as JSON text (the very data
  :mod:`autograder.grading.store` keeps), with the digest of the kit that
  graded it; the client takes results as msgpack data only, so nothing a
  worker sends back is unpickled here.

A worker grades in a scratch course folder of its own with the function the
local pool runs (``grade``'s :func:`autograder.staff.grade.grade_one`, passed
by name), so its student code is confined exactly as in the local path; no
shared filesystem is needed. The
``grade`` process stores each result it receives in ``.dlkit/results/`` and
the writer takes it from there as from a local worker (it is used only when its
key matches the notebook nbgrader hands the writer).

Every worker must grade with this very kit: before the first task, and again
with every result, its digest (the kit's code, suites, translations, reference
solutions, the secret, numpy's and nbgrader's versions) is compared with this
process's, and a different one is refused, never stored.

A worker that dies mid-batch costs nothing: the scheduler runs its tasks again
on the others (a task whose workers died ``distributed.scheduler.allowed-failures``
times, default 3, is reported as an error, like a submission that breaks two
local pools). Each submission is stored once, when its one result arrives. At
most a few tasks per worker thread are in flight, so a class of 10,000 does not
sit in the scheduler's memory.
"""

import functools
import hashlib
import json
import os
import socket
import sys
import tempfile
import threading
from pathlib import Path

from ..course.folder import CONFIG
from ..course.table import KIT_ROOT
from ..course.weeks import week as find_week
from ..errors import KitError
from . import store
from .grade import submission_files

CONNECT_SECONDS = 30  # to reach the scheduler
WORKERS_SECONDS = 60  # for a first worker to join a scheduler that has none
IN_FLIGHT_PER_THREAD = 2  # tasks handed to the scheduler per worker thread, at most
RETRIES = 1  # a task that raised (not one whose worker died: the scheduler reruns those) runs again once
KEY_PREFIX = "dlkit-grade"
ANOTHER_KIT = "graded by a cluster worker with another kit"


class ClusterProblem(KitError, RuntimeError):
    """The Dask cluster cannot grade this course (unreachable, no workers, another kit)."""


def available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


# -- the worker's side -------------------------------------------------------

_ONE_AT_A_TIME = threading.Lock()  # a worker started with --nthreads 2 still grades one submission at a time


def grade_remote(fn, task_data: dict) -> str:
    """On a Dask worker: grade one submission (:func:`task`'s plain data) with ``fn(student,
    root, week_id, limits)`` (``grade``'s ``grade_one``: it keeps its result in the course folder
    ``root``) in a scratch course folder; returns ``{"stored": <the stored result's JSON data>,
    "kit": <digest>, "worker": ...}`` as JSON text."""
    from ..course.folder import CourseFolder
    from ..sandbox.limits import Limits

    _prepare_worker()
    student, week_id = task_data["student"], task_data["week"]
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="dlkit-cluster-") as scratch:
        root = Path(scratch)
        (root / CONFIG).write_text(task_data["config"], encoding="utf-8")
        (root / "course.toml").write_text(task_data["table"], encoding="utf-8")
        directory = root / "submitted" / _plain_name(student) / _plain_name(week_id)
        directory.mkdir(parents=True)
        for name, data in task_data["files"].items():
            (directory / _plain_name(name)).write_bytes(data)
        for name in task_data.get("other_notebooks", []):  # only their names are read (to say what came instead)
            (directory / _plain_name(name)).touch()
        fn(student, str(root), week_id, Limits(**task_data["limits"]))
        stored = json.loads(store.path(CourseFolder(root).results(week_id), student).read_text(encoding="utf-8"))
    return json.dumps({"stored": stored, "kit": kit_digest(week_id), "worker": _where()}, ensure_ascii=False)


def identity(week_id: str) -> dict:
    """What a worker grades with: the kit's digest, whether it may load the reference
    solutions, and how it confines student code. Warms the worker for the week (its
    sanitiser's scratch gradebook), as a local pool's workers start warm."""
    from ..sandbox import confine
    from . import sanitize
    from .grade import require_instructor

    _prepare_worker()
    try:
        require_instructor()
        instructor = ""
    except KitError as exc:
        instructor = str(exc)
    if not instructor:
        sanitize.scratch_gradebook(find_week(week_id))
    return {"kit": kit_digest(week_id), "keys": store.grading_side(week_id), "not_instructor": instructor,
            "confined_by": confine.describe(), "worker": _where()}


def dask_setup(worker=None):
    """``dask worker --preload autograder.grading.cluster``: the grading stack imported when the
    worker starts, not on its first submission."""
    _prepare_worker()
    from . import grade, runner  # noqa: F401


@functools.cache
def _prepare_worker():
    from ..course.nbgrader_cli import put_python_first

    put_python_first()  # nbgrader starts `alembic` from PATH (the sanitiser's scratch gradebook)


def _plain_name(name) -> str:
    name = str(name)
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    return name


def _where() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# what a worker runs to grade: the layers up to grading, the kit's nbgrader steps and grade_one
GRADING_CODE = ("errors.py", "texts.py", "course", "sandbox", "checks", "grading", "nbgrader_plugins",
                "staff/grade.py")


def kit_digest(week_id: str) -> str:
    """The digest of everything that decides a score of ``week_id`` here: the kit's grading
    code, the week's grading side (hidden suite, source notebook, translations, secret), the
    reference solutions of this week and the weeks before it, and the versions of Python,
    numpy and nbgrader; of the files as they are now (milliseconds), so workers are
    restarted after the kit is updated (they run the code they loaded)."""
    import nbgrader
    import numpy

    digest = hashlib.sha256(store.grading_side(week_id, now=True).encode())
    digest.update(f"{sys.version_info[:2]} {numpy.__version__} {nbgrader.__version__}".encode())
    package = KIT_ROOT / "autograder"
    paths = []
    for part in GRADING_CODE:
        where = package / part
        paths += sorted(where.rglob("*.py")) if where.is_dir() else [where]
    solutions = KIT_ROOT / "solutions"
    paths += [solutions / "__init__.py"] + sorted(p for p in solutions.glob("week*.py") if p.stem <= week_id)
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(KIT_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- the grade process's side ------------------------------------------------

def task(folder, week_id: str, student: str, limits) -> dict:
    """The plain data a worker needs to grade ``student``'s submission of ``week_id``."""
    import dataclasses

    week = find_week(week_id)
    directory = folder.submitted(student, week_id)
    notebook = f"{week.notebook}.ipynb"
    files = {}
    if (directory / notebook).is_file():
        files[notebook] = (directory / notebook).read_bytes()
    for item in submission_files(directory):  # what grading copies for the code (and keys the result by)
        files[item.name] = item.read_bytes()
    others = sorted(p.name for p in directory.glob("*.ipynb") if p.name != notebook) if directory.is_dir() else []
    return {"student": student, "week": week_id, "files": files, "other_notebooks": others,
            "config": (folder.root / CONFIG).read_text(encoding="utf-8"),
            "table": folder.table.path.read_text(encoding="utf-8"), "limits": dataclasses.asdict(limits)}


def mismatches(identities: dict, expected_kit: str, expected_keys: str | None = None) -> list:
    """Instructor-facing reasons why workers (``{address: identity(...)}``) may not grade here
    (``expected_keys``: the grading side this process's keys use)."""
    reasons = []
    for address, found in sorted(identities.items()):
        if found.get("error"):
            reasons.append(f"{address}: could not say what it grades with ({found['error']})")
        elif found.get("not_instructor"):
            reasons.append(f"{address}: cannot load the reference solutions (start it with DLKIT_INSTRUCTOR=1)")
        elif found.get("kit") != expected_kit:
            reasons.append(f"{address}: grades with another kit (its grading code, hidden suite, "
                           f"translations, reference solutions, Python/numpy/nbgrader versions or secret "
                           f"differ: the same kit version, the same DLKIT_SECRET or .kit_secret; restart "
                           f"workers after updating the kit)")
        elif expected_keys is not None and found.get("keys") != expected_keys:
            reasons.append(f"{address}: keys its results by another version of the week's suite, translations "
                           f"or secret than this process loaded (one of them started before the kit was "
                           f"updated: restart it)")
    return reasons


class ClusterGrader:
    """A connection to a Dask scheduler that grades submissions on its workers."""

    def __init__(self, address: str):
        if not available():
            raise ClusterProblem("grading on a cluster needs dask and distributed in the kit's environment "
                                 "(pip install dask distributed; see the README's Scaling)")
        from distributed import Client

        self.address = address
        try:
            # results are JSON text: msgpack is all this side takes from a worker (no pickled result)
            self.client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False, deserializers=["msgpack"])
        except (OSError, TimeoutError) as exc:
            raise ClusterProblem(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.checked = {}  # week -> {worker address: identity}

    def close(self):
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def check(self, week_id: str, workers_seconds: float = WORKERS_SECONDS) -> dict:
        """Refuse (:class:`ClusterProblem`) unless the workers grade with this kit; ``{worker: identity}``."""
        try:
            self.client.wait_for_workers(1, timeout=workers_seconds)
        except TimeoutError:
            raise ClusterProblem(f"no Dask worker joined the scheduler at {self.address} in {workers_seconds:g} s: "
                                 f"start some (DLKIT_INSTRUCTOR=1 dask worker {self.address} --nthreads 1)") from None
        found = self.client.run(identity, week_id, on_error="return")
        found = {address: reply if isinstance(reply, dict) else {"error": f"{type(reply).__name__}: {reply}"[:300]}
                 for address, reply in found.items()}
        reasons = mismatches(found, kit_digest(week_id), store.grading_side(week_id))
        if reasons:
            raise ClusterProblem(f"the cluster at {self.address} cannot grade {week_id}: " + "; ".join(reasons))
        self.checked[week_id] = found
        return found

    def each(self, fn, folder, week_id: str, students, limits):
        """``fn(student, root, week_id, limits)`` (``grade``'s ``grade_one``) on the workers for
        ``students``' submissions of ``week_id``; yields ``(student, error, failure)`` as each result
        arrives and is stored in ``folder.results(week_id)`` (``error``: the stored grader-side
        error, '' or instructor-facing; ``failure``: '' or why no result came)."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        if week_id not in self.checked:
            self.check(week_id)
        expected = kit_digest(week_id)
        waiting, in_flight, done = list(reversed(list(students))), {}, as_completed(loop=self.client.loop)
        token = os.urandom(4).hex()

        def top_up():
            window = max(2, IN_FLIGHT_PER_THREAD * sum(self.client.nthreads().values()))
            while waiting and len(in_flight) < window:
                student = waiting.pop()
                future = self.client.submit(grade_remote, fn, task(folder, week_id, student, limits), pure=False,
                                            key=f"{KEY_PREFIX}-{week_id}-{student}-{token}", retries=RETRIES)
                in_flight[future.key] = (student, future)
                done.add(future)

        top_up()
        try:
            for future in done:
                student, _ = in_flight.pop(future.key)
                try:
                    reply = future.result()
                except KilledWorker:
                    failure = ("its grading workers died while grading it (out of memory, or killed); every "
                               "other submission was graded")
                    yield student, None, failure
                except Exception as exc:  # a failure inside the task: reported, the others go on
                    if self.client.status != "running":  # unless the scheduler is gone: then nothing is graded
                        raise ClusterProblem(f"lost the Dask scheduler at {self.address} while grading "
                                             f"({type(exc).__name__})") from None
                    yield student, None, f"{type(exc).__name__}: {str(exc)[:300]}"
                else:
                    failure = _keep(folder, week_id, student, reply, expected)
                    if failure.startswith(ANOTHER_KIT) and _keep(folder, week_id, student, reply,
                                                                 kit_digest(week_id)) == "":
                        failure = ""  # the kit here changed during the batch, as the worker's did
                    yield student, (None if failure else store.load(folder.results(week_id), student).error), failure
                finally:
                    future.release()
                top_up()
        finally:
            if in_flight:  # stopped early (Ctrl-C, an error in the writer): nothing more is graded
                self.client.cancel([future for _, future in in_flight.values()])


def _keep(folder, week_id, student, reply, expected) -> str:
    """Store a worker's reply as the student's result; '' or why it was refused."""
    try:
        data = json.loads(reply)
        stored = store.from_data(data["stored"])
    except (TypeError, ValueError, KeyError) as exc:
        return f"the cluster worker's reply is not a grading result ({type(exc).__name__})"
    if data.get("kit") != expected:
        return f"{ANOTHER_KIT} ({data.get('worker', '?')}): not stored"
    if stored.result is not None and (stored.result.student, stored.result.assignment) != (student, week_id):
        return f"the cluster worker returned the result of {stored.result.student}/{stored.result.assignment}"
    store.save(folder.results(week_id), student, stored)
    return ""


def each(address: str, fn, folder, week_id: str, students, limits):
    """:meth:`ClusterGrader.each` on a connection of its own, closed at the end."""
    with ClusterGrader(address) as grader:
        yield from grader.each(fn, folder, week_id, students, limits)
