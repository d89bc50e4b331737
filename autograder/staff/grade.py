"""``grade WEEK --jobs N``: grade a class in parallel, store it through nbgrader, once.

1. plan: every collected submission of the week, less those already done
   (autograded, stored, and not handed in again since), unless ``force``;
2. grade: ``jobs`` worker processes run :func:`autograder.grading.grade.grade_notebook`
   (each student's code in its own sandbox process) and keep each result
   on disk (:mod:`autograder.grading.store`); a worker that dies costs only
   the submission it held (:func:`autograder.grading.pool.each`). With
   ``cluster`` (``--cluster tcp://HOST:PORT``, or ``[grading] cluster`` in the
   course table) the same function runs on a Dask cluster's workers instead,
   which send each result back as JSON (:mod:`autograder.grading.cluster`);
3. store: nbgrader's autograde pipeline for that student
   (:mod:`autograder.staff.writer`), run by the worker that graded it, right
   after: each worker stores its own students, so nbgrader's work for a
   submission (a tenth of a second, as much as grading it) runs in parallel
   too, and only the gradebook's transactions take turns (SQLite's lock; see
   the writer). A cluster's results are stored here, in this process, as
   they arrive;
4. feedback: ``nbgrader generate_feedback`` per student, in the workers
   (it only reads the gradebook), the kit's per-exercise summary included;
5. exports and the class report (:mod:`autograder.staff.exports`,
   :mod:`autograder.staff.class_report`).

A progress bar (tqdm) with an ETA follows steps 2-3, one tick per stored
submission. The run is resumable: stopping it loses at most the
submissions in flight.
"""

import dataclasses
import fcntl
import os
import sys
import time

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc
from tqdm import tqdm

from ..course import table as course_table
from ..course.folder import CourseFolder
from ..course.weeks import week as find_week
from ..errors import KitError
from ..grading import cluster as clusters
from ..grading import grade, store
from ..grading import pool

tqdm.monitor_interval = 0  # no monitor thread in the process the workers are forked from


class NotReleased(KitError, RuntimeError):
    """The week was never generated in this course folder."""


class Busy(KitError, RuntimeError):
    """Another ``grade`` is running in this course folder."""


@dataclasses.dataclass
class GradeRun:
    week: str
    graded: list = dataclasses.field(default_factory=list)  # students stored this run
    skipped: list = dataclasses.field(default_factory=list)  # done before, left alone
    errors: dict = dataclasses.field(default_factory=dict)  # student -> instructor-facing error
    seconds: dict = dataclasses.field(default_factory=dict)  # step -> wall seconds

    def summary(self):
        parts = [f"{self.week}: {len(self.graded)} graded"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} already done (skipped; --force regrades)")
        if self.errors:
            parts.append(f"{len(self.errors)} with errors ({', '.join(sorted(self.errors))})")
        timing = ", ".join(f"{step} {secs:.1f} s" for step, secs in self.seconds.items())
        return "; ".join(parts) + (f" [{timing}]" if timing else "")


def grade_week(folder, week_id, jobs=None, force=False, progress=True, feedback=True, reports=True, cluster=None):
    """Grade every collected submission of ``week_id`` in course ``folder``; returns a :class:`GradeRun`.

    ``cluster``: a Dask scheduler's address to grade on (None: the course table's
    ``[grading] cluster``; '' or "local": local worker processes, ``jobs`` of them)."""
    from .writer import Writer, limits_for

    find_week(week_id)  # unknown weeks fail before anything starts
    _require_released(folder, week_id)
    run = GradeRun(week_id)
    jobs = max(1, jobs or os.cpu_count() or 1)
    cluster = course_table.cluster_for(folder.table, cluster)
    with grade_lock(folder):
        students = folder.submissions(week_id)
        todo = [s for s in students if force or not is_done(folder, week_id, s)]
        run.skipped = [s for s in students if s not in todo]
        limits = limits_for(folder.config)
        # made here even when local workers store their own: a course whose pipeline is not the kit's fails now
        writer = Writer(folder, week_id) if todo else None
        started = time.monotonic()
        bar = tqdm(total=len(todo), desc=f"grading {week_id}", unit="nb", disable=not (progress and todo),
                   file=sys.stderr, dynamic_ncols=True)
        if todo and not cluster:
            grade.prepare(week_id)  # the workers are forked with it
        with bar:
            graded = (clusters.each(cluster, grade_one, folder, week_id, todo, limits) if cluster and todo else
                      pool.each(grade_and_store, todo, str(folder.root), week_id, limits, jobs=jobs))
            for student, error, failure in graded:
                # a submission whose worker failed is not graded again here, in the writer's process
                error = error or (f"grading failed: {failure}" if failure else "") or \
                    (writer.store(student) if cluster else "")
                if error:
                    run.errors[student] = error
                    _note_error(folder, week_id, student, error)
                else:
                    run.graded.append(student)
                bar.set_postfix(errors=len(run.errors), refresh=False)
                bar.update()
        run.seconds["grading"] = time.monotonic() - started
        if feedback and run.graded:
            started = time.monotonic()
            _feedback(folder, week_id, run, jobs, progress)
            run.seconds["feedback"] = time.monotonic() - started
        run.graded.sort()
        if reports:
            from . import class_report, exports

            started = time.monotonic()
            exports.export_all(folder, week_id)
            class_report.write(folder, week_id)
            run.seconds["reports"] = time.monotonic() - started
    return run


