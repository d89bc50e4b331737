"""``dlkit`` (or ``python -m autograder``): a thin command line that parses and delegates.

Every command that grades needs the reference solutions, hence the
instructor flag: ``--instructor`` here, or ``DLKIT_INSTRUCTOR=1``. A
refusal of the kit's own (:class:`~autograder.errors.KitError`) is one
line, ``error: ...``, and exit code 2; anything else is a bug and keeps
its traceback.
"""

import argparse
import gc
import importlib
import logging
import os
import sys

from . import texts
from .errors import KitError

_ = texts.domain("grading")
INSTRUCTOR_FLAG = "DLKIT_INSTRUCTOR"  # the same name solutions/__init__.py checks

# command -> "module:function" that runs it with the parsed arguments
COMMANDS = {
    "grade-notebook": "autograder.cli:grade_notebook",
    "gate": "autograder.cli:gate",
    "build-release": "autograder.cli:build_release",
    "sync-solutions": "autograder.cli:sync_solutions",
    "new-course": "autograder.cli:new_course",
    "release": "autograder.staff.commands:release",
    "collect": "autograder.staff.commands:collect",
    "grade": "autograder.staff.commands:grade",
    "report": "autograder.staff.commands:report",
    "release-feedback": "autograder.staff.commands:release_feedback",
    "serve": "autograder.staff.commands:serve",
    "demo": "autograder.cli:demo",
    "bench": "autograder.cli:bench",
    "bench-serve": "autograder.cli:bench_serve",
    "bench-cluster": "autograder.cli:bench_cluster",
}


def parser():
    top = argparse.ArgumentParser(prog="dlkit", description=__doc__.splitlines()[0])
    top.add_argument("--instructor", action="store_true",
                     help="allow loading the reference solutions (sets DLKIT_INSTRUCTOR=1)")
    top.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    grade = commands.add_parser("grade-notebook", help="grade one notebook with the hidden suite")
    grade.add_argument("path", help="the submitted .ipynb")
    grade.add_argument("--assignment", required=True, help="assignment id, e.g. week01")
    grade.add_argument("--student", default="student", help="student id (seeds the hidden inputs)")
    grade.add_argument("--json", action="store_true", help="print the grading JSON")
    grade.add_argument("--lang", choices=("ko", "en", "both"),
                       help="language of the messages (default: the course table's `language` here, else both)")

    commands.add_parser("gate", help="check that a week may be released (no release)").add_argument("week")
    commands.add_parser("build-release", help="gate, then refresh the kit's committed release/WEEK"
                        ).add_argument("week")
    commands.add_parser("sync-solutions", help="rewrite a week's solution cells from solutions/"
                        ).add_argument("week")

    new = commands.add_parser("new-course", help="make a course folder (config and course table; "
                                                 "each week's sources arrive when it is released)")
    new.add_argument("folder")

    release = commands.add_parser("release", help="TA: release a week by its date (gate, generate, "
                                                  "gradebook due date, exchange, LMS zip)")
    _course_args(release)
    release.add_argument("--force", action="store_true",
                         help="release before the week's date (the date only: never the gate or the answer check)")
    release.add_argument("--after-due", action="store_true", help="release although the week's due date has passed")
    release.add_argument("--today", help="pretend it is this date/time (ISO), for rehearsals")

    collect = commands.add_parser("collect", help="collect submissions into submitted/ (exchange or LMS download)")
    _course_args(collect)
    collect.add_argument("--lms", metavar="ZIP_OR_FOLDER", help="an LMS download, collected with nbgrader zip_collect")

    grade_week = commands.add_parser("grade", help="instructor: grade every collected submission in parallel, "
                                                   "then feedback, CSV exports and the class report")
    _course_args(grade_week)
    grade_week.add_argument("--jobs", type=int, default=0, help="grading processes (default: one per core)")
    grade_week.add_argument("--force", action="store_true", help="regrade submissions already graded")
    grade_week.add_argument("--no-feedback", action="store_true", help="skip nbgrader generate_feedback")
    grade_week.add_argument("--quiet", action="store_true", help="no progress bar")
    grade_week.add_argument("--cluster", metavar="tcp://HOST:PORT",
                            help="grade on this Dask scheduler's workers (default: [grading] cluster in "
                                 "course.toml, else --jobs local processes; `local` forces those)")

    _course_args(commands.add_parser("report", help="rewrite the CSV exports and class report of a graded week"))
    _course_args(commands.add_parser("release-feedback", help="put a graded week's feedback in the exchange "
                                                              "for the students (nbgrader release_feedback)"))

    serve = commands.add_parser("serve", help="TA: feedback a moment after each submission (watches the exchange; "
                                              "the week's `instant` policy in course.toml); until Ctrl-C or SIGTERM")
    serve.add_argument("--course", default=".", metavar="PATH", help="the course folder (default: here)")
    serve.add_argument("--jobs", type=int, default=1, help="grading processes for a burst (default 1)")
    serve.add_argument("--cluster", metavar="tcp://HOST:PORT",
                       help="grade on this Dask scheduler's workers (default: [grading] cluster in course.toml)")

    demo = commands.add_parser("demo", help="a whole course cycle in a fresh course folder")
    demo.add_argument("--folder", default="demo-course", help="course folder to create (replaced)")
    demo.add_argument("--weeks", nargs="*", help="weeks to run (default: all with a source notebook)")

    bench = commands.add_parser("bench", help="time the kit against plain sequential nbgrader autograde "
                                              "(with and without plot cells); writes FOLDER/bench.json")
    bench.add_argument("--week", default="week01")
    bench.add_argument("-n", type=int, default=100, help="submissions to generate (default 100)")
    bench.add_argument("--jobs", type=int, default=2,
                       help="grading processes of the kit's runs (default 2); --jobs 1 is timed too")
    bench.add_argument("--folder", default="bench-course", help="scratch folder (replaced)")
    serve_bench = commands.add_parser("bench-serve", help="time submit -> feedback fetchable through a running "
                                                          "`dlkit serve` (one at a time, and a burst); writes FOLDER/serve.json")
    serve_bench.add_argument("--week", default="week01")
    serve_bench.add_argument("-n", type=int, default=50, help="students in the burst (default 50)")
    serve_bench.add_argument("--one", type=int, default=10, help="single submissions timed first (default 10)")
    serve_bench.add_argument("--jobs", type=int, default=2, help="the service's grading processes (default 2)")
    serve_bench.add_argument("--folder", default="bench-serve", help="scratch folder (replaced)")
    cluster_bench = commands.add_parser("bench-cluster", help="time `grade --jobs J` beside a J-worker Dask cluster "
                                                              "on localhost; writes FOLDER/cluster.json")
    cluster_bench.add_argument("--week", default="week01")
    cluster_bench.add_argument("-n", type=int, default=30, help="submissions to generate (default 30)")
    cluster_bench.add_argument("--jobs", type=int, default=2, help="local processes, and Dask workers (default 2)")
    cluster_bench.add_argument("--folder", default="bench-cluster", help="scratch folder (replaced)")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    if args.instructor:
        os.environ[INSTRUCTOR_FLAG] = "1"
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    module, function = COMMANDS[args.command].split(":")
    try:
        from .course.nbgrader_cli import put_python_first

        put_python_first()
        return getattr(importlib.import_module(module), function)(args)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run():
    """The ``dlkit`` program (and ``python -m autograder``): :func:`main`, then exit."""
    code = main()
    # the process ends here: its last garbage collections would walk every object numpy,
    # pytest and IPython made (a quarter of a second of a grade-notebook call) only to free
    # memory the exit frees anyway
    gc.freeze()
    sys.exit(code)


