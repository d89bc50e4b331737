"""``python -m autograder``: a thin command line that parses and delegates.

Every command that grades needs the reference solutions, hence the
instructor flag: ``--instructor`` here, or ``DLKIT_INSTRUCTOR=1``.
"""

import argparse
import logging
import os
import sys

INSTRUCTOR_FLAG = "DLKIT_INSTRUCTOR"  # the same name solutions/__init__.py checks


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    parser.add_argument("--instructor", action="store_true",
                        help="allow loading the reference solutions (sets DLKIT_INSTRUCTOR=1)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    grade = commands.add_parser("grade-notebook", help="grade one notebook with the hidden suite")
    grade.add_argument("path", help="the submitted .ipynb")
    grade.add_argument("--assignment", required=True, help="assignment id, e.g. week01")
    grade.add_argument("--student", default="student", help="student id (seeds the hidden inputs)")
    grade.add_argument("--json", action="store_true", help="print the grading JSON")

    gate = commands.add_parser("gate", help="check that a week may be released (no release)")
    gate.add_argument("week")

    build = commands.add_parser("build-release", help="gate, then refresh the kit's committed release/WEEK")
    build.add_argument("week")

    new = commands.add_parser("new-course", help="make a course folder (config, course table, sources)")
    new.add_argument("folder")
    new.add_argument("--weeks", nargs="*", help="weeks whose sources to copy (default: all)")

    release = commands.add_parser("release", help="TA: release a week by its date (gate, generate, "
                                                  "gradebook due date, exchange, LMS zip)")
    _course_args(release)
    release.add_argument("--force", action="store_true", help="release before the week's date (never skips the gate)")
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

    report = commands.add_parser("report", help="rewrite the CSV exports and class report of a graded week")
    _course_args(report)

    bench = commands.add_parser("bench", help="time the kit against plain sequential nbgrader autograde")
    bench.add_argument("--week", default="week01")
    bench.add_argument("-n", type=int, default=100, help="submissions to generate (default 100)")
    bench.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="kit runs to time (default: 1 2)")
    bench.add_argument("--folder", default="bench-course", help="scratch folder (replaced)")

    sync = commands.add_parser("sync-solutions", help="rewrite a week's solution cells from solutions/")
    sync.add_argument("week")

    demo = commands.add_parser("demo", help="a whole course cycle in a fresh course folder")
    demo.add_argument("--folder", default="demo-course", help="course folder to create (replaced)")
    demo.add_argument("--weeks", nargs="*", help="weeks to run (default: all with a source notebook)")

    args = parser.parse_args(argv)
    # nbgrader starts `alembic` from PATH: this environment's first
    os.environ["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"
    if args.instructor:
        os.environ[INSTRUCTOR_FLAG] = "1"
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args)
    except (PermissionError, ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args):
    if args.command == "grade-notebook":
        from .grading import grade_notebook

        result = grade_notebook(args.path, args.assignment, args.student)
        print(result.to_json() if args.json else _table(result))
        return 0
    if args.command == "gate":
        from .gate import run_gate

        return 0 if run_gate(args.week).print_report() else 1
    if args.command == "build-release":
        from .release import release

        return 0 if release(args.week) else 1
    if args.command == "new-course":
        from .folder import create

        folder = create(args.folder, args.weeks)
        print(f"course folder {folder.root}: edit course.toml for your semester's dates")
        return 0
    if args.command in ("release", "collect", "grade", "report"):
        from . import staff

        return staff.run(args)
    if args.command == "bench":
        from .bench import run_bench

        return run_bench(args.week, args.n, args.jobs, args.folder)
    if args.command == "sync-solutions":
        from . import course, solution_cells

        changed = solution_cells.sync(course.week(args.week))
        print(f"{args.week}: rewrote {', '.join(changed)}" if changed else f"{args.week}: in sync")
        return 0
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args.folder, args.weeks)
    raise AssertionError(args.command)


def _course_args(parser):
    parser.add_argument("week")
    parser.add_argument("--course", default=".", metavar="PATH", help="the course folder (default: here)")


def _table(result):
    lines = [f"{result.assignment} / {result.student}: {result.score:g} / {result.max_score:g}"]
    for problem in result.problems:
        lines.append(f"  ! {problem}")
    for cell in result.cells:
        lines.append(f"  {cell.grade_id:<28} {cell.score:>5g} / {cell.max_score:<4g} "
                     f"{cell.passed} passed, {cell.failed} failed")
        lines += [f"      - {m}" for m in cell.messages]
    return "\n".join(lines)
