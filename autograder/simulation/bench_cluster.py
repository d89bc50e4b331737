"""``python -m autograder bench-cluster``: ``grade --jobs 2`` here beside a 2-worker Dask cluster.

One machine, the same N submissions of a week (:func:`autograder.simulation.bench.prepare`,
the benchmark's mix of right, wrong and broken answers), each ``grade`` timed as a whole
process with ``--no-feedback`` (feedback, exports and the report are made in the grade
process either way):

* ``local``: ``grade --jobs J``, forked workers;
* ``cluster``: ``grade --cluster tcp://127.0.0.1:PORT`` on a scheduler and J
  ``dask worker --nthreads 1`` processes started here (:class:`LocalDaskCluster`), the
  workers just started (``cluster_cold``) and again with ``--force`` (``cluster_warm``);
  starting the cluster is timed apart (``cluster_start_s``).

The report (printed, and ``cluster.json`` in the folder) gives seconds per notebook,
the mean grading seconds of one submission as the workers measured them (each result's
``seconds``: what one worker spends per submission), and whether both routes stored the
same score on every cell.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..course import weeks
from ..course.nbgrader_cli import environment
from ..grading import store
from ..staff.gradebook import cell_scores
from .bench import copy_course, prepare, timed

REPORT = "cluster.json"


class LocalDaskCluster:
    """A Dask scheduler and ``workers`` ``dask worker`` processes on localhost, as subprocesses
    of this Python (the kit's environment, ``DLKIT_INSTRUCTOR=1``); logs in ``folder``."""

    def __init__(self, folder, workers=2, nanny=False, start_seconds=180):
        self.folder, self.procs = Path(folder), []
        self.folder.mkdir(parents=True, exist_ok=True)
        self.env = environment({**os.environ, "DLKIT_INSTRUCTOR": "1"})
        self.file = self.folder / "scheduler.json"
        self.file.unlink(missing_ok=True)
        started = time.monotonic()
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                                   "--no-dashboard", "--scheduler-file", str(self.file)])
        try:
            while not self.file.exists():
                if time.monotonic() - started > start_seconds or self.scheduler.poll() is not None:
                    raise RuntimeError(f"the Dask scheduler did not start:\n{self.log('scheduler')}")
                time.sleep(0.2)
            self.address = json.loads(self.file.read_text())["address"]
            self.workers = [self._start(f"worker{i}", ["worker", "--scheduler-file", str(self.file), "--nthreads",
                                                       "1", "--nanny" if nanny else "--no-nanny", "--no-dashboard",
                                                       "--host", "127.0.0.1", "--preload", "autograder.grading.cluster"])
                            for i in range(workers)]
            from distributed import Client

            self.client = Client(self.address, timeout=60, set_as_default=False)
            self.client.wait_for_workers(workers, timeout=start_seconds)
        except BaseException:
            self.close()
            raise
        self.start_seconds = time.monotonic() - started

    def _start(self, name, args):
        with open(self.folder / f"{name}.log", "w") as out:
            proc = subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=out, stderr=subprocess.STDOUT,
                                    env=self.env, cwd=self.folder)
        self.procs.append(proc)
        return proc

    def log(self, name):
        path = self.folder / f"{name}.log"
        return path.read_text()[-3000:] if path.exists() else ""

    def worker_pids(self):
        """``{worker address: pid}``."""
        return self.client.run(os.getpid)

    def close(self):
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _grade(course, week_id, *options):
    return timed([sys.executable, "-m", "autograder", "grade", week_id, "--course", str(course.root), "--quiet",
                  "--no-feedback", *options], course.root)


def _mean_seconds(course, week_id):
    stored = store.load_all(course.results(week_id)).values()
    return round(sum(s.seconds for s in stored) / max(1, len(stored)), 3)


def run_bench_cluster(week_id="week01", n=30, jobs=2, folder="bench-cluster", out=print):
    """Time ``grade --jobs jobs`` beside a ``jobs``-worker local Dask cluster on ``n``
    submissions; print; write ``folder/cluster.json``; 0 when both stored the same scores."""
    root = Path(folder).resolve()
    if root.exists():
        shutil.rmtree(root)
    week = weeks.week(week_id)
    template, _kinds = prepare(root, week_id, n)
    local, on_dask = copy_course(template, root / "local"), copy_course(template, root / "dask")
    out(f"bench-cluster: {n} submissions of {week_id}; grade --jobs {jobs}...")
    seconds = {"local": _grade(local, week_id, "--jobs", str(jobs), "--cluster", "local")}
    means = {"local": _mean_seconds(local, week_id)}
    out(f"starting a scheduler and {jobs} workers...")
    with LocalDaskCluster(root / "dask-logs", workers=jobs) as running:
        start = running.start_seconds
        out(f"grade --cluster {running.address} (workers just started), then again with --force...")
        seconds["cluster_cold"] = _grade(on_dask, week_id, "--cluster", running.address)
        means["cluster_cold"] = _mean_seconds(on_dask, week_id)
        seconds["cluster_warm"] = _grade(on_dask, week_id, "--cluster", running.address, "--force")
        means["cluster_warm"] = _mean_seconds(on_dask, week_id)
    same = cell_scores(on_dask.db_url, week_id, week.notebook) == cell_scores(local.db_url, week_id, week.notebook)
    data = {"week": week_id, "n": n, "jobs": jobs, "workers": jobs, "cores": os.cpu_count(),
            "cluster_start_s": round(start, 2),
            **{f"{key}_s": round(s, 2) for key, s in seconds.items()},
            **{f"{key}_s_per_nb": round(s / n, 3) for key, s in seconds.items()},
            **{f"{key}_grading_s_per_submission": m for key, m in means.items()},
            "scores_agree": same}
    (root / REPORT).write_text(json.dumps(data, indent=1) + "\n")
    out(f"\n{'run':<34} {'s (whole grade)':>15} {'s / notebook':>13} {'one submission':>15}")
    for key, label in (("local", f"grade --jobs {jobs}"), ("cluster_cold", f"grade --cluster ({jobs} workers, cold)"),
                       ("cluster_warm", f"grade --cluster ({jobs} workers, warm)")):
        out(f"{label:<34} {seconds[key]:15.1f} {seconds[key] / n:13.3f} {means[key]:15.3f}")
    out(f"starting the cluster: {start:.1f} s; the same score on every cell: {'yes' if same else 'NO'}")
    out(f"written: {root / REPORT}")
    return 0 if same else 1