def _course_args(command):
    command.add_argument("week")
    command.add_argument("--course", default=".", metavar="PATH", help="the course folder (default: here)")


# -- the commands that need no more than a line or two -------------------------

def grade_notebook(args):
    from .sandbox import warm

    warm.start()  # the student's sandbox starts while the grading code below is imported
    from .grading.grade import grade_notebook as grade

    from .course import table

    result = grade(args.path, args.assignment, args.student, lang=args.lang or table.for_folder(".").language)
    print(result.to_json() if args.json else _table(result))
    return 0


def gate(args):
    from .authoring.gate import run_gate

    return 0 if run_gate(args.week).print_report() else 1


def build_release(args):
    from .authoring.build import build_release as build

    return 0 if build(args.week) else 1


def sync_solutions(args):
    from .authoring import solution_cells
    from .course.weeks import week

    changed = solution_cells.sync(week(args.week))
    print(f"{args.week}: rewrote {', '.join(changed)}" if changed else f"{args.week}: in sync")
    return 0


def new_course(args):
    from .course.folder import create

    folder = create(args.folder)
    print(f"course folder {folder.root}: edit course.toml for your semester's dates, "
          f"then `dlkit release week01 --course {args.folder}`")
    return 0


def demo(args):
    from .simulation.demo import run_demo

    return run_demo(args.folder, args.weeks)


def bench(args):
    from .simulation.bench import run_bench

    return run_bench(args.week, args.n, args.jobs, args.folder)


def _table(result):
    lines = [f"{result.assignment} / {result.student}: {result.score:g} / {result.max_score:g}"]
    for problem in result.problems:
        lines.append(f"  ! {problem}".replace("\n", "\n    "))
    for cell in result.cells:
        counts = texts.render(_("{passed} passed, {failed} failed", passed=cell.passed, failed=cell.failed),
                              result.language).replace("\n", " · ")
        lines.append(f"  {cell.grade_id:<28} {cell.score:>5g} / {cell.max_score:<4g} {counts}")
        lines += [f"      - {m}".replace("\n", "\n        ") for m in cell.messages]
    return "\n".join(lines)


def bench_serve(args):
    from .simulation.bench_serve import run_bench_serve

    return run_bench_serve(args.week, args.n, args.one, args.jobs, args.folder)


def bench_cluster(args):
    from .simulation.bench_cluster import run_bench_cluster

    return run_bench_cluster(args.week, args.n, args.jobs, args.folder)
