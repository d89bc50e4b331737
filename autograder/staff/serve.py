"""``dlkit serve``: feedback a moment after each submission, through nbgrader's exchange.

In the foreground until SIGTERM or Ctrl-C, the service watches the
exchange's inbound folder (:mod:`autograder.staff.inbound`). Each new,
complete submission of a week whose ``instant.feedback`` is on:

1. within the attempt limits (:mod:`autograder.staff.attempts`)? If not, the
   student gets a page saying when the next feedback comes; the submission
   stays in the exchange and is graded at the deadline like any other;
2. staged into ``submitted/<student>/<week>/`` (this very attempt), graded
   by a grading worker with the kit's one scoring function
   (:func:`autograder.staff.grade.grade_one`), and stored in the gradebook
   by the one writer (``nbgrader autograde``, under the course's grading
   lock), so the gradebook always holds the last submission graded;
3. answered: a page (:mod:`autograder.staff.instant_page`) put where
   ``nbgrader fetch_feedback`` (the Assignments tab's Fetch Feedback) finds
   it for that submission, and nobody else's; then the ledger records it.

One log line per submission. A burst is graded ``jobs`` at a time (one
submission per student per round, oldest first), or on a Dask cluster's
workers with ``cluster`` (``serve --cluster``, else ``[grading] cluster`` in
the course table; :mod:`autograder.grading.cluster`). Stopped by SIGTERM or
SIGINT, it finishes the round in hand; stopped by SIGKILL, it deals on
restart with what it had not answered. Two services on one course refuse
to run together (``.dlkit/serve.lock``). The grade that counts is still
nbgrader's rule: ``collect`` and ``grade`` after the deadline work as before.
"""

import contextlib
import datetime as dt
import fcntl
import signal
import time
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool

from nbgrader.api import Gradebook, MissingEntry

from .. import texts
from ..course import calendar
from ..course import table as course_table
from ..course.weeks import week as find_week
from ..errors import KitError
from ..grading import grade
from ..grading import pool as pools
from ..grading import store
from . import attempts, inbound, instant_page
from .grade import grade_lock, grade_one, writer_for

_ = texts.domain("staff")
POLL_SECONDS = 0.25  # between two looks at the inbound folder when it has nothing new
CLUSTER_RETRY_SECONDS = 5.0  # between two tries of a grading cluster that did not answer


class AlreadyServing(KitError, RuntimeError):
    """Another ``dlkit serve`` runs on this course folder."""


