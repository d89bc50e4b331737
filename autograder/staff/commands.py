"""The course staff's commands (``release``, ``collect``, ``grade``, ``report``,
``release-feedback``), run in a course folder.

Each takes the parsed arguments (the CLI did the parsing), calls the module
that does the work, then prints one line per outcome for the terminal.
"""

import sys

from ..course import calendar
from ..course.folder import CourseFolder


def release(args):
    from .release import release_week

    folder = CourseFolder.at(args.course)
    # --today (a rehearsal) pins the kit's one clock for the whole command
    with calendar.pinned(args.today):
        try:
            released = release_week(folder, args.week, force=args.force, after_due=args.after_due)
        except calendar.ReleaseRefused as refused:
            # a past due date is the one refusal a person at the terminal may wave through
            if not all(isinstance(r, calendar.PastDue) for r in refused.refusals) or not _confirm(refused):
                raise
            released = release_week(folder, args.week, force=args.force, after_due=True)
    print(released.summary())
    return 0


def _confirm(refused):
    if not sys.stdin.isatty():
        return False
    answer = input(f"{refused}\nRelease it anyway? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def collect(args):
    from . import exchange

    folder = CourseFolder.at(args.course)
    if args.lms:
        changed = exchange.collect_lms(folder, args.week, args.lms)
        where = f"the LMS download {args.lms}"
    else:
        changed = exchange.collect(folder, args.week)
        where = f"the exchange {folder.exchange}"
    total = len(folder.submissions(args.week))
    print(f"{args.week}: {len(changed)} new or newer submissions from {where} "
          f"({total} in {folder.root / 'submitted'})")
    return 0


def grade(args):
    from .grade import grade_week

    folder = CourseFolder.at(args.course)
    run = grade_week(folder, args.week, jobs=args.jobs, force=args.force,
                     progress=not args.quiet, feedback=not args.no_feedback, cluster=args.cluster)
    print(run.summary())
    _print_outputs(folder, args.week)
    return 1 if run.errors else 0


def release_feedback(args):
    from . import exchange

    folder = CourseFolder.at(args.course)
    students = exchange.release_feedback(folder, args.week)
    print(f"{args.week}: feedback released for {len(students)} students: `nbgrader fetch_feedback {args.week}` "
          f"(or Fetch Feedback in the Assignments tab) gets it")
    return 0


def report(args):
    from . import class_report, exports

    folder = CourseFolder.at(args.course)
    exports.export_all(folder, args.week)
    class_report.write(folder, args.week)
    _print_outputs(folder, args.week)
    return 0


def _print_outputs(folder, week_id):
    for name in ("grades.csv", f"{week_id}-questions.csv", f"{week_id}-mistakes.csv", f"{week_id}-report.html"):
        path = folder.reports / name
        if path.exists():
            print(f"  {path}")


def serve(args):
    from .serve import serve as run

    return run(CourseFolder.at(args.course), jobs=args.jobs, cluster=args.cluster)