def grade_one(student, root, week_id, limits):
    """Worker: grade one submission with the kit's one scoring function; keep the result.

    Returns '' or, when grading itself failed, the error (a notebook that
    cannot be read is a 0 with a reason, not an error).
    """
    folder = CourseFolder(root)
    week = find_week(week_id)
    path = folder.submitted(student, week_id) / f"{week.notebook}.ipynb"
    started = time.monotonic()
    stored = store.Stored(None, None)
    try:
        # grade_notebook's path route, split to keep the sanitised notebook and its key;
        # sanitised as the course's own `nbgrader autograde` does, so the writer need not again
        stored.handed_in = store.file_digest(path)
        lang = folder.table.language
        nb, reason = grade.read_submission(path, week, student, folder.config)
        if nb is None:
            stored.result = grade.zero_result(week, student, reason, lang)
        else:
            stored.key = store.key(nb, path.parent, week_id, student, limits, lang)
            stored.sanitised = nb
            stored.result = grade.grade_notebook(nb, week_id, student, workdir=path.parent, limits=limits,
                                                 lang=lang)
    except Exception as exc:  # a grader-side failure: reported, and the writer tries again
        stored.error = f"grading failed: {type(exc).__name__}: {str(exc)[:300]}"
    stored.seconds = time.monotonic() - started
    store.save(folder.results(week_id), student, stored)
    return stored.error


def grade_and_store(student, root, week_id, limits):
    """Worker: :func:`grade_one`, then store the result in the gradebook through nbgrader
    (this process's :class:`~autograder.staff.writer.Writer`); '' or the error."""
    return grade_one(student, root, week_id, limits) or writer_for(root, week_id).store(student)


def writer_for(root, week_id):
    """This process's writer of ``week_id`` in course ``root`` (made on first use: a forked
    worker makes its own, with its own database connections)."""
    from .writer import Writer

    key = (os.getpid(), str(root), week_id)
    if key not in _WRITERS:
        _WRITERS[key] = Writer(CourseFolder(root), week_id)
    return _WRITERS[key]


_WRITERS = {}  # (pid, course root, week) -> Writer


def is_done(folder, week_id, student):
    """Graded and stored, and not handed in again since (nbgrader's own rule on timestamps)."""
    stored = store.load(folder.results(week_id), student)
    # the autograded folder, not its notebook: a submission without the notebook is stored too
    if not folder.autograded(student, week_id).is_dir() or stored is None or stored.error:
        return False
    handed_in = _timestamp(folder.submitted(student, week_id))
    graded = _timestamp(folder.autograded(student, week_id))
    return handed_in is None or (graded is not None and handed_in <= graded)


def _feedback(folder, week_id, run, jobs, progress):
    from . import feedback

    with tqdm(total=len(run.graded), desc=f"feedback {week_id}", unit="nb", disable=not progress,
              file=sys.stderr, dynamic_ncols=True) as bar:
        for student, error, failure in pool.each(feedback.generate_feedback, run.graded, str(folder.root),
                                                 week_id, jobs=jobs):
            if error or failure:
                run.errors[student] = f"feedback: {error or failure}"
            bar.update()


def _require_released(folder, week_id):
    with Gradebook(folder.db_url, folder.course_id) as gb:
        try:
            gb.find_assignment(week_id)
        except MissingEntry:
            raise NotReleased(f"{week_id} is not in this course's gradebook: release it first "
                              f"(dlkit release {week_id})") from None


def _note_error(folder, week_id, student, error):
    stored = store.load(folder.results(week_id), student) or store.Stored(None, None)
    stored.error = error
    store.save(folder.results(week_id), student, stored)


def _timestamp(directory):
    stamp = directory / "timestamp.txt"
    try:
        return parse_utc(stamp.read_text().strip()) if stamp.exists() else None
    except ValueError:
        return None


class grade_lock:
    """An exclusive lock on the course's grading (``.dlkit/grade.lock``): one ``grade`` (or one
    submission of ``dlkit serve``) storing in the gradebook at a time. ``wait``: block until it
    is free (the instant-feedback service, between two of its submissions), else raise
    :class:`Busy` at once."""

    def __init__(self, folder, wait=False):
        self.path, self.wait = folder.root / ".dlkit" / "grade.lock", wait

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            self.handle.close()
            raise Busy(f"another `grade` (or `dlkit serve`, storing a submission) is running in "
                       f"{self.path.parents[1]}; wait for it to finish") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