class serve_lock:
    """``.dlkit/serve.lock``, held for the service's whole life.

    A POSIX record lock (``lockf``), not ``flock``: it belongs to this process
    alone, so the grading workers it forks do not hold it, and it ends with
    the service however the service ends (SIGKILL too).
    """

    def __init__(self, folder):
        self.path = folder.root / ".dlkit" / "serve.lock"

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.lockf(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.close()
            raise AlreadyServing(f"`dlkit serve` is already running on {self.path.parents[1]}; "
                                 "one service per course") from None
        return self

    def __exit__(self, *exc):
        fcntl.lockf(self.handle, fcntl.LOCK_UN)
        self.handle.close()


class Service:
    """The rounds of one running service; :meth:`run_once` deals with what is waiting now."""

    def __init__(self, folder, jobs=1, log=None, cluster=None):
        from .writer import limits_for

        self.folder, self.jobs = folder, max(1, jobs)
        self.cluster = course_table.cluster_for(folder.table, cluster)
        self.grader = None  # the cluster connection, kept between rounds
        self.cluster_down = ""  # why the cluster did not grade the last round ('' when it did)
        self.log = log or (lambda line: print(line, flush=True))
        self.ledger = attempts.Ledger(folder)
        self.limits = limits_for(folder.config)
        self.open_weeks, self.pool = {}, None

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        if self.grader is not None:
            self.grader.close()
            self.grader = None

    # -- one round ------------------------------------------------------
    def run_once(self) -> int:
        """Answer the waiting submissions (one per student); returns how many were answered."""
        table = self.folder.table
        waiting, students = [], set()
        for submission in inbound.scan(self.folder):
            if submission.name in self.ledger or submission.student in students \
                    or not self._serves(table, submission.week):
                continue
            students.add(submission.student)
            waiting.append(submission)
        if not waiting:
            return 0
        accepted = []
        for submission in waiting:
            seen = calendar.now()
            held = attempts.next_allowed(table.week(submission.week).instant.attempts,
                                         self.ledger.answered(inbound.submitter(submission), submission.week), seen)
            if held is None:
                inbound.stage(self.folder, submission)
                accepted.append((submission, seen))
            else:
                self._over_limit(submission, seen, *held)
        for (submission, seen), error in self._graded(accepted):
            self._answer(submission, seen, error)
        return 0 if self.cluster_down else len(waiting)  # 0: the service waits a moment before asking again

    def _serves(self, table, week_id):
        """The week has instant feedback on, and was released in this course (it is in the gradebook)."""
        if week_id not in table.weeks or not table.week(week_id).instant.feedback:
            return False
        if week_id not in self.open_weeks:
            with Gradebook(self.folder.db_url, self.folder.course_id) as gb:
                try:
                    gb.find_assignment(week_id)
                    self.open_weeks[week_id] = True
                except MissingEntry:
                    return False  # asked again next round: it may be released meanwhile
        return True

    def _graded(self, accepted):
        """``((submission, seen), error)`` as each grading worker finishes (error: '' or instructor-facing)."""
        if not accepted:
            return
        if self.cluster:
            yield from self._graded_on_cluster(accepted)
            return
        for attempt in range(2):
            if self.pool is None:
                for week_id in sorted({s.week for s, _seen in accepted}):
                    grade.prepare(week_id)  # the workers are forked with it
                self.pool = pools.forked_pool(self.jobs)
            futures = {self.pool.submit(grade_one, s.student, str(self.folder.root), s.week, self.limits): (s, seen)
                       for s, seen in accepted}
            broken = []
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result()
                except BrokenProcessPool:
                    broken.append(futures[future])
                except Exception as exc:  # a grader-side failure: reported, the others go on
                    yield futures[future], f"grading failed: {type(exc).__name__}: {str(exc)[:300]}"
            if not broken:
                return
            self.close()  # a worker died (memory, a kill): a fresh pool, once
            accepted = broken
        for item in accepted:
            yield item, "its grading worker died twice"

    def _graded_on_cluster(self, accepted):
        """As :meth:`_graded`, on the cluster. A scheduler that cannot be reached, or is lost
        mid-round, answers nobody: what it did not return waits (out of the ledger) for a round
        in which it answers, and the service goes on."""
        from ..grading import cluster as clusters

        by_week = {}
        for submission, seen in accepted:  # one submission per student per round
            by_week.setdefault(submission.week, {})[submission.student] = (submission, seen)
        try:
            if self.grader is None:
                self.grader = clusters.ClusterGrader(self.cluster)
            for week_id, items in by_week.items():
                for student, error, failure in self.grader.each(grade_one, self.folder, week_id, list(items),
                                                                self.limits):
                    yield items[student], error or (f"grading failed: {failure}" if failure else "")
            self.cluster_down = ""
        except clusters.ClusterProblem as exc:
            if self.grader is not None:
                with contextlib.suppress(Exception):  # a connection already lost may fail to close
                    self.grader.close()
                self.grader = None
            if str(exc) != self.cluster_down:  # said once, not every round it stays down
                self.log(f"grading cluster: {exc}; the waiting submissions are graded once it answers")
            self.cluster_down = str(exc)

    # -- answers --------------------------------------------------------
    def _answer(self, submission, seen, error):
        folder, week = self.folder, find_week(submission.week)
        if not error:
            with grade_lock(folder, wait=True):
                error = writer_for(self.folder.root, submission.week).store(submission.student)
        stored = store.load(folder.results(submission.week), submission.student)
        result = stored.result if stored is not None else None
        lang = folder.table.language
        entry = folder.table.week(submission.week)
        if result is None:
            html, score = instant_page.failed(week, self._local(seen, entry), lang), None
        else:
            show = entry.instant.before_due == "scores" or (entry.due is not None and seen >= entry.due)
            html = instant_page.graded(week, self._local(seen, entry), result, show, self._left(submission, seen), lang)
            score = result.score
        released = inbound.release_page(folder, submission, week.notebook, html)
        outcome = attempts.GRADED if result is not None else attempts.ERROR
        self._record(submission, seen, outcome, score, released)
        detail = f"{score:g}/{week.max_score:g}" if score is not None else "not graded"
        self.log(_line(submission, seen, f"graded {detail}" + (f" (writer: {error})" if error else "")))

    def _over_limit(self, submission, seen, next_at, rule):
        week, entry = find_week(submission.week), self.folder.table.week(submission.week)
        next_at = self._local(next_at, entry)
        html = instant_page.over_limit(week, self._local(seen, entry), next_at, rule, self.folder.table.language)
        released = inbound.release_page(self.folder, submission, week.notebook, html)
        self._record(submission, seen, attempts.OVER_LIMIT, None, released)
        self.log(_line(submission, seen, f"over the limit ({rule[0]} per {rule[1]:g} s); next feedback from "
                                         f"{next_at:%Y-%m-%d %H:%M %Z}"))

    def _record(self, submission, seen, outcome, score, released):
        self.ledger.record(attempts.Entry(
            submission.name, submission.week, submission.student, inbound.submitter(submission), seen.isoformat(),
            outcome, score, released.name, round((calendar.now() - seen).total_seconds(), 3)))

    def _left(self, submission, seen):
        """'2 of 3 feedbacks used in the last hour', for the rule with the fewest left (this one counted)."""
        rules = self.folder.table.week(submission.week).instant.attempts
        answered = self.ledger.answered(inbound.submitter(submission), submission.week) + [seen]
        tightest = None
        for count, seconds in rules:
            used = sum(1 for when in answered if seen - dt.timedelta(seconds=seconds) < when <= seen)
            if tightest is None or count - used < tightest[0] - tightest[1]:
                tightest = (count, used, seconds)
        if tightest is None:
            return None
        count, used, seconds = tightest
        return _("{used} of {count} feedbacks used in the last {window}.", used=used, count=count,
                 window=instant_page.window(seconds))

    @staticmethod
    def _local(moment, entry):
        """``moment`` in the course's time zone (that of the week's due date), for students to read."""
        return moment.astimezone(entry.due.tzinfo if entry.due is not None else dt.timezone.utc)


def _line(submission, seen, what):
    took = (calendar.now() - seen).total_seconds()
    return f"{seen:%Y-%m-%d %H:%M:%S} {submission.week} {submission.student} ({submission.name}): {what} [{took:.1f} s]"


def serve(folder, jobs=1, poll=POLL_SECONDS, log=None, rounds=None, cluster=None):
    """Run the service on course ``folder`` until SIGTERM or SIGINT (or ``rounds`` idle-or-busy rounds);
    ``cluster``: a Dask scheduler to grade on (None: the course table's; "local": local processes)."""
    stopping = []
    previous = {sig: signal.signal(sig, lambda *_args: stopping.append(True)) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with serve_lock(folder):
            service = Service(folder, jobs, log, cluster)
            service.log(f"serving instant feedback for {folder.root} (course {folder.course_id}); "
                        f"Ctrl-C or SIGTERM stops")
            try:
                done = 0
                while not stopping and (rounds is None or done < rounds):
                    if not service.run_once():
                        time.sleep(max(poll, CLUSTER_RETRY_SECONDS) if service.cluster_down else poll)
                    done += 1
            finally:
                service.close()
                service.log("stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0

